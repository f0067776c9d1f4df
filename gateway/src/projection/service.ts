/**
 * The read side of the projection: audit queries, patients' access logs, the compliance report,
 * alerts and the FHIR export. No HTTP or Fabric types; the caller passes the authenticated viewer.
 */
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type AccessOutcome,
  type AccessReason,
  type Purpose,
  type Role,
} from '@medledger/domain';

import { AppError } from '../errors';
import { CursorCodec, type CursorPosition } from './cursor';
import { toFhirBundle, type FhirBundle } from './fhir';
import type { SqlDriver, SqlValue } from './sql';
import {
  auditFiltersSchema,
  type AccessLogEntry,
  type Alert,
  type AuditEventView,
  type AuditFilters,
  type BreakGlassCaseView,
  type BreakGlassReviewView,
  type BreakGlassState,
  type ComplianceReport,
  type Page,
  type Viewer,
} from './views';

/** Thresholds of the alert rules. */
export interface AlertOptions {
  /** The recent window whose volume is compared with the actor's baseline, in hours. */
  readonly volumeWindowHours: number;
  /** Days before the window that make the baseline. */
  readonly baselineDays: number;
  /** Alert when the window holds more than this many times the baseline's average per window. */
  readonly volumeFactor: number;
  /** ... and at least this many events. */
  readonly volumeMinEvents: number;
  /** Denials of one actor within this many minutes ... */
  readonly denialWindowMinutes: number;
  /** ... at least this many make a burst. */
  readonly denialThreshold: number;
  /** How far back the burst and unusual-hour rules look, in hours. */
  readonly lookbackHours: number;
  /** Unusual hours start (inclusive) and end (exclusive), local hours 0..23. */
  readonly unusualFromHour: number;
  readonly unusualToHour: number;
  /** Local time of the unusual-hour rule, as minutes east of UTC. */
  readonly utcOffsetMinutes: number;
  /** Event ids listed per alert at most. */
  readonly maxEventIds: number;
}

/** Options of the projection service. */
export interface ProjectionServiceOptions {
  /** HMAC key of page cursors, at least 32 bytes. */
  readonly cursorKey: Uint8Array;
  /** A break-glass access not reviewed within this many hours is overdue. */
  readonly breakGlassReviewHours?: number;
  /** Consents ending within this many days are "expiring soon". */
  readonly expiringConsentDays?: number;
  /** Rows per list of the compliance report at most. */
  readonly reportMaxRows?: number;
  readonly alerts?: Partial<AlertOptions>;
}

/** Default alert thresholds. */
export const DEFAULT_ALERT_OPTIONS: AlertOptions = {
  volumeWindowHours: 24,
  baselineDays: 14,
  volumeFactor: 3,
  volumeMinEvents: 20,
  denialWindowMinutes: 10,
  denialThreshold: 5,
  lookbackHours: 24,
  unusualFromHour: 22,
  unusualToHour: 6,
  utcOffsetMinutes: 0,
  maxEventIds: 50,
};

const HOUR = 3_600_000;
const AUDIT_COLUMNS = `seq, event_id, block_number, tx_id, tx_time, tx_time_ms, record_id, patient_did, custodian,
  actor_did, actor_msp, actor_role, purpose, outcome, reason, consent_id, break_glass`;

interface AuditRow {
  seq: number | string;
  event_id: string;
  block_number: number | string;
  tx_id: string;
  tx_time: string;
  tx_time_ms: number | string;
  record_id: string;
  patient_did: string;
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

interface ReviewRow {
  access_id: string;
  outcome: string;
  reviewed_by: string;
  tx_time: string;
  tx_id: string;
  block_number: number | string;
}

function toView(r: AuditRow): AuditEventView {
  return {
    eventId: r.event_id,
    txId: r.tx_id,
    blockNumber: Number(r.block_number),
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
    breakGlass: Number(r.break_glass) === 1,
  };
}

function reviewView(r: ReviewRow): BreakGlassReviewView {
  return {
    outcome: r.outcome === 'unjustified' ? 'unjustified' : 'justified',
    reviewedBy: r.reviewed_by,
    reviewedAt: r.tx_time,
    txId: r.tx_id,
    blockNumber: Number(r.block_number),
  };
}

function forbidden(detail: string): AppError {
  return new AppError('FORBIDDEN', detail);
}

function validation(detail: string): AppError {
  return new AppError('VALIDATION_FAILED', detail);
}

function pageSize(limit: number | undefined): number {
  const n = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE)
    throw validation(`limit must be 1..${MAX_PAGE_SIZE}`);
  return n;
}

function instantMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw validation(`${field} is not a date-time`);
  return ms;
}

/** A WHERE clause under construction. */
class Where {
  readonly parts: string[] = [];
  readonly params: SqlValue[] = [];
  add(sql: string, ...params: SqlValue[]): this {
    this.parts.push(sql);
    this.params.push(...params);
    return this;
  }
  get sql(): string {
    return this.parts.length === 0 ? '' : `WHERE ${this.parts.join(' AND ')}`;
  }
}

/** Restricts audit events to what a viewer may see. */
function scopeAudit(viewer: Viewer, where: Where): void {
  switch (viewer.kind) {
    case 'auditor':
      return;
    case 'hospital':
      where.add('(custodian = ? OR actor_msp = ?)', viewer.mspId, viewer.mspId);
      return;
    case 'patient':
      throw forbidden('patients read their access log only');
  }
}

function viewerKey(viewer: Viewer): string {
  switch (viewer.kind) {
    case 'auditor':
      return 'auditor';
    case 'hospital':
      return `hospital:${viewer.mspId}`;
    case 'patient':
      return `patient:${viewer.patientDid}`;
  }
}

function basisOf(reason: string, breakGlass: boolean): AccessLogEntry['basis'] {
  if (breakGlass || reason === 'BREAK_GLASS') return 'break_glass';
  if (reason === 'CUSTODIAN_TREATMENT') return 'custodian_treatment';
  if (reason === 'CONSENT') return 'consent';
  if (reason === 'STUDY_CONSENT') return 'study_consent';
  return 'none';
}

/** The projection's queries. */
export class ProjectionService {
  readonly #db: SqlDriver;
  readonly #cursors: CursorCodec;
  readonly #reviewHours: number;
  readonly #expiringDays: number;
  readonly #maxRows: number;
  readonly #alerts: AlertOptions;

  constructor(db: SqlDriver, options: Readonly<ProjectionServiceOptions>) {
    this.#db = db;
    this.#cursors = new CursorCodec(options.cursorKey);
    this.#reviewHours = options.breakGlassReviewHours ?? 72;
    this.#expiringDays = options.expiringConsentDays ?? 30;
    this.#maxRows = options.reportMaxRows ?? 1000;
    this.#alerts = { ...DEFAULT_ALERT_OPTIONS, ...options.alerts };
  }

