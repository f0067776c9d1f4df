/**
 * Generates FHIR R4 resources from the R4 StructureDefinitions themselves (`@medledger/fhir`'s
 * `loadDefinitions`), for property tests of the de-identification: every element of a resource type,
 * its backbone elements and the data types they use (down to a depth), with a canary planted in every
 * string-typed value (string, markdown, id, uri, url, canonical, oid, uuid, base64Binary, xhtml, and
 * the `code`s and codings that no required value set constrains), a random full date in every date,
 * dateTime and instant, extensions of every value type on objects and primitives, and ages on both
 * sides of 90. Codes of required bindings come from their R4 expansions, so that what is generated
 * can be valid R4; `repairInvariants` then removes what an invariant forbids.
 *
 * What to draw is asked of a {@link Draw}, so the same walk serves random resources (fast-check) and
 * exhaustive ones (every optional element present).
 */
import type { R4Definitions } from '@medledger/fhir';

type Json = Record<string, unknown>;

interface ElementDef {
  readonly path: string;
  readonly min?: number;
  readonly max?: string;
  readonly type?: readonly { readonly code: string }[];
  readonly contentReference?: string;
  readonly binding?: { readonly strength?: string; readonly valueSet?: string };
}

/** The choices a generation makes. */
export interface Draw {
  /** Whether an optional element is present, at a depth (0: the resource's own elements). */
  present(depth: number): boolean;
  /** An index below `n`. */
  index(n: number): number;
  /** Which of the `n` types of a choice element (`value[x]`) to generate. */
  choice(n: number): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
}

/** What a generation planted: every canary string (to be looked for in the output), and more. */
export interface Planted {
  /** Every identifying string planted, base64 forms included. */
  readonly canaries: string[];
  /** The extension value types used (`valueHumanName`, ...). */
  readonly extensionTypes: Set<string>;
  /** Paths of the string-typed elements that got a canary (`Observation.note.text`). */
  readonly stringPaths: Set<string>;
}

/** The canary every planted string contains. */
export const CANARY = 'CANARY';

const MAX_DEPTH = 4;
const UCUM = 'http://unitsofmeasure.org';
const TIME_UNITS = ['a', 'mo', 'wk', 'd'] as const;
const STRINGISH = new Set([
  'string',
  'markdown',
  'id',
  'uri',
  'url',
  'canonical',
  'oid',
  'uuid',
  'base64Binary',
  'xhtml',
]);
const QUANTITIES = new Set([
  'Quantity',
  'Age',
  'Duration',
  'Count',
  'Distance',
  'SimpleQuantity',
  'MoneyQuantity',
]);
// Codes of known terminologies the de-identification may keep, and look-alikes it must not.
const KNOWN_CODINGS: readonly (readonly [string, string])[] = [
  ['http://loinc.org', '2823-3'],
  ['http://loinc.org', '30525-0'],
  ['http://loinc.org', '21112-8'],
  ['http://snomed.info/sct', '764146007'],
  ['http://snomed.info/sct', '39579001'],
  ['http://id.who.int/icd/release/11/mms', 'BA00'],
  ['http://www.whocc.no/atc', 'C09AA02'],
  ['http://hl7.org/fhir/sid/cvx', '208'],
  ['http://terminology.hl7.org/CodeSystem/observation-category', 'laboratory'],
];
const UNITS = ['mmol/L', 'mg/dL', 'mm[Hg]', '%', 'kg', '/min', '10*3/uL', 'mL/min/{1.73_m2}'];

// Built apart (ids, extensions, contained resources), or left to unit tests: a resource whose
// `implicitRules` or modifier extension may change its meaning has no research form at all.
const SKIPPED = new Set(['contained', 'id', 'extension', 'modifierExtension', 'implicitRules']);
const FHIRPATH_STRING = 'http://hl7.org/fhirpath/System.String';

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A generator of resources of the R4 definitions given. */
export class FhirGenerator {
  readonly #byPath = new Map<string, ElementDef[]>();
  readonly #expansions: Map<string, string[]>;
  readonly #extensionTypes: readonly string[];

