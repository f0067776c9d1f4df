import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signPatientPayload, SIGNED_PAYLOAD_TYPES } from '@medledger/domain';
import type { NetworkInfo } from '@medledger/network';
import { apiAs, until, type ApiClient, type ApiResponse } from './support/api';
import { newPatientRegistration, penicillinAllergy, potassiumResult, recordOf } from './support/fixtures';
import { ensureNetwork, releaseNetwork } from './support/network';

/**
 * The unconscious patient (issue 13, emergency profile) on the real consortium: the patient's records
 * are at Hospital1, the patient arrives unconscious at Hospital2, whose doctor breaks the glass. The
 * patient's signed emergency profile opens the allergy record and nothing else; a second attending of
 * Hospital2 co-signs one more record; both are reviewed afterwards. And what an attacker tries: a relay
 * replaying an older profile, the requester co-signing alone, a doctor of another hospital co-signing,
 * two co-signatures racing for one request. Then the review: the regulator's compliance report names
 * the co-signer of the co-signed access and lists the emergency listing (who, org, reason, patient,
 * categories), which Hospital2's admin reviews like a break-glass access.
 */

const run = randomBytes(4).toString('hex');
type Body = Record<string, unknown>;

interface Decision {
  accessId: string;
  outcome: string;
  reason: string;
  breakGlass: boolean;
}

