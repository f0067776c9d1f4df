/** Routes of a multi-center study's work: tasks, contributions, the credit table, a patient's points. */
import {
  assignStudyTaskInput,
  contributionPointsOutput,
  contributionRecordSchema,
  contributionSchema,
  MAX_CONTRIBUTION_RECORDS,
  patientDidSchema,
  recordContributionInput,
  studyCreditOutput,
  studyIdSchema,
  studyTaskSchema,
} from '@medledger/domain';
import { z } from 'zod';

import { PATIENT_PROOF_HEADER } from '../../auth/patient-proof';
import * as work from '../../services/study-work';
import { accessLogProblems, proofHeader } from './patient';
import { route, type RouteDef } from './route';
import { idParam, tx } from './shared';

const studyParam = idParam(studyIdSchema);

// The records of a contribution: each at most once (the chaincode checks each against the ledger).
const CONTRIBUTION_BODY = recordContributionInput.omit({ studyId: true }).extend({
  records: z
    .array(contributionRecordSchema)
    .min(1)
    .max(MAX_CONTRIBUTION_RECORDS)
    .refine((rs) => new Set(rs.map((r) => r.recordId)).size === rs.length, {
      error: 'a record appears twice',
    }),
});

/** The routes of tasks, contributions, credit and contribution points. */
export function studyWorkRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/studies/{id}/tasks',
      operationId: 'assignStudyTask',
      summary:
        'The lead assigns a site of the study a task: the cohort (criteria id and SHA-256), how many records, by when',
      tag: 'researcher',
      params: studyParam,
      body: assignStudyTaskInput.omit({ studyId: true }),
      response: tx({ task: studyTaskSchema }),
      handler: (ctx, { params, body }) => work.assignTask(ctx, params.id, body),
    }),
    route({
      method: 'post',
      path: '/v1/studies/{id}/contributions',
      operationId: 'recordContribution',
      summary:
        "A site's admin records its contribution to a task: the records it released to the study (record, version, research access), checked by the ledger, which derives the count, the quality verdicts and the dataset hash and awards the patients contribution points",
      tag: 'researcher',
      params: studyParam,
      body: CONTRIBUTION_BODY,
      response: tx({ contribution: contributionSchema }),
      handler: (ctx, { params, body }) => work.recordContribution(ctx, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/studies/{id}/credit',
      operationId: 'getStudyCredit',
      summary:
        "A study's tasks, verified contributions and each site's credit (basis points, by the documented formula); for the lead's org, the sites and the regulator",
      tag: 'researcher',
      params: studyParam,
      response: studyCreditOutput,
      handler: (ctx, { params }) => work.getCredit(ctx, params.id),
    }),
    route({
      method: 'get',
      path: '/v1/patients/{did}/points',
      operationId: 'patientContributionPoints',
      summary:
        "The patient's contribution points: one flat award per study and contributing hospital (study, hospital, points; never a record or a pseudonym); at a hospital's gateway that hospital's awards, at the regulator's every one; patient token plus a proof signed with the patient key",
      tag: 'patient',
      principals: ['patient'],
      patientSelf: 'did',
      params: z.strictObject({ did: patientDidSchema }),
      headers: [proofHeader],
      problems: accessLogProblems,
      response: contributionPointsOutput,
      handler: (ctx, { params }) =>
        work.contributionPoints(ctx, params.did, ctx.header(PATIENT_PROOF_HEADER)),
    }),
  ];
}
