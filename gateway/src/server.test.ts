import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { StatusCode, type Network } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';

import type { CommitOutcome, CommitWaiter } from './fabric/commit-tracker';
import { followForever } from './projection/write/projector';
import { SqliteDriver } from './projection/write/sql/sqlite';
import type { EventSource } from './projection/write/source';
import { ProjectionStore } from './projection/write/store';
import { createMetrics, registerFollowedPeerMetric } from './metrics';
import { ledgerStreams } from './server';
import { testConfig } from './testing/harness';
import { describe, it } from './testing/node-test';

/** A block of empty endorser transactions with the ids `txIds`, as the peer delivers it with private data. */
function deliveredBlock(number: number, txIds: readonly string[]): peer.BlockAndPrivateData {
  const envelopes = txIds.map((txId) => {
    const ch = new common.ChannelHeader();
    ch.setType(common.HeaderType.ENDORSER_TRANSACTION);
    ch.setTxId(txId);
    const header = new common.Header();
    header.setChannelHeader(ch.serializeBinary());
    const payload = new common.Payload();
    payload.setHeader(header);
    payload.setData(new peer.Transaction().serializeBinary());
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    return envelope.serializeBinary();
  });
  const blockHeader = new common.BlockHeader();
  blockHeader.setNumber(number);
  const data = new common.BlockData();
  data.setDataList(envelopes);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), new Uint8Array(txIds.length)]);
  const block = new common.Block();
  block.setHeader(blockHeader);
  block.setData(data);
  block.setMetadata(metadata);
  const item = new peer.BlockAndPrivateData();
  item.setBlock(common.Block.deserializeBinary(block.serializeBinary()));
  return item;
}

/** A growing chain of delivered blocks that every peer of the fake org serves. */
class Chain {
  readonly blocks: peer.BlockAndPrivateData[] = [];
  readonly wake = new Set<() => void>();

  constructor() {
    for (let i = 0; i < 3; i++) this.commit([]);
  }

  commit(txIds: readonly string[]): void {
    this.blocks.push(deliveredBlock(this.blocks.length, txIds));
    for (const w of this.wake) w();
  }
}

/**
 * The part of a fabric-gateway `Network` the gateway's streams use: one peer over `chain`; every
 * stream opened on the peer is recorded by kind, and `kill` fails its streams and calls as a dead peer's.
 */
class CountingNetwork {
  readonly streams: string[] = [];
  readonly chain: Chain;
  #down = false;
  readonly #failOpen = new Set<() => void>();

  constructor(chain = new Chain()) {
    this.chain = chain;
  }

  commit(txIds: readonly string[]): void {
    this.chain.commit(txIds);
  }

  kill(): void {
    this.#down = true;
    for (const fail of this.#failOpen) fail();
  }

  getName(): string {
    return 'medchannel';
  }

  getContract(): { evaluateTransaction: () => Promise<Uint8Array> } {
    return {
      evaluateTransaction: () => {
        if (this.#down) return Promise.reject(new Error('14 UNAVAILABLE: peer down'));
        const info = new common.BlockchainInfo();
        info.setHeight(this.chain.blocks.length);
        return Promise.resolve(info.serializeBinary());
      },
    };
  }

  getBlockAndPrivateDataEvents(options: { startBlock: bigint }): Promise<unknown> {
    this.streams.push('block-and-private-data');
    let next = Number(options.startBlock);
    let closed = false;
    let failed = this.#down;
    const { blocks, wake } = this.chain;
    let wakeMe: (() => void) | undefined;
    const fail = (): void => {
      failed = true;
      wakeMe?.();
    };
    this.#failOpen.add(fail);
    async function* generate(): AsyncGenerator<peer.BlockAndPrivateData> {
      while (!closed) {
        // fabric-gateway opens lazily: a dead peer's stream fails when read.
        if (failed) throw new Error('14 UNAVAILABLE: No connection established');
        const block = blocks[next];
        if (block) {
          next++;
          yield block;
          continue;
        }
        await new Promise<void>((resolve) => {
          wakeMe = resolve;
          wake.add(resolve);
        });
        if (wakeMe) wake.delete(wakeMe);
      }
    }
    const gen = generate();
    return Promise.resolve({
      [Symbol.asyncIterator]: () => gen,
      close: () => {
        closed = true;
        this.#failOpen.delete(fail);
        wakeMe?.();
      },
    });
  }

  getFilteredBlockEvents(): Promise<never> {
    return this.#refused('filtered-blocks');
  }

  getBlockEvents(): Promise<never> {
    return this.#refused('blocks');
  }

  getChaincodeEvents(): Promise<never> {
    return this.#refused('chaincode-events');
  }

  #refused(kind: string): Promise<never> {
    this.streams.push(kind);
    return Promise.reject(new Error('not served by this fake'));
  }
}

/**
 * Follows `events` into `store` until `signal` aborts, the checkpoint written at each block's end (blocks
 * of empty transactions carry no events).
 */
function projectEveryBlock(events: EventSource, store: ProjectionStore, signal: AbortSignal): Promise<void> {
  return followForever(events, store, { signal, retryMs: 5, checkpointEveryBlocks: 1 });
}

const noStatusCall = (): Promise<CommitOutcome> => Promise.reject(new Error('unexpected CommitStatus call'));

describe("the gateway's block streams", () => {
  it('when commits are tracked on the stream, then the projection and the commit tracker share one stream of the peer and no other is opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-streams-'));
    const network = new CountingNetwork();
    const config = testConfig(dir, 'jwks.json', { ledger: { commitTracking: 'stream' } });
    const streams = ledgerStreams(config, [network as unknown as Network], () => undefined);
    const store = new ProjectionStore(new SqliteDriver(':memory:'));
    const stop = new AbortController();
    try {
      await store.init();
      const following = followForever(streams.projectionEvents, store, { signal: stop.signal, retryMs: 5 });
      const { commits, feed } = streams;
      assert.ok(commits && feed);
      feed.want(0n);
      commits.start();
      while (!commits.status().up) await sleep(5);
      for (let i = 0; i < 5; i++) {
        const txId = `one-stream-${String(i)}`;
        const waiter: CommitWaiter = commits.expect(txId);
        network.commit([txId]);
        assert.equal((await waiter.wait(noStatusCall)).code, StatusCode.VALID);
      }
      await sleep(20);
      assert.deepEqual(network.streams, ['block-and-private-data']);
      stop.abort();
      await following;
    } finally {
      await streams.commits?.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when writes ask the peer for their commits, then only the projection follows a stream', () => {
    const network = new CountingNetwork();
    const config = testConfig('/tmp', 'jwks.json', { ledger: { commitTracking: 'status' } });
    const streams = ledgerStreams(config, [network as unknown as Network], () => undefined);
    assert.equal(streams.commits, undefined);
    assert.equal(streams.feed, undefined);
    assert.deepEqual(network.streams, []);
  });
});

