import assert from 'node:assert/strict';

import { launchBrowser, type TestBrowser } from '../testing/browser';
import { consoleBuildFixture, startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';

// What a person meets in a real browser (Chromium): the API docs page and the gateway's front door
// (the console itself is tested in its own package).
describe('the pages a person opens, in a real browser', () => {
  let gw: TestGateway;
  let browser: TestBrowser;
  before(async () => {
    gw = await startTestGateway({ console: null });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await gw.close();
  });

  it('when /docs is opened, then Swagger UI renders every operation with no warning or error box and nothing on the console', async () => {
    const spec = (await (await fetch(`${gw.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(spec.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    const { page, report, status } = await browser.visit(`${gw.url}/docs`, { waitFor: '.opblock' });
    try {
      assert.equal(status, 200);
      assert.equal(await page.locator('.opblock').count(), operations);
      // Swagger UI's warning and error boxes (an unsupported jsonSchemaDialect shows in the first).
      for (const box of ['.errors-wrapper', '.version-pragma', '.loading-container', '.error-wrapper']) {
        assert.equal(await page.locator(box).count(), 0, `${box}: ${await page.locator('body').innerText()}`);
      }
      assert.deepEqual(report, { console: [], pageErrors: [], failedRequests: [] });
    } finally {
      await page.close();
    }
  });

  it('when an operation is opened on /docs, then its example request and answer are shown', async () => {
    const { page, report } = await browser.visit(`${gw.url}/docs#/hospital/createRecord`, {
      waitFor: '#operations-hospital-createRecord .opblock-body',
    });
    try {
      const body = await page.locator('#operations-hospital-createRecord').innerText();
      assert.match(body, /rec-0001/);
      assert.match(body, /Essential hypertension/);
      assert.match(body, /Example: Anchor a diagnosis/);
      assert.deepEqual(report, { console: [], pageErrors: [], failedRequests: [] });
    } finally {
      await page.close();
    }
  });

  it('when the gateway address is opened and a console is built, then the browser lands on the console and runs its script under the console CSP', async () => {
    const withConsole = await startTestGateway({ console: consoleBuildFixture().dir });
    try {
      const { page, report, status } = await browser.visit(`${withConsole.url}/`);
      try {
        assert.equal(status, 200);
        assert.equal(new URL(page.url()).pathname, '/console/');
        assert.equal(await page.evaluate('document.body.dataset.loaded'), 'yes');
        assert.deepEqual(report, { console: [], pageErrors: [], failedRequests: [] });
      } finally {
        await page.close();
      }
    } finally {
      await withConsole.close();
    }
  });

  it('when the gateway address is opened without a console, then a short page links the docs and the OpenAPI document, within its CSP', async () => {
    const { page, report, status } = await browser.visit(`${gw.url}/`);
    try {
      assert.equal(status, 200);
      assert.equal(await page.locator('h1').innerText(), 'MedLedger gateway');
      assert.match(await page.locator('main').innerText(), /Hospital1 \(Hospital1MSP\)/);
      const links = await page.locator('a').all();
      assert.deepEqual(await Promise.all(links.map((a) => a.getAttribute('href'))), [
        '/docs',
        '/openapi.json',
        '/readyz',
      ]);
      // The style applies (its hash is in the CSP); a refused one would be a console error.
      assert.equal(await page.evaluate('getComputedStyle(document.body).maxWidth'), '672px');
      await page.locator('a[href="/docs"]').click();
      await page.waitForSelector('.opblock');
      assert.deepEqual(report, { console: [], pageErrors: [], failedRequests: [] });
    } finally {
      await page.close();
    }
  });
});
