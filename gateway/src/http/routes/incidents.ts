/**
 * Incident routes: a regulator's auditor opens an incident, links the facts it is about (access
 * decisions, record versions, freezes: each checked on the ledger), records the response plan's steps
 * and closes it with a finding; an admin of an org it concerns reads that org's part of it.
 */
import { incidentListSchema, incidentSchema, txIdSchema } from '@medledger/domain';

import * as incidents from '../../services/incidents';
import { route, type RouteDef } from './route';
import { idParam, tx } from './shared';

const incidentAnswer = tx({ incident: incidentSchema });
const incidentId = idParam(txIdSchema);

/** The incident routes. */
export function incidentRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/incidents',
      operationId: 'openIncident',
      summary:
        "Open an incident (a regulator's auditor): category, severity and the orgs it concerns; kept on the regulator's peer only",
      tag: 'regulator',
      body: incidents.openBody,
      response: incidentAnswer,
      handler: (ctx, { body }) => incidents.openIncident(ctx, body),
    }),
    route({
      method: 'post',
      path: '/v1/incidents/{id}/links',
      operationId: 'linkIncidentEvents',
      summary:
        'Link access decisions (audit event ids), record versions and freezes to an open incident; each is found on the ledger first (a forged link is 404) and the orgs it concerns join the incident',
      tag: 'regulator',
      params: incidentId,
      body: incidents.linksBody,
      response: incidentAnswer,
      status: 200,
      handler: (ctx, { params, body }) => incidents.linkEvents(ctx, params.id, body),
    }),
    route({
      method: 'post',
      path: '/v1/incidents/{id}/steps',
      operationId: 'recordIncidentStep',
      summary: "Record a step of the response plan, timed by its transaction (a regulator's auditor)",
      tag: 'regulator',
      params: incidentId,
      body: incidents.stepBody,
      response: incidentAnswer,
      status: 200,
      handler: (ctx, { params, body }) => incidents.recordStep(ctx, params.id, body),
    }),
    route({
      method: 'post',
      path: '/v1/incidents/{id}/close',
      operationId: 'closeIncident',
      summary: "Close an incident with a finding (a regulator's auditor); its freezes stay until lifted",
      tag: 'regulator',
      params: incidentId,
      body: incidents.closeBody,
      response: incidentAnswer,
      status: 200,
      handler: (ctx, { params, body }) => incidents.closeIncident(ctx, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/incidents/{id}',
      operationId: 'getIncident',
      summary:
        "One incident: the regulator's auditors all of it; an admin of an org it concerns that org's part (its own links); anyone else 404",
      tag: 'regulator',
      params: incidentId,
      response: incidentSchema,
      handler: (ctx, { params }) => incidents.getIncident(ctx, params.id),
    }),
    route({
      method: 'get',
      path: '/v1/incidents',
      operationId: 'listIncidents',
      summary:
        'The incidents the caller may see (open by default), newest first: all for the regulator, those that concern their org for an org admin',
      tag: 'regulator',
      query: incidents.listQuery,
      response: incidentListSchema,
      handler: (ctx, { query }) => incidents.listIncidents(ctx, query.status),
    }),
  ];
}
