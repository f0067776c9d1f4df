/**
 * Networks side by side: `npm run bench -- --ordering raft,bft` runs the whole suite once on a network
 * of each ordering protocol, and `npm run bench -- --profiles international,sm` once on a network of
 * each crypto profile, one after the other in the same run (never both at once: on a small machine the
 * second network would take CPU from the first), and writes each run's own report plus one table that
 * puts them next to each other scenario by scenario.
 *
 * Each variant gets a network of its own beside the caller's (`<MEDLEDGER_HOME>/orderings/<protocol>` or
 * `.../profiles/<profile>`, base port one network span further each, `sideBySideBasePorts`), because a
 * network's ordering is fixed when its certificates and genesis block are made, and its crypto profile
 * when the consortium record is written; the caller's own network is left as it is.
 */
import { defaultTopologySpec, sideBySideBasePorts } from '@medledger/network';

import { writeReport, type Measurement, type BenchResults } from './report';
import { variantNetwork, type VariantNetwork } from './variant-network';

/** What a comparison varies, and how each of its values is named, stored and asked of the network. */
interface Axis {
  readonly values: readonly string[];
  readonly option: string;
  /** The folder under MEDLEDGER_HOME and the stem of the comparison's files. */
  readonly dir: string;
  readonly env: string;
  readonly title: (value: string) => string;
}

const AXES = {
  ordering: {
    values: ['raft', 'bft'],
    option: '--ordering',
    dir: 'orderings',
    env: 'MEDLEDGER_ORDERER',
    title: (v: string) => (v === 'bft' ? 'BFT' : 'Raft'),
  },
  profile: {
    values: ['international', 'sm'],
    option: '--profiles',
    dir: 'profiles',
    env: 'MEDLEDGER_CRYPTO_PROFILE',
    title: (v: string) => v,
  },
} as const satisfies Record<string, Axis>;

/** What a comparison varies: the ordering protocol or the crypto profile. */
export type ComparisonAxis = keyof typeof AXES;

/**
 * The values a comparison option names (`raft,bft`; `international,sm`), in the order given; refuses
 * others and repeats.
 */
export function parseVariants(axis: ComparisonAxis, raw: string): string[] {
  const { values, option }: Axis = AXES[axis];
  const usage = `${option} takes ${values.join(', ')} or ${values.join(',')}`;
  const asked = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const out: string[] = [];
  for (const name of asked) {
    if (!values.includes(name)) throw new Error(`${usage}; got ${JSON.stringify(raw)}`);
    if (out.includes(name)) throw new Error(`${option} names ${name} twice`);
    out.push(name);
  }
  if (out.length === 0) throw new Error(usage);
  return out;
}

/** The networks of a comparison, beside the caller's network in `home` on `basePort`. */
export function variantNetworks(
  axis: ComparisonAxis,
  home: string,
  basePort: number,
  variants: readonly string[],
): VariantNetwork[] {
  const { dir, env } = AXES[axis];
  const ports = sideBySideBasePorts(
    basePort,
    variants.map(() => defaultTopologySpec),
  );
  return variants.map((variant, i) =>
    variantNetwork({ home, dir, variant, basePort: ports[i] ?? basePort, env: { [env]: variant } }),
  );
}

/** One variant's run of the suite. */
export interface VariantRun {
  readonly variant: string;
  readonly results: BenchResults;
}

export interface VariantComparison {
  readonly axis: ComparisonAxis;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly runs: readonly VariantRun[];
}

const fmt = (n: number | null | undefined, digits = 1): string =>
  n === null || n === undefined ? '–' : n.toFixed(digits);

function side(m: Measurement | undefined): string[] {
  if (m === undefined) return ['–', '–', '–'];
  const l = m.latencyMs;
  return [l ? `${fmt(l.p50)} / ${fmt(l.p99)}` : '–', fmt(m.throughput), fmt(m.consortiumCpuMsPerOp ?? null)];
}

