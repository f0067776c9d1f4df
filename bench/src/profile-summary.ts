/**
 * The pure half of `profile.ts`: which role a network process plays, the self and cumulative time of
 * a Node `.cpuprofile` by function within a time window, and the Markdown summary of a profiling run.
 */

import { roleOf as roleGroupOf, type Role as RoleGroup } from './cpu';

/** The role of a network process as a profile names it. */
export type Role = 'peer' | 'orderer' | 'chaincode server' | 'gateway' | 'CA';

const ROLE_NAMES: Readonly<Record<RoleGroup, Role>> = {
  peers: 'peer',
  orderers: 'orderer',
  chaincode: 'chaincode server',
  gateways: 'gateway',
  cas: 'CA',
};

/** The role of a network process, by its process name (`peer0-hospital1`, `orderer2`, ...). */
export function roleOf(processName: string): Role | undefined {
  const group = roleGroupOf(processName);
  return group === undefined ? undefined : ROLE_NAMES[group];
}

/** A V8 CPU profile as `--cpu-prof` writes it. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
    readonly children?: readonly number[];
  }[];
  /** Microseconds (V8's monotonic clock). */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/**
 * One function's samples in a profile: where it was running (self) and where it was on the stack
 * (total). Samples, not time: V8 stamps them in wall-clock time, and on a busy machine a thread waits
 * for a core between samples, so the time between two samples overstates its CPU. Shares of the
 * samples, applied to the CPU time the kernel counted, give the CPU time.
 */
export interface FunctionSamples {
  readonly name: string;
  readonly self: number;
  readonly total: number;
}

/** What {@link aggregateCpuProfile} returns: non-idle samples, by function and by package. */
export interface ProfileAggregate {
  readonly samples: number;
  readonly functions: FunctionSamples[];
  readonly packages: { name: string; self: number }[];
}

/** Frames V8 adds that are no function of the program; `(idle)` is time off the CPU. */
const IDLE = '(idle)';

/** Where a function's code lives, short: a package under node_modules, a file of the repo, a Node module. */
export function shortUrl(url: string, repoRoot: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) return path.slice(inModules + '/node_modules/'.length);
  if (path.startsWith(`${repoRoot}/`)) return path.slice(repoRoot.length + 1);
  return path;
}

