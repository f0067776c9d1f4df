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
}

function unauthenticated(detail: string, cause?: unknown): AppError {
  return new AppError(401, GatewayErrorCode.UNAUTHENTICATED, detail, { cause });
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
  return async (token) => {
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
      throw new AppError(403, GatewayErrorCode.WRONG_ORG, 'the token was issued for another organization');
    }
    const sub = typeof payload['sub'] === 'string' ? payload['sub'] : '';
    const kind = payload['kind'] === 'patient' ? 'patient' : 'staff';
    if (kind === 'patient' ? !isPatientDid(sub) : !isValidEnrollmentId(sub)) {
      throw unauthenticated('the token subject is not valid');
    }
    return { kind, subject: sub, org: options.orgName };
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
