import { createHash, randomBytes } from 'node:crypto';
import { algorithmOfCurve, generateKeyPair, parsePublicJwk, signBytes, verifyBytes } from '@medledger/crypto';
import { z } from 'zod';
import {
  base64urlOfBytes,
  jwkThumbprintInput,
  jwsSigningInput,
  patientPayload,
  PATIENT_SIGNATURE_ALGORITHMS,
  type JwsHeader,
  type PatientSignatureAlgorithm,
} from './signed-payload';

const coordinateSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/**
 * zod: a patient's public key as a JWK (private parts rejected): `crv` `P-256` for ES256, or `SM2`
 * (the recommended curve of GB/T 32918.5) for SM2SM3. The key type fixes the algorithm: a JWS is
 * verified only under the algorithm of its key's curve.
 */
export const patientPublicJwkSchema = z
  .strictObject({
    kty: z.literal('EC'),
    crv: z.enum(['P-256', 'SM2']),
    x: coordinateSchema,
    y: coordinateSchema,
  })
  // A point off the curve would register a patient whose signatures can never verify (or, with a
  // weak verifier, invite invalid-curve tricks).
  .refine(isCurvePoint, { error: 'not a point on the named curve' });

function isCurvePoint(jwk: { kty: string; crv: string; x: string; y: string }): boolean {
  try {
    parsePublicJwk({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
    return true;
  } catch {
    return false;
  }
}
/** A patient's public JWK (P-256 or SM2). */
export type PatientPublicJwk = z.infer<typeof patientPublicJwkSchema>;

/**
 * zod: a P-256 public JWK only, for keys that sign ES256 whatever the deployment's profile: an
 * SD-JWT's issuer and holder keys (SD-JWT and its key binding have no registered SM2 algorithm).
 */
export const es256PublicJwkSchema = patientPublicJwkSchema.refine((jwk) => jwk.crv === 'P-256', {
  error: 'an ES256 key (crv P-256) is required',
});
/** A P-256 public JWK. */
export type Es256PublicJwk = z.infer<typeof es256PublicJwkSchema>;

/** The JWS algorithm a patient key signs and is verified with (its curve decides). */
export function algorithmOfKey(jwk: { readonly crv: 'P-256' | 'SM2' }): PatientSignatureAlgorithm {
  return algorithmOfCurve(jwk.crv);
}

/**
 * The RFC 7638 JWK thumbprint of a patient public key: base64url SHA-256 of the JSON of `crv`, `kty`,
 * `x` and `y` in that order without whitespace (exactly what canonical JSON of those four members is).
 * SHA-256 for SM2 keys too: the thumbprint only names a key, and RFC 7638 fixes the hash with the name.
 * A patient's DID document keeps only the thumbprint of their recovery key, so the key itself stays
 * unknown until the patient uses it.
 */
export function jwkThumbprint(jwk: PatientPublicJwk): string {
  return createHash('sha256').update(jwkThumbprintInput(jwk)).digest('base64url');
}

/** zod: an RFC 7638 SHA-256 JWK thumbprint (43 base64url characters). */
export const jwkThumbprintSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** A patient's private JWK (has `d`). */
export interface PatientPrivateJwk extends PatientPublicJwk {
  d: string;
}

/** Thrown when a compact JWS is malformed or its signature does not verify. */
export class JwsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwsError';
  }
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function fromB64url(part: string): Buffer {
  if (!B64URL.test(part)) throw new JwsError('not base64url');
  return Buffer.from(part, 'base64url');
}

/**
 * Generates a patient key pair as JWKs (for tests, the patient app and the local network): P-256 for
 * `ES256` (the default), the SM2 curve for `SM2SM3`.
 */
export function generatePatientKey(algorithm: PatientSignatureAlgorithm = 'ES256'): {
  publicJwk: PatientPublicJwk;
  privateJwk: PatientPrivateJwk;
} {
  const { publicJwk, privateJwk } = generateKeyPair(algorithm);
  return { publicJwk: { ...publicJwk }, privateJwk: { ...privateJwk } };
}

/**
 * Signs `payload` as a compact JWS with the algorithm of the key's curve (protected header
 * `{alg, kid}`: ES256 for P-256, SM2SM3 for SM2 with the default distinguishing identifier of
 * GM/T 0009). The payload is serialized canonically, so equal payloads give equal signing inputs.
 */
export function signCompactJws(payload: object, privateJwk: PatientPrivateJwk, kid: string): string {
  const alg = algorithmOfKey(privateJwk);
  const signingInput = jwsSigningInput({ alg, kid }, payload);
  return `${signingInput}.${base64urlOfBytes(signBytes(alg, privateJwk, Buffer.from(signingInput)))}`;
}
/** The patient's signing key as a patient app holds it. */
export interface PatientSigner {
  readonly patientDid: string;
  readonly privateJwk: PatientPrivateJwk;
  /** The key id in the patient's DID document (its current key). */
  readonly kid: string;
}

/**
 * What a patient app sends for a grant, revocation, preference, key rotation or access-log proof:
 * `body` (its `typ` and fields) with the replay and freshness fields every patient-signed payload
 * carries (`patientDid`, a fresh random `nonce`, `iat`, `exp`), signed with the patient's key. Fields
 * in `body` win, so a test can sign an expired or replayed payload on purpose. Client side only:
 * the chaincode never calls it (it draws randomness).
 */
export function signPatientPayload(
  body: Readonly<Record<string, unknown>>,
  signer: PatientSigner,
  options: { readonly nowMs: number; readonly ttlSeconds?: number },
): string {
  // The caller's clock, passed in: this module is also loaded by the chaincode, which must not read one.
  const payload = patientPayload(body, signer.patientDid, {
    ...options,
    nonce: randomBytes(18).toString('base64url'),
  });
  return signCompactJws(payload, signer.privateJwk, signer.kid);
}

/** A decoded, not yet verified, compact JWS. */
export interface DecodedJws {
  header: JwsHeader;
  payload: unknown;
  signingInput: string;
  signature: Buffer;
}

/** Longest compact JWS accepted. */
export const MAX_JWS_LENGTH = 8192;

/**
 * Decodes a compact JWS without verifying it. Throws {@link JwsError} when it is malformed or its
 * header is not `{alg, kid}` with `alg` ES256 or SM2SM3 (any other `alg`, including `none`, is rejected).
 */
export function decodeCompactJws(jws: string): DecodedJws {
  if (jws.length > MAX_JWS_LENGTH) throw new JwsError('too long');
  const parts = jws.split('.');
  if (parts.length !== 3) throw new JwsError('not a compact JWS');
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(fromB64url(h).toString('utf8'));
    payload = JSON.parse(fromB64url(p).toString('utf8'));
  } catch {
    throw new JwsError('not JSON');
  }
  const parsed = z
    .strictObject({
      alg: z.enum(PATIENT_SIGNATURE_ALGORITHMS),
      kid: z.string().min(1).max(256),
      typ: z.string().max(64).optional(),
    })
    .safeParse(header);
  if (!parsed.success) throw new JwsError('unsupported header');
  const signature = fromB64url(s);
  if (signature.length !== 64) throw new JwsError('bad signature length');
  const result: JwsHeader = { alg: parsed.data.alg, kid: parsed.data.kid };
  if (parsed.data.typ !== undefined) result.typ = parsed.data.typ;
  return { header: result, payload, signingInput: `${h}.${p}`, signature };
}

/**
 * Verifies a decoded JWS against a patient public JWK, under the header's algorithm only when it is
 * the algorithm of the key's curve: a JWS claiming SM2SM3 never verifies against a P-256 key, nor
 * ES256 against an SM2 key. Deterministic and randomness-free (the chaincode calls it on every peer).
 */
export function verifyDecodedJws(decoded: DecodedJws, publicJwk: PatientPublicJwk): boolean {
  if (decoded.header.alg !== algorithmOfKey(publicJwk)) return false;
  return verifyBytes(decoded.header.alg, publicJwk, Buffer.from(decoded.signingInput), decoded.signature);
}

/** Decodes and verifies a compact JWS; returns its header and payload or throws {@link JwsError}. */
export function verifyCompactJws(
  jws: string,
  publicJwk: PatientPublicJwk,
): { header: JwsHeader; payload: unknown } {
  const decoded = decodeCompactJws(jws);
  if (!verifyDecodedJws(decoded, publicJwk)) throw new JwsError('signature does not verify');
  return { header: decoded.header, payload: decoded.payload };
}
