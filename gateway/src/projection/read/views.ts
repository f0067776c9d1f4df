/**
 * The shapes the projection answers with, defined once as zod schemas: the service's types are
 * inferred from them and the routes document (and tests parse) responses with the same schemas.
 * Every event carries its transaction id and block number so an auditor can check it on the ledger.
 */
import { z } from 'zod';

import {
  ACCESS_OUTCOMES,
  ACCESS_REASONS,
  PURPOSES,
  ROLES,
  breakGlassReasonSchema,
  mspIdSchema,
  patientDidSchema,
  recordIdSchema,
  staffDidSchema,
} from '@medledger/domain';

/** Who is asking, as established by authentication (never taken from a request parameter). */
export type Viewer =
  | { readonly kind: 'auditor' }
  | { readonly kind: 'hospital'; readonly mspId: string }
  | { readonly kind: 'patient'; readonly patientDid: string };

const isoInstant = z.iso.datetime({ offset: true });

/** zod: filters of an audit query (all optional; `org` is the actor's org). */
export const auditFiltersSchema = z.strictObject({
  patientDid: patientDidSchema.optional(),
  // Actors are staff (or bootstrap admins), always with a staff DID; anything else is a bad filter.
  actorDid: staffDidSchema.optional(),
  org: mspIdSchema.optional(),
  custodian: mspIdSchema.optional(),
  recordId: recordIdSchema.optional(),
  purpose: z.enum(PURPOSES).optional(),
  outcome: z.enum(ACCESS_OUTCOMES).optional(),
  /** Inclusive. */
  from: isoInstant.optional(),
  /** Exclusive. */
  to: isoInstant.optional(),
});
/** Filters of an audit query. */
export type AuditFilters = z.infer<typeof auditFiltersSchema>;

/** Where an event sits on the ledger. */
export const ledgerRefSchema = z.object({
  txId: z.string().describe('Fabric transaction id'),
  blockNumber: z.number().int().min(0).describe('block holding the transaction'),
});
export type LedgerRef = z.infer<typeof ledgerRefSchema>;

const nextCursor = z.string().nullable().describe('opaque cursor of the next page; null on the last page');

/** A page, newest first; `nextCursor` is `null` on the last page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor });
}
/** A page of `T`. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/**
 * The patient of a row: known only where this gateway's org is a member of the sealed collection that
 * holds it (the record's custodian and the regulator for an access, the grantee org and the
 * regulator for a consent); null elsewhere.
 */
const sealedPatient = z
  .string()
  .nullable()
  .describe("the patient; null where this gateway's org holds no sealed copy of the fact");

/** One access decision. */
export const auditEventViewSchema = z.object({
  eventId: z.string(),
  ...ledgerRefSchema.shape,
  txTime: z.string(),
  recordId: z.string(),
  patientDid: sealedPatient,
  custodian: z.string(),
  actorDid: z.string(),
  actorMsp: z.string(),
  actorRole: z.enum(ROLES).nullable(),
  purpose: z.enum(PURPOSES),
  outcome: z.enum(ACCESS_OUTCOMES),
  reason: z.enum(ACCESS_REASONS),
  consentId: z.string().nullable().describe('the consent used; null where none, or not known here'),
  breakGlass: z.boolean(),
});
export type AuditEventView = z.infer<typeof auditEventViewSchema>;

/** A page of audit events, newest first. */
export const auditViewPageSchema = pageSchema(auditEventViewSchema);

/** The review that stands on a break-glass access: the regulator's latest, else the latest. */
export const breakGlassReviewViewSchema = z.object({
  outcome: z.enum(['justified', 'unjustified']),
  reviewedBy: z.string(),
  reviewedAt: z.string(),
  /** The regulator gave it (a custodian's verdict stands only until the regulator reviews). */
  byRegulator: z.boolean(),
  /** The person who broke the glass is suspended after it. */
  suspended: z.boolean(),
  ...ledgerRefSchema.shape,
});
export type BreakGlassReviewView = z.infer<typeof breakGlassReviewViewSchema>;

