/**
 * Settlement as pure functions over write-once entries. Money between an insurer and a provider is
 * booked twice, once on each org's account (debits positive, credits negative), so every entry sums to
 * zero and so does every pair's balance. No caller ever names an amount that goes on the books
 * directly: claim approvals come from adjudication, adjustments from a dispute's bounded resolution, and
 * a payment is the sum of the entries its batch settles. Balances are not stored: a running balance key
 * would be a hot key every claim of the pair writes; they are summed from the open entries instead.
 */
import {
  ErrorCode,
  MAX_BATCH_ENTRIES,
  sumAmounts,
  type Claim,
  type ClaimLine,
  type Currency,
  type Dispute,
  type LedgerLeg,
  type PairBalance,
  type SettlementBatch,
  type SettlementEntry,
  type SettlementEntryKind,
} from '@medledger/domain';
import { refuse, type Refusal } from './refusal';

/** An insurer-provider pair in one currency. */
export interface SettlementPair {
  insurer: string;
  provider: string;
  currency: Currency;
}

/** Where an entry came from, and the transaction that posts it. */
export interface Posting {
  entryId: string;
  postedAt: string;
  txId: string;
  claimId?: string;
  lineSequence?: number;
  disputeId?: string;
  batchId?: string;
}

/** The key of a pair: `<insurer>|<provider>|<currency>`. */
export function pairKey(p: SettlementPair): string {
  return `${p.insurer}|${p.provider}|${p.currency}`;
}

/** The two legs of `amount` between a pair: owed by the insurer to the provider, or (negative) paid. */
function legs(p: SettlementPair, amount: number): [LedgerLeg, LedgerLeg] {
  return [
    { org: p.insurer, account: 'insurer_payable', amount: -amount },
    { org: p.provider, account: 'provider_receivable', amount },
  ];
}

function entry(kind: SettlementEntryKind, p: SettlementPair, signed: number, at: Posting): SettlementEntry {
  return {
    entryId: at.entryId,
    kind,
    insurer: p.insurer,
    provider: p.provider,
    currency: p.currency,
    amount: Math.abs(signed),
    legs: legs(p, signed),
    claimId: at.claimId ?? null,
    lineSequence: at.lineSequence ?? null,
    disputeId: at.disputeId ?? null,
    batchId: at.batchId ?? null,
    postedAt: at.postedAt,
    txId: at.txId,
  };
}

/** The entry of a claim's approved total, or null when nothing was approved. */
export function claimApprovalEntry(
  claim: Pick<Claim, 'claimId' | 'insurer' | 'provider' | 'currency' | 'totalApproved'>,
  at: Omit<Posting, 'claimId'>,
): SettlementEntry | null {
  if (claim.totalApproved === 0) return null;
  return entry('claim_approval', claim, claim.totalApproved, { ...at, claimId: claim.claimId });
}

/**
 * Balances per pair from entries, sorted by pair key; `openEntries` counts the approvals and
 * adjustments not in `batched` (the entry ids of closed batches).
 */
export function balancesOf(
  entries: readonly SettlementEntry[],
  batched: ReadonlySet<string> = new Set(),
): PairBalance[] {
  const pairs = new Map<string, PairBalance>();
  for (const e of entries) {
    const key = pairKey(e);
    const b = pairs.get(key) ?? {
      insurer: e.insurer,
      provider: e.provider,
      currency: e.currency,
      insurerPayable: 0,
      providerReceivable: 0,
      openEntries: 0,
    };
    for (const leg of e.legs) {
      if (leg.account === 'insurer_payable') b.insurerPayable = sumAmounts([b.insurerPayable, leg.amount]);
      else b.providerReceivable = sumAmounts([b.providerReceivable, leg.amount]);
    }
    if (e.kind !== 'batch_payment' && !batched.has(e.entryId)) b.openEntries += 1;
    pairs.set(key, b);
  }
  return [...pairs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, b]) => b);
}

/** Entries in the order a batch takes them: oldest first, then by id. */
function byAge(a: SettlementEntry, b: SettlementEntry): number {
  if (a.postedAt !== b.postedAt) return a.postedAt < b.postedAt ? -1 : 1;
  return a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0;
}

/**
 * Closes a batch of a pair: takes its open entries (oldest first, at most {@link MAX_BATCH_ENTRIES}),
 * and books one payment of their total that moves it off both accounts. Refused when there is nothing
 * open, or when an entry offered is not an open approval or adjustment of this pair (a caller cannot
 * slip another pair's entries, or a settled one, into its batch).
 */