  constructor(definitions: R4Definitions) {
    for (const sd of [...definitions.types, ...definitions.resources]) {
      for (const el of (sd.snapshot?.element ?? []) as ElementDef[]) {
        const parent = el.path.slice(0, el.path.lastIndexOf('.'));
        if (!el.path.includes('.')) continue;
        const list = this.#byPath.get(parent) ?? [];
        list.push(el);
        this.#byPath.set(parent, list);
      }
    }
    this.#expansions = new Map(definitions.expansions.map(([url, codings]) => [url, codings]));
    const ext = this.#byPath.get('Extension')?.find((e) => e.path === 'Extension.value[x]');
    this.#extensionTypes = (ext?.type ?? []).map((t) => t.code);
  }

  /** Every type an extension value may have in R4. */
  get extensionValueTypes(): readonly string[] {
    return this.#extensionTypes;
  }

  /** A resource of `type`, with `contained` resources of `containedTypes`. */
  resource(
    type: string,
    draw: Draw,
    containedTypes: readonly string[] = [],
  ): { resource: Json; planted: Planted } {
    const planted: Planted = { canaries: [], extensionTypes: new Set(), stringPaths: new Set() };
    const walk = new Walk(this, draw, planted);
    const resource: Json = { resourceType: type, ...walk.children(type, type, 0) };
    const contained = containedTypes.map((t, i) => ({
      resourceType: t,
      ...walk.children(t, t, 1),
      id: `${CANARY}-c${String(i)}`,
    }));
    planted.canaries.push(...contained.map((c) => c.id));
    if (contained.length > 0) resource.contained = contained;
    return { resource, planted };
  }

  /** The element definitions under a path (a resource, backbone element or data type). */
  elementsOf(path: string): readonly ElementDef[] {
    return this.#byPath.get(path) ?? [];
  }

  /**
   * The string-typed elements of a resource type and its backbone elements (not inside data types),
   * named as {@link Planted.stringPaths} names them: a choice by its string type (`Observation.valueString`).
   */
  stringElementPaths(type: string): string[] {
    const out: string[] = [];
    const walk = (defPath: string, path: string): void => {
      for (const el of this.elementsOf(defPath)) {
        const name = el.path.slice(el.path.lastIndexOf('.') + 1);
        if (SKIPPED.has(name)) continue;
        const types = (el.type ?? []).map((t) => t.code);
        if (el.contentReference) walk(el.contentReference.slice(1), `${path}.${name}`);
        if (types.includes('BackboneElement') || types.includes('Element')) walk(el.path, `${path}.${name}`);
        const bound =
          el.binding?.strength === 'required' && this.expansion(el.binding.valueSet) !== undefined;
        for (const t of types.filter((t) => STRINGISH.has(t) || (t === 'code' && !bound))) {
          out.push(`${path}.${name.endsWith('[x]') ? name.slice(0, -3) + capital(t) : name}`);
        }
      }
    };
    walk(type, type);
    return out;
  }

  /** The most types a choice element of the resource type or its backbone elements has. */
  choiceWidth(type: string): number {
    const widest = (defPath: string): number =>
      Math.max(
        1,
        ...this.elementsOf(defPath).map((el) => {
          const types = (el.type ?? []).map((t) => t.code);
          const inner = types.includes('BackboneElement') ? widest(el.path) : 1;
          return Math.max(el.path.endsWith('[x]') ? types.length : 1, inner);
        }),
      );
    return widest(type);
  }

  /** The `system|code` pairs of a required value set, if R4 expands it. */
  expansion(valueSet: string | undefined): readonly string[] | undefined {
    return valueSet === undefined ? undefined : this.#expansions.get(valueSet.split('|')[0] ?? '');
  }
}

/** One generation: the draws, what was planted and a counter for unique canaries. */
class Walk {
  #n = 0;
  constructor(
    readonly gen: FhirGenerator,
    readonly draw: Draw,
    readonly planted: Planted,
  ) {}

