import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { BENCH_LOADER_FLAG, KEYRING_FILE_ENV } from '@medledger/domain';
import { availableParallelism } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { ensureFabric, type FabricInstall } from './binaries';
import { bootstrapConsortium } from './consortium';
import { governOrgsByConsortium } from './channel-config';
import { runTool } from './fabric-cli';
import {
  gatewayHealthy,
  gatewayProcess,
  importDemoUsers,
  registerDemoPeople,
  renderGatewayConfig,
} from './gateways';
import {
  benchLoaderId,
  caProcess,
  enrollBenchLoader,
  enrollDemoUsers,
  enrolledUsers,
  forgetBenchLoader,
  gatewayRegistrarSecret,
  registerGatewayRegistrar,
  registrarSecret,
} from './identities';
import { ensureKeyring } from './keyrings';
import { inNamespace, setUpIsolatedHosts, tearDownIsolatedHosts } from './hosts';
import { deployChaincode, joinOrderers, joinPeers, packageChaincode, type OrgPackage } from './lifecycle';
import { repoRoot, StatePaths, stateDir } from './paths';
import {
  healthzReady,
  httpsGet,
  waitFor,
  runningPid,
  startProcess,
  stopProcess,
  treeFingerprint,
  type ProcessSpec,
  type TlsClient,
} from './processes';
import { renderNodeConfigs } from './render';
import {
  chaincodeLoggingLevel,
  fabricLoggingSpec,
  nodeTuningEnv,
  ordererTuningEnv,
  peerTuningEnv,
  sharedHostGoMaxProcs,
  tuningFingerprint,
  tuningFromEnv,
  type Tuning,
} from './tuning';
import {
  allPeers,
  basePortFromEnv,
  consortiumOfSize,
  DEFAULT_TOPOLOGY_OPTIONS,
  EMPTY_GOVERNANCE,
  orgCountFromEnv,
  ORGS_ENV,
  parseGovernanceRecord,
  topologySpecFromEnv,
  withGovernance,
  type GovernanceRecord,
  ORG_SERVICE_HOSTS,
  parseTopologyOptions,
  resolveTopology,
  settleOrgCount,
  settlePeersPerOrg,
  peersPerOrgFromEnv,
  PEERS_ENV,
  withPeersPerOrg,
  settleTopologyOptions,
  topologyOptionsFromEnv,
  type OrdererNode,
  type PeerNode,
  type PeerOrg,
  type Reachable,
  type Topology,
  type TopologySpec,
  type TopologyOptions,
} from './topology';

/** The folder of the project's own external builder for chaincode-as-a-service. */
export const builderDir = join(repoRoot, 'network', 'builders', 'ccaas');

/** What `start` leaves behind for tests, gateways and people: where everything runs. */
export interface NetworkInfo {
  readonly basePort: number;
  readonly stateDir: string;
  readonly channel: string;
  readonly chaincode: string;
  /**
   * Started with `MEDLEDGER_BENCH_LOADER=1`: each hospital has a bench-loader identity (`orgs[].benchLoader`)
   * whose certificate lets it call the benchmark-only `bench:LoadSyntheticAuditEvents` (absent in files
   * written before it existed: read as false).
   */
  readonly benchLoader?: boolean;
  /**
   * The ordering protocol (`MEDLEDGER_ORDERER`) and how hosts are addressed (`MEDLEDGER_ISOLATED_HOSTS`)
   * the network runs with (absent in files written before they existed: raft and loopback).
   */
  readonly ordering?: TopologyOptions['ordering'];
  readonly hosts?: TopologyOptions['hosts'];
  /**
   * Every `address` and URL below is how this machine reaches the service (its IP address: 127.0.0.1,
   * or its namespace's address on isolated hosts); `name` is its host name, which its certificates carry.
   */
  readonly orderers: {
    name: string;
    address: string;
    /** The IP address of the orderer's host. */
    ip?: string;
    /** The node's id in the BFT consenter mapping (what `consensus_BFT_leader_id` reports). */
    consenterId?: number;
    adminPort: number;
    operationsPort: number;
    tlsCaCert: string;
  }[];
  readonly orgs: {
    name: string;
    mspId: string;
    /** The IP address of the org's host. */
    ip?: string;
    caUrl: string;
    caName: string;
    tlsCaCert: string;
    /** The org's REST gateway, e.g. `http://127.0.0.1:17102`. */
    gatewayUrl?: string;
    gatewayPort: number;
    chaincodeServerPort: number;
    tlsClient: { cert: string; key: string };
    users: string[];
    peers: { name: string; address: string; operationsPort: number; tlsCaCert: string }[];
    /** The org's bench-loader identity, on a network started with `MEDLEDGER_BENCH_LOADER=1`. */
    benchLoader?: { enrollmentId: string; mspDir: string };
  }[];
}

