import assert from 'node:assert/strict';

import { ledger } from '@hyperledger/fabric-protos';
import { canonicalJson, fabricCompositeKey, KeyFamily } from '@medledger/domain';

import { auditEventFixture, consentFixture } from '../../testing/fake-ledger';
import { describe, it } from '../../testing/node-test';
import { consentAccessEvent, emergencyListingBody, LedgerBuilder } from '../testing/fixtures';
import { sealedFactsOfTransaction } from './fabric-source';

const CHAINCODE = 'medledger';
const H1 = 'Hospital1MSP';

/** A transaction's private write set: `writes` per collection of the chaincode's namespace. */
function privateWrites(
  writes: Record<string, readonly { key: string; value: unknown }[]>,
  namespace = CHAINCODE,
): ledger.rwset.TxPvtReadWriteSet {
  const ns = new ledger.rwset.NsPvtReadWriteSet();
  ns.setNamespace(namespace);
  ns.setCollectionPvtRwsetList(
    Object.entries(writes).map(([name, kvs]) => {
      const set = new ledger.rwset.kvrwset.KVRWSet();
      set.setWritesList(
        kvs.map(({ key, value }) => {
          const w = new ledger.rwset.kvrwset.KVWrite();
          w.setKey(key);
          w.setValue(Buffer.from(canonicalJson(value)));
          return w;
        }),
      );
      const coll = new ledger.rwset.CollectionPvtReadWriteSet();
      coll.setCollectionName(name);
      coll.setRwset(set.serializeBinary());
      return coll;
    }),
  );
  const tx = new ledger.rwset.TxPvtReadWriteSet();
  tx.setNsPvtRwsetList([ns]);
  return tx;
}

/** An access decision on Hospital1's record and the audit event its transaction sealed. */
function accessOf(b: LedgerBuilder) {
  const eventId = b.peekTxId();
  const audit = auditEventFixture({ eventId, custodian: H1, consentId: b.peekTxId() });
  const event = b.event(
    'AccessDecided',
    consentAccessEvent(eventId, H1),
    '2026-03-01T10:00:00.000Z',
    eventId,
  );
  return { event, audit, key: fabricCompositeKey(KeyFamily.audit, [eventId]) };
}

describe('sealed facts from the private data of a block (issue 12 hole 5)', () => {
  it("when an access decision's transaction wrote its audit event into the custodian's sealed collection, then the patient and consent come with the event", () => {
    const { event, audit, key } = accessOf(new LedgerBuilder({ salt: 'pd-access' }));
    const rwset = privateWrites({
      'sealed-hospital1': [
        { key: 'other', value: { salt: 's', value: {} } },
        { key, value: { salt: 's', value: audit } },
      ],
    });
    assert.deepEqual(sealedFactsOfTransaction(event, rwset, CHAINCODE), {
      kind: 'access',
      patientDid: audit['patientDid'],
      consentId: audit['consentId'],
    });
  });

  it("when a consent grant wrote the consent into the grantee org's collection, then the patient and grantee come with the event", () => {
    const b = new LedgerBuilder({ salt: 'pd-consent' });
    const consentId = b.peekTxId();
    const consent = consentFixture('did:medledger:patient:pdconsent1', { consentId });
    const event = b.event(
      'ConsentGranted',
      { consentId, granteeOrg: 'Hospital2MSP', periodEnd: '2027-01-01T00:00:00.000Z' },
      '2026-03-01T10:00:00.000Z',
    );
    const key = fabricCompositeKey(KeyFamily.consentTerms, [consentId]);
    const rwset = privateWrites({ 'sealed-hospital2': [{ key, value: { salt: 's', value: consent } }] });
    assert.deepEqual(sealedFactsOfTransaction(event, rwset, CHAINCODE), {
      kind: 'consent',
      patientDid: 'did:medledger:patient:pdconsent1',
      grantee: 'org:Hospital2MSP',
    });
  });

  it("when an emergency listing wrote itself into the listing doctor's org's collection, then the patient and the categories it opened come with the event", () => {
    const b = new LedgerBuilder({ salt: 'pd-listing' });
    const listingId = b.peekTxId();
    const patientDid = `did:medledger:patient:pdlisting${listingId.slice(0, 6)}`;
    const body = { listingId, ...emergencyListingBody('did:medledger:hospital2:doc1') };
    const event = b.event('RecordListingOpened', body, '2026-03-01T10:00:00.000Z', listingId);
    const stored = {
      ...body,
      patientDid,
      consents: [],
      emergencyCategories: ['allergy', 'blood_type'],
      txId: listingId,
      txTime: '2026-03-01T10:00:00.000Z',
      expiresAt: '2026-03-01T10:02:00.000Z',
    };
    const key = fabricCompositeKey(KeyFamily.recordListing, [listingId]);
    const rwset = privateWrites({ 'sealed-hospital2': [{ key, value: { salt: 's', value: stored } }] });
    assert.deepEqual(sealedFactsOfTransaction(event, rwset, CHAINCODE), {
      kind: 'listing',
      patientDid,
      categories: ['allergy', 'blood_type'],
    });
    const elsewhere = privateWrites({ 'sealed-hospital1': [{ key, value: { salt: 's', value: stored } }] });
    assert.equal(sealedFactsOfTransaction(event, elsewhere, CHAINCODE), undefined);
  });

  it('when the private data holds no such write (another collection, namespace or key, a value off its schema, nothing delivered), then the event has no facts', () => {
    const { event, audit, key } = accessOf(new LedgerBuilder({ salt: 'pd-none' }));
    const sealed = { salt: 's', value: audit };
    for (const rwset of [
      privateWrites({ 'sealed-hospital2': [{ key, value: sealed }] }),
      privateWrites({ 'sealed-hospital1': [{ key, value: sealed }] }, 'other-chaincode'),
      privateWrites({ 'sealed-hospital1': [{ key: `${key}x`, value: sealed }] }),
      privateWrites({ 'sealed-hospital1': [{ key, value: { salt: 's', value: { patientDid: 1 } } }] }),
      privateWrites({ 'sealed-hospital1': [{ key, value: audit }] }),
      undefined,
    ]) {
      assert.equal(sealedFactsOfTransaction(event, rwset, CHAINCODE), undefined);
    }
  });
});
