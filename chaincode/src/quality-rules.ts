import {
  MAX_CONTENT_BYTES,
  RESOURCE_TYPES_BY_CATEGORY,
  type DataCategory,
  type QualityReason,
} from '@medledger/domain';
import type { FhirIssueKind } from '@medledger/fhir';
import { isIcd11Code, isLoincCode, loincLab, unknownIcd11Stems } from './clinical-codes';

/** What the caller declares about the content. */
export interface QualityMeta {
  category: DataCategory;
  fhirResourceType: string;
  sizeBytes: number;
}

/** A quantity measured for a LOINC code (an Observation's value or one of its components). */
export interface Measurement {
  readonly loinc: string;
  readonly value: number;
  /** The UCUM code of the unit, or undefined when the quantity has no UCUM code. */
  readonly unit: string | undefined;
}

/**
 * Everything the rules read, extracted once from the content. Dates are in ms; "future" means after
 * the transaction time `txMs`, never the clock.
 */
export interface QualityFacts {
  readonly meta: QualityMeta;
  readonly resourceType: string;
  readonly txMs: number;
  /** Kinds of the R4 validator's errors. */
  readonly fhirErrors: ReadonlySet<FhirIssueKind>;
  /** Clinical dates (when things happened or were recorded) that parse. */
  readonly clinicalDatesMs: readonly number[];
  readonly birthMs: number | undefined;
  /** When the stated age applied: the onset, effective or recorded date, else the tx time. */
  readonly ageAtMs: number;
  readonly statedAgeYears: number | undefined;
  /** Codes of the ICD-11 codings of a Condition's `code`. */
  readonly icd11Codes: readonly string[];
  /** Codes of the LOINC codings of an Observation's `code` and its components' `code`. */
  readonly loincCodes: readonly string[];
  /** Whether an Observation's own `code` has a LOINC coding. */
  readonly observationHasLoinc: boolean;
  readonly measurements: readonly Measurement[];
}

/** One row of the quality table: when `when` holds, the content gets `reason`, rejected or for review. */
export interface QualityRule {
  readonly name: string;
  readonly reason: QualityReason;
  readonly outcome: 'reject' | 'review';
  readonly when: (f: QualityFacts) => boolean;
}

/** What the gate decided: accept, accept for review, or reject; with reason codes (sorted) and the rules that fired. */
export interface QualityVerdict {
  verdict: 'accepted' | 'needs_review' | 'rejected';
  reasons: QualityReason[];
  rules: string[];
}

// The stated age may be off by the part of a year the age leaves out, and by calendar rounding.
const AGE_TOLERANCE_YEARS = 1;
const MAX_AGE_YEARS = 130;
// Transaction time is the client's clock, bounded by the peers' window: allow that much skew.
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const MS_PER_YEAR = 365.2425 * 86_400_000;

const fhirError =
  (kind: FhirIssueKind) =>
  (f: QualityFacts): boolean =>
    f.fhirErrors.has(kind);
const isLabOrVital = (f: QualityFacts): boolean =>
  f.resourceType === 'Observation' && (f.meta.category === 'lab' || f.meta.category === 'vital');
const rangeFor = (m: Measurement) => loincLab(m.loinc)?.ranges.find((r) => r.unit === m.unit);
const hasRanges = (m: Measurement): boolean => (loincLab(m.loinc)?.ranges.length ?? 0) > 0;

/**
 * The quality table, in the order reasons are explained. Every row is checked (a resource can break
 * several); the content is rejected when a `reject` row fires, needs review when only `review` rows
 * fire, and is accepted otherwise. Each reason belongs to one row.
 */
