import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { renderCompose } from './compose';
import { StatePaths } from './paths';
import { renderCollectionsConfig, renderConfigtx, renderConnectionJson, renderNodeConfigs } from './render';
import { allPeers, defaultTopologySpec, resolveTopology, type TopologySpec } from './topology';

const paths = new StatePaths('/state');
// Fabric's sample configs are not needed to test what we change in them.
const sample = {
  coreYaml: 'peer:\n  id: sample\nvm:\n  endpoint: unix:///var/run/docker.sock\n',
  ordererYaml: 'General:\n  ListenPort: 7050\n',
};

const fiveOrgs: TopologySpec = {
  ...defaultTopologySpec,
  peerOrgs: [
    ...defaultTopologySpec.peerOrgs,
    {
      name: 'Hospital3',
      mspId: 'Hospital3MSP',
      domain: 'hospital3.medledger.local',
      kind: 'hospital',
      peers: 1,
    },
  ],
};

describe('config rendering', () => {
  it('when a fifth org is added as data, then it appears in every generated file', () => {
    const topology = resolveTopology(fiveOrgs, 17000);
    const files = renderNodeConfigs(topology, paths, sample, '/builders/ccaas');
    assert.equal(files.length, 2 + 5 + 3 + 1); // crypto-config, configtx, 5 core.yaml, 3 orderer.yaml, collections
    for (const file of files) {
      assert.match(
        file.content,
        /hospital3\.medledger\.local|Hospital3MSP/,
        `${file.path} lacks the fifth org`,
      );
    }
    assert.match(renderCompose(topology), /peer0\.hospital3\.medledger\.local/);
    assert.match(renderCompose(topology), /gateway-hospital3:/);
  });

  it('when the collections config is rendered, then each org has a sealed collection with the regulator that needs both to endorse', () => {
    const topology = resolveTopology(fiveOrgs, 17000);
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
          'sealed-hospital3',
          "OR('Hospital3MSP.member', 'RegulatorMSP.member')",
          "AND('Hospital3MSP.peer', 'RegulatorMSP.peer')",
        ],
      ],
    );
    for (const c of doc) {
      assert.deepEqual(
        [c.requiredPeerCount, c.maxPeerCount, c.blockToLive, c.memberOnlyRead, c.memberOnlyWrite],
        [0, 1, 0, false, false],
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
    assert.equal(profile.Orderer.BatchTimeout, '20ms');
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
      ],
    );
    assert.deepEqual(profile.Application.Capabilities, { V2_5: true });
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
