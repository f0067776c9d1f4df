/** Researcher routes: studies, their cohorts, and de-identified datasets through audited access decisions. */
import {
  cohortPageSchema,
  mspIdSchema,
  recordIdSchema,
  registerStudyInput,
  studyIdSchema,
  studySchema,
  txIdSchema,
} from '@medledger/domain';
import { z } from 'zod';

import * as studies from '../../services/studies';
import { route, type RouteDef } from './route';
import { idParam, ledgerPage, tx, type RouteLimits } from './shared';

const studyParam = idParam(studyIdSchema);

const datasetAnswer = z.object({
  studyId: studyIdSchema,
  items: z.array(
    z.object({
      recordId: recordIdSchema,
      custodian: mspIdSchema,
      accessId: txIdSchema.nullable(),
      outcome: z.enum(['granted', 'denied', 'error']),
      reason: z.string(),
      resource: z.record(z.string(), z.unknown()).nullable(),
      deidentified: z.boolean(),
    }),
  ),
});

/** The researcher routes; `limits` bound their pages. */
export function researcherRoutes(limits: RouteLimits): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/studies',
      operationId: 'registerStudy',
      summary: 'Register a study (researcher)',
      tag: 'researcher',
      body: registerStudyInput,
      response: tx({ study: studySchema }),
      handler: (ctx, { body }) => studies.registerStudy(ctx, body),
    }),
    route({
      method: 'get',
      path: '/v1/studies/{id}',
      operationId: 'getStudy',
      summary: 'A registered study',
      tag: 'researcher',
      params: studyParam,
      response: studySchema,
      handler: (ctx, { params }) => studies.getStudy(ctx, params.id),
    }),
    route({
      method: 'get',
      path: '/v1/studies/{id}/cohort',
      operationId: 'getStudyCohort',
      summary: 'Patients with an active consent for the study',
      tag: 'researcher',
      params: studyParam,
      query: z.strictObject(ledgerPage(limits)),
      response: cohortPageSchema,
      handler: (ctx, { params, query }) => studies.getCohort(ctx, params.id, query),
    }),
    route({
      method: 'post',
      path: '/v1/studies/{id}/datasets',
      operationId: 'buildDataset',
      summary: 'Research access to records (audited), content de-identified at source',
      tag: 'researcher',
      params: studyParam,
      body: studies.datasetBody,
      response: datasetAnswer,
      status: 200,
      answerHoldsContent: true,
      handler: (ctx, { params, body }) => studies.buildDataset(ctx, params.id, body),
    }),
  ];
}
