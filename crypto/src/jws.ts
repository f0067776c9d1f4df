/**
 * Compact JWS (RFC 7515) for patient-signed payloads, with `ES256` or `SM2SM3`. The verifier takes
 * the algorithm from the header only when the deployment accepts it and the patient's registered key
 * is of that algorithm's curve, so neither `none`, nor an algorithm the profile refuses, nor a key
 * used under another algorithm than its own gets through.
 */
import { randomBytes } from 'node:crypto';

import { fromBase64Url, toBase64Url } from './bytes';
import {
  algorithmOfCurve,
  CURVE_OF,
  isSignatureAlgorithm,
  signBytes,
  verifyBytes,
  type EcPrivateJwk,
  type EcPublicJwk,
  type SignatureAlgorithm,
} from './signature';

/** The protected header MedLedger writes and accepts: exactly `alg`, `kid` and optionally `typ`. */
export interface JwsHeader {
  readonly alg: SignatureAlgorithm;
  readonly kid: string;
  readonly typ?: string;
}

/** Thrown when a compact JWS is malformed, of a refused algorithm, or does not verify. */
export class JwsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwsError';
  }
}

/** A decoded compact JWS whose signature is not yet checked. */
export interface DecodedJws {
  readonly header: JwsHeader;
  readonly payload: unknown;
  readonly signingInput: string;
  readonly signature: Buffer;
}

/** Which signature algorithms a verifier accepts; a {@link CryptoProfile} is one. */
export interface JwsPolicy {
  readonly acceptedSignatureAlgorithms: readonly SignatureAlgorithm[];
}

/** Longest compact JWS accepted (bounds the work an unauthenticated input can cause). */
export const MAX_JWS_LENGTH = 8192;
const MAX_KID_LENGTH = 256;
const MAX_TYP_LENGTH = 64;

/**
 * Signs `payload` (already serialized: JSON text or its UTF-8 bytes) as a compact JWS with the
 * algorithm of the key's curve. The header is written with its members in sorted order, so the same
 * payload, key and `kid` give the same signing input.
 */
export function signCompactJws(
  payload: string | Uint8Array,
  privateJwk: EcPrivateJwk,
  kid: string,
  options: { readonly typ?: string } = {},
): string {
  const alg = algorithmOfCurve(privateJwk.crv);
  const header: JwsHeader = options.typ === undefined ? { alg, kid } : { alg, kid, typ: options.typ };
  const signingInput = `${toBase64Url(JSON.stringify(header))}.${toBase64Url(payload)}`;
  return `${signingInput}.${toBase64Url(signBytes(alg, privateJwk, Buffer.from(signingInput)))}`;
}

function decodeJsonPart(part: string): unknown {
  try {
    return JSON.parse(fromBase64Url(part).toString('utf8'));
  } catch {
    throw new JwsError('not base64url JSON');
  }
}

function parseHeader(value: unknown, policy: JwsPolicy): JwsHeader {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwsError('bad header');
  const { alg, kid, typ, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new JwsError('unsupported header member');
  if (!isSignatureAlgorithm(alg) || !policy.acceptedSignatureAlgorithms.includes(alg)) {
    throw new JwsError('algorithm not accepted');
  }
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)
    throw new JwsError('bad kid');
  if (typ === undefined) return { alg, kid };
  if (typeof typ !== 'string' || typ.length > MAX_TYP_LENGTH) throw new JwsError('bad typ');
  return { alg, kid, typ };
}

/**
 * Decodes a compact JWS without checking its signature. Throws {@link JwsError} when it is too long,
 * not three base64url parts, not JSON, its header has members other than `alg`, `kid`, `typ`, or its
 * `alg` is not one `policy` accepts (`none` never is).
 */
export function decodeCompactJws(jws: string, policy: JwsPolicy): DecodedJws {
  if (jws.length > MAX_JWS_LENGTH) throw new JwsError('too long');
  const parts = jws.split('.');
  if (parts.length !== 3) throw new JwsError('not a compact JWS');
  const [h, p, s] = parts as [string, string, string];
  const header = parseHeader(decodeJsonPart(h), policy);
  const payload = decodeJsonPart(p);
  let signature: Buffer;
  try {
    signature = fromBase64Url(s);
  } catch {
    throw new JwsError('signature not base64url');
  }
  return { header, payload, signingInput: `${h}.${p}`, signature };
}

/**
 * True when a decoded JWS verifies with `publicJwk`; false when the key is not of the header
 * algorithm's curve (a P-256 key never verifies an `SM2SM3` JWS, nor the reverse).
 */
export function verifyDecodedJws(decoded: DecodedJws, publicJwk: EcPublicJwk): boolean {
  const { alg } = decoded.header;
  if (publicJwk.crv !== CURVE_OF[alg]) return false;
  return verifyBytes(alg, publicJwk, Buffer.from(decoded.signingInput), decoded.signature);
}

/**
 * Decodes and verifies a patient's compact JWS against their registered key under the deployment's
 * `policy` (its crypto profile); returns the header and the payload, not yet schema-checked. Throws
 * {@link JwsError}. Deterministic: the chaincode calls it on every endorsing peer.
 */
export function verifyPatientJws(
  jws: string,
  publicJwk: EcPublicJwk,
  policy: JwsPolicy,
): { header: JwsHeader; payload: unknown } {
  const decoded = decodeCompactJws(jws, policy);
  if (!verifyDecodedJws(decoded, publicJwk)) throw new JwsError('signature does not verify');
  return { header: decoded.header, payload: decoded.payload };
}

/** A patient's signing key as their app or the CLI holds it. */
export interface PatientSigner {
  readonly patientDid: string;
  readonly privateJwk: EcPrivateJwk;
  /** The key id in the patient's DID document (their current key). */
  readonly kid: string;
}

/** How {@link signPatientPayload} stamps and serializes a payload. */
export interface PatientPayloadOptions {
  /** The signer's clock, in ms since the epoch. */
  readonly nowMs: number;
  /** Validity from `iat`, in seconds (default 600). */
  readonly ttlSeconds?: number;
  /**
   * The payload's serializer (default `JSON.stringify`). The verifier checks the bytes as sent, so
   * any serializer verifies; pass the domain's canonical JSON for canonical signing inputs.
   */
  readonly serialize?: (payload: Readonly<Record<string, unknown>>) => string;
}

/**
 * Signs what a patient app sends for a grant, revocation, preference, key rotation or proof: `body`
 * with the replay and freshness fields every patient-signed payload carries (`patientDid`, a fresh
 * random `nonce`, `iat`, `exp`), as `ES256` or `SM2SM3` after the signer's key. Fields in `body` win,
 * so a test can sign an expired or replayed payload on purpose. Client side only: it draws
 * randomness and reads the caller's clock.
 */
export function signPatientPayload(
  body: Readonly<Record<string, unknown>>,
  signer: PatientSigner,
  options: PatientPayloadOptions,
): string {
  const iat = Math.floor(options.nowMs / 1000);
  const payload = {
    patientDid: signer.patientDid,
    nonce: randomBytes(18).toString('base64url'),
    iat,
    exp: iat + (options.ttlSeconds ?? 600),
    ...body,
  };
  const serialize = options.serialize ?? ((value) => JSON.stringify(value));
  return signCompactJws(serialize(payload), signer.privateJwk, signer.kid);
}
