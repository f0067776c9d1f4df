/**
 * `node bench/dist/profile.js --seconds N --load ping|anchor|access|read`: where the running network's
 * CPU goes under one load. It restarts every peer and orderer with Go's pprof on
 * (`MEDLEDGER_PROFILING=1`) and every gateway and chaincode server with `--cpu-prof`
 * (`MEDLEDGER_NODE_CPU_PROF_DIR`), runs the load, takes a CPU profile of `N` seconds from each Go
 * process meanwhile, stops the Node processes so they write theirs, restores every process as it was,
 * and writes `bench/results/profiles/<load>.md`: each role's share of the CPU (from /proc, over the
 * load window), and per role its top functions flat and cumulative (Go: `go tool pprof -top` over the
 * role's profiles merged; Node: the `.cpuprofile` samples of the load window, by function and file),
 * and at each peer what named pieces of Fabric's work (`PEER_WORK`) cost per operation.
 * The raw profiles stay under `bench/results/profiles/raw/` (not in git).
 */
import { spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { command, runCommand } from '@medledger/cli-kit';
import {
  allPeers,
  chaincodeServerProcess,
  gatewayProcess,
  ordererProcess,
  packageChaincode,
  peerProcess,
  readNetworkInfo,
  renderGatewayConfig,
  repoRoot,
  startProcess,
  stopProcess,
  type NetworkContext,
  type ProcessSpec,
} from '@medledger/network';

import { processCpuSeconds } from './cpu';
import { benchOperations, benchWriters, restartFabricNodes, setEnv } from './levers';
import { closedLoop, notCommitted, openLoop, type LoadResult, type Operation } from './load';
import {
  aggregateCpuProfile,
  cpuShareTable,
  focusedSamples,
  mergeAggregates,
  PEER_WORK,
  peerWorkTable,
  nodeRoleTables,
  roleOf,
  type CpuProfile,
  type ProfileAggregate,
} from './profile-summary';

const LOADS = ['ping', 'anchor', 'access', 'read'] as const;
type LoadName = (typeof LOADS)[number];

/** The Go processes (peers, orderers) of the network, built with the environment as it is now. */
function goProcesses(ctx: NetworkContext): { spec: ProcessSpec; ip: string; profilePort: number }[] {
  return [
    ...ctx.topology.ordererOrg.nodes.map((n) => ({
      spec: ordererProcess(ctx, n),
      ip: n.ip,
      profilePort: n.profilePort,
    })),
    ...allPeers(ctx.topology).map((p) => ({
      spec: peerProcess(ctx, p),
      ip: p.ip,
      profilePort: p.profilePort,
    })),
  ];
}

/** The Node processes (gateways, chaincode servers) of the network, built with the environment as it is now. */
function nodeProcesses(ctx: NetworkContext): ProcessSpec[] {
  const { topology, paths } = ctx;
  return topology.peerOrgs.flatMap((org) => [
    chaincodeServerProcess(ctx, packageChaincode(topology, paths, org)),
    gatewayProcess(paths, org, renderGatewayConfig(topology, paths, org)),
  ]);
}

/** GETs a CPU profile of `seconds` from a Go process's pprof endpoint into `file`. */
function fetchGoProfile(ip: string, port: number, seconds: number, file: string): Promise<void> {
  return new Promise((ok, fail) => {
    const req = get(
      {
        host: ip,
        port,
        path: `/debug/pprof/profile?seconds=${String(seconds)}`,
        timeout: (seconds + 30) * 1000,
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          fail(new Error(`pprof ${ip}:${String(port)} answered ${String(res.statusCode)}`));
          return;
        }
        pipeline(res, createWriteStream(file)).then(ok, fail);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`pprof ${ip}:${String(port)} timed out`)));
    req.on('error', fail);
  });
}

