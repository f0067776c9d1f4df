/**
 * Test fixtures of the projection: scripted access decisions on a {@link LedgerBuilder} ledger, and
 * a dump of every table for comparing projections.
 */
import { AppError } from '../../errors';
import { LedgerBuilder, type EventBody } from '../tools/ledger-builder';
import { TABLE_NAMES } from '../write/schema';
import type { SourceEvent } from '../write/source';
import type { SqlDriver } from '../write/sql/driver';

export { LedgerBuilder, txIdOf, type EventBody } from '../tools/ledger-builder';

/**
 * An access decision's fields besides its event id, with its sealed facts: `patientDid` and
 * `consentId` as a member org's gateway reads them (`patientDid` null: an id-only row, as at a gateway
 * of another org).
 */
export type AccessBody = Omit<EventBody<'AccessDecided'>, 'eventId'> & {
  readonly patientDid: string | null;
  readonly consentId: string | null;
};

/** The event and sealed facts of an access decision of `body`. */
export function accessEvent(
  builder: LedgerBuilder,
  body: AccessBody & { readonly eventId: string },
  txTime: string,
): SourceEvent {
  const { patientDid, consentId, ...event } = body;
  const sealed = patientDid === null ? undefined : ({ kind: 'access', patientDid, consentId } as const);
  return builder.event('AccessDecided', event, txTime, event.eventId, sealed);
}

/** The public event of a granted access by Hospital2's attending `doc9`, by consent, to `rec-1` of `custodian`. */
export function consentAccessEvent(eventId: string, custodian: string): EventBody<'AccessDecided'> {
  return {
    eventId,
    recordId: 'rec-1',
    version: 1,
    custodian,
    actorDid: 'did:medledger:hospital2:doc9',
    actorMsp: 'Hospital2MSP',
    actorRole: 'attending',
    purpose: 'treatment',
    outcome: 'granted',
    reason: 'CONSENT',
    breakGlass: false,
    breakGlassReason: null,
  };
}

/** The public event of a granted emergency listing by Hospital2's attending `actorDid` (no patient, no listing id). */
export function emergencyListingBody(actorDid: string) {
  return {
    actorDid,
    actorMsp: 'Hospital2MSP',
    actorRole: 'attending',
    mode: 'emergency',
    outcome: 'granted',
    reason: 'BREAK_GLASS',
    breakGlassReason: 'unconscious_patient',
  } as const satisfies Omit<EventBody<'RecordListingOpened'>, 'listingId'>;
}

/**
 * A granted one-doctor break-glass access (unconscious patient) by Hospital2's attending `actorDid` to
 * Hospital1's `rec-allergy` of `patientDid`.
 */
export function breakGlassAccessBody(actorDid: string, patientDid: string): AccessBody {
  return {
    recordId: 'rec-allergy',
    version: 1,
    patientDid,
    custodian: 'Hospital1MSP',
    actorDid,
    actorMsp: 'Hospital2MSP',
    actorRole: 'attending',
    purpose: 'emergency',
    outcome: 'granted',
    reason: 'BREAK_GLASS',
    consentId: null,
    breakGlass: true,
    breakGlassReason: 'unconscious_patient',
  };
}

/** A granted treatment access by Hospital1's attending `doc1` to `rec-a1` of `patientDid`. */
export function ownTreatmentAccess(patientDid: string): AccessBody {
  return {
    recordId: 'rec-a1',
    version: 1,
    patientDid,
    custodian: 'Hospital1MSP',
    actorDid: 'did:medledger:hospital1:doc1',
    actorMsp: 'Hospital1MSP',
    actorRole: 'attending',
    purpose: 'treatment',
    outcome: 'granted',
    reason: 'CUSTODIAN_TREATMENT',
    consentId: null,
    breakGlass: false,
    breakGlassReason: null,
  };
}

/**
 * A scripted series of access decisions, each its own transaction in its own block: `access(name,
 * time, changes)` appends one (the `base` decision with `changes`) to `sink` and remembers its event
 * id under `name` in `ids`.
 */
export function accessScript(
  builder: LedgerBuilder,
  base: AccessBody,
  sink: (event: SourceEvent) => void,
): {
  ids: Record<string, string>;
  access: (name: string, txTime: string, changes: Partial<AccessBody>) => void;
} {
  const ids: Record<string, string> = {};
  return {
    ids,
    access: (name, txTime, changes) => {
      const eventId = builder.peekTxId();
      ids[name] = eventId;
      sink(accessEvent(builder, { ...base, ...changes, eventId }, txTime));
      builder.nextBlock();
    },
  };
}

/** Every row of every projection table, in a stable order (comparing projections in tests). */
export async function dumpProjection(db: SqlDriver): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLE_NAMES) {
    out[table] = await db.all(`SELECT * FROM ${table} ORDER BY 1, 2`);
  }
  return out;
}

/** A predicate for `assert.rejects`: an {@link AppError} with this code. */
export function appErrorWith(code: string): (err: unknown) => boolean {
  return (err) => err instanceof AppError && err.code === code;
}
