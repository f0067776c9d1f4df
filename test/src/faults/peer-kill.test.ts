import { describe, it } from 'node:test';
import { killProcess, orgProcesses } from '../support/faults';
import { useNetwork } from '../support/network';
import { assertCleanAnswersDuringFault, assertNothingLost, runScenario } from '../support/scenario';

describe("when the gateway's own peer and another peer are SIGKILLed under light load and restarted", () => {
  const network = useNetwork();

  it('then the gateway fails over or answers 503, the peers catch up, and every peer ends at the same block hash', async () => {
    const result = await runScenario(network(), {
      name: 'peer-kill',
      faultMs: 10_000,
      inject: async () => {
        const names = [orgProcesses('Hospital1').peer, orgProcesses('Hospital2').peer];
        for (const name of names) await killProcess(name);
        return names;
      },
    });
    assertNothingLost(result);
    assertCleanAnswersDuringFault(result);
  });
});
