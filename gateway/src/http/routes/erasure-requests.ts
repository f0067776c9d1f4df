/**
 * Erasure at the patient's request (docs/patients.md): the patient's signed request, relayed to the
 * record's custodian; the custodian's answer; the requests with their deadlines for the custodian's
 * admins and the regulator's auditors. The patient sees their own in their access log.
 */
import {
  erasureRequestStateSchema,
  erasureRequestStatusSchema,
  listErasureRequestsOutput,
  patientDidSchema,
  txIdSchema,
} from '@medledger/domain';
import { z } from 'zod';

import * as erasureRequests from '../../services/erasure-requests';
import { route, type RouteDef } from './route';
import { idParam, jwsBody, tx } from './shared';

/** The erasure request routes. */
export function erasureRequestRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/patients/{did}/erasure-requests',
      operationId: 'requestErasure',
      summary:
        "Relay a patient's signed erasure request for one record (compact JWS, ES256, payload { typ: 'medledger.erasure.request', patientDid, custodian, recordId, aud: this gateway's org MSP ID, nonce, iat, exp }) to the record's custodian, due in 30 days; endorsed by the custodian and the regulator",
      tag: 'patient',
      principals: ['staff', 'patient'],
      patientSelf: 'did',
      params: z.strictObject({ did: patientDidSchema }),
      body: jwsBody,
      response: tx({ request: erasureRequestStateSchema }),
      problems: {
        '400': 'VALIDATION_FAILED: the body is no erasure request of this patient, or names another record',
        '403':
          "The token is another patient; FORBIDDEN: the record is not this patient's, the request is for another org, or the regulator relays; INVALID_SIGNATURE, EXPIRED: the signed request",
        '409': 'REPLAYED_NONCE: the signed request was relayed before',
      },
      handler: (ctx, { params, body }) => erasureRequests.requestErasure(ctx, params.did, body.jws),
    }),
    route({
      method: 'post',
      path: '/v1/erasure-requests/{id}/answer',
      operationId: 'answerErasureRequest',
      summary:
        "The custodian's answer to a patient's erasure request of its records: `erased` purges every version not erased yet (public erasure records, reason patient_request), `refused` gives a coded legal reason; after the deadline the answer is recorded late",
      tag: 'hospital',
      params: idParam(txIdSchema),
      body: erasureRequests.answerErasureBody,
      response: tx({ request: erasureRequestStateSchema }),
      status: 200,
      handler: (ctx, { params, body }) => erasureRequests.answerErasureRequest(ctx, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/erasure-requests',
      operationId: 'listErasureRequests',
      summary:
        "Patients' erasure requests with their deadlines and status (open, overdue, erased, refused), oldest first, from this gateway's org's peer: a hospital's admins its own, the regulator's auditors every hospital's",
      tag: 'regulator',
      query: z.strictObject({ status: erasureRequestStatusSchema.optional() }),
      response: listErasureRequestsOutput,
      handler: (ctx, { query }) => erasureRequests.listErasureRequests(ctx, query),
    }),
  ];
}
