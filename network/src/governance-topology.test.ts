import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { governedContext } from './governance';
import { StatePaths } from './paths';
import {
  admittedOrgSpec,
  allPeers,
  consortiumOfSize,
  defaultTopologySpec,
  EMPTY_GOVERNANCE,
  parseGovernanceRecord,
  resolveTopology,
  withGovernance,
  withPeersPerOrg,
  type Topology,
} from './topology';

function ports(t: Topology): number[] {
  return [
    ...t.peerOrgs.flatMap((o) => [o.caPort, o.caOperationsPort, o.gatewayPort, o.chaincodeServerPort]),
    ...allPeers(t).flatMap((p) => [p.port, p.chaincodePort, p.operationsPort]),
  ];
}

/** Each org's ports, by MSP ID. */
function orgPorts(t: Topology): Record<string, number[]> {
  return Object.fromEntries(
    t.peerOrgs.map((o) => [
      o.mspId,
      [o.caPort, o.gatewayPort, o.chaincodeServerPort, ...o.peerNodes.map((p) => p.port)],
    ]),
  );
}

/** A hospital name no test used before. */
function hospitalName(): string {
  return `Hospital${String(3 + (randomBytes(1)[0] ?? 0))}`;
}

describe('what governance recorded, merged into the topology', () => {
  it('when an org was admitted, then it follows the generated orgs, which keep their ports, and the policy names every org', () => {
    const name = hospitalName();
    const admitted = admittedOrgSpec(defaultTopologySpec, name, 'hospital');
    const before = resolveTopology(defaultTopologySpec, 25000);
    const after = resolveTopology(withGovernance(defaultTopologySpec, { admittedOrgs: [admitted] }), 25000);
    assert.deepEqual(
      after.peerOrgs.map((o) => o.mspId),
      [...before.peerOrgs.map((o) => o.mspId), `${name}MSP`],
    );
    assert.deepEqual(
      { ...orgPorts(after), [`${name}MSP`]: undefined },
      {
        ...orgPorts(before),
        [`${name}MSP`]: undefined,
      },
    );
    assert.equal(new Set(ports(after)).size, ports(after).length);
    assert.match(after.chaincode.endorsementPolicy, new RegExp(`^OutOf\\(2, .*'${name}MSP\\.peer'\\)$`));
    assert.equal(after.peerOrgs.at(-1)?.domain, `${name.toLowerCase()}.medledger.local`);
  });

  it('when a network generated with eight orgs of two peers admits an org, then the governed topology keeps both, and the newcomer runs two peers too in the next port block', () => {
    const root = mkdtempSync(join(tmpdir(), 'medledger-governed-'));
    try {
      const paths = new StatePaths(root);
      mkdirSync(paths.cryptoDir, { recursive: true });
      writeFileSync(paths.orgCountFile, JSON.stringify({ orgs: 8, peers: 2 }));
      const generated = withPeersPerOrg(consortiumOfSize(defaultTopologySpec, 8), 2);
      const ctx = {
        install: undefined as never,
        topology: resolveTopology(generated, 25000),
        paths,
        benchLoader: false,
      };
      const newcomer = admittedOrgSpec(generated, 'Hospital9', 'hospital');
      const next = governedContext(ctx, { admittedOrgs: [newcomer] }, {});
      assert.deepEqual(
        next.topology.peerOrgs.map((o) => `${o.name}:${String(o.peerNodes.length)}`),
        [...generated.peerOrgs.map((o) => `${o.name}:2`), 'Hospital9:2'],
      );
      assert.equal(new Set(ports(next.topology)).size, ports(next.topology).length);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('when an upgrade was committed, then its version, sequence and server slot (the other port) apply', () => {
    const chaincode = {
      version: `0.${String(randomBytes(1)[0] ?? 0)}.0`,
      sequence: 4,
      serverSlot: 1,
    } as const;
    const t = resolveTopology(withGovernance(defaultTopologySpec, { admittedOrgs: [], chaincode }), 25000);
    const base = resolveTopology(defaultTopologySpec, 25000);
    assert.equal(t.chaincode.version, chaincode.version);
    assert.equal(t.chaincode.sequence, 4);
    assert.deepEqual(
      t.peerOrgs.map((o) => o.chaincodeServerPort),
      base.peerOrgs.map((o) => o.chaincodeServerPort + 1),
    );
    assert.equal(t.chaincode.endorsementPolicy, base.chaincode.endorsementPolicy);
    assert.deepEqual(withGovernance(defaultTopologySpec, EMPTY_GOVERNANCE), defaultTopologySpec);
  });

  it('when the org asked for is a member, a second regulator, misnamed for its kind or badly named, then it is refused', () => {
    assert.throws(() => admittedOrgSpec(defaultTopologySpec, 'Hospital1', 'hospital'), /already a member/);
    assert.throws(
      () => admittedOrgSpec(defaultTopologySpec, 'Regulator2', 'regulator'),
      /exactly one regulator/,
    );
    assert.throws(() => admittedOrgSpec(defaultTopologySpec, 'Clinic4', 'hospital'), /MSP ID/);
    assert.throws(() => admittedOrgSpec(defaultTopologySpec, 'Hospital3', 'insurer'), /MSP ID/);
    assert.throws(() => admittedOrgSpec(defaultTopologySpec, 'hospital 3', 'hospital'), /--name/);
    assert.equal(admittedOrgSpec(defaultTopologySpec, 'Research2', 'research').kind, 'research');
  });

  it('when every member runs two peers, then an admitted org runs two as well; when members differ, one', () => {
    const twoEach = withPeersPerOrg(defaultTopologySpec, 2);
    assert.equal(admittedOrgSpec(defaultTopologySpec, 'Hospital7', 'hospital').peers, 1);
    assert.equal(admittedOrgSpec(twoEach, 'Hospital7', 'hospital').peers, 2);
    const mixed = {
      ...twoEach,
      peerOrgs: twoEach.peerOrgs.map((o, i) => (i === 0 ? { ...o, peers: 1 } : o)),
    };
    assert.equal(admittedOrgSpec(mixed, 'Hospital7', 'hospital').peers, 1);
    const admitted = resolveTopology(
      withGovernance(twoEach, { admittedOrgs: [admittedOrgSpec(twoEach, 'Hospital7', 'hospital')] }),
      25000,
    ).peerOrgs.find((o) => o.name === 'Hospital7');
    assert.deepEqual(
      admitted?.peerNodes.map((p) => p.name),
      ['peer0.hospital7.medledger.local', 'peer1.hospital7.medledger.local'],
    );
  });

  it('when the record is read back, then what was written is what is read, and anything else is refused', () => {
    const org = admittedOrgSpec(defaultTopologySpec, hospitalName(), 'hospital');
    const record = {
      admittedOrgs: [org],
      chaincode: { version: '0.1.1', sequence: 3, serverSlot: 1 as const },
    };
    assert.deepEqual(parseGovernanceRecord(JSON.parse(JSON.stringify(record)), 'g.json'), record);
    assert.deepEqual(parseGovernanceRecord({ admittedOrgs: [] }, 'g.json'), EMPTY_GOVERNANCE);
    for (const bad of [
      null,
      { admittedOrgs: 'x' },
      { admittedOrgs: [{ ...org, kind: 'research' }] },
      { admittedOrgs: [{ ...org, mspId: 'ClinicMSP', kind: 'other' }] },
      { admittedOrgs: [], chaincode: { version: '1', sequence: 2, serverSlot: 2 } },
    ]) {
      assert.throws(() => parseGovernanceRecord(bad, 'g.json'), /g\.json is not a governance record/);
    }
  });
});