function expectStatus(res: ApiResponse, status: number, what: string): void {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

const decisionOf = (res: ApiResponse): Decision => res.body['decision'] as Decision;

describe('emergency profile: the unconscious patient at another hospital', () => {
  let info: NetworkInfo;
  const did = `did:medledger:patient:p-er-${run}`;
  const patientKeys = newPatientRegistration(did);
  const patient = { did, privateJwk: patientKeys.key.privateJwk, kid: `${did}#key-1` };
  const ids = {
    writer: `h1-er-writer-${run}`,
    doctorA: `h2-er-a-${run}`,
    doctorB: `h2-er-b-${run}`,
    doctorC: `h2-er-c-${run}`,
  };
  const records = { allergy: `rec-er-allergy-${run}`, lab: `rec-er-lab-${run}`, lab2: `rec-er-lab2-${run}` };
  let writer: ApiClient;
  let doctorA: ApiClient;
  let doctorB: ApiClient;
  let doctorC: ApiClient;
  let h1Admin: ApiClient;
  let h2Admin: ApiClient;
  let auditor: ApiClient;
  let patientApp: ApiClient;
  let emergencyListingId = '';
  let coSignedAccess = { accessId: '', coSigner: '' };
  let iat = Math.floor(Date.now() / 1000);
  const timings: Record<string, number> = {};

  const signProfile = (categories: string[], at: number): string =>
    signPatientPayload(
      {
        typ: SIGNED_PAYLOAD_TYPES.preferences,
        emergencyProfile: { categories, beyondProfile: 'co_signed' },
        iat: at,
        exp: at + 300,
      },
      { patientDid: did, privateJwk: patient.privateJwk, kid: patient.kid },
      { nowMs: at * 1000 },
    );

  const breakGlass = async (who: ApiClient, recordId: string): Promise<Decision> => {
    const started = performance.now();
    const res = await who.post(`/v1/records/${recordId}/access`, {
      purpose: 'emergency',
      breakGlassReason: 'unconscious_patient',
      custodian: 'Hospital1MSP',
    });
    timings['break-glass decision (ms)'] = Math.round(performance.now() - started);
    expectStatus(res, 200, `break-glass ${recordId}`);
    return decisionOf(res);
  };
  const coSign = (who: ApiClient, requestId: string) =>
    who.post(`/v1/break-glass/${requestId}/co-sign`, { custodian: 'Hospital1MSP' });
  const content = (who: ApiClient, recordId: string, accessId: string) =>
    who.get(`/v1/records/${recordId}/content?custodian=Hospital1MSP&accessId=${accessId}`);

  before(async () => {
    info = await ensureNetwork();
    h1Admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
    h2Admin = await apiAs(info, 'Hospital2', 'hospital2-admin');
    auditor = await apiAs(info, 'Regulator', 'regulator-auditor-1');
    for (const [admin, enrollmentId, department] of [
      [h1Admin, ids.writer, 'cardiology'],
      [h2Admin, ids.doctorA, 'emergency'],
      [h2Admin, ids.doctorB, 'emergency'],
      [h2Admin, ids.doctorC, 'emergency'],
    ] as const) {
      expectStatus(
        await admin.post('/v1/staff', { enrollmentId, role: 'attending', department }),
        201,
        enrollmentId,
      );
    }
    writer = await apiAs(info, 'Hospital1', ids.writer);
    doctorA = await apiAs(info, 'Hospital2', ids.doctorA);
    doctorB = await apiAs(info, 'Hospital2', ids.doctorB);
    doctorC = await apiAs(info, 'Hospital2', ids.doctorC);
    patientApp = await apiAs(info, 'Hospital2', did, { kind: 'patient' });
    expectStatus(await writer.post('/v1/patients', patientKeys.body), 201, 'register patient');
    const ref = did.split(':').pop() ?? '';
    for (const [recordId, category, resource] of [
      [records.allergy, 'allergy', penicillinAllergy(ref)],
      [records.lab, 'lab', potassiumResult(ref)],
      [records.lab2, 'lab', potassiumResult(ref)],
    ] as const) {
      expectStatus(
        await writer.post('/v1/records', recordOf(recordId, did, category, resource)),
        201,
        recordId,
      );
    }
  });
  after(async () => {
    // Timings of this run, for the report (one decision, one co-signature, on the shared machine).
    console.log(`[emergency-profile] ${JSON.stringify(timings)}`);
    await releaseNetwork();
  });

  it('when the patient signs an allergies-only profile, then a relay replaying an older profile is refused and the signed one stands', async () => {
    const older = signProfile(['allergy', 'lab', 'diagnosis'], iat);
    iat += 5;
    const profile = signProfile(['allergy'], iat);
    const path = `/v1/patients/${encodeURIComponent(did)}/preferences`;
    const unsigned = await doctorA.get(
      `/v1/patients/${encodeURIComponent(did)}/records?purpose=emergency&breakGlassReason=unconscious_patient`,
    );
    expectStatus(unsigned, 403, 'an emergency listing before the patient signed a profile');
    assert.match(String(unsigned.body['detail']), /NO_EMERGENCY_PROFILE/);
    const set = await patientApp.call('PUT', path, { jws: profile });
    expectStatus(set, 200, 'set emergency profile');
    assert.deepEqual((set.body['preferences'] as Body)['emergencyProfile'], {
      categories: ['allergy'],
      beyondProfile: 'co_signed',
    });
    const replayed = await doctorA.call('PUT', path, { jws: profile });
    expectStatus(replayed, 409, 'the same profile relayed again');
    assert.equal(replayed.body['code'], 'REPLAYED_NONCE');
    const rolledBack = await doctorA.call('PUT', path, { jws: older });
    expectStatus(rolledBack, 409, 'an older profile relayed after the newer one');
    assert.equal(rolledBack.body['code'], 'STALE_PAYLOAD');
  });

  it('when a Hospital2 doctor lists in an emergency, then the listing names the allergy record at Hospital1 and nothing else, and break-glass reads it and nothing else', async () => {
    const path = `/v1/patients/${encodeURIComponent(did)}/records?purpose=emergency&breakGlassReason=unconscious_patient`;
    const started = performance.now();
    const listing = await doctorA.get(path);
    timings['emergency listing (ms)'] = Math.round(performance.now() - started);
    expectStatus(listing, 200, 'emergency listing');
    assert.equal(listing.body['mode'], 'emergency');
    emergencyListingId = String(listing.body['listingId']);
    const listed = listing.body['records'] as Body[];
    assert.deepEqual(
      listed.map((r) => [r['custodian'], r['recordId'], r['category']]),
      [['Hospital1MSP', records.allergy, 'allergy']],
    );
    // The doctor found the record without knowing its id: the listing's own answer opens it.
    const found = String(listed[0]?.['recordId']);
    const allergy = await breakGlass(doctorA, found);
    assert.deepEqual([allergy.outcome, allergy.reason, allergy.breakGlass], ['granted', 'BREAK_GLASS', true]);
    const read = await content(doctorA, records.allergy, allergy.accessId);
    expectStatus(read, 200, 'allergy content');
    assert.equal((read.body['resource'] as Body)['resourceType'], 'AllergyIntolerance');
    const lab = await breakGlass(doctorA, records.lab);
    assert.deepEqual([lab.outcome, lab.reason], ['denied', 'CO_SIGNATURE_REQUIRED']);
    expectStatus(
      await content(doctorA, records.lab, lab.accessId),
      403,
      'lab content without a co-signature',
    );
  });

  it('when the requester or a doctor of another hospital co-signs, then CO_SIGNER_NOT_PERMITTED and nothing opens', async () => {
    const lab = await breakGlass(doctorA, records.lab);
    const self = await coSign(doctorA, lab.accessId);
    expectStatus(self, 403, 'the requester co-signing');
    assert.equal(self.body['code'], 'CO_SIGNER_NOT_PERMITTED');
    // Hospital1's attending: another org than the requester's (named through Hospital1's gateway).
    const foreign = await writer.post(`/v1/break-glass/${lab.accessId}/co-sign`, {
      custodian: 'Hospital1MSP',
    });
    expectStatus(foreign, 403, 'a doctor of another hospital co-signing');
    assert.equal(foreign.body['code'], 'CO_SIGNER_NOT_PERMITTED');
  });

  it('when two attendings race to co-sign one request, then one co-signature opens the lab record once, read by the requester only', async () => {
    const lab = await breakGlass(doctorA, records.lab);
    const started = performance.now();
    const [b, c] = await Promise.all([coSign(doctorB, lab.accessId), coSign(doctorC, lab.accessId)]);
    timings['two racing co-signatures (ms)'] = Math.round(performance.now() - started);
    const statuses = [b.status, c.status].sort();
    assert.deepEqual(statuses, [200, 409], `${JSON.stringify(b.body)} ${JSON.stringify(c.body)}`);
    const won = b.status === 200 ? b : c;
    const lost = b.status === 200 ? c : b;
    assert.ok(['CONFLICT', 'LEDGER_CONFLICT'].includes(String(lost.body['code'])), JSON.stringify(lost.body));
    const granted = decisionOf(won);
    assert.deepEqual([granted.outcome, granted.reason], ['granted', 'BREAK_GLASS_COSIGNED']);
    const read = await content(doctorA, records.lab, granted.accessId);
    expectStatus(read, 200, 'co-signed lab content');
    assert.equal((read.body['resource'] as Body)['resourceType'], 'Observation');
    expectStatus(
      await content(doctorB, records.lab, granted.accessId),
      403,
      'the co-signer reading with the grant',
    );
    // One more record, not the patient's whole file: the second lab result still needs its own.
    assert.equal((await breakGlass(doctorA, records.lab2)).reason, 'CO_SIGNATURE_REQUIRED');
    const again = await coSign(doctorB, lab.accessId);
    expectStatus(again, 409, 'a co-signature of a request co-signed already');

    const review = await h1Admin.post(`/v1/break-glass/${granted.accessId}/review`, { outcome: 'justified' });
    expectStatus(review, 200, 'review of the co-signed case');
    const reviewed = review.body['case'] as Body;
    const coSigner = won === b ? ids.doctorB : ids.doctorC;
    assert.equal(reviewed['coSignedBy'], `did:medledger:hospital2:${coSigner}`);
    assert.equal(reviewed['actorDid'], `did:medledger:hospital2:${ids.doctorA}`);
    assert.ok(!JSON.stringify(won.body).includes(did), 'no patient in the co-sign answer');
    coSignedAccess = { accessId: granted.accessId, coSigner: `did:medledger:hospital2:${coSigner}` };
  });

  it("when the regulator reads the compliance report, then the co-signed access names its co-signer and one doctor's names none", async () => {
    assert.notEqual(coSignedAccess.accessId, '', 'the co-signed access of the race above');
    const entry = (res: ApiResponse, id: string) =>
      ((res.body['breakGlass'] ?? []) as Body[]).find((c) => c['eventId'] === id);
    for (const reader of [auditor, h1Admin]) {
      const report = await until(reader, '/v1/reports/compliance', (res) => {
        const c = entry(res, coSignedAccess.accessId);
        return c?.['state'] === 'justified';
      });
      const cosigned = entry(report, coSignedAccess.accessId);
      assert.deepEqual(
        [
          cosigned?.['actorDid'],
          cosigned?.['coSignedBy'],
          cosigned?.['coSignerMsp'],
          cosigned?.['breakGlassReason'],
        ],
        [
          `did:medledger:hospital2:${ids.doctorA}`,
          coSignedAccess.coSigner,
          'Hospital2MSP',
          'unconscious_patient',
        ],
      );
      assert.equal(
        cosigned?.['patientDid'],
        did,
        "the custodian's and the regulator's projections know the patient",
      );
      const alone = ((report.body['breakGlass'] ?? []) as Body[]).filter(
        (c) =>
          c['actorDid'] === `did:medledger:hospital2:${ids.doctorA}` && c['recordId'] === records.allergy,
      );
      assert.ok(alone.length > 0, 'the one-doctor allergy read');
      for (const c of alone) assert.deepEqual([c['coSignedBy'], c['coSignerMsp']], [null, null]);
    }
  });

  it("when a Hospital2 doctor's emergency listing is in the report, then it shows who, org, reason, patient and categories, and Hospital2's admin reviews it", async () => {
    assert.notEqual(emergencyListingId, '', 'the emergency listing of the test above');
    const listingOf = (res: ApiResponse) =>
      ((res.body['emergencyListings'] ?? []) as Body[]).find((l) => l['listingId'] === emergencyListingId);
    const report = await until(auditor, '/v1/reports/compliance', (res) => listingOf(res) !== undefined);
    const listed = listingOf(report);
    assert.deepEqual(
      [
        listed?.['actorDid'],
        listed?.['actorMsp'],
        listed?.['breakGlassReason'],
        listed?.['patientDid'],
        listed?.['categories'],
        listed?.['state'],
      ],
      [
        `did:medledger:hospital2:${ids.doctorA}`,
        'Hospital2MSP',
        'unconscious_patient',
        did,
        ['allergy'],
        'pending',
      ],
    );
    // Hospital1 holds none of the listing: it is not in its admin's report.
    const atH1 = await h1Admin.get('/v1/reports/compliance');
    expectStatus(atH1, 200, "Hospital1's report");
    assert.equal(listingOf(atH1), undefined);

    const review = await h2Admin.post(`/v1/break-glass/${emergencyListingId}/review`, {
      outcome: 'justified',
      custodian: 'Hospital2MSP',
    });
    expectStatus(review, 200, 'review of the emergency listing');
    const reviewed = review.body['case'] as Body;
    assert.deepEqual(
      [reviewed['kind'], reviewed['recordId'], reviewed['status'], reviewed['outcome']],
      ['emergency_listing', null, 'custodian_reviewed', 'justified'],
    );
    assert.ok(!JSON.stringify(review.body).includes(did), 'no patient in the review answer');
    const after = await until(
      h2Admin,
      '/v1/reports/compliance',
      (res) => listingOf(res)?.['state'] === 'justified',
    );
    assert.equal((listingOf(after)?.['review'] as Body | null)?.['byRegulator'], false);
    // A hospital that holds no listing cannot review it.
    const foreign = await h1Admin.post(`/v1/break-glass/${emergencyListingId}/review`, {
      outcome: 'unjustified',
      custodian: 'Hospital2MSP',
    });
    assert.ok([403, 404].includes(foreign.status), JSON.stringify(foreign.body));
  });
});
