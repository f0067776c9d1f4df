import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import express from 'express';
import { z } from 'zod';

import { NonceCache } from '../../auth/patient-proof';
import type { Principal } from '../../auth/tokens';
import { AppError } from '../../errors';
import { SqliteIdempotencyStore } from '../../idempotency';
import { createLogger } from '../../logger';
import { createMetrics } from '../../metrics';
import type { ProjectionService } from '../../projection/read/service';
import { RateLimiter } from '../../rate-limit';
import { Ledger } from '../../services/ledger';
import { FakeLedgerClient } from '../../testing/fake-ledger';
import { describe, it } from '../../testing/node-test';
import { serve, type Served } from '../../testing/serve';
import { route, type HandlerContext, type RouteDef } from '../routes/route';
import { errorHandler } from './fallback';
import { requestContext } from './front';
import { jsonBody } from './json-body';
import { routeHandler, type PipelineDeps } from './route-handler';

const PATIENT = 'did:medledger:patient:abcdefgh12';
const PRINCIPALS: Readonly<Record<string, Principal>> = {
  'staff-doc1': { kind: 'staff', subject: 'doc1', org: 'Hospital1' },
  'patient-1': { kind: 'patient', subject: PATIENT, org: 'Hospital1' },
};

/** Knows two tokens; anything else is refused. */
const verifier = (token: string): Promise<Principal> => {
  const principal = PRINCIPALS[token];
  return principal
    ? Promise.resolve(principal)
    : Promise.reject(new AppError('UNAUTHENTICATED', 'bad token'));
};
const asStaff = { authorization: 'Bearer staff-doc1' };
const asPatient = { authorization: 'Bearer patient-1' };

/** A route whose handler pings the ledger `n` (its path parameter) times, then does what `then` says. */
function pingRoute(then: (ctx: HandlerContext) => Promise<unknown>): RouteDef {
  return route({
    method: 'post',
    path: '/v1/test/{n}',
    operationId: 'test',
    summary: 'test',
    tag: 'operations',
    params: z.strictObject({ n: z.coerce.number().int().min(1) }),
    body: z.strictObject({ note: z.string() }),
    response: z.unknown(),
    handler: async (ctx, { params }) => {
      for (let i = 0; i < params.n; i++) await ctx.ledger.submit(ctx.caller, 'Ping', {});
      return then(ctx);
    },
  });
}

async function start(
  r: RouteDef,
  over: Partial<PipelineDeps> = {},
): Promise<{ served: Served; fake: FakeLedgerClient }> {
  const fake = new FakeLedgerClient();
  const deps: PipelineDeps = {
    mspId: 'Hospital1MSP',
    ledger: new Ledger(fake, { org: 'Hospital1MSP' }),
    verifier,
    limiter: new RateLimiter(100, 100),
    idempotency: new SqliteIdempotencyStore(':memory:'),
    enroller: { ensureEnrolled: () => Promise.resolve() },
    // These routes never read the projection.
    projection: Object.create(null) as ProjectionService,
    serviceEnrollmentId: 'gateway-service',
    patientProofNonces: new NonceCache(),
    failpoints: false,
    ...over,
  };
  const logger = createLogger('silent');
  const metrics = createMetrics(false);
  const app = express();
  app.use(requestContext(logger, metrics));
  app.post('/v1/test/:n', jsonBody(1024), routeHandler(r, deps));
  app.use(errorHandler(logger, metrics));
  return { served: await serve(app), fake };
}

const post = (served: Served, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${served.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;

describe('pipeline: a route, stage by stage', () => {
  it('when a request would fail several stages, then the first in order answers: token, kind, then input', async () => {
    const { served, fake } = await start(pingRoute(() => Promise.resolve({})));
    try {
      assert.equal(await codeOf(await post(served, '/v1/test/x', { bad: 1 })), 'UNAUTHENTICATED');
      assert.equal(await codeOf(await post(served, '/v1/test/x', { bad: 1 }, asPatient)), 'FORBIDDEN');
      assert.equal(
        await codeOf(await post(served, '/v1/test/x', { note: 'n' }, asStaff)),
        'VALIDATION_FAILED',
      );
      const badKey = { ...asStaff, 'idempotency-key': 'no' };
      assert.equal(
        await codeOf(await post(served, '/v1/test/1', { note: 'n' }, badKey)),
        'IDEMPOTENCY_KEY_INVALID',
      );
      assert.equal(fake.calls.length, 0);
    } finally {
      await served.close();
    }
  });

  it('when a handler writes, then its ledger signs as the caller and journals each endorsement into the answer', async () => {
    const { served, fake } = await start(pingRoute(() => Promise.resolve({ done: true })));
    try {
      const res = await post(served, '/v1/test/2', { note: 'n' }, asStaff);
      assert.equal(res.status, 201);
      const pings = fake.callsOf('health:Ping');
      assert.deepEqual(
        pings.map((c) => c.caller),
        ['doc1', 'doc1'],
      );
      assert.equal(res.headers.get('x-transaction-id'), [...fake.committed.keys()].at(-1));
    } finally {
      await served.close();
    }
  });

  it('when a keyed write fails retryably after endorsing, then its retry recovers that transaction instead of writing again', async () => {
    let failures = 1;
    const { served, fake } = await start(
      pingRoute(() => {
        if (failures-- > 0) return Promise.reject(new AppError('LEDGER_UNAVAILABLE', 'orderer down'));
        return Promise.resolve({ ok: true });
      }),
    );
    try {
      const headers = { ...asStaff, 'idempotency-key': randomUUID() };
      assert.equal((await post(served, '/v1/test/1', { note: 'n' }, headers)).status, 503);
      const [first] = fake.committed.keys();
      const retry = await post(served, '/v1/test/1', { note: 'n' }, headers);
      assert.equal(retry.status, 201);
      assert.equal(fake.committed.size, 1, 'the ping was recovered, not written again');
      assert.equal(retry.headers.get('x-transaction-id'), first);
      const replay = await post(served, '/v1/test/1', { note: 'n' }, headers);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    } finally {
      await served.close();
    }
  });

  it('when failpoints are on and a request names a stage, then every submit of its ledger carries it; when off, none does', async () => {
    for (const failpoints of [true, false]) {
      const { served, fake } = await start(
        pingRoute(() => Promise.resolve({})),
        { failpoints },
      );
      try {
        const headers = { ...asStaff, 'medledger-failpoint': 'after-submit' };
        assert.equal((await post(served, '/v1/test/2', { note: 'n' }, headers)).status, 201);
        assert.deepEqual(
          fake.callsOf('health:Ping').map((c) => c.options.failpoint),
          failpoints ? ['after-submit', 'after-submit'] : [undefined, undefined],
        );
      } finally {
        await served.close();
      }
    }
  });

  it("when a patient's request reaches the ledger, then the gateway's service identity signs it", async () => {
    const r = { ...pingRoute(() => Promise.resolve({})), principals: ['staff', 'patient'] as const };
    const { served, fake } = await start(r);
    try {
      assert.equal((await post(served, '/v1/test/1', { note: 'n' }, asPatient)).status, 201);
      assert.deepEqual(
        fake.calls.map((c) => c.caller),
        ['gateway-service'],
      );
    } finally {
      await served.close();
    }
  });
});
