/**
 * What the patient's browser signs, with WebCrypto (ECDSA P-256, SHA-256): the proof of possession
 * for registration, consent grants (own scope or a gateway's template) and revocations, the emergency
 * profile, the access-log proof, record listing, summary and erasure requests, and a key recovery. The
 * payloads and the JWS signing input come from the shared model (`@medledger/domain/browser`), the
 * same code Node's signer uses, so the chaincode verifies what a browser signs exactly as it verifies
 * the command-line tool's. Runs in a browser and in Node 24 (its global `crypto` is WebCrypto).
 */
import {
  base64urlOfBytes,
  firstPatientKeyId,
  jwkThumbprintInput,
  jwsSigningInput,
  keyRecoveryBody,
  patientPayload,
  publicMembers,
  recoveryKeyId,
  registrationBody,
  SIGNED_PAYLOAD_TYPES,
  type P256PublicKeyMembers,
} from '@medledger/domain/browser';

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A WebCrypto key (the DOM's `CryptoKey`, Node's `webcrypto.CryptoKey`: this code runs in both). */
export type CryptoKey = InstanceType<typeof globalThis.CryptoKey>;

/** A P-256 public key as the API takes it: the four members only. */
export type PublicJwk = P256PublicKeyMembers;

/** The patient's signing key as the browser holds it. */
export interface PatientKey {
  readonly patientDid: string;
  /** The key id in the patient's DID document (`<did>#key-<n>`). */
  readonly kid: string;
  /** Non-extractable: it can sign, and nothing can read it out. */
  readonly privateKey: CryptoKey;
  readonly publicJwk: PublicJwk;
}

/** The clock of a signature and its lifetime; `nowMs` defaults to the device clock. */
export interface SignOptions {
  readonly nowMs?: number;
  readonly ttlSeconds?: number;
  /** A nonce chosen by the caller (tests compare signers byte for byte); default a fresh random one. */
  readonly nonce?: string;
}

/** A fresh nonce: 18 random bytes, base64url (24 characters). */
export function newNonce(): string {
  return base64urlOfBytes(crypto.getRandomValues(new Uint8Array(18)));
}

/** A fresh opaque patient DID (`did:medledger:patient:` and 16 random base64url characters). */
export function newPatientDid(): string {
  return `did:medledger:patient:${base64urlOfBytes(crypto.getRandomValues(new Uint8Array(12)))}`;
}

/** Signs `payload` as a compact JWS (ES256, protected header `{alg, kid}`) with a WebCrypto key. */
export async function signCompactJws(payload: object, privateKey: CryptoKey, kid: string): Promise<string> {
  const signingInput = jwsSigningInput({ alg: 'ES256', kid }, payload);
  const signature = await crypto.subtle.sign(ES256, privateKey, new TextEncoder().encode(signingInput));
  // WebCrypto's ECDSA signature is r || s (IEEE P1363), exactly what JWS ES256 carries.
  return `${signingInput}.${base64urlOfBytes(new Uint8Array(signature))}`;
}

async function signPatient(
  body: Readonly<Record<string, unknown>>,
  patientDid: string,
  privateKey: CryptoKey,
  kid: string,
  options: SignOptions,
): Promise<string> {
  const payload = patientPayload(body, patientDid, {
    nowMs: options.nowMs ?? Date.now(),
    nonce: options.nonce ?? newNonce(),
    ...(options.ttlSeconds === undefined ? {} : { ttlSeconds: options.ttlSeconds }),
  });
  return signCompactJws(payload, privateKey, kid);
}

/** The RFC 7638 thumbprint of a P-256 public key (base64url SHA-256). */
export async function jwkThumbprint(jwk: PublicJwk): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(jwkThumbprintInput(jwk)));
  return base64urlOfBytes(new Uint8Array(digest));
}

/** The public half of a key pair as the API takes it. */
export async function exportPublicJwk(publicKey: CryptoKey): Promise<PublicJwk> {
  const jwk = await crypto.subtle.exportKey('jwk', publicKey);
  const { kty, crv, x, y } = jwk;
  if (kty !== 'EC' || crv !== 'P-256' || x === undefined || y === undefined) {
    throw new Error('not a P-256 public key');
  }
  return { kty, crv, x, y };
}

/**
 * A new signing key pair. The private key is not extractable: the browser keeps it (IndexedDB can
 * store a CryptoKey as it is) and signs with it, and no script, the console's included, can read it.
 */
export async function generateSigningKey(): Promise<{ privateKey: CryptoKey; publicJwk: PublicJwk }> {
  const pair = await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify']);
  return { privateKey: pair.privateKey, publicJwk: await exportPublicJwk(pair.publicKey) };
}

/** A private P-256 JWK, as a recovery key file or the command-line tool's key file holds it. */
export interface PrivateJwk extends PublicJwk {
  readonly d: string;
}

