/**
 * Regulator calls answered by the ledger: one audit event by id (checkable against the projection's
 * answers; read on this gateway's org's own peer, which holds its sealed collection, the regulator's
 * every one) and the appended post-hoc review of a break-glass access or emergency listing. The list views, reports and alerts come
 * from the audit projection (`audit-projection.ts`).
 */
import {
  breakGlassReviewOutcomeSchema,
  mspIdSchema,
  type AuditEvent,
  type BreakGlassState,
} from '@medledger/domain';
import { z } from 'zod';

import { custodianOf, submitAnswer, type ServiceContext } from './context';

export function getAuditEvent(ctx: ServiceContext, eventId: string): Promise<AuditEvent> {
  return ctx.ledger.evaluate(ctx.caller, 'GetAuditEvent', { eventId });
}

/**
 * Request body of `POST /v1/break-glass/{id}/review`: the verdict, whether to suspend the person (with
 * an `unjustified` verdict), and the org holding the case: the custodian whose record was read, or for
 * an emergency listing the listing doctor's org (default the caller's own org; a regulator's auditor
 * names it).
 */
export const reviewBody = z.strictObject({
  outcome: breakGlassReviewOutcomeSchema,
  suspend: z.boolean().optional(),
  custodian: mspIdSchema
    .optional()
    .describe(
      "MSP ID of the record's custodian, or for an emergency listing of the listing doctor's org (default: the caller's org)",
    ),
});

/**
 * Appends a review of a break-glass access or an emergency listing, endorsed by the org holding it
 * (the record's custodian, the listing doctor's org) and the regulator.
 */
export function reviewBreakGlass(
  ctx: ServiceContext,
  accessId: string,
  body: z.output<typeof reviewBody>,
): Promise<{ txId: string; case: BreakGlassState }> {
  const custodian = custodianOf(ctx, body.custodian);
  const input = { accessId, custodian, outcome: body.outcome, ...(body.suspend ? { suspend: true } : {}) };
  return submitAnswer(ctx, 'ReviewBreakGlass', input, 'case', { custodian });
}
