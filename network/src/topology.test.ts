import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orgKindOf, ROLES_BY_ORG_KIND, type Role } from '@medledger/domain';
import {
  allPeers,
  basePortFromEnv,
  DEFAULT_BASE_PORT,
  defaultTopologySpec,
  demoUsers,
  resolveTopology,
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

  it('when the consortium is resolved, then it has 3 orderers and one peer per org for 5 orgs', () => {
    const t = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT);
    assert.equal(t.ordererOrg.nodes.length, 3);
    assert.deepEqual(
      t.peerOrgs.map((o) => o.mspId),
      ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP', 'RegulatorMSP', 'InsurerMSP'],
    );
    assert.equal(allPeers(t).length, 5);
  });

  it('when no policy is given, then the chaincode needs two of the orgs', () => {
    const t = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT);
    assert.equal(
      t.chaincode.endorsementPolicy,
      "OutOf(2, 'Hospital1MSP.peer', 'Hospital2MSP.peer', 'ResearchMSP.peer', 'RegulatorMSP.peer', 'InsurerMSP.peer')",
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
