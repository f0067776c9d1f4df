import { z } from 'zod';
import { departmentSchema, mspIdSchema, patientDidSchema, recordIdSchema, txIdSchema } from '../ids';
import {
  accessOutcomeSchema,
  breakGlassReasonSchema,
  dataCategorySchema,
  fhirResourceTypeSchema,
  qualityStatusSchema,
  recordLevelSchema,
  roleSchema,
} from '../vocabulary';
import { MAX_PRESENTED_CONSENTS, presentedConsentSchema } from './access';
import { compactJwsSchema, isoTimeSchema } from './common';
import { SIGNED_PAYLOAD_TYPES } from '../signed-payload';
import { consentScopeSchema, nonceSchema } from './consent';
import { erasureRequestPayloadSchema } from './erasure-request';
import { versionSchema } from './record';

/** How long an opened listing may be read, in seconds (the gateway reads it at once). */
export const LISTING_TTL_SECONDS = 120;

/** Longest validity of a patient's signed listing request, in seconds (it is relayed at once). */
export const RECORD_LIST_MAX_LIFETIME_SECONDS = 300;

/**
 * zod: the payload a patient signs to list their own records through a relaying org's gateway: `aud`
 * is the relaying org's MSP ID, the nonce is consumed on chain, so neither another org nor the same
 * org later can relay it again.
 */
export const recordListPayloadSchema = z.strictObject({
  // A summary request lists the records it then reads (docs/patients.md, health summary).
  typ: z.enum([SIGNED_PAYLOAD_TYPES.recordList, SIGNED_PAYLOAD_TYPES.summaryRead]),
  patientDid: patientDidSchema,
  nonce: nonceSchema,
  iat: z.number().int().min(0),
  exp: z.number().int().min(0),
  aud: mspIdSchema,
});
/** A record listing request payload. */
export type RecordListPayload = z.infer<typeof recordListPayloadSchema>;

/** Longest validity of a patient's signed request to read one record's anchor, in seconds. */
export const RECORD_READ_MAX_LIFETIME_SECONDS = 300;

/**
 * zod: the payload a patient signs to read the public anchor of one of their records through a
 * relaying org's gateway (`aud`): it names the record, so the relay can ask about that record only,
 * and for minutes. Checked by an evaluate, which consumes no nonce: a relay asking again within the
 * lifetime learns nothing new.
 */
export const recordReadPayloadSchema = erasureRequestPayloadSchema.extend({
  // The same request naming one record of the patient as an erasure request's, for another use.
  typ: z.literal(SIGNED_PAYLOAD_TYPES.recordRead),
});
/** A record read request payload. */
export type RecordReadPayload = z.infer<typeof recordReadPayloadSchema>;

/** ConfirmPatientRecord input: the record the patient's signed request names. */
export const confirmPatientRecordInput = z.strictObject({ custodian: mspIdSchema, recordId: recordIdSchema });
/** ConfirmPatientRecord transient map: the patient's signed request (`medledger.record.read`). */
export const confirmPatientRecordTransient = z.strictObject({
  request: z.strictObject({ jws: compactJwsSchema }),
});
/** zod: ConfirmPatientRecord output: the record, confirmed the signer's own. */
export const confirmPatientRecordOutput = z.object({ recordId: recordIdSchema, custodian: mspIdSchema });

/**
 * OpenRecordListing transient map: the patient (`subject`), and at most one of: the consents the
 * caller's org holds for the patient (a clinician of another custodian), the patient's signed request
 * (the patient, relayed by the gateway's service identity), or an emergency with its stated reason
 * (a doctor listing what the patient's emergency profile opens, docs/patients.md).
 */
export const openRecordListingTransient = z.strictObject({
  subject: z.strictObject({ patientDid: patientDidSchema }),
  consents: z.array(presentedConsentSchema).max(MAX_PRESENTED_CONSENTS).optional(),
  request: z.strictObject({ jws: compactJwsSchema }).optional(),
  emergency: z.strictObject({ reason: breakGlassReasonSchema }).optional(),
});

/**
 * Who a listing is for: the patient themself, a clinician (custodianship or consent), or a doctor in
 * an emergency (the patient's signed emergency profile, flagged like break-glass).
 */
export const listingModeSchema = z.enum(['patient', 'clinician', 'emergency']);
/** A listing mode. */
export type ListingMode = z.infer<typeof listingModeSchema>;

/** Why a listing was opened or refused. */
export const listingReasonSchema = z.enum([
  'PATIENT_SIGNED',
  'CLINICIAN',
  'NOT_REGISTERED',
  'INACTIVE',
  'ROLE_NOT_PERMITTED',
  'REQUEST_INVALID',
  'FROZEN',
  /** An emergency listing under the patient's signed emergency profile, reviewed afterwards. */
  'BREAK_GLASS',
  /** An emergency listing of a patient who never signed an emergency profile: nothing to list. */
  'NO_EMERGENCY_PROFILE',
]);
/** A listing reason. */
export type ListingReason = z.infer<typeof listingReasonSchema>;

/**
 * zod: a listing decision as kept in the caller's org's sealed collection: the audit of who listed
 * which patient's records, and, when granted, what a later ListPatientRecords may read.
 */
export const recordListingSchema = z.object({
  listingId: txIdSchema,
  actorDid: z.string(),
  actorMsp: mspIdSchema,
  actorRole: roleSchema.nullable(),
  patientDid: patientDidSchema,
  mode: listingModeSchema,
  outcome: accessOutcomeSchema,
  reason: listingReasonSchema,
  /** The consents the clinician presented that the ledger vouched for at the decision. */
  consents: z.array(z.object({ consentId: txIdSchema, terms: consentScopeSchema })),
  /** An emergency listing's stated reason (null otherwise; absent in listings stored before it). */
  breakGlassReason: breakGlassReasonSchema.nullable().default(null),
  /**
   * What a granted emergency listing names: the categories of the patient's signed emergency profile
   * at the decision (a later read lists the records in those categories under the profile then in
   * force, never more). Null for other listings and in listings stored before it.
   */
  emergencyCategories: z.array(dataCategorySchema).nullable().default(null),
  txId: txIdSchema,
  txTime: isoTimeSchema,
  expiresAt: isoTimeSchema.nullable(),
});
/** A stored record listing decision. */
export type RecordListing = z.infer<typeof recordListingSchema>;

/** zod: OpenRecordListing output (no patient: it is in the block). */
export const openRecordListingOutput = z.object({
  listingId: txIdSchema,
  mode: listingModeSchema,
  outcome: accessOutcomeSchema,
  reason: listingReasonSchema,
  expiresAt: isoTimeSchema.nullable(),
});

/** ListPatientRecords input: the listing opened by the same caller. */
export const listPatientRecordsInput = z.strictObject({ listingId: txIdSchema });

/** zod: the metadata of one record of a patient, as listed (never content). */
export const listedRecordSchema = z.object({
  recordId: recordIdSchema,
  custodian: mspIdSchema,
  version: versionSchema,
  department: departmentSchema,
  category: dataCategorySchema,
  level: recordLevelSchema,
  fhirResourceType: fhirResourceTypeSchema,
  anchoredAt: isoTimeSchema,
  qualityStatus: qualityStatusSchema,
  erased: z.boolean(),
});
/** A listed record. */
export type ListedRecord = z.infer<typeof listedRecordSchema>;

/** zod: ListPatientRecords output. */
export const listPatientRecordsOutput = z.object({
  listingId: txIdSchema,
  mode: listingModeSchema,
  records: z.array(listedRecordSchema),
});
