import { join } from 'node:path';
import { chaincodeCollections, collectionEndorsementPolicy, collectionMemberPolicy } from '@medledger/domain';
import { parse, stringify } from 'yaml';
import { memberPolicyPrincipals, type MemberPolicyName } from './config-update';
import type { StatePaths } from './paths';
import type { OrdererNode, PeerNode, PeerOrg, Topology } from './topology';
import { allPeers, ORG_SERVICE_HOSTS } from './topology';

/** A file to write: the renderers are pure so tests can inspect every generated file. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

/** What every certificate carries besides its host name, so tools on this machine can dial loopback. */
const LOOPBACK_SANS = ['127.0.0.1', 'localhost'];

export { ORG_SERVICE_HOSTS };

/**
 * The subject alternative names of a node's certificates: cryptogen adds the node's host name (and short
 * name) itself; these add loopback and, on isolated hosts, the address of the node's namespace, which
 * the tools on this machine dial.
 */
function sans(ip: string): string[] {
  return LOOPBACK_SANS.includes(ip) ? LOOPBACK_SANS : [...LOOPBACK_SANS, ip];
}

/** cryptogen's input: node certificates (MSP and TLS) for orderers, peers and org services. */
export function renderCryptoConfig(topology: Topology, paths: StatePaths): RenderedFile {
  const doc = {
    OrdererOrgs: [
      {
        Name: topology.ordererOrg.name,
        Domain: topology.ordererOrg.domain,
        EnableNodeOUs: true,
        Specs: topology.ordererOrg.nodes.map((n) => ({ Hostname: n.shortName, SANS: sans(n.ip) })),
      },
    ],
    PeerOrgs: topology.peerOrgs.map((org) => ({
      Name: org.name,
      Domain: org.domain,
      EnableNodeOUs: true,
      Template: { Count: org.peers, SANS: sans(org.ip) },
      Specs: Object.values(ORG_SERVICE_HOSTS).map((host) => ({ Hostname: host, SANS: sans(org.ip) })),
      Users: { Count: 0 },
    })),
  };
  return { path: join(paths.configDir, 'crypto-config.yaml'), content: stringify(doc) };
}

/** configtx.yaml's rule for member policy `name` over `mspIds`: `OR('<msp>.<role>', …)`, any one of them. */
function anyMemberOf(name: MemberPolicyName, mspIds: readonly string[]): string {
  return `OR(${memberPolicyPrincipals(name, mspIds)
    .map(({ mspId, role }) => `'${mspId}.${role}'`)
    .join(', ')})`;
}

function orgPolicies(mspId: string): Record<string, { Type: string; Rule: string }> {
  return {
    Readers: { Type: 'Signature', Rule: anyMemberOf('Readers', [mspId]) },
    Writers: { Type: 'Signature', Rule: anyMemberOf('Writers', [mspId]) },
    Admins: { Type: 'Signature', Rule: `OR('${mspId}.admin')` },
    Endorsement: { Type: 'Signature', Rule: `OR('${mspId}.peer')` },
  };
}

/** A peer org as configtx.yaml declares it: MSP, policies and its first peer as anchor. */
function peerOrgDefinition(paths: StatePaths, org: PeerOrg): Record<string, unknown> {
  return {
    Name: org.name,
    ID: org.mspId,
    MSPDir: join(paths.peerOrgDir(org), 'msp'),
    Policies: orgPolicies(org.mspId),
    AnchorPeers: org.peerNodes.slice(0, 1).map((p) => ({ Host: p.dialHost, Port: p.port })),
  };
}

/**
 * The configtx.yaml `configtxgen -printOrg` reads to print an org's config group for a channel
 * configuration update: the org alone, declared as in the channel's own profile.
 */
export function renderOrgDefinition(paths: StatePaths, org: PeerOrg, dir: string): RenderedFile {
  return {
    path: join(dir, 'configtx.yaml'),
    content: stringify({ Organizations: [peerOrgDefinition(paths, org)] }),
  };
}

/**
 * The orderer section's consensus part: etcdraft consenters (pinned by TLS certificate) and options, or
 * the BFT consenter mapping (each node's id, enrollment certificate and TLS certificates; BFT nodes
 * know each other by enrollment certificate) and SmartBFT options. configtxgen derives BFT's block
 * validation policy (a quorum of the consenters' signatures) from the mapping.
 */
