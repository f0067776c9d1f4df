/**
 * Break-glass accesses and doctors' emergency listings, and the state of their post-hoc review:
 * justified or unjustified once reviewed, else pending until the deadline (`breakGlassReviewHours`
 * after the access or listing) and overdue after it. Both are reviewed the same way (appended reviews
 * by id, the regulator's latest verdict standing). The report lists each kind overdue first; the
 * `break_glass_unreviewed` and `break_glass_unjustified` alerts read the same cases of both kinds.
 */
import type { SqlDriver } from '../../write/sql/driver';
import { Where, capRows } from '../query';
import {
  AUDIT_COLUMNS,
  auditEventView,
  ledgerRefOf,
  reviewView,
  reviewsOf,
  type AuditRow,
  type ReviewRow,
} from '../rows';
import type { Scope } from '../scope';
import type { BreakGlassCaseView, BreakGlassState, ComplianceReport, EmergencyListingView } from '../views';
import { HOUR_MS, type SectionInput } from './section';

/** The state of a case at `nowMs` (pure). */
export function caseState(review: ReviewRow | undefined, deadlineMs: number, nowMs: number): BreakGlassState {
  if (review) return review.outcome === 'unjustified' ? 'unjustified' : 'justified';
  return nowMs > deadlineMs ? 'overdue' : 'pending';
}

type Range = Readonly<{ fromMs: number; toMs: number; nowMs: number }>;

/** A case's deadline, standing review and state. */
function reviewOf(
  id: string,
  txTimeMs: number | string,
  reviews: ReadonlyMap<string, ReviewRow>,
  range: Range,
  reviewHours: number,
): Pick<BreakGlassCaseView, 'reviewDeadline' | 'state' | 'review'> {
  const deadlineMs = Number(txTimeMs) + reviewHours * HOUR_MS;
  const review = reviews.get(id);
  return {
    reviewDeadline: new Date(deadlineMs).toISOString(),
    state: caseState(review, deadlineMs, range.nowMs),
    review: review ? reviewView(review) : null,
  };
}

type BreakGlassRow = AuditRow & {
  break_glass_reason: string | null;
  co_signer_did: string | null;
  co_signer_msp: string | null;
};

/** Granted break-glass accesses in [fromMs, toMs) within the scope, oldest first, with their state. */
export async function breakGlassCases(
  db: SqlDriver,
  scope: Scope,
  range: Range,
  reviewHours: number,
): Promise<BreakGlassCaseView[]> {
  // Only break_glass = 1 in SQL, so the partial index serves it; denied attempts are dropped below.
  const where = new Where()
    .add('break_glass = 1')
    .during(range.fromMs, range.toMs)
    .and(scope.on('audit_event'));
  const rows = (
    await db.all<BreakGlassRow>(
      `SELECT ${AUDIT_COLUMNS}, break_glass_reason, co_signer_did, co_signer_msp
       FROM audit_event ${where.sql} ORDER BY tx_time_ms, seq`,
      where.params,
    )
  ).filter((r) => r.outcome === 'granted');
  const reviews = await reviewsOf(
    db,
    rows.map((r) => r.event_id),
  );
  return rows.map((r): BreakGlassCaseView => {
    const { eventId, txId, blockNumber, txTime, actorDid, actorMsp, recordId, patientDid, custodian } =
      auditEventView(r);
    return {
      eventId,
      txId,
      blockNumber,
      txTime,
      actorDid,
      actorMsp,
      recordId,
      patientDid,
      custodian,
      breakGlassReason: r.break_glass_reason as BreakGlassCaseView['breakGlassReason'],
      coSignedBy: r.co_signer_did,
      coSignerMsp: r.co_signer_msp,
      ...reviewOf(r.event_id, r.tx_time_ms, reviews, range, reviewHours),
    };
  });
}

interface ListingRow {
  listing_id: string;
  tx_id: string;
  block_number: number | string;
  tx_time: string;
  tx_time_ms: number | string;
  actor_did: string;
  actor_msp: string;
  actor_role: string | null;
  break_glass_reason: string | null;
  patient_did: string | null;
  categories: string | null;
}

/** Granted emergency listings in [fromMs, toMs) within the scope, oldest first, with their state. */
export async function emergencyListingCases(
  db: SqlDriver,
  scope: Scope,
  range: Range,
  reviewHours: number,
): Promise<EmergencyListingView[]> {
  const where = new Where()
    .add("outcome = 'granted'")
    .during(range.fromMs, range.toMs)
    .and(scope.on('emergency_listing'));
  const rows = await db.all<ListingRow>(
    `SELECT listing_id, tx_id, block_number, tx_time, tx_time_ms, actor_did, actor_msp, actor_role,
       break_glass_reason, patient_did, categories
     FROM emergency_listing ${where.sql} ORDER BY tx_time_ms, seq`,
    where.params,
  );
  const reviews = await reviewsOf(
    db,
    rows.map((r) => r.listing_id),
  );
  return rows.map((r): EmergencyListingView => ({
    listingId: r.listing_id,
    ...ledgerRefOf(r),
    txTime: r.tx_time,
    actorDid: r.actor_did,
    actorMsp: r.actor_msp,
    actorRole: r.actor_role as EmergencyListingView['actorRole'],
    breakGlassReason: r.break_glass_reason as EmergencyListingView['breakGlassReason'],
    patientDid: r.patient_did,
    categories: r.categories === null ? null : (JSON.parse(r.categories) as string[]),
    ...reviewOf(r.listing_id, r.tx_time_ms, reviews, range, reviewHours),
  }));
}

const STATE_ORDER: Readonly<Record<BreakGlassState, number>> = {
  overdue: 0,
  pending: 1,
  unjustified: 2,
  justified: 3,
};

/** Cases overdue first, then oldest first, at most `maxRows`, and the count per state. */
function ordered<T extends { state: BreakGlassState; txTime: string }>(
  cases: T[],
  maxRows: number,
): { rows: T[]; counts: Record<BreakGlassState, number>; cut: boolean } {
  const counts: Record<BreakGlassState, number> = { overdue: 0, pending: 0, justified: 0, unjustified: 0 };
  for (const c of cases) counts[c.state] += 1;
  cases.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.txTime.localeCompare(b.txTime));
  const { rows, cut } = capRows(cases, maxRows);
  return { rows, counts, cut };
}

/** The break-glass section: access cases overdue first, then oldest first, and the count per state. */
export async function breakGlassSection(
  input: SectionInput,
): Promise<Pick<ComplianceReport, 'breakGlass' | 'breakGlassCounts'> & { cut: boolean }> {
  const cases = await breakGlassCases(input.db, input.scope, input, input.settings.breakGlassReviewHours);
  const { rows, counts, cut } = ordered(cases, input.settings.reportMaxRows);
  return { breakGlass: rows, breakGlassCounts: counts, cut };
}

/** The emergency listings section, ordered and counted as the break-glass one. */
export async function emergencyListingsSection(
  input: SectionInput,
): Promise<Pick<ComplianceReport, 'emergencyListings' | 'emergencyListingCounts'> & { cut: boolean }> {
  const cases = await emergencyListingCases(
    input.db,
    input.scope,
    input,
    input.settings.breakGlassReviewHours,
  );
  const { rows, counts, cut } = ordered(cases, input.settings.reportMaxRows);
  return { emergencyListings: rows, emergencyListingCounts: counts, cut };
}
