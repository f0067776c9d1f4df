/**
 * The consortium as data. Every config file, process and port of the local network is derived from
 * this description, so adding a fifth hospital or a second peer is a change here and nowhere else.
 */
import { orgKindOf, PROPOSAL_TIME_WINDOW_SECONDS, regulatorOf } from '@medledger/domain';

/** A peer-running organization (hospital, research institute, regulator, insurer). */
export interface PeerOrgSpec {
  /** Short name used in paths, process names and the REST gateway (e.g. `Hospital1`). */
  readonly name: string;
  readonly mspId: string;
  /**
   * DNS domain of the org's hosts: `peer0.<domain>`, `fabric-ca.<domain>`, `chaincode.<domain>`,
   * `gateway.<domain>`. Every certificate carries these names; on isolated hosts and in containers
   * every address the services dial is one.
   */
  readonly domain: string;
  /** What kind of member this is; decides which demo users are enrolled. */
  readonly kind: 'hospital' | 'research' | 'regulator' | 'insurer';
  /** Number of peers this org runs (peer0, peer1, ...). */
  readonly peers: number;
}

/** The ordering organization and its nodes. */
export interface OrdererOrgSpec {
  readonly name: string;
  readonly mspId: string;
  readonly domain: string;
  /**
   * Number of orderers (orderer0, orderer1, ...) for each ordering protocol. Raft tolerates f crashed
   * nodes with 2f+1; BFT tolerates f nodes that crash or lie with 3f+1 (four nodes for f = 1).
   */
  readonly orderers: { readonly raft: number; readonly bft: number };
}

/** The chaincode definition approved by every org. */
export interface ChaincodeSpec {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  /**
   * Signature policy of the definition. Two orgs must endorse every public write, so no single
   * member can change shared state on its own.
   */
  readonly endorsementPolicy: string;
  /**
   * Which of the org's two chaincode server ports serves the committed package (0: the block's +3,
   * 1: +4). An upgrade starts the new package's servers on the other port while the old ones still
   * serve, so both run until the new definition is committed (docs/operations.md, upgrades).
   */
  readonly serverSlot: 0 | 1;
}

/**
 * Ordering parameters. BatchTimeout is tuned for the latency a clinician feels: every write waits for
 * its block, and with Fabric's default of 2 s a lightly loaded network would hold each transaction for
 * up to 2 s. At the seed's peak (12 interactions a second, two of them commits apiece for anchors and
 * content reads) blocks hold one or two transactions whatever the timeout, so the timeout is added to
 * every commit: 10 ms brought that load's p99 from 282 to 191 ms against 50 ms, for the same CPU per
 * interaction (bench/results/lever-batch-mix.md). The price is at saturation, where a longer timeout
 * lets more transactions share a block's signatures, fsyncs and deliveries: 50 ms spends 26 % less CPU
 * per empty transaction and carries 37 % more of them on a 2-core host; `network ordering
 * --batch-timeout` changes it on a running channel. MaxMessageCount caps how long a busy batch can
 * grow. The same batch size applies to BFT, whose orderers take their batch count and bytes from it.
 */
export interface OrderingSpec {
  readonly batchTimeout: string;
  readonly maxMessageCount: number;
  readonly absoluteMaxBytes: string;
  readonly preferredMaxBytes: string;
  readonly raft: RaftSpec;
  readonly bft: BftSpec;
}

/**
 * etcdraft options. Fabric's 500 ms tick makes a leader election take 5 s; on one host (or one data
 * centre) a 100 ms tick with an election after 10 ticks detects a dead leader in about 1 s.
 */
export interface RaftSpec {
  readonly tickInterval: string;
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly maxInflightBlocks: number;
  readonly snapshotIntervalSize: string;
}

/**
 * SmartBFT options (Fabric 3's BFT orderer), chosen for the same goal as the Raft ones: a short wait
 * for a lightly loaded network, and a dead or cut-off leader replaced within a few seconds instead of
 * Fabric's defaults (a leader silent for up to 1 min, a view change that waits 20 s). What each value
 * is and why it was chosen: docs/ordering.md.
 */
export interface BftSpec {
  /** Longest wait before a non-full batch is proposed: the BFT counterpart of BatchTimeout. */
  readonly requestBatchMaxInterval: string;
  /** Requests a node keeps pending; at least twice MaxMessageCount, as Fabric recommends. */
  readonly requestPoolSize: number;
  readonly requestForwardTimeout: string;
  readonly requestComplainTimeout: string;
  readonly requestAutoRemoveTimeout: string;
  readonly viewChangeResendInterval: string;
  readonly viewChangeTimeout: string;
  /** A leader silent this long is complained about (and replaced once f+1 nodes complain). */
  readonly leaderHeartbeatTimeout: string;
  /** Heartbeats per `leaderHeartbeatTimeout`. */
  readonly leaderHeartbeatCount: number;
  readonly collectTimeout: string;
  readonly incomingMessageBufferSize: number;
  /** A restarted node catches up with the others before it takes part again. */
  readonly syncOnStart: boolean;
  readonly speedUpViewChange: boolean;
  /**
   * The peers' `deliveryclient.blockCensorshipTimeoutKey`: how long a peer waits for blocks from its
   * orderer while other orderers' headers say there are newer ones, before it changes orderer.
   */
  readonly peerCensorshipTimeout: string;
}

