/**
 * Gateway main: loads the config (`MEDLEDGER_GATEWAY_CONFIG`), opens the wallet, enrolls the service
 * identity if needed, connects to the peers, listens, and shuts down gracefully on SIGTERM/SIGINT.
 */
import { readFileSync } from 'node:fs';

import type { Gateway, Network } from '@hyperledger/fabric-gateway';
import { command, runCommand } from '@medledger/cli-kit';

import { createTokenVerifier } from './auth/tokens';
import { loadConfig, projectionDataDir, type GatewayConfig } from './config';
import { FabricCaClient, type Enrollment } from './fabric/ca-client';
import { BlockFeed } from './fabric/block-feed';
import { CommitTracker, type BlockSource } from './fabric/commit-tracker';
import { connectAs, connectPeers, type PeerConnection } from './fabric/connection';
import { acrossPeers } from './fabric/peer-failover';
import { ledgerTimeout, ledgerUnavailable } from './fabric/error-mapping';
import { FabricLedgerClient } from './fabric/ledger-client';
import { createApp } from './http/app';
import { createListener } from './http/listener';
import { SqliteIdempotencyStore } from './idempotency';
import { createLogger, type Logger } from './logger';
import { SqliteNonceCache } from './nonce-store';
import {
  createMetrics,
  registerCommitTrackerMetrics,
  registerFollowedPeerMetric,
  type GatewayMetrics,
} from './metrics';
import { LedgerSealedReader } from './projection/ledger-sealed-reader';
import { fabricFeedSource, FabricEventSource } from './projection/write/fabric-source';
import { SealedEventSource } from './projection/write/sealed-source';
import { firstBlockAfter, type EventSource } from './projection/write/source';
import { startProjection, type ProjectionRuntime } from './projection/runtime';
import type { StaffEnroller } from './services/context';
import { Ledger } from './services/ledger';
import { FileWallet, readWalletKey, type Wallet } from './wallet';

/** The registrar's id and secret, from the config's inline id + secret file or credentials file. */
export function registrarCredentials(config: Readonly<GatewayConfig>): {
  enrollmentId: string;
  secret: string;
} {
  const r = config.ca.registrar;
  if ('credentialsPath' in r) {
    return JSON.parse(readFileSync(r.credentialsPath, 'utf8')) as { enrollmentId: string; secret: string };
  }
  return { enrollmentId: r.enrollmentId, secret: readFileSync(r.secretPath, 'utf8').trim() };
}

/** Enrolls the registrar into the wallet when missing and returns a staff enroller over the CA. */
export async function setUpCa(
  config: Readonly<GatewayConfig>,
  wallet: Wallet,
): Promise<{ enroller: StaffEnroller; registrarId: string }> {
  const ca = new FabricCaClient({
    url: config.ca.url,
    caName: config.ca.caName,
    tlsRoot: readFileSync(config.ca.tlsRootCertPath),
    tlsClient: { cert: readFileSync(config.tlsClient.certPath), key: readFileSync(config.tlsClient.keyPath) },
  });
  const creds = registrarCredentials(config);
  let registrar: Enrollment | undefined = await wallet.get(creds.enrollmentId);
  if (!registrar) {
    registrar = await ca.enroll(creds.enrollmentId, creds.secret);
    await wallet.put({ enrollmentId: creds.enrollmentId, mspId: config.org.mspId, ...registrar });
  }
  const registrarIdentity = registrar;
  return {
    registrarId: creds.enrollmentId,
    enroller: {
      async ensureEnrolled(enrollmentId) {
        if (await wallet.get(enrollmentId)) return;
        const secret = await ca.register(registrarIdentity, enrollmentId);
        const enrolled = await ca.enroll(enrollmentId, secret);
        await wallet.put({ enrollmentId, mspId: config.org.mspId, ...enrolled });
      },
    },
  };
}

/**
 * The projection's event source: `events` (the blocks of the gateway's own peer with the private data
 * its org may hold, see {@link ledgerStreams}), each event enriched with its sealed facts; a fact the
 * block did not bring is read on the own peer as `serviceEnrollmentId` through `ledger`.
 */
export function projectionSource(
  events: EventSource,
  ledger: Ledger,
  serviceEnrollmentId: string,
): SealedEventSource {
  return new SealedEventSource(events, new LedgerSealedReader(ledger, { enrollmentId: serviceEnrollmentId }));
}