export interface NetworkContext {
  readonly install: FabricInstall;
  readonly topology: Topology;
  readonly paths: StatePaths;
  /**
   * `MEDLEDGER_BENCH_LOADER=1`: register and enroll a bench-loader identity per hospital (an admin whose
   * certificate carries `medledger.benchLoader=true`; benchmarks only, never in production). A start
   * without it removes those identities from the local state.
   */
  readonly benchLoader: boolean;
}

/**
 * The topology options the state in `paths` was generated for (`topology-options.json`), or undefined
 * before anything was generated. State generated before the options existed is Raft on loopback.
 */
export function recordedTopologyOptions(paths: StatePaths): TopologyOptions | undefined {
  if (!existsSync(paths.optionsFile))
    return existsSync(paths.cryptoDir) ? DEFAULT_TOPOLOGY_OPTIONS : undefined;
  const raw: unknown = JSON.parse(readFileSync(paths.optionsFile, 'utf8'));
  const options = parseTopologyOptions(raw);
  if (options === undefined)
    throw new Error(`${paths.optionsFile} is not a topology options file: ${JSON.stringify(raw)}`);
  return options;
}

/**
 * The resolved topology and state folder of the network `env` names (`MEDLEDGER_HOME`,
 * `MEDLEDGER_BASE_PORT`), with the options its state was generated for; the environment's
 * `MEDLEDGER_ORDERER` and `MEDLEDGER_ISOLATED_HOSTS` choose them before the first generation and must
 * agree with them after. With `asRecorded` (stopping and cleaning, which must work whatever the
 * environment asks for next) the recorded options, size and peers per org stand and the environment's
 * are not checked.
 */
export function currentTopology(
  env: NodeJS.ProcessEnv = process.env,
  { asRecorded = false }: { asRecorded?: boolean } = {},
): {
  topology: Topology;
  paths: StatePaths;
} {
  const paths = new StatePaths(stateDir(env));
  const recorded = recordedTopologyOptions(paths);
  const options =
    asRecorded && recorded !== undefined
      ? recorded
      : settleTopologyOptions(recorded, topologyOptionsFromEnv(env), paths.root);
  // Stopping and cleaning act on the network as it was generated, whatever size the environment asks
  // for now: refusing them would leave no way to the clean that another size needs.
  const sizeEnv = asRecorded ? { ...env, [ORGS_ENV]: undefined, [PEERS_ENV]: undefined } : env;
  const spec = withGovernance(generatedSpec(sizeEnv, paths), recordedGovernance(paths));
  return { topology: resolveTopology(spec, basePortFromEnv(env), options), paths };
}

/**
 * The consortium the state in `paths` was generated for, before any governance decision: the default
 * topology with the environment's choices (crypto profile, shim batch) at the recorded size and peers
 * per org (or those the environment asks for, when nothing was generated yet).
 */
export function generatedSpec(env: NodeJS.ProcessEnv, paths: StatePaths): TopologySpec {
  const generated = existsSync(paths.cryptoDir);
  const orgs = settleOrgCount(recordedOrgCount(paths), orgCountFromEnv(env), generated, paths.root);
  const peers = settlePeersPerOrg(recordedPeersPerOrg(paths), peersPerOrgFromEnv(env), generated, paths.root);
  return withPeersPerOrg(consortiumOfSize(topologySpecFromEnv(env), orgs), peers);
}

/** The consortium size the state in `paths` was generated with, or undefined when it recorded none. */
export function recordedOrgCount(paths: StatePaths): number | undefined {
  const size = recordedSize(paths);
  if (size === undefined) return undefined;
  const orgs = size.orgs;
  if (typeof orgs !== 'number' || !Number.isInteger(orgs))
    throw new Error(`${paths.orgCountFile} is not a consortium size: ${JSON.stringify(orgs)}`);
  return orgs;
}

/** The peers per org the state in `paths` was generated with, or undefined when it recorded none. */
export function recordedPeersPerOrg(paths: StatePaths): number | undefined {
  const size = recordedSize(paths);
  if (size?.peers === undefined) return undefined;
  if (typeof size.peers !== 'number' || !Number.isInteger(size.peers))
    throw new Error(
      `${paths.orgCountFile} has no whole number of peers per org: ${JSON.stringify(size.peers)}`,
    );
  return size.peers;
}