export interface TopologySpec {
  readonly channel: string;
  readonly ordererOrg: OrdererOrgSpec;
  readonly peerOrgs: readonly PeerOrgSpec[];
  readonly chaincode: ChaincodeSpec;
  readonly ordering: OrderingSpec;
  /**
   * Every peer's `peer.authentication.timewindow`, seconds: how far a proposal's timestamp (chosen by its
   * signer) may be from the peer's clock. Fabric's default is 15 min, and every expiry the chaincode
   * checks uses that timestamp, so a signer could read or write with a grant, consent or signed payload
   * up to 15 min past its expiry. The peer checks it on every proposal it endorses or evaluates, those
   * the Fabric Gateway forwards included (test/src/insiders/time.test.ts). Why 30 s: see
   * `PROPOSAL_TIME_WINDOW_SECONDS`.
   */
  readonly proposalTimeWindowSeconds: number;
  /**
   * The crypto profile InitConsortium records on chain: `international` (ES256, SHA-256, AES-256-GCM)
   * or `sm` (SM2 with SM3, SM3, SM4-GCM). Content hashes, patient key types and the cipher of content
   * at rest follow it; `MEDLEDGER_CRYPTO_PROFILE` overrides it ({@link topologySpecFromEnv}).
   */
  readonly cryptoProfile: 'international' | 'sm';
  /**
   * The peers' `chaincode.runtimeParams` (Fabric 3.1): the chaincode sends a transaction's writes in
   * WRITE_BATCH_STATE messages of at most this many records, and reads several keys in one
   * GET_STATE_MULTIPLE message of at most this many keys, instead of one message per write or key; 0
   * turns both off (one message each, as before Fabric 3.1). The Node shim does it through the patch in
   * `patches/` (docs/performance.md, chaincode messages). `MEDLEDGER_SHIM_BATCH` overrides it.
   */
  readonly shimBatchSize: number;
}

/** The MedLedger consortium (docs/architecture.md, the consortium). */
export const defaultTopologySpec: TopologySpec = {
  channel: 'medchannel',
  ordererOrg: {
    name: 'Orderer',
    mspId: 'OrdererMSP',
    domain: 'orderer.medledger.local',
    orderers: { raft: 3, bft: 4 },
  },
  peerOrgs: [
    {
      name: 'Hospital1',
      mspId: 'Hospital1MSP',
      domain: 'hospital1.medledger.local',
      kind: 'hospital',
      peers: 1,
    },
    {
      name: 'Hospital2',
      mspId: 'Hospital2MSP',
      domain: 'hospital2.medledger.local',
      kind: 'hospital',
      peers: 1,
    },
    {
      name: 'Research',
      mspId: 'ResearchMSP',
      domain: 'research.medledger.local',
      kind: 'research',
      peers: 1,
    },
    {
      name: 'Regulator',
      mspId: 'RegulatorMSP',
      domain: 'regulator.medledger.local',
      kind: 'regulator',
      peers: 1,
    },
    {
      name: 'Insurer',
      mspId: 'InsurerMSP',
      domain: 'insurer.medledger.local',
      kind: 'insurer',
      peers: 1,
    },
    // The third hospital of the multi-center story (docs/research.md). Last, so the port blocks of the
    // first five orgs stay where they were (org k owns base + 100(k + 1)): Hospital3 owns base + 600.
    {
      name: 'Hospital3',
      mspId: 'Hospital3MSP',
      domain: 'hospital3.medledger.local',
      kind: 'hospital',
      peers: 1,
    },
  ],
  chaincode: {
    name: 'medledger',
    version: '0.1.0',
    sequence: 1,
    endorsementPolicy: '', // filled in by resolveTopology: OutOf(2, every org's peer)
    serverSlot: 0,
  },
  ordering: {
    batchTimeout: '10ms',
    maxMessageCount: 500,
    absoluteMaxBytes: '10 MB',
    preferredMaxBytes: '2 MB',
    raft: {
      tickInterval: '100ms',
      electionTick: 10,
      heartbeatTick: 1,
      maxInflightBlocks: 5,
      snapshotIntervalSize: '16 MB',
    },
    bft: {
      requestBatchMaxInterval: '20ms',
      requestPoolSize: 2000,
      requestForwardTimeout: '2s',
      requestComplainTimeout: '6s',
      requestAutoRemoveTimeout: '3m',
      viewChangeResendInterval: '1s',
      viewChangeTimeout: '5s',
      leaderHeartbeatTimeout: '5s',
      leaderHeartbeatCount: 10,
      collectTimeout: '1s',
      incomingMessageBufferSize: 200,
      syncOnStart: true,
      speedUpViewChange: false,
      peerCensorshipTimeout: '5s',
    },
  },
  proposalTimeWindowSeconds: PROPOSAL_TIME_WINDOW_SECONDS,
  cryptoProfile: 'international',
  // Fabric's own default; the loader's 500 events are 2,000 writes, so two messages.
  shimBatchSize: 1000,
};

