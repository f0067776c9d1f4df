/**
 * Hospital record routes: anchoring records and versions (content staged on the custodian's peer),
 * metadata and history, verification of copies, access decisions, content reads, quality review and
 * erasure.
 */
import {
  accessDecisionSchema,
  eraseRecordContentOutput,
  erasureReasonSchema,
  readRecordContentOutput,
  recordAnchorSchema,
  recordHistorySchema,
  recordIdSchema,
  txIdSchema,
  verifyRecordOutput,
  versionSchema,
} from '@medledger/domain';
import { z } from 'zod';

import * as records from '../../services/records';
import { route, type RouteDef } from './route';
import { idParam, tx } from './shared';

const anchoredResponse = tx({ stageTxId: txIdSchema, salt: z.string(), record: recordAnchorSchema });
const recordParam = idParam(recordIdSchema);

/** Anchoring: a new record and the next version of one. */
function anchorRoutes(): RouteDef[] {
  return [
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
      params: recordParam,
      body: records.addVersionBody,
      response: anchoredResponse,
      handler: (ctx, { params, body }) => records.addVersion(ctx, params.id, body),
    }),
  ];
}

/** Reading anchors: metadata, history, and verification of a copy. */
function readRoutes(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/records/{id}',
      operationId: 'getRecord',
      summary: 'Record metadata (latest version unless `version` is given)',
      tag: 'hospital',
      params: recordParam,
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
      params: recordParam,
      response: recordHistorySchema,
      handler: (ctx, { params }) => records.getHistory(ctx, params.id),
    }),
    route({
      method: 'post',
      path: '/v1/records/{id}/verify',
      operationId: 'verifyRecord',
      summary: 'Verify a copy of the content (with its salt) against the anchored hash',
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
      summary: 'Ask for access to content; granted or denied, the decision is committed and audited',
      tag: 'hospital',
      params: recordParam,
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
      params: recordParam,
      query: z.strictObject({ accessId: txIdSchema }),
      response: readRecordContentOutput,
      handler: (ctx, { params, query }) => records.readContent(ctx, params.id, query.accessId),
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
      params: recordParam,
      body: z.strictObject({ version: versionSchema.optional(), reason: erasureReasonSchema }),
      response: tx({ result: eraseRecordContentOutput }),
      handler: (ctx, { params, body }) => records.eraseContent(ctx, params.id, body),
    }),
  ];
}

/** The record routes, in the order they are served. */
export function hospitalRecordRoutes(): RouteDef[] {
  return [...anchorRoutes(), ...readRoutes(), ...accessRoutes(), ...stewardshipRoutes()];
}