/** One line of a patient's accounting of disclosures. */
export const accessLogEntrySchema = z.object({
  eventId: z.string(),
  ...ledgerRefSchema.shape,
  time: z.string(),
  /** Who. */
  actorDid: z.string(),
  actorRole: z.enum(ROLES).nullable(),
  /** Which org. */
  actorOrg: z.string(),
  custodian: z.string(),
  recordId: z.string(),
  purpose: z.enum(PURPOSES),
  outcome: z.enum(ACCESS_OUTCOMES),
  reason: z.enum(ACCESS_REASONS),
  /** The legal basis: the custodian treating the patient, a consent, a study consent, break-glass. */
  basis: z.enum(['custodian_treatment', 'consent', 'study_consent', 'break_glass', 'none']),
  consentId: z.string().nullable(),
  breakGlass: z.boolean(),
  breakGlassReview: breakGlassReviewViewSchema.nullable(),
});
export type AccessLogEntry = z.infer<typeof accessLogEntrySchema>;

/** Most key changes an access log lists (a patient's key history is short; newest first). */
export const MAX_KEY_CHANGES = 100;

/** One change of a patient's key: registered, rotated with the current key, or recovered. */
export const keyChangeViewSchema = z.object({
  ...ledgerRefSchema.shape,
  time: z.string(),
  keyId: z.string().describe('the key that became current, `<did>#key-<n>`'),
  change: z
    .enum(['registered', 'rotated', 'recovered'])
    .describe('registered with the patient, replaced with the current key, or with the recovery key'),
  relayedBy: mspIdSchema.describe('MSP ID of the org whose staff registered or relayed it'),
});
export type KeyChangeView = z.infer<typeof keyChangeViewSchema>;

/**
 * A page of a patient's accounting of disclosures, newest first, with the patient's whole key history
 * (newest first, at most {@link MAX_KEY_CHANGES}) on every page: a key changed behind their back shows.
 */
export const accessLogPageSchema = pageSchema(accessLogEntrySchema).extend({
  keyChanges: z.array(keyChangeViewSchema),
});
export type AccessLogPage = z.infer<typeof accessLogPageSchema>;

/** State of a break-glass access under post-hoc review. */
export const BREAK_GLASS_STATES = ['overdue', 'pending', 'justified', 'unjustified'] as const;
export type BreakGlassState = (typeof BREAK_GLASS_STATES)[number];
const breakGlassStateSchema = z.enum(BREAK_GLASS_STATES);

/** A break-glass access in a report. */
export const breakGlassCaseViewSchema = z.object({
  eventId: z.string(),
  ...ledgerRefSchema.shape,
  txTime: z.string(),
  actorDid: z.string(),
  actorMsp: z.string(),
  recordId: z.string(),
  patientDid: sealedPatient,
  custodian: z.string(),
  breakGlassReason: breakGlassReasonSchema.nullable().describe('the reason the doctor stated'),
  coSignedBy: z
    .string()
    .nullable()
    .describe(
      "the second attending who co-signed an access beyond the patient's emergency profile; null otherwise",
    ),
  coSignerMsp: z.string().nullable().describe("the co-signer's org (MSP ID); null when not co-signed"),
  reviewDeadline: z.string(),
  state: breakGlassStateSchema,
  review: breakGlassReviewViewSchema.nullable(),
});
export type BreakGlassCaseView = z.infer<typeof breakGlassCaseViewSchema>;

/**
 * A doctor's emergency listing of a patient's records in a report: who, which org, when, why, which
 * patient and which categories it opened (both sealed: known at the listing org's and the regulator's
 * gateways only), and its post-hoc review, reviewed like a break-glass access (by its `listingId`).
 */
