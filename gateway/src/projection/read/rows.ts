/**
 * Rows of the projection's tables as the read side selects them, and their views. BIGINT columns
 * come back from PostgreSQL as decimal strings, so numbers are converted here, once.
 */
import type { AccessOutcome, AccessReason, Purpose, Role } from '@medledger/domain';

import type { SqlDriver } from '../write/sql/driver';
import type { AlertEvent, AuditEventView, BreakGlassReviewView, LedgerRef } from './views';

/** The columns of {@link AuditRow}, in a SELECT list. */
export const AUDIT_COLUMNS = `seq, event_id, block_number, tx_id, tx_time, tx_time_ms, record_id, patient_did, custodian,
  actor_did, actor_msp, actor_role, purpose, outcome, reason, consent_id, break_glass`;

/** One row of `audit_event`. */
export interface AuditRow {
  seq: number | string;
  event_id: string;
  block_number: number | string;
  tx_id: string;
  tx_time: string;
  tx_time_ms: number | string;
  record_id: string;
  patient_did: string | null;
  custodian: string;
  actor_did: string;
  actor_msp: string;
  actor_role: string | null;
  purpose: string;
  outcome: string;
  reason: string;
  consent_id: string | null;
  break_glass: number | string;
}

/** One row of `break_glass_review`: one review (reviews are appended). */
export interface ReviewRow {
  access_id: string;
  seq: number | string;
  outcome: string;
  reviewed_by: string;
  by_regulator: number | string;
  suspended: number | string;
  tx_time: string;
  tx_id: string;
  block_number: number | string;
}

/** Where a row's transaction sits on the ledger, from its `tx_id` and `block_number` columns. */
export function ledgerRefOf(r: { tx_id: string; block_number: number | string }): LedgerRef {
  return { txId: r.tx_id, blockNumber: Number(r.block_number) };
}

/** Whether an audit row is a break-glass access. */
export function isBreakGlass(r: AuditRow): boolean {
  return Number(r.break_glass) === 1;
}

/** An audit row as its view. */
export function auditEventView(r: AuditRow): AuditEventView {
  return {
    eventId: r.event_id,
    ...ledgerRefOf(r),
    txTime: r.tx_time,
    recordId: r.record_id,
    patientDid: r.patient_did,
    custodian: r.custodian,
    actorDid: r.actor_did,
    actorMsp: r.actor_msp,
    actorRole: r.actor_role as Role | null,
    purpose: r.purpose as Purpose,
    outcome: r.outcome as AccessOutcome,
    reason: r.reason as AccessReason,
    consentId: r.consent_id,
    breakGlass: isBreakGlass(r),
  };
}

/** An audit row as an event behind an alert. */
export function alertEvent(r: AuditRow): AlertEvent {
  return { eventId: r.event_id, ...ledgerRefOf(r), txTime: r.tx_time };
}

/** A review row as its view. */
export function reviewView(r: ReviewRow): BreakGlassReviewView {
  return {
    outcome: r.outcome === 'unjustified' ? 'unjustified' : 'justified',
    reviewedBy: r.reviewed_by,
    reviewedAt: r.tx_time,
    byRegulator: Number(r.by_regulator) === 1,
    suspended: Number(r.suspended) === 1,
    ...ledgerRefOf(r),
  };
}

/**
 * The verdict that stands among a case's reviews (in ledger order): the regulator's latest, else the
 * latest (the custodian's admin reviews only until the regulator has), as the chaincode reads it.
 */
export function standingReview(reviews: readonly ReviewRow[]): ReviewRow | undefined {
  return reviews.filter((r) => Number(r.by_regulator) === 1).at(-1) ?? reviews.at(-1);
}

const REVIEW_LOOKUP_CHUNK = 500;

/**
 * The standing review of each of these break-glass accesses, by access id (asked in chunks of bound
 * parameters); accesses without a review are absent.
 */
export async function reviewsOf(
  db: SqlDriver,
  accessIds: readonly string[],
): Promise<Map<string, ReviewRow>> {
  const all = new Map<string, ReviewRow[]>();
  for (let i = 0; i < accessIds.length; i += REVIEW_LOOKUP_CHUNK) {
    const ids = accessIds.slice(i, i + REVIEW_LOOKUP_CHUNK);
    const rows = await db.all<ReviewRow>(
      `SELECT access_id, seq, outcome, reviewed_by, by_regulator, suspended, tx_time, tx_id, block_number
       FROM break_glass_review WHERE access_id IN (${ids.map(() => '?').join(', ')}) ORDER BY seq`,
      ids,
    );
    for (const r of rows) all.set(r.access_id, [...(all.get(r.access_id) ?? []), r]);
  }
  const out = new Map<string, ReviewRow>();
  for (const [id, reviews] of all) {
    const standing = standingReview(reviews);
    if (standing) out.set(id, standing);
  }
  return out;
}
