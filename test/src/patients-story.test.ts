import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalBytes, contentHashHex, signPatientPayload, SIGNED_PAYLOAD_TYPES } from '@medledger/domain';
import { createR4Validator } from '@medledger/fhir';
import {
  accessLogProof,
  apiAs,
  recordListRequest,
  summaryRequest,
  type ApiClient,
  type ApiResponse,
} from './support/api';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from './support/fixtures';
import { useNetwork } from './support/network';

/**
 * The patient in charge across hospitals (issue 13), through the REST gateways of the real consortium:
 * records at Hospital1 and Hospital2 found by the patient, Hospital2 seeing only its own until the
 * patient consents, a read at Hospital2 of Hospital1's record, the revocation, the health summary for
 * the clinician and the patient, and an erasure request with the custodian's answer.
 */

const run = randomBytes(4).toString('hex');
type Body = Record<string, unknown>;
const validator = createR4Validator([
  'Bundle',
  'Composition',
  'Patient',
  'Organization',
  'AllergyIntolerance',
  'Condition',
  'Observation',
]);

function ok(res: ApiResponse, status: number, what: string): Body {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

function allergyRecord(recordId: string, patientDid: string): Body {
  return {
    recordId,
    patientDid,
    department: 'cardiology',
    category: 'allergy',
    level: 3,
    fhirResourceType: 'AllergyIntolerance',
    resource: {
      resourceType: 'AllergyIntolerance',
      clinicalStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
        ],
      },
      verificationStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
            code: 'confirmed',
          },
        ],
      },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' }] },
      patient: { reference: `Patient/${patientDid.split(':').pop() ?? ''}` },
      recordedDate: '2026-10-01',
    },
  };
}

interface Entry {
  fullUrl: string;
  resource: Body;
  extension?: { url: string; extension: Body[] }[];
}

/** The deployment's content hash (its crypto profile): what a summary entry's hash is checked with. */
const CONTENT_HASH = process.env.MEDLEDGER_CRYPTO_PROFILE === 'sm' ? 'SM3' : 'SHA-256';

/** The records of a summary: custodian/recordId of each entry, and that each entry verifies against its hash. */
function summaryRecords(bundle: Body): string[] {
  const errors = validator.validate(bundle).filter((i) => i.severity === 'error');
  assert.deepEqual(errors, [], 'the summary is valid R4');
  const out: string[] = [];
  for (const e of bundle['entry'] as Entry[]) {
    const anchor = e.extension?.find((x) => x.url === 'urn:medledger:record-anchor')?.extension;
    if (!anchor) continue;
    const value = (url: string) => anchor.find((x) => x['url'] === url);
    const salt = String(value('salt')?.['valueString']);
    assert.equal(
      contentHashHex(CONTENT_HASH, canonicalBytes({ resource: e.resource, salt })),
      value('contentHash')?.['valueString'],
    );
    const custodian = (value('custodian')?.['valueIdentifier'] as { value: string }).value;
    out.push(`${custodian}/${String(value('recordId')?.['valueString'])}`);
  }
  return out.sort();
}

