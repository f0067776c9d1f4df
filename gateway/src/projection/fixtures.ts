/**
 * Builders of chaincode events (tests, the synthetic loader): payloads are validated against the
 * shared event schemas, so what the projection is tested with is what the chaincode emits.
 */
import { createHash } from 'node:crypto';

import { events, type EventName, type EventPayload } from '@medledger/domain';

import { TABLE_NAMES } from './schema';
import type { SqlDriver } from './sql';
import type { SourceEvent } from './types';

/** A transaction id derived from a seed (64 hex characters). */
export function txIdOf(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** Payload fields other than the transaction's own id and time. */
export type EventBody<N extends EventName> = Omit<EventPayload<N>, 'txId' | 'txTime'>;

/** Builds a ledger of events: blocks, transactions, times. */
export class LedgerBuilder {
  #block: bigint;
  #counter = 0;
  readonly #salt: string;
  readonly #validate: boolean;

  constructor(options: Readonly<{ salt?: string; firstBlock?: bigint; validate?: boolean }> = {}) {
    this.#salt = options.salt ?? 'ledger';
    this.#block = options.firstBlock ?? 5n;
    this.#validate = options.validate ?? true;
  }

  /** The block the next event goes into. */
  get block(): bigint {
    return this.#block;
  }

  /** Later events go into the next block. */
  nextBlock(): void {
    this.#block += 1n;
  }

  /** The next transaction id this builder hands out. */
  peekTxId(): string {
    return txIdOf(`${this.#salt}:${this.#counter}`);
  }

  /** An event of a new transaction in the current block. */
  event<N extends EventName>(name: N, body: EventBody<N>, txTime: string, txId?: string): SourceEvent {
    const id = txId ?? this.peekTxId();
    this.#counter += 1;
    const payload = { ...body, txId: id, txTime };
    // Validated, but encoded as given: the chaincode may carry fields the shared schema lacks yet.
    if (this.#validate) events[name].parse(payload);
    const checked: object = payload;
    return {
      blockNumber: this.#block,
      txId: id,
      eventName: name,
      payload: Buffer.from(JSON.stringify(checked), 'utf8'),
    };
  }
}

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
