/**
 * The consortium as data. Every config file, process and port of the local network is derived from
 * this description, so adding a fifth hospital or a second peer is a change here and nowhere else.
 */
import { orgKindOf, PROPOSAL_TIME_WINDOW_SECONDS, regulatorOf } from '@medledger/domain';

/** A peer-running organization (hospital, research institute, regulator). */
export interface PeerOrgSpec {
  /** Short name used in paths, process names and the REST gateway (e.g. `Hospital1`). */
  readonly name: string;
  readonly mspId: string;
  /** DNS-style domain for certificate names; processes still listen on loopback. */
  readonly domain: string;
  /** What kind of member this is; decides which demo users are enrolled. */
  readonly kind: 'hospital' | 'research' | 'regulator';
  /** Number of peers this org runs (peer0, peer1, ...). */
  readonly peers: number;
}

/** The ordering organization and its Raft nodes. */
export interface OrdererOrgSpec {
  readonly name: string;
  readonly mspId: string;
  readonly domain: string;
  /** Number of Raft orderers (orderer0, orderer1, ...). */
  readonly orderers: number;
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
}

/**
 * Ordering parameters. BatchTimeout is tuned for latency: a doctor waits for every write, and with
 * Fabric's default of 2 s a lightly loaded network would hold each transaction for up to 2 s before
 * cutting a block. 20 ms keeps the wait for the block short while still letting several transactions
 * share a block under load; MaxMessageCount caps how long a busy batch can grow.
 */
export interface OrderingSpec {
  readonly batchTimeout: string;
  readonly maxMessageCount: number;
  readonly absoluteMaxBytes: string;
  readonly preferredMaxBytes: string;
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
}

/** The MedLedger consortium (docs/architecture.md, the consortium). */
export const defaultTopologySpec: TopologySpec = {
  channel: 'medchannel',
  ordererOrg: { name: 'Orderer', mspId: 'OrdererMSP', domain: 'orderer.medledger.local', orderers: 3 },
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
  ],
  chaincode: {
    name: 'medledger',
    version: '0.1.0',
    sequence: 1,
    endorsementPolicy: '', // filled in by withDefaultPolicy: OutOf(2, every org's peer)
  },
  ordering: {
    batchTimeout: '20ms',
    maxMessageCount: 500,
    absoluteMaxBytes: '10 MB',
    preferredMaxBytes: '2 MB',
  },
  proposalTimeWindowSeconds: PROPOSAL_TIME_WINDOW_SECONDS,
  cryptoProfile: 'international',
};

/** The default topology with the crypto profile of `MEDLEDGER_CRYPTO_PROFILE` when set. */
export function topologySpecFromEnv(env: NodeJS.ProcessEnv = process.env): TopologySpec {
  const raw = env.MEDLEDGER_CRYPTO_PROFILE;
  if (raw === undefined || raw === '') return defaultTopologySpec;
  if (raw !== 'international' && raw !== 'sm')
    throw new Error(`MEDLEDGER_CRYPTO_PROFILE must be international or sm, got ${JSON.stringify(raw)}`);
  return { ...defaultTopologySpec, cryptoProfile: raw };
}

/** One peer process with its ports. */
export interface PeerNode {
  readonly name: string; // peer0.hospital1.medledger.local
  readonly shortName: string; // peer0-hospital1
  readonly org: PeerOrg;
  readonly index: number;
  readonly port: number;
  readonly chaincodePort: number;
  readonly operationsPort: number;
  readonly address: string; // 127.0.0.1:port
}

export interface PeerOrg extends PeerOrgSpec {
  readonly slug: string;
  readonly caPort: number;
  readonly caOperationsPort: number;
  readonly gatewayPort: number;
  readonly chaincodeServerPort: number;
  readonly peerNodes: readonly PeerNode[];
}

export interface OrdererNode {
  readonly name: string; // orderer0.orderer.medledger.local
  readonly shortName: string; // orderer0
  readonly index: number;
  readonly port: number;
  readonly adminPort: number;
  readonly operationsPort: number;
  readonly address: string;
}

/** The topology with every port and name resolved. */
export interface Topology {
  readonly basePort: number;
  readonly channel: string;
  readonly ordererOrg: OrdererOrgSpec & { readonly slug: string; readonly nodes: readonly OrdererNode[] };
  readonly peerOrgs: readonly PeerOrg[];
  readonly chaincode: ChaincodeSpec;
  readonly ordering: OrderingSpec;
  readonly proposalTimeWindowSeconds: number;
  readonly cryptoProfile: 'international' | 'sm';
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
 * Resolves names and ports. Orderers take `base .. base+99` (10 ports each); peer org k takes the block
 * `base + 100*(k+1)`: CA at +0, CA operations +1, REST gateway +2, chaincode server +3, and peer p at
 * `+10*(p+1)` (listen +0, chaincode +1, operations +2).
 */
export function resolveTopology(spec: TopologySpec, basePort: number): Topology {
  // The chaincode reads an org's kind from its MSP ID, and the sealed collections need one regulator.
  for (const org of spec.peerOrgs) {
    if (orgKindOf(org.mspId) !== org.kind) {
      throw new Error(`${org.mspId} is named as a ${orgKindOf(org.mspId)} org but declared ${org.kind}`);
    }
  }
  regulatorOf(spec.peerOrgs.map((o) => o.mspId));
  if (
    !Number.isInteger(basePort) ||
    basePort < 1024 ||
    basePort + ORG_BLOCK * (spec.peerOrgs.length + 1) > 65535
  ) {
    throw new Error(`base port ${basePort} leaves no room for ${spec.peerOrgs.length} orgs`);
  }
  const nodes: OrdererNode[] = [];
  for (let i = 0; i < spec.ordererOrg.orderers; i++) {
    const port = basePort + PEER_BLOCK * i;
    nodes.push({
      name: `orderer${i}.${spec.ordererOrg.domain}`,
      shortName: `orderer${i}`,
      index: i,
      port,
      adminPort: port + 1,
      operationsPort: port + 2,
      address: `127.0.0.1:${port}`,
    });
  }
  const peerOrgs = spec.peerOrgs.map((orgSpec, k): PeerOrg => {
    const orgBase = basePort + ORG_BLOCK * (k + 1);
    const slug = slugOf(orgSpec.name);
    const peerNodes: PeerNode[] = [];
    const org: PeerOrg = {
      ...orgSpec,
      slug,
      caPort: orgBase,
      caOperationsPort: orgBase + 1,
      gatewayPort: orgBase + 2,
      chaincodeServerPort: orgBase + 3,
      peerNodes,
    };
    for (let p = 0; p < orgSpec.peers; p++) {
      const port = orgBase + PEER_BLOCK * (p + 1);
      peerNodes.push({
        name: `peer${p}.${orgSpec.domain}`,
        shortName: `peer${p}-${slug}`,
        org,
        index: p,
        port,
        chaincodePort: port + 1,
        operationsPort: port + 2,
        address: `127.0.0.1:${port}`,
      });
    }
    return org;
  });
  const chaincode = spec.chaincode.endorsementPolicy
    ? spec.chaincode
    : { ...spec.chaincode, endorsementPolicy: twoOrgPolicy(spec.peerOrgs) };
  return {
    basePort,
    channel: spec.channel,
    ordererOrg: { ...spec.ordererOrg, slug: slugOf(spec.ordererOrg.name), nodes },
    peerOrgs,
    chaincode,
    ordering: spec.ordering,
    proposalTimeWindowSeconds: spec.proposalTimeWindowSeconds,
    cryptoProfile: spec.cryptoProfile,
  };
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
  }
}
