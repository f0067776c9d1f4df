import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { renderCompose } from './compose';
import { StatePaths } from './paths';
import {
  renderCollectionsConfig,
  renderConfigtx,
  renderConnectionJson,
  renderCryptoConfig,
  renderNodeConfigs,
} from './render';
import {
  allPeers,
  defaultTopologySpec,
  resolveTopology,
  type Topology,
  type TopologyOptions,
  type TopologySpec,
} from './topology';

const paths = new StatePaths('/state');
// Fabric's sample configs are not needed to test what we change in them.
const sample = {
  coreYaml: 'peer:\n  id: sample\nvm:\n  endpoint: unix:///var/run/docker.sock\n',
  ordererYaml: 'General:\n  ListenPort: 7050\n',
};

const sevenOrgs: TopologySpec = {
  ...defaultTopologySpec,
  peerOrgs: [
    ...defaultTopologySpec.peerOrgs,
    {
      name: 'Hospital4',
      mspId: 'Hospital4MSP',
      domain: 'hospital4.medledger.local',
      kind: 'hospital',
      peers: 1,
    },
  ],
};

describe('config rendering', () => {
  it('when a seventh org is added as data, then it appears in every generated file', () => {
    const topology = resolveTopology(sevenOrgs, 17000);
    const files = renderNodeConfigs(topology, paths, sample, '/builders/ccaas');
    assert.equal(files.length, 2 + 7 + 3 + 1); // crypto-config, configtx, 7 core.yaml, 3 orderer.yaml, collections
    for (const file of files) {
      assert.match(
        file.content,
        /hospital4\.medledger\.local|Hospital4MSP/,
        `${file.path} lacks the seventh org`,
      );
    }
    const containers = resolveTopology(sevenOrgs, 17000, { ordering: 'raft', hosts: 'containers' });
    assert.match(renderCompose(containers), /peer0\.hospital4\.medledger\.local/);
    assert.match(renderCompose(containers), /gateway-hospital4:/);
  });

  it('when the default consortium is rendered, then the insurer has its peer config, MSP in configtx and crypto-config, chaincode connection and compose services', () => {
    const topology = resolveTopology(defaultTopologySpec, 17000);
    const files = renderNodeConfigs(topology, paths, sample, '/builders/ccaas');
    const core = files.find((f) => f.path.endsWith('peer0-insurer/core.yaml'));
    assert.ok(core);
    assert.equal((parse(core.content) as { peer: { localMspId: string } }).peer.localMspId, 'InsurerMSP');
    for (const name of ['configtx.yaml', 'crypto-config.yaml']) {
      const file = files.find((f) => f.path.endsWith(name));
      assert.match(file?.content ?? '', /insurer\.medledger\.local/, name);
    }
    const insurer = topology.peerOrgs.find((o) => o.kind === 'insurer');
    assert.ok(insurer);
    const conn = JSON.parse(renderConnectionJson(paths, insurer, (p) => p).content) as {
      address: string;
    };
    assert.equal(conn.address, '127.0.0.1:17503');
    const containers = resolveTopology(defaultTopologySpec, 17000, { ordering: 'raft', hosts: 'containers' });
    const compose = parse(renderCompose(containers)) as { services: Record<string, unknown> };
    for (const service of ['ca-insurer', 'peer0-insurer', 'chaincode-insurer', 'gateway-insurer'])
      assert.ok(compose.services[service], service);
  });

  it('when the collections config is rendered, then each org has a sealed collection with the regulator that needs both to endorse, and the hospitals and the regulator share the custodians collection', () => {
    const topology = resolveTopology(defaultTopologySpec, 17000);
    const file = renderCollectionsConfig(topology, paths);
    assert.equal(file.path, '/state/config/collections_config.json');
    const doc = JSON.parse(file.content) as {
      name: string;
      policy: string;
      requiredPeerCount: number;
      maxPeerCount: number;
      blockToLive: number;
      memberOnlyRead: boolean;
      memberOnlyWrite: boolean;
      endorsementPolicy: { signaturePolicy: string };
    }[];
    assert.deepEqual(
      doc.map((c) => [c.name, c.policy, c.endorsementPolicy.signaturePolicy]),
      [
        [
          'sealed-hospital1',
          "OR('Hospital1MSP.member', 'RegulatorMSP.member')",
          "AND('Hospital1MSP.peer', 'RegulatorMSP.peer')",
        ],
        [
          'sealed-hospital2',
          "OR('Hospital2MSP.member', 'RegulatorMSP.member')",
          "AND('Hospital2MSP.peer', 'RegulatorMSP.peer')",
        ],
        [
          'sealed-research',
          "OR('ResearchMSP.member', 'RegulatorMSP.member')",
          "AND('ResearchMSP.peer', 'RegulatorMSP.peer')",
        ],
        ['sealed-regulator', "OR('RegulatorMSP.member')", "AND('RegulatorMSP.peer')"],
        [
          'sealed-insurer',
          "OR('InsurerMSP.member', 'RegulatorMSP.member')",
          "AND('InsurerMSP.peer', 'RegulatorMSP.peer')",
        ],
        [
          'sealed-hospital3',
          "OR('Hospital3MSP.member', 'RegulatorMSP.member')",
          "AND('Hospital3MSP.peer', 'RegulatorMSP.peer')",
        ],
        [
          'custodians',
          "OR('Hospital1MSP.member', 'Hospital2MSP.member', 'Hospital3MSP.member', 'RegulatorMSP.member')",
          "AND('Hospital1MSP.peer', 'Hospital2MSP.peer', 'Hospital3MSP.peer', 'RegulatorMSP.peer')",
        ],
      ],
    );
    for (const c of doc) {
      assert.deepEqual(
        [c.requiredPeerCount, c.maxPeerCount, c.blockToLive, c.memberOnlyRead, c.memberOnlyWrite],
        [0, 0, 0, false, c.name === 'custodians'],
        c.name,
      );
    }
  });

  it('when configtx is rendered, then the channel has etcdraft consenters, anchor peers and a tuned batch timeout', () => {
    const topology = resolveTopology(defaultTopologySpec, 17000);
    const doc = parse(renderConfigtx(topology, paths).content) as {
      Profiles: {
        MedChannel: {
          Orderer: {
            OrdererType: string;
            BatchTimeout: string;
            EtcdRaft: { Consenters: { Port: number }[] };
          };
          Application: {
            Organizations: { ID: string; AnchorPeers: { Port: number }[] }[];
            Capabilities: object;
          };
        };
      };
    };
    const profile = doc.Profiles.MedChannel;
    assert.equal(profile.Orderer.OrdererType, 'etcdraft');
    assert.equal(profile.Orderer.BatchTimeout, '10ms');
    assert.deepEqual(
      profile.Orderer.EtcdRaft.Consenters.map((c) => c.Port),
      [17000, 17010, 17020],
    );
    assert.deepEqual(
      profile.Application.Organizations.map((o) => [o.ID, o.AnchorPeers[0]?.Port]),
      [
        ['Hospital1MSP', 17110],
        ['Hospital2MSP', 17210],
        ['ResearchMSP', 17310],
        ['RegulatorMSP', 17410],
        ['InsurerMSP', 17510],
        ['Hospital3MSP', 17610],
      ],
    );
    assert.deepEqual(profile.Application.Capabilities, { V2_5: true });
  });

  it("when configtx is rendered, then the channel's Readers and Writers are each one signature policy over every org's roles, as each org's own names them", () => {
    const topology = resolveTopology(defaultTopologySpec, 17000);
    type Policy = { Type: string; Rule: string };
    const doc = parse(renderConfigtx(topology, paths).content) as {
      Profiles: {
        MedChannel: {
          Application: {
            Policies: Record<string, Policy>;
            Organizations: { ID: string; Policies: Record<string, Policy> }[];
          };
        };
      };
    };
    const app = doc.Profiles.MedChannel.Application;
    const msps = [
      'Hospital1MSP',
      'Hospital2MSP',
      'Hospital3MSP',
      'InsurerMSP',
      'RegulatorMSP',
      'ResearchMSP',
    ];
    const any = (roles: string[], of: string[]) =>
      `OR(${of.flatMap((m) => roles.map((r) => `'${m}.${r}'`)).join(', ')})`;
    assert.deepEqual(app.Policies['Readers'], {
      Type: 'Signature',
      Rule: any(['admin', 'peer', 'client'], msps),
    });
    assert.deepEqual(app.Policies['Writers'], { Type: 'Signature', Rule: any(['admin', 'client'], msps) });
    assert.deepEqual(app.Policies['Admins'], { Type: 'ImplicitMeta', Rule: 'MAJORITY Admins' });
    for (const org of app.Organizations) {
      assert.equal(org.Policies['Readers']?.Rule, any(['admin', 'peer', 'client'], [org.ID]));
      assert.equal(org.Policies['Writers']?.Rule, any(['admin', 'client'], [org.ID]));
    }
  });

  it('when a peer config is rendered, then TLS with client auth, LevelDB, no Docker and our builder are set', () => {
    const topology = resolveTopology(defaultTopologySpec, 17000);
    const core = renderNodeConfigs(topology, paths, sample, '/builders/ccaas').find((f) =>
      f.path.endsWith('peer0-hospital2/core.yaml'),
    );
    assert.ok(core);
    const doc = parse(core.content) as {
      peer: { id: string; listenAddress: string; tls: { enabled: boolean; clientAuthRequired: boolean } };
      vm: { endpoint: string };
      chaincode: { externalBuilders: { path: string }[] };
      ledger: { state: { stateDatabase: string } };
      operations: { listenAddress: string; tls: { clientAuthRequired: boolean } };
    };
    assert.equal(doc.peer.id, 'peer0.hospital2.medledger.local');
    assert.equal(doc.peer.listenAddress, '127.0.0.1:17210');
    assert.deepEqual([doc.peer.tls.enabled, doc.peer.tls.clientAuthRequired], [true, true]);
    assert.equal(doc.vm.endpoint, '');
    assert.equal(doc.chaincode.externalBuilders[0]?.path, '/builders/ccaas');
    assert.equal(doc.ledger.state.stateDatabase, 'goleveldb');
    assert.equal(doc.operations.listenAddress, '127.0.0.1:17212');
    assert.equal(doc.operations.tls.clientAuthRequired, true);
  });

  it('when a peer config is rendered (issue 12 hole 8), then every peer accepts proposals only within 30 s of its clock, not Fabric default 15 min', () => {
    const topology = resolveTopology(defaultTopologySpec, 17000);
    const cores = renderNodeConfigs(topology, paths, sample, '/b').filter((f) =>
      f.path.endsWith('core.yaml'),
    );
    assert.equal(cores.length, allPeers(topology).length);
    for (const core of cores) {
      const doc = parse(core.content) as { peer: { authentication?: { timewindow?: string } } };
      assert.equal(doc.peer.authentication?.timewindow, '30s', core.path);
    }
    const wider = resolveTopology({ ...defaultTopologySpec, proposalTimeWindowSeconds: 90 }, 17000);
    const core = renderNodeConfigs(wider, paths, sample, '/b').find((f) => f.path.endsWith('core.yaml'));
    assert.match(core?.content ?? '', /timewindow: 90s/);
  });

  it('when a peer config is rendered, then a block whose private data no peer holds waits 5 s for it, not Fabric default 60 s', () => {
    const topology = resolveTopology(defaultTopologySpec, 17000);
    const cores = renderNodeConfigs(topology, paths, sample, '/b').filter((f) =>
      f.path.endsWith('core.yaml'),
    );
    for (const core of cores) {
      const doc = parse(core.content) as { peer: { gossip: { pvtData?: { pullRetryThreshold?: string } } } };
      assert.equal(doc.peer.gossip.pvtData?.pullRetryThreshold, '5s', core.path);
    }
  });

  it('when a peer config is rendered, then a block does not wait for the private data of its invalid transactions (a duplicate copy of a write)', () => {
    const topology = resolveTopology(defaultTopologySpec, 17000);
    const cores = renderNodeConfigs(topology, paths, sample, '/b').filter((f) =>
      f.path.endsWith('core.yaml'),
    );
    assert.ok(cores.length > 0);
    for (const core of cores) {
      const doc = parse(core.content) as {
        peer: { gossip: { pvtData?: { skipPullingInvalidTransactionsDuringCommit?: boolean } } };
      };
      assert.equal(doc.peer.gossip.pvtData?.skipPullingInvalidTransactionsDuringCommit, true, core.path);
    }
  });

  it('when an org runs two peers, then each pulls blocks from the orderers itself and bootstraps gossip from the other (Fabric 3 gossips no blocks within an org)', () => {
    const spec: TopologySpec = {
      ...defaultTopologySpec,
      peerOrgs: defaultTopologySpec.peerOrgs.map((o) => (o.name === 'Regulator' ? { ...o, peers: 2 } : o)),
    };
    const cores = renderNodeConfigs(resolveTopology(spec, 17000), paths, sample, '/b').filter((f) =>
      f.path.endsWith('core.yaml'),
    );
    const gossipOf = (name: string) => {
      const core = cores.find((f) => f.path.includes(name));
      assert.ok(core, `no core.yaml for ${name}`);
      return (parse(core.content) as { peer: { gossip: Record<string, unknown> } }).peer.gossip;
    };
    assert.equal(cores.length, defaultTopologySpec.peerOrgs.length + 1);
    for (const core of cores) {
      const gossip = (parse(core.content) as { peer: { gossip: Record<string, unknown> } }).peer.gossip;
      assert.equal(gossip['useLeaderElection'], false, core.path);
      assert.equal(gossip['orgLeader'], true, core.path);
    }
    assert.equal(gossipOf('peer0-regulator')['bootstrap'], '127.0.0.1:17420');
    assert.equal(gossipOf('peer1-regulator')['bootstrap'], '127.0.0.1:17410');
  });

  it('when a peer config is rendered, then the peer announces write batches and multi-key reads of 1000 to the chaincode; a shim batch of 0 turns both off', () => {
    const runtimeOf = (spec: typeof defaultTopologySpec): unknown[] =>
      renderNodeConfigs(resolveTopology(spec, 17000), paths, sample, '/b')
        .filter((f) => f.path.endsWith('core.yaml'))
        .map((f) => (parse(f.content) as { chaincode: { runtimeParams?: unknown } }).chaincode.runtimeParams);
    for (const params of runtimeOf(defaultTopologySpec)) {
      assert.deepEqual(params, {
        useWriteBatch: true,
        maxSizeWriteBatch: 1000,
        useGetMultipleKeys: true,
        maxSizeGetMultipleKeys: 1000,
      });
    }
    for (const params of runtimeOf({ ...defaultTopologySpec, shimBatchSize: 0 })) {
      assert.deepEqual(params, {
        useWriteBatch: false,
        maxSizeWriteBatch: 0,
        useGetMultipleKeys: false,
        maxSizeGetMultipleKeys: 0,
      });
    }
  });

  it('when an orderer config is rendered, then it has no system channel and requires client certificates', () => {
    const topology = resolveTopology(defaultTopologySpec, 17000);
    const file = renderNodeConfigs(topology, paths, sample, '/b').find((f) =>
      f.path.endsWith('orderer1/orderer.yaml'),
    );
    assert.ok(file);
    const doc = parse(file.content) as {
      General: { ListenPort: number; BootstrapMethod: string; TLS: { ClientAuthRequired: boolean } };
      Admin: { ListenAddress: string; TLS: { ClientAuthRequired: boolean } };
      ChannelParticipation: { Enabled: boolean };
    };
    assert.equal(doc.General.ListenPort, 17010);
    assert.equal(doc.General.BootstrapMethod, 'none');
    assert.equal(doc.General.TLS.ClientAuthRequired, true);
    assert.equal(doc.Admin.ListenAddress, '127.0.0.1:17011');
    assert.equal(doc.Admin.TLS.ClientAuthRequired, true);
    assert.equal(doc.ChannelParticipation.Enabled, true);
  });

  it('when a connection.json is rendered, then it points at the org chaincode server with mutual TLS', () => {
    const topology = resolveTopology(defaultTopologySpec, 17000);
    const org = topology.peerOrgs[2];
    assert.ok(org);
    const conn = JSON.parse(renderConnectionJson(paths, org, (p) => `PEM(${p})`).content) as Record<
      string,
      unknown
    >;
    assert.equal(conn.address, '127.0.0.1:17303');
    assert.equal(conn.tls_required, true);
    assert.equal(conn.client_auth_required, true);
    assert.match(String(conn.client_cert), /ccclient\.research\.medledger\.local/);
  });
});

