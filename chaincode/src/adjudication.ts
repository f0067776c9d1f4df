/**
 * Claim adjudication as a pure function: the same coverage, usage, claimed lines and claim give the same
 * result on every endorsing peer. Time plays no part beyond the service dates written in the claim and
 * the days their cited record versions were anchored (both from the ledger, never the clock).
 *
 * Each line is first checked against the rejection table (the first row that holds rejects it, with its
 * reason); a line that passes is priced in this order: the fee schedule caps the unit price
 * (`eligible`), the deductible still open takes what it can of `eligible`, the plan's rate applies to
 * the rest (rounded down to a minor unit: `payable`), and the item cap and the period limit still open
 * cut what is left (`approved`). Lines are taken in claim order, each seeing the usage the lines before
 * it left, so the order the hospital lists them in decides which line meets the deductible.
 */
import {
  applyRate,
  itemKey,
  REJECTING_REASONS,
  sumAmounts,
  type AdjudicationReason,
  type ClaimLineInput,
  type ClaimOutcome,
  type CoverageBenefit,
  type CoverageUsage,
  type LineAdjudication,
} from '@medledger/domain';
import { coveredOn, type CoverageDates } from './coverage-state';

/** What adjudication needs of a coverage. */
export interface CoverageFacts extends CoverageDates {
  deductible: number;
  periodLimit: number | null;
  benefits: readonly CoverageBenefit[];
}

/** A submitted line and whether its record checked out (anchored by the provider, for this patient, this hash). */
export interface LineFacts extends ClaimLineInput {
  recordVerified: boolean;
  /** The day (UTC, `YYYY-MM-DD`) the cited version was anchored; null when no version has the hash. */
  recordAnchoredOn: string | null;
}

