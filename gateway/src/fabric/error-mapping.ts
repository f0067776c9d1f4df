/**
 * The one place where ledger failures become AppErrors: fabric-gateway errors (EndorseError, SubmitError,
 * CommitStatusError, CommitError, GatewayError), gRPC status codes, and chaincode `[CODE] detail`
 * messages. Known conditions never map to 500.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode } from '@hyperledger/fabric-gateway';

import { AppError, GatewayErrorCode } from '../errors';

/** Seconds a client should wait after a 503 from the ledger. */
export const LEDGER_RETRY_AFTER_SECONDS = 2;

/**
 * HTTP status per chaincode error code, for codes whose status cannot be read from their name. Codes
 * not listed here are classified by {@link statusForChaincodeCode}'s naming rules.
 */
const chaincodeStatusOverrides: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  INVALID_ARGUMENT: 400,
  INVALID_INPUT: 400,
  BAD_REQUEST: 400,
  INVALID_SIGNATURE: 403,
  SIGNATURE_INVALID: 403,
  UNAUTHORIZED: 403,
  FORBIDDEN: 403,
  ACCESS_DENIED: 403,
  NOT_AUTHORIZED: 403,
  ROLE_NOT_ALLOWED: 403,
  WRONG_ORG: 403,
  STAFF_INACTIVE: 403,
  NOT_REGISTERED: 403,
  INACTIVE: 403,
  CONSENT_REQUIRED: 403,
  ACCESS_NOT_GRANTED: 403,
  REPLAYED_NONCE: 409,
  CONTENT_UNAVAILABLE: 404,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  NONCE_REUSED: 409,
  REPLAYED: 409,
  VERSION_CONFLICT: 409,
  STALE_VERSION: 409,
  CONSENT_EXPIRED: 422,
  EXPIRED: 422,
  QUALITY_REJECTED: 422,
  QUALITY_GATE_FAILED: 422,
  HASH_MISMATCH: 422,
  CONTENT_MISMATCH: 422,
  CONTENT_ERASED: 410,
  ERASED: 410,
  PRECONDITION_FAILED: 422,
  BENCH_LOADER_DISABLED: 403,
  // Only while an endorsing peer lags the block that staged the content: retry.
  CONTENT_NOT_STAGED: 503,
  INTERNAL: 502,
};

/** Maps a chaincode error code to an HTTP status: overrides first, then naming rules, else 422. */
export function statusForChaincodeCode(code: string): number {
  const override = chaincodeStatusOverrides[code];
  if (override !== undefined) return override;
  if (/NOT_FOUND$|^UNKNOWN_/.test(code)) return 404;
  if (
    /DENIED|FORBIDDEN|UNAUTHORI[SZ]ED|NOT_ALLOWED|NOT_PERMITTED|INACTIVE|DEACTIVATED|SIGNATURE/.test(code)
  ) {
    return 403;
  }
  if (/EXISTS$|^ALREADY_|CONFLICT|DUPLICATE|REVOKED$|REPLAY|NONCE/.test(code)) return 409;
  if (/^INVALID_|_INVALID$|MALFORMED|VALIDATION|TOO_(LONG|LARGE|MANY)|OUT_OF_RANGE|BAD_/.test(code))
    return 400;
  return 422;
}

/** The AppError of a chaincode `[CODE] detail`; a retryable 503 carries Retry-After like the others. */
function fromChaincodeCode(
  cc: { code: string; detail: string },
  opts: { txId?: string; cause: unknown },
): AppError {
  const status = statusForChaincodeCode(cc.code);
  return new AppError(status, cc.code, cc.detail || cc.code, {
    ...opts,
    ...(status === 503 ? { retryAfterSeconds: LEDGER_RETRY_AFTER_SECONDS } : {}),
  });
}

const codePattern = /\[([A-Z][A-Z0-9_]{1,63})\]\s*([^\n]{0,300})/;

/** Extracts `[CODE] detail` from a chaincode error text, if any. */
export function extractChaincodeError(text: string): { code: string; detail: string } | undefined {
  const m = codePattern.exec(text);
  if (!m?.[1]) return undefined;
  return { code: m[1], detail: sanitizeDetail(m[2] ?? '') };
}

/** Replaces C0 control characters and DEL with spaces. */
export function stripControl(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? ' ' : ch;
  }
  return out;
}

