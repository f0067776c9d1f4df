/**
 * `node bench/dist/levers.js <lever> [--rounds N] [--duration S]` (`--help` for the options): measures
 * one lever before and after in the same run, interleaved (A, B, B, A, ...) so a noisy shared machine hits both sides alike.
 *
 * - `fabric-logging` switches every peer's and orderer's log spec at run time through their operations
 *   endpoint (`PUT /logspec`), from `info` to `warning`, and restores it; writes `levers.json` and
 *   `levers.md`.
 * - `commit-tracking` restarts the Hospital1 gateway with `ledger.commitTracking` `status` and `stream`
 *   in turn (through `MEDLEDGER_COMMIT_TRACKING`), runs the empty transaction and the anchor, closed
 *   loop and at a fixed rate, and restores the gateway's config; writes `lever-commit-tracking.json`
 *   and `.md`.
 * - `token-cache` times the gateway's bearer-token check with and without its cache in process.
 * - `shim-batching` restarts every peer with `chaincode.runtimeParams` off (`MEDLEDGER_SHIM_BATCH=0`)
 *   and on (1000) in turn, and runs the audit loader's batches and access decisions; needs a network
 *   started with `MEDLEDGER_BENCH_LOADER=1`; writes `lever-shim-batching.json` and `.md`.
 * - `batch` walks the orderers' BatchTimeout x MaxMessageCount through channel config updates signed
 *   by the ordering org's admin, and restores the channel's own; `lever-batch.json` and `.md`.
 * - `block-cost` runs the empty transaction (`--load anchor`: anchors, `access`: access decisions) at
 *   saturation under each BatchTimeout the same way and splits each process's CPU per operation into
 *   a part per operation and a part per block; `lever-block-cost[-anchor|-access].json` and `.md`.
 * - `gogc`, `gomaxprocs`, `history`, `validator-pool` restart the peers (and for `gogc` and
 *   `gomaxprocs` the orderers) with each setting of `MEDLEDGER_GOGC`/`MEDLEDGER_GOMEMLIMIT`,
 *   `MEDLEDGER_GOMAXPROCS`, `MEDLEDGER_HISTORY_DB`, `MEDLEDGER_VALIDATOR_POOL_SIZE`; `sqlite` restarts the gateways with each setting of their SQLite
 *   pragmas, `chaincode-logging` the chaincode servers with each log level, `chaincode-builds` with
 *   each build of the chaincode (`--builds label=folder,...`); each writes `lever-<name>.json` and `.md` and restores the environment's own setting.
 * - `gossip` restarts the peers with each `MEDLEDGER_GOSSIP` profile and measures the idle
 *   consortium's CPU per second per role, a restarted peer's return (until gossip knows it everywhere,
 *   until its gateway commits again), and CPU per operation by role at saturation; writes
 *   `lever-gossip.json` and `.md`.
 * - `writers-policy` and `readers-policy` switch the channel's Application Writers (Readers) policy
 *   between configtxgen's `ANY Writers` (`ANY Readers`) and one signature policy over every org's
 *   writers (readers), by config updates a majority of the orgs' admins sign, and restore the channel's
 *   own; `readers-policy` also measures the idle consortium's CPU per second; each writes
 *   `lever-<name>.json` and `.md`.
 * - `signature-checks` counts, from the peers' and orderers' debug log lines, the signatures Fabric
 *   verifies per operation and per idle second under each form of both policies
 *   (`signature-checks-run.ts`); writes `lever-signature-checks.json` and `.md`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'node:https';
import { join, resolve } from 'node:path';

import { command, runProgram } from '@medledger/cli-kit';
import { createTokenVerifier, ensureOrgSigningKey, mintToken } from '@medledger/gateway/auth';
import { qualifiedName } from '@medledger/domain';
import {
  allPeers,
  channelBatchSettings,
  channelMemberPolicies,
  chaincodeServerProcess,
  fabricLoggingSpec,
  gatewayProcess,
  generate,
  networkContext,
  ordererProcess,
  packageChaincode,
  peerProcess,
  readNetworkInfo,
  renderGatewayConfig,
  setBatchSettings,
  setMemberPolicies,
  startProcess,
  stopProcess,
  waitForGossip,
  type BatchSettings,
  type NetworkContext,
  type MemberPolicyMode,
  type MemberPolicyName,
  type NetworkInfo,
} from '@medledger/network';

import { adminContract, DEFAULT_BATCH, DEFAULT_IN_FLIGHT, EVENTS_PER_PATIENT } from './audit-loader';
import { blockCostTables, groupCpu, lastCommittedBlock, type BlockCostRow } from './block-cost';
import {
  networkCpuByProcess,
  networkCpuByRole,
  processCpuSeconds,
  roleCpuMsPerOp,
  type RoleCpu,
} from './cpu';
import {
  cpuMsPerSecond,
  idleTable,
  median,
  restartTable,
  roleTable,
  type GossipObservation,
} from './gossip-lever';
import { BenchClient, classifyError, outcomeOf } from './http';
import { runSignatureChecks } from './signature-checks-run';
import { closedLoop, notCommitted, openLoop, type LoadResult, type Operation } from './load';
import { measureMachineSpeed } from './machine-speed';
import { localTarget } from './run';
import { peakRate } from './mix';
import {
  accessOperation,
  hospitalDay,
  pick,
  QUICK_PLAN,
  registerMixPatient,
  settle,
  setup,
  writeOperations,
  type BenchState,
} from './suite';

/** PUTs (or GETs) `/logspec` on one operations endpoint with mutual TLS. */
function logspec(
  port: number,
  tls: { ca: string; cert: string; key: string },
  spec?: string,
): Promise<string> {
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/logspec',
        method: spec === undefined ? 'GET' : 'PUT',
        ca: readFileSync(tls.ca),
        cert: readFileSync(tls.cert),
        key: readFileSync(tls.key),
        // Operations certificates name the node, not 127.0.0.1.
        checkServerIdentity: () => undefined,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString('utf8')));
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 300) fail(new Error(`logspec ${String(port)}: ${body}`));
          else ok(body);
        });
      },
    );
    req.on('error', fail);
    req.end(spec === undefined ? undefined : JSON.stringify({ spec }));
  });
}

/** Sets the Fabric log spec of every peer and orderer of the network. */
async function setFabricLogging(info: NetworkInfo, spec: string): Promise<void> {
  const org = info.orgs[0];
  if (!org) throw new Error('no org');
  const client = { cert: org.tlsClient.cert, key: org.tlsClient.key };
  const calls: Promise<string>[] = [];
  for (const o of info.orgs) {
    for (const p of o.peers) calls.push(logspec(p.operationsPort, { ca: p.tlsCaCert, ...client }, spec));
  }
  for (const o of info.orderers) calls.push(logspec(o.operationsPort, { ca: o.tlsCaCert, ...client }, spec));
  await Promise.all(calls);
}

export interface Side {
  readonly label: string;
  readonly runs: LoadResult[];
  /** CPU milliseconds the whole consortium (every process of the network) spent per committed operation. */
  readonly cpuMsPerOp: number[];
  /** The same for single processes (by network process name). */
  readonly processCpuMsPerOp: Record<string, number[]>;
  /** The same per role (peers, orderers, ...), one entry per round. */
  readonly roleCpuMsPerOp?: RoleCpu[];
  /** Blocks committed per committed operation, one entry per round, when the lever counts blocks. */
  readonly blocksPerOp?: number[];
  /** The machine's speed before each round's run: a fixed workload's CPU, ms ({@link measureMachineSpeed}). */
  readonly machineSpeedCpuMs?: number[];
}

/**
 * The gateway's bearer-token verification with and without its cache, in one process, interleaved:
 * CPU microseconds per request for the same token verified again and again, as an EMR system's
 * requests arrive.
 */
async function tokenCache(out: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'medledger-lever-'));
  try {
    const key = ensureOrgSigningKey(dir);
    const issuer = 'https://idp.hospital1.medledger.local';
    const token = await mintToken(readFileSync(key.privateKeyPath, 'utf8'), {
      issuer,
      audience: 'medledger-gateway',
      org: 'Hospital1MSP',
      subject: 'doc1',
    });
    const base = {
      issuer,
      audience: 'medledger-gateway',
      algorithms: ['ES256'],
      jwksPath: key.jwksPath,
      orgName: 'Hospital1',
      mspId: 'Hospital1MSP',
      clockToleranceSeconds: 30,
      maxTokenAgeSeconds: 3600,
    };
    const sides = [
      { label: 'no cache (cacheSeconds 0)', verify: await createTokenVerifier({ ...base, cacheSeconds: 0 }) },
      { label: 'cache (default 60 s)', verify: await createTokenVerifier(base) },
    ];
    const results = new Map<string, number[]>();
    const n = 2000;
    for (let round = 0; round < 5; round++) {
      for (const side of sides) {
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < n; i++) await side.verify(token);
        const cpu = process.cpuUsage(cpu0);
        const us = (cpu.user + cpu.system) / n;
        results.set(side.label, [...(results.get(side.label) ?? []), us]);
      }
    }
    const lines = [
      '# Lever: bearer-token verification cache in the gateway, same process, interleaved',
      '',
      `5 rounds of ${String(n)} verifications of the same ES256 token per side; medians.`,
      '',
      '| side | CPU per request (µs) |',
      '|---|---|',
      ...[...results].map(([label, xs]) => `| ${label} | ${median(xs).toFixed(1)} |`),
    ];
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'lever-token-cache.md'), `${lines.join('\n')}\n`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A load run of a lever's workload. */
export interface Workload {
  readonly name: string;
  readonly warmupS: number;
  readonly run: () => Promise<LoadResult>;
}

/** The operations the levers' workloads run ({@link benchOperations}). */
export type BenchOps = ReturnType<typeof benchOperations>;

