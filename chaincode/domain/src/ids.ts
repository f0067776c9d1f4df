import { z } from 'zod';

/** Longest value accepted as one attribute of a composite key. */
export const MAX_KEY_PART_LENGTH = 128;

function isForbiddenCodePoint(cp: number): boolean {
  if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return true; // controls, U+0000 above all
  if (cp >= 0xd800 && cp <= 0xdfff) return true; // a lone surrogate
  if (cp >= 0xfdd0 && cp <= 0xfdef) return true; // noncharacters
  if ((cp & 0xfffe) === 0xfffe) return true; // U+xFFFE, U+xFFFF of every plane, U+10FFFF included
  if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e)) return true; // invisible, bidi
  return (cp >= 0x2060 && cp <= 0x206f) || cp === 0xfeff;
}

/**
 * Why a string is not safe as a composite-key attribute, or `undefined` when it is.
 * Safe means: non-empty, at most `maxLength` UTF-16 code units, NFC-normalized, and free of control
 * characters (U+0000 above all), noncharacters (U+10FFFF above all), lone surrogates and invisible
 * format characters. This is what keeps one patient's range scan from reaching another's entries.
 */
export function keyPartProblem(value: string, maxLength = MAX_KEY_PART_LENGTH): string | undefined {
  if (value.length === 0) return 'empty';
  if (value.length > maxLength) return 'too_long';
  for (const ch of value) {
    if (isForbiddenCodePoint(ch.codePointAt(0) ?? 0)) return 'forbidden_character';
  }
  if (value.normalize('NFC') !== value) return 'not_nfc';
  return undefined;
}

/** True when `value` may be used as a composite-key attribute (see {@link keyPartProblem}). */
export function isSafeKeyPart(value: string, maxLength = MAX_KEY_PART_LENGTH): boolean {
  return keyPartProblem(value, maxLength) === undefined;
}

/** A zod string that must be a safe composite-key attribute. */
export const safeKeyPart = z.string().refine((v) => isSafeKeyPart(v), { error: 'unsafe key part' });

/** The DID method prefix of every MedLedger identifier. */
export const DID_PREFIX = 'did:medledger:';

/** Org slugs that would collide with other DID kinds. */
export const RESERVED_ORG_SLUGS: readonly string[] = ['patient', 'study', 'org'];

const ORG_SLUG = '[a-z][a-z0-9]{0,31}';
const ENROLLMENT_ID = '[A-Za-z0-9][A-Za-z0-9._@-]{0,63}';
const PATIENT_ID = '[A-Za-z0-9_-]{8,64}';

/** An MSP ID such as `Hospital1MSP`. */
export const MSP_ID_PATTERN = /^[A-Z][A-Za-z0-9]{0,31}MSP$/;
/** A Fabric CA enrollment id as used in certificate CNs (opaque, never a name). */
export const ENROLLMENT_ID_PATTERN = new RegExp(`^${ENROLLMENT_ID}$`);
/** `did:medledger:<orgSlug>:<enrollmentId>` */
export const STAFF_DID_PATTERN = new RegExp(`^did:medledger:(${ORG_SLUG}):(${ENROLLMENT_ID})$`);
/** `did:medledger:patient:<opaque id>` */
export const PATIENT_DID_PATTERN = new RegExp(`^did:medledger:patient:(${PATIENT_ID})$`);
/** Record, study and other opaque ids chosen by callers. */
export const OPAQUE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A department code such as `cardiology`. */
export const DEPARTMENT_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;
/** A lower-case SHA-256 hex digest. */
export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;
/** A Fabric transaction id (lower-case hex SHA-256). */
export const TX_ID_PATTERN = SHA256_HEX_PATTERN;

/** Org slug of an MSP ID: lower-cased, without the trailing `MSP` (`Hospital1MSP` → `hospital1`). */
export function orgSlugOf(mspId: string): string {
  return mspId.replace(/MSP$/, '').toLowerCase();
}

/** The staff DID of an enrollment id in an org. */
export function staffDid(mspId: string, enrollmentId: string): string {
  return `${DID_PREFIX}${orgSlugOf(mspId)}:${enrollmentId}`;
}

/** Parts of a staff DID, or `undefined` when `did` is not one. */
export function parseStaffDid(did: string): { orgSlug: string; enrollmentId: string } | undefined {
  const m = STAFF_DID_PATTERN.exec(did);
  if (!m?.[1] || !m[2] || RESERVED_ORG_SLUGS.includes(m[1])) return undefined;
  return { orgSlug: m[1], enrollmentId: m[2] };
}

/** True when `did` is a patient DID. */
export function isPatientDid(did: string): boolean {
  return PATIENT_DID_PATTERN.test(did);
}

/** The kind of organization, from the MSP ID naming convention of the consortium. */
export type OrgKind = 'hospital' | 'research' | 'regulator' | 'insurer' | 'other';

/**
 * The kind of an org. The consortium names its MSPs by kind (`Hospital<n>MSP`, `Research...MSP`,
 * `Regulator...MSP`, `Insurer...MSP`), so adding a hospital is a line of topology data and needs no chaincode change.
 */
export function orgKindOf(mspId: string): OrgKind {
  if (/^Hospital[A-Za-z0-9]*MSP$/.test(mspId)) return 'hospital';
  if (/^Research[A-Za-z0-9]*MSP$/.test(mspId)) return 'research';
  if (/^Regulator[A-Za-z0-9]*MSP$/.test(mspId)) return 'regulator';
  if (/^Insurer[A-Za-z0-9]*MSP$/.test(mspId)) return 'insurer';
  return 'other';
}

/** The implicit private data collection of an org (`_implicit_org_<MSP>`). */
export function implicitCollection(mspId: string): string {
  return `_implicit_org_${mspId}`;
}

/**
 * The sealed collection of an org (`sealed-<slug>`): shared by the org and the regulator, it holds
 * everything that links a patient to what happens at that org (see `sealedCollections`).
 */
export function sealedCollection(mspId: string): string {
  return `sealed-${orgSlugOf(mspId)}`;
}

/** zod: an MSP ID. */
export const mspIdSchema = z.string().regex(MSP_ID_PATTERN);
/** zod: an enrollment id. */
export const enrollmentIdSchema = z.string().regex(ENROLLMENT_ID_PATTERN);
/** zod: a staff DID. */
export const staffDidSchema = z
  .string()
  .refine((v) => parseStaffDid(v) !== undefined, { error: 'not a staff DID' });
/** zod: a patient DID. */
export const patientDidSchema = z.string().regex(PATIENT_DID_PATTERN);
/** zod: a staff or patient DID. */
export const didSchema = z
  .string()
  .refine((v) => isPatientDid(v) || parseStaffDid(v) !== undefined, { error: 'not a MedLedger DID' });
/** zod: a record id. */
export const recordIdSchema = z.string().regex(OPAQUE_ID_PATTERN);
/** zod: a study id. */
export const studyIdSchema = z.string().regex(OPAQUE_ID_PATTERN);
/** zod: a department code. */
export const departmentSchema = z.string().regex(DEPARTMENT_PATTERN);
/** zod: a SHA-256 hex digest. */
export const sha256HexSchema = z.string().regex(SHA256_HEX_PATTERN);
/** zod: a transaction id (also the id of consents, audit events and access grants). */
export const txIdSchema = z.string().regex(TX_ID_PATTERN);
