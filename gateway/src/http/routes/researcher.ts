/** Researcher routes: studies, their cohorts, and de-identified datasets through audited access decisions. */
import {
  cohortPageSchema,
  dataUseReceiptSchema,
  decideStudyInput,
  proposeStudyInput,
  studyGovernanceOutput,
  mspIdSchema,
  recordIdSchema,
  sha256HexSchema,
  STUDY_CHANGES,
  studyIdSchema,
  studySchema,
  txIdSchema,
} from '@medledger/domain';
import { z } from 'zod';

import * as studies from '../../services/studies';
import { route, type RouteDef } from './route';
import { idParam, ledgerPage, tx, type RouteLimits } from './shared';

const studyParam = idParam(studyIdSchema);

// The body of a change names no study (the path does); the schema's own rule (protocolHash with amend
// only) is the transaction's and is checked there and by the chaincode.
const CHANGE_BODY = z.strictObject({
  action: z.enum(STUDY_CHANGES),
  protocolHash: sha256HexSchema.optional(),
});

const datasetAnswer = z.object({
  studyId: studyIdSchema,
  exportId: txIdSchema.nullable(),
  items: z.array(
    z.object({
      recordId: recordIdSchema,
      custodian: mspIdSchema,
      accessId: txIdSchema.nullable(),
      outcome: z.enum(['granted', 'denied', 'error']),
      reason: z.string(),
      resource: z.record(z.string(), z.unknown()).nullable(),
      deidentified: z.boolean(),
      receipt: dataUseReceiptSchema.nullable(),
    }),
  ),
});

/** The researcher routes; `limits` bound their pages. */
export function researcherRoutes(limits: RouteLimits): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/studies/{id}',
      operationId: 'getStudy',
      summary: 'A study (proposed with its sites: POST /v1/multicenter-studies)',
      tag: 'researcher',
      params: studyParam,
      response: studySchema,
      handler: (ctx, { params }) => studies.getStudy(ctx, params.id),
    }),
    ...governanceRoutes(),
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
      summary:
        'Research access to records (audited), content de-identified at source; one export: rows marked with per-export pseudonyms and order, receipts recorded',
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

/** The routes of a multi-center study's governance: proposal, ethics decisions, the lead's changes. */
function governanceRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/multicenter-studies',
      operationId: 'proposeStudy',
      summary:
        "Propose a multi-center study (researcher): its sites, protocol hash and quorum; approved by the sites' ethics committees",
      tag: 'researcher',
      body: proposeStudyInput,
      response: tx({ governance: studyGovernanceOutput }),
      handler: (ctx, { body }) => studies.proposeStudy(ctx, body),
    }),
    route({
      method: 'get',
      path: '/v1/studies/{id}/governance',
      operationId: 'getStudyGovernance',
      summary: "A study's state, sites, quorum, protocol and the ethics decisions on its current version",
      tag: 'researcher',
      params: studyParam,
      response: studyGovernanceOutput,
      handler: (ctx, { params }) => studies.getGovernance(ctx, params.id),
    }),
    route({
      method: 'post',
      path: '/v1/studies/{id}/decisions',
      operationId: 'decideStudy',
      summary:
        "The caller's ethics committee approves or rejects the study's current protocol version for its hospital",
      tag: 'researcher',
      params: studyParam,
      body: decideStudyInput.omit({ studyId: true }),
      response: tx({ governance: studyGovernanceOutput }),
      status: 200,
      handler: (ctx, { params, body }) => studies.decideStudy(ctx, params.id, body),
    }),
    route({
      method: 'post',
      path: '/v1/studies/{id}/changes',
      operationId: 'changeStudy',
      summary:
        'Amend (new protocol hash: approval re-opens), activate, suspend, resume or close a study (lead; suspend also a site committee or the regulator; close also the regulator)',
      tag: 'researcher',
      params: studyParam,
      body: CHANGE_BODY,
      response: tx({ governance: studyGovernanceOutput }),
      status: 200,
      handler: (ctx, { params, body }) => studies.changeStudy(ctx, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/studies/{id}/fhir',
      operationId: 'getStudyFhir',
      summary: 'A multi-center study as a FHIR R4 ResearchStudy',
      tag: 'researcher',
      params: studyParam,
      response: z.record(z.string(), z.unknown()),
      handler: (ctx, { params }) => studies.getStudyFhir(ctx, params.id),
    }),
  ];
}