/**
 * The default topology with the crypto profile of `MEDLEDGER_CRYPTO_PROFILE` and the shim batch size of
 * `MEDLEDGER_SHIM_BATCH` (an integer from 0, which turns batching off) when set.
 */
export function topologySpecFromEnv(env: NodeJS.ProcessEnv = process.env): TopologySpec {
  let spec = defaultTopologySpec;
  const raw = env.MEDLEDGER_CRYPTO_PROFILE;
  if (raw !== undefined && raw !== '') {
    if (raw !== 'international' && raw !== 'sm')
      throw new Error(`MEDLEDGER_CRYPTO_PROFILE must be international or sm, got ${JSON.stringify(raw)}`);
    spec = { ...spec, cryptoProfile: raw };
  }
  const batch = env.MEDLEDGER_SHIM_BATCH?.trim();
  if (batch !== undefined && batch !== '') {
    if (!/^\d{1,6}$/.test(batch))
      throw new Error(`MEDLEDGER_SHIM_BATCH must be an integer from 0, got ${JSON.stringify(batch)}`);
    spec = { ...spec, shimBatchSize: Number(batch) };
  }
  return spec;
}

/**
 * How the network is run, chosen when its state is first generated and recorded there (every later
 * command reads it back; see `network.ts`).
 *
 * - `ordering`: `raft` (etcdraft, the default) or `bft` (Fabric 3's SmartBFT). Environment:
 *   `MEDLEDGER_ORDERER=raft|bft`.
 * - `hosts`: how services find each other.
 *   - `loopback` (the default): every process on 127.0.0.1, every address 127.0.0.1:port.
 *   - `isolated`: every address a service dials is a host name; the native network runs each org, and
 *     the orderers, in a Linux network namespace of its own with its own address, where the names
 *     resolve through a hosts file per namespace (`hosts.ts`). Environment: `MEDLEDGER_ISOLATED_HOSTS=1`
 *     (or `MEDLEDGER_HOSTS=isolated`).
 *   - `containers`: the state `docker-compose.yaml` runs on: every address a service dials is a host
 *     name (a network alias of its service), and the tools on this machine reach the services through
 *     ports published on 127.0.0.1. `MEDLEDGER_HOSTS=containers npm run network:generate`; the native
 *     `npm start` refuses it.
 */
export interface TopologyOptions {
  readonly ordering: 'raft' | 'bft';
  readonly hosts: 'loopback' | 'isolated' | 'containers';
}

const HOSTS_MODES: readonly TopologyOptions['hosts'][] = ['loopback', 'isolated', 'containers'];

export const DEFAULT_TOPOLOGY_OPTIONS: TopologyOptions = { ordering: 'raft', hosts: 'loopback' };

/**
 * How a service is reached. Other services of the consortium dial `endpoint` (its host name on isolated
 * hosts, 127.0.0.1 on loopback), the tools on this machine (CLI, readiness checks, tests) dial
 * `address` (its IP address), and the process binds `listenHost`. Its TLS certificate names `host` and
 * carries the IP address too, so both verify.
 */
export interface Reachable {
  readonly host: string;
  readonly ip: string;
  readonly port: number;
  /** The host part of `endpoint`. */
  readonly dialHost: string;
  readonly endpoint: string;
  readonly address: string;
}

/** One peer process with its ports. */
export interface PeerNode extends Reachable {
  readonly name: string; // peer0.hospital1.medledger.local (its host)
  readonly shortName: string; // peer0-hospital1
  readonly org: PeerOrg;
  readonly index: number;
  readonly chaincodePort: number;
  readonly operationsPort: number;
  /** Go's pprof, served only when profiling is asked for (`tuning.ts`). */
  readonly profilePort: number;
}

export interface PeerOrg extends PeerOrgSpec {
  readonly slug: string;
  /** The org's IP address: every process of the org binds it (127.0.0.1 on loopback). */
  readonly ip: string;
  /** Where the org's processes listen: 127.0.0.1 on loopback, every address of the org's namespace otherwise. */
  readonly listenHost: string;
  /** The Linux network namespace the org's processes run in, on isolated hosts. */
  readonly namespace: string | undefined;
  readonly caPort: number;
  readonly caOperationsPort: number;
  readonly gatewayPort: number;
  readonly chaincodeServerPort: number;
  readonly ca: Reachable;
  readonly chaincodeServer: Reachable;
  readonly gateway: Reachable;
  readonly peerNodes: readonly PeerNode[];
}

export interface OrdererNode extends Reachable {
  readonly name: string; // orderer0.orderer.medledger.local (its host)
  readonly shortName: string; // orderer0
  readonly index: number;
  /** The node's id in a BFT consenter mapping (index + 1; BFT ids start at 1). */
  readonly consenterId: number;
  readonly adminPort: number;
  readonly operationsPort: number;
  /** Go's pprof, served only when profiling is asked for (`tuning.ts`). */
  readonly profilePort: number;
}

