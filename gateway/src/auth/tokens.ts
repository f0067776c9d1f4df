/**
 * Bearer tokens: verification against the org's JWKS (issuer, audience, expiry, algorithm allow-list)
 * and, for the dev CLI and tests, minting. jose is ESM-only, so it is loaded with a dynamic import.
 */
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

import { isPatientDid } from '@medledger/domain';

import { AppError, GatewayErrorCode } from '../errors';
import { isValidEnrollmentId } from '../wallet';
import { jwkThumbprint } from './signing-key';

/** Who is calling, as established by a verified token. */
export interface Principal {
  /** `staff`: a person with a Fabric identity; `patient`: a patient app (no Fabric identity). */
  readonly kind: 'staff' | 'patient';
  /** The token subject: an enrollment id (staff) or a patient DID (patient). */
  readonly subject: string;
  /** The org name the token was issued for. */
  readonly org: string;
}

/** Verifies a bearer token. */
export type TokenVerifier = (token: string) => Promise<Principal>;

/** Options of {@link createTokenVerifier}. */
export interface VerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: readonly string[];
  readonly jwksPath?: string | undefined;
  readonly jwksUrl?: string | undefined;
  readonly orgName: string;
  readonly mspId: string;
  readonly clockToleranceSeconds: number;
  readonly maxTokenAgeSeconds: number;
  /**
   * How long a successful verification is remembered for the same token string (never past its `exp`
   * or maximum age); 0 verifies every time. ES256 verification was ~10 % of the gateway's CPU per
   * request under load, and an EMR system sends the same token for many requests.
   */
  readonly cacheSeconds?: number;
  /** Bound of the verification cache (oldest entries are dropped first). */
  readonly cacheEntries?: number;
  /** Clock of the cache, for tests. */
  readonly now?: () => number;
}

function unauthenticated(detail: string, cause?: unknown): AppError {
  return new AppError(GatewayErrorCode.UNAUTHENTICATED, detail, { cause });
}

/** Creates a verifier over a local JWKS file or a remote JWKS URL. */
export async function createTokenVerifier(options: VerifierOptions): Promise<TokenVerifier> {
  const jose = await import('jose');
  const algorithms = options.algorithms.filter((a) => a.toLowerCase() !== 'none');
  let keySet: ReturnType<typeof jose.createLocalJWKSet> | ReturnType<typeof jose.createRemoteJWKSet>;
  if (options.jwksPath) {
    keySet = jose.createLocalJWKSet(JSON.parse(readFileSync(options.jwksPath, 'utf8')) as { keys: [] });
  } else if (options.jwksUrl) {
    keySet = jose.createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5000 });
  } else {
    throw new Error('a JWKS path or URL is required');
  }
  const cacheMs = (options.cacheSeconds ?? 60) * 1000;
  const cacheEntries = options.cacheEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { readonly principal: Principal; readonly until: number }>();
  const verify = async (token: string): Promise<{ principal: Principal; until: number }> => {
    let payload: Record<string, unknown>;
    try {
      const verified = await jose.jwtVerify(token, keySet, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [...algorithms],
        clockTolerance: options.clockToleranceSeconds,
        maxTokenAge: options.maxTokenAgeSeconds,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      payload = verified.payload;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (code === 'ERR_JWT_EXPIRED') throw unauthenticated('the token has expired', err);
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') throw unauthenticated('a token claim is invalid', err);
      throw unauthenticated('the token is not valid', err);
    }
    const org = payload['org'];
    if (org !== options.orgName && org !== options.mspId) {
      throw new AppError(GatewayErrorCode.WRONG_ORG, 'the token was issued for another organization');
    }
    const sub = typeof payload['sub'] === 'string' ? payload['sub'] : '';
    const kind = payload['kind'] === 'patient' ? 'patient' : 'staff';
    if (kind === 'patient' ? !isPatientDid(sub) : !isValidEnrollmentId(sub)) {
      throw unauthenticated('the token subject is not valid');
    }
    const exp = typeof payload['exp'] === 'number' ? payload['exp'] * 1000 : 0;
    const iat = typeof payload['iat'] === 'number' ? payload['iat'] * 1000 : 0;
    return {
      principal: Object.freeze({ kind, subject: sub, org: options.orgName }),
      until: Math.min(exp, iat + options.maxTokenAgeSeconds * 1000),
    };
  };
  return async (token) => {
    const t = now();
    const hit = cache.get(token);
    if (hit !== undefined) {
      if (t < hit.until) return hit.principal;
      cache.delete(token);
    }
    const { principal, until } = await verify(token);
    if (cacheMs > 0) {
      if (cache.size >= cacheEntries) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      cache.set(token, { principal, until: Math.min(until, t + cacheMs) });
    }
    return principal;
  };
}

/** Claims of a dev token. */
export interface MintOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly org: string;
  readonly subject: string;
  readonly kind?: 'staff' | 'patient';
  readonly ttlSeconds?: number;
  /** Overrides `iat` (seconds), for tests. */
  readonly issuedAt?: number;
}

/** Mints an ES256 token with the given PKCS#8 key (dev CLI and tests only). */
export async function mintToken(privateKey: KeyObject | string, options: MintOptions): Promise<string> {
  const jose = await import('jose');
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ org: options.org, ...(options.kind === 'patient' ? { kind: 'patient' } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: jwkThumbprint(createPublicKey(key)), typ: 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(options.subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.ttlSeconds ?? 3600))
    .sign(key);
}
