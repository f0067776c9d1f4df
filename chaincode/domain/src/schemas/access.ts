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
  purposeSchema,
  roleSchema,
} from '../vocabulary';
import { isoTimeSchema } from './common';
import { versionSchema } from './record';

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

/** AccessRecord input. `breakGlassReason` requests emergency access; `studyId` is needed for research. */
export const accessRecordInput = z.strictObject({
  recordId: recordIdSchema,
  version: versionSchema.optional(),
  purpose: purposeSchema,
  studyId: studyIdSchema.optional(),
  breakGlassReason: breakGlassReasonSchema.optional(),
});

/** zod: an access decision (also the output of AccessRecord). `accessId` = audit event id = tx id. */
export const accessDecisionSchema = z.object({
  accessId: txIdSchema,
  recordId: recordIdSchema,
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

/** zod: an access grant, stored on grant only. */
export const accessGrantSchema = z.object({
  accessId: txIdSchema,
  actorDid: z.string(),
  actorMsp: mspIdSchema,
  recordId: recordIdSchema,
  version: versionSchema,
  custodian: mspIdSchema,
  purpose: purposeSchema,
  consentId: txIdSchema.nullable(),
  deidentify: z.boolean(),
  breakGlass: z.boolean(),
  grantedAt: isoTimeSchema,
  expiresAt: isoTimeSchema,
});
/** An access grant. */
export type AccessGrant = z.infer<typeof accessGrantSchema>;

/** ReadRecordContent input. */
export const readRecordContentInput = z.strictObject({ recordId: recordIdSchema, accessId: txIdSchema });
/** ReadRecordContent output: the resource (de-identified for research, then without salt). */
export const readRecordContentOutput = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  contentHash: sha256HexSchema,
  resource: z.record(z.string(), z.unknown()),
  salt: z.string().nullable(),
  deidentified: z.boolean(),
});

/** ReviewBreakGlass input. */
export const reviewBreakGlassInput = z.strictObject({
  accessId: txIdSchema,
  outcome: breakGlassReviewOutcomeSchema,
});

/** zod: the review state of a break-glass access. */
export const breakGlassCaseSchema = z.object({
  accessId: txIdSchema,
  recordId: recordIdSchema,
  patientDid: patientDidSchema,
  custodian: mspIdSchema,
  actorDid: z.string(),
  actorMsp: mspIdSchema,
  reason: breakGlassReasonSchema,
  openedAt: isoTimeSchema,
  status: z.enum(['pending_review', 'cleared']),
  outcome: breakGlassReviewOutcomeSchema.nullable(),
  reviewedBy: z.string().nullable(),
  reviewerRole: roleSchema.nullable(),
  reviewedAt: isoTimeSchema.nullable(),
});
/** A break-glass case. */
export type BreakGlassCase = z.infer<typeof breakGlassCaseSchema>;