/** Keeps a chaincode detail to ids and punctuation: no quotes of content, no control characters. */
function sanitizeDetail(detail: string): string {
  return stripControl(detail).trim().slice(0, 300);
}

type LedgerErrorOptions = Readonly<{ txId?: string; cause?: unknown }>;

/** 503 `LEDGER_UNAVAILABLE` with `Retry-After`: the peer or orderer did not answer during `stage`. */
export function ledgerUnavailable(stage: string, options: LedgerErrorOptions = {}): AppError {
  return new AppError(503, GatewayErrorCode.LEDGER_UNAVAILABLE, `ledger unavailable during ${stage}`, {
    ...options,
    retryAfterSeconds: LEDGER_RETRY_AFTER_SECONDS,
  });
}

/** 504 `LEDGER_TIMEOUT` with `Retry-After`: a ledger deadline passed during `stage`. */
export function ledgerTimeout(stage: string, options: LedgerErrorOptions = {}): AppError {
  return new AppError(504, GatewayErrorCode.LEDGER_TIMEOUT, `ledger deadline exceeded during ${stage}`, {
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

/** True when the error is a commit that failed with MVCC or phantom read conflict (retryable). */
export function isMvccConflict(err: unknown): boolean {
  return (
    isGatewayLike(err) &&
    err.name === 'CommitError' &&
    (err.code === StatusCode.MVCC_READ_CONFLICT || err.code === StatusCode.PHANTOM_READ_CONFLICT)
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
      return new AppError(403, GatewayErrorCode.FORBIDDEN, `the ledger rejected the caller identity`, opts);
    case 'NOT_FOUND':
      return new AppError(503, GatewayErrorCode.LEDGER_UNAVAILABLE, `channel or chaincode not available`, {
        ...opts,
        retryAfterSeconds: LEDGER_RETRY_AFTER_SECONDS,
      });
    default:
      return new AppError(
        502,
        GatewayErrorCode.ENDORSEMENT_FAILED,
        `the ledger failed during ${stage}`,
        opts,
      );
  }
}

function fromCommitCode(err: GatewayLikeError): AppError {
  const opts = { ...txIdOf(err), cause: err };
  switch (err.code) {
    case StatusCode.MVCC_READ_CONFLICT:
    case StatusCode.PHANTOM_READ_CONFLICT:
      return new AppError(409, GatewayErrorCode.LEDGER_CONFLICT, 'concurrent update; retry the request', {
        ...opts,
        retryAfterSeconds: 1,
      });
    case StatusCode.DUPLICATE_TXID:
      return new AppError(409, GatewayErrorCode.LEDGER_CONFLICT, 'duplicate transaction id', opts);
    case StatusCode.ENDORSEMENT_POLICY_FAILURE:
      return new AppError(
        502,
        GatewayErrorCode.TRANSACTION_INVALID,
        'endorsement policy not satisfied',
        opts,
      );
    default:
      return new AppError(
        502,
        GatewayErrorCode.TRANSACTION_INVALID,
        `transaction invalid (code ${err.code})`,
        opts,
      );
  }
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
      if (cc) {
        return fromChaincodeCode(cc, { ...txIdOf(err), cause: err });
      }
    }
    if (texts.some((t) => /ProposalResponsePayloads do not match|endorsement mismatch/i.test(t))) {
      return new AppError(502, GatewayErrorCode.ENDORSEMENT_FAILED, 'endorsements do not match', {
        ...txIdOf(err),
        cause: err,
      });
    }
    // A stopped chaincode server or peer, or a peer shedding load past its gateway concurrency limit,
    // is unavailability (retry later), not a broken endorsement.
    const unavailable =
      /no peers available|failed to connect|connection refused|UNAVAILABLE|chaincode stream terminated|error sending|could not launch chaincode|exceeding concurrency limit/i;
    if (texts.some((t) => unavailable.test(t)))
      return ledgerUnavailable(stage, { ...txIdOf(err), cause: err });
    return fromGrpcCode(err, stage);
  }
  if (err instanceof Error) {
    const cc = extractChaincodeError(err.message);
    if (cc) return fromChaincodeCode(cc, { cause: err });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') {
      return ledgerUnavailable(stage, { cause: err });
    }
  }
  return new AppError(500, GatewayErrorCode.INTERNAL, 'unexpected ledger failure', { cause: err });
}
