/**
 * Selective disclosure of a record (SD-JWT, RFC 9901, with `@sd-jwt/core`): the custodian issues a
 * record's claims as an SD-JWT bound to a holder key and anchors the hash of its issuer-signed part on
 * the ledger; the holder later discloses chosen claims to a verifier, who checks them against the
 * custodian's key, the ledger's anchor and the holder's key binding, and sees nothing else.
 *
 * Rules:
 * - Every top-level claim except the record reference is disclosable, and so is every element of an
 *   array claim and every field of an object claim (one level down). Arrays are padded with decoy
 *   digests to a multiple of {@link ARRAY_PAD}, so a verifier does not learn how many elements (a
 *   report's variants) there are.
 * - The record reference (`custodian`, `recordId`, `version`), `iss`, `iat` and `cnf` stay visible:
 *   they are what the verifier checks against the ledger.
 * - The holder key in `cnf` is a key made for this one credential, never the patient's DID key: the
 *   DID key is public on the ledger, and binding to it would tell every verifier whose record it is.
 * - The anchored value is SHA-256 (hex) of the issuer-signed JWT (the SD-JWT up to its first `~`). It
 *   covers the digests of every disclosure, so a disclosure that was not issued fails against it.
 * - A presentation must carry a key-binding JWT for the verifier's nonce and audience, signed by the
 *   holder key and no older than {@link KB_MAX_AGE_SECONDS}.
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import type { DisclosureFrame, PresentationFrame } from '@sd-jwt/types';

/** Arrays are padded with decoy digests to a multiple of this many entries. */
export const ARRAY_PAD = 8;
/** How old a key-binding JWT may be, in seconds. */
export const KB_MAX_AGE_SECONDS = 300;

/** The record an SD-JWT was issued from: what the verifier looks up on the ledger. */
export interface RecordReference {
  readonly custodian: string;
  readonly recordId: string;
  readonly version: number;
}

/** Why a presentation does not verify. */
export type DisclosureFailure = 'INVALID_SIGNATURE' | 'KEY_BINDING' | 'NOT_ANCHORED' | 'MALFORMED';

/** A failed verification, with its reason. */
export class DisclosureError extends Error {
  constructor(readonly reason: DisclosureFailure) {
    super(`selective disclosure refused: ${reason}`);
    this.name = 'DisclosureError';
  }
}

type Claims = Record<string, unknown>;

const RESERVED = new Set(['custodian', 'recordId', 'version', 'iss', 'iat', 'cnf', '_sd', '_sd_alg']);

function hasher(data: string | ArrayBuffer, alg: string): Uint8Array {
  if (alg.toLowerCase() !== 'sha-256') throw new DisclosureError('MALFORMED');
  return createHash('sha256')
    .update(typeof data === 'string' ? data : Buffer.from(data))
    .digest();
}

