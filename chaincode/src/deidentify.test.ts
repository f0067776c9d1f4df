import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deidentify, PSEUDONYM_HEX_DIGITS, SAFE_HARBOR_CHECKLIST, studyPseudonym } from './deidentify';
import { GATE_VALIDATOR } from './quality-gate';
import { DEID_FIXTURES, IDENTIFYING_VALUES } from './testing/deidentify-fixtures';
import { condition } from './testing/fixtures';
import { allergy, potassium, VALID_FIXTURES } from './testing/quality-fixtures';

type Json = Record<string, unknown>;

const KEY = Buffer.alloc(32, 7);
const PSEUDONYM = studyPseudonym(KEY, 'study-deid-1', 'did:medledger:patient:deid0001');
const RELEASE_YEAR = 2025;
const run = (r: Json, releaseYear = RELEASE_YEAR) => deidentify(r, { pseudonym: PSEUDONYM, releaseYear });

const UCUM = 'http://unitsofmeasure.org';
const HL7 = 'http://terminology.hl7.org/CodeSystem/';
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const ICD11 = 'http://id.who.int/icd/release/11/mms';
const ATC = 'http://www.whocc.no/atc';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const cc = (system: string, code: string) => ({ coding: [{ system, code }] });
const ucum = (value: number, code: string) => ({ value, unit: code, system: UCUM, code });
const subject = { reference: `Patient/${PSEUDONYM}` };
const masked = {
  extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }],
};
const maskedReason = cc(`${HL7}data-absent-reason`, 'masked');
const ninety = { value: 90, comparator: '>=', unit: 'a', system: UCUM, code: 'a' };

