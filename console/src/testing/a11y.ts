/**
 * Accessibility checks with axe-core, run inside the page: its script is evaluated through the
 * browser's debugging protocol, which the page's Content-Security-Policy does not govern, so the
 * console is checked under its real policy.
 */
import { readFileSync } from 'node:fs';

import type { Page } from 'playwright-core';

let source: string | undefined;

/** One rule a page breaks, with where. */
export interface A11yViolation {
  readonly rule: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * The WCAG 2.1 A and AA rules (and axe's best practices) that the page breaks now. An empty list
 * passes. Contrast is checked on what is shown, so run it after the page has rendered.
 */
export async function accessibilityViolations(page: Page): Promise<A11yViolation[]> {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  // Runs in the page (no DOM types here: this package's tests are compiled for Node).
  return page.evaluate(async () => {
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    }
    const page = globalThis as unknown as {
      axe: { run: (context: unknown, options: unknown) => Promise<AxeResults> };
      document: unknown;
    };
    const results = await page.axe.run(page.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return results.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
}

/** Fails with the page's accessibility violations, if any; `where` names the page in the message. */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  const violations = await accessibilityViolations(page);
  if (violations.length > 0) {
    throw new Error(`${where}: accessibility: ${JSON.stringify(violations, null, 2)}`);
  }
}