/**
 * `b ÷ a` of two measurements, as the report compares a scenario with its baseline: throughput for
 * closed-loop runs (more is better), p50 latency for everything else (fixed-rate runs deliver the
 * rate they are asked for, so only their latency differs); `–` when they cannot be compared.
 */
export function measurementRatio(a: Measurement | undefined, b: Measurement | undefined): string {
  if (a === undefined || b === undefined) return '–';
  const closed = a.mode.startsWith('closed') && b.mode.startsWith('closed');
  if (closed && a.throughput !== null && b.throughput !== null && a.throughput > 0)
    return `${(b.throughput / a.throughput).toFixed(2)} (tx/s)`;
  if (a.latencyMs && b.latencyMs && a.latencyMs.p50 > 0)
    return `${(b.latencyMs.p50 / a.latencyMs.p50).toFixed(2)} (p50)`;
  return '–';
}

const escape = (s: string): string => s.replace(/\|/g, '\\|');

/** The line under the title that says what differs between the runs besides the variant's name. */
function setting(c: VariantComparison, names: readonly string[]): string {
  if (c.axis === 'ordering')
    return `Orderers: ${c.runs.map((r, i) => `${names[i] ?? ''} ${String(r.results.config.orderers.length)}`).join(', ')}.`;
  return 'Crypto profiles as the consortium records them: international (SHA-256 content hashes, AES-256-GCM content at rest, ES256 patient signatures), sm (SM3, SM4-GCM, SM2SM3 beside ES256).';
}

/**
 * The side-by-side table: one line per scenario (and per baseline) the runs share, in the first run's
 * order, with p50 / p99, throughput and consortium CPU per operation of each variant, and the second
 * variant's figure as a ratio of the first's.
 */
export function renderComparison(c: VariantComparison): string {
  const [first, second] = c.runs;
  if (first === undefined) throw new Error('no run to report');
  const names = c.runs.map((r) => AXES[c.axis].title(r.variant));
  const header = ['scenario', 'run'];
  for (const name of names)
    header.push(`${name} p50 / p99 (ms)`, `${name} throughput (/s)`, `${name} CPU per op (ms)`);
  if (second) header.push(`${names[1] ?? ''} ÷ ${names[0] ?? ''}`);
  header.push(...names.map((n) => `${n} met?`));
  const lines = [
    `# MedLedger benchmark: ${names.join(' and ')} side by side${c.quick ? ' (quick)' : ''}`,
    '',
    `Run ${c.startedAt} – ${c.finishedAt}; each on a network of its own, one after the other, same machine and load. ${setting(c, names)} Each run's full report: ${c.runs.map((r) => `\`${r.variant}/latest.md\``).join(', ')}.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
  ];
  for (const row of first.results.rows) {
    const others = c.runs.map((r) => r.results.rows.find((o) => o.id === row.id));
    const pairs: [string, (m: (typeof others)[number]) => Measurement | undefined][] = [
      [row.scenario, (r) => r?.measured],
    ];
    if (row.baseline) pairs.push(['↳ baseline', (r) => r?.baseline ?? undefined]);
    for (const [label, pick] of pairs) {
      const cells = [escape(label), escape(pick(row)?.label ?? '')];
      for (const r of others) cells.push(...side(pick(r)));
      if (second) cells.push(measurementRatio(pick(others[0]), pick(others[1])));
      for (const r of others)
        cells.push(
          label === '↳ baseline' ? '' : r?.met === null || r === undefined ? 'n/a' : r.met ? 'yes' : 'no',
        );
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `latest-orderings.json` and `.md` (or `latest-profiles.*`) into `dir`; returns their paths.
 */
export function writeComparison(dir: string, c: VariantComparison): { json: string; md: string } {
  return writeReport(dir, `latest-${AXES[c.axis].dir}`, c, renderComparison(c));
}
