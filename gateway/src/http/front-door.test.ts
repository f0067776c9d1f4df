import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { consoleBuildFixture, startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';
import { strictProblems } from '../testing/response-contract';
import { frontDoorSchema } from './ops-routes';

describe('the front door, GET /', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ org: { name: 'Hospital2', mspId: 'Hospital2MSP' }, console: null });
  });
  after(() => gw.close());

  it('when a browser asks and a console is built, then it is sent to the console and an API client still gets JSON', async () => {
    const withConsole = await startTestGateway({ console: consoleBuildFixture().dir });
    try {
      const res = await fetch(`${withConsole.url}/`, {
        headers: { accept: 'text/html' },
        redirect: 'manual',
      });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/console/');
      assert.equal(res.headers.get('vary'), 'Accept');
      await res.arrayBuffer();
      const api = await fetch(`${withConsole.url}/`, { headers: { accept: 'application/json' } });
      assert.equal(((await api.json()) as { mspId: string }).mspId, 'Hospital1MSP');
    } finally {
      await withConsole.close();
    }
  });

  it('when a browser asks without a console, then a short page links the docs and the OpenAPI document, under a CSP that allows only its own style', async () => {
    const res = await fetch(`${gw.url}/`, {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('vary'), 'Accept');
    assert.match(html, /<a href="\/docs">/);
    assert.match(html, /<a href="\/openapi\.json">/);
    assert.match(html, /Hospital2 \(Hospital2MSP\)/);
    assert.doesNotMatch(html, /<script/i);
    const style = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    assert.equal(
      res.headers.get('content-security-policy'),
      `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  });

  it('when an API client asks for JSON, or states no preference, then a small JSON document names the gateway and its links', async () => {
    for (const accept of ['application/json', '*/*', undefined]) {
      const res = await fetch(`${gw.url}/`, accept === undefined ? {} : { headers: { accept } });
      assert.equal(res.status, 200, String(accept));
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const body: unknown = await res.json();
      assert.deepEqual(strictProblems(frontDoorSchema, body), []);
      assert.deepEqual(body, {
        name: 'MedLedger gateway',
        org: 'Hospital2',
        mspId: 'Hospital2MSP',
        links: { docs: '/docs', openapi: '/openapi.json', health: '/healthz', readiness: '/readyz' },
      });
    }
  });

  it('when another method or a path below / is asked, then a 404 problem, as for the other operations endpoints', async () => {
    const post = await fetch(`${gw.url}/`, { method: 'POST' });
    assert.equal(post.status, 404);
    assert.equal(((await post.json()) as { code: string }).code, 'ROUTE_NOT_FOUND');
    const below = await fetch(`${gw.url}/index.html`);
    assert.equal(below.status, 404);
    await below.arrayBuffer();
  });
});