/** What each realistic record becomes: written out by hand, element by element. */
const EXPECTED: Readonly<Record<string, Json>> = {
  'AllergyIntolerance: penicillin anaphylaxis, onset at 93': {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: cc(`${HL7}allergyintolerance-clinical`, 'active'),
    verificationStatus: cc(`${HL7}allergyintolerance-verification`, 'confirmed'),
    type: 'allergy',
    category: ['medication'],
    criticality: 'high',
    code: cc(SNOMED, '764146007'),
    patient: subject,
    onsetAge: ninety,
    recordedDate: '2025',
    lastOccurrence: '2025',
    reaction: [
      {
        substance: cc(SNOMED, '764146007'),
        manifestation: [cc(SNOMED, '39579001')],
        onset: '2025',
        severity: 'severe',
      },
    ],
  },
  'Condition: resolved hypertension of a contained patient': {
    resourceType: 'Condition',
    clinicalStatus: cc(`${HL7}condition-clinical`, 'resolved'),
    verificationStatus: cc(`${HL7}condition-ver-status`, 'confirmed'),
    category: [cc(`${HL7}condition-category`, 'problem-list-item')],
    severity: cc(SNOMED, '24484000'),
    code: cc(ICD11, 'BA00'),
    subject,
    onsetDateTime: '2019',
    abatementDateTime: '2024',
    recordedDate: '2019',
    stage: [{ summary: cc(SNOMED, '24484000') }],
  },
  'Observation: potassium with a reference range': {
    resourceType: 'Observation',
    status: 'final',
    category: [cc(`${HL7}observation-category`, 'laboratory')],
    code: cc(LOINC, '2823-3'),
    subject,
    effectiveDateTime: '2025',
    valueQuantity: ucum(5.9, 'mmol/L'),
    interpretation: [cc(`${HL7}v3-ObservationInterpretation`, 'H')],
    referenceRange: [{ low: ucum(3.5, 'mmol/L'), high: ucum(5.1, 'mmol/L') }],
  },
  'Observation: a stated age of 94': {
    resourceType: 'Observation',
    status: 'final',
    code: cc(LOINC, '30525-0'),
    subject,
    effectiveDateTime: '2025',
    valueQuantity: ninety,
  },
  'Observation: a birth date of someone 94 in the release year': {
    resourceType: 'Observation',
    status: 'final',
    code: cc(LOINC, '21112-8'),
    subject,
    effectiveDateTime: '2025',
    dataAbsentReason: maskedReason,
  },
  'Observation: a blood pressure panel with a free-text comment as its value': {
    resourceType: 'Observation',
    status: 'final',
    category: [cc(`${HL7}observation-category`, 'vital-signs')],
    code: cc(LOINC, '85354-9'),
    subject,
    effectivePeriod: { start: '2025', end: '2025' },
    component: [
      { code: cc(LOINC, '8480-6'), valueQuantity: ucum(128, 'mm[Hg]') },
      { code: cc(LOINC, '8462-4'), valueQuantity: ucum(82, 'mm[Hg]') },
    ],
    dataAbsentReason: maskedReason,
  },
  'DiagnosticReport: a basic metabolic panel with a PDF and a conclusion': {
    resourceType: 'DiagnosticReport',
    status: 'final',
    category: [cc(`${HL7}v2-0074`, 'LAB')],
    code: cc(LOINC, '24323-8'),
    subject,
    effectiveDateTime: '2025',
    conclusionCode: [cc(SNOMED, '14140009')],
  },
  'ImagingStudy: a chest CT with DICOM UIDs': {
    resourceType: 'ImagingStudy',
    status: 'available',
    modality: [{ system: DCM, code: 'CT' }],
    subject,
    started: '2025',
    numberOfSeries: 1,
    numberOfInstances: 212,
    procedureCode: [cc(LOINC, '24627-2')],
    series: [
      {
        number: 3,
        modality: { system: DCM, code: 'CT' },
        numberOfInstances: 212,
        bodySite: { system: SNOMED, code: '51185008' },
        started: '2025',
        _uid: masked,
      },
    ],
  },
  'MedicationRequest: a contained medication with a dosage': {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: cc(ATC, 'C09AA02'),
    subject,
    authoredOn: '2025',
    reasonCode: [cc(ICD11, 'BA00')],
    dosageInstruction: [
      {
        sequence: 1,
        timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
        route: cc(SNOMED, '26643006'),
        doseAndRate: [{ doseQuantity: ucum(10, 'mg') }],
      },
    ],
    dispenseRequest: {
      validityPeriod: { start: '2025', end: '2025' },
      numberOfRepeatsAllowed: 5,
      quantity: { value: 30 },
    },
    substitution: { allowedBoolean: true },
  },
  'MedicationStatement: enalapril with a free-text dosage': {
    resourceType: 'MedicationStatement',
    status: 'active',
    medicationCodeableConcept: cc(ATC, 'C09AA02'),
    subject,
    effectivePeriod: { start: '2025' },
    dateAsserted: '2025',
  },
  'MolecularSequence: a variant on chromosome 7': {
    resourceType: 'MolecularSequence',
    type: 'dna',
    coordinateSystem: 0,
    patient: subject,
    referenceSeq: {
      chromosome: cc(`${HL7}chromosome-human`, '7'),
      genomeBuild: 'GRCh38',
      strand: 'watson',
      windowStart: 117120016,
      windowEnd: 117308718,
    },
    variant: [{ start: 117199643, end: 117199646 }],
    readCoverage: 45,
  },
  'DocumentReference: a discharge summary': {
    resourceType: 'DocumentReference',
    status: 'current',
    docStatus: 'final',
    type: cc(LOINC, '18842-5'),
    category: [cc(LOINC, '11503-0')],
    subject,
    securityLabel: [cc(`${HL7}v3-Confidentiality`, 'N')],
    content: [{ attachment: { ...masked, contentType: 'application/pdf' } }],
    context: { period: { start: '2025', end: '2025' }, practiceSetting: cc(SNOMED, '394802001') },
  },
  'Procedure: an appendectomy': {
    resourceType: 'Procedure',
    status: 'completed',
    code: cc(SNOMED, '80146002'),
    subject,
    performedPeriod: { start: '2025', end: '2025' },
    reasonCode: [cc(SNOMED, '74400008')],
    bodySite: [cc(SNOMED, '66754008')],
    outcome: cc(SNOMED, '385669000'),
  },
  'Immunization: a COVID-19 vaccination': {
    resourceType: 'Immunization',
    status: 'completed',
    vaccineCode: cc('http://hl7.org/fhir/sid/cvx', '208'),
    patient: subject,
    occurrenceDateTime: '2024',
    recorded: '2024',
    primarySource: true,
    expirationDate: '2025',
    doseQuantity: ucum(0.3, 'mL'),
    reaction: [{ date: '2024', reported: true }],
    protocolApplied: [{ doseNumberPositiveInt: 3 }],
  },
};

const errors = (r: unknown) => GATE_VALIDATOR.validate(r).filter((i) => i.severity === 'error');

