/**
 * Page drivers of the web console: what a person does on each page, by the labels, roles and names a
 * person (or a screen reader) meets, never by the console's internals. They need only a Playwright page
 * and a gateway's address, so the same drivers run against a gateway over the test ledger and against
 * a real consortium's gateway (`npm run test:e2e`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { TestBrowser } from '@medledger/gateway/testing/browser';
import type { Download, Locator, Page } from 'playwright-core';

/** Where a test run writes its screenshots and downloads. */
export class ResultsFolder {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'screenshots'), { recursive: true });
    mkdirSync(join(dir, 'downloads'), { recursive: true });
  }

  screenshot(name: string): string {
    return join(this.dir, 'screenshots', `${name}.png`);
  }

  download(name: string): string {
    return join(this.dir, 'downloads', name);
  }
}

/** A viewport: a desktop's, or a phone's (390 px wide, as a current iPhone). */
export const DESKTOP = { width: 1280, height: 860 } as const;
export const PHONE = { width: 390, height: 844 } as const;

const TIMEOUT = 15_000;

/** One tab of the console, signed in as one person. */
export class ConsoleTab {
  /** Every address the tab's address bar showed (the tests check no personal data was in one). */
  readonly addresses: string[] = [];

  private constructor(
    readonly page: Page,
    readonly gatewayUrl: string,
    readonly results: ResultsFolder,
    /** Console messages, page errors and failed requests the tab saw (from the browser harness). */
    readonly report: { console: string[]; pageErrors: string[]; failedRequests: string[] },
  ) {
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.addresses.push(frame.url());
    });
    page.setDefaultTimeout(TIMEOUT);
  }

  /** Opens the console of the gateway at `gatewayUrl` (its front door sends a browser there). */
  static async open(
    browser: TestBrowser,
    gatewayUrl: string,
    results: ResultsFolder,
    viewport: { width: number; height: number } = DESKTOP,
  ): Promise<ConsoleTab> {
    const { page, report } = await browser.visit(`${gatewayUrl}/`, { waitFor: 'h1' });
    await page.setViewportSize(viewport);
    const tab = new ConsoleTab(page, gatewayUrl, results, report);
    tab.addresses.push(page.url());
    return tab;
  }

  async signIn(token: string): Promise<void> {
    await this.page.getByLabel('Bearer token', { exact: true }).fill(token);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** Follows a link of the main navigation and waits for the page's heading. */
  async go(title: string, heading = title): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: title }).click();
    await this.page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  /** A screenshot of the viewport, under `name`; returns its path. */
  async screenshot(name: string, fullPage = false): Promise<string> {
    const path = this.results.screenshot(name);
    await this.page.screenshot({ path, fullPage });
    return path;
  }

  /** Clicks `name` and saves the file it downloads under `file`; returns the file's text. */
  async download(name: string | RegExp, file: string): Promise<string> {
    const started: Promise<Download> = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name }).click();
    const download = await started;
    const path = this.results.download(file);
    await download.saveAs(path);
    return readFileSync(path, 'utf8');
  }

  /** The text of the status or alert that appears after an action (the newest one). */
  async announced(pattern: RegExp): Promise<string> {
    const region = this.page
      .getByRole('status')
      .or(this.page.getByRole('alert'))
      .filter({ hasText: pattern });
    await region.last().waitFor();
    return region.last().innerText();
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}

/** What a patient does: make a key, a registration request, grants, revocations; read the log. */
export class PatientDriver {
  constructor(readonly tab: ConsoleTab) {}

  /** Makes the key in the browser and saves the recovery key; returns the recovery key file's text. */
  async createKey(): Promise<string> {
    const { page } = this.tab;
    await this.tab.go('My key');
    await page.getByRole('button', { name: 'Create my key' }).click();
    await page.getByRole('heading', { name: 'Save your recovery key now' }).waitFor();
    const recovery = await this.tab.download(
      'Download the recovery key',
      `recovery-${String(Date.now())}.json`,
    );
    await page.getByRole('button', { name: 'I saved it offline' }).click();
    await page.getByRole('heading', { name: 'Save your recovery key now' }).waitFor({ state: 'detached' });
    return recovery;
  }

