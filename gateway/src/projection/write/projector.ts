/**
 * The projector: follows the ledger's chaincode events from the stored checkpoint and applies them in
 * batches. Exactly once across crashes: rows and checkpoint commit in one SQL transaction, and a
 * replayed event is recognized by (block number, tx id) and skipped.
 */
import type { ProjectionStore } from './store';
import type { EventSource, EventStream, SourceEvent } from './source';

/** Options of the projector. */
export interface ProjectorOptions {
  /** Largest batch applied in one transaction. */
  readonly batchSize?: number;
  /** Longest time a received event waits before its batch is applied, in ms. */
  readonly flushMs?: number;
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
  readonly #onBatch: ProjectorOptions['onBatch'];
  #stream: EventStream | undefined;
  #stopped = false;

  constructor(source: EventSource, store: ProjectionStore, options: Readonly<ProjectorOptions> = {}) {
    this.#source = source;
    this.#store = store;
    this.#batchSize = options.batchSize ?? 500;
    this.#flushMs = options.flushMs ?? 50;
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
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const last = batch[batch.length - 1];
      const result = await this.#store.apply(batch);
      batch.length = 0;
      total += result.applied;
      if (last) this.#onBatch?.({ ...result, blockNumber: last.blockNumber });
    };
    const it = stream[Symbol.asyncIterator]();
    try {
      let pending = it.next();
      while (!this.#isStopped()) {
        const next = batch.length === 0 ? await pending : await raceTimeout(pending, this.#flushMs);
        if (next === TIMEOUT) {
          await flush();
          continue;
        }
        if (next.done === true) break;
        batch.push(next.value);
        pending = it.next();
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
