/**
 * Hospital record routes: anchoring records and versions (content staged on the custodian's peer),
 * metadata and history, verification of copies, access decisions, content reads, quality review and
 * erasure.
 */
import {
  accessDecisionSchema,
  eraseRecordContentOutput,
  erasureSchema,
  mspIdSchema,
  readRecordContentOutput,
  recordAnchorSchema,
  recordHistorySchema,
  recordIdSchema,
  txIdSchema,
  verifyRecordOutput,
  versionSchema,
} from '@medledger/domain';
import { z } from 'zod';

import { PATIENT_PROOF_HEADER } from '../../auth/patient-proof';
import { GatewayErrorCode } from '../../errors';
import * as records from '../../services/records';
import { route, type HeaderParam, type RouteDef } from './route';
import { idParam, tx } from './shared';

const anchoredResponse = tx({ stageTxId: txIdSchema, salt: z.string(), record: recordAnchorSchema });
const recordParam = idParam(recordIdSchema);
/** Record ids are unique per custodian: reads name it, the caller's own org by default. */
const custodianQuery = {
  custodian: mspIdSchema
    .optional()
    .describe("MSP ID of the hospital keeping the record (default: the caller's own org)"),
};

/** Anchoring: a new record and the next version of one. */
function anchorRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/records',
      operationId: 'createRecord',
      summary:
        "Anchor a new record of the caller's hospital: content staged on its peer, metadata and hash on chain, the patient in its sealed collection",
      tag: 'hospital',
      body: records.createRecordBody,
      response: anchoredResponse,
      answerHoldsContent: true,
      handler: (ctx, { body }) => records.createRecord(ctx, body),
    }),
    route({
      method: 'post',
      path: '/v1/records/{id}/versions',
      operationId: 'addRecordVersion',
      summary: "Anchor the next version of a record of the caller's hospital, chained to the latest",
      tag: 'hospital',
      params: recordParam,
      body: records.addVersionBody,
      response: anchoredResponse,
      answerHoldsContent: true,
      handler: (ctx, { params, body }) => records.addVersion(ctx, params.id, body),
    }),
  ];
}

/** The patient's signed request naming the record whose anchor they read (patients only). */
const recordReadHeader: HeaderParam = {
  name: PATIENT_PROOF_HEADER,
  required: false,
  description:
    "A patient (required; staff send none): compact JWS (ES256) signed with the current key of the patient's DID document, payload { typ: 'medledger.record.read', patientDid: <the token's DID>, aud: <this gateway's org MSP ID>, custodian: <the record's custodian>, recordId: <the path id>, nonce: <16-128 base64url characters>, iat, exp } in seconds since the epoch, exp - iat <= 300; checked on the regulator's peer",
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
};

/** Reading anchors: metadata, history, and verification of a copy. */
function readRoutes(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/records/{id}',
      operationId: 'getRecord',
      summary:
        "Record metadata (latest version unless `version` is given): for any member's staff, and for the record's own patient with a request signed by their key naming the record (another patient's record answers 404, as a missing one)",
      tag: 'hospital',
      principals: ['staff', 'patient'],
      params: recordParam,
      query: z.strictObject({ ...custodianQuery, version: z.coerce.number().pipe(versionSchema).optional() }),
      headers: [recordReadHeader],
      problems: {
        '401': `Missing or invalid token (${GatewayErrorCode.UNAUTHENTICATED}); ${GatewayErrorCode.PATIENT_PROOF_REQUIRED}: a patient sent no signed request`,
        '403':
          'NOT_REGISTERED, INACTIVE; a patient: FORBIDDEN (a request of another patient or for another org), INVALID_SIGNATURE, EXPIRED',
        '404': 'NOT_FOUND: no such record or version (for a patient: also a record that is not theirs)',
      },
      response: recordAnchorSchema,
      handler: (ctx, { params, query }) =>
        ctx.principal.kind === 'patient'
          ? records.getOwnRecord(ctx, params.id, query, ctx.header(PATIENT_PROOF_HEADER))
          : records.getRecord(ctx, params.id, query),
    }),
    route({
      method: 'get',
      path: '/v1/records/{id}/history',
      operationId: 'getRecordHistory',
      summary: 'Every version of a record, oldest first, and its erasures',
      tag: 'hospital',
      params: recordParam,
      query: z.strictObject(custodianQuery),
      response: recordHistorySchema,
      handler: (ctx, { params, query }) => records.getHistory(ctx, params.id, query.custodian),
    }),
    route({
      method: 'post',
      path: '/v1/records/{id}/verify',
      operationId: 'verifyRecord',
      summary:
        "Verify a copy of the content (with its salt) against the anchored hash, on the caller's own org's peer",
      tag: 'hospital',
      params: recordParam,
      body: records.verifyBody,
      response: verifyRecordOutput,
      status: 200,
      handler: (ctx, { params, body }) => records.verifyRecord(ctx, params.id, body),
    }),
  ];
}

