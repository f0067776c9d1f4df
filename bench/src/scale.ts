/**
 * Growth with the consortium's size: `npm run bench -- --orgs 4,6,8` runs the scenarios that say what
 * a transaction costs (the empty transaction at saturation, anchors at the fixed write rate and on a
 * mostly idle host, the hospital day's mix at its peak rate) on a consortium of each size in turn, and reports how CPU per
 * operation (in all and per role), throughput and latency grow with each org added.
 *
 * Each size gets a network of its own beside the caller's, like `--ordering` (orderings.ts):
 * `<MEDLEDGER_HOME>/orgs/<n>`, started with `MEDLEDGER_ORGS=<n>`, on a base port one network span
 * further per size (`sizedBasePort`); networks the bench starts are stopped after their run, so
 * two never share the machine.
 */
import { defaultTopologySpec, MIN_ORGS, ORGS_ENV, sizedBasePort } from '@medledger/network';

import { ROLES } from './cpu';
import { notCommitted } from './load';
import { ROLE_TITLES, writeReport, type BenchResults, type Measurement } from './report';
import { variantNetwork, type VariantNetwork } from './variant-network';

/** The consortium sizes `--orgs` names (`4,6,8`), in the order given; refuses repeats and sizes below four. */
export function parseOrgCounts(raw: string): number[] {
  const usage = `--orgs takes consortium sizes of at least ${String(MIN_ORGS)} orgs, e.g. 4,6,8`;
  const out: number[] = [];
  for (const part of raw.split(',').map((s) => s.trim())) {
    if (part === '') continue;
    const n = Number(part);
    if (!/^\d+$/.test(part) || n < MIN_ORGS) throw new Error(`${usage}; got ${JSON.stringify(raw)}`);
    if (out.includes(n)) throw new Error(`--orgs names ${part} twice`);
    out.push(n);
  }
  if (out.length === 0) throw new Error(usage);
  return out;
}

/** The networks of the comparison, beside the caller's network in `home` on `basePort`. */
export function scaleNetworks(home: string, basePort: number, counts: readonly number[]): VariantNetwork[] {
  return counts.map((orgs) =>
    variantNetwork({
      home,
      dir: 'orgs',
      variant: String(orgs),
      name: `${String(orgs)} orgs`,
      basePort: sizedBasePort(basePort, defaultTopologySpec, orgs),
      env: { [ORGS_ENV]: String(orgs) },
    }),
  );
}

/** One size's run of the scale scenarios. */
export interface ScaleRun {
  readonly orgs: number;
  readonly results: BenchResults;
}

export interface ScaleComparison {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly runs: readonly ScaleRun[];
}

/**
 * The least-squares slope of `value` over `orgs`: how much it grows per added org; `null` with fewer
 * than two sizes measured.
 */
export function growthPerOrg(
  points: readonly { orgs: number; value: number | null | undefined }[],
): number | null {
  const known = points.filter((p): p is { orgs: number; value: number } => typeof p.value === 'number');
  if (known.length < 2) return null;
  const mx = known.reduce((a, p) => a + p.orgs, 0) / known.length;
  const my = known.reduce((a, p) => a + p.value, 0) / known.length;
  const sxx = known.reduce((a, p) => a + (p.orgs - mx) ** 2, 0);
  if (sxx === 0) return null;
  return known.reduce((a, p) => a + (p.orgs - mx) * (p.value - my), 0) / sxx;
}

/** The scenarios the comparison reports, by row id, and which side of the row. */
const SCALE_SCENARIOS = [
  { id: 'empty-tx-cpu', title: 'empty transaction at saturation (closed loop)' },
  { id: 'write-latency', title: 'anchor a record at the fixed write rate (open loop)' },
  { id: 'write-latency-quiet', title: 'anchor a record on a mostly idle host (open loop)' },
  { id: 'mixed-load', title: "the hospital day's mix at its peak rate (open loop)" },
] as const;

/** Whether `m` ran and committed nothing: its latencies are then of no operation, not of fast ones. */
const committedNothing = (m: Measurement | undefined): boolean => m?.counts?.committed === 0;

/** The figures of one measurement the comparison shows, in column order. */
function figures(m: Measurement | undefined): (number | null)[] {
  const roles = m?.cpuMsPerOpByRole;
  const latency = committedNothing(m) ? null : (m?.latencyMs ?? null);
  return [
    m?.throughput ?? null,
    latency?.p50 ?? null,
    latency?.p99 ?? null,
    m?.consortiumCpuMsPerOp ?? null,
    ...ROLES.map((r) => roles?.[r] ?? null),
  ];
}

const fmt = (n: number | null, digits = 1): string => (n === null ? '–' : n.toFixed(digits));
const signed = (n: number | null): string => (n === null ? '–' : `${n >= 0 ? '+' : ''}${n.toFixed(2)}`);

/** The comparison: one table per scenario, a line per consortium size, then the growth per added org. */
export function renderScale(c: ScaleComparison): string {
  const header = [
    'orgs',
    'load',
    'throughput (/s)',
    'p50 (ms)',
    'p99 (ms)',
    'CPU per op (ms)',
    ...ROLES.map((r) => `${ROLE_TITLES[r]} (ms)`),
  ];
  const lines = [
    `# MedLedger benchmark: consortium size${c.quick ? ' (quick)' : ''}`,
    '',
    `Run ${c.startedAt} – ${c.finishedAt}; a network of each size (${c.runs.map((r) => String(r.orgs)).join(', ')} orgs), one after the other on the same machine. Each run's full report: ${c.runs.map((r) => `\`orgs-${String(r.orgs)}/latest.md\``).join(', ')}. CPU per op is the whole consortium's CPU per committed operation, then its split by role; the last line of each table is the least-squares slope over the sizes: how much each figure grows per added org.`,
  ];
  for (const scenario of SCALE_SCENARIOS) {
    const sides = c.runs.map((r) => ({
      orgs: r.orgs,
      row: r.results.rows.find((x) => x.id === scenario.id),
    }));
    if (sides.every((s) => s.row === undefined)) continue;
    lines.push(
      '',
      `## ${scenario.title}`,
      '',
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
    );
    const table = sides.map((s) => ({
      orgs: s.orgs,
      mode: s.row?.measured.mode ?? '–',
      values: figures(s.row?.measured),
    }));
    for (const t of table)
      lines.push(`| ${String(t.orgs)} | ${t.mode} | ${t.values.map((v) => fmt(v)).join(' | ')} |`);
    const growth = header
      .slice(2)
      .map((_, col) => growthPerOrg(table.map((t) => ({ orgs: t.orgs, value: t.values[col] }))));
    lines.push(`| per added org | | ${growth.map(signed).join(' | ')} |`);
    for (const s of sides) {
      const counts = s.row?.measured.counts;
      if (counts?.committed === 0)
        lines.push(
          '',
          `At ${String(s.orgs)} orgs nothing committed (${String(notCommitted(counts))} operations failed or timed out): no latency, and no CPU per operation, to report or to fit.`,
        );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `latest-orgs.json` and `latest-orgs.md` into `dir`; returns their paths. */
export function writeScale(dir: string, c: ScaleComparison): { json: string; md: string } {
  return writeReport(dir, 'latest-orgs', c, renderScale(c));
}
