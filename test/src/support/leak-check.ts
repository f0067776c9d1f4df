import assert from 'node:assert/strict';
import type { NetworkInfo } from '@medledger/network';
import { scanForCanaries } from './canary';
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

/** Asserts no canary outside the custodian (Hospital1) peer's private data. */
export function assertNoCanaryLeak(info: NetworkInfo): void {
  const hits = scanForCanaries(info.stateDir, ['peer0-hospital1']);
  const leaks = [...new Set(hits.filter((h) => !h.allowed).map((h) => `${h.file} (${h.why})`))];
  const allowed = [...new Set(hits.filter((h) => h.allowed).map((h) => h.file))];
  console.log(`[canary] ${String(hits.length)} hits; allowed in ${allowed.join(', ')}`);
  // The scan must be able to see content where it legitimately is, else it proves nothing.
  assert.ok(allowed.length > 0, 'the canary is not even in the custodian private store: the scan is blind');
  assert.deepEqual(leaks, [], 'canary personal data outside the custodian private store');
}