void describe('de-identification of realistic records', () => {
  for (const f of DEID_FIXTURES) {
    void it(`when a hospital's ${f.name} is de-identified, then only its codes, quantities, years and the pseudonym remain, as valid R4`, () => {
      assert.deepEqual(errors(f.resource), [], 'the fixture is valid R4');
      const out = run(f.resource);
      assert.deepEqual(out, EXPECTED[f.name]);
      assert.deepEqual(errors(out), []);
      const text = JSON.stringify(out);
      assert.deepEqual(
        IDENTIFYING_VALUES.filter((v) => text.includes(v)),
        [],
      );
      assert.doesNotMatch(text, /\d{4}-\d{2}/);
    });
  }

  for (const f of VALID_FIXTURES) {
    void it(`when the gate's valid content is de-identified (${f.name}), then it is still valid R4`, () => {
      const out = run(f.resource);
      assert.ok(out);
      assert.deepEqual(errors(out), []);
    });
  }
});

void describe('de-identified dosage timing', () => {
  void it('when a dose is timed by an offset from a meal event, then neither survives and the output is valid R4', () => {
    const timing = { repeat: { frequency: 1, period: 1, periodUnit: 'd', when: ['ACM'], offset: 30 } };
    const input = {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: cc(ATC, 'C09AA02'),
      subject: { reference: 'Patient/p-timing-1' },
      dosageInstruction: [{ timing }],
    };
    assert.deepEqual(errors(input), []);
    const out = run(input);
    assert.ok(out);
    assert.deepEqual(out['dosageInstruction'], [
      { timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } } },
    ]);
    assert.deepEqual(errors(out), []);
  });
});

void describe('study pseudonyms', () => {
  const did = 'did:medledger:patient:pseu0001';
  void it('when the same patient is pseudonymised twice in one study with its key, then the pseudonym is the same, a FHIR id, and not the DID', () => {
    const a = studyPseudonym(KEY, 'study-pseu-1', did);
    assert.equal(a, studyPseudonym(Buffer.from(KEY), 'study-pseu-1', did));
    assert.match(a, new RegExp(`^[0-9a-f]{${String(PSEUDONYM_HEX_DIGITS)}}$`));
    assert.ok(!a.includes('pseu0001'));
  });

  void it('when the study, the key or the patient differs, then the pseudonym differs', () => {
    const a = studyPseudonym(KEY, 'study-pseu-2', did);
    assert.notEqual(a, studyPseudonym(KEY, 'study-pseu-3', did));
    assert.notEqual(a, studyPseudonym(Buffer.alloc(32, 8), 'study-pseu-2', did));
    assert.notEqual(a, studyPseudonym(KEY, 'study-pseu-2', 'did:medledger:patient:pseu0002'));
  });

  void it('when a study key is shorter than 128 bits, then it is refused', () => {
    assert.throws(() => studyPseudonym(Buffer.alloc(15, 1), 'study-pseu-4', did), RangeError);
  });

  void it('when a record is de-identified, then its subject is the given pseudonym, whatever the record referenced', () => {
    const out = deidentify(condition({ subject: { reference: 'Group/g-pseu-5' } }), {
      pseudonym: 'p5',
      releaseYear: 2025,
    });
    assert.deepEqual(out?.subject, { reference: 'Patient/p5' });
  });
});

void describe('ages over 89 (Safe Harbor)', () => {
  const onset = (onsetAge: Json) => run(condition({ onsetAge }))?.onsetAge;
  void it('when a stated age is 89 years, or 1079 months, then it stays', () => {
    assert.deepEqual(onset(ucum(89, 'a')), ucum(89, 'a'));
    assert.deepEqual(onset(ucum(1079, 'mo')), ucum(1079, 'mo'));
  });

  void it('when a stated age is 90 years, 1080 months or more than 90 years, then it becomes 90 or older', () => {
    assert.deepEqual(onset(ucum(90, 'a')), ninety);
    assert.deepEqual(onset(ucum(1080, 'mo')), ninety);
    assert.deepEqual(onset({ ...ucum(92, 'a'), comparator: '>' }), ninety);
    assert.deepEqual(onset(ucum(34_000, 'd')), ninety);
  });

  void it('when an age is only bounded above by more than 89 years, or is not in a unit of time, then it goes', () => {
    assert.equal(onset({ ...ucum(95, 'a'), comparator: '<' }), undefined);
    assert.equal(onset(ucum(40, 'kg')), undefined);
  });

  void it('when an onset age range reaches over 89, then its low bound becomes 90 years and its high bound goes', () => {
    const range = (low: number, high: number) =>
      run(condition({ onsetRange: { low: ucum(low, 'a'), high: ucum(high, 'a') } }));
    assert.deepEqual(range(92, 95)?.onsetRange, { low: ucum(90, 'a') });
    assert.deepEqual(range(80, 95)?.onsetRange, { low: ucum(80, 'a') });
    assert.deepEqual(range(70, 80)?.onsetRange, { low: ucum(70, 'a'), high: ucum(80, 'a') });
  });

  void it('when a birth date is that of someone 89 in the release year, then its year stays; 90, then it is masked', () => {
    const born = (date: string) =>
      run({ resourceType: 'Observation', status: 'final', code: cc(LOINC, '21112-8'), valueDateTime: date });
    assert.equal(born('1936-07-01')?.valueDateTime, '1936');
    assert.deepEqual(born('1935-07-01'), {
      resourceType: 'Observation',
      status: 'final',
      code: cc(LOINC, '21112-8'),
      dataAbsentReason: maskedReason,
    });
  });

  void it('when an age observation states 96 years, then its value is 90 or older', () => {
    const out = run(potassium({ code: cc(LOINC, '30525-0'), valueQuantity: ucum(96, 'a') }));
    assert.deepEqual(out?.valueQuantity, ninety);
  });
});

