import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { consoleBuildFixture, startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';
import { CONSOLE_CSP, consoleDir } from './console';

describe('the web console, served under /console/', () => {
  let gw: TestGateway;
  const build = consoleBuildFixture();
  before(async () => {
    gw = await startTestGateway({ console: build.dir });
  });
  after(() => gw.close());

  it('when /console/ or a path of the app below it is asked, then the page is answered under the console CSP and never cached', async () => {
    for (const path of ['/console/', '/console', '/console/patient/key', '/console/oversight/data-flow']) {
      const res = await fetch(`${gw.url}${path}`);
      const html = await res.text();
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(html, /\/console\/assets\/index-Test1234\.js/);
      assert.equal(res.headers.get('content-security-policy'), CONSOLE_CSP);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
    }
    assert.doesNotMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval|\*/);
    assert.match(CONSOLE_CSP, /script-src 'self'/);
    assert.match(CONSOLE_CSP, /connect-src 'self'/);
  });

  it('when a built asset is asked, then it is served with a year of caching; a missing one is a 404 problem', async () => {
    const res = await fetch(`${gw.url}/console/assets/${build.asset}`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), build.script);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(res.headers.get('content-security-policy'), CONSOLE_CSP);
    const missing = await fetch(`${gw.url}/console/assets/nothing-here.js`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'ROUTE_NOT_FOUND');
    const escape = await fetch(`${gw.url}/console/assets/..%2f..%2fpackage.json`);
    assert.equal(escape.status, 404);
    await escape.arrayBuffer();
  });

  it('when something other than GET is sent to the console, then it is not the page', async () => {
    const res = await fetch(`${gw.url}/console/patient/key`, { method: 'POST' });
    assert.equal(res.status, 404);
    await res.arrayBuffer();
  });

  it('when no console is built, then /console/ answers a 404 problem and the folder check says so', async () => {
    const none = await startTestGateway({ console: null });
    try {
      const res = await fetch(`${none.url}/console/`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { code: string }).code, 'ROUTE_NOT_FOUND');
    } finally {
      await none.close();
    }
    assert.equal(consoleDir(mkdtempSync(join(tmpdir(), 'empty-console-'))), null);
    assert.equal(consoleDir(null), null);
    assert.equal(consoleDir(build.dir), build.dir);
  });
});
