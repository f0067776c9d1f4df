import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  expandTemplate,
  signCompactJws,
  type ConsentState,
  type PatientPreferences,
  type TemplateId,
} from '@medledger/domain';
import { accessRecord, activeStudy, anchor } from './testing/fixtures';
import { Harness, registerPatient, registerStaff, uid, type TestPatient } from './testing/harness';
import { allergy, potassium } from './testing/quality-fixtures';

/** What a patient app does with an expanded template: sign exactly that payload with the patient's key. */
function signExpanded(
  h: Harness,
  patient: TestPatient,
  id: TemplateId,
  params: unknown,
  nowMs?: number,
): string {
  const payload = expandTemplate(id, params, {
    patientDid: patient.did,
    nowMs: nowMs ?? h.ledger.now.getTime(),
    nonce: uid('nonce-of-a-template')
      .replace(/[^A-Za-z0-9_-]/g, '')
      .padEnd(16, 'x'),
  });
  return signCompactJws(payload, patient.privateJwk, `${patient.did}#key-${patient.keyNumber}`);
}

void describe('consent templates signed by the patient and verified on chain', () => {
  void it('when the patient signs the treatment template for Hospital2, then the grant commits and Hospital2 reads the lab result with it', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const writer = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
    const { anchor: lab } = await anchor(h, writer, patient, { category: 'lab', resource: potassium() });
    const relay = await registerStaff(h, 'Hospital2MSP', 'nurse', 'er');
    const jws = signExpanded(h, patient, 'treatment-at-org', { org: 'Hospital2MSP' });
    const { result } = await h.submit<ConsentState>(
      relay,
      'consent:GrantConsent',
      {},
      { transient: { consent: { jws } } },
    );
    assert.deepEqual([result.status, result.granteeOrg], ['active', 'Hospital2MSP']);
    const doctor = await registerStaff(h, 'Hospital2MSP', 'attending', 'er');
    const d = await accessRecord(h, doctor, lab, { purpose: 'treatment' }, [
      { consentId: result.consentId, jws },
    ]);
    assert.deepEqual([d.outcome, d.reason], ['granted', 'CONSENT']);
  });

  void it('when a relaying org replays a signed template grant, or relays one signed too long ago, then REPLAYED_NONCE or EXPIRED and nothing more is granted', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const relay = await registerStaff(h, 'Hospital2MSP', 'nurse', 'er');
    const grant = (jws: string) =>
      h.submit<ConsentState>(relay, 'consent:GrantConsent', {}, { transient: { consent: { jws } } });
    const jws = signExpanded(h, patient, 'treatment-at-org', { org: 'Hospital2MSP', days: 7 });
    await grant(jws);
    await assert.rejects(grant(jws), /\[REPLAYED_NONCE\]/);
    const old = signExpanded(
      h,
      patient,
      'treatment-at-org',
      { org: 'Hospital2MSP' },
      h.ledger.now.getTime() - 3_600_000,
    );
    await assert.rejects(grant(old), /\[EXPIRED\]/);
  });

  void it('when the patient signs the emergency profile template, then break-glass opens what it names and an older signed profile cannot roll it back', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const writer = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
    const { anchor: allergyRecord } = await anchor(h, writer, patient, {
      category: 'allergy',
      resource: allergy(),
    });
    const relay = await registerStaff(h, 'Hospital2MSP', 'nurse', 'er');
    const set = (jws: string) =>
      h.submit<PatientPreferences>(
        relay,
        'consent:SetPatientPreferences',
        {},
        { transient: { preferences: { jws } } },
      );
    const older = signExpanded(h, patient, 'emergency-profile', {});
    const newer = signExpanded(
      h,
      patient,
      'emergency-profile',
      { categories: ['blood_type'] },
      h.ledger.now.getTime() + 5000,
    );
    const { result } = await set(newer);
    assert.deepEqual(result.emergencyProfile.categories, ['blood_type']);
    await assert.rejects(set(older), /\[STALE_PAYLOAD\]/);
    const doctor = await registerStaff(h, 'Hospital2MSP', 'attending', 'er');
    const d = await accessRecord(h, doctor, allergyRecord, {
      purpose: 'emergency',
      breakGlassReason: 'unconscious_patient',
    });
    assert.equal(d.reason, 'CO_SIGNATURE_REQUIRED');
  });

  void it('when a study template names a study, then the grant goes to the study org and a patient of another key cannot sign it', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const other = await registerPatient(h);
    const researcher = await registerStaff(h, 'ResearchMSP', 'researcher', null);
    const now = h.ledger.now.getTime();
    const studyId = await activeStudy(h, researcher, ['Hospital1MSP'], uid('study'), {
      categories: ['diagnosis', 'lab', 'medication'],
      periodStart: new Date(now - 60_000).toISOString(),
      periodEnd: new Date(now + 400 * 86_400_000).toISOString(),
    });
    const relay = await registerStaff(h, 'Hospital1MSP', 'nurse', 'cardiology');
    const jws = signExpanded(h, patient, 'study-until-year-end', { studyId });
    const { result } = await h.submit<ConsentState>(
      relay,
      'consent:GrantConsent',
      {},
      { transient: { consent: { jws } } },
    );
    assert.equal(result.granteeOrg, 'ResearchMSP');
    const payload = expandTemplate(
      'study-until-year-end',
      { studyId },
      { patientDid: patient.did, nowMs: now, nonce: 'c2lnbmVkLWJ5LWFub3RoZXI' },
    );
    const forged = signCompactJws(payload, other.privateJwk, `${patient.did}#key-1`);
    await assert.rejects(
      h.submit(relay, 'consent:GrantConsent', {}, { transient: { consent: { jws: forged } } }),
      /\[INVALID_SIGNATURE\]/,
    );
  });
});
