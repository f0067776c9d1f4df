/**
 * The pieces the de-identification allow-list is made of: a rule per kind of element (a code, a
 * quantity, an age, a date, the subject...) and a shape (the elements of a resource or backbone
 * element that survive, which of them R4 requires, and how a required one is masked). A rule returns
 * the element's research form, or `undefined` when nothing of it may survive; whatever no rule keeps is
 * dropped. Every rule is a pure function of its input: no clock, no random source.
 */
import { UCUM_SYSTEM } from './clinical-codes';
import {
  CODE_ENUMERATIONS,
  DATA_ABSENT_REASON_SYSTEM,
  isKnownCode,
  type CodeEnumeration,
} from './deidentify-codes';

/** A JSON object. */
export type Json = Record<string, unknown>;

/** What every rule may read besides the element itself. */
export interface DeidContext {
  /** The subject's FHIR id in the research output: the per-study pseudonym. */
  readonly pseudonym: string;
  /** The year the content is released in (from the transaction time): ages are reckoned at it. */
  readonly releaseYear: number;
  /** The input resource's contained resources by id (a contained Medication's code is kept). */
  readonly contained: ReadonlyMap<string, Json>;
}

/** The research form of one element, or `undefined` when nothing of it survives. */
export type Rule = (value: unknown, ctx: DeidContext) => unknown;

/** An element that survives: its rule, whether it repeats, and the name it takes in the output. */
export interface ElementRule {
  readonly rule: Rule;
  readonly many?: boolean;
  /** Output name when it differs (`effectiveInstant` becomes `effectiveDateTime`, a year). */
  readonly as?: string;
}

/**
 * An element R4 requires (one of `names`, a choice): when none survives, `mask` gives the value that
 * stands in for it under `maskKey` (default `names[0]`; a primitive's extensions go under `_name`);
 * without `mask` the object it belongs to is dropped.
 */
export interface Requirement {
  readonly names: readonly string[];
  readonly mask?: (ctx: DeidContext) => unknown;
  readonly maskKey?: string;
}

/** The elements of a resource or backbone element that survive. */
export interface Shape {
  readonly elements: Readonly<Record<string, ElementRule>>;
  readonly required?: readonly Requirement[];
  /**
   * Runs on the output after the elements: where an R4 invariant links elements that survive apart
   * (obs-6, con-4, msq-6...), or where one element's meaning depends on another (an age observation).
   * Returns `undefined` to drop the object.
   */
  readonly finish?: (out: Json, input: Json, ctx: DeidContext) => Json | undefined;
}

/** Whether a value is a JSON object. */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The data-absent-reason extension URL (R4 core). */
export const DATA_ABSENT_REASON_URL = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/**
 * The only extension that survives, with its typed value: R4's data-absent-reason `masked`, which the
 * de-identification itself writes where it removes a required element.
 */
export function masked(): Json {
  return { extension: [{ url: DATA_ABSENT_REASON_URL, valueCode: 'masked' }] };
}

/** The `dataAbsentReason` CodeableConcept an observation gets when its value is removed. */
export function maskedReason(): Json {
  return { coding: [{ system: DATA_ABSENT_REASON_SYSTEM, code: 'masked' }] };
}

/** Applies a shape to an object: its research form, or `undefined` when it is dropped. */
export function applyShape(shape: Shape, input: unknown, ctx: DeidContext): Json | undefined {
  if (!isObject(input)) return undefined;
  // A modifier extension may change what the element means (negate it, for one); an element carrying
  // one is not understood and goes whole.
  if (Array.isArray(input.modifierExtension) && input.modifierExtension.length > 0) return undefined;
  const out: Json = {};
  for (const [name, el] of Object.entries(shape.elements)) {
    if (!Object.hasOwn(input, name)) continue;
    const key = el.as ?? name;
    if (out[key] !== undefined) continue;
    const value = input[name];
    if (el.many) {
      if (!Array.isArray(value)) continue;
      const kept = value.map((v) => el.rule(v, ctx)).filter((v) => v !== undefined);
      if (kept.length > 0) out[key] = kept;
    } else if (!Array.isArray(value)) {
      const kept = el.rule(value, ctx);
      if (kept !== undefined) out[key] = kept;
    }
  }
  for (const req of shape.required ?? []) {
    if (req.names.some((n) => out[n] !== undefined)) continue;
    if (!req.mask) return undefined;
    out[req.maskKey ?? req.names[0] ?? ''] = req.mask(ctx);
  }
  const done = shape.finish ? shape.finish(out, input, ctx) : out;
  return done && Object.keys(done).length > 0 ? done : undefined;
}

