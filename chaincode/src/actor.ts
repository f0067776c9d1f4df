import {
  ENROLLMENT_ID_PATTERN,
  ErrorCode,
  MSP_ID_PATTERN,
  orgKindOf,
  orgSlugOf,
  staffDid,
  type DidDocument,
  type OrgKind,
  type Role,
} from '@medledger/domain';
import type { Context } from 'fabric-contract-api';
import { fail } from './errors';
import type { Ledger } from './ledger/store';

/** The signer of the transaction, with their on-chain staff document when there is one. */
export interface Actor {
  mspId: string;
  orgSlug: string;
  orgKind: OrgKind;
  enrollmentId: string;
  did: string;
  /** The certificate carries the Fabric NodeOU `admin`. */
  nodeAdmin: boolean;
  doc: DidDocument | undefined;
  /** On-chain role, or `admin` for a NodeOU admin without a document; null when unregistered. */
  role: Role | null;
  department: string | null;
  /** Registered (document or NodeOU admin) and active. */
  active: boolean;
}

/** Subject attributes of the signer's certificate, from the shim's `x509::<subject>::<issuer>` id. */
function subjectAttributes(id: string): { name: string; value: string }[] {
  const subject = /^x509::(.*?)::/.exec(id)?.[1] ?? '';
  const out: { name: string; value: string }[] = [];
  for (const m of subject.matchAll(/\/([A-Za-z.]+)=((?:\\\/|[^/])*)/g)) {
    out.push({ name: m[1] ?? '', value: (m[2] ?? '').replace(/\\\//g, '/') });
  }
  return out;
}

/**
 * Derives the actor from the signer (never from arguments): MSP ID from the client identity,
 * enrollment id from the certificate CN, admin from the NodeOU, role and status from the on-chain
 * document of that MSP and CN. `[FORBIDDEN]` when the certificate's CN is not a valid enrollment id.
 */
export async function resolveActor(ctx: Context, ledger: Ledger): Promise<Actor> {
  const mspId = ctx.clientIdentity.getMSPID();
  const attrs = subjectAttributes(ctx.clientIdentity.getID());
  const cn = attrs.filter((a) => a.name === 'CN').at(-1)?.value ?? '';
  if (!MSP_ID_PATTERN.test(mspId) || !ENROLLMENT_ID_PATTERN.test(cn)) fail(ErrorCode.FORBIDDEN, 'identity');
  const nodeAdmin = attrs.some((a) => a.name === 'OU' && a.value === 'admin');
  const orgSlug = orgSlugOf(mspId);
  const doc = await ledger.getStaff(orgSlug, cn);
  const ext = doc?.medledger;
  let role: Role | null = ext?.role ?? null;
  let active = ext?.status === 'active';
  if (!doc && nodeAdmin) {
    role = 'admin';
    active = true;
  }
  // A suspension after an unjustified break-glass access holds whatever the person's org says.
  if (active && (await ledger.isSuspended(staffDid(mspId, cn)))) active = false;
  return {
    mspId,
    orgSlug,
    orgKind: orgKindOf(mspId),
    enrollmentId: cn,
    did: staffDid(mspId, cn),
    nodeAdmin,
    doc,
    role,
    department: ext?.department ?? null,
    active,
  };
}

/** `[NOT_REGISTERED]` or `[INACTIVE]` unless the actor is registered and active. */
export function requireActive(actor: Actor): void {
  if (actor.role === null) fail(ErrorCode.NOT_REGISTERED, actor.did);
  if (!actor.active) fail(ErrorCode.INACTIVE, actor.did);
}

/** Requires an active actor whose role is one of `roles` (and, when given, whose org is of `kinds`). */
export function requireRole(actor: Actor, roles: readonly Role[], kinds?: readonly OrgKind[]): void {
  requireActive(actor);
  if (actor.role === null || !roles.includes(actor.role)) fail(ErrorCode.FORBIDDEN, actor.did);
  if (kinds && !kinds.includes(actor.orgKind)) fail(ErrorCode.FORBIDDEN, actor.did);
}

/** True when the actor is an active admin of their org (on-chain or NodeOU bootstrap). */
export function isActiveAdmin(actor: Actor): boolean {
  return actor.role === 'admin' && actor.active;
}

/** True when the actor is an active auditor of a regulator org. */
export function isRegulatorAuditor(actor: Actor): boolean {
  return actor.role === 'auditor' && actor.active && actor.orgKind === 'regulator';
}
