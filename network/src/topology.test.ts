import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orgKindOf, ROLES_BY_ORG_KIND, type Role } from '@medledger/domain';
import {
  allPeers,
  basePortFromEnv,
  consortiumOfSize,
  DEFAULT_BASE_PORT,
  DEFAULT_TOPOLOGY_OPTIONS,
  defaultTopologySpec,
  demoUsers,
  isolatedSubnet,
  MAX_PEERS_PER_ORG,
  orgCountFromEnv,
  peersPerOrgFromEnv,
  portSpan,
  parseTopologyOptions,
  resolveTopology,
  settleOrgCount,
  settlePeersPerOrg,
  settleTopologyOptions,
  sideBySideBasePorts,
  sizedBasePort,
  topologyOptionsFromEnv,
  topologySpecFromEnv,
  twoOrgPolicy,
  withPeersPerOrg,
  type Reachable,
  type Topology,
} from './topology';

function ports(t: Topology): number[] {
  return [
    ...t.ordererOrg.nodes.flatMap((n) => [n.port, n.adminPort, n.operationsPort]),
    ...t.peerOrgs.flatMap((o) => [o.caPort, o.caOperationsPort, o.gatewayPort, o.chaincodeServerPort]),
    ...allPeers(t).flatMap((p) => [p.port, p.chaincodePort, p.operationsPort]),
  ];
}

describe('topology', () => {
  it('when resolved, then every process gets distinct ports', () => {
    const all = ports(resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT));
    assert.equal(new Set(all).size, all.length);
  });

  it('when two networks use different base ports, then their ports do not overlap', () => {
    const a = ports(resolveTopology(defaultTopologySpec, 17000));
    const b = new Set(ports(resolveTopology(defaultTopologySpec, 18000)));
    assert.deepEqual(
      a.filter((p) => b.has(p)),
      [],
    );
  });

  it('when the consortium is resolved, then it has 3 orderers and one peer per org for 6 orgs, three of them hospitals', () => {
    const t = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT);
    assert.equal(t.ordererOrg.nodes.length, 3);
    assert.deepEqual(
      t.peerOrgs.map((o) => o.mspId),
      ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP', 'RegulatorMSP', 'InsurerMSP', 'Hospital3MSP'],
    );
    assert.equal(allPeers(t).length, 6);
    assert.equal(
      t.peerOrgs[5]?.gateway.port,
      DEFAULT_BASE_PORT + 602,
      'the first five orgs keep their ports',
    );
  });

  it('when no policy is given, then the chaincode needs two of the orgs', () => {
    const t = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT);
    assert.equal(
      t.chaincode.endorsementPolicy,
      "OutOf(2, 'Hospital1MSP.peer', 'Hospital2MSP.peer', 'ResearchMSP.peer', 'RegulatorMSP.peer', 'InsurerMSP.peer', 'Hospital3MSP.peer')",
    );
  });

  it('when the insurer is resolved, then it runs its own CA, gateway, chaincode server and peer after the existing orgs, whose ports stay where they were', () => {
    const t = resolveTopology(defaultTopologySpec, 36000);
    const insurer = t.peerOrgs.find((o) => o.mspId === 'InsurerMSP');
    assert.ok(insurer);
    assert.deepEqual(
      [insurer.caPort, insurer.gatewayPort, insurer.chaincodeServerPort, insurer.peerNodes[0]?.port],
      [36500, 36502, 36503, 36510],
    );
    assert.equal(insurer.peerNodes[0]?.name, 'peer0.insurer.medledger.local');
    assert.equal(t.peerOrgs.find((o) => o.mspId === 'RegulatorMSP')?.gatewayPort, 36402);
  });

  it('when each org is checked against the MSP naming rule, then its declared kind is the kind its MSP ID names', () => {
    for (const org of defaultTopologySpec.peerOrgs) assert.equal(orgKindOf(org.mspId), org.kind, org.mspId);
  });

  it('when the insurer demo users are listed, then there is one admin and one claims adjuster, and every demo role is one the chaincode allows for the org kind', () => {
    const insurer = defaultTopologySpec.peerOrgs.find((o) => o.kind === 'insurer');
    assert.ok(insurer);
    assert.deepEqual(
      demoUsers(insurer).map((u) => [u.id, u.role, u.department]),
      [
        ['insurer-admin', 'admin', undefined],
        ['insurer-adjuster-1', 'adjuster', undefined],
      ],
    );
    for (const org of defaultTopologySpec.peerOrgs) {
      const allowed: readonly Role[] = ROLES_BY_ORG_KIND[org.kind];
      for (const user of demoUsers(org)) assert.ok(allowed.includes(user.role as Role), user.id);
    }
  });

  it('when a second peer is added to an org, then it gets its own ports in the org block', () => {
    const spec = {
      ...defaultTopologySpec,
      peerOrgs: defaultTopologySpec.peerOrgs.map((o) => (o.name === 'Hospital1' ? { ...o, peers: 2 } : o)),
    };
    const t = resolveTopology(spec, DEFAULT_BASE_PORT);
    const h1 = t.peerOrgs[0];
    assert.deepEqual(
      h1?.peerNodes.map((p) => p.name),
      ['peer0.hospital1.medledger.local', 'peer1.hospital1.medledger.local'],
    );
    const all = ports(t);
    assert.equal(new Set(all).size, all.length);
  });

  it('when MEDLEDGER_BASE_PORT is not a number, then it is refused with a clear message', () => {
    assert.throws(
      () => basePortFromEnv({ MEDLEDGER_BASE_PORT: 'abc' }),
      /MEDLEDGER_BASE_PORT must be an integer/,
    );
    assert.equal(basePortFromEnv({ MEDLEDGER_BASE_PORT: '20000' }), 20000);
    assert.equal(basePortFromEnv({}), DEFAULT_BASE_PORT);
  });

  it('when an org is declared of another kind than its MSP ID names, or there is no single regulator, then resolving fails', () => {
    const [h1, h2, research] = defaultTopologySpec.peerOrgs;
    if (h1 === undefined || h2 === undefined || research === undefined) throw new Error('topology');
    assert.throws(
      () => resolveTopology({ ...defaultTopologySpec, peerOrgs: [{ ...h1, kind: 'research' }, h2] }, 17000),
      /Hospital1MSP is named as a hospital org but declared research/,
    );
    assert.throws(
      () => resolveTopology({ ...defaultTopologySpec, peerOrgs: [h1, h2, research] }, 17000),
      /exactly one regulator/,
    );
  });

  it('when the base port leaves no room, then resolving fails', () => {
    assert.throws(() => resolveTopology(defaultTopologySpec, 65400), /leaves no room/);
  });
});