/** The peers every org runs, or undefined when the topology gives orgs different numbers (not recorded). */
function uniformPeersPerOrg(topology: Topology): number | undefined {
  const counts = new Set(topology.peerOrgs.map((o) => o.peerNodes.length));
  return counts.size === 1 ? [...counts][0] : undefined;
}

function recordedSize(paths: StatePaths): { orgs?: unknown; peers?: unknown } | undefined {
  if (!existsSync(paths.orgCountFile)) return undefined;
  const raw: unknown = JSON.parse(readFileSync(paths.orgCountFile, 'utf8'));
  return typeof raw === 'object' && raw !== null ? raw : {};
}

/** What governance recorded in the state (`governance.json`): nothing before the first decision. */
export function recordedGovernance(paths: StatePaths): GovernanceRecord {
  if (!existsSync(paths.governanceFile)) return EMPTY_GOVERNANCE;
  return parseGovernanceRecord(JSON.parse(readFileSync(paths.governanceFile, 'utf8')), paths.governanceFile);
}

/** Records a governance decision, so every later command sees it. */
export function recordGovernance(paths: StatePaths, record: GovernanceRecord): void {
  writeFileSync(paths.governanceFile, `${JSON.stringify(record, null, 2)}\n`);
}

/** The network's context, with Fabric found or installed first (see binaries.ts for the sources). */
export async function networkContext(env: NodeJS.ProcessEnv = process.env): Promise<NetworkContext> {
  const { topology, paths } = currentTopology(env);
  return {
    install: await ensureFabric(env),
    topology,
    paths,
    benchLoader: env[BENCH_LOADER_FLAG] === '1',
  };
}

function write(file: { path: string; content: string }): void {
  mkdirSync(join(file.path, '..'), { recursive: true });
  writeFileSync(file.path, file.content);
}

/** TLS client material of the orderer org's admin, used for orderer health checks. */
function ordererAdminTls(ctx: NetworkContext): TlsClient {
  const { paths, topology } = ctx;
  const admin = join(paths.ordererAdminDir(topology), 'tls');
  return {
    ca: readFileSync(paths.tlsCaCert(paths.ordererOrgDir(topology), topology.ordererOrg.domain)),
    cert: readFileSync(join(admin, 'client.crt')),
    key: readFileSync(join(admin, 'client.key')),
  };
}

function peerAdminTls(ctx: NetworkContext, org: PeerOrg): TlsClient {
  const admin = join(ctx.paths.peerAdminDir(org), 'tls');
  return {
    ca: readFileSync(ctx.paths.tlsCaCert(ctx.paths.peerOrgDir(org), org.domain)),
    cert: readFileSync(join(admin, 'client.crt')),
    key: readFileSync(join(admin, 'client.key')),
  };
}

const nodeEnv = (cfgDir: string, tuning: Record<string, string>): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  FABRIC_CFG_PATH: cfgDir,
  FABRIC_LOGGING_SPEC: fabricLoggingSpec(),
  ...tuning,
});

/**
 * The switches the local network's peers and orderers start with: those the environment asks for, and
 * unless it names `MEDLEDGER_GOMAXPROCS`, each node's share of this host's CPUs, since they all run on
 * it (isolated hosts too: namespaces share the CPUs).
 */
export function oneHostTuning(
  topology: Topology,
  env: NodeJS.ProcessEnv = process.env,
  cpus: number = availableParallelism(),
): Tuning {
  const asked = tuningFromEnv(env);
  const goProcesses = allPeers(topology).length + topology.ordererOrg.nodes.length;
  return { ...asked, goMaxProcs: asked.goMaxProcs ?? sharedHostGoMaxProcs(cpus, goProcesses) };
}

/** An orderer; on isolated hosts in the orderers' namespace. */
export function ordererProcess(ctx: NetworkContext, node: OrdererNode): ProcessSpec {
  const dir = ctx.paths.nodeDir(node.shortName);
  const tuning = ordererTuningEnv(oneHostTuning(ctx.topology), node, ctx.topology.ordererOrg.listenHost);
  return inNamespace(
    {
      name: node.shortName,
      command: ctx.install.bin('orderer'),
      args: [],
      env: nodeEnv(dir, tuning),
      // A start with other performance switches restarts the node (see tuning.ts).
      fingerprint: tuningFingerprint(tuning),
      cwd: dir,
      logFile: ctx.paths.logFile(node.shortName),
      pidFile: ctx.paths.pidFile(node.shortName),
      // The operations endpoint may answer before the admin (channel participation) endpoint listens.
      ready: both(
        healthzReady(node.ip, node.operationsPort, ordererAdminTls(ctx)),
        tlsHandshakeReady({ ...node, port: node.adminPort }, ordererAdminTls(ctx), false),
      ),
    },
    ctx.topology.ordererOrg.namespace,
  );
}

