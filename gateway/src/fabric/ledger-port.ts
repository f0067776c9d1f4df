/**
 * The ledger as the services see it: no Fabric or Express types. A caller is named by their enrollment
 * id (their identity in the wallet); every call is signed with that identity.
 */

import type { FailpointStage } from '../failpoints';

/** Who signs a ledger call. */
export interface LedgerCaller {
  /** Enrollment id of the identity in the wallet. */
  readonly enrollmentId: string;
}

/** A transaction endorsed for a request: kept so that a retry of the request can recover it. */
export interface EndorsedTransaction {
  /** `contract:Transaction`. */
  readonly fn: string;
  readonly txId: string;
  /** The prepared transaction (fabric-gateway `Transaction.getBytes()`), to submit again byte for byte. */
  readonly envelope?: Uint8Array;
}

/**
 * Where a request's endorsed transactions are journaled: told of each one before it is submitted, so a
 * retry of the request can recover it, and holding what an earlier attempt endorsed without finishing.
 */
export interface EndorsementJournal {
  /** Transactions endorsed by an earlier attempt of the same request that did not finish, oldest first. */
  readonly prior: readonly EndorsedTransaction[];
  /** Records a transaction once endorsed (or recovered from `prior`). */
  endorsed(tx: EndorsedTransaction): void;
}

/** Options of one ledger call. */
export interface LedgerCallOptions {
  /** Transient data (never written to a block), e.g. record content. */
  readonly transient?: Readonly<Record<string, string>>;
  /** Orgs whose peers must endorse or evaluate (e.g. the custodian only). */
  readonly endorsingOrganizations?: readonly string[];
  /**
   * Called once the proposal is endorsed, before it is submitted (and for a transaction recovered from
   * `prior`). The request's journaled ledger sets it; services never do.
   */
  readonly onEndorsed?: (tx: EndorsedTransaction) => void;
  /**
   * Submits only: transactions of the same `fn` endorsed by an earlier attempt of the same request. If
   * one of them commits VALID, its result is returned instead of writing again.
   */
  readonly prior?: readonly EndorsedTransaction[];
  /** Submits only, testing only: the stage at which the process kills itself (see failpoints.ts). */
  readonly failpoint?: FailpointStage;
}

/** The result of a committed transaction. */
export interface SubmitResult {
  readonly txId: string;
  /** The chaincode's response text (JSON). */
  readonly payload: string;
  readonly blockNumber: string;
}

/**
 * The raw ledger client: `fn` is `contract:Transaction`, `arg` the canonical JSON of the input
 * (`undefined` for transactions without arguments).
 * `submit` resolves only once the transaction committed VALID; failures throw AppErrors.
 */
export interface LedgerClient {
  submit(
    caller: LedgerCaller,
    fn: string,
    arg: string | undefined,
    options?: LedgerCallOptions,
  ): Promise<SubmitResult>;
  evaluate(
    caller: LedgerCaller,
    fn: string,
    arg: string | undefined,
    options?: LedgerCallOptions,
  ): Promise<string>;
  /** Resolves when the ledger answers (readiness). */
  ping(): Promise<void>;
  close(): void;
}
