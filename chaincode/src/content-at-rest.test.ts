import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decryptRecord, digestHex, parseSealedContent, parseWrappedDataKey } from '@medledger/crypto';
import {
  canonicalBytes,
  implicitCollection,
  transactions,
  type Consortium,
  type RecordAnchor,
} from '@medledger/domain';
import { accessRecord, anchor, condition, readRecord, recordMeta, salt } from './testing/fixtures';
import { Harness, orgAdmin, registerPatient, registerStaff, uid, type TestPatient } from './testing/harness';
import type { FakeSigner } from './testing/fake-identity';
import { TestKeyrings } from './testing/test-keyrings';

const H1 = 'Hospital1MSP';

interface World {
  h: Harness;
  keyrings: TestKeyrings;
  patient: TestPatient;
  doctor: FakeSigner;
}

async function world(cryptoProfile?: 'international' | 'sm'): Promise<World> {
  const keyrings = new TestKeyrings(cryptoProfile === 'sm' ? 'SM4-GCM' : 'AES-256-GCM');
  const h = new Harness(undefined, { keyrings, ...(cryptoProfile ? { cryptoProfile } : {}) });
  const patient = await registerPatient(h);
  const doctor = await registerStaff(h, H1, 'attending', 'cardiology');
  return { h, keyrings, patient, doctor };
}

/** A condition whose note is a random canary, so a leak of the content is a plain substring. */
function canaryCondition(): { canary: string; resource: Record<string, unknown> } {
  const canary = `CANARY-${uid('c')}`;
  return { canary, resource: condition({ note: [{ text: canary }] }) };
}

function storedValue(w: World, record: Pick<RecordAnchor, 'recordId' | 'version'>, family: string): unknown {
  const collection = implicitCollection(H1);
  const key = w.h.ledger
    .committedPrivateKeys(collection)
    .find((k) => k.includes(`\u0000${family}\u0000${record.recordId}\u0000`));
  assert.ok(key, `${family} of ${record.recordId} is stored`);
  return JSON.parse(w.h.ledger.getCommittedPrivate(collection, key)?.toString('utf8') ?? 'null');
}

async function readAsDoctor(w: World, record: RecordAnchor) {
  const d = await accessRecord(w.h, w.doctor, record, { purpose: 'treatment' });
  return readRecord(w.h, w.doctor, record, d.accessId);
}

