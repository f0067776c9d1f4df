import { StatePaths, stateDir } from './paths';
import { basePortFromEnv, defaultTopologySpec, resolveTopology } from './topology';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { renderCompose } from './compose';
import { bootstrapConsortium } from './consortium';
import { deployChaincode, joinOrderers, joinPeers, packageChaincode } from './lifecycle';
import { ensureFabric } from './binaries';
import { mintDevToken } from './gateways';
import { FABRIC_CA_VERSION, FABRIC_VERSION, repoRoot } from './paths';
import {
  cleanNetwork,
  generate,
  networkContext,
  processStatus,
  startNetwork,
  stopNetwork,
  type NetworkInfo,
} from './network';

function printInfo(info: NetworkInfo): void {
  const rows: string[][] = [['what', 'where']];
  for (const o of info.orderers)
    rows.push([o.name, `${o.address} (admin ${o.adminPort}, ops ${o.operationsPort})`]);
  for (const org of info.orgs) {
    for (const p of org.peers) rows.push([p.name, `${p.address} (ops ${p.operationsPort})`]);
    rows.push([`${org.name} CA`, `${org.caUrl} (${org.users.length} people enrolled)`]);
    rows.push([`${org.name} chaincode server`, `127.0.0.1:${org.chaincodeServerPort}`]);
    rows.push([`${org.name} REST gateway`, `http://127.0.0.1:${org.gatewayPort}`]);
  }
  const width = Math.max(...rows.map((r) => (r[0] ?? '').length));
  console.log(`\nMedLedger consortium on channel ${info.channel}, chaincode ${info.chaincode}`);
  for (const [what, where] of rows) console.log(`  ${(what ?? '').padEnd(width)}  ${where ?? ''}`);
  if (info.benchLoader === true) {
    console.log(
      '\n  BENCHMARK MODE: chaincode servers run with MEDLEDGER_BENCH_LOADER=1 (bench:LoadSyntheticAuditEvents\n' +
        '  writes synthetic audit events); never use this network for real data. `npm start` without it turns it off.',
    );
  }
  console.log(`\n  state and logs: ${info.stateDir} (logs/ per process)\n  stop with: npm stop\n`);
}

async function main(command: string | undefined): Promise<void> {
  const topology = resolveTopology(defaultTopologySpec, basePortFromEnv());
  const paths = new StatePaths(stateDir());
  switch (command) {
    case 'start': {
      const started = performance.now();
      const info = await startNetwork(await networkContext());
      printInfo(info);
      console.log(`[medledger] up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    case 'stop': {
      const stopped = await stopNetwork(topology, paths);
      console.log(
        stopped.length ? `[medledger] stopped ${stopped.join(', ')}` : '[medledger] nothing was running',
      );
      return;
    }
    case 'clean':
      await cleanNetwork(topology, paths);
      console.log(`[medledger] stopped everything and removed ${paths.root}`);
      return;
    case 'generate': {
      // Certificates, genesis block, node configs and chaincode packages, without starting anything
      // (what a container deployment mounts).
      const ctx = await networkContext();
      generate(ctx);
      for (const org of ctx.topology.peerOrgs) packageChaincode(ctx.topology, ctx.paths, org);
      console.log(`[medledger] generated ${ctx.paths.root}`);
      return;
    }
    case 'deploy': {
      // Channel membership and chaincode lifecycle against nodes that already run (e.g. containers).
      const ctx = await networkContext();
      joinOrderers(ctx.install, ctx.topology, ctx.paths);
      joinPeers(ctx.install, ctx.topology, ctx.paths);
      const packages = ctx.topology.peerOrgs.map((org) => packageChaincode(ctx.topology, ctx.paths, org));
      console.log(`[medledger] chaincode ${deployChaincode(ctx.install, ctx.topology, ctx.paths, packages)}`);
      const boot = await bootstrapConsortium(ctx.topology, ctx.paths);
      console.log(`[medledger] consortium ${boot.consortium}, collection keys ${JSON.stringify(boot.keys)}`);
      return;
    }
    case 'compose': {
      const file = join(repoRoot, 'docker-compose.yaml');
      writeFileSync(file, renderCompose(topology));
      console.log(`[medledger] wrote ${file}`);
      return;
    }
    case 'token': {
      // Dev tokens for the local network's gateways, standing in for each org's OIDC provider.
      const { values } = parseArgs({
        args: process.argv.slice(3),
        options: {
          org: { type: 'string' },
          user: { type: 'string' },
          patient: { type: 'boolean', default: false },
          ttl: { type: 'string', default: '3600' },
        },
      });
      const org = topology.peerOrgs.find((o) => o.name.toLowerCase() === (values.org ?? '').toLowerCase());
      if (org === undefined || values.user === undefined) {
        throw new Error(
          `usage: npm run -s token -- --org <${topology.peerOrgs.map((o) => o.name).join('|')}> --user <enrollment id | patient DID> [--patient] [--ttl seconds]`,
        );
      }
      const token = await mintDevToken(paths, org, values.user, {
        kind: values.patient ? 'patient' : 'staff',
        ttlSeconds: Number(values.ttl),
      });
      process.stdout.write(`${token}\n`);
      return;
    }
    case 'fabric-install': {
      // Only the binaries: what `npm start` does first, for machines prepared ahead of time.
      const install = await ensureFabric();
      console.log(
        `[medledger] Fabric ${FABRIC_VERSION}: ${install.binDir} (from ${install.from.fabric.what})\n` +
          `[medledger] Fabric CA ${FABRIC_CA_VERSION}: ${install.caBinDir} (from ${install.from['fabric-ca'].what})`,
      );
      return;
    }
    case 'status':
      for (const p of processStatus(topology, paths)) {
        console.log(`  ${p.name.padEnd(24)} ${p.pid === undefined ? 'stopped' : `running (pid ${p.pid})`}`);
      }
      return;
    default:
      console.error('usage: cli.js start|stop|clean|status|generate|deploy|compose|token|fabric-install');
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(`[medledger] ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
