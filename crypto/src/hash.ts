import { createHash } from 'node:crypto';

/**
 * A hash algorithm by the name recorded with what it hashed (an anchor's content hash, a profile).
 * `SHA-256` is FIPS 180-4; `SM3` is GB/T 32905-2016 (GM/T 0004-2012). Both give 32 bytes.
 */
export type HashAlgorithm = 'SHA-256' | 'SM3';

/** Every hash algorithm this package knows, in a stable order. */
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['SHA-256', 'SM3'];

/** Digest length in bytes of every {@link HashAlgorithm}. */
export const HASH_LENGTH = 32;

// Both run in Node's OpenSSL (3.x ships SM3 in the default provider), so neither needs JavaScript.
const OPENSSL_NAME: Readonly<Record<HashAlgorithm, string>> = { 'SHA-256': 'sha256', SM3: 'sm3' };

/** True when `name` is a {@link HashAlgorithm}, e.g. when reading one back from the ledger. */
export function isHashAlgorithm(name: unknown): name is HashAlgorithm {
  return typeof name === 'string' && Object.hasOwn(OPENSSL_NAME, name);
}

/**
 * The digest of `parts` (hashed in order, as one message) with `algorithm`. Deterministic and
 * randomness-free, so the chaincode may call it.
 */
export function digest(algorithm: HashAlgorithm, ...parts: readonly (Uint8Array | string)[]): Buffer {
  const hash = createHash(OPENSSL_NAME[algorithm]);
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** {@link digest} as lowercase hex, the form anchors store. */
export function digestHex(algorithm: HashAlgorithm, ...parts: readonly (Uint8Array | string)[]): string {
  return digest(algorithm, ...parts).toString('hex');
}
