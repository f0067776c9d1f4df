import { z } from 'zod';
import {
  mspIdSchema,
  OPAQUE_ID_PATTERN,
  patientDidSchema,
  recordIdSchema,
  sha256HexSchema,
  txIdSchema,
} from '../ids';
import { currencySchema, MAX_LINE_QUANTITY, unitAmountSchema } from '../money';
import { isoTimeSchema } from './common';
import { calendarDateSchema, coverageIdSchema, itemCodeSchema } from './coverage';

/** zod: a claim id, chosen by the submitting hospital (its claim number space, opaque). */
export const claimIdSchema = z.string().regex(OPAQUE_ID_PATTERN);

/** Most lines one claim carries. */
export const MAX_CLAIM_LINES = 50;

/**
 * zod: one line of a claim as the hospital submits it: the item, when it was given, how many at what
 * unit price (minor units), and the anchored record that documents it (id and the content hash of the
 * version the claim relies on). The insurer sees the id and the hash, never the content.
 */
export const claimLineInputSchema = z.strictObject({
  item: itemCodeSchema,
  servicedDate: calendarDateSchema,
  quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
  unitPrice: unitAmountSchema,
  recordId: recordIdSchema,
  recordHash: sha256HexSchema,
});
/** A submitted claim line. */
export type ClaimLineInput = z.infer<typeof claimLineInputSchema>;

/** zod: a claim as the hospital submits it (SubmitClaim). */
export const claimSubmissionSchema = z.strictObject({
  claimId: claimIdSchema,
  coverageId: coverageIdSchema,
  patientDid: patientDidSchema,
  currency: currencySchema,
  lines: z.array(claimLineInputSchema).min(1).max(MAX_CLAIM_LINES),
});
/** A claim submission. */
export type ClaimSubmission = z.infer<typeof claimSubmissionSchema>;

/**
 * Coded reasons of a line's adjudication. The first four approve (the amount may be reduced, and the
 * code says by what: the first that applies of cap, deductible, fee schedule); the others reject the
 * line (approved 0).
 */
export const ADJUDICATION_REASONS = [
  'APPROVED',
  'CAP_REACHED',
  'DEDUCTIBLE_APPLIED',
  'FEE_SCHEDULE_REDUCED',
  'RECORD_UNVERIFIED',
  'SERVICE_AFTER_RECORD',
  'COVERAGE_INACTIVE',
  'ITEM_NOT_COVERED',
  'DUPLICATE_ITEM',
] as const;
/** An adjudication reason. */
export type AdjudicationReason = (typeof ADJUDICATION_REASONS)[number];
/** zod: an adjudication reason. */
export const adjudicationReasonSchema = z.enum(ADJUDICATION_REASONS);
/** Reasons that reject a line outright. */
export const REJECTING_REASONS: readonly AdjudicationReason[] = [
  'RECORD_UNVERIFIED',
  'SERVICE_AFTER_RECORD',
  'COVERAGE_INACTIVE',
  'ITEM_NOT_COVERED',
  'DUPLICATE_ITEM',
];

/**
 * zod: the adjudication of one line, every step in minor units: `submitted` (quantity x unit price),
 * `eligible` (quantity x the unit price the fee schedule recognizes), `deductible` (the part of
 * `eligible` that went to the deductible), `payable` (the plan's rate of the rest, rounded down) and
 * `approved` (`payable` within the item and period caps). A rejected line has zeros after `submitted`.
 */
export const lineAdjudicationSchema = z.object({
  reason: adjudicationReasonSchema,
  submitted: z.number().int().min(0),
  eligible: z.number().int().min(0),
  deductible: z.number().int().min(0),
  payable: z.number().int().min(0),
  approved: z.number().int().min(0),
});
/** A line's adjudication. */
export type LineAdjudication = z.infer<typeof lineAdjudicationSchema>;

/** Outcomes of a claim: every line approved (perhaps reduced), some lines rejected, or all. */
export const CLAIM_OUTCOMES = ['approved', 'partially_approved', 'rejected'] as const;
/** A claim outcome. */
export type ClaimOutcome = (typeof CLAIM_OUTCOMES)[number];
/** zod: a claim outcome. */
export const claimOutcomeSchema = z.enum(CLAIM_OUTCOMES);

/** zod: a stored claim line: as submitted, numbered from 1, with its adjudication. */
export const claimLineSchema = z.object({
  sequence: z.number().int().min(1),
  ...claimLineInputSchema.shape,
  adjudication: lineAdjudicationSchema,
});
/** A stored claim line. */
export type ClaimLine = z.infer<typeof claimLineSchema>;

/**
 * zod: a claim as stored and returned: the submission, who submitted it for which insurer under which
 * consent, each line's adjudication, and the totals. Adjudication happens in the same transaction as
 * the submission, so a claim is never stored unadjudicated.
 */
export const claimSchema = z.object({
  claimId: claimIdSchema,
  coverageId: coverageIdSchema,
  patientDid: patientDidSchema,
  provider: mspIdSchema,
  insurer: mspIdSchema,
  currency: currencySchema,
  consentId: txIdSchema,
  submittedBy: z.string(),
  submittedAt: isoTimeSchema,
  txId: txIdSchema,
  lines: z.array(claimLineSchema),
  outcome: claimOutcomeSchema,
  totalSubmitted: z.number().int().min(0),
  totalApproved: z.number().int().min(0),
});
/** A stored claim. */
export type Claim = z.infer<typeof claimSchema>;

/** GetClaim input. */
export const getClaimInput = z.strictObject({ claimId: claimIdSchema });