interface ConfigtxDoc {
  Profiles: {
    MedChannel: {
      Capabilities: Record<string, boolean>;
      Orderer: {
        OrdererType: string;
        BatchTimeout: string;
        BatchSize: { MaxMessageCount: number };
        EtcdRaft?: { Consenters: { Host: string; Port: number }[] };
        ConsenterMapping?: {
          ID: number;
          Host: string;
          Port: number;
          MSPID: string;
          Identity: string;
          ClientTLSCert: string;
          ServerTLSCert: string;
        }[];
        SmartBFT?: Record<string, string | number | boolean>;
        Organizations: { OrdererEndpoints: string[] }[];
      };
      Application: { Organizations: { ID: string; AnchorPeers: { Host: string; Port: number }[] }[] };
    };
  };
}

const resolved = (options: TopologyOptions): Topology => resolveTopology(defaultTopologySpec, 17000, options);
const configtx = (t: Topology): ConfigtxDoc['Profiles']['MedChannel'] =>
  (parse(renderConfigtx(t, paths).content) as ConfigtxDoc).Profiles.MedChannel;
const nodeFile = (t: Topology, suffix: string): Record<string, Record<string, unknown>> => {
  const file = renderNodeConfigs(t, paths, sample, '/b').find((f) => f.path.endsWith(suffix));
  assert.ok(file, suffix);
  return parse(file.content) as Record<string, Record<string, unknown>>;
};

