/**
 * Where a federated round is anchored. The coordinator calls a {@link RoundAnchor} for every step: each
 * site's update (hash and sample count), then the aggregate (its hash, the Merkle root over the updates
 * it used and the tree size). {@link LocalRoundLog} keeps the anchors in the process, for runs without a
 * consortium; the ledger's implementation submits the same facts through the gateway's study routes.
 */
import {
  canonicalJson,
  merkleProof,
  merkleRoot,
  modelUpdateLeafHash,
  sha256Hex,
  verifyMerkleProof,
  type MerkleProof,
  type ModelUpdateLeaf,
} from '@medledger/domain';
import type { Weights } from './model';

/** An aggregate as anchored: which round, the aggregate's hash and the tree over the updates it used. */
export interface AggregateAnchor {
  readonly studyId: string;
  readonly round: number;
  readonly aggregateHash: string;
  readonly merkleRoot: string;
  readonly treeSize: number;
}

/** The anchoring hooks of a federated run. */
export interface RoundAnchor {
  /** Anchors one site's update (called by or for the site, before aggregation). */
  anchorUpdate(leaf: ModelUpdateLeaf): Promise<void>;
  /** Anchors the aggregate of a round, with the leaves it used in tree order. */
  anchorAggregate(aggregate: AggregateAnchor, leaves: readonly ModelUpdateLeaf[]): Promise<void>;
  /** The anchored aggregate of a round, as a verifier reads it back. */
  aggregateOf(studyId: string, round: number): Promise<AggregateAnchor | undefined>;
}

/** The hash of a model's parameters: SHA-256 of their canonical JSON. */
export function weightsHash(weights: Weights): string {
  return sha256Hex(canonicalJson([...weights]));
}

/**
 * The leaves of an aggregate in tree order (by site), so the aggregator and any verifier build the same
 * tree from the same updates.
 */
export function treeOrder(leaves: readonly ModelUpdateLeaf[]): ModelUpdateLeaf[] {
  return [...leaves].sort((a, b) => (a.site < b.site ? -1 : a.site > b.site ? 1 : 0));
}

/** The root of the tree over `leaves` (in tree order) and each leaf's inclusion proof. */
export function roundTree(leaves: readonly ModelUpdateLeaf[]): {
  root: string;
  proofs: { leaf: ModelUpdateLeaf; proof: MerkleProof }[];
} {
  const ordered = treeOrder(leaves);
  const hashes = ordered.map(modelUpdateLeafHash);
  return {
    root: merkleRoot(hashes),
    proofs: ordered.map((leaf, i) => ({ leaf, proof: merkleProof(hashes, i) })),
  };
}

/**
 * True when `leaf` is included in the anchored aggregate of its round: the proof is checked against the
 * root and tree size read from the anchor, never the prover's.
 */
export async function verifyInclusion(
  anchor: RoundAnchor,
  leaf: ModelUpdateLeaf,
  proof: MerkleProof,
): Promise<boolean> {
  const aggregate = await anchor.aggregateOf(leaf.studyId, leaf.round);
  if (!aggregate || proof.treeSize !== aggregate.treeSize) return false;
  return verifyMerkleProof(modelUpdateLeafHash(leaf), proof, aggregate.merkleRoot);
}

/**
 * Anchors kept in this process. It refuses what the ledger refuses: a second update of a site in a
 * round, a second aggregate of a round, and an aggregate whose root or size does not match leaves
 * that were all anchored as updates.
 */
export class LocalRoundLog implements RoundAnchor {
  readonly #updates = new Map<string, string>();
  readonly #aggregates = new Map<string, AggregateAnchor>();

  anchorUpdate(leaf: ModelUpdateLeaf): Promise<void> {
    const key = `${leaf.studyId}\u0000${String(leaf.round)}\u0000${leaf.site}`;
    if (this.#updates.has(key))
      return Promise.reject(
        new Error(`update of ${leaf.site} in round ${String(leaf.round)} already anchored`),
      );
    this.#updates.set(key, modelUpdateLeafHash(leaf));
    return Promise.resolve();
  }

  anchorAggregate(aggregate: AggregateAnchor, leaves: readonly ModelUpdateLeaf[]): Promise<void> {
    const key = `${aggregate.studyId}\u0000${String(aggregate.round)}`;
    if (this.#aggregates.has(key))
      return Promise.reject(new Error(`round ${String(aggregate.round)} already aggregated`));
    for (const leaf of leaves) {
      const anchored = this.#updates.get(`${leaf.studyId}\u0000${String(leaf.round)}\u0000${leaf.site}`);
      if (anchored !== modelUpdateLeafHash(leaf) || leaf.round !== aggregate.round) {
        return Promise.reject(
          new Error(`update of ${leaf.site} was not anchored for round ${String(aggregate.round)}`),
        );
      }
    }
    const { root } = roundTree(leaves);
    if (root !== aggregate.merkleRoot || leaves.length !== aggregate.treeSize) {
      return Promise.reject(new Error('the Merkle root does not match the updates'));
    }
    this.#aggregates.set(key, aggregate);
    return Promise.resolve();
  }

  aggregateOf(studyId: string, round: number): Promise<AggregateAnchor | undefined> {
    return Promise.resolve(this.#aggregates.get(`${studyId}\u0000${String(round)}`));
  }
}