void describe('what has no research form, or goes whole', () => {
  const modifier = [{ url: 'http://hospital.example/negated', valueBoolean: true }];
  void it('when a record carries a modifier extension or implicit rules, or is not a record type, then it has no research form', () => {
    assert.equal(run(condition({ modifierExtension: modifier })), null);
    assert.equal(run(condition({ implicitRules: 'http://hospital.example/rules' })), null);
    assert.equal(run({ resourceType: 'Patient', name: [{ family: 'Canary' }] }), null);
    assert.equal(run(potassium({ status: 'Jane Canary' })), null);
  });

  void it('when a backbone element carries a modifier extension, then that element goes whole and the rest stays', () => {
    const reaction = [{ modifierExtension: modifier, manifestation: [cc(SNOMED, '39579001')] }];
    const out = run(allergy({ reaction }));
    assert.equal(out?.reaction, undefined);
    assert.deepEqual(out?.code, cc(SNOMED, '764146007'));
  });

  void it('when a medication reference points to no contained Medication, then the required medication is masked', () => {
    const out = run({
      resourceType: 'MedicationStatement',
      status: 'active',
      medicationReference: { reference: 'Medication/canary-stock' },
      subject: { reference: 'Patient/p1' },
    });
    assert.deepEqual(out?.medicationCodeableConcept, masked);
    assert.deepEqual(errors(out), []);
  });

  void it('when codes are local, malformed or carry text, then only codes of known terminologies remain, without display', () => {
    const out = run(
      condition({
        code: {
          coding: [
            { system: ICD11, code: 'BA00', display: 'Essential hypertension (Jane Canary)' },
            { system: ICD11, code: 'Jane Canary' },
            { system: LOINC, code: '2823-4' },
            { system: SNOMED, code: '39579002' },
            { system: 'http://hospital.example/codes', code: 'HTN' },
          ],
          text: 'Jane Canary',
        },
      }),
    );
    assert.deepEqual(out?.code, cc(ICD11, 'BA00'));
  });

  void it('when a component shares the observation code once displays go, then the observation value goes (obs-7)', () => {
    const out = run(
      potassium({
        code: { coding: [{ system: LOINC, code: '2823-3', display: 'Potassium' }] },
        component: [
          {
            code: { coding: [{ system: LOINC, code: '2823-3', display: 'K' }] },
            valueQuantity: ucum(4, 'mmol/L'),
          },
        ],
      }),
    );
    assert.equal(out?.valueQuantity, undefined);
    assert.deepEqual(out?.dataAbsentReason, maskedReason);
    assert.deepEqual(errors(out), []);
  });
});

void describe('the Safe Harbor checklist', () => {
  void it('when the checklist is read, then it names the 18 identifiers A to R, and only vehicle identifiers and IP addresses occur in no element', () => {
    assert.deepEqual(
      SAFE_HARBOR_CHECKLIST.map((i) => i.item),
      Array.from({ length: 18 }, (_, i) => String.fromCharCode(65 + i)),
    );
    assert.deepEqual(
      SAFE_HARBOR_CHECKLIST.filter((i) => i.occursIn.length === 0).map((i) => i.item),
      ['L', 'O'],
    );
  });
});
