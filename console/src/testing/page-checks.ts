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

/**
 * What the console keeps of a patient's grants in the tab's IndexedDB: how many rows, whether the key
 * sealing them can be exported, and the text of every row but its patient DID (the sealed bytes as
 * Latin-1), to check that nothing of a grant is readable there.
 */
export async function keptGrants(
  tab: ConsoleTab,
): Promise<{ rows: number; extractable: boolean; text: string }> {
  return tab.page.evaluate<{ rows: number; extractable: boolean; text: string }>(`new Promise((ok, no) => {
    const open = indexedDB.open('medledger-console');
    open.onerror = no;
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(['grants', 'grant-keys'], 'readonly');
      const grants = tx.objectStore('grants').getAll();
      const keys = tx.objectStore('grant-keys').getAll();
      tx.oncomplete = () => {
        db.close();
        const text = grants.result
          .map((r) => String.fromCharCode(...new Uint8Array(r.data)) + JSON.stringify({ ...r, patientDid: '', data: '' }))
          .join('\\n');
        ok({ rows: grants.result.length, extractable: keys.result.some((k) => k.key.extractable), text });
      };
      tx.onerror = no;
    };
  })`);
}
