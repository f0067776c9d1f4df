/**
 * The gateway's one error vocabulary. Every failure the gateway answers is an {@link AppError} whose code
 * comes from a closed union (the gateway's own codes and the chaincode's, from the domain package);
 * {@link STATUS_OF} gives each code its HTTP status, so adding a code without a status does not compile.
 * The HTTP error handler renders an AppError as problem+json. `detail` holds ids only, never personal
 * data.
 */
import { ErrorCode as ChaincodeErrorCode } from '@medledger/domain';

/** Codes the gateway itself produces (chaincode codes come from the domain package). */
export const GatewayErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  /** A JSON body nests arrays and objects deeper than `MAX_JSON_DEPTH` (400). */
  JSON_TOO_DEEP: 'JSON_TOO_DEEP',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  URI_TOO_LONG: 'URI_TOO_LONG',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** A patient-key proof (`Medledger-Patient-Proof`) is required and absent (401). */
  PATIENT_PROOF_REQUIRED: 'PATIENT_PROOF_REQUIRED',
  /** The patient-key proof is malformed, signed by another key, for another DID or org, outside its time window, or replayed (401). */
  PATIENT_PROOF_INVALID: 'PATIENT_PROOF_INVALID',
  FORBIDDEN: 'FORBIDDEN',
  /**
   * The peers refused the caller's certificate before any chaincode ran: revoked (the org CA's CRL in the
   * channel's MSP), expired, or not of the channel's orgs (403).
   */
  IDENTITY_REJECTED: 'IDENTITY_REJECTED',
  WRONG_ORG: 'WRONG_ORG',
  IDENTITY_NOT_ENROLLED: 'IDENTITY_NOT_ENROLLED',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  RATE_LIMITED: 'RATE_LIMITED',
  IDEMPOTENCY_KEY_INVALID: 'IDEMPOTENCY_KEY_INVALID',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_IN_PROGRESS: 'IDEMPOTENCY_IN_PROGRESS',
  /**
   * The request under this `Idempotency-Key` was answered, but its answer held record content (a salt,
   * a dataset) and was purged after the content retention; the write is not run again (410).
   */
  IDEMPOTENCY_ANSWER_PURGED: 'IDEMPOTENCY_ANSWER_PURGED',
  /** A page cursor that is tampered with, malformed, or made for another query or viewer (400). */
  CURSOR_INVALID: 'CURSOR_INVALID',
  LEDGER_UNAVAILABLE: 'LEDGER_UNAVAILABLE',
  LEDGER_TIMEOUT: 'LEDGER_TIMEOUT',
  LEDGER_CONFLICT: 'LEDGER_CONFLICT',
  ENDORSEMENT_FAILED: 'ENDORSEMENT_FAILED',
  TRANSACTION_INVALID: 'TRANSACTION_INVALID',
  LEDGER_RESPONSE_INVALID: 'LEDGER_RESPONSE_INVALID',
  /** The chaincode answered a `[CODE]` this gateway does not know (a newer chaincode): logged, 502. */
  CHAINCODE_ERROR_UNKNOWN: 'CHAINCODE_ERROR_UNKNOWN',
  CA_UNAVAILABLE: 'CA_UNAVAILABLE',
  CA_REJECTED: 'CA_REJECTED',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  INTERNAL: 'INTERNAL',
} as const;
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

/** Every code an AppError can carry. */
export type AppErrorCode = GatewayErrorCode | ChaincodeErrorCode;