function consensus(topology: Topology, paths: StatePaths): Record<string, unknown> {
  const tlsCert = (n: OrdererNode) => join(paths.ordererNodeDir(topology, n), 'tls', 'server.crt');
  if (topology.ordererType === 'etcdraft') {
    const raft = topology.ordering.raft;
    return {
      EtcdRaft: {
        Consenters: topology.ordererOrg.nodes.map((n) => ({
          Host: n.dialHost,
          Port: n.port,
          ClientTLSCert: tlsCert(n),
          ServerTLSCert: tlsCert(n),
        })),
        Options: {
          TickInterval: raft.tickInterval,
          ElectionTick: raft.electionTick,
          HeartbeatTick: raft.heartbeatTick,
          MaxInflightBlocks: raft.maxInflightBlocks,
          SnapshotIntervalSize: raft.snapshotIntervalSize,
        },
      },
    };
  }
  const bft = topology.ordering.bft;
  return {
    ConsenterMapping: topology.ordererOrg.nodes.map((n) => ({
      ID: n.consenterId,
      Host: n.dialHost,
      Port: n.port,
      MSPID: topology.ordererOrg.mspId,
      Identity: join(paths.ordererNodeDir(topology, n), 'msp', 'signcerts', `${n.name}-cert.pem`),
      ClientTLSCert: tlsCert(n),
      ServerTLSCert: tlsCert(n),
    })),
    SmartBFT: {
      RequestBatchMaxInterval: bft.requestBatchMaxInterval,
      RequestPoolSize: bft.requestPoolSize,
      RequestForwardTimeout: bft.requestForwardTimeout,
      RequestComplainTimeout: bft.requestComplainTimeout,
      RequestAutoRemoveTimeout: bft.requestAutoRemoveTimeout,
      ViewChangeResendInterval: bft.viewChangeResendInterval,
      ViewChangeTimeout: bft.viewChangeTimeout,
      LeaderHeartbeatTimeout: bft.leaderHeartbeatTimeout,
      LeaderHeartbeatCount: bft.leaderHeartbeatCount,
      CollectTimeout: bft.collectTimeout,
      IncomingMessageBufferSize: bft.incomingMessageBufferSize,
      SyncOnStart: bft.syncOnStart,
      SpeedUpViewChange: bft.speedUpViewChange,
    },
  };
}

/**
 * configtxgen's input: one application channel with every peer org (anchor peers included, so no
 * later config update is needed) and the ordering service (etcdraft or BFT, see {@link consensus}).
 * There is no system channel: the genesis block is joined to each orderer through the channel
 * participation API. Every address in it is an endpoint other nodes dial (a host name on isolated
 * hosts).
 */