/** A peer; on isolated hosts in its org's namespace. */
export function peerProcess(ctx: NetworkContext, peer: PeerNode): ProcessSpec {
  const dir = ctx.paths.nodeDir(peer.shortName);
  const tuning = peerTuningEnv(oneHostTuning(ctx.topology), peer, peer.org.listenHost);
  return inNamespace(
    {
      name: peer.shortName,
      command: ctx.install.bin('peer'),
      args: ['node', 'start'],
      env: nodeEnv(dir, tuning),
      fingerprint: tuningFingerprint(tuning),
      cwd: dir,
      logFile: ctx.paths.logFile(peer.shortName),
      pidFile: ctx.paths.pidFile(peer.shortName),
      // As with orderers, the operations endpoint can answer before the peer's own gRPC listener.
      ready: both(
        healthzReady(peer.ip, peer.operationsPort, peerAdminTls(ctx, peer.org)),
        tlsHandshakeReady(peer, peerAdminTls(ctx, peer.org)),
      ),
    },
    peer.org.namespace,
  );
}

function both(a: () => Promise<boolean>, b: () => Promise<boolean>): () => Promise<boolean> {
  return async () => (await a()) && (await b());
}

/**
 * Ready once a mutual-TLS handshake with the server at `ip:port` succeeds, its certificate naming its
 * host (gRPC servers want h2).
 */
