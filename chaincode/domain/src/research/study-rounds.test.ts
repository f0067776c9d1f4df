import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sha256Hex } from '../digest';
import type { ModelUpdateLeaf } from './merkle';
import {
  aggregatedRoundWork,
  checkAggregate,
  roundInclusionProof,
  roundRoot,
  roundState,
  verifyRoundInclusion,
  type ModelUpdate,
  type StudyRound,
} from './study-rounds';

const SITES = ['Hospital1MSP', 'Hospital2MSP', 'Hospital3MSP', 'Hospital4MSP', 'Hospital5MSP'];

function update(studyId: string, round: number, site: string, sampleCount = 100): ModelUpdate {
  return {
    studyId,
    round,
    site,
    updateHash: sha256Hex(`${studyId} ${String(round)} ${site} ${String(sampleCount)}`),
    sampleCount,
    submittedBy: `did:medledger:${site.toLowerCase()}:admin`,
    submittedAt: '2026-11-29T10:00:00.000Z',
    txId: sha256Hex(`tx ${site} ${String(round)}`),
  };
}

/** A closed round over `used` (in any order), with `updates` anchored. */
function closedRound(studyId: string, round: number, updates: ModelUpdate[], used: string[]): StudyRound {
  const verdict = checkAggregate({
    sites: used,
    merkleRoot: roundRoot(updates.filter((u) => used.includes(u.site))),
    updates,
  });
  assert.ok(verdict.ok);
  return {
    studyId,
    round,
    state: 'closed',
    updates,
    aggregate: {
      studyId,
      round,
      org: 'ResearchMSP',
      aggregateHash: sha256Hex('aggregate'),
      sites: verdict.sites,
      merkleRoot: roundRoot(updates.filter((u) => used.includes(u.site))),
      treeSize: verdict.treeSize,
      sampleCount: verdict.sampleCount,
      aggregatedBy: 'did:medledger:research:lead',
      aggregatedAt: '2026-11-29T10:05:00.000Z',
      txId: sha256Hex('aggregate tx'),
    },
  };
}

void describe('federated rounds on the ledger', () => {
  void it('when rounds are numbered, then round 1 is open, a later round opens only after the one before closed, and a closed round stays closed', () => {
    assert.equal(roundState(1, false, false), 'open');
    assert.equal(roundState(2, false, false), 'waiting');
    assert.equal(roundState(2, false, true), 'open');
    assert.equal(roundState(2, true, true), 'closed');
  });

  void it('when an aggregate names a site with no anchored update, or a root over other leaves, then it is refused with its own code', () => {
    const studyId = 'study-r1';
    const [a, b] = [update(studyId, 1, 'Hospital1MSP'), update(studyId, 1, 'Hospital2MSP')];
    assert.deepEqual(
      checkAggregate({
        sites: ['Hospital1MSP', 'Hospital3MSP'],
        merkleRoot: roundRoot([a]),
        updates: [a, b],
      }),
      {
        ok: false,
        code: 'NOT_FOUND',
        detail: 'Hospital3MSP update',
      },
    );
    const dropped = checkAggregate({
      sites: ['Hospital1MSP', 'Hospital2MSP'],
      merkleRoot: roundRoot([a]),
      updates: [a, b],
    });
    assert.deepEqual(dropped, { ok: false, code: 'CONTENT_MISMATCH', detail: 'merkleRoot' });
    const inflated = checkAggregate({
      sites: ['Hospital1MSP', 'Hospital2MSP'],
      merkleRoot: roundRoot([a, { ...b, sampleCount: 10_000 }]),
      updates: [a, b],
    });
    assert.equal(inflated.ok, false, 'a sample count other than the anchored one changes the root');
    assert.equal(
      checkAggregate({ sites: ['Hospital1MSP', 'Hospital1MSP'], merkleRoot: roundRoot([a]), updates: [a] })
        .ok,
      false,
    );
  });

  void it('when any subset of the sites is aggregated, then exactly the used sites prove inclusion and no proof carries another leaf (property)', () => {
    fc.assert(
      fc.property(
        fc.subarray(SITES, { minLength: 1 }),
        fc.subarray(SITES, { minLength: 1 }),
        fc.integer({ min: 1, max: 20 }),
        (submitted, usedPick, round) => {
          const studyId = 'study-prop';
          const updates = submitted.map((site, i) => update(studyId, round, site, 50 + i));
          const used = usedPick.filter((s) => submitted.includes(s));
          fc.pre(used.length > 0);
          const closed = closedRound(studyId, round, updates, [...used].reverse());
          const aggregate = closed.aggregate;
          assert.ok(aggregate);
          for (const u of updates) {
            const proof = roundInclusionProof(closed, u.site);
            assert.equal(proof !== undefined, used.includes(u.site));
            if (!proof) continue;
            assert.ok(verifyRoundInclusion(aggregate, proof.leaf, proof.proof));
            for (const other of updates.filter((x) => x.site !== u.site)) {
              const forged: ModelUpdateLeaf = {
                ...proof.leaf,
                site: other.site,
                updateHash: other.updateHash,
                sampleCount: other.sampleCount,
              };
              assert.equal(verifyRoundInclusion(aggregate, forged, proof.proof), false);
            }
            assert.equal(
              verifyRoundInclusion(aggregate, { ...proof.leaf, round: round + 1 }, proof.proof),
              false,
            );
            assert.equal(
              verifyRoundInclusion(aggregate, { ...proof.leaf, studyId: 'other-study' }, proof.proof),
              false,
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  void it('when a prover states a smaller tree size, then nothing changes: the size and root come from the anchored aggregate', () => {
    const studyId = 'study-size';
    const updates = SITES.slice(0, 4).map((s) => update(studyId, 3, s));
    const closed = closedRound(studyId, 3, updates, SITES.slice(0, 4));
    const aggregate = closed.aggregate;
    assert.ok(aggregate);
    const proof = roundInclusionProof(closed, 'Hospital1MSP');
    assert.ok(proof);
    const claimed = { ...proof.proof, treeSize: 1 };
    assert.equal(verifyRoundInclusion(aggregate, proof.leaf, claimed), true, 'the claimed size is ignored');
    const last = roundInclusionProof(closed, 'Hospital4MSP');
    assert.ok(last);
    assert.equal(verifyRoundInclusion({ ...aggregate, treeSize: 3 }, last.leaf, last.proof), false);
    assert.equal(
      verifyRoundInclusion(aggregate, { ...proof.leaf, sampleCount: 0 }, proof.proof),
      false,
      'a malformed leaf is false',
    );
  });

  void it('when rounds are credited, then only the updates inside each aggregate count', () => {
    const work = aggregatedRoundWork(
      [
        { round: 1, sites: ['Hospital1MSP', 'Hospital2MSP'] },
        { round: 2, sites: ['Hospital1MSP'] },
      ],
      [
        update('s', 1, 'Hospital1MSP', 80),
        update('s', 1, 'Hospital2MSP', 50),
        update('s', 2, 'Hospital1MSP', 80),
        update('s', 2, 'Hospital2MSP', 40),
        update('s', 3, 'Hospital2MSP', 999),
      ],
    );
    assert.deepEqual(work, [
      {
        updates: [
          { site: 'Hospital1MSP', sampleCount: 80 },
          { site: 'Hospital2MSP', sampleCount: 50 },
        ],
      },
      { updates: [{ site: 'Hospital1MSP', sampleCount: 80 }] },
    ]);
  });
});
