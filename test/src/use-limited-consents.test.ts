import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signCompactJws, signPatientPayload, SIGNED_PAYLOAD_TYPES } from '@medledger/domain';
import type { NetworkInfo } from '@medledger/network';
import { apiAs, type ApiClient, type ApiResponse } from './support/api';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from './support/fixtures';
import { ensureNetwork, releaseNetwork } from './support/network';

/**
 * Use-limited consents, deletion attestations and consent templates (issue 13) on the real consortium:
 * a grantee racing access decisions past a consent's read limit, an attestation filed by an org that
 * is not the grantee, and a patient app granting in one step from a template, replayed by its relay.
 */

const run = randomBytes(4).toString('hex');
type Body = Record<string, unknown>;

function expectStatus(res: ApiResponse, status: number, what: string): void {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

describe('use-limited consents, deletion attestations and templates', () => {
  let info: NetworkInfo;
  const did = `did:medledger:patient:p-lim-${run}`;
  const registration = newPatientRegistration(did);
  const patient = { patientDid: did, privateJwk: registration.key.privateJwk, kid: `${did}#key-1` };
  const recordId = `rec-lim-${run}`;
  let writer: ApiClient;
  let doctor: ApiClient;
  let h1Admin: ApiClient;
  let h2Admin: ApiClient;
  let patientApp: ApiClient;
  const timings: Record<string, number> = {};

  before(async () => {
    info = await ensureNetwork();
    h1Admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
    h2Admin = await apiAs(info, 'Hospital2', 'hospital2-admin');
    const ids = { writer: `h1-lim-${run}`, doctor: `h2-lim-${run}` };
    expectStatus(
      await h1Admin.post('/v1/staff', {
        enrollmentId: ids.writer,
        role: 'attending',
        department: 'cardiology',
      }),
      201,
      'writer',
    );
    expectStatus(
      await h2Admin.post('/v1/staff', {
        enrollmentId: ids.doctor,
        role: 'attending',
        department: 'emergency',
      }),
      201,
      'doctor',
    );
    writer = await apiAs(info, 'Hospital1', ids.writer);
    doctor = await apiAs(info, 'Hospital2', ids.doctor);
    patientApp = await apiAs(info, 'Hospital2', did, { kind: 'patient' });
    expectStatus(await writer.post('/v1/patients', registration.body), 201, 'register patient');
    const condition = hypertensionCondition({
      id: `cond-lim-${run}`,
      patientRef: did.split(':').pop() ?? '',
    });
    expectStatus(await writer.post('/v1/records', diagnosisRecord(recordId, did, condition)), 201, 'record');
  });
  after(async () => {
    console.log(`[use-limited-consents] ${JSON.stringify(timings)}`);
    await releaseNetwork();
  });

  it('when a grantee races six access decisions against a consent of three reads, then at most three are granted and the limit holds after', async () => {
    const now = Date.now();
    const jws = signPatientPayload(
      {
        typ: SIGNED_PAYLOAD_TYPES.grant,
        grantee: { kind: 'org', mspId: 'Hospital2MSP' },
        categories: ['diagnosis'],
        maxLevel: 3,
        purpose: 'treatment',
        periodStart: new Date(now - 60_000).toISOString(),
        periodEnd: new Date(now + 86_400_000).toISOString(),
        maxReads: 3,
        keepUntil: new Date(now + 7 * 86_400_000).toISOString(),
      },
      patient,
      { nowMs: now },
    );
    const granted = await patientApp.post('/v1/consents', { jws });
    expectStatus(granted, 201, 'use-limited consent');
    const consentId = String((granted.body['consent'] as Body)['consentId']);
    const ask = () =>
      doctor.post(`/v1/records/${recordId}/access`, {
        purpose: 'treatment',
        custodian: 'Hospital1MSP',
        patientDid: did,
      });
    const started = performance.now();
    const raced = await Promise.all(Array.from({ length: 6 }, ask));
    timings['six racing access decisions (ms)'] = Math.round(performance.now() - started);
    const outcome = (r: ApiResponse) =>
      r.status === 200 ? String((r.body['decision'] as Body)['reason']) : String(r.body['code']);
    const outcomes = raced.map(outcome);
    for (const o of outcomes)
      assert.ok(['CONSENT', 'CONSENT_USE_EXHAUSTED', 'LEDGER_CONFLICT'].includes(o), o);
    const grantsInRace = outcomes.filter((o) => o === 'CONSENT').length;
    assert.ok(grantsInRace >= 1 && grantsInRace <= 3, outcomes.join(','));
    timings['granted in the race'] = grantsInRace;
    timings['MVCC conflicts in the race'] = outcomes.filter((o) => o === 'LEDGER_CONFLICT').length;
    // Then one at a time until the consent says no: exactly three grants in all.
    let total = grantsInRace;
    for (let i = 0; i < 4; i++) {
      const o = outcome(await ask());
      if (o === 'CONSENT') total += 1;
      else {
        assert.equal(o, 'CONSENT_USE_EXHAUSTED');
        break;
      }
    }
    assert.equal(total, 3, outcomes.join(','));

    // Copies made under it are attested deleted by the grantee only, once.
    const path = `/v1/consents/${consentId}/deletion-attestations`;
    const foreign = await h1Admin.post(path, {});
    expectStatus(foreign, 403, 'an attestation by another org than the grantee');
    assert.equal(foreign.body['code'], 'FORBIDDEN');
    const readable = raced.find((r) => outcome(r) === 'CONSENT');
    assert.ok(readable, 'a grant in the race');
    const content = `/v1/records/${recordId}/content?custodian=Hospital1MSP&accessId=${String((readable.body['decision'] as Body)['accessId'])}`;
    expectStatus(await doctor.get(content), 200, 'a grant reads before the attestation');
    const attested = await h2Admin.post(path, {});
    expectStatus(attested, 201, 'the grantee attesting');
    assert.equal((attested.body['attestation'] as Body)['late'], false);
    expectStatus(await doctor.post(path, {}), 409, 'a second attestation');
    // The attestation closes the consent for its grantee: the grant given before no longer reads.
    const closed = await doctor.get(content);
    expectStatus(closed, 403, 'a grant read after the attestation');
    assert.equal(closed.body['code'], 'ACCESS_NOT_GRANTED');
  });

  it('when the patient app grants from the treatment template, then the consent commits and a relay replaying it is refused', async () => {
    const expanded = await patientApp.post(`/v1/patients/${encodeURIComponent(did)}/consent-payloads`, {
      templateId: 'treatment-at-org',
      params: { org: 'Hospital2MSP', days: 30 },
    });
    expectStatus(expanded, 200, 'expand the template');
    assert.equal(expanded.body['relayTo'], 'POST /v1/consents');
    const jws = signCompactJws(expanded.body['payload'] as Body, patient.privateJwk, patient.kid);
    const granted = await patientApp.post('/v1/consents', { jws });
    expectStatus(granted, 201, 'grant from the template');
    assert.equal((granted.body['consent'] as Body)['granteeOrg'], 'Hospital2MSP');
    const replayed = await doctor.post('/v1/consents', { jws });
    expectStatus(replayed, 409, 'the template grant relayed again');
    assert.equal(replayed.body['code'], 'REPLAYED_NONCE');
    // Another patient's token cannot expand for this patient.
    const stranger = await apiAs(info, 'Hospital2', `did:medledger:patient:p-other-${run}`, {
      kind: 'patient',
    });
    const refused = await stranger.post(`/v1/patients/${encodeURIComponent(did)}/consent-payloads`, {
      templateId: 'emergency-profile',
      params: {},
    });
    expectStatus(refused, 403, 'another patient expanding');
  });
});