/** A lever's workload, built once the lever has its operations and the length of a run. */
export type LeverWorkload = (ops: BenchOps, durationS: number) => Workload;

const WARMUP_S = 3;

/**
 * `op` in a closed loop of `concurrency`, named `<label> closed <concurrency>`. The operation is taken
 * from `ops` at each run, so a fresh anchor anchors new records in every run.
 */
function closedWorkload(
  label: string,
  op: (ops: BenchOps) => Operation,
  concurrency = 32,
  warmupS = WARMUP_S,
): LeverWorkload {
  return (ops, durationS) => ({
    name: `${label} closed ${String(concurrency)}`,
    warmupS,
    run: () => closedLoop(op(ops), { concurrency, warmupS, durationS }),
  });
}

/** `op` in an open loop at `rate` a second, named `<label> open <rate>/s` (`drainS` as `openLoop`'s). */
function openWorkload(
  label: string,
  op: (ops: BenchOps) => Operation,
  rate: number,
  { warmupS = WARMUP_S, drainS }: { readonly warmupS?: number; readonly drainS?: number } = {},
): LeverWorkload {
  return (ops, durationS) => ({
    name: `${label} open ${String(rate)}/s`,
    warmupS,
    run: () => openLoop(op(ops), { rate, warmupS, durationS, drainS }),
  });
}

const PING = 'POST /v1/ops/ping';
const ANCHOR = 'POST /v1/records';
const READ = 'GET /v1/records/{id}';
const ping = (ops: BenchOps): Operation => ops.ping;
const freshAnchor = (ops: BenchOps): Operation => ops.freshAnchor();
const PING_CLOSED = closedWorkload(PING, ping);
const PING_OPEN = openWorkload(PING, ping, 20, { drainS: 10 });
const ANCHOR_CLOSED = closedWorkload(ANCHOR, freshAnchor);
const anchorOpen = (rate: number): LeverWorkload => openWorkload(ANCHOR, freshAnchor, rate, { drainS: 10 });
const ACCESS_CLOSED = closedWorkload('POST /v1/records/{id}/access', (ops) => ops.access);
/** The hospital day's mix at the seed's peak rate, as the suite runs it; the operations must carry it. */
const HOSPITAL_DAY_OPEN: LeverWorkload = (ops, durationS) => {
  const dayOf = ops.hospitalDay;
  if (dayOf === undefined) throw new Error('this lever did not set up the hospital day');
  const rate = peakRate();
  return {
    name: `hospital day mix open ${String(rate)}/s`,
    warmupS: WARMUP_S,
    run: () => {
      // Each run anchors records of its own.
      const day = dayOf();
      return openLoop(day.mixed, { rate, warmupS: WARMUP_S, durationS, drainS: 30, kindOf: day.kindOf });
    },
  };
};
const READ_OPEN = openWorkload(READ, (ops) => ops.read, 100);
const READ_OPEN_200 = openWorkload(READ, (ops) => ops.read, 200);

/** The usual write workloads: the empty transaction and the anchor, at saturation and at 20/s. */
const WRITE_WORKLOADS: readonly LeverWorkload[] = [PING_CLOSED, PING_OPEN, ANCHOR_CLOSED, anchorOpen(20)];

/** Each lever's workloads, in the order it runs them (`shim-batching` adds its loader's batches first). */
export const LEVER_WORKLOADS = {
  'fabric-logging': [
    closedWorkload(PING, ping, 32, 2),
    openWorkload(READ, (ops) => ops.read, 100, { warmupS: 2 }),
  ],
  // The anchor at 10/s, as its recorded runs (`bench/results/lever-commit-tracking*.md`) measured it.
  'commit-tracking': [PING_CLOSED, PING_OPEN, ANCHOR_CLOSED, anchorOpen(10)],
  'shim-batching': [ACCESS_CLOSED],
  // BatchTimeout sets what each commit waits at a low rate: the seed's load shows it best.
  batch: [...WRITE_WORKLOADS, HOSPITAL_DAY_OPEN],
  gogc: WRITE_WORKLOADS,
  history: [...WRITE_WORKLOADS, ACCESS_CLOSED],
  'validator-pool': WRITE_WORKLOADS,
  // Reads at the benchmark's 200/s (evaluations run on the peers alone), and the seed's load, whose
  // latency bar is the one a peer with fewer scheduler slots could miss.
  gomaxprocs: [...WRITE_WORKLOADS, ACCESS_CLOSED, READ_OPEN_200, HOSPITAL_DAY_OPEN],
  'chaincode-logging': [...WRITE_WORKLOADS, READ_OPEN],
  'chaincode-builds': [...WRITE_WORKLOADS, ACCESS_CLOSED, READ_OPEN],
  sqlite: [ANCHOR_CLOSED, READ_OPEN, openWorkload('GET /v1/audit (projection)', (ops) => ops.audit, 50)],
  gossip: [PING_CLOSED, ANCHOR_CLOSED],
  'writers-policy': [PING_CLOSED, PING_OPEN, ACCESS_CLOSED, READ_OPEN],
  // Readers guards the gossip every peer checks: the idle network shows it, and writes as they grow.
  'readers-policy': [PING_CLOSED, ANCHOR_CLOSED, ACCESS_CLOSED],
} as const satisfies Record<string, readonly LeverWorkload[]>;

/** A lever's workloads over its operations, each run `durationS` long. */
function workloadsOf(list: readonly LeverWorkload[], ops: BenchOps, durationS: number): Workload[] {
  return list.map((w) => w(ops, durationS));
}

/**
 * Runs every workload under each setting, `rounds` times, the settings' order reversed every other
 * round (A B, B A, ...); `apply` switches the setting. Per side: the load results, the consortium's
 * CPU per committed operation, and the CPU per operation of each process in `processes`.
 */
export async function interleave(
  info: NetworkInfo,
  options: {
    readonly settings: readonly string[];
    /** Switches to `setting`; `counted` is false for the warm-up round. */
    readonly apply: (setting: string, counted: boolean) => Promise<void>;
    readonly workloads: readonly Workload[];
    readonly rounds: number;
    /** Run every workload once, untimed, before round 1 ({@link warmUpSetting}). */
    readonly warmUpRound: boolean;
    readonly processes?: readonly string[];
    /** An empty transaction: each workload starts once it commits quickly again ({@link settle}). */
    readonly ping: Operation;
    /** The last committed block, read around each run to count its blocks. */
    readonly lastBlock?: () => Promise<number>;
    /** Times the machine before each run (ms of CPU, lower is faster); {@link measureMachineSpeed}'s by default. */
    readonly machineSpeed?: () => number;
  },
): Promise<Side[]> {
  const machineSpeed = options.machineSpeed ?? (() => measureMachineSpeed().cpuMs);
  const sides = new Map<string, Side>();
  const processes = options.processes ?? [];
  const warmUp = warmUpSetting(options.settings, options.warmUpRound);
  if (warmUp !== undefined) {
    // The network's first load after its set-up ran slow on every workload: a round that counts
    // nothing takes it, under the setting round 1 does not start with, so round 1 starts by switching
    // like every other side.
    await options.apply(warmUp, false);
    for (const w of options.workloads) {
      await settle(options.ping);
      const r = await w.run();
      process.stderr.write(
        `[levers] warm-up ${w.name} | ${warmUp}: ${r.throughput.toFixed(1)}/s p50 ${r.latencyMs.p50.toFixed(1)} (not counted)\n`,
      );
    }
  }
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? options.settings : [...options.settings].reverse();
    for (const setting of order) {
      await options.apply(setting, true);
      for (const w of options.workloads) {
        await settle(options.ping);
        const speed = machineSpeed();
        const cpu0 = networkCpuByRole(info.stateDir);
        const own0 = processes.map((name) => processCpuSeconds(info.stateDir, name));
        const block0 = await options.lastBlock?.();
        const r = await w.run();
        const cpu1 = networkCpuByRole(info.stateDir);
        const block1 = await options.lastBlock?.();
        const cpuMs = (cpu1.total - cpu0.total) * 1000;
        // Warm-up and drain used CPU too: divide by every operation that ran, not only the window's.
        const ops = (r.counts.committed * (r.durationS + w.warmupS)) / r.durationS;
        const perOp = (ms: number): number => (ops > 0 ? ms / ops : 0);
        const key = `${w.name} | ${setting}`;
        const side = sides.get(key) ?? {
          label: key,
          runs: [],
          cpuMsPerOp: [],
          processCpuMsPerOp: {},
          roleCpuMsPerOp: [],
          ...(options.lastBlock ? { blocksPerOp: [] } : {}),
          machineSpeedCpuMs: [],
        };
        side.runs.push(r);
        side.machineSpeedCpuMs?.push(speed);
        side.cpuMsPerOp.push(perOp(cpuMs));
        const roles = roleCpuMsPerOp(cpu0.byRole, cpu1.byRole, ops);
        if (roles) side.roleCpuMsPerOp?.push(roles);
        processes.forEach((name, i) => {
          const ms = (processCpuSeconds(info.stateDir, name) - (own0[i] ?? 0)) * 1000;
          (side.processCpuMsPerOp[name] ??= []).push(perOp(ms));
        });
        if (block0 !== undefined && block1 !== undefined) side.blocksPerOp?.push(perOp(block1 - block0));
        sides.set(key, side);
        process.stderr.write(
          `[levers] round ${String(round + 1)} ${key}: ${r.throughput.toFixed(1)}/s p50 ${r.latencyMs.p50.toFixed(1)} p99 ${r.latencyMs.p99.toFixed(1)} cpu/op ${(side.cpuMsPerOp.at(-1) ?? 0).toFixed(2)} ms; not committed ${String(notCommitted(r.counts))}; machine speed ${speed.toFixed(0)} ms\n`,
        );
      }
    }
  }
  // Workload by workload, each setting next to the other.
  return [...sides.values()].sort(
    (a, b) => a.label.split(' | ')[0]?.localeCompare(b.label.split(' | ')[0] ?? '') ?? 0,
  );
}

