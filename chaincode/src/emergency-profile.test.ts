import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CO_SIGN_WINDOW_SECONDS,
  DATA_CATEGORIES,
  DEFAULT_EMERGENCY_CATEGORIES,
  emergencyProfileOf,
  preferencesReadOf,
  storedPreferencesSchema,
  type AccessDecision,
  type BreakGlassState,
  type EmergencyProfile,
  type EventPayload,
  type PatientPreferences,
  type PatientPreferencesRead,
  type RecordAnchor,
} from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import { accessRecord, anchor, condition, readRecord, setEmergencyProfile } from './testing/fixtures';
import {
  client,
  Harness,
  newPatient,
  orgAdmin,
  patientJws,
  registerPatient,
  registerStaff,
  uid,
  type TestPatient,
} from './testing/harness';
import { allergy, potassium } from './testing/quality-fixtures';

interface Ward {
  h: Harness;
  patient: TestPatient;
  allergyRecord: RecordAnchor;
  labRecord: RecordAnchor;
  diagnosisRecord: RecordAnchor;
  doctor: FakeSigner;
  colleague: FakeSigner;
}

/** A patient with an allergy, a lab result and a diagnosis at Hospital1, and two attendings at Hospital2. */
async function ward(): Promise<Ward> {
  const h = new Harness();
  const patient = await registerPatient(h);
  const writer = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  const record = async (category: string, resource: Record<string, unknown>) =>
    (await anchor(h, writer, patient, { category, resource })).anchor;
  return {
    h,
    patient,
    allergyRecord: await record('allergy', allergy()),
    labRecord: await record('lab', potassium()),
    diagnosisRecord: await record('diagnosis', condition()),
    doctor: await registerStaff(h, 'Hospital2MSP', 'attending', 'er'),
    colleague: await registerStaff(h, 'Hospital2MSP', 'attending', 'er'),
  };
}

const setProfile = (w: Ward, profile: EmergencyProfile, iatOffset = 0): Promise<PatientPreferences> =>
  setEmergencyProfile(w.h, w.patient, profile, iatOffset);

const breakGlass = (w: Ward, who: FakeSigner, record: RecordAnchor) =>
  accessRecord(w.h, who, record, { purpose: 'emergency', breakGlassReason: 'unconscious_patient' });

const coSign = (w: Ward, who: FakeSigner, requestId: string, time?: Date) =>
  w.h.submit<AccessDecision>(
    who,
    'access:CoSignBreakGlass',
    { requestId, custodian: 'Hospital1MSP' },
    time === undefined ? {} : { time },
  );

