/**
 * The one place where ledger failures become AppErrors: fabric-gateway errors (EndorseError, SubmitError,
 * CommitStatusError, CommitError, GatewayError), gRPC status codes, and chaincode `[CODE] detail`
 * messages. Known conditions never map to 500.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode } from '@hyperledger/fabric-gateway';
import { parseChaincodeError, type ErrorCode } from '@medledger/domain';

import { AppError, GatewayErrorCode, LEDGER_RETRY_AFTER_SECONDS, STATUS_OF } from '../errors';

export { LEDGER_RETRY_AFTER_SECONDS };

/** The AppError of a chaincode `[CODE] detail`; a retryable 503 carries Retry-After like the others. */
function fromChaincodeError(
  cc: { code: ErrorCode; detail: string },
  opts: { txId?: string; cause: unknown },
): AppError {
  const retryable = STATUS_OF[cc.code] === 503;
  return new AppError(cc.code, cc.detail || cc.code, {
    ...opts,
    ...(retryable ? { retryAfterSeconds: LEDGER_RETRY_AFTER_SECONDS } : {}),
  });
}

/**
 * Extracts the chaincode's `[CODE] detail` from an error text with the domain's own parser (known codes
 * only); the detail is cut to its first line and 300 characters, control characters blanked.
 */
export function extractChaincodeError(text: string): { code: ErrorCode; detail: string } | undefined {
  const cc = parseChaincodeError(text);
  if (cc === undefined) return undefined;
  return {
    code: cc.code,
    detail: stripControl(cc.detail.split('\n')[0] ?? '')
      .trim()
      .slice(0, 300),
  };
}

/** A `[CODE]` in the shape of a chaincode error that the domain does not know (a newer chaincode). */
const unknownCodePattern = /\[([A-Z][A-Z0-9_]{1,63})\]/;

/** Replaces C0 control characters and DEL with spaces. */
export function stripControl(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? ' ' : ch;
  }
  return out;
}

type LedgerErrorOptions = Readonly<{ txId?: string; cause?: unknown }>;

/**
 * 503 `LEDGER_UNAVAILABLE` with `Retry-After`: the peer or orderer did not answer during `stage`; `orgs`
 * names the orgs of which no peer was available, when the ledger said.
 */
export function ledgerUnavailable(stage: string, options: LedgerErrorOptions = {}, orgs?: string): AppError {
  const detail = `ledger unavailable during ${stage}`;
  return new AppError(
    GatewayErrorCode.LEDGER_UNAVAILABLE,
    orgs === undefined ? detail : `${detail}: no answer from ${orgs}`,
    { ...options, retryAfterSeconds: LEDGER_RETRY_AFTER_SECONDS },
  );
}

/** 504 `LEDGER_TIMEOUT` with `Retry-After`: a ledger deadline passed during `stage`. */
export function ledgerTimeout(stage: string, options: LedgerErrorOptions = {}): AppError {
  return new AppError(GatewayErrorCode.LEDGER_TIMEOUT, `ledger deadline exceeded during ${stage}`, {
    ...options,
    retryAfterSeconds: LEDGER_RETRY_AFTER_SECONDS,
  });
}

interface GatewayLikeError {
  name: string;
  code: number;
  message: string;
  details?: readonly { message: string; mspId?: string; address?: string }[];
  transactionId?: string;
}

function isGatewayLike(err: unknown): err is GatewayLikeError {
  return (
    err instanceof Error &&
    typeof (err as Partial<GatewayLikeError>).code === 'number' &&
    ['GatewayError', 'EndorseError', 'SubmitError', 'CommitStatusError', 'CommitError'].includes(err.name)
  );
}

function txIdOf(err: GatewayLikeError): { txId?: string } {
  return err.transactionId ? { txId: err.transactionId } : {};
}

/** The peers' answer when two endorsers simulated a proposal and returned different results. */
const PAYLOAD_MISMATCH = /ProposalResponsePayloads do not match|endorsement mismatch/i;

/**
 * True when the error is a write that lost a race with another transaction, so a fresh endorsement
 * may succeed or get a definite answer: a commit's MVCC or phantom read conflict, or its endorsement
 * policy failure, which is what a second create of a write-once key gets when the first committed after
 * this one was endorsed (the key then carries a key-level policy of every peer org, checked before
 * MVCC); or endorsers whose answers differ, which a deterministic contract gives only when one peer has
 * committed a racing write and the other not yet (nothing was sent to the orderers).
 */
export function isRetryableConflict(failure: unknown): boolean {
  const err = ledgerCause(failure);
  if (!isGatewayLike(err)) return false;
  if (err.name === 'EndorseError') return isEndorsementMismatch(err);
  return (
    err.name === 'CommitError' &&
    (err.code === StatusCode.MVCC_READ_CONFLICT ||
      err.code === StatusCode.PHANTOM_READ_CONFLICT ||
      err.code === StatusCode.ENDORSEMENT_POLICY_FAILURE)
  );
}