/**
 * The setting an untimed warm-up round runs under: the one round 1 ends with, so that round 1's first
 * side follows a switch like every other; none without a warm-up round.
 */
export function warmUpSetting(settings: readonly string[], warmUpRound: boolean): string | undefined {
  return warmUpRound ? settings.at(-1) : undefined;
}

/** The Markdown table of a lever's sides: medians of the rounds. */
export function sidesTable(
  settingHeader: string,
  sides: readonly Side[],
  processes: readonly string[] = [],
): string[] {
  const lines = [
    `| workload | ${settingHeader} | consortium CPU per op (ms) | ${processes.map((p) => `${p} CPU per op (ms) | `).join('')}throughput (/s) | p50 (ms) | p99 (ms) | not committed |`,
    `|---|---|---|${processes.map(() => '---|').join('')}---|---|---|---|`,
  ];
  for (const side of sides) {
    const [name, setting] = side.label.split(' | ');
    const own = processes.map((p) => `${median(side.processCpuMsPerOp[p] ?? []).toFixed(2)} | `).join('');
    const failed = side.runs.reduce((n, r) => n + notCommitted(r.counts), 0);
    lines.push(
      `| ${name ?? ''} | ${setting ?? ''} | ${median(side.cpuMsPerOp).toFixed(2)} | ${own}${median(side.runs.map((r) => r.throughput)).toFixed(1)} | ${median(side.runs.map((r) => r.latencyMs.p50)).toFixed(1)} | ${median(side.runs.map((r) => r.latencyMs.p99)).toFixed(1)} | ${String(failed)} |`,
    );
  }
  return lines;
}

/** Per kind of interaction of the sides that ran a mixed load: medians of the rounds' p50 and p99. */
export function kindsTable(settingHeader: string, sides: readonly Side[]): string[] {
  const lines = [
    `| workload | ${settingHeader} | kind | throughput (/s) | p50 (ms) | p99 (ms) | not committed |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const side of sides) {
    const [name, setting] = side.label.split(' | ');
    const kinds = [...new Set(side.runs.flatMap((r) => Object.keys(r.byKind ?? {})))].sort();
    for (const kind of kinds) {
      const runs = side.runs.flatMap((r) => {
        const k = r.byKind?.[kind];
        return k === undefined ? [] : [k];
      });
      const failed = runs.reduce((n, k) => n + notCommitted(k.counts), 0);
      lines.push(
        `| ${name ?? ''} | ${setting ?? ''} | ${kind} | ${median(runs.map((k) => k.throughput)).toFixed(1)} | ${median(runs.map((k) => k.latencyMs.p50)).toFixed(1)} | ${median(runs.map((k) => k.latencyMs.p99)).toFixed(1)} | ${String(failed)} |`,
      );
    }
  }
  return lines;
}

/** {@link ratioTable} of every setting after the first against the first (the base), each titled. */
export function ratioTables(
  sides: readonly Side[],
  [base, ...others]: readonly string[],
  processes: readonly string[] = [],
): string[] {
  if (base === undefined) return [];
  return others.flatMap((other) => [
    '',
    `${other} / ${base}, the median of the rounds' ratios (each round's in brackets):`,
    '',
    ...ratioTable(sides, [base, other], processes),
  ]);
}

/**
 * `after / before` per workload as the median of the rounds' ratios: the two sides of a round run
 * back to back, so a ratio within a round is less disturbed by the machine's other load than the
 * ratio of the medians.
 */
export function ratioTable(
  sides: readonly Side[],
  [before, after]: readonly [string, string],
  processes: readonly string[] = [],
): string[] {
  const metrics: [string, (side: Side, round: number) => number | undefined][] = [
    ['consortium CPU per op', (side, i) => side.cpuMsPerOp[i]],
    ...processes.map((p): [string, (side: Side, round: number) => number | undefined] => [
      `${p} CPU per op`,
      (side, i) => side.processCpuMsPerOp[p]?.[i],
    ]),
    ['throughput', (side, i) => side.runs[i]?.throughput],
    ['p50', (side, i) => side.runs[i]?.latencyMs.p50],
    ['p99', (side, i) => side.runs[i]?.latencyMs.p99],
  ];
  const lines = [
    `| workload | ${metrics.map(([name]) => name).join(' | ')} |`,
    `|---|${metrics.map(() => '---|').join('')}`,
  ];
  const byLabel = new Map(sides.map((side) => [side.label, side]));
  const workloads = [...new Set(sides.map((side) => side.label.split(' | ')[0] ?? ''))];
  for (const w of workloads) {
    const a = byLabel.get(`${w} | ${before}`);
    const b = byLabel.get(`${w} | ${after}`);
    if (!a || !b) continue;
    const cells = metrics.map(([, read]) => {
      const ratios = a.runs
        .map((_, i) => {
          const x = read(a, i);
          const y = read(b, i);
          return x !== undefined && y !== undefined && x > 0 ? y / x : undefined;
        })
        .filter((r) => r !== undefined);
      return ratios.length === 0
        ? '–'
        : `${median(ratios).toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(', ')})`;
    });
    lines.push(`| ${w} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/**
 * Writes a lever's Markdown and JSON; `warmUp`, the setting of an untimed warm-up round
 * ({@link warmUpSetting}), is said under the Markdown's title.
 */
function writeLever(
  out: string,
  name: string,
  lines: readonly string[],
  sides: readonly Side[],
  warmUp?: string,
): void {
  const [title = '', ...rest] = lines;
  const notes = [
    ...(warmUp === undefined ? [] : ['', warmUpNote(warmUp)]),
    ...machineSpeedLines(sides).flatMap((line) => ['', line]),
  ];
  const md = [title, ...notes, ...rest];
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name}.md`), `${md.join('\n')}\n`);
  writeFileSync(
    join(out, `${name}.json`),
    `${JSON.stringify({ at: new Date().toISOString(), ...(warmUp === undefined ? {} : { warmUp }), sides }, null, 2)}\n`,
  );
  process.stdout.write(`${md.join('\n')}\n`);
}

/**
 * The machine's speed before the runs of each setting (median and range over its workloads and rounds),
 * so a reader sees whether one setting ran on a slower machine than another; none when not timed.
 */
export function machineSpeedLines(sides: readonly Side[]): string[] {
  const bySetting = new Map<string, number[]>();
  for (const side of sides) {
    const setting = side.label.split(' | ')[1] ?? '';
    bySetting.set(setting, [...(bySetting.get(setting) ?? []), ...(side.machineSpeedCpuMs ?? [])]);
  }
  const timed = [...bySetting].filter(([, ms]) => ms.length > 0);
  if (timed.length === 0) return [];
  const each = timed.map(
    ([setting, ms]) =>
      `\`${setting}\` ${median(ms).toFixed(0)} ms (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)})`,
  );
  return [
    `Machine speed before each run (a fixed single-threaded workload's CPU, \`bench/src/machine-speed.ts\`; lower is faster), median and range per setting: ${each.join(', ')}.`,
  ];
}

/** The sentence a lever's report gives its warm-up round. */
export function warmUpNote(setting: string): string {
  return `Before round 1 every workload ran once under \`${setting}\`, untimed and not counted (a warm-up round: the network's first load after its set-up runs slow on every workload).`;
}

/** Writers of Hospital1 (the bench's setup, made once or reused), its auditor at the Regulator, and their write operations. */
export async function benchWriters(
  info: NetworkInfo,
): Promise<
  { writers: BenchClient[]; auditor: BenchClient; state: BenchState } & ReturnType<typeof writeOperations>
> {
  const target = localTarget(info, {
    batchTimeout: '',
    maxMessageCount: 0,
    preferredMaxBytes: '',
    endorsementPolicy: '',
    peers: [],
    orderers: [],
    gateways: [],
    cpus: 0,
    node: process.version,
  });
  const h1 = target.gateways['Hospital1'] ?? '';
  const reg = target.gateways['Regulator'] ?? '';
  const state = await setup(target, QUICK_PLAN, h1, reg, async (org, url, subject) => {
    return new BenchClient(url, await target.token(org, subject));
  });
  const writers = await Promise.all(
    state.writers.map(async (w) => new BenchClient(h1, await target.token('Hospital1', w))),
  );
  const auditor = new BenchClient(reg, await target.token('Regulator', state.auditor));
  return { writers, auditor, state, ...writeOperations(writers, state.patientDid) };
}

/**
 * The operations levers and profiles run: the empty transaction, a fresh anchor per call of
 * `freshAnchor`, an access decision, a record read and (with the auditor) a page of the audit trail.
 */
export function benchOperations(
  writers: readonly BenchClient[],
  state: BenchState,
  auditor?: BenchClient,
): ReturnType<typeof writeOperations> & {
  access: Operation;
  read: Operation;
  audit: Operation;
  /** The hospital day's mix, with anchors of new records at each call. */
  hospitalDay?: () => ReturnType<typeof hospitalDay>;
} {
  const record = (i: number): string => encodeURIComponent(pick(state.records, i));
  return {
    ...writeOperations(writers, state.patientDid),
    access: accessOperation(writers, state.records),
    read: (i) => outcomeOf(() => pick(writers, i).get(`/v1/records/${record(i)}`), false),
    audit: () =>
      outcomeOf(
        () =>
          (auditor ?? pick(writers, 0)).get(
            `/v1/audit?patient=${encodeURIComponent(state.patientDid)}&limit=50`,
          ),
        false,
      ),
  };
}

/**
 * {@link benchOperations} with the hospital day's mix: registers the patient whose consent the mix
 * grants, once, and anchors new records at each day.
 */