/** `go tool pprof -top` with `args` (`go` from PATH, or MEDLEDGER_GO): its output, or why it failed. */
function pprofTop(args: readonly string[]): { ok: true; out: string } | { ok: false; why: string } {
  const go = process.env['MEDLEDGER_GO'] ?? 'go';
  const r = spawnSync(go, ['tool', 'pprof', '-top', ...args], {
    encoding: 'utf8',
    maxBuffer: 32 * 1024 * 1024,
  });
  return r.status === 0
    ? { ok: true, out: r.stdout.trim() }
    : { ok: false, why: (r.stderr || String(r.error)).trim() };
}

/** `go tool pprof -top` over some profiles merged: flat, or sorted by cumulative time. */
function goTop(files: readonly string[], cumulative: boolean, nodes = 25): string {
  const r = pprofTop([`-nodecount=${String(nodes)}`, ...(cumulative ? ['-cum'] : []), ...files]);
  return r.ok ? r.out : `go tool pprof failed: ${r.why}`;
}

/** The share of one profile's samples with a frame matching `focus` on their stack (0 when none). */
function goFocusedShare(file: string, focus: string): number {
  const r = pprofTop(['-nodefraction=0', `-focus=${focus}`, file]);
  const counted = r.ok ? focusedSamples(r.out) : undefined;
  return counted && counted.totalS > 0 ? counted.focusedS / counted.totalS : 0;
}

interface LoadRun {
  readonly result: LoadResult;
  /** The measured window on the machine's monotonic clock, microseconds: the clock V8's profiles use. */
  readonly fromUs: number;
  readonly toUs: number;
}

/** Microseconds of the monotonic clock (CLOCK_MONOTONIC, shared by every process of the machine). */
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Runs the load: closed loop of `concurrency`, or open loop at `rate` when given. */
async function runLoad(
  op: Parameters<typeof closedLoop>[0],
  seconds: number,
  concurrency: number,
  rate: number | undefined,
): Promise<LoadRun> {
  const warmupS = 0;
  const fromUs = monotonicUs();
  const result =
    rate === undefined
      ? await closedLoop(op, { concurrency, warmupS, durationS: seconds })
      : await openLoop(op, { rate, warmupS, durationS: seconds, drainS: 5 });
  return { result, fromUs, toUs: monotonicUs() };
}

/**
 * Each Node process's aggregate over the load window, its main thread's and workers' profiles
 * together (`--cpu-prof` writes one file per thread; V8 stamps samples with the monotonic clock).
 */
function nodeAggregates(
  dir: string,
  names: readonly string[],
  load: { fromUs: number; toUs: number },
): Map<string, ProfileAggregate> {
  const out = new Map<string, ProfileAggregate>();
  for (const name of names) {
    const procDir = join(dir, name);
    if (!existsSync(procDir)) continue;
    const parts = readdirSync(procDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) =>
        aggregateCpuProfile(JSON.parse(readFileSync(join(procDir, f), 'utf8')) as CpuProfile, repoRoot, {
          fromUs: load.fromUs,
          toUs: load.toUs,
        }),
      );
    out.set(name, mergeAggregates(parts));
  }
  return out;
}

interface ProfileOptions {
  readonly seconds: number;
  readonly load: LoadName;
  readonly concurrency: number;
  readonly rate: number | undefined;
  readonly warmupS: number;
  readonly out: string;
}

