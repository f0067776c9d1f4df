import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  modelUpdateLeafHash,
  roundInclusionProof,
  roundRoot,
  sha256Hex,
  verifyRoundInclusion,
  type ModelUpdate,
  type RoundAggregate,
  type StudyCredit,
  type StudyRound,
} from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import { Harness, registerStaff } from './testing/harness';
import { activeStudy, LEAD_ENDORSERS } from './testing/study-fixtures';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';

interface RoundsStudy {
  h: Harness;
  studyId: string;
  lead: FakeSigner;
  admin1: FakeSigner;
  admin2: FakeSigner;
  ethics2: FakeSigner;
}

/** A 1-of-2 study of Hospital1 and Hospital2, both approving (unless `h2` says otherwise), activated. */
async function roundsStudy(h2: 'approved' | 'rejected' = 'approved'): Promise<RoundsStudy> {
  const h = new Harness();
  const lead = await registerStaff(h, 'ResearchMSP', 'researcher', null);
  const studyId = await activeStudy(h, lead, { [H1]: 'approved', [H2]: h2 }, 'rounds-study');
  return {
    h,
    studyId,
    lead,
    admin1: await registerStaff(h, H1, 'admin', null),
    admin2: await registerStaff(h, H2, 'admin', null),
    ethics2: await registerStaff(h, H2, 'ethics', null),
  };
}

function submitUpdate(s: RoundsStudy, who: FakeSigner, round: number, sampleCount = 600) {
  return s.h.submit<ModelUpdate>(who, 'studyrounds:SubmitModelUpdate', {
    studyId: s.studyId,
    round,
    updateHash: sha256Hex(`update ${who.mspId} ${String(round)} ${s.studyId}`),
    sampleCount,
  });
}

function aggregate(s: RoundsStudy, round: number, sites: string[], merkleRoot: string, who = s.lead) {
  return s.h.submit<RoundAggregate>(
    who,
    'studyrounds:AggregateRound',
    { studyId: s.studyId, round, aggregateHash: sha256Hex(`aggregate ${String(round)}`), sites, merkleRoot },
    { endorsers: LEAD_ENDORSERS },
  );
}

function getRound(s: RoundsStudy, round: number, who = s.lead) {
  return s.h.evaluate<StudyRound>(who, 'studyrounds:GetStudyRound', { studyId: s.studyId, round });
}

