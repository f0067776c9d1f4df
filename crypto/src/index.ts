/**
 * `@medledger/crypto`: the application-level cryptography of MedLedger, shared by the chaincode and
 * the gateway. Profiles (`international`, `sm`), hashes, patient JWS with ES256 or SM2SM3, AEAD and
 * envelope encryption for content at rest. Verification and hashing are deterministic and draw no
 * randomness; signing, key generation and encryption do, and run on the patient's device, the CLI or
 * the custodian's chaincode server.
 */
export { CryptoInputError, fromBase64Url, toBase64Url } from './bytes';
export { digest, digestHex, HASH_ALGORITHMS, HASH_LENGTH, isHashAlgorithm, type HashAlgorithm } from './hash';
export {
  AEAD_ALGORITHMS,
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  aeadKeyLength,
  decrypt,
  DecryptionError,
  encrypt,
  generateAeadKey,
  isAeadAlgorithm,
  type AeadAlgorithm,
} from './aead';
export { sm2, SM2_DEFAULT_ID, SM2_RECOMMENDED_CURVE, type Sm2, type Sm2CurveParameters } from './sm2';
export {
  algorithmOfCurve,
  CURVE_OF,
  DID_VERIFICATION_METHOD_TYPE,
  generateKeyPair,
  isSignatureAlgorithm,
  parsePublicJwk,
  SIGNATURE_ALGORITHMS,
  signBytes,
  sm2JwkFromPublicKey,
  sm2PublicKeyFromJwk,
  verifyBytes,
  type EcCurve,
  type EcKeyPair,
  type EcPrivateJwk,
  type EcPublicJwk,
  type SignatureAlgorithm,
} from './signature';
export {
  decodeCompactJws,
  JwsError,
  MAX_JWS_LENGTH,
  signCompactJws,
  signPatientPayload,
  verifyDecodedJws,
  verifyPatientJws,
  type DecodedJws,
  type JwsHeader,
  type JwsPolicy,
  type PatientPayloadOptions,
  type PatientSigner,
} from './jws';
export {
  addKeyringKey,
  decryptRecord,
  destroyKey,
  encryptRecord,
  generateDataKey,
  keyringFromJson,
  openContent,
  parseSealedContent,
  parseWrappedDataKey,
  rewrapDataKey,
  sealContent,
  unwrapDataKey,
  wrapDataKey,
  type EncryptedRecord,
  type KeyEncryptionKey,
  type Keyring,
  type SealedContent,
  type WrappedDataKey,
} from './envelope';
export {
  CRYPTO_PROFILES,
  cryptoProfile,
  isCryptoProfileName,
  type CryptoProfile,
  type CryptoProfileDescriptor,
  type CryptoProfileName,
} from './profile';
