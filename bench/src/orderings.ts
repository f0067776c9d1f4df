/**
 * Raft and BFT side by side: `npm run bench -- --ordering raft,bft` runs the whole suite once on a
 * network of each ordering protocol, one after the other in the same run (never both at once: on a
 * small machine the second network would take CPU from the first), and writes each run's own report
 * plus one table that puts the two next to each other scenario by scenario.
 *
 * Each protocol gets a network of its own beside the caller's (`<MEDLEDGER_HOME>/orderings/<protocol>`,
 * base port `MEDLEDGER_BASE_PORT + ORDERING_PORT_STRIDE * (i + 1)`), because a network's ordering is fixed when its
 * certificates and genesis block are made; the caller's own network is left as it is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTopologySpec, portSpan } from '@medledger/network';

import type { Measurement, BenchResults } from './report';

export type Ordering = 'raft' | 'bft';

const ORDERINGS: readonly Ordering[] = ['raft', 'bft'];

/**
 * Ports between two networks of the comparison: one network's span (`portSpan`, 700 with six orgs),
 * so no port of one is a port of the next and their isolated subnets differ.
 */
export const ORDERING_PORT_STRIDE = portSpan(defaultTopologySpec);

/** The protocols `--ordering` names (`raft`, `bft`, `raft,bft`), in the order given; refuses others. */
export function parseOrderings(raw: string): Ordering[] {
  const asked = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const out: Ordering[] = [];
  for (const name of asked) {
    const ordering = ORDERINGS.find((o) => o === name);
    if (ordering === undefined)
      throw new Error(`--ordering takes raft, bft or raft,bft; got ${JSON.stringify(raw)}`);
    if (out.includes(ordering)) throw new Error(`--ordering names ${ordering} twice`);
    out.push(ordering);
  }
  if (out.length === 0) throw new Error('--ordering takes raft, bft or raft,bft');
  return out;
}

/** Where the network of each protocol lives and which ports it takes. */
export interface OrderingNetwork {
  readonly ordering: Ordering;
  readonly home: string;
  readonly basePort: number;
  /** The environment `npm start` would need for it (on top of the caller's). */
  readonly env: Readonly<Record<string, string>>;
}

/** The networks of a comparison, beside the caller's network in `home` on `basePort`. */
export function orderingNetworks(
  home: string,
  basePort: number,
  orderings: readonly Ordering[],
): OrderingNetwork[] {
  return orderings.map((ordering, i) => {
    const net = {
      home: join(home, 'orderings', ordering),
      basePort: basePort + ORDERING_PORT_STRIDE * (i + 1),
    };
    return {
      ordering,
      ...net,
      env: {
        MEDLEDGER_HOME: net.home,
        MEDLEDGER_BASE_PORT: String(net.basePort),
        MEDLEDGER_ORDERER: ordering,
      },
    };
  });
}

/** One protocol's run of the suite. */
export interface OrderingRun {
  readonly ordering: Ordering;
  readonly results: BenchResults;
}

export interface OrderingComparison {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly runs: readonly OrderingRun[];
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

/**
 * The side-by-side table: one line per scenario (and per baseline) the runs share, in the first run's
 * order, with p50 / p99, throughput and consortium CPU per operation of each protocol, and the second
 * protocol's figure as a ratio of the first's.
 */
export function renderComparison(c: OrderingComparison): string {
  const [first, second] = c.runs;
  if (first === undefined) throw new Error('no run to report');
  const names = c.runs.map((r) => (r.ordering === 'bft' ? 'BFT' : 'Raft'));
  const header = ['scenario', 'run'];
  for (const name of names)
    header.push(`${name} p50 / p99 (ms)`, `${name} throughput (/s)`, `${name} CPU per op (ms)`);
  if (second) header.push(`${names[1] ?? ''} ÷ ${names[0] ?? ''}`);
  header.push(...names.map((n) => `${n} met?`));
  const lines = [
    `# MedLedger benchmark: ${names.join(' and ')} side by side${c.quick ? ' (quick)' : ''}`,
    '',
    `Run ${c.startedAt} – ${c.finishedAt}; each protocol on a network of its own, one after the other, same machine and load. Orderers: ${c.runs.map((r, i) => `${names[i] ?? ''} ${String(r.results.config.orderers.length)}`).join(', ')}. Each run's full report: ${c.runs.map((r) => `\`${r.ordering}/latest.md\``).join(', ')}.`,
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

/** Writes `latest-orderings.json` and `latest-orderings.md` into `dir`; returns their paths. */
export function writeComparison(dir: string, c: OrderingComparison): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'latest-orderings.json');
  const md = join(dir, 'latest-orderings.md');
  writeFileSync(json, `${JSON.stringify(c, null, 2)}\n`);
  writeFileSync(md, renderComparison(c));
  return { json, md };
}
