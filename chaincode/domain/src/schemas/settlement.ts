import { z } from 'zod';
import { mspIdSchema, OPAQUE_ID_PATTERN, txIdSchema } from '../ids';
import { currencySchema, signedAmountSchema, sumAmounts } from '../money';
import { isoTimeSchema } from './common';
import { ADJUDICATION_REASONS, claimIdSchema, CLAIM_OUTCOMES } from './claim';

/**
 * The two accounts of an insurer-provider pair: what the insurer owes the provider (a liability, kept
 * negative) and what the provider is owed by the insurer (an asset, kept positive). Every entry moves
 * the same amount on both, so the pair's two balances always sum to zero.
 */
export const LEDGER_ACCOUNTS = ['insurer_payable', 'provider_receivable'] as const;
/** A ledger account. */
export type LedgerAccount = (typeof LEDGER_ACCOUNTS)[number];
/** zod: a ledger account. */
export const ledgerAccountSchema = z.enum(LEDGER_ACCOUNTS);

/** zod: one leg of an entry: a signed amount on one org's account. */
export const ledgerLegSchema = z.object({
  org: mspIdSchema,
  account: ledgerAccountSchema,
  amount: signedAmountSchema,
});
/** A ledger leg. */
export type LedgerLeg = z.infer<typeof ledgerLegSchema>;

/**
 * Kinds of settlement entries: a claim's approved total, the difference a dispute's resolution adds to a
 * line, and the payment that settles a batch (it moves the batch's total back off both accounts).
 */
export const SETTLEMENT_ENTRY_KINDS = ['claim_approval', 'dispute_adjustment', 'batch_payment'] as const;
/** A settlement entry kind. */
export type SettlementEntryKind = (typeof SETTLEMENT_ENTRY_KINDS)[number];

/** zod: a settlement entry id (`<tx id>.<n>`, from the transaction that posted it). */
export const entryIdSchema = z.string().regex(OPAQUE_ID_PATTERN);
/** zod: a batch id (the id of the transaction that closed it). */
export const batchIdSchema = txIdSchema;
/** zod: a dispute id (the id of the transaction that opened it). */
export const disputeIdSchema = txIdSchema;

/**
 * zod: a settlement entry (double entry: two legs, one per account of the pair, summing to zero).
 * `amount` is the positive size of the movement; `claimId`, `lineSequence`, `disputeId` and `batchId`
 * say what it came from.
 */
export const settlementEntrySchema = z.object({
  entryId: entryIdSchema,
  kind: z.enum(SETTLEMENT_ENTRY_KINDS),
  insurer: mspIdSchema,
  provider: mspIdSchema,
  currency: currencySchema,
  amount: z.number().int().min(1),
  legs: z.tuple([ledgerLegSchema, ledgerLegSchema]),
  claimId: claimIdSchema.nullable(),
  lineSequence: z.number().int().min(1).nullable(),
  disputeId: disputeIdSchema.nullable(),
  batchId: batchIdSchema.nullable(),
  postedAt: isoTimeSchema,
  txId: txIdSchema,
});
/** A settlement entry. */
export type SettlementEntry = z.infer<typeof settlementEntrySchema>;

/** Most entries one batch settles; a pair with more open entries closes several batches. */
export const MAX_BATCH_ENTRIES = 500;

/** zod: a closed settlement batch: which open entries of a pair it settled, their total, and its payment. */
export const settlementBatchSchema = z.object({
  batchId: batchIdSchema,
  insurer: mspIdSchema,
  provider: mspIdSchema,
  currency: currencySchema,
  entryIds: z.array(entryIdSchema).min(1).max(MAX_BATCH_ENTRIES),
  total: z.number().int().min(1),
  paymentEntryId: entryIdSchema,
  closedBy: z.string(),
  closedAt: isoTimeSchema,
});
/** A settlement batch. */
export type SettlementBatch = z.infer<typeof settlementBatchSchema>;

/** CloseSettlementBatch input: the pair (the caller is one of its two orgs) and the currency. */
export const closeSettlementBatchInput = z.strictObject({
  provider: mspIdSchema,
  insurer: mspIdSchema,
  currency: currencySchema,
});

