/**
 * Regulator calls answered by the ledger: one audit event by id (checkable against the projection's
 * answers) and the post-hoc review of a break-glass access. The list views, reports and alerts come
 * from the audit projection (`audit-projection.ts`).
 */
import type { AuditEvent, BreakGlassCase } from '@medledger/domain';

import { submitAnswer, type ServiceContext } from './context';

export function getAuditEvent(ctx: ServiceContext, eventId: string): Promise<AuditEvent> {
  return ctx.ledger.evaluate(ctx.caller, 'GetAuditEvent', { eventId });
}

export function reviewBreakGlass(
  ctx: ServiceContext,
  accessId: string,
  outcome: string,
): Promise<{ txId: string; case: BreakGlassCase }> {
  return submitAnswer(ctx, 'ReviewBreakGlass', { accessId, outcome }, 'case');
}
