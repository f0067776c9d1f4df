/**
 * The gateway's long-lived streams (the one block stream of commits and the projection, the
 * projection's bounded catch-up reads) across every peer of its own org. Calls already fail over
 * (`ledger-client.ts`); without this the streams stayed on the local peer, so while it was down writes
 * fell back to one CommitStatus call each and the projection stopped.
 *
 * A stream follows one peer until it fails; the next opening goes to the next peer of the list, round
 * robin, so it comes back to the local peer once another fails in turn. It does not move back on its
 * own while the other peer works: every peer of the org holds the same blocks and the org's private
 * data, so the peer it follows changes nothing it delivers. Whoever opens the stream already reopens it
 * after a failure, from where it stopped (`commit-tracker.ts`, `projector.ts`).
 */

/** A source of streams on one peer: a block source or a projection event source. */
export interface PeerStreamSource<A, T> {
  /** The channel height on that peer. */
  height(): Promise<bigint>;
  open(from: A): Promise<ClosableStream<T>>;
}

/** An async stream the reader closes. */
export interface ClosableStream<T> extends AsyncIterable<T> {
  close(): void;
}

/** Options of {@link acrossPeers}. */
export interface AcrossPeersOptions {
  /** Told when the streams move to the peer at `index` of the list (the local peer is 0). */
  readonly onMove?: (index: number) => void;
}

/** {@link acrossPeers}' source, and which peer it follows now. */
export interface PeerFailoverSource<A, T> extends PeerStreamSource<A, T> {
  /** Index in the list of the peer the next stream opens on (0 is the local peer). */
  current(): number;
}

/**
 * One source over `sources` (the org's peers, the local one first): each call goes to the peer it
 * follows, and to the next ones in turn when that fails; a stream that fails sends the next opening to
 * the next peer.
 */
export function acrossPeers<A, T>(
  sources: readonly PeerStreamSource<A, T>[],
  options: Readonly<AcrossPeersOptions> = {},
): PeerFailoverSource<A, T> {
  if (sources.length === 0) throw new Error('no peers to follow');
  let current = 0;
  const moveTo = (index: number): void => {
    if (index === current) return;
    current = index;
    options.onMove?.(index);
  };

  /** Runs `call` on the followed peer, then on the others in order, until one answers. */
  async function firstAnswer<R>(
    call: (source: PeerStreamSource<A, T>) => Promise<R>,
  ): Promise<{ at: number; value: R }> {
    let failure: unknown;
    for (let tried = 0; tried < sources.length; tried++) {
      const at = (current + tried) % sources.length;
      const source = sources[at];
      if (!source) continue;
      try {
        return { at, value: await call(source) };
      } catch (err) {
        failure = err;
      }
    }
    throw failure;
  }

  return {
    current: () => current,
    // A height from another peer does not move the streams: only a stream's own failure does.
    async height() {
      return (await firstAnswer((s) => s.height())).value;
    },
    async open(from) {
      const { at, value: stream } = await firstAnswer((s) => s.open(from));
      moveTo(at);
      let closed = false;
      return {
        async *[Symbol.asyncIterator]() {
          try {
            yield* stream;
          } catch (err) {
            // A stream its reader closed has not failed (fabric-gateway may end it with CANCELLED).
            if (!closed && current === at) moveTo((at + 1) % sources.length);
            throw err;
          }
        },
        close: () => {
          closed = true;
          stream.close();
        },
      };
    },
  };
}
