/**
 * The ordering-service fault suites, one per fault, for the protocol the network runs: the Raft files
 * under `faults/raft/` and the BFT ones under `faults/bft/` call these with their protocol, and
 * `scripts/test.mjs` runs the directory that fits the running network.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { ordererMetrics } from './faults';
import { ensureNetwork, releaseNetwork, useNetwork } from './network';
import { leftoverNamespaces, OrdererPartitions } from './partition';
import { ordererLeaderKill, ordererLeaderPartition, ordererQuorumLoss } from './scenario';

/** Which protocol a suite is written for, and how it reads in test names. */
export type Protocol = 'raft' | 'bft';
const label = (protocol: Protocol): string => (protocol === 'bft' ? 'BFT' : 'Raft');

/** Fails the suite early when the network runs another protocol than the suite's files are for. */
function sameProtocol(info: NetworkInfo, protocol: Protocol): void {
  assert.equal(
    info.ordering ?? 'raft',
    protocol,
    `a ${label(protocol)} suite on a ${info.ordering ?? 'raft'} network`,
  );
}

export function leaderKillSuite(protocol: Protocol): void {
  void describe(`when the ${label(protocol)} leader is SIGKILLed under light load and restarted`, () => {
    const network = useNetwork();

    void it('then another orderer leads, no acknowledged write is lost or applied twice, writes resume within 15 s with 503s (never 500) meanwhile, and the orderer catches up', async () => {
      sameProtocol(network(), protocol);
      await ordererLeaderKill(network(), { name: `${protocol}-leader-kill` });
    });
  });
}

export function leaderPartitionSuite(protocol: Protocol): void {
  void describe(`when the ${label(protocol)} leader is cut off by a network partition under light load and the partition heals`, () => {
    let info: NetworkInfo;
    let partitions: OrdererPartitions | undefined;
    before(async () => {
      info = await ensureNetwork();
      sameProtocol(info, protocol);
      partitions = await OrdererPartitions.isolateAll(info);
    });
    after(async () => {
      await partitions?.restore();
      await releaseNetwork();
    });

    void it('then the others choose another leader, writes resume within 15 s, nothing is lost or applied twice, and the cut-off orderer catches up', async () => {
      assert.ok(partitions);
      await ordererLeaderPartition(info, partitions, { name: `${protocol}-leader-partition` });
    });

    void it('then the namespaces and links are gone after the orderers move back', async () => {
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
}

export function quorumLossSuite(protocol: Protocol): void {
  const lost = protocol === 'bft' ? '2 of 4 BFT orderers (f+1)' : '2 of 3 Raft orderers';
  void describe(`when ${lost} are SIGKILLed under light load and restored`, () => {
    const network = useNetwork();

    void it('then writes get a clean 503 within the client deadline, resume within 30 s of quorum, and nothing is lost', async () => {
      sameProtocol(network(), protocol);
      await ordererQuorumLoss(network(), { name: `${protocol}-quorum-loss` });
    });
  });
}
