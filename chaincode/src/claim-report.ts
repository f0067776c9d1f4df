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
  ErrorCode,
  mspIdSchema,
  sumAmounts,
  type AdjudicationReason,
  type Claim,
  type ClaimOutcome,
  type ClaimReport,
  type Dispute,
  type DisputeStatus,
  type SettlementEntry,
} from '@medledger/domain';
import { z } from 'zod';
import { fail } from './errors';
import { FACT_FAMILIES, type Ledger } from './ledger/store';
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

/** Where a page of the report starts: an insurer, a kind of fact, and the last key read of it. */
export interface ReportCursor {
  insurer: string;
  kind: FactKind;
  after: string | null;
}

type FactKind = keyof typeof FACT_FAMILIES;
const FACT_KINDS = Object.keys(FACT_FAMILIES) as FactKind[];

const cursorSchema = z.strictObject({
  insurer: mspIdSchema,
  kind: z.enum(FACT_KINDS as [FactKind, ...FactKind[]]),
  after: z.string().nullable(),
});

/** A cursor as the caller carries it: base64url of its JSON (opaque to the caller). */
export function encodeCursor(cursor: ReportCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** A cursor the caller sent back; `[VALIDATION_FAILED] after` when it is not one this contract wrote. */
export function decodeCursor(text: string): ReportCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return fail(ErrorCode.VALIDATION_FAILED, 'after');
  }
  const parsed = cursorSchema.safeParse(value);
  return parsed.success ? parsed.data : fail(ErrorCode.VALIDATION_FAILED, 'after');
}

/**
 * One page of the report over what the insurers' sealed collections hold on this peer (the
 * regulator's holds them all): from `cursor` on, insurer by insurer, their claims, disputes and
 * entries in key order, at most `limit` facts, and where the next page starts (null: the last). Each
 * fact is in its insurer's collection only, so the pages together count each once.
 */
export async function claimReportPage(
  ledger: Ledger,
  insurers: readonly string[],
  cursor: ReportCursor | null,
  limit: number,
): Promise<{ report: ClaimReport; next: ReportCursor | null }> {
  const steps = insurers.flatMap((insurer) => FACT_KINDS.map((kind) => ({ insurer, kind })));
  let at =
    cursor === null ? 0 : steps.findIndex((s) => s.insurer === cursor.insurer && s.kind === cursor.kind);
  if (at < 0) fail(ErrorCode.VALIDATION_FAILED, 'after');
  let after = cursor?.after ?? null;
  let left = limit;
  const facts = { claim: [] as Claim[], dispute: [] as Dispute[], entry: [] as SettlementEntry[] };
  let next: ReportCursor | null = null;
  for (; at < steps.length; at += 1, after = null) {
    const { insurer, kind } = steps[at] as { insurer: string; kind: FactKind };
    if (left === 0) {
      next = { insurer, kind, after };
      break;
    }
    const page = await ledger.settlementFactsPage(insurer, kind, after, left);
    left -= page.values.length;
    (facts[kind] as { insurer: string }[]).push(...page.values.filter((v) => v.insurer === insurer));
    if (page.last !== null) {
      next = { insurer, kind, after: page.last };
      break;
    }
  }
  return { report: buildClaimReport(facts.claim, facts.dispute, facts.entry), next };
}
