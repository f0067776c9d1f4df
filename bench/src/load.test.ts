import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { alternatingClosedLoops, closedLoop, openLoop, type Operation } from './load';

describe('load generator', () => {
  it('when an open loop runs at 200/s for 1 s, then it starts about 200 requests and counts only committed ones', async () => {
    let calls = 0;
    const result = await openLoop(
      async (i) => {
        calls++;
        await sleep(2);
        return i % 10 === 0 ? 'mvcc' : 'committed';
      },
      { rate: 200, warmupS: 0.2, durationS: 1 },
    );
    // Bounds wide enough for a busy machine (timers fire late): the schedule is 240 starts, 200 in the
    // measured window, every tenth an MVCC conflict.
    assert.ok(calls >= 200 && calls <= 250, `calls ${calls}`);
    const total = result.counts.committed + result.counts.mvcc;
    assert.ok(total >= 150 && total <= 215, `window total ${total}`);
    const mvccShare = result.counts.mvcc / total;
    assert.ok(mvccShare >= 0.05 && mvccShare <= 0.15, `mvcc ${result.counts.mvcc} of ${total}`);
    assert.ok(result.latencyMs.p50 >= 2, `p50 ${result.latencyMs.p50}`);
    assert.ok(result.latencyMs.p99 >= result.latencyMs.p50);
  });

  it('when the system stalls, then open-loop latency includes the time requests waited to start', async () => {
    let stalled = false;
    const result = await openLoop(
      async () => {
        if (!stalled) {
          stalled = true;
          await sleep(300); // one slow request; later ones are still sent on schedule
        }
        return 'committed';
      },
      { rate: 100, warmupS: 0, durationS: 0.5 },
    );
    assert.ok(result.latencyMs.max >= 290, `max ${result.latencyMs.max}`);
  });

  it('when a closed loop runs with 4 callers of a 10 ms operation, then throughput follows from its latency (at most 400/s)', async () => {
    const result = await closedLoop(
      async () => {
        await sleep(10);
        return 'committed';
      },
      { concurrency: 4, warmupS: 0.1, durationS: 0.5 },
    );
    // Little's law for a closed loop: throughput = callers / latency. 10 ms per call caps it at 400/s;
    // a busy machine stretches the latency and lowers throughput with it, never below 4 / p99.
    assert.ok(result.throughput <= 420, `throughput ${result.throughput}`);
    assert.ok(
      result.throughput >= (0.8 * 4 * 1000) / result.latencyMs.p99,
      `throughput ${result.throughput} with p99 ${result.latencyMs.p99} ms`,
    );
    assert.equal(result.counts.error, 0);
  });

  it('when an operation throws, then it is counted as an error, not a commit', async () => {
    const result = await closedLoop(
      async () => {
        await sleep(5);
        throw new Error('boom');
      },
      { concurrency: 2, warmupS: 0, durationS: 0.2 },
    );
    assert.equal(result.counts.committed, 0);
    assert.ok(result.counts.error > 0);
  });

  it('when an open loop runs a mix of kinds, then each kind has its own counts and latencies and they add up to the whole', async () => {
    const kindOf = (i: number): string => (i % 4 === 0 ? 'slow' : 'fast');
    const result = await openLoop(
      async (i) => {
        await sleep(kindOf(i) === 'slow' ? 40 : 1);
        return i % 8 === 4 ? 'mvcc' : 'committed';
      },
      { rate: 100, warmupS: 0.1, durationS: 0.8, kindOf },
    );
    const byKind = result.byKind;
    assert.ok(byKind, 'per-kind results');
    assert.deepEqual(Object.keys(byKind), ['fast', 'slow']);
    const slow = byKind['slow'];
    const fast = byKind['fast'];
    assert.ok(slow && fast);
    assert.equal(slow.counts.committed + fast.counts.committed, result.counts.committed);
    assert.equal(slow.counts.mvcc + fast.counts.mvcc, result.counts.mvcc);
    assert.equal(fast.counts.mvcc, 0, 'the conflicts all fall on the slow kind');
    // A 40 ms timer can fire a fraction of a millisecond early against the monotonic clock.
    assert.ok(slow.latencyMs.p50 >= 35, `slow p50 ${String(slow.latencyMs.p50)}`);
    assert.ok(fast.latencyMs.p50 < slow.latencyMs.p50);
    assert.ok(Math.abs(slow.throughput + fast.throughput - result.throughput) < 1e-9);
  });

  it('when a load has no kinds, then its result has no per-kind part', async () => {
    const result = await openLoop(() => Promise.resolve('committed'), {
      rate: 50,
      warmupS: 0,
      durationS: 0.1,
    });
    assert.equal(result.byKind, undefined);
  });

  it('when every call outlasts the timed window, then the window still spans its duration with nothing committed', async () => {
    const result = await closedLoop(
      async () => {
        await sleep(200);
        return 'committed';
      },
      { concurrency: 2, warmupS: 0.05, durationS: 0.1 },
    );
    assert.equal(result.counts.committed, 0);
    assert.equal(result.throughput, 0);
    assert.ok(Math.abs(result.durationS - 0.1) < 0.01, `duration ${result.durationS} s`);
  });

  it('when two operations alternate, then their chunks run A B, B A, A B and each result pools its own chunks', async () => {
    const op =
      (ms: number): Operation =>
      async () => {
        await sleep(ms);
        return 'committed';
      };
    const order: number[] = [];
    const committedInChunks = [0, 0];
    const [first, second] = await alternatingClosedLoops(
      [op(5), op(10)],
      { concurrency: 2, rounds: 3, warmupS: 0.02, chunkS: 0.15 },
      (index) => {
        order.push(index);
        return {
          end: (committed) => (committedInChunks[index] = (committedInChunks[index] ?? 0) + committed),
        };
      },
    );
    assert.ok(first && second);
    const [a, b] = [first.pooled, second.pooled];
    assert.deepEqual(order, [0, 1, 1, 0, 0, 1]);
    for (const { pooled, chunks } of [first, second]) {
      assert.ok(Math.abs(pooled.durationS - 0.45) < 0.03, `three chunks of 0.15 s: ${pooled.durationS} s`);
      assert.equal(pooled.counts.error, 0);
      // Each round's chunk on its own, and together they are the pooled result.
      assert.equal(chunks.length, 3);
      assert.equal(
        chunks.reduce((n, c) => n + c.counts.committed, 0),
        pooled.counts.committed,
      );
    }
    // The hook counts every commit of a chunk, warm-up included; the result only the timed windows.
    assert.ok((committedInChunks[0] ?? 0) >= a.counts.committed && a.counts.committed > 0);
    assert.ok((committedInChunks[1] ?? 0) >= b.counts.committed && b.counts.committed > 0);
    // The cheaper operation answers faster in the pooled windows too.
    assert.ok(a.latencyMs.p50 < b.latencyMs.p50, `p50 ${a.latencyMs.p50} vs ${b.latencyMs.p50} ms`);
  });

  it('when an operation runs in several chunks, then its calls never reuse an index, as an anchor of a new record each index names would be refused as a duplicate', async () => {
    const seen = [new Map<number, number>(), new Map<number, number>()];
    const op =
      (side: number): Operation =>
      async (i) => {
        const calls = seen[side] as Map<number, number>;
        calls.set(i, (calls.get(i) ?? 0) + 1);
        await sleep(2);
        return 'committed';
      };
    await alternatingClosedLoops([op(0), op(1)], { concurrency: 3, rounds: 3, warmupS: 0.01, chunkS: 0.05 });
    for (const calls of seen) {
      const repeated = [...calls].filter(([, n]) => n > 1).map(([i]) => i);
      assert.deepEqual(repeated, [], `indices called more than once: ${repeated.slice(0, 5).join(', ')}`);
      // Three chunks of calls, numbered on from one chunk to the next: 0, 1, 2, ... with no gap.
      const indices = [...calls.keys()].sort((a, b) => a - b);
      assert.ok(indices.length > 30, `${indices.length} calls`);
      assert.deepEqual(
        indices,
        indices.map((_, n) => n),
      );
    }
  });

  it('when the machine slows down during a run, then two equal operations in alternating chunks still measure alike, where one after the other they do not', async () => {
    // A machine that gets steadily slower: a 10 ms call takes 20 ms more for every second since the start.
    const slowing = (): Operation => {
      const start = performance.now();
      return async () => {
        await sleep(10 * (1 + (2 * (performance.now() - start)) / 1000));
        return 'committed';
      };
    };
    const options = { concurrency: 4, warmupS: 0.02, durationS: 0.4 };
    const drifting = slowing();
    const first = await closedLoop(drifting, options);
    const second = await closedLoop(drifting, options);
    const sequentialRatio = second.throughput / first.throughput;
    const alternate = slowing();
    const [p, q] = await alternatingClosedLoops([alternate, alternate], {
      concurrency: 4,
      rounds: 4,
      warmupS: 0.02,
      chunkS: 0.12,
    });
    assert.ok(p && q);
    const alternatingRatio = q.pooled.throughput / p.pooled.throughput;
    assert.ok(sequentialRatio < 0.8, `one after the other: ratio ${sequentialRatio.toFixed(2)}`);
    assert.ok(
      alternatingRatio > 0.8 && alternatingRatio < 1.25,
      `alternating: ratio ${alternatingRatio.toFixed(2)}`,
    );
  });
});