/** The HTTP status of every code, gateway's and chaincode's alike. */
export const STATUS_OF: Readonly<Record<AppErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  JSON_TOO_DEEP: 400,
  IDEMPOTENCY_KEY_INVALID: 400,
  CURSOR_INVALID: 400,
  UNAUTHENTICATED: 401,
  PATIENT_PROOF_REQUIRED: 401,
  PATIENT_PROOF_INVALID: 401,
  FORBIDDEN: 403,
  WRONG_ORG: 403,
  IDENTITY_REJECTED: 403,
  IDENTITY_NOT_ENROLLED: 403,
  NOT_REGISTERED: 403,
  INACTIVE: 403,
  // Frozen by the regulator: the detail names the freeze, which the caller may read.
  FROZEN: 403,
  CONSENT_REQUIRED: 403,
  INVALID_SIGNATURE: 403,
  ACCESS_NOT_GRANTED: 403,
  APPROVAL_REQUIRED: 403,
  CO_SIGNER_NOT_PERMITTED: 403,
  BENCH_LOADER_DISABLED: 403,
  // A signed read whose time the custodian refuses: backdated, or a gateway clock out of step.
  PROPOSAL_TIME_SKEW: 403,
  ROUTE_NOT_FOUND: 404,
  NOT_FOUND: 404,
  CONTENT_UNAVAILABLE: 404,
  METHOD_NOT_ALLOWED: 405,
  IDEMPOTENCY_IN_PROGRESS: 409,
  LEDGER_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  REPLAYED_NONCE: 409,
  CONFLICT: 409,
  STALE_PAYLOAD: 409,
  // A value a write presents as stored is not what is stored now (the insurance service reads again first).
  PRESENTED_MISMATCH: 409,
  // A read too large to answer whole (a pair's open settlement entries past 10,000): close batches first.
  SCAN_LIMIT: 409,
  IDEMPOTENCY_ANSWER_PURGED: 410,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  EXPIRED: 422,
  CONTENT_MISMATCH: 422,
  RECEIPT_INVALID: 422,
  QUALITY_REJECTED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  // The custodian's chaincode server lacks the key-encryption key: an operator's fix, not the caller's.
  KEY_UNAVAILABLE: 503,
  ENDORSEMENT_FAILED: 502,
  TRANSACTION_INVALID: 502,
  LEDGER_RESPONSE_INVALID: 502,
  CHAINCODE_ERROR_UNKNOWN: 502,
  STATE_INVALID: 502,
  CA_REJECTED: 502,
  LEDGER_UNAVAILABLE: 503,
  CA_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  // Only while an endorsing peer lags the block that staged the content: retry.
  CONTENT_NOT_STAGED: 503,
  // The deployment has not written the consortium or a collection key yet: retry.
  NOT_INITIALIZED: 503,
  LEDGER_TIMEOUT: 504,
};

/** Seconds a client should wait after a 503 from the ledger. */
export const LEDGER_RETRY_AFTER_SECONDS = 2;

/** One validation problem: where (a JSON pointer-like path) and what, never the offending value. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** What an AppError may carry besides its code and detail. */
export type AppErrorOptions = Readonly<{
  /** Seconds a client should wait before retrying (sets `Retry-After`). */
  retryAfterSeconds?: number;
  txId?: string;
  issues?: readonly ValidationIssue[];
  cause?: unknown;
}>;

/** The one application error: a code of the closed vocabulary, its status, and ids-only detail. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  readonly code: AppErrorCode;
  readonly detail: string;
  /** Seconds a client should wait before retrying (sets `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;
  /** Fabric transaction id when the failure belongs to one. */
  readonly txId: string | undefined;
  /** Field-level validation issues (paths and messages, no values). */
  readonly issues: readonly ValidationIssue[] | undefined;

  constructor(code: AppErrorCode, detail: string, options: AppErrorOptions = {}) {
    super(`[${code}] ${detail}`, { cause: options.cause });
    this.status = STATUS_OF[code];
    this.code = code;
    this.detail = detail;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.txId = options.txId;
    this.issues = options.issues;
  }
}

/** True when `code` is in the vocabulary. */
export function isAppErrorCode(code: string): code is AppErrorCode {
  return Object.hasOwn(STATUS_OF, code);
}

/** Short human titles per HTTP status for problem+json. */
export function titleFor(status: number): string {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    409: 'Conflict',
    410: 'Gone',
    413: 'Content Too Large',
    414: 'URI Too Long',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Content',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return titles[status] ?? 'Error';
}
