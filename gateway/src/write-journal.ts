/**
 * The journal of one request's ledger writes, bound to its idempotency key when it has one. It is the
 * one object that carries a write through its life: begun (new, a replay of the stored answer, a key
 * reused with another payload, or a duplicate still in progress), endorsed (each transaction, before it
 * is submitted, so that a retry recovers it instead of writing again), remembered values (a record's
 * salt), and settled (completed with the answer the client got, or released when the failure is worth a
 * retry). Without a key it only lists what the request endorsed (for logs and `X-Transaction-Id`).
 */
import { AppError, GatewayErrorCode } from './errors';
import type { EndorsedTransaction, EndorsementJournal } from './fabric/ledger-port';
import type { IdempotencyStore } from './idempotency';

/** An answer stored under a key, sent again to a retry. */
export interface StoredReply {
  readonly status: number;
  readonly body: string;
}

/** How a write under a key begins: a journal to run it with, or the stored answer to replay. */
export type JournalBegin =
  { readonly state: 'open'; readonly journal: WriteJournal } | ({ readonly state: 'replay' } & StoredReply);

interface Binding {
  readonly store: IdempotencyStore;
  /** Whose key it is (`kind:subject` of the principal): keys of different callers never meet. */
  readonly scope: string;
  readonly key: string;
}

/**
 * True when a failure is worth retrying under the same key (the ledger or the gateway may answer
 * otherwise next time): the key is released instead of keeping the failure as its answer.
 */
export function isRetryable(error: AppError): boolean {
  return error.status >= 500 || error.status === 429 || error.code === GatewayErrorCode.LEDGER_CONFLICT;
}

/** The journal. */
export class WriteJournal implements EndorsementJournal {
  readonly prior: readonly EndorsedTransaction[];
  readonly #binding: Binding | undefined;
  readonly #txIds: string[] = [];
  #settled = false;

  private constructor(binding: Binding | undefined, prior: readonly EndorsedTransaction[]) {
    this.#binding = binding;
    this.prior = prior;
  }

  /** A journal for a request without an idempotency key: nothing is stored. */
  static unkeyed(): WriteJournal {
    return new WriteJournal(undefined, []);
  }

  /**
   * Begins a write under `key`. A new key (or one a stopped attempt left pending, whose endorsed
   * transactions become `prior`) opens a journal; a settled one is replayed. A key used with another
   * payload is 422 IDEMPOTENCY_KEY_REUSED, one whose first request still runs is 409
   * IDEMPOTENCY_IN_PROGRESS.
   */
  static begin(store: IdempotencyStore, scope: string, key: string, requestHash: string): JournalBegin {
    const begun = store.begin(scope, key, requestHash);
    switch (begun.state) {
      case 'new':
        return { state: 'open', journal: new WriteJournal({ store, scope, key }, begun.prior ?? []) };
      case 'replay':
        return { state: 'replay', status: begun.status, body: begun.body };
      case 'mismatch':
        throw new AppError(GatewayErrorCode.IDEMPOTENCY_KEY_REUSED, 'the key was used with another payload');
      case 'in-progress':
        throw new AppError(
          GatewayErrorCode.IDEMPOTENCY_IN_PROGRESS,
          'a request with this key is in progress',
          {
            retryAfterSeconds: 1,
          },
        );
    }
  }

  /** Ids of the transactions this request endorsed or recovered, oldest first. */
  get txIds(): readonly string[] {
    return this.#txIds;
  }

  endorsed(tx: EndorsedTransaction): void {
    this.#txIds.push(tx.txId);
    const b = this.#binding;
    if (b) b.store.noteEndorsed(b.scope, b.key, tx);
  }

  /** The value kept under `name` for this key (the first attempt's `make()`); without a key, `make()`. */
  remember(name: string, make: () => string): string {
    const b = this.#binding;
    return b ? b.store.remember(b.scope, b.key, name, make()) : make();
  }

  /** Settles with the answer the client gets: a retry under the key gets it again. */
  complete(reply: StoredReply): void {
    const b = this.#settle();
    if (b) b.store.complete(b.scope, b.key, reply.status, reply.body);
  }

  /**
   * Settles a failure: a retryable one releases the key (what was endorsed stays journaled for the
   * retry to recover), any other is kept as the key's answer (`problem`, the body the client gets).
   */
  fail(error: AppError, problem: () => string): void {
    const b = this.#settle();
    if (!b) return;
    if (isRetryable(error)) b.store.release(b.scope, b.key);
    else b.store.complete(b.scope, b.key, error.status, problem());
  }

  /** The binding to settle, once: the first settlement is the key's answer, later ones change nothing. */
  #settle(): Binding | undefined {
    if (this.#settled) return undefined;
    this.#settled = true;
    return this.#binding;
  }
}
