import { z } from 'zod';
import { didSchema, mspIdSchema, patientDidSchema, recordIdSchema, studyIdSchema, txIdSchema } from '../ids';
import {
  accessOutcomeSchema,
  accessReasonSchema,
  breakGlassReasonSchema,
  purposeSchema,
  roleSchema,
} from '../vocabulary';
import { isoTimeSchema, pageInput, pageOf } from './common';
import { versionSchema } from './record';

/** zod: an audit event of an access decision (FHIR AuditEvent, simplified; ids only). */
export const auditEventSchema = z.object({
  eventId: txIdSchema,
  actorDid: z.string(),
  actorMsp: mspIdSchema,
  actorRole: roleSchema.nullable(),
  purpose: purposeSchema,
  recordId: recordIdSchema,
  version: versionSchema,
  patientDid: patientDidSchema,
  custodian: mspIdSchema,
  consentId: txIdSchema.nullable(),
  studyId: studyIdSchema.nullable(),
  outcome: accessOutcomeSchema,
  reason: accessReasonSchema,
  breakGlass: z.boolean(),
  breakGlassReason: breakGlassReasonSchema.nullable(),
  txId: txIdSchema,
  txTime: isoTimeSchema,
  expiresAt: isoTimeSchema.nullable(),
});
/** An audit event. */
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** QueryAudit input: events of one patient, actor or record, newest first. */
export const queryAuditInput = z.strictObject({
  by: z.enum(['patient', 'actor', 'record']),
  id: z.union([didSchema, recordIdSchema]),
  ...pageInput,
});
/** QueryAudit output. */
export const auditPageSchema = pageOf(auditEventSchema);

/** GetAuditEvent input. */
export const getAuditEventInput = z.strictObject({ eventId: txIdSchema });
