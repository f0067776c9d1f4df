/**
 * The allow-list: for each record resource type, the elements that survive de-identification and the
 * rule each is kept by. An element that is not named here is dropped, whatever it holds: identifiers,
 * narrative, notes, free text, attachments' content, references (but the subject, which becomes the
 * study pseudonym), extensions, `meta`, ids, contained resources (a contained Medication's code is kept
 * in place of its reference). Kept are codes of known terminologies (system and code, never display
 * or text), quantities (value, comparator, UCUM unit), booleans, integers, enumerated codes and the
 * years of dates; ages over 89 become "90 or older".
 */
import type { FhirResourceType } from '@medledger/domain';
import { LOINC_AGE, LOINC_SYSTEM } from './clinical-codes';
import { CODE_ENUMERATIONS as E, SNOMED_SYSTEM } from './deidentify-codes';
import {
  age,
  ageRange,
  boolean,
  code,
  coding,
  concept,
  decimal,
  integer,
  isObject,
  many,
  masked,
  maskedReason,
  MAX_STATED_AGE,
  object,
  omit,
  one,
  period,
  quantity,
  range,
  ratio,
  requiredMasked,
  requiredOrDrop,
  requiredPrimitiveMasked,
  requiredSubject,
  subject,
  year,
  yearOf,
  type DeidContext,
  type Json,
  type Rule,
  type Shape,
} from './deidentify-rules';

const positiveInt = integer(1);
const unsignedInt = integer(0);

/** Whether a kept CodeableConcept holds the code `system|code`. */
function hasCode(cc: unknown, system: string, value: string): boolean {
  return (
    isObject(cc) &&
    Array.isArray(cc.coding) &&
    cc.coding.some((c) => isObject(c) && c.system === system && c.code === value)
  );
}

/** A medication by reference: the code of the contained Medication it points to, else nothing. */
const containedMedication: Rule = (v, ctx) => {
  if (!isObject(v) || typeof v.reference !== 'string' || !v.reference.startsWith('#')) return undefined;
  const med = ctx.contained.get(v.reference.slice(1));
  if (med?.resourceType !== 'Medication') return undefined;
  if (Array.isArray(med.modifierExtension) && med.modifierExtension.length > 0) return undefined;
  return concept(med.code, ctx);
};

/** An attachment: never its content, URL, title or hash; its MIME type, and a mark that it was withheld. */
const withheldAttachment: Rule = (v, ctx) => {
  const contentType = isObject(v) ? code(E.mimeType)(v.contentType, ctx) : undefined;
  return contentType === undefined ? masked() : { ...masked(), contentType };
};

const timing = object({
  elements: {
    repeat: one(
      object({
        elements: {
          boundsDuration: one(quantity),
          boundsRange: one(range),
          boundsPeriod: one(period),
          count: one(positiveInt),
          countMax: one(positiveInt),
          duration: one(decimal),
          durationMax: one(decimal),
          durationUnit: one(code(E.unitOfTime)),
          frequency: one(positiveInt),
          frequencyMax: one(positiveInt),
          period: one(decimal),
          periodMax: one(decimal),
          periodUnit: one(code(E.unitOfTime)),
          dayOfWeek: many(code(E.dayOfWeek)),
          // No `offset`: it counts minutes from a `when` event, which is not kept, and R4 (tim-9)
          // refuses an offset without one.
        },
      }),
    ),
    code: one(concept),
  },
});

/** Dosage: structured dose, rate, route and timing; its free-text instructions go. */
const dosage = object({
  elements: {
    sequence: one(integer()),
    additionalInstruction: many(concept),
    timing: one(timing),
    asNeededBoolean: one(boolean),
    asNeededCodeableConcept: one(concept),
    site: one(concept),
    route: one(concept),
    method: one(concept),
    doseAndRate: many(
      object({
        elements: {
          type: one(concept),
          doseRange: one(range),
          doseQuantity: one(quantity),
          rateRatio: one(ratio),
          rateRange: one(range),
          rateQuantity: one(quantity),
        },
      }),
    ),
    maxDosePerPeriod: one(ratio),
    maxDosePerAdministration: one(quantity),
    maxDosePerLifetime: one(quantity),
  },
});

