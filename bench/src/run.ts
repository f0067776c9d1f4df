/**
 * `npm run bench [-- --quick] [-- --out DIR] [-- --audit-events N] [-- --ordering raft,bft | --profiles
 * international,sm | --orgs 4,6,8]`: starts or
 * reuses the local consortium (honouring MEDLEDGER_BASE_PORT, MEDLEDGER_HOME and
 * MEDLEDGER_BENCH_LOADER), runs every scenario of the performance bars (docs/performance.md) against its
 * REST gateways (and the audit log on the ledger through the SDK), and writes `bench/results/latest.json`
 * and `latest.md`. `--audit-events` sets how many synthetic audit events the batch loader puts on the
 * ledger (default 1,000,000; 10,000 with `--quick`). `--ordering` (`--profiles`) runs the suite on a
 * network of each protocol (crypto profile) named instead, one after the other, and reports them side by
 * side (orderings.ts). `--orgs` runs the scenarios that price a transaction on a consortium of each size
 * and reports how they grow per added org (scale.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';

import { command, runCommand, UsageError } from '@medledger/cli-kit';
import { BENCH_LOADER_FLAG, qualifiedName } from '@medledger/domain';
import { mintToken } from '@medledger/gateway/auth';
import {
  basePortFromEnv,
  channelBatchSettings,
  DEV_AUDIENCE,
  fabricLoggingSpec,
  networkContext,
  oneHostTuning,
  runningNetworkInfo,
  startNetwork,
  stateDir,
  stopNetwork,
  type NetworkContext,
  type NetworkInfo,
} from '@medledger/network';

import { adminContract, ensureAuditEvents, queryPatientAudit } from './audit-loader';
import { networkCpuByRole } from './cpu';
import type { OutcomeKind } from './load';
import {
  parseVariants,
  renderComparison,
  variantNetworks,
  writeComparison,
  type ComparisonAxis,
  type VariantRun,
} from './orderings';
import { renderMarkdown, writeResults, type BenchConfig, type BenchResults } from './report';
import { parseOrgCounts, scaleNetworks, writeScale, renderScale, type ScaleRun } from './scale';
import type { VariantNetwork } from './variant-network';
import {
  FULL_PLAN,
  QUICK_PLAN,
  runScaleSuite,
  runSuite,
  type BenchTarget,
  type LedgerAuditTarget,
  type ProjectionTiming,
} from './suite';

const REPO = resolve(__dirname, '..', '..');

/** Runs a node script and returns its stdout; stderr passes through. */
function runNode(args: readonly string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) ok(out);
      else fail(new Error(`${args.join(' ')} exited with ${String(code)}`));
    });
  });
}

/**
 * The compliance report over the projection: loads synthetic events once into the bench's own
 * projection directory (reused afterwards), then times the report with the projection CLI.
 */
async function projectionTiming(stateDir: string, quick: boolean): Promise<ProjectionTiming> {
  const cli = join(REPO, 'gateway', 'dist', 'projection', 'tools', 'cli.js');
  const dataDir = join(stateDir, 'bench', 'projection');
  const marker = join(dataDir, 'bench-loaded.json');
  // The generator's events include consents and anchors; 1,045,000 of them hold over 1,000,000 audit events.
  const events = quick ? 100_000 : 1_045_000;
  let loadSeconds: number | null = null;
  const loaded = existsSync(marker)
    ? (JSON.parse(readFileSync(marker, 'utf8')) as { events: number })
    : undefined;
  const samples = quick ? '100' : '500';
  let timing: Record<string, unknown>;
  if (loaded === undefined || loaded.events < events) {
    const out = JSON.parse(
      await runNode([
        cli,
        'load-synthetic',
        '--events',
        String(events),
        '--data-dir',
        dataDir,
        '--samples',
        samples,
      ]),
    ) as { loadSeconds: number; timing: Record<string, unknown> };
    loadSeconds = out.loadSeconds;
    timing = out.timing;
    writeFileSync(marker, JSON.stringify({ events }));
  } else {
    timing = JSON.parse(await runNode([cli, 'time', '--data-dir', dataDir, '--samples', samples])) as Record<
      string,
      unknown
    >;
  }
  const page = timing['auditorPatientPage50'] as { p50: number; p99: number } | undefined;
  return {
    auditEvents: Number(timing['auditEvents']),
    loadSeconds,
    complianceReportMs: (timing['complianceReportMs'] as number[] | undefined) ?? [],
    auditorPatientPage50: page ?? null,
  };
}