  #canary(path: string): string {
    this.#n++;
    const c = `${CANARY}-${String(this.#n)}`;
    this.planted.stringPaths.add(path);
    return c;
  }

  #plant(value: string): string {
    this.planted.canaries.push(value);
    return value;
  }

  /** The children of an object at `path` (named by `defPath` in the definitions). */
  children(defPath: string, path: string, depth: number): Json {
    const out: Json = {};
    const elements = this.gen.elementsOf(defPath);
    for (const el of elements) {
      const name = el.path.slice(el.path.lastIndexOf('.') + 1);
      if (SKIPPED.has(name)) continue;
      if ((el.min ?? 0) === 0 && !this.draw.present(depth)) continue;
      if (depth >= MAX_DEPTH && (el.min ?? 0) === 0 && !this.#primitiveOnly(el)) continue;
      this.#element(el, name, path, depth, out);
    }
    if (Object.keys(out).length === 0) {
      // An element has a value or children (ele-1): the first primitive one, when the draws gave none.
      const first = elements.find(
        (e) => !SKIPPED.has(e.path.slice(e.path.lastIndexOf('.') + 1)) && this.#primitiveOnly(e),
      );
      if (first)
        this.#element(first, first.path.slice(first.path.lastIndexOf('.') + 1), path, MAX_DEPTH, out);
    }
    if (depth >= MAX_DEPTH) return out;
    if (elements.some((e) => e.path.endsWith('.id')) && this.draw.present(depth + 1)) {
      out.id = this.#plant(this.#canary(`${path}.id`));
    }
    if (elements.some((e) => e.path.endsWith('.extension')) && this.draw.present(depth)) {
      out.extension = [this.extension(`${path}.extension`, depth + 1)];
    }
    // Now and then a backbone element carries a modifier extension (the element must then go whole).
    const modifiable = elements.some((e) => e.path.endsWith('.modifierExtension'));
    if (depth > 0 && modifiable && this.draw.index(25) === 0) {
      out.modifierExtension = [this.extension(`${path}.modifierExtension`, depth + 1)];
    }
    return out;
  }

  /** One element (a choice takes one of its types), and now and then extensions on a primitive. */
  #element(el: ElementDef, name: string, path: string, depth: number, out: Json): void {
    const types = el.type ?? [];
    const chosen = types.length > 0 ? types[this.draw.choice(types.length)]?.code : undefined;
    const key = name.endsWith('[x]') ? name.slice(0, -3) + capital(chosen ?? '') : name;
    const one = (): unknown => this.#value(el, chosen, `${path}.${key}`, depth);
    const single = el.max === '1' || el.max === '0';
    out[key] = single ? one() : Array.from({ length: 1 + this.draw.index(2) }, one);
    // Not on a code of a required binding: the validator reads such a code with extensions as no code.
    const bound = el.binding?.strength === 'required';
    const primitive = chosen !== undefined && this.#isPrimitive(chosen);
    if (single && primitive && !bound && depth < MAX_DEPTH && this.draw.present(depth + 1)) {
      out[`_${key}`] = { extension: [this.extension(`${path}._${key}`, depth + 1)] };
    }
  }

  #primitiveOnly(el: ElementDef): boolean {
    return (el.type ?? []).every((t) => this.#isPrimitive(t.code));
  }

  #isPrimitive(code: string): boolean {
    return code.charAt(0) === code.charAt(0).toLowerCase() || code.startsWith('http://hl7.org/fhirpath/');
  }

  /** An extension with a value of any R4 extension value type. */
  extension(path: string, depth: number): Json {
    const types = this.gen.extensionValueTypes;
    const type = types[this.draw.index(types.length)] ?? 'string';
    this.planted.extensionTypes.add(`value${capital(type)}`);
    const url = this.#plant(`urn:${this.#canary(`${path}.url`)}`);
    return {
      url,
      [`value${capital(type)}`]: this.#typed(type, undefined, `${path}.value${capital(type)}`, depth + 1),
    };
  }

  #value(el: ElementDef, type: string | undefined, path: string, depth: number): unknown {
    if (type === undefined) return this.children(el.contentReference?.slice(1) ?? el.path, path, depth + 1);
    if (type === 'BackboneElement' || type === 'Element') return this.children(el.path, path, depth + 1);
    return this.#typed(type, el.binding, path, depth + 1);
  }

  #typed(type: string, binding: ElementDef['binding'], path: string, depth: number): unknown {
    const required = binding?.strength === 'required' ? this.gen.expansion(binding.valueSet) : undefined;
    if (type === FHIRPATH_STRING) return this.#string('string', path);
    if (STRINGISH.has(type)) return this.#string(type, path);
    switch (type) {
      case 'code':
        return required ? this.#pick(required).split('|')[1] : this.#plant(`${this.#canary(path)} Doe`);
      case 'boolean':
        return this.draw.index(2) === 1;
      case 'integer':
        return this.draw.int(-1000, 100_000);
      case 'positiveInt':
        return this.draw.int(1, 1000);
      case 'unsignedInt':
        return this.draw.int(0, 1000);
      case 'decimal':
        return this.draw.int(-100_000, 100_000) / 100;
      case 'date':
        return this.#date('date');
      case 'dateTime':
        return this.#date('dateTime');
      case 'instant':
        return this.#date('instant');
      case 'time':
        return `${pad(this.draw.int(0, 23))}:${pad(this.draw.int(0, 59))}:00`;
      default:
        return this.#complex(type, required, path, depth);
    }
  }

  #pick<T>(items: readonly T[]): T {
    const item = items[this.draw.index(items.length)];
    if (item === undefined) throw new Error('nothing to pick from');
    return item;
  }

  #string(type: string, path: string): string {
    const c = this.#canary(path);
    switch (type) {
      case 'id':
        return this.#plant(c);
      case 'uri':
        return this.#plant(`urn:${c}`);
      case 'url':
      case 'canonical':
        return this.#plant(`https://${c.toLowerCase()}.example.org/p`);
      case 'oid':
        return this.#plant(
          `urn:oid:1.3.6.1.4.1.${String(90000 + this.draw.int(0, 9999))}.${String(this.draw.int(1, 9999))}`,
        );
      case 'uuid': {
        const hex = (w: number) =>
          this.draw
            .int(0, 16 ** Math.min(w, 8) - 1)
            .toString(16)
            .padStart(w, '0');
        return this.#plant(`urn:uuid:${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(8)}${hex(4)}`);
      }
      case 'base64Binary': {
        const b64 = Buffer.from(`${c} Jane Doe`).toString('base64');
        this.#plant(b64.slice(0, 8));
        return b64;
      }
      case 'xhtml':
        return `<div xmlns="http://www.w3.org/1999/xhtml"><p>${this.#plant(c)} Jane Doe</p></div>`;
      default:
        this.#plant(c);
        return `Jane ${c} Doe, 12 Main St`;
    }
  }

  /** A full date of its type: day precision or finer, a year from 1900 to 2025. */
  #date(type: 'date' | 'dateTime' | 'instant'): string {
    const day = `${String(this.draw.int(1900, 2025))}-${pad(this.draw.int(1, 12))}-${pad(this.draw.int(1, 28))}`;
    const time = `T${pad(this.draw.int(0, 23))}:${pad(this.draw.int(0, 59))}:${pad(this.draw.int(0, 59))}`;
    if (type === 'date') return day;
    if (type === 'instant') return `${day}${time}.${pad(this.draw.int(0, 999), 3)}Z`;
    return this.draw.index(2) === 0 ? day : `${day}${time}+01:00`;
  }

  #coding(required: readonly string[] | undefined, path: string): Json {
    if (required) {
      const [system, code] = this.#pick(required).split('|');
      return { system, code, display: this.#plant(this.#canary(`${path}.display`)) };
    }
    const kind = this.draw.index(4);
    const [system, code] = this.#pick(KNOWN_CODINGS);
    const coding: Json = { system, code };
    if (kind === 1) coding.code = this.#plant(this.#canary(`${path}.code`));
    if (kind === 2) coding.system = this.#plant(`urn:${this.#canary(`${path}.system`)}`);
    if (kind === 3) coding.code = this.#plant(`${this.#canary(`${path}.code`)} Doe`);
    if (this.draw.present(2)) coding.display = this.#plant(this.#canary(`${path}.display`));
    if (this.draw.present(3)) coding.version = this.#plant(this.#canary(`${path}.version`));
    return coding;
  }

  #quantity(type: string, path: string): Json {
    const isAge = type === 'Age' || type === 'Duration';
    const unit = isAge ? this.#pick(TIME_UNITS) : this.#pick(UNITS);
    const value = isAge ? this.draw.int(0, unit === 'a' ? 130 : 2000) : this.draw.int(-1000, 100_000) / 100;
    const q: Json = { value: isAge ? Math.abs(value) : value, system: UCUM, code: unit };
    q.unit = this.draw.index(2) === 0 ? unit : this.#plant(this.#canary(`${path}.unit`));
    if (this.draw.index(6) === 0) q.code = this.#plant(this.#canary(`${path}.code`));
    if (type !== 'SimpleQuantity' && this.draw.index(4) === 0)
      q.comparator = this.#pick(['<', '<=', '>=', '>']);
    return q;
  }

  #complex(type: string, required: readonly string[] | undefined, path: string, depth: number): unknown {
    if (QUANTITIES.has(type)) return this.#quantity(type, path);
    switch (type) {
      case 'Coding':
        return this.#coding(required, path);
      case 'CodeableConcept':
        return {
          coding: [
            this.#coding(required, `${path}.coding`),
            ...(this.draw.present(1) ? [this.#coding(undefined, `${path}.coding`)] : []),
          ],
          text: this.#plant(this.#canary(`${path}.text`)),
        };
      case 'Reference':
        return {
          reference: this.#plant(
            this.draw.index(2) === 0 ? `#${CANARY}-c0` : `Patient/${this.#canary(`${path}.reference`)}`,
          ),
          display: this.#plant(this.#canary(`${path}.display`)),
        };
      case 'Period': {
        const [start, end] = [this.#date('dateTime'), this.#date('dateTime')].sort();
        return { start, end };
      }
      case 'Range': {
        const [low, high] = [this.#quantity('Age', path), this.#quantity('Age', path)];
        high.code = low.code;
        high.unit = low.unit;
        delete low.comparator;
        delete high.comparator;
        if (Number(low.value) > Number(high.value)) [low.value, high.value] = [high.value, low.value];
        return { low, high };
      }
      case 'Ratio':
        return {
          numerator: this.#quantity('Quantity', `${path}.numerator`),
          denominator: this.#quantity('Quantity', `${path}.denominator`),
        };
      case 'Narrative':
        return { status: 'generated', div: this.#string('xhtml', `${path}.div`) };
      case 'Money':
        return { value: this.draw.int(0, 10_000), currency: 'EUR' };
      default:
        return this.children(type, path, depth);
    }
  }
}

/**
 * A {@link Draw} that makes every optional element present and takes type `variant` (modulo their
 * number) of every choice element: variants 0 to n-1 together generate every type of every choice.
 */
export function exhaustiveDraw(variant: number): Draw {
  let i = variant;
  return {
    present: () => true,
    index: (n) => i++ % n,
    choice: (n) => variant % n,
    int: (min, max) => min + ((i++ * 7919) % (max - min + 1)),
  };
}

// How likely an optional element is present, by depth: the resource's own elements often, deep
// ones rarely, so that resources stay a few kilobytes.
const PRESENCE = [0.6, 0.45, 0.3, 0.2, 0.1];

/** A {@link Draw} from a seed (xorshift32): the same seed, the same resource. */
export function seededDraw(seed: number): Draw {
  let x = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4_294_967_296;
  };
  return {
    present: (depth) => next() < (PRESENCE[depth] ?? 0.05),
    index: (n) => Math.floor(next() * n),
    choice: (n) => Math.floor(next() * n),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

type Fix = (resource: Json) => void;
const omit = (obj: Json, keys: readonly string[]): void => {
  for (const k of keys) Reflect.deleteProperty(obj, k);
};
const VALUE_KEYS = (r: Json): string[] => Object.keys(r).filter((k) => /^_?value/.test(k));
const HL7_CS = 'http://terminology.hl7.org/CodeSystem/';
// Resource-level invariants a random resource may break, and the least change that keeps it.
const ROOT_FIXES: Readonly<Record<string, Fix>> = {
  'dom-2': (r) => {
    for (const c of Array.isArray(r.contained) ? (r.contained as Json[]) : []) delete c.contained;
  },
  'dom-4': (r) => {
    for (const c of Array.isArray(r.contained) ? (r.contained as Json[]) : []) {
      const meta = c.meta as Json | undefined;
      if (meta) {
        omit(meta, ['versionId', 'lastUpdated', '_versionId', '_lastUpdated']);
        if (Object.keys(meta).length === 0) delete c.meta;
      }
    }
  },
  'dom-5': (r) => {
    for (const c of Array.isArray(r.contained) ? (r.contained as Json[]) : []) {
      const meta = c.meta as Json | undefined;
      if (meta) {
        delete meta.security;
        delete meta._security;
        if (Object.keys(meta).length === 0) delete c.meta;
      }
    }
  },
  'obs-6': (r) => {
    delete r.dataAbsentReason;
  },
  'obs-7': (r) => {
    omit(r, VALUE_KEYS(r));
  },
  'ait-1': (r) => {
    r.clinicalStatus = { coding: [{ system: `${HL7_CS}allergyintolerance-clinical`, code: 'active' }] };
  },
  'ait-2': (r) => {
    delete r.clinicalStatus;
  },
  'con-4': (r) => {
    omit(
      r,
      Object.keys(r).filter((k) => /^_?abatement/.test(k)),
    );
  },
  'con-5': (r) => {
    delete r.clinicalStatus;
  },
  'msq-3': (r) => {
    r.coordinateSystem = 0;
  },
};

/**
 * The key a validator path step names in an object: `value[x]` is the present `valueQuantity`, and a
 * step into a primitive's extensions (`language.extension`) goes through its `_language`.
 */
function keyOf(node: Json, step: string, inner: boolean): string | undefined {
  const base = step.endsWith('[x]') ? step.slice(0, -3) : undefined;
  const candidates = Object.keys(node).filter((k) => {
    const name = k.startsWith('_') ? k.slice(1) : k;
    return base === undefined
      ? name === step
      : name.startsWith(base) && /^[A-Z]/.test(name.slice(base.length));
  });
  const isObj = (k: string) => typeof node[k] === 'object' && node[k] !== null;
  return (
    (inner ? candidates.find(isObj) : undefined) ??
    candidates.find((k) => !k.startsWith('_')) ??
    candidates[0]
  );
}

/** Deletes the element at a validator path (`Observation.component[0].code`); false when it is the root. */
function deleteAt(resource: Json, path: string): boolean {
  const steps = path
    .split('.')
    .slice(1)
    .flatMap((s) => {
      const m = /^([^[]+)\[(\d+)\]$/.exec(s);
      return m === null ? [s] : [m[1] ?? '', Number(m[2])];
    });
  if (steps.length === 0) return false;
  let node: unknown = resource;
  steps.forEach((step, i) => {
    if (i === steps.length - 1 || node === null || typeof node !== 'object') return;
    if (typeof step === 'number') node = Array.isArray(node) ? node[step] : undefined;
    else node = (node as Json)[keyOf(node as Json, step, true) ?? step];
  });
  const last = steps[steps.length - 1];
  if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
  else if (node !== null && typeof node === 'object' && typeof last === 'string') {
    const key = keyOf(node as Json, last, false);
    if (key !== undefined) omit(node as Json, [key, `_${key}`]);
  }
  return true;
}

/** What the validator says of a resource: its errors. */
export interface Validates {
  validate(resource: unknown): readonly { severity: string; path: string; message: string }[];
}

/**
 * Removes, round by round, what makes a generated resource invalid R4: the element an issue points
 * at (its parent when a required child is missing, the whole element for an invariant of its own),
 * or a resource-level invariant's least fix. Returns whether the resource ended valid.
 */
export function repairInvariants(resource: Json, validator: Validates): boolean {
  for (let round = 0; round < 20; round++) {
    const errors = validator.validate(resource).filter((i) => i.severity === 'error');
    if (errors.length === 0) return true;
    const fixed = new Set<string>();
    for (const issue of errors) {
      const key = /Constraint (\S+) not met/.exec(issue.message)?.[1];
      const rootFix = key === undefined ? undefined : ROOT_FIXES[key];
      if (!issue.path.includes('.') && rootFix) rootFix(resource);
      else {
        const path = issue.message.startsWith('Missing required property')
          ? issue.path.slice(0, issue.path.lastIndexOf('.'))
          : issue.path;
        if (fixed.has(path)) continue;
        fixed.add(path);
        if (!deleteAt(resource, path)) return false;
      }
    }
  }
  return false;
}