async function withHospitalDay(
  writers: readonly BenchClient[],
  state: BenchState,
  auditor: BenchClient,
): Promise<BenchOps> {
  const ops = benchOperations(writers, state, auditor);
  const consentPatient = await registerMixPatient(pick(writers, 0));
  const day = (): ReturnType<typeof hospitalDay> =>
    hospitalDay({
      clinicians: writers,
      auditor,
      records: state.records,
      patientDid: state.patientDid,
      consentPatient,
      anchor: ops.freshAnchor(),
    });
  return { ...ops, hospitalDay: day };
}

/** What a lever run is told: the network, where results go, rounds and seconds per workload. */
interface LeverRun {
  readonly info: NetworkInfo;
  readonly out: string;
  readonly rounds: number;
  /** An untimed round before round 1 (`--no-warm-up-round` leaves it out). */
  readonly warmUpRound: boolean;
  readonly durationS: number;
}

async function fabricLogging({ info, out, rounds, warmUpRound, durationS }: LeverRun): Promise<void> {
  const { writers, state } = await benchWriters(info);
  const ops = benchOperations(writers, state);
  const workloads = workloadsOf(LEVER_WORKLOADS['fabric-logging'], ops, durationS);
  let sides: Side[];
  try {
    sides = await interleave(info, {
      ping: ops.ping,
      settings: ['info', 'warning'],
      apply: (spec) => setFabricLogging(info, spec),
      workloads,
      rounds,
      warmUpRound,
    });
  } finally {
    // Back to the spec the nodes were started with.
    await setFabricLogging(info, fabricLoggingSpec());
  }
  writeLever(
    out,
    'levers',
    [
      '# Lever: Fabric logging (peers and orderers), info → warning, same run, interleaved',
      '',
      `${String(rounds)} rounds of ${String(durationS)} s per side; medians of the rounds. Consortium CPU per operation is the CPU time of every process of the network (peers, orderers, chaincode servers, gateways) divided by the operations run: the number least disturbed by other load on a shared machine.`,
      '',
      ...sidesTable('FABRIC_LOGGING_SPEC', sides),
    ],
    sides,
    warmUpSetting(['info', 'warning'], warmUpRound),
  );
}

/** Restarts the org's gateway with `ledger.commitTracking` set to `mode` (unset: the default). */
async function restartGatewayWith(orgName: string, mode: string | undefined): Promise<void> {
  const ctx = await networkContext();
  const org = ctx.topology.peerOrgs.find((o) => o.name === orgName);
  if (!org) throw new Error(`no org ${orgName}`);
  if (mode === undefined) delete process.env['MEDLEDGER_COMMIT_TRACKING'];
  else process.env['MEDLEDGER_COMMIT_TRACKING'] = mode;
  // A changed config changes the process fingerprint, so startProcess stops and restarts it.
  await startProcess(
    gatewayProcess(ctx.paths, org, renderGatewayConfig(ctx.topology, ctx.paths, org)),
    120_000,
  );
}

async function commitTracking({ info, out, rounds, warmUpRound, durationS }: LeverRun): Promise<void> {
  const { writers, state } = await benchWriters(info);
  const ops = benchOperations(writers, state);
  const workloads = workloadsOf(LEVER_WORKLOADS['commit-tracking'], ops, durationS);
  const processes = ['gateway-hospital1', 'peer0-hospital1'];
  const before = process.env['MEDLEDGER_COMMIT_TRACKING'];
  let sides: Side[];
  try {
    sides = await interleave(info, {
      ping: ops.ping,
      settings: ['status', 'stream'],
      apply: (mode) => restartGatewayWith('Hospital1', mode),
      workloads,
      rounds,
      warmUpRound,
      processes,
    });
  } finally {
    await restartGatewayWith('Hospital1', before);
  }
  writeLever(
    out,
    'lever-commit-tracking',
    [
      '# Lever: commit tracking, one CommitStatus call per transaction (status) → one filtered block stream per gateway (stream), same run, interleaved',
      '',
      `The Hospital1 gateway restarted with \`ledger.commitTracking\` set to each side in turn, the order reversed every other round; ${String(rounds)} rounds of ${String(WARMUP_S)} s warm-up and ${String(durationS)} s per workload and side; medians of the rounds. An anchor is two commits (content staged on the custodian peer, then the public anchor). Consortium CPU per operation is the CPU time of every process of the network divided by the committed operations; the gateway's and its peer's own share are listed too. "not committed" sums the requests of all rounds that did not answer a VALID commit.`,
      '',
      ...sidesTable('commitTracking', sides, processes),
      '',
      "stream / status, the median of the rounds' ratios (each round's ratios in brackets, in round order; below 1 is less CPU, less throughput or lower latency):",
      '',
      ...ratioTable(sides, ['status', 'stream'], processes),
    ],
    sides,
    warmUpSetting(['status', 'stream'], warmUpRound),
  );
}

/** Sets (or, with undefined, removes) environment variables the network's process builders read. */
export function setEnv(vars: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
}

/**
 * (Re)starts the peers and orderers with the environment as it is now (`tuning.ts` of the network):
 * orderers one at a time, so the ordering service keeps its quorum, then the peers together. A process
 * whose switches did not change is reused.
 */
export async function restartFabricNodes(): Promise<NetworkContext> {
  const ctx = await networkContext();
  for (const n of ctx.topology.ordererOrg.nodes) await startProcess(ordererProcess(ctx, n), 120_000);
  await Promise.all(allPeers(ctx.topology).map((p) => startProcess(peerProcess(ctx, p), 120_000)));
  // A peer answers before it knows the others; the gateways' first endorsements would fail (503).
  await waitForGossip(ctx);
  return ctx;
}

/** (Re)starts every gateway with its config rendered from the environment as it is now. */
async function restartGateways(): Promise<void> {
  const ctx = await networkContext();
  await Promise.all(
    ctx.topology.peerOrgs.map((org) =>
      startProcess(
        gatewayProcess(ctx.paths, org, renderGatewayConfig(ctx.topology, ctx.paths, org)),
        120_000,
      ),
    ),
  );
}

/**
 * The bench's own variable (never read by the network) naming the chaincode build the servers run:
 * the `chaincode-builds` lever sets it per setting; unset, this repository's build.
 */
const CHAINCODE_BUILD_ENV = 'MEDLEDGER_BENCH_CHAINCODE_MODULE';

/** (Re)starts every chaincode server with the environment as it is now. */
async function restartChaincodeServers(): Promise<void> {
  const ctx = await networkContext();
  const modulePath = process.env[CHAINCODE_BUILD_ENV];
  await Promise.all(
    ctx.topology.peerOrgs.map((org) =>
      startProcess(
        chaincodeServerProcess(ctx, packageChaincode(ctx.topology, ctx.paths, org), { modulePath }),
        120_000,
      ),
    ),
  );
}

/**
 * The settings of the `chaincode-builds` lever: `label=folder` items, each folder a built chaincode
 * module (its package.json and dist/index.js), resolved to an absolute path.
 */
export function chaincodeBuildSettings(
  items: readonly string[],
  exists: (path: string) => boolean = existsSync,
): Record<string, Record<string, string>> {
  const settings: Record<string, Record<string, string>> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    const label = item.slice(0, at).trim();
    const folder = resolve(item.slice(at + 1).trim());
    if (at <= 0 || label in settings)
      throw new Error(`--builds: ${JSON.stringify(item)} is not a new label=folder`);
    if (!exists(join(folder, 'package.json')) || !exists(join(folder, 'dist', 'index.js')))
      throw new Error(`--builds: ${folder} is not a built chaincode module (package.json, dist/index.js)`);
    settings[label] = { [CHAINCODE_BUILD_ENV]: folder };
  }
  if (Object.keys(settings).length < 2) throw new Error('--builds: name at least two builds');
  return settings;
}

/**
 * A lever switched through environment variables of the network's processes: each setting names the
 * variables it sets (undefined: unset), `restart` brings the processes up with them.
 */
export interface EnvLever {
  readonly name: string;
  readonly title: string;
  readonly settings: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
  readonly restart: () => Promise<unknown>;
  readonly processes: readonly string[];
  readonly workloads: readonly LeverWorkload[];
  readonly note: string;
}

/** Runs an {@link EnvLever}: every setting in turn per round, restored to the environment's own at the end. */
async function envLever(
  lever: EnvLever,
  { info, out, rounds, warmUpRound, durationS }: LeverRun,
): Promise<void> {
  const { writers, auditor, state } = await benchWriters(info);
  const ops = lever.workloads.includes(HOSPITAL_DAY_OPEN)
    ? await withHospitalDay(writers, state, auditor)
    : benchOperations(writers, state, auditor);
  const names = [...new Set(Object.values(lever.settings).flatMap((vars) => Object.keys(vars)))];
  const before = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  let sides: Side[];
  try {
    sides = await interleave(info, {
      ping: ops.ping,
      settings: Object.keys(lever.settings),
      apply: async (setting) => {
        setEnv(lever.settings[setting] ?? {});
        await lever.restart();
      },
      workloads: workloadsOf(lever.workloads, ops, durationS),
      rounds,
      warmUpRound,
      processes: lever.processes,
    });
  } finally {
    setEnv(before);
    await lever.restart();
  }
  writeLever(
    out,
    `lever-${lever.name}`,
    [
      `# Lever: ${lever.title}, same run, interleaved`,
      '',
      `${lever.note} ${String(rounds)} rounds of ${String(WARMUP_S)} s warm-up and ${String(durationS)} s per workload and setting, the settings' order reversed every other round; medians of the rounds. Consortium CPU per operation is the CPU time of every process of the network divided by the committed operations (warm-up included); "not committed" sums the requests of all rounds that did not answer a VALID commit.`,
      '',
      ...sidesTable('setting', sides, lever.processes),
      ...ratioTables(sides, Object.keys(lever.settings), lever.processes),
      ...(lever.workloads.includes(HOSPITAL_DAY_OPEN)
        ? [
            '',
            'The mixed load by kind of interaction (medians of the rounds):',
            '',
            ...kindsTable('setting', sides),
          ]
        : []),
    ],
    sides,
    warmUpSetting(Object.keys(lever.settings), warmUpRound),
  );
}

