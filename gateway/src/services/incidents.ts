/**
 * Incidents: a regulator's auditor opens one, links the facts it is about, records the response plan's
 * steps and closes it with a finding; an admin of an org it concerns reads that org's part. What the
 * regulator sends travels in the transient map and the ledger answers ids only (both go into every
 * block otherwise), so each write reads the incident back on the regulator's peer, as the caller.
 */
import {
  incidentCategorySchema,
  incidentFindingSchema,
  incidentLinkSchema,
  incidentSeveritySchema,
  incidentStepSchema,
  mspIdSchema,
  sha256HexSchema,
  type Incident,
  type IncidentReceipt,
} from '@medledger/domain';
import { z } from 'zod';

import type { ServiceContext } from './context';

/** Request body of `POST /v1/incidents`. */
export const openBody = z.strictObject({
  category: incidentCategorySchema,
  severity: incidentSeveritySchema,
  orgs: z.array(mspIdSchema).max(32).optional().describe('MSP IDs of the orgs it concerns'),
});

/** Request body of `POST /v1/incidents/{id}/links`. */
export const linksBody = z.strictObject({ links: z.array(incidentLinkSchema).min(1).max(20) });

/** Request body of `POST /v1/incidents/{id}/steps`. */
export const stepBody = z.strictObject({
  step: incidentStepSchema,
  documentHash: sha256HexSchema.optional().describe('SHA-256 of a document kept outside the ledger'),
});

/** Request body of `POST /v1/incidents/{id}/close`. */
export const closeBody = z.strictObject({
  finding: incidentFindingSchema,
  reportHash: sha256HexSchema.optional().describe('SHA-256 of the final report kept outside the ledger'),
});

/** The answer of an incident write: its transaction, and the incident read back as the caller sees it. */
async function readBack(
  ctx: ServiceContext,
  submitted: Promise<{ txId: string; result: IncidentReceipt }>,
): Promise<{ txId: string; incident: Incident }> {
  const { txId, result } = await submitted;
  return { txId, incident: await getIncident(ctx, result.incidentId) };
}

export function openIncident(ctx: ServiceContext, body: z.output<typeof openBody>) {
  const incident = { ...body, orgs: body.orgs ?? [] };
  return readBack(ctx, ctx.ledger.submit(ctx.caller, 'OpenIncident', {}, { transient: { incident } }));
}

export function linkEvents(ctx: ServiceContext, incidentId: string, body: z.output<typeof linksBody>) {
  const incident = { incidentId, links: body.links };
  return readBack(ctx, ctx.ledger.submit(ctx.caller, 'LinkIncidentEvents', {}, { transient: { incident } }));
}

export function recordStep(ctx: ServiceContext, incidentId: string, body: z.output<typeof stepBody>) {
  const incident = { incidentId, ...body };
  return readBack(ctx, ctx.ledger.submit(ctx.caller, 'RecordIncidentStep', {}, { transient: { incident } }));
}

export function closeIncident(ctx: ServiceContext, incidentId: string, body: z.output<typeof closeBody>) {
  const incident = { incidentId, ...body };
  return readBack(ctx, ctx.ledger.submit(ctx.caller, 'CloseIncident', {}, { transient: { incident } }));
}

export function getIncident(ctx: ServiceContext, incidentId: string): Promise<Incident> {
  return ctx.ledger.evaluate(ctx.caller, 'GetIncident', { incidentId });
}

/** Query of `GET /v1/incidents`. */
export const listQuery = z.strictObject({
  status: z.enum(['open', 'closed', 'all']).optional().describe('default open'),
});

export function listIncidents(
  ctx: ServiceContext,
  status: 'open' | 'closed' | 'all' = 'open',
): Promise<{ items: Incident[] }> {
  return ctx.ledger.evaluate(ctx.caller, 'ListIncidents', { status });
}
