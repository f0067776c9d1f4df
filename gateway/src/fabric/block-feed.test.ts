import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { StatusCode } from '@hyperledger/fabric-gateway';

import { dumpProjection } from '../projection/testing/fixtures';
import { InterceptedDriver } from '../projection/testing/intercepted-driver';
import { MemoryEventSource } from '../projection/testing/memory-source';
import { randomLedger } from '../projection/testing/random-ledger';
import { followForever, Projector } from '../projection/write/projector';
import {
  firstBlockAfter,
  type EventSource,
  type EventStream,
  type OpenOptions,
  type ProjectionCheckpoint,
  type SourceEvent,
} from '../projection/write/source';
import type { SqlDriver } from '../projection/write/sql/driver';
import { SqliteDriver } from '../projection/write/sql/sqlite';
import { ProjectionStore } from '../projection/write/store';
import { describe, it } from '../testing/node-test';
import { PushStream } from '../testing/push-stream';
import { BlockFeed, type FeedBlock, type FeedBlockSource, type FeedBlockStream } from './block-feed';
import { CommitTracker, type CommitOutcome } from './commit-tracker';

/**
 * A channel of blocks with Fabric's delivery semantics: a stream opened at `start` delivers every
 * block from there on, old ones first. Counts the streams it opens and the bounded reads of its
 * events (the projection's catch-up).
 */
class FakeChain implements FeedBlockSource {
  readonly blocks: FeedBlock[] = [];
  readonly opens: bigint[] = [];
  readonly events = new MemoryEventSource();
  catchUpReads = 0;
  /** Where each catch-up read resumed (its `after`). */
  readonly catchUpFrom: (ProjectionCheckpoint | undefined)[] = [];
  #streams: PushStream<FeedBlock>[] = [];
  #counter = 0;

  constructor(emptyBlocks = 3) {
    for (let i = 0; i < emptyBlocks; i++) this.commit([]);
  }

  height(): Promise<bigint> {
    return Promise.resolve(BigInt(this.blocks.length));
  }

  open(startBlock: bigint): Promise<FeedBlockStream> {
    this.opens.push(startBlock);
    const s = new PushStream<FeedBlock>();
    for (const b of this.blocks.slice(Number(startBlock))) s.push(b);
    this.#streams.push(s);
    return Promise.resolve(s);
  }

  /** The projection's bounded reads (what `FabricEventSource` does on the peer). */
  readonly catchUp: EventSource = {
    height: () => this.height(),
    open: (options: Readonly<OpenOptions>): Promise<EventStream> => {
      this.catchUpReads++;
      this.catchUpFrom.push(options.after);
      return this.events.open(options);
    },
  };