  /**
   * Recovers a lost key with the recovery key file at `file`, then saves the next recovery key the
   * page offers; returns what the page announced and the next recovery key file's text.
   */
  async recover(file: string): Promise<{ announced: string; nextRecovery: string }> {
    const { page } = this.tab;
    await this.tab.go('My key');
    await page.getByLabel('Recovery key file', { exact: true }).setInputFiles(file);
    await page.getByRole('button', { name: 'Recover my key' }).click();
    const announced = await this.tab.announced(/Your new key is|recovery key/i);
    if (!/Your new key is/.test(announced)) return { announced, nextRecovery: '' };
    const nextRecovery = await this.tab.download(
      'Download the recovery key',
      `next-recovery-${String(Date.now())}.json`,
    );
    await page.getByRole('button', { name: 'I saved it offline' }).click();
    return { announced, nextRecovery };
  }

  /** Imports the private key file at `file`; returns what the page announced (done or a problem). */
  async importKey(file: string): Promise<string> {
    const { page } = this.tab;
    await this.tab.go('My key');
    await page.getByLabel('Private key file', { exact: true }).setInputFiles(file);
    await page.getByRole('button', { name: 'Import the key' }).click();
    return this.tab.announced(/kept in this browser|not your current key/);
  }

  /** What the status card says this browser holds. */
  async keyStatus(): Promise<string> {
    const { page } = this.tab;
    await this.tab.go('My key');
    const facts = page.getByRole('region', { name: 'Status' });
    await facts.waitFor();
    return facts.innerText();
  }

  /** The registration request (JSON) for the hospital `org`. */
  async registrationRequest(org?: string): Promise<string> {
    const { page } = this.tab;
    if (org !== undefined) await page.getByLabel('Hospital (MSP ID)', { exact: true }).fill(org);
    await page.getByRole('button', { name: 'Make my registration request' }).click();
    const box = page.getByLabel('Registration request (JSON)', { exact: true });
    await box.waitFor();
    return box.inputValue();
  }

  /**
   * A one-click grant from a consent template (`label`: the template's title, after "Grant: ") to the
   * org `mspId`, with use limits when given (`keepUntil` as YYYY-MM-DD).
   */
  async grant(
    mspId: string,
    label: string,
    limits: { reads?: number; keepUntil?: string } = {},
  ): Promise<string> {
    const { page } = this.tab;
    await this.tab.go('Consents');
    await page.getByLabel('Organization (MSP ID)', { exact: true }).fill(mspId);
    if (limits.reads !== undefined) {
      await page.getByLabel('Reads allowed', { exact: true }).fill(String(limits.reads));
    }
    if (limits.keepUntil !== undefined) {
      await page.getByLabel('Keep copies until', { exact: true }).fill(limits.keepUntil);
    }
    await page.getByRole('button', { name: `Grant: ${label}` }).click();
    return this.tab.announced(/Granted to/);
  }

  /** Saves the receipt of the grant just made under `file`; returns the receipt file's path. */
  async downloadReceipt(file: string): Promise<string> {
    await this.tab.download('Download the grant receipt', file);
    return this.tab.results.download(file);
  }

  /** Opens the grant receipt file at `file` on the consents page; returns what the page announced. */
  async keepReceipt(file: string): Promise<string> {
    const { page } = this.tab;
    await this.tab.go('Consents');
    await page.getByLabel('Grant receipt file', { exact: true }).setInputFiles(file);
    await page.getByRole('button', { name: 'Keep this grant in this browser' }).click();
    return this.tab.announced(/Kept the grant|not a grant receipt/);
  }

  /**
   * Signs an emergency profile: exactly `categories` (as the page names them, `blood type` for
   * `blood_type`) open on one doctor's word, and beyond them a co-signature or nothing; returns what
   * the page announced.
   */
  /**
   * Opens the emergency profile page and waits for the profile the ledger holds now; returns how the
   * page states it and the categories the form starts from (checked).
   */
  async emergencyProfileNow(): Promise<{ text: string; checked: string[] }> {
    const { page } = this.tab;
    await this.tab.go('Emergency profile');
    const text = await page.getByTestId('current-profile').innerText();
    const checked: string[] = [];
    const boxes = page.getByRole('group', { name: /What break-glass opens/ }).getByRole('checkbox');
    for (const box of await boxes.all()) {
      if (!(await box.isChecked())) continue;
      const label = await box.evaluate(
        (e) => (e as unknown as { parentElement: { textContent: string } }).parentElement.textContent,
      );
      checked.push(label.trim());
    }
    return { text, checked };
  }

