/**
 * Every v1 route as data: method, path (OpenAPI form), who may call it, schemas of params, query, body
 * and response, and the service call. The Express routes and the OpenAPI document are both built from
 * this table.
 */
import {
  ACCESS_OUTCOMES,
  PURPOSES,
  accessDecisionSchema,
  auditEventSchema,
  breakGlassCaseSchema,
  breakGlassReviewOutcomeSchema,
  cohortPageSchema,
  compactJwsSchema,
  consentPageSchema,
  consentSchema,
  didDocumentSchema,
  didSchema,
  erasureReasonSchema,
  mspIdSchema,
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

import { PATIENT_PROOF_HEADER, type NonceCache } from '../auth/patient-proof';
import type { Principal } from '../auth/tokens';
import { GatewayErrorCode } from '../errors';
import type { ServiceContext, StaffEnroller } from '../services/context';
import type { ProjectionService } from '../projection/read/service';
import * as auditProjection from '../services/audit-projection';
import * as consents from '../services/consents';
import * as identity from '../services/identity';
import * as ops from '../services/ops';
import * as oversight from '../services/oversight';
import * as records from '../services/records';
import * as studies from '../services/studies';
import {
  accessLogPageSchema,
  alertListSchema,
  auditViewPageSchema,
  complianceReportSchema,
  fhirAuditBundleSchema,
} from '../projection/read/views';

/** What a handler gets besides its validated input. */
export interface HandlerContext extends ServiceContext {
  readonly principal: Principal;
  readonly enroller: StaffEnroller;
  /** The audit projection (regulator views, patients' access logs). */
  readonly projection: ProjectionService;
  /** The best of `types` for the request's `Accept` header, `false` when none fits. */
  readonly accepts: (types: readonly string[]) => string | false;
  /** A request header by name (case-insensitive), undefined when absent. */
  readonly header: (name: string) => string | undefined;
  /** Nonces of patient proofs seen by this gateway process. */
  readonly patientProofNonces: NonceCache;
}

/** A request header a route reads (for OpenAPI). */
export interface HeaderParam {
  readonly name: string;
  readonly required: boolean;
  readonly description: string;
  readonly pattern?: string;
}

/** A response that is not JSON of the route's schema (CSV, for instance): sent as is. */
export class RawReply {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
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
  /** Content type of `response` (default `application/json`). */
  readonly contentType?: string;
  /** Other representations of the success answer (a {@link RawReply}), for OpenAPI. */
  readonly alternates?: readonly { readonly contentType: string; readonly description: string }[];
  readonly status: number;
  /** Request headers the route reads besides `Authorization` and `Idempotency-Key`. */
  readonly headers?: readonly HeaderParam[];
  /** Route-specific descriptions of error answers by status (they replace the defaults in OpenAPI). */
  readonly problems?: Readonly<Record<string, string>>;
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
  contentType?: string;
  alternates?: RouteDef['alternates'];
  status?: number;
  headers?: RouteDef['headers'];
  problems?: RouteDef['problems'];
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
    ...(spec.contentType ? { contentType: spec.contentType } : {}),
    ...(spec.alternates ? { alternates: spec.alternates } : {}),
    status: spec.status ?? (write ? 201 : 200),
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(spec.problems ? { problems: spec.problems } : {}),
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
  const isoInstant = z.iso.datetime({ offset: true });
  const projectionPage = {
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(Math.min(pageSizeMax, 100))
      .optional()
      .describe('page size (default 50)'),
    cursor: z.string().min(1).max(512).optional().describe('nextCursor of the previous page'),
  };
  const auditFilters = {
    patient: patientDidSchema.optional().describe('the patient whose data was accessed'),
    actor: staffDidSchema.optional().describe('DID of the person who asked'),
    org: mspIdSchema.optional().describe("MSP ID of the actor's org"),
    custodian: mspIdSchema.optional().describe('MSP ID of the hospital keeping the record'),
    record: recordIdSchema.optional(),
    purpose: z.enum(PURPOSES).optional(),
    outcome: z.enum(ACCESS_OUTCOMES).optional(),
    from: isoInstant.optional().describe('inclusive'),
    to: isoInstant.optional().describe('exclusive'),
  };
  const auditQuery = z.strictObject({ ...auditFilters, ...projectionPage });

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
      summary:
        'The patient own accounting of disclosures (who, which org, when, purpose, consent or break-glass), newest first, from the audit projection; patient token plus a proof signed with the patient key',
      tag: 'patient',
      principals: ['patient'],
      patientSelf: 'did',
      params: z.strictObject({ did: patientDidSchema }),
      query: z.strictObject(projectionPage),
      headers: [
        {
          name: PATIENT_PROOF_HEADER,
          required: true,
          description:
            "Compact JWS (ES256) signed with the current key of the patient's DID document (header kid = that key id), payload { typ: 'medledger.access-log.read', patientDid: <the path DID>, aud: <this gateway's org MSP ID>, nonce: <16-128 base64url characters, used once>, iat, exp } in seconds since the epoch, exp - iat <= 300, iat at most 30 s in the future",
          pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
        },
      ],
      problems: {
        '401': `Missing or invalid token (${GatewayErrorCode.UNAUTHENTICATED}); ${GatewayErrorCode.PATIENT_PROOF_REQUIRED}: no ${PATIENT_PROOF_HEADER} header; ${GatewayErrorCode.PATIENT_PROOF_INVALID}: the proof is malformed, not signed with the patient current key, for another DID or org, expired or outside its time window, or its nonce was already used`,
        '403': 'The token is not this patient (another patient, or staff)',
      },
      response: accessLogPageSchema,
      handler: (ctx, { params, query }) =>
        auditProjection.accessLog(
          ctx,
          params.did,
          ctx.header(PATIENT_PROOF_HEADER),
          query.cursor,
          query.limit,
        ),
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
      summary:
        'Access decisions from the audit projection, newest first, cursor-paginated: regulator auditors see all, hospital admins their hospital',
      tag: 'regulator',
      query: auditQuery,
      response: auditViewPageSchema,
      handler: (ctx, { query }) => {
        const { cursor, limit, ...filters } = query;
        return auditProjection.queryAudit(ctx, filters, cursor, limit);
      },
    }),
    route({
      method: 'get',
      path: '/v1/audit/fhir',
      operationId: 'exportAuditFhir',
      summary:
        'Access decisions as a FHIR R4 Bundle of AuditEvent resources (same filters and scope as /v1/audit)',
      tag: 'regulator',
      query: auditQuery,
      response: fhirAuditBundleSchema,
      contentType: 'application/fhir+json',
      handler: (ctx, { query }) => auditProjection.exportFhir(ctx, '/v1/audit/fhir', query),
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
      summary:
        'Compliance report for [from, to) (default: the last 30 days): denials by reason, break-glass and review state (overdue first), accesses by purpose and org, consents expiring soon, records held for review, erasures; JSON, or CSV with Accept: text/csv or format=csv',
      tag: 'regulator',
      query: z.strictObject({
        from: isoInstant.optional().describe('inclusive; default 30 days before `to`'),
        to: isoInstant.optional().describe('exclusive; default now'),
        format: z.enum(['json', 'csv']).optional().describe('overrides the Accept header'),
      }),
      response: complianceReportSchema,
      alternates: [{ contentType: 'text/csv', description: 'the same report, one CSV section per list' }],
      handler: async (ctx, { query }) => {
        const format =
          query.format ?? (ctx.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json');
        const range = { from: query.from, to: query.to };
        if (format === 'csv') {
          return new RawReply('text/csv', await auditProjection.complianceReportAsCsv(ctx, range));
        }
        return auditProjection.complianceReport(ctx, range);
      },
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
      summary:
        'Unusual access now: volume above the actor baseline, denial bursts, break-glass unreviewed past the deadline, access at unusual hours; each with its events',
      tag: 'regulator',
      response: alertListSchema,
      handler: (ctx) => auditProjection.alerts(ctx),
    }),
  ];
}