export function renderConfigtx(topology: Topology, paths: StatePaths): RenderedFile {
  const ordererOrgDir = paths.ordererOrgDir(topology);
  const ordererOrg = {
    Name: topology.ordererOrg.name,
    ID: topology.ordererOrg.mspId,
    MSPDir: join(ordererOrgDir, 'msp'),
    Policies: {
      Readers: { Type: 'Signature', Rule: `OR('${topology.ordererOrg.mspId}.member')` },
      Writers: { Type: 'Signature', Rule: `OR('${topology.ordererOrg.mspId}.member')` },
      Admins: { Type: 'Signature', Rule: `OR('${topology.ordererOrg.mspId}.admin')` },
    },
    // In BFT every consenter must be an endpoint too (peers and gateways broadcast to all of them).
    OrdererEndpoints: topology.ordererOrg.nodes.map((n) => n.endpoint),
  };
  const peerOrgs = topology.peerOrgs.map((org) => peerOrgDefinition(paths, org));
  const memberMspIds = topology.peerOrgs.map((org) => org.mspId);
  const implicitMeta = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });
  const doc = {
    Profiles: {
      MedChannel: {
        // V3_0 is also what BFT ordering requires.
        Capabilities: { V3_0: true },
        Policies: {
          Readers: implicitMeta('ANY Readers'),
          Writers: implicitMeta('ANY Writers'),
          Admins: implicitMeta('MAJORITY Admins'),
        },
        Orderer: {
          OrdererType: topology.ordererType,
          Addresses: [],
          BatchTimeout: topology.ordering.batchTimeout,
          BatchSize: {
            MaxMessageCount: topology.ordering.maxMessageCount,
            AbsoluteMaxBytes: topology.ordering.absoluteMaxBytes,
            PreferredMaxBytes: topology.ordering.preferredMaxBytes,
          },
          ...consensus(topology, paths),
          Organizations: [ordererOrg],
          Policies: {
            Readers: implicitMeta('ANY Readers'),
            Writers: implicitMeta('ANY Writers'),
            Admins: implicitMeta('MAJORITY Admins'),
            BlockValidation: implicitMeta('ANY Writers'),
          },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: peerOrgs,
          // One signature policy over every org's roles, not `ANY Readers`/`ANY Writers`: Fabric checks an
          // implicit-meta ANY by trying the orgs' policies one by one, verifying the signature again for
          // each, and every peer checks each gossip message against Readers (docs/performance.md,
          // "Signature checks"). An admission names the new org in both (`withApplicationOrg`).
          Policies: {
            Readers: { Type: 'Signature', Rule: anyMemberOf('Readers', memberMspIds) },
            Writers: { Type: 'Signature', Rule: anyMemberOf('Writers', memberMspIds) },
            Admins: implicitMeta('MAJORITY Admins'),
            LifecycleEndorsement: implicitMeta('MAJORITY Endorsement'),
            Endorsement: implicitMeta('MAJORITY Endorsement'),
          },
          // V2_5 brings PurgePrivateData, which erasure requests need.
          Capabilities: { V2_5: true },
        },
      },
    },
  };
  return {
    path: join(paths.configDir, 'configtx.yaml'),
    content: stringify(doc, { aliasDuplicateObjects: false }),
  };
}

/** Every TLS CA of the consortium: peers and orderers accept clients of any member. */
export function allTlsCaCerts(topology: Topology, paths: StatePaths): string[] {
  return [
    paths.tlsCaCert(paths.ordererOrgDir(topology), topology.ordererOrg.domain),
    ...topology.peerOrgs.map((org) => paths.tlsCaCert(paths.peerOrgDir(org), org.domain)),
  ];
}

type Yaml = Record<string, unknown>;

function section(doc: Yaml, ...keys: string[]): Yaml {
  let node = doc;
  for (const key of keys) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) {
      const created: Yaml = {};
      node[key] = created;
      node = created;
    } else {
      node = next as Yaml;
    }
  }
  return node;
}

/**
 * The peer's `chaincode.runtimeParams`, which it announces to the chaincode when the chaincode connects:
 * written out rather than left to the sample config, whose defaults a Fabric release may change.
 */
export function runtimeParams(topology: Topology): {
  useWriteBatch: boolean;
  maxSizeWriteBatch: number;
  useGetMultipleKeys: boolean;
  maxSizeGetMultipleKeys: number;
} {
  const size = topology.shimBatchSize;
  return {
    useWriteBatch: size > 0,
    maxSizeWriteBatch: size,
    useGetMultipleKeys: size > 0,
    maxSizeGetMultipleKeys: size,
  };
}