  async setEmergencyProfile(categories: readonly string[], beyond: 'co-sign' | 'nothing'): Promise<string> {
    const { page } = this.tab;
    // The form starts from the profile read back: change it only once that read is in.
    await this.emergencyProfileNow();
    const boxes = page.getByRole('group', { name: /What break-glass opens/ }).getByRole('checkbox');
    for (const box of await boxes.all()) {
      const name = (
        await box.evaluate(
          (e) => (e as unknown as { parentElement: { textContent: string } }).parentElement.textContent,
        )
      ).trim();
      await box.setChecked(categories.includes(name));
    }
    await page
      .getByRole('radio', { name: beyond === 'co-sign' ? /second attending/ : /nothing more/ })
      .check();
    await page.getByRole('button', { name: 'Sign my emergency profile' }).click();
    return this.tab.announced(/Signed: break-glass opens/);
  }

  /** Asks for the health summary; returns what the page announced and each entry's row. */
  async summary(): Promise<{ announced: string; rows: string[] }> {
    const { page } = this.tab;
    await this.tab.go('Health summary');
    await page.getByRole('button', { name: 'Show my health summary' }).click();
    const announced = await this.tab.announced(/verified against their public anchors/);
    return { announced, rows: await page.locator('main section table tbody tr').allInnerTexts() };
  }

  /** Lists the patient's records at every hospital on the erasure page; returns their rows. */
  async listRecords(): Promise<string[]> {
    const { page } = this.tab;
    await this.tab.go('Erasure requests');
    await page.getByRole('button', { name: 'List my records at every hospital' }).click();
    const table = page.getByRole('table', { name: 'Your records at every hospital' });
    await table.waitFor();
    return table.locator('tbody tr').allInnerTexts();
  }

  /** Asks the hospital keeping `recordId` (listed) to erase it; returns what the page announced. */
  async askErasure(recordId: string): Promise<string> {
    await this.tab.page.getByRole('button', { name: new RegExp(`Ask to erase record ${recordId} `) }).click();
    return this.tab.announced(new RegExp(`to erase ${recordId}|FORBIDDEN|VALIDATION`));
  }

  /** The patient's erasure requests (one text per row), once the page lists `atLeast` of them. */
  async erasureRequests(atLeast = 1): Promise<string[]> {
    const { page } = this.tab;
    const table = page.getByRole('table', { name: 'Your erasure requests, oldest first' });
    await table
      .locator('tbody tr')
      .nth(atLeast - 1)
      .waitFor();
    return table.locator('tbody tr').allInnerTexts();
  }

  /** Revokes the active consent granted to `grantee`; waits until the table shows it revoked. */
  async revoke(grantee: string): Promise<void> {
    const { page } = this.tab;
    await this.tab.go('Consents');
    const row = page.getByRole('row').filter({ hasText: grantee }).filter({ hasText: 'active' });
    await row.getByRole('button', { name: new RegExp(`Revoke the consent for ${grantee}`) }).click();
    await page.getByRole('row').filter({ hasText: grantee }).filter({ hasText: 'revoked' }).first().waitFor();
  }

  /** The status column of the consents table, newest first. */
  async consentStatuses(): Promise<string[]> {
    const table = this.tab.page.getByRole('table', { name: 'Your consents, newest first' });
    await table.waitFor();
    return table.locator('tbody tr td:nth-child(5)').allInnerTexts();
  }

  /** The "Known from" column of the consents table: this gateway's org, this browser, or both. */
  async consentSources(): Promise<string[]> {
    const table = this.tab.page.getByRole('table', { name: 'Your consents, newest first' });
    await table.waitFor();
    return table.locator('tbody tr td:nth-child(6)').allInnerTexts();
  }

  /** The rows of the access log (one text per row) and of the key changes. */
  async accessLog(): Promise<{ accesses: string[]; keyChanges: string[] }> {
    const { page } = this.tab;
    await this.tab.go('Access log');
    // The key changes are always there (the registration is one); the accesses once someone asked.
    await page.getByRole('table', { name: 'Your keys, newest first' }).waitFor();
    const accesses = page.getByRole('table', { name: 'Accesses to your records, newest first' });
    return {
      accesses: await accesses.locator('tbody tr').allInnerTexts(),
      keyChanges: await page
        .getByRole('table', { name: 'Your keys, newest first' })
        .locator('tbody tr')
        .allInnerTexts(),
    };
  }
}

/** What hospital staff do: register a patient, anchor, look up, verify, ask for access, read, review. */
export class StaffDriver {
  constructor(readonly tab: ConsoleTab) {}

