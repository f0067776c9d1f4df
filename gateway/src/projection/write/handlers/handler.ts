/** The shape of a typed event handler: one per chaincode event type the projection keeps rows for. */
import type { EventName, EventPayload } from '@medledger/domain';

import type { SealedFacts } from '../source';
import type { SqlDriver } from '../sql/driver';

/** Where an event sits and what it came with, besides its parsed payload. */
export interface HandlerContext {
  /** The store's driver, inside the transaction of the batch. */
  readonly db: SqlDriver;
  readonly txId: string;
  readonly blockNumber: number;
  /** Ledger order of the transaction (the `seq` of `ledger_tx`). */
  readonly seq: number;
  /** The payload as it was on the ledger, with fields the shared schema may not know yet. */
  readonly raw: unknown;
  /** The event's sealed facts when this gateway's org may read them; `undefined`: an id-only row. */
  readonly sealed: SealedFacts | undefined;
}

/** Writes the rows of one event of type `N`, inside the batch's transaction. */
export type EventHandler<N extends EventName> = (
  payload: EventPayload<N>,
  at: HandlerContext,
) => Promise<void>;

/** A time on the ledger as epoch milliseconds (the indexed column beside each ISO time). */
export function timeMs(iso: string): number {
  return Date.parse(iso);
}