/**
 * A new recovery key pair, extractable so that the patient can save it offline (a file); the console
 * keeps only its thumbprint and forgets the key once it is saved.
 */
export async function generateRecoveryKey(): Promise<{ privateJwk: PrivateJwk; publicJwk: PublicJwk }> {
  const pair = await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const publicJwk = await exportPublicJwk(pair.publicKey);
  if (jwk.d === undefined) throw new Error('the recovery key could not be exported');
  return { privateJwk: { ...publicJwk, d: jwk.d }, publicJwk };
}

/** Why `value` is not a private P-256 JWK, or undefined when it is one. */
export function privateJwkProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'the file is not a JSON object';
  const jwk = value as Record<string, unknown>;
  if (jwk['kty'] !== 'EC' || jwk['crv'] !== 'P-256') return 'the key is not a P-256 (EC) key';
  for (const member of ['x', 'y', 'd']) {
    if (typeof jwk[member] !== 'string') return `the key has no "${member}" (a private key file is needed)`;
  }
  return undefined;
}

/**
 * Imports a private JWK (a key file of the command-line tool, or a recovery key) as a non-extractable
 * signing key. Throws when it is not a P-256 private key.
 */
export async function importPrivateJwk(
  jwk: PrivateJwk,
): Promise<{ privateKey: CryptoKey; publicJwk: PublicJwk }> {
  const problem = privateJwkProblem(jwk);
  if (problem !== undefined) throw new Error(problem);
  const { kty, crv, x, y, d } = jwk;
  const privateKey = await crypto.subtle.importKey('jwk', { kty, crv, x, y, d }, ECDSA_P256, false, ['sign']);
  return { privateKey, publicJwk: publicMembers({ kty, crv, x, y }) };
}

/**
 * The body of `POST /v1/patients` for a hospital of `org`: the DID, the public key and the proof of
 * possession signed by the new key (`kid` `<did>#key-1`), naming `org` and the recovery key's
 * thumbprint. Valid ten minutes unless told otherwise.
 */
export async function signRegistration(
  patientDid: string,
  key: { readonly privateKey: CryptoKey; readonly publicJwk: PublicJwk },
  recoveryKeyThumbprint: string,
  org: string,
  options: SignOptions = {},
): Promise<{ patientDid: string; publicKeyJwk: PublicJwk; proof: string }> {
  const proof = await signPatient(
    registrationBody(org, recoveryKeyThumbprint),
    patientDid,
    key.privateKey,
    firstPatientKeyId(patientDid),
    options,
  );
  return { patientDid, publicKeyJwk: publicMembers(key.publicJwk), proof };
}

/** What a consent grants: who, which categories up to which level, for what, and when. */
export interface ConsentScope {
  readonly grantee:
    | { readonly kind: 'org'; readonly mspId: string }
    | { readonly kind: 'staff'; readonly did: string }
    | { readonly kind: 'study'; readonly studyId: string };
  readonly categories: readonly string[];
  readonly maxLevel: number;
  readonly purpose: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** How many accesses the grant gives in all (none: no limit). */
  readonly maxReads?: number;
  /** Until when the grantee may keep copies; by then it attests their deletion. */
  readonly keepUntil?: string;
}

/** A consent grant signed with the patient's key (the body `{ jws }` of `POST /v1/consents`). */
export function signConsentGrant(
  key: PatientKey,
  scope: ConsentScope,
  options: SignOptions = {},
): Promise<string> {
  return signPatient(
    { typ: SIGNED_PAYLOAD_TYPES.grant, ...scope, categories: [...scope.categories] },
    key.patientDid,
    key.privateKey,
    key.kid,
    options,
  );
}

/** A revocation of `consentId` signed with the patient's key. */
export function signConsentRevocation(
  key: PatientKey,
  consentId: string,
  options: SignOptions = {},
): Promise<string> {
  return signPatient(
    { typ: SIGNED_PAYLOAD_TYPES.revoke, consentId },
    key.patientDid,
    key.privateKey,
    key.kid,
    options,
  );
}

/** What break-glass opens on one doctor's word, and whether a second attending may co-sign more. */
export interface EmergencyProfile {
  readonly categories: readonly string[];
  readonly beyondProfile: 'co_signed' | 'never';
}

/**
 * The emergency profile signed with the patient's key (the body `{ jws }` of
 * `PUT /v1/patients/{did}/preferences`): the categories break-glass opens, sorted and without repeats
 * as the ledger stores them, and what a co-signature may open beyond them.
 */
export function signEmergencyProfile(
  key: PatientKey,
  profile: EmergencyProfile,
  options: SignOptions = {},
): Promise<string> {
  return signPatient(
    {
      typ: SIGNED_PAYLOAD_TYPES.preferences,
      emergencyProfile: {
        categories: [...new Set(profile.categories)].sort(),
        beyondProfile: profile.beyondProfile,
      },
    },
    key.patientDid,
    key.privateKey,
    key.kid,
    options,
  );
}

