/**
 * The bars of issue 19 that the suite judges from numbers alone (docs/performance.md, "The bars"):
 * each builds its row from what was measured, and says met or by how much missed. A ratio bar is judged
 * against the baseline measured in the same run, an absolute bar against its own number.
 */
import { notCommitted } from './load';
import { HOSPITAL_DAY_MIX, peakRate, SEED_DAY } from './mix';
import type { Measurement, ScenarioRow } from './report';

/** Consortium CPU per empty transaction at saturation, milliseconds. */
export const EMPTY_TX_CPU_BAR_MS = 10;
/** Anchors per second as a share of empty transactions per second (two commits by design). */
export const ANCHOR_THROUGHPUT_BAR = 0.45;
/** Access decisions per second as a share of empty transactions per second. */
export const ACCESS_THROUGHPUT_BAR = 0.7;
/** p99 of the seed's mixed load at its peak rate, milliseconds. */
export const MIX_P99_BAR_MS = 200;
/** Anchor latency at the fixed write rate, committed. */
export const WRITE_P50_BAR_MS = 100;
export const WRITE_P99_BAR_MS = 200;

/** `consortium CPU per empty transaction <= 10 ms`, from the empty transaction's saturation run. */
export function emptyTransactionCpuRow(ping: Measurement): ScenarioRow {
  const cpu = ping.consortiumCpuMsPerOp ?? null;
  const committed = (ping.counts?.committed ?? 0) > 0;
  return {
    id: 'empty-tx-cpu',
    scenario: 'consortium CPU per empty transaction (saturation)',
    target: `<= ${String(EMPTY_TX_CPU_BAR_MS)} ms, split per role`,
    measured: ping,
    baseline: null,
    ratio: null,
    met: cpu === null || !committed ? null : cpu <= EMPTY_TX_CPU_BAR_MS,
    verdict:
      cpu === null || !committed
        ? 'not measured: no CPU readings of the consortium (not a local network) or nothing committed'
        : `${cpu.toFixed(1)} ms (${cpu <= EMPTY_TX_CPU_BAR_MS ? 'met' : `${(cpu - EMPTY_TX_CPU_BAR_MS).toFixed(1)} ms over`})${byRound(
            ping.rounds?.map((r) => r.consortiumCpuMsPerOp),
            1,
            ' ms',
          )}`,
    notes: [
      "CPU time of every process of the network over the empty transaction's own chunks of the alternating closed loops (each chunk's warm-up included) per empty transaction committed in them; the split per role is in the role table.",
    ],
  };
}

/**
 * `; by round a / b / c` for the values of an alternating run's rounds, so a reader sees how far they
 * spread; nothing when the run had no rounds or a round has no value.
 */
function byRound(values: readonly (number | null)[] | undefined, digits: number, unit = ''): string {
  if (values === undefined || values.length < 2 || values.some((v) => v === null)) return '';
  return `; by round ${values.map((v) => (v ?? 0).toFixed(digits)).join(' / ')}${unit}`;
}

/** Each round's throughput ratio, when the scenario and its baseline alternated over the same rounds. */
function roundRatios(measured: Measurement, baseline: Measurement): (number | null)[] | undefined {
  const mine = measured.rounds;
  const theirs = baseline.rounds;
  if (mine === undefined || theirs?.length !== mine.length) return undefined;
  return mine.map((r, i) => {
    const base = theirs[i]?.throughput ?? 0;
    return base > 0 ? r.throughput / base : null;
  });
}

/** A `>= bar of the empty transaction's throughput` row, both sides run closed-loop in the same run. */
export function throughputRatioRow(input: {
  readonly id: string;
  readonly scenario: string;
  readonly bar: number;
  readonly measured: Measurement;
  readonly baseline: Measurement;
  readonly notes: readonly string[];
}): ScenarioRow {
  const t = input.measured.throughput ?? 0;
  const base = input.baseline.throughput ?? 0;
  const ratio = base > 0 ? t / base : 0;
  const met = base > 0 && ratio >= input.bar;
  return {
    id: input.id,
    scenario: input.scenario,
    target: `>= ${input.bar.toFixed(2)} of the empty-transaction throughput`,
    measured: input.measured,
    baseline: input.baseline,
    ratio: { value: ratio, kind: 'throughput' },
    met,
    verdict: `ratio ${ratio.toFixed(2)} (${met ? 'met' : `${(input.bar - ratio).toFixed(2)} short`}), ${t.toFixed(1)} vs ${base.toFixed(1)} tx/s${byRound(roundRatios(input.measured, input.baseline), 2)}`,
    notes: input.notes,
  };
}

/**
 * End-to-end write latency: anchors at a fixed rate, `p50 <= 100 ms, p99 <= 200 ms`, committed, beside
 * the empty transaction at the same rate. A run where nothing committed says so: its latencies are
 * those of no request.
 */
