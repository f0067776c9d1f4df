/**
 * A patient's accounting of disclosures: who read their records, from which org, when, for what
 * purpose and on which basis (custodian treatment, consent, study consent, break-glass and its
 * review). Only that patient may read it.
 */
import { patientKeyOf } from '@medledger/domain';

import { AppError } from '../../errors';
import { auditPage } from './audit-page';
import type { ReadContext } from './context';
import { CursorCodec } from './cursor';
import { Where, pageSize } from './query';
import { auditEventView, isBreakGlass, reviewView, reviewsOf, type AuditRow, type ReviewRow } from './rows';
import { scopeOf } from './scope';
import {
  MAX_KEY_CHANGES,
  type AccessLogEntry,
  type AccessLogPage,
  type KeyChangeView,
  type Viewer,
} from './views';

/** The legal basis of a granted access, from the reason the chaincode gave. */
function basisOf(reason: string, breakGlass: boolean): AccessLogEntry['basis'] {
  if (breakGlass || reason === 'BREAK_GLASS') return 'break_glass';
  if (reason === 'CUSTODIAN_TREATMENT') return 'custodian_treatment';
  if (reason === 'CONSENT') return 'consent';
  if (reason === 'STUDY_CONSENT') return 'study_consent';
  return 'none';
}

function entryOf(r: AuditRow, review: ReviewRow | undefined): AccessLogEntry {
  const e = auditEventView(r);
  return {
    eventId: e.eventId,
    txId: e.txId,
    blockNumber: e.blockNumber,
    time: e.txTime,
    actorDid: e.actorDid,
    actorRole: e.actorRole,
    actorOrg: e.actorMsp,
    custodian: e.custodian,
    recordId: e.recordId,
    purpose: e.purpose,
    outcome: e.outcome,
    reason: e.reason,
    basis: e.outcome === 'granted' ? basisOf(e.reason, e.breakGlass) : 'none',
    consentId: e.consentId,
    breakGlass: e.breakGlass,
    breakGlassReview: review ? reviewView(review) : null,
  };
}

interface KeyChangeRow {
  tx_id: string;
  block_number: number | string;
  tx_time: string;
  key_number: number | string;
  key_change: KeyChangeView['change'];
  relayed_by: string;
}

/** The patient's key history, newest first, found by the patient key the events carry. */
async function keyChangesOf(ctx: ReadContext, patientDid: string): Promise<KeyChangeView[]> {
  const rows = await ctx.db.all<KeyChangeRow>(
    `SELECT tx_id, block_number, tx_time, key_number, key_change, relayed_by FROM patient_key_event
     WHERE patient_key = ? ORDER BY tx_time_ms DESC, seq DESC LIMIT ?`,
    [patientKeyOf(patientDid), MAX_KEY_CHANGES],
  );
  return rows.map((r) => ({
    txId: r.tx_id,
    blockNumber: Number(r.block_number),
    time: r.tx_time,
    keyId: `${patientDid}#key-${String(r.key_number)}`,
    change: r.key_change,
    relayedBy: r.relayed_by,
  }));
}

/**
 * A page of `patientDid`'s accounting of disclosures, newest first, with their key history;
 * `viewer` must be that patient. Errors: FORBIDDEN, VALIDATION_FAILED, CURSOR_INVALID.
 */
export async function accessLog(
  ctx: ReadContext,
  viewer: Viewer,
  patientDid: string,
  cursor?: string,
  limit?: number,
): Promise<AccessLogPage> {
  if (viewer.kind !== 'patient' || viewer.patientDid !== patientDid) {
    throw new AppError('FORBIDDEN', 'an access log is readable by its patient only');
  }
  const size = pageSize(limit);
  const scope = scopeOf(viewer);
  const where = new Where().and(scope.on('audit_event'));
  const digest = CursorCodec.queryDigest({ k: 'access-log', v: scope.key });
  const { rows, nextCursor } = await auditPage(ctx, where, digest, cursor, size);
  const reviews = await reviewsOf(
    ctx.db,
    rows.filter(isBreakGlass).map((r) => r.event_id),
  );
  return {
    items: rows.map((r) => entryOf(r, reviews.get(r.event_id))),
    nextCursor,
    keyChanges: await keyChangesOf(ctx, patientDid),
  };
}
