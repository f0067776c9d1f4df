/**
 * Erasure at the patient's request (docs/patients.md, erasure requests): the patient's signed request
 * relayed to the record's custodian, the custodian's answer, and the lists of requests with their
 * deadlines. The request names the patient only in the transient map; answers and lists name ids.
 */
import {
  decodeCompactJws,
  ErrorCode,
  erasureRequestPayloadSchema,
  type ErasureRequestState,
  type TransactionOutput,
} from '@medledger/domain';
import { z } from 'zod';

import { AppError } from '../errors';
import { submitAnswer, type ServiceContext } from './context';

/** Request body of `POST /v1/erasure-requests/{id}/answer`. */
export const answerErasureBody = z.strictObject({
  answer: z.enum(['erased', 'refused']),
  refusal: z
    .enum(['retention_duty', 'legal_claim', 'public_health'])
    .optional()
    .describe('the legal reason of a refusal (required with `refused`, refused otherwise)'),
});

/**
 * Relays a patient's signed erasure request to the custodian it names (read from the unverified
 * payload to choose the endorsers; the chaincode verifies it), endorsed by that custodian and the
 * regulator. A payload that is no erasure request of this patient is refused before any ledger call.
 */
export async function requestErasure(
  ctx: ServiceContext,
  patientDid: string,
  jws: string,
): Promise<{ txId: string; request: ErasureRequestState }> {
  let payload;
  try {
    payload = erasureRequestPayloadSchema.parse(decodeCompactJws(jws).payload);
  } catch {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'jws: not a patient erasure request');
  }
  if (payload.patientDid !== patientDid) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'jws: the request is for another patient');
  }
  const { custodian, recordId } = payload;
  return submitAnswer(ctx, 'RequestErasure', { custodian, recordId }, 'request', {
    custodian,
    transient: { subject: { patientDid }, request: { jws } },
  });
}

/** The custodian's answer to a request of its own collection: erase the record, or refuse with a reason. */
export function answerErasureRequest(
  ctx: ServiceContext,
  requestId: string,
  body: z.output<typeof answerErasureBody>,
): Promise<{ txId: string; request: ErasureRequestState }> {
  return submitAnswer(ctx, 'AnswerErasureRequest', { requestId, ...body }, 'request', {
    custodian: ctx.mspId,
  });
}

/** Erasure requests this gateway's org holds (a hospital's own, the regulator's every one), read on its own peer. */
export function listErasureRequests(
  ctx: ServiceContext,
  query: { status?: ErasureRequestState['status'] | undefined },
): Promise<TransactionOutput<'ListErasureRequests'>> {
  return ctx.ledger.evaluate(
    ctx.caller,
    'ListErasureRequests',
    query.status === undefined ? {} : { status: query.status },
  );
}

/**
 * A patient's erasure requests this gateway's org holds, for their access log: read by the gateway's
 * service identity (the caller of a patient's request); an org whose peer holds none (the research
 * institute) answers none.
 */
export async function patientErasureRequests(
  ctx: ServiceContext,
  patientDid: string,
): Promise<ErasureRequestState[]> {
  try {
    return (await ctx.ledger.evaluate(ctx.caller, 'ListErasureRequests', { patientDid })).items;
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return [];
    throw err;
  }
}