function tlsHandshakeReady(
  server: Pick<Reachable, 'host' | 'ip' | 'port'>,
  tls: TlsClient,
  h2 = true,
): () => Promise<boolean> {
  return () =>
    new Promise((resolve) => {
      const socket = tlsConnect({
        host: server.ip,
        port: server.port,
        ...tls,
        servername: server.host,
        ...(h2 ? { ALPNProtocols: ['h2'] } : {}),
      });
      socket.setTimeout(2000, () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
}

/**
 * The org's chaincode server (fabric-chaincode-node in server mode) that its peers dial; on isolated
 * hosts in the org's namespace. `modulePath` runs another build of the chaincode (the benchmark's
 * build comparison); by default this repository's.
 */
export function chaincodeServerProcess(
  ctx: NetworkContext,
  pkg: OrgPackage,
  { next = false, modulePath = join(repoRoot, 'chaincode') }: { next?: boolean; modulePath?: string } = {},
): ProcessSpec {
  const { paths } = ctx;
  const org = pkg.org;
  const server = join(paths.orgNodeDir(org, ORG_SERVICE_HOSTS.chaincode), 'tls');
  const client = join(paths.orgNodeDir(org, ORG_SERVICE_HOSTS.chaincodeClient), 'tls');
  const name = chaincodeServerName(org, { next });
  const switches = tuningFromEnv();
  const tuning = {
    ...nodeTuningEnv(switches, name, join(__dirname, 'exit-on-term.js')),
    CORE_CHAINCODE_LOGGING_LEVEL: chaincodeLoggingLevel(switches),
  };
  return inNamespace(
    {
      name,
      command: process.execPath,
      args: [
        join(repoRoot, 'node_modules', 'fabric-shim', 'cli'),
        'server',
        '--chaincode-address',
        `${org.listenHost}:${String(org.chaincodeServerPort)}`,
        '--chaincode-id',
        pkg.packageId,
        '--chaincode-tls-cert-file',
        join(server, 'server.crt'),
        '--chaincode-tls-key-file',
        join(server, 'server.key'),
        '--chaincode-tls-client-cacert-file',
        join(server, 'ca.crt'),
        '--module-path',
        modulePath,
      ],
      env: {
        PATH: process.env.PATH ?? '',
        // fabric-shim's getMspID() reads it: a peer sets it for the chaincode it launches, a
        // chaincode-as-a-service server gets it from its deployment. The chaincode uses it to refuse
        // reads routed to another org's peer (content and salts in the transient map, sealed data).
        CORE_PEER_LOCALMSPID: org.mspId,
        // The path of the org's keyring (never the keys): content at rest is sealed and opened here only.
        [KEYRING_FILE_ENV]: paths.keyringFile(org),
        NODE_ENV: 'production',
        ...tuning,
      },
      cwd: modulePath,
      // One log per org whichever server (current or next) writes it: an upgrade's two overlap.
      logFile: paths.logFile(chaincodeServerName(org)),
      pidFile: paths.pidFile(name),
      fingerprint: `${treeFingerprint([
        join(modulePath, 'dist'),
        join(repoRoot, 'chaincode', 'domain', 'dist'),
        join(repoRoot, 'fhir', 'dist'),
        // The shim is patched on install (patches/): a changed patch restarts the server too.
        join(repoRoot, 'node_modules', 'fabric-shim', 'lib'),
      ])} ${org.mspId} ${pkg.packageId} ${tuningFingerprint(tuning)}`,
      ready: tlsHandshakeReady(org.chaincodeServer, {
        ca: readFileSync(join(server, 'ca.crt')),
        cert: readFileSync(join(client, 'server.crt')),
        key: readFileSync(join(client, 'server.key')),
      }),
    },
    org.namespace,
  );
}

/**
 * The process name of an org's chaincode server; `next` names the one an upgrade starts beside it,
 * which takes the plain name once the new definition is committed and the old server stopped.
 */
export function chaincodeServerName(org: PeerOrg, { next = false }: { next?: boolean } = {}): string {
  return `chaincode-${org.slug}${next ? '-next' : ''}`;
}

/**
 * Generates certificates and the genesis block once, and node configs on every start. Orgs admitted
 * later get their certificates from `cryptogen extend`, which leaves every existing org's alone; the
 * genesis block stays the channel's first block (admitted orgs are in later config blocks).
 */
export function generate(ctx: NetworkContext): void {
  const { install, topology, paths } = ctx;
  const sample = {
    coreYaml: readFileSync(join(install.sampleConfigDir, 'core.yaml'), 'utf8'),
    ordererYaml: readFileSync(join(install.sampleConfigDir, 'orderer.yaml'), 'utf8'),
  };
  mkdirSync(paths.root, { recursive: true });
  if (!existsSync(paths.optionsFile)) writeFileSync(paths.optionsFile, JSON.stringify(topology.options));
  // Recorded with the first certificates, before any org is admitted: the size the genesis block has.
  if (!existsSync(paths.cryptoDir) && !existsSync(paths.orgCountFile))
    writeFileSync(
      paths.orgCountFile,
      JSON.stringify({ orgs: topology.peerOrgs.length, peers: uniformPeersPerOrg(topology) }),
    );
  const files = renderNodeConfigs(topology, paths, sample, builderDir);
  files.forEach(write);
  if (!existsSync(paths.cryptoDir)) {
    runTool(install, 'cryptogen', [
      'generate',
      '--config',
      join(paths.configDir, 'crypto-config.yaml'),
      '--output',
      paths.cryptoDir,
    ]);
  } else if (topology.peerOrgs.some((org) => !existsSync(paths.peerOrgDir(org)))) {
    runTool(install, 'cryptogen', [
      'extend',
      '--input',
      paths.cryptoDir,
      '--config',
      join(paths.configDir, 'crypto-config.yaml'),
    ]);
  }
  if (!existsSync(paths.genesisBlock)) {
    runTool(install, 'configtxgen', [
      '-configPath',
      paths.configDir,
      '-profile',
      'MedChannel',
      '-channelID',
      topology.channel,
      '-outputBlock',
      paths.genesisBlock,
    ]);
  }
}

/**
 * What the services need beside the certificates, genesis block and node configs, written by the
 * network's own code (no Fabric binary runs): per org, its chaincode package and package id, its
 * chaincode server's keyring, its CA's bootstrap and gateway-registrar credentials (`cas/<org>/`), and
 * its gateway's folder (the config, whose paths are relative to it, wallet and data folders, token,
 * wallet, cursor and issuer keys). `npm run network:generate` writes them, so a container deployment
 * starts from the generated state alone (the containers' bind mounts need every file beforehand).
 * Each keeps what exists: keys and secrets are made once.
 */
export function writeServiceState(topology: Topology, paths: StatePaths, nowMs: number): OrgPackage[] {
  return topology.peerOrgs.map((org) => {
    const pkg = packageChaincode(topology, paths, org);
    ensureKeyring(topology, paths, org, nowMs);
    registrarSecret(paths, org);
    gatewayRegistrarSecret(paths, org);
    renderGatewayConfig(topology, paths, org);
    return pkg;
  });
}

/** Whether an org gets a bench-loader identity on a benchmark network: the hospitals (their admins load). */
function hasBenchLoader(org: PeerOrg): boolean {
  return org.kind === 'hospital';
}

export function networkInfo(ctx: NetworkContext, users: Record<string, string[]>): NetworkInfo {
  const { topology, paths } = ctx;
  return {
    basePort: topology.basePort,
    stateDir: paths.root,
    channel: topology.channel,
    chaincode: topology.chaincode.name,
    benchLoader: ctx.benchLoader,
    ordering: topology.options.ordering,
    hosts: topology.options.hosts,
    orderers: topology.ordererOrg.nodes.map((n) => ({
      name: n.name,
      address: n.address,
      ip: n.ip,
      consenterId: n.consenterId,
      adminPort: n.adminPort,
      operationsPort: n.operationsPort,
      tlsCaCert: paths.tlsCaCert(paths.ordererOrgDir(topology), topology.ordererOrg.domain),
    })),
    orgs: topology.peerOrgs.map((org) => {
      const gatewayTls = join(paths.orgNodeDir(org, ORG_SERVICE_HOSTS.gateway), 'tls');
      return {
        name: org.name,
        mspId: org.mspId,
        ip: org.ip,
        caUrl: `https://${org.ca.address}`,
        caName: `ca-${org.slug}`,
        tlsCaCert: paths.tlsCaCert(paths.peerOrgDir(org), org.domain),
        gatewayUrl: `http://${org.gateway.address}`,
        gatewayPort: org.gatewayPort,
        chaincodeServerPort: org.chaincodeServerPort,
        tlsClient: { cert: join(gatewayTls, 'server.crt'), key: join(gatewayTls, 'server.key') },
        users: users[org.name] ?? [],
        ...(ctx.benchLoader && hasBenchLoader(org)
          ? {
              benchLoader: {
                enrollmentId: benchLoaderId(org),
                mspDir: join(paths.benchLoaderDir(org), 'msp'),
              },
            }
          : {}),
        peers: org.peerNodes.map((p) => ({
          name: p.name,
          address: p.address,
          operationsPort: p.operationsPort,
          tlsCaCert: join(paths.peerNodeDir(p), 'tls', 'ca.crt'),
        })),
      };
    }),
  };
}

/** Reads what `start` wrote, or undefined when the network was never started here. */
export function readNetworkInfo(env: NodeJS.ProcessEnv = process.env): NetworkInfo | undefined {
  const file = new StatePaths(stateDir(env)).networkFile;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as NetworkInfo) : undefined;
}

/**
 * What `start` wrote, when every Fabric process of the network runs (orderers, CAs, peers, chaincode
 * servers; the REST gateways may be down); undefined otherwise.
 */
export function runningNetworkInfo(env: NodeJS.ProcessEnv = process.env): NetworkInfo | undefined {
  const { topology, paths } = currentTopology(env);
  const info = readNetworkInfo(env);
  const fabric = allProcessNames(topology).filter((n) => !n.startsWith('gateway-'));
  return info !== undefined && fabric.every((n) => runningPid(paths.pidFile(n)) !== undefined)
    ? info
    : undefined;
}

/** One line per step, with how long it took, so a slow start shows where the time went. */
async function step<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const result = await fn();
  console.log(`[medledger] ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

/**
 * Brings the consortium up, reusing whatever already runs: certificates, genesis block, orderers and
 * channel, CAs and enrolled people, chaincode servers, peers, channel membership, chaincode definition.
 */
export async function startNetwork(ctx: NetworkContext): Promise<NetworkInfo> {
  const { install, topology, paths } = ctx;
  if (topology.options.hosts === 'containers') {
    throw new Error(
      `the state in ${paths.root} was generated for containers (MEDLEDGER_HOSTS=containers): run it with docker compose, or use another MEDLEDGER_HOME`,
    );
  }
  await step('certificates, genesis block and node configs', () => {
    generate(ctx);
  });
  if (topology.options.hosts === 'isolated') {
    await step('isolated hosts: a network namespace per org and for the orderers, on one bridge', () => {
      setUpIsolatedHosts(topology);
    });
  }
  await step('orderers', () =>
    Promise.all(topology.ordererOrg.nodes.map((n) => startProcess(ordererProcess(ctx, n)))),
  );
  await step(`orderers joined to ${topology.channel}`, () => joinOrderers(install, topology, paths));
  await step('certificate authorities', () =>
    Promise.all(topology.peerOrgs.map((org) => startProcess(caProcess(install, paths, org)))),
  );
  const users: Record<string, string[]> = {};
  await step("people and each gateway's registrar enrolled from each CA", () => {
    for (const org of topology.peerOrgs) users[org.name] = enrollOrgPeople(ctx, org);
  });
  const packages = topology.peerOrgs.map((org) => packageChaincode(topology, paths, org));
  await step(`each chaincode server's keyring (${topology.cryptoProfile} profile)`, () => {
    for (const org of topology.peerOrgs) ensureKeyring(topology, paths, org, Date.now());
  });
  await step('chaincode servers', () =>
    Promise.all(packages.map((pkg) => startProcess(chaincodeServerProcess(ctx, pkg)))),
  );
  await step('peers', () => Promise.all(allPeers(topology).map((p) => startProcess(peerProcess(ctx, p)))));
  await step(`peers joined to ${topology.channel}`, () => joinPeers(install, topology, paths));
  await step('peers know each other (gossip membership)', () => waitForGossip(ctx));
  await step("every org's MSP and policies changeable by a majority of the orgs' admins only", async () => {
    const signed = await governOrgsByConsortium(install, topology, paths);
    if (signed.length > 0) console.log(`[medledger] signed by ${signed.join(', ')}`);
  });
  await step('chaincode installed, approved and committed (with the private data collections)', () =>
    deployChaincode(install, topology, paths, packages),
  );
  await step('consortium, sealed collection keys and study secret on the ledger', () =>
    bootstrapConsortium(topology, paths),
  );
  const info = networkInfo(ctx, users);
  writeFileSync(paths.networkFile, JSON.stringify(info, null, 2));
  await step('REST gateways', async () => {
    await Promise.all(topology.peerOrgs.map((org) => startOrgGateway(ctx, org)));
  });
  await step('demo people registered on chain by their org admins', async () => {
    const done = await Promise.all(topology.peerOrgs.map((org) => registerDemoPeople(paths, org)));
    const fresh = done.flatMap((d) => d.registered);
    if (fresh.length > 0) console.log(`[medledger] registered ${fresh.join(', ')}`);
  });
  return info;
}