void describe('StudyRoundsContract: federated rounds', () => {
  void it('when both sites submit and the lead aggregates over both, then every party proves each inclusion against the anchored root and the credit counts the rounds', async () => {
    const s = await roundsStudy();
    const u1 = (await submitUpdate(s, s.admin1, 1, 600)).result;
    const u2 = (await submitUpdate(s, s.admin2, 1, 300)).result;
    assert.equal((await getRound(s, 1)).state, 'open');
    assert.equal((await getRound(s, 2)).state, 'waiting');
    const { result: agg, tx } = await aggregate(s, 1, [H2, H1], roundRoot([u1, u2]));
    assert.equal(tx.event?.name, 'RoundAggregated');
    assert.deepEqual([agg.sites, agg.treeSize, agg.sampleCount], [[H1, H2], 2, 900]);
    const auditor = await registerStaff(s.h, 'RegulatorMSP', 'auditor', null);
    for (const who of [s.lead, s.admin1, s.ethics2, auditor]) {
      const round = await getRound(s, 1, who);
      assert.equal(round.state, 'closed');
      for (const site of [H1, H2]) {
        const proof = roundInclusionProof(round, site);
        assert.ok(proof && verifyRoundInclusion(agg, proof.leaf, proof.proof), `${site} is in round 1`);
        assert.equal(proof.leafHash, modelUpdateLeafHash(proof.leaf));
      }
    }
    assert.equal((await getRound(s, 2)).state, 'open');
    const table = await s.h.evaluate<StudyCredit>(s.lead, 'studywork:GetStudyCredit', { studyId: s.studyId });
    // No data yet: the round work (capped by verified records, none here) earns nothing.
    assert.deepEqual(
      table.sites.map((l) => [l.site, l.roundScore]),
      [
        [H1, 0],
        [H2, 0],
      ],
    );
  });

  void it('when the aggregator leaves a site out and claims it in, or names a site that sent nothing, then the round does not close', async () => {
    const s = await roundsStudy();
    const u1 = (await submitUpdate(s, s.admin1, 1)).result;
    await submitUpdate(s, s.admin2, 1);
    // A root over Hospital1's update alone, claimed as both sites' aggregate.
    await assert.rejects(aggregate(s, 1, [H1, H2], roundRoot([u1])), /\[CONTENT_MISMATCH\] merkleRoot/);
    // A forged update for Hospital2 that was never anchored.
    const forged: ModelUpdate = { ...u1, site: H2, updateHash: sha256Hex('forged') };
    await assert.rejects(aggregate(s, 1, [H1, H2], roundRoot([u1, forged])), /\[CONTENT_MISMATCH\]/);
    await assert.rejects(
      aggregate(s, 1, [H1, 'ResearchMSP'], roundRoot([u1])),
      /\[VALIDATION_FAILED\] sites/,
    );
    // Leaving Hospital2 out openly is allowed: its update is then in no tree and has no proof.
    const { result: agg } = await aggregate(s, 1, [H1], roundRoot([u1]));
    const round = await getRound(s, 1);
    assert.equal(roundInclusionProof(round, H2), undefined);
    const h1 = roundInclusionProof(round, H1);
    assert.ok(h1);
    const h2Leaf = { ...h1.leaf, site: H2, updateHash: must(round.updates[1]).updateHash };
    assert.equal(
      verifyRoundInclusion(agg, h2Leaf, h1.proof),
      false,
      "Hospital1's proof does not carry Hospital2",
    );
    await assert.rejects(
      aggregate(s, 1, [H1], roundRoot([u1])),
      /\[CONFLICT\] round 1 not open/,
      'a round closes once',
    );
  });

  void it('when a site submits twice, for a round not open, or after its committee rejected, then each is refused', async () => {
    const s = await roundsStudy('rejected');
    await submitUpdate(s, s.admin1, 1);
    await assert.rejects(submitUpdate(s, s.admin1, 1, 10), /\[CONFLICT\]/, 'one update per site per round');
    await assert.rejects(submitUpdate(s, s.admin1, 2), /\[CONFLICT\] round 2 not open/);
    await assert.rejects(submitUpdate(s, s.admin2, 1), /\[FORBIDDEN\] Hospital2MSP STUDY_SITE_NOT_APPROVED/);
    await assert.rejects(submitUpdate(s, s.lead, 1), /\[FORBIDDEN\]/, 'the lead is no site');
    const ethics1 = await registerStaff(s.h, H1, 'ethics', null);
    await assert.rejects(submitUpdate(s, ethics1, 1), /\[FORBIDDEN\]/);
    assert.deepEqual(
      (await getRound(s, 1)).updates.map((u) => u.site),
      [H1],
    );
  });

  void it('when a non-lead aggregates, the study is suspended, or a round number is out of range, then each is refused', async () => {
    const s = await roundsStudy();
    const u1 = (await submitUpdate(s, s.admin1, 1)).result;
    await assert.rejects(aggregate(s, 1, [H1], roundRoot([u1]), s.admin1), /\[FORBIDDEN\]/);
    await s.h.submit(
      s.lead,
      'study:ChangeStudy',
      { studyId: s.studyId, action: 'suspend' },
      { endorsers: LEAD_ENDORSERS },
    );
    await assert.rejects(aggregate(s, 1, [H1], roundRoot([u1])), /\[FORBIDDEN\] .* STUDY_NOT_ACTIVE/);
    await assert.rejects(submitUpdate(s, s.admin2, 1), /STUDY_SITE_NOT_APPROVED/);
    await assert.rejects(getRound(s, 0), /\[VALIDATION_FAILED\]/);
  });

  void it("when an update is endorsed without its site (the lead's org and the regulator), then it does not commit", async () => {
    const s = await roundsStudy();
    // The receipt goes to Hospital1's sealed collection, whose policy needs Hospital1's peer.
    const { tx } = await s.h.submit(
      s.admin1,
      'studyrounds:SubmitModelUpdate',
      { studyId: s.studyId, round: 1, updateHash: sha256Hex('x'), sampleCount: 5 },
      { endorsers: LEAD_ENDORSERS },
    );
    assert.equal(tx.status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.equal((await getRound(s, 1)).updates.length, 0);
  });
});

/** The value, or a test failure when it is missing. */
function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing fixture');
  return value;
}