const FABRIC_PROCESSES = ['peer0-hospital1', 'orderer0'];

/** A comma-separated list of the command line, each item checked. */
export function listOption(raw: string, what: string, valid: (item: string) => boolean): string[] {
  const items = raw
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  const bad = items.find((x) => !valid(x));
  if (items.length === 0 || bad !== undefined)
    throw new Error(`${what}: ${JSON.stringify(bad ?? raw)} is not valid`);
  return items;
}

/**
 * The settings of a lever over a count: `first` (its value undefined: the variable unset), then
 * `<label> <n>` for each of `values` (`--values`, positive integers).
 */
export function countSettings(
  label: string,
  variable: string,
  first: { label: string; value: string | undefined },
  values: string,
): Record<string, Record<string, string | undefined>> {
  const counts = listOption(values, '--values', (v) => /^[1-9][0-9]{0,3}$/.test(v));
  return Object.fromEntries([
    [first.label, { [variable]: first.value }],
    ...counts.map((v) => [`${label} ${v}`, { [variable]: v }]),
  ]) as Record<string, Record<string, string | undefined>>;
}

/** The settings of the `gogc` lever: Go's default (unset) first, then each value, with the memory limit when asked. */
export function gogcSettings(
  values: readonly string[],
  memLimit?: string,
): Record<string, Record<string, string | undefined>> {
  const settings: Record<string, Record<string, string | undefined>> = {
    'GOGC default': { MEDLEDGER_GOGC: undefined, MEDLEDGER_GOMEMLIMIT: undefined },
  };
  for (const v of values) {
    settings[`GOGC=${v}${memLimit ? ` GOMEMLIMIT=${memLimit}` : ''}`] = {
      MEDLEDGER_GOGC: v,
      MEDLEDGER_GOMEMLIMIT: memLimit,
    };
  }
  return settings;
}

/** The settings of the `batch` lever: every timeout with every message count. */
export function batchSettings(timeouts: readonly string[], counts: readonly string[]): BatchSettings[] {
  return timeouts.flatMap((batchTimeout) =>
    counts.map((c) => ({ batchTimeout, maxMessageCount: Number(c) })),
  );
}

const batchLabel = (b: BatchSettings): string => `${b.batchTimeout} x ${String(b.maxMessageCount)}`;

/**
 * Runs `workloads` under each of `settings`, each a channel config update (no restart), with
 * {@link interleave}, and restores the channel's own setting afterwards, which it returns with the sides.
 */
async function interleaveBatchSettings(
  run: LeverRun,
  settings: readonly BatchSettings[],
  options: Pick<Parameters<typeof interleave>[1], 'ping' | 'workloads' | 'processes' | 'lastBlock'>,
): Promise<{ sides: Side[]; original: BatchSettings }> {
  const ctx = await networkContext();
  const original = channelBatchSettings(ctx.install, ctx.topology, ctx.paths);
  try {
    const sides = await interleave(run.info, {
      ...options,
      settings: settings.map(batchLabel),
      apply: async (label) => {
        const s = settings.find((x) => batchLabel(x) === label);
        if (s) await setBatchSettings(ctx.install, ctx.topology, ctx.paths, s);
      },
      rounds: run.rounds,
      warmUpRound: run.warmUpRound,
    });
    return { sides, original };
  } finally {
    await setBatchSettings(ctx.install, ctx.topology, ctx.paths, original);
  }
}

async function batchLever(run: LeverRun, values: { timeouts: string; counts: string }): Promise<void> {
  const settings = batchSettings(
    listOption(values.timeouts, '--timeouts', (t) => /^[0-9]+(ms|s)$/.test(t)),
    listOption(values.counts, '--counts', (c) => /^[1-9][0-9]*$/.test(c)),
  );
  const { writers, auditor, state } = await benchWriters(run.info);
  const ops = await withHospitalDay(writers, state, auditor);
  const { sides, original } = await interleaveBatchSettings(run, settings, {
    ping: ops.ping,
    workloads: workloadsOf(LEVER_WORKLOADS.batch, ops, run.durationS),
    processes: FABRIC_PROCESSES,
  });
  writeLever(
    run.out,
    'lever-batch',
    [
      "# Lever: the orderers' BatchTimeout x MaxMessageCount as a curve, same run, interleaved",
      '',
      `Each setting is a channel config update signed by the ordering org's admin (no restart); the channel's own setting (${batchLabel(original)}) is restored at the end. ${String(run.rounds)} rounds of ${String(WARMUP_S)} s warm-up and ${String(run.durationS)} s per workload and setting, the settings' order reversed every other round; medians of the rounds. Consortium CPU per operation counts every process of the network, warm-up included.`,
      '',
      ...sidesTable('BatchTimeout x MaxMessageCount', sides, FABRIC_PROCESSES),
      '',
      'The mixed load by kind of interaction (medians of the rounds):',
      '',
      ...kindsTable('BatchTimeout x MaxMessageCount', sides),
    ],
    sides,
    warmUpSetting(settings.map(batchLabel), run.warmUpRound),
  );
}

/** The org whose gateway the bench's writers call ({@link benchWriters}), as process names end. */
const SERVING_ORG = 'hospital1';

/** What the `block-cost` lever can load: the empty transaction, anchors (two commits each) or access decisions. */
const BLOCK_COST_LOADS = {
  ping: {
    workload: PING_CLOSED,
    title: 'an empty transaction costs',
    endorsers: 'Hospital1 and one other org endorse each transaction',
    unit: 'transaction',
    what: `the empty transaction (\`${PING}\`)`,
    file: 'lever-block-cost',
  },
  anchor: {
    workload: ANCHOR_CLOSED,
    title: 'an anchor costs',
    endorsers: 'Hospital1 alone endorses the staging, Hospital1 and the regulator the anchor',
    unit: 'anchor',
    what: `anchors of new records (\`${ANCHOR}\`: a staging and an anchor, two commits each)`,
    file: 'lever-block-cost-anchor',
  },
  access: {
    workload: ACCESS_CLOSED,
    title: 'an access decision costs',
    endorsers: 'Hospital1 and the regulator endorse each decision',
    unit: 'access decision',
    what: "access decisions (`POST /v1/records/{id}/access`: Hospital1's attendings, its records, for treatment)",
    file: 'lever-block-cost-access',
  },
} as const;

/**
 * The `block-cost` lever: the empty transaction, anchors or access decisions at saturation under each BatchTimeout,
 * every process's CPU per operation grouped as the serving org's and each other org's, and the blocks
 * it took; then each group's cost split into a part per operation and a part per block
 * (`block-cost.ts`).
 */
async function blockCostLever(run: LeverRun, timeouts: string, loadName: string): Promise<void> {
  if (!(loadName in BLOCK_COST_LOADS))
    throw new Error(`--load takes ping, anchor or access, not ${JSON.stringify(loadName)}`);
  const load = BLOCK_COST_LOADS[loadName as keyof typeof BLOCK_COST_LOADS];
  const settings = batchSettings(
    listOption(timeouts, '--timeouts', (t) => /^[0-9]+(ms|s)$/.test(t)),
    ['500'],
  );
  const serving = run.info.orgs.find((o) => o.name.toLowerCase() === SERVING_ORG);
  const gatewayUrl = serving?.gatewayUrl;
  if (serving === undefined || gatewayUrl === undefined)
    throw new Error(`the network has no gateway of ${SERVING_ORG}`);
  const { writers, state } = await benchWriters(run.info);
  const ops = benchOperations(writers, state);
  const { sides, original } = await interleaveBatchSettings(run, settings, {
    ping: ops.ping,
    workloads: workloadsOf([load.workload], ops, run.durationS),
    processes: Object.keys(networkCpuByProcess(run.info.stateDir)).sort(),
    lastBlock: () => lastCommittedBlock(gatewayUrl),
  });
  const rows: BlockCostRow[] = sides.map((side) => {
    const byProcess = Object.fromEntries(
      Object.entries(side.processCpuMsPerOp).map(([name, xs]) => [name, median(xs)]),
    );
    const blocksPerOp = median(side.blocksPerOp ?? []);
    return {
      setting: side.label.split(' | ')[1]?.split(' x ')[0] ?? side.label,
      opsPerBlock: blocksPerOp > 0 ? 1 / blocksPerOp : 0,
      consortiumMsPerOp: median(side.cpuMsPerOp),
      groups: groupCpu(byProcess, SERVING_ORG),
    };
  });
  writeLever(
    run.out,
    load.file,
    [
      `# What ${load.title} each process, per ${load.unit} and per block`,
      '',
      `${load.what.charAt(0).toUpperCase()}${load.what.slice(1)}, closed loop of 32, at saturation under each BatchTimeout (MaxMessageCount 500), each a channel config update (no restart); the channel's own setting (${batchLabel(original)}) is restored at the end. ${String(run.rounds)} rounds of ${String(WARMUP_S)} s warm-up and ${String(run.durationS)} s per setting, the order reversed every other round; medians of the rounds. Every request goes to ${serving.name}'s gateway (the serving org); ${load.endorsers}, and every org's peer validates and commits every block. "each" is the mean of that group's processes. ${load.unit}s per block: the committed ${load.unit}s over the blocks ${serving.name}'s gateway saw committed in the run.`,
      '',
      `The second table fits each cost over the settings as \`per ${load.unit} + per block x blocks per ${load.unit}\` (least squares): what larger blocks share out, and what no batching removes. One more org adds its peer, gateway and chaincode server, the "each other" groups.`,
      '',
      ...blockCostTables(rows, load.unit),
    ],
    sides,
    warmUpSetting(settings.map(batchLabel), run.warmUpRound),
  );
}

