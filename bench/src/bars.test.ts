import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  emptyTransactionCpuRow,
  mixedLoadRow,
  quietWriteLatencyRow,
  throughputRatioRow,
  writeLatencyRow,
} from './bars';
import type { OutcomeKind } from './load';
import { measurementOf, type Measurement } from './report';

const counts = (committed: number, failed = 0): Record<OutcomeKind, number> => ({
  committed,
  mvcc: 0,
  timeout: failed,
  rejected: 0,
  error: 0,
});

const latency = (p50: number, p99: number) => ({ p50, p95: p99, p99, max: p99, mean: p50 });

function run(values: Partial<Omit<Measurement, 'label' | 'mode'>>, label = 'POST /v1/ops/ping'): Measurement {
  return measurementOf(label, 'closed 32', values);
}

describe('the issue-19 bars', () => {
  it('when the empty transaction costs 9.5 ms of consortium CPU, then its bar is met; at 12 ms it is 2 ms over', () => {
    const met = emptyTransactionCpuRow(run({ consortiumCpuMsPerOp: 9.5, counts: counts(100) }));
    assert.equal(met.met, true);
    assert.equal(met.verdict, '9.5 ms (met)');
    const missed = emptyTransactionCpuRow(run({ consortiumCpuMsPerOp: 12, counts: counts(100) }));
    assert.equal(missed.met, false);
    assert.equal(missed.verdict, '12.0 ms (2.0 ms over)');
  });

  it('when no CPU was read or nothing committed, then the CPU bar is not decided', () => {
    assert.equal(emptyTransactionCpuRow(run({ consortiumCpuMsPerOp: null, counts: counts(10) })).met, null);
    assert.equal(emptyTransactionCpuRow(run({ consortiumCpuMsPerOp: 1, counts: counts(0) })).met, null);
  });

  it('when anchors reach 0.5 of the empty transaction, then the 0.45 bar is met and the 0.7 bar is 0.20 short', () => {
    const anchor = run({ throughput: 50 }, 'POST /v1/records');
    const ping = run({ throughput: 100 });
    const half = { id: 'x', scenario: 'x', measured: anchor, baseline: ping, notes: [] };
    const r45 = throughputRatioRow({ ...half, bar: 0.45 });
    assert.equal(r45.met, true);
    assert.deepEqual(r45.ratio, { value: 0.5, kind: 'throughput' });
    assert.equal(r45.target, '>= 0.45 of the empty-transaction throughput');
    const r70 = throughputRatioRow({ ...half, bar: 0.7 });
    assert.equal(r70.met, false);
    assert.match(r70.verdict, /^ratio 0\.50 \(0\.20 short\), 50\.0 vs 100\.0 tx\/s$/);
  });

  it('when the scenario and its baseline alternated over three rounds, then the verdicts show each round beside the pooled value', () => {
    const round = (throughput: number, cpu: number | null) => ({ throughput, consortiumCpuMsPerOp: cpu });
    const ping = run({
      throughput: 100,
      consortiumCpuMsPerOp: 17.3,
      counts: counts(3000),
      rounds: [round(90, 18.1), round(100, 17.0), round(110, 16.9)],
    });
    const anchor = run(
      { throughput: 25, rounds: [round(20, 80), round(25, 76), round(33, 72)] },
      'POST /v1/records',
    );
    const row = throughputRatioRow({
      id: 'x',
      scenario: 'x',
      bar: 0.45,
      measured: anchor,
      baseline: ping,
      notes: [],
    });
    assert.equal(row.verdict, 'ratio 0.25 (0.20 short), 25.0 vs 100.0 tx/s; by round 0.22 / 0.25 / 0.30');
    assert.equal(
      emptyTransactionCpuRow(ping).verdict,
      '17.3 ms (7.3 ms over); by round 18.1 / 17.0 / 16.9 ms',
    );
    // Rounds that do not pair up (or a round without CPU readings) are left out rather than guessed.
    const unpaired = throughputRatioRow({
      id: 'x',
      scenario: 'x',
      bar: 0.45,
      measured: run({ throughput: 25, rounds: [round(25, 76)] }),
      baseline: ping,
      notes: [],
    });
    assert.equal(unpaired.verdict, 'ratio 0.25 (0.20 short), 25.0 vs 100.0 tx/s');
    const noCpu = run({
      consortiumCpuMsPerOp: 17.3,
      counts: counts(10),
      rounds: [round(9, null), round(9, 17)],
    });
    assert.equal(emptyTransactionCpuRow(noCpu).verdict, '17.3 ms (7.3 ms over)');
  });

  it('when the baseline committed nothing, then a throughput ratio bar is not met', () => {
    const row = throughputRatioRow({
      id: 'x',
      scenario: 'x',
      bar: 0.45,
      measured: run({ throughput: 5 }),
      baseline: run({ throughput: 0 }),
      notes: [],
    });
    assert.equal(row.met, false);
  });

  it('when the mix has p99 180 ms and nothing failed, then the seed load bar is met; a failed interaction or p99 over 200 ms misses it', () => {
    const ping = run({ latencyMs: latency(20, 40), counts: counts(96) });
    const good = mixedLoadRow(
      run(
        { latencyMs: latency(40, 180), counts: counts(96), consortiumCpuMsPerOp: 33.3 },
        'hospital day mix',
      ),
      ping,
    );
    assert.equal(good.met, true);
    assert.match(
      good.verdict,
      /p99 180 ms \(met\), 0 of 96 interactions failed; CPU per interaction 33\.3 ms/,
    );
    assert.deepEqual(good.ratio, { value: 0.5, kind: 'latency' });
    assert.match(good.scenario, /100,000 interactions a day, peaks 10x the mean \(12\/s mixed\)/);
    const failed = mixedLoadRow(run({ latencyMs: latency(40, 180), counts: counts(95, 1) }), ping);
    assert.equal(failed.met, false);
    assert.match(failed.verdict, /1 of 96 interactions failed/);
    const slow = mixedLoadRow(run({ latencyMs: latency(40, 250), counts: counts(96) }), ping);
    assert.equal(slow.met, false);
    assert.match(slow.verdict, /p99 250 ms \(50 ms over\)/);
  });

  it('when anchors at 20/s commit at p50 90 / p99 180 ms, then the write-latency bar is met; p99 250 misses it', () => {
    const ping = run({ latencyMs: latency(36, 60), counts: counts(600) });
    const good = writeLatencyRow(
      run({ latencyMs: latency(90, 180), counts: counts(600) }, 'POST /v1/records'),
      ping,
      20,
    );
    assert.equal(good.met, true);
    assert.equal(good.verdict, 'p50 90 ms (met), p99 180 ms (met)');
    assert.deepEqual(good.ratio, { value: 0.4, kind: 'latency' });
    assert.equal(good.scenario, 'end-to-end write latency at 20 tx/s (anchor)');
    const slow = writeLatencyRow(run({ latencyMs: latency(90, 250), counts: counts(600) }), ping, 20);
    assert.equal(slow.met, false);
    assert.equal(slow.verdict, 'p50 90 ms (met), p99 250 ms (50 ms over)');
  });

  it('when anchors on a quiet host commit at p50 80 / p99 150 ms, then the row compares them with the bar but judges nothing', () => {
    const ping = run({ latencyMs: latency(30, 45), counts: counts(120) });
    const quiet = quietWriteLatencyRow(
      run({ latencyMs: latency(80, 150), counts: counts(120) }, 'POST /v1/records'),
      ping,
      4,
    );
    assert.equal(quiet.id, 'write-latency-quiet');
    assert.equal(quiet.met, null);
    assert.equal(quiet.scenario, 'anchor latency on a mostly idle host (4 tx/s)');
    assert.equal(quiet.verdict, 'at this load p50 80 ms (met), p99 150 ms (met)');
    assert.deepEqual(quiet.ratio, { value: 0.375, kind: 'latency' });
    const slow = quietWriteLatencyRow(run({ latencyMs: latency(120, 260), counts: counts(120) }), ping, 4);
    assert.equal(slow.met, null);
    assert.equal(slow.verdict, 'at this load p50 120 ms (20 ms over), p99 260 ms (60 ms over)');
    const none = quietWriteLatencyRow(run({ latencyMs: latency(0, 0), counts: counts(0, 120) }), ping, 4);
    assert.equal(none.verdict, 'nothing committed: 120 of 120 anchors failed (120 timed out)');
  });

  it('when no anchor committed at the fixed rate, then the row says so instead of judging latencies of no request', () => {
    const ping = run({ latencyMs: latency(36, 60), counts: counts(600) });
    const none = writeLatencyRow(run({ latencyMs: latency(0, 0), counts: counts(0, 600) }), ping, 20);
    assert.equal(none.met, false);
    assert.equal(none.verdict, 'nothing committed: 600 of 600 anchors failed (600 timed out)');
    assert.equal(none.ratio, null);
  });
});
