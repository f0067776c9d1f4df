/**
 * Every v1 route as data: method, path (OpenAPI form), who may call it, schemas of params, query, body
 * and response, and the service call. The Express routes and the OpenAPI document are both built from
 * this table.
 */
import {
  accessDecisionSchema,
  auditEventSchema,
  auditPageSchema,
  breakGlassCaseSchema,
  breakGlassReviewOutcomeSchema,
  cohortPageSchema,
  compactJwsSchema,
  consentPageSchema,
  consentSchema,
  didDocumentSchema,
  didSchema,
  erasureReasonSchema,
  eraseRecordContentOutput,
  patientDidSchema,
  patientPreferencesSchema,
  readRecordContentOutput,
  recordAnchorSchema,
  recordHistorySchema,
  recordIdSchema,
  registerPatientInput,
  registerStaffInput,
  registerStudyInput,
  staffDidSchema,
  studyIdSchema,
  studySchema,
  txIdSchema,
  updateStaffInput,
  verifyRecordOutput,
  versionSchema,
} from '@medledger/domain';
import { z } from 'zod';

import type { Principal } from '../auth/tokens';
import type { ServiceContext, StaffEnroller } from '../services/context';
import * as consents from '../services/consents';
import * as identity from '../services/identity';
import * as ops from '../services/ops';
import * as oversight from '../services/oversight';
import * as records from '../services/records';
import * as studies from '../services/studies';

/** What a handler gets besides its validated input. */
export interface HandlerContext extends ServiceContext {
  readonly principal: Principal;
  readonly enroller: StaffEnroller;
  readonly reportMaxEvents: number;
}

/** A route of the table. */
export interface RouteDef {
  readonly method: 'get' | 'post' | 'put' | 'patch';
  /** OpenAPI path, e.g. `/v1/records/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: 'hospital' | 'patient' | 'researcher' | 'regulator' | 'identity' | 'operations';
  /** Principal kinds allowed; the chaincode makes the role decision. */
  readonly principals: readonly Principal['kind'][];
  /** For patient principals: the path parameter that must equal their DID. */
  readonly patientSelf?: string;
  readonly params: z.ZodType;
  readonly query: z.ZodType;
  readonly body: z.ZodType | undefined;
  readonly response: z.ZodType;
  readonly status: number;
  /** Writes accept `Idempotency-Key` and need a JSON body. */
  readonly write: boolean;
  readonly handler: (
    ctx: HandlerContext,
    input: { params: never; query: never; body: never },
  ) => Promise<unknown>;
}

interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType | undefined> {
  method: RouteDef['method'];
  path: string;
  operationId: string;
  summary: string;
  tag: RouteDef['tag'];
  principals?: readonly Principal['kind'][];
  patientSelf?: string;
  params?: P;
  query?: Q;
  body?: B;
  response: z.ZodType;
  status?: number;
  handler: (
    ctx: HandlerContext,
    input: { params: z.output<P>; query: z.output<Q>; body: B extends z.ZodType ? z.output<B> : undefined },
  ) => Promise<unknown>;
}

const noParams = z.strictObject({});

function route<
  P extends z.ZodType = typeof noParams,
  Q extends z.ZodType = typeof noParams,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): RouteDef {
  const write = spec.method !== 'get';
  return {
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tag: spec.tag,
    principals: spec.principals ?? ['staff'],
    ...(spec.patientSelf ? { patientSelf: spec.patientSelf } : {}),
    params: spec.params ?? noParams,
    query: spec.query ?? noParams,
    body: spec.body,
    response: spec.response,
    status: spec.status ?? (write ? 201 : 200),
    write,
    handler: spec.handler,
  };
}

const tx = <T extends z.ZodRawShape>(shape: T) => z.object({ txId: txIdSchema, ...shape });
const idParam = <S extends z.ZodType>(schema: S) => z.strictObject({ id: schema });
const jwsBody = z.strictObject({ jws: compactJwsSchema });
const anchoredResponse = tx({ stageTxId: txIdSchema, salt: z.string(), record: recordAnchorSchema });

