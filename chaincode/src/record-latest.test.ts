import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalBytes, KeyFamily, staffDid, type RecordAnchor } from '@medledger/domain';
import type { Context } from 'fabric-contract-api';
import { decodePolicy } from './ledger/policies';
import type { FakeSigner } from './testing/fake-identity';
import { accessRecord, anchor, condition, recordMeta, salt } from './testing/fixtures';
import { Harness, orgAdmin, registerPatient, registerStaff, type TestPatient } from './testing/harness';

/**
 * The record's latest-state key (`record~latest`): every transaction that changes what a record's
 * latest version shows rewrites it, and it always equals the view built from the record's history
 * (its anchors, reviews and erasures), which stays readable through the version keys.
 */

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const RESEARCH = 'ResearchMSP';
const REGULATOR = 'RegulatorMSP';

/** A FHIR Condition the quality gate holds for review (its SNOMED code is not the consortium's). */
const NEEDS_REVIEW = condition({
  code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
});

interface World {
  h: Harness;
  patient: TestPatient;
  doctor: FakeSigner;
}

async function world(): Promise<World> {
  const h = new Harness();
  const patient = await registerPatient(h);
  const doctor = await registerStaff(h, H1, 'attending', 'cardiology');
  return { h, patient, doctor };
}

/** The committed key of a record's latest state. */
function latestKey(w: World, recordId: string, custodian = H1): string {
  const key = `\u0000${KeyFamily.recordLatest}\u0000${custodian}\u0000${recordId}\u0000`;
  assert.ok(w.h.ledger.committedKeys().includes(key), `no latest state of ${recordId}`);
  return key;
}

function stored(w: World, recordId: string): RecordAnchor {
  const bytes = w.h.ledger.getCommitted(latestKey(w, recordId));
  return JSON.parse(bytes?.toString('utf8') ?? 'null') as RecordAnchor;
}

function getRecord(w: World, recordId: string, version?: number): Promise<RecordAnchor> {
  return w.h.evaluate<RecordAnchor>(w.doctor, 'record:GetRecord', {
    recordId,
    custodian: H1,
    ...(version === undefined ? {} : { version }),
  });
}

/**
 * Asserts that the latest state, GetRecord's answer and the newest version of the history (built from
 * anchors, reviews and erasures) are one and the same view; returns it.
 */
async function assertConsistent(w: World, recordId: string): Promise<RecordAnchor> {
  const history = await w.h.evaluate<{ versions: RecordAnchor[] }>(w.doctor, 'record:GetRecordHistory', {
    recordId,
    custodian: H1,
  });
  const newest = history.versions.at(-1);
  assert.ok(newest);
  assert.deepEqual(stored(w, recordId), newest);
  assert.deepEqual(await getRecord(w, recordId), newest);
  assert.deepEqual(await getRecord(w, recordId, newest.version), newest);
  return newest;
}

/** Public keys a committed transaction wrote of one key family. */
function written(tx: { writes: Map<string, Buffer | null> }, family: string): string[] {
  return [...tx.writes.keys()].filter((k) => k.startsWith(`\u0000${family}\u0000`));
}

async function nextVersion(w: World, previous: RecordAnchor, resource = condition()): Promise<RecordAnchor> {
  const { anchor: a } = await anchor(w.h, w.doctor, w.patient, {
    recordId: previous.recordId,
    version: previous.version + 1,
    previousHash: previous.contentHash,
    resource,
  });
  return a;
}

