/**
 * The one application error. Everything the gateway knows how to fail with becomes an AppError with an
 * HTTP status and a stable SCREAMING_SNAKE code; the HTTP error handler renders it as problem+json.
 * `detail` must hold ids only, never personal data.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  /** Seconds a client should wait before retrying (sets `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;
  /** Fabric transaction id when the failure belongs to one. */
  readonly txId: string | undefined;
  /** Field-level validation issues (paths and messages, no values). */
  readonly issues: readonly ValidationIssue[] | undefined;

  constructor(
    status: number,
    code: string,
    detail: string,
    options: Readonly<{
      retryAfterSeconds?: number;
      txId?: string;
      issues?: readonly ValidationIssue[];
      cause?: unknown;
    }> = {},
  ) {
    super(`[${code}] ${detail}`, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.txId = options.txId;
    this.issues = options.issues;
  }
}

/** One validation problem: where (a JSON pointer-like path) and what, never the offending value. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Codes the gateway itself produces (chaincode codes come from the domain package). */
export const GatewayErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  URI_TOO_LONG: 'URI_TOO_LONG',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** A patient-key proof (`Medledger-Patient-Proof`) is required and absent (401). */
  PATIENT_PROOF_REQUIRED: 'PATIENT_PROOF_REQUIRED',
  /** The patient-key proof is malformed, signed by another key, for another DID or org, outside its time window, or replayed (401). */
  PATIENT_PROOF_INVALID: 'PATIENT_PROOF_INVALID',
  FORBIDDEN: 'FORBIDDEN',
  WRONG_ORG: 'WRONG_ORG',
  IDENTITY_NOT_ENROLLED: 'IDENTITY_NOT_ENROLLED',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  RATE_LIMITED: 'RATE_LIMITED',
  IDEMPOTENCY_KEY_INVALID: 'IDEMPOTENCY_KEY_INVALID',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_IN_PROGRESS: 'IDEMPOTENCY_IN_PROGRESS',
  /** A page cursor that is tampered with, malformed, or made for another query or viewer (400). */
  CURSOR_INVALID: 'CURSOR_INVALID',
  LEDGER_UNAVAILABLE: 'LEDGER_UNAVAILABLE',
  LEDGER_TIMEOUT: 'LEDGER_TIMEOUT',
  LEDGER_CONFLICT: 'LEDGER_CONFLICT',
  ENDORSEMENT_FAILED: 'ENDORSEMENT_FAILED',
  TRANSACTION_INVALID: 'TRANSACTION_INVALID',
  LEDGER_RESPONSE_INVALID: 'LEDGER_RESPONSE_INVALID',
  CA_UNAVAILABLE: 'CA_UNAVAILABLE',
  CA_REJECTED: 'CA_REJECTED',
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  INTERNAL: 'INTERNAL',
} as const;
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

/** Short human titles per HTTP status for problem+json. */
export function titleFor(status: number): string {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    409: 'Conflict',
    413: 'Content Too Large',
    414: 'URI Too Long',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Content',
    429: 'Too Many Requests',
    431: 'Request Header Fields Too Large',
    500: 'Internal Server Error',
    501: 'Not Implemented',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return titles[status] ?? 'Error';
}