/** The block streams of a gateway, from {@link ledgerStreams}. */
export interface LedgerStreams {
  /** The commit tracker (`ledger.commitTracking: "stream"`), not started yet. */
  readonly commits?: CommitTracker;
  /** Its one block stream, which the projection reads too. */
  readonly feed?: BlockFeed;
  /** The projection's events. */
  readonly projectionEvents: EventSource;
  /**
   * Index of the org's peer the gateway's block stream follows (0 is the local peer): the one stream,
   * or with `"status"` the projection's.
   */
  readonly followedPeer: () => number;
}

/**
 * The block streams of `networks` (the gateway's own connections to each peer of its org, the local
 * peer first), each following one peer and moving to the next when it fails (`fabric/peer-failover.ts`).
 * With `ledger.commitTracking: "stream"`, one stream of blocks with private data feeds both the commit
 * tracker and the projection (`fabric/block-feed.ts`); start the tracker once the projection follows,
 * so that a projection restarting just below the channel height reads its blocks on that stream too.
 * With `"status"`, the projection reads its own stream and writes ask the peer.
 */
export function ledgerStreams(
  config: Readonly<GatewayConfig>,
  networks: readonly Network[],
  onCommitStreamError: (err: unknown) => void,
  onMove?: (stream: 'blocks' | 'catch-up', peerIndex: number) => void,
): LedgerStreams {
  const oneStream = config.ledger.commitTracking === 'stream';
  // With the one stream this source serves only the projection's catch-up reads; else all its blocks.
  const ownBlocks = acrossPeers(
    networks.map((n) => new FabricEventSource(n, config.chaincode, { privateData: true })),
    { onMove: (i) => onMove?.(oneStream ? 'catch-up' : 'blocks', i) },
  );
  if (!oneStream) {
    return { projectionEvents: ownBlocks, followedPeer: () => ownBlocks.current() };
  }
  const source = acrossPeers(
    networks.map((n) => fabricFeedSource(n, config.chaincode)),
    { onMove: (i) => onMove?.('blocks', i) },
  );
  const feed = new BlockFeed({ source, catchUp: ownBlocks });
  const commits = setUpCommitTracker(config, feed.blocks, onCommitStreamError);
  return { commits, feed, projectionEvents: feed.events, followedPeer: () => source.current() };
}

/**
 * Starts the audit projection: `source` followed from the stored checkpoint into the configured
 * database (`projection.database`: SQLite by default, or PostgreSQL at the URL the environment names).
 */
export function setUpProjection(
  config: Readonly<GatewayConfig>,
  source: EventSource,
  onError: (err: unknown) => void,
): Promise<ProjectionRuntime> {
  return startProjection({
    source,
    dataDir: projectionDataDir(config),
    config: config.projection,
    sqlite: config.sqlite,
    onError,
  });
}

/**
 * The commit tracker of `ledger.commitTracking: "stream"` over `source` (the gateway's one block
 * stream), with the status path's deadline and errors; not started.
 */
export function setUpCommitTracker(
  config: Readonly<GatewayConfig>,
  source: BlockSource,
  onError: (err: unknown) => void,
): CommitTracker {
  return new CommitTracker({
    source,
    timeoutMs: config.timeouts.commitStatusMs,
    // What a CommitStatus call past its deadline, or on a closed connection, maps to.
    timeoutError: (txId) => ledgerTimeout('submit', { txId }),
    closedError: (txId) => ledgerUnavailable('submit', { txId }),
    onError,
  });
}

/**
 * The gateway's own identity on each peer of its org (`peers`, the local one first) and the block
 * streams it follows there (the projection's events and the commit stream), with their log lines and
 * metrics.
 */
