/**
 * Regulator routes: the audit views, the FHIR export and the compliance report (from the audit
 * projection), one audit event and the break-glass review (from the ledger), and alerts.
 */
import { auditEventSchema, breakGlassStateSchema, incidentSchema, txIdSchema } from '@medledger/domain';
import { z } from 'zod';

import * as auditProjection from '../../services/audit-projection';
import * as oversight from '../../services/oversight';
import {
  alertListSchema,
  auditViewPageSchema,
  complianceReportSchema,
  fhirAuditBundleSchema,
} from '../../projection/read/views';
import { RawReply, route, type HandlerContext, type RouteDef } from './route';
import { auditFilters, idParam, isoInstant, projectionPage, tx, type RouteLimits } from './shared';

const reportQuery = z.strictObject({
  from: isoInstant.optional().describe('inclusive; default 30 days before `to`'),
  to: isoInstant.optional().describe('exclusive; default now'),
  format: z.enum(['json', 'csv']).optional().describe('overrides the Accept header'),
});

/** The compliance report as JSON, or CSV when asked by `format` or the Accept header. */
async function complianceReport(ctx: HandlerContext, query: z.output<typeof reportQuery>): Promise<unknown> {
  const format =
    query.format ?? (ctx.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json');
  const range = { from: query.from, to: query.to };
  if (format === 'csv') {
    return new RawReply('text/csv', await auditProjection.complianceReportAsCsv(ctx, range));
  }
  return auditProjection.complianceReport(ctx, range);
}

/** The open incidents the reader may see, beside a report or the alerts (read from the ledger). */
const withIncidents = {
  openIncidents: z
    .array(incidentSchema)
    .describe("open incidents the caller may see: all for the regulator, their org's for a hospital admin"),
};

/** The regulator routes; `limits` bound their pages. */
export function regulatorRoutes(limits: RouteLimits): RouteDef[] {
  const auditQuery = z.strictObject({ ...auditFilters, ...projectionPage(limits) });
  return [
    route({
      method: 'get',
      path: '/v1/audit',
      operationId: 'queryAudit',
      summary:
        'Access decisions from the audit projection, newest first, cursor-paginated: regulator auditors see all, hospital admins their hospital',
      tag: 'regulator',
      query: auditQuery,
      response: auditViewPageSchema,
      handler: (ctx, { query }) => {
        const { cursor, limit, ...filters } = query;
        return auditProjection.queryAudit(ctx, filters, cursor, limit);
      },
    }),
    route({
      method: 'get',
      path: '/v1/audit/fhir',
      operationId: 'exportAuditFhir',
      summary:
        'Access decisions as a FHIR R4 Bundle of AuditEvent resources (same filters and scope as /v1/audit)',
      tag: 'regulator',
      query: auditQuery,
      response: fhirAuditBundleSchema,
      contentType: 'application/fhir+json',
      handler: (ctx, { query }) => auditProjection.exportFhir(ctx, '/v1/audit/fhir', query),
    }),
    route({
      method: 'get',
      path: '/v1/audit/{id}',
      operationId: 'getAuditEvent',
      summary:
        "One audit event, from this gateway's org's peer (a hospital's: accesses to its records; the regulator's: every one)",
      tag: 'regulator',
      params: idParam(txIdSchema),
      response: auditEventSchema,
      handler: (ctx, { params }) => oversight.getAuditEvent(ctx, params.id),
    }),
    route({
      method: 'get',
      path: '/v1/reports/compliance',
      operationId: 'complianceReport',
      summary:
        'Compliance report for [from, to) (default: the last 30 days): denials by reason, break-glass and review state (overdue first), accesses by purpose and org, consents expiring soon, records held for review, erasures, freezes, open incidents; JSON, or CSV with Accept: text/csv or format=csv',
      tag: 'regulator',
      query: reportQuery,
      response: complianceReportSchema.extend(withIncidents),
      alternates: [{ contentType: 'text/csv', description: 'the same report, one CSV section per list' }],
      handler: (ctx, { query }) => complianceReport(ctx, query),
    }),
    route({
      method: 'post',
      path: '/v1/break-glass/{id}/review',
      operationId: 'reviewBreakGlass',
      summary:
        "Post-hoc review of an emergency access, or of a doctor's emergency listing (its listing id, with `custodian` the doctor's org), appended (the custodian's admin, or for a listing the doctor's hospital's admin, until the regulator reviews; the regulator may always review again and its latest verdict stands; `suspend` with `unjustified` suspends the person, and for a co-signed access the co-signer too)",
      tag: 'regulator',
      params: idParam(txIdSchema),
      body: oversight.reviewBody,
      response: tx({ case: breakGlassStateSchema }),
      status: 200,
      handler: (ctx, { params, body }) => oversight.reviewBreakGlass(ctx, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/alerts',
      operationId: 'listAlerts',
      summary:
        'Unusual access now: volume above the actor baseline, denial bursts, break-glass unreviewed past the deadline, access at unusual hours; each with its events; and the open incidents',
      tag: 'regulator',
      response: alertListSchema.extend(withIncidents),
      handler: (ctx) => auditProjection.alerts(ctx),
    }),
  ];
}
