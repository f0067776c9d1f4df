import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  roundRoot,
  sha256Hex,
  type ModelUpdate,
  type ResultLineage,
  type StudyResult,
} from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import { Harness, registerStaff, uid } from './testing/harness';
import { activeStudy, LEAD_ENDORSERS } from './testing/study-fixtures';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';

/** An active 1-of-2 study with round 1 aggregated over Hospital1's update. */
async function studyWithRound(h: Harness, lead: FakeSigner, admin1: FakeSigner): Promise<string> {
  const studyId = await activeStudy(h, lead, { [H1]: 'approved', [H2]: 'rejected' }, 'results-study');
  const { result: update } = await h.submit<ModelUpdate>(admin1, 'studyrounds:SubmitModelUpdate', {
    studyId,
    round: 1,
    updateHash: sha256Hex(`update ${studyId}`),
    sampleCount: 300,
  });
  await h.submit(
    lead,
    'studyrounds:AggregateRound',
    { studyId, round: 1, aggregateHash: sha256Hex('agg'), sites: [H1], merkleRoot: roundRoot([update]) },
    { endorsers: LEAD_ENDORSERS },
  );
  return studyId;
}

function anchorResult(h: Harness, who: FakeSigner, studyId: string, over: Record<string, unknown> = {}) {
  return h.submit<StudyResult>(
    who,
    'studyresults:AnchorResult',
    {
      studyId,
      resultId: uid('model'),
      kind: 'model',
      contentHash: sha256Hex('weights'),
      datasets: [],
      rounds: [1],
      derivedFrom: [],
      ...over,
    },
    { endorsers: LEAD_ENDORSERS },
  );
}

void describe('StudyResultsContract: results and their lineage', () => {
  void it("when the lead anchors a model and a paper derived from it, then every party reads the paper's lineage back to the round and its site", async () => {
    const h = new Harness();
    const lead = await registerStaff(h, 'ResearchMSP', 'researcher', null);
    const admin1 = await registerStaff(h, H1, 'admin', null);
    const studyId = await studyWithRound(h, lead, admin1);
    const { result: model, tx } = await anchorResult(h, lead, studyId);
    assert.equal(tx.event?.name, 'ResultAnchored');
    assert.deepEqual(model.sites, [H1]);
    const paperId = uid('paper');
    await anchorResult(h, lead, studyId, { resultId: paperId, kind: 'paper', derivedFrom: [model.resultId] });
    const auditor = await registerStaff(h, 'RegulatorMSP', 'auditor', null);
    const ethics2 = await registerStaff(h, H2, 'ethics', null);
    for (const who of [lead, admin1, auditor, ethics2]) {
      const lineage = await h.evaluate<ResultLineage>(who, 'studyresults:GetResultLineage', {
        studyId,
        resultId: paperId,
      });
      assert.deepEqual(
        lineage.edges.map((e) => [e.relation, e.to]),
        [
          ['of-study', `study:${studyId}`],
          ['used-round', 'round:1'],
          ['trained-at', `site:${H1}`],
          ['derived-from', `result:${model.resultId}`],
        ],
      );
    }
    await assert.rejects(anchorResult(h, lead, studyId, { resultId: model.resultId }), /\[ALREADY_EXISTS\]/);
  });

  void it('when a result names a round not aggregated in its study, a dataset that is no contribution of it, an unknown parent, or a non-lead anchors it, then each is refused', async () => {
    const h = new Harness();
    const lead = await registerStaff(h, 'ResearchMSP', 'researcher', null);
    const admin1 = await registerStaff(h, H1, 'admin', null);
    const withRound = await studyWithRound(h, lead, admin1);
    const other = await studyWithRound(h, lead, admin1);
    await assert.rejects(anchorResult(h, lead, withRound, { rounds: [2] }), /\[NOT_FOUND\] round 2/);
    const foreign = sha256Hex(`a contribution of ${other}`);
    await assert.rejects(
      anchorResult(h, lead, withRound, { rounds: [], datasets: [foreign] }),
      /\[NOT_FOUND\] dataset/,
    );
    await assert.rejects(
      anchorResult(h, lead, withRound, { derivedFrom: ['model-of-another-study'] }),
      /\[NOT_FOUND\]/,
    );
    await assert.rejects(anchorResult(h, admin1, withRound), /\[FORBIDDEN\]/);
    await assert.rejects(anchorResult(h, lead, withRound, { rounds: [] }), /\[VALIDATION_FAILED\]/);
  });
});