void describe('record~latest: every writer keeps it consistent', () => {
  void it('when a record is anchored, then its latest state is the view AnchorRecord answered, bound by a receipt and guarded by the custodian and the regulator', async () => {
    const w = await world();
    const { anchor: a } = await anchor(w.h, w.doctor, w.patient);
    assert.deepEqual(stored(w, a.recordId), a);
    assert.deepEqual(await assertConsistent(w, a.recordId), a);
    const policy = w.h.ledger.readValidationParameter(latestKey(w, a.recordId));
    assert.ok(policy);
    assert.deepEqual(decodePolicy(policy), { outOf: 2, of: [{ peerOf: H1 }, { peerOf: REGULATOR }] });
  });

  void it('when versions are anchored and reviewed, then the latest state follows the newest version and a review of an older one leaves it alone', async () => {
    const w = await world();
    const { anchor: v1 } = await anchor(w.h, w.doctor, w.patient, { resource: NEEDS_REVIEW });
    assert.equal((await assertConsistent(w, v1.recordId)).qualityStatus, 'needs_review');
    const v2 = await nextVersion(w, v1, NEEDS_REVIEW);
    assert.equal((await assertConsistent(w, v1.recordId)).version, 2);
    const older = await w.h.submit<RecordAnchor>(w.doctor, 'record:ReviewRecordQuality', {
      recordId: v1.recordId,
      version: 1,
    });
    assert.deepEqual(written(older.tx, KeyFamily.recordLatest), []);
    assert.deepEqual(
      [older.result.version, older.result.qualityStatus, older.result.reviewedBy],
      [1, 'accepted', staffDid(H1, w.doctor.cn)],
    );
    assert.equal((await assertConsistent(w, v1.recordId)).qualityStatus, 'needs_review');
    assert.equal((await getRecord(w, v1.recordId, 1)).qualityStatus, 'accepted');
    const newest = await w.h.submit<RecordAnchor>(w.doctor, 'record:ReviewRecordQuality', {
      recordId: v1.recordId,
      version: 2,
    });
    const latest = await assertConsistent(w, v1.recordId);
    assert.deepEqual(newest.result, latest);
    assert.deepEqual(
      [latest.version, latest.contentHash, latest.qualityStatus, latest.reviewedBy],
      [2, v2.contentHash, 'accepted', staffDid(H1, w.doctor.cn)],
    );
    const event = JSON.parse(newest.tx.event?.payload.toString('utf8') ?? '{}') as { txTime?: string };
    assert.equal(latest.reviewedAt, event.txTime);
  });

  void it('when an older version, a staged version and then every version are erased, then only the erasure of the newest version changes the latest state', async () => {
    const w = await world();
    const admin = orgAdmin(H1);
    const { anchor: v1 } = await anchor(w.h, w.doctor, w.patient);
    await nextVersion(w, v1);
    const first = await w.h.submit(admin, 'record:EraseRecordContent', {
      recordId: v1.recordId,
      version: 1,
      reason: 'data_error',
    });
    assert.deepEqual(written(first.tx, KeyFamily.recordLatest), []);
    assert.equal((await assertConsistent(w, v1.recordId)).erased, false);
    assert.equal((await getRecord(w, v1.recordId, 1)).erased, true);
    await w.h.submit(w.doctor, 'record:StageRecordContent', recordMeta(v1.recordId, 3), {
      transient: { content: { resource: condition(), salt: salt() }, subject: { patientDid: w.patient.did } },
    });
    const purge = await w.h.submit(admin, 'record:PurgeStagedContent', {
      recordId: v1.recordId,
      version: 3,
      reason: 'data_error',
    });
    assert.deepEqual(written(purge.tx, KeyFamily.recordLatest), []);
    assert.equal((await assertConsistent(w, v1.recordId)).erased, false);
    const all = await w.h.submit(admin, 'record:EraseRecordContent', {
      recordId: v1.recordId,
      reason: 'patient_request',
    });
    assert.equal(written(all.tx, KeyFamily.recordLatest).length, 1);
    const latest = await assertConsistent(w, v1.recordId);
    assert.deepEqual([latest.version, latest.erased], [2, true]);
  });

  void it('when a version follows an erased one, then the latest state shows the new version not erased', async () => {
    const w = await world();
    const { anchor: v1 } = await anchor(w.h, w.doctor, w.patient);
    await w.h.submit(orgAdmin(H1), 'record:EraseRecordContent', {
      recordId: v1.recordId,
      reason: 'data_error',
    });
    assert.equal((await assertConsistent(w, v1.recordId)).erased, true);
    const v2 = await nextVersion(w, v1);
    assert.equal(v2.erased, false);
    assert.deepEqual(await assertConsistent(w, v1.recordId), v2);
    assert.equal((await getRecord(w, v1.recordId, 1)).erased, true);
  });

  void it('when a transaction changes one record, then it writes no other record’s latest state (unrelated records never conflict)', async () => {
    const w = await world();
    const { anchor: a } = await anchor(w.h, w.doctor, w.patient, { resource: NEEDS_REVIEW });
    const { anchor: b } = await anchor(w.h, w.doctor, w.patient, { resource: NEEDS_REVIEW });
    const own = [latestKey(w, a.recordId)];
    const review = await w.h.submit(w.doctor, 'record:ReviewRecordQuality', {
      recordId: a.recordId,
      version: 1,
    });
    assert.deepEqual(written(review.tx, KeyFamily.recordLatest), own);
    const erase = await w.h.submit(orgAdmin(H1), 'record:EraseRecordContent', {
      recordId: a.recordId,
      reason: 'data_error',
    });
    assert.deepEqual(written(erase.tx, KeyFamily.recordLatest), own);
    assert.deepEqual(await assertConsistent(w, b.recordId), b);
  });
});

