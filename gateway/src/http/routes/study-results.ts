/** Routes of a study's results: a model or paper anchored with its lineage, and its lineage graph. */
import {
  anchorResultFields,
  namesDataOrRounds,
  recordIdSchema,
  resultLineageOutput,
  studyIdSchema,
  studyResultSchema,
} from '@medledger/domain';
import { z } from 'zod';

import * as results from '../../services/study-results';
import { route, type RouteDef } from './route';
import { idParam, tx } from './shared';

const anchorResultBody = anchorResultFields
  .omit({ studyId: true })
  .refine(namesDataOrRounds, { error: 'a result needs a dataset or a round' });

/** The routes of study results. */
export function studyResultRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/studies/{id}/results',
      operationId: 'anchorStudyResult',
      summary:
        "The lead anchors a result of the study (a model or a paper: its content's SHA-256) with its lineage: contributions and aggregated rounds of this study and earlier results of it; the ledger resolves every id against the study and derives the sites",
      tag: 'researcher',
      params: idParam(studyIdSchema),
      body: anchorResultBody,
      response: tx({ result: studyResultSchema }),
      handler: (ctx, { params, body }) => results.anchorResult(ctx, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/studies/{id}/results/{resultId}/lineage',
      operationId: 'getResultLineage',
      summary:
        "A result's lineage graph: the result, its study, the datasets and rounds that produced it, the results it derives from and the sites; for the lead's org, the sites and the regulator",
      tag: 'researcher',
      params: z.strictObject({ id: studyIdSchema, resultId: recordIdSchema }),
      response: resultLineageOutput,
      handler: (ctx, { params }) => results.resultLineage(ctx, params.id, params.resultId),
    }),
  ];
}
