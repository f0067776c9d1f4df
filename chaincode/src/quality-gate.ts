import { FHIR_CONTAINED_RESOURCE_TYPES, FHIR_RESOURCE_TYPES } from '@medledger/domain';
import { createR4Validator, type FhirIssueKind, type R4Validator } from '@medledger/fhir';
import { ICD11_SYSTEM, LOINC_AGE, LOINC_SYSTEM, UCUM_SYSTEM } from './clinical-codes';
import {
  applyQualityRules,
  type Measurement,
  type QualityFacts,
  type QualityMeta,
  type QualityVerdict,
} from './quality-rules';

export type { QualityVerdict } from './quality-rules';

/**
 * The gate's R4 validator. Loaded from the installed definitions when the chaincode server loads
 * this module (start-up), then only read: a constant of the process, the same on every peer.
 */
export const GATE_VALIDATOR: R4Validator = createR4Validator([
  ...FHIR_RESOURCE_TYPES,
  ...FHIR_CONTAINED_RESOURCE_TYPES,
]);

/** A FHIR date, dateTime or instant. */
const FHIR_DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/** Elements that say when something happened or was recorded (an expiry date may lie ahead). */
const CLINICAL_DATE_KEYS = new Set([
  'birthDate',
  'date',
  'issued',
  'authoredOn',
  'recordedDate',
  'recorded',
  'effectiveDateTime',
  'effectiveInstant',
  'onsetDateTime',
  'abatementDateTime',
  'dateAsserted',
  'occurrenceDateTime',
  'performedDateTime',
  'lastOccurrence',
]);
/** Periods of clinical events, whose start and end are clinical dates too. */
const CLINICAL_PERIOD_KEYS = new Set([
  'effectivePeriod',
  'onsetPeriod',
  'abatementPeriod',
  'performedPeriod',
]);
/** Where the age a resource states applied, in order of preference. */
const AGE_AT_KEYS = ['onsetDateTime', 'effectiveDateTime', 'recordedDate'] as const;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Parses a FHIR date; returns the start of the period it denotes in ms, or undefined when invalid. */
export function parseFhirDate(value: string): number | undefined {
  const m = FHIR_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h, mi, s = '00', zone] = m;
  const iso =
    h === undefined
      ? `${y ?? ''}-${mo}-${d}T00:00:00Z`
      : `${y ?? ''}-${mo}-${d}T${h}:${mi ?? '00'}:${s}${zone ?? 'Z'}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2025-02-30 over to March; a real calendar date must survive the round trip.
  const check = new Date(Date.parse(`${y ?? ''}-${mo}-${d}T00:00:00Z`));
  if (check.getUTCMonth() + 1 !== Number(mo) || check.getUTCDate() !== Number(d)) return undefined;
  return ms;
}

function walk(
  value: unknown,
  visit: (key: string, v: unknown, parentKey: string) => void,
  parentKey = '',
): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit, parentKey);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      visit(k, v, parentKey);
      walk(v, visit, k);
    }
  }
}

function codesOf(concept: unknown, system: string): string[] {
  if (!isObject(concept)) return [];
  return arrayOf(concept.coding)
    .filter((c): c is Json => isObject(c) && c.system === system)
    .map((c) => (typeof c.code === 'string' ? c.code : ''));
}

/** An Age or Quantity in years, when its unit is years or months. */
function years(q: unknown): number | undefined {
  if (!isObject(q) || typeof q.value !== 'number') return undefined;
  const unit = typeof q.code === 'string' ? q.code : typeof q.unit === 'string' ? q.unit : 'a';
  if (unit === 'a' || unit === 'yr' || unit === 'years') return q.value;
  if (unit === 'mo') return q.value / 12;
  return undefined;
}

/** The stated age in years, from `onsetAge`, an Age observation (LOINC 30525-0) or an age extension. */
function statedAge(resource: Json): number | undefined {
  let age = years(resource.onsetAge);
  if (codesOf(resource.code, LOINC_SYSTEM).includes(LOINC_AGE)) age ??= years(resource.valueQuantity);
  walk(resource, (key, v) => {
    if (key !== 'extension') return;
    for (const ext of arrayOf(v)) {
      if (isObject(ext) && typeof ext.url === 'string' && /age$/i.test(ext.url))
        age ??= years(ext.valueAge ?? ext.valueQuantity);
    }
  });
  return age;
}

/** The quantities of an Observation (its value and its components' values) by LOINC code. */
function measurementsOf(resource: Json): Measurement[] {
  const parts = [resource, ...arrayOf(resource.component).filter(isObject)];
  return parts.flatMap((part) => {
    const q = part.valueQuantity;
    if (!isObject(q) || typeof q.value !== 'number') return [];
    const value = q.value;
    const unit = q.system === UCUM_SYSTEM && typeof q.code === 'string' ? q.code : undefined;
    return codesOf(part.code, LOINC_SYSTEM).map((loinc) => ({ loinc, value, unit }));
  });
}

/** Extracts what the rules read. Tolerates any JSON: the validator reports what is malformed. */
export function qualityFacts(
  resource: Json,
  meta: QualityMeta,
  txMs: number,
  fhirErrors: ReadonlySet<FhirIssueKind>,
): QualityFacts {
  const resourceType = typeof resource.resourceType === 'string' ? resource.resourceType : '';
  const clinicalDatesMs: number[] = [];
  let birthMs: number | undefined;
  walk(resource, (key, v, parentKey) => {
    const isDate =
      CLINICAL_DATE_KEYS.has(key) ||
      ((key === 'start' || key === 'end') && CLINICAL_PERIOD_KEYS.has(parentKey));
    const ms = isDate && typeof v === 'string' ? parseFhirDate(v) : undefined;
    if (ms === undefined) return;
    clinicalDatesMs.push(ms);
    if (key === 'birthDate') birthMs ??= ms;
  });
  const ageAt = AGE_AT_KEYS.map((k) => resource[k]).find((v): v is string => typeof v === 'string');
  const observation = resourceType === 'Observation';
  return {
    meta,
    resourceType,
    txMs,
    fhirErrors,
    clinicalDatesMs,
    birthMs,
    ageAtMs: (ageAt === undefined ? undefined : parseFhirDate(ageAt)) ?? txMs,
    statedAgeYears: statedAge(resource),
    icd11Codes: resourceType === 'Condition' ? codesOf(resource.code, ICD11_SYSTEM) : [],
    loincCodes: observation
      ? [resource, ...arrayOf(resource.component)].flatMap((p) =>
          isObject(p) ? codesOf(p.code, LOINC_SYSTEM) : [],
        )
      : [],
    observationHasLoinc: observation && codesOf(resource.code, LOINC_SYSTEM).length > 0,
    measurements: observation ? measurementsOf(resource) : [],
  };
}

/**
 * The data-quality gate: validates the resource as FHIR R4 with {@link GATE_VALIDATOR}, then applies
 * the quality table (`QUALITY_RULES`). `txMs` is the transaction time: "future" means after it.
 * Deterministic: the same content and transaction time give the same verdict on every peer.
 */
export function assessQuality(resource: Json, meta: QualityMeta, txMs: number): QualityVerdict {
  const errors = GATE_VALIDATOR.validate(resource).filter((i) => i.severity === 'error');
  return applyQualityRules(qualityFacts(resource, meta, txMs, new Set(errors.map((i) => i.kind))));
}
