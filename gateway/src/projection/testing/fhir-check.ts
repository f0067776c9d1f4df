/**
 * A structural checker of FHIR R4 AuditEvent resources and Bundles, written from the R4 definition
 * (https://hl7.org/fhir/R4/auditevent.html): known elements only, cardinalities, primitive formats and
 * the required value sets (action, outcome, Bundle.type). Returns problems as paths; empty is valid.
 */

type Json = Record<string, unknown>;

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const INSTANT =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;
const URI = /^\S+$/;
const ACTIONS = ['C', 'R', 'U', 'D', 'E'];
const OUTCOMES = ['0', '4', '8', '12'];
const BUNDLE_TYPES = [
  'document',
  'message',
  'transaction',
  'transaction-response',
  'batch',
  'batch-response',
  'history',
  'searchset',
  'collection',
];

const ELEMENTS = {
  AuditEvent: [
    'resourceType',
    'id',
    'meta',
    'implicitRules',
    'language',
    'text',
    'contained',
    'extension',
    'modifierExtension',
    'type',
    'subtype',
    'action',
    'period',
    'recorded',
    'outcome',
    'outcomeDesc',
    'purposeOfEvent',
    'agent',
    'source',
    'entity',
  ],
  agent: [
    'id',
    'extension',
    'modifierExtension',
    'type',
    'role',
    'who',
    'altId',
    'name',
    'requestor',
    'location',
    'policy',
    'media',
    'network',
    'purposeOfUse',
  ],
  source: ['id', 'extension', 'modifierExtension', 'site', 'observer', 'type'],
  entity: [
    'id',
    'extension',
    'modifierExtension',
    'what',
    'type',
    'role',
    'lifecycle',
    'securityLabel',
    'name',
    'description',
    'query',
    'detail',
  ],
  Coding: ['id', 'extension', 'system', 'version', 'code', 'display', 'userSelected'],
  CodeableConcept: ['id', 'extension', 'coding', 'text'],
  Reference: ['id', 'extension', 'reference', 'type', 'identifier', 'display'],
  Identifier: ['id', 'extension', 'use', 'type', 'system', 'value', 'period', 'assigner'],
  Extension: [
    'id',
    'extension',
    'url',
    'valueString',
    'valueUnsignedInt',
    'valueInteger',
    'valueBoolean',
    'valueCode',
    'valueUri',
  ],
  Bundle: [
    'resourceType',
    'id',
    'meta',
    'implicitRules',
    'language',
    'identifier',
    'type',
    'timestamp',
    'total',
    'link',
    'entry',
    'signature',
  ],
  entry: [
    'id',
    'extension',
    'modifierExtension',
    'link',
    'fullUrl',
    'resource',
    'search',
    'request',
    'response',
  ],
} as const;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Checker {
  readonly problems: string[] = [];

  fail(path: string, what: string): void {
    this.problems.push(`${path}: ${what}`);
  }

  known(v: Json, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.fail(`${path}.${k}`, 'unknown element');
    for (const [k, x] of Object.entries(v)) {
      if (x === null || (Array.isArray(x) && x.length === 0)) this.fail(`${path}.${k}`, 'empty or null');
    }
  }

  /** An element of cardinality min..max (max undefined: *). */
  card(v: Json, key: string, min: number, max: number | undefined, path: string): unknown[] {
    const x = v[key];
    if (x === undefined) {
      if (min > 0) this.fail(`${path}.${key}`, 'required');
      return [];
    }
    if (max === 1) {
      if (Array.isArray(x)) this.fail(`${path}.${key}`, 'must not be an array');
      return [x];
    }
    if (!Array.isArray(x)) {
      this.fail(`${path}.${key}`, 'must be an array');
      return [];
    }
    if (x.length < min) this.fail(`${path}.${key}`, `needs at least ${min}`);
    if (max !== undefined && x.length > max) this.fail(`${path}.${key}`, `at most ${max}`);
    return x as unknown[];
  }

  /** Whether `v` is an object of only `kind`'s elements; names the problem at `path` when not. */
  element(v: unknown, path: string, kind: keyof typeof ELEMENTS, problem: string): v is Json {
    if (!isObject(v)) {
      this.fail(path, problem);
      return false;
    }
    this.known(v, ELEMENTS[kind], path);
    return true;
  }

  string(v: unknown, path: string, pattern?: RegExp): void {
    if (typeof v !== 'string' || v.length === 0 || v.trim() !== v)
      this.fail(path, 'must be a non-empty string');
    else if (pattern && !pattern.test(v)) this.fail(path, 'bad format');
  }

  coding(v: unknown, path: string): void {
    if (!this.element(v, path, 'Coding', 'must be a Coding')) return;
    if (v['system'] !== undefined) this.string(v['system'], `${path}.system`, URI);
    if (v['code'] !== undefined) this.string(v['code'], `${path}.code`);
    if (v['display'] !== undefined) this.string(v['display'], `${path}.display`);
    if (v['code'] === undefined && v['display'] === undefined)
      this.fail(path, 'a Coding needs a code or display');
  }

  concept(v: unknown, path: string): void {
    if (!this.element(v, path, 'CodeableConcept', 'must be a CodeableConcept')) return;
    this.card(v, 'coding', 0, undefined, path).forEach((c, i) => {
      this.coding(c, `${path}.coding[${i}]`);
    });
  }

  reference(v: unknown, path: string): void {
    if (!this.element(v, path, 'Reference', 'must be a Reference')) return;
    if (v['reference'] === undefined && v['identifier'] === undefined && v['display'] === undefined) {
      this.fail(path, 'a Reference needs reference, identifier or display (ref-1)');
    }
    if (v['reference'] !== undefined) this.string(v['reference'], `${path}.reference`);
    if (v['type'] !== undefined) this.string(v['type'], `${path}.type`, URI);
    const id = v['identifier'];
    if (id !== undefined && this.element(id, `${path}.identifier`, 'Identifier', 'must be an Identifier')) {
      if (id['system'] !== undefined) this.string(id['system'], `${path}.identifier.system`, URI);
      if (id['value'] !== undefined) this.string(id['value'], `${path}.identifier.value`);
    }
  }

  extensions(v: Json, path: string): void {
    this.card(v, 'extension', 0, undefined, path).forEach((x, i) => {
      const p = `${path}.extension[${i}]`;
      if (!this.element(x, p, 'Extension', 'must be an Extension')) return;
      this.string(x['url'], `${p}.url`, URI);
      const values = Object.keys(x).filter((k) => k.startsWith('value'));
      if (values.length !== 1) this.fail(p, 'needs exactly one value[x]');
      const u = x['valueUnsignedInt'];
      if (u !== undefined && (typeof u !== 'number' || !Number.isInteger(u) || u < 0 || u > 2147483647)) {
        this.fail(`${p}.valueUnsignedInt`, 'bad unsignedInt');
      }
    });
  }

  auditEvent(v: unknown, path: string): void {
    if (!this.element(v, path, 'AuditEvent', 'must be an object')) return;
    if (v['resourceType'] !== 'AuditEvent') this.fail(`${path}.resourceType`, 'must be AuditEvent');
    if (v['id'] !== undefined) this.string(v['id'], `${path}.id`, ID);
    this.extensions(v, path);
    this.card(v, 'type', 1, 1, path).forEach((c) => {
      this.coding(c, `${path}.type`);
    });
    this.card(v, 'subtype', 0, undefined, path).forEach((c, i) => {
      this.coding(c, `${path}.subtype[${i}]`);
    });
    if (v['action'] !== undefined && !ACTIONS.includes(v['action'] as string))
      this.fail(`${path}.action`, 'not in C|R|U|D|E');
    this.card(v, 'recorded', 1, 1, path).forEach((r) => {
      this.string(r, `${path}.recorded`, INSTANT);
    });
    if (v['outcome'] !== undefined && !OUTCOMES.includes(v['outcome'] as string))
      this.fail(`${path}.outcome`, 'not in 0|4|8|12');
    if (v['outcomeDesc'] !== undefined) this.string(v['outcomeDesc'], `${path}.outcomeDesc`);
    this.card(v, 'purposeOfEvent', 0, undefined, path).forEach((c, i) => {
      this.concept(c, `${path}.purposeOfEvent[${i}]`);
    });
    this.card(v, 'agent', 1, undefined, path).forEach((a, i) => {
      const p = `${path}.agent[${i}]`;
      if (!this.element(a, p, 'agent', 'must be an object')) return;
      this.card(a, 'type', 0, 1, p).forEach((c) => {
        this.concept(c, `${p}.type`);
      });
      this.card(a, 'role', 0, undefined, p).forEach((c, j) => {
        this.concept(c, `${p}.role[${j}]`);
      });
      this.card(a, 'who', 0, 1, p).forEach((r) => {
        this.reference(r, `${p}.who`);
      });
      this.card(a, 'requestor', 1, 1, p).forEach((r) => {
        if (typeof r !== 'boolean') this.fail(`${p}.requestor`, 'must be a boolean');
      });
      this.card(a, 'purposeOfUse', 0, undefined, p).forEach((c, j) => {
        this.concept(c, `${p}.purposeOfUse[${j}]`);
      });
    });
    this.card(v, 'source', 1, 1, path).forEach((s) => {
      const p = `${path}.source`;
      if (!this.element(s, p, 'source', 'must be an object')) return;
      if (s['site'] !== undefined) this.string(s['site'], `${p}.site`);
      this.card(s, 'observer', 1, 1, p).forEach((r) => {
        this.reference(r, `${p}.observer`);
      });
      this.card(s, 'type', 0, undefined, p).forEach((c, j) => {
        this.coding(c, `${p}.type[${j}]`);
      });
    });
    this.card(v, 'entity', 0, undefined, path).forEach((e, i) => {
      const p = `${path}.entity[${i}]`;
      if (!this.element(e, p, 'entity', 'must be an object')) return;
      this.card(e, 'what', 0, 1, p).forEach((r) => {
        this.reference(r, `${p}.what`);
      });
      for (const k of ['type', 'role', 'lifecycle'] as const) {
        this.card(e, k, 0, 1, p).forEach((c) => {
          this.coding(c, `${p}.${k}`);
        });
      }
      // sev-1: either a name or a query, not both.
      if (e['name'] !== undefined && e['query'] !== undefined)
        this.fail(p, 'name and query together (sev-1)');
    });
  }

  bundle(v: unknown): void {
    if (!this.element(v, 'Bundle', 'Bundle', 'must be an object')) return;
    if (v['resourceType'] !== 'Bundle') this.fail('Bundle.resourceType', 'must be Bundle');
    if (!BUNDLE_TYPES.includes(v['type'] as string)) this.fail('Bundle.type', 'not a bundle-type code');
    if (v['timestamp'] !== undefined) this.string(v['timestamp'], 'Bundle.timestamp', INSTANT);
    const total = v['total'];
    if (total !== undefined && (typeof total !== 'number' || !Number.isInteger(total) || total < 0)) {
      this.fail('Bundle.total', 'must be an unsignedInt');
    }
    this.card(v, 'entry', 0, undefined, 'Bundle').forEach((e, i) => {
      const p = `Bundle.entry[${i}]`;
      if (!this.element(e, p, 'entry', 'must be an object')) return;
      if (e['fullUrl'] !== undefined) this.string(e['fullUrl'], `${p}.fullUrl`, URI);
      this.auditEvent(e['resource'], `${p}.resource`);
    });
  }
}

/** Problems of one AuditEvent against the R4 structure; empty when valid. */
export function checkR4AuditEvent(resource: unknown): string[] {
  const c = new Checker();
  c.auditEvent(resource, 'AuditEvent');
  return c.problems;
}

/** Problems of a Bundle of AuditEvents against the R4 structure; empty when valid. */
export function checkR4AuditBundle(bundle: unknown): string[] {
  const c = new Checker();
  c.bundle(bundle);
  return c.problems;
}
