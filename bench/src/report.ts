/**
 * Benchmark results: one row per scenario with its baseline from the same run, written as JSON (for
 * tools) and as a Markdown table (for people), with the configuration measured under.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROLES, type Role, type RoleCpu } from './cpu';
import type { KindResult, LatencySummary, LoadResult, OutcomeKind } from './load';
import { machineSpeedNote, type MachineSpeed, type StepSpeed } from './machine-speed';

/** What was measured for one side (scenario or its baseline). */
export interface Measurement {
  /** What ran, e.g. `POST /v1/records` or `projection complianceReport`. */
  readonly label: string;
  /** How it was driven, e.g. `closed 32` or `open 20/s`. */
  readonly mode: string;
  readonly latencyMs: LatencySummary | null;
  /** Committed (or successful, for reads) operations per second. */
  readonly throughput: number | null;
  readonly counts: Readonly<Record<OutcomeKind, number>> | null;
  readonly loadGeneratorCpuPercent: number | null;
  /**
   * CPU milliseconds the whole consortium spent per successful operation (warm-up included, at the
   * steady-state rate); `null` when not measured (no local network).
   */
  readonly consortiumCpuMsPerOp?: number | null;
  /** The same split by the role of the process (peers, orderers, chaincode servers, gateways, CAs). */
  readonly cpuMsPerOpByRole?: RoleCpu | null;
  /** Per kind of operation, for a mixed load. */
  readonly byKind?: Readonly<Record<string, KindResult>>;
  /** Each round on its own, for a closed loop run in alternating chunks (`load.ts`). */
  readonly rounds?: readonly RoundMeasurement[];
  readonly durationS: number | null;
}

/** One round's chunk of an alternating closed loop. */
export interface RoundMeasurement {
  readonly throughput: number;
  /** The consortium's CPU over the chunk, warm-up included, per operation committed in it. */
  readonly consortiumCpuMsPerOp: number | null;
}

/** One scenario of the performance bars (docs/performance.md). */
export interface ScenarioRow {
  readonly id: string;
  readonly scenario: string;
  readonly target: string;
  readonly measured: Measurement;
  readonly baseline: Measurement | null;
  /** Throughput ratio to the baseline (closed loop), or baseline p50 / scenario p50 (fixed rate). */
  readonly ratio: { readonly value: number; readonly kind: 'throughput' | 'latency' } | null;
  /** `null` when the scenario could not decide (e.g. not run in quick mode). */
  readonly met: boolean | null;
  /** Why met or by how much missed. */
  readonly verdict: string;
  readonly notes: readonly string[];
}

/** The configuration the numbers were measured under. */
export interface BenchConfig {
  readonly batchTimeout: string;
  readonly maxMessageCount: number;
  readonly preferredMaxBytes: string;
  readonly endorsementPolicy: string;
  readonly peers: readonly string[];
  readonly orderers: readonly string[];
  readonly gateways: readonly string[];
  readonly cpus: number;
  /** The CPUs' model as the kernel names it: two runs on different models compare poorly. Absent before 2026-12-02 11:00. */
  readonly cpuModel?: string;
  readonly node: string;
  /** Fabric's `OrdererType` (`etcdraft` or `BFT`); absent in results written before BFT existed. */
  readonly ordererType?: string;
  /** Peers' and orderers' `FABRIC_LOGGING_SPEC`; recorded as `info` by mistake before 2026-12-02. */
  readonly fabricLogging?: string;
  /** Peers' and orderers' `GOMAXPROCS` when set (`MEDLEDGER_GOMAXPROCS`); absent: Go's default. */
  readonly goMaxProcs?: number;
  readonly [key: string]: unknown;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly wallClockS: number;
  readonly config: BenchConfig;
  /** A fixed workload's CPU time at the run's start and end; absent in results written before 2026-12-02. */
  readonly machineSpeed?: {
    readonly start: MachineSpeed;
    readonly end: MachineSpeed;
    /** Before each step, in order (absent in the first run that timed the machine). */
    readonly steps?: readonly StepSpeed[];
  };
  readonly rows: readonly ScenarioRow[];
}

/** Consortium CPU per operation of a run, in all and per role. */
export interface CpuPerOp {
  readonly total: number;
  readonly byRole: RoleCpu | null;
}