  async #auditPage(
    where: Where,
    digest: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ rows: AuditRow[]; nextCursor: string | null }> {
    if (cursor !== undefined) {
      const pos: CursorPosition = this.#cursors.decode(digest, cursor);
      where.add('(tx_time_ms < ? OR (tx_time_ms = ? AND seq < ?))', pos.timeMs, pos.timeMs, pos.seq);
    }
    const rows = await this.#db.all<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_event ${where.sql} ORDER BY tx_time_ms DESC, seq DESC LIMIT ?`,
      [...where.params, limit + 1],
    );
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const last = rows[rows.length - 1];
    const nextCursor =
      more && last
        ? this.#cursors.encode(digest, { timeMs: Number(last.tx_time_ms), seq: Number(last.seq) })
        : null;
    return { rows, nextCursor };
  }

  #auditWhere(viewer: Viewer, filters: AuditFilters): Where {
    const where = new Where();
    scopeAudit(viewer, where);
    if (filters.patientDid !== undefined) where.add('patient_did = ?', filters.patientDid);
    if (filters.actorDid !== undefined) where.add('actor_did = ?', filters.actorDid);
    if (filters.org !== undefined) where.add('actor_msp = ?', filters.org);
    if (filters.custodian !== undefined) where.add('custodian = ?', filters.custodian);
    if (filters.recordId !== undefined) where.add('record_id = ?', filters.recordId);
    if (filters.purpose !== undefined) where.add('purpose = ?', filters.purpose);
    if (filters.outcome !== undefined) where.add('outcome = ?', filters.outcome);
    if (filters.from !== undefined) where.add('tx_time_ms >= ?', instantMs(filters.from, 'from'));
    if (filters.to !== undefined) where.add('tx_time_ms < ?', instantMs(filters.to, 'to'));
    return where;
  }

  #parseFilters(filters: unknown): AuditFilters {
    const parsed = auditFiltersSchema.safeParse(filters);
    if (!parsed.success) throw validation('invalid audit filters');
    return parsed.data;
  }

  /**
   * Access decisions matching `filters`, newest first. Auditors see every event; a hospital only
   * events where it is the custodian or the actor's org; patients are refused (they have
   * {@link accessLog}). Errors: FORBIDDEN, VALIDATION_FAILED, CURSOR_INVALID.
   */
  async queryAudit(
    viewer: Viewer,
    filters: AuditFilters,
    cursor?: string,
    limit?: number,
  ): Promise<Page<AuditEventView>> {
    const f = this.#parseFilters(filters);
    const size = pageSize(limit);
    const where = this.#auditWhere(viewer, f);
    const digest = CursorCodec.queryDigest({ k: 'audit', v: viewerKey(viewer), f });
    const { rows, nextCursor } = await this.#auditPage(where, digest, cursor, size);
    return { items: rows.map(toView), nextCursor };
  }

  /**
   * A patient's accounting of disclosures, newest first: who, which org, when, for what purpose and
   * on which basis (consent, break-glass with its review). Only the patient may read it: `viewer`
   * must be that patient. Errors: FORBIDDEN, VALIDATION_FAILED, CURSOR_INVALID.
   */
  async accessLog(
    viewer: Viewer,
    patientDid: string,
    cursor?: string,
    limit?: number,
  ): Promise<Page<AccessLogEntry>> {
    if (viewer.kind !== 'patient' || viewer.patientDid !== patientDid) {
      throw forbidden('an access log is readable by its patient only');
    }
    const size = pageSize(limit);
    const where = new Where().add('patient_did = ?', patientDid);
    const digest = CursorCodec.queryDigest({ k: 'access-log', v: viewerKey(viewer) });
    const { rows, nextCursor } = await this.#auditPage(where, digest, cursor, size);
    const reviews = await this.#reviewsOf(
      rows.filter((r) => Number(r.break_glass) === 1).map((r) => r.event_id),
    );
    const items = rows.map((r): AccessLogEntry => {
      const breakGlass = Number(r.break_glass) === 1;
      const review = reviews.get(r.event_id);
      return {
        eventId: r.event_id,
        txId: r.tx_id,
        blockNumber: Number(r.block_number),
        time: r.tx_time,
        actorDid: r.actor_did,
        actorRole: r.actor_role as Role | null,
        actorOrg: r.actor_msp,
        custodian: r.custodian,
        recordId: r.record_id,
        purpose: r.purpose as Purpose,
        outcome: r.outcome as AccessOutcome,
        reason: r.reason as AccessReason,
        basis: r.outcome === 'granted' ? basisOf(r.reason, breakGlass) : 'none',
        consentId: r.consent_id,
        breakGlass,
        breakGlassReview: review ? reviewView(review) : null,
      };
    });
    return { items, nextCursor };
  }

  async #reviewsOf(accessIds: readonly string[]): Promise<Map<string, ReviewRow>> {
    const out = new Map<string, ReviewRow>();
    if (accessIds.length === 0) return out;
    const rows = await this.#db.all<ReviewRow>(
      `SELECT access_id, outcome, reviewed_by, tx_time, tx_id, block_number FROM break_glass_review
       WHERE access_id IN (${accessIds.map(() => '?').join(', ')})`,
      accessIds,
    );
    for (const r of rows) out.set(r.access_id, r);
    return out;
  }

  /**
   * The compliance report for [from, to): denials by reason, break-glass accesses and their review
   * state (overdue first), accesses by purpose and org, consents expiring soon, records held for
   * quality review, erasures. Auditors see everything; a hospital its own scope; patients are
   * refused. `now` decides what is overdue or expiring. Errors: FORBIDDEN, VALIDATION_FAILED.
   */
  async complianceReport(viewer: Viewer, from: string, to: string, now: Date): Promise<ComplianceReport> {
    const fromMs = instantMs(from, 'from');
    const toMs = instantMs(to, 'to');
    if (toMs <= fromMs) throw validation('to must be after from');
    const nowMs = now.getTime();
    const range = new Where().add('tx_time_ms >= ?', fromMs).add('tx_time_ms < ?', toMs);
    scopeAudit(viewer, range);

    const groups = await this.#db.all<{
      outcome: string;
      reason: string;
      purpose: string;
      actor_msp: string;
      n: number | string;
    }>(
      `SELECT outcome, reason, purpose, actor_msp, COUNT(*) AS n FROM audit_event ${range.sql}
       GROUP BY outcome, reason, purpose, actor_msp`,
      range.params,
    );
    let granted = 0;
    let denied = 0;
    const byReason = new Map<string, number>();
    const byPurposeOrg = new Map<string, { purpose: string; org: string; granted: number; denied: number }>();
    for (const g of groups) {
      const n = Number(g.n);
      const key = `${g.purpose}\u0000${g.actor_msp}`;
      let po = byPurposeOrg.get(key);
      if (!po) {
        po = { purpose: g.purpose, org: g.actor_msp, granted: 0, denied: 0 };
        byPurposeOrg.set(key, po);
      }
      if (g.outcome === 'denied') {
        denied += n;
        po.denied += n;
        byReason.set(g.reason, (byReason.get(g.reason) ?? 0) + n);
      } else {
        granted += n;
        po.granted += n;
      }
    }

    const truncated: string[] = [];
    const breakGlass = await this.#breakGlassCases(viewer, fromMs, toMs, nowMs);
    const counts: Record<BreakGlassState, number> = { overdue: 0, pending: 0, justified: 0, unjustified: 0 };
    for (const c of breakGlass) counts[c.state] += 1;
    const stateOrder: Record<BreakGlassState, number> = {
      overdue: 0,
      pending: 1,
      unjustified: 2,
      justified: 3,
    };
    breakGlass.sort((a, b) => stateOrder[a.state] - stateOrder[b.state] || a.txTime.localeCompare(b.txTime));
    if (breakGlass.length > this.#maxRows) {
      breakGlass.length = this.#maxRows;
      truncated.push('breakGlass');
    }

    const consentScope = new Where()
      .add("status = 'active'")
      .add('period_end_ms >= ?', nowMs)
      .add('period_end_ms < ?', nowMs + this.#expiringDays * 24 * HOUR);
    const unknownScope = new Where().add("status = 'active'").add('period_end_ms IS NULL');
    if (viewer.kind === 'hospital') {
      consentScope.add('grantee = ?', `org:${viewer.mspId}`);
      unknownScope.add('grantee = ?', `org:${viewer.mspId}`);
    }
    const consents = await this.#db.all<{
      consent_id: string;
      patient_did: string;
      grantee: string;
      period_end: string;
      grant_tx_id: string;
      grant_block: number | string;
    }>(
      `SELECT consent_id, patient_did, grantee, period_end, grant_tx_id, grant_block FROM consent ${consentScope.sql}
       ORDER BY period_end_ms, consent_id LIMIT ?`,
      [...consentScope.params, this.#maxRows + 1],
    );
    if (consents.length > this.#maxRows) {
      consents.length = this.#maxRows;
      truncated.push('consentsExpiringSoon');
    }
    const unknown = await this.#db.all<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM consent ${unknownScope.sql}`,
      unknownScope.params,
    );

    const heldScope = new Where().add("quality_status = 'needs_review'");
    if (viewer.kind === 'hospital') heldScope.add('custodian = ?', viewer.mspId);
    const held = await this.#db.all<{
      record_id: string;
      version: number | string;
      custodian: string;
      anchored_at: string;
      tx_id: string;
      block_number: number | string;
    }>(
      `SELECT record_id, version, custodian, anchored_at, tx_id, block_number FROM record_version ${heldScope.sql}
       ORDER BY anchored_at, record_id, version LIMIT ?`,
      [...heldScope.params, this.#maxRows + 1],
    );
    if (held.length > this.#maxRows) {
      held.length = this.#maxRows;
      truncated.push('recordsHeldForReview');
    }

    const erasureScope = new Where().add('tx_time_ms >= ?', fromMs).add('tx_time_ms < ?', toMs);
    if (viewer.kind === 'hospital') erasureScope.add('custodian = ?', viewer.mspId);
    const erasures = await this.#db.all<{
      record_id: string;
      versions: string;
      custodian: string;
      reason: string;
      tx_time: string;
      tx_id: string;
      block_number: number | string;
    }>(
      `SELECT record_id, versions, custodian, reason, tx_time, tx_id, block_number FROM erasure ${erasureScope.sql}
       ORDER BY tx_time_ms, tx_id LIMIT ?`,
      [...erasureScope.params, this.#maxRows + 1],
    );
    if (erasures.length > this.#maxRows) {
      erasures.length = this.#maxRows;
      truncated.push('erasures');
    }

    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      generatedAt: now.toISOString(),
      breakGlassReviewHours: this.#reviewHours,
      totals: { accesses: granted + denied, granted, denied },
      denialsByReason: [...byReason]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
      breakGlass,
      breakGlassCounts: counts,
      accessesByPurposeAndOrg: [...byPurposeOrg.values()].sort(
        (a, b) => a.purpose.localeCompare(b.purpose) || a.org.localeCompare(b.org),
      ),
      consentsExpiringSoon: consents.map((c) => ({
        consentId: c.consent_id,
        patientDid: c.patient_did,
        grantee: c.grantee,
        periodEnd: c.period_end,
        txId: c.grant_tx_id,
        blockNumber: Number(c.grant_block),
      })),
      consentsWithUnknownEnd: Number(unknown[0]?.n ?? 0),
      recordsHeldForReview: held.map((h) => ({
        recordId: h.record_id,
        version: Number(h.version),
        custodian: h.custodian,
        anchoredAt: h.anchored_at,
        txId: h.tx_id,
        blockNumber: Number(h.block_number),
      })),
      erasures: erasures.map((e) => ({
        recordId: e.record_id,
        versions: JSON.parse(e.versions) as number[],
        custodian: e.custodian,
        reason: e.reason,
        txTime: e.tx_time,
        txId: e.tx_id,
        blockNumber: Number(e.block_number),
      })),
      truncated,
    };
  }

  async #breakGlassCases(
    viewer: Viewer,
    fromMs: number,
    toMs: number,
    nowMs: number,
  ): Promise<BreakGlassCaseView[]> {
    // Only break_glass = 1 in SQL, so the partial index serves it; denied attempts are dropped below.
    const where = new Where()
      .add('break_glass = 1')
      .add('tx_time_ms >= ?', fromMs)
      .add('tx_time_ms < ?', toMs);
    scopeAudit(viewer, where);
    const rows = await this.#db
      .all<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_event ${where.sql} ORDER BY tx_time_ms, seq`,
        where.params,
      )
      .then((all) => all.filter((r) => r.outcome === 'granted'));
    const reviews = new Map<string, ReviewRow>();
    for (let i = 0; i < rows.length; i += 500) {
      const part = await this.#reviewsOf(rows.slice(i, i + 500).map((r) => r.event_id));
      for (const [k, v] of part) reviews.set(k, v);
    }
    return rows.map((r): BreakGlassCaseView => {
      const deadlineMs = Number(r.tx_time_ms) + this.#reviewHours * HOUR;
      const review = reviews.get(r.event_id);
      let state: BreakGlassState;
      if (review) state = review.outcome === 'unjustified' ? 'unjustified' : 'justified';
      else state = nowMs > deadlineMs ? 'overdue' : 'pending';
      return {
        eventId: r.event_id,
        txId: r.tx_id,
        blockNumber: Number(r.block_number),
        txTime: r.tx_time,
        actorDid: r.actor_did,
        actorMsp: r.actor_msp,
        recordId: r.record_id,
        patientDid: r.patient_did,
        custodian: r.custodian,
        reviewDeadline: new Date(deadlineMs).toISOString(),
        state,
        review: review ? reviewView(review) : null,
      };
    });
  }

  /**
   * Alerts at `now`: an actor's volume far above their own baseline, bursts of denials, break-glass
   * accesses not reviewed by the deadline, granted access at unusual hours. Each alert lists the
   * events behind it. Auditors see all; a hospital its own scope; patients are refused.
   */
  async alerts(viewer: Viewer, now: Date): Promise<Alert[]> {
    const o = this.#alerts;
    const nowMs = now.getTime();
    const out: Alert[] = [];

    // Volume above baseline.
    const windowStart = nowMs - o.volumeWindowHours * HOUR;
    const baselineStart = windowStart - o.baselineDays * 24 * HOUR;
    const count = async (fromMs: number, toMs: number): Promise<Map<string, { msp: string; n: number }>> => {
      const w = new Where().add('tx_time_ms >= ?', fromMs).add('tx_time_ms < ?', toMs);
      scopeAudit(viewer, w);
      const rows = await this.#db.all<{ actor_did: string; actor_msp: string; n: number | string }>(
        `SELECT actor_did, MIN(actor_msp) AS actor_msp, COUNT(*) AS n FROM audit_event ${w.sql} GROUP BY actor_did`,
        w.params,
      );
      return new Map(rows.map((r) => [r.actor_did, { msp: r.actor_msp, n: Number(r.n) }]));
    };
    const recent = await count(windowStart, nowMs);
    const baseline = await count(baselineStart, windowStart);
    const windowsInBaseline = (o.baselineDays * 24) / o.volumeWindowHours;
    for (const [actor, { msp, n }] of recent) {
      const avg = (baseline.get(actor)?.n ?? 0) / windowsInBaseline;
      if (n >= o.volumeMinEvents && n > o.volumeFactor * avg) {
        out.push({
          rule: 'volume_above_baseline',
          severity: avg === 0 ? 'medium' : 'high',
          actorDid: actor,
          actorMsp: msp,
          detail: {
            windowHours: o.volumeWindowHours,
            count: n,
            baselineAverage: Math.round(avg * 100) / 100,
          },
          eventCount: n,
          events: await this.#eventRefs(viewer, new Where().add('actor_did = ?', actor), windowStart, nowMs),
        });
      }
    }

    // Denial bursts.
    const lookbackStart = nowMs - o.lookbackHours * HOUR;
    const dw = new Where()
      .add("outcome = 'denied'")
      .add('tx_time_ms >= ?', lookbackStart)
      .add('tx_time_ms < ?', nowMs);
    scopeAudit(viewer, dw);
    const denials = await this.#db.all<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_event ${dw.sql} ORDER BY actor_did, tx_time_ms, seq`,
      dw.params,
    );
    const windowMs = o.denialWindowMinutes * 60_000;
    for (let i = 0; i < denials.length;) {
      let j = i;
      while (j < denials.length && denials[j]?.actor_did === denials[i]?.actor_did) j += 1;
      const mine = denials.slice(i, j);
      let best = { start: 0, end: 0 };
      for (let a = 0, b = 0; b < mine.length; b += 1) {
        while (Number(mine[b]?.tx_time_ms) - Number(mine[a]?.tx_time_ms) > windowMs) a += 1;
        if (b + 1 - a > best.end - best.start) best = { start: a, end: b + 1 };
      }
      const burst = mine.slice(best.start, best.end);
      const first = burst[0];
      if (first && burst.length >= o.denialThreshold) {
        out.push({
          rule: 'denial_burst',
          severity: 'high',
          actorDid: first.actor_did,
          actorMsp: first.actor_msp,
          detail: { windowMinutes: o.denialWindowMinutes, denials: burst.length },
          eventCount: burst.length,
          events: burst.reverse().slice(0, o.maxEventIds).map(ref),
        });
      }
      i = j;
    }

    // Break-glass without review after the deadline.
    const overdue = (await this.#breakGlassCases(viewer, 0, nowMs, nowMs)).filter(
      (c) => c.state === 'overdue',
    );
    const byActor = new Map<string, BreakGlassCaseView[]>();
    for (const c of overdue) byActor.set(c.actorDid, [...(byActor.get(c.actorDid) ?? []), c]);
    for (const [actor, cases] of byActor) {
      out.push({
        rule: 'break_glass_unreviewed',
        severity: 'high',
        actorDid: actor,
        actorMsp: cases[0]?.actorMsp ?? '',
        detail: { reviewHours: this.#reviewHours, overdue: cases.length },
        eventCount: cases.length,
        events: cases
          .reverse()
          .slice(0, o.maxEventIds)
          .map((c) => ({ eventId: c.eventId, txId: c.txId, blockNumber: c.blockNumber, txTime: c.txTime })),
      });
    }

    // Granted access at unusual hours (emergencies excepted).
    const uw = new Where()
      .add("outcome = 'granted'")
      .add('break_glass = 0')
      .add('tx_time_ms >= ?', lookbackStart)
      .add('tx_time_ms < ?', nowMs);
    scopeAudit(viewer, uw);
    const granted = await this.#db.all<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_event ${uw.sql} ORDER BY tx_time_ms DESC, seq DESC`,
      uw.params,
    );
    const unusual = new Map<string, AuditRow[]>();
    for (const r of granted) {
      const hour = new Date(Number(r.tx_time_ms) + o.utcOffsetMinutes * 60_000).getUTCHours();
      const odd =
        o.unusualFromHour > o.unusualToHour
          ? hour >= o.unusualFromHour || hour < o.unusualToHour
          : hour >= o.unusualFromHour && hour < o.unusualToHour;
      if (odd && r.purpose !== 'emergency')
        unusual.set(r.actor_did, [...(unusual.get(r.actor_did) ?? []), r]);
    }
    for (const [actor, rows] of unusual) {
      out.push({
        rule: 'unusual_hours',
        severity: 'low',
        actorDid: actor,
        actorMsp: rows[0]?.actor_msp ?? '',
        detail: {
          fromHour: o.unusualFromHour,
          toHour: o.unusualToHour,
          utcOffsetMinutes: o.utcOffsetMinutes,
        },
        eventCount: rows.length,
        events: rows.slice(0, o.maxEventIds).map(ref),
      });
    }
    const severity = { high: 0, medium: 1, low: 2 };
    return out.sort(
      (a, b) =>
        severity[a.severity] - severity[b.severity] ||
        a.rule.localeCompare(b.rule) ||
        a.actorDid.localeCompare(b.actorDid),
    );
  }

  async #eventRefs(viewer: Viewer, where: Where, fromMs: number, toMs: number): Promise<Alert['events']> {
    where.add('tx_time_ms >= ?', fromMs).add('tx_time_ms < ?', toMs);
    scopeAudit(viewer, where);
    const rows = await this.#db.all<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_event ${where.sql} ORDER BY tx_time_ms DESC, seq DESC LIMIT ?`,
      [...where.params, this.#alerts.maxEventIds],
    );
    return rows.map(ref);
  }

  /**
   * Audit events matching `filters` (scoped as {@link queryAudit}) as a FHIR R4 Bundle of AuditEvent
   * resources, one page at a time; `limit` up to 1000.
   */
  async exportFhirAuditEvents(
    viewer: Viewer,
    filters: AuditFilters,
    cursor?: string,
    limit = 1000,
  ): Promise<{ bundle: FhirBundle; nextCursor: string | null }> {
    const f = this.#parseFilters(filters);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw validation('limit must be 1..1000');
    const where = this.#auditWhere(viewer, f);
    const digest = CursorCodec.queryDigest({ k: 'fhir', v: viewerKey(viewer), f });
    const { rows, nextCursor } = await this.#auditPage(where, digest, cursor, limit);
    return { bundle: toFhirBundle(rows.map(toView)), nextCursor };
  }
}

function ref(r: AuditRow): Alert['events'][number] {
  return { eventId: r.event_id, txId: r.tx_id, blockNumber: Number(r.block_number), txTime: r.tx_time };
}
