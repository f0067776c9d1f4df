/**
 * Realistic FHIR R4 records of every record type for the de-identification tests (synthetic people):
 * each carries the identifiers a hospital's export really holds (names, record and social security
 * numbers, addresses, phone numbers, notes, narrative, references with display names, full dates,
 * identifying extensions). Every identifying string contains `Canary`, or one of
 * {@link IDENTIFYING_VALUES}, so a test can look for any of them in the output.
 */

type Json = Record<string, unknown>;

/** Values in the fixtures that identify the person (besides every string containing `Canary`). */
export const IDENTIFYING_VALUES = [
  'Canary',
  '123-45-6789',
  'MRN-884422',
  '+1-555-0100',
  '62704',
  'Springfield',
  'canary@example.org',
  '1.2.840.113619.2.55.3.604688',
  'LOT-CANARY',
  'hospital.example',
];

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';
const HL7 = 'http://terminology.hl7.org/CodeSystem/';

/** What a hospital export puts on every resource: ids, meta, narrative, identifiers, extensions. */
function exported(id: string): Json {
  return {
    id,
    meta: { versionId: '3', lastUpdated: '2025-05-02T10:00:00Z', source: 'urn:hospital.example:canary' },
    text: {
      status: 'generated',
      div: '<div xmlns="http://www.w3.org/1999/xhtml">Jane Canary, MRN-884422, 12 Canary Lane, Springfield</div>',
    },
    extension: [
      {
        url: 'http://hospital.example/fhir/StructureDefinition/patient-name',
        valueHumanName: { family: 'Canary', given: ['Jane'] },
      },
      {
        url: 'http://hospital.example/fhir/StructureDefinition/home',
        valueAddress: { line: ['12 Canary Lane'], city: 'Springfield', postalCode: '62704' },
      },
      {
        url: 'http://hospital.example/fhir/StructureDefinition/phone',
        valueContactPoint: { system: 'phone', value: '+1-555-0100' },
      },
      {
        url: 'http://hospital.example/fhir/StructureDefinition/ssn',
        valueIdentifier: { system: 'http://hl7.org/fhir/sid/us-ssn', value: '123-45-6789' },
      },
      { url: 'http://hospital.example/fhir/StructureDefinition/remark', valueString: 'Canary, call at home' },
      {
        url: 'http://hospital.example/fhir/StructureDefinition/admitted',
        valueDateTime: '2025-04-28T22:10:00Z',
      },
    ],
    identifier: [
      { system: 'http://hospital.example/mrn', value: 'MRN-884422' },
      { system: 'http://hl7.org/fhir/sid/us-ssn', value: '123-45-6789' },
    ],
  };
}

const patientRef = { reference: 'Patient/MRN-884422', display: 'Jane Canary' };
const doctor = { reference: 'Practitioner/dr-canary', display: 'Dr Canary' };
const note = [
  { authorString: 'Dr Canary', time: '2025-05-01T10:00:00Z', text: 'Jane Canary, canary@example.org' },
];
const coded = (system: string, code: string, display: string, text?: string): Json => ({
  coding: [{ system, code, display }],
  ...(text === undefined ? {} : { text }),
});

/** A record fixture: its name and resource. */
export interface DeidFixture {
  readonly name: string;
  readonly resource: Json;
}

