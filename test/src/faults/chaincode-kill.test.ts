import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { killProcess, orgProcesses, pidOf } from '../support/faults';
import { useNetwork } from '../support/network';
import { assertCleanAnswersDuringFault, assertNothingLost, runScenario } from '../support/scenario';

describe('when a chaincode server is SIGKILLed under light load and restarted', () => {
  const network = useNetwork();

  it('then endorsements resume without restarting the peer, with 503 (never 500) meanwhile', async () => {
    const { peer, chaincode } = orgProcesses('Hospital1');
    const peerPid = pidOf(peer);
    const result = await runScenario(network(), {
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
    assertCleanAnswersDuringFault(result);
  });
});
