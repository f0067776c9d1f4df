/**
 * What a transaction costs each process of the consortium, and how much of it is paid per block
 * rather than per transaction (`node bench/dist/levers.js block-cost`). The bench's writers all call
 * one org's gateway (the serving org), so its gateway, peer and chaincode server carry the request;
 * every other org's processes only endorse now and then and validate and commit every block. Their
 * cost per transaction is what each added org adds, so it is the figure a model of a larger
 * consortium scales.
 *
 * Run at several BatchTimeouts, the same load puts a different number of transactions in a block;
 * fitting `cost = perTransaction + perBlock x blocks per transaction` over the settings separates the
 * part no batching removes from the part larger blocks share out.
 */
import { roleOf } from './cpu';

/** The groups a process falls in, in the order the tables show them. */
export const PROCESS_GROUPS = [
  'serving peer',
  'each other peer',
  'each orderer',
  'serving gateway',
  'each other gateway',
  'serving chaincode server',
  'each other chaincode server',
] as const;
export type ProcessGroup = (typeof PROCESS_GROUPS)[number];

/**
 * The group of the process a pid file names (`peer0-hospital1`, `orderer2`, ...) when `servingOrg` is
 * the slug of the org the load calls (`hospital1`); CAs and unknown names belong to none.
 */
export function groupOf(processName: string, servingOrg: string): ProcessGroup | undefined {
  const serving = processName.endsWith(`-${servingOrg}`);
  switch (roleOf(processName)) {
    case 'peers':
      return serving ? 'serving peer' : 'each other peer';
    case 'orderers':
      return 'each orderer';
    case 'gateways':
      return serving ? 'serving gateway' : 'each other gateway';
    case 'chaincode':
      return serving ? 'serving chaincode server' : 'each other chaincode server';
    default:
      return undefined;
  }
}

/** CPU milliseconds per operation of each group: a process's own, or the mean of an "each" group's. */
export type GroupCpu = Readonly<Record<ProcessGroup, number>>;

/**
 * Each group's CPU per operation from every process's (`byProcess`, milliseconds per operation by
 * process name): the serving org's process's own, the mean of an "each" group's processes.
 */
export function groupCpu(byProcess: Readonly<Record<string, number>>, servingOrg: string): GroupCpu {
  const sums = new Map<ProcessGroup, { ms: number; n: number }>();
  for (const [name, ms] of Object.entries(byProcess)) {
    const group = groupOf(name, servingOrg);
    if (group === undefined) continue;
    const s = sums.get(group) ?? { ms: 0, n: 0 };
    s.ms += ms;
    s.n += 1;
    sums.set(group, s);
  }
  const out = {} as Record<ProcessGroup, number>;
  for (const group of PROCESS_GROUPS) {
    const s = sums.get(group);
    out[group] = s ? s.ms / s.n : 0;
  }
  return out;
}

/** One measured point: blocks per transaction, and a cost per transaction at it. */
export interface CostPoint {
  readonly blocksPerOp: number;
  readonly msPerOp: number;
}

/** `cost = perTransaction + perBlock x blocksPerOp`, fitted by least squares. */
export interface BlockCostFit {
  readonly perTransactionMs: number;
  readonly perBlockMs: number;
}

/**
 * Least-squares fit of `points`; `null` when they cannot separate the two parts: fewer than two, or
 * blocks per transaction that vary by less than half between the smallest and the largest (at a low
 * fixed rate every block holds one transaction whatever the timeout).
 */
export function fitBlockCost(points: readonly CostPoint[]): BlockCostFit | null {
  if (points.length < 2) return null;
  const xs = points.map((p) => p.blocksPerOp);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  if (!(lo > 0) || hi < lo * 1.5) return null;
  const n = points.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = points.reduce((a, p) => a + p.msPerOp, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.blocksPerOp - mx) * (p.msPerOp - my);
    sxx += (p.blocksPerOp - mx) ** 2;
  }
  const perBlockMs = sxy / sxx;
  return { perBlockMs, perTransactionMs: my - perBlockMs * mx };
}

/** One setting's medians: its label, operations per block and each group's CPU per operation. */
export interface BlockCostRow {
  readonly setting: string;
  readonly opsPerBlock: number;
  readonly consortiumMsPerOp: number;
  readonly groups: GroupCpu;
}

const ms = (x: number): string => x.toFixed(2);

/**
 * The report's two tables: each setting's split by group, then each group's fit over the settings,
 * with what one more org adds (its peer, gateway and chaincode server, as the "each other" groups).
 * `unit` names an operation (`transaction`, `anchor`).
 */
export function blockCostTables(rows: readonly BlockCostRow[], unit = 'transaction'): string[] {
  const lines = [
    `| BatchTimeout | ${unit}s per block | consortium CPU per ${unit} (ms) | ${PROCESS_GROUPS.join(' (ms) | ')} (ms) |`,
    `|---|---|---|${PROCESS_GROUPS.map(() => '---|').join('')}`,
    ...rows.map(
      (r) =>
        `| ${r.setting} | ${r.opsPerBlock.toFixed(1)} | ${ms(r.consortiumMsPerOp)} | ${PROCESS_GROUPS.map((g) => ms(r.groups[g])).join(' | ')} |`,
    ),
  ];
  const fitOf = (cost: (r: BlockCostRow) => number): BlockCostFit | null =>
    fitBlockCost(
      rows.map((r) => ({ blocksPerOp: r.opsPerBlock > 0 ? 1 / r.opsPerBlock : 0, msPerOp: cost(r) })),
    );
  const addedOrg = (r: BlockCostRow): number =>
    r.groups['each other peer'] + r.groups['each other gateway'] + r.groups['each other chaincode server'];
  const fits: [string, BlockCostFit | null][] = [
    ...PROCESS_GROUPS.map((g): [string, BlockCostFit | null] => [g, fitOf((r) => r.groups[g])]),
    ['one more org (its peer, gateway and chaincode server)', fitOf(addedOrg)],
    ['the whole consortium', fitOf((r) => r.consortiumMsPerOp)],
  ];
  lines.push(
    '',
    `| process | per ${unit} (ms) | per block (ms) |`,
    '|---|---|---|',
    ...fits.map(([name, f]) =>
      f === null ? `| ${name} | – | – |` : `| ${name} | ${ms(f.perTransactionMs)} | ${ms(f.perBlockMs)} |`,
    ),
  );
  return lines;
}

/** The value of an unlabelled Prometheus metric in a `/metrics` text; `undefined` when absent. */
export function metricValue(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    const [metric, value] = line.trim().split(/\s+/);
    if (metric === name && value !== undefined) return Number(value);
  }
  return undefined;
}

/**
 * The last block the gateway at `gatewayUrl` saw committed (its commit stream's gauge): the channel's
 * height less one, read over the gateway's own metrics endpoint.
 */
export async function lastCommittedBlock(gatewayUrl: string): Promise<number> {
  const res = await fetch(new URL('/metrics', gatewayUrl));
  const block = metricValue(await res.text(), 'medledger_commit_stream_block');
  if (block === undefined || block < 0) throw new Error(`${gatewayUrl} reports no committed block`);
  return block;
}
