import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { noRoleCpu, type RoleCpu } from './cpu';
import {
  cpuMsPerSecond,
  idleTable,
  median,
  restartTable,
  roleTable,
  type GossipObservation,
} from './gossip-lever';

const roles = (peers: number, orderers: number): RoleCpu => ({ ...noRoleCpu(), peers, orderers });

function observation(
  setting: string,
  total: number,
  peers: number,
  restart: GossipObservation['restart'],
): GossipObservation {
  return { setting, idleCpuMsPerS: { total, byRole: roles(peers, total - peers) }, restart };
}

void describe('gossip lever figures', () => {
  void it('when two CPU readings are 20 s apart, then each role gets its milliseconds per second', () => {
    const rate = cpuMsPerSecond(
      { total: 10, byRole: roles(6, 4) },
      { total: 12.68, byRole: roles(7.68, 5) },
      20,
    );
    assert.equal(rate.total.toFixed(1), '134.0');
    assert.equal(rate.byRole.peers.toFixed(1), '84.0');
    assert.equal(rate.byRole.orderers.toFixed(1), '50.0');
    assert.equal(rate.byRole.gateways, 0);
  });

  void it('when both settings ran twice, then the idle table holds medians, the per-peer figure and the ratio row', () => {
    const obs = [
      observation('fabric', 130, 84, { gossipKnownMs: 3000, firstCommitMs: 2000 }),
      observation('relaxed', 70, 30, { gossipKnownMs: 9000, firstCommitMs: 2500 }),
      observation('relaxed', 74, 36, { gossipKnownMs: 15000, firstCommitMs: null }),
      observation('fabric', 138, 90, { gossipKnownMs: 5000, firstCommitMs: 1000 }),
    ];
    const lines = idleTable(['fabric', 'relaxed'], obs, 6);
    assert.equal(lines.length, 5);
    assert.equal(lines[2], '| fabric | 134.0 | 87.0 | 47.0 | 0.0 | 0.0 | 0.0 | 14.5 |');
    assert.equal(lines[3], '| relaxed | 72.0 | 33.0 | 39.0 | 0.0 | 0.0 | 0.0 | 5.5 |');
    assert.equal(lines[4], '| relaxed ÷ fabric | 0.54 | 0.38 | 0.83 | – | – | – | 0.38 |');

    const restarts = restartTable(['fabric', 'relaxed'], obs);
    assert.equal(restarts[2], '| fabric | 4000 (3000, 5000) | 1500 (2000, 1000) |');
    assert.equal(restarts[3], '| relaxed | 12000 (9000, 15000) | 2500 (2500, –) |');
  });

  void it('when sides carry CPU per operation by role, then the role table shows each role median', () => {
    const lines = roleTable([
      { label: 'ping | fabric', roleCpuMsPerOp: [roles(9, 3), roles(11, 5)] },
      { label: 'ping | relaxed' },
    ]);
    assert.equal(lines[2], '| ping | fabric | 10.00 | 4.00 | 0.00 | 0.00 | 0.00 |');
    assert.equal(lines[3], '| ping | relaxed | – | – | – | – | – |');
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([]), 0);
  });
});