/** Builds the route table; `pageSizeMax` bounds every page. */
export function buildRoutes(pageSizeMax: number): RouteDef[] {
  const page = {
    pageSize: z.coerce.number().int().min(1).max(Math.min(pageSizeMax, 100)).optional(),
    bookmark: z.string().max(1024).optional(),
  };
  const auditScope = z.strictObject({
    by: z.enum(['patient', 'actor', 'record']),
    id: z.string().min(1).max(200),
    ...page,
  });
  const scopeOnly = z.strictObject({
    by: z.enum(['patient', 'actor', 'record']),
    id: z.string().min(1).max(200),
  });

  return [
    // identity
    route({
      method: 'get',
      path: '/v1/dids/{did}',
      operationId: 'resolveDid',
      summary: 'Resolve a staff or patient DID document',
      tag: 'identity',
      principals: ['staff', 'patient'],
      params: z.strictObject({ did: didSchema }),
      response: didDocumentSchema,
      handler: (ctx, { params }) => identity.resolveDid(ctx, params.did),
    }),
    route({
      method: 'post',
      path: '/v1/staff',
      operationId: 'onboardStaff',
      summary: 'Onboard a staff member (org admin): CA registration, wallet, DID document on chain',
      tag: 'hospital',
      body: registerStaffInput,
      response: tx({ didDocument: didDocumentSchema }),
      handler: (ctx, { body }) => identity.onboardStaff(ctx, ctx.enroller, body),
    }),
    route({
      method: 'patch',
      path: '/v1/staff/{did}',
      operationId: 'updateStaff',
      summary: 'Change a staff member role, department or status (org admin)',
      tag: 'hospital',
      params: z.strictObject({ did: staffDidSchema }),
      body: updateStaffInput.omit({ did: true }),
      response: tx({ didDocument: didDocumentSchema }),
      status: 200,
      handler: (ctx, { params, body }) => identity.updateStaff(ctx, params.did, body),
    }),
    route({
      method: 'post',
      path: '/v1/staff/{did}/deactivate',
      operationId: 'deactivateStaff',
      summary: 'Deactivate a staff member (org admin; final)',
      tag: 'hospital',
      params: z.strictObject({ did: staffDidSchema }),
      body: z.strictObject({}),
      response: tx({ didDocument: didDocumentSchema }),
      status: 200,
      handler: (ctx, { params }) => identity.deactivateStaff(ctx, params.did),
    }),
    route({
      method: 'post',
      path: '/v1/patients',
      operationId: 'registerPatient',
      summary: 'Register a patient DID with the patient public key (P-256 JWK)',
      tag: 'hospital',
      body: registerPatientInput,
      response: tx({ didDocument: didDocumentSchema }),
      handler: (ctx, { body }) => identity.registerPatient(ctx, body),
    }),
    route({
      method: 'post',
      path: '/v1/patients/{did}/keys',
      operationId: 'rotatePatientKey',
      summary: 'Rotate a patient key (payload signed with the current key)',
      tag: 'patient',
      principals: ['staff', 'patient'],
      patientSelf: 'did',
      params: z.strictObject({ did: patientDidSchema }),
      body: jwsBody,
      response: tx({ didDocument: didDocumentSchema }),
      status: 200,
      handler: (ctx, { body }) => identity.rotatePatientKey(ctx, body.jws),
    }),
    // records
    route({
      method: 'post',
      path: '/v1/records',
      operationId: 'createRecord',
      summary: 'Anchor a new record: content staged on the custodian peer, metadata and hash on chain',
      tag: 'hospital',
      body: records.createRecordBody,
      response: anchoredResponse,
      handler: (ctx, { body }) => records.createRecord(ctx, body),
    }),
    route({
      method: 'post',
      path: '/v1/records/{id}/versions',
      operationId: 'addRecordVersion',
      summary: 'Anchor the next version of a record, chained to the latest',
      tag: 'hospital',
      params: idParam(recordIdSchema),
      body: records.addVersionBody,
      response: anchoredResponse,
      handler: (ctx, { params, body }) => records.addVersion(ctx, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/records/{id}',
      operationId: 'getRecord',
      summary: 'Record metadata (latest version unless `version` is given)',
      tag: 'hospital',
      params: idParam(recordIdSchema),
      query: z.strictObject({ version: z.coerce.number().pipe(versionSchema).optional() }),
      response: recordAnchorSchema,
      handler: (ctx, { params, query }) => records.getRecord(ctx, params.id, query.version),
    }),
    route({
      method: 'get',
      path: '/v1/records/{id}/history',
      operationId: 'getRecordHistory',
      summary: 'Every version of a record, oldest first, and its erasures',
      tag: 'hospital',
      params: idParam(recordIdSchema),
      response: recordHistorySchema,
      handler: (ctx, { params }) => records.getHistory(ctx, params.id),
    }),
    route({
      method: 'post',
      path: '/v1/records/{id}/verify',
      operationId: 'verifyRecord',
      summary: 'Verify a copy of the content (with its salt) against the anchored hash',
      tag: 'hospital',
      params: idParam(recordIdSchema),
      body: records.verifyBody,
      response: verifyRecordOutput,
      status: 200,
      handler: (ctx, { params, body }) => records.verifyRecord(ctx, params.id, body),
    }),
    route({
      method: 'post',
      path: '/v1/records/{id}/access',
      operationId: 'requestAccess',
      summary: 'Ask for access to content; granted or denied, the decision is committed and audited',
      tag: 'hospital',
      params: idParam(recordIdSchema),
      body: records.accessBody,
      response: tx({ decision: accessDecisionSchema }),
      status: 200,
      handler: (ctx, { params, body }) => records.requestAccess(ctx, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/records/{id}/content',
      operationId: 'readRecordContent',
      summary: 'Read content with a granted access (`accessId`), from the custodian peer',
      tag: 'hospital',
      params: idParam(recordIdSchema),
      query: z.strictObject({ accessId: txIdSchema }),
      response: readRecordContentOutput,
      handler: (ctx, { params, query }) => records.readContent(ctx, params.id, query.accessId),
    }),
    route({
      method: 'post',
      path: '/v1/records/{id}/review',
      operationId: 'reviewRecordQuality',
      summary: 'Clear a version anchored as needs_review',
      tag: 'hospital',
      params: idParam(recordIdSchema),
      body: z.strictObject({ version: versionSchema }),
      response: tx({ record: recordAnchorSchema }),
      status: 200,
      handler: (ctx, { params, body }) => records.reviewQuality(ctx, params.id, body.version),
    }),
    route({
      method: 'post',
      path: '/v1/records/{id}/erasures',
      operationId: 'eraseRecordContent',
      summary: 'Purge content (one version or all) and record the erasure on chain',
      tag: 'hospital',
      params: idParam(recordIdSchema),
      body: z.strictObject({ version: versionSchema.optional(), reason: erasureReasonSchema }),
      response: tx({ result: eraseRecordContentOutput }),
      handler: (ctx, { params, body }) => records.eraseContent(ctx, params.id, body),
    }),
    // patient
    route({
      method: 'post',
      path: '/v1/consents',
      operationId: 'grantConsent',
      summary: 'Relay a consent grant signed by the patient (compact JWS, ES256)',
      tag: 'patient',
      principals: ['staff', 'patient'],
      body: jwsBody,
      response: tx({ consent: consentSchema }),
      handler: (ctx, { body }) => consents.grantConsent(ctx, body.jws),
    }),
    route({
      method: 'post',
      path: '/v1/consents/{id}/revoke',
      operationId: 'revokeConsent',
      summary: 'Relay a consent revocation signed by the patient',
      tag: 'patient',
      principals: ['staff', 'patient'],
      params: idParam(txIdSchema),
      body: jwsBody,
      response: tx({ consent: consentSchema }),
      status: 200,
      handler: (ctx, { params, body }) => consents.revokeConsent(ctx, params.id, body.jws),
    }),
    route({
      method: 'put',
      path: '/v1/patients/{did}/preferences',
      operationId: 'setPatientPreferences',
      summary: 'Relay standing preferences signed by the patient (e.g. emergency access)',
      tag: 'patient',
      principals: ['staff', 'patient'],
      patientSelf: 'did',
      params: z.strictObject({ did: patientDidSchema }),
      body: jwsBody,
      response: tx({ preferences: patientPreferencesSchema }),
      status: 200,
      handler: (ctx, { body }) => consents.setPreferences(ctx, body.jws),
    }),
    route({
      method: 'get',
      path: '/v1/patients/{did}/consents',
      operationId: 'listPatientConsents',
      summary: 'Consents of a patient, newest first',
      tag: 'patient',
      principals: ['staff', 'patient'],
      patientSelf: 'did',
      params: z.strictObject({ did: patientDidSchema }),
      query: z.strictObject(page),
      response: consentPageSchema,
      handler: (ctx, { params, query }) => consents.listPatientConsents(ctx, params.did, query),
    }),
    route({
      method: 'get',
      path: '/v1/patients/{did}/access-log',
      operationId: 'patientAccessLog',
      summary: 'Who accessed (or was denied) a patient data, newest first',
      tag: 'patient',
      principals: ['staff', 'patient'],
      patientSelf: 'did',
      params: z.strictObject({ did: patientDidSchema }),
      query: z.strictObject(page),
      response: auditPageSchema,
      handler: (ctx, { params, query }) => consents.accessLog(ctx, params.did, query),
    }),
    // researcher
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
      params: idParam(studyIdSchema),
      response: studySchema,
      handler: (ctx, { params }) => studies.getStudy(ctx, params.id),
    }),
    route({
      method: 'get',
      path: '/v1/studies/{id}/cohort',
      operationId: 'getStudyCohort',
      summary: 'Patients with an active consent for the study',
      tag: 'researcher',
      params: idParam(studyIdSchema),
      query: z.strictObject(page),
      response: cohortPageSchema,
      handler: (ctx, { params, query }) => studies.getCohort(ctx, params.id, query),
    }),
    route({
      method: 'post',
      path: '/v1/studies/{id}/datasets',
      operationId: 'buildDataset',
      summary: 'Research access to records (audited), content de-identified at source',
      tag: 'researcher',
      params: idParam(studyIdSchema),
      body: studies.datasetBody,
      response: z.object({
        studyId: studyIdSchema,
        items: z.array(
          z.object({
            recordId: recordIdSchema,
            accessId: txIdSchema.nullable(),
            outcome: z.enum(['granted', 'denied', 'error']),
            reason: z.string(),
            resource: z.record(z.string(), z.unknown()).nullable(),
            deidentified: z.boolean(),
          }),
        ),
      }),
      status: 200,
      handler: (ctx, { params, body }) => studies.buildDataset(ctx, params.id, body),
    }),
    // operations
    route({
      method: 'post',
      path: '/v1/ops/ping',
      operationId: 'ping',
      summary:
        'Empty transaction (writes one key), signed by the caller and committed: the write-path baseline of the benchmarks',
      tag: 'operations',
      body: z.strictObject({}),
      response: tx({}),
      status: 200,
      handler: (ctx) => ops.ping(ctx),
    }),
    // regulator
    route({
      method: 'get',
      path: '/v1/audit',
      operationId: 'queryAudit',
      summary: 'Audit events of a patient, actor or record, newest first',
      tag: 'regulator',
      query: auditScope,
      response: auditPageSchema,
      handler: (ctx, { query }) => {
        const { by, id, ...rest } = query;
        return oversight.queryAudit(ctx, { by, id }, rest);
      },
    }),
    route({
      method: 'get',
      path: '/v1/audit/{id}',
      operationId: 'getAuditEvent',
      summary: 'One audit event',
      tag: 'regulator',
      params: idParam(txIdSchema),
      response: auditEventSchema,
      handler: (ctx, { params }) => oversight.getAuditEvent(ctx, params.id),
    }),
    route({
      method: 'get',
      path: '/v1/reports/compliance',
      operationId: 'complianceReport',
      summary: 'Denials, break-glass, access outside consent scope and unusual volume per actor',
      tag: 'regulator',
      query: scopeOnly,
      response: z.object({
        scope: z.object({ by: z.string(), id: z.string() }),
        eventsExamined: z.number().int(),
        truncated: z.boolean(),
        granted: z.number().int(),
        denied: z.number().int(),
        deniedByReason: z.record(z.string(), z.number().int()),
        breakGlass: z.number().int(),
        outsideConsentScope: z.number().int(),
        accessesByActor: z.array(
          z.object({
            actorDid: z.string(),
            actorMsp: z.string(),
            count: z.number().int(),
            unusual: z.boolean(),
          }),
        ),
      }),
      handler: (ctx, { query }) => oversight.complianceReport(ctx, query, ctx.reportMaxEvents, 50),
    }),
    route({
      method: 'post',
      path: '/v1/break-glass/{id}/review',
      operationId: 'reviewBreakGlass',
      summary: 'Post-hoc review of an emergency access (custodian or regulator)',
      tag: 'regulator',
      params: idParam(txIdSchema),
      body: z.strictObject({ outcome: breakGlassReviewOutcomeSchema }),
      response: tx({ case: breakGlassCaseSchema }),
      status: 200,
      handler: (ctx, { params, body }) => oversight.reviewBreakGlass(ctx, params.id, body.outcome),
    }),
    route({
      method: 'get',
      path: '/v1/alerts',
      operationId: 'listAlerts',
      summary: 'Break-glass and denied accesses in a scope, newest first',
      tag: 'regulator',
      query: scopeOnly,
      response: z.object({
        items: z.array(
          z.object({
            kind: z.enum(['break_glass', 'denied_access']),
            eventId: txIdSchema,
            recordId: recordIdSchema,
            actorDid: z.string(),
            actorMsp: z.string(),
            reason: z.string(),
            txTime: z.string(),
          }),
        ),
      }),
      handler: async (ctx, { query }) => ({ items: await oversight.alerts(ctx, query, ctx.reportMaxEvents) }),
    }),
  ];
}