/** The topology with every port and name resolved. */
export interface Topology {
  readonly basePort: number;
  readonly options: TopologyOptions;
  /** Fabric's `OrdererType`: `etcdraft` or `BFT`. */
  readonly ordererType: 'etcdraft' | 'BFT';
  readonly channel: string;
  readonly ordererOrg: Omit<OrdererOrgSpec, 'orderers'> & {
    readonly slug: string;
    /** Where the orderers listen (see `PeerOrg.listenHost`). */
    readonly listenHost: string;
    /** The Linux network namespace the orderers run in, on isolated hosts. */
    readonly namespace: string | undefined;
    readonly nodes: readonly OrdererNode[];
  };
  readonly peerOrgs: readonly PeerOrg[];
  readonly chaincode: ChaincodeSpec;
  readonly ordering: OrderingSpec;
  readonly proposalTimeWindowSeconds: number;
  readonly cryptoProfile: 'international' | 'sm';
  readonly shimBatchSize: number;
}

export const DEFAULT_BASE_PORT = 17000;
/** Ports used per org block; orgs are 100 ports apart, peers within an org 10 apart. */
const ORG_BLOCK = 100;
const PEER_BLOCK = 10;

export function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** `OutOf(2, ...)` over every org's peer role. */
export function twoOrgPolicy(orgs: readonly { mspId: string }[]): string {
  return `OutOf(2, ${orgs.map((o) => `'${o.mspId}.peer'`).join(', ')})`;
}

/**
 * How many ports a network of `spec` takes from its base port: the orderers' block and one block per
 * peer org (700 for the six orgs of the default consortium). Two networks side by side need base
 * ports at least this far apart; an org admitted later takes the next block, so leave room for it.
 */
export function portSpan(spec: TopologySpec): number {
  return ORG_BLOCK * (spec.peerOrgs.length + 1);
}

/**
 * The /24 of an isolated network, from its base port so two networks side by side (base ports at
 * least `portSpan` apart) get different subnets: `10.77.<(base / 100) mod 256>.0/24`. The host's end of
 * the bridge is `.1`, the orderers' namespace `.2`, peer org k's namespace `.(10 + k)`.
 */
export function isolatedSubnet(basePort: number): { prefix: string; bridgeIp: string } {
  const prefix = `10.77.${String(Math.floor(basePort / 100) % 256)}`;
  return { prefix, bridgeIp: `${prefix}.1` };
}

/** The network namespace of one org (or `orderers`) of the network on `basePort`. */
function namespaceName(basePort: number, slug: string): string {
  return `medledger-${String(basePort)}-${slug}`;
}

/** Host names of an org's services besides its peers (cryptogen node names, TLS server names). */
export const ORG_SERVICE_HOSTS = {
  /** TLS server identity of the org's chaincode server. */
  chaincode: 'chaincode',
  /** TLS client identity the org's peers present to its chaincode server. */
  chaincodeClient: 'ccclient',
  /** TLS client identity of the org's REST gateway (to peers and to its CA), and the gateway's host. */
  gateway: 'gateway',
  /** TLS server identity of the org's Fabric CA. */
  ca: 'fabric-ca',
} as const;

/**
 * Resolves names, addresses and ports. Orderers take `base .. base+99` (10 ports each); peer org k takes
 * the block `base + 100*(k+1)`: CA at +0, CA operations +1, REST gateway +2, chaincode server +3 (or
 * +4, see `ChaincodeSpec.serverSlot`), and peer p at `+10*(p+1)` (listen +0, chaincode +1,
 * operations +2, pprof +3). An orderer's block is listen +0, admin +1, operations +2, pprof +3.
 */