/** The calendar day after `date` (`YYYY-MM-DD`), from the date alone. */
function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * Whether a line's service is dated after its cited version could have documented it: later than the
 * day after the version was anchored (a day's grace, since the service date is the hospital's local
 * day and the anchor's is UTC). A version cannot document care not yet given, so such a line is a
 * future date or a citation of the wrong version.
 */
export function servedAfterRecord(line: Pick<LineFacts, 'servicedDate' | 'recordAnchoredOn'>): boolean {
  return line.recordAnchoredOn !== null && line.servicedDate > dayAfter(line.recordAnchoredOn);
}

/** Everything one claim's adjudication depends on. */
export interface AdjudicationFacts {
  coverage: CoverageFacts;
  /** What earlier claims used of the coverage. */
  usage: CoverageUsage;
  /** Keys ({@link claimedLineKey}) of lines approved by earlier claims. */
  claimed: ReadonlySet<string>;
  lines: readonly LineFacts[];
}

/** The result: each line's adjudication, the coverage usage after it, and the line keys it claimed. */
export interface AdjudicationResult {
  lines: LineAdjudication[];
  usage: CoverageUsage;
  claimedKeys: string[];
  outcome: ClaimOutcome;
  totalSubmitted: number;
  totalApproved: number;
}

/**
 * What makes a line "the same item" for the no-double-claim rule: the record that documents it, the
 * item and the service date. A new version of the record keeps its id, so re-anchoring does not make a
 * line new again.
 */
export function claimedLineKey(line: Pick<ClaimLineInput, 'recordId' | 'item' | 'servicedDate'>): string {
  return `${line.recordId}|${itemKey(line.item)}|${line.servicedDate}`;
}

interface LineContext {
  line: LineFacts;
  coverage: CoverageFacts;
  benefit: CoverageBenefit | undefined;
  claimed: boolean;
}

/** One row of the rejection table: the first row whose condition holds rejects the line. */
interface RejectionRule {
  name: string;
  when: (c: LineContext) => boolean;
  reason: AdjudicationReason;
}

/** The rejection table, in order. */
export const REJECTION_RULES: readonly RejectionRule[] = [
  {
    name: 'the record must be the provider anchor for this patient with this hash',
    when: (c) => !c.line.recordVerified,
    reason: 'RECORD_UNVERIFIED',
  },
  {
    name: 'the service must not be dated after the day after its cited version was anchored',
    when: (c) => servedAfterRecord(c.line),
    reason: 'SERVICE_AFTER_RECORD',
  },
  {
    name: 'the coverage must be active on the service date',
    when: (c) => !coveredOn(c.coverage, c.line.servicedDate),
    reason: 'COVERAGE_INACTIVE',
  },
  { name: 'the item must be in the plan', when: (c) => c.benefit === undefined, reason: 'ITEM_NOT_COVERED' },
  { name: 'the item must not be claimed twice', when: (c) => c.claimed, reason: 'DUPLICATE_ITEM' },
];

/** Adjudicates a claim. Pure and deterministic; never throws for inputs that passed their schemas. */
export function adjudicateClaim(facts: AdjudicationFacts): AdjudicationResult {
  const benefits = new Map(facts.coverage.benefits.map((b) => [itemKey(b.item), b]));
  const claimed = new Set(facts.claimed);
  let deductibleMet = facts.usage.deductibleMet;
  let approvedTotal = facts.usage.approvedTotal;
  const approvedByItem: Record<string, number> = { ...facts.usage.approvedByItem };
  const claimedKeys: string[] = [];
  const lines = facts.lines.map((line): LineAdjudication => {
    const submitted = line.quantity * line.unitPrice;
    const key = claimedLineKey(line);
    const benefit = benefits.get(itemKey(line.item));
    const ctx: LineContext = { line, coverage: facts.coverage, benefit, claimed: claimed.has(key) };
    const rejection = REJECTION_RULES.find((r) => r.when(ctx));
    if (rejection !== undefined || benefit === undefined) {
      const reason = rejection?.reason ?? 'ITEM_NOT_COVERED';
      return { reason, submitted, eligible: 0, deductible: 0, payable: 0, approved: 0 };
    }
    const eligible = line.quantity * Math.min(line.unitPrice, benefit.maxUnitPrice);
    const deductible = Math.min(eligible, Math.max(0, facts.coverage.deductible - deductibleMet));
    const payable = applyRate(eligible - deductible, benefit.rateBasisPoints);
    const byItem = approvedByItem[itemKey(benefit.item)] ?? 0;
    const itemRoom = benefit.periodCap === null ? payable : Math.max(0, benefit.periodCap - byItem);
    const periodRoom =
      facts.coverage.periodLimit === null ? payable : Math.max(0, facts.coverage.periodLimit - approvedTotal);
    const approved = Math.min(payable, itemRoom, periodRoom);
    deductibleMet += deductible;
    approvedTotal += approved;
    approvedByItem[itemKey(benefit.item)] = byItem + approved;
    claimed.add(key);
    claimedKeys.push(key);
    return {
      reason: approvedReason(submitted, eligible, deductible, payable, approved),
      submitted,
      eligible,
      deductible,
      payable,
      approved,
    };
  });
  return {
    lines,
    usage: { deductibleMet, approvedTotal, approvedByItem },
    claimedKeys,
    outcome: outcomeOf(lines),
    totalSubmitted: sumAmounts(lines.map((l) => l.submitted)),
    totalApproved: sumAmounts(lines.map((l) => l.approved)),
  };
}

/** The reason of an approved line: the first reduction that applies of cap, deductible, fee schedule. */
function approvedReason(
  submitted: number,
  eligible: number,
  deductible: number,
  payable: number,
  approved: number,
): AdjudicationReason {
  if (approved < payable) return 'CAP_REACHED';
  if (deductible > 0) return 'DEDUCTIBLE_APPLIED';
  if (eligible < submitted) return 'FEE_SCHEDULE_REDUCED';
  return 'APPROVED';
}

/** A claim's outcome from its lines' reasons. */
export function outcomeOf(lines: readonly Pick<LineAdjudication, 'reason'>[]): ClaimOutcome {
  const rejected = lines.filter((l) => REJECTING_REASONS.includes(l.reason)).length;
  if (rejected === 0) return 'approved';
  return rejected === lines.length ? 'rejected' : 'partially_approved';
}
