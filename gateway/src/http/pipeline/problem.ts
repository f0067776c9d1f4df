/** Errors as answers: anything thrown becomes an {@link AppError}, rendered as problem+json. */
import type { Response } from 'express';

import { AppError, GatewayErrorCode, titleFor } from '../../errors';
import { DuplicateKeyError, ForbiddenKeyError } from './json-body';
import { locals } from './locals';

/** The problem+json body of `err` for request `requestId`. */
export function problemBody(err: AppError, requestId: string): Record<string, unknown> {
  return {
    type: `urn:medledger:problem:${err.code.toLowerCase()}`,
    title: titleFor(err.status),
    status: err.status,
    code: err.code,
    detail: err.detail,
    instance: `urn:medledger:request:${requestId}`,
    requestId,
    ...(err.txId ? { txId: err.txId } : {}),
    ...(err.issues ? { issues: err.issues } : {}),
  };
}

/** Sends `err` as problem+json, with `Retry-After` and `WWW-Authenticate` where they apply. */
export function sendProblem(res: Response, err: AppError): void {
  const { requestId } = locals(res);
  if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  if (err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
  res
    .status(err.status)
    .type('application/problem+json')
    .send(JSON.stringify(problemBody(err, requestId)));
}

/** The body parser's failure of `type` as an AppError, undefined for other types. */
function bodyError(type: string | undefined): AppError | undefined {
  switch (type) {
    case 'entity.too.large':
      return new AppError(GatewayErrorCode.PAYLOAD_TOO_LARGE, 'the body is too large');
    case 'entity.parse.failed':
      return new AppError(GatewayErrorCode.MALFORMED_JSON, 'the body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE, 'unsupported body encoding');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError(GatewayErrorCode.MALFORMED_JSON, 'the body could not be read');
    default:
      return undefined;
  }
}

/** Converts anything thrown into an AppError (body-parser errors included); the unknown is a 500. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; cause?: unknown };
  if (err instanceof ForbiddenKeyError || e.cause instanceof ForbiddenKeyError) {
    return new AppError(GatewayErrorCode.MALFORMED_JSON, 'the body uses a forbidden key');
  }
  if (err instanceof DuplicateKeyError || e.cause instanceof DuplicateKeyError) {
    return new AppError(GatewayErrorCode.MALFORMED_JSON, 'the body repeats a key in one object');
  }
  const fromBody = bodyError(e.type);
  if (fromBody) return fromBody;
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError(GatewayErrorCode.VALIDATION_FAILED, 'the request could not be read');
  }
  return new AppError(GatewayErrorCode.INTERNAL, 'unexpected error', { cause: err });
}