/**
 * How long to wait before endorsing again after a retryable conflict. A commit's conflict means the
 * racing write is already committed, so a short jitter only spreads the colliding writers. Endorsers
 * that answered differently mean one of them has not yet committed the racing block: that takes a
 * block's commit at the lagging peer (tens to hundreds of ms with six orgs on shared cores), so the
 * wait grows with each attempt from 100 ms rather than from 5.
 */
export function conflictBackoffMs(
  err: unknown,
  attempt: number,
  pick: (min: number, max: number) => number,
): number {
  const step = attempt + 1;
  return isEndorsementMismatch(err) ? pick(100 * step, 250 * step) : pick(5, 25 * step);
}

/**
 * The fabric-gateway error behind a failure: the ledger client maps an endorsement's failure to an
 * AppError where it tries the next peer, so the error the peers gave is that AppError's cause.
 */
function ledgerCause(err: unknown): unknown {
  return err instanceof AppError && isGatewayLike(err.cause) ? err.cause : err;
}

/**
 * Runs `attempt` again while it fails as a lost race ({@link isRetryableConflict}), `retries` times at
 * most, waiting {@link conflictBackoffMs} before each; anything else it throws, or the last lost race,
 * is thrown as it is. One exception: when the retries run out on endorsers that answered differently
 * after an attempt of the same request lost a commit race, the request is in a race it has not won
 * yet (one peer had committed the next winner, the other not), so it is answered as the commit race
 * is, 409 `LEDGER_CONFLICT`; endorsers that only ever disagreed stay `ENDORSEMENT_FAILED`.
 */
export async function retryLostRaces<T>(
  attempt: () => Promise<T>,
  retries: number,
  wait: (ms: number) => Promise<unknown>,
  pick: (min: number, max: number) => number,
): Promise<T> {
  let lostCommitRace = false;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRetryableConflict(err)) throw err;
      if (n >= retries) {
        if (lostCommitRace && isEndorsementMismatch(err)) {
          throw new AppError(GatewayErrorCode.LEDGER_CONFLICT, 'concurrent update; retry the request', {
            retryAfterSeconds: 1,
            cause: err,
          });
        }
        throw err;
      }
      lostCommitRace ||= !isEndorsementMismatch(err);
      // A fresh endorsement reads the new state once the racing write is committed where it endorses.
      await wait(conflictBackoffMs(err, n, pick));
    }
  }
}

function isEndorsementMismatch(failure: unknown): boolean {
  const err = ledgerCause(failure);
  return (
    isGatewayLike(err) &&
    err.name === 'EndorseError' &&
    [err.message, ...(err.details ?? []).map((d) => d.message)].some((t) => PAYLOAD_MISMATCH.test(t))
  );
}

function grpcName(code: number): string {
  return (GrpcStatus as unknown as Record<number, string | undefined>)[code] ?? 'UNKNOWN';
}

function fromGrpcCode(err: GatewayLikeError, stage: string): AppError {
  const opts = { ...txIdOf(err), cause: err };
  switch (grpcName(err.code)) {
    case 'UNAVAILABLE':
    case 'RESOURCE_EXHAUSTED':
    case 'CANCELLED':
    case 'FAILED_PRECONDITION':
      return ledgerUnavailable(stage, opts);
    case 'DEADLINE_EXCEEDED':
      return ledgerTimeout(stage, opts);
    case 'PERMISSION_DENIED':
    case 'UNAUTHENTICATED':
      return new AppError(GatewayErrorCode.FORBIDDEN, `the ledger rejected the caller identity`, opts);
    case 'NOT_FOUND':
      return new AppError(GatewayErrorCode.LEDGER_UNAVAILABLE, `channel or chaincode not available`, {
        ...opts,
        retryAfterSeconds: LEDGER_RETRY_AFTER_SECONDS,
      });
    default:
      return new AppError(GatewayErrorCode.ENDORSEMENT_FAILED, `the ledger failed during ${stage}`, opts);
  }
}

function fromCommitCode(err: GatewayLikeError): AppError {
  const opts = { ...txIdOf(err), cause: err };
  switch (err.code) {
    case StatusCode.MVCC_READ_CONFLICT:
    case StatusCode.PHANTOM_READ_CONFLICT:
      return new AppError(GatewayErrorCode.LEDGER_CONFLICT, 'concurrent update; retry the request', {
        ...opts,
        retryAfterSeconds: 1,
      });
    case StatusCode.DUPLICATE_TXID:
      return new AppError(GatewayErrorCode.LEDGER_CONFLICT, 'duplicate transaction id', opts);
    case StatusCode.ENDORSEMENT_POLICY_FAILURE:
      return new AppError(GatewayErrorCode.TRANSACTION_INVALID, 'endorsement policy not satisfied', opts);
    default:
      return new AppError(
        GatewayErrorCode.TRANSACTION_INVALID,
        `transaction invalid (code ${err.code})`,
        opts,
      );
  }
}

