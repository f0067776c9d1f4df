import { describe, it } from 'node:test';
import { useNetwork } from '../support/network';
import { raftLeaderKill } from '../support/scenario';

describe('when the Raft leader is SIGKILLed under light load and restarted', () => {
  const network = useNetwork();

  it('then no acknowledged write is lost or applied twice, writes resume within 15 s with 503s (never 500) meanwhile, and the orderer catches up', async () => {
    await raftLeaderKill(network(), { name: 'raft-leader-kill' });
  });
});
