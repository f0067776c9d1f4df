import { z } from 'zod';
import {
  mspIdSchema,
  patientDidSchema,
  recordIdSchema,
  sha256HexSchema,
  studyIdSchema,
  txIdSchema,
} from '../ids';
import {
  accessOutcomeSchema,
  accessReasonSchema,
  breakGlassReasonSchema,
  breakGlassReviewOutcomeSchema,
  claimReviewReasonSchema,
  purposeSchema,
  roleSchema,
} from '../vocabulary';
import { claimIdSchema } from './claim';
import { compactJwsSchema, isoTimeSchema } from './common';
import { consentScopeSchema } from './consent';
import { versionSchema } from './record';
import { dataUseReceiptSchema } from './trace';

/**
 * How far a proposal's timestamp, which its signer chooses, may be from the clock of the peer that
 * endorses or evaluates it (each peer's `peer.authentication.timewindow`, rendered from the topology;
 * Fabric's default is 15 min) and, for the content read that is never committed, from the custodian's
 * own chaincode server. Every expiry the chaincode checks (grants, consents, signed payloads) is checked
 * against that timestamp, so this bounds how far a signer can move it. A gateway signs a proposal just
 * before sending it and gives up on an endorsement after 15 s (`timeouts.endorseMs`): twice that leaves
 * room for queueing and for the skew of NTP-synchronized hosts, so nothing a client still waits for is
 * refused.
 */
export const PROPOSAL_TIME_WINDOW_SECONDS = 30;

/**
 * AccessRecord input: the record is named by custodian and id. `breakGlassReason` requests emergency
 * access; `studyId` is needed for research. No patient: the custodian's chaincode reads it from its
 * sealed collection.
 */
export const accessRecordInput = z.strictObject({
  recordId: recordIdSchema,
  custodian: mspIdSchema,
  version: versionSchema.optional(),
  purpose: purposeSchema,
  studyId: studyIdSchema.optional(),
  breakGlassReason: breakGlassReasonSchema.optional(),
});

/** Most consents an accessor presents for one decision. */
export const MAX_PRESENTED_CONSENTS = 16;

/** zod: a consent the accessor relies on: its id and the patient's signed grant. */
export const presentedConsentSchema = z.strictObject({ consentId: txIdSchema, jws: compactJwsSchema });
/** A presented consent. */
export type PresentedConsent = z.infer<typeof presentedConsentSchema>;

/**
 * zod: an insurer's adjuster's claim review: the claim (of the record's custodian) whose line the record
 * backs, and the coded reason. In transient data: which claim is under review, and why, says something
 * about the patient.
 */
export const claimReviewSchema = z.strictObject({ claimId: claimIdSchema, reason: claimReviewReasonSchema });
/** A claim review. */
export type ClaimReview = z.infer<typeof claimReviewSchema>;

/**
 * AccessRecord transient map: the consents the accessor presents (fetched by its gateway from its
 * own org's sealed collection). The custodian cannot read another org's collection, and the
 * patient's signed grants must not enter a block, so they travel here.
 */
export const accessRecordTransient = z.strictObject({
  consents: z.array(presentedConsentSchema).max(MAX_PRESENTED_CONSENTS).optional(),
  claimReview: claimReviewSchema.optional(),
});

/** zod: an access decision (also the output of AccessRecord). `accessId` = audit event id = tx id. */
export const accessDecisionSchema = z.object({
  accessId: txIdSchema,
  recordId: recordIdSchema,
  custodian: mspIdSchema,
  version: versionSchema,
  outcome: accessOutcomeSchema,
  reason: accessReasonSchema,
  consentId: txIdSchema.nullable(),
  breakGlass: z.boolean(),
  deidentified: z.boolean(),
  expiresAt: isoTimeSchema.nullable(),
});
/** An access decision. */
export type AccessDecision = z.infer<typeof accessDecisionSchema>;

/**
 * zod: an access grant, stored on grant only (custodian's sealed collection), with what the decision
 * rested on (the consent's terms, the study, the emergency reason), so that a content read decides
 * again from current state with the same rules.
 */
export const accessGrantSchema = z.object({
  accessId: txIdSchema,
  actorDid: z.string(),
  actorMsp: mspIdSchema,
  recordId: recordIdSchema,
  version: versionSchema,
  custodian: mspIdSchema,
  purpose: purposeSchema,
  consentId: txIdSchema.nullable(),
  consentTerms: consentScopeSchema.nullable(),
  studyId: studyIdSchema.nullable(),
  breakGlassReason: breakGlassReasonSchema.nullable(),
  deidentify: z.boolean(),
  breakGlass: z.boolean(),
  /** The claim review an insurer's access was granted for (read again when the content is read). */
  claimReview: claimReviewSchema.nullable().default(null),
  grantedAt: isoTimeSchema,
  expiresAt: isoTimeSchema,
  /** The second attending who co-signed an emergency access beyond the patient's profile. */
  coSignedBy: z.string().nullable().default(null),
});
/** An access grant. */
export type AccessGrant = z.infer<typeof accessGrantSchema>;

/** ReadRecordContent input. */
export const readRecordContentInput = z.strictObject({
  recordId: recordIdSchema,
  custodian: mspIdSchema,
  accessId: txIdSchema,
  /**
   * Research reads: the export (dataset) the row belongs to, chosen by the reader's gateway (its
   * first granted access id); default the access id. The row's pseudonym is per export and recipient.
   */
  exportId: txIdSchema.optional(),
});
/**
 * ReadRecordContent output: the resource (de-identified for research, then without salt), and the
 * data-use receipt the custodian's peer issued for exactly these bytes (docs/leak-tracing.md).
 */