/** One realistic record of each record resource type, and a few more for the special cases. */
export const DEID_FIXTURES: readonly DeidFixture[] = [
  {
    name: 'AllergyIntolerance: penicillin anaphylaxis, onset at 93',
    resource: {
      resourceType: 'AllergyIntolerance',
      ...exported('allergy-884422'),
      clinicalStatus: coded(`${HL7}allergyintolerance-clinical`, 'active', 'Active'),
      verificationStatus: coded(`${HL7}allergyintolerance-verification`, 'confirmed', 'Confirmed'),
      type: 'allergy',
      category: ['medication'],
      criticality: 'high',
      code: {
        coding: [
          { system: SNOMED, code: '764146007', display: 'Penicillin' },
          {
            system: 'http://hospital.example/allergens',
            code: 'PEN-CANARY',
            display: 'Penicillin (Canary ward)',
          },
        ],
        text: 'Penicillin, reported by Jane Canary',
      },
      patient: patientRef,
      encounter: { reference: 'Encounter/enc-canary' },
      onsetAge: { value: 93, unit: 'years', system: UCUM, code: 'a' },
      recordedDate: '2025-03-01T09:12:00Z',
      recorder: doctor,
      asserter: { display: 'Jane Canary' },
      lastOccurrence: '2025-02-27',
      note,
      reaction: [
        {
          substance: coded(SNOMED, '764146007', 'Penicillin'),
          manifestation: [coded(SNOMED, '39579001', 'Anaphylaxis', 'collapsed at the Canary bakery')],
          description: 'Jane Canary collapsed after the first dose',
          onset: '2025-02-27T14:30:00Z',
          severity: 'severe',
          note,
        },
      ],
    },
  },
  {
    name: 'Condition: resolved hypertension of a contained patient',
    resource: {
      resourceType: 'Condition',
      ...exported('cond-884422'),
      contained: [
        {
          resourceType: 'Patient',
          id: 'p1',
          name: [{ family: 'Canary', given: ['Jane'] }],
          birthDate: '1931-04-12',
          address: [{ line: ['12 Canary Lane'], city: 'Springfield', postalCode: '62704' }],
          telecom: [{ system: 'email', value: 'canary@example.org' }],
        },
      ],
      clinicalStatus: coded(`${HL7}condition-clinical`, 'resolved', 'Resolved'),
      verificationStatus: coded(`${HL7}condition-ver-status`, 'confirmed', 'Confirmed'),
      category: [coded(`${HL7}condition-category`, 'problem-list-item', 'Problem List Item')],
      severity: coded(SNOMED, '24484000', 'Severe'),
      code: {
        coding: [
          { system: 'http://id.who.int/icd/release/11/mms', code: 'BA00', display: 'Essential hypertension' },
          { system: 'http://hospital.example/problems', code: 'HTN-CANARY' },
        ],
        text: 'High blood pressure (Jane Canary)',
      },
      subject: { reference: '#p1', display: 'Jane Canary' },
      encounter: { reference: 'Encounter/enc-canary' },
      onsetDateTime: '2019-03-14T08:00:00Z',
      abatementDateTime: '2024-11-02',
      recordedDate: '2019-03-14',
      recorder: doctor,
      asserter: doctor,
      stage: [
        {
          summary: coded(SNOMED, '24484000', 'Severe'),
          assessment: [{ reference: 'Observation/bp-canary' }],
        },
      ],
      evidence: [{ detail: [{ reference: 'Observation/bp-canary', display: 'BP taken by Dr Canary' }] }],
      note,
    },
  },
  {
    name: 'Observation: potassium with a reference range',
    resource: {
      resourceType: 'Observation',
      ...exported('obs-884422'),
      basedOn: [{ reference: 'ServiceRequest/sr-canary' }],
      status: 'final',
      category: [coded(`${HL7}observation-category`, 'laboratory', 'Laboratory')],
      code: coded(LOINC, '2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 'K+ for Jane Canary'),
      subject: patientRef,
      encounter: { reference: 'Encounter/enc-canary' },
      effectiveDateTime: '2025-05-01T08:30:00Z',
      issued: '2025-05-01T11:02:13.120Z',
      performer: [doctor],
      valueQuantity: { value: 5.9, unit: 'mmol/l', system: UCUM, code: 'mmol/L' },
      interpretation: [coded(`${HL7}v3-ObservationInterpretation`, 'H', 'High')],
      note,
      specimen: { reference: 'Specimen/spec-canary', display: 'Blood of Jane Canary' },
      device: { display: 'Analyser serial CANARY-0042' },
      referenceRange: [
        {
          low: { value: 3.5, unit: 'mmol/L', system: UCUM, code: 'mmol/L' },
          high: { value: 5.1, unit: 'mmol/L', system: UCUM, code: 'mmol/L' },
          text: 'adult range (Canary lab)',
        },
      ],
    },
  },
  {
    name: 'Observation: a stated age of 94',
    resource: {
      resourceType: 'Observation',
      ...exported('age-884422'),
      status: 'final',
      code: coded(LOINC, '30525-0', 'Age'),
      subject: patientRef,
      effectiveDateTime: '2025-05-01',
      valueQuantity: { value: 94, unit: 'yr', system: UCUM, code: 'a' },
    },
  },
  {
    name: 'Observation: a birth date of someone 94 in the release year',
    resource: {
      resourceType: 'Observation',
      ...exported('dob-884422'),
      status: 'final',
      code: coded(LOINC, '21112-8', 'Birth date'),
      subject: patientRef,
      effectiveDateTime: '2025-05-01',
      valueDateTime: '1931-04-12',
    },
  },
  {
    name: 'Observation: a blood pressure panel with a free-text comment as its value',
    resource: {
      resourceType: 'Observation',
      ...exported('bp-884422'),
      status: 'final',
      category: [coded(`${HL7}observation-category`, 'vital-signs', 'Vital Signs')],
      code: coded(LOINC, '85354-9', 'Blood pressure panel'),
      subject: patientRef,
      effectivePeriod: { start: '2025-05-01T08:30:00Z', end: '2025-05-01T08:35:00Z' },
      valueString: 'taken by Dr Canary at home, Springfield',
      component: [
        {
          code: coded(LOINC, '8480-6', 'Systolic blood pressure'),
          valueQuantity: { value: 128, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' },
        },
        {
          code: coded(LOINC, '8462-4', 'Diastolic blood pressure'),
          valueQuantity: { value: 82, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' },
        },
      ],
    },
  },
  {
    name: 'DiagnosticReport: a basic metabolic panel with a PDF and a conclusion',
    resource: {
      resourceType: 'DiagnosticReport',
      ...exported('rep-884422'),
      status: 'final',
      category: [coded(`${HL7}v2-0074`, 'LAB', 'Laboratory')],
      code: coded(LOINC, '24323-8', 'Comprehensive metabolic panel'),
      subject: patientRef,
      effectiveDateTime: '2025-05-01T08:30:00Z',
      issued: '2025-05-02T10:00:00Z',
      performer: [{ reference: 'Organization/lab-canary', display: 'Canary Labs' }],
      resultsInterpreter: [doctor],
      result: [{ reference: 'Observation/obs-884422' }],
      conclusion: 'Hyperkalaemia; Jane Canary to repeat in a week',
      conclusionCode: [coded(SNOMED, '14140009', 'Hyperkalemia')],
      presentedForm: [
        { contentType: 'application/pdf', data: 'SmFuZSBDYW5hcnk=', title: 'Report for Jane Canary' },
      ],
    },
  },
  {
    name: 'ImagingStudy: a chest CT with DICOM UIDs',
    resource: {
      resourceType: 'ImagingStudy',
      ...exported('img-884422'),
      identifier: [{ system: 'urn:dicom:uid', value: 'urn:oid:1.2.840.113619.2.55.3.604688' }],
      status: 'available',
      modality: [
        {
          system: 'http://dicom.nema.org/resources/ontology/DCM',
          code: 'CT',
          display: 'Computed Tomography',
        },
      ],
      subject: patientRef,
      started: '2025-04-30T15:20:00Z',
      referrer: doctor,
      numberOfSeries: 1,
      numberOfInstances: 212,
      procedureCode: [coded(LOINC, '24627-2', 'CT Chest')],
      location: { display: 'Canary Imaging Centre, Springfield' },
      description: 'CT chest of Jane Canary',
      note,
      series: [
        {
          uid: '1.2.840.113619.2.55.3.604688.1',
          number: 3,
          modality: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CT' },
          description: 'axial, Canary protocol',
          numberOfInstances: 212,
          bodySite: { system: SNOMED, code: '51185008', display: 'Thorax' },
          started: '2025-04-30T15:21:00Z',
          performer: [{ actor: { display: 'Tech Canary' } }],
          instance: [
            {
              uid: '1.2.840.113619.2.55.3.604688.1.1',
              sopClass: { system: 'urn:ietf:rfc:3986', code: 'urn:oid:1.2.840.10008.5.1.4.1.1.2' },
            },
          ],
        },
      ],
    },
  },
  {
    name: 'MedicationRequest: a contained medication with a dosage',
    resource: {
      resourceType: 'MedicationRequest',
      ...exported('rx-884422'),
      contained: [
        {
          resourceType: 'Medication',
          id: 'med1',
          code: coded('http://www.whocc.no/atc', 'C09AA02', 'enalapril', 'Enalapril from Canary Pharmacy'),
        },
      ],
      status: 'active',
      intent: 'order',
      medicationReference: { reference: '#med1', display: 'enalapril (Canary stock)' },
      subject: patientRef,
      authoredOn: '2025-05-01T09:00:00Z',
      requester: doctor,
      reasonCode: [coded('http://id.who.int/icd/release/11/mms', 'BA00', 'Essential hypertension')],
      groupIdentifier: { value: 'RX-CANARY-7' },
      note,
      dosageInstruction: [
        {
          sequence: 1,
          text: '10 mg each morning, Jane Canary',
          patientInstruction: 'ring Dr Canary if dizzy',
          timing: { event: ['2025-05-02T08:00:00Z'], repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
          route: coded(SNOMED, '26643006', 'Oral route'),
          doseAndRate: [{ doseQuantity: { value: 10, unit: 'mg', system: UCUM, code: 'mg' } }],
        },
      ],
      dispenseRequest: {
        validityPeriod: { start: '2025-05-01', end: '2025-11-01' },
        numberOfRepeatsAllowed: 5,
        quantity: { value: 30, unit: 'tablets', system: 'http://hospital.example/units', code: 'TAB' },
        performer: { display: 'Canary Pharmacy' },
      },
      substitution: { allowedBoolean: true },
    },
  },
  {
    name: 'MedicationStatement: enalapril with a free-text dosage',
    resource: {
      resourceType: 'MedicationStatement',
      ...exported('ms-884422'),
      status: 'active',
      medicationCodeableConcept: coded(
        'http://www.whocc.no/atc',
        'C09AA02',
        'enalapril',
        'Enalapril (Canary)',
      ),
      subject: patientRef,
      effectivePeriod: { start: '2025-02-01' },
      dateAsserted: '2025-05-01T10:00:00Z',
      informationSource: { display: 'Jane Canary' },
      note,
      dosage: [{ text: '10 mg once daily, Jane Canary' }],
    },
  },
  {
    name: 'MolecularSequence: a variant on chromosome 7',
    resource: {
      resourceType: 'MolecularSequence',
      ...exported('seq-884422'),
      type: 'dna',
      coordinateSystem: 0,
      patient: patientRef,
      specimen: { reference: 'Specimen/spec-canary' },
      device: { display: 'Sequencer serial CANARY-9' },
      performer: { display: 'Canary Genomics' },
      referenceSeq: {
        chromosome: coded(`${HL7}chromosome-human`, '7', 'chromosome 7'),
        genomeBuild: 'GRCh38',
        strand: 'watson',
        windowStart: 117120016,
        windowEnd: 117308718,
      },
      variant: [
        { start: 117199643, end: 117199646, observedAllele: 'CANARY', referenceAllele: 'CTT', cigar: '3M' },
      ],
      observedSeq: 'ACGTCANARY',
      readCoverage: 45,
      repository: [
        { type: 'directlink', url: 'https://hospital.example/seq/canary', datasetId: 'CANARY-DS' },
      ],
    },
  },
  {
    name: 'DocumentReference: a discharge summary',
    resource: {
      resourceType: 'DocumentReference',
      ...exported('doc-884422'),
      masterIdentifier: { system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.840.113619.2.55.3.604688.9' },
      status: 'current',
      docStatus: 'final',
      type: coded(LOINC, '18842-5', 'Discharge summary'),
      category: [coded(LOINC, '11503-0', 'Medical records')],
      subject: patientRef,
      date: '2025-05-02T10:00:00Z',
      author: [doctor],
      custodian: { display: 'Canary General Hospital' },
      relatesTo: [{ code: 'replaces', target: { reference: 'DocumentReference/doc-canary-1' } }],
      description: 'Discharge of Jane Canary to 12 Canary Lane',
      securityLabel: [coded(`${HL7}v3-Confidentiality`, 'N', 'normal')],
      content: [
        {
          attachment: {
            contentType: 'application/pdf',
            language: 'en',
            data: 'SmFuZSBDYW5hcnk=',
            url: 'https://hospital.example/docs/canary.pdf',
            size: 11,
            title: 'Discharge summary, Jane Canary',
            creation: '2025-05-02T09:58:00Z',
          },
        },
      ],
      context: {
        encounter: [{ reference: 'Encounter/enc-canary' }],
        period: { start: '2025-04-28T22:10:00Z', end: '2025-05-02T09:00:00Z' },
        practiceSetting: coded(SNOMED, '394802001', 'General medicine'),
        sourcePatientInfo: patientRef,
      },
    },
  },
  {
    name: 'Procedure: an appendectomy',
    resource: {
      resourceType: 'Procedure',
      ...exported('proc-884422'),
      status: 'completed',
      code: coded(SNOMED, '80146002', 'Appendectomy', 'lap appendectomy by Dr Canary'),
      subject: patientRef,
      performedPeriod: { start: '2025-04-02T10:00:00Z', end: '2025-04-02T11:10:00Z' },
      recorder: doctor,
      performer: [{ actor: doctor, onBehalfOf: { display: 'Canary General Hospital' } }],
      location: { display: 'Theatre 3, Springfield' },
      reasonCode: [coded(SNOMED, '74400008', 'Appendicitis')],
      bodySite: [coded(SNOMED, '66754008', 'Appendix structure')],
      outcome: coded(SNOMED, '385669000', 'Successful'),
      report: [{ reference: 'DiagnosticReport/rep-canary' }],
      note,
      focalDevice: [{ manipulated: { display: 'Stapler serial CANARY-1' } }],
    },
  },
  {
    name: 'Immunization: a COVID-19 vaccination',
    resource: {
      resourceType: 'Immunization',
      ...exported('imm-884422'),
      status: 'completed',
      vaccineCode: coded(
        'http://hl7.org/fhir/sid/cvx',
        '208',
        'COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose',
      ),
      patient: patientRef,
      occurrenceDateTime: '2024-10-15T10:30:00Z',
      recorded: '2024-10-15',
      primarySource: true,
      location: { display: 'Canary Pharmacy, Springfield' },
      manufacturer: { display: 'Canary Pharma' },
      lotNumber: 'LOT-CANARY',
      expirationDate: '2025-01-31',
      site: coded(`${HL7}v3-ActSite`, 'LA', 'left arm'),
      doseQuantity: { value: 0.3, unit: 'mL', system: UCUM, code: 'mL' },
      performer: [{ actor: doctor }],
      note,
      education: [{ documentType: 'CANARY leaflet', presentationDate: '2024-10-15' }],
      protocolApplied: [{ series: 'Canary autumn series', doseNumberPositiveInt: 3 }],
      reaction: [{ date: '2024-10-16', detail: { reference: 'Observation/fever-canary' }, reported: true }],
    },
  },
];