export function resolveTopology(
  spec: TopologySpec,
  basePort: number,
  options: TopologyOptions = DEFAULT_TOPOLOGY_OPTIONS,
): Topology {
  // The chaincode reads an org's kind from its MSP ID, and the sealed collections need one regulator.
  for (const org of spec.peerOrgs) {
    if (orgKindOf(org.mspId) !== org.kind) {
      throw new Error(`${org.mspId} is named as a ${orgKindOf(org.mspId)} org but declared ${org.kind}`);
    }
  }
  regulatorOf(spec.peerOrgs.map((o) => o.mspId));
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort + portSpan(spec) > 65535) {
    throw new Error(`base port ${basePort} leaves no room for ${spec.peerOrgs.length} orgs`);
  }
  const isolated = options.hosts === 'isolated';
  const named = options.hosts !== 'loopback';
  const { prefix } = isolatedSubnet(basePort);
  const listenHost = named ? '0.0.0.0' : '127.0.0.1';
  const reachable = (host: string, ip: string, port: number): Reachable => {
    const dialHost = named ? host : ip;
    return {
      host,
      ip,
      port,
      dialHost,
      endpoint: `${dialHost}:${String(port)}`,
      address: `${ip}:${String(port)}`,
    };
  };
  const ordererIp = isolated ? `${prefix}.2` : '127.0.0.1';
  const nodes: OrdererNode[] = [];
  const ordererCount = spec.ordererOrg.orderers[options.ordering];
  for (let i = 0; i < ordererCount; i++) {
    const port = basePort + PEER_BLOCK * i;
    const name = `orderer${i}.${spec.ordererOrg.domain}`;
    nodes.push({
      ...reachable(name, ordererIp, port),
      name,
      shortName: `orderer${i}`,
      index: i,
      consenterId: i + 1,
      adminPort: port + 1,
      operationsPort: port + 2,
      profilePort: port + 3,
    });
  }
  const peerOrgs = spec.peerOrgs.map((orgSpec, k): PeerOrg => {
    const orgBase = basePort + ORG_BLOCK * (k + 1);
    const slug = slugOf(orgSpec.name);
    const ip = isolated ? `${prefix}.${String(10 + k)}` : '127.0.0.1';
    const service = (host: string, port: number) => reachable(`${host}.${orgSpec.domain}`, ip, port);
    const peerNodes: PeerNode[] = [];
    const org: PeerOrg = {
      ...orgSpec,
      slug,
      ip,
      listenHost,
      namespace: isolated ? namespaceName(basePort, slug) : undefined,
      caPort: orgBase,
      caOperationsPort: orgBase + 1,
      gatewayPort: orgBase + 2,
      chaincodeServerPort: orgBase + 3 + spec.chaincode.serverSlot,
      ca: service(ORG_SERVICE_HOSTS.ca, orgBase),
      gateway: service(ORG_SERVICE_HOSTS.gateway, orgBase + 2),
      chaincodeServer: service(ORG_SERVICE_HOSTS.chaincode, orgBase + 3 + spec.chaincode.serverSlot),
      peerNodes,
    };
    for (let p = 0; p < orgSpec.peers; p++) {
      const port = orgBase + PEER_BLOCK * (p + 1);
      const name = `peer${p}.${orgSpec.domain}`;
      peerNodes.push({
        ...reachable(name, ip, port),
        name,
        shortName: `peer${p}-${slug}`,
        org,
        index: p,
        chaincodePort: port + 1,
        operationsPort: port + 2,
        profilePort: port + 3,
      });
    }
    return org;
  });
  const chaincode = spec.chaincode.endorsementPolicy
    ? spec.chaincode
    : { ...spec.chaincode, endorsementPolicy: twoOrgPolicy(spec.peerOrgs) };
  return {
    basePort,
    options,
    ordererType: options.ordering === 'bft' ? 'BFT' : 'etcdraft',
    channel: spec.channel,
    ordererOrg: {
      name: spec.ordererOrg.name,
      mspId: spec.ordererOrg.mspId,
      domain: spec.ordererOrg.domain,
      slug: slugOf(spec.ordererOrg.name),
      listenHost,
      namespace: isolated ? namespaceName(basePort, 'orderers') : undefined,
      nodes,
    },
    peerOrgs,
    chaincode,
    ordering: spec.ordering,
    proposalTimeWindowSeconds: spec.proposalTimeWindowSeconds,
    cryptoProfile: spec.cryptoProfile,
    shimBatchSize: spec.shimBatchSize,
  };
}

/**
 * The options asked for in the environment, or undefined where nothing is asked (the recorded or
 * default value applies): `MEDLEDGER_ORDERER=raft|bft`, `MEDLEDGER_ISOLATED_HOSTS=1|0`,
 * `MEDLEDGER_HOSTS=loopback|isolated|containers`.
 */
export function topologyOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<TopologyOptions> {
  const asked: { ordering?: TopologyOptions['ordering']; hosts?: TopologyOptions['hosts'] } = {};
  const ordering = env.MEDLEDGER_ORDERER?.trim().toLowerCase();
  if (ordering !== undefined && ordering !== '') {
    if (ordering !== 'raft' && ordering !== 'bft')
      throw new Error(`MEDLEDGER_ORDERER must be raft or bft, got ${JSON.stringify(env.MEDLEDGER_ORDERER)}`);
    asked.ordering = ordering;
  }
  const isolated = env.MEDLEDGER_ISOLATED_HOSTS?.trim();
  if (isolated !== undefined && isolated !== '') {
    if (isolated !== '1' && isolated !== '0')
      throw new Error(
        `MEDLEDGER_ISOLATED_HOSTS must be 1 or 0, got ${JSON.stringify(env.MEDLEDGER_ISOLATED_HOSTS)}`,
      );
    asked.hosts = isolated === '1' ? 'isolated' : 'loopback';
  }
  const hosts = env.MEDLEDGER_HOSTS?.trim().toLowerCase();
  if (hosts !== undefined && hosts !== '') {
    const mode = HOSTS_MODES.find((m) => m === hosts);
    if (mode === undefined)
      throw new Error(
        `MEDLEDGER_HOSTS must be one of ${HOSTS_MODES.join(', ')}, got ${JSON.stringify(env.MEDLEDGER_HOSTS)}`,
      );
    if (asked.hosts !== undefined && asked.hosts !== mode)
      throw new Error(`MEDLEDGER_HOSTS=${mode} contradicts MEDLEDGER_ISOLATED_HOSTS=${String(isolated)}`);
    asked.hosts = mode;
  }
  return asked;
}