describe('patients in charge across hospitals, on the real consortium', () => {
  const network = useNetwork();
  const did = `did:medledger:patient:story13-${run}`;
  const { key, body: registration } = newPatientRegistration(did, 'Hospital1MSP');
  const signer = { patientDid: did, privateJwk: key.privateJwk, kid: `${did}#key-1` };
  const allergy = `rec-s13-allergy-${run}`;
  const diagnosis = `rec-s13-dx-${run}`;
  const h2Own = `rec-s13-h2-${run}`;
  const patient = { did, privateJwk: key.privateJwk, kid: `${did}#key-1` };
  let h1: ApiClient;
  let h2: ApiClient;
  let h1Admin: ApiClient;
  let appAtH1: ApiClient;
  let appAtH2: ApiClient;
  let consent: { consentId: string; jws: string };

  const listed = async (client: ApiClient, headers?: Record<string, string>): Promise<string[]> => {
    const body = ok(await client.get(`/v1/patients/${did}/records`, headers ? { headers } : {}), 200, 'list');
    return (body['records'] as { custodian: string; recordId: string }[])
      .map((r) => `${r.custodian}/${r.recordId}`)
      .sort();
  };

  it('when Hospital1 and Hospital2 anchor the patient records, then the patient finds all three through Hospital2 and Hospital2 alone sees only its own', async () => {
    const info = network();
    h1 = await apiAs(info, 'Hospital1', 'hospital1-attending-1');
    h2 = await apiAs(info, 'Hospital2', 'hospital2-attending-1');
    h1Admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
    appAtH1 = await apiAs(info, 'Hospital1', did, { kind: 'patient' });
    appAtH2 = await apiAs(info, 'Hospital2', did, { kind: 'patient' });
    ok(await h1.post('/v1/patients', registration), 201, 'register');
    ok(await h1.post('/v1/records', allergyRecord(allergy, did)), 201, 'allergy at Hospital1');
    // A canary in the summary's content: the at-rest scan, which runs after every story, must not find it.
    const condition = hypertensionCondition({
      id: `cond-${run}`,
      patientRef: `story13-${run}`,
      display: `Canary-${run} Patientname`,
    });
    ok(
      await h1.post('/v1/records', diagnosisRecord(diagnosis, did, condition)),
      201,
      'diagnosis at Hospital1',
    );
    const own = { ...diagnosisRecord(h2Own, did, condition), department: 'emergency' };
    ok(await h2.post('/v1/records', own), 201, 'diagnosis at Hospital2');
    const all = [`Hospital1MSP/${allergy}`, `Hospital1MSP/${diagnosis}`, `Hospital2MSP/${h2Own}`].sort();
    assert.deepEqual(await listed(appAtH2, recordListRequest(patient, 'Hospital2MSP').headers), all);
    assert.deepEqual(await listed(h2), [`Hospital2MSP/${h2Own}`]);
    const summary = ok(await h2.get(`/v1/patients/${did}/summary`), 200, 'summary without consent');
    assert.deepEqual(summaryRecords(summary), [`Hospital2MSP/${h2Own}`]);
    assert.equal(JSON.stringify(summary).includes('Hospital1MSP'), false, 'no trace of Hospital1');
  });

  it("when the patient consents, then Hospital2 reads Hospital1's allergy record and its summary holds both hospitals' records, each verifying against its hash", async () => {
    const jws = signPatientPayload(
      {
        typ: SIGNED_PAYLOAD_TYPES.grant,
        grantee: { kind: 'org', mspId: 'Hospital2MSP' },
        categories: ['allergy', 'diagnosis'],
        maxLevel: 3,
        purpose: 'treatment',
        periodStart: new Date(Date.now() - 60_000).toISOString(),
        periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
      },
      signer,
      { nowMs: Date.now() },
    );
    const granted = ok(await appAtH1.post('/v1/consents', { jws }), 201, 'consent');
    consent = { consentId: String((granted['consent'] as Body)['consentId']), jws };
    const access = ok(
      await h2.post(`/v1/records/${allergy}/access`, {
        purpose: 'treatment',
        custodian: 'Hospital1MSP',
        patientDid: did,
      }),
      200,
      'access at Hospital2',
    );
    const decision = access['decision'] as Body;
    assert.deepEqual([decision['outcome'], decision['reason']], ['granted', 'CONSENT']);
    const content = ok(
      await h2.get(
        `/v1/records/${allergy}/content?custodian=Hospital1MSP&accessId=${String(decision['accessId'])}`,
      ),
      200,
      'read at Hospital2',
    );
    assert.equal((content['resource'] as Body)['resourceType'], 'AllergyIntolerance');
    const summary = ok(await h2.get(`/v1/patients/${did}/summary`), 200, 'summary with consent');
    assert.deepEqual(
      summaryRecords(summary),
      [`Hospital1MSP/${allergy}`, `Hospital1MSP/${diagnosis}`, `Hospital2MSP/${h2Own}`].sort(),
    );
  });

  it('when the patient revokes, then Hospital2 is denied and its summary is back to its own record; the patient still reads everything through Hospital2', async () => {
    const revocation = signPatientPayload(
      { typ: SIGNED_PAYLOAD_TYPES.revoke, consentId: consent.consentId },
      signer,
      {
        nowMs: Date.now(),
      },
    );
    ok(
      await appAtH1.post(`/v1/consents/${consent.consentId}/revoke`, {
        jws: revocation,
        grantJws: consent.jws,
      }),
      200,
      'revoke',
    );
    const access = ok(
      await h2.post(`/v1/records/${allergy}/access`, {
        purpose: 'treatment',
        custodian: 'Hospital1MSP',
        patientDid: did,
      }),
      200,
      'access after revocation',
    );
    // The gateway presents only the active consents its org holds, so the revoked one is not presented.
    assert.deepEqual(
      [(access['decision'] as Body)['outcome'], (access['decision'] as Body)['reason']],
      ['denied', 'NO_CONSENT'],
    );
    assert.deepEqual(summaryRecords(ok(await h2.get(`/v1/patients/${did}/summary`), 200, 'summary')), [
      `Hospital2MSP/${h2Own}`,
    ]);
    const mine = ok(
      await appAtH2.get(`/v1/patients/${did}/summary`, summaryRequest(patient, 'Hospital2MSP')),
      200,
      "the patient's summary",
    );
    assert.deepEqual(
      summaryRecords(mine),
      [`Hospital1MSP/${allergy}`, `Hospital1MSP/${diagnosis}`, `Hospital2MSP/${h2Own}`].sort(),
    );
  });

  it("when the patient asks Hospital1 to erase the diagnosis, then Hospital1's admin sees it open, erases it, the patient's log shows it erased and the summary no longer holds it", async () => {
    const request = signPatientPayload(
      {
        typ: SIGNED_PAYLOAD_TYPES.erasureRequest,
        aud: 'Hospital2MSP',
        custodian: 'Hospital1MSP',
        recordId: diagnosis,
      },
      signer,
      { nowMs: Date.now() },
    );
    const asked = ok(
      await appAtH2.post(`/v1/patients/${did}/erasure-requests`, { jws: request }),
      201,
      'erasure request',
    );
    const requestId = String((asked['request'] as Body)['requestId']);
    const replay = await appAtH2.post(`/v1/patients/${did}/erasure-requests`, { jws: request });
    assert.deepEqual([replay.status, replay.body['code']], [409, 'REPLAYED_NONCE']);
    const open = ok(await h1Admin.get('/v1/erasure-requests?status=open'), 200, 'open requests');
    assert.ok((open['items'] as Body[]).some((r) => r['requestId'] === requestId));
    const answered = ok(
      await h1Admin.post(`/v1/erasure-requests/${requestId}/answer`, { answer: 'erased' }),
      200,
      'answer',
    );
    assert.equal((answered['request'] as Body)['status'], 'erased');
    const log = ok(
      await appAtH1.get(`/v1/patients/${did}/access-log`, accessLogProof(patient, 'Hospital1MSP')),
      200,
      'log',
    );
    assert.deepEqual(
      (log['erasureRequests'] as Body[]).map((r) => [r['requestId'], r['status']]),
      [[requestId, 'erased']],
    );
    const mine = ok(
      await appAtH2.get(`/v1/patients/${did}/summary`, summaryRequest(patient, 'Hospital2MSP')),
      200,
      'summary after erasure',
    );
    assert.deepEqual(summaryRecords(mine), [`Hospital1MSP/${allergy}`, `Hospital2MSP/${h2Own}`].sort());
  });
});
