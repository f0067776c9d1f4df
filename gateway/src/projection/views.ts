/** The shapes the projection service answers with. Every event carries its tx id and block number. */
import { z } from 'zod';

import {
  ACCESS_OUTCOMES,
  PURPOSES,
  mspIdSchema,
  patientDidSchema,
  recordIdSchema,
  type AccessOutcome,
  type AccessReason,
  type Purpose,
  type Role,
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
export interface LedgerRef {
  readonly txId: string;
  readonly blockNumber: number;
}

/** One access decision. */
export interface AuditEventView extends LedgerRef {
  readonly eventId: string;
  readonly txTime: string;
  readonly recordId: string;
  readonly patientDid: string;
  readonly custodian: string;
  readonly actorDid: string;
  readonly actorMsp: string;
  readonly actorRole: Role | null;
  readonly purpose: Purpose;
  readonly outcome: AccessOutcome;
  readonly reason: AccessReason;
  readonly consentId: string | null;
  readonly breakGlass: boolean;
}

/** A page, newest first; `nextCursor` is `null` on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** The review of a break-glass access. */
export interface BreakGlassReviewView extends LedgerRef {
  readonly outcome: 'justified' | 'unjustified';
  readonly reviewedBy: string;
  readonly reviewedAt: string;
}

/** One line of a patient's accounting of disclosures. */
export interface AccessLogEntry extends LedgerRef {
  readonly eventId: string;
  readonly time: string;
  /** Who. */
  readonly actorDid: string;
  readonly actorRole: Role | null;
  /** Which org. */
  readonly actorOrg: string;
  readonly custodian: string;
  readonly recordId: string;
  readonly purpose: Purpose;
  readonly outcome: AccessOutcome;
  readonly reason: AccessReason;
  /** The legal basis: the custodian treating the patient, a consent, a study consent, break-glass. */
  readonly basis: 'custodian_treatment' | 'consent' | 'study_consent' | 'break_glass' | 'none';
  readonly consentId: string | null;
  readonly breakGlass: boolean;
  readonly breakGlassReview: BreakGlassReviewView | null;
}

/** State of a break-glass access under post-hoc review. */
export type BreakGlassState = 'overdue' | 'pending' | 'justified' | 'unjustified';

/** A break-glass access in a report. */
export interface BreakGlassCaseView extends LedgerRef {
  readonly eventId: string;
  readonly txTime: string;
  readonly actorDid: string;
  readonly actorMsp: string;
  readonly recordId: string;
  readonly patientDid: string;
  readonly custodian: string;
  readonly reviewDeadline: string;
  readonly state: BreakGlassState;
  readonly review: BreakGlassReviewView | null;
}

/** The regulator's compliance report for a time range. */
export interface ComplianceReport {
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  readonly breakGlassReviewHours: number;
  readonly totals: { readonly accesses: number; readonly granted: number; readonly denied: number };
  readonly denialsByReason: readonly { readonly reason: string; readonly count: number }[];
  /** Overdue first, then pending, then reviewed; oldest first within each. At most `maxRows`. */
  readonly breakGlass: readonly BreakGlassCaseView[];
  readonly breakGlassCounts: Readonly<Record<BreakGlassState, number>>;
  readonly accessesByPurposeAndOrg: readonly {
    readonly purpose: string;
    readonly org: string;
    readonly granted: number;
    readonly denied: number;
  }[];
  /** Active consents whose period ends within `expiringConsentDays` of generation. */
  readonly consentsExpiringSoon: readonly (LedgerRef & {
    readonly consentId: string;
    readonly patientDid: string;
    readonly grantee: string;
    readonly periodEnd: string;
  })[];
  /** Active consents whose end the events did not carry (see the report notes). */
  readonly consentsWithUnknownEnd: number;
  /** Record versions held as `needs_review` now. */
  readonly recordsHeldForReview: readonly (LedgerRef & {
    readonly recordId: string;
    readonly version: number;
    readonly custodian: string;
    readonly anchoredAt: string;
  })[];
  /** Content erasures within the range. */
  readonly erasures: readonly (LedgerRef & {
    readonly recordId: string;
    readonly versions: readonly number[];
    readonly custodian: string;
    readonly reason: string;
    readonly txTime: string;
  })[];
  /** Lists cut at `maxRows`. */
  readonly truncated: readonly string[];
}

/** The rules of {@link Alert}. */
export type AlertRule = 'volume_above_baseline' | 'denial_burst' | 'break_glass_unreviewed' | 'unusual_hours';

/** An unusual-access alert, with the events behind it. */
export interface Alert {
  readonly rule: AlertRule;
  readonly severity: 'high' | 'medium' | 'low';
  readonly actorDid: string;
  readonly actorMsp: string;
  /** Numbers behind the rule (counts, baseline, window). */
  readonly detail: Readonly<Record<string, number | string>>;
  readonly eventCount: number;
  /** The events (at most `maxEventIds`), newest first. */
  readonly events: readonly (LedgerRef & { readonly eventId: string; readonly txTime: string })[];
}
