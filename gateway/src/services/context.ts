import type { TransactionOutput } from '@medledger/domain';

import type { LedgerCaller } from '../fabric/ledger-port';
import type { Ledger, OptionsArg, SubmitName } from './ledger';

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

/** A write's answer: the id of the transaction that committed it, and its result under `K`. */
export type WriteAnswer<K extends string, T> = { readonly txId: string } & { readonly [P in K]: T };

/**
 * Submits `name` as the caller (with the transient map and party its registry entry needs) and answers
 * its transaction id with its result under `key`.
 */
export async function submitAnswer<N extends SubmitName, K extends string>(
  ctx: ServiceContext,
  name: N,
  input: unknown,
  key: K,
  ...options: OptionsArg<N>
): Promise<WriteAnswer<K, TransactionOutput<N>>> {
  const { txId, result } = await ctx.ledger.submit<N>(ctx.caller, name, input, ...options);
  return { txId, [key]: result } as WriteAnswer<K, TransactionOutput<N>>;
}

/**
 * The custodian a request names, else the caller's own org: record ids are unique per custodian, and
 * a hospital's own records are the ones its staff name most.
 */
export function custodianOf(ctx: ServiceContext, custodian: string | undefined): string {
  return custodian ?? ctx.mspId;
}
