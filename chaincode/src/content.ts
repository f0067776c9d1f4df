import {
  canonicalBytes,
  CanonicalJsonError,
  CONTENT_TRANSIENT_KEY,
  contentEnvelopeSchema,
  contentHashHex,
  ErrorCode,
  type ContentEnvelope,
} from '@medledger/domain';
import type { HashAlgorithm } from '@medledger/crypto';
import { fail } from './errors';
import type { Ledger } from './ledger/store';
import { readTransientJson } from './transient';

/** A content envelope from the transient map: the parsed value, its canonical bytes and hash. */
export interface TransientContent {
  envelope: ContentEnvelope;
  bytes: Buffer;
  contentHash: string;
}

/**
 * Reads `{resource, salt}` from the transient map key `content`. The hash (under `algorithm`: the
 * consortium profile's when staging, the anchor's when verifying) is computed over the canonical JSON
 * of the value as sent (not a re-built copy), so any holder of the same content and
 * salt computes the same hash. `[VALIDATION_FAILED] content` when missing, not JSON, of the wrong
 * shape, holding a `__proto__` key, too large, nested deeper than `MAX_JSON_DEPTH` (checked first: the
 * other checks recurse over the value), or not canonicalizable.
 */
export function readTransientContent(ledger: Ledger, algorithm: HashAlgorithm): TransientContent {
  const entry = readTransientJson(ledger, CONTENT_TRANSIENT_KEY);
  if (!entry) return fail(ErrorCode.VALIDATION_FAILED, 'content missing');
  const value = entry.value;
  if (!contentEnvelopeSchema.safeParse(value).success) return fail(ErrorCode.VALIDATION_FAILED, 'content');
  let bytes: Buffer;
  try {
    bytes = canonicalBytes(value);
  } catch (err) {
    if (err instanceof CanonicalJsonError) return fail(ErrorCode.VALIDATION_FAILED, 'content');
    throw err;
  }
  return { envelope: value as ContentEnvelope, bytes, contentHash: contentHashHex(algorithm, bytes) };
}
