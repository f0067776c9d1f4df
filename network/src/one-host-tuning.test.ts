import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FabricInstall } from './binaries';
import { oneHostTuning, ordererProcess, peerProcess, type NetworkContext } from './network';
import { tempDir } from './testing/release-server';
import { layOutCryptogen } from './testing/state-layout';
import { allPeers, defaultTopologySpec, resolveTopology } from './topology';
import { sharedHostGoMaxProcs } from './tuning';

const topology = resolveTopology(defaultTopologySpec, 29500, { ordering: 'raft', hosts: 'loopback' });
const goProcesses = allPeers(topology).length + topology.ordererOrg.nodes.length;

describe("the local network's Go processes share the host's CPUs", () => {
  const root = tempDir('one-host');
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const install: FabricInstall = {
    binDir: root,
    caBinDir: root,
    sampleConfigDir: root,
    bin: (name) => join(root, name),
  };
  const ctx: NetworkContext = {
    install,
    topology,
    paths: layOutCryptogen(topology, join(root, 'state')),
    benchLoader: false,
  };

  it('when Go processes outnumber the CPUs, then each gets one; with more CPUs, each its whole share', () => {
    assert.equal(goProcesses, 9, 'six peers and three orderers');
    assert.equal(sharedHostGoMaxProcs(2, 9), 1);
    assert.equal(sharedHostGoMaxProcs(9, 9), 1);
    assert.equal(sharedHostGoMaxProcs(20, 9), 2);
    assert.equal(sharedHostGoMaxProcs(64, 9), 7);
    assert.equal(sharedHostGoMaxProcs(4, 0), 4, 'no process to share with');
    assert.equal(oneHostTuning(topology, {}, 2).goMaxProcs, 1);
    assert.equal(oneHostTuning(topology, {}, 32).goMaxProcs, 3);
  });

  it('when MEDLEDGER_GOMAXPROCS is set, then it wins over the share, and a bad value is refused by name', () => {
    assert.equal(oneHostTuning(topology, { MEDLEDGER_GOMAXPROCS: '2' }, 2).goMaxProcs, 2);
    assert.equal(oneHostTuning(topology, { MEDLEDGER_GOGC: '200' }, 2).gogc, '200', 'other switches kept');
    assert.throws(() => oneHostTuning(topology, { MEDLEDGER_GOMAXPROCS: 'all' }, 2), /MEDLEDGER_GOMAXPROCS/);
  });

  it("when peers and orderers are started, then each runs with this host's share, and a set value restarts them with it", () => {
    const share = String(sharedHostGoMaxProcs(availableParallelism(), goProcesses));
    const [peer] = allPeers(topology);
    const [orderer] = topology.ordererOrg.nodes;
    assert.ok(peer && orderer);
    const before = process.env['MEDLEDGER_GOMAXPROCS'];
    try {
      delete process.env['MEDLEDGER_GOMAXPROCS'];
      const peerSpec = peerProcess(ctx, peer);
      const ordererSpec = ordererProcess(ctx, orderer);
      assert.equal(peerSpec.env['GOMAXPROCS'], share);
      assert.equal(ordererSpec.env['GOMAXPROCS'], share);
      process.env['MEDLEDGER_GOMAXPROCS'] = '3';
      assert.equal(peerProcess(ctx, peer).env['GOMAXPROCS'], '3');
      assert.equal(ordererProcess(ctx, orderer).env['GOMAXPROCS'], '3');
      assert.notEqual(peerProcess(ctx, peer).fingerprint, peerSpec.fingerprint, 'the peer restarts');
      assert.notEqual(ordererProcess(ctx, orderer).fingerprint, ordererSpec.fingerprint);
    } finally {
      if (before === undefined) delete process.env['MEDLEDGER_GOMAXPROCS'];
      else process.env['MEDLEDGER_GOMAXPROCS'] = before;
    }
  });
});