/** The ledger's audit log over one SDK connection (Hospital1's admin), opened on first use. */
function ledgerTarget(info: NetworkInfo): LedgerAuditTarget & { close(): void } {
  let connection: ReturnType<typeof adminContract> | undefined;
  const contract = () => (connection ??= adminContract(info)).contract;
  const outcome = async (call: () => Promise<unknown>): Promise<OutcomeKind> => {
    try {
      await call();
      return 'committed';
    } catch {
      return 'error';
    }
  };
  return {
    async loadAuditEvents(count, log) {
      const out = await ensureAuditEvents(info, { count, log });
      if (out.status !== 'disabled') {
        const page = await queryPatientAudit(contract(), out.samplePatientDid, 50);
        log(
          `${out.events.toLocaleString('en')} synthetic audit events on the ledger; the sample patient's newest page holds ${String(page)}`,
        );
      }
      return out;
    },
    queryAudit: (patientDid) =>
      outcome(() =>
        contract().evaluateTransaction(
          qualifiedName('QueryAudit'),
          JSON.stringify({ by: 'patient', id: patientDid, pageSize: 50 }),
        ),
      ),
    resolveDid: (did) =>
      outcome(() => contract().evaluateTransaction(qualifiedName('ResolveDid'), JSON.stringify({ did }))),
    close: () => connection?.close(),
  };
}

/** The target for the local consortium described by `info`. */
export function localTarget(info: NetworkInfo, config: BenchConfig, ledger?: LedgerAuditTarget): BenchTarget {
  const keys = new Map<string, string>();
  const gateways: Record<string, string> = {};
  const mspIds: Record<string, string> = {};
  for (const org of info.orgs) {
    // The address this machine reaches the gateway at (its org's own address on isolated hosts).
    gateways[org.name] = org.gatewayUrl ?? `http://127.0.0.1:${String(org.gatewayPort)}`;
    mspIds[org.name] = org.mspId;
  }
  return {
    gateways,
    mspIds,
    config,
    stateFile: join(info.stateDir, 'bench', 'state.json'),
    async token(orgName, subject) {
      const mspId = mspIds[orgName];
      if (mspId === undefined) throw new Error(`no org ${orgName}`);
      const slug = orgName.toLowerCase();
      let key = keys.get(slug);
      if (key === undefined) {
        key = readFileSync(join(info.stateDir, 'gateways', slug, 'auth', 'signing-key.pem'), 'utf8');
        keys.set(slug, key);
      }
      return mintToken(key, {
        issuer: `https://idp.${slug}.medledger.local`,
        audience: DEV_AUDIENCE,
        org: mspId,
        subject,
        ttlSeconds: 3 * 3600,
      });
    },
    cpu: () => networkCpuByRole(info.stateDir),
    projection: (quick) => projectionTiming(info.stateDir, quick),
    ...(ledger ? { ledger } : {}),
  };
}

/**
 * The network context for the bench. `MEDLEDGER_BENCH_LOADER` set by the caller decides; unset, a
 * network that already runs is reused exactly as started (with or without the loader, so nothing is
 * restarted under someone's feet), and a network the bench starts itself gets the loader.
 */
function benchNetworkContext(): ReturnType<typeof networkContext> {
  const env = { ...process.env };
  if (env[BENCH_LOADER_FLAG] === undefined) {
    const running = runningNetworkInfo();
    env[BENCH_LOADER_FLAG] = running === undefined || running.benchLoader === true ? '1' : '0';
    process.stderr.write(
      running === undefined
        ? `[bench] starting a benchmark network with ${BENCH_LOADER_FLAG}=1 (the synthetic audit-event loader)\n`
        : `[bench] reusing the running network as started (${BENCH_LOADER_FLAG}=${env[BENCH_LOADER_FLAG]})\n`,
    );
  }
  return networkContext(env);
}

