/**
 * A real browser for tests of what a person sees (the API docs page, the front door, later the web
 * console): Debian's Chromium (`/usr/bin/chromium`), driven by `playwright-core` over the DevTools
 * protocol. Playwright's own browser downloads are never used.
 *
 * - {@link ensureChromium} installs Chromium with `apt-get install -y chromium` when it is missing and
 *   the tests run as root (as on the development machines and CI), and otherwise fails with a message
 *   that says what to install. `MEDLEDGER_CHROMIUM` names another binary.
 * - {@link launchBrowser} starts it headless with a fresh profile folder (removed on close) and flags
 *   that keep it off the network: no sync, no component updates, no background requests, no QUIC.
 * - {@link TestBrowser.visit} opens a page and records what a person would not see but a developer
 *   must: console errors and warnings (a Content-Security-Policy violation is one), uncaught page
 *   errors, and requests that failed or answered 4xx/5xx.
 *
 * One browser per test file: launching costs about a second, a page much less.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Flags that keep a test browser quiet and off the network (besides headless and no sandbox). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How {@link ensureChromium} gets a missing browser; replaced in its own tests. */
export interface ChromiumInstaller {
  readonly isRoot: () => boolean;
  readonly exists: (path: string) => boolean;
  /** Runs a command, its output on stderr; returns its exit status. */
  readonly run: (command: string, args: readonly string[]) => number | null;
}

const system: ChromiumInstaller = {
  isRoot: () => process.getuid?.() === 0,
  exists: existsSync,
  run: (command, args) =>
    spawnSync(command, args, {
      stdio: ['ignore', 2, 2],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status,
};

// Waits for another process's apt-get (a parallel test file) instead of failing on its lock.
const APT_INSTALL = ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', 'chromium'];

/**
 * The path of a Chromium binary, installing Debian's package first when it is missing and this
 * process is root. Throws, saying what to do, when it cannot.
 */
export function ensureChromium(
  path = process.env['MEDLEDGER_CHROMIUM'] ?? DEBIAN_CHROMIUM,
  installer: ChromiumInstaller = system,
): string {
  if (installer.exists(path)) return path;
  if (path !== DEBIAN_CHROMIUM || !installer.isRoot()) {
    throw new Error(
      `the browser tests need Chromium at ${path}: install Debian's package (sudo apt-get install -y chromium) ` +
        'or point MEDLEDGER_CHROMIUM at a Chromium binary',
    );
  }
  process.stderr.write(`[browser] ${path} is missing: apt-get install -y chromium\n`);
  // A fresh machine may have no package lists yet: update once and retry.
  if (installer.run('apt-get', APT_INSTALL) !== 0) {
    installer.run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update']);
    installer.run('apt-get', APT_INSTALL);
  }
  if (!installer.exists(path)) {
    throw new Error(`apt-get install -y chromium did not give ${path}; see the apt-get output above`);
  }
  return path;
}

/** What a page did that a person would not see: each entry is one line. */
export interface PageReport {
  /** Console messages of type error or warning (CSP violations are errors). */
  readonly console: string[];
  /** Uncaught exceptions of the page's scripts. */
  readonly pageErrors: string[];
  /** Requests that failed, or answered with status 400 or more. */
  readonly failedRequests: string[];
}

/** A page opened by {@link TestBrowser.visit} and what it did. */
export interface Visit {
  readonly page: Page;
  readonly report: PageReport;
  /** The status of the page's own answer. */
  readonly status: number | undefined;
}

/** A launched browser. */
export interface TestBrowser {
  /**
   * Opens `url` in a new page, waits until the network is idle (and for `waitFor`, a CSS selector,
   * when given), and returns the page with what it reported. Close the page when done.
   */
  visit(url: string, options?: { waitFor?: string }): Promise<Visit>;
  close(): Promise<void>;
}

function record(page: Page): PageReport {
  const report: PageReport = { console: [], pageErrors: [], failedRequests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') report.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => report.pageErrors.push(e.message));
  page.on('requestfailed', (r) => report.failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) report.failedRequests.push(`${r.url()}: ${String(r.status())}`);
  });
  return report;
}

/** Launches headless Chromium (installing it first when needed, see {@link ensureChromium}). */
export async function launchBrowser(): Promise<TestBrowser> {
  const executablePath = ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      chromiumSandbox: false,
      args: [...CHROMIUM_FLAGS],
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    async visit(url, options = {}) {
      const page = await context.newPage();
      const report = record(page);
      const answer = await page.goto(url, { waitUntil: 'networkidle' });
      if (options.waitFor) await page.waitForSelector(options.waitFor);
      return { page, report, status: answer?.status() };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