/** Removes these keys from an object (the output of a shape, in its `finish`). */
export function omit(obj: Json, keys: readonly string[]): void {
  for (const k of keys) Reflect.deleteProperty(obj, k);
}

/** A backbone element (or complex type) kept by its own shape. */
export function object(shape: Shape): Rule {
  return (v, ctx) => applyShape(shape, v, ctx);
}

/** An element that repeats. */
export function many(rule: Rule, as?: string): ElementRule {
  return as === undefined ? { rule, many: true } : { rule, many: true, as };
}

/** An element that does not repeat. */
export function one(rule: Rule, as?: string): ElementRule {
  return as === undefined ? { rule } : { rule, as };
}

/** A `code` (or enumerated string) element: kept only when it is one of the enumeration's codes. */
export function code(e: CodeEnumeration): Rule {
  const codes = new Set<string>(e.codes);
  return (v) => (typeof v === 'string' && codes.has(v) ? v : undefined);
}

/** A boolean. */
export const boolean: Rule = (v) => (typeof v === 'boolean' ? v : undefined);

/** A finite number (decimal). */
export const decimal: Rule = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** An integer, at least `min`. */
export function integer(min = -2_147_483_648): Rule {
  return (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? v : undefined);
}

/** A Coding: only `system` and `code`, and only a code of a known terminology. */
export const coding: Rule = (v) =>
  isObject(v) && isKnownCode(v.system, v.code) ? { system: v.system, code: v.code } : undefined;

/** A CodeableConcept: its codings of known terminologies (system and code); `text` never survives. */
export const concept: Rule = (v, ctx) => {
  if (!isObject(v) || !Array.isArray(v.coding)) return undefined;
  const codings = v.coding.map((c) => coding(c, ctx)).filter((c) => c !== undefined);
  return codings.length > 0 ? { coding: codings } : undefined;
};

const isComparator = code(CODE_ENUMERATIONS.comparator);

/**
 * A Quantity (also SimpleQuantity, Duration, Count): its value, comparator (a modifier: it stays with
 * the value), and a UCUM unit, whose code also stands for the human-readable `unit` (a free string in
 * R4). A unit that is not UCUM goes; the value stays alone.
 */
export const quantity: Rule = (v, ctx) => {
  if (!isObject(v) || typeof v.value !== 'number' || !Number.isFinite(v.value)) return undefined;
  const comparator = isComparator(v.comparator, ctx);
  if (v.comparator !== undefined && comparator === undefined) return undefined;
  const out: Json = { value: v.value };
  if (comparator !== undefined) out.comparator = comparator;
  if (v.system === UCUM_SYSTEM && isKnownCode(UCUM_SYSTEM, v.code)) {
    out.unit = v.code;
    out.system = UCUM_SYSTEM;
    out.code = v.code;
  }
  return out;
};

/** A Range: its low and high quantities, each kept as a quantity. */
export const range: Rule = (v, ctx) => {
  if (!isObject(v)) return undefined;
  const out: Json = {};
  const low = quantity(v.low, ctx);
  const high = quantity(v.high, ctx);
  if (low !== undefined) out.low = low;
  if (high !== undefined) out.high = high;
  return Object.keys(out).length > 0 ? out : undefined;
};

/** A Ratio: numerator and denominator quantities. */
export const ratio: Rule = (v, ctx) => {
  if (!isObject(v)) return undefined;
  const out: Json = {};
  const numerator = quantity(v.numerator, ctx);
  const denominator = quantity(v.denominator, ctx);
  if (numerator !== undefined) out.numerator = numerator;
  if (denominator !== undefined) out.denominator = denominator;
  return Object.keys(out).length > 0 ? out : undefined;
};

/** The oldest age Safe Harbor lets through as such: older ones are the one group "90 or older". */
export const MAX_STATED_AGE = 89;

// Years per UCUM unit of time (a Julian year of 365.25 days, as UCUM defines `a`).
const YEARS_PER_UNIT: Readonly<Record<string, number>> = {
  a: 1,
  mo: 1 / 12,
  wk: 7 / 365.25,
  d: 1 / 365.25,
  h: 1 / 8766,
  min: 1 / 525_960,
  s: 1 / 31_557_600,
};

