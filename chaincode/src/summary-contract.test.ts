import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalBytes, sha256Hex, type RecordAnchor, type SummaryEntry } from '@medledger/domain';
import { anchor } from './testing/fixtures';
import { allergy as allergyResource, potassium } from './testing/quality-fixtures';
import type { FakeSigner } from './testing/fake-identity';
import {
  Harness,
  orgAdmin,
  patientJws,
  registerPatient,
  registerStaff,
  type TestPatient,
} from './testing/harness';

interface Opened {
  accessId: string;
  custodian: string;
  records: number;
  expiresAt: string;
}

interface Read {
  accessId: string;
  custodian: string;
  entries: SummaryEntry[];
}

/** A patient with an allergy, a diagnosis and a vital-sign record at Hospital1 and a lab result at Hospital2. */
async function world() {
  const h = new Harness();
  const patient = await registerPatient(h);
  const h1 = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  const h2 = await registerStaff(h, 'Hospital2MSP', 'attending', 'er');
  const allergy = await anchor(h, h1, patient, { category: 'allergy', resource: allergyResource() });
  const diagnosis = await anchor(h, h1, patient, { category: 'diagnosis' });
  const vital = await anchor(h, h1, patient, { category: 'vital', resource: potassium() });
  const lab = await anchor(h, h2, patient, { category: 'lab', department: 'er', resource: potassium() });
  return { h, patient, h1, h2, allergy, diagnosis, vital, lab };
}
type World = Awaited<ReturnType<typeof world>>;

function summaryRequest(w: World, aud: string, patient: TestPatient = w.patient): string {
  return patientJws(w.h, patient, { typ: 'medledger.summary.read', aud }, { expInSeconds: 120 });
}

const ref = (a: RecordAnchor) => ({ recordId: a.recordId, version: a.version });

function openAccess(
  w: World,
  who: FakeSigner,
  custodian: string,
  records: readonly RecordAnchor[],
  jws: string,
  patient: TestPatient = w.patient,
) {
  return w.h.submit<Opened>(
    who,
    'summary:OpenPatientAccess',
    { custodian, records: records.map(ref) },
    { transient: { subject: { patientDid: patient.did }, request: { jws } } },
  );
}

function readAccess(
  w: World,
  who: FakeSigner,
  custodian: string,
  accessId: string,
  options: { peer?: string; time?: Date } = {},
) {
  return w.h.evaluate<Read>(who, 'summary:ReadPatientContent', { custodian, accessId }, options);
}