describe('config rendering for BFT ordering', () => {
  const bft = resolved({ ordering: 'bft', hosts: 'loopback' });

  it('when configtx is rendered, then the channel has four BFT consenters with ids, enrollment and TLS certificates, and no etcdraft section', () => {
    const profile = configtx(bft);
    assert.equal(profile.Orderer.OrdererType, 'BFT');
    assert.equal(profile.Orderer.EtcdRaft, undefined);
    assert.deepEqual(profile.Capabilities, { V3_0: true }, 'BFT needs the V3_0 channel capability');
    const mapping = profile.Orderer.ConsenterMapping ?? [];
    assert.deepEqual(
      mapping.map((c) => [c.ID, c.Host, c.Port, c.MSPID]),
      [
        [1, '127.0.0.1', 17000, 'OrdererMSP'],
        [2, '127.0.0.1', 17010, 'OrdererMSP'],
        [3, '127.0.0.1', 17020, 'OrdererMSP'],
        [4, '127.0.0.1', 17030, 'OrdererMSP'],
      ],
    );
    const third = mapping[2];
    assert.ok(third);
    const node =
      '/state/crypto/ordererOrganizations/orderer.medledger.local/orderers/orderer2.orderer.medledger.local';
    assert.equal(third.Identity, `${node}/msp/signcerts/orderer2.orderer.medledger.local-cert.pem`);
    assert.equal(third.ClientTLSCert, `${node}/tls/server.crt`);
    assert.equal(third.ServerTLSCert, `${node}/tls/server.crt`);
    assert.deepEqual(profile.Orderer.Organizations[0]?.OrdererEndpoints, [
      '127.0.0.1:17000',
      '127.0.0.1:17010',
      '127.0.0.1:17020',
      '127.0.0.1:17030',
    ]);
  });

  it('when configtx is rendered, then the SmartBFT options are the latency-tuned ones of the topology, and the batch size is the Raft one', () => {
    const profile = configtx(bft);
    const tuned = defaultTopologySpec.ordering.bft;
    assert.deepEqual(profile.Orderer.SmartBFT, {
      RequestBatchMaxInterval: '20ms',
      RequestPoolSize: 2000,
      RequestForwardTimeout: tuned.requestForwardTimeout,
      RequestComplainTimeout: tuned.requestComplainTimeout,
      RequestAutoRemoveTimeout: tuned.requestAutoRemoveTimeout,
      ViewChangeResendInterval: tuned.viewChangeResendInterval,
      ViewChangeTimeout: tuned.viewChangeTimeout,
      LeaderHeartbeatTimeout: '5s',
      LeaderHeartbeatCount: 10,
      CollectTimeout: tuned.collectTimeout,
      IncomingMessageBufferSize: tuned.incomingMessageBufferSize,
      SyncOnStart: true,
      SpeedUpViewChange: false,
    });
    assert.ok(tuned.requestPoolSize >= 2 * defaultTopologySpec.ordering.maxMessageCount);
    assert.equal(profile.Orderer.BatchSize.MaxMessageCount, 500);
    assert.equal(configtx(resolved({ ordering: 'raft', hosts: 'loopback' })).Orderer.SmartBFT, undefined);
  });

  it('when an orderer config is rendered, then its WAL is a SmartBFT one and it replicates with the simple policy and short pull and retry timeouts; a Raft orderer keeps its etcdraft WAL and snapshots', () => {
    const doc = nodeFile(bft, 'orderer3/orderer.yaml');
    assert.match(String(doc.Consensus?.WALDir), /orderer3\/data\/smartbft\/wal$/);
    const cluster = doc.General?.Cluster as Record<string, unknown>;
    assert.deepEqual(
      [cluster.ReplicationPolicy, cluster.ReplicationPullTimeout, cluster.ReplicationRetryTimeout],
      ['simple', '3s', '1s'],
    );
    assert.equal(doc.General?.ListenPort, 17030);
    const raft = nodeFile(resolved({ ordering: 'raft', hosts: 'loopback' }), 'orderer2/orderer.yaml');
    assert.match(String(raft.Consensus?.SnapDir), /etcdraft\/snapshot$/);
    const raftCluster = raft.General?.Cluster as Record<string, unknown>;
    assert.deepEqual(
      [
        raftCluster.ReplicationPolicy,
        raftCluster.ReplicationPullTimeout,
        raftCluster.ReplicationRetryTimeout,
      ],
      [undefined, undefined, undefined],
    );
  });

  it('when a peer config is rendered, then a peer changes orderer after 5 s of withheld blocks on BFT, and keeps Fabric default on Raft', () => {
    const peer = nodeFile(bft, 'peer0-research/core.yaml').peer as {
      deliveryclient?: Record<string, unknown>;
    };
    assert.equal(peer.deliveryclient?.blockCensorshipTimeoutKey, '5s');
    const raft = nodeFile(resolved({ ordering: 'raft', hosts: 'loopback' }), 'peer0-research/core.yaml');
    assert.equal((raft.peer as { deliveryclient?: unknown }).deliveryclient, undefined);
  });
});

