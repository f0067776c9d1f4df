/**
 * Break-glass accesses and the state of their post-hoc review: justified or unjustified once
 * reviewed, else pending until the deadline (`breakGlassReviewHours` after the access) and overdue
 * after it. The report lists them overdue first; the `break_glass_unreviewed` alert reads the same
 * cases.
 */
import type { SqlDriver } from '../../write/sql/driver';
import { Where, capRows } from '../query';
import { AUDIT_COLUMNS, auditEventView, reviewView, reviewsOf, type AuditRow, type ReviewRow } from '../rows';
import type { Scope } from '../scope';
import type { BreakGlassCaseView, BreakGlassState, ComplianceReport } from '../views';
import { HOUR_MS, type SectionInput } from './section';

/** The state of a case at `nowMs` (pure). */
export function caseState(review: ReviewRow | undefined, deadlineMs: number, nowMs: number): BreakGlassState {
  if (review) return review.outcome === 'unjustified' ? 'unjustified' : 'justified';
  return nowMs > deadlineMs ? 'overdue' : 'pending';
}

/** Granted break-glass accesses in [fromMs, toMs) within the scope, oldest first, with their state. */
export async function breakGlassCases(
  db: SqlDriver,
  scope: Scope,
  range: { readonly fromMs: number; readonly toMs: number; readonly nowMs: number },
  reviewHours: number,
): Promise<BreakGlassCaseView[]> {
  // Only break_glass = 1 in SQL, so the partial index serves it; denied attempts are dropped below.
  const where = new Where()
    .add('break_glass = 1')
    .during(range.fromMs, range.toMs)
    .and(scope.on('audit_event'));
  const rows = (
    await db.all<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_event ${where.sql} ORDER BY tx_time_ms, seq`,
      where.params,
    )
  ).filter((r) => r.outcome === 'granted');
  const reviews = await reviewsOf(
    db,
    rows.map((r) => r.event_id),
  );
  return rows.map((r): BreakGlassCaseView => {
    const deadlineMs = Number(r.tx_time_ms) + reviewHours * HOUR_MS;
    const review = reviews.get(r.event_id);
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
      reviewDeadline: new Date(deadlineMs).toISOString(),
      state: caseState(review, deadlineMs, range.nowMs),
      review: review ? reviewView(review) : null,
    };
  });
}

const STATE_ORDER: Readonly<Record<BreakGlassState, number>> = {
  overdue: 0,
  pending: 1,
  unjustified: 2,
  justified: 3,
};

/** The break-glass section: cases overdue first, then oldest first, and the count per state. */
export async function breakGlassSection(
  input: SectionInput,
): Promise<Pick<ComplianceReport, 'breakGlass' | 'breakGlassCounts'> & { cut: boolean }> {
  const cases = await breakGlassCases(input.db, input.scope, input, input.settings.breakGlassReviewHours);
  const counts: Record<BreakGlassState, number> = { overdue: 0, pending: 0, justified: 0, unjustified: 0 };
  for (const c of cases) counts[c.state] += 1;
  cases.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.txTime.localeCompare(b.txTime));
  const { rows, cut } = capRows(cases, input.settings.reportMaxRows);
  return { breakGlass: rows, breakGlassCounts: counts, cut };
}