  async registerPatient(request: string): Promise<string> {
    const { page } = this.tab;
    await this.tab.go('Register a patient');
    await page.getByLabel('Or paste it (JSON)', { exact: true }).fill(request);
    await page.getByRole('button', { name: 'Register the patient' }).click();
    return this.tab.announced(/Registered/);
  }

  /** Anchors the FHIR file at `file` for `patientDid`; returns the record id and the salt. */
  async anchor(
    file: string,
    patientDid: string,
    recordId: string,
  ): Promise<{ announced: string; salt: string }> {
    const { page } = this.tab;
    await this.tab.go('Anchor a record');
    await page.getByLabel('FHIR resource (JSON file)', { exact: true }).setInputFiles(file);
    await page.getByLabel('Patient DID', { exact: true }).fill(patientDid);
    await page.getByLabel('Record id', { exact: true }).fill(recordId);
    await page.getByRole('button', { name: 'Anchor the record' }).click();
    const announced = await this.tab.announced(/Anchored/);
    const saltFile = await this.tab.download('Download the salt', `${recordId}-salt.json`);
    return { announced, salt: (JSON.parse(saltFile) as { salt: string }).salt };
  }

  /** Looks a record up (of the hospital `custodian`, else the staff's own); returns its versions' rows. */
  async lookUp(recordId: string, custodian?: string): Promise<string[]> {
    const { page } = this.tab;
    await this.tab.go('Find a record');
    await page.getByLabel('Record id', { exact: true }).fill(recordId);
    if (custodian !== undefined) await page.getByLabel('Held by (MSP ID)', { exact: true }).fill(custodian);
    await page.getByRole('button', { name: 'Look up' }).click();
    const versions = page.getByRole('table', { name: `Versions of ${recordId}, oldest first` });
    await versions.waitFor();
    return versions.locator('tbody tr').allInnerTexts();
  }

  /** Verifies the copy in `file` with `salt` against the record looked up; returns what the page says. */
  async verify(file: string, salt: string): Promise<string> {
    const { page } = this.tab;
    await page.getByLabel('Copy of the content (FHIR JSON)', { exact: true }).setInputFiles(file);
    await page.getByLabel('Salt', { exact: true }).fill(salt);
    await page.getByRole('button', { name: 'Verify against the chain' }).click();
    return this.tab.announced(/matches|does NOT match/);
  }

  /**
   * Asks for access to the record looked up (naming `patientDid`, for an access resting on a consent);
   * returns the decision the page shows.
   */
  async requestAccess(purpose: string, patientDid?: string): Promise<string> {
    const { page } = this.tab;
    await page.getByLabel('Purpose', { exact: true }).selectOption(purpose);
    if (patientDid !== undefined) await page.getByLabel('Patient DID', { exact: true }).fill(patientDid);
    await page.getByRole('button', { name: 'Request access' }).click();
    return this.tab.announced(/Access (granted|denied)/);
  }

  /** Reads the content with the access just granted; returns the resource shown. */
  async readContent(): Promise<unknown> {
    const { page } = this.tab;
    await page.getByRole('button', { name: 'Read the content' }).click();
    const pre = page.getByLabel('FHIR resource', { exact: true });
    await pre.waitFor();
    return JSON.parse(await pre.innerText()) as unknown;
  }

  /** The request id a colleague co-signs, after an emergency access was denied CO_SIGNATURE_REQUIRED. */
  async coSignRequestId(): Promise<string> {
    const text = await this.tab.page
      .getByText(/Ask a second attending of your hospital to co-sign request/)
      .innerText();
    const id = /co-sign request (\S+) within/.exec(text)?.[1];
    if (id === undefined) throw new Error(`no request id in: ${text}`);
    return id;
  }

  /** Co-signs a colleague's break-glass request; returns what the page announced (done or a problem). */
  async coSign(requestId: string, custodian?: string): Promise<string> {
    const { page } = this.tab;
    await this.tab.go('Co-sign break-glass');
    await page.getByLabel('Request id', { exact: true }).fill(requestId);
    if (custodian !== undefined) await page.getByLabel('Held by (MSP ID)', { exact: true }).fill(custodian);
    await page.getByRole('button', { name: 'Co-sign the request' }).click();
    return this.tab.announced(/Co-signed|CO_SIGNER_NOT_PERMITTED|CONFLICT|NOT_FOUND|EXPIRED/);
  }

