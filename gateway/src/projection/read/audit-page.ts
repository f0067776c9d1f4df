/**
 * One page of audit events, newest first, continuing after a cursor. The order (time, then ledger
 * sequence) is total, so pages neither repeat nor skip an event while new ones arrive.
 */
import type { ReadContext } from './context';
import type { Where } from './query';
import { AUDIT_COLUMNS, type AuditRow } from './rows';

/** Rows of a page and the cursor of the next (`null` on the last). */
export interface AuditPage {
  readonly rows: AuditRow[];
  readonly nextCursor: string | null;
}

/**
 * Reads `limit` rows of `audit_event` matching `where` after `cursor`; `digest` names the query, so
 * the cursor is refused (CURSOR_INVALID) with any other.
 */
export async function auditPage(
  ctx: ReadContext,
  where: Where,
  digest: string,
  cursor: string | undefined,
  limit: number,
): Promise<AuditPage> {
  if (cursor !== undefined) {
    const pos = ctx.cursors.decode(digest, cursor);
    where.add('(tx_time_ms < ? OR (tx_time_ms = ? AND seq < ?))', pos.timeMs, pos.timeMs, pos.seq);
  }
  const rows = await ctx.db.all<AuditRow>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_event ${where.sql} ORDER BY tx_time_ms DESC, seq DESC LIMIT ?`,
    [...where.params, limit + 1],
  );
  const more = rows.length > limit;
  if (more) rows.length = limit;
  const last = rows[rows.length - 1];
  const nextCursor =
    more && last
      ? ctx.cursors.encode(digest, { timeMs: Number(last.tx_time_ms), seq: Number(last.seq) })
      : null;
  return { rows, nextCursor };
}
