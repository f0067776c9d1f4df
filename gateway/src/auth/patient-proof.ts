/**
 * Proof of possession of a patient's key (issue 5: the access log is "authenticated by the patient's
 * key"). Besides their token, the patient sends a short-lived compact JWS (ES256, or SM2SM3 for an
 * SM2 key) signed with the current key of their DID document, in the `Medledger-Patient-Proof` header, over
 * `{ typ: 'medledger.access-log.read', patientDid, aud: <gateway MSP ID>, nonce, iat, exp }`.
 * The gateway resolves the DID document through the ledger, checks the key id, the signature, the
 * audience, the time window and the DID, and refuses a nonce it has already seen (kept on disk until the
 * proof expires, across restarts).
 */

import {
  accessLogReadPayloadSchema,
  decodeCompactJws,
  JwsError,
  patientPublicJwkSchema,
  signPatientPayload,
  SIGNED_PAYLOAD_TYPES,
  verifyDecodedJws,
  type AccessLogReadPayload,
  type DecodedJws,
  type DidDocument,
  type PatientPrivateJwk,
} from '@medledger/domain';

import { AppError, GatewayErrorCode } from '../errors';

/** The request header that carries the proof. */
export const PATIENT_PROOF_HEADER = 'Medledger-Patient-Proof';
/** Longest accepted `exp - iat`, in seconds. */
export const PATIENT_PROOF_MAX_LIFETIME_SECONDS = 300;
/** How far in the future `iat` may be (the patient device's clock skew), in seconds. */
export const PATIENT_PROOF_MAX_SKEW_SECONDS = 30;

/**
 * The nonces of proofs already accepted, each kept until its proof expires (the gateway keeps them in
 * SQLite, `nonce-store.ts`, so they survive a restart).
 */
export interface NonceCache {
  /**
   * Records `nonce` of `owner` (the patient DID) until `expiresAtMs`; false when it is already recorded
   * and not expired. Throws a 429 AppError when `owner`, or everyone together, holds too many unexpired
   * nonces (a live nonce is never forgotten).
   */
  use(owner: string, nonce: string, expiresAtMs: number, nowMs: number): boolean;
}

function invalid(detail: string): AppError {
  return new AppError(GatewayErrorCode.PATIENT_PROOF_INVALID, detail);
}

/** What {@link verifyPatientProof} checks a proof against. */
export interface PatientProofCheck {
  /** The header value (undefined when absent). */
  readonly proof: string | undefined;
  /** The patient DID of the path. */
  readonly patientDid: string;
  /** The subject of the caller's patient token. */
  readonly subject: string;
  /** This gateway's org MSP ID (the expected `aud`). */
  readonly audience: string;
  /** Resolves a DID document through the ledger (404 AppError when unknown). */
  readonly resolve: (did: string) => Promise<DidDocument>;
  readonly nonces: NonceCache;
  readonly nowMs?: number;
}

/**
 * Verifies a patient proof; resolves with its payload or throws a 401 AppError
 * (`PATIENT_PROOF_REQUIRED` when absent, `PATIENT_PROOF_INVALID` otherwise, `detail` says which check).
 */
export async function verifyPatientProof(check: PatientProofCheck): Promise<AccessLogReadPayload> {
  const nowMs = check.nowMs ?? Date.now();
  if (check.proof === undefined || check.proof === '') {
    throw new AppError(
      GatewayErrorCode.PATIENT_PROOF_REQUIRED,
      `send a proof signed with the patient key in ${PATIENT_PROOF_HEADER}`,
    );
  }
  let decoded: DecodedJws;
  try {
    decoded = decodeCompactJws(check.proof);
  } catch (err) {
    if (err instanceof JwsError) throw invalid('malformed proof');
    throw err;
  }
  const parsed = accessLogReadPayloadSchema.safeParse(decoded.payload);
  if (!parsed.success) throw invalid('proof payload');
  const payload = parsed.data;
  if (payload.patientDid !== check.patientDid || payload.patientDid !== check.subject) {
    throw invalid('proof patientDid');
  }
  if (payload.aud !== check.audience) throw invalid('proof aud');
  const nowSeconds = Math.floor(nowMs / 1000);
  if (payload.exp <= nowSeconds) throw invalid('proof expired');
  if (
    payload.iat > nowSeconds + PATIENT_PROOF_MAX_SKEW_SECONDS ||
    payload.exp <= payload.iat ||
    payload.exp - payload.iat > PATIENT_PROOF_MAX_LIFETIME_SECONDS
  ) {
    throw invalid('proof iat,exp');
  }
  let doc: DidDocument;
  try {
    doc = await check.resolve(payload.patientDid);
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw invalid('unknown patient');
    throw err;
  }
  if (doc.id !== payload.patientDid || doc.medledger.kind !== 'patient') throw invalid('unknown patient');
  if (doc.medledger.status !== 'active') throw invalid('patient not active');
  const keyId = doc.medledger.currentKeyId;
  const method = doc.verificationMethod.find((m) => m.id === keyId);
  if (!method || decoded.header.kid !== method.id) throw invalid('proof kid is not the current key');
  const key = patientPublicJwkSchema.safeParse(method.publicKeyJwk);
  if (!key.success || !verifyDecodedJws(decoded, key.data)) throw invalid('proof signature');
  if (!check.nonces.use(payload.patientDid, payload.nonce, payload.exp * 1000, nowMs)) {
    throw invalid('proof nonce replayed');
  }
  return payload;
}

/**
 * Signs a proof as a patient app does (the CLI and tests): `aud` is the MSP ID of the gateway's org,
 * `kid` the current key id of the patient's DID document. Fields of `over` replace the defaults.
 */
export function signPatientProof(
  privateJwk: PatientPrivateJwk,
  kid: string,
  claims: { patientDid: string; aud: string; ttlSeconds?: number; nowMs?: number },
  over: Partial<AccessLogReadPayload> = {},
): string {
  return signPatientPayload(
    { typ: SIGNED_PAYLOAD_TYPES.accessLogRead, aud: claims.aud, ...over },
    { patientDid: claims.patientDid, privateJwk, kid },
    {
      ttlSeconds: claims.ttlSeconds ?? 120,
      nowMs: claims.nowMs ?? Date.now(),
    },
  );
}
