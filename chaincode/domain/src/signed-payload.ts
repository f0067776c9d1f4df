import { canonicalJson } from './canonical-json';

// What a patient signs, up to the signature itself: the payload types, the payloads' common fields,
// the JWS signing input and the RFC 7638 thumbprint input. Free of Node's APIs, so the same code makes
// the bytes that Node's signer (`jws.ts`) and a browser's WebCrypto signer (the web console) sign: the
// chaincode verifies both the same way.

/** `typ` of each signed patient payload. */
export const SIGNED_PAYLOAD_TYPES = {
  grant: 'medledger.consent.grant',
  revoke: 'medledger.consent.revoke',
  preferences: 'medledger.preferences',
  keyRotation: 'medledger.key.rotate',
  /** Signed by the recovery key registered at onboarding, when the current key is lost. */
  keyRecovery: 'medledger.key.recover',
  /** Proof of possession of the key a hospital registers for the patient, signed by that key. */
  registration: 'medledger.patient.register',
  /** Proof of possession of the patient's key to read their access log (never sent to the chaincode). */
  accessLogRead: 'medledger.access-log.read',
  /** A patient's request to list their records at every custodian, relayed by one org (verified on chain). */
  recordList: 'medledger.records.list',
  /** A patient's request to read their health summary across custodians, relayed by one org (verified on chain). */
  summaryRead: 'medledger.summary.read',
  /**
   * A patient's request to read the public anchor of one of their own records, relayed by one org
   * (verified on chain, on the regulator's peer, where the record's patient link is).
   */
  recordRead: 'medledger.record.read',
  /** A patient's request that a custodian erase one of their records (verified on chain). */
  erasureRequest: 'medledger.erasure.request',
} as const;

/**
 * The JWS algorithms a patient key signs with, one per key type: `ES256` (ECDSA on P-256 with
 * SHA-256, RFC 7518) and `SM2SM3` (SM2 with SM3 per GB/T 32918.2, the default distinguishing
 * identifier of GM/T 0009). JOSE has no registered SM2 algorithm; `SM2SM3` names the signature and its
 * digest as `ES256` does, and is what the consortium's crypto profile records.
 */
export const PATIENT_SIGNATURE_ALGORITHMS = ['ES256', 'SM2SM3'] as const;
/** One of {@link PATIENT_SIGNATURE_ALGORITHMS}. */
export type PatientSignatureAlgorithm = (typeof PATIENT_SIGNATURE_ALGORITHMS)[number];

/** The protected header MedLedger accepts. */
export interface JwsHeader {
  alg: PatientSignatureAlgorithm;
  kid: string;
  typ?: string;
}

/** The four members of a patient's public JWK (P-256 or SM2), as every MedLedger key is written. */
export interface P256PublicKeyMembers {
  readonly kty: string;
  readonly crv: string;
  readonly x: string;
  readonly y: string;
}

/** base64url (no padding) of bytes. */
export function base64urlOfBytes(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (no padding) of a string's UTF-8 bytes. */
export function base64urlOfText(text: string): string {
  return base64urlOfBytes(new TextEncoder().encode(text));
}

/**
 * The JWS signing input `BASE64URL(header) . BASE64URL(payload)`, both serialized canonically, so equal
 * payloads give equal bytes whichever signer signs them.
 */
export function jwsSigningInput(header: JwsHeader, payload: object): string {
  return `${base64urlOfText(canonicalJson(header))}.${base64urlOfText(canonicalJson(payload))}`;
}

/**
 * The text whose SHA-256 is the RFC 7638 thumbprint of a patient key: the JSON of `crv`, `kty`, `x` and
 * `y` in that order without whitespace, which is exactly canonical JSON of those four members.
 */
export function jwkThumbprintInput(jwk: P256PublicKeyMembers): string {
  return canonicalJson({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
}

/** The replay and freshness fields of a patient payload: a fresh nonce, and the signer's clock. */
export interface PayloadFreshness {
  readonly nowMs: number;
  readonly ttlSeconds?: number;
  /** 16 to 128 base64url characters, drawn fresh by the signer for every payload. */
  readonly nonce: string;
}

/**
 * A patient payload: `body` (its `typ` and fields) with `patientDid`, `nonce`, `iat` and `exp` (default
 * ten minutes after `iat`). Fields in `body` win, so a test can make an expired or replayed payload on
 * purpose.
 */
export function patientPayload(
  body: Readonly<Record<string, unknown>>,
  patientDid: string,
  freshness: PayloadFreshness,
): Record<string, unknown> {
  const iat = Math.floor(freshness.nowMs / 1000);
  return {
    patientDid,
    nonce: freshness.nonce,
    iat,
    exp: iat + (freshness.ttlSeconds ?? 600),
    ...body,
  };
}

/** The key id a registration proof is signed with (the first key of a patient's DID document). */
export function firstPatientKeyId(patientDid: string): string {
  return `${patientDid}#key-1`;
}

/** The key id of a patient's recovery key. */
export function recoveryKeyId(patientDid: string): string {
  return `${patientDid}#recovery`;
}

/** The fields of a registration proof besides the common ones (`org` registers the patient). */
export function registrationBody(org: string, recoveryKeyThumbprint: string): Record<string, unknown> {
  return { typ: SIGNED_PAYLOAD_TYPES.registration, org, recoveryKeyThumbprint };
}

/**
 * The fields of a key recovery besides the common ones: it reveals the recovery public key, names the
 * new key and the next recovery key's thumbprint (a revealed recovery key is spent).
 */
export function keyRecoveryBody(
  recoveryPublicJwk: P256PublicKeyMembers,
  newPublicJwk: P256PublicKeyMembers,
  nextRecoveryKeyThumbprint: string,
): Record<string, unknown> {
  return {
    typ: SIGNED_PAYLOAD_TYPES.keyRecovery,
    recoveryPublicKeyJwk: publicMembers(recoveryPublicJwk),
    newPublicKeyJwk: publicMembers(newPublicJwk),
    newRecoveryKeyThumbprint: nextRecoveryKeyThumbprint,
  };
}

/** Only the four public members (a JWK exported by WebCrypto carries `ext` and `key_ops` too). */
export function publicMembers(jwk: P256PublicKeyMembers): P256PublicKeyMembers {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}
