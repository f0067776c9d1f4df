import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { ErrorCode } from '@medledger/domain';

import { AppError } from '../errors';
import { consentFixture, defaultHandlers, txId } from '../testing/fake-ledger';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';

const patient = () => `did:medledger:patient:${randomBytes(6).toString('hex')}`;
const REQUEST = 'eyJhbGciOiJFUzI1NiJ9.eyJ0eXAiOiJtZWRsZWRnZXIucmVjb3Jkcy5saXN0In0.c2lnbmF0dXJl';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

async function get(path: string, token: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /v1/patients/{did}/records', () => {
  it("when the patient lists with a signed request, then the gateway relays it in the transient map, opens the listing with its org and the regulator and reads it on the regulator's peer", async () => {
    const did = patient();
    const r = await get(`/v1/patients/${did}/records`, await gw.token(did, { kind: 'patient' }), {
      'Medledger-Patient-Proof': REQUEST,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const open = gw.fake.callsOf('listing:OpenRecordListing').at(-1);
    assert.equal(open?.caller, 'gateway-service');
    assert.deepEqual(open.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP']);
    assert.deepEqual(open.input, {});
    assert.deepEqual(JSON.parse(open.options.transient?.['request'] ?? '{}'), { jws: REQUEST });
    assert.deepEqual(JSON.parse(open.options.transient?.['subject'] ?? '{}'), { patientDid: did });
    const read = gw.fake.callsOf('listing:ListPatientRecords').at(-1);
    assert.deepEqual(read?.options.endorsingOrganizations, ['RegulatorMSP']);
    assert.equal(JSON.stringify(read.input).includes(did), false, 'no patient in the arguments');
    assert.equal(r.body['mode'], 'patient');
    assert.equal((r.body['records'] as unknown[]).length, 1);
  });

  it('when the patient sends no signed request or asks for another patient, then 401 or 403 and nothing reaches the ledger', async () => {
    const did = patient();
    const before = gw.fake.callsOf('listing:OpenRecordListing').length;
    const token = await gw.token(did, { kind: 'patient' });
    const none = await get(`/v1/patients/${did}/records`, token);
    assert.equal([none.status, none.body['code']].join(' '), '401 PATIENT_PROOF_REQUIRED');
    const other = await get(`/v1/patients/${patient()}/records`, token, {
      'Medledger-Patient-Proof': REQUEST,
    });
    assert.equal(other.status, 403);
    assert.equal(gw.fake.callsOf('listing:OpenRecordListing').length, before);
  });

  it("when a clinician lists, then the org's active treatment consents for the patient are presented and a denied listing answers 403", async () => {
    const did = patient();
    const held = [
      consentFixture(did, { purpose: 'treatment' }),
      consentFixture(did, { purpose: 'research' }),
    ];
    gw.fake.handlers['consent:ListPatientConsents'] = () => ({
      items: held,
      bookmark: '',
      fetchedRecordsCount: 2,
    });
    try {
      const ok = await get(`/v1/patients/${did}/records`, await gw.token('doc1'));
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const open = gw.fake.callsOf('listing:OpenRecordListing').at(-1);
      const presented = JSON.parse(open?.options.transient?.['consents'] ?? '[]') as { consentId: string }[];
      assert.deepEqual(
        presented.map((p) => p.consentId),
        [held[0]?.['consentId']],
      );
      assert.equal(open?.options.transient?.['request'], undefined);
      gw.fake.handlers['listing:OpenRecordListing'] = () => ({
        listingId: txId(),
        mode: 'clinician',
        outcome: 'denied',
        reason: 'ROLE_NOT_PERMITTED',
        expiresAt: null,
      });
      const reads = gw.fake.callsOf('listing:ListPatientRecords').length;
      const denied = await get(`/v1/patients/${did}/records`, await gw.token('doc1'));
      assert.equal([denied.status, denied.body['code']].join(' '), '403 ACCESS_NOT_GRANTED');
      assert.match(String(denied.body['detail']), /^listing \S+ ROLE_NOT_PERMITTED$/);
      assert.equal(
        gw.fake.callsOf('listing:ListPatientRecords').length,
        reads,
        'a denied listing is not read',
      );
    } finally {
      const defaults = defaultHandlers();
      gw.fake.handlers['consent:ListPatientConsents'] =
        defaults['consent:ListPatientConsents'] ?? (() => ({}));
      gw.fake.handlers['listing:OpenRecordListing'] = defaults['listing:OpenRecordListing'] ?? (() => ({}));
    }
  });

  it('when the chaincode refuses the signed request, then its code is the answer', async () => {
    const did = patient();
    gw.fake.handlers['listing:OpenRecordListing'] = () => {
      throw new AppError(ErrorCode.REPLAYED_NONCE, 'nonce');
    };
    try {
      const r = await get(`/v1/patients/${did}/records`, await gw.token(did, { kind: 'patient' }), {
        'Medledger-Patient-Proof': REQUEST,
      });
      assert.equal(r.status >= 400 && r.status < 500, true, JSON.stringify(r.body));
      assert.equal(r.body['code'], 'REPLAYED_NONCE');
    } finally {
      gw.fake.handlers['listing:OpenRecordListing'] =
        defaultHandlers()['listing:OpenRecordListing'] ?? (() => ({}));
    }
  });
});

describe('GET /v1/patients/{did}/records after a granted listing', () => {
  it("when the regulator's peer has not committed a granted listing yet, then the gateway reads it again and answers 200; a listing it never finds stays 403", async () => {
    const did = patient();
    const defaults = defaultHandlers();
    const read = defaults['listing:ListPatientRecords'] ?? (() => ({}));
    let misses = 2;
    gw.fake.handlers['listing:ListPatientRecords'] = (...args) => {
      if (misses-- > 0) throw new AppError(ErrorCode.ACCESS_NOT_GRANTED, 'listing not committed here yet');
      return read(...args);
    };
    try {
      const before = gw.fake.callsOf('listing:ListPatientRecords').length;
      const ok = await get(`/v1/patients/${did}/records`, await gw.token('doc1'));
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(gw.fake.callsOf('listing:ListPatientRecords').length - before, 3);
      misses = Number.POSITIVE_INFINITY;
      const never = await get(`/v1/patients/${did}/records`, await gw.token('doc1'));
      assert.equal([never.status, never.body['code']].join(' '), '403 ACCESS_NOT_GRANTED');
    } finally {
      gw.fake.handlers['listing:ListPatientRecords'] = read;
    }
  });
});