/** What a member-policy lever's report says of the policy it switches. */
const MEMBER_POLICY_LEVERS = {
  Writers: {
    lever: 'writers-policy',
    roles: 'admin and client',
    checked:
      "Every endorsing peer checks a proposal's creator against this policy (the `peer/Propose` ACL), and the orderers check each transaction against `/Channel/Writers`, which includes it.",
  },
  Readers: {
    lever: 'readers-policy',
    roles: 'admin, peer and client',
    checked:
      "Every peer checks each channel-scoped gossip message it receives (the StateInfo that carries another peer's ledger height, pushed and pulled every few seconds) against this policy, and each block stream once when it opens.",
  },
} as const satisfies Record<
  MemberPolicyName,
  { lever: keyof typeof LEVER_WORKLOADS; roles: string; checked: string }
>;

/**
 * The `writers-policy` and `readers-policy` levers: the channel's Application policy `name` as
 * configtxgen makes it (`ANY <name>`, one signature check per org tried) against one signature policy
 * over every org's roles of that name (one check), each a config update signed by a majority of the
 * orgs' admins; the channel's own form is restored at the end. With `idleS`, each counted setting first
 * measures the idle consortium's CPU per second.
 */
async function memberPolicyLever(run: LeverRun, name: MemberPolicyName, idleS?: number): Promise<void> {
  const ctx = await networkContext();
  const about = MEMBER_POLICY_LEVERS[name];
  const settings: readonly MemberPolicyMode[] = ['implicit', 'signature'];
  const { writers, state } = await benchWriters(run.info);
  const ops = benchOperations(writers, state);
  const idle: Pick<GossipObservation, 'setting' | 'idleCpuMsPerS'>[] = [];
  const own = channelMemberPolicies(ctx.install, ctx.topology, ctx.paths)[name];
  let sides: Side[];
  try {
    sides = await interleave(run.info, {
      ping: ops.ping,
      settings,
      apply: async (mode, counted) => {
        await setMemberPolicies(ctx.install, ctx.topology, ctx.paths, { [name]: mode as MemberPolicyMode });
        // Every peer applies the config block when it commits it; give the slowest a moment.
        await sleep(2000);
        if (idleS === undefined || !counted) return;
        const c0 = networkCpuByRole(run.info.stateDir);
        await sleep(idleS * 1000);
        idle.push({
          setting: mode,
          idleCpuMsPerS: cpuMsPerSecond(c0, networkCpuByRole(run.info.stateDir), idleS),
        });
      },
      workloads: workloadsOf(LEVER_WORKLOADS[about.lever], ops, run.durationS),
      rounds: run.rounds,
      warmUpRound: run.warmUpRound,
      processes: FABRIC_PROCESSES,
    });
  } finally {
    await setMemberPolicies(ctx.install, ctx.topology, ctx.paths, { [name]: own });
  }
  const idleLines =
    idleS === undefined
      ? []
      : [
          `## Idle consortium, CPU per second (${String(idleS)} s after each setting, before its workloads)`,
          '',
          ...idleTable(settings, idle, allPeers(ctx.topology).length),
          '',
          '## CPU per committed operation',
          '',
        ];
  writeLever(
    run.out,
    `lever-${about.lever}`,
    [
      `# Lever: the channel's Application ${name} policy, \`ANY ${name}\` (implicit) against one signature policy over every org's ${about.roles} roles (signature), same run, interleaved`,
      '',
      `${about.checked} An implicit-meta \`ANY\` tries the orgs' own ${name} policies in no fixed order and verifies the signature again for each; the signature policy names the same roles (each org's ${about.roles}) and verifies once. Each setting is a config update signed by a majority of the orgs' admins (no restart); the channel's own form (\`${own}\`) is restored at the end. ${String(run.rounds)} rounds of ${String(WARMUP_S)} s warm-up and ${String(run.durationS)} s per workload and setting, the settings' order reversed every other round; medians of the rounds. Consortium CPU per operation counts every process of the network, warm-up included.`,
      '',
      ...idleLines,
      ...sidesTable(`${name} policy`, sides, FABRIC_PROCESSES),
      '',
      ...ratioTable(sides, ['implicit', 'signature'], FABRIC_PROCESSES),
    ],
    sides,
    warmUpSetting(settings, run.warmUpRound),
  );
}

/** The `chaincode-builds` lever: the chaincode servers restarted from each build in turn. */
function chaincodeBuildsLever(builds: string): EnvLever {
  return {
    name: 'chaincode-builds',
    title: 'builds of the chaincode on the same network',
    settings: chaincodeBuildSettings(listOption(builds, '--builds', (b) => b.includes('='))),
    restart: restartChaincodeServers,
    processes: ['peer0-hospital1', 'peer0-regulator', 'chaincode-hospital1', 'chaincode-regulator'],
    workloads: LEVER_WORKLOADS['chaincode-builds'],
    note: "Every org's chaincode server restarted from each build's folder (the peers, the chaincode definition and the ledger unchanged). Every anchor is a new record and the reads and access decisions use records anchored before the run, so neither build reads a state only the other writes.",
  };
}

/** The levers switched through the processes' environment (see `tuning.ts` of the network). */
export function envLevers(values: {
  values?: string | undefined;
  memlimit?: string | undefined;
}): Record<string, EnvLever> {
  return {
    gogc: {
      name: 'gogc',
      title: 'GOGC (and GOMEMLIMIT) of peers and orderers',
      settings: gogcSettings(
        listOption(values.values ?? '100,200,400', '--values', (v) => /^(off|[1-9][0-9]*)$/.test(v)),
        values.memlimit,
      ),
      restart: restartFabricNodes,
      processes: FABRIC_PROCESSES,
      workloads: LEVER_WORKLOADS.gogc,
      note: 'Peers and orderers restarted with each setting (orderers one at a time).',
    },
    history: {
      name: 'history',
      title: "the peers' history database on → off",
      settings: { 'history on': { MEDLEDGER_HISTORY_DB: '1' }, 'history off': { MEDLEDGER_HISTORY_DB: '0' } },
      restart: restartFabricNodes,
      processes: FABRIC_PROCESSES,
      workloads: LEVER_WORKLOADS.history,
      note: 'Peers restarted with `ledger.history.enableHistoryDatabase` each way; nothing in the chaincode reads the history (no getHistoryForKey).',
    },
    'validator-pool': {
      name: 'validator-pool',
      title: "the peers' validatorPoolSize",
      settings: countSettings(
        'pool',
        'MEDLEDGER_VALIDATOR_POOL_SIZE',
        { label: 'pool default (CPUs)', value: undefined },
        values.values ?? '1,4',
      ),
      restart: restartFabricNodes,
      processes: FABRIC_PROCESSES,
      workloads: LEVER_WORKLOADS['validator-pool'],
      note: 'Peers restarted with each `peer.validatorPoolSize`.',
    },
    gomaxprocs: {
      name: 'gomaxprocs',
      title: 'GOMAXPROCS of peers and orderers',
      // Go's default named, not unset: unset, the local network gives each node its share of the CPUs.
      settings: countSettings(
        'GOMAXPROCS',
        'MEDLEDGER_GOMAXPROCS',
        {
          label: `GOMAXPROCS ${String(availableParallelism())} (Go's default)`,
          value: String(availableParallelism()),
        },
        values.values ?? '1',
      ),
      restart: restartFabricNodes,
      processes: FABRIC_PROCESSES,
      workloads: LEVER_WORKLOADS.gomaxprocs,
      note: `Peers and orderers restarted with each \`GOMAXPROCS\` (orderers one at a time); Go's default is the host's CPUs (${String(availableParallelism())} here) in each process.`,
    },
    'chaincode-logging': {
      name: 'chaincode-logging',
      title: "the chaincode servers' log level info → warning",
      settings: {
        // Named, not left unset: unset is the chosen default, `warning`.
        'chaincode info': { MEDLEDGER_CHAINCODE_LOGGING: 'info' },
        'chaincode warning': { MEDLEDGER_CHAINCODE_LOGGING: 'warning' },
      },
      restart: restartChaincodeServers,
      processes: ['chaincode-hospital1', 'chaincode-hospital2'],
      workloads: LEVER_WORKLOADS['chaincode-logging'],
      note: 'Every chaincode server restarted with `CORE_CHAINCODE_LOGGING_LEVEL` each way (fabric-shim logs every invocation at info).',
    },
    sqlite: {
      name: 'sqlite',
      title: "the gateways' SQLite pragmas (idempotency store, projection)",
      settings: {
        'WAL NORMAL': {
          MEDLEDGER_SQLITE_JOURNAL_MODE: undefined,
          MEDLEDGER_SQLITE_SYNCHRONOUS: undefined,
          MEDLEDGER_SQLITE_MMAP_BYTES: undefined,
        },
        'WAL NORMAL mmap 256 MiB': {
          MEDLEDGER_SQLITE_JOURNAL_MODE: undefined,
          MEDLEDGER_SQLITE_SYNCHRONOUS: undefined,
          MEDLEDGER_SQLITE_MMAP_BYTES: String(256 * 1024 * 1024),
        },
        'WAL FULL': {
          MEDLEDGER_SQLITE_JOURNAL_MODE: undefined,
          MEDLEDGER_SQLITE_SYNCHRONOUS: 'FULL',
          MEDLEDGER_SQLITE_MMAP_BYTES: undefined,
        },
        'DELETE FULL': {
          MEDLEDGER_SQLITE_JOURNAL_MODE: 'DELETE',
          MEDLEDGER_SQLITE_SYNCHRONOUS: 'FULL',
          MEDLEDGER_SQLITE_MMAP_BYTES: undefined,
        },
      },
      restart: restartGateways,
      processes: ['gateway-hospital1', 'gateway-regulator'],
      workloads: LEVER_WORKLOADS.sqlite,
      note: "Every gateway restarted with its config's `sqlite` section for each setting (the patient-proof nonces stay FULL). Writes exercise the idempotency store and the projection follower, the audit page reads the Regulator's projection.",
    },
  };
}

