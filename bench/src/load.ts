import * as hdr from 'hdr-histogram-js';
import { setTimeout as sleep } from 'node:timers/promises';

/** How one request ended. Only `committed` counts towards throughput and latency. */
export type OutcomeKind = 'committed' | 'mvcc' | 'timeout' | 'rejected' | 'error';

/** The requests of `counts` that did not commit, whatever stopped them. */
export function notCommitted(counts: Readonly<Record<OutcomeKind, number>>): number {
  return counts.mvcc + counts.timeout + counts.rejected + counts.error;
}

/** One operation of a scenario; `i` numbers the calls so each can make its own ids. */
export type Operation = (i: number) => Promise<OutcomeKind>;

export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** What one load run measured in its steady state (warm-up excluded). */
export interface LoadResult {
  readonly mode: 'open' | 'closed';
  /** Requests per second asked for (open loop). */
  readonly targetRate?: number;
  /** Concurrent callers (closed loop). */
  readonly concurrency?: number;
  readonly durationS: number;
  readonly counts: Readonly<Record<OutcomeKind, number>>;
  /** Committed operations per second. */
  readonly throughput: number;
  /** Milliseconds, from the intended start of each request to its committed response. */
  readonly latencyMs: LatencySummary;
  /** CPU the load generator itself used, in percent of one core. */
  readonly loadGeneratorCpuPercent: number;
  /** The same per kind of operation, for a mixed load (`OpenLoopOptions.kindOf`). */
  readonly byKind?: Readonly<Record<string, KindResult>>;
}

/** What one kind of operation of a mixed load measured in the steady state. */
export interface KindResult {
  readonly counts: Readonly<Record<OutcomeKind, number>>;
  /** Committed operations of this kind per second. */
  readonly throughput: number;
  readonly latencyMs: LatencySummary;
}

export interface OpenLoopOptions {
  readonly rate: number;
  readonly warmupS: number;
  readonly durationS: number;
  /** Stop waiting for stragglers this long after the last request was sent. */
  readonly drainS?: number;
  /**
   * The kind of the `i`-th operation of a mixed load: latencies and counts are then kept per kind too
   * (`LoadResult.byKind`), beside the overall ones.
   */
  readonly kindOf?: (i: number) => string;
}

export interface ClosedLoopOptions {
  readonly concurrency: number;
  readonly warmupS: number;
  readonly durationS: number;
}

