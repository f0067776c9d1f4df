import { z } from 'zod';
import { mspIdSchema, patientDidSchema, recordIdSchema, txIdSchema } from '../ids';
import { presentedConsentSchema } from './access';
import { claimIdSchema, claimOutcomeSchema, claimSubmissionSchema, MAX_CLAIM_LINES } from './claim';
import { isoTimeSchema } from './common';
import { currencySchema } from '../money';
import {
  batchIdSchema,
  disputeIdSchema,
  disputeStatusSchema,
  entryIdSchema,
  openDisputeTerms,
  resolveDisputeTerms,
} from './settlement';
import { coverageIdSchema, coverageSchema, coverageTermsSchema, coverageUsageSchema } from './coverage';

/**
 * zod: the secret of a patient's insurance card (64 hex digits, chosen at random by the insurer's
 * gateway). The coverage's patient is checked against it, so whoever claims for a patient must hold
 * the card, as a hospital's front desk does.
 */
export const coverageCardSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** zod: a fresh random value of the submitting gateway that salts the sealed values a transaction writes. */
export const sealNonceSchema = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * zod: a sealed value exactly as it is stored (base64 of its bytes), presented by a caller so that
 * endorsing peers outside the collection can check it against the hash every peer holds.
 */
export const presentedSealedSchema = z.base64().max(400_000);

/** RegisterCoverage transient: the terms (with the patient) and the card secret. */
export const registerCoverageTransient = z.strictObject({
  coverage: coverageTermsSchema,
  card: z.strictObject({ secret: coverageCardSchema }),
});

/** zod: a coverage as the insurer's collection holds it: the stored coverage and its card secret. */
export const sealedCoverageSchema = coverageSchema.extend({ card: coverageCardSchema });
/** A sealed coverage. */
export type SealedCoverage = z.infer<typeof sealedCoverageSchema>;

/**
 * zod: the public answer about a coverage (RegisterCoverage, coverage changes): ids, state and dates.
 * Written into the block, so no patient, no terms.
 */
export const coverageStateViewSchema = z.object({
  coverageId: coverageIdSchema,
  insurer: mspIdSchema,
  state: coverageSchema.shape.state,
  endsFrom: coverageSchema.shape.endsFrom,
  txId: txIdSchema,
});

/**
 * GetCoverage and GetClaimContext transient: the patient and the card (a patient or a hospital holding
 * it reads the coverage). The insurer's and the regulator's staff read a coverage without one.
 */
export const coverageCardTransient = z.strictObject({
  holder: z.strictObject({ patientDid: patientDidSchema, card: coverageCardSchema }).optional(),
});

/** GetClaimContext input: the coverage. */
export const getClaimContextInput = z.strictObject({ coverageId: coverageIdSchema });

/**
 * GetClaimContext output: the insurer's sealed coverage and usage exactly as stored, for the hospital
 * to present in SubmitClaim (its own peer cannot read the insurer's collection).
 */
export const claimContextSchema = z.object({
  coverage: presentedSealedSchema,
  usage: presentedSealedSchema.nullable(),
});

/** GetRecordLinks input: records of the caller's org. */
export const getRecordLinksInput = z.strictObject({
  recordIds: z.array(recordIdSchema).min(1).max(MAX_CLAIM_LINES),
});
/** GetRecordLinks output: each record's patient link exactly as stored (null when the record has none). */
export const recordLinksSchema = z.object({ links: z.array(presentedSealedSchema.nullable()) });

/** SubmitClaim input (written into the block): the claim id and the insurer it goes to. */
export const submitClaimInput = z.strictObject({ claimId: claimIdSchema, insurer: mspIdSchema });

/**
 * SubmitClaim transient: the claim (with the patient), the patient's card, the patient's consents for
 * the insurance purpose, the insurer's coverage and usage and the hospital's record links as stored
 * (from GetClaimContext and GetRecordLinks, one link per distinct record, in first-use order), and
 * the nonce that salts what the claim writes.
 */
export const submitClaimTransient = z.strictObject({
  claim: claimSubmissionSchema,
  consents: z.array(presentedConsentSchema).min(1).max(10),
  presented: z.strictObject({
    card: coverageCardSchema,
    coverage: presentedSealedSchema,
    usage: presentedSealedSchema.nullable(),
    recordLinks: z.array(presentedSealedSchema.nullable()).min(1).max(MAX_CLAIM_LINES),
    nonce: sealNonceSchema,
  }),
});

/**
 * zod: the public answer of SubmitClaim (written into the block): ids, outcome and line count, no
 * patient, no items, no amounts.
 */
export const claimReceiptSchema = z.object({
  claimId: claimIdSchema,
  provider: mspIdSchema,
  insurer: mspIdSchema,
  outcome: claimOutcomeSchema,
  lines: z.number().int().min(1),
  txId: txIdSchema,
  submittedAt: isoTimeSchema,
});
/** A claim receipt. */
export type ClaimReceipt = z.infer<typeof claimReceiptSchema>;

