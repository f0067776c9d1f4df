import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  merkleLeafHash,
  merkleProof,
  merkleRoot,
  modelUpdateLeafHash,
  verifyMerkleProof,
  type MerkleProof,
} from './merkle';

const h = (...parts: (number[] | Buffer)[]) => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(Buffer.isBuffer(p) ? p : Buffer.from(p));
  return hash.digest();
};
const leaf = (s: string) => merkleLeafHash(Buffer.from(s));

void describe('Merkle tree (RFC 9162)', () => {
  void it('when the tree has three leaves, then its root is H(1, H(1, a, b), c) written out by hand', () => {
    const [a, b, c] = ['update-a', 'update-b', 'update-c'].map((s) => h([0], Buffer.from(s)));
    const expected = h([1], h([1], a as Buffer, b as Buffer), c as Buffer).toString('hex');
    assert.equal(merkleRoot(['update-a', 'update-b', 'update-c'].map(leaf)), expected);
    assert.equal(merkleRoot([]), createHash('sha256').digest('hex'));
    assert.equal(merkleRoot([leaf('solo')]), leaf('solo'));
  });

  void it('when a round has three updates, then each site proves its inclusion and a fourth update does not verify', () => {
    const updates = ['Hospital1MSP', 'Hospital2MSP', 'Hospital3MSP'].map((site, i) =>
      modelUpdateLeafHash({
        studyId: 'study-m1',
        round: 1,
        site,
        updateHash: 'a'.repeat(63) + String(i),
        sampleCount: 100 + i,
      }),
    );
    const root = merkleRoot(updates);
    updates.forEach((u, i) => {
      assert.ok(verifyMerkleProof(u, merkleProof(updates, i), root));
    });
    const outsider = modelUpdateLeafHash({
      studyId: 'study-m1',
      round: 1,
      site: 'Hospital4MSP',
      updateHash: 'b'.repeat(64),
      sampleCount: 100,
    });
    assert.equal(verifyMerkleProof(outsider, merkleProof(updates, 0), root), false);
  });

  void it('when a proof or its inputs are malformed, then verification is false and never throws', () => {
    const leaves = ['x', 'y', 'z', 'w', 'v'].map(leaf);
    const root = merkleRoot(leaves);
    const proof = merkleProof(leaves, 2);
    const bad: [string, MerkleProof, string][] = [
      [leaves[2] as string, { ...proof, leafIndex: 5 }, root],
      [leaves[2] as string, { ...proof, leafIndex: -1 }, root],
      [leaves[2] as string, { ...proof, treeSize: 4 }, root],
      [leaves[2] as string, { ...proof, treeSize: Number.NaN }, root],
      [leaves[2] as string, { ...proof, path: [...proof.path, leaves[0] as string] }, root],
      [leaves[2] as string, { ...proof, path: proof.path.slice(1) }, root],
      [leaves[2] as string, { ...proof, path: ['zz'] }, root],
      [(leaves[2] as string).toUpperCase(), proof, root],
      [leaves[2] as string, proof, 'not-hex'],
    ];
    for (const [l, p, r] of bad) assert.equal(verifyMerkleProof(l, p, r), false, JSON.stringify(p));
    assert.throws(() => merkleProof(leaves, 5), RangeError);
    assert.throws(() => merkleRoot(['abc']), RangeError);
  });

  const leavesArb = fc.array(fc.string(), { minLength: 1, maxLength: 70 }).map((xs) => xs.map(leaf));

  void it('when any tree is built, then every leaf proves its inclusion at its own index and only there', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.nat(), (leaves, i, j) => {
        const index = i % leaves.length;
        const other = j % leaves.length;
        const root = merkleRoot(leaves);
        const proof = merkleProof(leaves, index);
        assert.ok(verifyMerkleProof(leaves[index] as string, proof, root));
        assert.ok(proof.path.length <= Math.ceil(Math.log2(leaves.length)));
        if (leaves[other] !== leaves[index]) {
          assert.equal(verifyMerkleProof(leaves[other] as string, proof, root), false);
        }
        // A value that also stands at `other` can verify there too (equal leaves, equal subtrees).
        if (other !== index && leaves[other] !== leaves[index]) {
          assert.equal(
            verifyMerkleProof(leaves[index] as string, { ...proof, leafIndex: other }, root),
            false,
          );
        }
      }),
    );
  });

  void it('when one leaf is changed, added or dropped, then the root changes and old proofs fail', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.string(), (leaves, i, extra) => {
        const index = i % leaves.length;
        const root = merkleRoot(leaves);
        const changed = leaves.map((l, k) => (k === index ? leaf(`${extra}\u0000changed`) : l));
        if (changed[index] !== leaves[index]) assert.notEqual(merkleRoot(changed), root);
        assert.notEqual(merkleRoot([...leaves, leaf(extra)]), root);
        if (leaves.length > 1) assert.notEqual(merkleRoot(leaves.slice(0, -1)), root);
        // The duplicated-last-leaf flaw: [a, b, c] and [a, b, c, c] must not share a root.
        assert.notEqual(merkleRoot([...leaves, leaves[leaves.length - 1] as string]), root);
        const proof = merkleProof(leaves, index);
        const flipped = proof.path.map((p, k) => (k === 0 ? (p[0] === '0' ? '1' : '0') + p.slice(1) : p));
        if (flipped.length > 0) {
          assert.equal(verifyMerkleProof(leaves[index] as string, { ...proof, path: flipped }, root), false);
        }
      }),
    );
  });

  void it('when an inner node is presented as a leaf, then it verifies only under a forged tree size (so verifiers take the size from the anchored aggregate)', () => {
    const leaves = ['a', 'b', 'c', 'd'].map(leaf);
    const root = merkleRoot(leaves);
    const inner = merkleRoot(leaves.slice(0, 2));
    // Under the anchored size (4) the inner node is no leaf; only a prover-chosen size of 2 makes it one.
    assert.equal(
      verifyMerkleProof(inner, { leafIndex: 0, treeSize: 2, path: [merkleRoot(leaves.slice(2))] }, root),
      true,
    );
    assert.equal(
      merkleLeafHash(Buffer.from(inner, 'hex')) === inner,
      false,
      'leaves are hashed with their own prefix',
    );
    assert.equal(
      verifyMerkleProof(inner, { leafIndex: 0, treeSize: 4, path: [merkleRoot(leaves.slice(2))] }, root),
      false,
    );
  });
});
