import assert from 'node:assert/strict';
import { Writable } from 'node:stream';

import express from 'express';

import { AppError } from '../../errors';
import { createLogger } from '../../logger';
import { createMetrics } from '../../metrics';
import { describe, it } from '../../testing/node-test';
import { serve } from '../../testing/serve';
import { errorHandler, notFound } from './fallback';
import { requestContext } from './front';

describe('pipeline: fallback and errors', () => {
  it('when no route takes a request, then 405 with Allow where the path exists and 404 elsewhere', async () => {
    const app = express();
    app.use(
      notFound([
        { method: 'get', path: '/v1/records/{id}' },
        { method: 'post', path: '/v1/records/{id}/versions' },
        { method: 'patch', path: '/v1/records/{id}' },
      ]),
    );
    const served = await serve(app);
    try {
      const wrong = await fetch(`${served.url}/v1/records/r1`, { method: 'DELETE' });
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.get('allow'), 'GET, PATCH');
      assert.equal((await fetch(`${served.url}/v1/records/r1/`, { method: 'PUT' })).status, 405);
      const none = await fetch(`${served.url}/v1/records/r1/history`);
      assert.equal(none.status, 404);
      assert.equal(((await none.json()) as { code: string }).code, 'ROUTE_NOT_FOUND');
    } finally {
      await served.close();
    }
  });

  it('when a route throws, then an AppError is its problem and anything else a logged 500 without its message', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const metrics = createMetrics(false);
    const app = express();
    app.use(requestContext(logger, metrics));
    app.get('/known', () => {
      throw new AppError('CONSENT_REQUIRED', 'r1');
    });
    app.get('/unknown', () => {
      throw new Error('CANARY internals');
    });
    app.use(errorHandler(logger, metrics));
    const served = await serve(app);
    try {
      const known = await fetch(`${served.url}/known`);
      assert.equal(known.status, 403);
      assert.equal(((await known.json()) as { code: string }).code, 'CONSENT_REQUIRED');
      const unknown = await fetch(`${served.url}/unknown`);
      assert.equal(unknown.status, 500);
      const text = await unknown.text();
      assert.ok(!text.includes('CANARY'));
      assert.ok(lines.some((l) => l.includes('"request failed"') && l.includes('"code":"INTERNAL"')));
      assert.match(await metrics.registry.metrics(), /code="CONSENT_REQUIRED"/);
    } finally {
      await served.close();
    }
  });
});