function newHistogram(): hdr.Histogram {
  // Microseconds from 1 us to 120 s, three significant digits.
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

function summarize(histogram: hdr.Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  if (histogram.totalCount === 0) return { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
    mean: ms(histogram.mean),
  };
}

const emptyCounts = (): Record<OutcomeKind, number> => ({
  committed: 0,
  mvcc: 0,
  timeout: 0,
  rejected: 0,
  error: 0,
});

/**
 * Tracks the steady-state window (or, for alternating loops, several windows one after another):
 * counts, latencies and the generator's CPU.
 */
class Recorder {
  readonly histogram = newHistogram();
  readonly counts = emptyCounts();
  #windowStart = 0;
  #windowEnd = 0;
  #cpuStart: NodeJS.CpuUsage = process.cpuUsage();
  /** Seconds and generator CPU (µs) of the windows closed before the current one. */
  #pastS = 0;
  #pastCpuUs = 0;

  startWindow(now: number): void {
    if (this.#windowEnd > 0) {
      this.#pastS += (this.#windowEnd - this.#windowStart) / 1000;
      this.#pastCpuUs += this.#cpuUsedUs();
      this.#windowEnd = 0;
    }
    this.#windowStart = now;
    this.#cpuStart = process.cpuUsage();
  }

  endWindow(now: number): void {
    this.#windowEnd = now;
  }

  #cpuUsedUs(): number {
    const cpu = process.cpuUsage(this.#cpuStart);
    return cpu.user + cpu.system;
  }

  inWindow(startedAt: number): boolean {
    return (
      this.#windowStart > 0 &&
      startedAt >= this.#windowStart &&
      (this.#windowEnd === 0 || startedAt < this.#windowEnd)
    );
  }

  record(startedAt: number, finishedAt: number, kind: OutcomeKind, histogram = this.histogram): boolean {
    if (!this.inWindow(startedAt)) return false;
    if (kind === 'committed') histogram.recordValue(Math.max(1, Math.round((finishedAt - startedAt) * 1000)));
    return true;
  }

  /** Records one outcome overall and, for a mixed load, under its operation kind. */
  recordOf(startedAt: number, finishedAt: number, kind: OutcomeKind, opKind?: string): void {
    if (!this.record(startedAt, finishedAt, kind)) return;
    this.counts[kind]++;
    if (opKind === undefined) return;
    let mine = this.#kinds.get(opKind);
    if (mine === undefined) {
      mine = { histogram: newHistogram(), counts: emptyCounts() };
      this.#kinds.set(opKind, mine);
    }
    mine.counts[kind]++;
    this.record(startedAt, finishedAt, kind, mine.histogram);
  }

  readonly #kinds = new Map<string, { histogram: hdr.Histogram; counts: Record<OutcomeKind, number> }>();

  result(mode: 'open' | 'closed', extra: { targetRate?: number; concurrency?: number }): LoadResult {
    const durationS = this.#pastS + (this.#windowEnd - this.#windowStart) / 1000;
    const cpuUs = this.#pastCpuUs + this.#cpuUsedUs();
    const byKind: Record<string, KindResult> = {};
    for (const [name, k] of [...this.#kinds].sort(([a], [b]) => a.localeCompare(b)))
      byKind[name] = {
        counts: { ...k.counts },
        throughput: durationS > 0 ? k.counts.committed / durationS : 0,
        latencyMs: summarize(k.histogram),
      };
    return {
      mode,
      ...extra,
      ...(this.#kinds.size > 0 ? { byKind } : {}),
      durationS,
      counts: { ...this.counts },
      throughput: durationS > 0 ? this.counts.committed / durationS : 0,
      latencyMs: summarize(this.histogram),
      loadGeneratorCpuPercent: durationS > 0 ? (cpuUs / 1000 / (durationS * 1000)) * 100 : 0,
    };
  }
}

async function settle(op: Operation, i: number): Promise<OutcomeKind> {
  try {
    return await op(i);
  } catch {
    return 'error';
  }
}

/**
 * Open-loop load: requests start at a fixed rate whether or not earlier ones finished, and latency is
 * measured from each request's intended start, so a stalled system shows up as latency rather than
 * as fewer requests (no coordinated omission).
 */
export async function openLoop(op: Operation, options: OpenLoopOptions): Promise<LoadResult> {
  const recorder = new Recorder();
  const intervalMs = 1000 / options.rate;
  const start = performance.now();
  const windowStart = start + options.warmupS * 1000;
  const end = windowStart + options.durationS * 1000;
  const inFlight = new Set<Promise<void>>();
  let i = 0;
  let windowOpened = false;
  for (;;) {
    const intended = start + i * intervalMs;
    if (intended >= end) break;
    if (!windowOpened && intended >= windowStart) {
      recorder.startWindow(Math.min(windowStart, intended));
      windowOpened = true;
    }
    const wait = intended - performance.now();
    if (wait > 0) await sleep(wait);
    const n = i++;
    // Late starts count from when the request should have started; early ones from when it did.
    const from = Math.min(intended, performance.now());
    const opKind = options.kindOf?.(n);
    const p = settle(op, n).then((kind) => {
      recorder.recordOf(from, performance.now(), kind, opKind);
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  recorder.endWindow(end);
  const drain = new AbortController();
  await Promise.race([
    Promise.all(inFlight),
    sleep((options.drainS ?? 30) * 1000, undefined, { signal: drain.signal }).catch(() => undefined),
  ]);
  drain.abort();
  return recorder.result('open', { targetRate: options.rate });
}

/** Closed-loop saturation: `concurrency` callers each send their next request when the last returns. */
export async function closedLoop(op: Operation, options: ClosedLoopOptions): Promise<LoadResult> {
  const recorder = new Recorder();
  await closedLoopInto([recorder], op, options);
  return recorder.result('closed', { concurrency: options.concurrency });
}

/**
 * One closed loop recorded into each of `recorders` (which may hold earlier windows), calling `op` with
 * indices from `firstIndex` on; answers how many operations committed in all, warm-up included, and the
 * index its next call would have had.
 */
async function closedLoopInto(
  recorders: readonly Recorder[],
  op: Operation,
  options: ClosedLoopOptions,
  firstIndex = 0,
): Promise<{ committed: number; nextIndex: number }> {
  const start = performance.now();
  const windowStart = start + options.warmupS * 1000;
  const end = windowStart + options.durationS * 1000;
  let next = firstIndex;
  let committed = 0;
  // An object, not a `let`: the workers set it, and the check after them must see that.
  const window = { opened: false };
  const openWindow = (): void => {
    if (window.opened) return;
    for (const recorder of recorders) recorder.startWindow(windowStart);
    window.opened = true;
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      const startedAt = performance.now();
      if (startedAt >= end) return;
      if (startedAt >= windowStart) openWindow();
      const kind = await settle(op, next++);
      if (kind === 'committed') committed++;
      const finishedAt = performance.now();
      for (const recorder of recorders) recorder.recordOf(startedAt, finishedAt, kind);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  // Every call outlasted the warm-up: the window still counts, with nothing committed in it.
  openWindow();
  for (const recorder of recorders) recorder.endWindow(end);
  return { committed, nextIndex: next };
}

export interface AlternatingOptions {
  readonly concurrency: number;
  /** Rounds; in each, every operation runs one chunk, in reverse order every other round. */
  readonly rounds: number;
  /** Untimed seconds at the start of every chunk: the pipeline fills with this operation's requests. */
  readonly warmupS: number;
  /** Timed seconds of every chunk. */
  readonly chunkS: number;
}

/** A hook around each chunk of {@link alternatingClosedLoops}: told the operation's index as it starts. */
export type ChunkHook = (index: number) => {
  /** The chunk ended; `committed` operations committed in it, warm-up included. */
  end(committed: number): void;
};

/** One operation's part of {@link alternatingClosedLoops}: its chunks pooled, and each on its own. */
export interface AlternatingResult {
  readonly pooled: LoadResult;
  /** One per round, in the order the rounds ran. */
  readonly chunks: readonly LoadResult[];
}

/**
 * Closed loops of several operations in alternating chunks (A B, B A, A B, ...), each operation's
 * chunks recorded as one result: a machine whose speed drifts during the run, or that is slower just
 * after a restart or a change of load, weighs on every operation alike, so their ratios hold where
 * two long loops one after the other would not.
 */
export async function alternatingClosedLoops(
  ops: readonly Operation[],
  options: AlternatingOptions,
  hook?: ChunkHook,
): Promise<AlternatingResult[]> {
  const pooled = ops.map(() => new Recorder());
  const chunks = ops.map(() => [] as Recorder[]);
  // Each operation's indices go on from chunk to chunk: an operation that names what it writes by its
  // index (a new record's id) must not write the same thing again in its next chunk.
  const nextIndex = ops.map(() => 0);
  const chunk = { concurrency: options.concurrency, warmupS: options.warmupS, durationS: options.chunkS };
  for (let round = 0; round < options.rounds; round++) {
    const order = ops.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const own = new Recorder();
      chunks[index]?.push(own);
      const around = hook?.(index);
      const { committed, nextIndex: after } = await closedLoopInto(
        [pooled[index] as Recorder, own],
        ops[index] as Operation,
        chunk,
        nextIndex[index],
      );
      nextIndex[index] = after;
      around?.end(committed);
    }
  }
  const extra = { concurrency: options.concurrency };
  return pooled.map((r, index) => ({
    pooled: r.result('closed', extra),
    chunks: (chunks[index] ?? []).map((c) => c.result('closed', extra)),
  }));
}
