/**
 * The fake ledger's answers for federated rounds, study results and credential anchors: a round is closed over Hospital1's and Hospital2's
 * updates, with the real Merkle root over them, so proofs built from it verify.
 */
import { randomBytes } from 'node:crypto';

import {
  generatePatientKey,
  lineageGraph,
  roundRoot,
  sha256Hex,
  type ModelUpdate,
  type StudyResult,
  type StudyRound,
} from '@medledger/domain';

import type { FakeHandler } from './fake-ledger';

const txId = (): string => randomBytes(32).toString('hex');
const hashOf = (label: string): string => sha256Hex(label);

const TIME = '2026-11-02T10:00:00.000Z';

/** A site's update in a round, as SubmitModelUpdate answers it. */
export function fakeUpdate(studyId: string, round: number, site: string, sampleCount = 600): ModelUpdate {
  return {
    studyId,
    round,
    site,
    updateHash: hashOf(`update ${studyId} ${String(round)} ${site}`),
    sampleCount,
    submittedBy: `did:medledger:${site.replace(/MSP$/, '').toLowerCase()}:admin`,
    submittedAt: TIME,
    txId: txId(),
  };
}

/** A round closed over Hospital1's and Hospital2's updates. */
export function fakeClosedRound(studyId: string, round: number): StudyRound {
  const updates = [
    fakeUpdate(studyId, round, 'Hospital1MSP', 600),
    fakeUpdate(studyId, round, 'Hospital2MSP', 450),
  ];
  return {
    studyId,
    round,
    state: 'closed',
    updates,
    aggregate: {
      studyId,
      round,
      org: 'ResearchMSP',
      aggregateHash: hashOf(`aggregate ${studyId} ${String(round)}`),
      sites: ['Hospital1MSP', 'Hospital2MSP'],
      merkleRoot: roundRoot(updates),
      treeSize: 2,
      sampleCount: 1050,
      aggregatedBy: 'did:medledger:research:research-researcher-1',
      aggregatedAt: TIME,
      txId: txId(),
    },
  };
}

/** Federated rounds: updates, aggregates (taken as claimed), closed rounds. */
export function studyRoundHandlers(): Record<string, FakeHandler> {
  return {
    'studyrounds:SubmitModelUpdate': (i) => ({
      ...fakeUpdate(String(i['studyId']), Number(i['round']), 'Hospital1MSP', Number(i['sampleCount'])),
      updateHash: i['updateHash'],
    }),
    'studyrounds:AggregateRound': (i) => {
      const sites = (i['sites'] as string[]).slice().sort();
      return {
        studyId: i['studyId'],
        round: i['round'],
        org: 'ResearchMSP',
        aggregateHash: i['aggregateHash'],
        sites,
        merkleRoot: i['merkleRoot'],
        treeSize: sites.length,
        sampleCount: 600 * sites.length,
        aggregatedBy: 'did:medledger:research:research-researcher-1',
        aggregatedAt: TIME,
        txId: txId(),
      };
    },
    'studyrounds:GetStudyRound': (i) => fakeClosedRound(String(i['studyId']), Number(i['round'])),
  };
}

const textOr = (value: unknown, otherwise: string): string => (typeof value === 'string' ? value : otherwise);

/** A result as AnchorResult answers it: datasets of Hospital1, rounds over Hospital1 and Hospital2. */
export function fakeResult(input: Record<string, unknown>): StudyResult {
  const studyId = textOr(input['studyId'], 'study-1');
  const rounds = ((input['rounds'] as number[] | undefined) ?? [1]).map((round) => {
    const closed = fakeClosedRound(studyId, round).aggregate;
    return {
      round,
      aggregateHash: closed?.aggregateHash ?? hashOf('aggregate'),
      merkleRoot: closed?.merkleRoot ?? hashOf('root'),
      sites: ['Hospital1MSP', 'Hospital2MSP'],
    };
  });
  const datasets = ((input['datasets'] as string[] | undefined) ?? []).map((contributionId) => ({
    contributionId,
    site: 'Hospital1MSP',
    datasetHash: hashOf(`dataset ${contributionId}`),
  }));
  return {
    studyId,
    resultId: textOr(input['resultId'], 'model-1'),
    kind: input['kind'] === 'paper' ? 'paper' : 'model',
    contentHash: textOr(input['contentHash'], hashOf('model')),
    org: 'ResearchMSP',
    datasets,
    rounds,
    derivedFrom: (input['derivedFrom'] as string[] | undefined) ?? [],
    sites: rounds.length > 0 ? ['Hospital1MSP', 'Hospital2MSP'] : ['Hospital1MSP'],
    anchoredBy: 'did:medledger:research:research-researcher-1',
    anchoredAt: TIME,
    txId: txId(),
  };
}

/** Study results and credential anchors. */
export function studyResultHandlers(): Record<string, FakeHandler> {
  return {
    'studyresults:AnchorResult': (i) => fakeResult(i),
    'studyresults:GetResultLineage': (i) => {
      const result = fakeResult({ ...i, rounds: [1, 2], derivedFrom: [] });
      return { result, ...lineageGraph(result) };
    },
    'credential:AnchorCredential': (i) => ({
      custodian: 'Hospital1MSP',
      recordId: i['recordId'],
      version: i['version'],
      sdJwtHash: i['sdJwtHash'],
      issuerJwk: i['issuerJwk'],
      anchoredBy: 'did:medledger:hospital1:hospital1-attending-1',
      anchoredAt: TIME,
      txId: txId(),
    }),
    'credential:GetCredentialAnchor': (i) => ({
      custodian: i['custodian'],
      recordId: 'rec-0001',
      version: 1,
      sdJwtHash: i['sdJwtHash'],
      issuerJwk: generatePatientKey().publicJwk,
      anchoredBy: 'did:medledger:hospital1:hospital1-attending-1',
      anchoredAt: TIME,
      txId: txId(),
    }),
  };
}
