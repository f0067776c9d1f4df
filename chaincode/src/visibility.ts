import { ErrorCode } from '@medledger/domain';
import { isRegulatorAuditor, type Actor } from './actor';
import { fail } from './errors';
import type { Ledger } from './ledger/store';

/**
 * The sealed collections an evaluating caller reads: the regulator's auditors every org's (their
 * peer holds them all), anyone else their own org's. The evaluation must run on the caller's own
 * org's peer: no other peer holds these values.
 */
export async function readableCollections(ledger: Ledger, actor: Actor): Promise<string[]> {
  if (ledger.peerMsp !== actor.mspId) fail(ErrorCode.FORBIDDEN, `peer of ${ledger.peerMsp}`);
  const consortium = await ledger.consortium();
  return isRegulatorAuditor(actor) && actor.mspId === consortium.regulator ? consortium.orgs : [actor.mspId];
}
