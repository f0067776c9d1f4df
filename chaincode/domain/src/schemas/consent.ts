import { z } from 'zod';
import {
  mspIdSchema,
  orgSlugOf,
  parseStaffDid,
  patientDidSchema,
  sha256HexSchema,
  staffDidSchema,
  studyIdSchema,
  txIdSchema,
} from '../ids';
import { jwkThumbprintSchema, patientPublicJwkSchema } from '../jws';
import {
  beyondProfileSchema,
  consentStatusSchema,
  DATA_CATEGORIES,
  dataCategorySchema,
  DEFAULT_EMERGENCY_CATEGORIES,
  levelSchema,
  purposeSchema,
} from '../vocabulary';
import { SIGNED_PAYLOAD_TYPES } from '../signed-payload';
import { compactJwsSchema, isoTimeSchema, pageInput, pageOf } from './common';

/** Most reads a use-limited consent may allow. */
export const MAX_CONSENT_READS = 10_000;

/** zod: a nonce of a signed payload (base64url, 16 to 128 characters). */
export const nonceSchema = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/);

const signedBase = {
  patientDid: patientDidSchema,
  nonce: nonceSchema,
  /** Issued at, seconds since the epoch. */
  iat: z.number().int().min(0),
  /** Expiry of the signature, seconds since the epoch. */
  exp: z.number().int().min(0),
};

/** zod: who a consent is granted to: an org, a staff member, or a study. */
export const granteeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('org'), mspId: mspIdSchema }),
  z.strictObject({ kind: z.literal('staff'), did: staffDidSchema }),
  z.strictObject({ kind: z.literal('study'), studyId: studyIdSchema }),
]);
/** A consent grantee. */
export type Grantee = z.infer<typeof granteeSchema>;

/** The key of a grantee in indexes: `org:<msp>`, `staff:<did>`, `study:<id>`. */
export function granteeKey(grantee: Grantee): string {
  switch (grantee.kind) {
    case 'org':
      return `org:${grantee.mspId}`;
    case 'staff':
      return `staff:${grantee.did}`;
    case 'study':
      return `study:${grantee.studyId}`;
  }
}

/**
 * The org a consent is granted to: the org itself, a staff member's org (the org of `orgs` whose slug
 * the DID names), or the study's org (`studyOrg`, looked up by the caller). Its sealed collection holds
 * the consent, so the chaincode writes there and the gateway names that org as an endorser.
 * `undefined` when that org is not one of `orgs`.
 */
export function granteeOrgOf(
  grantee: Grantee,
  orgs: readonly string[],
  studyOrg?: string,
): string | undefined {
  let org: string | undefined;
  switch (grantee.kind) {
    case 'org':
      org = grantee.mspId;
      break;
    case 'staff': {
      const slug = parseStaffDid(grantee.did)?.orgSlug;
      org = orgs.find((o) => orgSlugOf(o) === slug);
      break;
    }
    case 'study':
      org = studyOrg;
      break;
  }
  return org !== undefined && orgs.includes(org) ? org : undefined;
}

/** zod: the scope of a consent (FHIR Consent provision, simplified). */
export const consentScopeSchema = z.strictObject({
  grantee: granteeSchema,
  categories: z.array(dataCategorySchema).min(1).max(16),
  maxLevel: levelSchema,
  purpose: purposeSchema,
  periodStart: isoTimeSchema,
  periodEnd: isoTimeSchema,
  /**
   * How many access grants the consent allows in all (each a 15-minute window to
   * read one record version); counted on chain per consent. Unlimited when absent.
   */
  maxReads: z.number().int().min(1).max(MAX_CONSENT_READS).optional(),
  /**
   * Until when the grantee may keep copies of what it read: by then it attests their deletion on chain
   * (`AttestDeletion`); a consent read under and not attested by then is overdue.
   */
  keepUntil: isoTimeSchema.optional(),
});

/** zod: the payload a patient signs to grant consent. */
export const consentGrantPayloadSchema = z.strictObject({
  typ: z.literal(SIGNED_PAYLOAD_TYPES.grant),
  ...signedBase,
  ...consentScopeSchema.shape,
});
/** A consent grant payload. */
export type ConsentGrantPayload = z.infer<typeof consentGrantPayloadSchema>;

/** zod: the payload a patient signs to revoke a consent. */
export const consentRevokePayloadSchema = z.strictObject({
  typ: z.literal(SIGNED_PAYLOAD_TYPES.revoke),
  ...signedBase,
  consentId: txIdSchema,
});
/** A consent revocation payload. */
export type ConsentRevokePayload = z.infer<typeof consentRevokePayloadSchema>;

