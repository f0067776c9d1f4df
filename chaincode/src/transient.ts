import { ErrorCode, exceedsJsonDepth, MAX_CONTENT_BYTES, MAX_JSON_DEPTH } from '@medledger/domain';
import type { z } from 'zod';
import { fail } from './errors';
import type { Ledger } from './ledger/store';

function hasProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasProtoKey);
  if (typeof value !== 'object' || value === null) return false;
  return Object.keys(value).some(
    (k) => k === '__proto__' || hasProtoKey((value as Record<string, unknown>)[k]),
  );
}

/**
 * The JSON value under one transient-map key, or undefined when the key is absent.
 * `[VALIDATION_FAILED] <key>` when it is too large, not JSON, nested deeper than `MAX_JSON_DEPTH`
 * (checked before anything recurses over the value), or holds a `__proto__` key. The detail names the
 * key, never the value (transient data is exactly what must not be logged).
 */
export function readTransientJson(ledger: Ledger, key: string): { value: unknown; raw: Buffer } | undefined {
  const raw = ledger.transient(key);
  if (!raw) return undefined;
  if (raw.length > MAX_CONTENT_BYTES * 2) return fail(ErrorCode.VALIDATION_FAILED, `${key} too large`);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return fail(ErrorCode.VALIDATION_FAILED, `${key} not JSON`);
  }
  if (exceedsJsonDepth(value, MAX_JSON_DEPTH)) return fail(ErrorCode.VALIDATION_FAILED, `${key} too deep`);
  if (hasProtoKey(value)) return fail(ErrorCode.VALIDATION_FAILED, key);
  return { value, raw };
}

/**
 * The transient map read as the object `schema` describes (one JSON value per key);
 * `[VALIDATION_FAILED] <keys>` when a key is missing or a value is off its schema.
 */
export function readTransient<S extends z.ZodObject>(ledger: Ledger, schema: S): z.output<S> {
  const map: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const entry = readTransientJson(ledger, key);
    if (entry) map[key] = entry.value;
  }
  const parsed = schema.safeParse(map);
  if (!parsed.success) {
    const paths = [...new Set(parsed.error.issues.map((i) => i.path.map(String).join('.') || '$'))].slice(
      0,
      8,
    );
    return fail(ErrorCode.VALIDATION_FAILED, `transient ${paths.join(',')}`);
  }
  return parsed.data;
}
