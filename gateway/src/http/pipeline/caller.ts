/** Who calls and whether they may: the bearer token, the principal kinds a route takes, the rate limit. */
import { patientKeyOf } from '@medledger/domain';

import type { Principal, TokenVerifier } from '../../auth/tokens';
import { AppError, GatewayErrorCode } from '../../errors';
import type { RateLimiter } from '../../rate-limit';
import type { RouteDef } from '../routes/route';

const BEARER = /^Bearer ([A-Za-z0-9_.~+/=-]{1,8192})$/;

/** The principal of an `Authorization` header: 401 without a well-formed bearer token or when it does not verify. */
export async function authenticate(
  authorization: string | undefined,
  verify: TokenVerifier,
): Promise<Principal> {
  const m = authorization ? BEARER.exec(authorization) : null;
  if (!m?.[1]) throw new AppError(GatewayErrorCode.UNAUTHENTICATED, 'a bearer token is required');
  return verify(m[1]);
}

/** 403 when the route does not take this kind of principal (the chaincode decides roles). */
export function authorizeKind(route: Pick<RouteDef, 'principals'>, principal: Principal): void {
  if (!route.principals.includes(principal.kind)) {
    throw new AppError(GatewayErrorCode.FORBIDDEN, 'this route is not for this kind of caller');
  }
}

/**
 * A principal as the request log names it: staff by enrollment id, a patient by a short digest of the
 * DID (the same digest the ledger keeps public: a log line never names a patient).
 */
export function principalForLog(principal: Principal): string {
  return principal.kind === 'patient'
    ? `patient:${patientKeyOf(principal.subject).slice(0, 16)}`
    : `${principal.kind}:${principal.subject}`;
}

/** The key a principal's rate limit and idempotency keys are kept under. */
export function principalScope(principal: Principal): string {
  return `${principal.kind}:${principal.subject}`;
}

/** Takes one request from the principal's bucket: 429 with `Retry-After` when it is empty. */
export function throttle(limiter: RateLimiter, principal: Principal): void {
  const wait = limiter.take(principalScope(principal));
  if (wait > 0) {
    throw new AppError(GatewayErrorCode.RATE_LIMITED, 'too many requests', { retryAfterSeconds: wait });
  }
}
