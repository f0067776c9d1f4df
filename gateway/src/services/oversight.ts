/**
 * Regulator views answered from the ledger's audit index: audit queries, a compliance report and
 * alerts over one patient's, actor's or record's events. (A projection of chaincode events will back
 * consortium-wide reports later; these read at most `maxEvents` newest events.)
 */
import type { AuditEvent, BreakGlassCase, TransactionOutput } from '@medledger/domain';

import type { ServiceContext } from './context';
import { definedOnly } from './consents';

/** The scope of a regulator query. */
export interface AuditScope {
  readonly by: 'patient' | 'actor' | 'record';
  readonly id: string;
}

export function queryAudit(
  ctx: ServiceContext,
  scope: AuditScope,
  page: { pageSize?: number | undefined; bookmark?: string | undefined },
): Promise<TransactionOutput<'QueryAudit'>> {
  return ctx.ledger.evaluate(ctx.caller, 'QueryAudit', { ...scope, ...definedOnly(page) });
}

export function getAuditEvent(ctx: ServiceContext, eventId: string): Promise<AuditEvent> {
  return ctx.ledger.evaluate(ctx.caller, 'GetAuditEvent', { eventId });
}

async function newestEvents(
  ctx: ServiceContext,
  scope: AuditScope,
  maxEvents: number,
): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let bookmark = '';
  do {
    const page = await ctx.ledger.evaluate(ctx.caller, 'QueryAudit', {
      ...scope,
      pageSize: Math.min(100, maxEvents - events.length),
      bookmark,
    });
    events.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark !== '' && events.length < maxEvents);
  return events;
}

/** A compliance report over a scope. */
export interface ComplianceReport {
  readonly scope: AuditScope;
  readonly eventsExamined: number;
  readonly truncated: boolean;
  readonly granted: number;
  readonly denied: number;
  readonly deniedByReason: Record<string, number>;
  readonly breakGlass: number;
  readonly outsideConsentScope: number;
  readonly accessesByActor: { actorDid: string; actorMsp: string; count: number; unusual: boolean }[];
}

const OUTSIDE_SCOPE_REASONS = new Set([
  'NO_CONSENT',
  'CONSENT_REVOKED',
  'CONSENT_EXPIRED',
  'CONSENT_SCOPE',
  'LEVEL_NOT_PERMITTED',
  'PURPOSE_NOT_PERMITTED',
]);

export async function complianceReport(
  ctx: ServiceContext,
  scope: AuditScope,
  maxEvents: number,
  unusualThreshold: number,
): Promise<ComplianceReport> {
  const events = await newestEvents(ctx, scope, maxEvents);
  const deniedByReason: Record<string, number> = {};
  const byActor = new Map<string, { actorDid: string; actorMsp: string; count: number }>();
  let granted = 0;
  let breakGlass = 0;
  let outside = 0;
  for (const e of events) {
    if (e.outcome === 'granted') granted++;
    else deniedByReason[e.reason] = (deniedByReason[e.reason] ?? 0) + 1;
    if (e.breakGlass) breakGlass++;
    if (e.outcome === 'denied' && OUTSIDE_SCOPE_REASONS.has(e.reason)) outside++;
    const a = byActor.get(e.actorDid) ?? { actorDid: e.actorDid, actorMsp: e.actorMsp, count: 0 };
    a.count++;
    byActor.set(e.actorDid, a);
  }
  return {
    scope,
    eventsExamined: events.length,
    truncated: events.length >= maxEvents,
    granted,
    denied: events.length - granted,
    deniedByReason,
    breakGlass,
    outsideConsentScope: outside,
    accessesByActor: [...byActor.values()]
      .sort((x, y) => y.count - x.count)
      .map((a) => ({ ...a, unusual: a.count >= unusualThreshold })),
  };
}

/** An alert derived from an audit event. */
export interface Alert {
  readonly kind: 'break_glass' | 'denied_access';
  readonly eventId: string;
  readonly recordId: string;
  readonly actorDid: string;
  readonly actorMsp: string;
  readonly reason: string;
  readonly txTime: string;
}

export async function alerts(ctx: ServiceContext, scope: AuditScope, maxEvents: number): Promise<Alert[]> {
  const events = await newestEvents(ctx, scope, maxEvents);
  return events
    .filter((e) => e.breakGlass || e.outcome === 'denied')
    .map((e) => ({
      kind: e.breakGlass ? ('break_glass' as const) : ('denied_access' as const),
      eventId: e.eventId,
      recordId: e.recordId,
      actorDid: e.actorDid,
      actorMsp: e.actorMsp,
      reason: e.breakGlass ? (e.breakGlassReason ?? e.reason) : e.reason,
      txTime: e.txTime,
    }));
}

export async function reviewBreakGlass(
  ctx: ServiceContext,
  accessId: string,
  outcome: string,
): Promise<{ txId: string; case: BreakGlassCase }> {
  const res = await ctx.ledger.submit(
    ctx.caller,
    'ReviewBreakGlass',
    { accessId, outcome },
    { onEndorsed: ctx.onEndorsed },
  );
  return { txId: res.txId, case: res.result };
}
