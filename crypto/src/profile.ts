/**
 * Crypto profiles: the set of algorithms one MedLedger deployment uses wherever the application
 * signs, hashes or encrypts (Fabric itself keeps signing transactions with ECDSA P-256).
 *
 * - `international`: ES256 (ECDSA P-256, SHA-256), SHA-256, AES-256-GCM.
 * - `sm`: SM2 with SM3 (GB/T 32918.2, default identifier of GM/T 0009), SM3 (GB/T 32905), SM4-GCM
 *   (GB/T 32907 in GCM), for deployments assessed against GB/T 39786. It also accepts ES256 from
 *   patients whose key is P-256, since browsers' WebCrypto has no SM2.
 *
 * Everything a profile produces names its algorithm (a JWS header, an anchor's hash algorithm, a
 * sealed envelope), and verifiers dispatch on that name, so a ledger can move to another profile
 * without rewriting what it already holds.
 */
import { decrypt, encrypt, generateAeadKey, type AeadAlgorithm } from './aead';
import { CryptoInputError } from './bytes';
import { digest, digestHex, type HashAlgorithm } from './hash';
import type { JwsPolicy } from './jws';
import {
  algorithmOfCurve,
  generateKeyPair,
  signBytes,
  verifyBytes,
  type EcKeyPair,
  type EcPrivateJwk,
  type EcPublicJwk,
  type SignatureAlgorithm,
} from './signature';
import { SM2_DEFAULT_ID } from './sm2';

/** The name of a crypto profile, as chosen in the topology and recorded on chain. */
export type CryptoProfileName = 'international' | 'sm';

/** The algorithms of one profile, as plain data: what the ledger records so every verifier knows them. */
export interface CryptoProfileDescriptor {
  readonly profile: CryptoProfileName;
  readonly hash: HashAlgorithm;
  /** The algorithm new patient keys and signatures use. */
  readonly signature: SignatureAlgorithm;
  /** Every algorithm a patient signature may use (the one of the patient's registered key). */
  readonly acceptedSignatures: readonly SignatureAlgorithm[];
  readonly aead: AeadAlgorithm;
  /** The SM2 distinguishing identifier signatures are made and checked with. */
  readonly sm2DistinguishingId: string;
}

/** A crypto profile: its algorithms and the operations under them. */
export interface CryptoProfile extends JwsPolicy {
  readonly name: CryptoProfileName;
  readonly hashAlgorithm: HashAlgorithm;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly aeadAlgorithm: AeadAlgorithm;
  /** The digest of `parts`, hashed in order as one message. */
  hash(...parts: readonly (Uint8Array | string)[]): Buffer;
  /** {@link CryptoProfile.hash} as lowercase hex. */
  hashHex(...parts: readonly (Uint8Array | string)[]): string;
  /** A new signing key pair of the profile's algorithm (client side). */
  generateSigningKey(): EcKeyPair;
  /** Signs `data` with a key of an accepted algorithm; `r || s`. */
  sign(privateJwk: EcPrivateJwk, data: Uint8Array): Buffer;
  /** Verifies `r || s` over `data` under the algorithm of the key's curve, if the profile accepts it. */
  verify(publicJwk: EcPublicJwk, data: Uint8Array, signature: Uint8Array): boolean;
  /** A fresh random key for {@link CryptoProfile.encrypt}. */
  generateDataKey(): Buffer;
  /** `nonce || ciphertext || tag` of `plaintext` bound to `associatedData`, under a fresh nonce. */
  encrypt(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Buffer;
  /** Reverses {@link CryptoProfile.encrypt}; throws `DecryptionError` when it does not authenticate. */
  decrypt(key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Buffer;
  /** The profile as data, for the ledger. */
  describe(): CryptoProfileDescriptor;
}

function makeProfile(descriptor: CryptoProfileDescriptor): CryptoProfile {
  const accepted = descriptor.acceptedSignatures;
  const acceptedFor = (crv: EcPublicJwk['crv']): SignatureAlgorithm | undefined => {
    const alg = algorithmOfCurve(crv);
    return accepted.includes(alg) ? alg : undefined;
  };
  return Object.freeze({
    name: descriptor.profile,
    hashAlgorithm: descriptor.hash,
    signatureAlgorithm: descriptor.signature,
    acceptedSignatureAlgorithms: accepted,
    aeadAlgorithm: descriptor.aead,
    hash: (...parts: readonly (Uint8Array | string)[]) => digest(descriptor.hash, ...parts),
    hashHex: (...parts: readonly (Uint8Array | string)[]) => digestHex(descriptor.hash, ...parts),
    generateSigningKey: () => generateKeyPair(descriptor.signature),
    sign(privateJwk: EcPrivateJwk, data: Uint8Array) {
      const alg = acceptedFor(privateJwk.crv);
      if (!alg) throw new CryptoInputError(`${descriptor.profile}: ${privateJwk.crv} keys are not accepted`);
      return signBytes(alg, privateJwk, data);
    },
    verify(publicJwk: EcPublicJwk, data: Uint8Array, signature: Uint8Array) {
      const alg = acceptedFor(publicJwk.crv);
      return alg !== undefined && verifyBytes(alg, publicJwk, data, signature);
    },
    generateDataKey: () => generateAeadKey(descriptor.aead),
    encrypt: (key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array) =>
      encrypt(descriptor.aead, key, plaintext, associatedData),
    decrypt: (key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array) =>
      decrypt(descriptor.aead, key, sealed, associatedData),
    describe: () => ({ ...descriptor, acceptedSignatures: [...accepted] }),
  });
}

/** The two profiles, by name. */
export const CRYPTO_PROFILES: Readonly<Record<CryptoProfileName, CryptoProfile>> = Object.freeze({
  international: makeProfile({
    profile: 'international',
    hash: 'SHA-256',
    signature: 'ES256',
    acceptedSignatures: Object.freeze(['ES256'] as const),
    aead: 'AES-256-GCM',
    sm2DistinguishingId: SM2_DEFAULT_ID,
  }),
  sm: makeProfile({
    profile: 'sm',
    hash: 'SM3',
    signature: 'SM2SM3',
    acceptedSignatures: Object.freeze(['SM2SM3', 'ES256'] as const),
    aead: 'SM4-GCM',
    sm2DistinguishingId: SM2_DEFAULT_ID,
  }),
});

/** True when `name` names a profile. */
export function isCryptoProfileName(name: unknown): name is CryptoProfileName {
  return typeof name === 'string' && Object.hasOwn(CRYPTO_PROFILES, name);
}

/** The profile called `name` (e.g. read from the topology or the ledger); throws `CryptoInputError`. */
export function cryptoProfile(name: string): CryptoProfile {
  if (!isCryptoProfileName(name)) throw new CryptoInputError(`unknown crypto profile: ${name}`);
  return CRYPTO_PROFILES[name];
}
