/**
 * The projection's command line (`--help` lists the commands, `<command> --help` their options).
 *
 * `rebuild` drops the projection and projects the channel again from block 0, enriching the events
 * whose sealed facts the org's peer holds as the running gateway does; `check` compares the
 * projection with the ledger per block range (exit 1 on a difference). Both read the ledger through
 * the gateway's configuration (--config, else `--org hospital1` for the local network's
 * `$MEDLEDGER_HOME/gateways/hospital1/config.json`, else MEDLEDGER_GATEWAY_CONFIG, else the
 * Regulator's) and a wallet identity (the config's serviceEnrollmentId unless --identity); the
 * projection is the config's (`projection.database`: SQLite under `projection.dataDir`, else
 * `dataDir`, or PostgreSQL) unless --data-dir names a SQLite one. Rebuild a projection its gateway
 * follows only with that gateway stopped, or into another --data-dir. `load-synthetic` fills a
 * projection database with generated events (replacing what it held) and then times it, like `time`;
 * `--database postgres` makes both use the PostgreSQL database whose URL is in the environment
 * variable --url-env (default MEDLEDGER_PROJECTION_PG_URL).
 */
import { join, resolve } from 'node:path';

import type { Gateway } from '@hyperledger/fabric-gateway';
import { command, runProgram, UsageError } from '@medledger/cli-kit';

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
    // Not initialized here: a rebuild must open a projection of another schema version, which init()
    // refuses; it resets the schema itself.
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
  return kind === 'postgres' ? { kind: 'postgres', urlEnv, poolSize: 4 } : { kind: 'sqlite' };
}

function positiveInteger(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${option} must be a positive integer`);
  return n;
}

const LEDGER_OPTIONS = {
  org: {
    type: 'string',
    value: 'SLUG',
    description: "the local network's org whose gateway config to use, e.g. regulator",
  },
  config: { type: 'string', value: 'FILE', description: "a gateway's config.json (instead of --org)" },
  identity: {
    type: 'string',
    value: 'ID',
    description: "the wallet identity that reads the ledger (default: the config's serviceEnrollmentId)",
  },
  'data-dir': {
    type: 'string',
    value: 'DIR',
    description: "a SQLite projection folder to use instead of the config's database",
  },
} as const;

const SYNTHETIC_OPTIONS = {
  'data-dir': {
    type: 'string',
    value: 'DIR',
    default: DEFAULT_DATA_DIR,
    description: 'the SQLite projection folder',
  },
  database: {
    type: 'string',
    choices: ['sqlite', 'postgres'],
    default: 'sqlite',
    description: 'the database',
  },
  'url-env': {
    type: 'string',
    value: 'NAME',
    default: DEFAULT_PROJECTION_PG_URL_ENV,
    description: 'the environment variable holding the PostgreSQL URL',
  },
  samples: { type: 'string', value: 'N', default: '500', description: 'queries timed per view' },
} as const;

/** The projection's commands (see the file header). */
export const PROJECTION_CLI = {
  invocation: 'node gateway/dist/projection/tools/cli.js',
  summary:
    "Maintains a gateway's audit projection: rebuild it from the ledger, check it against the ledger, time it.",
  examples: [
    'npm run projection:check -- --org regulator',
    'node gateway/dist/projection/tools/cli.js load-synthetic --events 100000',
  ],
  commands: {
    rebuild: command({
      summary: 'Drops the projection and projects the channel again from block 0 (stop its gateway first).',
      options: LEDGER_OPTIONS,
      examples: ['npm run projection:rebuild -- --org regulator'],
    }),
    check: command({
      summary: 'Compares the projection with the ledger per block range; exits 1 on a difference.',
      options: {
        ...LEDGER_OPTIONS,
        range: { type: 'string', value: 'BLOCKS', default: '1000', description: 'blocks per compared range' },
      },
      examples: ['npm run projection:check -- --org regulator'],
    }),
    'load-synthetic': command({
      summary: 'Fills a projection database with generated events (replacing what it held), then times it.',
      options: {
        ...SYNTHETIC_OPTIONS,
        events: { type: 'string', value: 'N', default: '1000000', description: 'how many events' },
        seed: { type: 'string', value: 'S', default: '42', description: 'seed of the generator' },
      },
      examples: [
        'node gateway/dist/projection/tools/cli.js load-synthetic --events 100000 --data-dir /tmp/pj',
      ],
    }),
    time: command({
      summary: "Times the projection's views (audit query, compliance report, alerts) on the data it holds.",
      options: SYNTHETIC_OPTIONS,
      examples: ['node gateway/dist/projection/tools/cli.js time --data-dir /tmp/pj --samples 200'],
    }),
  },
} as const;

async function loadSyntheticEvents(values: {
  'data-dir': string;
  database: string;
  'url-env': string;
  samples: string;
  events: string;
  seed: string;
}): Promise<void> {
  const database = syntheticDatabase(values.database, values['url-env']);
  const dataDir = values['data-dir'];
  const events = positiveInteger(values.events, '--events');
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
    timing: await timeProjection(database, dataDir, positiveInteger(values.samples, '--samples')),
  });
}

if (require.main === module) {
  void runProgram(
    PROJECTION_CLI,
    process.argv.slice(2),
    {
      rebuild: async (values) => {
        const { applied, counts } = await withLedger(values, async (sources, store) => ({
          applied: await rebuild(sources.enriched, store),
          counts: sources.enriched.counts,
        }));
        print({ rebuilt: true, events: applied, sealed: counts });
      },
      check: async (values) => {
        const range = positiveInteger(values.range, '--range');
        const report = await withLedger(values, async (sources, store) => {
          await store.init();
          return checkConsistency(sources.events, store, range);
        });
        print(report);
        return report.ok ? 0 : 1;
      },
      'load-synthetic': (values) => loadSyntheticEvents(values),
      time: async (values) => {
        const database = syntheticDatabase(values.database, values['url-env']);
        print(
          await timeProjection(database, values['data-dir'], positiveInteger(values.samples, '--samples')),
        );
      },
    },
    { failurePrefix: 'projection: ' },
  );
}