void describe('emergency profile: break-glass opens exactly the categories the patient signed', () => {
  void it('when the patient signed allergies only, then break-glass at another hospital reads the allergy record and nothing else', async () => {
    const w = await ward();
    await setProfile(w, { categories: ['allergy'], beyondProfile: 'co_signed' });
    const alone = await w.h.submit<AccessDecision>(w.doctor, 'access:AccessRecord', {
      recordId: w.allergyRecord.recordId,
      custodian: w.allergyRecord.custodian,
      version: w.allergyRecord.version,
      purpose: 'emergency',
      breakGlassReason: 'unconscious_patient',
    });
    const granted = alone.result;
    assert.deepEqual([granted.outcome, granted.reason, granted.breakGlass], ['granted', 'BREAK_GLASS', true]);
    const event = JSON.parse(
      alone.tx.event?.payload.toString('utf8') ?? '{}',
    ) as EventPayload<'AccessDecided'>;
    assert.deepEqual([event.coSignedBy, event.coSignerMsp], [null, null], 'one doctor: no co-signer');
    const content = await readRecord(w.h, w.doctor, w.allergyRecord, granted.accessId);
    assert.equal(content.resource['resourceType'], 'AllergyIntolerance');
    for (const other of [w.labRecord, w.diagnosisRecord]) {
      const d = await breakGlass(w, w.doctor, other);
      assert.deepEqual([d.outcome, d.reason, d.breakGlass], ['denied', 'CO_SIGNATURE_REQUIRED', false]);
      await assert.rejects(readRecord(w.h, w.doctor, other, d.accessId), /\[ACCESS_NOT_GRANTED\]/);
    }
  });

  void it('when the patient never signed a profile, then the default profile opens and a lab result needs a co-signature', async () => {
    const w = await ward();
    assert.ok((DEFAULT_EMERGENCY_CATEGORIES as readonly string[]).includes('diagnosis'));
    assert.equal((await breakGlass(w, w.doctor, w.diagnosisRecord)).reason, 'BREAK_GLASS');
    assert.equal((await breakGlass(w, w.doctor, w.allergyRecord)).reason, 'BREAK_GLASS');
    assert.equal((await breakGlass(w, w.doctor, w.labRecord)).reason, 'CO_SIGNATURE_REQUIRED');
  });

  void it('when the patient narrows the profile after a break-glass grant, then the content read decides again and refuses', async () => {
    const w = await ward();
    const d = await breakGlass(w, w.doctor, w.diagnosisRecord);
    assert.equal(d.outcome, 'granted');
    await setProfile(w, { categories: ['allergy'], beyondProfile: 'co_signed' }, 60);
    await assert.rejects(
      readRecord(w.h, w.doctor, w.diagnosisRecord, d.accessId),
      /\[ACCESS_NOT_GRANTED\] \S+ CO_SIGNATURE_REQUIRED/,
    );
  });

  void it('when the patient refuses anything beyond the profile, then a co-signature opens nothing more', async () => {
    const w = await ward();
    await setProfile(w, { categories: ['allergy'], beyondProfile: 'never' });
    const d = await breakGlass(w, w.doctor, w.labRecord);
    assert.equal(d.reason, 'BREAK_GLASS_DISALLOWED');
    await assert.rejects(coSign(w, w.colleague, d.accessId), /\[NOT_FOUND\]/);
  });

  void it('when a relaying org replays an older signed profile after a newer one, then STALE_PAYLOAD and the newer profile stands', async () => {
    const w = await ward();
    const relay = await registerStaff(w.h, 'Hospital2MSP', 'nurse', 'er');
    const now = Math.floor(w.h.ledger.now.getTime() / 1000);
    const signed = (categories: string[], iat: number) =>
      patientJws(w.h, w.patient, {
        typ: 'medledger.preferences',
        emergencyProfile: { categories, beyondProfile: 'co_signed' },
        iat,
        exp: iat + 600,
      });
    const wide = signed([...DATA_CATEGORIES], now);
    const narrow = signed(['allergy'], now + 30);
    const relayed = (jws: string) =>
      w.h.submit(relay, 'consent:SetPatientPreferences', {}, { transient: { preferences: { jws } } });
    await relayed(wide);
    await relayed(narrow);
    await assert.rejects(relayed(wide), /\[REPLAYED_NONCE\]|\[STALE_PAYLOAD\]/);
    const older = signed([...DATA_CATEGORIES], now + 10);
    await assert.rejects(relayed(older), /\[STALE_PAYLOAD\]/);
    assert.equal((await breakGlass(w, w.doctor, w.labRecord)).reason, 'CO_SIGNATURE_REQUIRED');
  });
});

void describe('migration of the yes/no emergency preference', () => {
  void it('when a yes/no was signed, then yes opens every category and no opens none, not even co-signed', async () => {
    assert.deepEqual(emergencyProfileOf({ allowEmergencyAccess: true }), {
      categories: [...DATA_CATEGORIES].sort(),
      beyondProfile: 'co_signed',
    });
    assert.deepEqual(emergencyProfileOf({ allowEmergencyAccess: false }), {
      categories: [],
      beyondProfile: 'never',
    });
    assert.deepEqual(emergencyProfileOf(undefined).categories, [...DEFAULT_EMERGENCY_CATEGORIES]);
    const w = await ward();
    const relay = await registerStaff(w.h, 'Hospital2MSP', 'nurse', 'er');
    const legacy = patientJws(w.h, w.patient, { typ: 'medledger.preferences', allowEmergencyAccess: true });
    const { result } = await w.h.submit<PatientPreferences>(
      relay,
      'consent:SetPatientPreferences',
      {},
      { transient: { preferences: { jws: legacy } } },
    );
    assert.deepEqual(result.emergencyProfile.categories, [...DATA_CATEGORIES].sort());
    assert.equal((await breakGlass(w, w.doctor, w.labRecord)).reason, 'BREAK_GLASS');
  });

  void it('when state holds a yes/no stored before profiles existed, then it reads as the profile it stands for', () => {
    const stored = { updatedAt: '2026-01-01T00:00:00.000Z', txId: 'a'.repeat(64) };
    const no = storedPreferencesSchema.parse({ allowEmergencyAccess: false, ...stored });
    assert.deepEqual(emergencyProfileOf(no), { categories: [], beyondProfile: 'never' });
    const yes = storedPreferencesSchema.parse({ allowEmergencyAccess: true, ...stored });
    assert.equal(emergencyProfileOf(yes).categories.length, DATA_CATEGORIES.length);
    const profile = storedPreferencesSchema.parse({
      emergencyProfile: { categories: ['implant', 'allergy', 'allergy'], beyondProfile: 'co_signed' },
      ...stored,
    });
    assert.deepEqual(emergencyProfileOf(profile).categories, ['allergy', 'implant']);
  });
});