/** Options read back from a file, or undefined when it holds something else. */
export function parseTopologyOptions(raw: unknown): TopologyOptions | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { ordering, hosts } = raw as Record<string, unknown>;
  const o = ordering === 'raft' || ordering === 'bft' ? ordering : undefined;
  const h = HOSTS_MODES.find((m) => m === hosts);
  return o === undefined || h === undefined ? undefined : { ordering: o, hosts: h };
}

/**
 * The options of a network whose state recorded `recorded` (undefined: nothing generated yet) when
 * the environment asks for `asked`: the recorded ones, since certificates and the genesis block were
 * made for them; asking for others is an error that says how to start afresh.
 */
export function settleTopologyOptions(
  recorded: TopologyOptions | undefined,
  asked: Partial<TopologyOptions>,
  where: string,
): TopologyOptions {
  if (recorded === undefined) return { ...DEFAULT_TOPOLOGY_OPTIONS, ...asked };
  const clash = (['ordering', 'hosts'] as const).filter(
    (key) => asked[key] !== undefined && asked[key] !== recorded[key],
  );
  if (clash.length > 0) {
    const was = `ordering ${recorded.ordering}, hosts ${recorded.hosts}`;
    throw new Error(
      `the network in ${where} was generated with ${was}; its certificates and genesis block cannot serve ${clash.map((k) => `${k} ${String(asked[k])}`).join(', ')}. Run \`npm run network:clean\` first, or use another MEDLEDGER_HOME (and MEDLEDGER_BASE_PORT).`,
    );
  }
  return recorded;
}

/** Every peer of every org, in topology order. */
export function allPeers(topology: Topology): PeerNode[] {
  return topology.peerOrgs.flatMap((org) => [...org.peerNodes]);
}

/** Reads the base port from `MEDLEDGER_BASE_PORT`, so two networks can run side by side. */
export function basePortFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MEDLEDGER_BASE_PORT;
  if (raw === undefined || raw === '') return DEFAULT_BASE_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port))
    throw new Error(`MEDLEDGER_BASE_PORT must be an integer, got ${JSON.stringify(raw)}`);
  return port;
}

/** The demo users enrolled from each org's CA at network start: one person per role of the org. */
export function demoUsers(org: PeerOrgSpec): { id: string; role: string; department?: string }[] {
  const slug = slugOf(org.name);
  switch (org.kind) {
    case 'hospital':
      return [
        { id: `${slug}-admin`, role: 'admin' },
        { id: `${slug}-attending-1`, role: 'attending', department: 'cardiology' },
        { id: `${slug}-intern-1`, role: 'intern', department: 'cardiology' },
        { id: `${slug}-nurse-1`, role: 'nurse', department: 'oncology' },
        { id: `${slug}-ethics-1`, role: 'ethics' },
      ];
    case 'research':
      return [
        { id: `${slug}-admin`, role: 'admin' },
        { id: `${slug}-researcher-1`, role: 'researcher' },
      ];
    case 'regulator':
      return [
        { id: `${slug}-admin`, role: 'admin' },
        { id: `${slug}-auditor-1`, role: 'auditor' },
      ];
    case 'insurer':
      return [
        { id: `${slug}-admin`, role: 'admin' },
        { id: `${slug}-adjuster-1`, role: 'adjuster' },
      ];
  }
}

/**
 * What the consortium decided after the network was generated, recorded in its state
 * (`governance.json`) so every later command (and `npm stop` / `npm start`) sees it: the orgs admitted
 * by a channel configuration update, in order of admission, and the chaincode definition committed
 * last.
 */
export interface GovernanceRecord {
  readonly admittedOrgs: readonly PeerOrgSpec[];
  readonly chaincode?: Pick<ChaincodeSpec, 'version' | 'sequence' | 'serverSlot'>;
}

export const EMPTY_GOVERNANCE: GovernanceRecord = { admittedOrgs: [] };

/**
 * The spec with what governance decided: admitted orgs after the generated ones (so existing orgs keep
 * their port blocks), the recorded chaincode version, sequence and server slot. The endorsement policy
 * is cleared when orgs were admitted, so it is derived again over every org.
 */
export function withGovernance(spec: TopologySpec, record: GovernanceRecord): TopologySpec {
  const known = new Set(spec.peerOrgs.flatMap((o) => [o.name, o.mspId]));
  const admitted = record.admittedOrgs.filter((o) => !known.has(o.name) && !known.has(o.mspId));
  return {
    ...spec,
    peerOrgs: [...spec.peerOrgs, ...admitted],
    chaincode: {
      ...spec.chaincode,
      ...(record.chaincode ?? {}),
      endorsementPolicy: admitted.length > 0 ? '' : spec.chaincode.endorsementPolicy,
    },
  };
}

