/**
 * The regulator's report of claims as a pure function of what the regulator's peer holds: claims by
 * outcome, lines by adjudication reason, disputes by status, and per insurer-provider pair what was
 * claimed, approved, adjusted by disputes, settled by batches and is still outstanding. Counts and sums
 * only; no patient appears in it.
 */
import {
  ADJUDICATION_REASONS,
  CLAIM_OUTCOMES,
  DISPUTE_STATUSES,
  sumAmounts,
  type AdjudicationReason,
  type Claim,
  type ClaimOutcome,
  type ClaimReport,
  type Dispute,
  type DisputeStatus,
  type SettlementEntry,
} from '@medledger/domain';
import type { Ledger } from './ledger/store';
import { pairKey } from './settlement';

type Tally = { count: number; submitted: number; approved: number };
type PairRow = ClaimReport['byPair'][number];

const zeroTally = (): Tally => ({ count: 0, submitted: 0, approved: 0 });

function tallies<K extends string>(keys: readonly K[]): Record<K, Tally> {
  return Object.fromEntries(keys.map((k) => [k, zeroTally()])) as Record<K, Tally>;
}

function add(t: Tally, submitted: number, approved: number): void {
  t.count += 1;
  t.submitted = sumAmounts([t.submitted, submitted]);
  t.approved = sumAmounts([t.approved, approved]);
}

/** Builds the report. Every outcome, reason and status is present, with zeros when nothing had it. */
export function buildClaimReport(
  claims: readonly Claim[],
  disputes: readonly Pick<Dispute, 'status'>[],
  entries: readonly SettlementEntry[],
): ClaimReport {
  const byOutcome = tallies<ClaimOutcome>(CLAIM_OUTCOMES);
  const byReason = tallies<AdjudicationReason>(ADJUDICATION_REASONS);
  const pairs = new Map<string, PairRow>();
  const row = (p: { insurer: string; provider: string; currency: PairRow['currency'] }): PairRow => {
    const key = pairKey(p);
    const found = pairs.get(key);
    if (found) return found;
    const fresh: PairRow = {
      insurer: p.insurer,
      provider: p.provider,
      currency: p.currency,
      claims: 0,
      submitted: 0,
      approved: 0,
      adjusted: 0,
      settled: 0,
      outstanding: 0,
    };
    pairs.set(key, fresh);
    return fresh;
  };
  for (const c of claims) {
    add(byOutcome[c.outcome], c.totalSubmitted, c.totalApproved);
    for (const l of c.lines)
      add(byReason[l.adjudication.reason], l.adjudication.submitted, l.adjudication.approved);
    const r = row(c);
    r.claims += 1;
    r.submitted = sumAmounts([r.submitted, c.totalSubmitted]);
    r.approved = sumAmounts([r.approved, c.totalApproved]);
  }
  for (const e of entries) {
    const r = row(e);
    if (e.kind === 'dispute_adjustment') r.adjusted = sumAmounts([r.adjusted, e.amount]);
    if (e.kind === 'batch_payment') r.settled = sumAmounts([r.settled, e.amount]);
  }
  for (const r of pairs.values()) r.outstanding = r.approved + r.adjusted - r.settled;
  const disputesByStatus = Object.fromEntries(DISPUTE_STATUSES.map((s) => [s, 0])) as Record<
    DisputeStatus,
    number
  >;
  for (const d of disputes) disputesByStatus[d.status] += 1;
  return {
    claims: claims.length,
    byOutcome,
    byReason,
    disputesByStatus,
    byPair: [...pairs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r),
  };
}

/**
 * The report over what the insurers' sealed collections hold on this peer (the regulator's holds them
 * all). Each claim, dispute and entry is in its insurer's collection, so reading those counts each once.
 */
export async function claimReportFor(ledger: Ledger, insurers: readonly string[]): Promise<ClaimReport> {
  const claims: Claim[] = [];
  const disputes: Dispute[] = [];
  const entries: SettlementEntry[] = [];
  for (const insurer of insurers) {
    const facts = await ledger.settlementFacts(insurer);
    claims.push(...facts.claims.filter((c) => c.insurer === insurer));
    disputes.push(...facts.disputes.filter((d) => d.insurer === insurer));
    entries.push(...facts.entries.filter((e) => e.insurer === insurer));
  }
  return buildClaimReport(claims, disputes, entries);
}
