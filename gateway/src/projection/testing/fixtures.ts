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

/** An access decision's fields besides its event id. */
export type AccessBody = Omit<EventBody<'AccessDecided'>, 'eventId'>;

/** A granted treatment access by Hospital1's attending `doc1` to `rec-a1` of `patientDid`. */
export function ownTreatmentAccess(patientDid: string): AccessBody {
  return {
    recordId: 'rec-a1',
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
      sink(builder.event('AccessDecided', { ...base, ...changes, eventId }, txTime));
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
