/**
 * An in-memory event source with the fabric-gateway checkpoint semantics: tests append events and
 * the projector follows them. Not for production.
 */
import {
  firstBlockAfter,
  type EventSource,
  type EventStream,
  type OpenOptions,
  type SourceEvent,
} from '../write/source';

/** A ledger of chaincode events held in memory. */
export class MemoryEventSource implements EventSource {
  readonly #events: SourceEvent[] = [];
  readonly #waiters = new Set<() => void>();
  #height = 0n;

  /** Appends events in ledger order (block numbers must not decrease). */
  append(...events: readonly SourceEvent[]): void {
    for (const e of events) {
      const last = this.#events[this.#events.length - 1];
      if (last && e.blockNumber < last.blockNumber) throw new Error('block numbers must not decrease');
      this.#events.push(e);
      if (e.blockNumber + 1n > this.#height) this.#height = e.blockNumber + 1n;
    }
    for (const w of this.#waiters) w();
  }

  /** Every event so far. */
  get all(): readonly SourceEvent[] {
    return this.#events;
  }

  height(): Promise<bigint> {
    return Promise.resolve(this.#height);
  }

  open(options: Readonly<OpenOptions>): Promise<EventStream> {
    let index = 0;
    const after = options.after;
    if (after) {
      const first = firstBlockAfter(after);
      while (index < this.#events.length && (this.#events[index]?.blockNumber ?? 0n) < first) {
        index += 1;
      }
      const found = this.#events.findIndex(
        (e, i) => i >= index && e.blockNumber === after.blockNumber && e.txId === after.txId,
      );
      if (found >= 0) index = found + 1;
    }
    let closed = false;
    const events = this.#events;
    const waiters = this.#waiters;
    const endBlock = options.endBlock;
    async function* generate(): AsyncGenerator<SourceEvent> {
      while (!closed) {
        const e = events[index];
        if (e === undefined) {
          if (endBlock !== undefined) return;
          await new Promise<void>((resolve) => {
            const w = (): void => {
              waiters.delete(w);
              resolve();
            };
            waiters.add(w);
            closeWaiter = w;
          });
          continue;
        }
        if (endBlock !== undefined && e.blockNumber >= endBlock) return;
        index += 1;
        yield e;
      }
    }
    let closeWaiter: (() => void) | undefined;
    const gen = generate();
    return Promise.resolve({
      [Symbol.asyncIterator]: () => gen,
      close: () => {
        closed = true;
        closeWaiter?.();
      },
    });
  }
}