/** A governance record read back from a file; throws when it holds something else. */
export function parseGovernanceRecord(raw: unknown, where: string): GovernanceRecord {
  const bad = (what: string): never => {
    throw new Error(`${where} is not a governance record: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null) return bad('not an object');
  const { admittedOrgs, chaincode } = raw as Record<string, unknown>;
  if (!Array.isArray(admittedOrgs)) return bad('admittedOrgs');
  const orgs = admittedOrgs.map((o: unknown): PeerOrgSpec => {
    const org = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
    const { name, mspId, domain, kind, peers } = org;
    if (
      typeof name !== 'string' ||
      typeof mspId !== 'string' ||
      typeof domain !== 'string' ||
      orgKindOf(mspId) !== kind ||
      kind === 'other' ||
      !Number.isInteger(peers)
    )
      return bad(`org ${JSON.stringify(o)}`);
    return { name, mspId, domain, kind: peerOrgKind(mspId), peers: peers as number };
  });
  if (chaincode === undefined) return { admittedOrgs: orgs };
  const cc = (typeof chaincode === 'object' && chaincode !== null ? chaincode : {}) as Record<
    string,
    unknown
  >;
  const { version, sequence, serverSlot } = cc;
  if (typeof version !== 'string' || !Number.isInteger(sequence) || (serverSlot !== 0 && serverSlot !== 1))
    return bad(`chaincode ${JSON.stringify(chaincode)}`);
  return { admittedOrgs: orgs, chaincode: { version, sequence: sequence as number, serverSlot } };
}

/**
 * The kind of a peer org from its MSP ID, as the chaincode reads it (`orgKindOf`); throws for a name
 * the chaincode reads as no kind of member. Every kind the domain knows can be admitted.
 */
export function peerOrgKind(mspId: string): PeerOrgSpec['kind'] {
  const kind = orgKindOf(mspId);
  if (kind === 'other') throw new Error(`the chaincode reads ${mspId} as no kind of member`);
  return kind;
}

/**
 * The spec of an org to admit, from its name and kind: MSP ID `<Name>MSP`, domain
 * `<slug>.medledger.local` (the pattern of the generated orgs), as many peers as each member runs
 * (one when they run different numbers). Throws when the name is taken, is not a name the chaincode
 * reads as that kind, or would make a second regulator.
 */
export function admittedOrgSpec(
  spec: TopologySpec,
  name: string,
  kind: string,
  peers = peersOfEveryMember(spec),
): PeerOrgSpec {
  if (!/^[A-Z][A-Za-z0-9]{0,30}$/.test(name))
    throw new Error(`--name must be letters and digits starting with a capital, got ${JSON.stringify(name)}`);
  const mspId = `${name}MSP`;
  if (orgKindOf(mspId) !== kind)
    throw new Error(
      `the chaincode reads an org's kind from its MSP ID (${mspId}: ${orgKindOf(mspId)}), and --kind says ${kind}: name a ${kind} org after its kind (e.g. ${kind[0]?.toUpperCase() ?? ''}${kind.slice(1)}3)`,
    );
  const orgKind = peerOrgKind(mspId);
  const slug = slugOf(name);
  const clash = spec.peerOrgs.find((o) => o.mspId === mspId || slugOf(o.name) === slug);
  if (clash !== undefined) throw new Error(`${clash.name} (${clash.mspId}) is already a member`);
  regulatorOf([...spec.peerOrgs.map((o) => o.mspId), mspId]);
  const domain = `${slug}.${spec.peerOrgs[0]?.domain.split('.').slice(1).join('.') ?? 'medledger.local'}`;
  return { name, mspId, domain, kind: orgKind, peers };
}

/** The peers each member org of `spec` runs when they all run as many, else one. */
function peersOfEveryMember(spec: TopologySpec): number {
  const counts = new Set(spec.peerOrgs.map((o) => o.peers));
  const [only] = counts;
  return counts.size === 1 && only !== undefined ? only : 1;
}

/** The fewest peer orgs a consortium of the default's kinds has: two hospitals, research and the regulator. */
export const MIN_ORGS = 4;

/** The environment variable that sizes a new network's consortium (`consortiumOfSize`). */
export const ORGS_ENV = 'MEDLEDGER_ORGS';

/**
 * `spec` with `orgs` peer orgs, for measuring how the consortium grows. Fewer than it has keeps the
 * first `orgs` (the default's first four are the two hospitals, the research institute and the
 * regulator; five adds the insurer); more appends hospitals named after the next free number
 * (`Hospital4`, `Hospital5`, ...), each built like an admitted org (`admittedOrgSpec`) and given the next
 * port block, so every existing org keeps its ports. The chaincode reads a hospital from its MSP ID, so
 * a generated hospital takes part in every path that enumerates the custodians.
 */
export function consortiumOfSize(spec: TopologySpec, orgs: number): TopologySpec {
  if (!Number.isInteger(orgs) || orgs < MIN_ORGS)
    throw new Error(`a consortium needs at least ${String(MIN_ORGS)} orgs, got ${String(orgs)}`);
  if (orgs <= spec.peerOrgs.length) return { ...spec, peerOrgs: spec.peerOrgs.slice(0, orgs) };
  let grown: TopologySpec = spec;
  for (
    let n = spec.peerOrgs.filter((o) => o.kind === 'hospital').length + 1;
    grown.peerOrgs.length < orgs;
    n++
  )
    grown = {
      ...grown,
      peerOrgs: [...grown.peerOrgs, admittedOrgSpec(grown, `Hospital${String(n)}`, 'hospital')],
    };
  return grown;
}

/** The consortium size `MEDLEDGER_ORGS` asks for, or undefined when it asks for none. */
export function orgCountFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[ORGS_ENV]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < MIN_ORGS)
    throw new Error(
      `${ORGS_ENV} must be a whole number of orgs, at least ${String(MIN_ORGS)}; got ${JSON.stringify(raw)}`,
    );
  return Number(raw);
}

