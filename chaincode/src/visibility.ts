import { ErrorCode, type Consortium } from '@medledger/domain';
import { isActiveAdmin, isRegulatorAuditor, type Actor } from './actor';
import { fail } from './errors';
import type { Ledger } from './ledger/store';

/**
 * Whether the actor reads every org's sealed collection: the regulator's auditors, and the regulator's
 * admin (its gateway's service identity, which projects every access and consent). The regulator may
 * know every fact of the audit trail, never content.
 */
export function readsEverySealedCollection(actor: Actor, regulator: string): boolean {
  return actor.mspId === regulator && (isRegulatorAuditor(actor) || isActiveAdmin(actor));
}

/**
 * Refuses an evaluation that does not run on a peer of the caller's own org: the sealed values a
 * caller may read (their org's collections, or every org's for the regulator) exist only on that
 * peer, and a copy the caller sends to be checked (with its salt) is for their own org's peer alone,
 * so another org's peer answers nothing about it. `[FORBIDDEN] peer of <msp>` on any other peer,
 * before anything is read for the caller.
 */
export function requireOwnOrgPeer(ledger: Ledger, actor: Actor): void {
  if (ledger.peerMsp !== actor.mspId) fail(ErrorCode.FORBIDDEN, `peer of ${ledger.peerMsp}`);
}

/**
 * The sealed collections an evaluating caller reads: the regulator's auditors and admin every org's
 * (their peer holds them all), anyone else their own org's. The evaluation must run on the caller's
 * own org's peer ({@link requireOwnOrgPeer}).
 */
export async function readableCollections(ledger: Ledger, actor: Actor): Promise<string[]> {
  requireOwnOrgPeer(ledger, actor);
  const consortium = await ledger.consortium();
  return readsEverySealedCollection(actor, consortium.regulator) ? consortium.orgs : [actor.mspId];
}

/**
 * The consortium, when this runs on the regulator's peer: the one peer holding every org's sealed
 * collection (patient links, listings, audit events, incidents), so reads that must see all of them,
 * or that no custodian may learn of, run there alone. `[FORBIDDEN] peer of <msp>` on any other peer,
 * before anything is read for the caller. `[NOT_INITIALIZED]` before deployment.
 */
export async function requireRegulatorPeer(ledger: Ledger): Promise<Consortium> {
  const consortium = await ledger.consortium();
  if (ledger.peerMsp !== consortium.regulator) fail(ErrorCode.FORBIDDEN, `peer of ${ledger.peerMsp}`);
  return consortium;
}