// Observations whose value is a person's age or birth date, which Safe Harbor groups over 89.
const AGE_CODES: readonly (readonly [string, string])[] = [[LOINC_SYSTEM, LOINC_AGE]];
const BIRTH_DATE_CODES: readonly (readonly [string, string])[] = [
  [LOINC_SYSTEM, '21112-8'],
  [SNOMED_SYSTEM, '184099003'],
];
const VALUE_KEYS = [
  'valueQuantity',
  'valueCodeableConcept',
  'valueString',
  'valueBoolean',
  'valueInteger',
  'valueRange',
  'valueRatio',
  'valueSampledData',
  'valueTime',
  'valueDateTime',
  'valuePeriod',
];

const observationValues = {
  valueQuantity: one(quantity),
  valueCodeableConcept: one(concept),
  valueBoolean: one(boolean),
  valueInteger: one(integer()),
  valueRange: one(range),
  valueRatio: one(ratio),
  valueDateTime: one(year),
  valuePeriod: one(period),
  dataAbsentReason: one(concept),
  interpretation: many(concept),
};

const referenceRange = object({
  elements: {
    low: one(quantity),
    high: one(quantity),
    type: one(concept),
    appliesTo: many(concept),
    age: one(ageRange),
  },
  // obs-3: a reference range has a low, a high or a text (which goes).
  finish: (out) => (out.low !== undefined || out.high !== undefined ? out : undefined),
});

/**
 * The value of an observation or component, by what its code says it is: an age is grouped over 89; a
 * birth date keeps its year only while the person is under 90 in the release year (the year alone is
 * "indicative of such age" beyond). A value that was removed leaves the data-absent reason `masked`,
 * and never stands beside one (obs-6).
 */
function finishValue(out: Json, input: Json, ctx: DeidContext): Json {
  if (AGE_CODES.some(([s, c]) => hasCode(out.code, s, c))) {
    const a = age(input.valueQuantity, ctx);
    if (a === undefined) delete out.valueQuantity;
    else out.valueQuantity = a;
    const r = ageRange(input.valueRange, ctx);
    if (r === undefined) delete out.valueRange;
    else out.valueRange = r;
  }
  if (BIRTH_DATE_CODES.some(([s, c]) => hasCode(out.code, s, c))) {
    const born = yearOf(out.valueDateTime);
    if (born === undefined || ctx.releaseYear - Number(born) > MAX_STATED_AGE) delete out.valueDateTime;
    delete out.valuePeriod;
  }
  const hasValue = VALUE_KEYS.some((k) => out[k] !== undefined);
  if (hasValue) delete out.dataAbsentReason;
  else if (VALUE_KEYS.some((k) => input[k] !== undefined) && out.dataAbsentReason === undefined) {
    out.dataAbsentReason = maskedReason();
  }
  return out;
}

const component = object({
  elements: { code: one(concept), ...observationValues, referenceRange: many(referenceRange) },
  required: [requiredMasked('code')],
  finish: finishValue,
});

function codingKeys(cc: unknown): string[] {
  return isObject(cc) && Array.isArray(cc.coding)
    ? cc.coding.filter(isObject).map((c) => `${String(c.system)}|${String(c.code)}`)
    : [];
}

/** obs-7: a value beside a component whose code shares a coding with the observation's code goes. */
function finishObservation(out: Json, input: Json, ctx: DeidContext): Json {
  finishValue(out, input, ctx);
  const codes = new Set(codingKeys(out.code));
  const components = Array.isArray(out.component) ? out.component : [];
  const clash = components.some((c) => isObject(c) && codingKeys(c.code).some((k) => codes.has(k)));
  if (clash && VALUE_KEYS.some((k) => out[k] !== undefined)) {
    omit(out, VALUE_KEYS);
    out.dataAbsentReason = maskedReason();
  }
  return out;
}