describe("the gateway's block streams in an org of two peers", () => {
  it("when the gateway's local peer dies, then its one stream follows the org's other peer: writes see their commits there and the projection keeps up", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-streams-'));
    const chain = new Chain();
    const local = new CountingNetwork(chain);
    const other = new CountingNetwork(chain);
    const moves: string[] = [];
    const config = testConfig(dir, 'jwks.json', { ledger: { commitTracking: 'stream' } });
    const streams = ledgerStreams(
      config,
      [local, other] as unknown as Network[],
      () => undefined,
      (stream, peerIndex) => moves.push(`${stream}:${String(peerIndex)}`),
    );
    const store = new ProjectionStore(new SqliteDriver(':memory:'));
    const stop = new AbortController();
    const { commits, feed, followedPeer } = streams;
    assert.ok(commits && feed && followedPeer);
    const write = async (txId: string): Promise<void> => {
      const waiter = commits.expect(txId);
      chain.commit([txId]);
      assert.equal((await waiter.wait(noStatusCall)).code, StatusCode.VALID);
    };
    try {
      await store.init();
      const following = projectEveryBlock(streams.projectionEvents, store, stop.signal);
      feed.want(0n);
      commits.start();
      while (!commits.status().up) await sleep(5);
      await write('before-the-kill');
      assert.equal(followedPeer(), 0);

      local.kill();
      while (followedPeer() !== 1 || !commits.status().up) await sleep(5);
      for (let i = 0; i < 3; i++) await write(`after-the-kill-${String(i)}`);
      const last = BigInt(chain.blocks.length - 1);
      while ((await store.checkpoint())?.blockNumber !== last) await sleep(5);

      assert.deepEqual(other.streams, ['block-and-private-data']);
      assert.deepEqual(moves, ['blocks:1']);
      assert.equal(commits.status().statusCalls, 0, 'no write had to ask the peer for its commit');
      assert.equal(
        await streams.projectionEvents.height(),
        last + 1n,
        'the height comes from the other peer',
      );
      stop.abort();
      await following;
    } finally {
      await commits.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("when writes ask the peer for their commits and the local peer dies, then the projection's stream follows the org's other peer and /metrics says which", async () => {
    const chain = new Chain();
    const local = new CountingNetwork(chain);
    const other = new CountingNetwork(chain);
    const moves: string[] = [];
    const config = testConfig('/tmp', 'jwks.json', { ledger: { commitTracking: 'status' } });
    const streams = ledgerStreams(
      config,
      [local, other] as unknown as Network[],
      () => undefined,
      (stream, peerIndex) => moves.push(`${stream}:${String(peerIndex)}`),
    );
    const metrics = createMetrics(false);
    registerFollowedPeerMetric(metrics, streams.followedPeer);
    const followed = async (): Promise<string | undefined> =>
      /^medledger_block_stream_peer (\S+)$/m.exec(await metrics.registry.metrics())?.[1];
    const store = new ProjectionStore(new SqliteDriver(':memory:'));
    const stop = new AbortController();
    const projected = async (): Promise<void> => {
      const last = BigInt(chain.blocks.length - 1);
      while ((await store.checkpoint())?.blockNumber !== last) await sleep(5);
    };
    try {
      await store.init();
      const following = projectEveryBlock(streams.projectionEvents, store, stop.signal);
      chain.commit(['before-the-kill']);
      await projected();
      assert.equal(await followed(), '0');

      local.kill();
      chain.commit(['after-the-kill']);
      await projected();
      assert.equal(await followed(), '1');
      assert.deepEqual(moves, ['blocks:1']);
      assert.deepEqual(other.streams, ['block-and-private-data']);
      stop.abort();
      await following;
    } finally {
      await store.close();
    }
  });
});
