import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { z } from 'zod';
import {
  base64urlOfBytes,
  jwkThumbprintInput,
  jwsSigningInput,
  patientPayload,
  type JwsHeader,
} from './signed-payload';

/** zod: a P-256 public key as a JWK (private parts rejected). */
export const p256PublicJwkSchema = z
  .strictObject({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    y: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  })
  // A point off the curve would register a patient whose signatures can never verify (or, with a
  // weak verifier, invalid-curve tricks); OpenSSL refuses such a key, so use it as the check.
  .refine(isP256Point, { error: 'not a point on P-256' });

function isP256Point(jwk: { kty: string; crv: string; x: string; y: string }): boolean {
  try {
    createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}
/** A P-256 public JWK. */
export type P256PublicJwk = z.infer<typeof p256PublicJwkSchema>;

/**
 * The RFC 7638 JWK thumbprint of a P-256 public key: base64url SHA-256 of the JSON of `crv`, `kty`,
 * `x` and `y` in that order without whitespace (exactly what canonical JSON of those four members is).
 * A patient's DID document keeps only the thumbprint of their recovery key, so the key itself stays
 * unknown until the patient uses it.
 */
export function jwkThumbprint(jwk: P256PublicJwk): string {
  return createHash('sha256').update(jwkThumbprintInput(jwk)).digest('base64url');
}

/** zod: an RFC 7638 SHA-256 JWK thumbprint (43 base64url characters). */
export const jwkThumbprintSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** A P-256 private JWK (has `d`). */
export interface P256PrivateJwk extends P256PublicJwk {
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

/** Generates a P-256 key pair as JWKs (for tests, the patient app and the local network). */
export function generatePatientKey(): { publicJwk: P256PublicJwk; privateJwk: P256PrivateJwk } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  const { x, y, d } = jwk;
  if (!x || !y || !d) throw new JwsError('key export failed');
  return { publicJwk: { kty: 'EC', crv: 'P-256', x, y }, privateJwk: { kty: 'EC', crv: 'P-256', x, y, d } };
}

/**
 * Signs `payload` as a compact JWS with ES256 (protected header `{alg:'ES256', kid}`). The payload is
 * serialized canonically, so equal payloads give equal signing inputs.
 */
export function signCompactJws(payload: object, privateJwk: P256PrivateJwk, kid: string): string {
  const signingInput = jwsSigningInput({ alg: 'ES256', kid }, payload);
  const key = createPrivateKey({ key: { ...privateJwk }, format: 'jwk' });
  const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${base64urlOfBytes(signature)}`;
}

/** The patient's signing key as a patient app holds it. */
export interface PatientSigner {
  readonly patientDid: string;
  readonly privateJwk: P256PrivateJwk;
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
 * header is not `{alg:'ES256', kid}` (any other `alg`, including `none`, is rejected).
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
      alg: z.literal('ES256'),
      kid: z.string().min(1).max(256),
      typ: z.string().max(64).optional(),
    })
    .safeParse(header);
  if (!parsed.success) throw new JwsError('unsupported header');
  const signature = fromB64url(s);
  if (signature.length !== 64) throw new JwsError('bad signature length');
  const result: JwsHeader = { alg: 'ES256', kid: parsed.data.kid };
  if (parsed.data.typ !== undefined) result.typ = parsed.data.typ;
  return { header: result, payload, signingInput: `${h}.${p}`, signature };
}

/** Verifies a decoded JWS against a P-256 public JWK. */
export function verifyDecodedJws(decoded: DecodedJws, publicJwk: P256PublicJwk): boolean {
  try {
    const key = createPublicKey({ key: { ...publicJwk }, format: 'jwk' });
    return verify(
      'sha256',
      Buffer.from(decoded.signingInput),
      { key, dsaEncoding: 'ieee-p1363' },
      decoded.signature,
    );
  } catch {
    return false;
  }
}

/** Decodes and verifies a compact JWS; returns its header and payload or throws {@link JwsError}. */
export function verifyCompactJws(
  jws: string,
  publicJwk: P256PublicJwk,
): { header: JwsHeader; payload: unknown } {
  const decoded = decodeCompactJws(jws);
  if (!verifyDecodedJws(decoded, publicJwk)) throw new JwsError('signature does not verify');
  return { header: decoded.header, payload: decoded.payload };
}
