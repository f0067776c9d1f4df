/**
 * A Merkle tree over the model updates an aggregator used in a federated round, with inclusion proofs
 * any site or verifier can check against the root anchored on the ledger.
 *
 * The tree is RFC 9162's (Certificate Transparency 2.0, section 2.1): SHA-256, a leaf hashed as
 * `H(0x00 || leaf)`, an inner node as `H(0x01 || left || right)`, and a list of n leaves split at the
 * largest power of two below n. The distinct prefixes stop a leaf from being passed off as an inner
 * node (second preimages), and splitting instead of duplicating the last leaf means no two different
 * leaf lists share a root (the duplicated-leaf flaw of Bitcoin's tree, CVE-2012-2459). The empty tree's
 * root is `H()`. Proofs are RFC 9162 audit paths, checked with its verification algorithm (2.1.3.2).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalBytes } from '../digest';
import { mspIdSchema, sha256HexSchema, SHA256_HEX_PATTERN, studyIdSchema } from '../ids';

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function fromHex(hex: string): Buffer {
  if (!SHA256_HEX_PATTERN.test(hex)) throw new RangeError('not a lower-case SHA-256 hex digest');
  return Buffer.from(hex, 'hex');
}

/** zod: one site's model update as a leaf of a round's tree (no model weights, only their hash). */
export const modelUpdateLeafSchema = z.strictObject({
  studyId: studyIdSchema,
  round: z.number().int().min(1),
  site: mspIdSchema,
  /** SHA-256 of the update's serialized parameters. */
  updateHash: sha256HexSchema,
  /** How many training examples the update was computed from (its weight in federated averaging). */
  sampleCount: z.number().int().min(1),
});
/** A model update leaf. */
export type ModelUpdateLeaf = z.infer<typeof modelUpdateLeafSchema>;

/** The leaf hash (hex) of raw leaf bytes: `SHA-256(0x00 || bytes)`. */
export function merkleLeafHash(bytes: Uint8Array): string {
  return sha256(LEAF_PREFIX, bytes).toString('hex');
}

/** The leaf hash of a model update: over its canonical JSON. */
export function modelUpdateLeafHash(leaf: ModelUpdateLeaf): string {
  return merkleLeafHash(canonicalBytes(modelUpdateLeafSchema.parse(leaf)));
}

function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

// The largest power of two strictly below n (n >= 2).
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rootOf(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = splitPoint(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/** The root (hex) over leaf hashes (hex), in their order. */
export function merkleRoot(leafHashes: readonly string[]): string {
  return rootOf(leafHashes.map(fromHex)).toString('hex');
}

/** An inclusion proof: the leaf's index, the tree's size and the audit path (sibling hashes, leaf first). */
export interface MerkleProof {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly path: readonly string[];
}

/** zod: an inclusion proof as it crosses a boundary. */
export const merkleProofSchema = z.strictObject({
  leafIndex: z.number().int().min(0),
  treeSize: z.number().int().min(1),
  path: z.array(sha256HexSchema).max(64),
});

function pathOf(index: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = splitPoint(leaves.length);
  return index < k
    ? [...pathOf(index, leaves.slice(0, k)), rootOf(leaves.slice(k))]
    : [...pathOf(index - k, leaves.slice(k)), rootOf(leaves.slice(0, k))];
}

/** The inclusion proof of the leaf at `leafIndex`. Throws a RangeError for an index outside the list. */
export function merkleProof(leafHashes: readonly string[], leafIndex: number): MerkleProof {
  if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= leafHashes.length) {
    throw new RangeError('leaf index outside the tree');
  }
  const path = pathOf(leafIndex, leafHashes.map(fromHex)).map((h) => h.toString('hex'));
  return { leafIndex, treeSize: leafHashes.length, path };
}

/**
 * True when `proof` shows the leaf hash `leafHash` at its index in the tree of its size whose root is
 * `root`. Never throws: a malformed hash or proof is false. Take `treeSize` from the anchored aggregate,
 * never from the prover: under a smaller size an inner node of the real tree verifies as a "leaf".
 */
export function verifyMerkleProof(leafHash: string, proof: MerkleProof, root: string): boolean {
  const { leafIndex, treeSize, path } = proof;
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0) return false;
  if (leafIndex >= treeSize) return false;
  if (![leafHash, root, ...path].every((h) => SHA256_HEX_PATTERN.test(h))) return false;
  // Indices are handled as bigints: tree sizes past 2^31 would break 32-bit shifts.
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize - 1);
  let r: Buffer = Buffer.from(leafHash, 'hex');
  for (const hex of path) {
    if (sn === 0n) return false;
    const p = Buffer.from(hex, 'hex');
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(Buffer.from(root, 'hex'));
}
