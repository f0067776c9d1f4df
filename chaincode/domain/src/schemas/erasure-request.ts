import { z } from 'zod';
import { mspIdSchema, patientDidSchema, recordIdSchema, txIdSchema } from '../ids';
import { SIGNED_PAYLOAD_TYPES } from '../signed-payload';
import { compactJwsSchema, isoTimeSchema } from './common';
import { nonceSchema } from './consent';
import { versionSchema } from './record';

/**
 * Days a custodian has to answer a patient's erasure request (erase, or refuse with a legal reason):
 * one month, as GDPR Art. 12(3) allows without extension; PIPL Art. 47 sets no shorter term.
 */
export const ERASURE_REQUEST_DEADLINE_DAYS = 30;

/**
 * Legal reasons a custodian may give for refusing an erasure (codes, never free text): a duty to
 * keep medical records for a term (GDPR Art. 17(3)(b), PIPL Art. 47 para. 2), a legal claim
 * (Art. 17(3)(e)), public health (Art. 17(3)(c)).
 */
export const ERASURE_REFUSAL_REASONS = ['retention_duty', 'legal_claim', 'public_health'] as const;
/** zod: an erasure refusal reason. */
export const erasureRefusalSchema = z.enum(ERASURE_REFUSAL_REASONS);
/** An erasure refusal reason. */
export type ErasureRefusal = z.infer<typeof erasureRefusalSchema>;

/**
 * zod: the payload a patient signs to ask a custodian to erase one of their records, relayed by one
 * org (`aud`); the nonce is consumed on chain, so it is relayed once.
 */
export const erasureRequestPayloadSchema = z.strictObject({
  typ: z.literal(SIGNED_PAYLOAD_TYPES.erasureRequest),
  patientDid: patientDidSchema,
  nonce: nonceSchema,
  iat: z.number().int().min(0),
  exp: z.number().int().min(0),
  aud: mspIdSchema,
  custodian: mspIdSchema,
  recordId: recordIdSchema,
});
/** An erasure request payload. */
export type ErasureRequestPayload = z.infer<typeof erasureRequestPayloadSchema>;

/** RequestErasure input: the record, as the signed request names it. */
export const requestErasureInput = z.strictObject({ custodian: mspIdSchema, recordId: recordIdSchema });

/** RequestErasure transient map: the patient and their signed request. */
export const requestErasureTransient = z.strictObject({
  subject: z.strictObject({ patientDid: patientDidSchema }),
  request: z.strictObject({ jws: compactJwsSchema }),
});

/** What a custodian answered. */
export const ERASURE_ANSWERS = ['erased', 'refused'] as const;
/** zod: an erasure answer. */
export const erasureAnswerSchema = z.enum(ERASURE_ANSWERS);

/** AnswerErasureRequest input: erase, or refuse with a legal reason (then required). */
export const answerErasureRequestInput = z
  .strictObject({
    requestId: txIdSchema,
    answer: erasureAnswerSchema,
    refusal: erasureRefusalSchema.optional(),
  })
  .refine((a) => (a.answer === 'refused') === (a.refusal !== undefined), {
    error: 'a refusal, and only a refusal, gives its legal reason',
    path: ['refusal'],
  });

/** zod: a patient's erasure request as kept in the custodian's sealed collection. */
export const erasureRequestSchema = z.object({
  requestId: txIdSchema,
  patientDid: patientDidSchema,
  custodian: mspIdSchema,
  recordId: recordIdSchema,
  relayedBy: z.string(),
  relayedByMsp: mspIdSchema,
  requestedAt: isoTimeSchema,
  dueAt: isoTimeSchema,
  answer: z
    .object({
      answer: erasureAnswerSchema,
      refusal: erasureRefusalSchema.nullable(),
      /** The versions erased by the answer (none when refused or already erased). */
      versions: z.array(versionSchema),
      answeredBy: z.string(),
      answeredAt: isoTimeSchema,
      late: z.boolean(),
      txId: txIdSchema,
    })
    .nullable(),
});
/** A stored erasure request. */
export type ErasureRequest = z.infer<typeof erasureRequestSchema>;

/** Where a request stands: `overdue` is open past its deadline. */
export const ERASURE_REQUEST_STATUSES = ['open', 'overdue', 'erased', 'refused'] as const;
/** zod: an erasure request status. */
export const erasureRequestStatusSchema = z.enum(ERASURE_REQUEST_STATUSES);

/** zod: an erasure request as answered to its readers (no patient: the caller named them or may not know). */
export const erasureRequestStateSchema = z.object({
  requestId: txIdSchema,
  custodian: mspIdSchema,
  recordId: recordIdSchema,
  requestedAt: isoTimeSchema,
  dueAt: isoTimeSchema,
  status: erasureRequestStatusSchema,
  refusal: erasureRefusalSchema.nullable(),
  answeredAt: isoTimeSchema.nullable(),
  late: z.boolean(),
});
/** An erasure request's state. */
export type ErasureRequestState = z.infer<typeof erasureRequestStateSchema>;

/**
 * ListErasureRequests input: a patient's requests (`patientDid`), or every request (`status` to keep
 * some), in the collections the caller's org may read.
 */
export const listErasureRequestsInput = z.strictObject({
  patientDid: patientDidSchema.optional(),
  status: erasureRequestStatusSchema.optional(),
});

/** Most requests one list answers. */
export const MAX_LISTED_ERASURE_REQUESTS = 200;

/** zod: ListErasureRequests output, oldest first. */
export const listErasureRequestsOutput = z.object({ items: z.array(erasureRequestStateSchema) });
