/**
 * Freeze routes: a regulator's auditor freezes a person or an org, the regulator and the frozen org's
 * admin each approve lifting it (the second approval lifts it), and anyone registered reads freezes,
 * the frozen party first (the id in its `FROZEN` problem).
 */
import { freezeListSchema, freezeSchema, txIdSchema } from '@medledger/domain';

import * as freezes from '../../services/freezes';
import { route, type RouteDef } from './route';
import { idParam, tx } from './shared';

const freezeAnswer = tx({ freeze: freezeSchema });

/** The freeze routes. */
export function freezeRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/freezes',
      operationId: 'freezeAccess',
      summary:
        "Freeze a person (staff DID) or a whole org (MSP ID) at once, with a coded reason (a regulator's auditor): from the commit every request of the frozen party answers 403 FROZEN and every access decision is an audited FROZEN denial",
      tag: 'regulator',
      body: freezes.freezeBody,
      response: freezeAnswer,
      handler: (ctx, { body }) => freezes.freezeAccess(ctx, body),
    }),
    route({
      method: 'post',
      path: '/v1/freezes/{id}/lift',
      operationId: 'liftFreeze',
      summary:
        "Approve lifting a freeze, for one side: the regulator's auditor or the frozen org's admin (never the frozen person); the second side's approval lifts it",
      tag: 'regulator',
      params: idParam(txIdSchema),
      response: freezeAnswer,
      status: 200,
      handler: (ctx, { params }) => freezes.liftFreeze(ctx, params.id),
    }),
    route({
      method: 'get',
      path: '/v1/freezes/{id}',
      operationId: 'getFreeze',
      summary: 'One freeze (anyone registered, frozen or not: the id a FROZEN problem names)',
      tag: 'regulator',
      params: idParam(txIdSchema),
      response: freezeSchema,
      handler: (ctx, { params }) => freezes.getFreeze(ctx, params.id),
    }),
    route({
      method: 'get',
      path: '/v1/freezes',
      operationId: 'listFreezes',
      summary:
        "The freezes of a person or an org, active and lifted, newest first; without either, the ones that hold the caller (their own and their org's)",
      tag: 'regulator',
      query: freezes.freezeListQuery,
      response: freezeListSchema,
      handler: (ctx, { query }) => freezes.listFreezes(ctx, query),
    }),
  ];
}
