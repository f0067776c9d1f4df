/**
 * Leak tracing: `POST /v1/incidents/trace` (docs/leak-tracing.md). In a file of its own, beside the
 * other incident routes, so each can change without the other.
 */
import { traceLeakOutput } from '@medledger/domain';
import { z } from 'zod';

import * as leakTrace from '../../services/leak-trace';
import { route, type RouteDef } from './route';

const traceAnswer = traceLeakOutput.extend({
  leak: z.object({ hashes: z.number().int(), rows: z.number().int(), receipts: z.number().int() }),
});

/** The leak-tracing route. */
export function leakTraceRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/incidents/trace',
      operationId: 'traceLeak',
      summary:
        "Trace a leaked record copy or dataset to the access or export it came from, its recipient and time (regulator auditors; a hospital's admin for its own exports)",
      tag: 'regulator',
      body: leakTrace.traceBody,
      response: traceAnswer,
      status: 200,
      handler: (ctx, { body }) => leakTrace.traceLeak(ctx, body),
    }),
  ];
}
