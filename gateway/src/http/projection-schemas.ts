/**
 * zod schemas of the projection's answers (OpenAPI only; the service's types are the source). Every
 * event carries its transaction id and block number so an auditor can check it against the ledger.
 */
import { ACCESS_OUTCOMES, PURPOSES, ROLES } from '@medledger/domain';
import { z } from 'zod';

const ledgerRef = {
  txId: z.string().describe('Fabric transaction id'),
  blockNumber: z.number().int().min(0).describe('block holding the transaction'),
};
const nextCursor = z.string().nullable().describe('opaque cursor of the next page; null on the last page');
const review = z.object({
  outcome: z.enum(['justified', 'unjustified']),
  reviewedBy: z.string(),
  reviewedAt: z.string(),
  ...ledgerRef,
});

/** One access decision. */
export const auditEventViewSchema = z.object({
  eventId: z.string(),
  ...ledgerRef,
  txTime: z.string(),
  recordId: z.string(),
  patientDid: z.string(),
  custodian: z.string(),
  actorDid: z.string(),
  actorMsp: z.string(),
  actorRole: z.enum(ROLES).nullable(),
  purpose: z.enum(PURPOSES),
  outcome: z.enum(ACCESS_OUTCOMES),
  reason: z.string(),
  consentId: z.string().nullable(),
  breakGlass: z.boolean(),
});

/** A page of audit events, newest first. */
export const auditViewPageSchema = z.object({ items: z.array(auditEventViewSchema), nextCursor });

/** A page of a patient's accounting of disclosures, newest first. */
export const accessLogPageSchema = z.object({
  items: z.array(
    z.object({
      eventId: z.string(),
      ...ledgerRef,
      time: z.string(),
      actorDid: z.string(),
      actorRole: z.enum(ROLES).nullable(),
      actorOrg: z.string(),
      custodian: z.string(),
      recordId: z.string(),
      purpose: z.enum(PURPOSES),
      outcome: z.enum(ACCESS_OUTCOMES),
      reason: z.string(),
      basis: z.enum(['custodian_treatment', 'consent', 'study_consent', 'break_glass', 'none']),
      consentId: z.string().nullable(),
      breakGlass: z.boolean(),
      breakGlassReview: review.nullable(),
    }),
  ),
  nextCursor,
});

const breakGlassState = z.enum(['overdue', 'pending', 'justified', 'unjustified']);

/** The compliance report (JSON; `text/csv` holds the same lists). */
export const complianceReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  breakGlassReviewHours: z.number().int(),
  totals: z.object({ accesses: z.number().int(), granted: z.number().int(), denied: z.number().int() }),
  denialsByReason: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  breakGlass: z.array(
    z.object({
      eventId: z.string(),
      ...ledgerRef,
      txTime: z.string(),
      actorDid: z.string(),
      actorMsp: z.string(),
      recordId: z.string(),
      patientDid: z.string(),
      custodian: z.string(),
      reviewDeadline: z.string(),
      state: breakGlassState,
      review: review.nullable(),
    }),
  ),
  breakGlassCounts: z.record(breakGlassState, z.number().int()),
  accessesByPurposeAndOrg: z.array(
    z.object({
      purpose: z.string(),
      org: z.string(),
      granted: z.number().int(),
      denied: z.number().int(),
    }),
  ),
  consentsExpiringSoon: z.array(
    z.object({
      consentId: z.string(),
      patientDid: z.string(),
      grantee: z.string(),
      periodEnd: z.string(),
      ...ledgerRef,
    }),
  ),
  consentsWithUnknownEnd: z.number().int(),
  recordsHeldForReview: z.array(
    z.object({
      recordId: z.string(),
      version: z.number().int(),
      custodian: z.string(),
      anchoredAt: z.string(),
      ...ledgerRef,
    }),
  ),
  erasures: z.array(
    z.object({
      recordId: z.string(),
      versions: z.array(z.number().int()),
      custodian: z.string(),
      reason: z.string(),
      txTime: z.string(),
      ...ledgerRef,
    }),
  ),
  truncated: z.array(z.string()),
});

/** Unusual-access alerts, each with the events behind it. */
export const alertListSchema = z.object({
  items: z.array(
    z.object({
      rule: z.enum(['volume_above_baseline', 'denial_burst', 'break_glass_unreviewed', 'unusual_hours']),
      severity: z.enum(['high', 'medium', 'low']),
      actorDid: z.string(),
      actorMsp: z.string(),
      detail: z.record(z.string(), z.union([z.number(), z.string()])),
      eventCount: z.number().int(),
      events: z.array(z.object({ eventId: z.string(), txTime: z.string(), ...ledgerRef })),
    }),
  ),
});

/**
 * A FHIR R4 Bundle (type `collection`) of AuditEvent resources; `link` `next` (when present) is the
 * URL of the next page (it carries the cursor).
 */
export const fhirAuditBundleSchema = z.object({
  resourceType: z.literal('Bundle'),
  type: z.literal('collection'),
  timestamp: z.string(),
  total: z.number().int(),
  link: z.array(z.object({ relation: z.enum(['self', 'next']), url: z.string() })),
  entry: z.array(
    z.object({
      fullUrl: z.string(),
      resource: z
        .looseObject({ resourceType: z.literal('AuditEvent'), id: z.string() })
        .describe(
          'R4 AuditEvent; extensions urn:medledger:fabric:tx-id and urn:medledger:fabric:block-number place it on the ledger',
        ),
    }),
  ),
});
