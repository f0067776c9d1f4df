import { orgKindOf, sealedCollection } from './ids';

/**
 * One private data collection: what the network writes into the chaincode definition's collections
 * config and what the in-memory ledger of the unit tests enforces. Rendered from the consortium's peer
 * orgs, so a fifth hospital gets its collections from a line of topology data.
 */
export interface CollectionSpec {
  /** `sealed-<slug>`, or {@link CUSTODIANS_COLLECTION}. */
  readonly name: string;
  /** Member orgs: their peers hold the values; every other peer holds only hashes. */
  readonly members: readonly string[];
  /** Every one of these orgs' peers must endorse a write (the collection-level endorsement policy). */
  readonly endorsers: readonly string[];
  /**
   * Fabric checks `memberOnlyRead` against the transaction's CREATOR, not the peer: an accessor of
   * another org is the creator of the access decision and of the content read that must read the
   * custodian's sealed collection on the custodian's peers. So reads are open to creators of any org,
   * and the chaincode decides who reads what; non-member peers hold no values at all.
   */
  readonly memberOnlyRead: false;
  /**
   * Sealed collections: false, as an accessor of another org writes its audit event into the
   * custodian's collection. The custodians' collection: true, only its members' admins write it.
   */
  readonly memberOnlyWrite: boolean;
  /** No endorsement needs another peer to acknowledge the data. */
  readonly requiredPeerCount: 0;
  /**
   * No push at endorsement: every member org endorses every write (the collection-level policy), so
   * each member's endorsing peer holds the data from its own simulation. With a push, Fabric sends each
   * endorsement's private data to a peer of every other member org and holds the endorsement until that
   * peer acknowledges or `pushAckTimeout` passes: a redundant message per endorsement, and seconds of
   * waiting when that peer is down. A second peer of a member org pulls the data when it commits.
   */
  readonly maxPeerCount: 0;
  /** Never purged by age: audit facts are kept. */
  readonly blockToLive: 0;
}

/** The sealed collection of one org, shared with the regulator. */
export interface SealedCollectionSpec extends CollectionSpec {
  /** The org whose facts the collection holds. */
  readonly owner: string;
  readonly memberOnlyWrite: false;
}

/**
 * The collection of every custodian (hospital-kind org) and the regulator. It holds the consortium's
 * study pseudonym secret (docs/deidentification.md, "The study key"): the research institute, an
 * insurer or any other kind of org is never a member, so its peers hold only the value's hash.
 */
export const CUSTODIANS_COLLECTION = 'custodians';

/** The regulator among the consortium's peer orgs; exactly one is required. */
export function regulatorOf(orgs: readonly string[]): string {
  const regulators = orgs.filter((o) => orgKindOf(o) === 'regulator');
  const [regulator] = regulators;
  if (regulators.length !== 1 || regulator === undefined) {
    throw new Error(`the consortium needs exactly one regulator org, found ${String(regulators.length)}`);
  }
  return regulator;
}

/** The sealed collection of every peer org, in the order given. */
export function sealedCollections(orgs: readonly string[]): SealedCollectionSpec[] {
  const regulator = regulatorOf(orgs);
  return orgs.map((owner) => {
    const members = owner === regulator ? [owner] : [owner, regulator];
    return {
      name: sealedCollection(owner),
      owner,
      members,
      endorsers: members,
      memberOnlyRead: false,
      memberOnlyWrite: false,
      requiredPeerCount: 0,
      maxPeerCount: 0,
      blockToLive: 0,
    };
  });
}

/**
 * The custodians' collection: every hospital-kind org and the regulator, all of whom endorse its one
 * write, so every member's peer holds the secret from the moment it commits.
 */
export function custodiansCollection(orgs: readonly string[]): CollectionSpec {
  const regulator = regulatorOf(orgs);
  const members = [...orgs.filter((o) => orgKindOf(o) === 'hospital'), regulator];
  return {
    name: CUSTODIANS_COLLECTION,
    members,
    endorsers: members,
    memberOnlyRead: false,
    memberOnlyWrite: true,
    requiredPeerCount: 0,
    maxPeerCount: 0,
    blockToLive: 0,
  };
}

/** Every collection of the chaincode definition: each org's sealed one, then the custodians'. */
export function chaincodeCollections(orgs: readonly string[]): CollectionSpec[] {
  return [...sealedCollections(orgs), custodiansCollection(orgs)];
}

/** The signature policy string of a collection's endorsement policy (`AND('A.peer', 'B.peer')`). */
export function collectionEndorsementPolicy(spec: CollectionSpec): string {
  return `AND(${spec.endorsers.map((o) => `'${o}.peer'`).join(', ')})`;
}

/** The signature policy string of a collection's members (`OR('A.member', 'B.member')`). */
export function collectionMemberPolicy(spec: CollectionSpec): string {
  return `OR(${spec.members.map((o) => `'${o}.member'`).join(', ')})`;
}
