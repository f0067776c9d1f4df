import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fabricCompositeKey,
  KeyFamily,
  recordListingSchema,
  sealedCollection,
  sealedValueSchema,
  type BreakGlassState,
  type EmergencyProfile,
  type EventPayload,
  type RecordAnchor,
} from '@medledger/domain';
import { anchor, setEmergencyProfile, type ListedRecords, type OpenedListing } from './testing/fixtures';
import type { FakeSigner } from './testing/fake-identity';
import {
  client,
  Harness,
  orgAdmin,
  registerPatient,
  registerStaff,
  patientJws,
  uid,
  type TestPatient,
} from './testing/harness';
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

/** An active regulator auditor. */
async function auditor(w: Ward): Promise<FakeSigner> {
  const cn = uid('aud');
  await w.h.submit(orgAdmin('RegulatorMSP'), 'identity:RegisterStaff', {
    enrollmentId: cn,
    role: 'auditor',
    department: null,
  });
  return client('RegulatorMSP', cn);
}

function review(w: Ward, who: FakeSigner, listingId: string, body: Record<string, unknown> = {}) {
  return w.h.submit<BreakGlassState>(who, 'access:ReviewBreakGlass', {
    accessId: listingId,
    custodian: 'Hospital2MSP',
    outcome: 'justified',
    ...body,
  });
}

void describe('ListingContract: an emergency listing is reviewed afterwards like break-glass', () => {
  void it('when a doctor lists in an emergency, then the listing keeps the categories it opened and its event carries the stated reason, never the patient', async () => {
    const w = await ward();
    await setProfile(w, { categories: ['allergy', 'medication'], beyondProfile: 'co_signed' });
    const { result, tx } = await openEmergency(w, w.doctor);
    const event = JSON.parse(
      tx.event?.payload.toString('utf8') ?? '{}',
    ) as EventPayload<'RecordListingOpened'>;
    assert.deepEqual([event.mode, event.breakGlassReason], ['emergency', 'unconscious_patient']);
    assert.equal(JSON.stringify(event).includes(w.patient.did), false);
    // Kept in the doctor's org's sealed collection, where the projection reads it for the review.
    const raw = w.h.ledger.readPrivate(
      sealedCollection('Hospital2MSP'),
      fabricCompositeKey(KeyFamily.recordListing, [result.listingId]),
    );
    const stored = recordListingSchema.parse(
      sealedValueSchema.parse(JSON.parse(raw?.toString('utf8') ?? '{}')).value,
    );
    assert.deepEqual(stored.emergencyCategories, ['allergy', 'medication']);
  });

  void it("when the regulator or the doctor's hospital admin reviews a granted emergency listing, then the review is appended with the listing's kind and the regulator's verdict stands", async () => {
    const w = await ward();
    await setProfile(w, { categories: ['allergy'], beyondProfile: 'co_signed' });
    const { result: listing } = await openEmergency(w, w.doctor);
    const byHospital = await review(w, orgAdmin('Hospital2MSP'), listing.listingId);
    assert.deepEqual(
      [
        byHospital.result.kind,
        byHospital.result.recordId,
        byHospital.result.status,
        byHospital.result.outcome,
      ],
      ['emergency_listing', null, 'custodian_reviewed', 'justified'],
    );
    assert.equal(byHospital.result.actorDid, `did:medledger:hospital2:${w.doctor.cn}`);
    assert.equal(byHospital.result.reason, 'unconscious_patient');
    const regulator = await auditor(w);
    const verdict = await review(w, regulator, listing.listingId, { outcome: 'unjustified', suspend: true });
    assert.deepEqual(
      [
        verdict.result.status,
        verdict.result.outcome,
        verdict.result.suspended,
        verdict.result.reviews.length,
      ],
      ['regulator_reviewed', 'unjustified', true, 2],
    );
    const event = JSON.parse(
      verdict.tx.event?.payload.toString('utf8') ?? '{}',
    ) as EventPayload<'BreakGlassReviewed'>;
    assert.deepEqual(
      [event.kind, event.recordId, event.custodian],
      ['emergency_listing', null, 'Hospital2MSP'],
    );
    // Suspended like a break-glass actor: the doctor cannot list in an emergency again.
    const again = await openEmergency(w, w.doctor);
    assert.equal(again.result.outcome, 'denied');
    // The hospital may not overturn the regulator.
    await assert.rejects(review(w, orgAdmin('Hospital2MSP'), listing.listingId), /\[CONFLICT\]/);
  });

  void it('when another hospital reviews, or the listing was refused, was not an emergency or is named under another org, then nothing is reviewed', async () => {
    const w = await ward();
    const { result: refused } = await openEmergency(w, w.doctor);
    assert.equal(refused.reason, 'NO_EMERGENCY_PROFILE');
    await assert.rejects(review(w, orgAdmin('Hospital2MSP'), refused.listingId), /\[NOT_FOUND\]/);
    await setProfile(w, { categories: ['allergy'], beyondProfile: 'co_signed' });
    const { result: listing } = await openEmergency(w, w.doctor);
    await assert.rejects(review(w, orgAdmin('Hospital1MSP'), listing.listingId), /\[FORBIDDEN\]/);
    await assert.rejects(
      review(w, orgAdmin('Hospital1MSP'), listing.listingId, { custodian: 'Hospital1MSP' }),
      /\[NOT_FOUND\]/,
    );
    const own = await w.h.submit<OpenedListing>(
      w.doctor,
      'listing:OpenRecordListing',
      {},
      { transient: { subject: { patientDid: w.patient.did } } },
    );
    assert.equal(own.result.mode, 'clinician');
    await assert.rejects(review(w, orgAdmin('Hospital2MSP'), own.result.listingId), /\[NOT_FOUND\]/);
  });
});