/** The gossip lever's settings: Fabric's timing first, then the relaxed one (`tuning.ts` of the network). */
export const GOSSIP_SETTINGS = ['fabric', 'relaxed'] as const;

/** How long the gossip lever waits for a restarted peer before it calls the wait failed. */
const RESTART_DEADLINE_MS = 120_000;

/**
 * Milliseconds until `done` first holds, tried every 250 ms; `null` when it does not hold within
 * `deadlineMs`.
 */
async function msUntil(done: () => Promise<boolean>, deadlineMs: number): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < deadlineMs) {
    if (await done().catch(() => false)) return Math.round(performance.now() - started);
    await sleep(250);
  }
  return null;
}

/**
 * Restarts the Hospital1 peer (the one its REST gateway endorses at) and times, from the moment it is
 * ready again, how long until gossip knows it everywhere and until the gateway commits a ping again.
 */
async function timePeerRestart(ping: Operation): Promise<GossipObservation['restart']> {
  const ctx = await networkContext();
  const peer = ctx.topology.peerOrgs.find((o) => o.name === 'Hospital1')?.peerNodes[0];
  if (!peer) throw new Error('no Hospital1 peer');
  await stopProcess(ctx.paths.pidFile(peer.shortName));
  await startProcess(peerProcess(ctx, peer), RESTART_DEADLINE_MS);
  let attempt = 0;
  const [gossipKnownMs, firstCommitMs] = await Promise.all([
    msUntil(async () => {
      await waitForGossip(ctx, 1000);
      return true;
    }, RESTART_DEADLINE_MS),
    msUntil(async () => (await ping(attempt++)) === 'committed', RESTART_DEADLINE_MS),
  ]);
  return { gossipKnownMs, firstCommitMs };
}

/**
 * The gossip lever: per round and setting, every peer restarted with `MEDLEDGER_GOSSIP` set, the
 * Hospital1 peer restarted once more and timed, the idle consortium's CPU per second measured, then
 * the write workloads run; writes `lever-gossip.json` and `.md`.
 */
async function gossipLever(
  { info, out, rounds, warmUpRound, durationS }: LeverRun,
  idleS: number,
): Promise<void> {
  const { writers, auditor, state } = await benchWriters(info);
  const ops = benchOperations(writers, state, auditor);
  const ctx = await networkContext();
  const peers = allPeers(ctx.topology).length;
  const before = process.env['MEDLEDGER_GOSSIP'];
  const observations: GossipObservation[] = [];
  const workloads = workloadsOf(LEVER_WORKLOADS.gossip, ops, durationS);
  let sides: Side[];
  try {
    sides = await interleave(info, {
      ping: ops.ping,
      settings: GOSSIP_SETTINGS,
      apply: async (setting, counted) => {
        setEnv({ MEDLEDGER_GOSSIP: setting });
        await restartFabricNodes();
        if (!counted) return;
        const restart = await timePeerRestart(ops.ping);
        // A restarted peer sends its certificates with its alive messages for a while; let that pass.
        await sleep(10_000);
        const c0 = networkCpuByRole(info.stateDir);
        await sleep(idleS * 1000);
        const idleCpuMsPerS = cpuMsPerSecond(c0, networkCpuByRole(info.stateDir), idleS);
        observations.push({ setting, idleCpuMsPerS, restart });
        process.stderr.write(
          `[levers] ${setting}: idle ${idleCpuMsPerS.total.toFixed(1)} ms/s (peers ${idleCpuMsPerS.byRole.peers.toFixed(1)}); restart: gossip ${String(restart.gossipKnownMs)} ms, first commit ${String(restart.firstCommitMs)} ms\n`,
        );
      },
      workloads,
      rounds,
      warmUpRound,
      processes: FABRIC_PROCESSES,
    });
  } finally {
    setEnv({ MEDLEDGER_GOSSIP: before });
    await restartFabricNodes();
  }
  const [first, second] = GOSSIP_SETTINGS;
  writeLever(
    out,
    'lever-gossip',
    [
      "# Lever: the peers' gossip timing, Fabric's (`MEDLEDGER_GOSSIP=fabric`) → relaxed, same run, interleaved",
      '',
      `Per round and setting (the order reversed every other round, ${String(rounds)} rounds): every peer restarted with the setting; the Hospital1 peer stopped and started once more and timed from the moment it answers again; 10 s later the idle consortium's CPU over ${String(idleS)} s; then each workload for ${String(WARMUP_S)} s warm-up and ${String(durationS)} s. ${String(peers)} peers. Medians of the rounds; CPU figures of a shared machine are best read as ratios.`,
      '',
      '## Idle consortium, CPU per second',
      '',
      ...idleTable(GOSSIP_SETTINGS, observations, peers),
      '',
      '## A restarted peer (Hospital1), from ready to',
      '',
      ...restartTable(GOSSIP_SETTINGS, observations),
      '',
      '## At saturation, CPU per committed operation',
      '',
      ...sidesTable('setting', sides, FABRIC_PROCESSES),
      '',
      ...roleTable(sides),
      '',
      `${second} / ${first}, the median of the rounds' ratios (each round's in brackets):`,
      '',
      ...ratioTable(sides, [first, second], FABRIC_PROCESSES),
    ],
    sides,
    warmUpSetting(GOSSIP_SETTINGS, warmUpRound),
  );
}

const LEVER_OPTIONS = {
  rounds: { type: 'string', value: 'N', default: '2', description: 'rounds, each running both settings' },
  duration: { type: 'string', value: 'SECONDS', default: '10', description: 'length of each measured run' },
  'no-warm-up-round': {
    type: 'boolean',
    description: 'start with round 1 (by default every workload first runs once, untimed)',
  },
  out: {
    type: 'string',
    value: 'DIR',
    default: resolve(__dirname, '..', 'results'),
    description: 'where the results are written',
  },
} as const;

/** How long the idle consortium's CPU is measured, for the levers that measure it. */
const IDLE_OPTION = {
  type: 'string',
  value: 'SECONDS',
  default: '20',
  description: 'length of each idle measurement',
} as const;

