/** Operations routes under /v1 (the unauthenticated probes, metrics and docs are served by `../ops-routes.ts`). */
import { z } from 'zod';

import * as ops from '../../services/ops';
import { route, type RouteDef } from './route';
import { tx } from './shared';

/** The operations routes. */
export function operationsRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/ops/ping',
      operationId: 'ping',
      summary:
        'Empty transaction (writes one key), signed by the caller and committed: the write-path baseline of the benchmarks',
      tag: 'operations',
      body: z.strictObject({}),
      response: tx({}),
      status: 200,
      handler: (ctx) => ops.ping(ctx),
    }),
  ];
}
