/**
 * What a viewer may read, as SQL. Every query of the read side takes its restriction from
 * {@link scopeOf}, so who sees which rows is decided in one table here and nowhere else:
 *
 * | viewer | audit events | consents | record versions | erasures | freezes | incidents | emergency listings |
 * |---|---|---|---|---|---|---|---|
 * | regulator auditor | all | all | all | all | all | all | all |
 * | hospital admin of org X | X is the custodian or the actor's org | granted to X (its staff, its studies) | X is the custodian | X is the custodian | of X or its staff | none | by X's doctors |
 * | patient P | P's own | none | none | none | none | none | none |
 *
 * Incidents are projected from their events (an id and an action), which do not say which orgs an
 * incident concerns; a hospital admin reads the incidents that concern it from the ledger instead.
 *
 * What the rows hold depends on the gateway (`../write/sealed-source.ts`): the regulator's knows the
 * patient of every access and consent; a hospital's only of accesses to its own records and of
 * consents granted to it; a patient's own rows are therefore, at a hospital's gateway, the accesses
 * to records that hospital holds, and at the regulator's gateway every access.
 *
 * Which views a viewer may ask for at all is decided beside each view: the audit query, reports,
 * alerts and the FHIR export are for staff viewers ({@link staffScope}); the access log for the
 * patient it is about.
 */
import { AppError } from '../../errors';
import type { Condition } from './query';
import type { Viewer } from './views';

/** The tables a scope restricts (the others are reached only through rows of these). */
export type ScopedTable =
  | 'audit_event'
  | 'consent'
  | 'record_version'
  | 'erasure'
  | 'access_freeze'
  | 'incident'
  | 'emergency_listing';

/** A viewer's restrictions: a condition per table, `null` where everything is visible. */
export interface Scope {
  readonly viewer: Viewer;
  /** Names the scope in page cursors, so a cursor serves only the viewer it was made for. */
  readonly key: string;
  /** The condition every query of `table` adds for this viewer. */
  on(table: ScopedTable): Condition | null;
}

const NOTHING: Condition = { sql: '1 = 0', params: [] };
const when = (sql: string, ...params: string[]): Condition => ({ sql, params });

type Restrictions = Readonly<Record<ScopedTable, Condition | null>>;

/** The table above: a viewer's cursor key and restrictions. */
function scopeParts(viewer: Viewer): { key: string; restrictions: Restrictions } {
  switch (viewer.kind) {
    case 'auditor':
      return {
        key: 'auditor',
        restrictions: {
          audit_event: null,
          consent: null,
          record_version: null,
          erasure: null,
          access_freeze: null,
          incident: null,
          emergency_listing: null,
        },
      };
    case 'hospital':
      return {
        key: `hospital:${viewer.mspId}`,
        restrictions: {
          audit_event: when('(custodian = ? OR actor_msp = ?)', viewer.mspId, viewer.mspId),
          consent: when('grantee_org = ?', viewer.mspId),
          record_version: when('custodian = ?', viewer.mspId),
          erasure: when('custodian = ?', viewer.mspId),
          access_freeze: when('org = ?', viewer.mspId),
          incident: NOTHING,
          emergency_listing: when('actor_msp = ?', viewer.mspId),
        },
      };
    case 'patient':
      return {
        key: `patient:${viewer.patientDid}`,
        restrictions: {
          audit_event: when('patient_did = ?', viewer.patientDid),
          consent: NOTHING,
          record_version: NOTHING,
          erasure: NOTHING,
          access_freeze: NOTHING,
          incident: NOTHING,
          emergency_listing: NOTHING,
        },
      };
  }
}

/** The scope of a viewer: the SQL restriction of every table it may read. */
export function scopeOf(viewer: Viewer): Scope {
  const { key, restrictions } = scopeParts(viewer);
  return { viewer, key, on: (table) => restrictions[table] };
}

/** The scope of a staff view (audit query, reports, alerts, export); patients are refused. */
export function staffScope(viewer: Viewer): Scope {
  if (viewer.kind === 'patient') throw new AppError('FORBIDDEN', 'patients read their access log only');
  return scopeOf(viewer);
}
