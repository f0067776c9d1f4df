import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { killProcess, ordererName, raftLeader } from '../support/faults';
import { ensureNetwork, releaseNetwork } from '../support/network';
import { assertNothingLost, runScenario } from '../support/scenario';

describe('when 2 of 3 orderers are SIGKILLed under light load and restored', () => {
  let info: NetworkInfo;
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);

  it('then writes get a clean 503 within the client deadline, resume within 30 s of quorum, and nothing is lost', async () => {
    const result = await runScenario(info, {
      name: 'orderer-quorum-loss',
      faultMs: 12_000,
      inject: async () => {
        const leader = await raftLeader(info);
        const other = (leader + 1) % info.orderers.length;
        const names = [ordererName(info, leader), ordererName(info, other)];
        for (const name of names) await killProcess(name);
        return names;
      },
    });
    assertNothingLost(result);
    const during = Object.keys(result.statusesDuringFault);
    assert.ok(
      during.every((s) => ['200', '201', '409', '503', '504', 'timeout'].includes(s)),
      `statuses during the fault: ${during.join(',')}`,
    );
    assert.ok(
      result.resumeAfterRepairMs !== undefined && result.resumeAfterRepairMs <= 30_000,
      `writes resumed ${String(result.resumeAfterRepairMs)} ms after quorum`,
    );
  });
});