async function profileRun(options: ProfileOptions): Promise<void> {
  const info = readNetworkInfo();
  if (!info) throw new Error('no network: run npm start first');
  const raw = join(options.out, 'raw', options.load);
  rmSync(raw, { recursive: true, force: true });
  mkdirSync(join(raw, 'go'), { recursive: true });
  const before = {
    profiling: process.env['MEDLEDGER_PROFILING'],
    nodeDir: process.env['MEDLEDGER_NODE_CPU_PROF_DIR'],
  };
  const log = (m: string): void => void process.stderr.write(`[profile] ${m}\n`);
  try {
    log('restarting peers and orderers with pprof on');
    setEnv({ MEDLEDGER_PROFILING: '1' });
    const ctx = await restartFabricNodes();
    log('setting up the bench writers');
    const { writers, state } = await benchWriters(info);
    const ops = benchOperations(writers, state);
    // Each loop anchors records of its own: the window must not anchor the warm-up's ids again.
    const op = (): Operation => (options.load === 'anchor' ? ops.freshAnchor() : ops[options.load]);
    log('restarting gateways and chaincode servers with --cpu-prof');
    setEnv({ MEDLEDGER_NODE_CPU_PROF_DIR: join(raw, 'node') });
    const profiled = nodeProcesses(ctx);
    await Promise.all(profiled.map((p) => startProcess(p, 120_000)));
    // Long enough for the restarted servers' start-up work (module loading, the FHIR definitions'
    // worker) to end before the window opens.
    log(`warming up (${String(options.warmupS)} s)`);
    await runLoad(op(), options.warmupS, options.concurrency, options.rate);
    const names = [
      ...goProcesses(ctx).map((g) => g.spec.name),
      ...profiled.map((p) => p.name),
      ...ctx.topology.peerOrgs.map((o) => `ca-${o.slug}`),
    ];
    const cpu0 = new Map(names.map((n) => [n, processCpuSeconds(info.stateDir, n)]));
    log(`running ${options.load} for ${String(options.seconds)} s with Go profiles`);
    const goFiles = goProcesses(ctx).map((g) => ({
      ...g,
      name: g.spec.name,
      file: join(raw, 'go', `${g.spec.name}.pb.gz`),
    }));
    const [load] = await Promise.all([
      runLoad(op(), options.seconds, options.concurrency, options.rate),
      ...goFiles.map((g) => fetchGoProfile(g.ip, g.profilePort, options.seconds, g.file)),
    ]);
    const cpu = Object.fromEntries(
      names.map((n) => [n, processCpuSeconds(info.stateDir, n) - (cpu0.get(n) ?? 0)]),
    );
    log('stopping gateways and chaincode servers so they write their profiles');
    await Promise.all(profiled.map((p) => stopProcess(p.pidFile, 30_000)));
    const node = nodeAggregates(
      join(raw, 'node'),
      profiled.map((p) => p.name),
      load,
    );
    const summary = renderSummary(options, load.result, cpu, goFiles, node);
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, `${options.load}.md`), `${summary.join('\n')}\n`);
    process.stdout.write(`${summary.join('\n')}\n`);
  } finally {
    log('restoring every process as it was');
    setEnv({ MEDLEDGER_NODE_CPU_PROF_DIR: before.nodeDir, MEDLEDGER_PROFILING: before.profiling });
    const ctx = await restartFabricNodes();
    await Promise.all(nodeProcesses(ctx).map((p) => startProcess(p, 120_000)));
  }
}

