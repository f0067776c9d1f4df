import { z } from 'zod';
import { mspIdSchema, patientDidSchema, staffDidSchema, studyIdSchema, txIdSchema } from '../ids';
import { jwkThumbprintSchema, p256PublicJwkSchema } from '../jws';
import { consentStatusSchema, dataCategorySchema, levelSchema, purposeSchema } from '../vocabulary';
import { SIGNED_PAYLOAD_TYPES } from '../signed-payload';
import { compactJwsSchema, isoTimeSchema, pageInput, pageOf } from './common';

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

/** zod: the scope of a consent (FHIR Consent provision, simplified). */
export const consentScopeSchema = z.strictObject({
  grantee: granteeSchema,
  categories: z.array(dataCategorySchema).min(1).max(16),
  maxLevel: levelSchema,
  purpose: purposeSchema,
  periodStart: isoTimeSchema,
  periodEnd: isoTimeSchema,
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

/** zod: standing preferences of a patient. */
export const preferencesSchema = z.strictObject({
  /** Whether break-glass (emergency) access is allowed. Default when never set: allowed. */
  allowEmergencyAccess: z.boolean(),
});

/** zod: the payload a patient signs to set standing preferences. */
export const preferencesPayloadSchema = z.strictObject({
  typ: z.literal(SIGNED_PAYLOAD_TYPES.preferences),
  ...signedBase,
  ...preferencesSchema.shape,
});
/** A preferences payload. */
export type PreferencesPayload = z.infer<typeof preferencesPayloadSchema>;

/** zod: the payload a patient signs (with the current key) to rotate their key. */
export const keyRotationPayloadSchema = z.strictObject({
  typ: z.literal(SIGNED_PAYLOAD_TYPES.keyRotation),
  ...signedBase,
  newPublicKeyJwk: p256PublicJwkSchema,
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
  recoveryPublicKeyJwk: p256PublicJwkSchema,
  newPublicKeyJwk: p256PublicJwkSchema,
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

/** zod: a consent as stored and returned. */
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
});
/** A consent. */
export type Consent = z.infer<typeof consentSchema>;

/** zod: the newest accepted `iat` of one payload type of a patient (rollback protection). */
export const signedIatSchema = z.object({ iat: z.number().int().min(0), txId: txIdSchema });

/** zod: stored preferences of a patient. */
export const patientPreferencesSchema = z.object({
  patientDid: patientDidSchema,
  ...preferencesSchema.shape,
  updatedAt: isoTimeSchema,
  txId: txIdSchema,
});
/** Stored preferences of a patient. */
export type PatientPreferences = z.infer<typeof patientPreferencesSchema>;

/** GrantConsent / RevokeConsent / SetPatientPreferences input: a JWS signed by the patient. */
export const signedConsentInput = z.strictObject({ jws: compactJwsSchema });

/** ListPatientConsents input. */
export const listPatientConsentsInput = z.strictObject({ patientDid: patientDidSchema, ...pageInput });
/** ListGranteeConsents input. */
export const listGranteeConsentsInput = z.strictObject({ grantee: granteeSchema, ...pageInput });
/** A page of consents. */
export const consentPageSchema = pageOf(consentSchema);