/** The Age that stands for every age over 89: 90 years or older. */
export function ninetyOrOlder(): Json {
  return { value: MAX_STATED_AGE + 1, comparator: '>=', unit: 'a', system: UCUM_SYSTEM, code: 'a' };
}

/** The completed years of an age quantity, when it is one (a UCUM unit of time). */
export function ageInYears(q: Json): number | undefined {
  if (q.system !== UCUM_SYSTEM || typeof q.code !== 'string' || typeof q.value !== 'number') return undefined;
  const per = Object.hasOwn(YEARS_PER_UNIT, q.code) ? YEARS_PER_UNIT[q.code] : undefined;
  return per === undefined ? undefined : Math.floor(q.value * per + 1e-9);
}

/**
 * An Age: a quantity in a UCUM unit of time. An age over 89 becomes "90 or older" (90 a, `>=`); an
 * upper bound over 89 (`<`, `<=`) says nothing under 90 and goes. Anything that is not an age goes.
 */
export const age: Rule = (v, ctx) => {
  const q = quantity(v, ctx);
  if (!isObject(q)) return undefined;
  const years = ageInYears(q);
  if (years === undefined) return undefined;
  if (years <= MAX_STATED_AGE) return q;
  return q.comparator === '<' || q.comparator === '<=' ? undefined : ninetyOrOlder();
};

/**
 * A Range of ages: a low bound over 89 becomes 90 years (and the high bound goes: "90 or older"); a
 * high bound over 89 goes.
 */
export const ageRange: Rule = (v, ctx) => {
  if (!isObject(v)) return undefined;
  const low = quantity(v.low, ctx);
  const high = quantity(v.high, ctx);
  const lowYears = isObject(low) ? ageInYears(low) : undefined;
  const highYears = isObject(high) ? ageInYears(high) : undefined;
  const out: Json = {};
  if (lowYears !== undefined && isObject(low)) {
    out.low =
      lowYears <= MAX_STATED_AGE
        ? low
        : { value: MAX_STATED_AGE + 1, unit: 'a', system: UCUM_SYSTEM, code: 'a' };
  }
  if (highYears !== undefined && highYears <= MAX_STATED_AGE && (lowYears ?? 0) <= MAX_STATED_AGE) {
    out.high = high;
  }
  return Object.keys(out).length > 0 ? out : undefined;
};

const YEAR = /^(\d{4})(?:-(?:0[1-9]|1[0-2])(?:-\d{2}(?:T.*)?)?)?$/;

/** The year of an R4 date, dateTime or instant (`YYYY`, a valid R4 date and dateTime), if it is one. */
export function yearOf(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = YEAR.exec(v);
  return m?.[1] !== undefined && m[1] !== '0000' ? m[1] : undefined;
}

/** A date or dateTime (an instant too, when it becomes a dateTime): its year only. */
export const year: Rule = (v) => yearOf(v);

/** A Period: the years of its start and end. */
export const period: Rule = (v) => {
  if (!isObject(v)) return undefined;
  const out: Json = {};
  const start = yearOf(v.start);
  const end = yearOf(v.end);
  if (start !== undefined) out.start = start;
  if (end !== undefined) out.end = end;
  return Object.keys(out).length > 0 ? out : undefined;
};

/** The subject reference: always the patient's per-study pseudonym, never what the input holds. */
export const subject: Rule = (_v, ctx) => ({ reference: `Patient/${ctx.pseudonym}` });

/** Requirement: the subject, which is the pseudonym whether or not the input had one. */
export function requiredSubject(name: string): Requirement {
  return { names: [name], mask: (ctx) => subject(undefined, ctx) };
}

/** Requirement: an element masked with the data-absent reason `masked` when nothing of it survives. */
export function requiredMasked(...names: string[]): Requirement {
  return { names, mask: masked };
}

/** Requirement: a primitive (or primitive choice) masked through its `_name` extensions. */
export function requiredPrimitiveMasked(...names: string[]): Requirement {
  return { names, mask: masked, maskKey: `_${names[0] ?? ''}` };
}

/** Requirement: an element without which the object it belongs to is dropped. */
export function requiredOrDrop(...names: string[]): Requirement {
  return { names };
}
