import { createHash } from 'node:crypto';

/** A value that canonical JSON can represent. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Thrown when a value cannot be serialized canonically (undefined, NaN, a Date, a cycle...). */
export class CanonicalJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalJsonError';
  }
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function write(value: unknown, path: string, seen: Set<object>): string {
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
      seen.add(value);
      try {
        if (Array.isArray(value)) {
          return `[${value.map((item: unknown, i) => write(item, `${path}[${i}]`, seen)).join(',')}]`;
        }
        if (!isPlainObject(value)) throw new CanonicalJsonError(`not a plain object at ${path}`);
        const record = value as Record<string, unknown>;
        const parts: string[] = [];
        for (const key of Object.keys(record).sort()) {
          const item = record[key];
          if (item === undefined) continue;
          parts.push(`${JSON.stringify(key)}:${write(item, `${path}.${key}`, seen)}`);
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
 * bigints, functions, symbols, class instances (Date, Map, Buffer) and cycles. Two endorsing peers
 * given equal values therefore produce identical bytes.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

/** UTF-8 bytes of {@link canonicalJson}. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Lower-case hex SHA-256 of a string (as UTF-8) or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
