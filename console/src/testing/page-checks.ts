import assert from 'node:assert/strict';

import type { ConsoleTab } from './drivers';

/** Fails when the tab logged anything, threw, or saw a request fail, besides `expected` answers. */
export function assertQuiet(tab: ConsoleTab, expected: readonly RegExp[] = []): void {
  const unexpected = (lines: readonly string[]) => lines.filter((l) => !expected.some((e) => e.test(l)));
  assert.deepEqual(
    {
      console: unexpected(tab.report.console),
      pageErrors: tab.report.pageErrors,
      failedRequests: unexpected(tab.report.failedRequests),
    },
    { console: [], pageErrors: [], failedRequests: [] },
  );
}

/** No DID, record id or token in any address the tab showed. */
export function assertNoPersonalDataInAddresses(tab: ConsoleTab, secrets: readonly string[]): void {
  for (const address of tab.addresses) {
    assert.doesNotMatch(address, /did:|did%3A|rec-|eyJ/i, address);
    for (const secret of secrets) assert.ok(!address.includes(secret), address);
  }
}
