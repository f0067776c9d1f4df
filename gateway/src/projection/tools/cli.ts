/**
 * The projection's command line.
 *
 *   node gateway/dist/projection/tools/cli.js rebuild  [--org SLUG | --config FILE] [--identity ID] [--data-dir DIR]
 *   node gateway/dist/projection/tools/cli.js check    [--org SLUG | --config FILE] [--identity ID] [--data-dir DIR] [--range BLOCKS]
 *   node gateway/dist/projection/tools/cli.js load-synthetic [--events N] [--data-dir DIR | --database postgres [--url-env NAME]] [--seed S]
 *   node gateway/dist/projection/tools/cli.js time     [--data-dir DIR | --database postgres [--url-env NAME]] [--samples N]
 *
 * `rebuild` drops the projection and projects the channel again from block 0, enriching the events
 * whose sealed facts the org's peer holds as the running gateway does; `check` compares the
 * projection with the ledger per block range (exit 1 on a difference). Both read the ledger through
 * the gateway's configuration (--config, else `--org hospital1` for the local network's
 * `$MEDLEDGER_HOME/gateways/hospital1/config.json`, else MEDLEDGER_GATEWAY_CONFIG, else the
 * Regulator's) and a wallet identity (the config's serviceEnrollmentId unless --identity); the
 * projection is the config's (`projection.database`: SQLite under `projection.dataDir`, else
 * `dataDir`, or PostgreSQL) unless --data-dir names a SQLite one. `--database postgres` makes
 * `load-synthetic` and `time` use the PostgreSQL database whose URL is in the environment variable
 * --url-env (default MEDLEDGER_PROJECTION_PG_URL). Rebuild a
 * projection its gateway follows only with that gateway stopped, or into another --data-dir. `load-synthetic` fills a projection database with
 * generated events (replacing what it held) and then times it, like `time`.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import type { Gateway } from '@hyperledger/fabric-gateway';

import {
  DEFAULT_PROJECTION_PG_URL_ENV,
  loadConfig,
  projectionDataDir,
  type ProjectionDatabaseConfig,
} from '../../config';
import { connectAs, connectPeers } from '../../fabric/connection';
import { FabricLedgerClient } from '../../fabric/ledger-client';
import { Ledger } from '../../services/ledger';
import { FileWallet, readWalletKey } from '../../wallet';
import { LedgerSealedReader } from '../ledger-sealed-reader';
import { FabricEventSource } from '../write/fabric-source';
import { SealedEventSource } from '../write/sealed-source';
import { openProjectionDatabase } from '../write/sql/open';
import { ProjectionStore } from '../write/store';
import { checkConsistency, rebuild } from './maintenance';
import { loadSynthetic } from './synthetic';
import { timeProjection } from './timing';

const DEFAULT_DATA_DIR = '.medledger/projection';

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The gateway config file the CLI uses (see the file header). */
export function configFileOf(
  args: { config?: string | undefined; org?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (args.config !== undefined) return args.config;
  const home = env['MEDLEDGER_HOME'] ?? resolve('.medledger');
  if (args.org !== undefined) {
    if (!/^[a-z][a-z0-9-]*$/.test(args.org)) throw new Error('--org must be an org slug such as hospital1');
    return join(home, 'gateways', args.org, 'config.json');
  }
  return env['MEDLEDGER_GATEWAY_CONFIG'] ?? join(home, 'gateways', 'regulator', 'config.json');
}

/** The ledger's events as they are (the consistency check), and enriched (a rebuild). */
interface LedgerSources {
  readonly events: FabricEventSource;
  readonly enriched: SealedEventSource;
}

async function withLedger<T>(
  args: {
    config?: string | undefined;
    org?: string | undefined;
    identity?: string | undefined;
    'data-dir'?: string | undefined;
  },
  fn: (sources: LedgerSources, store: ProjectionStore) => Promise<T>,
): Promise<T> {
  const config = loadConfig(process.env, configFileOf(args));
  const enrollmentId = args.identity ?? config.serviceEnrollmentId;
  if (enrollmentId === undefined) throw new Error('no identity: pass --identity or set serviceEnrollmentId');
  const wallet = new FileWallet(config.wallet.dir, readWalletKey(config.wallet.keyPath));
  const peers = connectPeers(config);
  const first = peers[0];
  if (!first) throw new Error('no peers');
  let gateway: Gateway | undefined;
  // --data-dir names a SQLite projection; without it the config's database (SQLite or PostgreSQL).
  const database: ProjectionDatabaseConfig =
    args['data-dir'] === undefined ? config.projection.database : { kind: 'sqlite' };
  const store = new ProjectionStore(
    openProjectionDatabase(database, { dataDir: args['data-dir'] ?? projectionDataDir(config) }),
  );
  const client = new FabricLedgerClient(config, peers, wallet, enrollmentId);
  try {
    gateway = await connectAs(config, first, wallet, enrollmentId);
    await store.init();
    const network = gateway.getNetwork(config.channel);
    const events = new FabricEventSource(network, config.chaincode);
    const withPrivateData = new FabricEventSource(network, config.chaincode, { privateData: true });
    const reader = new LedgerSealedReader(new Ledger(client, { org: config.org.mspId }), { enrollmentId });
    return await fn({ events, enriched: new SealedEventSource(withPrivateData, reader) }, store);
  } finally {
    gateway?.close();
    client.close();
    await store.close();
  }
}

/** The database of `load-synthetic` and `time`: `--database sqlite` (default) or `postgres`. */
function syntheticDatabase(kind: string, urlEnv: string): ProjectionDatabaseConfig {
  if (kind === 'sqlite') return { kind: 'sqlite' };
  if (kind === 'postgres') return { kind: 'postgres', urlEnv, poolSize: 4 };
  throw new Error('--database must be sqlite or postgres');
}

async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      org: { type: 'string' },
      identity: { type: 'string' },
      'data-dir': { type: 'string' },
      events: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '42' },
      samples: { type: 'string', default: '500' },
      range: { type: 'string', default: '1000' },
      database: { type: 'string', default: 'sqlite' },
      'url-env': { type: 'string', default: DEFAULT_PROJECTION_PG_URL_ENV },
    },
  });
  const database = syntheticDatabase(values.database, values['url-env']);
  const command = positionals[0];
  switch (command) {
    case 'rebuild': {
      const { applied, counts } = await withLedger(values, async (sources, store) => ({
        applied: await rebuild(sources.enriched, store),
        counts: sources.enriched.counts,
      }));
      print({ rebuilt: true, events: applied, sealed: counts });
      return 0;
    }
    case 'check': {
      const report = await withLedger(values, (sources, store) =>
        checkConsistency(sources.events, store, Number(values.range)),
      );
      print(report);
      return report.ok ? 0 : 1;
    }
    case 'load-synthetic': {
      const dataDir = values['data-dir'] ?? DEFAULT_DATA_DIR;
      const events = Number(values.events);
      if (!Number.isInteger(events) || events < 1) throw new Error('--events must be a positive integer');
      const store = new ProjectionStore(openProjectionDatabase(database, { dataDir }));
      const t0 = Date.now();
      try {
        await store.reset();
        let last = 0;
        await loadSynthetic(store, { events, seed: Number(values.seed) }, (n) => {
          if (n - last >= 100_000) {
            last = n;
            process.stderr.write(`loaded ${n} events (${Math.round((Date.now() - t0) / 1000)} s)\n`);
          }
        });
        await store.driver.exec('ANALYZE');
      } finally {
        await store.close();
      }
      const loadSeconds = Math.round((Date.now() - t0) / 100) / 10;
      print({
        loaded: events,
        loadSeconds,
        timing: await timeProjection(database, dataDir, Number(values.samples)),
      });
      return 0;
    }
    case 'time': {
      print(await timeProjection(database, values['data-dir'] ?? DEFAULT_DATA_DIR, Number(values.samples)));
      return 0;
    }
    default:
      process.stderr.write(
        'usage: cli.js rebuild|check|load-synthetic|time [options] (see the file header)\n',
      );
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`projection: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
