import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { killProcess, ordererMetrics, ordererName, raftLeader, waitUntil } from '../support/faults';
import { ensureNetwork, releaseNetwork } from '../support/network';
import { assertNothingLost, runScenario } from '../support/scenario';

describe('when the Raft leader is SIGKILLed under light load and restarted', () => {
  let info: NetworkInfo;
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);

  it('then no acknowledged write is lost or applied twice, writes resume within 15 s with 503s (never 500) meanwhile, and the orderer catches up', async () => {
    let killed = -1;
    const result = await runScenario(info, {
      name: 'raft-leader-kill',
      inject: async () => {
        killed = await raftLeader(info);
        await killProcess(ordererName(info, killed));
        return [ordererName(info, killed)];
      },
    });
    assertNothingLost(result);
    assert.ok(
      result.resumeMs !== undefined && result.resumeMs <= 15_000,
      `writes resumed after ${String(result.resumeMs)} ms`,
    );
    const others = info.orderers.map((_, i) => i).filter((i) => i !== killed);
    await waitUntil(
      'the restarted orderer to catch up',
      async () => {
        const views = await Promise.all(info.orderers.map((_, i) => ordererMetrics(info, i)));
        const top = Math.max(...others.map((i) => views[i]?.height ?? -1));
        return (views[killed]?.height ?? -1) >= top && top > 0;
      },
      30_000,
    );
  });
});