  /** Commits a block of `events` (renumbered into it) and one transaction per id of `txIds`. */
  commit(events: readonly SourceEvent[], txIds: readonly string[] = []): bigint {
    const number = BigInt(this.blocks.length);
    const inBlock = events.map((e) => ({ ...e, blockNumber: number }));
    const block: FeedBlock = {
      number,
      transactions: [...inBlock.map((e) => e.txId), ...txIds].map((txId) => ({
        txId,
        code: StatusCode.VALID,
      })),
      events: inBlock,
    };
    this.blocks.push(block);
    this.events.append(...inBlock);
    for (const s of this.#streams) if (!s.closed) s.push(block);
    return number;
  }

  /** Commits `n` blocks of a few random events each. */
  commitSome(n: number, salt: string): void {
    for (let i = 0; i < n; i++) {
      this.#counter++;
      this.commit(
        randomLedger([this.#counter % 9, (this.#counter * 7) % 11], `${salt}-${String(this.#counter)}`),
      );
    }
  }

  /** Commits `n` blocks holding only transactions without MedLedger events (another chaincode's). */
  commitWithoutEvents(n: number, salt: string): void {
    for (let i = 0; i < n; i++) this.commit([], [`${salt}-${String(i)}`]);
  }

  /** Breaks every open stream (the peer restarted, the connection dropped). */
  breakStreams(): void {
    for (const s of this.#streams) if (!s.closed) s.push(new Error('14 UNAVAILABLE: connection reset'));
    this.#streams = [];
  }
}

/** A projection database whose writes fail while `failing`, or wait while held. */
class FlakyDatabase {
  failing = false;
  /** Statements that write (`run`), failed ones included. */
  writes = 0;
  readonly driver: SqlDriver;
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;

  constructor(inner: SqlDriver) {
    this.driver = new InterceptedDriver(inner, async (kind) => {
      if (kind !== 'run') return;
      this.writes++;
      await this.#held;
      if (this.failing) throw new Error('SQLITE_IOERR: disk I/O error');
    });
  }

  hold(): void {
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
  }

  release(): void {
    this.#release?.();
    this.#held = undefined;
  }
}

const noStatusCall = (): Promise<CommitOutcome> => Promise.reject(new Error('unexpected CommitStatus call'));

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await sleep(5);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The projected rows, without the checkpoint: a follower of the feed passes the blocks without events
 * after the last event, a follower of the events alone cannot.
 */
async function projectedRows(driver: SqlDriver): Promise<Record<string, unknown[]>> {
  const dump = await dumpProjection(driver);
  return Object.fromEntries(Object.entries(dump).filter(([table]) => table !== 'projection_meta'));
}

/** The projection of every event of `chain` in one pass (what a gap-free, repeat-free follower gives). */
async function onePass(chain: FakeChain): Promise<Record<string, unknown[]>> {
  const store = new ProjectionStore(new SqliteDriver(':memory:'));
  await store.init();
  await new Projector(chain.events, store).run(await chain.height());
  const rows = await projectedRows(store.driver);
  await store.close();
  return rows;
}

/** A gateway's two readers on one feed over `chain`: the commit tracker and a following projection. */
class Gateway {
  readonly feed: BlockFeed;
  readonly commits: CommitTracker;
  readonly database: FlakyDatabase;
  readonly store: ProjectionStore;
  readonly errors: unknown[] = [];
  readonly #stop = new AbortController();
  #loop: Promise<void> = Promise.resolve();

  constructor(chain: FakeChain, file: string, maxBlocks = 8) {
    this.feed = new BlockFeed({ source: chain, catchUp: chain.catchUp, maxBlocks });
    this.commits = new CommitTracker({
      source: this.feed.blocks,
      timeoutMs: 3000,
      timeoutError: () => new Error('timeout'),
      closedError: () => new Error('closed'),
      retryMs: 5,
      maxRetryMs: 20,
    });
    this.database = new FlakyDatabase(new SqliteDriver(file));
    this.store = new ProjectionStore(this.database.driver);
  }

  /**
   * Starts the projection, then the tracker (the gateway's order); `holdProjection`: the projection's
   * database stalls from the start.
   */
  async start(holdProjection = false): Promise<void> {
    await this.store.init();
    if (holdProjection) this.database.hold();
    this.feed.want(firstBlockAfter(await this.store.checkpoint()));
    this.#loop = followForever(this.feed.events, this.store, {
      signal: this.#stop.signal,
      retryMs: 5,
      flushMs: 5,
      onError: (err) => this.errors.push(err),
    });
    this.commits.start();
    await until('the commit stream', () => this.commits.status().up);
  }

  async projectedBlock(): Promise<bigint | undefined> {
    return (await this.store.checkpoint())?.blockNumber;
  }

  /** Resolves once the projection holds the last event of `chain` (its checkpoint there or past it). */
  async caughtUp(chain: FakeChain): Promise<void> {
    const last = chain.events.all.at(-1);
    await until('the projection', async () => {
      const cp = await this.store.checkpoint();
      return last === undefined || cp?.txId === last.txId || (cp?.blockNumber ?? -1n) > last.blockNumber;
    });
  }

  async stop(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    await this.#loop;
    await this.commits.close();
    await this.store.close();
  }
}

/** Runs `body` with the gateways it starts over `chain` in a temporary folder, stopping them even when it fails. */
async function withGateways(
  body: (file: string, chain: FakeChain, gateway: (maxBlocks?: number) => Gateway) => Promise<void>,
): Promise<void> {
  const started: Gateway[] = [];
  await inTempDir(async (file) => {
    const chain = new FakeChain();
    try {
      await body(file, chain, (maxBlocks) => {
        const gw = new Gateway(chain, file, maxBlocks);
        started.push(gw);
        return gw;
      });
    } finally {
      for (const gw of started) await gw.stop();
    }
  });
}

/** A temporary folder for the projection's SQLite file, removed after `body`. */
async function inTempDir(body: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'block-feed-'));
  try {
    await body(join(dir, 'projection.sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Commits a block with a fresh write's transaction and returns the write's answer. */
async function commitWrite(chain: FakeChain, gw: Gateway, txId: string): Promise<CommitOutcome> {
  const waiter = gw.commits.expect(txId);
  const block = chain.commit([], [txId]);
  const outcome = await waiter.wait(noStatusCall);
  assert.equal(outcome.blockNumber, block);
  return outcome;
}

describe('one block stream for commits and the projection', () => {
  it('when commits and projected events flow in steady state, then the peer serves exactly one stream and the projection reads no block of its own', async () => {
    await inTempDir(async (file) => {
      const chain = new FakeChain();
      const gw = new Gateway(chain, file);
      await gw.start();
      for (let i = 0; i < 20; i++) {
        chain.commitSome(1, 'steady');
        await commitWrite(chain, gw, `steady-write-${String(i)}`);
      }
      await gw.caughtUp(chain);
      assert.deepEqual(chain.opens, [0n]);
      assert.equal(chain.catchUpReads, 0);
      assert.deepEqual(gw.feed.status().streamsOpened, 1);
      assert.deepEqual(await projectedRows(gw.store.driver), await onePass(chain));
      await gw.stop();
    });
  });

  it('when the stream breaks mid-way, then it reopens after the last block, the waiting write asks the peer and the projection has no gap and no repeat', async () => {
    await inTempDir(async (file) => {
      const chain = new FakeChain();
      const gw = new Gateway(chain, file);
      await gw.start();
      chain.commitSome(3, 'break-a');
      await gw.caughtUp(chain);
      const waiter = gw.commits.expect('break-write');
      chain.breakStreams();
      let asked = 0;
      const answered = waiter.wait(() => {
        asked++;
        return Promise.resolve({ code: StatusCode.VALID, blockNumber: 99n });
      });
      await until('the reopened stream', () => chain.opens.length === 2);
      assert.equal((await answered).code, StatusCode.VALID);
      assert.equal(asked, 1);
      assert.equal(chain.opens[1], BigInt(chain.blocks.length));
      chain.commitSome(3, 'break-b');
      await commitWrite(chain, gw, 'break-after');
      await gw.caughtUp(chain);
      assert.equal(chain.catchUpReads, 0);
      assert.deepEqual(await projectedRows(gw.store.driver), await onePass(chain));
      await gw.stop();
    });
  });
});

describe('a projection that lags or fails holds no commit', () => {
  it('when the projection database fails, then writes still get their commits from the stream, and the projection resumes from its checkpoint without a gap', async () => {
    await inTempDir(async (file) => {
      const chain = new FakeChain();
      const gw = new Gateway(chain, file);
      await gw.start();
      chain.commitSome(2, 'dberr-a');
      await gw.caughtUp(chain);
      gw.database.failing = true;
      for (let i = 0; i < 4; i++) {
        chain.commitSome(1, 'dberr-b');
        await commitWrite(chain, gw, `dberr-write-${String(i)}`);
      }
      await until('a failed batch', () => gw.errors.length > 0);
      assert.equal(gw.commits.status().statusCalls, 0);
      gw.database.failing = false;
      await gw.caughtUp(chain);
      assert.deepEqual(chain.opens, [0n]);
      assert.deepEqual(await projectedRows(gw.store.driver), await onePass(chain));
      await gw.stop();
    });
  });

  it('when the projection stalls for longer than the feed keeps blocks, then writes are answered meanwhile and the projection catches up with one bounded read', async () => {
    await inTempDir(async (file) => {
      const chain = new FakeChain();
      const gw = new Gateway(chain, file, 4);
      await gw.start();
      chain.commitSome(2, 'lag-a');
      await gw.caughtUp(chain);
      gw.database.hold();
      chain.commitSome(1, 'lag-held');
      // Past the projector's flush interval: its batch waits on the database.
      await sleep(50);
      for (let i = 0; i < 12; i++) {
        chain.commitSome(1, 'lag-b');
        await commitWrite(chain, gw, `lag-write-${String(i)}`);
      }
      assert.ok(gw.feed.status().kept <= 4);
      gw.database.release();
      await gw.caughtUp(chain);
      assert.deepEqual(chain.opens, [0n]);
      assert.ok(chain.catchUpReads >= 1);
      assert.equal(gw.commits.status().statusCalls, 0);
      assert.deepEqual(await projectedRows(gw.store.driver), await onePass(chain));
      await gw.stop();
    });
  });
});

describe('restarts over one block stream', () => {
  it('when a gateway restarts with its projection just below the height, then the one stream starts at the projection checkpoint and nothing else is read', async () => {
    await inTempDir(async (file) => {
      const chain = new FakeChain();
      const first = new Gateway(chain, file);
      await first.start();
      chain.commitSome(3, 'restart-near-a');
      await first.caughtUp(chain);
      await first.stop();
      chain.commitSome(3, 'restart-near-b');
      const checkpointBlock = chain.blocks.at(-4)?.number;
      const second = new Gateway(chain, file);
      await second.start();
      assert.equal(chain.opens.at(-1), checkpointBlock);
      await commitWrite(chain, second, 'restart-near-write');
      await second.caughtUp(chain);
      assert.equal(chain.catchUpReads, 0);
      assert.deepEqual(await projectedRows(second.store.driver), await onePass(chain));
      await second.stop();
    });
  });

  it('when a gateway restarts from an old checkpoint, then the stream starts at the height, a write is answered before the projection catches up, and the projection has no gap', async () => {
    await inTempDir(async (file) => {
      const chain = new FakeChain();
      const first = new Gateway(chain, file, 4);
      await first.start();
      chain.commitSome(2, 'restart-old-a');
      await first.caughtUp(chain);
      await first.stop();
      chain.commitSome(10, 'restart-old-b');
      const height = BigInt(chain.blocks.length);
      const second = new Gateway(chain, file, 4);
      await second.start(true);
      assert.equal(chain.opens.at(-1), height);
      await commitWrite(chain, second, 'restart-old-write');
      assert.ok(((await second.projectedBlock()) ?? 0n) < height);
      second.database.release();
      await second.caughtUp(chain);
      assert.equal(chain.catchUpReads, 1);
      assert.equal(second.commits.status().statusCalls, 0);
      assert.deepEqual(await projectedRows(second.store.driver), await onePass(chain));
      await second.stop();
    });
  });
});

/** The stored checkpoint of the projection file, read with a connection of its own. */
async function storedCheckpoint(file: string): Promise<ProjectionCheckpoint | undefined> {
  const store = new ProjectionStore(new SqliteDriver(file));
  try {
    const cp = await store.checkpoint();
    return cp && { blockNumber: cp.blockNumber, txId: cp.txId };
  } finally {
    await store.close();
  }
}

describe('blocks without MedLedger events move the checkpoint', () => {
  it('when a run of blocks without events passed and the gateway stopped, then after a restart the catch-up read starts after the run, and the checkpoint was written once per 32 blocks and at the stop', async () => {
    await withGateways(async (file, chain, gateway) => {
      const first = gateway(256);
      await first.start();
      chain.commitSome(2, 'quiet-a');
      await first.caughtUp(chain);
      const lastEventBlock = (await first.projectedBlock()) ?? -1n;
      first.database.writes = 0;
      chain.commitWithoutEvents(100, 'quiet-other-cc');
      const lastQuiet = BigInt(chain.blocks.length - 1);
      const thirdWrite = lastEventBlock + 96n;
      await until('three checkpoint writes', async () => (await first.projectedBlock()) === thirdWrite);
      await sleep(20);
      assert.equal(first.database.writes, 3, '100 blocks without events: 3 writes, not 100');
      await first.stop();
      assert.equal(first.database.writes, 4, 'and one at the stop');
      assert.deepEqual(await storedCheckpoint(file), { blockNumber: lastQuiet, txId: '' });
      chain.commitSome(12, 'quiet-b');
      const catchUpsBefore = chain.catchUpFrom.length;
      const second = gateway();
      await second.start();
      await second.caughtUp(chain);
      // Before, it resumed after the last event, 100 blocks earlier, and read them all again.
      assert.deepEqual(chain.catchUpFrom.slice(catchUpsBefore), [{ blockNumber: lastQuiet, txId: '' }]);
      assert.deepEqual(await projectedRows(second.store.driver), await onePass(chain));
    });
  });

  it('when the projection dies after a run of blocks without events, then the restart reads again only the blocks passed since its last checkpoint write, from the one stream', async () => {
    await withGateways(async (file, chain, gateway) => {
      const first = gateway(256);
      await first.start();
      chain.commitSome(2, 'died-a');
      await first.caughtUp(chain);
      const lastEventBlock = (await first.projectedBlock()) ?? -1n;
      chain.commitWithoutEvents(70, 'died-other-cc');
      const secondWrite = lastEventBlock + 64n;
      await until('two checkpoint writes', async () => (await first.projectedBlock()) === secondWrite);
      await sleep(20);
      // The blocks passed after it are never written: the database fails from here on, as in a crash.
      first.database.failing = true;
      await first.stop();
      assert.deepEqual(await storedCheckpoint(file), { blockNumber: secondWrite, txId: '' });
      chain.commitSome(2, 'died-b');
      const catchUpsBefore = chain.catchUpReads;
      const second = gateway(64);
      await second.start();
      assert.equal(chain.opens.at(-1), secondWrite + 1n, 'the one stream starts right after the checkpoint');
      await second.caughtUp(chain);
      assert.equal(chain.catchUpReads, catchUpsBefore);
      assert.deepEqual(await projectedRows(second.store.driver), await onePass(chain));
    });
  });
});
