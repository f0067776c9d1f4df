import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';

import { generatePatientKey, signPatientPayload, SIGNED_PAYLOAD_TYPES } from '@medledger/domain';
import { z } from 'zod';

import { PATIENT_PROOF_HEADER, signPatientProof } from '../auth/patient-proof';
import { accessScript, LedgerBuilder, ownTreatmentAccess } from '../projection/testing/fixtures';
import { didDocFixture, txId } from '../testing/fake-ledger';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { describe, it } from '../testing/node-test';
import { strictProblems } from '../testing/response-contract';

const H1 = 'Hospital1MSP';
const ago = (hours: number): string => new Date(Date.now() - hours * 3_600_000).toISOString();
const patientDid = (): string => `did:medledger:patient:${randomBytes(6).toString('hex')}`;

/** One request: who sends it (a token subject, or a patient), and what. */
interface Call {
  readonly method: string;
  readonly path: string;
  readonly as?: 'staff' | 'admin' | 'patient';
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** Staff `admin*` are active admins of Hospital1 (they may read the hospital's audit views). */
function adminsAreAdmins(gw: TestGateway): void {
  const resolve = gw.fake.handlers['identity:ResolveDid'];
  gw.fake.handlers['identity:ResolveDid'] = (input, options) => {
    const did = String(input['did']);
    if (!did.startsWith('did:medledger:hospital1:admin')) return resolve?.(input, options);
    const doc = didDocFixture(did) as { medledger: Record<string, unknown> };
    doc.medledger['role'] = 'admin';
    return doc;
  };
}

/** Accesses to `did`'s record at Hospital1: granted, denied to Hospital2, and an unreviewed break-glass. */
function feed(gw: TestGateway, did: string): void {
  const builder = new LedgerBuilder({ salt: `contract-${randomUUID()}` });
  const { access } = accessScript(builder, ownTreatmentAccess(did), (event) => {
    gw.events.append(event);
  });
  access('own', ago(30), {});
  access('denied', ago(10), { actorMsp: 'Hospital2MSP', outcome: 'denied', reason: 'NO_CONSENT' });
  access('bg', ago(100), {
    actorMsp: 'Hospital2MSP',
    purpose: 'emergency',
    reason: 'BREAK_GLASS',
    breakGlass: true,
  });
}

/** A request for every route of the table that it answers with success. */
function everyRoute(did: string, proof: string, jws: (payload: Record<string, unknown>) => string): Call[] {
  const record = `rec-${randomUUID()}`;
  const metadata = {
    patientDid: did,
    department: 'cardiology',
    category: 'diagnosis',
    level: 3,
    fhirResourceType: 'Condition',
  };
  const resource = { resourceType: 'Condition', code: { text: 'x' } };
  const consentId = txId();
  const staffDid = 'did:medledger:hospital1:nurse7';
  const study = {
    studyId: 'study-9',
    categories: ['lab'],
    maxLevel: 3,
    periodStart: ago(1),
    periodEnd: ago(-100),
    ethicsApprovalRef: 'ETH-9',
  };
  return [
    { method: 'GET', path: `/v1/dids/${did}` },
    { method: 'POST', path: '/v1/staff', as: 'admin', body: { enrollmentId: 'nurse7', role: 'nurse' } },
    { method: 'PATCH', path: `/v1/staff/${staffDid}`, as: 'admin', body: { role: 'attending' } },
    { method: 'POST', path: `/v1/staff/${staffDid}/deactivate`, as: 'admin', body: {} },
    {
      method: 'POST',
      path: '/v1/patients',
      body: { patientDid: did, publicKeyJwk: generatePatientKey().publicJwk },
    },
    {
      method: 'POST',
      path: `/v1/patients/${did}/keys`,
      body: { jws: jws({ typ: SIGNED_PAYLOAD_TYPES.keyRotation }) },
    },
    { method: 'POST', path: '/v1/records', body: { recordId: record, ...metadata, resource } },
    { method: 'POST', path: `/v1/records/${record}/versions`, body: { ...metadata, resource } },
    { method: 'GET', path: `/v1/records/${record}?version=1` },
    { method: 'GET', path: `/v1/records/${record}/history` },
    { method: 'POST', path: `/v1/records/${record}/verify`, body: { resource, salt: 'a'.repeat(32) } },
    {
      method: 'POST',
      path: `/v1/records/${record}/access`,
      body: { purpose: 'treatment', custodian: 'Hospital2MSP', patientDid: did },
    },
    { method: 'GET', path: `/v1/records/${record}/content?custodian=Hospital2MSP&accessId=${txId()}` },
    { method: 'POST', path: `/v1/records/${record}/review`, body: { version: 1 } },
    { method: 'POST', path: `/v1/records/${record}/erasures`, body: { reason: 'patient_request' } },
    {
      method: 'POST',
      path: `/v1/records/${record}/staged-erasures`,
      body: { version: 2, reason: 'data_error' },
    },
    {
      method: 'POST',
      path: '/v1/consents',
      as: 'patient',
      body: {
        jws: jws({ typ: SIGNED_PAYLOAD_TYPES.grant, grantee: { kind: 'org', mspId: 'Hospital2MSP' } }),
      },
    },
    {
      method: 'POST',
      path: `/v1/consents/${consentId}/revoke`,
      body: {
        jws: jws({ typ: SIGNED_PAYLOAD_TYPES.revoke, consentId }),
        grantJws: jws({ typ: SIGNED_PAYLOAD_TYPES.grant }),
      },
    },
    {
      method: 'PUT',
      path: `/v1/patients/${did}/preferences`,
      as: 'patient',
      body: { jws: jws({ typ: SIGNED_PAYLOAD_TYPES.preferences }) },
    },
    { method: 'GET', path: `/v1/patients/${did}/consents?pageSize=5` },
    {
      method: 'GET',
      path: `/v1/patients/${did}/access-log`,
      as: 'patient',
      headers: { [PATIENT_PROOF_HEADER]: proof },
    },
    { method: 'POST', path: '/v1/studies', body: study },
    { method: 'GET', path: '/v1/studies/study-9' },
    { method: 'GET', path: '/v1/studies/study-9/cohort' },
    {
      method: 'POST',
      path: '/v1/studies/study-9/datasets',
      body: {
        records: [
          { recordId: record },
          { recordId: 'rec-other', custodian: 'Hospital2MSP', patientDid: did },
        ],
      },
    },
    { method: 'POST', path: '/v1/ops/ping', body: {} },
    { method: 'GET', path: '/v1/audit?limit=2', as: 'admin' },
    { method: 'GET', path: `/v1/audit/fhir?patient=${did}`, as: 'admin' },
    { method: 'GET', path: `/v1/audit/${txId()}` },
    { method: 'GET', path: `/v1/reports/compliance?from=${ago(200)}`, as: 'admin' },
    {
      method: 'POST',
      path: `/v1/break-glass/${txId()}/review`,
      body: { outcome: 'unjustified', suspend: true, custodian: 'Hospital2MSP' },
    },
    { method: 'GET', path: '/v1/alerts', as: 'admin' },
  ];
}

describe('the OpenAPI document is a checked contract', () => {
  it('when a value has a member its schema does not declare, lacks one or has a wrong type, then the strict parse says where', () => {
    const schema = z.object({ a: z.string(), items: z.array(z.object({ n: z.number() })) });
    assert.deepEqual(strictProblems(schema, { a: 'x', items: [{ n: 1 }] }), []);
    assert.deepEqual(strictProblems(schema, { a: 'x', items: [{ n: 1, secret: 2 }], more: true }), [
      '/items/0/secret: not in the schema',
      '/more: not in the schema',
    ]);
    assert.equal(strictProblems(schema, { items: [] }).length, 1);
    assert.equal(strictProblems(schema, { a: 'x', items: [{ n: '1' }] }).length, 1);
  });

  it("when every route is called successfully over the fake ledger, then each answer parses strictly with the route's response schema", async () => {
    const gw = await startTestGateway();
    try {
      adminsAreAdmins(gw);
      const did = patientDid();
      const { publicJwk, privateJwk } = generatePatientKey();
      gw.fake.registerPatientKey(did, publicJwk);
      feed(gw, did);
      await gw.caughtUp();
      const kid = `${did}#key-1`;
      const jws = (payload: Record<string, unknown>) =>
        signPatientPayload(payload, { patientDid: did, privateJwk, kid }, { nowMs: Date.now() });
      const proof = signPatientProof(privateJwk, kid, { patientDid: did, aud: H1 });
      const tokens = {
        staff: await gw.token('doc1'),
        admin: await gw.token('admin1'),
        patient: await gw.token(did, { kind: 'patient' }),
      };
      for (const call of everyRoute(did, proof, jws)) {
        const res = await fetch(`${gw.url}${call.path}`, {
          method: call.method,
          headers: {
            authorization: `Bearer ${tokens[call.as ?? 'staff']}`,
            ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...call.headers,
          },
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        });
        const text = await res.text();
        assert.ok(res.ok, `${call.method} ${call.path}: ${String(res.status)} ${text}`);
      }
      assert.deepEqual(gw.contract.violations, []);
      assert.deepEqual(
        gw.routes.map((r) => r.operationId).filter((id) => !gw.contract.checked.has(id)),
        [],
        'every route answered and was checked',
      );
    } finally {
      await gw.close();
    }
  });
});
