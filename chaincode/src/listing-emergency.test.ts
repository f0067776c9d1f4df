import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EmergencyProfile, RecordAnchor } from '@medledger/domain';
import { anchor, setEmergencyProfile, type ListedRecords, type OpenedListing } from './testing/fixtures';
import type { FakeSigner } from './testing/fake-identity';
import { Harness, registerPatient, registerStaff, patientJws, type TestPatient } from './testing/harness';
import { allergy as allergyResource } from './testing/quality-fixtures';

/**
 * The unconscious patient: an allergy and a diagnosis at Hospital1, a diagnosis at Hospital2; two
 * attendings and a nurse at Hospital2, where the patient arrives.
 */
async function ward() {
  const h = new Harness();
  const patient = await registerPatient(h);
  const h1 = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  const doctor = await registerStaff(h, 'Hospital2MSP', 'attending', 'er');
  const allergy = (await anchor(h, h1, patient, { category: 'allergy', resource: allergyResource() })).anchor;
  const diagnosis = (await anchor(h, h1, patient, { category: 'diagnosis', department: 'oncology' })).anchor;
  const atH2 = (await anchor(h, doctor, patient, { category: 'diagnosis', department: 'er' })).anchor;
  return { h, patient, doctor, allergy, diagnosis, atH2 };
}
type Ward = Awaited<ReturnType<typeof ward>>;

const setProfile = (w: Ward, profile: EmergencyProfile, iatOffset = 0) =>
  setEmergencyProfile(w.h, w.patient, profile, iatOffset);

function openEmergency(
  w: Ward,
  who: FakeSigner,
  extra: Record<string, unknown> = {},
  patient: TestPatient = w.patient,
) {
  return w.h.submit<OpenedListing>(
    who,
    'listing:OpenRecordListing',
    {},
    {
      transient: {
        subject: { patientDid: patient.did },
        emergency: { reason: 'unconscious_patient' },
        ...extra,
      },
    },
  );
}

function list(w: Ward, who: FakeSigner, listingId: string, options: { time?: Date } = {}) {
  return w.h.evaluate<ListedRecords>(who, 'listing:ListPatientRecords', { listingId }, options);
}

const ids = (l: ListedRecords): string[] => l.records.map((r) => `${r.custodian}/${r.recordId}`).sort();
const idOf = (r: RecordAnchor): string => `${r.custodian}/${r.recordId}`;

void describe('ListingContract: emergency listing under the emergency profile', () => {
  void it("when the patient signed allergies only, then a Hospital2 doctor lists the allergy record at Hospital1 and nothing else, not even their own hospital's record", async () => {
    const w = await ward();
    await setProfile(w, { categories: ['allergy'], beyondProfile: 'co_signed' });
    const { result } = await openEmergency(w, w.doctor);
    assert.deepEqual([result.mode, result.outcome, result.reason], ['emergency', 'granted', 'BREAK_GLASS']);
    const listed = await list(w, w.doctor, result.listingId);
    assert.equal(listed.mode, 'emergency');
    assert.deepEqual(ids(listed), [idOf(w.allergy)]);
  });

  void it('when the patient never signed a profile, then the emergency listing is denied NO_EMERGENCY_PROFILE, audited, and reads nothing', async () => {
    const w = await ward();
    const { result } = await openEmergency(w, w.doctor);
    assert.deepEqual(
      [result.outcome, result.reason, result.expiresAt],
      ['denied', 'NO_EMERGENCY_PROFILE', null],
    );
    await assert.rejects(list(w, w.doctor, result.listingId), /\[ACCESS_NOT_GRANTED\]/);
  });

  void it('when a nurse lists in an emergency, or an emergency comes with consents or a patient request, then it is refused', async () => {
    const w = await ward();
    await setProfile(w, { categories: ['allergy', 'diagnosis'], beyondProfile: 'co_signed' });
    const nurse = await registerStaff(w.h, 'Hospital2MSP', 'nurse', 'er');
    const { result } = await openEmergency(w, nurse);
    assert.deepEqual([result.outcome, result.reason], ['denied', 'ROLE_NOT_PERMITTED']);
    await assert.rejects(openEmergency(w, w.doctor, { consents: [] }), /\[VALIDATION_FAILED\] emergency/);
    const request = {
      jws: patientJws(w.h, w.patient, { typ: 'medledger.records.list', aud: 'Hospital2MSP' }),
    };
    await assert.rejects(openEmergency(w, w.doctor, { request }), /\[VALIDATION_FAILED\] emergency/);
  });

  void it('when the patient narrows the profile after the listing opened, or the listing is read later or by a colleague, then it shows nothing more', async () => {
    const w = await ward();
    await setProfile(w, { categories: ['allergy', 'diagnosis'], beyondProfile: 'co_signed' });
    const { result } = await openEmergency(w, w.doctor);
    assert.deepEqual(
      ids(await list(w, w.doctor, result.listingId)),
      [w.allergy, w.diagnosis, w.atH2].map(idOf).sort(),
    );
    await setProfile(w, { categories: ['allergy'], beyondProfile: 'never' }, 1);
    assert.deepEqual(ids(await list(w, w.doctor, result.listingId)), [idOf(w.allergy)]);
    const colleague = await registerStaff(w.h, 'Hospital2MSP', 'attending', 'er');
    await assert.rejects(list(w, colleague, result.listingId), /\[ACCESS_NOT_GRANTED\]/);
    const later = new Date(Date.parse(result.expiresAt ?? '') + 1000);
    await assert.rejects(list(w, w.doctor, result.listingId, { time: later }), /\[EXPIRED\]/);
  });
});
