import { describe, it } from 'node:test';
import { ordererName, orgProcesses, ordererLeader, signalProcess } from '../support/faults';
import { useNetwork } from '../support/network';
import { assertNothingLost, runScenario } from '../support/scenario';

describe('when processes are frozen (SIGSTOP) under light load and thawed (SIGCONT)', () => {
  const network = useNetwork();

  it('then a frozen Raft leader is replaced and nothing is lost or applied twice', async () => {
    let frozen = '';
    const result = await runScenario(network(), {
      name: 'freeze-raft-leader',
      faultMs: 10_000,
      inject: async () => {
        frozen = ordererName(network(), await ordererLeader(network()));
        signalProcess(frozen, 'SIGSTOP');
        return [frozen];
      },
      repair: () => {
        signalProcess(frozen, 'SIGCONT');
        return Promise.resolve();
      },
    });
    assertNothingLost(result);
  });

  it('then writes through a frozen gateway peer wait for the thaw or time out cleanly, and nothing is lost or applied twice', async () => {
    const { peer } = orgProcesses('Hospital1');
    const result = await runScenario(network(), {
      name: 'freeze-peer',
      faultMs: 10_000,
      inject: () => {
        signalProcess(peer, 'SIGSTOP');
        return Promise.resolve([peer]);
      },
      repair: () => {
        signalProcess(peer, 'SIGCONT');
        return Promise.resolve();
      },
    });
    assertNothingLost(result);
  });

  it('then writes retried while every orderer is frozen (longer than a submit deadline and the recovery window) are each applied once after the thaw', async () => {
    const orderers = network().orderers.map((_, i) => ordererName(network(), i));
    const result = await runScenario(network(), {
      name: 'freeze-all-orderers',
      faultMs: 20_000,
      inject: () => {
        for (const name of orderers) signalProcess(name, 'SIGSTOP');
        return Promise.resolve(orderers);
      },
      repair: () => {
        for (const name of orderers) signalProcess(name, 'SIGCONT');
        return Promise.resolve();
      },
    });
    assertNothingLost(result);
  });
});