/** How a grant may be used: how many access grants in all, until when copies may be kept. */
export interface UseLimits {
  readonly maxReads?: number;
  readonly keepUntil?: string;
}

/**
 * Signs a consent grant payload a gateway expanded from a template (`POST
 * /v1/patients/{did}/consent-payloads`), with the use limits the patient chose added. The payload is
 * read before it is signed: it must be a grant of this patient, so a gateway cannot slip another
 * patient's or another kind of payload under the patient's key.
 */
export function signExpandedGrant(
  key: PatientKey,
  payload: Readonly<Record<string, unknown>>,
  limits: UseLimits = {},
): Promise<string> {
  if (payload['typ'] !== SIGNED_PAYLOAD_TYPES.grant) throw new Error('the template is not a consent grant');
  if (payload['patientDid'] !== key.patientDid)
    throw new Error('the template was expanded for another patient');
  return signCompactJws({ ...payload, ...limits }, key.privateKey, key.kid);
}

/**
 * A request to list the patient's records at every custodian (`medledger.records.list`) or to read the
 * health summary (`medledger.summary.read`), relayed by the gateway of `audience` (its MSP ID): the
 * `Medledger-Patient-Proof` header of `GET /v1/patients/{did}/records` and `.../summary`. Valid two
 * minutes (the ledger takes at most five), its nonce consumed on chain.
 */
export function signRecordsRequest(
  key: PatientKey,
  kind: 'list' | 'summary',
  audience: string,
  options: SignOptions = {},
): Promise<string> {
  const typ = kind === 'list' ? SIGNED_PAYLOAD_TYPES.recordList : SIGNED_PAYLOAD_TYPES.summaryRead;
  return signPatient({ typ, aud: audience }, key.patientDid, key.privateKey, key.kid, {
    ttlSeconds: 120,
    ...options,
  });
}

/**
 * A request that `custodian` erase the record `recordId` (`medledger.erasure.request`), relayed by the
 * gateway of `audience`: the body `{ jws }` of `POST /v1/patients/{did}/erasure-requests`.
 */
export function signErasureRequest(
  key: PatientKey,
  record: { readonly custodian: string; readonly recordId: string },
  audience: string,
  options: SignOptions = {},
): Promise<string> {
  return signRecordRequest(SIGNED_PAYLOAD_TYPES.erasureRequest, key, record, audience, options);
}

/**
 * A request to read the public anchor of the patient's own record `recordId` at `custodian`
 * (`medledger.record.read`), relayed by the gateway of `audience` (its MSP ID): the
 * `Medledger-Patient-Proof` header of `GET /v1/records/{id}` with a patient token. Valid two minutes
 * (the ledger takes at most five).
 */
export function signRecordRead(
  key: PatientKey,
  record: { readonly custodian: string; readonly recordId: string },
  audience: string,
  options: SignOptions = {},
): Promise<string> {
  return signRecordRequest(SIGNED_PAYLOAD_TYPES.recordRead, key, record, audience, {
    ttlSeconds: 120,
    ...options,
  });
}

/** A request of type `typ` naming one record of the patient, relayed by the gateway of `audience`. */
function signRecordRequest(
  typ: string,
  key: PatientKey,
  record: { readonly custodian: string; readonly recordId: string },
  audience: string,
  options: SignOptions,
): Promise<string> {
  return signPatient(
    { typ, aud: audience, custodian: record.custodian, recordId: record.recordId },
    key.patientDid,
    key.privateKey,
    key.kid,
    options,
  );
}

/**
 * The `Medledger-Patient-Proof` header for reading the access log at the gateway of `audience` (its
 * MSP ID): valid a minute, used once.
 */
export function signAccessLogProof(
  key: PatientKey,
  audience: string,
  options: SignOptions = {},
): Promise<string> {
  return signPatient(
    { typ: SIGNED_PAYLOAD_TYPES.accessLogRead, aud: audience },
    key.patientDid,
    key.privateKey,
    key.kid,
    { ttlSeconds: 60, ...options },
  );
}

/**
 * A key recovery signed with the recovery key (`kid` `<did>#recovery`): it reveals the recovery key,
 * names the new signing key and the next recovery key by its thumbprint.
 */
export async function signKeyRecovery(
  patientDid: string,
  recovery: { readonly privateKey: CryptoKey; readonly publicJwk: PublicJwk },
  newPublicJwk: PublicJwk,
  nextRecoveryPublicJwk: PublicJwk,
  options: SignOptions = {},
): Promise<string> {
  return signPatient(
    keyRecoveryBody(recovery.publicJwk, newPublicJwk, await jwkThumbprint(nextRecoveryPublicJwk)),
    patientDid,
    recovery.privateKey,
    recoveryKeyId(patientDid),
    options,
  );
}