void describe('content at rest', () => {
  void it('when content is anchored, then no peer of any org holds it in clear and the custodian still reads it', async () => {
    const w = await world();
    const { canary, resource } = canaryCondition();
    const { anchor: record, envelope } = await anchor(w.h, w.doctor, w.patient, { resource });
    for (const org of w.h.ledger.orgs) {
      const disk = w.h.ledger.storedView(org).join('\n');
      assert.ok(!disk.includes(canary), `${org}'s peer disk holds no content`);
      assert.ok(!disk.includes(envelope.salt), `${org}'s peer disk holds no salt`);
    }
    const sealed = parseSealedContent(storedValue(w, record, 'content'));
    const wrapped = parseWrappedDataKey(storedValue(w, record, 'data-key'));
    assert.deepEqual([sealed.alg, wrapped.alg], ['AES-256-GCM', 'AES-256-GCM']);
    const read = await readAsDoctor(w, record);
    assert.deepEqual(read.resource, resource);
    assert.equal(read.salt, envelope.salt);
  });

  void it('when the sm profile is recorded, then anchors hash with SM3, content is sealed with SM4-GCM, and reads check SM3', async () => {
    const w = await world('sm');
    const consortium = await w.h.evaluate<Consortium>(w.doctor, 'consortium:GetConsortium', {});
    assert.deepEqual(
      [consortium.crypto?.profile, consortium.crypto?.hash, consortium.crypto?.aead],
      ['sm', 'SM3', 'SM4-GCM'],
    );
    const { anchor: record, envelope } = await anchor(w.h, w.doctor, w.patient);
    assert.equal(record.hashAlgorithm, 'SM3');
    assert.equal(record.contentHash, digestHex('SM3', canonicalBytes(envelope)));
    assert.notEqual(record.contentHash, digestHex('SHA-256', canonicalBytes(envelope)));
    assert.equal(parseSealedContent(storedValue(w, record, 'content')).alg, 'SM4-GCM');
    assert.deepEqual((await readAsDoctor(w, record)).resource, envelope.resource);
    const verified = await w.h.evaluate<{ matches: boolean; hashAlgorithm: string }>(
      w.doctor,
      'record:VerifyRecord',
      { recordId: record.recordId, custodian: H1 },
      { transient: { content: envelope } },
    );
    assert.deepEqual([verified.matches, verified.hashAlgorithm], [true, 'SM3']);
  });

  void it('when no profile is given, then the consortium records international and anchors name SHA-256', async () => {
    const w = await world();
    const consortium = await w.h.evaluate<Consortium>(w.doctor, 'consortium:GetConsortium', {});
    assert.equal(consortium.crypto?.profile, 'international');
    const { anchor: record, envelope } = await anchor(w.h, w.doctor, w.patient);
    assert.equal(record.hashAlgorithm, 'SHA-256');
    assert.equal(record.contentHash, digestHex('SHA-256', canonicalBytes(envelope)));
  });

  void it('when the anchor claims another hash algorithm than the staging used, then CONTENT_MISMATCH', async () => {
    const w = await world('sm');
    const recordId = uid('rec');
    const meta = recordMeta(recordId);
    const { result: staged } = await w.h.submit(w.doctor, 'record:StageRecordContent', meta, {
      transient: {
        content: { resource: condition(), salt: salt() },
        subject: { patientDid: w.patient.did },
      },
    });
    await assert.rejects(
      w.h.submit(
        w.doctor,
        'record:AnchorRecord',
        { ...meta, previousHash: null, ...staged, hashAlgorithm: 'SHA-256' },
        { transient: { subject: { patientDid: w.patient.did } } },
      ),
      /\[CONTENT_MISMATCH\] .* verdict/,
    );
  });

  void it('when the custodian chaincode server holds no keyring, then staging fails KEY_UNAVAILABLE and writes nothing', async () => {
    const w = await world();
    w.keyrings.remove(H1);
    const recordId = uid('rec');
    await assert.rejects(
      w.h.submit(w.doctor, 'record:StageRecordContent', recordMeta(recordId), {
        transient: {
          content: { resource: condition(), salt: salt() },
          subject: { patientDid: w.patient.did },
        },
      }),
      /\[KEY_UNAVAILABLE\] Hospital1MSP/,
    );
    assert.deepEqual(
      w.h.ledger.committedPrivateKeys(implicitCollection(H1)).filter((k) => k.includes(recordId)),
      [],
    );
  });

  void it('when the KEK is rotated and data keys re-wrapped, then content is untouched and reads after the old KEK is retired', async () => {
    const w = await world();
    const { anchor: record, envelope } = await anchor(w.h, w.doctor, w.patient);
    const { anchor: other } = await anchor(w.h, w.doctor, w.patient);
    const sealedBefore = storedValue(w, record, 'content');
    const oldKid = parseWrappedDataKey(storedValue(w, record, 'data-key')).kid;
    const newKid = w.keyrings.rotate(H1);
    const admin = orgAdmin(H1);

    const listed = await w.h.evaluate<{ activeKeyId: string; keys: { recordId: string; kid: string }[] }>(
      admin,
      'record:ListWrappedDataKeys',
      {},
    );
    assert.equal(listed.activeKeyId, newKid);
    assert.deepEqual(
      listed.keys.filter((k) => [record.recordId, other.recordId].includes(k.recordId)).map((k) => k.kid),
      [oldKid, oldKid],
    );
    const versions = [record, other].map((r) => ({ recordId: r.recordId, version: r.version }));
    const { result, tx } = await w.h.submit<{ rewrapped: number; unchanged: number; missing: number }>(
      admin,
      'record:RewrapDataKeys',
      { versions: [...versions, { recordId: uid('rec'), version: 1 }] },
    );
    assert.deepEqual([result.rewrapped, result.unchanged, result.missing], [2, 0, 1]);
    assert.equal(tx.status, 'VALID');
    // One simulation only: wrapping draws fresh nonces, so the registry names the custodian alone.
    assert.equal(transactions.RewrapDataKeys.endorsement, 'custodian-only');
    assert.deepEqual(storedValue(w, record, 'content'), sealedBefore, 'the sealed content is not rewritten');
    assert.equal(parseWrappedDataKey(storedValue(w, record, 'data-key')).kid, newKid);

    const again = await w.h.submit<{ rewrapped: number; unchanged: number }>(admin, 'record:RewrapDataKeys', {
      versions,
    });
    assert.deepEqual([again.result.rewrapped, again.result.unchanged], [0, 2]);
    // Nothing moved, yet the batch writes its record to the custodian's implicit collection: a
    // transaction without writes would be validated under the chaincode's policy, not the custodian's.
    assert.deepEqual([...again.tx.privateWrites.keys()], [implicitCollection(H1)]);
    w.keyrings.retireOld(H1);
    assert.deepEqual((await readAsDoctor(w, record)).resource, envelope.resource);
  });

  void it('when data keys are re-wrapped, then no key wrapped under the retired KEK stays on the custodian peer (private data store included), so a retired KEK kept by an insider or a backup opens nothing', async () => {
    const w = await world();
    const { anchor: record, envelope } = await anchor(w.h, w.doctor, w.patient);
    const context = `${implicitCollection(H1)}\n${record.recordId}\n000001`;
    const content = parseSealedContent(storedValue(w, record, 'content'));
    const retiredKeyring = w.keyrings.source(H1);
    assert.ok(retiredKeyring);
    /** Every wrapped data key a copy of Hospital1's peer disk holds that the retired KEK opens the content with. */
    const openedByRetiredKek = (): string[] =>
      w.h.ledger.storedView(H1).filter((text) => {
        try {
          const wrappedKey = parseWrappedDataKey(JSON.parse(text));
          return decryptRecord(retiredKeyring, { content, wrappedKey }, context).length > 0;
        } catch {
          return false;
        }
      });
    // Before the rotation the attack works (state and private data store): the test reads what an attacker would.
    assert.ok(openedByRetiredKek().length > 0);
    const admin = orgAdmin(H1);
    const versions = [{ recordId: record.recordId, version: record.version }];
    for (let rotation = 1; rotation <= 2; rotation++) {
      w.keyrings.rotate(H1);
      const { result } = await w.h.submit<{ rewrapped: number }>(admin, 'record:RewrapDataKeys', {
        versions,
      });
      assert.equal(result.rewrapped, 1);
      assert.deepEqual(openedByRetiredKek(), [], `after rotation ${String(rotation)}`);
      const keys = w.h.ledger.committedPrivateKeys(implicitCollection(H1));
      assert.equal(keys.filter((k) => k.includes(`\u0000data-key\u0000${record.recordId}\u0000`)).length, 1);
    }
    w.keyrings.retireOld(H1);
    assert.deepEqual((await readAsDoctor(w, record)).resource, envelope.resource);
    // Erasure purges whichever slot the key is in.
    await w.h.submit(admin, 'record:EraseRecordContent', {
      recordId: record.recordId,
      reason: 'patient_request',
    });
    assert.deepEqual(
      w.h.ledger.committedPrivateKeys(implicitCollection(H1)).filter((k) => k.includes(record.recordId)),
      [],
    );
  });

  void it('when the old KEK is retired before re-wrapping, then the read fails KEY_UNAVAILABLE naming only the key id', async () => {
    const w = await world();
    const { anchor: record } = await anchor(w.h, w.doctor, w.patient);
    const oldKid = parseWrappedDataKey(storedValue(w, record, 'data-key')).kid;
    w.keyrings.rotate(H1);
    w.keyrings.retireOld(H1);
    await assert.rejects(readAsDoctor(w, record), new RegExp(`\\[KEY_UNAVAILABLE\\] ${oldKid}$`));
  });

  void it('when a hospital admin of another org or a doctor lists or re-wraps keys, then they reach only their own org or are FORBIDDEN', async () => {
    const w = await world();
    await anchor(w.h, w.doctor, w.patient);
    await assert.rejects(w.h.evaluate(w.doctor, 'record:ListWrappedDataKeys', {}), /\[FORBIDDEN\]/);
    await assert.rejects(
      w.h.evaluate(orgAdmin(H1), 'record:ListWrappedDataKeys', {}, { peer: 'Hospital2MSP' }),
      /\[CONTENT_UNAVAILABLE\]/,
    );
    const h2 = await w.h.evaluate<{ keys: unknown[] }>(
      orgAdmin('Hospital2MSP'),
      'record:ListWrappedDataKeys',
      {},
    );
    assert.deepEqual(h2.keys, []);
    await assert.rejects(
      w.h.evaluate(orgAdmin('ResearchMSP'), 'record:ListWrappedDataKeys', {}),
      /\[FORBIDDEN\]/,
    );
  });

  void it('when content is erased, then a copy of its ciphertext taken before cannot be opened even with the KEK', async () => {
    const w = await world();
    const { anchor: record } = await anchor(w.h, w.doctor, w.patient);
    const stolen = {
      content: parseSealedContent(storedValue(w, record, 'content')),
      wrappedKey: parseWrappedDataKey(storedValue(w, record, 'data-key')),
    };
    const keyring = w.keyrings.source(H1);
    assert.ok(keyring);
    const context = `${implicitCollection(H1)}\n${record.recordId}\n000001`;
    // Before the erasure the KEK and the wrapped key open it: the test reads what an attacker would.
    assert.ok(decryptRecord(keyring, stolen, context).length > 0);
    await w.h.submit(orgAdmin(H1), 'record:EraseRecordContent', {
      recordId: record.recordId,
      reason: 'patient_request',
    });
    const left = w.h.ledger
      .committedPrivateKeys(implicitCollection(H1))
      .filter((k) => k.includes(record.recordId));
    assert.deepEqual(left, [], 'the data key is purged with the content');
    // The wrapped data key was stored nowhere else (blocks carry only its hash): with the KEK and a
    // copy of the ciphertext, nothing on any peer opens the content any more.
    for (const org of w.h.ledger.orgs) {
      assert.ok(!w.h.ledger.storedView(org).join('\n').includes(stolen.wrappedKey.wrapped), org);
    }
  });
});
