import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { killProcess, orgProcesses, pidOf } from '../support/faults';
import { ensureNetwork, releaseNetwork } from '../support/network';
import { assertNothingLost, runScenario } from '../support/scenario';

describe('when a chaincode server is SIGKILLed under light load and restarted', () => {
  let info: NetworkInfo;
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);

  it('then endorsements resume without restarting the peer, with 503 (never 500) meanwhile', async () => {
    const { peer, chaincode } = orgProcesses('Hospital1');
    const peerPid = pidOf(peer);
    const result = await runScenario(info, {
      name: 'chaincode-kill',
      inject: async () => {
        await killProcess(chaincode);
        return [chaincode];
      },
    });
    assertNothingLost(result);
    assert.equal(pidOf(peer), peerPid, 'the peer was not restarted');
    assert.ok(
      result.resumeAfterRepairMs !== undefined && result.resumeAfterRepairMs <= 30_000,
      `endorsements resumed ${String(result.resumeAfterRepairMs)} ms after the restart`,
    );
    const during = Object.keys(result.statusesDuringFault);
    assert.ok(
      during.every((s) => ['200', '201', '409', '503', '504', 'timeout'].includes(s)),
      `statuses during the fault: ${during.join(',')}`,
    );
  });
});