export const emergencyListingViewSchema = z.object({
  listingId: z
    .string()
    .describe('the listing (its transaction id); reviewed at POST /v1/break-glass/{id}/review'),
  ...ledgerRefSchema.shape,
  txTime: z.string(),
  actorDid: z.string(),
  actorMsp: z.string(),
  actorRole: z.enum(ROLES).nullable(),
  breakGlassReason: breakGlassReasonSchema.nullable().describe('the reason the doctor stated'),
  patientDid: sealedPatient,
  categories: z
    .array(z.string())
    .nullable()
    .describe(
      "the categories of the patient's emergency profile the listing opened (its records are named only when read, never in a block); null where this gateway's org holds no sealed copy",
    ),
  reviewDeadline: z.string(),
  state: breakGlassStateSchema,
  review: breakGlassReviewViewSchema.nullable(),
});
export type EmergencyListingView = z.infer<typeof emergencyListingViewSchema>;

const count = z.number().int();

/** Accesses of one purpose by one org. */
export const purposeOrgCountSchema = z.object({
  purpose: z.string(),
  org: z.string(),
  granted: count,
  denied: count,
});

/** An active consent ending soon. */
export const expiringConsentSchema = z.object({
  consentId: z.string(),
  granteeOrg: z.string(),
  patientDid: sealedPatient,
  grantee: z
    .string()
    .nullable()
    .describe('`org:<msp>`, `staff:<did>` or `study:<id>`; null where not known here'),
  periodEnd: z.string(),
  ...ledgerRefSchema.shape,
});

/** A record version held as `needs_review`. */
export const heldRecordSchema = z.object({
  recordId: z.string(),
  version: count,
  custodian: z.string(),
  anchoredAt: z.string(),
  ...ledgerRefSchema.shape,
});

/** A content erasure. */
export const erasureViewSchema = z.object({
  recordId: z.string(),
  versions: z.array(count),
  custodian: z.string(),
  reason: z.string(),
  /** Content staged and never anchored was purged (not an anchored version). */
  staged: z.boolean(),
  txTime: z.string(),
  ...ledgerRefSchema.shape,
});

/** A patient's erasure request in a report: ids, deadline, status at generation. */
export const erasureRequestViewSchema = z.object({
  requestId: z.string(),
  custodian: z.string(),
  recordId: z.string(),
  requestedAt: z.string(),
  dueAt: z.string(),
  status: z.enum(['open', 'overdue', 'erased', 'refused']),
  refusal: z.string().nullable(),
  answeredAt: z.string().nullable(),
  /** Answered after its deadline, or still open past it. */
  late: z.boolean(),
  ...ledgerRefSchema.shape,
});

/** A freeze of a person (`subject` the staff DID) or an org (`subject` the MSP ID), as the report shows it. */
export const freezeViewSchema = z.object({
  freezeId: z.string(),
  subjectKind: z.string(),
  subject: z.string(),
  org: z.string(),
  reason: z.string(),
  incidentId: z.string().nullable(),
  frozenBy: z.string(),
  status: z.string(),
  frozenAt: z.string(),
  liftedAt: z.string().nullable(),
  ...ledgerRefSchema.shape,
});

/** A consent past its `keepUntil`, read under, whose grantee has not attested deletion. */
export const overdueAttestationSchema = z.object({
  consentId: z.string(),
  /** The grantee org's MSP ID (the org that must attest). */
  grantee: z.string(),
  keepUntil: z.string(),
  /** Hours since `keepUntil` at generation, to a tenth. */
  overdueHours: z.number(),
});

/** Deletion attestations of use-limited consents: overdue ones, and the range's counts. */
export const deletionAttestationsViewSchema = z.object({
  /** Oldest deadline first. At most `maxRows`. */
  overdue: z.array(overdueAttestationSchema),
  /** Attestations filed within the range. */
  attestedInRange: count,
  /** Consents read under whose `keepUntil` falls within the range (attested or not). */
  dueInRange: count,
});

