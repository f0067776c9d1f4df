/**
 * A stream a test pushes items into, or breaks with an error: the shape of fabric-gateway's
 * `CloseableAsyncIterable` (a block stream of a fake peer). Not for production.
 */
export class PushStream<T> implements AsyncIterable<T> {
  readonly #queue: (T | Error)[] = [];
  #wake: (() => void) | undefined;
  closed = false;

  /** Delivers `item` next; an `Error` fails the stream there. */
  push(item: T | Error): void {
    this.#queue.push(item);
    this.#wake?.();
  }

  close(): void {
    this.closed = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.#queue.shift();
      if (item instanceof Error) throw item;
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}