export function writeLatencyRow(anchor: Measurement, ping: Measurement, rate: number): ScenarioRow {
  const l = anchor.latencyMs;
  const c = anchor.counts;
  const committed = c?.committed ?? 0;
  const failed = c ? notCommitted(c) : 0;
  const judged = (value: number, bar: number, name: string) =>
    `${name} ${value.toFixed(0)} ms (${value <= bar ? 'met' : `${(value - bar).toFixed(0)} ms over`})`;
  return {
    id: 'write-latency',
    scenario: `end-to-end write latency at ${String(rate)} tx/s (anchor)`,
    target: `p50 <= ${String(WRITE_P50_BAR_MS)} ms, p99 <= ${String(WRITE_P99_BAR_MS)} ms (committed)`,
    measured: anchor,
    baseline: ping,
    ratio: ping.latencyMs && l && l.p50 > 0 ? { value: ping.latencyMs.p50 / l.p50, kind: 'latency' } : null,
    met: l !== null && committed > 0 && l.p50 <= WRITE_P50_BAR_MS && l.p99 <= WRITE_P99_BAR_MS,
    verdict:
      l === null || committed === 0
        ? `nothing committed: ${String(failed)} of ${String(failed)} anchors failed (${String(c?.timeout ?? 0)} timed out)`
        : `${judged(l.p50, WRITE_P50_BAR_MS, 'p50')}, ${judged(l.p99, WRITE_P99_BAR_MS, 'p99')}`,
    notes: [],
  };
}

/**
 * Anchors at a rate that leaves the one host mostly idle. No bar of its own: the latency of two
 * commits when no org's validation queues behind another's, as on a host per org, judged against the
 * write-latency bar's numbers for comparison only (`met` stays `null`).
 */
export function quietWriteLatencyRow(anchor: Measurement, ping: Measurement, rate: number): ScenarioRow {
  const atBarRate = writeLatencyRow(anchor, ping, rate);
  const committed = (anchor.counts?.committed ?? 0) > 0;
  return {
    ...atBarRate,
    id: 'write-latency-quiet',
    scenario: `anchor latency on a mostly idle host (${String(rate)} tx/s)`,
    target: `no bar of its own: the write-latency bar's p50 <= ${String(WRITE_P50_BAR_MS)} ms, p99 <= ${String(WRITE_P99_BAR_MS)} ms without one host's queueing`,
    met: null,
    verdict: committed ? `at this load ${atBarRate.verdict}` : atBarRate.verdict,
  };
}

/**
 * The seed's load: the hospital day's mix at its peak rate, `p99 <= 200 ms` over every interaction,
 * with the empty transaction at the same rate as its baseline. Interactions that fail count against
 * it: a day whose failed requests were left out would look faster than it was.
 */
export function mixedLoadRow(mix: Measurement, ping: Measurement): ScenarioRow {
  const l = mix.latencyMs;
  const c = mix.counts;
  const failed = c ? notCommitted(c) : 0;
  const committed = c?.committed ?? 0;
  const met = l !== null && committed > 0 && failed === 0 && l.p99 <= MIX_P99_BAR_MS;
  const rate = peakRate(SEED_DAY);
  return {
    id: 'mixed-load',
    scenario: `the seed's load: ${SEED_DAY.interactionsPerDay.toLocaleString('en')} interactions a day, peaks ${String(SEED_DAY.peakFactor)}x the mean (${String(rate)}/s mixed)`,
    target: `p99 <= ${String(MIX_P99_BAR_MS)} ms, every interaction done`,
    measured: mix,
    baseline: ping,
    ratio: ping.latencyMs && l && l.p50 > 0 ? { value: ping.latencyMs.p50 / l.p50, kind: 'latency' } : null,
    met,
    verdict:
      l === null || committed === 0
        ? 'nothing done'
        : `p50 ${l.p50.toFixed(0)} / p95 ${l.p95.toFixed(0)} / p99 ${l.p99.toFixed(0)} ms (${l.p99 <= MIX_P99_BAR_MS ? 'met' : `${(l.p99 - MIX_P99_BAR_MS).toFixed(0)} ms over`}), ${String(failed)} of ${String(committed + failed)} interactions failed; CPU per interaction ${mix.consortiumCpuMsPerOp == null ? '–' : `${mix.consortiumCpuMsPerOp.toFixed(1)} ms`}`,
    notes: [
      `the mix (docs/performance.md, the hospital day): ${HOSPITAL_DAY_MIX.map((m) => `${String(m.share)} % ${m.kind} (${m.what})`).join(', ')}; spread evenly over an open loop, latency from each interaction's intended start; an access-content interaction is the decision and the content read, timed together. Per-kind latencies are in the table after the role table.`,
    ],
  };
}