/** Every service of a topology that other services or this machine's tools dial. */
function services(t: Topology): Reachable[] {
  return [
    ...t.ordererOrg.nodes,
    ...t.peerOrgs.flatMap((o) => [o.ca, o.chaincodeServer, o.gateway]),
    ...allPeers(t),
  ];
}

describe('topology options', () => {
  it('when BFT ordering is chosen, then four orderers (3f+1 for f = 1) get consenter ids 1 to 4 and distinct ports', () => {
    const t = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT, { ordering: 'bft', hosts: 'loopback' });
    assert.equal(t.ordererType, 'BFT');
    assert.deepEqual(
      t.ordererOrg.nodes.map((n) => [n.shortName, n.consenterId, n.port]),
      [
        ['orderer0', 1, 17000],
        ['orderer1', 2, 17010],
        ['orderer2', 3, 17020],
        ['orderer3', 4, 17030],
      ],
    );
    const all = ports(t);
    assert.equal(new Set(all).size, all.length);
    assert.equal(resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT).ordererType, 'etcdraft');
  });

  it('when hosts are loopback, then every service is dialled and reached at 127.0.0.1 and nothing runs in a namespace', () => {
    const t = resolveTopology(defaultTopologySpec, 27000);
    for (const s of services(t)) {
      assert.equal(s.endpoint, `127.0.0.1:${String(s.port)}`, s.host);
      assert.equal(s.address, s.endpoint, s.host);
    }
    assert.deepEqual(
      [t.ordererOrg.namespace, ...t.peerOrgs.map((o) => o.namespace)],
      [undefined, undefined, undefined, undefined, undefined, undefined, undefined],
    );
    assert.equal(t.peerOrgs[0]?.listenHost, '127.0.0.1');
  });

  it('when hosts are isolated, then services dial each other by host name and this machine reaches each org at an address of its own', () => {
    const t = resolveTopology(defaultTopologySpec, 27000, { ordering: 'raft', hosts: 'isolated' });
    const { prefix } = isolatedSubnet(27000);
    assert.equal(prefix, '10.77.14');
    for (const s of services(t)) {
      assert.equal(s.endpoint, `${s.host}:${String(s.port)}`);
      assert.equal(s.address, `${s.ip}:${String(s.port)}`);
      assert.match(s.host, /^[a-z0-9-]+\.[a-z0-9]+\.medledger\.local$/);
    }
    assert.deepEqual(
      [t.ordererOrg.nodes[0]?.ip, ...t.peerOrgs.map((o) => o.ip)],
      [
        '10.77.14.2',
        '10.77.14.10',
        '10.77.14.11',
        '10.77.14.12',
        '10.77.14.13',
        '10.77.14.14',
        '10.77.14.15',
      ],
    );
    const hospital2 = t.peerOrgs[1];
    assert.ok(hospital2);
    assert.equal(hospital2.ca.host, 'fabric-ca.hospital2.medledger.local');
    assert.equal(hospital2.gateway.address, '10.77.14.11:27202');
    const namespaces = [t.ordererOrg.namespace, ...t.peerOrgs.map((o) => o.namespace)];
    assert.deepEqual(namespaces, [
      'medledger-27000-orderers',
      'medledger-27000-hospital1',
      'medledger-27000-hospital2',
      'medledger-27000-research',
      'medledger-27000-regulator',
      'medledger-27000-insurer',
      'medledger-27000-hospital3',
    ]);
    assert.equal(t.peerOrgs[0]?.listenHost, '0.0.0.0');
  });

  it('when hosts are for containers, then services dial host names and this machine reaches the published ports on loopback', () => {
    const t = resolveTopology(defaultTopologySpec, 27000, { ordering: 'bft', hosts: 'containers' });
    for (const s of services(t)) {
      assert.equal(s.endpoint, `${s.host}:${String(s.port)}`);
      assert.equal(s.address, `127.0.0.1:${String(s.port)}`);
    }
    assert.equal(t.peerOrgs[0]?.namespace, undefined);
  });

  it('when two networks run side by side one port span apart (700 ports for six orgs), then their isolated subnets differ', () => {
    assert.equal(portSpan(defaultTopologySpec), 700);
    assert.notEqual(isolatedSubnet(17000).prefix, isolatedSubnet(17700).prefix);
    assert.notEqual(isolatedSubnet(17000).prefix, isolatedSubnet(27000).prefix);
  });

  it('when the environment asks for options, then they are read, and a value outside the choices is refused', () => {
    assert.deepEqual(topologyOptionsFromEnv({}), {});
    assert.deepEqual(topologyOptionsFromEnv({ MEDLEDGER_ORDERER: 'BFT', MEDLEDGER_ISOLATED_HOSTS: '1' }), {
      ordering: 'bft',
      hosts: 'isolated',
    });
    assert.deepEqual(topologyOptionsFromEnv({ MEDLEDGER_HOSTS: 'containers' }), { hosts: 'containers' });
    assert.deepEqual(topologyOptionsFromEnv({ MEDLEDGER_ISOLATED_HOSTS: '0' }), { hosts: 'loopback' });
    assert.throws(
      () => topologyOptionsFromEnv({ MEDLEDGER_ORDERER: 'pbft' }),
      /MEDLEDGER_ORDERER must be raft or bft/,
    );
    assert.throws(() => topologyOptionsFromEnv({ MEDLEDGER_ISOLATED_HOSTS: 'yes' }), /must be 1 or 0/);
    assert.throws(
      () => topologyOptionsFromEnv({ MEDLEDGER_HOSTS: 'docker' }),
      /MEDLEDGER_HOSTS must be one of/,
    );
    assert.throws(
      () => topologyOptionsFromEnv({ MEDLEDGER_HOSTS: 'containers', MEDLEDGER_ISOLATED_HOSTS: '1' }),
      /contradicts/,
    );
  });

  it('when the environment sets the shim batch size, then the topology carries it (0 turns batching off), and a value that is not a count is refused', () => {
    assert.equal(resolveTopology(topologySpecFromEnv({}), 17000).shimBatchSize, 1000);
    assert.equal(topologySpecFromEnv({ MEDLEDGER_SHIM_BATCH: '0' }).shimBatchSize, 0);
    assert.equal(topologySpecFromEnv({ MEDLEDGER_SHIM_BATCH: ' 250 ' }).shimBatchSize, 250);
    for (const bad of ['-1', 'off', '1e3', '2.5']) {
      assert.throws(() => topologySpecFromEnv({ MEDLEDGER_SHIM_BATCH: bad }), /MEDLEDGER_SHIM_BATCH must be/);
    }
  });

  it('when a network was generated with options, then later commands use them and asking for others says how to start afresh', () => {
    const bft = { ordering: 'bft', hosts: 'isolated' } as const;
    assert.deepEqual(settleTopologyOptions(undefined, {}, '/s'), DEFAULT_TOPOLOGY_OPTIONS);
    assert.deepEqual(settleTopologyOptions(undefined, { ordering: 'bft' }, '/s'), {
      ordering: 'bft',
      hosts: 'loopback',
    });
    assert.deepEqual(settleTopologyOptions(bft, {}, '/s'), bft);
    assert.deepEqual(settleTopologyOptions(bft, { ordering: 'bft' }, '/s'), bft);
    assert.throws(
      () => settleTopologyOptions(bft, { ordering: 'raft' }, '/s'),
      /generated with ordering bft, hosts isolated.*ordering raft.*network:clean/,
    );
    assert.deepEqual(parseTopologyOptions({ ordering: 'raft', hosts: 'containers' }), {
      ordering: 'raft',
      hosts: 'containers',
    });
    assert.equal(parseTopologyOptions({ ordering: 'kafka', hosts: 'loopback' }), undefined);
    assert.equal(parseTopologyOptions('raft'), undefined);
  });
});

