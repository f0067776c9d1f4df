/** Routes of a multi-center study's federated rounds: updates, aggregates, rounds, inclusion proofs. */
import {
  MAX_ROUND_SITES,
  modelUpdateSchema,
  mspIdSchema,
  roundAggregateSchema,
  roundInclusionProofSchema,
  roundNumberSchema,
  sha256HexSchema,
  studyIdSchema,
  studyRoundOutput,
  submitModelUpdateInput,
  aggregateRoundInput,
} from '@medledger/domain';
import { z } from 'zod';

import * as rounds from '../../services/study-rounds';
import { route, type RouteDef } from './route';
import { tx } from './shared';

const roundParams = z.strictObject({
  id: studyIdSchema,
  round: z.coerce.number().pipe(roundNumberSchema),
});

const verifyBody = z.strictObject({
  leaf: z.strictObject({
    site: mspIdSchema,
    updateHash: sha256HexSchema,
    sampleCount: z.number().int().min(1),
  }),
  proof: z.strictObject({
    leafIndex: z.number().int().min(0).max(MAX_ROUND_SITES),
    path: z.array(sha256HexSchema).max(64),
  }),
});

const verifyAnswer = z.object({
  included: z.boolean(),
  merkleRoot: sha256HexSchema,
  treeSize: z.number().int().min(1),
  aggregateHash: sha256HexSchema,
});

/** The routes of federated rounds. */
export function studyRoundRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/studies/{id}/rounds/{round}/updates',
      operationId: 'submitModelUpdate',
      summary:
        "A site's admin anchors its model update for a round: the SHA-256 of its parameters and its sample count (never the weights); only an approving site of an active study, once per round, while the round is open",
      tag: 'researcher',
      params: roundParams,
      body: submitModelUpdateInput.omit({ studyId: true, round: true }),
      response: tx({ update: modelUpdateSchema }),
      handler: (ctx, { params, body }) => rounds.submitUpdate(ctx, params.id, params.round, body),
    }),
    route({
      method: 'post',
      path: '/v1/studies/{id}/rounds/{round}/aggregate',
      operationId: 'aggregateRound',
      summary:
        "The lead closes a round: the aggregate's SHA-256, the sites whose updates it used and the Merkle root over them (RFC 9162, leaves sorted by site); the ledger rebuilds the root from the anchored updates and refuses any other",
      tag: 'researcher',
      params: roundParams,
      body: aggregateRoundInput.omit({ studyId: true, round: true }),
      response: tx({ aggregate: roundAggregateSchema }),
      handler: (ctx, { params, body }) => rounds.aggregateRound(ctx, params.id, params.round, body),
    }),
    route({
      method: 'get',
      path: '/v1/studies/{id}/rounds/{round}',
      operationId: 'getStudyRound',
      summary:
        "A round as anchored: its state (waiting, open, closed), the sites' updates and the aggregate; for the lead's org, the sites and the regulator",
      tag: 'researcher',
      params: roundParams,
      response: studyRoundOutput,
      handler: (ctx, { params }) => rounds.getRound(ctx, params.id, params.round),
    }),
    route({
      method: 'get',
      path: '/v1/studies/{id}/rounds/{round}/proofs/{site}',
      operationId: 'getRoundInclusionProof',
      summary:
        "A site's inclusion proof in a closed round (its leaf, the RFC 9162 audit path, the anchored root and tree size); 404 when the aggregate did not use the site's update",
      tag: 'researcher',
      params: roundParams.extend({ site: mspIdSchema }),
      response: roundInclusionProofSchema,
      handler: (ctx, { params }) => rounds.inclusionProof(ctx, params.id, params.round, params.site),
    }),
    route({
      method: 'post',
      path: '/v1/studies/{id}/rounds/{round}/verify',
      operationId: 'verifyRoundInclusion',
      summary:
        "Checks a site's inclusion proof against the aggregate anchored for the round: its root and tree size come from the ledger, never from the prover",
      tag: 'researcher',
      params: roundParams,
      body: verifyBody,
      response: verifyAnswer,
      status: 200,
      handler: (ctx, { params, body }) => rounds.verifyInclusion(ctx, params.id, params.round, body),
    }),
  ];
}