async function followOwnPeers(
  config: Readonly<GatewayConfig>,
  peers: readonly PeerConnection[],
  wallet: Wallet,
  serviceEnrollmentId: string,
  { logger, metrics }: { logger: Logger; metrics: GatewayMetrics },
): Promise<LedgerStreams & { services: Gateway[] }> {
  const services = await Promise.all(peers.map((p) => connectAs(config, p, wallet, serviceEnrollmentId)));
  const streams = ledgerStreams(
    config,
    services.map((s) => s.getNetwork(config.channel)),
    (err) => {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'commit stream reopening');
    },
    (stream, peerIndex) => {
      const peer = peers[peerIndex]?.peer.endpoint;
      logger.warn({ stream, peer, local: peerIndex === 0 }, 'block stream following another peer of the org');
    },
  );
  const { commits, feed, followedPeer } = streams;
  registerFollowedPeerMetric(metrics, followedPeer);
  if (commits) registerCommitTrackerMetrics(metrics, () => commits.status(), feed && (() => feed.status()));
  return { ...streams, services };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  const wallet = new FileWallet(config.wallet.dir, readWalletKey(config.wallet.keyPath));
  const { enroller, registrarId } = await setUpCa(config, wallet);
  const serviceEnrollmentId = config.serviceEnrollmentId ?? registrarId;
  // connectPeers puts the local peer first.
  const peers = connectPeers(config);
  if (peers.length === 0) throw new Error('no peers');
  const { services, commits, feed, projectionEvents, followedPeer } = await followOwnPeers(
    config,
    peers,
    wallet,
    serviceEnrollmentId,
    { logger, metrics },
  );
  const client = new FabricLedgerClient(config, peers, wallet, serviceEnrollmentId, {
    observe: (fn, kind, seconds, code) => {
      metrics.ledgerDuration.observe({ fn, kind, code }, seconds);
    },
    ...(commits ? { commits } : {}),
    // A call past its deadline on the peer the stream follows: that peer may hang, and its stream with it.
    onPeerTimeout: (peerIndex) => {
      if (peerIndex === followedPeer()) commits?.checkStalled();
    },
  });
  const verifier = await createTokenVerifier({
    ...config.auth,
    orgName: config.org.name,
    mspId: config.org.mspId,
  });
  const idempotency = new SqliteIdempotencyStore(config.dataDir, config.idempotency, config.sqlite);
  const patientProofNonces = new SqliteNonceCache(config.dataDir);
  const ledger = new Ledger(client, { org: config.org.mspId });
  const source = projectionSource(projectionEvents, ledger, serviceEnrollmentId);
  const projection = await setUpProjection(config, source, (err) => {
    // Fabric and SQLite errors name no personal data; payloads are never logged.
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'projection follower retrying');
  });
  // The one stream starts at the projection's checkpoint when that is just below the channel height.
  const checkpoint = await projection.store.checkpoint();
  feed?.want(firstBlockAfter(checkpoint));
  commits?.start();
  let shuttingDown = false;
  const { app } = createApp({
    config,
    ledger,
    verifier,
    idempotency,
    patientProofNonces,
    enroller,
    logger,
    metrics,
    serviceEnrollmentId,
    isShuttingDown: () => shuttingDown,
    projection: projection.service,
    projectionStatus: () => projection.status(),
  });
  const { server, scheme } = createListener(config, app);
  server.keepAliveTimeout = 65_000;
  server.listen(config.listen.port, config.listen.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.listen.port;
    const url = `${scheme}://${config.listen.host}:${port}`;
    logger.info({ org: config.org.name, url }, 'gateway listening');
    process.stdout.write(`MedLedger gateway ${config.org.name} listening on ${url} (docs: ${url}/docs)\n`);
  });
  const stop = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    server.close(() => {
      // The follower stops after its current batch, before its database and connection close.
      Promise.all([projection.stop(), commits?.close()])
        .catch((err: unknown) => {
          logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'projection stop failed');
        })
        .finally(() => {
          for (const s of services) s.close();
          client.close();
          idempotency.close();
          patientProofNonces.close();
          logger.info('stopped');
          process.exit(0);
        });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
}

const SERVER_COMMAND = command({
  summary: "Runs one org's REST gateway until SIGTERM or SIGINT.",
  details: [
    'Reads its configuration from the JSON file named by MEDLEDGER_GATEWAY_CONFIG (npm start writes one per org under .medledger/gateways/<org>/config.json and runs the gateways itself); its fields are documented in gateway/src/config.ts and docs/operations.md.',
  ],
  examples: [
    'MEDLEDGER_GATEWAY_CONFIG=.medledger/gateways/hospital1/config.json node gateway/dist/server.js',
  ],
});

if (require.main === module) {
  void runCommand('node gateway/dist/server.js', SERVER_COMMAND, process.argv.slice(2), main, {
    failurePrefix: 'gateway failed to start: ',
  });
}
