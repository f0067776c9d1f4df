/**
 * The one clock the chaincode reads, and only on the custodian's evaluate-only content read
 * (`ReadRecordContent`); every other decision takes its time from the transaction timestamp. Why the
 * exception: that timestamp is chosen by the signer, and the content read is decided again at read
 * time (grant expiry, consent still active), so a backdated proposal could read past an expiry. The
 * read is never committed, so the custodian can hold the proposal time against its own clock there
 * without two endorsers having to agree on a clock reading (docs/threat-model.md, time).
 *
 * The clock is passed in, not read by contract code: the chaincode server gets the wall clock from
 * here (the `AccessContract` default), tests pass their own. ESLint forbids clock, randomness and
 * environment reads anywhere else in the chaincode, so the house check against them keeps meaning
 * what it says: a hit is a mistake, never this exception.
 */
import { ErrorCode, PROPOSAL_TIME_WINDOW_SECONDS } from '@medledger/domain';
import { fail } from './errors';

/** Milliseconds since the epoch, now. */
export type Clock = () => number;

/** The chaincode server's wall clock (passed as a value: see the module comment). */
export const serverClock: Clock = Date.now;

/**
 * Refuses a proposal whose timestamp `txMs` is further than `PROPOSAL_TIME_WINDOW_SECONDS` from the
 * custodian's clock, either way: `[PROPOSAL_TIME_SKEW] <id>`. Only for reads that are never committed:
 * a clock reading must never decide anything two endorsers have to agree on.
 */
export function requireProposalTimeNear(txMs: number, clock: Clock, id: string): void {
  if (Math.abs(txMs - clock()) > PROPOSAL_TIME_WINDOW_SECONDS * 1000) fail(ErrorCode.PROPOSAL_TIME_SKEW, id);
}
