import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { ensureNetwork, releaseNetwork } from '../support/network';
import { raftLeaderKill } from '../support/scenario';

describe('when the Raft leader is SIGKILLed under light load and restarted', () => {
  let info: NetworkInfo;
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);

  it('then no acknowledged write is lost or applied twice, writes resume within 15 s with 503s (never 500) meanwhile, and the orderer catches up', async () => {
    await raftLeaderKill(info, { name: 'raft-leader-kill' });
  });
});
