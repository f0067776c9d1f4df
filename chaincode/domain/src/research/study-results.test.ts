import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256Hex } from '../digest';
import { anchorResultInput, lineageGraph, resolveLineage, type StudyResult } from './study-results';

const facts = {
  contributions: [
    { contributionId: sha256Hex('c1'), site: 'Hospital1MSP', datasetHash: sha256Hex('d1') },
    { contributionId: sha256Hex('c3'), site: 'Hospital3MSP', datasetHash: sha256Hex('d3') },
  ],
  aggregates: [
    {
      round: 1,
      aggregateHash: sha256Hex('a1'),
      merkleRoot: sha256Hex('r1'),
      sites: ['Hospital1MSP', 'Hospital3MSP'],
    },
    { round: 2, aggregateHash: sha256Hex('a2'), merkleRoot: sha256Hex('r2'), sites: ['Hospital1MSP'] },
  ],
  results: ['model-1'],
};

void describe('study results and their lineage', () => {
  void it('when a result names datasets and rounds of its study, then the lineage resolves them and derives the sites', () => {
    const verdict = resolveLineage(
      { datasets: [sha256Hex('c3')], rounds: [2, 1], derivedFrom: ['model-1'] },
      facts,
    );
    assert.ok(verdict.ok);
    assert.deepEqual(verdict.lineage.sites, ['Hospital1MSP', 'Hospital3MSP']);
    assert.deepEqual(
      verdict.lineage.rounds.map((r) => r.round),
      [1, 2],
    );
    assert.deepEqual(verdict.lineage.datasets, [
      { contributionId: sha256Hex('c3'), site: 'Hospital3MSP', datasetHash: sha256Hex('d3') },
    ]);
  });

  void it('when a result names a dataset of another study, a round not aggregated or an unknown parent, then each is not found', () => {
    const other = sha256Hex('contribution of another study');
    assert.deepEqual(resolveLineage({ datasets: [other], rounds: [], derivedFrom: [] }, facts), {
      ok: false,
      code: 'NOT_FOUND',
      detail: `dataset ${other}`,
    });
    assert.deepEqual(resolveLineage({ datasets: [], rounds: [3], derivedFrom: [] }, facts), {
      ok: false,
      code: 'NOT_FOUND',
      detail: 'round 3',
    });
    assert.equal(resolveLineage({ datasets: [], rounds: [1], derivedFrom: ['paper-x'] }, facts).ok, false);
  });

  void it('when a result names nothing it was made from, or an id twice, then the input is refused', () => {
    const base = {
      studyId: 'study-1',
      resultId: 'model-2',
      kind: 'model',
      contentHash: sha256Hex('m'),
      datasets: [],
      rounds: [],
      derivedFrom: ['model-1'],
    };
    assert.equal(anchorResultInput.safeParse(base).success, false);
    assert.equal(anchorResultInput.safeParse({ ...base, rounds: [1, 1] }).success, false);
    assert.equal(anchorResultInput.safeParse({ ...base, rounds: [1] }).success, true);
  });

  void it('when the graph of a result is built, then every dataset, round, parent and site is a node with its edge', () => {
    const verdict = resolveLineage(
      { datasets: [sha256Hex('c1')], rounds: [1], derivedFrom: ['model-1'] },
      facts,
    );
    assert.ok(verdict.ok);
    const result: StudyResult = {
      studyId: 'study-1',
      resultId: 'paper-1',
      kind: 'paper',
      contentHash: sha256Hex('paper'),
      org: 'ResearchMSP',
      ...verdict.lineage,
      anchoredBy: 'did:medledger:research:lead',
      anchoredAt: '2026-11-29T10:00:00.000Z',
      txId: sha256Hex('tx'),
    };
    const graph = lineageGraph(result);
    assert.deepEqual(
      graph.nodes.map((n) => n.id),
      [
        'result:paper-1',
        'study:study-1',
        `dataset:${sha256Hex('c1')}`,
        'site:Hospital1MSP',
        'round:1',
        'site:Hospital3MSP',
        'result:model-1',
      ],
    );
    assert.deepEqual(
      graph.edges.map((e) => e.relation),
      [
        'of-study',
        'used-dataset',
        'contributed-by',
        'used-round',
        'trained-at',
        'trained-at',
        'derived-from',
      ],
    );
  });
});