export const readRecordContentOutput = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  contentHash: sha256HexSchema,
  resource: z.record(z.string(), z.unknown()),
  salt: z.string().nullable(),
  deidentified: z.boolean(),
  receipt: dataUseReceiptSchema,
});

/**
 * ReviewBreakGlass input. `suspend` (with an `unjustified` verdict) suspends the person who broke the
 * glass until a later verdict of the regulator finds the access justified.
 */
export const reviewBreakGlassInput = z.strictObject({
  accessId: txIdSchema,
  custodian: mspIdSchema,
  outcome: breakGlassReviewOutcomeSchema,
  suspend: z.boolean().default(false),
});

/** zod: a break-glass case as opened by the access decision (custodian's sealed collection). */
export const breakGlassCaseSchema = z.object({
  accessId: txIdSchema,
  recordId: recordIdSchema,
  patientDid: patientDidSchema,
  custodian: mspIdSchema,
  actorDid: z.string(),
  actorMsp: mspIdSchema,
  reason: breakGlassReasonSchema,
  openedAt: isoTimeSchema,
  /** The second attending who co-signed (an access beyond the emergency profile), reviewed with the case. */
  coSignedBy: z.string().nullable().default(null),
  /** The request the co-signature answered (its own denial event, `CO_SIGNATURE_REQUIRED`). */
  requestId: txIdSchema.nullable().default(null),
});
/** A break-glass case. */
export type BreakGlassCase = z.infer<typeof breakGlassCaseSchema>;

/** zod: one review of a break-glass case; reviews are appended, never replaced. */
export const breakGlassReviewSchema = z.object({
  accessId: txIdSchema,
  outcome: breakGlassReviewOutcomeSchema,
  reviewedBy: z.string(),
  reviewerMsp: mspIdSchema,
  reviewerRole: roleSchema.nullable(),
  /** The review is the regulator's (its latest verdict stands over any custodian review). */
  byRegulator: z.boolean(),
  suspend: z.boolean(),
  txId: txIdSchema,
  reviewedAt: isoTimeSchema,
});
/** A break-glass review. */
export type BreakGlassReview = z.infer<typeof breakGlassReviewSchema>;

/**
 * Review state of a break-glass case: `pending_review` (no review yet), `custodian_reviewed` (the
 * custodian's admin gave a verdict; the regulator may still review), `regulator_reviewed` (the
 * regulator's latest verdict stands; it may review again).
 */
export const BREAK_GLASS_STATUSES = ['pending_review', 'custodian_reviewed', 'regulator_reviewed'] as const;

/**
 * zod: a break-glass case with its reviews, as returned by ReviewBreakGlass. No patient: the response
 * of a submitted transaction is written into the block.
 */
export const breakGlassStateSchema = z.object({
  accessId: txIdSchema,
  /** A break-glass access of a record, or an emergency listing (its listing id; no record). */
  kind: z.enum(['access', 'emergency_listing']),
  recordId: recordIdSchema.nullable(),
  custodian: mspIdSchema,
  actorDid: z.string(),
  actorMsp: mspIdSchema,
  reason: breakGlassReasonSchema,
  openedAt: isoTimeSchema,
  coSignedBy: z.string().nullable(),
  status: z.enum(BREAK_GLASS_STATUSES),
  /** The verdict that stands: the regulator's latest, else the custodian's latest, else null. */
  outcome: breakGlassReviewOutcomeSchema.nullable(),
  reviewedBy: z.string().nullable(),
  reviewerRole: roleSchema.nullable(),
  reviewedAt: isoTimeSchema.nullable(),
  suspended: z.boolean(),
  reviews: z.array(breakGlassReviewSchema),
});
/** A break-glass case with its reviews. */
export type BreakGlassState = z.infer<typeof breakGlassStateSchema>;

/** zod: a suspension of a staff member after an unjustified break-glass access (public, no patient). */
export const suspensionSchema = z.object({
  actorDid: z.string(),
  accessId: txIdSchema,
  custodian: mspIdSchema,
  active: z.boolean(),
  txId: txIdSchema,
  txTime: isoTimeSchema,
});
/** A suspension. */
export type Suspension = z.infer<typeof suspensionSchema>;

/**
 * zod: a break-glass request beyond the patient's emergency profile, waiting for a second attending's
 * co-signature (custodian's sealed collection, by request id = the denied decision's access id).
 */
export const breakGlassRequestSchema = z.object({
  requestId: txIdSchema,
  recordId: recordIdSchema,
  version: versionSchema,
  custodian: mspIdSchema,
  actorDid: z.string(),
  actorMsp: mspIdSchema,
  reason: breakGlassReasonSchema,
  requestedAt: isoTimeSchema,
  expiresAt: isoTimeSchema,
});
/** A break-glass request waiting for a co-signature. */
export type BreakGlassRequest = z.infer<typeof breakGlassRequestSchema>;

/** zod: the co-signature a break-glass request got (write-once: a request is co-signed once). */
export const breakGlassCoSignSchema = z.object({
  requestId: txIdSchema,
  accessId: txIdSchema,
  coSignedBy: z.string(),
  txTime: isoTimeSchema,
});
/** A co-signature of a break-glass request. */
export type BreakGlassCoSign = z.infer<typeof breakGlassCoSignSchema>;

/** CoSignBreakGlass input: the request (its access id) and the custodian of its record. */
export const coSignBreakGlassInput = z.strictObject({ requestId: txIdSchema, custodian: mspIdSchema });
