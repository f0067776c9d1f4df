import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ModelUpdateLeaf } from '@medledger/domain';
import { LocalRoundLog, roundTree, verifyInclusion, weightsHash } from './anchor';
import { runFederated } from './coordinator';
import { accuracy, federatedAverage, generateSiteData, PARAMETER_COUNT, train } from './model';

const studyId = () => `fl-${randomBytes(4).toString('hex')}`;

void describe('federated example: the model', () => {
  void it('when two updates are averaged, then each weighs by its sample count', () => {
    assert.deepEqual(
      federatedAverage([
        { weights: [1, 0, 4], sampleCount: 100 },
        { weights: [3, 8, 0], sampleCount: 300 },
      ]),
      [2.5, 6, 1],
    );
    assert.throws(() => federatedAverage([]), RangeError);
  });

  void it("when a site trains on its own data, then the model beats the untrained one on that site's held-out data", () => {
    const data = generateSiteData(7, 800, 0);
    const test = data.slice(0, 200);
    const zero = new Array<number>(PARAMETER_COUNT).fill(0);
    let weights = zero;
    for (let round = 0; round < 10; round++) weights = train(weights, data.slice(200));
    assert.ok(
      accuracy(weights, test) > accuracy(zero, test) + 0.1,
      `${accuracy(zero, test)} -> ${accuracy(weights, test)}`,
    );
    assert.deepEqual(generateSiteData(7, 5, 0), data.slice(0, 5), 'a seed gives the same population');
  });
});

void describe('federated example: anchoring', () => {
  const leaf = (id: string, site: string, sampleCount: number): ModelUpdateLeaf => ({
    studyId: id,
    round: 1,
    site,
    updateHash: weightsHash([sampleCount]),
    sampleCount,
  });

  void it('when an aggregate names an update that was not anchored, a wrong root or a second aggregate, then the log refuses it', async () => {
    const id = studyId();
    const log = new LocalRoundLog();
    const leaves = [leaf(id, 'Hospital2MSP', 20), leaf(id, 'Hospital1MSP', 10)];
    await log.anchorUpdate(leaves[0] as ModelUpdateLeaf);
    const { root } = roundTree(leaves);
    const aggregate = {
      studyId: id,
      round: 1,
      aggregateHash: weightsHash([1]),
      merkleRoot: root,
      treeSize: 2,
    };
    await assert.rejects(log.anchorAggregate(aggregate, leaves), /not anchored/);
    await log.anchorUpdate(leaves[1] as ModelUpdateLeaf);
    await assert.rejects(log.anchorUpdate(leaves[1] as ModelUpdateLeaf), /already anchored/);
    await assert.rejects(
      log.anchorAggregate({ ...aggregate, merkleRoot: weightsHash([2]) }, leaves),
      /does not match/,
    );
    await assert.rejects(log.anchorAggregate({ ...aggregate, treeSize: 3 }, leaves), /does not match/);
    await log.anchorAggregate(aggregate, [...leaves].reverse());
    await assert.rejects(log.anchorAggregate(aggregate, leaves), /already aggregated/);
  });

  void it('when three hospital processes train for three rounds, then accuracy rises, each step is anchored and each site proves its inclusion', async () => {
    const id = studyId();
    const log = new LocalRoundLog();
    const sites = ['Hospital1MSP', 'Hospital2MSP', 'Hospital3MSP'].map((site, i) => ({
      site,
      seed: 40 + i,
      samples: 600,
      shift: (i - 1) * 0.6,
    }));
    const run = await runFederated({ studyId: id, sites, rounds: 3, anchor: log });
    assert.equal(run.rounds.length, 3);
    const last = run.rounds[2];
    assert.ok(last);
    assert.ok(last.accuracy > run.baselineAccuracy + 0.1, `${run.baselineAccuracy} -> ${last.accuracy}`);
    assert.ok(last.accuracy > 0.7, String(last.accuracy));
    const losses = [run.baselineLogLoss, ...run.rounds.map((r) => r.logLoss)];
    losses.slice(1).forEach((loss, i) => {
      assert.ok(loss < (losses[i] ?? 0), `log-loss ${losses.join(' -> ')}`);
    });
    for (const report of run.rounds) {
      assert.equal(report.leaves.length, 3);
      assert.deepEqual(await log.aggregateOf(id, report.round), {
        studyId: id,
        round: report.round,
        aggregateHash: report.aggregateHash,
        merkleRoot: report.merkleRoot,
        treeSize: 3,
      });
      for (const { leaf: l, proof } of roundTree(report.leaves).proofs) {
        assert.ok(await verifyInclusion(log, l, proof), `${l.site} round ${String(l.round)}`);
        assert.equal(await verifyInclusion(log, { ...l, sampleCount: l.sampleCount + 1 }, proof), false);
        assert.equal(await verifyInclusion(log, l, { ...proof, treeSize: 2 }), false);
      }
    }
    assert.equal(weightsHash(run.weights), last.aggregateHash);
  });
});
