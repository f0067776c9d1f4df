import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkInfo } from '@medledger/network';
import { filesHolding, scanForCanaries } from './canary';
import type { SweepReport } from './bad-input';

/** Asserts a sweep report: only 4xx problem+json, nothing written, gateway up. */
export function assertSweep(
  org: string,
  report: SweepReport & { heightBefore: number; heightAfter: number; gatewayPidSame: boolean },
): void {
  console.log(
    `[sweep] ${org}: ${String(report.cases)} cases, statuses ${JSON.stringify(report.statuses)}, height ${String(report.heightBefore)} -> ${String(report.heightAfter)}`,
  );
  assert.deepEqual(report.failures, [], `${org}: bad answers`);
  assert.equal(report.heightAfter, report.heightBefore, `${org}: rejected requests wrote blocks`);
  assert.ok(report.gatewayPidSame, `${org}: the gateway restarted during the sweep`);
}

/**
 * Asserts that the custodian (Hospital1) peer's private stores are readable to the scan: every data
 * key wrapped there names its key-encryption key's id in clear, so the scan must find one of the ids
 * of the org's keyring in them, else it is blind (content itself is sealed and no longer a witness).
 */
export function assertScanSeesCustodianStore(info: NetworkInfo): void {
  const keyring = readFileSync(join(info.stateDir, 'keyrings', 'hospital1', 'keyring.json'), 'utf8');
  const { keys } = JSON.parse(keyring) as { keys: { id: string }[] };
  const store = join(info.stateDir, 'nodes', 'peer0-hospital1', 'data');
  const seen = keys.flatMap((k) => filesHolding(store, k.id));
  assert.ok(
    seen.some((f) => /pvtdataStore|transientstore|stateLeveldb/.test(f)),
    "no key-encryption key id in the custodian peer's private stores: the scan is blind",
  );
}

/**
 * Asserts no canary in any file of the consortium, the custodian's private store included: content
 * is encrypted at rest there, so a canary anywhere is content in clear.
 */
export function assertNoCanaryLeak(info: NetworkInfo): void {
  assertScanSeesCustodianStore(info);
  const hits = scanForCanaries(info.stateDir, []);
  const leaks = [...new Set(hits.map((h) => `${h.file} (${h.why})`))];
  console.log(`[canary] ${String(hits.length)} hits`);
  assert.deepEqual(leaks, [], 'canary personal data in clear on disk');
}
