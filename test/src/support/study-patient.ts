import assert from 'node:assert/strict';
import { signPatientPayload } from '@medledger/domain';
import type { NetworkInfo } from '@medledger/network';
import { apiAs } from './api';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from './fixtures';

/** What a research story needs of one patient: where they are registered and what to ask for. */
export interface StudyPatient {
  readonly org: 'Hospital1' | 'Hospital2';
  readonly patientDid: string;
  readonly recordId: string;
  readonly studyId: string;
  /** The story's clock: the consent runs from a minute before it for 30 days. */
  readonly now: number;
}

/**
 * Registers the patient at `org` (by its first attending), anchors a hypertension diagnosis there,
 * and has the patient consent to the study for their diagnoses; asserts each step answered 201.
 */
export async function registerStudyConsentedPatient(info: NetworkInfo, p: StudyPatient): Promise<void> {
  const slug = p.org.toLowerCase();
  const doctor = await apiAs(info, p.org, `${slug}-attending-1`);
  const { key, body } = newPatientRegistration(p.patientDid, `${p.org}MSP`);
  const registered = await doctor.post('/v1/patients', body);
  assert.equal(registered.status, 201, `register patient at ${p.org}: ${JSON.stringify(registered.body)}`);
  const resource = hypertensionCondition({
    id: `cond-${p.recordId}`,
    patientRef: p.patientDid.split(':').pop() ?? '',
  });
  const anchored = await doctor.post('/v1/records', diagnosisRecord(p.recordId, p.patientDid, resource));
  assert.equal(anchored.status, 201, `anchor: ${JSON.stringify(anchored.body)}`);
  const app = await apiAs(info, p.org, p.patientDid, { kind: 'patient' });
  const jws = signPatientPayload(
    {
      typ: 'medledger.consent.grant',
      grantee: { kind: 'study', studyId: p.studyId },
      categories: ['diagnosis'],
      maxLevel: 3,
      purpose: 'research',
      periodStart: new Date(p.now - 60_000).toISOString(),
      periodEnd: new Date(p.now + 30 * 86_400_000).toISOString(),
    },
    { patientDid: p.patientDid, privateJwk: key.privateJwk, kid: `${p.patientDid}#key-1` },
    { nowMs: Date.now() },
  );
  const consented = await app.post('/v1/consents', { jws });
  assert.equal(consented.status, 201, `study consent at ${p.org}: ${JSON.stringify(consented.body)}`);
}
