/**
 * Signature algorithms by their JWS names, over keys as JWKs:
 *
 * - `ES256`: ECDSA on P-256 with SHA-256 (RFC 7518 §3.4), on Node's OpenSSL.
 * - `SM2SM3`: SM2 with SM3 and the default identifier `1234567812345678` (see `sm2.ts`).
 *
 * No JOSE registry has an SM2 entry. `SM2SM3` is the name the IANA DNSSEC registry gives SM2 with
 * SM3 (algorithm 17) and the one JWT libraries that add SM2 use, and it names the hash as well as
 * the curve, as fully specified JOSE algorithms should. Its signature is `r || s`, 32 bytes each,
 * the fixed-width form JWS gives ECDSA (not DER). An SM2 key is `{kty: 'EC', crv: 'SM2', x, y}`, the
 * shape implementations of SM2 JWKs use.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';

import { CryptoInputError, fromBase64Url, toBase64Url } from './bytes';
import { sm2, SM2_SCALAR_BYTES } from './sm2';

/** A JWS signature algorithm MedLedger signs or verifies with. */
export type SignatureAlgorithm = 'ES256' | 'SM2SM3';

/** Every signature algorithm this package knows, in a stable order. */
export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = ['ES256', 'SM2SM3'];

/** The JWK `crv` of the keys each algorithm takes (a JWS must name the algorithm of its key). */
export const CURVE_OF: Readonly<Record<SignatureAlgorithm, EcCurve>> = { ES256: 'P-256', SM2SM3: 'SM2' };

/** A JWK `crv` value this package knows. */
export type EcCurve = 'P-256' | 'SM2';

/** An elliptic-curve public key as a JWK (RFC 7517/7518 §6.2): both coordinates, 32 bytes each. */
export interface EcPublicJwk {
  readonly kty: 'EC';
  readonly crv: EcCurve;
  readonly x: string;
  readonly y: string;
}

/** An elliptic-curve private key as a JWK: the public members and `d`. */
export interface EcPrivateJwk extends EcPublicJwk {
  readonly d: string;
}

/** A key pair as JWKs. */
export interface EcKeyPair {
  readonly publicJwk: EcPublicJwk;
  readonly privateJwk: EcPrivateJwk;
}

/**
 * The DID-document verification method type a patient key of either curve is registered under.
 * `JsonWebKey2020` carries any JWK (its `kty`/`crv` say the key type), so an SM2 key needs no new
 * type and the documents keep their `jws-2020` context.
 */
export const DID_VERIFICATION_METHOD_TYPE = 'JsonWebKey2020';

/** True when `name` is a {@link SignatureAlgorithm}. */
export function isSignatureAlgorithm(name: unknown): name is SignatureAlgorithm {
  return typeof name === 'string' && Object.hasOwn(CURVE_OF, name);
}

/** The signature algorithm for a key on `crv`. */
export function algorithmOfCurve(crv: EcCurve): SignatureAlgorithm {
  return crv === 'SM2' ? 'SM2SM3' : 'ES256';
}

function coordinate(value: unknown, what: string): Buffer {
  if (typeof value !== 'string') throw new CryptoInputError(`${what}: missing`);
  const bytes = fromBase64Url(value, what);
  if (bytes.length !== SM2_SCALAR_BYTES) throw new CryptoInputError(`${what}: not 32 bytes`);
  return bytes;
}

function sm2PublicKeyBytes(jwk: { x: string; y: string }): Buffer {
  return Buffer.concat([Buffer.from([0x04]), coordinate(jwk.x, 'jwk x'), coordinate(jwk.y, 'jwk y')]);
}

/**
 * Reads an untrusted value as a public JWK: exactly `kty`, `crv`, `x`, `y` (private or unknown
 * members rejected), strict base64url coordinates of 32 bytes, and a point on the named curve (a
 * point off the curve could never verify, or with a weak verifier invite invalid-curve attacks).
 * Throws {@link CryptoInputError}. This is the check to run when a key is registered.
 */