const HL7_CS = 'http://terminology.hl7.org/CodeSystem/';
const isEnteredInError = (cc: unknown, system: string): boolean =>
  hasCode(cc, HL7_CS + system, 'entered-in-error');
const ABATED = ['abatementDateTime', 'abatementAge', 'abatementPeriod', 'abatementRange'];

/** The allow-list of each record resource type. */
export const ALLOW_LIST: Readonly<Record<FhirResourceType, Shape>> = {
  AllergyIntolerance: {
    elements: {
      clinicalStatus: one(concept),
      verificationStatus: one(concept),
      type: one(code(E.allergyType)),
      category: many(code(E.allergyCategory)),
      criticality: one(code(E.allergyCriticality)),
      code: one(concept),
      patient: one(subject),
      onsetDateTime: one(year),
      onsetAge: one(age),
      onsetPeriod: one(period),
      onsetRange: one(ageRange),
      recordedDate: one(year),
      lastOccurrence: one(year),
      reaction: many(
        object({
          elements: {
            substance: one(concept),
            manifestation: many(concept),
            onset: one(year),
            severity: one(code(E.reactionSeverity)),
            exposureRoute: one(concept),
          },
          required: [requiredOrDrop('manifestation')],
        }),
      ),
    },
    required: [requiredSubject('patient')],
    // ait-2: no clinical status on an entry made in error.
    finish: (out) => {
      if (isEnteredInError(out.verificationStatus, 'allergyintolerance-verification'))
        delete out.clinicalStatus;
      return out;
    },
  },
  Condition: {
    elements: {
      clinicalStatus: one(concept),
      verificationStatus: one(concept),
      category: many(concept),
      severity: one(concept),
      code: one(concept),
      bodySite: many(concept),
      subject: one(subject),
      onsetDateTime: one(year),
      onsetAge: one(age),
      onsetPeriod: one(period),
      onsetRange: one(ageRange),
      abatementDateTime: one(year),
      abatementAge: one(age),
      abatementPeriod: one(period),
      abatementRange: one(ageRange),
      recordedDate: one(year),
      stage: many(
        object({
          elements: { summary: one(concept), type: one(concept) },
          // con-1: a stage has a summary or an assessment (a reference, which goes).
          required: [requiredOrDrop('summary')],
        }),
      ),
      // con-2: evidence has a code or a detail (a reference, which goes).
      evidence: many(object({ elements: { code: many(concept) }, required: [requiredOrDrop('code')] })),
    },
    required: [requiredSubject('subject')],
    finish: (out) => {
      // con-5: no clinical status on an entry made in error.
      if (isEnteredInError(out.verificationStatus, 'condition-ver-status')) delete out.clinicalStatus;
      // con-4: an abatement only beside a resolved, remitted or inactive clinical status.
      const over = ['resolved', 'remission', 'inactive'].some((c) =>
        hasCode(out.clinicalStatus, `${HL7_CS}condition-clinical`, c),
      );
      if (!over) omit(out, ABATED);
      return out;
    },
  },
  Observation: {
    elements: {
      status: one(code(E.observationStatus)),
      category: many(concept),
      code: one(concept),
      subject: one(subject),
      effectiveDateTime: one(year),
      effectivePeriod: one(period),
      effectiveInstant: one(year, 'effectiveDateTime'),
      ...observationValues,
      bodySite: one(concept),
      method: one(concept),
      referenceRange: many(referenceRange),
      component: many(component),
    },
    required: [requiredOrDrop('status'), requiredMasked('code')],
    finish: finishObservation,
  },
  DiagnosticReport: {
    elements: {
      status: one(code(E.diagnosticReportStatus)),
      category: many(concept),
      code: one(concept),
      subject: one(subject),
      effectiveDateTime: one(year),
      effectivePeriod: one(period),
      conclusionCode: many(concept),
    },
    required: [requiredOrDrop('status'), requiredMasked('code')],
  },
  ImagingStudy: {
    elements: {
      status: one(code(E.imagingStudyStatus)),
      modality: many(coding),
      subject: one(subject),
      started: one(year),
      numberOfSeries: one(unsignedInt),
      numberOfInstances: one(unsignedInt),
      procedureCode: many(concept),
      reasonCode: many(concept),
      series: many(
        object({
          elements: {
            number: one(unsignedInt),
            modality: one(coding),
            numberOfInstances: one(unsignedInt),
            bodySite: one(coding),
            laterality: one(coding),
            started: one(year),
          },
          // The series UID (a DICOM UID) identifies the images: always masked.
          required: [requiredPrimitiveMasked('uid'), requiredMasked('modality')],
        }),
      ),
    },
    required: [requiredOrDrop('status'), requiredSubject('subject')],
  },
  MedicationRequest: {
    elements: {
      status: one(code(E.medicationRequestStatus)),
      statusReason: one(concept),
      intent: one(code(E.medicationRequestIntent)),
      category: many(concept),
      priority: one(code(E.requestPriority)),
      doNotPerform: one(boolean),
      reportedBoolean: one(boolean),
      medicationCodeableConcept: one(concept),
      medicationReference: one(containedMedication, 'medicationCodeableConcept'),
      subject: one(subject),
      authoredOn: one(year),
      reasonCode: many(concept),
      courseOfTherapyType: one(concept),
      dosageInstruction: many(dosage),
      dispenseRequest: one(
        object({
          elements: {
            initialFill: one(object({ elements: { quantity: one(quantity), duration: one(quantity) } })),
            dispenseInterval: one(quantity),
            validityPeriod: one(period),
            numberOfRepeatsAllowed: one(unsignedInt),
            quantity: one(quantity),
            expectedSupplyDuration: one(quantity),
          },
        }),
      ),
      substitution: one(
        object({
          elements: {
            allowedBoolean: one(boolean),
            allowedCodeableConcept: one(concept),
            reason: one(concept),
          },
          required: [requiredOrDrop('allowedBoolean', 'allowedCodeableConcept')],
        }),
      ),
    },
    required: [
      requiredOrDrop('status'),
      requiredOrDrop('intent'),
      requiredMasked('medicationCodeableConcept'),
      requiredSubject('subject'),
    ],
  },
  MedicationStatement: {
    elements: {
      status: one(code(E.medicationStatementStatus)),
      statusReason: many(concept),
      category: one(concept),
      medicationCodeableConcept: one(concept),
      medicationReference: one(containedMedication, 'medicationCodeableConcept'),
      subject: one(subject),
      effectiveDateTime: one(year),
      effectivePeriod: one(period),
      dateAsserted: one(year),
      reasonCode: many(concept),
      dosage: many(dosage),
    },
    required: [
      requiredOrDrop('status'),
      requiredMasked('medicationCodeableConcept'),
      requiredSubject('subject'),
    ],
  },
  MolecularSequence: {
    elements: {
      type: one(code(E.sequenceType)),
      coordinateSystem: one(integer()),
      patient: one(subject),
      quantity: one(quantity),
      referenceSeq: one(
        object({
          elements: {
            chromosome: one(concept),
            genomeBuild: one(code(E.genomeBuild)),
            orientation: one(code(E.orientation)),
            referenceSeqId: one(concept),
            strand: one(code(E.strand)),
            windowStart: one(integer()),
            windowEnd: one(integer()),
          },
          finish: (out) => {
            // msq-5: a chromosome and a genome build together or not at all.
            if (out.genomeBuild === undefined) delete out.chromosome;
            if (out.chromosome === undefined) delete out.genomeBuild;
            // msq-6: exactly one reference sequence (the pointer and the sequence text go).
            const refs = ['genomeBuild', 'referenceSeqId'].filter((k) => out[k] !== undefined).length;
            return refs === 1 ? out : undefined;
          },
        }),
      ),
      // Positions only: the alleles, the CIGAR string and the observed sequence are the genome itself.
      variant: many(object({ elements: { start: one(integer()), end: one(integer()) } })),
      quality: many(
        object({
          elements: {
            type: one(code(E.sequenceQuality)),
            standardSequence: one(concept),
            start: one(integer()),
            end: one(integer()),
            score: one(quantity),
            method: one(concept),
            truthTP: one(decimal),
            queryTP: one(decimal),
            truthFN: one(decimal),
            queryFP: one(decimal),
            gtFP: one(decimal),
            precision: one(decimal),
            recall: one(decimal),
            fScore: one(decimal),
            roc: one(
              object({
                elements: {
                  score: many(integer()),
                  numTP: many(integer()),
                  numFP: many(integer()),
                  numFN: many(integer()),
                  precision: many(decimal),
                  sensitivity: many(decimal),
                  fMeasure: many(decimal),
                },
              }),
            ),
          },
          required: [requiredOrDrop('type')],
        }),
      ),
      readCoverage: one(integer()),
      structureVariant: many(
        object({
          elements: {
            variantType: one(concept),
            exact: one(boolean),
            length: one(integer()),
            outer: one(object({ elements: { start: one(integer()), end: one(integer()) } })),
            inner: one(object({ elements: { start: one(integer()), end: one(integer()) } })),
          },
        }),
      ),
    },
    required: [requiredOrDrop('coordinateSystem')],
    // msq-3: coordinate system 0 or 1.
    finish: (out) => (out.coordinateSystem === 0 || out.coordinateSystem === 1 ? out : undefined),
  },
  DocumentReference: {
    elements: {
      status: one(code(E.documentStatus)),
      docStatus: one(code(E.compositionStatus)),
      type: one(concept),
      category: many(concept),
      subject: one(subject),
      securityLabel: many(concept),
      content: many(
        object({
          elements: { attachment: one(withheldAttachment), format: one(coding) },
          required: [requiredMasked('attachment')],
        }),
      ),
      context: one(
        object({
          elements: {
            event: many(concept),
            period: one(period),
            facilityType: one(concept),
            practiceSetting: one(concept),
          },
        }),
      ),
    },
    required: [requiredOrDrop('status'), { names: ['content'], mask: () => [{ attachment: masked() }] }],
  },
  Procedure: {
    elements: {
      status: one(code(E.eventStatus)),
      statusReason: one(concept),
      category: one(concept),
      code: one(concept),
      subject: one(subject),
      performedDateTime: one(year),
      performedPeriod: one(period),
      performedAge: one(age),
      performedRange: one(ageRange),
      reasonCode: many(concept),
      bodySite: many(concept),
      outcome: one(concept),
      complication: many(concept),
      followUp: many(concept),
      usedCode: many(concept),
    },
    required: [requiredOrDrop('status'), requiredSubject('subject')],
  },
  Immunization: {
    elements: {
      status: one(code(E.immunizationStatus)),
      statusReason: one(concept),
      vaccineCode: one(concept),
      patient: one(subject),
      occurrenceDateTime: one(year),
      recorded: one(year),
      primarySource: one(boolean),
      reportOrigin: one(concept),
      expirationDate: one(year),
      site: one(concept),
      route: one(concept),
      doseQuantity: one(quantity),
      reasonCode: many(concept),
      isSubpotent: one(boolean),
      subpotentReason: many(concept),
      programEligibility: many(concept),
      fundingSource: one(concept),
      reaction: many(object({ elements: { date: one(year), reported: one(boolean) } })),
      protocolApplied: many(
        object({
          elements: {
            targetDisease: many(concept),
            doseNumberPositiveInt: one(positiveInt),
            seriesDosesPositiveInt: one(positiveInt),
          },
          required: [requiredOrDrop('doseNumberPositiveInt')],
        }),
      ),
    },
    required: [
      requiredOrDrop('status'),
      requiredMasked('vaccineCode'),
      requiredSubject('patient'),
      requiredPrimitiveMasked('occurrenceDateTime'),
    ],
  },
};
