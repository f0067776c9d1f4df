import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BENCH_LOADER_ATTRIBUTE, type AccessDecision, type RecordAnchor } from '@medledger/domain';
import { HealthContract } from './health-contract';
import type { FakeSigner } from './testing/fake-identity';
import { accessRecord, anchor, grantConsent, recordMeta, salt, condition } from './testing/fixtures';
import { Harness, orgAdmin, registerPatient, registerStaff, type TestPatient } from './testing/harness';
import { roundTrips, type ShimCalls } from './testing/memory-ledger';

/**
 * Round trips between the chaincode server and its peer, per transaction and per endorser, of the
 * transactions the benchmark measures: what the counts are is the point of these tests (the table in
 * docs/performance.md, "Round trips per transaction"), so a change that adds a read shows here.
 */

/** An org's bench-loader identity (the CA-issued attribute in an admin certificate). */
function loader(): FakeSigner {
  return { ...orgAdmin('Hospital1MSP'), attrs: { [BENCH_LOADER_ATTRIBUTE]: 'true' } };
}

interface Scene {
  h: Harness;
  patient: TestPatient;
  attending: FakeSigner;
  record: { recordId: string; custodian: string };
}

async function scene(): Promise<Scene> {
  const h = new Harness();
  const patient = await registerPatient(h);
  const attending = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  const { anchor: record } = await anchor(h, attending, patient);
  return { h, patient, attending, record };
}

/** What anchoring version 1 of a record asks of the peer, whatever its quality status. */
const ANCHOR_V1_CALLS: ShimCalls = {
  getState: 3,
  getPrivateData: 1,
  getPrivateDataHash: 3,
  getStateByRange: 4,
  putState: 2,
  setStateValidationParameter: 2,
  putPrivateData: 4,
};

/** The calls of the last simulation the harness ran (a submit's last endorser; each endorser runs the same). */
function last(h: Harness): ShimCalls {
  return h.ledger.lastCalls;
}

