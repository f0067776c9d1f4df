import type { DataCategory, QualityReason } from '@medledger/domain';
import { condition } from './fixtures';

/**
 * Synthetic FHIR R4 content for the quality gate (no real person): valid resources of every record
 * type, and invalid ones that each break exactly one rule of the quality table. Dates are before
 * {@link FIXTURE_TX_MS} unless a fixture is about a future date.
 */

/** The transaction time the fixtures are written against. */
export const FIXTURE_TX_MS = Date.parse('2025-06-01T08:00:00Z');

type Json = Record<string, unknown>;

/** A fixture: content, what is declared about it, and what the gate must say. */
export interface QualityFixture {
  name: string;
  resource: Json;
  category: DataCategory;
  fhirResourceType?: string;
  sizeBytes?: number;
  expect: { verdict: 'accepted' } | { verdict: 'rejected' | 'needs_review'; reason: QualityReason };
}

const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const subject = { reference: 'Patient/p1' };
const coded = (system: string, code: string, display?: string) => ({
  coding: [{ system, code, ...(display === undefined ? {} : { display }) }],
});
const quantity = (value: unknown, code: string) => ({ value, unit: code, system: UCUM, code });
const observationCategory = (code: 'laboratory' | 'vital-signs') => [
  coded('http://terminology.hl7.org/CodeSystem/observation-category', code),
];

/** A potassium result (LOINC 2823-3), valid unless overridden. */
export function potassium(overrides: Json = {}): Json {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: observationCategory('laboratory'),
    code: coded(LOINC, '2823-3', 'Potassium'),
    subject,
    effectiveDateTime: '2025-05-01T08:30:00Z',
    valueQuantity: quantity(4.1, 'mmol/L'),
    ...overrides,
  };
}

function bloodPressure(systolic: number, diastolic: number): Json {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: observationCategory('vital-signs'),
    code: coded(LOINC, '85354-9', 'Blood pressure panel'),
    subject,
    effectiveDateTime: '2025-05-01T08:30:00Z',
    component: [
      { code: coded(LOINC, '8480-6'), valueQuantity: quantity(systolic, 'mm[Hg]') },
      { code: coded(LOINC, '8462-4'), valueQuantity: quantity(diastolic, 'mm[Hg]') },
    ],
  };
}

/** A penicillin allergy, valid unless overridden. */
export function allergy(overrides: Json = {}): Json {
  return {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: coded('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', 'active'),
    verificationStatus: coded(
      'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
      'confirmed',
    ),
    type: 'allergy',
    category: ['medication'],
    criticality: 'high',
    code: coded(SNOMED, '764146007', 'Penicillin'),
    patient: subject,
    recordedDate: '2025-03-01',
    reaction: [{ manifestation: [coded(SNOMED, '39579001', 'Anaphylaxis')], severity: 'severe' }],
    ...overrides,
  };
}

function procedure(overrides: Json = {}): Json {
  return {
    resourceType: 'Procedure',
    status: 'completed',
    code: coded(SNOMED, '80146002', 'Appendectomy'),
    subject,
    performedDateTime: '2025-04-02T10:00:00Z',
    ...overrides,
  };
}

const withPatient = (birthDate: string, age: number, onset: string): Json =>
  condition({
    contained: [{ resourceType: 'Patient', id: 'p1', birthDate }],
    subject: { reference: '#p1' },
    onsetAge: { value: age, unit: 'a', system: UCUM, code: 'a' },
    onsetDateTime: undefined,
    recordedDate: onset,
  });