/**
 * Registers the org's gateway's registrar at its CA (which must run), the bench loader on a benchmark
 * network, and enrolls the org's demo people; returns the people enrolled. A person who could not be
 * enrolled fails it, named ({@link enrollDemoUsers}), after everything else was done.
 */
export function enrollOrgPeople(ctx: NetworkContext, org: PeerOrg): string[] {
  const { install, paths } = ctx;
  registerGatewayRegistrar(install, paths, org);
  if (ctx.benchLoader && hasBenchLoader(org)) enrollBenchLoader(install, paths, org);
  else forgetBenchLoader(paths, org);
  enrollDemoUsers(install, paths, org);
  return enrolledUsers(paths, org);
}

/**
 * The people of a deployment whose services already run (containers), after the chaincode and the
 * consortium are deployed: per org, its people enrolled from its running CA and its gateway's registrar
 * registered there ({@link enrollOrgPeople}, with the CA's bootstrap identity from `cas/<org>/`), put
 * into its gateway's wallet (the folder the gateway's container mounts), then, once the gateway
 * answers `/healthz`, registered on chain by the org's admin through it. A gateway container exits
 * and is restarted until its registrar is registered and its service identity is in its wallet, hence
 * the wait (`timeoutMs`). Returns the people enrolled, by org name.
 *
 * A person the CA does not enroll stops nobody else: every other person still ends in their org's
 * wallet, and the orgs whose people are all enrolled are registered on chain; then it throws one error
 * naming each such person and their org (never a secret). Run again, it enrolls only who is missing:
 * people already enrolled, in a wallet or on chain are left as they are. `gatewayUrl` is for tests.
 */
