import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { killProcess, orgProcesses, restartProcess } from '../support/faults';
import { useNetwork } from '../support/network';
import { assertNothingLost, runScenario } from '../support/scenario';

describe('when the REST gateway is SIGKILLed mid-write and the client retries with the same key', () => {
  const network = useNetwork();

  it('then each key has exactly one VALID transaction and the retry gets the same answer', async () => {
    const { gateway } = orgProcesses('Hospital1');
    const result = await runScenario(network(), {
      name: 'gateway-kill',
      workers: 4,
      faultMs: 2000,
      inject: async () => {
        // Three kills at different moments of the writes in flight (endorse, submit, commit wait).
        await killProcess(gateway);
        return [gateway];
      },
      repair: async (_info, names) => {
        for (const name of names) await restartProcess(name);
        for (const delay of [700, 1500]) {
          await sleep(delay);
          await killProcess(gateway);
          await sleep(1000);
          await restartProcess(gateway);
        }
      },
    });
    assertNothingLost(result);
  });
});
