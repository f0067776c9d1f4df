/**
 * The projection's sealed reads on the ledger: `GetAuditEvent` and `GetConsent` evaluated on this
 * gateway's own peer (the registry's `own-org`) as the gateway's service identity, the org's admin.
 * Only a member org's peer holds the values; the chaincode lets the custodian's admin read its
 * record's access events and the grantee org's members its consents, and the regulator's admin every
 * one.
 */
import { ErrorCode, granteeKey, regulatorOf } from '@medledger/domain';

import { AppError } from '../errors';
import type { LedgerCaller } from '../fabric/ledger-port';
import type { Ledger } from '../services/ledger';
import type { SealedReader } from './write/sealed-source';
import type { SealedFacts } from './write/source';

/** `undefined` for a fact the peer does not hold; anything else is thrown (the projector retries). */
async function heldOrUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof AppError && err.code === ErrorCode.NOT_FOUND) return undefined;
    throw err;
  }
}

/** A {@link SealedReader} over the typed ledger. */
export class LedgerSealedReader implements SealedReader {
  readonly #ledger: Ledger;
  readonly #caller: LedgerCaller;

  constructor(ledger: Ledger, caller: LedgerCaller) {
    this.#ledger = ledger;
    this.#caller = caller;
  }

  async members(): Promise<{ org: string; regulator: string }> {
    return { org: this.#ledger.org, regulator: regulatorOf(await this.#ledger.orgs(this.#caller)) };
  }

  async accessFacts(eventId: string): Promise<SealedFacts | undefined> {
    const e = await heldOrUndefined(this.#ledger.evaluate(this.#caller, 'GetAuditEvent', { eventId }));
    return e && { kind: 'access', patientDid: e.patientDid, consentId: e.consentId };
  }

  async consentFacts(consentId: string): Promise<SealedFacts | undefined> {
    const c = await heldOrUndefined(this.#ledger.evaluate(this.#caller, 'GetConsent', { consentId }));
    return c && { kind: 'consent', patientDid: c.patientDid, grantee: granteeKey(c.grantee) };
  }
}