void describe('record~latest: records anchored before it and forged ones', () => {
  /** Removes a record's latest state as a ledger written before the key existed would lack it. */
  async function forget(w: World, recordId: string): Promise<void> {
    const key = latestKey(w, recordId);
    const tx = await w.h.ledger.submit(
      { signer: orgAdmin(H1), endorsers: [H1, REGULATOR] },
      async (ctx: Context) => {
        await ctx.stub.deleteState(key);
        return '';
      },
    );
    assert.equal(tx.status, 'VALID');
    assert.equal(w.h.ledger.getCommitted(key), undefined);
  }

  void it('when a record has no latest state, then reads answer the same from its history and its next change writes the key', async () => {
    const w = await world();
    const { anchor: v1 } = await anchor(w.h, w.doctor, w.patient, { resource: NEEDS_REVIEW });
    const before = await getRecord(w, v1.recordId);
    await forget(w, v1.recordId);
    assert.deepEqual(await getRecord(w, v1.recordId), before);
    const doctor2 = await registerStaff(w.h, H1, 'nurse', 'cardiology');
    const decision = await accessRecord(w.h, doctor2, v1, { purpose: 'treatment' });
    assert.equal(decision.outcome, 'granted');
    const { result } = await w.h.submit<RecordAnchor>(w.doctor, 'record:ReviewRecordQuality', {
      recordId: v1.recordId,
      version: 1,
    });
    assert.deepEqual(stored(w, v1.recordId), result);
    assert.deepEqual(await assertConsistent(w, v1.recordId), result);
    await forget(w, v1.recordId);
    await w.h.submit(orgAdmin(H1), 'record:EraseRecordContent', {
      recordId: v1.recordId,
      reason: 'data_error',
    });
    const erased = await assertConsistent(w, v1.recordId);
    assert.deepEqual([erased.qualityStatus, erased.erased], ['accepted', true]);
  });

  void it('when the custodian alone rewrites the latest state, then it is invalid; when two other orgs create one, then every reader refuses it', async () => {
    const w = await world();
    const { anchor: a } = await anchor(w.h, w.doctor, w.patient);
    const key = latestKey(w, a.recordId);
    const forged = canonicalBytes({ ...a, contentHash: 'f'.repeat(64) });
    const put = (endorsers: string[]) =>
      w.h.ledger.submit({ signer: orgAdmin(endorsers[0] ?? H1), endorsers }, async (ctx: Context) => {
        await ctx.stub.putState(key, forged);
        return '';
      });
    assert.equal((await put([H1])).status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.equal((await put([H1, H2, RESEARCH])).status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.deepEqual(await getRecord(w, a.recordId), a);
    await forget(w, a.recordId);
    // Creating a key follows the chaincode policy (two orgs): Fabric lets it commit, without a receipt.
    assert.equal((await put([H2, RESEARCH])).status, 'VALID');
    await assert.rejects(getRecord(w, a.recordId), /\[STATE_INVALID\]/);
    const doctor2 = await registerStaff(w.h, H2, 'attending', 'er');
    await assert.rejects(accessRecord(w.h, doctor2, a, { purpose: 'treatment' }), /\[STATE_INVALID\]/);
  });
});
