import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FHIR_CONTAINED_RESOURCE_TYPES, FHIR_RESOURCE_TYPES } from '@medledger/domain';
import { loadDefinitions } from '@medledger/fhir';
import fc from 'fast-check';
import { deidentify } from './deidentify';
import { GATE_VALIDATOR } from './quality-gate';
import {
  CANARY,
  exhaustiveDraw,
  FhirGenerator,
  repairInvariants,
  seededDraw,
  type Draw,
  type Planted,
} from './testing/fhir-generator';

type Json = Record<string, unknown>;

const RELEASE_YEAR = 2025;
const PSEUDONYM = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const generator = new FhirGenerator(
  loadDefinitions([...FHIR_RESOURCE_TYPES, ...FHIR_CONTAINED_RESOURCE_TYPES]),
);
// Contained resources of every contained type; a Medication first, so that `#CANARY-c0` references
// (medicationReference among them) reach one.
const CONTAINED = ['Medication', 'Patient', 'Practitioner', 'Organization', 'Specimen'];

// The oracle's own reading of an age: years per UCUM unit of time the generator uses.
const YEARS_PER: Readonly<Record<string, number>> = { a: 1, mo: 1 / 12, wk: 7 / 365.25, d: 1 / 365.25 };
const AGE_KEYS = new Set(['onsetAge', 'abatementAge', 'performedAge']);
const AGE_RANGE_KEYS = new Set(['onsetRange', 'abatementRange', 'performedRange', 'age']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function years(q: unknown): number | undefined {
  if (!isObject(q) || typeof q.value !== 'number' || typeof q.code !== 'string') return undefined;
  const per = YEARS_PER[q.code];
  return per === undefined ? undefined : q.value * per;
}

const isNinetyOrOlder = (q: unknown): boolean =>
  isObject(q) && q.value === 90 && q.comparator === '>=' && q.code === 'a' && q.unit === 'a';

function hasLoinc(cc: unknown, code: string): boolean {
  return (
    isObject(cc) &&
    Array.isArray(cc.coding) &&
    cc.coding.some((c) => isObject(c) && c.system === 'http://loinc.org' && c.code === code)
  );
}

/** Every age in a de-identified resource that states more than 89 years (there must be none). */
function agesOver89(value: unknown, key = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => agesOver89(v, key));
  if (!isObject(value)) return [];
  const found: string[] = [];
  const over = (q: unknown) => (years(q) ?? 0) >= 90;
  if (AGE_KEYS.has(key) && over(value) && !isNinetyOrOlder(value))
    found.push(`${key} ${JSON.stringify(value)}`);
  if (AGE_RANGE_KEYS.has(key)) {
    const lowGrouped = isObject(value.low) && value.low.value === 90 && value.low.code === 'a';
    if ((over(value.low) && !lowGrouped) || over(value.high) || (lowGrouped && value.high !== undefined))
      found.push(`${key} ${JSON.stringify(value)}`);
  }
  if (hasLoinc(value.code, '30525-0') && over(value.valueQuantity) && !isNinetyOrOlder(value.valueQuantity))
    found.push(`age observation ${JSON.stringify(value.valueQuantity)}`);
  if (hasLoinc(value.code, '21112-8') && typeof value.valueDateTime === 'string') {
    if (RELEASE_YEAR - Number(value.valueDateTime.slice(0, 4)) >= 90)
      found.push(`birth year ${value.valueDateTime}`);
  }
  for (const [k, v] of Object.entries(value)) found.push(...agesOver89(v, k));
  return found;
}

/** Whether an input states an age over 89 somewhere (so that the property is exercised). */
function statesAgeOver89(value: unknown, key = ''): boolean {
  if (Array.isArray(value)) return value.some((v) => statesAgeOver89(v, key));
  if (!isObject(value)) return false;
  if ((AGE_KEYS.has(key) || key === 'low') && (years(value) ?? 0) >= 90) return true;
  return Object.entries(value).some(([k, v]) => statesAgeOver89(v, k));
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  return isObject(value) ? Object.values(value).flatMap(strings) : [];
}

function references(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(references);
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'reference' && typeof v === 'string' ? [v] : references(v),
  );
}

