import type { LedgerCaller } from '../fabric/ledger-port';
import type { Ledger } from './ledger';

/** What a service call needs: the ledger, who signs, and the gateway's org. No HTTP or Fabric types. */
export interface ServiceContext {
  readonly ledger: Ledger;
  /** The identity that signs this call. */
  readonly caller: LedgerCaller;
  /** MSP ID of the gateway's org. */
  readonly mspId: string;
  /** Told the transaction id (and function) of each endorsed write (logs, idempotency journal). */
  readonly onEndorsed: (txId: string, fn?: string) => void;
}

/** Registers and enrolls a person with the org's CA and stores their identity in the wallet. */
export interface StaffEnroller {
  /** Resolves once the identity is in the wallet; a no-op when it is already. */
  ensureEnrolled(enrollmentId: string): Promise<void>;
}
