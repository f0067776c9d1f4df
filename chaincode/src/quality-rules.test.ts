import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { QualityReason } from '@medledger/domain';
import { ICD11_CODES, LOINC_LABS } from './clinical-codes';
import { assessQuality } from './quality-gate';

const TX = Date.parse('2025-06-01T08:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;
const UCUM = 'http://unitsofmeasure.org';

/** A lab the generator picks: its code and, for labs with ranges, one range. */
const LABS_WITH_RANGES = LOINC_LABS.flatMap((l) => l.ranges.map((r) => ({ code: l.code, ...r })));
// Well-formed LOINC codes (their check digits hold) that the bundled list leaves out.
const UNLISTED_LOINC = ['2093-3', '2085-9', '13457-7'];
const UNLISTED_ICD11 = ['1A01', 'BA02', '5A1Z', 'CA0A.1'];
const MALFORMED_ICD11 = ['I10', 'ba00', 'BA00.', 'BO00', '12AB'];

/** A LOINC code with its check digit made wrong. */
function wrongCheckDigit(code: string): string {
  const [body = '', check = '0'] = code.split('-');
  return `${body}-${(Number(check) + 1) % 10}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

interface ObservationCase {
  category: 'lab' | 'vital' | 'genomic';
  code: 'listed' | 'unlisted' | 'bad' | 'none';
  lab: (typeof LABS_WITH_RANGES)[number];
  unlisted: string;
  unit: 'listed' | 'other' | 'no-ucum';
  value: number;
  effectiveOffsetMs: number;
}

/**
 * The oracle for Observations: the rules of docs/fhir-quality-gate.md written as plain conditions over
 * what the generator meant, not over the resource it built.
 */
function observationOracle(c: ObservationCase): QualityReason[] {
  const out: QualityReason[] = [];
  const labOrVital = c.category !== 'genomic';
  if (c.code === 'bad') out.push('LOINC_CODE_FORMAT');
  if (c.code === 'none' && labOrVital) out.push('LOINC_CODE_MISSING');
  if (c.code === 'unlisted' && labOrVital) out.push('LOINC_CODE_UNKNOWN');
  if (c.effectiveOffsetMs > 5 * MIN) out.push('FUTURE_DATE');
  if (c.code === 'listed') {
    if (c.unit !== 'listed') out.push('UNIT_UNEXPECTED');
    else if (c.value < c.lab.min || c.value > c.lab.max) out.push('VALUE_IMPLAUSIBLE');
  }
  return out.sort();
}

function observation(c: ObservationCase): Record<string, unknown> {
  const system = 'http://loinc.org';
  const code = { listed: c.lab.code, unlisted: c.unlisted, bad: wrongCheckDigit(c.lab.code), none: '' }[
    c.code
  ];
  const unit = c.unit === 'listed' ? c.lab.unit : '[iU]/L';
  return {
    resourceType: 'Observation',
    status: 'final',
    code: c.code === 'none' ? { text: 'a measurement' } : { coding: [{ system, code }] },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: iso(TX + c.effectiveOffsetMs),
    valueQuantity:
      c.unit === 'no-ucum' ? { value: c.value, unit } : { value: c.value, unit, system: UCUM, code: unit },
  };
}

const observationCase: fc.Arbitrary<ObservationCase> = fc
  .record({
    category: fc.constantFrom('lab' as const, 'vital' as const, 'genomic' as const),
    code: fc.constantFrom('listed' as const, 'unlisted' as const, 'bad' as const, 'none' as const),
    lab: fc.constantFrom(...LABS_WITH_RANGES),
    unlisted: fc.constantFrom(...UNLISTED_LOINC),
    unit: fc.constantFrom('listed' as const, 'other' as const, 'no-ucum' as const),
    position: fc.constantFrom('min', 'max', 'below', 'above', 'inside', 'far'),
    far: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    effectiveOffsetMs: fc.oneof(
      fc.integer({ min: -2000, max: 30 }).map((d) => d * DAY),
      fc.constantFrom(-6 * MIN, -4 * MIN, 4 * MIN, 5 * MIN, 6 * MIN),
    ),
  })
  .map(({ position, far, ...c }) => {
    const span = c.lab.max - c.lab.min;
    const value = {
      min: c.lab.min,
      max: c.lab.max,
      below: c.lab.min - span / 10,
      above: c.lab.max + span / 10,
      inside: c.lab.min + span / 2,
      far,
    }[position];
    return { ...c, value: Math.round(value * 1000) / 1000 };
  });

interface ConditionCase {
  icd: 'listed' | 'listed+extension' | 'unlisted' | 'malformed' | 'none';
  listed: string;
  unlisted: string;
  malformed: string;
  birthYear: number | null;
  statedAge: 'true' | 'off' | 'implausible' | null;
  offBy: number;
  recordedOffsetDays: number;
}

/** Full years between a birth date (1 July of `birthYear`) and a time, the way people count them. */
function fullYears(birthYear: number, atMs: number): number {
  const at = new Date(atMs);
  const birthdayPassed = at.getUTCMonth() > 6 || (at.getUTCMonth() === 6 && at.getUTCDate() >= 1);
  return at.getUTCFullYear() - birthYear - (birthdayPassed ? 0 : 1);
}

function statedAgeOf(c: ConditionCase): number | null {
  const recorded = TX + c.recordedOffsetDays * DAY;
  if (c.statedAge === null) return null;
  if (c.statedAge === 'implausible') return 150;
  const base = c.birthYear === null ? 40 : fullYears(c.birthYear, recorded);
  return c.statedAge === 'true' ? base : base + c.offBy;
}

/** The oracle for Conditions, over what the generator meant. */
function conditionOracle(c: ConditionCase): QualityReason[] {
  const out: QualityReason[] = [];
  if (c.icd === 'malformed') out.push('ICD11_CODE_FORMAT');
  if (c.icd === 'none') out.push('ICD11_CODE_MISSING');
  if (c.icd === 'unlisted') out.push('ICD11_CODE_UNKNOWN');
  if (c.recordedOffsetDays > 0) out.push('FUTURE_DATE');
  const age = statedAgeOf(c);
  if (age !== null && (age < 0 || age > 130)) out.push('AGE_IMPLAUSIBLE');
  if (age !== null && c.birthYear !== null && c.statedAge !== 'true') out.push('BIRTH_DATE_AGE_MISMATCH');
  return out.sort();
}

function conditionResource(c: ConditionCase): Record<string, unknown> {
  const code = {
    listed: c.listed,
    'listed+extension': `${c.listed}&XH7SY6`,
    unlisted: c.unlisted,
    malformed: c.malformed,
    none: '',
  }[c.icd];
  const age = statedAgeOf(c);
  return {
    resourceType: 'Condition',
    subject: { reference: c.birthYear === null ? 'Patient/p1' : '#p1' },
    code:
      c.icd === 'none'
        ? { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] }
        : { coding: [{ system: 'http://id.who.int/icd/release/11/mms', code }] },
    recordedDate: iso(TX + c.recordedOffsetDays * DAY).slice(0, 10),
    ...(c.birthYear === null
      ? {}
      : { contained: [{ resourceType: 'Patient', id: 'p1', birthDate: `${c.birthYear}-07-01` }] }),
    ...(age === null ? {} : { onsetAge: { value: age, unit: 'a', system: UCUM, code: 'a' } }),
  };
}

/** Whether a time falls within two days of 1 July, where whole and fractional years part by up to a day. */
function nearBirthday(ms: number): boolean {
  const d = new Date(ms);
  return Math.abs(Date.UTC(d.getUTCFullYear(), 6, 1) - ms) < 2 * DAY;
}

const conditionCase: fc.Arbitrary<ConditionCase> = fc.record({
  icd: fc.constantFrom(
    'listed' as const,
    'listed+extension' as const,
    'unlisted' as const,
    'malformed' as const,
    'none' as const,
  ),
  listed: fc.constantFrom(...Object.keys(ICD11_CODES)),
  unlisted: fc.constantFrom(...UNLISTED_ICD11),
  malformed: fc.constantFrom(...MALFORMED_ICD11),
  birthYear: fc.option(fc.integer({ min: 1900, max: 2020 }), { nil: null }),
  statedAge: fc.constantFrom('true' as const, 'off' as const, 'implausible' as const, null),
  offBy: fc.constantFrom(-30, -3, -2, 2, 3, 30),
  recordedOffsetDays: fc.integer({ min: -3000, max: 20 }).filter((days) => !nearBirthday(TX + days * DAY)),
});

void describe('quality rules against an oracle', () => {
  void it('when any lab or vital sign is assessed (code, unit, value, date), then the table agrees with the oracle', () => {
    fc.assert(
      fc.property(observationCase, (c) => {
        const meta = { category: c.category, fhirResourceType: 'Observation', sizeBytes: 500 };
        assert.deepEqual(assessQuality(observation(c), meta, TX).reasons, observationOracle(c));
      }),
      { numRuns: 600 },
    );
  });

  void it('when any diagnosis is assessed (ICD-11 code, birth date, stated age, date), then the table agrees with the oracle', () => {
    fc.assert(
      fc.property(conditionCase, (c) => {
        const meta = { category: 'diagnosis' as const, fhirResourceType: 'Condition', sizeBytes: 500 };
        assert.deepEqual(assessQuality(conditionResource(c), meta, TX).reasons, conditionOracle(c));
      }),
      { numRuns: 600 },
    );
  });
});
