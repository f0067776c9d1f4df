/**
 * Bearer tokens: verification against the org's JWKS (issuer, audience, expiry, algorithm allow-list,
 * `typ` where the issuer sets it), with the key set kept up to date with its file or URL, and, for the
 * dev CLI and tests, minting. jose is ESM-only, so it is loaded with a dynamic import.
 */
import { readFileSync, statSync } from 'node:fs';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

import { isPatientDid } from '@medledger/domain';
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };

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
   * The `typ` header every token must carry (RFC 9068 access tokens: `at+jwt`; `application/at+jwt` is
   * the same). Set it when the issuer sets it, so that another JWT of the same issuer (an ID token, a
   * logout token) is never taken for an access token; unset, the header is not checked.
   */
  readonly typ?: string | undefined;
  /**
   * Longest time a withdrawn key is still trusted: a JWKS file is checked for a change (its inode, size
   * and modification time) at most this often, a JWKS URL fetched again when its copy is this old.
   * Default 1 s for a file (a `stat`), 60 s for a URL.
   */
  readonly keySetRefreshSeconds?: number | undefined;
  /**
   * How long a successful verification is remembered for the same token string (never past its `exp`
   * or maximum age, and never across a change of the key set); 0 verifies every time. ES256
   * verification was ~10 % of the gateway's CPU per request under load, and an EMR system sends the
   * same token for many requests.
   */
  readonly cacheSeconds?: number;
  /** Bound of the verification cache (oldest entries are dropped first). */
  readonly cacheEntries?: number;
  /** Clock of the cache and of the key file checks, for tests. */
  readonly now?: () => number;
}

function unauthenticated(detail: string, cause?: unknown): AppError {
  return new AppError(GatewayErrorCode.UNAUTHENTICATED, detail, { cause });
}

type Jose = typeof JoseModule;

/**
 * The trusted keys, kept up to date with their source. `version` changes whenever the set does, and
 * every cached verification is bound to the version it was made under: a key withdrawn from the set
 * stops working for cached tokens too, within the refresh bound.
 */
interface KeySource {
  readonly getKey: JoseModule.JWTVerifyGetKey;
  /** Brings the set up to date when it may be stale; resolves with its version. */
  refresh(nowMs: number): number | Promise<number>;
}

/**
 * A local JWKS file. A file that becomes unreadable or invalid trusts no key until it is valid again
 * (fail closed: a half-written file must not keep a withdrawn key alive); at start it is an error.
 */
function fileKeySource(jose: Jose, path: string, refreshMs: number): KeySource {
  const load = (text: string) =>
    jose.createLocalJWKSet(JSON.parse(text) as Parameters<Jose['createLocalJWKSet']>[0]);
  const fingerprint = (): string => {
    try {
      const st = statSync(path, { bigint: true });
      return `${String(st.ino)}:${String(st.size)}:${String(st.mtimeNs)}`;
    } catch {
      return 'missing';
    }
  };
  let seen = fingerprint();
  let text = readFileSync(path, 'utf8');
  let keys = load(text);
  let version = 0;
  let checkedAt = -Infinity;
  const none = jose.createLocalJWKSet({ keys: [] });
  return {
    getKey: (header, token) => keys(header, token),
    refresh(nowMs) {
      if (nowMs - checkedAt < refreshMs) return version;
      checkedAt = nowMs;
      const now = fingerprint();
      if (now === seen) return version;
      seen = now;
      let next: string;
      try {
        next = readFileSync(path, 'utf8');
      } catch {
        next = '';
      }
      if (next === text) return version;
      text = next;
      try {
        keys = load(next);
      } catch {
        keys = none;
      }
      version++;
      return version;
    },
  };
}

/**
 * A remote JWKS. jose refreshes it only on a verification, and a cached verification makes none, so
 * the set is refreshed here once its copy is older than the bound; a failed refresh invalidates the
 * cached verifications (jose then refuses tokens until the URL answers).
 */
function urlKeySource(jose: Jose, url: string, refreshMs: number): KeySource {
  const keys = jose.createRemoteJWKSet(new URL(url), {
    timeoutDuration: 5000,
    cacheMaxAge: refreshMs,
    cooldownDuration: Math.min(30_000, refreshMs),
  });
  let seen = '';
  let version = 0;
  return {
    getKey: keys,
    async refresh() {
      if (keys.fresh) return version;
      try {
        await keys.reload();
      } catch {
        version++;
        return version;
      }
      const now = JSON.stringify(keys.jwks() ?? null);
      if (now !== seen) {
        seen = now;
        version++;
      }
      return version;
    },
  };
}

/** Creates a verifier over a local JWKS file or a remote JWKS URL. */
export async function createTokenVerifier(options: VerifierOptions): Promise<TokenVerifier> {
  const jose = await import('jose');
  const algorithms = options.algorithms.filter((a) => a.toLowerCase() !== 'none');
  let keySet: KeySource;
  if (options.jwksPath) {
    keySet = fileKeySource(jose, options.jwksPath, (options.keySetRefreshSeconds ?? 1) * 1000);
  } else if (options.jwksUrl) {
    keySet = urlKeySource(jose, options.jwksUrl, (options.keySetRefreshSeconds ?? 60) * 1000);
  } else {
    throw new Error('a JWKS path or URL is required');
  }
  const cacheMs = (options.cacheSeconds ?? 60) * 1000;
  const cacheEntries = options.cacheEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<
    string,
    { readonly principal: Principal; readonly until: number; readonly keySetVersion: number }
  >();
  const verify = async (token: string): Promise<{ principal: Principal; until: number }> => {
    let payload: Record<string, unknown>;
    try {
      const verified = await jose.jwtVerify(token, keySet.getKey, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [...algorithms],
        clockTolerance: options.clockToleranceSeconds,
        maxTokenAge: options.maxTokenAgeSeconds,
        requiredClaims: ['sub', 'exp', 'iat'],
        ...(options.typ === undefined ? {} : { typ: options.typ }),
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
    const keySetVersion = await keySet.refresh(t);
    const hit = cache.get(token);
    if (hit !== undefined) {
      if (t < hit.until && hit.keySetVersion === keySetVersion) return hit.principal;
      cache.delete(token);
    }
    const { principal, until } = await verify(token);
    if (cacheMs > 0) {
      if (cache.size >= cacheEntries) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      cache.set(token, { principal, until: Math.min(until, t + cacheMs), keySetVersion });
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
  /** The `typ` header (default `at+jwt`, an RFC 9068 access token); tests mint other types. */
  readonly typ?: string;
}

/** Mints an ES256 token with the given PKCS#8 key (dev CLI and tests only). */
export async function mintToken(privateKey: KeyObject | string, options: MintOptions): Promise<string> {
  const jose = await import('jose');
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ org: options.org, ...(options.kind === 'patient' ? { kind: 'patient' } : {}) })
    .setProtectedHeader({
      alg: 'ES256',
      kid: jwkThumbprint(createPublicKey(key)),
      typ: options.typ ?? 'at+jwt',
    })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(options.subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.ttlSeconds ?? 3600))
    .sign(key);
}