/**
 * The consortium size of a network whose state recorded `recorded` (undefined: not recorded, the
 * default's size once anything was generated, since state made before sizes were recorded has it) when
 * the environment asks for `asked`: the recorded size, since certificates and the genesis block were
 * made for its orgs; asking for another is an error that says how to start afresh.
 */
export function settleOrgCount(
  recorded: number | undefined,
  asked: number | undefined,
  generated: boolean,
  where: string,
  defaultCount = defaultTopologySpec.peerOrgs.length,
): number {
  const made = recorded ?? (generated ? defaultCount : undefined);
  if (made === undefined) return asked ?? defaultCount;
  if (asked !== undefined && asked !== made) throw generatedFor(where, `${String(made)} orgs`, asked);
  return made;
}

/**
 * As `settleOrgCount`, for the peers each org runs (`MEDLEDGER_PEERS`): undefined leaves every org
 * the peers the topology gives it, which is what state generated without a record was made with.
 */
export function settlePeersPerOrg(
  recorded: number | undefined,
  asked: number | undefined,
  generated: boolean,
  where: string,
): number | undefined {
  if (recorded === undefined && !generated) return asked;
  if (asked !== undefined && asked !== recorded)
    throw generatedFor(
      where,
      recorded === undefined ? "the topology's own peers per org" : `${String(recorded)} peers per org`,
      asked,
    );
  return recorded;
}

function generatedFor(where: string, made: string, asked: number): Error {
  return new Error(
    `the network in ${where} was generated with ${made}; its certificates and genesis block cannot serve ${String(asked)}. Run \`npm run network:clean\` first, or use another MEDLEDGER_HOME (and MEDLEDGER_BASE_PORT).`,
  );
}

/** The environment variable that sets how many peers every org of a new network runs. */
export const PEERS_ENV = 'MEDLEDGER_PEERS';

/**
 * The most peers per org `MEDLEDGER_PEERS` starts: each takes ten ports of its org's block (peer p at
 * +10(p+1), see `resolveTopology`), and more than four per org on one host measures nothing new.
 */
export const MAX_PEERS_PER_ORG = 4;

/** The peers per org `MEDLEDGER_PEERS` asks for, or undefined when it asks for none. */
export function peersPerOrgFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[PEERS_ENV]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PEERS_PER_ORG)
    throw new Error(
      `${PEERS_ENV} must be a whole number of peers per org from 1 to ${String(MAX_PEERS_PER_ORG)}; got ${JSON.stringify(raw)}`,
    );
  return Number(raw);
}

/**
 * `spec` with every org running `peers` peers (peer0, peer1, ...); undefined leaves it as it is. Each
 * peer endorses, validates and commits on its own and pulls blocks from the orderers; a peer of a
 * member org that did not endorse a write pulls its private data from one that did. Another org's
 * writes are endorsed by any live peer of this org, so a second peer keeps the org endorsing while one
 * is down.
 */
export function withPeersPerOrg(spec: TopologySpec, peers: number | undefined): TopologySpec {
  if (peers === undefined) return spec;
  return { ...spec, peerOrgs: spec.peerOrgs.map((o) => ({ ...o, peers })) };
}

/**
 * Base ports of networks that run beside the one on `basePort`, one per spec: each one span further,
 * the span being the widest of these networks and the default's (`portSpan`), so no port of one is a
 * port of another and their isolated subnets differ.
 */
export function sideBySideBasePorts(basePort: number, specs: readonly TopologySpec[]): number[] {
  const stride = Math.max(portSpan(defaultTopologySpec), ...specs.map(portSpan));
  return specs.map((_, i) => basePort + stride * (i + 1));
}

/**
 * The base port of a network of `orgs` peer orgs beside the one on `basePort` (of `spec`'s size): after
 * the caller's span, each size from the smallest up takes a span of its own, so a size always gets the
 * same ports whichever other sizes run with it (its orderers' addresses are in its genesis block).
 */
export function sizedBasePort(basePort: number, spec: TopologySpec, orgs: number): number {
  let port = basePort + portSpan(spec);
  for (let n = MIN_ORGS; n < orgs; n++) port += portSpan(consortiumOfSize(spec, n));
  return port;
}
