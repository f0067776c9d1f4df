import assert from 'node:assert/strict';
import { Writable } from 'node:stream';

import express from 'express';

import { createLogger } from '../../logger';
import { createMetrics } from '../../metrics';
import { after, before, describe, it } from '../../testing/node-test';
import { serve, type Served } from '../../testing/serve';
import { cors, requestContext, requestIdOf, urlLimit } from './front';
import { locals } from './locals';

describe('pipeline: front stages', () => {
  const lines: Record<string, unknown>[] = [];
  let served: Served;
  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const app = express();
    app.use(requestContext(createLogger('info', sink), createMetrics(false)));
    app.use(urlLimit(64));
    app.use(cors(['https://app.hospital1.test']));
    app.get('/v1/thing', (_req, res) => {
      locals(res).route = '/v1/thing';
      res.json({ ok: true });
    });
    served = await serve(app);
  });
  after(async () => {
    await served.close();
  });

  it('when a request carries a well-formed X-Request-Id, then it is kept; otherwise a fresh one is made', () => {
    assert.equal(requestIdOf('abc-123.x_y'), 'abc-123.x_y');
    for (const bad of [undefined, '', 'a b', 'x'.repeat(65), 'id\n']) {
      assert.match(requestIdOf(bad), /^[0-9a-f-]{36}$/);
    }
  });

  it('when any answer is sent, then it has the security headers and its id, and one log line with route and status but no query', async () => {
    const res = await fetch(`${served.url}/v1/thing?secret=CANARY`, {
      headers: { 'x-request-id': 'req-42' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), 'req-42');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    const line = lines.find((l) => l['requestId'] === 'req-42');
    assert.equal(line?.['route'], '/v1/thing');
    assert.equal(line['status'], 200);
    assert.ok(!JSON.stringify(lines).includes('CANARY'));
  });

  it('when the URL is longer than the limit, then 414 problem+json and no route runs', async () => {
    const res = await fetch(`${served.url}/v1/thing?${'a'.repeat(80)}`);
    assert.equal(res.status, 414);
    assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
    assert.equal(((await res.json()) as { code: string }).code, 'URI_TOO_LONG');
  });

  it('when an allowed origin asks, then CORS headers are set and its preflight ends with 204; another origin gets none', async () => {
    const origin = 'https://app.hospital1.test';
    const pre = await fetch(`${served.url}/v1/thing`, { method: 'OPTIONS', headers: { origin } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), origin);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Idempotency-Key/);
    const get = await fetch(`${served.url}/v1/thing`, { headers: { origin } });
    assert.equal(get.headers.get('access-control-allow-origin'), origin);
    assert.equal(get.headers.get('access-control-allow-methods'), null);
    const evil = await fetch(`${served.url}/v1/thing`, { headers: { origin: 'https://evil.test' } });
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
  });
});