describe('config rendering for isolated hosts', () => {
  const isolated = resolved({ ordering: 'raft', hosts: 'isolated' });

  it('when certificates are specified, then every node carries loopback and its host namespace address besides its names', () => {
    const doc = parse(renderCryptoConfig(isolated, paths).content) as {
      OrdererOrgs: { Specs: { Hostname: string; SANS: string[] }[] }[];
      PeerOrgs: {
        Domain: string;
        Template: { SANS: string[] };
        Specs: { Hostname: string; SANS: string[] }[];
      }[];
    };
    assert.deepEqual(doc.OrdererOrgs[0]?.Specs[1], {
      Hostname: 'orderer1',
      SANS: ['127.0.0.1', 'localhost', '10.77.170.2'],
    });
    const research = doc.PeerOrgs[2];
    assert.ok(research);
    assert.equal(research.Domain, 'research.medledger.local');
    assert.deepEqual(research.Template.SANS, ['127.0.0.1', 'localhost', '10.77.170.12']);
    assert.deepEqual(
      research.Specs.map((s) => s.Hostname),
      ['chaincode', 'ccclient', 'gateway', 'fabric-ca'],
    );
    const loopback = parse(
      renderCryptoConfig(resolved({ ordering: 'raft', hosts: 'loopback' }), paths).content,
    ) as typeof doc;
    assert.deepEqual(loopback.PeerOrgs[2]?.Template.SANS, ['127.0.0.1', 'localhost']);
  });

  it('when configtx is rendered, then orderer endpoints, consenters and anchor peers are host names', () => {
    const profile = configtx(isolated);
    assert.deepEqual(profile.Orderer.Organizations[0]?.OrdererEndpoints, [
      'orderer0.orderer.medledger.local:17000',
      'orderer1.orderer.medledger.local:17010',
      'orderer2.orderer.medledger.local:17020',
    ]);
    assert.deepEqual(
      profile.Orderer.EtcdRaft?.Consenters.map((c) => c.Host),
      [
        'orderer0.orderer.medledger.local',
        'orderer1.orderer.medledger.local',
        'orderer2.orderer.medledger.local',
      ],
    );
    assert.deepEqual(profile.Application.Organizations[1]?.AnchorPeers, [
      { Host: 'peer0.hospital2.medledger.local', Port: 17210 },
    ]);
    const bft = configtx(resolved({ ordering: 'bft', hosts: 'isolated' }));
    assert.equal(bft.Orderer.ConsenterMapping?.[3]?.Host, 'orderer3.orderer.medledger.local');
  });

  it('when node configs are rendered, then processes listen on every address of their namespace and announce their host names', () => {
    const peer = nodeFile(isolated, 'peer0-hospital1/core.yaml').peer as Record<string, unknown> & {
      gossip: Record<string, unknown>;
    };
    assert.equal(peer.listenAddress, '0.0.0.0:17110');
    assert.equal(peer.address, 'peer0.hospital1.medledger.local:17110');
    assert.equal(peer.chaincodeAddress, 'peer0.hospital1.medledger.local:17111');
    assert.equal(peer.gossip.externalEndpoint, 'peer0.hospital1.medledger.local:17110');
    const orderer = nodeFile(isolated, 'orderer1/orderer.yaml');
    assert.equal(orderer.General?.ListenAddress, '0.0.0.0');
    assert.equal(orderer.Admin?.ListenAddress, '0.0.0.0:17011');
    assert.equal(orderer.Operations?.ListenAddress, '0.0.0.0:17012');
  });

  it('when a connection.json is rendered, then the peer dials the org chaincode server by its host name', () => {
    const org = isolated.peerOrgs[3];
    assert.ok(org);
    const conn = JSON.parse(renderConnectionJson(paths, org, (p) => p).content) as { address: string };
    assert.equal(conn.address, 'chaincode.regulator.medledger.local:17403');
  });

  it('when nothing is isolated, then no generated file names a host where an address goes', () => {
    const loopback = resolved({ ordering: 'bft', hosts: 'loopback' });
    for (const file of renderNodeConfigs(loopback, paths, sample, '/b')) {
      assert.doesNotMatch(file.content, /\.medledger\.local:\d+/, file.path);
    }
  });
});
