/** A value that canonical JSON can represent. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Deepest nesting of arrays and objects accepted wherever JSON crosses a boundary: request bodies at the
 * gateway's edge, transaction inputs and content in the chaincode, and {@link canonicalJson} itself.
 * FHIR resources nest about ten levels in practice (a Questionnaire's items as deep as the form); 64
 * leaves room for that and stays far below the depth at which recursion over a value (canonical JSON,
 * the quality gate, de-identification) would overflow the stack (about 1,800 levels measured).
 */
export const MAX_JSON_DEPTH = 64;

/** Why a value cannot be serialized canonically. */
export type CanonicalJsonErrorCode = 'TOO_DEEP' | 'UNSUPPORTED';

/** Thrown when a value cannot be serialized canonically (undefined, NaN, a Date, a cycle, too deep...). */
export class CanonicalJsonError extends Error {
  /** `TOO_DEEP`: nested deeper than {@link MAX_JSON_DEPTH}; `UNSUPPORTED`: anything else. */
  readonly code: CanonicalJsonErrorCode;

  constructor(message: string, code: CanonicalJsonErrorCode = 'UNSUPPORTED') {
    super(message);
    this.name = 'CanonicalJsonError';
    this.code = code;
  }
}

/**
 * True when arrays and objects in `value` nest deeper than `maxDepth` (`[]` is depth 1, `[[]]` 2).
 * Walks with an explicit stack, so a value of any depth is measured without recursion.
 */
export function exceedsJsonDepth(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const pending: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const item = next.value;
    if (typeof item !== 'object' || item === null) continue;
    if (next.depth > maxDepth) return true;
    const children: unknown[] = Array.isArray(item) ? item : Object.values(item);
    for (const child of children) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function write(value: unknown, path: string, seen: Set<object>, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`non-finite number at ${path}`);
      return JSON.stringify(Object.is(value, -0) ? 0 : value);
    case 'object': {
      if (seen.has(value)) throw new CanonicalJsonError(`cycle at ${path}`);
      if (depth >= MAX_JSON_DEPTH) {
        throw new CanonicalJsonError(`nested deeper than ${String(MAX_JSON_DEPTH)} at ${path}`, 'TOO_DEEP');
      }
      seen.add(value);
      try {
        if (Array.isArray(value)) {
          return `[${value.map((item: unknown, i) => write(item, `${path}[${i}]`, seen, depth + 1)).join(',')}]`;
        }
        if (!isPlainObject(value)) throw new CanonicalJsonError(`not a plain object at ${path}`);
        const record = value as Record<string, unknown>;
        const parts: string[] = [];
        for (const key of Object.keys(record).sort()) {
          const item = record[key];
          if (item === undefined) continue;
          parts.push(`${JSON.stringify(key)}:${write(item, `${path}.${key}`, seen, depth + 1)}`);
        }
        return `{${parts.join(',')}}`;
      } finally {
        seen.delete(value);
      }
    }
    default:
      throw new CanonicalJsonError(`unsupported ${typeof value} at ${path}`);
  }
}

/**
 * Deterministic JSON: object keys sorted by UTF-16 code units, no whitespace, object properties
 * whose value is `undefined` omitted, numbers in ECMAScript shortest form (-0 as 0). Throws
 * {@link CanonicalJsonError} for non-finite numbers, `undefined` outside an object property,
 * bigints, functions, symbols, class instances (Date, Map, Buffer) and cycles, and with code
 * `TOO_DEEP` for arrays and objects nested deeper than {@link MAX_JSON_DEPTH} (before the recursion
 * could overflow the stack). Two endorsing peers given equal values therefore produce identical bytes.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set(), 0);
}
