import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { killProcess, ordererName, raftLeader } from '../support/faults';
import { useNetwork } from '../support/network';
import { assertNothingLost, runScenario } from '../support/scenario';

describe('when 2 of 3 orderers are SIGKILLed under light load and restored', () => {
  const network = useNetwork();

  it('then writes get a clean 503 within the client deadline, resume within 30 s of quorum, and nothing is lost', async () => {
    const result = await runScenario(network(), {
      name: 'orderer-quorum-loss',
      faultMs: 12_000,
      inject: async () => {
        const leader = await raftLeader(network());
        const other = (leader + 1) % network().orderers.length;
        const names = [ordererName(network(), leader), ordererName(network(), other)];
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