export function parsePublicJwk(value: unknown): EcPublicJwk {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CryptoInputError('jwk: not an object');
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort().join(',');
  if (keys !== 'crv,kty,x,y') throw new CryptoInputError('jwk: members must be exactly kty, crv, x, y');
  if (record.kty !== 'EC') throw new CryptoInputError('jwk: kty is not EC');
  const { crv } = record;
  if (crv !== 'P-256' && crv !== 'SM2') throw new CryptoInputError('jwk: unsupported crv');
  const x = coordinate(record.x, 'jwk x');
  const y = coordinate(record.y, 'jwk y');
  const jwk: EcPublicJwk = { kty: 'EC', crv, x: toBase64Url(x), y: toBase64Url(y) };
  if (crv === 'SM2') {
    sm2.assertPublicKey(sm2PublicKeyBytes(jwk));
  } else {
    try {
      createPublicKey({ key: { ...jwk }, format: 'jwk' });
    } catch {
      throw new CryptoInputError('jwk: not a point on P-256');
    }
  }
  return jwk;
}

/** A new key pair for `algorithm`, drawn from Node's CSPRNG (the patient's device or CLI). */
export function generateKeyPair(algorithm: SignatureAlgorithm): EcKeyPair {
  if (algorithm === 'SM2SM3') {
    const d = sm2.generatePrivateKey();
    const publicKey = sm2.publicKeyOf(d);
    const x = toBase64Url(publicKey.subarray(1, 1 + SM2_SCALAR_BYTES));
    const y = toBase64Url(publicKey.subarray(1 + SM2_SCALAR_BYTES));
    return {
      publicJwk: { kty: 'EC', crv: 'SM2', x, y },
      privateJwk: { kty: 'EC', crv: 'SM2', x, y, d: toBase64Url(d) },
    };
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y, d } = privateKey.export({ format: 'jwk' });
  if (!x || !y || !d) throw new CryptoInputError('P-256 key export failed');
  return {
    publicJwk: { kty: 'EC', crv: 'P-256', x, y },
    privateJwk: { kty: 'EC', crv: 'P-256', x, y, d },
  };
}

/**
 * Signs `data` with `privateJwk` under `algorithm` and returns the JWS signature bytes (`r || s`).
 * Throws {@link CryptoInputError} when the key is not one for `algorithm` or is malformed.
 */
export function signBytes(algorithm: SignatureAlgorithm, privateJwk: EcPrivateJwk, data: Uint8Array): Buffer {
  if (privateJwk.crv !== CURVE_OF[algorithm]) {
    throw new CryptoInputError(`${algorithm}: key is not on ${CURVE_OF[algorithm]}`);
  }
  if (algorithm === 'SM2SM3') {
    const d = coordinate(privateJwk.d, 'jwk d');
    return sm2.sign(d, sm2PublicKeyBytes(privateJwk), data);
  }
  let key;
  try {
    key = createPrivateKey({ key: { ...privateJwk }, format: 'jwk' });
  } catch {
    throw new CryptoInputError('ES256: malformed private key');
  }
  return nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
}

/**
 * True when `signature` over `data` verifies with `publicJwk` under `algorithm`; false for any
 * malformed input, including a key of another curve than the algorithm's. Deterministic and
 * randomness-free for both algorithms.
 */
export function verifyBytes(
  algorithm: SignatureAlgorithm,
  publicJwk: EcPublicJwk,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicJwk.crv !== CURVE_OF[algorithm]) return false;
  if (signature.length !== 2 * SM2_SCALAR_BYTES) return false;
  try {
    if (algorithm === 'SM2SM3') return sm2.verify(sm2PublicKeyBytes(publicJwk), data, signature);
    const key = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y },
      format: 'jwk',
    });
    return nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

/** The SM2 public key of a JWK as uncompressed SEC1 bytes; for interop with other SM2 tools. */
export function sm2PublicKeyFromJwk(jwk: EcPublicJwk): Buffer {
  if (jwk.crv !== 'SM2') throw new CryptoInputError('jwk: not an SM2 key');
  return sm2PublicKeyBytes(jwk);
}

/** An SM2 public JWK for uncompressed SEC1 bytes (`04 || x || y`); throws when not on the curve. */
export function sm2JwkFromPublicKey(publicKey: Uint8Array): EcPublicJwk {
  sm2.assertPublicKey(publicKey);
  return {
    kty: 'EC',
    crv: 'SM2',
    x: toBase64Url(publicKey.subarray(1, 1 + SM2_SCALAR_BYTES)),
    y: toBase64Url(publicKey.subarray(1 + SM2_SCALAR_BYTES)),
  };
}