export function closeBatch(
  pair: SettlementPair,
  open: readonly SettlementEntry[],
  meta: { batchId: string; closedBy: string; closedAt: string; txId: string },
): { batch: SettlementBatch; payment: SettlementEntry; settled: SettlementEntry[] } | Refusal {
  for (const e of open) {
    if (pairKey(e) !== pairKey(pair) || e.kind === 'batch_payment' || e.batchId !== null)
      return refuse(ErrorCode.VALIDATION_FAILED, e.entryId);
  }
  const taken = [...open].sort(byAge).slice(0, MAX_BATCH_ENTRIES);
  if (taken.length === 0) return refuse(ErrorCode.CONFLICT, 'no open entries');
  if (new Set(taken.map((e) => e.entryId)).size !== taken.length)
    return refuse(ErrorCode.VALIDATION_FAILED, 'entry listed twice');
  const total = sumAmounts(taken.map((e) => e.amount));
  const paymentEntryId = `${meta.txId}.0`;
  const payment = entry('batch_payment', pair, -total, {
    entryId: paymentEntryId,
    postedAt: meta.closedAt,
    txId: meta.txId,
    batchId: meta.batchId,
  });
  return {
    batch: {
      batchId: meta.batchId,
      ...pair,
      entryIds: taken.map((e) => e.entryId),
      total,
      paymentEntryId,
      closedBy: meta.closedBy,
      closedAt: meta.closedAt,
    },
    payment,
    settled: taken,
  };
}

/**
 * Opens a dispute on a claim line: only while the line has none (one dispute per line, so a hospital
 * cannot reopen a decided one), and only for more than the line's approved amount and at most what was
 * submitted for it (a dispute cannot ask for more than the bill).
 */
export function openDispute(
  claim: Pick<Claim, 'claimId' | 'insurer' | 'provider' | 'currency' | 'lines'>,
  existing: readonly Pick<Dispute, 'lineSequence'>[],
  input: { lineSequence: number; reason: Dispute['reason']; requestedAmount: number },
  meta: { disputeId: string; openedBy: string; openedAt: string },
): Dispute | Refusal {
  const line: ClaimLine | undefined = claim.lines.find((l) => l.sequence === input.lineSequence);
  if (!line) return refuse(ErrorCode.NOT_FOUND, `${claim.claimId}.${input.lineSequence}`);
  if (existing.some((d) => d.lineSequence === input.lineSequence))
    return refuse(ErrorCode.CONFLICT, `${claim.claimId}.${input.lineSequence}`);
  const { approved, submitted } = line.adjudication;
  if (input.requestedAmount <= approved || input.requestedAmount > submitted)
    return refuse(ErrorCode.VALIDATION_FAILED, 'requestedAmount');
  return {
    disputeId: meta.disputeId,
    claimId: claim.claimId,
    lineSequence: input.lineSequence,
    provider: claim.provider,
    insurer: claim.insurer,
    currency: claim.currency,
    reason: input.reason,
    approvedBefore: approved,
    requestedAmount: input.requestedAmount,
    status: 'open',
    openedBy: meta.openedBy,
    openedAt: meta.openedAt,
    resolution: null,
  };
}

/**
 * Resolves an open dispute with the line's new approved amount: from its amount before the dispute
 * (denied) up to the amount requested (upheld); anything between is partially upheld. The difference is
 * booked as an adjustment entry. The insurer can neither lower what adjudication approved nor pay more
 * than the hospital asked, so the two cannot agree on a settlement the claim does not support.
 */
export function resolveDispute(
  dispute: Dispute,
  input: { approvedAmount: number; resolution: NonNullable<Dispute['resolution']>['code'] },
  at: { entryId: string; resolvedBy: string; resolvedAt: string; txId: string },
): { dispute: Dispute; entry: SettlementEntry | null } | Refusal {
  if (dispute.status !== 'open') return refuse(ErrorCode.CONFLICT, dispute.disputeId);
  const amount = input.approvedAmount;
  if (amount < dispute.approvedBefore || amount > dispute.requestedAmount)
    return refuse(ErrorCode.VALIDATION_FAILED, 'approvedAmount');
  const added = amount - dispute.approvedBefore;
  const adjustment =
    added === 0
      ? null
      : entry('dispute_adjustment', dispute, added, {
          entryId: at.entryId,
          postedAt: at.resolvedAt,
          txId: at.txId,
          claimId: dispute.claimId,
          lineSequence: dispute.lineSequence,
          disputeId: dispute.disputeId,
        });
  const status = added === 0 ? 'denied' : amount === dispute.requestedAmount ? 'upheld' : 'partially_upheld';
  return {
    dispute: {
      ...dispute,
      status,
      resolution: {
        approvedAmount: amount,
        code: input.resolution,
        entryId: adjustment?.entryId ?? null,
        resolvedBy: at.resolvedBy,
        resolvedAt: at.resolvedAt,
        txId: at.txId,
      },
    },
    entry: adjustment,
  };
}
