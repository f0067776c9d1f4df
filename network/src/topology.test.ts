import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allPeers,
  basePortFromEnv,
  DEFAULT_BASE_PORT,
  defaultTopologySpec,
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

  it('when the consortium is resolved, then it has 3 orderers and one peer per org for 4 orgs', () => {
    const t = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT);
    assert.equal(t.ordererOrg.nodes.length, 3);
    assert.deepEqual(
      t.peerOrgs.map((o) => o.mspId),
      ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP', 'RegulatorMSP'],
    );
    assert.equal(allPeers(t).length, 4);
  });

  it('when no policy is given, then the chaincode needs two of the orgs', () => {
    const t = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT);
    assert.equal(
      t.chaincode.endorsementPolicy,
      "OutOf(2, 'Hospital1MSP.peer', 'Hospital2MSP.peer', 'ResearchMSP.peer', 'RegulatorMSP.peer')",
    );
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