/** The regulator's compliance report for a time range (JSON; `text/csv` holds the same lists). */
export const complianceReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  breakGlassReviewHours: count,
  totals: z.object({ accesses: count, granted: count, denied: count }),
  denialsByReason: z.array(z.object({ reason: z.string(), count })),
  /** Overdue first, then pending, then reviewed; oldest first within each. At most `maxRows`. */
  breakGlass: z.array(breakGlassCaseViewSchema),
  breakGlassCounts: z.record(breakGlassStateSchema, count),
  /** Granted emergency listings in the range, ordered as `breakGlass`. At most `maxRows`. */
  emergencyListings: z.array(emergencyListingViewSchema),
  emergencyListingCounts: z.record(breakGlassStateSchema, count),
  accessesByPurposeAndOrg: z.array(purposeOrgCountSchema),
  /** Active consents whose period ends within `expiringConsentDays` of generation. */
  consentsExpiringSoon: z.array(expiringConsentSchema),
  /** Record versions held as `needs_review` now. */
  recordsHeldForReview: z.array(heldRecordSchema),
  /** Content erasures within the range. */
  erasures: z.array(erasureViewSchema),
  /**
   * Patients' erasure requests: every one still open at generation (overdue first), then those
   * answered within the range.
   */
  erasureRequests: z.array(erasureRequestViewSchema),
  /** Freezes active at generation (first), and those made within the range. */
  freezes: z.array(freezeViewSchema),
  deletionAttestations: deletionAttestationsViewSchema,
  /** Lists cut at `maxRows`. */
  truncated: z.array(z.string()),
});
export type ComplianceReport = z.infer<typeof complianceReportSchema>;

/** The codes of the alert rules (`rule` of an {@link Alert}). */
export const ALERT_RULE_CODES = [
  'volume_above_baseline',
  'denial_burst',
  'break_glass_unreviewed',
  'break_glass_unjustified',
  'unusual_hours',
  'attestation_overdue',
  'erasure_request_overdue',
  'incident_open',
] as const;
export type AlertRuleCode = (typeof ALERT_RULE_CODES)[number];

/** The severities of alerts, most urgent first. */
export const ALERT_SEVERITIES = ['high', 'medium', 'low'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** What a case under post-hoc review is: a break-glass access of a record, or an emergency listing. */
export const REVIEW_CASE_KINDS = ['access', 'emergency_listing'] as const;

/** An event behind an alert. */
export const alertEventSchema = z.object({
  eventId: z.string(),
  txTime: z.string(),
  ...ledgerRefSchema.shape,
  kind: z
    .enum(REVIEW_CASE_KINDS)
    .optional()
    .describe(
      "on the break-glass rules, what the item is: a break-glass access (`access`, `eventId` its audit event id) or a doctor's emergency listing of a patient's records (`emergency_listing`, `eventId` its listing id); both are reviewed at POST /v1/break-glass/{id}/review",
    ),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;

/** An unusual-access alert, with the events behind it. */
export const alertSchema = z.object({
  rule: z.enum(ALERT_RULE_CODES),
  name: z
    .string()
    .describe(
      "what the alert's rule looks for, in words for a person (e.g. `break-glass found unjustified on review`); `rule` is the stable code",
    ),
  severity: z.enum(ALERT_SEVERITIES),
  actorDid: z
    .string()
    .describe(
      'Whom the alert is about: a person (DID); for an org (`attestation_overdue`: the grantee, `erasure_request_overdue`: the custodian) its MSP ID; for `incident_open` the incident id',
    ),
  actorMsp: z.string().describe("The person's or the org's MSP ID; empty for `incident_open`"),
  /** Numbers behind the rule (counts, baseline, window). */
  detail: z.record(z.string(), z.union([z.number(), z.string()])),
  eventCount: count,
  /** The events (at most `maxEventIds`), newest first. */
  events: z.array(alertEventSchema),
});
export type Alert = z.infer<typeof alertSchema>;

/** Unusual-access alerts, each with the events behind it. */
export const alertListSchema = z.object({ items: z.array(alertSchema) });

export { fhirAuditBundleSchema } from './fhir/schema';