  /** Reads the record with the access a colleague's co-signature granted; returns the resource shown. */
  async readCoSigned(accessId: string): Promise<unknown> {
    const { page } = this.tab;
    await page.getByLabel('Access id from the co-signature', { exact: true }).fill(accessId);
    await page.getByRole('button', { name: 'Read with the co-signed access' }).click();
    const pre = page.getByLabel('FHIR resource', { exact: true });
    await pre.waitFor();
    return JSON.parse(await pre.innerText()) as unknown;
  }

  /** The erasure inbox's rows (one text per row), once it shows `recordId`. */
  async erasureInbox(recordId: string): Promise<string[]> {
    const { page } = this.tab;
    await this.tab.go('Erasure inbox');
    await page.getByRole('row').filter({ hasText: recordId }).waitFor();
    return page.getByRole('table', { name: 'Erasure requests' }).locator('tbody tr').allInnerTexts();
  }

  /** Erases `recordId` or refuses with `reason`, from the inbox; waits until its row shows the answer. */
  async answerErasure(recordId: string, answer: { erase: true } | { refuse: string }): Promise<string> {
    const { page } = this.tab;
    const row = () => page.getByRole('row').filter({ hasText: recordId });
    if ('refuse' in answer) {
      await page
        .getByLabel(`Legal reason to refuse ${recordId}`, { exact: true })
        .selectOption(answer.refuse);
      await row()
        .getByRole('button', { name: new RegExp(`^Refuse to erase record ${recordId}`) })
        .click();
    } else {
      await row()
        .getByRole('button', { name: new RegExp(`^Erase record ${recordId}`) })
        .click();
    }
    const done = row().filter({ hasText: 'erase' in answer ? 'erased' : 'refused' });
    await done.waitFor();
    return done.innerText();
  }

  /** Attests every copy made under `consentId` deleted; returns what the page announced. */
  /** Opens the attestation page and waits for the owed list; returns its rows' text (none: empty). */
  async owedAttestations(): Promise<string[]> {
    const { page } = this.tab;
    // Opened afresh (from another page), so the list is read now, not kept from an earlier visit.
    await this.tab.go('Find a record');
    await this.tab.go('Attest deletion');
    const table = page.getByRole('table', { name: /Attestations owed/ });
    await table
      .or(page.getByText(/^Nothing owed/))
      .first()
      .waitFor();
    return (await table.count()) === 0 ? [] : table.locator('tbody tr').allInnerTexts();
  }

  /** Picks `consentId` from the owed list and attests it; returns what the page announced. */
  async attestOwed(consentId: string): Promise<string> {
    const { page } = this.tab;
    await this.owedAttestations();
    await page.getByRole('button', { name: `Pick consent ${consentId}` }).click();
    await page.getByRole('button', { name: 'Attest every copy deleted' }).click();
    return this.tab.announced(/Attested for|FORBIDDEN|CONFLICT|NOT_FOUND/);
  }

  async attestDeletion(consentId: string): Promise<string> {
    const { page } = this.tab;
    await this.tab.go('Attest deletion');
    await page.getByLabel('Consent id', { exact: true }).fill(consentId);
    await page.getByRole('button', { name: 'Attest every copy deleted' }).click();
    return this.tab.announced(/Attested for|FORBIDDEN|CONFLICT|NOT_FOUND/);
  }

  /** Clears the held latest version of the record looked up; waits until the page no longer holds it. */
  async clearHeldVersion(version: number): Promise<void> {
    const { page } = this.tab;
    await page.getByRole('button', { name: `Clear version ${String(version)}` }).click();
    await page.getByRole('heading', { name: 'Held by the quality gate' }).waitFor({ state: 'detached' });
  }
}

/** What an auditor (or a hospital admin) does: search the audit log, read the report, watch the flows. */
export class OversightDriver {
  constructor(readonly tab: ConsoleTab) {}

