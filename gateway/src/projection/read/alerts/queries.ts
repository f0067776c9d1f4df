/**
 * The rows the alert rules read, each query within the viewer's scope. The rules themselves
 * (`rules.ts`) are pure functions over these rows.
 */
import type { SqlDriver } from '../../write/sql/driver';
import { Where } from '../query';
import { breakGlassCases, emergencyListingCases } from '../reports/break-glass';
import { overdueAttestations, type OverdueAttestationRow } from '../reports/deletion-attestations';
import { AUDIT_COLUMNS, alertEvent, type AuditRow } from '../rows';
import type { Scope } from '../scope';
import type { AlertEvent, BreakGlassCaseView, EmergencyListingView } from '../views';

/** Events of one actor in a window. */
export interface ActorCount {
  readonly actorDid: string;
  readonly actorMsp: string;
  readonly n: number;
}

/** An erasure request left unanswered past its deadline. */
export interface OverdueErasureRow {
  readonly request_id: string;
  readonly custodian: string;
  readonly requested_at: string;
  readonly due_at_ms: number | string;
  readonly tx_id: string;
  readonly block_number: number | string;
}

/** An incident not closed yet, as its events show it. */
export interface OpenIncidentRow {
  readonly incident_id: string;
  readonly opened_at: string;
  readonly opened_at_ms: number | string;
  readonly tx_id: string;
  readonly block_number: number | string;
}

/** The queries of the alert rules for one viewer. */
export class AlertQueries {
  readonly #db: SqlDriver;
  readonly #scope: Scope;

  constructor(db: SqlDriver, scope: Scope) {
    this.#db = db;
    this.#scope = scope;
  }

  #audit(): Where {
    return new Where().and(this.#scope.on('audit_event'));
  }

  /** Access decisions per actor in [fromMs, toMs). */
  async actorCounts(fromMs: number, toMs: number): Promise<ActorCount[]> {
    const w = this.#audit().during(fromMs, toMs);
    const rows = await this.#db.all<{ actor_did: string; actor_msp: string; n: number | string }>(
      `SELECT actor_did, MIN(actor_msp) AS actor_msp, COUNT(*) AS n FROM audit_event ${w.sql} GROUP BY actor_did`,
      w.params,
    );
    return rows.map((r) => ({ actorDid: r.actor_did, actorMsp: r.actor_msp, n: Number(r.n) }));
  }

  /** Denials in [fromMs, toMs) by actor, then oldest first. */
  denials(fromMs: number, toMs: number): Promise<AuditRow[]> {
    const w = this.#audit().add("outcome = 'denied'").during(fromMs, toMs);
    return this.#db.all<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_event ${w.sql} ORDER BY actor_did, tx_time_ms, seq`,
      w.params,
    );
  }

  /** Granted accesses other than break-glass in [fromMs, toMs), newest first. */
  grantedRoutine(fromMs: number, toMs: number): Promise<AuditRow[]> {
    const w = this.#audit().add("outcome = 'granted'").add('break_glass = 0').during(fromMs, toMs);
    return this.#db.all<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_event ${w.sql} ORDER BY tx_time_ms DESC, seq DESC`,
      w.params,
    );
  }

  /** Every granted break-glass access up to now, with its review state. */
  breakGlassCases(nowMs: number, reviewHours: number): Promise<BreakGlassCaseView[]> {
    return breakGlassCases(this.#db, this.#scope, { fromMs: 0, toMs: nowMs, nowMs }, reviewHours);
  }

  /** Every granted emergency listing up to now, with its review state (reviewed like break-glass). */
  emergencyListingCases(nowMs: number, reviewHours: number): Promise<EmergencyListingView[]> {
    return emergencyListingCases(this.#db, this.#scope, { fromMs: 0, toMs: nowMs, nowMs }, reviewHours);
  }

  /** Consents whose deletion attestation is overdue at `nowMs`, oldest deadline first. */
  overdueAttestations(nowMs: number): Promise<OverdueAttestationRow[]> {
    return overdueAttestations(this.#db, this.#scope, nowMs, null);
  }

  /** Erasure requests unanswered with a deadline before `dueBeforeMs`, by custodian, oldest deadline first. */
  overdueErasureRequests(dueBeforeMs: number): Promise<OverdueErasureRow[]> {
    const w = new Where()
      .add('answer IS NULL')
      .add('due_at_ms < ?', dueBeforeMs)
      .and(this.#scope.on('erasure'));
    return this.#db.all<OverdueErasureRow>(
      `SELECT request_id, custodian, requested_at, due_at_ms, tx_id, block_number FROM erasure_request ${w.sql}
       ORDER BY custodian, due_at_ms, request_id`,
      w.params,
    );
  }

  /** Incidents still open that were opened before `openedBeforeMs`, oldest first. */
  openIncidents(openedBeforeMs: number): Promise<OpenIncidentRow[]> {
    const w = new Where()
      .add('closed_at IS NULL')
      .add('opened_at_ms < ?', openedBeforeMs)
      .and(this.#scope.on('incident'));
    return this.#db.all<OpenIncidentRow>(
      `SELECT incident_id, opened_at, opened_at_ms, tx_id, block_number FROM incident ${w.sql}
       ORDER BY opened_at_ms, incident_id`,
      w.params,
    );
  }

  /** The newest `limit` events of an actor in [fromMs, toMs). */
  async actorEvents(actorDid: string, fromMs: number, toMs: number, limit: number): Promise<AlertEvent[]> {
    const w = this.#audit().add('actor_did = ?', actorDid).during(fromMs, toMs);
    const rows = await this.#db.all<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_event ${w.sql} ORDER BY tx_time_ms DESC, seq DESC LIMIT ?`,
      [...w.params, limit],
    );
    return rows.map(alertEvent);
  }
}