export async function enrollDeployedPeople(
  ctx: NetworkContext,
  options: { readonly timeoutMs?: number; readonly gatewayUrl?: (org: PeerOrg) => string } = {},
): Promise<Record<string, string[]>> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const users: Record<string, string[]> = {};
  const failures: string[] = [];
  for (const org of ctx.topology.peerOrgs) {
    try {
      users[org.name] = enrollOrgPeople(ctx, org);
    } catch (err) {
      failures.push(`${org.name}: ${(err as Error).message}`);
    }
    await importDemoUsers(ctx.paths, org);
  }
  await Promise.all(
    ctx.topology.peerOrgs
      .filter((org) => org.name in users)
      .map(async (org) => {
        const gatewayUrl = options.gatewayUrl?.(org) ?? `http://${org.gateway.address}`;
        await waitFor(`${org.name}'s gateway at ${gatewayUrl}`, () => gatewayHealthy(gatewayUrl), timeoutMs);
        await registerDemoPeople(ctx.paths, org, { gatewayUrl });
      }),
  );
  if (failures.length > 0) {
    throw new Error(
      `not everyone could be enrolled (the others are in their wallets; run network:deploy again once the cause is fixed): ${failures.join(' | ')}`,
    );
  }
  return users;
}

/** Writes the org's gateway config, puts its people in the wallet and starts (or reuses) its gateway. */
export async function startOrgGateway(ctx: NetworkContext, org: PeerOrg): Promise<void> {
  const config = renderGatewayConfig(ctx.topology, ctx.paths, org);
  await importDemoUsers(ctx.paths, org);
  await startProcess(gatewayProcess(ctx.paths, org, config));
}