/** zod: a pair's balances, from its entries: the two accounts (summing to zero) and open entries. */
export const pairBalanceSchema = z.object({
  insurer: mspIdSchema,
  provider: mspIdSchema,
  currency: currencySchema,
  insurerPayable: signedAmountSchema,
  providerReceivable: signedAmountSchema,
  openEntries: z.number().int().min(0),
});
/** A pair's balances. */
export type PairBalance = z.infer<typeof pairBalanceSchema>;

/** Why a hospital disputes a line (codes only: free text could carry personal data). */
export const DISPUTE_REASONS = [
  'ITEM_COVERED',
  'COVERAGE_ACTIVE',
  'NOT_A_DUPLICATE',
  'RECORD_VALID',
  'FEE_SCHEDULE_OUTDATED',
  'AMOUNT_MISCALCULATED',
] as const;
/** zod: a dispute reason. */
export const disputeReasonSchema = z.enum(DISPUTE_REASONS);

/** Why the insurer resolved a dispute as it did. */
export const DISPUTE_RESOLUTIONS = [
  'ADJUDICATION_CORRECTED',
  'DOCUMENTATION_CONFIRMED',
  'POLICY_EXCEPTION',
  'ADJUDICATION_CONFIRMED',
] as const;
/** zod: a dispute resolution code. */
export const disputeResolutionSchema = z.enum(DISPUTE_RESOLUTIONS);

/**
 * Dispute states: open until the insurer resolves it, then upheld (the requested amount approved),
 * partially upheld (more than before, less than requested) or denied (nothing more).
 */
export const DISPUTE_STATUSES = ['open', 'upheld', 'partially_upheld', 'denied'] as const;
/** A dispute status. */
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
/** zod: a dispute status. */
export const disputeStatusSchema = z.enum(DISPUTE_STATUSES);

/**
 * OpenDispute input (written into the block): the insurer and the claim. The line, reason and amount
 * travel in transient data ({@link openDisputeTerms}): they say what the patient was billed for.
 */
export const openDisputeInput = z.strictObject({
  insurer: mspIdSchema,
  claimId: claimIdSchema,
});

/** What a hospital disputes: the line, the coded reason, and the approved amount it asks for. */
export const openDisputeTerms = z.strictObject({
  lineSequence: z.number().int().min(1),
  reason: disputeReasonSchema,
  requestedAmount: z.number().int().min(1),
});

/** ResolveDispute input (written into the block): the pair and the dispute. */
export const resolveDisputeInput = z.strictObject({
  provider: mspIdSchema,
  insurer: mspIdSchema,
  disputeId: disputeIdSchema,
});

/** How the insurer resolves: the line's new approved amount (its old one to deny) and the coded reason. */
export const resolveDisputeTerms = z.strictObject({
  approvedAmount: z.number().int().min(0),
  resolution: disputeResolutionSchema,
});

/** zod: a dispute as stored and returned. */
export const disputeSchema = z.object({
  disputeId: disputeIdSchema,
  claimId: claimIdSchema,
  lineSequence: z.number().int().min(1),
  provider: mspIdSchema,
  insurer: mspIdSchema,
  currency: currencySchema,
  reason: disputeReasonSchema,
  /** The line's approved amount when the dispute was opened. */
  approvedBefore: z.number().int().min(0),
  requestedAmount: z.number().int().min(1),
  status: disputeStatusSchema,
  openedBy: z.string(),
  openedAt: isoTimeSchema,
  resolution: z
    .object({
      approvedAmount: z.number().int().min(0),
      code: disputeResolutionSchema,
      entryId: entryIdSchema.nullable(),
      resolvedBy: z.string(),
      resolvedAt: isoTimeSchema,
      txId: txIdSchema,
    })
    .nullable(),
});
/** A dispute. */
export type Dispute = z.infer<typeof disputeSchema>;

const countAndAmounts = z.object({
  count: z.number().int().min(0),
  submitted: z.number().int().min(0),
  approved: z.number().int().min(0),
});