/** GetClaim input: the claim and its provider (claim ids are the provider's). */
export const getClaimByProviderInput = z.strictObject({ claimId: claimIdSchema, provider: mspIdSchema });

/**
 * zod: a coverage's usage as the insurer's collection holds it: the amounts adjudication used and the
 * keys of the lines it approved (the no-double-claim rule).
 */
export const storedUsageSchema = coverageUsageSchema.extend({ claimed: z.array(z.string()) });
/** Stored coverage usage. */
export type StoredUsage = z.infer<typeof storedUsageSchema>;

/** OpenDispute transient: what is disputed, the claim as the provider's collection stores it, the nonce. */
export const openDisputeTransient = z.strictObject({
  dispute: openDisputeTerms,
  presented: z.strictObject({ claim: presentedSealedSchema, nonce: sealNonceSchema }),
});

/** ResolveDispute transient: the resolution, the dispute as the insurer's collection stores it, the nonce. */
export const resolveDisputeTransient = z.strictObject({
  resolution: resolveDisputeTerms,
  presented: z.strictObject({ dispute: presentedSealedSchema, nonce: sealNonceSchema }),
});

/** Most open entries one batch presents. */
export const MAX_PRESENTED_ENTRIES = 500;

/** CloseSettlementBatch transient: the pair's open entries as the insurer's collection stores them. */
export const closeSettlementBatchTransient = z.strictObject({
  presented: z.strictObject({
    entries: z.array(presentedSealedSchema).min(1).max(MAX_PRESENTED_ENTRIES),
    nonce: sealNonceSchema,
  }),
});

/** Most open entries of a pair one read returns whole; past it, a read names a currency and a limit. */
export const MAX_OPEN_ENTRIES = 10_000;

/**
 * GetSettlementContext input: what the caller's org's collection holds of a pair, exactly as stored: a
 * claim, a dispute, and (when `openEntries`) the pair's entries no batch settled yet, oldest first by
 * currency, of one `currency` when named, at most `limit` when given (else all of them, and
 * `SCAN_LIMIT` past {@link MAX_OPEN_ENTRIES}).
 */
export const getSettlementContextInput = z.strictObject({
  provider: mspIdSchema,
  insurer: mspIdSchema,
  claimId: claimIdSchema.nullable(),
  disputeId: disputeIdSchema.nullable(),
  openEntries: z.boolean(),
  currency: currencySchema.nullable().optional(),
  limit: z.number().int().min(1).max(MAX_OPEN_ENTRIES).nullable().optional(),
});

/** GetSettlementContext output; `moreEntries` when a `limit` left open entries out. */
export const settlementContextSchema = z.object({
  claim: presentedSealedSchema.nullable(),
  dispute: presentedSealedSchema.nullable(),
  entries: z.array(presentedSealedSchema),
  moreEntries: z.boolean(),
});

/** Most entries of a pair's history one GetUnindexedSettlementEntries call reads. */
export const UNINDEXED_SCAN_PAGE = 1000;

/**
 * GetUnindexedSettlementEntries input: a page of a pair's history, after entry `after` (exclusive), to
 * find the open entries a ledger written before the open-entry index holds unindexed; at most `limit`.
 */
export const getUnindexedSettlementEntriesInput = z.strictObject({
  provider: mspIdSchema,
  insurer: mspIdSchema,
  after: entryIdSchema.nullable(),
  limit: z.number().int().min(1).max(MAX_PRESENTED_ENTRIES),
});

/**
 * GetUnindexedSettlementEntries output: the open entries found unindexed, as the caller's collection
 * stores them; how many entries of the history were read; where the next page starts (null: the end).
 */
export const unindexedSettlementEntriesSchema = z.object({
  entries: z.array(presentedSealedSchema),
  scanned: z.number().int().min(0),
  next: entryIdSchema.nullable(),
});

/** IndexOpenSettlementEntries input: the pair. */
export const indexOpenSettlementEntriesInput = z.strictObject({
  provider: mspIdSchema,
  insurer: mspIdSchema,
});

/** IndexOpenSettlementEntries transient: open entries as the insurer's collection stores them. */
export const indexOpenSettlementEntriesTransient = closeSettlementBatchTransient;

/** The public answer of IndexOpenSettlementEntries: the pair and how many entries it indexed. */
export const indexedEntriesSchema = z.object({
  provider: mspIdSchema,
  insurer: mspIdSchema,
  entries: z.number().int().min(1),
  txId: txIdSchema,
});

/** The public answer of OpenDispute and ResolveDispute (ids and status only). */
export const disputeStateSchema = z.object({
  disputeId: disputeIdSchema,
  claimId: claimIdSchema,
  provider: mspIdSchema,
  insurer: mspIdSchema,
  status: disputeStatusSchema,
  txId: txIdSchema,
});

/** The public answer of CloseSettlementBatch: the batch's ids and size (amounts stay sealed). */
export const batchStateSchema = z.object({
  batchId: batchIdSchema,
  provider: mspIdSchema,
  insurer: mspIdSchema,
  entries: z.number().int().min(1),
  txId: txIdSchema,
});
