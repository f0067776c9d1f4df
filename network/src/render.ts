import { join } from 'node:path';
import { collectionEndorsementPolicy, collectionMemberPolicy, sealedCollections } from '@medledger/domain';
import { parse, stringify } from 'yaml';
import type { StatePaths } from './paths';
import type { OrdererNode, PeerNode, PeerOrg, Topology } from './topology';
import { allPeers } from './topology';

/** A file to write: the renderers are pure so tests can inspect every generated file. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

/** Host names every loopback certificate carries, so clients can dial 127.0.0.1 and still verify TLS. */
const LOOPBACK_SANS = ['127.0.0.1', 'localhost'];

/** Extra cryptogen nodes each peer org gets besides its peers. */
export const ORG_SERVICE_HOSTS = {
  /** TLS server identity of the org's chaincode server. */
  chaincode: 'chaincode',
  /** TLS client identity the org's peers present to its chaincode server. */
  chaincodeClient: 'ccclient',
  /** TLS client identity the org's REST gateway presents to peers and to its CA. */
  gateway: 'gateway',
  /** TLS server identity of the org's Fabric CA. */
  ca: 'fabric-ca',
} as const;

/** cryptogen's input: node certificates (MSP and TLS) for orderers, peers and org services. */
export function renderCryptoConfig(topology: Topology, paths: StatePaths): RenderedFile {
  const doc = {
    OrdererOrgs: [
      {
        Name: topology.ordererOrg.name,
        Domain: topology.ordererOrg.domain,
        EnableNodeOUs: true,
        Specs: topology.ordererOrg.nodes.map((n) => ({ Hostname: n.shortName, SANS: LOOPBACK_SANS })),
      },
    ],
    PeerOrgs: topology.peerOrgs.map((org) => ({
      Name: org.name,
      Domain: org.domain,
      EnableNodeOUs: true,
      Template: { Count: org.peers, SANS: LOOPBACK_SANS },
      Specs: Object.values(ORG_SERVICE_HOSTS).map((host) => ({ Hostname: host, SANS: LOOPBACK_SANS })),
      Users: { Count: 0 },
    })),
  };
  return { path: join(paths.configDir, 'crypto-config.yaml'), content: stringify(doc) };
}

function orgPolicies(mspId: string): Record<string, { Type: string; Rule: string }> {
  return {
    Readers: { Type: 'Signature', Rule: `OR('${mspId}.admin', '${mspId}.peer', '${mspId}.client')` },
    Writers: { Type: 'Signature', Rule: `OR('${mspId}.admin', '${mspId}.client')` },
    Admins: { Type: 'Signature', Rule: `OR('${mspId}.admin')` },
    Endorsement: { Type: 'Signature', Rule: `OR('${mspId}.peer')` },
  };
}

