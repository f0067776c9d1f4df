/**
 * Authenticated encryption with associated data (RFC 5116 shape) on Node's OpenSSL: AES-256-GCM
 * (NIST SP 800-38D) and SM4-GCM (SM4 of GB/T 32907-2016 in GCM, as RFC 8998 uses it for TLS 1.3).
 *
 * SM4 runs in GCM rather than CCM because GCM is one pass over the data without knowing its length
 * first, OpenSSL 3 ships `sm4-gcm` in its default provider, and the same mode serves both profiles,
 * so one code path (and one nonce discipline) covers them. SM4 has 128-bit keys, so the `sm` profile
 * gives 128-bit security where `international` gives 256.
 */
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';

import { CryptoInputError } from './bytes';

/** An AEAD algorithm by the name recorded beside what it sealed. */
export type AeadAlgorithm = 'AES-256-GCM' | 'SM4-GCM';

/** Every AEAD algorithm this package knows, in a stable order. */
export const AEAD_ALGORITHMS: readonly AeadAlgorithm[] = ['AES-256-GCM', 'SM4-GCM'];

/** Nonce length: 96 bits, the length GCM is specified for (SP 800-38D §8.2.2). */
export const AEAD_NONCE_BYTES = 12;
/** Tag length: the full 128 bits, never truncated. */
export const AEAD_TAG_BYTES = 16;

const CIPHER: Readonly<Record<AeadAlgorithm, { openssl: string; keyBytes: number }>> = {
  'AES-256-GCM': { openssl: 'aes-256-gcm', keyBytes: 32 },
  'SM4-GCM': { openssl: 'sm4-gcm', keyBytes: 16 },
};

/** Thrown when a ciphertext does not authenticate: wrong key, wrong associated data, or tampering. */
export class DecryptionError extends Error {
  constructor(message = 'ciphertext does not authenticate') {
    super(message);
    this.name = 'DecryptionError';
  }
}

/** True when `name` is an {@link AeadAlgorithm}. */
export function isAeadAlgorithm(name: unknown): name is AeadAlgorithm {
  return typeof name === 'string' && Object.hasOwn(CIPHER, name);
}

/** Key length in bytes of `algorithm` (32 for AES-256-GCM, 16 for SM4-GCM). */
export function aeadKeyLength(algorithm: AeadAlgorithm): number {
  return CIPHER[algorithm].keyBytes;
}

/** A fresh random key for `algorithm`. */
export function generateAeadKey(algorithm: AeadAlgorithm): Buffer {
  return randomBytes(aeadKeyLength(algorithm));
}

function checkKeyAndNonce(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== aeadKeyLength(algorithm)) throw new CryptoInputError(`${algorithm} key: wrong length`);
  if (nonce.length !== AEAD_NONCE_BYTES) throw new CryptoInputError(`${algorithm} nonce: wrong length`);
}

/**
 * Encrypts with a caller-chosen nonce; returns the ciphertext and the tag. A nonce must never repeat
 * under one key (a repeat reveals the XOR of the plaintexts and lets the tag be forged), so outside
 * known-answer tests use {@link encrypt}, which draws it.
 */
export function aeadSeal(
  algorithm: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): { ciphertext: Buffer; tag: Buffer } {
  checkKeyAndNonce(algorithm, key, nonce);
  const cipher = createCipheriv(CIPHER[algorithm].openssl as CipherGCMTypes, key, nonce, {
    authTagLength: AEAD_TAG_BYTES,
  });
  cipher.setAAD(associatedData);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

/** Decrypts and authenticates; throws {@link DecryptionError} when the tag does not match. */
export function aeadOpen(
  algorithm: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  associatedData: Uint8Array,
): Buffer {
  checkKeyAndNonce(algorithm, key, nonce);
  if (tag.length !== AEAD_TAG_BYTES) throw new DecryptionError('tag: wrong length');
  const decipher = createDecipheriv(CIPHER[algorithm].openssl as CipherGCMTypes, key, nonce, {
    authTagLength: AEAD_TAG_BYTES,
  });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(tag);
  const plaintext = decipher.update(ciphertext);
  try {
    return Buffer.concat([plaintext, decipher.final()]);
  } catch {
    plaintext.fill(0);
    throw new DecryptionError();
  }
}

/**
 * Encrypts `plaintext` bound to `associatedData` under a fresh random 96-bit nonce and returns
 * `nonce || ciphertext || tag`. Random nonces keep one key safe for 2^32 messages (SP 800-38D
 * §8.3); MedLedger's keys seal far fewer (a data key one record, a custodian key its data keys
 * until rotated).
 */
export function encrypt(
  algorithm: AeadAlgorithm,
  key: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): Buffer {
  const nonce = randomBytes(AEAD_NONCE_BYTES);
  const { ciphertext, tag } = aeadSeal(algorithm, key, nonce, plaintext, associatedData);
  return Buffer.concat([nonce, ciphertext, tag]);
}

/** Reverses {@link encrypt}; throws {@link DecryptionError} when `sealed` does not authenticate. */
export function decrypt(
  algorithm: AeadAlgorithm,
  key: Uint8Array,
  sealed: Uint8Array,
  associatedData: Uint8Array,
): Buffer {
  if (sealed.length < AEAD_NONCE_BYTES + AEAD_TAG_BYTES) throw new DecryptionError('sealed: too short');
  return aeadOpen(
    algorithm,
    key,
    sealed.subarray(0, AEAD_NONCE_BYTES),
    sealed.subarray(AEAD_NONCE_BYTES, sealed.length - AEAD_TAG_BYTES),
    sealed.subarray(sealed.length - AEAD_TAG_BYTES),
    associatedData,
  );
}
