/**
 * `npm run bench [-- --quick] [-- --out DIR]`: starts or reuses the local consortium (honouring
 * MEDLEDGER_BASE_PORT and MEDLEDGER_HOME), runs every scenario of QUALITY.md against its REST gateways,
 * and writes `bench/results/latest.json` and `latest.md`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { mintToken } from '@medledger/gateway/dist/auth/tokens';
import { DEV_AUDIENCE, networkContext, startNetwork, type NetworkInfo } from '@medledger/network';

import { networkCpuSeconds } from './cpu';
import { renderMarkdown, writeResults, type BenchConfig } from './report';
import { FULL_PLAN, QUICK_PLAN, runSuite, type BenchTarget, type ProjectionTiming } from './suite';

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
  const cli = join(REPO, 'gateway', 'dist', 'projection', 'cli.js');
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

/** The target for the local consortium described by `info`. */
export function localTarget(info: NetworkInfo, config: BenchConfig): BenchTarget {
  const keys = new Map<string, string>();
  const gateways: Record<string, string> = {};
  const mspIds: Record<string, string> = {};
  for (const org of info.orgs) {
    gateways[org.name] = `http://127.0.0.1:${String(org.gatewayPort)}`;
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
    cpuSeconds: () => networkCpuSeconds(info.stateDir),
    projection: (quick) => projectionTiming(info.stateDir, quick),
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: join(REPO, 'bench', 'results') },
    },
  });
  const t0 = performance.now();
  const ctx = networkContext();
  const info = await startNetwork(ctx);
  const { topology } = ctx;
  const config: BenchConfig = {
    batchTimeout: topology.ordering.batchTimeout,
    maxMessageCount: topology.ordering.maxMessageCount,
    preferredMaxBytes: topology.ordering.preferredMaxBytes,
    endorsementPolicy: topology.chaincode.endorsementPolicy,
    peers: topology.peerOrgs.flatMap((o) => o.peerNodes.map((p) => p.name)),
    orderers: topology.ordererOrg.nodes.map((n) => n.name),
    gateways: info.orgs.map((o) => `${o.name} :${String(o.gatewayPort)}`),
    cpus: cpus().length,
    node: process.version,
    fabricLogging: process.env['MEDLEDGER_FABRIC_LOGGING'] ?? 'info',
  };
  const results = await runSuite(localTarget(info, config), values.quick ? QUICK_PLAN : FULL_PLAN);
  const files = writeResults(values.out, results);
  process.stdout.write(renderMarkdown(results));
  process.stdout.write(
    `\nwrote ${files.json} and ${files.md}; whole run ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => {
      // Keep-alive sockets of fetch would hold the process open.
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