/**
 * configtxgen's input: one application channel with every peer org (anchor peers included, so no
 * later config update is needed) and the etcdraft ordering service. There is no system channel: the
 * genesis block is joined to each orderer through the channel participation API.
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
    OrdererEndpoints: topology.ordererOrg.nodes.map((n) => n.address),
  };
  const peerOrgs = topology.peerOrgs.map((org) => ({
    Name: org.name,
    ID: org.mspId,
    MSPDir: join(paths.peerOrgDir(org), 'msp'),
    Policies: orgPolicies(org.mspId),
    AnchorPeers: org.peerNodes.slice(0, 1).map((p) => ({ Host: '127.0.0.1', Port: p.port })),
  }));
  const implicitMeta = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });
  const doc = {
    Profiles: {
      MedChannel: {
        Capabilities: { V3_0: true },
        Policies: {
          Readers: implicitMeta('ANY Readers'),
          Writers: implicitMeta('ANY Writers'),
          Admins: implicitMeta('MAJORITY Admins'),
        },
        Orderer: {
          OrdererType: 'etcdraft',
          Addresses: [],
          BatchTimeout: topology.ordering.batchTimeout,
          BatchSize: {
            MaxMessageCount: topology.ordering.maxMessageCount,
            AbsoluteMaxBytes: topology.ordering.absoluteMaxBytes,
            PreferredMaxBytes: topology.ordering.preferredMaxBytes,
          },
          EtcdRaft: {
            Consenters: topology.ordererOrg.nodes.map((n) => {
              const tls = join(paths.ordererNodeDir(topology, n), 'tls', 'server.crt');
              return { Host: '127.0.0.1', Port: n.port, ClientTLSCert: tls, ServerTLSCert: tls };
            }),
            Options: {
              TickInterval: '100ms',
              ElectionTick: 10,
              HeartbeatTick: 1,
              MaxInflightBlocks: 5,
              SnapshotIntervalSize: '16 MB',
            },
          },
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
          Policies: {
            Readers: implicitMeta('ANY Readers'),
            Writers: implicitMeta('ANY Writers'),
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
  Object.assign(p, {
    id: peer.name,
    networkId: `medledger-${topology.basePort}`,
    listenAddress: peer.address,
    chaincodeListenAddress: `127.0.0.1:${peer.chaincodePort}`,
    chaincodeAddress: `127.0.0.1:${peer.chaincodePort}`,
    address: peer.address,
    mspConfigPath: join(nodeDir, 'msp'),
    localMspId: peer.org.mspId,
    fileSystemPath: dataDir,
  });
  const gossip = section(doc, 'peer', 'gossip');
  const orgPeers = peer.org.peerNodes;
  Object.assign(gossip, {
    bootstrap: orgPeers.filter((other) => other !== peer).map((other) => other.address)[0] ?? peer.address,
    endpoint: peer.address,
    externalEndpoint: peer.address,
    // One peer per org leads itself; with more peers they elect a leader among them.
    useLeaderElection: orgPeers.length > 1,
    orgLeader: orgPeers.length === 1,
    // A peer that dials another org's anchor peer before it listens retries only after this interval;
    // Fabric's 25 s default made a fresh network wait up to half a minute for cross-org membership.
    reconnectInterval: '5s',
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
  });
  Object.assign(section(doc, 'ledger', 'state'), { stateDatabase: 'goleveldb' });
  Object.assign(section(doc, 'ledger', 'snapshots'), { rootDir: join(dataDir, 'snapshots') });
  Object.assign(section(doc, 'operations'), {
    listenAddress: `127.0.0.1:${peer.operationsPort}`,
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
  Object.assign(general, {
    ListenAddress: '127.0.0.1',
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
  // The cluster (Raft) traffic shares the main listener and its TLS identity.
  Object.assign(section(doc, 'General', 'Cluster'), {
    ClientCertificate: tls.cert,
    ClientPrivateKey: tls.key,
    RootCAs: [tls.ca],
    ListenPort: null,
    ListenAddress: null,
    ServerCertificate: null,
    ServerPrivateKey: null,
  });
  Object.assign(section(doc, 'FileLedger'), { Location: join(dataDir, 'ledger') });
  Object.assign(section(doc, 'Consensus'), {
    WALDir: join(dataDir, 'etcdraft', 'wal'),
    SnapDir: join(dataDir, 'etcdraft', 'snapshot'),
  });
  Object.assign(section(doc, 'Admin'), {
    ListenAddress: `127.0.0.1:${node.adminPort}`,
    TLS: tlsServer([tls.ca]),
  });
  Object.assign(section(doc, 'ChannelParticipation'), { Enabled: true });
  Object.assign(section(doc, 'Operations'), {
    ListenAddress: `127.0.0.1:${node.operationsPort}`,
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
    address: `127.0.0.1:${org.chaincodeServerPort}`,
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
 * writes need both orgs' peers (see `sealedCollections` in the domain for each setting and why).
 */
export function renderCollectionsConfig(topology: Topology, paths: StatePaths): RenderedFile {
  const specs = sealedCollections(topology.peerOrgs.map((o) => o.mspId));
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