/** The peer's core.yaml: Fabric's sample config with this peer's identity, ports, TLS and builders. */
export function renderCoreYaml(
  topology: Topology,
  paths: StatePaths,
  peer: PeerNode,
  sampleCoreYaml: string,
  builderDir: string,
): RenderedFile {
  const doc = parse(sampleCoreYaml) as Yaml;
  const nodeDir = paths.peerNodeDir(peer);
  const dataDir = join(paths.nodeDir(peer.shortName), 'data');
  const clientRoots = allTlsCaCerts(topology, paths);
  const p = section(doc, 'peer');
  const listen = peer.org.listenHost;
  Object.assign(p, {
    id: peer.name,
    networkId: `medledger-${topology.basePort}`,
    listenAddress: `${listen}:${String(peer.port)}`,
    chaincodeListenAddress: `${listen}:${String(peer.chaincodePort)}`,
    chaincodeAddress: `${peer.dialHost}:${String(peer.chaincodePort)}`,
    address: peer.endpoint,
    mspConfigPath: join(nodeDir, 'msp'),
    localMspId: peer.org.mspId,
    fileSystemPath: dataDir,
  });
  const gossip = section(doc, 'peer', 'gossip');
  const orgPeers = peer.org.peerNodes;
  Object.assign(gossip, {
    bootstrap: orgPeers.filter((other) => other !== peer).map((other) => other.endpoint)[0] ?? peer.endpoint,
    endpoint: peer.endpoint,
    externalEndpoint: peer.endpoint,
    ...EVERY_PEER_PULLS_BLOCKS,
    // A peer that dials another org's anchor peer before it listens retries only after this interval;
    // Fabric's 25 s default made a fresh network wait up to half a minute for cross-org membership.
    reconnectInterval: '5s',
  });
  Object.assign(section(doc, 'peer', 'gossip', 'pvtData'), {
    pullRetryThreshold: PRIVATE_DATA_PULL_THRESHOLD,
    skipPullingInvalidTransactionsDuringCommit: SKIP_PULLING_INVALID,
  });
  Object.assign(section(doc, 'peer', 'tls'), {
    enabled: true,
    clientAuthRequired: true,
    cert: { file: join(nodeDir, 'tls', 'server.crt') },
    key: { file: join(nodeDir, 'tls', 'server.key') },
    rootcert: { file: join(nodeDir, 'tls', 'ca.crt') },
    clientRootCAs: { files: clientRoots },
    clientKey: { file: join(nodeDir, 'tls', 'server.key') },
    clientCert: { file: join(nodeDir, 'tls', 'server.crt') },
  });
  Object.assign(section(doc, 'peer', 'gateway'), { enabled: true });
  // Proposal timestamps are chosen by their signers and every expiry check uses them: Fabric's 15 min
  // would let a signer act up to 15 min past an expiry (see `proposalTimeWindowSeconds`).
  Object.assign(section(doc, 'peer', 'authentication'), {
    timewindow: `${String(topology.proposalTimeWindowSeconds)}s`,
  });
  Object.assign(section(doc, 'vm'), { endpoint: '' });
  Object.assign(section(doc, 'chaincode'), {
    externalBuilders: [{ name: 'medledger-ccaas', path: builderDir, propagateEnvironment: [] }],
    runtimeParams: runtimeParams(topology),
  });
  Object.assign(section(doc, 'ledger', 'state'), { stateDatabase: 'goleveldb' });
  Object.assign(section(doc, 'ledger', 'snapshots'), { rootDir: join(dataDir, 'snapshots') });
  if (topology.ordererType === 'BFT') {
    // A peer whose orderer withholds blocks that other orderers' headers announce changes orderer after
    // this long (Fabric's 30 s would stall the peer's commits that long behind a cut-off orderer).
    Object.assign(section(doc, 'peer', 'deliveryclient'), {
      blockCensorshipTimeoutKey: topology.ordering.bft.peerCensorshipTimeout,
    });
  }
  Object.assign(section(doc, 'operations'), {
    listenAddress: `${listen}:${String(peer.operationsPort)}`,
    tls: {
      enabled: true,
      cert: { file: join(nodeDir, 'tls', 'server.crt') },
      key: { file: join(nodeDir, 'tls', 'server.key') },
      clientAuthRequired: true,
      clientRootCAs: { files: clientRoots },
    },
  });
  Object.assign(section(doc, 'metrics'), { provider: 'prometheus' });
  return { path: join(paths.nodeDir(peer.shortName), 'core.yaml'), content: stringify(doc) };
}

/**
 * Every peer is its org's leader and pulls blocks from the orderers itself. Fabric 3 gossips no blocks
 * within an org (`peer.deliveryclient.blockGossipEnabled` is off), so with an elected leader an org's
 * other peers never received a block: a second peer per org stayed at the genesis block.
 */
export const EVERY_PEER_PULLS_BLOCKS = { useLeaderElection: false, orgLeader: true } as const;

/**
 * How long a peer committing a block tries to pull the private data it lacks from other peers before
 * it commits the block without it (reconciled later). A member peer lacks private data only for a
 * transaction it did not endorse (the gateways endorse every write on every member of the
 * collections it writes), and for a transaction committed twice, the retry of a write whose first
 * copy already committed: no peer keeps that, so every pull of it fails. Fabric's 60 s stalled a
 * peer's commits a minute for each such block, and a peer behind by a few of them never caught up
 * with the orderers' deliveries (measured in the Raft partition fault scenario).
 */