function es256Signer(key: KeyObject) {
  return (data: string) =>
    sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

function es256Verify(key: KeyObject, data: string, signature: string): boolean {
  try {
    return verify(
      'sha256',
      Buffer.from(data),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    return false;
  }
}

function instance(config: ConstructorParameters<typeof SDJwtInstance>[0] = {}) {
  return new SDJwtInstance<Claims>({
    hasher,
    hashAlg: 'sha-256',
    saltGenerator: (length) => randomBytes(length).toString('base64url'),
    signAlg: 'ES256',
    kbSignAlg: 'ES256',
    ...config,
  });
}

function frameFor(claims: Claims): DisclosureFrame<Claims> {
  const frame: Record<string, unknown> = { _sd: Object.keys(claims) };
  for (const [key, value] of Object.entries(claims)) {
    if (Array.isArray(value)) {
      const padded = Math.max(ARRAY_PAD, Math.ceil(value.length / ARRAY_PAD) * ARRAY_PAD);
      frame[key] = { _sd: value.map((_, i) => i), _sd_decoy: padded - value.length };
    } else if (typeof value === 'object' && value !== null) {
      frame[key] = { _sd: Object.keys(value) };
    }
  }
  return frame as DisclosureFrame<Claims>;
}

/** SHA-256 (hex) of the issuer-signed JWT of an SD-JWT or of a presentation of it: the anchored value. */
export function sdJwtAnchorHash(sdJwtOrPresentation: string): string {
  const issuerJwt = sdJwtOrPresentation.split('~')[0] ?? '';
  return createHash('sha256').update(issuerJwt).digest('hex');
}

/**
 * Issues `claims` of a record as an SD-JWT signed by the custodian's key (`kid` names it), bound to
 * `holderJwk`. Returns the SD-JWT (with every disclosure, for the holder) and the hash to anchor.
 */
export async function issueRecordSdJwt(input: {
  readonly record: RecordReference;
  readonly claims: Claims;
  readonly issuer: { readonly id: string; readonly kid: string; readonly privateKey: KeyObject };
  readonly holderJwk: JsonWebKey;
  readonly issuedAt: number;
}): Promise<{ sdJwt: string; anchorHash: string }> {
  const clash = Object.keys(input.claims).find((k) => RESERVED.has(k));
  if (clash !== undefined) throw new RangeError(`claim name ${clash} is reserved`);
  const payload: Claims = {
    ...input.claims,
    iss: input.issuer.id,
    iat: input.issuedAt,
    custodian: input.record.custodian,
    recordId: input.record.recordId,
    version: input.record.version,
    cnf: { jwk: input.holderJwk },
  };
  const sdJwt = await instance({ signer: es256Signer(input.issuer.privateKey) }).issue(
    payload,
    frameFor(input.claims),
    { header: { typ: 'sd+jwt', kid: input.issuer.kid } },
  );
  return { sdJwt, anchorHash: sdJwtAnchorHash(sdJwt) };
}

/**
 * The holder's presentation of the claims `frame` selects (`{ variants: { 1: true } }` discloses the
 * second variant only), with a key-binding JWT for the verifier's `nonce` and `audience`.
 */
export function presentSdJwt(
  sdJwt: string,
  frame: PresentationFrame<Claims>,
  holder: {
    readonly privateKey: KeyObject;
    readonly nonce: string;
    readonly audience: string;
    readonly issuedAt: number;
  },
): Promise<string> {
  return instance({ kbSigner: es256Signer(holder.privateKey) }).present(sdJwt, frame, {
    kb: { payload: { iat: holder.issuedAt, aud: holder.audience, nonce: holder.nonce } },
  });
}

function holderKeyOf(payload: Claims): KeyObject {
  const cnf = payload.cnf as { jwk?: JsonWebKey } | undefined;
  if (cnf?.jwk?.kty !== 'EC' || cnf.jwk.crv !== 'P-256') throw new DisclosureError('KEY_BINDING');
  return createPublicKey({ key: cnf.jwk, format: 'jwk' });
}

/** What a verified presentation shows: the record it came from and the disclosed claims only. */
export interface VerifiedDisclosure {
  readonly record: RecordReference;
  readonly issuer: string;
  readonly claims: Claims;
}

/**
 * Verifies a presentation: the custodian's signature (`issuerKey`), the anchored hash of the record
 * (`anchoredHash`, read from the ledger), the key binding (holder key from `cnf`, `nonce`, `audience`,
 * age at `now`, seconds). Returns the disclosed claims, or throws {@link DisclosureError}.
 */
export async function verifySdJwtPresentation(
  presentation: string,
  expect: {
    readonly issuerKey: KeyObject;
    readonly anchoredHash: (record: RecordReference) => Promise<string | undefined>;
    readonly nonce: string;
    readonly audience: string;
    readonly now: number;
  },
): Promise<VerifiedDisclosure> {
  const sd = instance({
    verifier: (data, signature) => es256Verify(expect.issuerKey, data, signature),
    kbVerifier: (data, signature, payload) => es256Verify(holderKeyOf(payload), data, signature),
  });
  // The issuer's signature first, then the key binding, so each failure has its own reason without
  // reading the library's messages.
  try {
    await sd.validate(presentation, { currentDate: expect.now });
  } catch {
    throw new DisclosureError('INVALID_SIGNATURE');
  }
  let verified: Awaited<ReturnType<typeof sd.verify>>;
  try {
    verified = await sd.verify(presentation, { keyBindingNonce: expect.nonce, currentDate: expect.now });
  } catch {
    throw new DisclosureError('KEY_BINDING');
  }
  const kb = verified.kb?.payload;
  if (
    kb?.aud !== expect.audience ||
    !(expect.now - kb.iat <= KB_MAX_AGE_SECONDS && kb.iat <= expect.now + 60)
  ) {
    throw new DisclosureError('KEY_BINDING');
  }
  const payload = verified.payload as Claims;
  const { custodian, recordId, version, iss } = payload;
  // What the holder disclosed: everything but the visible envelope the verifier already checked.
  const claims = Object.fromEntries(Object.entries(payload).filter(([key]) => !RESERVED.has(key)));
  if (
    typeof custodian !== 'string' ||
    typeof recordId !== 'string' ||
    typeof version !== 'number' ||
    typeof iss !== 'string'
  ) {
    throw new DisclosureError('MALFORMED');
  }
  const record = { custodian, recordId, version };
  if ((await expect.anchoredHash(record)) !== sdJwtAnchorHash(presentation))
    throw new DisclosureError('NOT_ANCHORED');
  return { record, issuer: iss, claims };
}

/** A fresh P-256 key pair for one credential's holder binding, with its public JWK. */
export function newHolderKey(): { privateKey: KeyObject; publicJwk: JsonWebKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicJwk: publicKey.export({ format: 'jwk' }) };
}

/** Which anchor a presentation names: its custodian (visible) and the hash of its issuer-signed JWT. */
export function presentationAnchorKey(presentation: string): { custodian: string; sdJwtHash: string } {
  const payload = presentation.split('~')[0]?.split('.')[1] ?? '';
  let custodian: unknown;
  try {
    custodian = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims)['custodian'];
  } catch {
    throw new DisclosureError('MALFORMED');
  }
  if (typeof custodian !== 'string') throw new DisclosureError('MALFORMED');
  return { custodian, sdJwtHash: sdJwtAnchorHash(presentation) };
}

/**
 * The verifier's check, on its own side: the presentation against the credential's anchor read from
 * the ledger (`GET /v1/credentials/{custodian}/{sdJwtHash}`): the custodian's signature with the key
 * anchored with it, the anchored record version and hash, and the key binding to the verifier's nonce
 * and audience. Returns the disclosed claims only, or throws {@link DisclosureError}.
 */
export function verifyPresentationWithAnchor(
  presentation: string,
  anchor: {
    readonly custodian: string;
    readonly recordId: string;
    readonly version: number;
    readonly sdJwtHash: string;
    readonly issuerJwk: JsonWebKey;
  },
  expect: { readonly nonce: string; readonly audience: string; readonly now: number },
): Promise<VerifiedDisclosure> {
  let issuerKey: KeyObject;
  try {
    issuerKey = createPublicKey({ key: anchor.issuerJwk, format: 'jwk' });
  } catch {
    return Promise.reject(new DisclosureError('MALFORMED'));
  }
  return verifySdJwtPresentation(presentation, {
    ...expect,
    issuerKey,
    anchoredHash: (record) =>
      Promise.resolve(
        record.custodian === anchor.custodian &&
          record.recordId === anchor.recordId &&
          record.version === anchor.version
          ? anchor.sdJwtHash
          : undefined,
      ),
  });
}
