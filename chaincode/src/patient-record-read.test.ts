import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anchor } from './testing/fixtures';
import type { FakeSigner } from './testing/fake-identity';
import {
  Harness,
  nonRegulatorPeers,
  orgAdmin,
  patientJws,
  registerPatient,
  registerStaff,
  type TestPatient,
} from './testing/harness';

/** Two patients, each with a record at Hospital1; the relay is Hospital2's admin (its gateway's identity). */
async function world() {
  const h = new Harness();
  const patient = await registerPatient(h);
  const other = await registerPatient(h);
  const doc = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  const own = (await anchor(h, doc, patient, { category: 'diagnosis' })).anchor;
  const theirs = (await anchor(h, doc, other, { category: 'diagnosis' })).anchor;
  return { h, patient, other, own, theirs, relay: orgAdmin('Hospital2MSP') };
}
type World = Awaited<ReturnType<typeof world>>;

const request = (
  w: World,
  body: { custodian?: string; recordId: string; aud?: string },
  patient: TestPatient = w.patient,
  expInSeconds = 120,
): string =>
  patientJws(
    w.h,
    patient,
    { typ: 'medledger.record.read', aud: 'Hospital2MSP', custodian: 'Hospital1MSP', ...body },
    { expInSeconds },
  );

const confirm = (
  w: World,
  who: FakeSigner,
  recordId: string,
  jws: string,
  options: { peer?: string; time?: Date } = {},
) =>
  w.h.evaluate<{ recordId: string; custodian: string }>(
    who,
    'listing:ConfirmPatientRecord',
    { custodian: 'Hospital1MSP', recordId },
    { ...options, transient: { request: { jws } } },
  );

void describe("ConfirmPatientRecord: a patient's own record, and only theirs", () => {
  void it('when the patient signs a read of their own record, then it is confirmed on the regulator peer, and again within the request lifetime', async () => {
    const w = await world();
    const jws = request(w, { recordId: w.own.recordId });
    assert.deepEqual(await confirm(w, w.relay, w.own.recordId, jws), {
      recordId: w.own.recordId,
      custodian: 'Hospital1MSP',
    });
    assert.equal((await confirm(w, w.relay, w.own.recordId, jws)).recordId, w.own.recordId);
  });

  void it("when the patient signs a read of another patient's record, then the answer is the one of a record that does not exist", async () => {
    const w = await world();
    const foreign = await confirm(
      w,
      w.relay,
      w.theirs.recordId,
      request(w, { recordId: w.theirs.recordId }),
    ).catch((err: unknown) => (err as Error).message);
    const missing = await confirm(w, w.relay, 'rec-none', request(w, { recordId: 'rec-none' })).catch(
      (err: unknown) => (err as Error).message,
    );
    assert.equal(foreign, `[NOT_FOUND] ${w.theirs.recordId}`);
    assert.equal(missing, '[NOT_FOUND] rec-none');
  });

  void it('when a relay stretches a request to another record, to another org, past its lifetime, or signed by someone else, then it is refused', async () => {
    const w = await world();
    const own = w.own.recordId;
    await assert.rejects(
      confirm(w, w.relay, w.theirs.recordId, request(w, { recordId: own })),
      /\[VALIDATION_FAILED\] request custodian,recordId/,
    );
    await assert.rejects(
      confirm(w, orgAdmin('Hospital1MSP'), own, request(w, { recordId: own })),
      /\[FORBIDDEN\] request aud/,
    );
    await assert.rejects(
      confirm(w, w.relay, own, request(w, { recordId: own }, w.patient, 3600)),
      /\[VALIDATION_FAILED\] request iat,exp/,
    );
    // The other patient signs for a record that is not theirs: a forged claim to it.
    await assert.rejects(
      confirm(w, w.relay, own, request(w, { recordId: own }, w.other)),
      new RegExp(`\\[NOT_FOUND\\] ${own}`),
    );
    const jws = request(w, { recordId: own });
    const later = new Date(w.h.ledger.now.getTime() + 600_000);
    await assert.rejects(confirm(w, w.relay, own, jws, { time: later }), /\[EXPIRED\]/);
  });

  void it("when the read runs on any peer but the regulator's or the regulator's staff relay it, then it is refused", async () => {
    const w = await world();
    const own = w.own.recordId;
    for (const peer of nonRegulatorPeers(w.h)) {
      await assert.rejects(confirm(w, w.relay, own, request(w, { recordId: own }), { peer }), {
        message: `[FORBIDDEN] peer of ${peer}`,
      });
    }
    const auditor = await registerStaff(w.h, 'RegulatorMSP', 'auditor', null);
    await assert.rejects(
      confirm(w, auditor, own, request(w, { recordId: own, aud: 'RegulatorMSP' })),
      /\[FORBIDDEN\]/,
    );
  });
});