/** A measurement from a load run. */
export function fromLoad(
  label: string,
  result: LoadResult,
  cpu: CpuPerOp | null = null,
  rounds?: readonly RoundMeasurement[],
): Measurement {
  return {
    label,
    mode:
      result.mode === 'open' ? `open ${String(result.targetRate)}/s` : `closed ${String(result.concurrency)}`,
    latencyMs: result.latencyMs,
    throughput: result.throughput,
    counts: result.counts,
    loadGeneratorCpuPercent: result.loadGeneratorCpuPercent,
    consortiumCpuMsPerOp: cpu?.total ?? null,
    cpuMsPerOpByRole: cpu?.byRole ?? null,
    ...(result.byKind ? { byKind: result.byKind } : {}),
    ...(rounds ? { rounds } : {}),
    durationS: result.durationS,
  };
}

/** A measurement that did not come from a load run: what was not measured is null. */
export function measurementOf(
  label: string,
  mode: string,
  values: Partial<Omit<Measurement, 'label' | 'mode'>> = {},
): Measurement {
  return {
    label,
    mode,
    latencyMs: null,
    throughput: null,
    counts: null,
    loadGeneratorCpuPercent: null,
    durationS: null,
    ...values,
  };
}

const fmt = (n: number | null | undefined, digits = 1): string =>
  n === null || n === undefined ? '–' : n.toFixed(digits);

function latencies(m: Pick<Measurement, 'latencyMs'>): string {
  const l = m.latencyMs;
  return l ? `${fmt(l.p50)} / ${fmt(l.p95)} / ${fmt(l.p99)} / ${fmt(l.max)}` : '–';
}

function failures(m: Pick<Measurement, 'counts'>): string {
  const c = m.counts;
  return c ? `${String(c.mvcc)} / ${String(c.timeout)} / ${String(c.rejected + c.error)}` : '–';
}

function ratioText(row: ScenarioRow): string {
  if (!row.ratio) return '–';
  return `${row.ratio.value.toFixed(2)} (${row.ratio.kind === 'throughput' ? 'tx/s' : 'p50'})`;
}

const escape = (s: string): string => s.replace(/\|/g, '\\|');

/** How the peers and orderers ran, when the results say: their log spec and Go's thread count. */
export function fabricRuntimeNote(c: BenchConfig): string {
  const parts = [
    ...(c.fabricLogging === undefined ? [] : [`Fabric log spec \`${c.fabricLogging}\``]),
    ...(c.goMaxProcs === undefined ? [] : [`GOMAXPROCS ${String(c.goMaxProcs)}`]),
  ];
  return parts.length === 0 ? '' : `; peers and orderers: ${parts.join(', ')}`;
}

/** The Markdown report: configuration, then the table (scenario line and baseline line). */
export function renderMarkdown(results: BenchResults): string {
  const c = results.config;
  const lines = [
    `# MedLedger benchmark${results.quick ? ' (quick)' : ''}`,
    '',
    `Run ${results.startedAt} – ${results.finishedAt} (${results.wallClockS.toFixed(0)} s), ${String(c.cpus)} CPUs${c.cpuModel ? ` (${c.cpuModel})` : ''}, Node ${c.node}.`,
    '',
    ...(results.machineSpeed
      ? [
          machineSpeedNote(results.machineSpeed.start, results.machineSpeed.end, results.machineSpeed.steps),
          '',
        ]
      : []),
    `Configuration: BatchTimeout ${c.batchTimeout}, MaxMessageCount ${String(c.maxMessageCount)}, PreferredMaxBytes ${c.preferredMaxBytes}; endorsement policy \`${c.endorsementPolicy}\`; peers ${c.peers.join(', ')}; orderers ${c.orderers.join(', ')} (${c.ordererType ?? 'etcdraft'}); gateways ${c.gateways.join(', ')}${fabricRuntimeNote(c)}.`,
    '',
    'Latency in ms from the HTTP request to the response that reports the commit (writes) or the data (reads); only VALID commits count. Failures: mvcc / timeouts / errors (rejections included). Ratio: throughput ratio to the baseline for closed-loop runs, baseline p50 ÷ scenario p50 for fixed-rate runs. Consortium CPU per op: CPU time of every process of the network (peers, orderers, chaincode servers, gateways, CAs) per successful operation, split by role in the table after this one; with 2 cores, 2,000 ms of CPU a second divided by it bounds what an idle machine could sustain.',
    '',
    '| scenario | target | run | load | p50 / p95 / p99 / max (ms) | throughput (/s) | ratio to baseline | met? | mvcc / timeouts / errors | generator CPU % | consortium CPU per op (ms) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of results.rows) {
    const met = row.met === null ? 'n/a' : row.met ? 'yes' : '**no**';
    const sides: [Measurement, boolean][] = [[row.measured, true]];
    if (row.baseline) sides.push([row.baseline, false]);
    for (const [m, main] of sides) {
      lines.push(
        [
          '',
          main ? escape(row.scenario) : '↳ baseline',
          main ? escape(row.target) : '',
          escape(m.label),
          m.mode,
          latencies(m),
          fmt(m.throughput),
          main ? ratioText(row) : '',
          main ? `${met} — ${escape(row.verdict)}` : '',
          failures(m),
          fmt(m.loadGeneratorCpuPercent, 0),
          fmt(m.consortiumCpuMsPerOp ?? null),
          '',
        ]
          .join(' | ')
          .trim(),
      );
    }
  }
  lines.push(...roleTable(results.rows), ...kindTables(results.rows));
  const notes = results.rows.flatMap((r) => r.notes.map((n) => `- ${r.scenario}: ${n}`));
  if (notes.length > 0) lines.push('', 'Notes:', '', ...notes);
  return `${lines.join('\n')}\n`;
}