const valid: Omit<QualityFixture, 'expect'>[] = [
  { name: 'Condition coded in ICD-11', resource: condition(), category: 'diagnosis' },
  {
    name: 'Condition with a post-coordinated ICD-11 code and a clinical status',
    resource: condition({
      clinicalStatus: coded('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active'),
      code: coded('http://id.who.int/icd/release/11/mms', '2C25.0&XH7SY6'),
    }),
    category: 'diagnosis',
  },
  {
    name: 'Condition whose birth date agrees with the stated age',
    resource: withPatient('1990-01-01', 35, '2025-01-15'),
    category: 'diagnosis',
  },
  { name: 'AllergyIntolerance', resource: allergy(), category: 'allergy' },
  { name: 'Observation: potassium', resource: potassium(), category: 'lab' },
  {
    name: 'Observation: glucose in mg/dL',
    resource: potassium({ code: coded(LOINC, '2345-7'), valueQuantity: quantity(98, 'mg/dL') }),
    category: 'lab',
  },
  { name: 'Observation: blood pressure panel', resource: bloodPressure(128, 82), category: 'vital' },
  {
    name: 'Observation: body temperature',
    resource: potassium({
      category: observationCategory('vital-signs'),
      code: coded(LOINC, '8310-5'),
      valueQuantity: quantity(37.2, 'Cel'),
    }),
    category: 'vital',
  },
  {
    name: 'MedicationStatement',
    resource: {
      resourceType: 'MedicationStatement',
      status: 'active',
      medicationCodeableConcept: coded('http://www.whocc.no/atc', 'C09AA02', 'enalapril'),
      subject,
      effectiveDateTime: '2025-02-01',
      dateAsserted: '2025-05-01',
      dosage: [{ text: '10 mg once daily' }],
    },
    category: 'medication',
  },
  {
    name: 'MedicationRequest',
    resource: {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: coded('http://www.whocc.no/atc', 'C09AA02'),
      subject,
      authoredOn: '2025-05-01',
    },
    category: 'medication',
  },
  { name: 'Procedure', resource: procedure(), category: 'procedure' },
  {
    name: 'Immunization, expiring after the transaction',
    resource: {
      resourceType: 'Immunization',
      status: 'completed',
      vaccineCode: coded('http://hl7.org/fhir/sid/cvx', '140'),
      patient: subject,
      occurrenceDateTime: '2024-10-15',
      expirationDate: '2026-12-31',
    },
    category: 'immunization',
  },
  {
    name: 'DiagnosticReport',
    resource: {
      resourceType: 'DiagnosticReport',
      status: 'final',
      code: coded(LOINC, '24323-8'),
      subject,
      effectiveDateTime: '2025-05-01T08:30:00Z',
      issued: '2025-05-02T10:00:00Z',
      result: [{ reference: 'Observation/o1' }],
    },
    category: 'lab',
  },
  {
    name: 'DocumentReference',
    resource: {
      resourceType: 'DocumentReference',
      status: 'current',
      type: coded(LOINC, '34133-9'),
      subject,
      date: '2025-05-02T10:00:00Z',
      content: [{ attachment: { contentType: 'application/pdf', url: 'urn:medledger:document:1' } }],
    },
    category: 'note',
  },
  {
    name: 'ImagingStudy',
    resource: { resourceType: 'ImagingStudy', status: 'available', subject, started: '2025-05-01T09:00:00Z' },
    category: 'imaging',
  },
  {
    name: 'MolecularSequence',
    resource: { resourceType: 'MolecularSequence', type: 'dna', coordinateSystem: 0 },
    category: 'genomic',
  },
];
/** Valid content of every record type: each accepted with no reason. */
export const VALID_FIXTURES: readonly QualityFixture[] = valid.map((f) => ({
  ...f,
  expect: { verdict: 'accepted' as const },
}));

const reject = (reason: QualityReason) => ({ verdict: 'rejected' as const, reason });
const review = (reason: QualityReason) => ({ verdict: 'needs_review' as const, reason });