  /** Searches with the given text filters (by their labels); returns the rows of the first page. */
  async search(filters: Readonly<Record<string, string>> = {}): Promise<string[]> {
    const { page } = this.tab;
    await this.tab.go('Audit search');
    for (const [label, value] of Object.entries(filters))
      await page.getByLabel(label, { exact: true }).fill(value);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: /Results \(page 1\)/ }).waitFor();
    return page
      .getByRole('table', { name: 'Access decisions, newest first' })
      .locator('tbody tr')
      .allInnerTexts();
  }

  /** Goes to the next page of results; returns its rows. */
  async nextPage(): Promise<string[]> {
    const { page } = this.tab;
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByRole('heading', { name: /Results \(page 2\)/ }).waitFor();
    return page
      .getByRole('table', { name: 'Access decisions, newest first' })
      .locator('tbody tr')
      .allInnerTexts();
  }

  /** Checks the first event of the page against the ledger; returns what the page says. */
  async checkFirstOnLedger(): Promise<string> {
    await this.tab.page
      .getByRole('button', { name: /Check on the ledger/ })
      .first()
      .click();
    return this.tab.announced(/the ledger (agrees|differs)/);
  }

  /** Opens the compliance report; returns, per chart, how many bars it drew. */
  async report(
    charts: readonly string[] = ['over-time', 'by-purpose', 'denials', 'break-glass'],
  ): Promise<Record<string, number>> {
    const { page } = this.tab;
    await this.tab.go('Compliance report');
    const bars: Record<string, number> = {};
    for (const chart of charts) {
      const figure = page.locator(`figure[data-chart="${chart}"]`);
      await figure.locator('.recharts-bar-rectangle').first().waitFor();
      bars[chart] = await figure.locator('.recharts-bar-rectangle').count();
    }
    return bars;
  }

  /** Downloads the report as CSV; returns its text. */
  async reportCsv(): Promise<string> {
    return this.tab.download('Download CSV', `compliance-${String(Date.now())}.csv`);
  }

  /** Opens the data-flow view; returns the edges' accessible names once at least `atLeast` are drawn. */
  async flows(atLeast = 1): Promise<string[]> {
    const { page } = this.tab;
    if (!(await page.getByRole('heading', { level: 1, name: 'Data flow and alerts' }).isVisible())) {
      await this.tab.go('Data flow and alerts');
    }
    const edges = page.locator('.flow-graph .react-flow__edge');
    await page.waitForFunction(
      (n) =>
        (
          globalThis as unknown as { document: { querySelectorAll: (s: string) => { length: number } } }
        ).document.querySelectorAll('.flow-graph .react-flow__edge').length >= n,
      atLeast,
      { timeout: TIMEOUT },
    );
    const labels = await edges.evaluateAll((els) =>
      els.map(
        (e) =>
          (e as unknown as { getAttribute: (n: string) => string | null }).getAttribute('aria-label') ?? '',
      ),
    );
    return labels;
  }

  /** The alerts shown beside the graph. */
  async alerts(): Promise<string> {
    const section = this.tab.page.getByRole('region', { name: 'Alerts' });
    await section.waitFor();
    return section.innerText();
  }

  /**
   * Opens the data-flow view and returns the text of the alert that shows `name` (its rule's name)
   * and `actorDid`, once the view has read it.
   */
  async alert(name: string, actorDid: string): Promise<string> {
    const { page } = this.tab;
    await this.tab.go('Data flow and alerts');
    const item = page
      .getByRole('region', { name: 'Alerts' })
      .getByRole('listitem')
      .filter({ hasText: name })
      .filter({ hasText: actorDid });
    await item.waitFor({ timeout: TIMEOUT });
    return item.innerText();
  }

  /** Opens the Reviews page; returns the heading of each list on it (what it holds, and how many). */
  async reviewLists(): Promise<string[]> {
    await this.tab.go('Reviews');
    // The lists' headings carry their counts once the page has its answers; read them only then (the
    // navigation's own headings are there at once).
    await this.tab.page
      .getByRole('heading', { level: 2, name: /\(\d+\)$/ })
      .first()
      .waitFor();
    return this.tab.page.getByRole('heading', { level: 2 }).allInnerTexts();
  }

  /** The row showing `text` (a record id, a patient DID) in the list of cases captioned `caption`. */
  reviewRow(caption: string, text: string): Locator {
    return this.tab.page.getByRole('table', { name: caption }).getByRole('row').filter({ hasText: text });
  }

  /**
   * Presses the button named `name` (its word and the case it reviews, as a screen reader reads it)
   * by keyboard alone: Tab from wherever the focus is until the button has it, then Enter. Returns how
   * many Tabs it took; fails when `maxTabs` do not reach it.
   */
  async pressByKeyboard(name: string, maxTabs = 120): Promise<number> {
    const { page } = this.tab;
    const focused = () => page.evaluate<string>('document.activeElement.textContent');
    for (let tabs = 0; tabs <= maxTabs; tabs++) {
      if ((await focused()) === name) {
        await page.keyboard.press('Enter');
        return tabs;
      }
      await page.keyboard.press('Tab');
    }
    throw new Error(`${String(maxTabs)} Tabs did not reach the button ${name}`);
  }
}