/**
 * zod: a patient's emergency profile: the data categories break-glass opens on one attending's word,
 * and what it may do beyond them (docs/emergency-profile.md).
 */
export const emergencyProfileSchema = z.strictObject({
  categories: z.array(dataCategorySchema).max(DATA_CATEGORIES.length),
  beyondProfile: beyondProfileSchema,
});
/** An emergency profile. */
export type EmergencyProfile = z.infer<typeof emergencyProfileSchema>;

/** zod: standing preferences of a patient. */
export const preferencesSchema = z.strictObject({ emergencyProfile: emergencyProfileSchema });

/**
 * zod: the yes/no preference signed before emergency profiles existed, still accepted from patient
 * apps and still read from state; {@link emergencyProfileOf} says what it means now.
 */
export const legacyPreferencesSchema = z.strictObject({
  /** Whether break-glass (emergency) access is allowed. */
  allowEmergencyAccess: z.boolean(),
});

/**
 * The emergency profile a patient's preferences stand for. Never signed: the default profile
 * ({@link DEFAULT_EMERGENCY_CATEGORIES}, co-signature beyond). A yes/no signed before profiles existed:
 * yes meant break-glass opens everything, so every category; no meant never, so nothing and no
 * co-signature either. A migration that keeps what each patient signed, never widening it.
 */
export function emergencyProfileOf(
  prefs: { emergencyProfile: EmergencyProfile } | { allowEmergencyAccess: boolean } | undefined,
): EmergencyProfile {
  if (prefs === undefined)
    return { categories: [...DEFAULT_EMERGENCY_CATEGORIES], beyondProfile: 'co_signed' };
  if ('emergencyProfile' in prefs)
    return {
      categories: [...new Set(prefs.emergencyProfile.categories)].sort(),
      beyondProfile: prefs.emergencyProfile.beyondProfile,
    };
  return prefs.allowEmergencyAccess
    ? { categories: [...DATA_CATEGORIES].sort(), beyondProfile: 'co_signed' }
    : { categories: [], beyondProfile: 'never' };
}

/**
 * zod: the payload a patient signs to set standing preferences: the emergency profile, or (older apps)
 * the yes/no of {@link legacyPreferencesSchema}.
 */
export const preferencesPayloadSchema = z.union([
  z.strictObject({
    typ: z.literal(SIGNED_PAYLOAD_TYPES.preferences),
    ...signedBase,
    ...preferencesSchema.shape,
  }),
  z.strictObject({
    typ: z.literal(SIGNED_PAYLOAD_TYPES.preferences),
    ...signedBase,
    ...legacyPreferencesSchema.shape,
  }),
]);
/** A preferences payload. */
export type PreferencesPayload = z.infer<typeof preferencesPayloadSchema>;

/** zod: the payload a patient signs (with the current key) to rotate their key. */
export const keyRotationPayloadSchema = z.strictObject({
  typ: z.literal(SIGNED_PAYLOAD_TYPES.keyRotation),
  ...signedBase,
  newPublicKeyJwk: patientPublicJwkSchema,
});
/** A key rotation payload. */
export type KeyRotationPayload = z.infer<typeof keyRotationPayloadSchema>;

/**
 * zod: the payload a patient signs with the RECOVERY key (header `kid` `<did>#recovery`) when the
 * current key is lost: it reveals the recovery public key (whose thumbprint the DID document holds),
 * names the new key, and names the next recovery key (a revealed recovery key is spent).
 */
export const keyRecoveryPayloadSchema = z.strictObject({
  typ: z.literal(SIGNED_PAYLOAD_TYPES.keyRecovery),
  ...signedBase,
  recoveryPublicKeyJwk: patientPublicJwkSchema,
  newPublicKeyJwk: patientPublicJwkSchema,
  newRecoveryKeyThumbprint: jwkThumbprintSchema,
});
/** A key recovery payload. */
export type KeyRecoveryPayload = z.infer<typeof keyRecoveryPayloadSchema>;

/**
 * zod: the proof of possession a patient's app signs with the NEW key (header `kid` `<did>#key-1`)
 * for registration: it binds the DID, the org the patient lets register it, and the thumbprint of the
 * recovery key the patient keeps offline, so a relaying hospital can neither bind a key nobody holds
 * nor swap the recovery key for its own.
 */
export const patientRegistrationPayloadSchema = z.strictObject({
  typ: z.literal(SIGNED_PAYLOAD_TYPES.registration),
  ...signedBase,
  /** The MSP ID of the org that registers the patient (the signer of RegisterPatient). */
  org: mspIdSchema,
  recoveryKeyThumbprint: jwkThumbprintSchema,
});
/** A patient registration (proof of possession) payload. */
export type PatientRegistrationPayload = z.infer<typeof patientRegistrationPayloadSchema>;