const BENCH_COMMAND = command({
  summary:
    'Runs every benchmark scenario against the local consortium (started or reused) and writes latest.json and latest.md.',
  options: {
    quick: {
      type: 'boolean',
      description: 'a short run (about 2 min) instead of the full one (11-14 min)',
    },
    out: {
      type: 'string',
      value: 'DIR',
      default: join(REPO, 'bench', 'results'),
      description: 'where the results are written',
    },
    'audit-events': {
      type: 'string',
      value: 'N',
      description: 'synthetic audit events on the ledger (default 1,000,000; 10,000 with --quick)',
    },
    ordering: {
      type: 'string',
      value: 'LIST',
      description:
        'raft, bft or raft,bft: run on a network of each protocol in turn (its own MEDLEDGER_HOME/orderings/<protocol>, base port +700 each, one network port span) and report them side by side in latest-orderings.md',
    },
    orgs: {
      type: 'string',
      value: 'LIST',
      description:
        'consortium sizes such as 4,6,8: run the empty transaction at saturation, the anchor at 20/s and at 4/s and the 12/s mix on a network of each size in turn (its own MEDLEDGER_HOME/orgs/<n>, MEDLEDGER_ORGS=<n>, ports of its size after the caller network) and report their growth per added org in latest-orgs.md',
    },
    profiles: {
      type: 'string',
      value: 'LIST',
      description:
        'international, sm or international,sm: run on a network of each crypto profile in turn (its own MEDLEDGER_HOME/profiles/<profile>, base port +600 each) and report them side by side in latest-profiles.md',
    },
  },
  details: [
    'Honours MEDLEDGER_BASE_PORT, MEDLEDGER_HOME and MEDLEDGER_BENCH_LOADER like npm start.',
    'With --ordering, --profiles or --orgs (one of them), networks the bench starts are stopped again when their run ends; the caller network is not touched.',
  ],
  examples: [
    'npm run bench -- --quick',
    'node bench/dist/run.js --audit-events 100000 --out /tmp/bench',
    'npm run bench -- --quick --ordering raft,bft',
    'npm run bench -- --quick --profiles international,sm',
    'npm run bench -- --quick --orgs 4,6,8',
  ],
});

interface BenchValues {
  quick: boolean;
  out: string;
  'audit-events': string | undefined;
  ordering: string | undefined;
  profiles: string | undefined;
  orgs: string | undefined;
}

/** Starts (or reuses) the network of `ctx` and runs the whole suite (or `suite`) against it. */
async function benchNetwork(
  ctx: NetworkContext,
  values: BenchValues,
  suite: typeof runSuite = runSuite,
): Promise<BenchResults> {
  const info = await startNetwork(ctx);
  const { topology } = ctx;
  // As the channel has them now: `ordering` may have changed them since the network was generated.
  const batch = channelBatchSettings(ctx.install, topology, ctx.paths);
  const config: BenchConfig = {
    batchTimeout: batch.batchTimeout,
    maxMessageCount: batch.maxMessageCount,
    preferredMaxBytes: topology.ordering.preferredMaxBytes,
    endorsementPolicy: topology.chaincode.endorsementPolicy,
    orgs: topology.peerOrgs.length,
    peers: topology.peerOrgs.flatMap((o) => o.peerNodes.map((p) => p.name)),
    orderers: topology.ordererOrg.nodes.map((n) => n.name),
    ordererType: topology.ordererType,
    gateways: info.orgs.map((o) => `${o.name} :${String(o.gatewayPort)}`),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim(),
    node: process.version,
    fabricLogging: fabricLoggingSpec(),
    goMaxProcs: oneHostTuning(topology).goMaxProcs,
  };
  const plan = values.quick ? QUICK_PLAN : FULL_PLAN;
  const auditEvents =
    values['audit-events'] === undefined ? plan.auditEvents : Number(values['audit-events']);
  if (!Number.isInteger(auditEvents) || auditEvents < 0) throw new Error('--audit-events takes a count');
  const ledger = ledgerTarget(info);
  return suite(localTarget(info, config, ledger), { ...plan, auditEvents }).finally(() => {
    ledger.close();
  });
}