void describe('reading the emergency profile back', () => {
  const readBack = (w: Ward, who: FakeSigner, patientDid = w.patient.did) =>
    w.h.evaluate<PatientPreferencesRead>(who, 'consent:GetPatientPreferences', { patientDid });

  void it('when the patient signed nothing, then the default profile reads back as the default, with no transaction', async () => {
    const w = await ward();
    const read = await readBack(w, w.doctor);
    assert.deepEqual(read, {
      emergencyProfile: { categories: [...DEFAULT_EMERGENCY_CATEGORIES], beyondProfile: 'co_signed' },
      signed: 'default',
      updatedAt: null,
      txId: null,
    });
  });

  void it('when the patient signed a profile and then a narrower one, then the narrower one reads back with its transaction', async () => {
    const w = await ward();
    await setProfile(w, { categories: ['lab', 'allergy'], beyondProfile: 'co_signed' });
    const latest = await setProfile(w, { categories: ['allergy'], beyondProfile: 'never' }, 60);
    await assert.rejects(readBack(w, client('Hospital1MSP', uid('nobody'))), /\[NOT_REGISTERED\]/);
    assert.deepEqual(await readBack(w, w.colleague), {
      emergencyProfile: { categories: ['allergy'], beyondProfile: 'never' },
      signed: 'profile',
      updatedAt: latest.updatedAt,
      txId: latest.txId,
    });
  });

  void it('when a yes/no was signed, then it reads back as the profile it stands for; state stored as a yes/no reads as yes_no', async () => {
    const w = await ward();
    const relay = await registerStaff(w.h, 'Hospital2MSP', 'nurse', 'er');
    const legacy = patientJws(w.h, w.patient, { typ: 'medledger.preferences', allowEmergencyAccess: false });
    await w.h.submit(
      relay,
      'consent:SetPatientPreferences',
      {},
      { transient: { preferences: { jws: legacy } } },
    );
    const read = await readBack(w, relay);
    assert.deepEqual(
      [read.signed, read.emergencyProfile],
      ['profile', { categories: [], beyondProfile: 'never' }],
    );
    const stored = {
      allowEmergencyAccess: true,
      updatedAt: '2026-01-01T00:00:00.000Z',
      txId: 'b'.repeat(64),
    };
    assert.deepEqual(preferencesReadOf(storedPreferencesSchema.parse(stored)), {
      emergencyProfile: { categories: [...DATA_CATEGORIES].sort(), beyondProfile: 'co_signed' },
      signed: 'yes_no',
      updatedAt: stored.updatedAt,
      txId: stored.txId,
    });
  });

  void it('when the DID is no registered patient, then NOT_FOUND', async () => {
    const w = await ward();
    await assert.rejects(readBack(w, w.doctor, newPatient().did), /\[NOT_FOUND\] patient/);
  });
});