export const PRIVATE_DATA_PULL_THRESHOLD = '5s';

/**
 * A committing peer does not pull the private data of a transaction the block marks invalid (a
 * DUPLICATE_TXID copy above all, or an MVCC conflict); Fabric's reconciler may fetch it later. Nothing
 * reads an invalid transaction's private data, and no peer holds a duplicate's: under load, the
 * gateways' resubmits of writes whose commit took longer than the first resubmit delay (6 s) made blocks of
 * such copies, each stalling every member peer's commits for the pull threshold, which delayed more
 * commits past the interval: on the anchor load of a saturated 2-core host, the consortium stopped
 * committing for minutes (every staging and anchor writes private data).
 */
export const SKIP_PULLING_INVALID = true;

/**
 * How a BFT orderer that fell behind pulls the blocks it missed (`General.Cluster` of orderer.yaml).
 *
 * - `policy`: Fabric 3.1.5's default, `consensus` (blocks from one orderer, headers from all, to detect
 *   one that withholds blocks), sends deliver requests without the hash of its TLS client certificate,
 *   and an orderer whose listener requires client certificates (ours all do) refuses them ("client
 *   didn't include its TLS cert hash", BAD_REQUEST): a restarted orderer then never catches up.
 *   `simple` pulls from one orderer at a time with the binding, and moves to another when one fails or
 *   stalls; every block it pulls is still verified against the quorum of consenter signatures the
 *   channel requires, so a faulty orderer can delay a lagging node but not feed it a forged block.
 * - `pullTimeout` / `retryTimeout` (Fabric: 5 s / 5 s): a BFT sync pulls each missing block until it
 *   gets it, with no limit on attempts, and holds the node's one sync slot meanwhile (heartbeats and
 *   commits that show it behind start no other sync). An attempt on an orderer that has stopped
 *   answering costs the pull timeout (no block on the stream) plus the retry timeout before the next
 *   orderer is tried; 3 s + 1 s moves on sooner, while 3 s without one block is still far longer than
 *   a healthy orderer takes on one busy machine (measured: under 0.4 s for the first block at load 20).
 */
export const BFT_REPLICATION = { policy: 'simple', pullTimeout: '3s', retryTimeout: '1s' } as const;

/** The orderer's orderer.yaml: Fabric's sample config with this node's identity, ports and TLS. */
export function renderOrdererYaml(
  topology: Topology,
  paths: StatePaths,
  node: OrdererNode,
  sampleOrdererYaml: string,
): RenderedFile {
  const doc = parse(sampleOrdererYaml) as Yaml;
  const nodeDir = paths.ordererNodeDir(topology, node);
  const dataDir = join(paths.nodeDir(node.shortName), 'data');
  const tls = {
    cert: join(nodeDir, 'tls', 'server.crt'),
    key: join(nodeDir, 'tls', 'server.key'),
    ca: join(nodeDir, 'tls', 'ca.crt'),
  };
  const clientRoots = allTlsCaCerts(topology, paths);
  const general = section(doc, 'General');
  const listen = topology.ordererOrg.listenHost;
  Object.assign(general, {
    ListenAddress: listen,
    ListenPort: node.port,
    BootstrapMethod: 'none',
    LocalMSPDir: join(nodeDir, 'msp'),
    LocalMSPID: topology.ordererOrg.mspId,
  });
  // Every orderer listener (main, admin, operations) serves the node's TLS identity and requires
  // client certificates; only which CAs may sign them differs.
  const tlsServer = (clientRootCAs: readonly string[]) => ({
    Enabled: true,
    PrivateKey: tls.key,
    Certificate: tls.cert,
    RootCAs: [tls.ca],
    ClientAuthRequired: true,
    ClientRootCAs: clientRootCAs,
  });
  Object.assign(section(doc, 'General', 'TLS'), tlsServer(clientRoots));
  // The cluster (Raft or BFT) traffic shares the main listener and its TLS identity.
  Object.assign(section(doc, 'General', 'Cluster'), {
    ClientCertificate: tls.cert,
    ClientPrivateKey: tls.key,
    RootCAs: [tls.ca],
    ListenPort: null,
    ListenAddress: null,
    ServerCertificate: null,
    ServerPrivateKey: null,
    ...(topology.ordererType === 'BFT'
      ? {
          ReplicationPolicy: BFT_REPLICATION.policy,
          ReplicationPullTimeout: BFT_REPLICATION.pullTimeout,
          ReplicationRetryTimeout: BFT_REPLICATION.retryTimeout,
        }
      : {}),
  });
  Object.assign(section(doc, 'FileLedger'), { Location: join(dataDir, 'ledger') });
  Object.assign(
    section(doc, 'Consensus'),
    topology.ordererType === 'BFT'
      ? { WALDir: join(dataDir, 'smartbft', 'wal'), SnapDir: null }
      : { WALDir: join(dataDir, 'etcdraft', 'wal'), SnapDir: join(dataDir, 'etcdraft', 'snapshot') },
  );
  Object.assign(section(doc, 'Admin'), {
    ListenAddress: `${listen}:${String(node.adminPort)}`,
    TLS: tlsServer([tls.ca]),
  });
  Object.assign(section(doc, 'ChannelParticipation'), { Enabled: true });
  Object.assign(section(doc, 'Operations'), {
    ListenAddress: `${listen}:${String(node.operationsPort)}`,
    TLS: tlsServer(clientRoots),
  });
  Object.assign(section(doc, 'Metrics'), { Provider: 'prometheus' });
  return { path: join(paths.nodeDir(node.shortName), 'orderer.yaml'), content: stringify(doc) };
}

