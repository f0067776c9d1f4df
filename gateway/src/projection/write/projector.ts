/**
 * The projector: follows the ledger's chaincode events from the stored checkpoint and applies them in
 * batches. Exactly once across crashes: rows and checkpoint commit in one SQL transaction, and a
 * replayed event is recognized by (block number, tx id) and skipped.
 *
 * Blocks without MedLedger events (another chaincode's, configuration, invalid transactions) move the
 * checkpoint too, where the stream says where blocks end, so a restart resumes after them instead of
 * reading them again from the last block that had events. Without a database write per such block:
 * the block passed rides along with the next batch's write; with no batch to write, it is written
 * once `checkpointEveryBlocks` blocks have passed since the stored checkpoint, and when the run ends
 * (stop, end of stream). A crash loses at most that many passed blocks, which the restart reads again.
 */
import type { ProjectionStore } from './store';
import { isBlockEnd, type EventSource, type EventStream, type SourceEvent } from './source';

/** Options of the projector. */
export interface ProjectorOptions {
  /** Largest batch applied in one transaction. */
  readonly batchSize?: number;
  /** Longest time a received event waits before its batch is applied, in ms. */
  readonly flushMs?: number;
  /**
   * Blocks passed without events after which the checkpoint is written on its own (default 32: a
   * gateway restarting after a crash then finds its checkpoint within the block feed's reach of the
   * channel height, `maxLead` 64, and reads no block twice through a catch-up read).
   */
  readonly checkpointEveryBlocks?: number;
  /** Told after each applied batch (metrics, logs). */
  readonly onBatch?: (info: { applied: number; duplicates: number; blockNumber: bigint }) => void;
}

const TIMEOUT = Symbol('timeout');

/** Follows an event source into a projection store. */
export class Projector {
  readonly #source: EventSource;
  readonly #store: ProjectionStore;
  readonly #batchSize: number;
  readonly #flushMs: number;
  readonly #everyBlocks: bigint;
  readonly #onBatch: ProjectorOptions['onBatch'];
  #stream: EventStream | undefined;
  #stopped = false;

  constructor(source: EventSource, store: ProjectionStore, options: Readonly<ProjectorOptions> = {}) {
    this.#source = source;
    this.#store = store;
    this.#batchSize = options.batchSize ?? 500;
    this.#flushMs = options.flushMs ?? 50;
    this.#everyBlocks = BigInt(Math.max(1, options.checkpointEveryBlocks ?? 32));
    this.#onBatch = options.onBatch;
  }

  /**
   * Projects events from the checkpoint until {@link stop}, the end of the stream, or `endBlock`
   * (exclusive) when given. Resolves to the number of events applied; rejects on the first failure
   * of the source or the store, having applied only whole batches.
   */
  async run(endBlock?: bigint): Promise<number> {
    this.#stopped = false;
    const after = await this.#store.checkpoint();
    const stream = await this.#source.open({
      ...(after ? { after: { blockNumber: after.blockNumber, txId: after.txId } } : {}),
      ...(endBlock === undefined ? {} : { endBlock }),
    });
    this.#stream = stream;
    let total = 0;
    const batch: SourceEvent[] = [];
    // The stored checkpoint's block, and the last block whose end the stream said.
    let stored = after?.blockNumber;
    let passed: bigint | undefined;
    const flush = async (): Promise<void> => {
      const passing = passed !== undefined && (stored === undefined || passed > stored) ? passed : undefined;
      if (batch.length === 0 && passing === undefined) return;
      const last = batch[batch.length - 1];
      const result = await this.#store.apply(batch, passing);
      batch.length = 0;
      total += result.applied;
      stored = passing ?? last?.blockNumber ?? stored;
      if (last) this.#onBatch?.({ ...result, blockNumber: last.blockNumber });
    };
    const it = stream[Symbol.asyncIterator]();
    try {
      let pending = it.next();
      // When the batch is applied if nothing else arrives: `flushMs` after its last event (a block's
      // end does not put it off).
      let flushAt = 0;
      while (!this.#isStopped()) {
        const wait = flushAt - performance.now();
        const next = batch.length === 0 ? await pending : await raceTimeout(pending, wait);
        if (next === TIMEOUT) {
          await flush();
          continue;
        }
        if (next.done === true) break;
        pending = it.next();
        if (isBlockEnd(next.value)) {
          passed = next.value.blockNumber;
          const behind = passed - (stored ?? -1n);
          if (batch.length === 0 && behind >= this.#everyBlocks) await flush();
          continue;
        }
        batch.push(next.value);
        flushAt = performance.now() + this.#flushMs;
        if (batch.length >= this.#batchSize) await flush();
      }
      await flush();
      return total;
    } finally {
      stream.close();
      this.#stream = undefined;
    }
  }

  #isStopped(): boolean {
    return this.#stopped;
  }

  /** Stops a running {@link run} after the current batch. */
  stop(): void {
    this.#stopped = true;
    this.#stream?.close();
  }
}

async function raceTimeout<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => {
      resolve(TIMEOUT);
    }, ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Options of {@link followForever}. */
export interface FollowOptions extends ProjectorOptions {
  /** Delay before restarting after a failure, in ms (doubles up to 30 s). */
  readonly retryMs?: number;
  readonly onError?: (err: unknown) => void;
  readonly signal?: AbortSignal;
}

/**
 * Runs a projector for the life of the gateway: after a failure (peer down, database locked) it
 * restarts from the stored checkpoint with a growing delay. Resolves when `signal` aborts.
 */
export async function followForever(
  source: EventSource,
  store: ProjectionStore,
  options: Readonly<FollowOptions> = {},
): Promise<void> {
  const projector = new Projector(source, store, options);
  const onAbort = (): void => {
    projector.stop();
  };
  options.signal?.addEventListener('abort', onAbort);
  const aborted = (): boolean => options.signal?.aborted === true;
  let delay = options.retryMs ?? 500;
  try {
    while (!aborted()) {
      try {
        await projector.run();
        delay = options.retryMs ?? 500;
      } catch (err) {
        options.onError?.(err);
      }
      if (aborted()) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
