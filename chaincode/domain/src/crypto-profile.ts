import { cryptoProfile, digestHex, type CryptoProfile, type HashAlgorithm } from '@medledger/crypto';
import { z } from 'zod';

/** zod: the name of a crypto profile (`international`: ES256, SHA-256, AES-256-GCM; `sm`: SM2, SM3, SM4-GCM). */
export const cryptoProfileNameSchema = z.enum(['international', 'sm']);

/** zod: a content hash algorithm an anchor may name. */
export const hashAlgorithmSchema = z.enum(['SHA-256', 'SM3']);

/** The profile of a ledger whose consortium record names none (written before profiles existed). */
export const DEFAULT_CRYPTO_PROFILE = 'international';

/** The hash algorithm of an anchor that names none (anchored before anchors named theirs). */
export const DEFAULT_HASH_ALGORITHM: HashAlgorithm = 'SHA-256';

/**
 * zod: the crypto profile as the consortium record holds it: its name and its algorithms spelled
 * out, so a verifier without this code still knows what to check with.
 */
export const consortiumCryptoSchema = z.object({
  profile: cryptoProfileNameSchema,
  hash: hashAlgorithmSchema,
  signature: z.enum(['ES256', 'SM2SM3']),
  acceptedSignatures: z.array(z.enum(['ES256', 'SM2SM3'])),
  aead: z.enum(['AES-256-GCM', 'SM4-GCM']),
  sm2DistinguishingId: z.string(),
});
/** The crypto profile on chain. */
export type ConsortiumCrypto = z.infer<typeof consortiumCryptoSchema>;

/** The record of a profile as the consortium stores it. */
export function consortiumCryptoOf(name: z.infer<typeof cryptoProfileNameSchema>): ConsortiumCrypto {
  const d = cryptoProfile(name).describe();
  return { ...d, acceptedSignatures: [...d.acceptedSignatures] };
}

/** The profile a consortium record names (`international` when it names none). */
export function profileOf(consortium: { readonly crypto?: ConsortiumCrypto | undefined }): CryptoProfile {
  return cryptoProfile(consortium.crypto?.profile ?? DEFAULT_CRYPTO_PROFILE);
}

/** Lowercase hex digest of content bytes under an anchor's hash algorithm. */
export function contentHashHex(algorithm: HashAlgorithm, bytes: Uint8Array): string {
  return digestHex(algorithm, bytes);
}

/**
 * The environment variable naming the file of a custodian's keyring (its key-encryption keys), set
 * only on that org's chaincode server. A path, never key material: keys stay off command lines.
 */
export const KEYRING_FILE_ENV = 'MEDLEDGER_KEYRING_FILE';