/** Access: the audited decision, then the content read with it. */
function accessRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/records/{id}/access',
      operationId: 'requestAccess',
      summary:
        "Ask for access to content; granted or denied, the decision is committed and audited in the custodian's sealed collection (endorsed by the custodian and the regulator); with `patientDid`, the consents the caller's org holds for that patient are presented",
      tag: 'hospital',
      params: recordParam,
      body: records.accessBody,
      response: tx({ decision: accessDecisionSchema }),
      status: 200,
      handler: (ctx, { params, body }) => records.requestAccess(ctx, params.id, body),
    }),
    route({
      method: 'post',
      path: '/v1/break-glass/{id}/co-sign',
      operationId: 'coSignBreakGlass',
      summary:
        "Co-sign a colleague's emergency access beyond the patient's emergency profile (`id`: the access id of the decision denied `CO_SIGNATURE_REQUIRED`): a second attending of the same hospital, within 10 minutes, once; the access is decided again for the requester and, granted, opens that record (`BREAK_GLASS_COSIGNED`), reviewed afterwards with both names",
      tag: 'hospital',
      params: idParam(txIdSchema),
      body: records.coSignBody,
      response: tx({ decision: accessDecisionSchema }),
      status: 200,
      problems: {
        '403':
          'CO_SIGNER_NOT_PERMITTED: the requester themselves (any certificate of theirs), staff of another org, or anyone but an active attending; NOT_REGISTERED, INACTIVE',
        '404': 'NOT_FOUND: no request waits for a co-signature under this id at that custodian',
        '409': 'CONFLICT: the request was co-signed already',
        '422': 'EXPIRED: the 10-minute window passed',
      },
      handler: (ctx, { params, body }) => records.coSignBreakGlass(ctx, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/records/{id}/content',
      operationId: 'readRecordContent',
      summary: 'Read content with a granted access (`accessId`), from the custodian peer',
      tag: 'hospital',
      params: recordParam,
      query: z.strictObject({ ...custodianQuery, accessId: txIdSchema }),
      response: readRecordContentOutput,
      handler: (ctx, { params, query }) => records.readContent(ctx, params.id, query),
    }),
  ];
}

/** Stewardship: quality review and erasure. */
function stewardshipRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/records/{id}/review',
      operationId: 'reviewRecordQuality',
      summary: 'Clear a version anchored as needs_review',
      tag: 'hospital',
      params: recordParam,
      body: records.reviewBody,
      response: tx({ record: recordAnchorSchema }),
      status: 200,
      handler: (ctx, { params, body }) => records.reviewQuality(ctx, params.id, body),
    }),
    route({
      method: 'post',
      path: '/v1/records/{id}/erasures',
      operationId: 'eraseRecordContent',
      summary: 'Purge anchored content (one version or all) and record the erasure on chain',
      tag: 'hospital',
      params: recordParam,
      body: records.eraseBody,
      response: tx({ result: eraseRecordContentOutput }),
      handler: (ctx, { params, body }) => records.eraseContent(ctx, params.id, body),
    }),
    route({
      method: 'post',
      path: '/v1/records/{id}/staged-erasures',
      operationId: 'purgeStagedContent',
      summary:
        'Purge content staged and never anchored (a failed or abandoned anchoring) and record the purge on chain',
      tag: 'hospital',
      params: recordParam,
      body: records.purgeStagedBody,
      response: tx({ erasure: erasureSchema }),
      handler: (ctx, { params, body }) => records.purgeStaged(ctx, params.id, body),
    }),
  ];
}

/** The record routes, in the order they are served. */
export function hospitalRecordRoutes(): RouteDef[] {
  return [...anchorRoutes(), ...readRoutes(), ...accessRoutes(), ...stewardshipRoutes()];
}