/** The package or folder a function belongs to, for the coarse table. */
export function packageOf(url: string, repoRoot: string): string {
  if (url === '') return '(V8 and native)';
  if (url.startsWith('node:')) return 'node (core modules)';
  const short = shortUrl(url, repoRoot);
  const parts = short.split('/');
  if (short === url.replace(/^file:\/\//, '')) return parts.slice(0, 3).join('/');
  return (parts[0]?.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * Self and cumulative samples per function of the samples within `[fromUs, toUs]` (the profile's own
 * clock; the whole profile when absent), idle samples left out, and the self samples by package.
 * Functions are keyed by name, file and line.
 */
export function aggregateCpuProfile(
  profile: CpuProfile,
  repoRoot: string,
  window?: { fromUs: number; toUs: number },
): ProfileAggregate {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (id: number): string => {
    const f = byId.get(id)?.callFrame;
    if (!f) return '?';
    const name = f.functionName === '' ? '(anonymous)' : f.functionName;
    return f.url === '' ? name : `${name} ${shortUrl(f.url, repoRoot)}:${String(f.lineNumber + 1)}`;
  };
  const add = (m: Map<string, number>, k: string): void => {
    m.set(k, (m.get(k) ?? 0) + 1);
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const packages = new Map<string, number>();
  let samples = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const id = profile.samples[i] ?? 0;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === IDLE) continue;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    samples++;
    add(self, keyOf(id));
    add(packages, packageOf(node.callFrame.url, repoRoot));
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = keyOf(at);
      if (byId.get(at)?.callFrame.functionName === '(root)' || seen.has(k)) continue;
      seen.add(k);
      add(total, k);
    }
  }
  return {
    samples,
    functions: [...total.keys()].map((name) => ({
      name,
      self: self.get(name) ?? 0,
      total: total.get(name) ?? 0,
    })),
    packages: [...packages].map(([name, n]) => ({ name, self: n })).sort((a, b) => b.self - a.self),
  };
}

/** Several processes' aggregates of one role added up. */
export function mergeAggregates(parts: readonly ProfileAggregate[]): ProfileAggregate {
  const functions = new Map<string, { self: number; total: number }>();
  const packages = new Map<string, number>();
  let samples = 0;
  for (const p of parts) {
    samples += p.samples;
    for (const f of p.functions) {
      const acc = functions.get(f.name) ?? { self: 0, total: 0 };
      functions.set(f.name, { self: acc.self + f.self, total: acc.total + f.total });
    }
    for (const k of p.packages) packages.set(k.name, (packages.get(k.name) ?? 0) + k.self);
  }
  return {
    samples,
    functions: [...functions].map(([name, t]) => ({ name, ...t })),
    packages: [...packages].map(([name, self]) => ({ name, self })).sort((a, b) => b.self - a.self),
  };
}

const pct = (part: number, whole: number): string => (whole > 0 ? ((100 * part) / whole).toFixed(1) : '0.0');

/**
 * The Markdown tables of one Node role: top functions flat and cumulative, and self time by package;
 * each share of the samples also as milliseconds of `cpuMs`, the role's CPU time in the window.
 */
export function nodeRoleTables(agg: ProfileAggregate, cpuMs: number, top = 25): string[] {
  const ms = (n: number): string => (agg.samples > 0 ? ((n * cpuMs) / agg.samples).toFixed(1) : '0.0');
  const table = (by: 'self' | 'total'): string[] => [
    '| function (file:line) | self % | self ms | cumulative % | cumulative ms |',
    '|---|---|---|---|---|',
    ...[...agg.functions]
      .sort((a, b) => b[by] - a[by])
      .slice(0, top)
      .map(
        (f) =>
          `| ${f.name.replace(/\|/g, '\\|')} | ${pct(f.self, agg.samples)} | ${ms(f.self)} | ${pct(f.total, agg.samples)} | ${ms(f.total)} |`,
      ),
  ];
  return [
    `${String(agg.samples)} samples on the CPU in the window; milliseconds are shares of the ${cpuMs.toFixed(0)} ms of CPU the role's processes used then (from /proc).`,
    '',
    `Top ${String(top)} by self time (flat):`,
    '',
    ...table('self'),
    '',
    `Top ${String(top)} by cumulative time:`,
    '',
    ...table('total'),
    '',
    'Self time by package:',
    '',
    '| package | self % | self ms |',
    '|---|---|---|',
    ...agg.packages.slice(0, 15).map((p) => `| ${p.name} | ${pct(p.self, agg.samples)} | ${ms(p.self)} |`),
  ];
}

/** CPU seconds each process used during the load, with the committed operations, into a share table. */
export function cpuShareTable(cpuSeconds: Readonly<Record<string, number>>, committed: number): string[] {
  const byRole = new Map<string, number>();
  for (const [name, s] of Object.entries(cpuSeconds)) {
    const role = roleOf(name) ?? name;
    byRole.set(role, (byRole.get(role) ?? 0) + s);
  }
  const total = [...byRole.values()].reduce((a, b) => a + b, 0);
  const perOp = (s: number): string => (committed > 0 ? ((s * 1000) / committed).toFixed(2) : '–');
  return [
    '| role | CPU (s) | share | CPU per committed op (ms) |',
    '|---|---|---|---|',
    ...[...byRole]
      .sort((a, b) => b[1] - a[1])
      .map(([role, s]) => `| ${role} | ${s.toFixed(2)} | ${pct(s, total)} % | ${perOp(s)} |`),
    `| consortium | ${total.toFixed(2)} | 100 % | ${perOp(total)} |`,
  ];
}

/**
 * Pieces of a peer's work worth following from one profile to the next, each a regular expression
 * for `go tool pprof -focus` (every sample with a matching frame on its stack counts). They overlap:
 * a share is of the peer's whole CPU, and the shares need not add up.
 */
export const PEER_WORK: readonly { readonly label: string; readonly focus: string }[] = [
  { label: 'validating blocks', focus: String.raw`txvalidator/v20\.\(\*TxValidator\)\.` },
  { label: 'committing to the ledger', focus: String.raw`kvledger\.\(\*kvLedger\)\.commit$` },
  { label: 'endorsing', focus: String.raw`endorser\.\(\*Endorser\)\.ProcessProposal$` },
  { label: 'verifying signatures', focus: String.raw`msp\.\(\*identity\)\.Verify$` },
  // Fabric reads the chaincode definition from the lifecycle's state and decodes it, its collection
  // configuration included, for each private write it validates and each collection it checks.
  {
    label: 'decoding the chaincode definition',
    focus: String.raw`lifecycle\.\(\*Resources\)\.ChaincodeDefinitionIfDefined$`,
  },
  // At the endorser: which peers may hold each collection written, by checking every channel peer's
  // signed state against the collection's member policy, even when nothing is pushed.
  {
    label: 'planning private-data dissemination',
    focus: String.raw`privdata\.\(\*distributorImpl\)\.computeDisseminationPlan$`,
  },
  { label: 'LevelDB', focus: String.raw`syndtr/goleveldb/` },
];

/**
 * The samples a focused `go tool pprof -top -nodefraction=0` run counts, and the profile's total,
 * from its "Showing nodes accounting for 1.2s, 18.02% of 6.6s total" line (ms or s), or undefined
 * when the output has no such line (pprof prints none when nothing matches the focus).
 */
export function focusedSamples(pprofTop: string): { focusedS: number; totalS: number } | undefined {
  const m = /Showing nodes accounting for ([\d.]+)(m?s), [\d.]+% of ([\d.]+)(m?s) total/.exec(pprofTop);
  if (!m) return undefined;
  const seconds = (n: string | undefined, unit: string | undefined): number =>
    Number(n) / (unit === 'ms' ? 1000 : 1);
  return { focusedS: seconds(m[1], m[2]), totalS: seconds(m[3], m[4]) };
}

/** One peer's focused shares, in {@link PEER_WORK}'s order (0 where nothing matched). */
export interface PeerWork {
  readonly name: string;
  /** The peer's CPU over the load, from /proc. */
  readonly cpuS: number;
  readonly shares: readonly number[];
}

/**
 * Per peer, its CPU per committed operation and each piece of {@link PEER_WORK} as milliseconds per
 * operation (its share of the peer's samples times the peer's CPU from /proc) and as a share.
 */
export function peerWorkTable(peers: readonly PeerWork[], committed: number): string[] {
  const perOp = (s: number): string => (committed > 0 ? ((s * 1000) / committed).toFixed(2) : '–');
  return [
    `| peer | CPU per op (ms) | ${PEER_WORK.map((w) => w.label).join(' | ')} |`,
    `|---|---|${PEER_WORK.map(() => '---|').join('')}`,
    ...peers.map(
      (p) =>
        `| ${p.name} | ${perOp(p.cpuS)} | ${p.shares
          .map((share) => `${perOp(share * p.cpuS)} (${(100 * share).toFixed(0)} %)`)
          .join(' | ')} |`,
    ),
  ];
}