export const QUALITY_RULES: readonly QualityRule[] = [
  {
    name: 'content within the size limit',
    reason: 'CONTENT_TOO_LARGE',
    outcome: 'reject',
    when: (f) => f.meta.sizeBytes > MAX_CONTENT_BYTES,
  },
  {
    name: 'resource type as declared',
    reason: 'RESOURCE_TYPE_MISMATCH',
    outcome: 'reject',
    when: (f) => f.resourceType !== f.meta.fhirResourceType,
  },
  {
    name: 'resource type fits the category',
    reason: 'CATEGORY_MISMATCH',
    outcome: 'reject',
    when: (f) => !(RESOURCE_TYPES_BY_CATEGORY[f.meta.category] as readonly string[]).includes(f.resourceType),
  },
  {
    name: 'R4: resource and contained types supported',
    reason: 'FHIR_TYPE_UNSUPPORTED',
    outcome: 'reject',
    when: fhirError('unsupported-type'),
  },
  {
    name: 'R4: no unknown elements',
    reason: 'FHIR_UNKNOWN_ELEMENT',
    outcome: 'reject',
    when: fhirError('unknown-element'),
  },
  {
    name: 'R4: cardinality',
    reason: 'FHIR_CARDINALITY',
    outcome: 'reject',
    when: fhirError('cardinality'),
  },
  {
    name: 'R4: primitive types and formats',
    reason: 'FHIR_PRIMITIVE',
    outcome: 'reject',
    when: fhirError('primitive'),
  },
  {
    name: 'R4: codes of required bindings',
    reason: 'FHIR_VALUE_SET',
    outcome: 'reject',
    when: fhirError('value-set'),
  },
  { name: 'R4: invariants', reason: 'FHIR_INVARIANT', outcome: 'reject', when: fhirError('invariant') },
  { name: 'R4: other structure', reason: 'FHIR_SHAPE', outcome: 'reject', when: fhirError('structure') },
  {
    name: 'ICD-11 codes well formed',
    reason: 'ICD11_CODE_FORMAT',
    outcome: 'reject',
    when: (f) => f.icd11Codes.some((c) => !isIcd11Code(c)),
  },
  {
    name: 'LOINC codes well formed (check digit)',
    reason: 'LOINC_CODE_FORMAT',
    outcome: 'reject',
    when: (f) => f.loincCodes.some((c) => !isLoincCode(c)),
  },
  {
    name: 'no clinical date after the transaction',
    reason: 'FUTURE_DATE',
    outcome: 'review',
    when: (f) => f.clinicalDatesMs.some((ms) => ms > f.txMs + CLOCK_SKEW_MS),
  },
  {
    name: 'birth date agrees with the stated age',
    reason: 'BIRTH_DATE_AGE_MISMATCH',
    outcome: 'review',
    when: (f) =>
      f.birthMs !== undefined &&
      f.statedAgeYears !== undefined &&
      Math.abs((f.ageAtMs - f.birthMs) / MS_PER_YEAR - f.statedAgeYears) > AGE_TOLERANCE_YEARS,
  },
  {
    name: 'stated age plausible',
    reason: 'AGE_IMPLAUSIBLE',
    outcome: 'review',
    when: (f) => f.statedAgeYears !== undefined && (f.statedAgeYears < 0 || f.statedAgeYears > MAX_AGE_YEARS),
  },
  {
    name: 'diagnosis coded in ICD-11',
    reason: 'ICD11_CODE_MISSING',
    outcome: 'review',
    when: (f) => f.resourceType === 'Condition' && f.icd11Codes.length === 0,
  },
  {
    name: 'ICD-11 codes on the bundled list',
    reason: 'ICD11_CODE_UNKNOWN',
    outcome: 'review',
    when: (f) => f.icd11Codes.some((c) => isIcd11Code(c) && unknownIcd11Stems(c).length > 0),
  },
  {
    name: 'lab or vital sign coded in LOINC',
    reason: 'LOINC_CODE_MISSING',
    outcome: 'review',
    when: (f) => isLabOrVital(f) && !f.observationHasLoinc,
  },
  {
    name: 'LOINC codes on the bundled list',
    reason: 'LOINC_CODE_UNKNOWN',
    outcome: 'review',
    when: (f) => isLabOrVital(f) && f.loincCodes.some((c) => isLoincCode(c) && loincLab(c) === undefined),
  },
  {
    name: 'value in a unit its LOINC code expects',
    reason: 'UNIT_UNEXPECTED',
    outcome: 'review',
    when: (f) => f.measurements.some((m) => hasRanges(m) && rangeFor(m) === undefined),
  },
  {
    name: 'value plausible for its LOINC code',
    reason: 'VALUE_IMPLAUSIBLE',
    outcome: 'review',
    when: (f) =>
      f.measurements.some((m) => {
        const r = rangeFor(m);
        return r !== undefined && (m.value < r.min || m.value > r.max);
      }),
  },
];

/** Applies every row of {@link QUALITY_RULES} to the facts. Pure and deterministic. */
export function applyQualityRules(facts: QualityFacts): QualityVerdict {
  const fired = QUALITY_RULES.filter((rule) => rule.when(facts));
  const reasons = [...new Set(fired.map((r) => r.reason))].sort();
  const verdict = fired.some((r) => r.outcome === 'reject')
    ? 'rejected'
    : fired.length > 0
      ? 'needs_review'
      : 'accepted';
  return { verdict, reasons, rules: fired.map((r) => r.name) };
}