/**
 * Runs `run` on each network in turn, starting it (with the bench loader) or reusing it, and stops the
 * ones it started before the next, since a network left running would take CPU from the next run.
 */
async function onEachNetwork<T>(
  networks: readonly VariantNetwork[],
  run: (ctx: NetworkContext, net: VariantNetwork) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (const net of networks) {
    const env: NodeJS.ProcessEnv = { ...process.env, ...net.env, [BENCH_LOADER_FLAG]: '1' };
    const startedHere = runningNetworkInfo(env) === undefined;
    process.stderr.write(
      `[bench] ${net.name}: ${startedHere ? 'starting' : 'reusing'} the network in ${net.home} (base port ${String(net.basePort)})\n`,
    );
    const ctx = await networkContext(env);
    try {
      out.push(await run(ctx, net));
    } finally {
      if (startedHere) await stopNetwork(ctx.topology, ctx.paths);
    }
  }
  return out;
}

/**
 * `--ordering` or `--profiles`: the suite on a network of each protocol or crypto profile in turn, then
 * the side-by-side table.
 */
async function benchVariants(axis: ComparisonAxis, list: string, values: BenchValues): Promise<string[]> {
  const startedAt = new Date().toISOString();
  const networks = variantNetworks(axis, stateDir(), basePortFromEnv(), parseVariants(axis, list));
  const written: string[] = [];
  const runs = await onEachNetwork(networks, async (ctx, net): Promise<VariantRun> => {
    const results = await benchNetwork(ctx, values);
    written.push(writeResults(join(values.out, net.name), results).md);
    return { variant: net.name, results };
  });
  const comparison = { axis, startedAt, finishedAt: new Date().toISOString(), quick: values.quick, runs };
  process.stdout.write(renderComparison(comparison));
  const files = writeComparison(values.out, comparison);
  return [...written, files.json, files.md];
}

/** `--orgs`: the scale scenarios on a consortium of each size in turn, then their growth per added org. */
async function benchScale(list: string, values: BenchValues): Promise<string[]> {
  const startedAt = new Date().toISOString();
  const networks = scaleNetworks(stateDir(), basePortFromEnv(), parseOrgCounts(list));
  const written: string[] = [];
  const runs = await onEachNetwork(networks, async (ctx, net): Promise<ScaleRun> => {
    const orgs = ctx.topology.peerOrgs.length;
    const results = await benchNetwork(ctx, values, runScaleSuite);
    written.push(writeResults(join(values.out, `orgs-${String(orgs)}`), results).md);
    if (net.env['MEDLEDGER_ORGS'] !== String(orgs))
      process.stderr.write(`[bench] ${net.name}: the reused network has ${String(orgs)} orgs\n`);
    return { orgs, results };
  });
  const comparison = { startedAt, finishedAt: new Date().toISOString(), quick: values.quick, runs };
  process.stdout.write(renderScale(comparison));
  const files = writeScale(values.out, comparison);
  return [...written, files.json, files.md];
}

async function main(values: BenchValues): Promise<void> {
  const t0 = performance.now();
  let files: string[];
  const axes = [values.ordering, values.profiles, values.orgs].filter((v) => v !== undefined);
  if (axes.length > 1)
    throw new UsageError('--ordering, --profiles and --orgs compare one thing at a time: give one of them');
  if (values.orgs !== undefined) {
    files = await benchScale(values.orgs, values);
  } else if (values.ordering !== undefined) {
    files = await benchVariants('ordering', values.ordering, values);
  } else if (values.profiles !== undefined) {
    files = await benchVariants('profile', values.profiles, values);
  } else {
    const results = await benchNetwork(await benchNetworkContext(), values);
    const out = writeResults(values.out, results);
    process.stdout.write(renderMarkdown(results));
    files = [out.json, out.md];
  }
  process.stdout.write(
    `\nwrote ${files.join(', ')}; whole run ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
  );
}

if (require.main === module) {
  // Keep-alive sockets of fetch would hold the process open: it exits when done.
  void runCommand('npm run bench --', BENCH_COMMAND, process.argv.slice(2), main, {
    exitWhenDone: true,
    failurePrefix: 'bench: ',
  });
}