/** The levers, one command each (see the file header). */
export const LEVERS_CLI = {
  invocation: 'node bench/dist/levers.js',
  summary:
    'Measures one lever before and after in the same run, the settings alternating, on the running network.',
  examples: ['node bench/dist/levers.js fabric-logging --rounds 2 --duration 10'],
  commands: {
    'fabric-logging': command({
      summary: "Peers' and orderers' log level info against warning, switched at run time.",
      options: LEVER_OPTIONS,
      examples: ['node bench/dist/levers.js fabric-logging'],
    }),
    'commit-tracking': command({
      summary: "The Hospital1 gateway's commit tracking, status against stream (restarts that gateway).",
      options: LEVER_OPTIONS,
      examples: ['node bench/dist/levers.js commit-tracking --rounds 3'],
    }),
    'token-cache': command({
      summary: "The gateway's bearer-token check with and without its cache, in process (no network needed).",
      options: { out: LEVER_OPTIONS.out },
      examples: ['node bench/dist/levers.js token-cache'],
    }),
    'shim-batching': command({
      summary:
        'Chaincode message batching off and on (restarts every peer; needs MEDLEDGER_BENCH_LOADER=1 at start).',
      options: {
        ...LEVER_OPTIONS,
        batch: {
          type: 'string',
          value: 'N',
          default: String(DEFAULT_BATCH),
          description: 'audit events per loader transaction',
        },
      },
      examples: ['node bench/dist/levers.js shim-batching --rounds 2 --duration 30 --batch 100'],
    }),
    batch: command({
      summary:
        "The orderers' BatchTimeout x MaxMessageCount as a curve, each a channel config update (no restart).",
      options: {
        ...LEVER_OPTIONS,
        timeouts: {
          type: 'string',
          value: 'LIST',
          default: '10ms,20ms,50ms,100ms,250ms',
          description: 'BatchTimeout values',
        },
        counts: { type: 'string', value: 'LIST', default: '500', description: 'MaxMessageCount values' },
      },
      examples: ['node bench/dist/levers.js batch --timeouts 10ms,20ms,50ms --counts 10,500 --rounds 2'],
    }),
    'block-cost': command({
      summary:
        "The empty transaction, anchors or access decisions at saturation under each BatchTimeout: every process's CPU per operation, split into a part per operation and a part per block.",
      options: {
        ...LEVER_OPTIONS,
        timeouts: {
          type: 'string',
          value: 'LIST',
          default: '10ms,50ms,250ms',
          description: 'BatchTimeout values (MaxMessageCount 500)',
        },
        load: {
          type: 'string',
          value: 'LOAD',
          default: 'ping',
          description:
            'ping (the empty transaction), anchor (a staging and an anchor, two commits) or access (access decisions)',
        },
      },
      examples: ['node bench/dist/levers.js block-cost --timeouts 10ms,50ms,250ms --rounds 2 --duration 30'],
    }),
    gogc: command({
      summary: "Peers' and orderers' GOGC (and GOMEMLIMIT), Go's default first (restarts them per setting).",
      options: {
        ...LEVER_OPTIONS,
        values: {
          type: 'string',
          value: 'LIST',
          default: '100,200,400',
          description: 'GOGC values (off allowed)',
        },
        memlimit: { type: 'string', value: 'BYTES', description: 'GOMEMLIMIT with each value, e.g. 512MiB' },
      },
      examples: ['node bench/dist/levers.js gogc --values 200,400,off --memlimit 768MiB'],
    }),
    history: command({
      summary: "The peers' history database on against off (restarts the peers per setting).",
      options: LEVER_OPTIONS,
      examples: ['node bench/dist/levers.js history --rounds 3'],
    }),
    'validator-pool': command({
      summary:
        "The peers' validatorPoolSize, Fabric's default (the CPUs) first (restarts the peers per setting).",
      options: {
        ...LEVER_OPTIONS,
        values: {
          type: 'string',
          value: 'LIST',
          default: '1,4',
          description: 'pool sizes besides the default',
        },
      },
      examples: ['node bench/dist/levers.js validator-pool --values 1,4'],
    }),
    gomaxprocs: command({
      summary:
        "GOMAXPROCS of peers and orderers, Go's default (the host's CPUs) first (restarts peers and orderers per setting).",
      options: {
        ...LEVER_OPTIONS,
        values: {
          type: 'string',
          value: 'LIST',
          default: '1',
          description: "GOMAXPROCS values besides Go's default",
        },
      },
      examples: ['node bench/dist/levers.js gomaxprocs --values 1 --rounds 3 --duration 20'],
    }),
    'chaincode-builds': command({
      summary:
        'Two or more builds of the chaincode on the same network, e.g. before and after a change (restarts the chaincode servers per build).',
      options: {
        ...LEVER_OPTIONS,
        builds: {
          type: 'string',
          value: 'LIST',
          default: '',
          description: 'label=folder items, each folder a built chaincode module; the first is the base',
        },
      },
      examples: [
        'node bench/dist/levers.js chaincode-builds --builds before=/tmp/old/chaincode,after=chaincode',
      ],
    }),
    'chaincode-logging': command({
      summary: "The chaincode servers' log level info against warning (restarts them per setting).",
      options: LEVER_OPTIONS,
      examples: ['node bench/dist/levers.js chaincode-logging --rounds 3'],
    }),
    gossip: command({
      summary:
        "The peers' gossip timing, Fabric's against relaxed: idle CPU, CPU per operation, a restarted peer's return (restarts the peers).",
      options: { ...LEVER_OPTIONS, idle: IDLE_OPTION },
      examples: ['node bench/dist/levers.js gossip --rounds 2 --duration 10 --idle 20'],
    }),
    'writers-policy': command({
      summary:
        "The channel's Application Writers policy, ANY Writers against one signature policy over every org's writers (config updates, no restart).",
      options: LEVER_OPTIONS,
      examples: ['node bench/dist/levers.js writers-policy --rounds 3 --duration 20'],
    }),
    'readers-policy': command({
      summary:
        "The channel's Application Readers policy, ANY Readers against one signature policy over every org's readers: idle CPU and CPU per operation (config updates, no restart).",
      options: { ...LEVER_OPTIONS, idle: IDLE_OPTION },
      examples: ['node bench/dist/levers.js readers-policy --rounds 3 --duration 20 --idle 20'],
    }),
    'signature-checks': command({
      summary:
        "Fabric's signature verifications per operation and per idle second, counted from the peers' and orderers' debug logs, with the channel's Application Readers and Writers each ANY and each one signature policy.",
      options: {
        ops: {
          type: 'string',
          value: 'N',
          default: '40',
          description: 'operations of each kind, one at a time',
        },
        idle: {
          type: 'string',
          value: 'SECONDS',
          default: '10',
          description: 'length of each idle count',
        },
        out: LEVER_OPTIONS.out,
      },
      examples: ['node bench/dist/levers.js signature-checks --ops 40 --idle 10'],
    }),
    sqlite: command({
      summary:
        "The gateways' SQLite pragmas: WAL NORMAL, with a memory map, WAL FULL, DELETE FULL (restarts the gateways).",
      options: LEVER_OPTIONS,
      examples: ['node bench/dist/levers.js sqlite --rounds 2'],
    }),
  },
} as const;

/**
 * Restarts every peer with the shim batch size `size` (undefined: the topology's) in its core.yaml and
 * waits for gossip; a peer announces it to the chaincode when it next connects to the chaincode server.
 */
async function restartPeersWithShimBatch(size: string | undefined): Promise<void> {
  if (size === undefined) delete process.env['MEDLEDGER_SHIM_BATCH'];
  else process.env['MEDLEDGER_SHIM_BATCH'] = size;
  const ctx = await networkContext();
  // Renders every node's config again; certificates and the genesis block stay as they are.
  generate(ctx);
  for (const peer of allPeers(ctx.topology)) {
    await stopProcess(ctx.paths.pidFile(peer.shortName));
    await startProcess(peerProcess(ctx, peer), 120_000);
  }
  await waitForGossip(ctx);
}

async function shimBatching(
  { info, out, rounds, warmUpRound, durationS }: LeverRun,
  batch: number,
): Promise<void> {
  const { writers, state } = await benchWriters(info);
  const loader = adminContract(info);
  const fn = qualifiedName('LoadSyntheticAuditEvents');
  const arg = JSON.stringify({ count: batch, eventsPerPatient: EVENTS_PER_PATIENT });
  const loadBatch: Operation = async () => {
    try {
      await loader.contract.submitTransaction(fn, arg);
      return 'committed';
    } catch (err) {
      return classifyError(err);
    }
  };
  const ops = benchOperations(writers, state);
  const workloads = workloadsOf(
    [
      closedWorkload(`loader batch of ${String(batch)}`, () => loadBatch, DEFAULT_IN_FLIGHT),
      ...LEVER_WORKLOADS['shim-batching'],
    ],
    ops,
    durationS,
  );
  const processes = ['peer0-hospital1', 'chaincode-hospital1'];
  const before = process.env['MEDLEDGER_SHIM_BATCH'];
  let sides: Side[];
  try {
    sides = await interleave(info, {
      ping: ops.ping,
      settings: ['0', '1000'],
      apply: restartPeersWithShimBatch,
      workloads,
      rounds,
      warmUpRound,
      processes,
    });
  } finally {
    loader.close();
    await restartPeersWithShimBatch(before);
  }
  writeLever(
    out,
    'lever-shim-batching',
    [
      '# Lever: Fabric 3.1 chaincode message batching (`chaincode.runtimeParams`, patched Node shim), off (0) → on (1000), same run, interleaved',
      '',
      `Every peer restarted with \`MEDLEDGER_SHIM_BATCH\` set to each side in turn, the order reversed every other round; ${String(rounds)} rounds of ${String(WARMUP_S)} s warm-up and ${String(durationS)} s per workload and side; medians of the rounds. One loader operation is one \`bench:LoadSyntheticAuditEvents\` transaction of ${String(batch)} events (4 private writes each): divide its CPU by ${String(batch)} for the CPU per event. Consortium CPU per operation is the CPU time of every process of the network divided by the committed operations; Hospital1's peer and chaincode server are listed too.`,
      '',
      ...sidesTable('MEDLEDGER_SHIM_BATCH', sides, processes),
      '',
      ...ratioTable(sides, ['0', '1000'], processes),
    ],
    sides,
    warmUpSetting(['0', '1000'], warmUpRound),
  );
}

function requireLever(levers: Record<string, EnvLever>, name: string): EnvLever {
  const lever = levers[name];
  if (!lever) throw new Error(`no lever ${name}`);
  return lever;
}

function requireNetwork(): NetworkInfo {
  const info = readNetworkInfo();
  if (!info) throw new Error('no network: run npm start or npm run bench first');
  return info;
}

function leverRun(values: {
  rounds: string;
  duration: string;
  out: string;
  'no-warm-up-round': boolean;
}): LeverRun {
  return {
    info: requireNetwork(),
    out: values.out,
    rounds: Number(values.rounds),
    warmUpRound: !values['no-warm-up-round'],
    durationS: Number(values.duration),
  };
}

if (require.main === module) {
  void runProgram(
    LEVERS_CLI,
    process.argv.slice(2),
    {
      'fabric-logging': (values) => fabricLogging(leverRun(values)),
      'commit-tracking': (values) => commitTracking(leverRun(values)),
      'token-cache': (values) => tokenCache(values.out),
      'shim-batching': (values) => shimBatching(leverRun(values), Number(values.batch)),
      batch: (values) => batchLever(leverRun(values), values),
      'block-cost': (values) => blockCostLever(leverRun(values), values.timeouts, values.load),
      gogc: (values) => envLever(requireLever(envLevers(values), 'gogc'), leverRun(values)),
      history: (values) => envLever(requireLever(envLevers({}), 'history'), leverRun(values)),
      'validator-pool': (values) =>
        envLever(requireLever(envLevers(values), 'validator-pool'), leverRun(values)),
      gomaxprocs: (values) => envLever(requireLever(envLevers(values), 'gomaxprocs'), leverRun(values)),
      sqlite: (values) => envLever(requireLever(envLevers({}), 'sqlite'), leverRun(values)),
      gossip: (values) => gossipLever(leverRun(values), Number(values.idle)),
      'chaincode-logging': (values) =>
        envLever(requireLever(envLevers({}), 'chaincode-logging'), leverRun(values)),
      'chaincode-builds': (values) => envLever(chaincodeBuildsLever(values.builds), leverRun(values)),
      'writers-policy': (values) => memberPolicyLever(leverRun(values), 'Writers'),
      'readers-policy': (values) => memberPolicyLever(leverRun(values), 'Readers', Number(values.idle)),
      'signature-checks': (values) =>
        runSignatureChecks(requireNetwork(), {
          ops: Number(values.ops),
          idleS: Number(values.idle),
          out: values.out,
          setLogSpec: setFabricLogging,
          operations: async (info) => {
            const { writers, state } = await benchWriters(info);
            return benchOperations(writers, state);
          },
        }),
    },
    { exitWhenDone: true, failurePrefix: 'levers: ' },
  );
}
