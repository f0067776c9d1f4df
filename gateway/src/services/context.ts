import type { LedgerCaller } from '../fabric/ledger-port';
import type { Ledger } from './ledger';

/** What a service call needs: the ledger, who signs, and the gateway's org. No HTTP or Fabric types. */
export interface ServiceContext {
  /**
   * The request's ledger: it journals every transaction it endorses (so a retry under the request's
   * idempotency key recovers it instead of writing again) and decides endorsement from the registry.
   */
  readonly ledger: Ledger;
  /** The identity that signs this call. */
  readonly caller: LedgerCaller;
  /** MSP ID of the gateway's org. */
  readonly mspId: string;
  /**
   * A value this request must keep across retries under its idempotency key (e.g. a record's salt):
   * the first attempt's `make()`, kept in the request's write journal before it is used; without a key,
   * just `make()`.
   */
  readonly remember: (name: string, make: () => string) => string;
}

/** Registers and enrolls a person with the org's CA and stores their identity in the wallet. */
export interface StaffEnroller {
  /** Resolves once the identity is in the wallet; a no-op when it is already. */
  ensureEnrolled(enrollmentId: string): Promise<void>;
}