void describe('round trips per transaction (the memory ledger counts shim calls)', () => {
  void it('when Ping runs, then it is one putState', async () => {
    const h = new Harness();
    await h.ready();
    const tx = await h.ledger.submit({ signer: orgAdmin('Hospital1MSP') }, (ctx) =>
      new HealthContract().Ping(ctx),
    );
    assert.deepEqual(tx.calls, { putState: 1 });
  });

  void it('when another hospital is granted access with the patient consent, then the decision costs what the table says', async () => {
    const s = await scene();
    const consent = await grantConsent(s.h, s.patient);
    const doctor = await registerStaff(s.h, 'Hospital2MSP', 'attending', 'cardiology');
    const d: AccessDecision = await accessRecord(s.h, doctor, s.record, { purpose: 'treatment' }, [consent]);
    assert.equal(d.outcome, 'granted');
    // The signer's document with what it reads next, and the consent's public fact, revocation and
    // deletion attestation: two multi-key reads.
    assert.deepEqual(last(s.h), {
      getMultipleStates: 2,
      getPrivateData: 2,
      getPrivateDataHash: 2,
      getStateByRange: 3,
      putPrivateData: 5,
    });
    assert.equal(roundTrips(last(s.h)), 14);
  });

  void it('when another hospital asks without consent, then the denial costs what the table says', async () => {
    const s = await scene();
    const doctor = await registerStaff(s.h, 'Hospital2MSP', 'attending', 'cardiology');
    const d = await accessRecord(s.h, doctor, s.record, { purpose: 'treatment' });
    assert.equal(d.outcome, 'denied');
    assert.deepEqual(last(s.h), {
      getMultipleStates: 1,
      getPrivateData: 2,
      getPrivateDataHash: 1,
      getStateByRange: 3,
      putPrivateData: 4,
    });
    assert.equal(roundTrips(last(s.h)), 11);
  });

  void it('when a record version is staged and anchored, then each phase costs what the table says', async () => {
    const s = await scene();
    const meta = recordMeta(s.record.recordId, 2);
    const envelope = { resource: condition(), salt: salt() };
    const { result: staged, tx: stage } = await s.h.submit<{
      contentHash: string;
      qualityStatus: string;
      reasons: string[];
    }>(s.attending, 'record:StageRecordContent', meta, {
      transient: { content: envelope, subject: { patientDid: s.patient.did } },
    });
    assert.deepEqual(stage.calls, {
      getState: 3,
      getPrivateData: 2,
      getPrivateDataHash: 2,
      getStateByRange: 4,
      putPrivateData: 3,
    });
    const first = await s.h.evaluate<{ contentHash: string }>(s.attending, 'record:GetRecord', {
      recordId: s.record.recordId,
      custodian: s.record.custodian,
      version: 1,
    });
    const { tx: anchored } = await s.h.submit(
      s.attending,
      'record:AnchorRecord',
      {
        ...meta,
        previousHash: first.contentHash,
        contentHash: staged.contentHash,
        qualityStatus: staged.qualityStatus,
        reasons: staged.reasons,
      },
      { transient: { subject: { patientDid: s.patient.did } } },
    );
    assert.equal(anchored.status, 'VALID');
    // The anchor with its key-level policy and receipt, and the record's latest state with its receipt:
    // the latest state's policy is read, found unchanged and not set again.
    assert.deepEqual(anchored.calls, {
      getState: 3,
      getPrivateData: 2,
      getPrivateDataHash: 4,
      getStateByRange: 4,
      getStateValidationParameter: 1,
      putState: 2,
      setStateValidationParameter: 1,
      putPrivateData: 2,
    });
    const recordId = `rt-${s.record.recordId}`;
    const v1 = recordMeta(recordId, 1);
    const { result: staged1, tx: stage1 } = await s.h.submit<{
      contentHash: string;
      qualityStatus: string;
      reasons: string[];
    }>(s.attending, 'record:StageRecordContent', v1, {
      transient: { content: envelope, subject: { patientDid: s.patient.did } },
    });
    assert.deepEqual(stage1.calls, {
      getState: 3,
      getPrivateData: 1,
      getPrivateDataHash: 1,
      getStateByRange: 4,
      putPrivateData: 3,
    });
    const { tx: anchored1 } = await s.h.submit(
      s.attending,
      'record:AnchorRecord',
      {
        ...v1,
        previousHash: null,
        contentHash: staged1.contentHash,
        qualityStatus: staged1.qualityStatus,
        reasons: staged1.reasons,
      },
      { transient: { subject: { patientDid: s.patient.did } } },
    );
    assert.equal(anchored1.status, 'VALID');
    assert.deepEqual(anchored1.calls, ANCHOR_V1_CALLS);
    assert.deepEqual(
      [stage1.calls, anchored1.calls, stage.calls, anchored.calls].map(roundTrips),
      [12, 19, 14, 19],
    );
  });

  void it('when a version staged as needs_review is anchored, then it costs what an accepted one does', async () => {
    const s = await scene();
    const v1 = recordMeta(`rt-review-${s.record.recordId}`, 1);
    const resource = condition({
      code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
    });
    const { result: staged } = await s.h.submit<{
      contentHash: string;
      qualityStatus: string;
      reasons: string[];
    }>(s.attending, 'record:StageRecordContent', v1, {
      transient: { content: { resource, salt: salt() }, subject: { patientDid: s.patient.did } },
    });
    assert.equal(staged.qualityStatus, 'needs_review');
    const { result: view, tx } = await s.h.submit<{ qualityStatus: string; reviewedBy: string | null }>(
      s.attending,
      'record:AnchorRecord',
      { ...v1, previousHash: null, ...staged },
      { transient: { subject: { patientDid: s.patient.did } } },
    );
    assert.equal(tx.status, 'VALID');
    assert.deepEqual([view.qualityStatus, view.reviewedBy], ['needs_review', null]);
    // No read of a quality review: the version's anchor is written by this transaction.
    assert.deepEqual(tx.calls, ANCHOR_V1_CALLS);
  });

  void it('when a record is read, then its latest version is one point read and its receipt after the caller checks, and an older version reads its history', async () => {
    const s = await scene();
    const read = (version?: number) =>
      s.h.evaluate<RecordAnchor>(s.attending, 'record:GetRecord', {
        recordId: s.record.recordId,
        custodian: s.record.custodian,
        ...(version === undefined ? {} : { version }),
      });
    assert.equal((await read()).version, 1);
    // The caller's staff document with the record's latest state (one multi-key read), suspensions and
    // the freezes of person and org (3 ranges), then the latest state's receipt.
    assert.deepEqual(last(s.h), { getMultipleStates: 1, getStateByRange: 3, getPrivateDataHash: 1 });
    assert.equal(roundTrips(last(s.h)), 5);
    const latest = await read();
    const { anchor: v2 } = await anchor(s.h, s.attending, s.patient, {
      recordId: latest.recordId,
      version: 2,
      previousHash: latest.contentHash,
    });
    assert.equal((await read()).version, v2.version);
    assert.equal(roundTrips(last(s.h)), 5);
    // The latest state (read with the staff document), then the version's anchor and the record's
    // erasures, each bound by a receipt.
    assert.equal((await read(1)).version, 1);
    assert.deepEqual(last(s.h), {
      getMultipleStates: 1,
      getState: 1,
      getPrivateDataHash: 2,
      getStateByRange: 4,
    });
    assert.equal(roundTrips(last(s.h)), 8);
  });

  void it('when a patient consent is granted, then it costs what the table says', async () => {
    const s = await scene();
    await grantConsent(s.h, s.patient);
    assert.deepEqual(last(s.h), {
      getState: 4,
      getPrivateData: 1,
      getPrivateDataHash: 1,
      getStateByRange: 3,
      putState: 2,
      setStateValidationParameter: 1,
      putPrivateData: 4,
    });
    assert.equal(roundTrips(last(s.h)), 16);
  });

  void it('when the loader writes 100 events and QueryAudit reads the newest 50 of one patient, then they cost what the table says', async () => {
    const h = new Harness();
    const { result, tx } = await h.submit<{ patientDids: string[] }>(
      loader(),
      'bench:LoadSyntheticAuditEvents',
      {
        count: 100,
        eventsPerPatient: 100,
      },
    );
    const { tx: one } = await h.submit(loader(), 'bench:LoadSyntheticAuditEvents', { count: 1 });
    // Per event: four private writes (the event and its three index entries); the rest once per batch.
    assert.deepEqual(tx.calls, { getState: 1, getPrivateData: 1, getStateByRange: 3, putPrivateData: 400 });
    assert.deepEqual(one.calls, { getState: 1, getPrivateData: 1, getStateByRange: 3, putPrivateData: 4 });
    const [patientDid = ''] = result.patientDids;
    const page = await h.evaluate<{ items: unknown[] }>(orgAdmin('Hospital1MSP'), 'audit:QueryAudit', {
      by: 'patient',
      id: patientDid,
      pageSize: 50,
    });
    assert.equal(page.items.length, 50);
    // One range read of the index (closed: it holds more than the page), whose entries carry the events.
    assert.deepEqual(last(h), {
      getState: 2,
      getPrivateData: 1,
      getStateByRange: 3,
      getPrivateDataByRange: 1,
      queryStateClose: 1,
    });
    assert.equal(roundTrips(last(h)), 8);
  });
});
