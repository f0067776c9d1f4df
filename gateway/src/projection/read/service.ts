/**
 * The read side of the projection as one object the gateway holds: audit queries, patients' access
 * logs, the compliance report, alerts and the FHIR export. No HTTP or Fabric types; the caller passes
 * the authenticated viewer, and every query is restricted by that viewer's scope (`scope.ts`). Each
 * view lives in its own file as a function of a {@link ReadContext}; this class binds them to one
 * read-only connection, cursor key and settings.
 */
import type { SqlDriver } from '../write/sql/driver';
import { accessLog } from './access-log';
import { computeAlerts } from './alerts/alerts';
import { DEFAULT_ALERT_OPTIONS, type AlertOptions } from './alerts/options';
import { exportFhirAuditEvents, queryAudit } from './audit-query';
import type { ReadContext } from './context';
import { CursorCodec } from './cursor';
import { owedAttestationCandidates } from './owed-attestations';
import { complianceReport } from './reports/compliance-report';

export { DEFAULT_ALERT_OPTIONS, type AlertOptions } from './alerts/options';

/** Options of the projection service. */
export interface ProjectionServiceOptions {
  /** HMAC key of page cursors, at least 32 bytes. */
  readonly cursorKey: Uint8Array;
  /** A break-glass access not reviewed within this many hours is overdue. */
  readonly breakGlassReviewHours?: number;
  /** Consents ending within this many days are "expiring soon". */
  readonly expiringConsentDays?: number;
  /** Rows per list of the compliance report at most. */
  readonly reportMaxRows?: number;
  readonly alerts?: Partial<AlertOptions>;
}

/** A view of the read side: a function of the read context and the request. */
type View = (ctx: ReadContext, ...args: never[]) => unknown;

/** A view with its context bound: the request's parameters only. */
type BoundView<V extends View> = V extends (ctx: ReadContext, ...args: infer A) => infer R
  ? (...args: A) => R
  : never;

function bind<A extends unknown[], R>(
  view: (ctx: ReadContext, ...args: A) => R,
  ctx: ReadContext,
): (...args: A) => R {
  return (...args) => view(ctx, ...args);
}

/** The projection's queries. */
export class ProjectionService {
  /**
   * Access decisions matching `filters`, newest first. Auditors see every event; a hospital only
   * events where it is the custodian or the actor's org; patients are refused (they have
   * {@link accessLog}). Errors: FORBIDDEN, VALIDATION_FAILED, CURSOR_INVALID.
   */
  readonly queryAudit: BoundView<typeof queryAudit>;

  /**
   * A patient's accounting of disclosures, newest first: who, which org, when, for what purpose and
   * on which basis (consent, break-glass with its review). Only the patient may read it: `viewer`
   * must be that patient. Errors: FORBIDDEN, VALIDATION_FAILED, CURSOR_INVALID.
   */
  readonly accessLog: BoundView<typeof accessLog>;

  /**
   * The compliance report for [from, to): denials by reason, break-glass accesses and their review
   * state (overdue first), accesses by purpose and org, consents expiring soon, records held for
   * quality review, erasures. Auditors see everything; a hospital its own scope; patients are
   * refused. `now` decides what is overdue or expiring. Errors: FORBIDDEN, VALIDATION_FAILED.
   */
  readonly complianceReport: BoundView<typeof complianceReport>;

  /**
   * Alerts at `now`: an actor's volume far above their own baseline, bursts of denials, break-glass
   * accesses not reviewed by the deadline, granted access at unusual hours. Each alert lists the
   * events behind it. Auditors see all; a hospital its own scope; patients are refused.
   */
  readonly alerts: BoundView<typeof computeAlerts>;

  /**
   * Audit events matching `filters` (scoped as {@link queryAudit}) as a FHIR R4 Bundle of AuditEvent
   * resources, one page at a time; `limit` up to 1000.
   */
  readonly exportFhirAuditEvents: BoundView<typeof exportFhirAuditEvents>;

  /**
   * What an org may owe a deletion attestation for: the consents granted to it with a keep-until date
   * and no attestation, and its own granted accesses under a consent since then (the consent of each
   * where this projection can tie it). The caller passes its own org only.
   */
  readonly owedAttestationCandidates: BoundView<typeof owedAttestationCandidates>;

  constructor(db: SqlDriver, options: Readonly<ProjectionServiceOptions>) {
    const ctx: ReadContext = {
      db,
      cursors: new CursorCodec(options.cursorKey),
      settings: {
        breakGlassReviewHours: options.breakGlassReviewHours ?? 72,
        expiringConsentDays: options.expiringConsentDays ?? 30,
        reportMaxRows: options.reportMaxRows ?? 1000,
        alerts: { ...DEFAULT_ALERT_OPTIONS, ...options.alerts },
      },
    };
    this.queryAudit = bind(queryAudit, ctx);
    this.accessLog = bind(accessLog, ctx);
    this.complianceReport = bind(complianceReport, ctx);
    this.alerts = bind(computeAlerts, ctx);
    this.exportFhirAuditEvents = bind(exportFhirAuditEvents, ctx);
    this.owedAttestationCandidates = bind(owedAttestationCandidates, ctx);
  }
}
