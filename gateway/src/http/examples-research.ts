/**
 * The examples of the federated-round, result and credential operations (see `examples.ts`): two
 * hospitals of the multi-center study `study-mc-0009` anchor their updates for round 2, the lead closes
 * the round over both, and Hospital1 gets and checks its inclusion proof (computed by the domain's own
 * functions, so the example is a proof that verifies); the lead anchors the model with its lineage;
 * Hospital1 issues a genomic report as an SD-JWT and a verifier reads its anchor.
 */
import { createHash } from 'node:crypto';

import {
  lineageGraph,
  roundInclusionProof,
  roundRoot,
  type ModelUpdate,
  type StudyResult,
  type StudyRound,
} from '@medledger/domain';

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

const contribution = exampleHash('study mc contribution');
const model: StudyResult = {
  studyId: MC_STUDY,
  resultId: 'model-dm-risk-v1',
  kind: 'model',
  contentHash: exampleHash('model weights v1'),
  org: 'ResearchMSP',
  datasets: [{ contributionId: contribution, site: 'Hospital1MSP', datasetHash: exampleHash('dataset h1') }],
  rounds: [
    {
      round: ROUND,
      aggregateHash: aggregate.aggregateHash,
      merkleRoot: aggregate.merkleRoot,
      sites: aggregate.sites,
    },
  ],
  derivedFrom: [],
  sites: ['Hospital1MSP', 'Hospital2MSP'],
  anchoredBy: LEAD,
  anchoredAt: '2026-11-03T09:00:00.000Z',
  txId: exampleHash('result tx model v1'),
};

/** Results with their lineage. */
export const studyResultExamples: Record<string, OperationExample> = {
  anchorStudyResult: {
    summary: 'The lead anchors the trained model with the dataset and the round that produced it',
    caller: 'researcher',
    params: { id: MC_STUDY },
    body: {
      resultId: model.resultId,
      kind: 'model',
      contentHash: model.contentHash,
      datasets: [contribution],
      rounds: [ROUND],
      derivedFrom: [],
    },
    response: { txId: model.txId, result: model },
  },
  getResultLineage: {
    summary: "The model's lineage graph: its study, the dataset and round it used, and the sites",
    caller: 'ethics',
    params: { id: MC_STUDY, resultId: model.resultId },
    response: { result: model, ...lineageGraph(model) },
  },
};

const HOLDER_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'ZIVrfla27JbHneahJDO7ro2xzU_UnBCerqzgqQOTfvQ',
  y: 'hV-pg4qVZDFAxlIb-zfFe3R-mfowtKyPs-lL-pA3qP4',
} as const;
const ISSUER_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'c7PSLugxirLyaHaBgmSL0YisdfRqt6l_JjV2jMN8zI0',
  y: 'oZImk8JvAdPfkcByomynSAaD7ixU9s5ak-yP200vCS0',
} as const;
const GENOMIC_RECORD = 'rec-0031';
const variant = (hgvs: string) => ({
  code: { coding: [{ system: 'http://loinc.org', code: '48004-6', display: 'DNA change (c.HGVS)' }] },
  valueCodeableConcept: { text: hgvs },
});
const genomicReport = {
  resourceType: 'Observation',
  id: 'obs-0031',
  status: 'final',
  code: {
    coding: [
      { system: 'http://loinc.org', code: '81247-9', display: 'Master HL7 genetic variant reporting panel' },
    ],
  },
  subject: { reference: 'Patient/p-7f3a9c' },
  effectiveDateTime: '2026-10-01T08:00:00Z',
  component: [variant('NM_000059.3:c.1310_1313del'), variant('NM_007294.3:c.68_69del')],
};
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const credential = {
  custodian: 'Hospital1MSP',
  recordId: GENOMIC_RECORD,
  version: 1,
  sdJwtHash: exampleHash('sd-jwt rec-0031'),
  issuerJwk: ISSUER_JWK,
  anchoredBy: 'did:medledger:hospital1:hospital1-attending-1',
  anchoredAt: '2026-11-04T11:00:00.000Z',
  txId: exampleHash('credential tx rec-0031'),
};

/** Selective disclosure: a credential issued from a record, and its anchor. */
export const credentialExamples: Record<string, OperationExample> = {
  issueRecordCredential: {
    summary: "Hospital1 issues its genomic report as an SD-JWT bound to the patient app's key",
    caller: 'clinician',
    params: { id: GENOMIC_RECORD },
    body: { version: 1, resource: genomicReport, salt: exampleHash('salt rec-0031'), holderJwk: HOLDER_JWK },
    response: {
      txId: credential.txId,
      sdJwt: `${b64({ alg: 'ES256', typ: 'sd+jwt' })}.${b64({ _sd: ['...'] })}.c2lnbmF0dXJl~WyJzYWx0IiwiaWQiLCJvYnMtMDAzMSJd~`,
      credential,
    },
  },
  getCredentialAnchor: {
    summary:
      'The research institute reads the anchor of the credential a presentation names, to check it on its side',
    caller: 'researcher',
    params: { custodian: 'Hospital1MSP', sdJwtHash: credential.sdJwtHash },
    response: credential,
  },
};
