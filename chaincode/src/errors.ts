import { ChaincodeError, ErrorCode, exceedsJsonDepth, MAX_JSON_DEPTH } from '@medledger/domain';
import type { z } from 'zod';

/** Throws `[code] detail`. */
export function fail(code: ErrorCode, detail = ''): never {
  throw new ChaincodeError(code, detail);
}

/**
 * Parses a transaction's one JSON argument with its schema; `[VALIDATION_FAILED] <paths>` otherwise.
 * The detail names the failing fields, never their values (they could hold personal data). Input nested
 * deeper than `MAX_JSON_DEPTH` is `[VALIDATION_FAILED] input too deep` before anything recurses over it.
 */
export function parseInput<S extends z.ZodType>(schema: S, text: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(ErrorCode.VALIDATION_FAILED, 'input is not JSON');
  }
  if (exceedsJsonDepth(raw, MAX_JSON_DEPTH)) return fail(ErrorCode.VALIDATION_FAILED, 'input too deep');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const paths = [...new Set(parsed.error.issues.map((i) => i.path.map(String).join('.') || '$'))].slice(
      0,
      8,
    );
    return fail(ErrorCode.VALIDATION_FAILED, paths.join(','));
  }
  return parsed.data;
}
