import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { base64urlOfText } from '@medledger/domain';

import { callJson, startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';

const patient = () => `did:medledger:patient:${randomBytes(6).toString('hex')}`;

/** A compact JWS of `payload` (its signature is the chaincode's to check). */
function jwsOf(payload: Record<string, unknown>): string {
  return `${base64urlOfText(JSON.stringify({ alg: 'ES256', kid: 'k' }))}.${base64urlOfText(JSON.stringify(payload))}.${randomBytes(64).toString('base64url')}`;
}

function erasureJws(did: string, over: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return jwsOf({
    typ: 'medledger.erasure.request',
    patientDid: did,
    nonce: randomBytes(16).toString('base64url'),
    iat: now,
    exp: now + 120,
    aud: 'Hospital1MSP',
    custodian: 'Hospital2MSP',
    recordId: 'rec-9',
    ...over,
  });
}

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

const call = (method: string, path: string, token: string, body?: unknown) =>
  callJson(gw, method, path, token, body);

describe('erasure requests', () => {
  it("when the patient relays a signed erasure request, then it goes to the record's custodian and the regulator with the patient only in the transient map", async () => {
    const did = patient();
    const jws = erasureJws(did);
    const r = await call(
      'POST',
      `/v1/patients/${did}/erasure-requests`,
      await gw.token(did, { kind: 'patient' }),
      {
        jws,
      },
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const sent = gw.fake.callsOf('erasure:RequestErasure').at(-1);
    assert.deepEqual(sent?.input, { custodian: 'Hospital2MSP', recordId: 'rec-9' });
    assert.deepEqual(sent.options.endorsingOrganizations, ['Hospital2MSP', 'RegulatorMSP']);
    assert.deepEqual(JSON.parse(sent.options.transient?.['subject'] ?? '{}'), { patientDid: did });
    assert.deepEqual(JSON.parse(sent.options.transient?.['request'] ?? '{}'), { jws });
  });

  it('when the body is signed for another patient (403) or is no erasure request (400), then nothing reaches the ledger', async () => {
    const did = patient();
    const token = await gw.token(did, { kind: 'patient' });
    const before = gw.fake.callsOf('erasure:RequestErasure').length;
    const other = await call('POST', `/v1/patients/${did}/erasure-requests`, token, {
      jws: erasureJws(patient()),
    });
    assert.equal(other.status, 403, JSON.stringify(other.body));
    for (const jws of [
      erasureJws(did, { typ: 'medledger.consent.grant' }),
      erasureJws(did, { custodian: 'not an msp' }),
      'not.a.jws',
    ]) {
      const r = await call('POST', `/v1/patients/${did}/erasure-requests`, token, { jws });
      assert.equal(r.status, 400, JSON.stringify(r.body));
    }
    assert.equal(gw.fake.callsOf('erasure:RequestErasure').length, before);
  });

  it("when the custodian's admin answers and lists, then the answer is endorsed by its org and the regulator and the list is read on its own peer", async () => {
    const admin = await gw.token('admin1');
    const requestId = randomBytes(32).toString('hex');
    const r = await call('POST', `/v1/erasure-requests/${requestId}/answer`, admin, {
      answer: 'refused',
      refusal: 'legal_claim',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const sent = gw.fake.callsOf('erasure:AnswerErasureRequest').at(-1);
    assert.deepEqual(sent?.input, { requestId, answer: 'refused', refusal: 'legal_claim' });
    assert.deepEqual(sent.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP']);
    const bad = await call('POST', `/v1/erasure-requests/${requestId}/answer`, admin, { answer: 'ignored' });
    assert.equal(bad.status, 400);
    const listed = await call('GET', '/v1/erasure-requests?status=overdue', admin);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const read = gw.fake.callsOf('erasure:ListErasureRequests').at(-1);
    assert.deepEqual(read?.input, { status: 'overdue' });
    assert.deepEqual(read.options.endorsingOrganizations, ['Hospital1MSP']);
  });
});
