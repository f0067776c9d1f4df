import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { generatePatientKey, signPatientPayload, SIGNED_PAYLOAD_TYPES } from '@medledger/domain';

import {
  newReceiptKey,
  openReceipt,
  parseReceipt,
  receiptFile,
  RECEIPT_TYPE,
  sealReceipt,
  termsOf,
  type GrantReceipt,
} from './grant-receipt';

const patientDid = (): string => `did:medledger:patient:${randomBytes(12).toString('base64url')}`;
const txId = (): string => randomBytes(32).toString('hex');

function signed(did: string, body: Record<string, unknown>): string {
  const key = generatePatientKey();
  return signPatientPayload(
    body,
    { patientDid: did, privateJwk: key.privateJwk, kid: `${did}#key-1` },
    {
      nowMs: Date.now(),
    },
  );
}

function grantOf(did: string): GrantReceipt {
  const consentId = txId();
  const grantJws = signed(did, {
    typ: SIGNED_PAYLOAD_TYPES.grant,
    grantee: { kind: 'org', mspId: 'Hospital2MSP' },
    categories: ['diagnosis', 'lab'],
    maxLevel: 3,
    purpose: 'treatment',
    periodStart: '2026-01-01T00:00:00.000Z',
    periodEnd: '2026-02-01T00:00:00.000Z',
  });
  return {
    consentId,
    grantJws,
    granteeOrg: 'Hospital2MSP',
    grantTxId: consentId,
    status: 'revoked',
    revokeTxId: txId(),
  };
}

describe('grant receipts', () => {
  it('when a receipt file is written and read back by its patient, then the grant, ids and terms come back, taken as active', () => {
    const did = patientDid();
    const grant = grantOf(did);
    const file = receiptFile(grant);
    assert.equal((JSON.parse(file) as { type: string }).type, RECEIPT_TYPE);
    const read = parseReceipt(file, did);
    assert.deepEqual(read, { ...grant, status: 'active', revokeTxId: null });
    const terms = termsOf(read.grantJws);
    assert.deepEqual(terms.grantee, { kind: 'org', mspId: 'Hospital2MSP' });
    assert.deepEqual(terms.categories, ['diagnosis', 'lab']);
    assert.equal(terms.patientDid, did);
  });

  it('when a file is not a receipt of this patient, then it is refused and says why', () => {
    const did = patientDid();
    const file = receiptFile(grantOf(did));
    assert.throws(() => parseReceipt(file, patientDid()), /signed for another patient/);
    assert.throws(() => parseReceipt('not json', did), /not JSON/);
    const wrongType = JSON.stringify({ ...(JSON.parse(file) as object), type: 'medledger.recovery-key' });
    assert.throws(() => parseReceipt(wrongType, did), /its type is not/);
    const revocation = signed(did, { typ: SIGNED_PAYLOAD_TYPES.revoke, consentId: txId() });
    const notAGrant = JSON.stringify({ ...(JSON.parse(file) as object), grantJws: revocation });
    assert.throws(() => parseReceipt(notAGrant, did), /not a grant/);
    const noId = JSON.stringify({ ...(JSON.parse(file) as object), consentId: 'x' });
    assert.throws(() => parseReceipt(noId, did), /no consent id/);
  });

  it('when a receipt is sealed, then its bytes hold neither the patient, the consent nor the grantee, and only its key and patient open it', async () => {
    const did = patientDid();
    const grant = grantOf(did);
    const key = await newReceiptKey();
    assert.equal(key.extractable, false);
    const sealed = await sealReceipt(key, did, grant);
    const bytes = Buffer.from(sealed.data).toString('latin1');
    for (const plain of [did, grant.consentId, 'Hospital2MSP', grant.grantJws.slice(0, 20)]) {
      assert.equal(bytes.includes(plain), false, plain);
    }
    assert.deepEqual(await openReceipt(key, did, sealed), grant);
    await assert.rejects(openReceipt(await newReceiptKey(), did, sealed));
    await assert.rejects(openReceipt(key, patientDid(), sealed));
  });
});