/**
 * zod: the payload a patient signs (with the current key) to read their access log at one gateway:
 * `aud` is that gateway's org MSP ID. Short-lived; the gateway refuses a replayed nonce.
 */
export const accessLogReadPayloadSchema = z.strictObject({
  typ: z.literal(SIGNED_PAYLOAD_TYPES.accessLogRead),
  ...signedBase,
  aud: mspIdSchema,
});
/** An access log read proof payload. */
export type AccessLogReadPayload = z.infer<typeof accessLogReadPayloadSchema>;

/**
 * zod: a consent as kept in the grantee org's sealed collection and returned to the grantee's and the
 * regulator's peers: the terms, the patient, and the patient's signed grant (`jws`), which the
 * grantee presents to a custodian when it asks for access.
 */
export const consentSchema = z.object({
  consentId: txIdSchema,
  patientDid: patientDidSchema,
  ...consentScopeSchema.shape,
  status: consentStatusSchema,
  grantedAt: isoTimeSchema,
  grantTxId: txIdSchema,
  relayedBy: z.string(),
  revokedAt: isoTimeSchema.nullable(),
  revokeTxId: txIdSchema.nullable(),
  jws: compactJwsSchema,
});
/** A consent. */
export type Consent = z.infer<typeof consentSchema>;

/** zod: the newest accepted `iat` of one payload type of a patient (rollback protection). */
export const signedIatSchema = z.object({ iat: z.number().int().min(0), txId: txIdSchema });

/**
 * zod: the public fact that a consent was granted to an org: no patient, no terms beyond its end,
 * and the hash of the signed grant (which names the patient, so it stays off the ledger). Write-once.
 */
export const publicConsentSchema = z.object({
  consentId: txIdSchema,
  granteeOrg: mspIdSchema,
  jwsHash: sha256HexSchema,
  periodEnd: isoTimeSchema,
  grantedAt: isoTimeSchema,
  grantTxId: txIdSchema,
  /** The consent's read limit (public so every endorser of an access decision can count against it). */
  maxReads: z.number().int().nullable().default(null),
  /** Until when copies may be kept (public so the overdue attestations show in every projection). */
  keepUntil: isoTimeSchema.nullable().default(null),
});
/** A public consent. */
export type PublicConsent = z.infer<typeof publicConsentSchema>;

/** zod: the public fact that a consent was revoked. Write-once. */
export const consentRevocationSchema = z.object({
  consentId: txIdSchema,
  /** The org that relayed the patient's revocation (its receipt lives in that org's sealed collection). */
  relayedByOrg: mspIdSchema,
  revokedAt: isoTimeSchema,
  revokeTxId: txIdSchema,
});
/** A consent revocation. */
export type ConsentRevocation = z.infer<typeof consentRevocationSchema>;

/** zod: the public state of a consent (GrantConsent and RevokeConsent output; no patient). */
export const consentStateSchema = z.object({
  consentId: txIdSchema,
  granteeOrg: mspIdSchema,
  status: consentStatusSchema,
  periodEnd: isoTimeSchema,
  grantedAt: isoTimeSchema,
  grantTxId: txIdSchema,
  revokedAt: isoTimeSchema.nullable(),
  revokeTxId: txIdSchema.nullable(),
});
/** The public state of a consent. */
export type ConsentState = z.infer<typeof consentStateSchema>;

/** zod: stored standing preferences of a patient (public, by patient key; no DID). */
export const patientPreferencesSchema = z.object({
  ...preferencesSchema.shape,
  updatedAt: isoTimeSchema,
  txId: txIdSchema,
});
/** Stored preferences of a patient. */
export type PatientPreferences = z.infer<typeof patientPreferencesSchema>;

/** zod: preferences as state may hold them: the emergency profile, or a yes/no stored before it. */
export const storedPreferencesSchema = z.union([
  patientPreferencesSchema,
  z.object({ ...legacyPreferencesSchema.shape, updatedAt: isoTimeSchema, txId: txIdSchema }),
]);
/** Stored preferences, either form. */
export type StoredPreferences = z.infer<typeof storedPreferencesSchema>;

/** GetPatientPreferences input: the patient whose emergency profile is read (an evaluate: never in a block). */
export const getPatientPreferencesInput = z.strictObject({ patientDid: patientDidSchema });