function renderSummary(
  options: ProfileOptions,
  result: LoadResult,
  cpu: Readonly<Record<string, number>>,
  goFiles: readonly { name: string; file: string }[],
  node: ReadonlyMap<string, ProfileAggregate>,
): string[] {
  const shape =
    options.rate === undefined
      ? `closed loop of ${String(options.concurrency)}`
      : `open loop at ${String(options.rate)}/s`;
  const lines = [
    `# Profile: ${options.load}, ${shape}, ${String(options.seconds)} s`,
    '',
    `Taken ${new Date().toISOString()} by \`node bench/dist/profile.js --load ${options.load} --seconds ${String(options.seconds)}\`: ${String(result.counts.committed)} committed (${result.throughput.toFixed(1)}/s, p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms); not committed ${String(notCommitted(result.counts))}. Profiling itself costs some CPU (Go's sampler, V8's profiler), and the machine may be shared: read shares, not absolute numbers.`,
    '',
    '## CPU by role (from /proc, over the load)',
    '',
    ...cpuShareTable(cpu, result.counts.committed),
  ];
  const goRoles = new Map<string, string[]>();
  for (const g of goFiles) {
    if (!existsSync(g.file)) continue;
    const role = roleOf(g.name) ?? g.name;
    goRoles.set(role, [...(goRoles.get(role) ?? []), g.file]);
  }
  for (const [role, files] of goRoles) {
    lines.push(
      '',
      `## ${role}s (Go pprof, ${String(files.length)} processes merged)`,
      '',
      'Flat (`go tool pprof -top`):',
      '',
      '```',
      goTop(files, false),
      '```',
      '',
      'Cumulative (`go tool pprof -top -cum`):',
      '',
      '```',
      goTop(files, true),
      '```',
    );
  }
  const peers = goFiles.filter((g) => existsSync(g.file) && roleOf(g.name) === 'peer');
  if (peers.length > 0) {
    lines.push(
      '',
      '## Named work at each peer',
      '',
      "Each piece's share of the peer's profile samples (a sample counts when the named function is on its stack, so pieces overlap), times the peer's CPU from /proc, per committed operation: ms (share).",
      '',
      ...peerWorkTable(
        peers.map((g) => ({
          name: g.name,
          cpuS: cpu[g.name] ?? 0,
          shares: PEER_WORK.map((w) => goFocusedShare(g.file, w.focus)),
        })),
        result.counts.committed,
      ),
    );
  }
  const nodeRoles = new Map<string, { aggs: ProfileAggregate[]; cpuMs: number }>();
  for (const [name, agg] of node) {
    const role = roleOf(name) ?? name;
    const acc = nodeRoles.get(role) ?? { aggs: [], cpuMs: 0 };
    nodeRoles.set(role, { aggs: [...acc.aggs, agg], cpuMs: acc.cpuMs + (cpu[name] ?? 0) * 1000 });
  }
  for (const [role, { aggs, cpuMs }] of nodeRoles) {
    lines.push(
      '',
      `## ${role}s (Node --cpu-prof, ${String(aggs.length)} processes merged)`,
      '',
      ...nodeRoleTables(mergeAggregates(aggs), cpuMs),
    );
  }
  return lines;
}

/** The profiler's command line. */
export const PROFILE_COMMAND = command({
  summary:
    'Profiles every peer, orderer, gateway and chaincode server of the running network under one load and writes where the CPU goes.',
  options: {
    load: {
      type: 'string',
      value: 'LOAD',
      choices: LOADS,
      default: 'ping',
      description: 'the operation to run',
    },
    seconds: { type: 'string', value: 'N', default: '30', description: 'length of the profiled load' },
    concurrency: {
      type: 'string',
      value: 'N',
      default: '16',
      description: 'requests in flight (closed loop)',
    },
    rate: { type: 'string', value: 'PER_SECOND', description: 'an open loop at this rate instead' },
    warmup: {
      type: 'string',
      value: 'SECONDS',
      default: '15',
      description: 'load before the profiled window',
    },
    out: {
      type: 'string',
      value: 'DIR',
      default: resolve(__dirname, '..', 'results', 'profiles'),
      description: 'where the summary (and raw/) goes',
    },
  },
  details: [
    'Restarts the peers and orderers (pprof on) and the gateways and chaincode servers (--cpu-prof) of the network MEDLEDGER_HOME and MEDLEDGER_BASE_PORT name, and restores them afterwards. Go summaries need `go` on PATH (or MEDLEDGER_GO).',
  ],
  examples: ['node bench/dist/profile.js --load ping --seconds 30'],
});

/** The command line's values checked. */
export function profileOptions(values: {
  load: string;
  seconds: string;
  concurrency: string;
  rate?: string | undefined;
  warmup: string;
  out: string;
}): ProfileOptions {
  const load = LOADS.find((l) => l === values.load);
  if (load === undefined) throw new Error(`--load must be one of ${LOADS.join(', ')}`);
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error('--seconds must be a positive integer');
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error('--concurrency must be a positive integer');
  if (rate !== undefined && !(rate > 0)) throw new Error('--rate must be positive');
  const warmupS = Number(values.warmup);
  if (!Number.isInteger(warmupS) || warmupS < 0)
    throw new Error('--warmup must be a whole number of seconds');
  return { load, seconds, concurrency, rate, warmupS, out: values.out };
}

if (require.main === module) {
  void runCommand(
    'node bench/dist/profile.js',
    PROFILE_COMMAND,
    process.argv.slice(2),
    (values) => profileRun(profileOptions(values)),
    { exitWhenDone: true, failurePrefix: 'profile: ' },
  );
}