/**
 * zod: the regulator's report of claims: claims by outcome, lines by adjudication reason, disputes by
 * status, and per insurer-provider pair the volumes and the open balance. Counts and sums only.
 */
const pairRowSchema = z.object({
  insurer: mspIdSchema,
  provider: mspIdSchema,
  currency: currencySchema,
  claims: z.number().int().min(0),
  submitted: z.number().int().min(0),
  approved: z.number().int().min(0),
  adjusted: z.number().int().min(0),
  settled: z.number().int().min(0),
  outstanding: z.number().int().min(0),
});

export const claimReportSchema = z.object({
  claims: z.number().int().min(0),
  byOutcome: z.record(z.enum(CLAIM_OUTCOMES), countAndAmounts),
  byReason: z.record(z.enum(ADJUDICATION_REASONS), countAndAmounts),
  disputesByStatus: z.record(disputeStatusSchema, z.number().int().min(0)),
  byPair: z.array(pairRowSchema),
});
/** The regulator's claim report. */
export type ClaimReport = z.infer<typeof claimReportSchema>;

/** Most claims, disputes and entries one page of the claim report reads. */
export const MAX_REPORT_PAGE = 5000;

/**
 * GetClaimReport input. With `after` (null for the first page), one page of at most `limit` facts and
 * the `next` page's cursor; without it, the whole report in one evaluation, `SCAN_LIMIT` when it does
 * not fit in one page.
 */
export const getClaimReportInput = z.strictObject({
  after: z.string().max(4096).nullable().optional(),
  limit: z.number().int().min(1).max(MAX_REPORT_PAGE).optional(),
});

/**
 * zod: one page of the claim report (the sums of the facts it read: a pair's outstanding may be negative
 * when its payment and its approvals fall in different pages) and the cursor of the next (null: the last).
 */
export const claimReportPageSchema = claimReportSchema.extend({
  byPair: z.array(pairRowSchema.extend({ outstanding: z.number().int() })),
  next: z.string().nullable(),
});
/** One page of the claim report. */
export type ClaimReportPage = z.infer<typeof claimReportPageSchema>;

type Tally = ClaimReport['byOutcome'][keyof ClaimReport['byOutcome']];

function sumTallies<K extends string>(a: Record<K, Tally>, b: Record<K, Tally>): Record<K, Tally> {
  const out = { ...a };
  for (const k of Object.keys(b) as K[]) {
    const x = a[k];
    out[k] = {
      count: x.count + b[k].count,
      submitted: sumAmounts([x.submitted, b[k].submitted]),
      approved: sumAmounts([x.approved, b[k].approved]),
    };
  }
  return out;
}

/**
 * The report of the facts of two pages (or two reports) together: every count and sum is over facts
 * that each page counts once, so the sums are the report of all of them. Pairs in key order.
 */
export function mergeClaimReports<R extends Omit<ClaimReportPage, 'next'>>(
  a: R,
  b: R,
): Omit<ClaimReportPage, 'next'> {
  const pairs = new Map<string, ClaimReportPage['byPair'][number]>();
  for (const r of [...a.byPair, ...b.byPair]) {
    const key = `${r.insurer}|${r.provider}|${r.currency}`;
    const x = pairs.get(key);
    pairs.set(
      key,
      x === undefined
        ? { ...r }
        : {
            ...x,
            claims: x.claims + r.claims,
            submitted: sumAmounts([x.submitted, r.submitted]),
            approved: sumAmounts([x.approved, r.approved]),
            adjusted: sumAmounts([x.adjusted, r.adjusted]),
            settled: sumAmounts([x.settled, r.settled]),
            outstanding: x.outstanding + r.outstanding,
          },
    );
  }
  const disputesByStatus = { ...a.disputesByStatus };
  for (const [k, n] of Object.entries(b.disputesByStatus) as [keyof typeof disputesByStatus, number][])
    disputesByStatus[k] += n;
  return {
    claims: a.claims + b.claims,
    byOutcome: sumTallies(a.byOutcome, b.byOutcome),
    byReason: sumTallies(a.byReason, b.byReason),
    disputesByStatus,
    byPair: [...pairs.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([, r]) => r),
  };
}
