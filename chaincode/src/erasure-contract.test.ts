import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErasureRequestState, RecordAnchor } from '@medledger/domain';
import { anchor } from './testing/fixtures';
import type { FakeSigner } from './testing/fake-identity';
import {
  daysFromNow,
  Harness,
  orgAdmin,
  patientJws,
  registerPatient,
  registerStaff,
  type TestPatient,
} from './testing/harness';

/** A patient with a diagnosis at Hospital1 and one at Hospital2. */
async function world() {
  const h = new Harness();
  const patient = await registerPatient(h);
  const h1 = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  const h2 = await registerStaff(h, 'Hospital2MSP', 'attending', 'er');
  const atH1 = (await anchor(h, h1, patient, { category: 'diagnosis' })).anchor;
  const atH2 = (await anchor(h, h2, patient, { category: 'diagnosis', department: 'er' })).anchor;
  return { h, patient, h1, h2, atH1, atH2 };
}
type World = Awaited<ReturnType<typeof world>>;

function requestJws(
  w: World,
  aud: string,
  record: { custodian: string; recordId: string },
  signer: TestPatient = w.patient,
  patientDid = w.patient.did,
): string {
  return patientJws(w.h, signer, {
    typ: 'medledger.erasure.request',
    patientDid,
    aud,
    custodian: record.custodian,
    recordId: record.recordId,
  });
}

function request(
  w: World,
  relay: FakeSigner,
  record: { custodian: string; recordId: string },
  jws: string,
  patientDid = w.patient.did,
) {
  return w.h.submit<ErasureRequestState>(
    relay,
    'erasure:RequestErasure',
    { custodian: record.custodian, recordId: record.recordId },
    { transient: { subject: { patientDid }, request: { jws } } },
  );
}

function answer(w: World, who: FakeSigner, body: Record<string, unknown>, time?: Date) {
  return w.h.submit<ErasureRequestState>(who, 'erasure:AnswerErasureRequest', body, time ? { time } : {});
}

function list(w: World, who: FakeSigner, input: Record<string, unknown>, time?: Date) {
  return w.h.evaluate<{ items: ErasureRequestState[] }>(
    who,
    'erasure:ListErasureRequests',
    input,
    time ? { time } : {},
  );
}

