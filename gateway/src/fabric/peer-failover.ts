/**
 * How a gateway uses the peers of its own org when one fails.
 *
 * Calls (evaluations, endorsements, submits) go to the local peer and, while it is unavailable, to the
 * next: {@link PeerPreference} also remembers a peer that failed lately, so the next calls try the
 * others first.
 *
 * The long-lived streams (the one block stream of commits and the projection, the projection's bounded
 * catch-up reads) follow one peer until it fails; the next opening goes to the next peer of the list,
 * round robin ({@link acrossPeers}), so it comes back to the local peer once another fails in turn. It
 * does not move back on its own while the other peer works: every peer of the org holds the same
 * blocks and the org's private data, so the peer it follows changes nothing it delivers. Whoever opens
 * the stream already reopens it after a failure, from where it stopped (`commit-tracker.ts`,
 * `projector.ts`). Before the streams followed, writes fell back to one CommitStatus call each while
 * the local peer was down, and the projection stopped.
 */

import type { StreamCloseReason } from './commit-tracker';

/** A source of streams on one peer: a block source or a projection event source. */
export interface PeerStreamSource<A, T> {
  /** The channel height on that peer. */
  height(): Promise<bigint>;
  open(from: A): Promise<ClosableStream<T>>;
}

/** An async stream the reader closes; `'stalled'` when it gave up on it as failed. */
export interface ClosableStream<T> extends AsyncIterable<T> {
  close(reason?: StreamCloseReason): void;
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
        close: (reason) => {
          closed = true;
          // A stream that stopped delivering while writes waited failed as surely as a broken one.
          if (reason === 'stalled' && current === at) moveTo((at + 1) % sources.length);
          stream.close();
        },
      };
    },
  };
}

/** Options of {@link PeerPreference}. */
export interface PeerPreferenceOptions {
  /** How long a peer that failed a call goes after the others (default 30 s). */
  readonly cooldownMs?: number;
  /** The clock, in ms (tests pass a virtual one). */
  readonly now?: () => number;
}

/**
 * The order in which calls try the org's peers: the configured order (the local peer first), except
 * that a peer whose last call failed for its availability (unavailable, or past its deadline) within
 * the cooldown goes after the others. A dead local peer then costs one refused connection per cooldown
 * instead of one per call, and a hung one (it accepts connections but answers nothing) costs the calls
 * in flight when it hung, not every call until it comes back.
 */
export class PeerPreference {
  readonly #failedAt: (number | undefined)[];
  readonly #cooldownMs: number;
  readonly #now: () => number;

  constructor(count: number, options: Readonly<PeerPreferenceOptions> = {}) {
    this.#failedAt = Array.from({ length: count }, () => undefined);
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Peer indexes in the order to try them. */
  order(): number[] {
    const now = this.#now();
    const recent = (at: number | undefined): boolean => at !== undefined && now - at < this.#cooldownMs;
    const indexes = this.#failedAt.map((_, i) => i);
    return [
      ...indexes.filter((i) => !recent(this.#failedAt[i])),
      ...indexes.filter((i) => recent(this.#failedAt[i])),
    ];
  }

  /** Peer `index` did not answer (unavailable, or past its deadline). */
  failed(index: number): void {
    this.#failedAt[index] = this.#now();
  }

  /** Peer `index` answered (with a result or an error of its own). */
  answered(index: number): void {
    this.#failedAt[index] = undefined;
  }
}
