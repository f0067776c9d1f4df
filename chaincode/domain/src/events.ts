import { z } from 'zod';
import {
  mspIdSchema,
  patientDidSchema,
  recordIdSchema,
  sha256HexSchema,
  studyIdSchema,
  txIdSchema,
} from './ids';
import {
  accessOutcomeSchema,
  accessReasonSchema,
  breakGlassReasonSchema,
  breakGlassReviewOutcomeSchema,
  erasureReasonSchema,
  purposeSchema,
  qualityStatusSchema,
  roleSchema,
  staffStatusSchema,
} from './vocabulary';

const common = { txId: txIdSchema, txTime: z.iso.datetime() };

/**
 * Chaincode events, by name. Fabric keeps one event per transaction, so every transaction that
 * changes state emits exactly one of these. Payloads hold ids and vocabulary codes only.
 */
export const events = {
  StaffRegistered: z.object({ did: z.string(), org: mspIdSchema, role: roleSchema, ...common }),
  StaffUpdated: z.object({
    did: z.string(),
    org: mspIdSchema,
    role: roleSchema,
    status: staffStatusSchema,
    ...common,
  }),
  StaffDeactivated: z.object({ did: z.string(), org: mspIdSchema, ...common }),
  StaffRoleChangeProposed: z.object({
    did: z.string(),
    org: mspIdSchema,
    role: roleSchema,
    proposalId: txIdSchema,
    proposedBy: z.string(),
    ...common,
  }),
  StaffRoleChangeApproved: z.object({
    did: z.string(),
    org: mspIdSchema,
    role: roleSchema,
    status: staffStatusSchema,
    proposalId: txIdSchema,
    proposedBy: z.string(),
    approvedBy: z.string(),
    ...common,
  }),
  PatientRegistered: z.object({
    patientDid: patientDidSchema,
    registeredBy: mspIdSchema,
    /** The key the patient proved possession of (optional only for events from before the proof). */
    keyId: z.string().optional(),
    ...common,
  }),
  /**
   * A patient's key changed: `via` the current key (rotation) or the recovery key registered at
   * onboarding (optional only for events from before recovery). The patient's access log shows it.
   */
  PatientKeyRotated: z.object({
    patientDid: patientDidSchema,
    keyId: z.string(),
    via: z.enum(['current_key', 'recovery_key']).optional(),
    relayedBy: mspIdSchema.optional(),
    ...common,
  }),
  ConsentGranted: z.object({
    consentId: txIdSchema,
    patientDid: patientDidSchema,
    grantee: z.string(),
    /**
     * End of the consent period (projection: consents expiring soon). Optional only because events
     * committed before it was added lack it; the chaincode always emits it.
     */
    periodEnd: z.iso.datetime().optional(),
    ...common,
  }),
  ConsentRevoked: z.object({
    consentId: txIdSchema,
    patientDid: patientDidSchema,
    grantee: z.string(),
    ...common,
  }),
  PatientPreferencesSet: z.object({ patientDid: patientDidSchema, ...common }),
  RecordContentStaged: z.object({
    recordId: recordIdSchema,
    version: z.number().int(),
    custodian: mspIdSchema,
    ...common,
  }),
  RecordAnchored: z.object({
    recordId: recordIdSchema,
    version: z.number().int(),
    patientDid: patientDidSchema,
    custodian: mspIdSchema,
    contentHash: sha256HexSchema,
    qualityStatus: qualityStatusSchema,
    ...common,
  }),
  RecordQualityReviewed: z.object({
    recordId: recordIdSchema,
    version: z.number().int(),
    reviewedBy: z.string(),
    ...common,
  }),
  RecordContentErased: z.object({
    recordId: recordIdSchema,
    versions: z.array(z.number().int()),
    custodian: mspIdSchema,
    reason: erasureReasonSchema,
    ...common,
  }),
  AccessDecided: z.object({
    eventId: txIdSchema,
    recordId: recordIdSchema,
    patientDid: patientDidSchema,
    custodian: mspIdSchema,
    actorDid: z.string(),
    actorMsp: mspIdSchema,
    actorRole: roleSchema.nullable(),
    purpose: purposeSchema,
    outcome: accessOutcomeSchema,
    reason: accessReasonSchema,
    consentId: txIdSchema.nullable(),
    breakGlass: z.boolean(),
    /** The record version decided on (optional only for events committed before it was added). */
    version: z.number().int().min(1).optional(),
    /** The stated emergency reason code of a break-glass request, else null (optional as `version`). */
    breakGlassReason: breakGlassReasonSchema.nullable().optional(),
    ...common,
  }),
  BreakGlassReviewed: z.object({
    accessId: txIdSchema,
    recordId: recordIdSchema,
    outcome: breakGlassReviewOutcomeSchema,
    reviewedBy: z.string(),
    ...common,
  }),
  StudyRegistered: z.object({ studyId: studyIdSchema, org: mspIdSchema, ...common }),
} as const;

/** The name of a chaincode event. */
export type EventName = keyof typeof events;
/** The payload of a chaincode event. */
export type EventPayload<N extends EventName> = z.infer<(typeof events)[N]>;
/** All event names. */
export const EVENT_NAMES = Object.keys(events) as EventName[];