/** A peer, chaincode server or orderer that could not be reached, or shed the call (retry later). */
const UNAVAILABLE =
  /no peers available|failed to connect|connection refused|UNAVAILABLE|chaincode stream terminated|error sending|could not launch chaincode|exceeding concurrency limit/i;

/** Fabric's gateway found no peer of these orgs to endorse (down, or not back in gossip yet). */
const NO_ENDORSING_PEERS = /failed to find any endorsing peers for org\(s\): ([^\n]*)$/m;

/**
 * The orgs Fabric's gateway found no peer of to endorse, as it named them in `text` (a peer down, or
 * not yet known through gossip to run the chaincode); `undefined` when `text` is not that failure.
 */
export function orgsWithoutEndorsers(text: string): string | undefined {
  return NO_ENDORSING_PEERS.exec(text)?.[1];
}

const MSP_ID = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;

/**
 * The orgs of which no peer was available, as the ledger said: named by Fabric's gateway, or the orgs
 * of the endorsers that did not answer. Only well-formed MSP IDs (at most 16), so a peer's free text
 * never reaches a client.
 */
function unavailableOrgs(err: GatewayLikeError, texts: readonly string[]): string | undefined {
  const named = texts.map(orgsWithoutEndorsers).find((list) => list !== undefined);
  const orgs =
    named !== undefined
      ? named.split(', ')
      : (err.details ?? []).filter((d) => UNAVAILABLE.test(d.message)).map((d) => d.mspId ?? '');
  const unique = [...new Set(orgs)].sort();
  if (unique.length === 0 || unique.length > 16 || !unique.every((o) => MSP_ID.test(o))) return undefined;
  return unique.join(', ');
}

/**
 * Maps anything thrown by a ledger call to an AppError. `stage` names what was being done (for the
 * detail only).
 */
export function mapLedgerError(err: unknown, stage = 'ledger call'): AppError {
  if (err instanceof AppError) return err;
  if (isGatewayLike(err)) {
    if (err.name === 'CommitError') return fromCommitCode(err);
    const texts = [err.message, ...(err.details ?? []).map((d) => d.message)];
    for (const text of texts) {
      const cc = extractChaincodeError(text);
      if (cc) return fromChaincodeError(cc, { ...txIdOf(err), cause: err });
    }
    const unknown = texts.map((t) => unknownCodePattern.exec(t)?.[1]).find((c) => c !== undefined);
    if (unknown !== undefined) {
      return new AppError(GatewayErrorCode.CHAINCODE_ERROR_UNKNOWN, `the chaincode answered ${unknown}`, {
        ...txIdOf(err),
        cause: err,
      });
    }
    if (texts.some((t) => PAYLOAD_MISMATCH.test(t))) {
      return new AppError(GatewayErrorCode.ENDORSEMENT_FAILED, 'endorsements do not match', {
        ...txIdOf(err),
        cause: err,
      });
    }
    // The peer's proposal checks refused the creator (Fabric's core/endorser `Validate`: a certificate
    // revoked by its org's CRL, expired, or of no org of the channel); the Gateway reports it as
    // FAILED_PRECONDITION, which is unavailability otherwise.
    if (texts.some((t) => /access denied: channel \[[^\]]*\] creator org/.test(t))) {
      return new AppError(GatewayErrorCode.IDENTITY_REJECTED, 'the peers rejected the caller identity', {
        ...txIdOf(err),
        cause: err,
      });
    }
    // The orderers refused the signer (the channel's Writers policy): a certificate revoked or expired
    // after the peers endorsed the transaction, or a copy resubmitted after a config update revoked it.
    if (texts.some((t) => /unsuccessful response from orderer: status=FORBIDDEN\b/.test(t))) {
      return new AppError(GatewayErrorCode.IDENTITY_REJECTED, 'the orderers rejected the caller identity', {
        ...txIdOf(err),
        cause: err,
      });
    }
    // A stopped chaincode server or peer, or a peer shedding load past its gateway concurrency limit,
    // is unavailability (retry later), not a broken endorsement.
    if (texts.some((t) => UNAVAILABLE.test(t)))
      return ledgerUnavailable(stage, { ...txIdOf(err), cause: err }, unavailableOrgs(err, texts));
    return fromGrpcCode(err, stage);
  }
  if (err instanceof Error) {
    const cc = extractChaincodeError(err.message);
    if (cc) return fromChaincodeError(cc, { cause: err });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') {
      return ledgerUnavailable(stage, { cause: err });
    }
  }
  return new AppError(GatewayErrorCode.INTERNAL, 'unexpected ledger failure', { cause: err });
}