/** The people enrolled at each org's CA, by org name (what `network.json` lists). */
export function enrolledPeople(ctx: NetworkContext): Record<string, string[]> {
  return Object.fromEntries(ctx.topology.peerOrgs.map((org) => [org.name, enrolledUsers(ctx.paths, org)]));
}

/**
 * How many other peers `peer`'s gossip view of the channel holds, from its operations endpoint
 * (`gossip_membership_total_peers_known`); -1 when its metrics do not say yet.
 */
export async function gossipPeersKnown(ctx: NetworkContext, peer: PeerNode): Promise<number> {
  const pattern = new RegExp(
    `^gossip_membership_total_peers_known\\{channel="${ctx.topology.channel}"\\} (\\d+)`,
    'm',
  );
  const res = await httpsGet(
    `https://${peer.ip}:${String(peer.operationsPort)}/metrics`,
    peerAdminTls(ctx, peer.org),
  );
  return Number(pattern.exec(res.body)?.[1] ?? -1);
}

/**
 * Waits until every running peer's gossip view of the channel holds exactly the other running peers:
 * with none `down` (by short name), every peer in every view. Until then the Fabric Gateway of one org
 * cannot route an endorsement or an evaluation to another org's peer (a content read across hospitals,
 * for one), so a "ready" network must include it. With peers `down`, it waits until the others have
 * noticed their outage (the fault tests: docs/operations.md, "A peer back from a crash").
 */
export async function waitForGossip(
  ctx: NetworkContext,
  timeoutMs = 60_000,
  down: readonly string[] = [],
): Promise<void> {
  const running = allPeers(ctx.topology).filter((peer) => !down.includes(peer.shortName));
  await Promise.all(
    running.map((peer) =>
      waitFor(
        `${peer.name} to see the ${String(running.length - 1)} other running peers`,
        async () => (await gossipPeersKnown(ctx, peer)) === running.length - 1,
        timeoutMs,
      ),
    ),
  );
}

/** Every process of the network, in the order they are stopped (clients of others first). */
export function allProcessNames(topology: Topology): string[] {
  return processTiers(topology).flat();
}

/**
 * The network's processes in the order they stop: the callers of each tier before the servers they
 * call (gateways, then peers, chaincode servers, CAs and orderers).
 */
function processTiers(topology: Topology): string[][] {
  return [
    topology.peerOrgs.map((org) => `gateway-${org.slug}`),
    allPeers(topology).map((p) => p.shortName),
    topology.peerOrgs.map((org) => `chaincode-${org.slug}`),
    topology.peerOrgs.map((org) => `ca-${org.slug}`),
    topology.ordererOrg.nodes.map((n) => n.shortName),
  ];
}

/**
 * Stops every process the network started (those with a pid file), a tier at a time and the processes
 * of a tier together, and, on isolated hosts, then removes the namespaces, links, bridge and hosts
 * files. Returns what it stopped and removed.
 */
export async function stopNetwork(topology: Topology, paths: StatePaths): Promise<string[]> {
  const stopped: string[] = [];
  // An upgrade that did not finish may leave the next package's servers running beside the others.
  const next = topology.peerOrgs.map((org) => chaincodeServerName(org, { next: true }));
  for (const tier of [next, ...processTiers(topology)]) {
    const running = await Promise.all(tier.map((name) => stopProcess(paths.pidFile(name))));
    stopped.push(...tier.filter((_, i) => running[i]));
  }
  if (topology.options.hosts === 'isolated') stopped.push(...tearDownIsolatedHosts(topology));
  return stopped;
}

/** Which processes run, by name. */
export function processStatus(topology: Topology, paths: StatePaths): { name: string; pid?: number }[] {
  return allProcessNames(topology).map((name) => {
    const pid = runningPid(paths.pidFile(name));
    return pid === undefined ? { name } : { name, pid };
  });
}

/** Stops everything and removes all generated state. */
export async function cleanNetwork(topology: Topology, paths: StatePaths): Promise<void> {
  await stopNetwork(topology, paths);
  rmSync(paths.root, { recursive: true, force: true });
}
