/**
 * Builds ledgers of chaincode events (the synthetic loader, and the tests through the testing
 * fixtures): blocks, transaction ids and times, payloads checked against the shared event schemas,
 * so what the projection is loaded with is what the chaincode emits.
 */
import { createHash } from 'node:crypto';

import { events, type EventName } from '@medledger/domain';
import type { z } from 'zod';

import type { SealedFacts, SourceEvent } from '../write/source';

/** A transaction id derived from a seed (64 hex characters). */
export function txIdOf(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/**
 * Payload fields other than the transaction's own id and time, as the chaincode may emit them: a
 * field added later with a default may be left out, as in the events emitted before it.
 */
export type EventBody<N extends EventName> = Omit<z.input<(typeof events)[N]>, 'txId' | 'txTime'>;

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

  /**
   * An event of a new transaction in the current block; `sealed`: the facts a member org's gateway
   * reads from its peer with it (what the enriching source adds).
   */
  event<N extends EventName>(
    name: N,
    body: EventBody<N>,
    txTime: string,
    txId?: string,
    sealed?: SealedFacts,
  ): SourceEvent {
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
      ...(sealed ? { sealed } : {}),
    };
  }
}
