/**
 * The examples of the federated-round operations (see `examples.ts`): two hospitals of the
 * multi-center study `study-mc-0009` anchor their updates for round 2, the lead closes the round over
 * both, and Hospital1 gets and checks its inclusion proof. The proof is computed by the domain's own
 * functions, so the example is a proof that verifies.
 */
import { createHash } from 'node:crypto';

import { roundInclusionProof, roundRoot, type ModelUpdate, type StudyRound } from '@medledger/domain';

import type { OperationExample } from './examples';

const MC_STUDY = 'study-mc-0009';
const ROUND = 2;
const H1_ADMIN = 'did:medledger:hospital1:hospital1-admin';
const H2_ADMIN = 'did:medledger:hospital2:hospital2-admin';
const LEAD = 'did:medledger:research:research-researcher-1';
const exampleHash = (label: string): string =>
  createHash('sha256').update(`medledger example ${label}`).digest('hex');

const update = (site: string, submittedBy: string, sampleCount: number): ModelUpdate => ({
  studyId: MC_STUDY,
  round: ROUND,
  site,
  updateHash: exampleHash(`model update ${site} round 2`),
  sampleCount,
  submittedBy,
  submittedAt: '2026-11-02T09:58:00.000Z',
  txId: exampleHash(`model update tx ${site}`),
});
const updates = [update('Hospital1MSP', H1_ADMIN, 600), update('Hospital2MSP', H2_ADMIN, 450)];
const aggregate = {
  studyId: MC_STUDY,
  round: ROUND,
  org: 'ResearchMSP',
  aggregateHash: exampleHash('aggregate round 2'),
  sites: ['Hospital1MSP', 'Hospital2MSP'],
  merkleRoot: roundRoot(updates),
  treeSize: 2,
  sampleCount: 1050,
  aggregatedBy: LEAD,
  aggregatedAt: '2026-11-02T10:00:00.000Z',
  txId: exampleHash('aggregate tx round 2'),
};
const closed: StudyRound = { studyId: MC_STUDY, round: ROUND, state: 'closed', updates, aggregate };
const proof = roundInclusionProof(closed, 'Hospital1MSP');
if (!proof) throw new Error('the example round does not include Hospital1');
const [h1Update] = updates as [ModelUpdate, ModelUpdate];

/** Federated rounds: an update, an aggregate, the round, a proof and its check. */
export const studyRoundExamples: Record<string, OperationExample> = {
  submitModelUpdate: {
    summary: "Hospital1's admin anchors its round-2 update: the parameters' SHA-256 and 600 samples",
    caller: 'admin',
    params: { id: MC_STUDY, round: ROUND },
    body: { updateHash: h1Update.updateHash, sampleCount: 600 },
    response: { txId: h1Update.txId, update: h1Update },
  },
  aggregateRound: {
    summary: "The lead closes round 2 over both hospitals' updates with the Merkle root over them",
    caller: 'researcher',
    params: { id: MC_STUDY, round: ROUND },
    body: {
      aggregateHash: aggregate.aggregateHash,
      sites: aggregate.sites,
      merkleRoot: aggregate.merkleRoot,
    },
    response: { txId: aggregate.txId, aggregate },
  },
  getStudyRound: {
    summary: 'Round 2 is closed: two updates, the aggregate over both',
    caller: 'researcher',
    params: { id: MC_STUDY, round: ROUND },
    response: closed,
  },
  getRoundInclusionProof: {
    summary: "Hospital1's update is leaf 0 of round 2's tree: its audit path to the anchored root",
    caller: 'admin',
    params: { id: MC_STUDY, round: ROUND, site: 'Hospital1MSP' },
    response: proof,
  },
  verifyRoundInclusion: {
    summary: "A verifier checks Hospital1's proof against the root and tree size anchored for round 2",
    caller: 'ethics',
    params: { id: MC_STUDY, round: ROUND },
    body: {
      leaf: { site: 'Hospital1MSP', updateHash: h1Update.updateHash, sampleCount: 600 },
      proof: { leafIndex: proof.proof.leafIndex, path: proof.proof.path },
    },
    response: {
      included: true,
      merkleRoot: aggregate.merkleRoot,
      treeSize: 2,
      aggregateHash: aggregate.aggregateHash,
    },
  },
};
