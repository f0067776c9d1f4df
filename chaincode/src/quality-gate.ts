import {
  MAX_CONTENT_BYTES,
  REJECT_REASONS,
  RESOURCE_TYPES_BY_CATEGORY,
  type DataCategory,
  type QualityReason,
} from '@medledger/domain';

/** What the gate decided: accept, accept for review, or reject; with reason codes (sorted). */
export interface QualityVerdict {
  verdict: 'accepted' | 'needs_review' | 'rejected';
  reasons: QualityReason[];
}

/** The ICD-11 MMS coding system URI. */
export const ICD11_SYSTEM = 'http://id.who.int/icd/release/11/mms';

// Stem code (e.g. 1A00, BA00.0, 2C25.Z) optionally post-coordinated with extension codes (X...)
// joined by & or /. I and O are not used in ICD-11 codes.
const ICD11_PART =
  '(?:[1-9A-HJ-NP-Z][A-HJ-NP-Z][0-9][0-9A-HJ-NP-Z](?:\\.[0-9A-HJ-NP-Z]{1,4})?|X[0-9A-HJ-NP-Z]{2,8})';
const ICD11_CODE = new RegExp(`^${ICD11_PART}(?:[&/]${ICD11_PART})*$`);

/** A FHIR date, dateTime or instant. */
const FHIR_DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

const DATE_KEYS = new Set([
  'birthDate',
  'date',
  'issued',
  'authoredOn',
  'recordedDate',
  'started',
  'start',
  'end',
  'created',
  'effectiveDateTime',
  'effectiveInstant',
  'onsetDateTime',
  'abatementDateTime',
  'dateAsserted',
]);

const CLOCK_SKEW_MS = 5 * 60 * 1000;
const MS_PER_YEAR = 365.2425 * 86_400_000;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasPrefixed(resource: Json, prefix: string): boolean {
  return Object.keys(resource).some((k) => k.startsWith(prefix) && resource[k] !== undefined);
}

/** Minimal FHIR R4 shape per resource type (the required elements MedLedger relies on). */
const SHAPES: Record<string, (r: Json) => boolean> = {
  Condition: (r) => isObject(r.subject) && isObject(r.code),
  Observation: (r) => typeof r.status === 'string' && isObject(r.code),
  DiagnosticReport: (r) => typeof r.status === 'string' && isObject(r.code),
  ImagingStudy: (r) => typeof r.status === 'string' && isObject(r.subject),
  MedicationRequest: (r) =>
    typeof r.status === 'string' &&
    typeof r.intent === 'string' &&
    isObject(r.subject) &&
    hasPrefixed(r, 'medication'),
  MedicationStatement: (r) =>
    typeof r.status === 'string' && isObject(r.subject) && hasPrefixed(r, 'medication'),
  MolecularSequence: (r) => Number.isInteger(r.coordinateSystem),
  DocumentReference: (r) => typeof r.status === 'string' && Array.isArray(r.content) && r.content.length > 0,
};

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

function walk(value: unknown, visit: (key: string, v: unknown, parent: Json) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      visit(k, v, value);
      walk(v, visit);
    }
  }
}

/** The stated age in years, from `onsetAge`, an Age observation (LOINC 30525-0) or an age extension. */
function statedAge(resource: Json): number | undefined {
  let age: number | undefined;
  const years = (q: unknown): number | undefined => {
    if (!isObject(q) || typeof q.value !== 'number') return undefined;
    const unit = typeof q.code === 'string' ? q.code : typeof q.unit === 'string' ? q.unit : 'a';
    if (unit === 'a' || unit === 'yr' || unit === 'years') return q.value;
    if (unit === 'mo') return q.value / 12;
    return undefined;
  };
  if (isObject(resource.onsetAge)) age = years(resource.onsetAge);
  const code = isObject(resource.code) && Array.isArray(resource.code.coding) ? resource.code.coding : [];
  if (code.some((c) => isObject(c) && c.code === '30525-0')) age ??= years(resource.valueQuantity);
  walk(resource, (key, v) => {
    if (key === 'extension' && Array.isArray(v)) {
      for (const ext of v) {
        if (isObject(ext) && typeof ext.url === 'string' && /age$/i.test(ext.url)) {
          age ??= years(ext.valueAge ?? ext.valueQuantity);
        }
      }
    }
  });
  return age;
}

/**
 * The data-quality gate. Rejects (shape, type/category mismatch, invalid dates, malformed ICD-11
 * codes, oversized content) or marks for review (future dates, birth date vs stated age, implausible
 * age, diagnosis without an ICD-11 coding). `txMs` is the transaction time: "future" means after it.
 */
export function assessQuality(
  resource: Json,
  meta: { category: DataCategory; fhirResourceType: string; sizeBytes: number },
  txMs: number,
): QualityVerdict {
  const reasons = new Set<QualityReason>();
  const type = typeof resource.resourceType === 'string' ? resource.resourceType : '';
  if (meta.sizeBytes > MAX_CONTENT_BYTES) reasons.add('CONTENT_TOO_LARGE');
  if (type !== meta.fhirResourceType) reasons.add('RESOURCE_TYPE_MISMATCH');
  if (!(RESOURCE_TYPES_BY_CATEGORY[meta.category] as readonly string[]).includes(type))
    reasons.add('CATEGORY_MISMATCH');
  const shape = SHAPES[type];
  if (!shape?.(resource)) reasons.add('FHIR_SHAPE');

  let birthMs: number | undefined;
  let referenceMs: number | undefined;
  walk(resource, (key, v) => {
    if (!DATE_KEYS.has(key) || typeof v !== 'string') return;
    const ms = parseFhirDate(v);
    if (ms === undefined) {
      reasons.add('INVALID_DATE');
      return;
    }
    if (ms > txMs + CLOCK_SKEW_MS) reasons.add('FUTURE_DATE');
    if (key === 'birthDate') birthMs ??= ms;
    if (key === 'effectiveDateTime' || key === 'onsetDateTime' || key === 'recordedDate') referenceMs ??= ms;
  });

  const age = statedAge(resource);
  if (age !== undefined && (age < 0 || age > 130)) reasons.add('AGE_IMPLAUSIBLE');
  if (age !== undefined && birthMs !== undefined) {
    const actual = ((referenceMs ?? txMs) - birthMs) / MS_PER_YEAR;
    if (Math.abs(actual - age) > 1) reasons.add('BIRTH_DATE_AGE_MISMATCH');
  }

  if (
    type === 'Observation' &&
    isObject(resource.valueQuantity) &&
    resource.valueQuantity.value !== undefined
  ) {
    if (typeof resource.valueQuantity.value !== 'number') reasons.add('VALUE_IMPLAUSIBLE');
  }

  if (type === 'Condition' && meta.category === 'diagnosis') {
    const codings =
      isObject(resource.code) && Array.isArray(resource.code.coding) ? resource.code.coding : [];
    const icd = codings.filter((c): c is Json => isObject(c) && c.system === ICD11_SYSTEM);
    if (icd.length === 0) reasons.add('ICD11_CODE_MISSING');
    else if (!icd.every((c) => typeof c.code === 'string' && ICD11_CODE.test(c.code)))
      reasons.add('ICD11_CODE_FORMAT');
  }

  const sorted = [...reasons].sort();
  if (sorted.some((r) => REJECT_REASONS.includes(r))) return { verdict: 'rejected', reasons: sorted };
  return { verdict: sorted.length > 0 ? 'needs_review' : 'accepted', reasons: sorted };
}