/** Invalid content: each breaks exactly one rule and must get exactly that reason. */
export const INVALID_FIXTURES: readonly QualityFixture[] = [
  {
    name: 'Observation status "done" (not in the required value set)',
    resource: potassium({ status: 'done' }),
    category: 'lab',
    expect: reject('FHIR_VALUE_SET'),
  },
  {
    name: 'Condition with an unknown element',
    resource: condition({ severityScore: 3 }),
    category: 'diagnosis',
    expect: reject('FHIR_UNKNOWN_ELEMENT'),
  },
  {
    name: 'valueQuantity.value as a string',
    resource: potassium({ valueQuantity: quantity('4.1', 'mmol/L') }),
    category: 'lab',
    expect: reject('FHIR_PRIMITIVE'),
  },
  {
    name: 'an impossible calendar date',
    resource: condition({ recordedDate: '2025-02-30' }),
    category: 'diagnosis',
    expect: reject('FHIR_PRIMITIVE'),
  },
  {
    name: 'Condition without its required subject',
    resource: condition({ subject: undefined }),
    category: 'diagnosis',
    expect: reject('FHIR_CARDINALITY'),
  },
  {
    name: 'AllergyIntolerance without a clinical status (invariant ait-1)',
    resource: allergy({ clinicalStatus: undefined }),
    category: 'allergy',
    expect: reject('FHIR_INVARIANT'),
  },
  {
    name: 'a null element',
    resource: condition({ note: null }),
    category: 'diagnosis',
    expect: reject('FHIR_SHAPE'),
  },
  {
    name: 'a contained resource of an unsupported type',
    resource: condition({ contained: [{ resourceType: 'Account', id: 'a1', status: 'active' }] }),
    category: 'diagnosis',
    expect: reject('FHIR_TYPE_UNSUPPORTED'),
  },
  {
    name: 'declared as another resource type',
    resource: potassium(),
    category: 'lab',
    fhirResourceType: 'DiagnosticReport',
    expect: reject('RESOURCE_TYPE_MISMATCH'),
  },
  {
    name: 'a resource type outside its category',
    resource: allergy(),
    category: 'lab',
    expect: reject('CATEGORY_MISMATCH'),
  },
  {
    name: 'content over the size limit',
    resource: condition(),
    category: 'diagnosis',
    sizeBytes: 300 * 1024,
    expect: reject('CONTENT_TOO_LARGE'),
  },
  {
    name: 'an ICD-10 code under the ICD-11 system',
    resource: condition({ code: coded('http://id.who.int/icd/release/11/mms', 'I10') }),
    category: 'diagnosis',
    expect: reject('ICD11_CODE_FORMAT'),
  },
  {
    name: 'a LOINC code with a wrong check digit',
    resource: potassium({ code: coded(LOINC, '2823-4') }),
    category: 'lab',
    expect: reject('LOINC_CODE_FORMAT'),
  },
  {
    name: 'a procedure dated after the transaction',
    resource: procedure({ performedDateTime: '2025-07-01T10:00:00Z' }),
    category: 'procedure',
    expect: review('FUTURE_DATE'),
  },
  {
    name: 'a birth date that contradicts the stated age',
    resource: withPatient('1990-01-01', 60, '2025-01-01'),
    category: 'diagnosis',
    expect: review('BIRTH_DATE_AGE_MISMATCH'),
  },
  {
    name: 'an implausible stated age',
    resource: condition({ onsetAge: { value: 150, unit: 'a', system: UCUM, code: 'a' } }),
    category: 'diagnosis',
    expect: review('AGE_IMPLAUSIBLE'),
  },
  {
    name: 'a diagnosis without an ICD-11 code',
    resource: condition({ code: coded(SNOMED, '59621000', 'Essential hypertension') }),
    category: 'diagnosis',
    expect: review('ICD11_CODE_MISSING'),
  },
  {
    name: 'a well-formed ICD-11 code that is not on the bundled list',
    resource: condition({ code: coded('http://id.who.int/icd/release/11/mms', '1A01') }),
    category: 'diagnosis',
    expect: review('ICD11_CODE_UNKNOWN'),
  },
  {
    name: 'a lab result without a LOINC code',
    resource: potassium({ code: { text: 'Potassium' } }),
    category: 'lab',
    expect: review('LOINC_CODE_MISSING'),
  },
  {
    name: 'a LOINC code that is not on the bundled list',
    resource: potassium({ code: coded(LOINC, '2093-3'), valueQuantity: quantity(190, 'mg/dL') }),
    category: 'lab',
    expect: review('LOINC_CODE_UNKNOWN'),
  },
  {
    name: 'an out-of-range potassium',
    resource: potassium({ valueQuantity: quantity(14, 'mmol/L') }),
    category: 'lab',
    expect: review('VALUE_IMPLAUSIBLE'),
  },
  {
    name: 'an out-of-range diastolic pressure in a panel',
    resource: bloodPressure(128, 400),
    category: 'vital',
    expect: review('VALUE_IMPLAUSIBLE'),
  },
  {
    name: 'a potassium in a unit it is not measured in',
    resource: potassium({ valueQuantity: quantity(16, 'mg/dL') }),
    category: 'lab',
    expect: review('UNIT_UNEXPECTED'),
  },
];