void describe('SummaryContract: the patient reads their own summary records', () => {
  void it('when the patient signs a summary request relayed by Hospital2, then the listing and one access per custodian open and each entry carries its custodian, hash and salt, which verify', async () => {
    const w = await world();
    const relay = orgAdmin('Hospital2MSP');
    const jws = summaryRequest(w, 'Hospital2MSP');
    const listing = await w.h.submit<{ outcome: string; reason: string }>(
      relay,
      'listing:OpenRecordListing',
      {},
      { transient: { subject: { patientDid: w.patient.did }, request: { jws } } },
    );
    assert.deepEqual([listing.result.outcome, listing.result.reason], ['granted', 'PATIENT_SIGNED']);
    const at1 = await openAccess(w, relay, 'Hospital1MSP', [w.allergy.anchor, w.diagnosis.anchor], jws);
    assert.equal(at1.tx.status, 'VALID');
    assert.equal(at1.tx.event?.name, 'PatientAccessOpened');
    assert.equal(JSON.stringify(at1.tx.event).includes(w.patient.did), false, 'no patient in the event');
    assert.equal(at1.result.records, 2);
    const read = await readAccess(w, relay, 'Hospital1MSP', at1.result.accessId);
    assert.deepEqual(
      read.entries.map((e) => [e.recordId, e.custodian, e.category]),
      [
        [w.allergy.anchor.recordId, 'Hospital1MSP', 'allergy'],
        [w.diagnosis.anchor.recordId, 'Hospital1MSP', 'diagnosis'],
      ],
    );
    for (const [entry, made] of [
      [read.entries[0], w.allergy],
      [read.entries[1], w.diagnosis],
    ] as const) {
      assert.equal(entry?.contentHash, made.anchor.contentHash);
      assert.equal(entry.anchorTxId, made.anchor.txId);
      assert.equal(
        sha256Hex(canonicalBytes({ resource: entry.resource, salt: entry.salt })),
        entry.contentHash,
      );
    }
    const at2 = await openAccess(w, relay, 'Hospital2MSP', [w.lab.anchor], jws);
    const read2 = await readAccess(w, relay, 'Hospital2MSP', at2.result.accessId);
    assert.deepEqual(
      read2.entries.map((e) => e.recordId),
      [w.lab.anchor.recordId],
    );
  });

  void it('when the relay replays the request at the same custodian, relays it for another org, or names a record of another category or patient, then nothing is written', async () => {
    const w = await world();
    const relay = orgAdmin('Hospital2MSP');
    const jws = summaryRequest(w, 'Hospital2MSP');
    await openAccess(w, relay, 'Hospital1MSP', [w.allergy.anchor], jws);
    await assert.rejects(
      openAccess(w, relay, 'Hospital1MSP', [w.diagnosis.anchor], jws),
      /\[REPLAYED_NONCE\]/,
    );
    await assert.rejects(
      openAccess(
        w,
        orgAdmin('Hospital1MSP'),
        'Hospital1MSP',
        [w.allergy.anchor],
        summaryRequest(w, 'Hospital2MSP'),
      ),
      /\[FORBIDDEN\] request aud/,
    );
    await assert.rejects(
      openAccess(w, relay, 'Hospital1MSP', [w.vital.anchor], summaryRequest(w, 'Hospital2MSP')),
      /\[VALIDATION_FAILED\]/,
    );
    const other = await registerPatient(w.h);
    await assert.rejects(
      openAccess(
        w,
        relay,
        'Hospital1MSP',
        [w.allergy.anchor],
        summaryRequest(w, 'Hospital2MSP', other),
        other,
      ),
      /\[FORBIDDEN\]/,
    );
    const listRequest = patientJws(w.h, w.patient, { typ: 'medledger.records.list', aud: 'Hospital2MSP' });
    await assert.rejects(
      openAccess(w, relay, 'Hospital1MSP', [w.allergy.anchor], listRequest),
      /\[VALIDATION_FAILED\]/,
    );
  });

  void it("when anyone but the access's actor reads it, on another peer, after it expired, or after an erasure, then nothing of the erased record is returned", async () => {
    const w = await world();
    const relay = orgAdmin('Hospital2MSP');
    const opened = await openAccess(
      w,
      relay,
      'Hospital1MSP',
      [w.allergy.anchor, w.diagnosis.anchor],
      summaryRequest(w, 'Hospital2MSP'),
    );
    const id = opened.result.accessId;
    await assert.rejects(readAccess(w, w.h2, 'Hospital1MSP', id), /\[ACCESS_NOT_GRANTED\]/);
    await assert.rejects(
      readAccess(w, relay, 'Hospital1MSP', id, { peer: 'Hospital2MSP' }),
      /\[CONTENT_UNAVAILABLE\]/,
    );
    await w.h.submit(orgAdmin('Hospital1MSP'), 'record:EraseRecordContent', {
      recordId: w.diagnosis.anchor.recordId,
      reason: 'patient_request',
    });
    const read = await readAccess(w, relay, 'Hospital1MSP', id);
    assert.deepEqual(
      read.entries.map((e) => e.recordId),
      [w.allergy.anchor.recordId],
    );
    await assert.rejects(
      readAccess(w, relay, 'Hospital1MSP', id, {
        time: new Date(Date.parse(opened.result.expiresAt) + 1000),
      }),
      /\[EXPIRED\]/,
    );
  });

  void it("when the regulator's staff relay, or a patient with records at Hospital1 reads through Hospital1, then the regulator is refused and Hospital2 and the research institute hold no trace of the patient", async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const doc = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
    const { anchor: only } = await anchor(h, doc, patient, {
      category: 'allergy',
      resource: allergyResource(),
    });
    const w = { h, patient } as World;
    await assert.rejects(
      openAccess(w, orgAdmin('RegulatorMSP'), 'Hospital1MSP', [only], summaryRequest(w, 'RegulatorMSP')),
      /\[FORBIDDEN\]/,
    );
    const relay = orgAdmin('Hospital1MSP');
    const opened = await openAccess(w, relay, 'Hospital1MSP', [only], summaryRequest(w, 'Hospital1MSP'));
    assert.equal((await readAccess(w, relay, 'Hospital1MSP', opened.result.accessId)).entries.length, 1);
    for (const org of ['Hospital2MSP', 'ResearchMSP']) {
      assert.equal(
        h.ledger.orgView(org).some((s) => s.includes(patient.did)),
        false,
        org,
      );
    }
  });
});