void describe('co-signed break-glass beyond the profile', () => {
  void it('when a second attending of the same hospital co-signs, then the requester reads that one record and the case names both', async () => {
    const w = await ward();
    await setProfile(w, { categories: ['allergy'], beyondProfile: 'co_signed' });
    const request = await breakGlass(w, w.doctor, w.labRecord);
    const { result, tx } = await coSign(w, w.colleague, request.accessId);
    assert.deepEqual(
      [result.outcome, result.reason, result.breakGlass],
      ['granted', 'BREAK_GLASS_COSIGNED', true],
    );
    assert.equal(tx.event?.name, 'AccessDecided');
    // The event names the co-signer beside the requester, for the review (the block's creator anyway).
    const event = JSON.parse(tx.event.payload.toString('utf8')) as EventPayload<'AccessDecided'>;
    assert.deepEqual(
      [event.actorDid, event.coSignedBy, event.coSignerMsp],
      [`did:medledger:hospital2:${w.doctor.cn}`, `did:medledger:hospital2:${w.colleague.cn}`, 'Hospital2MSP'],
    );
    const content = await readRecord(w.h, w.doctor, w.labRecord, result.accessId);
    assert.equal(content.resource['resourceType'], 'Observation');
    // The grant is the requester's: the co-signer cannot read with it.
    await assert.rejects(
      readRecord(w.h, w.colleague, w.labRecord, result.accessId),
      /\[ACCESS_NOT_GRANTED\]/,
    );
    // It opened that record only: the diagnosis still needs its own co-signature.
    assert.equal((await breakGlass(w, w.doctor, w.diagnosisRecord)).reason, 'CO_SIGNATURE_REQUIRED');
    const review = await w.h.submit<BreakGlassState>(orgAdmin('Hospital1MSP'), 'access:ReviewBreakGlass', {
      accessId: result.accessId,
      custodian: 'Hospital1MSP',
      outcome: 'unjustified',
      suspend: true,
    });
    assert.equal(review.result.coSignedBy, `did:medledger:hospital2:${w.colleague.cn}`);
    assert.equal(review.result.suspended, true);
    // Both people are suspended: neither can break the glass again.
    for (const who of [w.doctor, w.colleague]) {
      const d = await breakGlass(w, who, w.allergyRecord);
      assert.deepEqual([d.outcome, d.reason], ['denied', 'INACTIVE']);
    }
  });

  void it('when the requester co-signs their own request, even with a second certificate, then CO_SIGNER_NOT_PERMITTED', async () => {
    const w = await ward();
    const request = await breakGlass(w, w.doctor, w.labRecord);
    await assert.rejects(coSign(w, w.doctor, request.accessId), /\[CO_SIGNER_NOT_PERMITTED\]/);
    const secondCertificate: FakeSigner = {
      ...w.doctor,
      attrs: { 'hf.EnrollmentID': w.doctor.cn, device: '2' },
    };
    await assert.rejects(coSign(w, secondCertificate, request.accessId), /\[CO_SIGNER_NOT_PERMITTED\]/);
  });

  void it('when someone other than an active attending of the same hospital co-signs, then CO_SIGNER_NOT_PERMITTED', async () => {
    const w = await ward();
    const request = await breakGlass(w, w.doctor, w.labRecord);
    const h1Attending = await registerStaff(w.h, 'Hospital1MSP', 'attending', 'er');
    const nurse = await registerStaff(w.h, 'Hospital2MSP', 'nurse', 'er');
    const intern = await registerStaff(w.h, 'Hospital2MSP', 'intern', 'er');
    for (const who of [h1Attending, nurse, intern, orgAdmin('Hospital2MSP')]) {
      await assert.rejects(coSign(w, who, request.accessId), /\[CO_SIGNER_NOT_PERMITTED\]/, who.cn);
    }
    await assert.rejects(
      coSign(w, client('Hospital2MSP', uid('nobody')), request.accessId),
      /\[NOT_REGISTERED\]/,
    );
  });

  void it('when the co-signature comes after the window or a second time, then EXPIRED or CONFLICT and nothing more is granted', async () => {
    const w = await ward();
    const request = await breakGlass(w, w.doctor, w.labRecord);
    const late = new Date(w.h.ledger.now.getTime() + (CO_SIGN_WINDOW_SECONDS + 1) * 1000);
    await assert.rejects(coSign(w, w.colleague, request.accessId, late), /\[EXPIRED\]/);
    const fresh = await breakGlass(w, w.doctor, w.labRecord);
    await coSign(w, w.colleague, fresh.accessId);
    const third = await registerStaff(w.h, 'Hospital2MSP', 'attending', 'er');
    await assert.rejects(coSign(w, third, fresh.accessId), /\[CONFLICT\]/);
  });

  void it('when a request is in the profile or was granted, then there is nothing to co-sign', async () => {
    const w = await ward();
    const granted = await breakGlass(w, w.doctor, w.allergyRecord);
    await assert.rejects(coSign(w, w.colleague, granted.accessId), /\[NOT_FOUND\]/);
    await assert.rejects(coSign(w, w.colleague, 'f'.repeat(64)), /\[NOT_FOUND\]/);
  });

  void it('when the requester is suspended before the co-signature, then the co-signed decision is an audited denial', async () => {
    const w = await ward();
    const earlier = await breakGlass(w, w.doctor, w.allergyRecord);
    const request = await breakGlass(w, w.doctor, w.labRecord);
    const auditorCn = uid('aud');
    await w.h.submit(orgAdmin('RegulatorMSP'), 'identity:RegisterStaff', {
      enrollmentId: auditorCn,
      role: 'auditor',
      department: null,
    });
    await w.h.submit(client('RegulatorMSP', auditorCn), 'access:ReviewBreakGlass', {
      accessId: earlier.accessId,
      custodian: 'Hospital1MSP',
      outcome: 'unjustified',
      suspend: true,
    });
    const { result } = await coSign(w, w.colleague, request.accessId);
    assert.deepEqual([result.outcome, result.reason], ['denied', 'INACTIVE']);
  });
});