/**
 * zod: a patient's emergency profile as break-glass reads it now, and where it comes from: `profile`
 * (a profile the patient signed), `yes_no` (a yes/no signed before profiles existed, read as the
 * profile it stands for) or `default` (nothing signed: the emergency minimum; `updatedAt` and `txId`
 * are then null).
 */
export const patientPreferencesReadSchema = z.object({
  ...preferencesSchema.shape,
  signed: z.enum(['profile', 'yes_no', 'default']),
  updatedAt: isoTimeSchema.nullable(),
  txId: txIdSchema.nullable(),
});
/** A patient's emergency profile as read back. */
export type PatientPreferencesRead = z.infer<typeof patientPreferencesReadSchema>;

/** The emergency profile a patient's stored preferences stand for, with where it comes from. */
export function preferencesReadOf(stored: StoredPreferences | undefined): PatientPreferencesRead {
  const emergencyProfile = emergencyProfileOf(stored);
  if (stored === undefined) return { emergencyProfile, signed: 'default', updatedAt: null, txId: null };
  return {
    emergencyProfile,
    signed: 'emergencyProfile' in stored ? 'profile' : 'yes_no',
    updatedAt: stored.updatedAt,
    txId: stored.txId,
  };
}

/** zod: a patient-signed payload in the transient map. */
export const signedPayloadSchema = z.strictObject({ jws: compactJwsSchema });

/** GrantConsent transient map: the patient's signed grant. */
export const grantConsentTransient = z.strictObject({ consent: signedPayloadSchema });

/**
 * RevokeConsent transient map: the patient's signed revocation and the signed grant it revokes (the
 * patient keeps both). With the grant at hand the relaying org and the regulator check that the
 * revocation is signed by the consent's own patient without reading the grantee's collection, so no
 * grantee can hold back a revocation by refusing to endorse it.
 */
export const revokeConsentTransient = z.strictObject({
  revocation: z.strictObject({ jws: compactJwsSchema, grantJws: compactJwsSchema }),
});

/** SetPatientPreferences transient map: the patient's signed preferences. */
export const preferencesTransient = z.strictObject({ preferences: signedPayloadSchema });

/** GetConsent input (evaluated on the caller's own peer: the grantee's or the regulator's). */
export const getConsentInput = z.strictObject({ consentId: txIdSchema });

/** ListPatientConsents input. */
export const listPatientConsentsInput = z.strictObject({ patientDid: patientDidSchema, ...pageInput });
/** ListGranteeConsents input. */
export const listGranteeConsentsInput = z.strictObject({ grantee: granteeSchema, ...pageInput });
/** A page of consents. */
export const consentPageSchema = pageOf(consentSchema);

/**
 * zod: how many access grants a use-limited consent has given (public, bound: the count every access
 * decision under the consent reads and advances, so concurrent decisions conflict under MVCC and the
 * limit holds).
 */
export const consentUseSchema = z.object({
  consentId: txIdSchema,
  reads: z.number().int().min(0),
  lastTxId: txIdSchema,
});
/** The use of a consent. */
export type ConsentUse = z.infer<typeof consentUseSchema>;

/**
 * zod: a grantee's attestation that it deleted every copy made under a consent (public, write-once,
 * receipt in the grantee org's collection). `late` when filed after the consent's `keepUntil`.
 */
export const deletionAttestationSchema = z.object({
  consentId: txIdSchema,
  granteeOrg: mspIdSchema,
  attestedBy: z.string(),
  attestedAt: isoTimeSchema,
  keepUntil: isoTimeSchema.nullable(),
  late: z.boolean(),
  txId: txIdSchema,
});
/** A deletion attestation. */
export type DeletionAttestation = z.infer<typeof deletionAttestationSchema>;

/** AttestDeletion input: the consent whose copies the caller's org deleted. */
export const attestDeletionInput = z.strictObject({ consentId: txIdSchema });

/** Most accesses one ResolveAccessConsents call names. */
export const MAX_RESOLVED_ACCESSES = 100;

/**
 * ResolveAccessConsents input: access decisions of the caller's org, each with its record's custodian
 * (none: the call only checks that the caller may ask).
 */
export const resolveAccessConsentsInput = z.strictObject({
  accesses: z
    .array(z.strictObject({ accessId: txIdSchema, custodian: mspIdSchema }))
    .max(MAX_RESOLVED_ACCESSES),
});

/**
 * zod: ResolveAccessConsents output: the consent each granted access of the caller's org was decided
 * under (accesses of another org, denied, or decided without a consent are left out).
 */
export const resolveAccessConsentsOutput = z.object({
  items: z.array(z.object({ accessId: txIdSchema, consentId: txIdSchema })),
});