describe('consortium size', () => {
  it('when four orgs are asked for, then they are the two hospitals, the research institute and the regulator, on the ports they have in the default', () => {
    const four = resolveTopology(consortiumOfSize(defaultTopologySpec, 4), 20000);
    const six = resolveTopology(defaultTopologySpec, 20000);
    assert.deepEqual(
      four.peerOrgs.map((o) => o.name),
      ['Hospital1', 'Hospital2', 'Research', 'Regulator'],
    );
    assert.deepEqual(
      four.peerOrgs.map((o) => o.gatewayPort),
      six.peerOrgs.slice(0, 4).map((o) => o.gatewayPort),
    );
    assert.equal(four.chaincode.endorsementPolicy, twoOrgPolicy(four.peerOrgs));
    assert.equal(portSpan(consortiumOfSize(defaultTopologySpec, 4)), 500);
  });

  it('when eight orgs are asked for, then Hospital4 and Hospital5 follow the default orgs with port blocks and names of their own', () => {
    const spec = consortiumOfSize(defaultTopologySpec, 8);
    const eight = resolveTopology(spec, 20000);
    assert.deepEqual(
      eight.peerOrgs.slice(6).map((o) => [o.name, o.mspId, o.domain, o.kind, o.caPort]),
      [
        ['Hospital4', 'Hospital4MSP', 'hospital4.medledger.local', 'hospital', 20700],
        ['Hospital5', 'Hospital5MSP', 'hospital5.medledger.local', 'hospital', 20800],
      ],
    );
    const all = ports(eight);
    assert.equal(new Set(all).size, all.length);
    assert.match(eight.chaincode.endorsementPolicy, /'Hospital5MSP\.peer'\)$/);
    assert.equal(portSpan(spec), 900);
  });

  it('when fewer than four orgs or a fraction are asked for, then the size is refused', () => {
    assert.throws(() => consortiumOfSize(defaultTopologySpec, 3), /at least 4 orgs/);
    assert.throws(() => consortiumOfSize(defaultTopologySpec, 6.5), /at least 4 orgs/);
    assert.throws(() => orgCountFromEnv({ MEDLEDGER_ORGS: '3' }), /MEDLEDGER_ORGS must be a whole number/);
    assert.throws(
      () => orgCountFromEnv({ MEDLEDGER_ORGS: 'eight' }),
      /MEDLEDGER_ORGS must be a whole number/,
    );
    assert.equal(orgCountFromEnv({ MEDLEDGER_ORGS: ' 8 ' }), 8);
    assert.equal(orgCountFromEnv({}), undefined);
  });

  it('when a network was generated with a size, then later commands keep it and asking for another says how to start afresh', () => {
    assert.equal(settleOrgCount(undefined, undefined, false, '/x'), 6);
    assert.equal(settleOrgCount(undefined, 8, false, '/x'), 8);
    assert.equal(settleOrgCount(8, undefined, true, '/x'), 8);
    assert.equal(settleOrgCount(8, 8, true, '/x'), 8);
    // State generated before sizes were recorded has the default's six orgs.
    assert.equal(settleOrgCount(undefined, undefined, true, '/x'), 6);
    assert.throws(() => settleOrgCount(undefined, 4, true, '/x'), /generated with 6 orgs.*network:clean/);
    assert.throws(() => settleOrgCount(8, 4, true, '/x'), /generated with 8 orgs/);
  });

  it('when every org runs the most peers a port block holds, then each peer has ports of its own in its org block and the chaincode definition still names the orgs', () => {
    const spec = withPeersPerOrg(defaultTopologySpec, MAX_PEERS_PER_ORG);
    const t = resolveTopology(spec, DEFAULT_BASE_PORT);
    assert.equal(allPeers(t).length, defaultTopologySpec.peerOrgs.length * MAX_PEERS_PER_ORG);
    const all = ports(t);
    assert.equal(new Set(all).size, all.length);
    const regulator = t.peerOrgs.find((o) => o.name === 'Regulator');
    assert.deepEqual(
      regulator?.peerNodes.map((p) => p.shortName),
      ['peer0-regulator', 'peer1-regulator', 'peer2-regulator', 'peer3-regulator'],
    );
    for (const org of t.peerOrgs)
      for (const peer of org.peerNodes) {
        assert.ok(peer.port >= org.caPort && peer.port < org.caPort + 100, `${peer.shortName} in its block`);
      }
    assert.equal(
      t.chaincode.endorsementPolicy,
      resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT).chaincode.endorsementPolicy,
    );
  });

  it('when MEDLEDGER_PEERS asks for peers per org, then 1 to 4 are taken and anything else is refused; a network keeps what it was generated with, and without either every org runs the peers the topology gives it', () => {
    assert.equal(peersPerOrgFromEnv({}), undefined);
    assert.equal(peersPerOrgFromEnv({ MEDLEDGER_PEERS: ' 2 ' }), 2);
    for (const bad of ['0', '5', 'two', '1.5'])
      assert.throws(
        () => peersPerOrgFromEnv({ MEDLEDGER_PEERS: bad }),
        /MEDLEDGER_PEERS must be a whole number of peers per org from 1 to 4/,
      );
    // Nothing asked or recorded: every org runs the peers the topology gives it.
    assert.equal(settlePeersPerOrg(undefined, undefined, false, '/x'), undefined);
    assert.equal(withPeersPerOrg(defaultTopologySpec, undefined), defaultTopologySpec);
    assert.equal(settlePeersPerOrg(undefined, 2, false, '/x'), 2);
    assert.equal(settlePeersPerOrg(2, undefined, true, '/x'), 2);
    assert.equal(settlePeersPerOrg(2, 2, true, '/x'), 2);
    assert.throws(() => settlePeersPerOrg(1, 2, true, '/x'), /generated with 1 peers per org.*network:clean/);
    // State generated without a record (before it existed, or a topology whose orgs differ) keeps its own.
    assert.equal(settlePeersPerOrg(undefined, undefined, true, '/x'), undefined);
    assert.throws(
      () => settlePeersPerOrg(undefined, 2, true, '/x'),
      /generated with the topology's own peers per org.*network:clean/,
    );
  });

  it('when networks run side by side, then their base ports are the widest span apart, at least the default one', () => {
    const specs = [4, 8].map((n) => consortiumOfSize(defaultTopologySpec, n));
    assert.deepEqual(sideBySideBasePorts(20000, specs), [20900, 21800]);
    assert.deepEqual(sideBySideBasePorts(20000, [specs[0] ?? defaultTopologySpec]), [20700]);
  });

  it('when networks of several sizes run beside the caller, then each size has its own ports whichever others run', () => {
    assert.equal(sizedBasePort(20000, defaultTopologySpec, 4), 20700);
    assert.equal(sizedBasePort(20000, defaultTopologySpec, 6), 20700 + 500 + 600);
    assert.equal(sizedBasePort(20000, defaultTopologySpec, 8), 20700 + 500 + 600 + 700 + 800);
    const four = resolveTopology(
      consortiumOfSize(defaultTopologySpec, 4),
      sizedBasePort(20000, defaultTopologySpec, 4),
    );
    const five = sizedBasePort(20000, defaultTopologySpec, 5);
    assert.ok(Math.max(...ports(four)) < five, 'the 4-org network ends before the 5-org one begins');
  });
});
