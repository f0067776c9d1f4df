import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { ordererMetrics, ordererName, raftLeader, waitUntil } from '../support/faults';
import { ensureNetwork, releaseNetwork } from '../support/network';
import { leftoverNamespaces, OrdererPartitions } from '../support/partition';
import { assertNothingLost, runScenario } from '../support/scenario';

describe('when the Raft leader is cut off by a network partition under light load and the partition heals', () => {
  let info: NetworkInfo;
  let partitions: OrdererPartitions | undefined;
  before(async () => {
    info = await ensureNetwork();
    partitions = await OrdererPartitions.isolateAll(info);
  });
  after(async () => {
    await partitions?.restore();
    await releaseNetwork();
  });

  it('then the other two elect a leader, writes resume within 15 s, nothing is lost or applied twice, and the cut-off orderer catches up', async () => {
    const isolation = partitions;
    assert.ok(isolation);
    let cut = -1;
    let leaderDuringCut = -1;
    const result = await runScenario(info, {
      name: 'orderer-partition',
      faultMs: 12_000,
      inject: async () => {
        cut = await raftLeader(info);
        isolation.cut(cut);
        return [ordererName(info, cut)];
      },
      repair: async () => {
        // While cut off, the orderer answers nobody (its metrics included) and the others lead.
        assert.equal(await ordererMetrics(info, cut), undefined, 'the cut-off orderer is unreachable');
        leaderDuringCut = await raftLeader(info, 5_000);
        isolation.heal(cut);
      },
    });
    assertNothingLost(result);
    assert.notEqual(leaderDuringCut, cut, 'another orderer led during the partition');
    assert.ok(
      result.resumeMs !== undefined && result.resumeMs <= 15_000,
      `writes resumed after ${String(result.resumeMs)} ms`,
    );
    await waitUntil(
      'the healed orderer to catch up',
      async () => {
        const views = await Promise.all(info.orderers.map((_, i) => ordererMetrics(info, i)));
        const top = Math.max(...views.map((v) => v?.height ?? -1));
        return views[cut]?.height === top && top > 0;
      },
      30_000,
    );
  });

  it('then the namespaces and links are gone after the orderers move back', async () => {
    await partitions?.restore();
    partitions = undefined;
    assert.deepEqual(leftoverNamespaces(), []);
    const views = await Promise.all(info.orderers.map((_, i) => ordererMetrics(info, i)));
    assert.ok(
      views.every((v) => v !== undefined && v.height > 0),
      'every orderer answers on the host again',
    );
  });
});