/**
 * The `connection.json` of an org's chaincode package: where its peers find the org's chaincode
 * server, with mutual TLS (the peer presents the org's `ccclient` identity).
 */
export function renderConnectionJson(
  paths: StatePaths,
  org: PeerOrg,
  readPem: (path: string) => string,
): RenderedFile {
  const server = paths.orgNodeDir(org, ORG_SERVICE_HOSTS.chaincode);
  const client = paths.orgNodeDir(org, ORG_SERVICE_HOSTS.chaincodeClient);
  const doc = {
    address: org.chaincodeServer.endpoint,
    dial_timeout: '10s',
    tls_required: true,
    client_auth_required: true,
    root_cert: readPem(join(server, 'tls', 'ca.crt')),
    client_cert: readPem(join(client, 'tls', 'server.crt')),
    client_key: readPem(join(client, 'tls', 'server.key')),
  };
  return { path: join(paths.chaincodeDir(org), 'connection.json'), content: JSON.stringify(doc, null, 2) };
}

/**
 * The chaincode definition's collections config (`peer lifecycle chaincode approveformyorg|commit
 * --collections-config`): one sealed collection per peer org, shared with the regulator, whose
 * writes need both orgs' peers, and the custodians' collection of every hospital and the regulator
 * (see `sealedCollections` and `custodiansCollection` in the domain for each setting and why).
 */
export function renderCollectionsConfig(topology: Topology, paths: StatePaths): RenderedFile {
  const specs = chaincodeCollections(topology.peerOrgs.map((o) => o.mspId));
  const doc = specs.map((c) => ({
    name: c.name,
    policy: collectionMemberPolicy(c),
    requiredPeerCount: c.requiredPeerCount,
    maxPeerCount: c.maxPeerCount,
    blockToLive: c.blockToLive,
    memberOnlyRead: c.memberOnlyRead,
    memberOnlyWrite: c.memberOnlyWrite,
    endorsementPolicy: { signaturePolicy: collectionEndorsementPolicy(c) },
  }));
  return { path: paths.collectionsConfig, content: `${JSON.stringify(doc, null, 2)}\n` };
}

/**
 * Every generated config file (cryptogen, configtx, peers, orderers, the collections config), for
 * tests that check the topology reaches each of them.
 */
export function renderNodeConfigs(
  topology: Topology,
  paths: StatePaths,
  sample: { coreYaml: string; ordererYaml: string },
  builderDir: string,
): RenderedFile[] {
  return [
    renderCryptoConfig(topology, paths),
    renderConfigtx(topology, paths),
    ...allPeers(topology).map((peer) => renderCoreYaml(topology, paths, peer, sample.coreYaml, builderDir)),
    ...topology.ordererOrg.nodes.map((node) => renderOrdererYaml(topology, paths, node, sample.ordererYaml)),
    renderCollectionsConfig(topology, paths),
  ];
}
