import {
  decodeCompactJws,
  ErrorCode,
  JwsError,
  p256PublicJwkSchema,
  verifyDecodedJws,
  type DidDocument,
} from '@medledger/domain';
import type { z } from 'zod';
import { fail } from './errors';
import type { Ledger } from './ledger/store';

/** How far in the future a signature's `iat` may be (clock skew of the patient's device), in seconds. */
const MAX_IAT_SKEW_SECONDS = 300;
/** Longest validity of one signature, in seconds. */
const MAX_SIGNATURE_LIFETIME_SECONDS = 7 * 24 * 3600;

interface SignedBase {
  patientDid: string;
  nonce: string;
  iat: number;
  exp: number;
}

/**
 * Verifies a compact JWS signed by a patient against their DID document at the transaction time, and
 * consumes its nonce. Errors: `[INVALID_SIGNATURE]` (malformed, wrong `alg`, unknown key id, bad
 * signature), `[VALIDATION_FAILED]` (payload shape, `iat` in the future), `[NOT_FOUND]` (patient),
 * `[INACTIVE]`, `[EXPIRED]` (`exp` not after the tx time), `[REPLAYED_NONCE]`.
 */
export async function verifyPatientSignature<S extends z.ZodType<SignedBase>>(
  ledger: Ledger,
  jws: string,
  schema: S,
): Promise<{ payload: z.output<S>; doc: DidDocument }> {
  let decoded;
  try {
    decoded = decodeCompactJws(jws);
  } catch (err) {
    if (err instanceof JwsError) return fail(ErrorCode.INVALID_SIGNATURE, 'malformed');
    throw err;
  }
  const parsed = schema.safeParse(decoded.payload);
  if (!parsed.success) {
    const paths = [...new Set(parsed.error.issues.map((i) => i.path.map(String).join('.') || '$'))].slice(
      0,
      8,
    );
    return fail(ErrorCode.VALIDATION_FAILED, `payload ${paths.join(',')}`);
  }
  const payload = parsed.data;
  const doc = await ledger.getPatient(payload.patientDid);
  if (!doc) return fail(ErrorCode.NOT_FOUND, 'patient');
  if (doc.medledger.status !== 'active') fail(ErrorCode.INACTIVE, 'patient');
  const method = doc.verificationMethod.find((m) => m.id === doc.medledger.currentKeyId);
  if (!method || decoded.header.kid !== method.id) fail(ErrorCode.INVALID_SIGNATURE, 'patient key id');
  if (!verifyDecodedJws(decoded, p256PublicJwkSchema.parse(method.publicKeyJwk))) {
    fail(ErrorCode.INVALID_SIGNATURE, 'patient');
  }
  const nowSeconds = Math.floor(ledger.txMs / 1000);
  if (payload.exp <= nowSeconds) fail(ErrorCode.EXPIRED, 'signature');
  if (
    payload.iat > nowSeconds + MAX_IAT_SKEW_SECONDS ||
    payload.exp - payload.iat > MAX_SIGNATURE_LIFETIME_SECONDS
  ) {
    fail(ErrorCode.VALIDATION_FAILED, 'payload iat,exp');
  }
  await ledger.useNonce(payload.patientDid, payload.nonce);
  return { payload, doc };
}
