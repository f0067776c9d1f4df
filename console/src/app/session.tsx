/**
 * Who is signed in: the bearer token (kept in memory only: a reload signs out), the gateway that
 * served the console, and the person as the ledger knows them (a patient DID, or staff with their
 * on-chain role). Nothing of it goes to a URL or to browser storage.
 */
import { orgKindOf, staffDid, type OrgKind, type Role } from '@medledger/domain/browser';
import { createContext, useContext } from 'react';

import { Api, ApiError, gatewayInfo, type GatewayInfo } from './api';
import type { DidDocument } from './api-types';

/** The signed-in person. */
export type Who =
  | { readonly kind: 'patient'; readonly did: string; readonly registered: DidDocument | null }
  | {
      readonly kind: 'staff';
      readonly did: string;
      readonly enrollmentId: string;
      /** Their role on chain; an org's bootstrap admin has no document and acts as `admin`. */
      readonly role: Role;
      readonly department: string | null;
      readonly orgKind: OrgKind;
    };

/** A signed-in session. */
export interface Session {
  readonly api: Api;
  readonly gateway: GatewayInfo;
  readonly who: Who;
  /** When the token expires (ms since the epoch). */
  readonly expiresAtMs: number;
}

interface Claims {
  readonly sub: string;
  readonly org: string;
  readonly kind: 'patient' | 'staff';
  readonly exp: number;
}

/** The claims of a JWT, read (not verified: the gateway verifies it on every call). */
export function claimsOf(token: string): Claims {
  const part = token.trim().split('.')[1];
  if (part === undefined) throw new Error('this is not a token (a JWT has three parts separated by dots)');
  let payload: Record<string, unknown>;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    payload = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<
      string,
      unknown
    >;
  } catch {
    throw new Error('this is not a token (its claims are not JSON)');
  }
  const { sub, org, exp } = payload;
  if (typeof sub !== 'string' || typeof org !== 'string' || typeof exp !== 'number') {
    throw new Error('the token has no subject, org or expiry');
  }
  return { sub, org, exp, kind: payload['kind'] === 'patient' ? 'patient' : 'staff' };
}

async function documentOf(api: Api, did: string): Promise<DidDocument | null> {
  try {
    return await api.get<DidDocument>(`/v1/dids/${encodeURIComponent(did)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/**
 * Signs in with a pasted token: checks it is for this gateway's org and not expired, then asks the
 * ledger who the person is (which also proves the gateway accepts the token).
 */
export async function signIn(token: string, nowMs = Date.now()): Promise<Session> {
  const trimmed = token.trim().replace(/^Bearer\s+/i, '');
  const claims = claimsOf(trimmed);
  const gateway = await gatewayInfo();
  if (claims.org !== gateway.org && claims.org !== gateway.mspId) {
    throw new Error(`the token is for ${claims.org}, but this is the gateway of ${gateway.org}`);
  }
  if (claims.exp * 1000 <= nowMs) throw new Error('the token has expired: mint a new one');
  const api = new Api(trimmed);
  const base = { api, gateway, expiresAtMs: claims.exp * 1000 };
  if (claims.kind === 'patient') {
    return {
      ...base,
      who: { kind: 'patient', did: claims.sub, registered: await documentOf(api, claims.sub) },
    };
  }
  const did = staffDid(gateway.mspId, claims.sub);
  const doc = await documentOf(api, did);
  return {
    ...base,
    who: {
      kind: 'staff',
      did,
      enrollmentId: claims.sub,
      role: doc?.medledger.role ?? 'admin',
      department: doc?.medledger.department ?? null,
      orgKind: orgKindOf(gateway.mspId),
    },
  };
}

/** The session and how to change it. */
export interface SessionState {
  readonly session: Session | null;
  readonly setSession: (session: Session | null) => void;
}

export const SessionContext = createContext<SessionState>({
  session: null,
  setSession: () => undefined,
});

/** The signed-in session (pages under the sign-in guard always have one). */
export function useSession(): Session {
  const { session } = useContext(SessionContext);
  if (!session) throw new Error('not signed in');
  return session;
}