/** What is wrong with the research form of a generated resource: nothing, for the test to pass. */
function problems(input: Json, planted: Planted): string[] {
  const out = deidentify(input, { pseudonym: PSEUDONYM, releaseYear: RELEASE_YEAR });
  if (out === null) return ['no research form'];
  const text = JSON.stringify(out);
  const found: string[] = [];
  if (text.toUpperCase().includes(CANARY)) found.push(`a canary survives: ${text}`);
  for (const c of planted.canaries) if (text.includes(c)) found.push(`planted ${c} survives`);
  for (const s of strings(out)) if (/\d{4}-\d{2}/.test(s)) found.push(`a full date survives: ${s}`);
  for (const r of references(out)) if (r !== `Patient/${PSEUDONYM}`) found.push(`a reference survives: ${r}`);
  found.push(...agesOver89(out));
  for (const i of GATE_VALIDATOR.validate(out)) {
    if (i.severity === 'error') found.push(`invalid R4: ${i.path} ${i.message} in ${text}`);
  }
  const again = deidentify(input, { pseudonym: PSEUDONYM, releaseYear: RELEASE_YEAR });
  if (JSON.stringify(again) !== text) found.push('not deterministic');
  return found;
}

/** A generated resource made valid R4 (the de-identification's input is content the gate accepted). */
function validResource(type: string, draw: Draw): { resource: Json; planted: Planted } | undefined {
  const generated = generator.resource(type, draw, CONTAINED);
  return repairInvariants(generated.resource, GATE_VALIDATOR) ? generated : undefined;
}

void describe('de-identification of generated R4 resources', () => {
  void it('when random resources of every record type carry canaries in every string and extension, full dates and ages over 89, then none survives and every output is valid R4', () => {
    let exercisedAges = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...FHIR_RESOURCE_TYPES),
        fc.integer({ min: 1, max: 0x7fffffff }),
        (type, seed) => {
          const generated = validResource(type, seededDraw(seed));
          fc.pre(generated !== undefined);
          if (statesAgeOver89(generated.resource)) exercisedAges++;
          assert.deepEqual(problems(generated.resource, generated.planted), []);
        },
      ),
      { numRuns: 220 },
    );
    assert.ok(exercisedAges > 0, 'no generated resource stated an age over 89');
  });

  void it('when every element of every record type is present, each choice type in turn, then no canary, full date or age over 89 survives, every output is valid R4, and every string element and extension value type was planted', () => {
    const extensionTypes = new Set<string>();
    for (const type of FHIR_RESOURCE_TYPES) {
      const paths = new Set<string>();
      // Every type of every choice, and at least three variants (choices inside data types).
      for (let variant = 0; variant < Math.max(3, generator.choiceWidth(type)); variant++) {
        const generated = validResource(type, exhaustiveDraw(variant));
        assert.ok(generated, `${type} variant ${String(variant)} could not be made valid R4`);
        assert.deepEqual(
          problems(generated.resource, generated.planted),
          [],
          `${type} variant ${String(variant)}`,
        );
        for (const p of generated.planted.stringPaths) paths.add(p);
        for (const t of generated.planted.extensionTypes) extensionTypes.add(t);
      }
      const missed = generator.stringElementPaths(type).filter((p) => !paths.has(p));
      assert.deepEqual(missed, [], `${type}: string elements without a canary`);
    }
    const allTypes = generator.extensionValueTypes.map(
      (t) => `value${t.charAt(0).toUpperCase()}${t.slice(1)}`,
    );
    assert.deepEqual(
      allTypes.filter((t) => !extensionTypes.has(t)),
      [],
      'extension value types never generated',
    );
  });

  void it('when any JSON sits under a record type (canaries in every string, any shape), then no canary survives and nothing throws', () => {
    const names = [
      'coding',
      'system',
      'code',
      'value',
      'unit',
      'reference',
      'display',
      'text',
      'extension',
      'url',
    ];
    const keys = fc.constantFrom(
      ...names,
      ...FHIR_RESOURCE_TYPES.flatMap((t) => generator.elementsOf(t).map((e) => e.path.slice(t.length + 1))),
    );
    const canary = fc.string({ maxLength: 8 }).map((s) => `${CANARY}${s}`);
    const { json } = fc.letrec((tie) => ({
      json: fc.oneof(
        { depthSize: 'small' },
        canary,
        fc.integer(),
        fc.boolean(),
        fc.array(tie('json'), { maxLength: 3 }),
        fc.dictionary(keys, tie('json'), { maxKeys: 6 }),
      ),
    }));
    fc.assert(
      fc.property(
        fc.constantFrom(...FHIR_RESOURCE_TYPES),
        fc.dictionary(keys, json, { maxKeys: 12 }),
        (type, body) => {
          const out = deidentify(
            { ...body, resourceType: type },
            { pseudonym: PSEUDONYM, releaseYear: RELEASE_YEAR },
          );
          assert.ok(!JSON.stringify(out).toUpperCase().includes(CANARY), JSON.stringify(out));
        },
      ),
      { numRuns: 300 },
    );
  });
});
