import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decryptRecord, digestHex, parseSealedContent, parseWrappedDataKey } from '@medledger/crypto';
import {
  canonicalBytes,
  implicitCollection,
  type ErasureRequestState,
  type RecordAnchor,
  type SummaryEntry,
} from '@medledger/domain';
import { anchor, condition } from './testing/fixtures';
import type { FakeSigner } from './testing/fake-identity';
import {
  Harness,
  orgAdmin,
  patientJws,
  registerPatient,
  registerStaff,
  uid,
  type TestPatient,
} from './testing/harness';
import { TestKeyrings } from './testing/test-keyrings';

/**
 * The readers and erasers of content that arrived beside content at rest (the patient's summary and
 * erasure requests): each must decrypt inside the custodian's chaincode server and hand out plaintext
 * only, and each erasure must shred the data key with the content.
 */

const H1 = 'Hospital1MSP';

interface World {
  h: Harness;
  keyrings: TestKeyrings;
  patient: TestPatient;
  doctor: FakeSigner;
}

async function world(cryptoProfile: 'international' | 'sm'): Promise<World> {
  const keyrings = new TestKeyrings(cryptoProfile === 'sm' ? 'SM4-GCM' : 'AES-256-GCM');
  const h = new Harness(undefined, { keyrings, cryptoProfile });
  const patient = await registerPatient(h);
  const doctor = await registerStaff(h, H1, 'attending', 'cardiology');
  return { h, keyrings, patient, doctor };
}

/** A diagnosis whose note is a random canary, so a leak of the content is a plain substring. */
async function canaryDiagnosis(
  w: World,
): Promise<{ canary: string; record: RecordAnchor; resource: object }> {
  const canary = `CANARY-${uid('c')}`;
  const made = await anchor(w.h, w.doctor, w.patient, {
    category: 'diagnosis',
    resource: condition({ note: [{ text: canary }] }),
  });
  return { canary, record: made.anchor, resource: made.envelope.resource };
}

/** What a copy of the org's peer disk holds, as one text. */
function disk(w: World, org: string): string {
  return w.h.ledger.storedView(org).join('\n');
}

/** The patient's summary access at Hospital1, opened through Hospital1 and read there. */
async function readSummary(w: World, record: RecordAnchor) {
  const relay = orgAdmin(H1);
  const jws = patientJws(w.h, w.patient, { typ: 'medledger.summary.read', aud: H1 }, { expInSeconds: 120 });
  const transient = { subject: { patientDid: w.patient.did }, request: { jws } };
  await w.h.submit(relay, 'listing:OpenRecordListing', {}, { transient });
  const { result } = await w.h.submit<{ accessId: string }>(
    relay,
    'summary:OpenPatientAccess',
    { custodian: H1, records: [{ recordId: record.recordId, version: record.version }] },
    { transient },
  );
  return () =>
    w.h.evaluate<{ entries: SummaryEntry[] }>(relay, 'summary:ReadPatientContent', {
      custodian: H1,
      accessId: result.accessId,
    });
}

void describe('content at rest: the summary and erasure requests', () => {
  void it('when the patient reads their summary on an sm ledger, then the entry is the plaintext the SM3 anchor names, while the peer disk holds only ciphertext', async () => {
    const w = await world('sm');
    const { canary, record, resource } = await canaryDiagnosis(w);
    assert.equal(record.hashAlgorithm, 'SM3');
    const read = await readSummary(w, record);
    const [entry] = (await read()).entries;
    assert.ok(entry);
    assert.deepEqual(entry.resource, resource);
    assert.equal(
      digestHex('SM3', canonicalBytes({ resource: entry.resource, salt: entry.salt })),
      record.contentHash,
    );
    const answer = JSON.stringify(entry);
    assert.ok(!/"wrapped"|"ciphertext"|"kid"/.test(answer), 'no ciphertext or wrapped key in the answer');
    for (const org of w.h.ledger.orgs) assert.ok(!disk(w, org).includes(canary), org);
    // Without the KEK that wrapped its data key the custodian's server refuses; it never passes bytes on.
    w.keyrings.rotate(H1);
    w.keyrings.retireOld(H1);
    await assert.rejects(
      read(),
      (err: Error) => /\[KEY_UNAVAILABLE\]/.test(err.message) && !err.message.includes(canary),
    );
  });

  void it('when the custodian answers a patient erasure request, then the data key is purged with the content from whichever slot holds it, so a copy of the ciphertext opens with no KEK', async () => {
    const w = await world('international');
    const { record } = await canaryDiagnosis(w);
    const collection = implicitCollection(H1);
    const stored = (family: string): unknown => {
      const key = w.h.ledger
        .committedPrivateKeys(collection)
        .find((k) => k.includes(`\u0000${family}\u0000${record.recordId}\u0000`));
      assert.ok(key, family);
      return JSON.parse(w.h.ledger.getCommittedPrivate(collection, key)?.toString('utf8') ?? 'null');
    };
    // A rotation first moves the wrapped key to its second slot: the erasure must find it there.
    w.keyrings.rotate(H1);
    await w.h.submit(orgAdmin(H1), 'record:RewrapDataKeys', {
      versions: [{ recordId: record.recordId, version: record.version }],
    });
    const stolen = {
      content: parseSealedContent(stored('content')),
      wrappedKey: parseWrappedDataKey(stored('data-key')),
    };
    const keyring = w.keyrings.source(H1);
    assert.ok(keyring);
    const context = `${collection}\n${record.recordId}\n000001`;
    assert.ok(decryptRecord(keyring, stolen, context).length > 0, 'the copy opens before the erasure');
    const relay = orgAdmin('Hospital2MSP');
    const jws = patientJws(w.h, w.patient, {
      typ: 'medledger.erasure.request',
      patientDid: w.patient.did,
      aud: 'Hospital2MSP',
      custodian: H1,
      recordId: record.recordId,
    });
    const { result } = await w.h.submit<ErasureRequestState>(
      relay,
      'erasure:RequestErasure',
      { custodian: H1, recordId: record.recordId },
      { transient: { subject: { patientDid: w.patient.did }, request: { jws } } },
    );
    const answered = await w.h.submit<ErasureRequestState>(orgAdmin(H1), 'erasure:AnswerErasureRequest', {
      requestId: result.requestId,
      answer: 'erased',
    });
    assert.equal(answered.result.status, 'erased');
    assert.deepEqual(
      w.h.ledger.committedPrivateKeys(collection).filter((k) => k.includes(record.recordId)),
      [],
    );
    for (const org of w.h.ledger.orgs) {
      assert.ok(!disk(w, org).includes(stolen.wrappedKey.wrapped), `no wrapped key left at ${org}`);
    }
  });
});