/** How reports name each role in a column. */
export const ROLE_TITLES: Readonly<Record<Role, string>> = {
  peers: 'peers',
  orderers: 'orderers',
  chaincode: 'chaincode servers',
  gateways: 'gateways',
  cas: 'CAs',
};

/** The sides (scenario, then baseline) of a row with their line labels. */
function sidesOf(row: ScenarioRow): [string, Measurement][] {
  const sides: [string, Measurement][] = [[row.scenario, row.measured]];
  if (row.baseline) sides.push(['↳ baseline', row.baseline]);
  return sides;
}

/** The consortium CPU per operation of every measured side, split by role; nothing when none was split. */
export function roleTable(rows: readonly ScenarioRow[]): string[] {
  const lines: string[] = [];
  for (const row of rows)
    for (const [name, m] of sidesOf(row)) {
      const split = m.cpuMsPerOpByRole;
      if (!split) continue;
      lines.push(
        `| ${escape(name)} | ${escape(m.label)} | ${m.mode} | ${fmt(m.consortiumCpuMsPerOp ?? null)} | ${ROLES.map((r) => fmt(split[r])).join(' | ')} |`,
      );
    }
  if (lines.length === 0) return [];
  return [
    '',
    '## Consortium CPU per operation by role (ms)',
    '',
    "Each process's CPU time from its pid file, by the role its name says; the total also counts any process of no known role.",
    '',
    `| scenario | run | load | total | ${ROLES.map((r) => ROLE_TITLES[r]).join(' | ')} |`,
    `|---|---|---|---|${ROLES.map(() => '---').join('|')}|`,
    ...lines,
  ];
}

/** One table per mixed-load side: latency and throughput of each kind of operation and overall. */
export function kindTables(rows: readonly ScenarioRow[]): string[] {
  const lines: string[] = [];
  for (const row of rows)
    for (const [name, m] of sidesOf(row)) {
      if (!m.byKind) continue;
      lines.push(
        '',
        `## ${escape(name)}: per kind of operation (${m.mode})`,
        '',
        '| kind | p50 / p95 / p99 / max (ms) | throughput (/s) | mvcc / timeouts / errors |',
        '|---|---|---|---|',
      );
      for (const [kind, k] of Object.entries(m.byKind))
        lines.push(
          `| ${escape(kind)} | ${latencies({ latencyMs: k.latencyMs })} | ${fmt(k.throughput)} | ${failures({ counts: k.counts })} |`,
        );
      lines.push(`| all | ${latencies(m)} | ${fmt(m.throughput)} | ${failures(m)} |`);
    }
  return lines;
}

/** Writes `<stem>.json` (`value`) and `<stem>.md` (`markdown`) into `dir`, made if missing; returns their paths. */
export function writeReport(
  dir: string,
  stem: string,
  value: unknown,
  markdown: string,
): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${stem}.json`);
  const md = join(dir, `${stem}.md`);
  writeFileSync(json, `${JSON.stringify(value, null, 2)}\n`);
  writeFileSync(md, markdown);
  return { json, md };
}

/** Writes `latest.json` and `latest.md` into `dir`; returns their paths. */
export function writeResults(dir: string, results: BenchResults): { json: string; md: string } {
  return writeReport(dir, 'latest', results, renderMarkdown(results));
}
