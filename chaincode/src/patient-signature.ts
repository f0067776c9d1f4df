import {
  decodeCompactJws,
  ErrorCode,
  JwsError,
  p256PublicJwkSchema,
  verifyDecodedJws,
  type DecodedJws,
  type DidDocument,
  type P256PublicJwk,
} from '@medledger/domain';
import type { z } from 'zod';
import { fail } from './errors';
import type { Ledger } from './ledger/store';

/** How far in the future a signature's `iat` may be (clock skew of the patient's device), in seconds. */
const MAX_IAT_SKEW_SECONDS = 300;
/** Longest validity of one signature, in seconds. */
const MAX_SIGNATURE_LIFETIME_SECONDS = 7 * 24 * 3600;

interface SignedBase {
  typ: string;
  patientDid: string;
  nonce: string;
  iat: number;
  exp: number;
}

/** A patient-signed payload, decoded and parsed but not yet verified. */
export interface SignedPayload<P extends SignedBase> {
  readonly decoded: DecodedJws;
  readonly payload: P;
}

/** What accepting a signed payload also checks. */
export interface AcceptOptions {
  /**
   * The payload sets state that a later payload of the same type replaces (preferences, keys): its
   * `iat` must be after the last accepted one of this patient and type, else `[STALE_PAYLOAD]`, so an
   * older signed payload relayed again cannot roll the state back.
   */
  readonly monotonic?: boolean;
  /**
   * The payload is used once per scope rather than once: its nonce is consumed as `<nonce>@<scope>`
   * (a summary request opens one access at each custodian).
   */
  readonly nonceScope?: string;
}

/**
 * Decodes a compact JWS a patient signed and parses its payload with `schema`; nothing is verified
 * yet. `[INVALID_SIGNATURE] malformed`, `[VALIDATION_FAILED] payload <paths>`.
 */
export function decodePatientPayload<S extends z.ZodType<SignedBase>>(
  jws: string,
  schema: S,
): SignedPayload<z.output<S>> {
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
  return { decoded, payload: parsed.data };
}

/**
 * Accepts a decoded patient payload signed by `key` (its header `kid` must be `key.kid`) at the
 * transaction time: verifies the signature, the time window, consumes the nonce and, when
 * `monotonic`, advances the patient's last `iat` of the payload type. Errors: `[INVALID_SIGNATURE]`
 * (key id or signature), `[EXPIRED]` (`exp` not after the tx time), `[VALIDATION_FAILED]` (`iat` in
 * the future or lifetime too long), `[REPLAYED_NONCE]`, `[STALE_PAYLOAD]`.
 */
export async function acceptPatientPayload(
  ledger: Ledger,
  signed: SignedPayload<SignedBase>,
  key: { readonly kid: string; readonly jwk: P256PublicJwk },
  options: AcceptOptions = {},
): Promise<void> {
  const { decoded, payload } = signed;
  if (decoded.header.kid !== key.kid) fail(ErrorCode.INVALID_SIGNATURE, 'patient key id');
  if (!verifyDecodedJws(decoded, key.jwk)) fail(ErrorCode.INVALID_SIGNATURE, 'patient');
  const nowSeconds = Math.floor(ledger.txMs / 1000);
  if (payload.exp <= nowSeconds) fail(ErrorCode.EXPIRED, 'signature');
  if (
    payload.iat > nowSeconds + MAX_IAT_SKEW_SECONDS ||
    payload.exp - payload.iat > MAX_SIGNATURE_LIFETIME_SECONDS
  ) {
    fail(ErrorCode.VALIDATION_FAILED, 'payload iat,exp');
  }
  const nonce = options.nonceScope === undefined ? payload.nonce : `${payload.nonce}@${options.nonceScope}`;
  await ledger.useNonce(payload.patientDid, nonce);
  if (options.monotonic === true) await ledger.advanceSignedIat(payload.patientDid, payload.typ, payload.iat);
}

/** The DID document of a patient; `[NOT_FOUND]`, `[INACTIVE]`. */
export async function activePatient(ledger: Ledger, patientDid: string): Promise<DidDocument> {
  const doc = await ledger.getPatient(patientDid);
  if (!doc) return fail(ErrorCode.NOT_FOUND, 'patient');
  if (doc.medledger.status !== 'active') fail(ErrorCode.INACTIVE, 'patient');
  return doc;
}

/**
 * Verifies a compact JWS signed by a patient's CURRENT key (their DID document's `currentKeyId`) at
 * the transaction time and accepts it ({@link acceptPatientPayload}). Errors: those of
 * {@link decodePatientPayload}, {@link activePatient} and {@link acceptPatientPayload}.
 */
export async function verifyPatientSignature<S extends z.ZodType<SignedBase>>(
  ledger: Ledger,
  jws: string,
  schema: S,
  options: AcceptOptions = {},
): Promise<{ payload: z.output<S>; doc: DidDocument }> {
  const signed = decodePatientPayload(jws, schema);
  const doc = await activePatient(ledger, signed.payload.patientDid);
  const method = doc.verificationMethod.find((m) => m.id === doc.medledger.currentKeyId);
  if (!method) return fail(ErrorCode.INVALID_SIGNATURE, 'patient key id');
  await acceptPatientPayload(
    ledger,
    signed,
    { kid: method.id, jwk: p256PublicJwkSchema.parse(method.publicKeyJwk) },
    options,
  );
  return { payload: signed.payload, doc };
}
