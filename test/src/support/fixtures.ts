/**
 * Clinical content the end-to-end suites anchor: one FHIR R4 Condition (essential hypertension, coded in
 * ICD-11 so it passes the quality gate) as a cardiology diagnosis record.
 */
import {
  generatePatientKey,
  signPatientRegistration,
  SIGNED_PAYLOAD_TYPES,
  type P256PublicJwk,
  type PatientKeyPair,
} from '@medledger/domain';

export const ICD11_SYSTEM = 'http://id.who.int/icd/release/11/mms';

/** A Condition of the patient; `display` may carry a canary name that must never leak. */
export function hypertensionCondition(options: {
  id: string;
  patientRef: string;
  display?: string;
}): Record<string, unknown> {
  return {
    resourceType: 'Condition',
    id: options.id,
    subject: {
      reference: `Patient/${options.patientRef}`,
      ...(options.display === undefined ? {} : { display: options.display }),
    },
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { coding: [{ system: ICD11_SYSTEM, code: 'BA00', display: 'Essential hypertension' }] },
    onsetDateTime: '2025-03-14T09:30:00Z',
    recordedDate: '2026-10-02T10:00:00Z',
  };
}

/** The body of `POST /v1/records` for a level-3 cardiology diagnosis holding `resource`. */
export function diagnosisRecord(
  recordId: string,
  patientDid: string,
  resource: Record<string, unknown>,
): Record<string, unknown> {
  return {
    recordId,
    patientDid,
    department: 'cardiology',
    category: 'diagnosis',
    level: 3,
    fhirResourceType: 'Condition',
    resource,
  };
}

/**
 * A new patient as their app makes them: a signing key, a recovery key kept offline, and the body of
 * `POST /v1/patients` for a gateway of `org` (the proof of possession names that org).
 */
export function newPatientRegistration(
  patientDid: string,
  org = 'Hospital1MSP',
): {
  key: PatientKeyPair;
  recovery: PatientKeyPair;
  body: { patientDid: string; publicKeyJwk: P256PublicJwk; proof: string };
} {
  const key = generatePatientKey();
  const recovery = generatePatientKey();
  const body = signPatientRegistration(patientDid, key, recovery.publicJwk, org, { nowMs: Date.now() });
  return { key, recovery, body };
}

/**
 * The body of a consent a patient signs for Hospital2 to read lab data for treatment for a day (it
 * leaves diagnosis decisions alone): sign it with the patient's current key.
 */
export function labConsentForHospital2(): Record<string, unknown> {
  return {
    typ: SIGNED_PAYLOAD_TYPES.grant,
    grantee: { kind: 'org', mspId: 'Hospital2MSP' },
    categories: ['lab'],
    maxLevel: 3,
    purpose: 'treatment',
    periodStart: new Date(Date.now() - 60_000).toISOString(),
    periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
  };
}

/** The payload of a patient's consent to Hospital2 for treatment with their diagnoses, for a day. */
export function hospital2TreatmentGrant(nowMs = Date.now()): Record<string, unknown> {
  return {
    typ: 'medledger.consent.grant',
    grantee: { kind: 'org', mspId: 'Hospital2MSP' },
    categories: ['diagnosis'],
    maxLevel: 3,
    purpose: 'treatment',
    periodStart: new Date(nowMs - 60_000).toISOString(),
    periodEnd: new Date(nowMs + 86_400_000).toISOString(),
  };
}

/** A penicillin allergy of the patient (an AllergyIntolerance that passes the quality gate). */
export function penicillinAllergy(patientRef: string): Record<string, unknown> {
  return {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
      ],
    },
    verificationStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
          code: 'confirmed',
        },
      ],
    },
    type: 'allergy',
    category: ['medication'],
    criticality: 'high',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' }] },
    patient: { reference: `Patient/${patientRef}` },
    recordedDate: '2025-03-01',
  };
}

/** A potassium result of the patient (LOINC 2823-3, an Observation that passes the quality gate). */
export function potassiumResult(patientRef: string): Record<string, unknown> {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
        ],
      },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '2823-3', display: 'Potassium' }] },
    subject: { reference: `Patient/${patientRef}` },
    effectiveDateTime: '2025-05-01T08:30:00Z',
    valueQuantity: { value: 4.1, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
  };
}

/** The body of `POST /v1/records` for a level-3 record of `category` holding `resource`. */
export function recordOf(
  recordId: string,
  patientDid: string,
  category: 'allergy' | 'lab' | 'diagnosis',
  resource: Record<string, unknown>,
): Record<string, unknown> {
  return {
    recordId,
    patientDid,
    department: 'cardiology',
    category,
    level: 3,
    fhirResourceType: String(resource['resourceType']),
    resource,
  };
}