void describe('ErasureContract: erasure at the patient request', () => {
  void it('when the patient asks through Hospital2 and Hospital1 erases, then the request is due in 30 days, its event names no patient, the content is gone and neither the request nor the answer can be replayed', async () => {
    const w = await world();
    const jws = requestJws(w, 'Hospital2MSP', w.atH1);
    const { result, tx } = await request(w, orgAdmin('Hospital2MSP'), w.atH1, jws);
    assert.equal(result.status, 'open');
    assert.equal(Date.parse(result.dueAt) - Date.parse(result.requestedAt), 30 * 86_400_000);
    assert.equal(tx.event?.name, 'ErasureRequested');
    assert.equal(JSON.stringify(tx.event).includes(w.patient.did), false);
    await assert.rejects(request(w, orgAdmin('Hospital2MSP'), w.atH1, jws), /\[REPLAYED_NONCE\]/);
    const answered = await answer(w, orgAdmin('Hospital1MSP'), {
      requestId: result.requestId,
      answer: 'erased',
    });
    assert.deepEqual([answered.result.status, answered.result.late], ['erased', false]);
    assert.equal(answered.tx.event?.name, 'ErasureRequestAnswered');
    const history = await w.h.evaluate<{ erasures: { reason: string; version: number }[] }>(
      w.h1,
      'record:GetRecordHistory',
      { recordId: w.atH1.recordId, custodian: 'Hospital1MSP' },
    );
    assert.deepEqual(
      history.erasures.map((e) => [e.version, e.reason]),
      [[1, 'patient_request']],
    );
    const latest = await w.h.evaluate<RecordAnchor>(w.h1, 'record:GetRecord', {
      recordId: w.atH1.recordId,
      custodian: 'Hospital1MSP',
    });
    assert.deepEqual([latest.version, latest.erased], [1, true]);
    await assert.rejects(
      answer(w, orgAdmin('Hospital1MSP'), { requestId: result.requestId, answer: 'erased' }),
      /\[CONFLICT\]/,
    );
  });

  void it('when a relay forges, redirects or stretches a request, then nothing is written', async () => {
    const w = await world();
    const relay = orgAdmin('Hospital2MSP');
    const other = await registerPatient(w.h);
    // Signed with another patient's key, naming this patient.
    await assert.rejects(
      request(w, relay, w.atH1, requestJws(w, 'Hospital2MSP', w.atH1, other)),
      /\[INVALID_SIGNATURE\]/,
    );
    // Signed for one record, sent for another.
    await assert.rejects(
      request(w, relay, w.atH2, requestJws(w, 'Hospital2MSP', w.atH1)),
      /\[VALIDATION_FAILED\]/,
    );
    // Addressed to Hospital2's relay, sent by Hospital1's.
    await assert.rejects(
      request(w, orgAdmin('Hospital1MSP'), w.atH1, requestJws(w, 'Hospital2MSP', w.atH1)),
      /\[FORBIDDEN\] request aud/,
    );
    // Another patient asking to erase this patient's record.
    await assert.rejects(
      request(w, relay, w.atH1, requestJws(w, 'Hospital2MSP', w.atH1, other, other.did), other.did),
      /\[FORBIDDEN\]/,
    );
    await assert.rejects(
      request(w, orgAdmin('RegulatorMSP'), w.atH1, requestJws(w, 'RegulatorMSP', w.atH1)),
      /\[FORBIDDEN\]/,
    );
    assert.deepEqual((await list(w, orgAdmin('RegulatorMSP'), {})).items, []);
  });

  void it('when the custodian ignores a request, then after 30 days it is overdue for the regulator and the patient, and a late refusal is recorded late with its legal reason', async () => {
    const w = await world();
    const { result } = await request(
      w,
      orgAdmin('Hospital1MSP'),
      w.atH1,
      requestJws(w, 'Hospital1MSP', w.atH1),
    );
    const later = new Date(Date.parse(daysFromNow(w.h, 31)));
    const regulator = await list(w, orgAdmin('RegulatorMSP'), { status: 'overdue' }, later);
    assert.deepEqual(
      regulator.items.map((r) => [r.requestId, r.status, r.late]),
      [[result.requestId, 'overdue', true]],
    );
    const ofPatient = await list(w, orgAdmin('Hospital1MSP'), { patientDid: w.patient.did }, later);
    assert.deepEqual(
      ofPatient.items.map((r) => r.status),
      ['overdue'],
    );
    assert.deepEqual(
      (await list(w, orgAdmin('Hospital2MSP'), { patientDid: w.patient.did }, later)).items,
      [],
    );
    await assert.rejects(list(w, orgAdmin('ResearchMSP'), {}, later), /\[FORBIDDEN\]/);
    await assert.rejects(
      answer(w, w.h1, { requestId: result.requestId, answer: 'refused', refusal: 'retention_duty' }, later),
      /\[FORBIDDEN\]/,
    );
    await assert.rejects(
      answer(w, orgAdmin('Hospital2MSP'), { requestId: result.requestId, answer: 'erased' }, later),
      /\[NOT_FOUND\]/,
    );
    await assert.rejects(
      answer(w, orgAdmin('Hospital1MSP'), { requestId: result.requestId, answer: 'refused' }, later),
      /\[VALIDATION_FAILED\]/,
    );
    const refused = await answer(
      w,
      orgAdmin('Hospital1MSP'),
      { requestId: result.requestId, answer: 'refused', refusal: 'retention_duty' },
      later,
    );
    assert.deepEqual(
      [refused.result.status, refused.result.refusal, refused.result.late],
      ['refused', 'retention_duty', true],
    );
    const content = await w.h.evaluate<{ erasures: unknown[] }>(w.h1, 'record:GetRecordHistory', {
      recordId: w.atH1.recordId,
      custodian: 'Hospital1MSP',
    });
    assert.deepEqual(content.erasures, []);
  });
});
