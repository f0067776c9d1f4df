import {
  canonicalBytes,
  CanonicalJsonError,
  CONTENT_TRANSIENT_KEY,
  contentEnvelopeSchema,
  ErrorCode,
  exceedsJsonDepth,
  MAX_JSON_DEPTH,
  MAX_CONTENT_BYTES,
  sha256Hex,
  type ContentEnvelope,
} from '@medledger/domain';
import { fail } from './errors';
import type { Ledger } from './ledger/store';

function hasProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasProtoKey);
  if (typeof value !== 'object' || value === null) return false;
  return Object.keys(value).some(
    (k) => k === '__proto__' || hasProtoKey((value as Record<string, unknown>)[k]),
  );
}

/** A content envelope from the transient map: the parsed value, its canonical bytes and hash. */
export interface TransientContent {
  envelope: ContentEnvelope;
  bytes: Buffer;
  contentHash: string;
}

/**
 * Reads `{resource, salt}` from the transient map key `content`. The hash is computed over the
 * canonical JSON of the value as sent (not a re-built copy), so any holder of the same content and
 * salt computes the same hash. `[VALIDATION_FAILED] content` when missing, not JSON, of the wrong
 * shape, holding a `__proto__` key, too large, nested deeper than `MAX_JSON_DEPTH` (checked first: the
 * other checks recurse over the value), or not canonicalizable.
 */
export function readTransientContent(ledger: Ledger): TransientContent {
  const raw = ledger.transient(CONTENT_TRANSIENT_KEY);
  if (!raw) return fail(ErrorCode.VALIDATION_FAILED, 'content missing');
  if (raw.length > MAX_CONTENT_BYTES * 2) return fail(ErrorCode.VALIDATION_FAILED, 'content too large');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return fail(ErrorCode.VALIDATION_FAILED, 'content not JSON');
  }
  if (exceedsJsonDepth(value, MAX_JSON_DEPTH)) return fail(ErrorCode.VALIDATION_FAILED, 'content too deep');
  if (!contentEnvelopeSchema.safeParse(value).success || hasProtoKey(value)) {
    return fail(ErrorCode.VALIDATION_FAILED, 'content');
  }
  let bytes: Buffer;
  try {
    bytes = canonicalBytes(value);
  } catch (err) {
    if (err instanceof CanonicalJsonError) return fail(ErrorCode.VALIDATION_FAILED, 'content');
    throw err;
  }
  return { envelope: value as ContentEnvelope, bytes, contentHash: sha256Hex(bytes) };
}
