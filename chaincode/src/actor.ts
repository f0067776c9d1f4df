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
import { signerSubject } from './signer-certificate';
import type { Ledger } from './ledger/store';

/** The signer of the transaction, with their on-chain staff document when there is one. */
export interface Actor {
  mspId: string;
  orgSlug: string;
  orgKind: OrgKind;
  enrollmentId: string;
  did: string;
  /** The certificate's Fabric NodeOU is `admin`. */
  nodeAdmin: boolean;
  doc: DidDocument | undefined;
  /** `admin` for a NodeOU admin certificate, else the on-chain role; null when unregistered. */
  role: Role | null;
  department: string | null;
  /**
   * Registered (document or NodeOU admin), active (a NodeOU admin's document may suspend it), not
   * suspended and not frozen.
   */
  active: boolean;
  /** The id of an active freeze that holds the actor (their own or their org's), else null. */
  frozenBy: string | null;
  /**
   * What `active` would be without the freeze: an org's admin answers for lifting its own org's
   * freeze, so a frozen admin may still approve the lift (and nothing else).
   */
  activeBeforeFreeze: boolean;
}

/** The OU values Fabric's NodeOUs classify an identity by; a valid identity carries exactly one. */
const NODE_OUS = ['client', 'admin', 'peer', 'orderer'] as const;
type NodeOu = (typeof NODE_OUS)[number];

/**
 * The enrollment id (the subject's one CN) and the Fabric NodeOU (the one OU attribute whose value is
 * a NodeOU; Fabric CA adds affiliation OUs beside it) of a signer's PEM certificate. The subject is
 * read from the certificate's structure ({@link signerSubject}: the one certificate the peer's MSP
 * validated, attribute by attribute, a repeated attribute kept), never from the shim's `getID()`, which
 * prints the subject as `/O=.../OU=.../CN=...` without escaping a `/` inside a value (an O value
 * `x/y/OU=admin` reads there as an admin OU, and of two CNs the last wins). `[FORBIDDEN] identity`
 * when the bytes are not exactly one certificate, or the subject has no CN or more than one, no NodeOU
 * or more than one, instead of guessing which one counts.
 */
export function signerOf(pem: Uint8Array): { enrollmentId: string; nodeOu: NodeOu } {
  const subject = signerSubject(pem);
  const nodeOus = (subject?.ou ?? []).filter((v): v is NodeOu => NODE_OUS.includes(v as NodeOu));
  const [enrollmentId] = subject?.cn ?? [];
  const [nodeOu] = nodeOus;
  if (
    subject?.cn.length !== 1 ||
    nodeOus.length !== 1 ||
    enrollmentId === undefined ||
    nodeOu === undefined
  ) {
    return fail(ErrorCode.FORBIDDEN, 'identity');
  }
  return { enrollmentId, nodeOu };
}

/**
 * Derives the actor from the signer (never from arguments): MSP ID from the creator,
 * enrollment id and NodeOU from the certificate's structure ({@link signerOf}), role and status
 * from the on-chain document of that MSP and enrollment id. An admin certificate (NodeOU `admin`)
 * always acts as an admin: a document can suspend it but never give it a clinical role, so no one
 * turns an administrator into a clinician by registering a document for their enrollment id.
 * `[FORBIDDEN] identity` when the certificate is ambiguous or its CN is not a valid enrollment id.
 * `readAlong`: public keys the transaction reads next, fetched with the staff document in one round
 * trip ({@link Ledger.readAhead}); the checks still run, and fail, before anything is read from them.
 */
export async function resolveActor(
  ctx: Context,
  ledger: Ledger,
  readAlong: readonly string[] = [],
): Promise<Actor> {
  // The creator as the peer hands it over: the shim (patched) parses its ClientIdentity only when
  // asked, and two certificate parses per transaction were a quarter of a chaincode server's CPU.
  const { mspid: mspId, idBytes } = ctx.stub.getCreator();
  const { enrollmentId: cn, nodeOu } = signerOf(idBytes);
  if (!MSP_ID_PATTERN.test(mspId) || !ENROLLMENT_ID_PATTERN.test(cn)) fail(ErrorCode.FORBIDDEN, 'identity');
  return actorOf(ledger, mspId, cn, nodeOu === 'admin', readAlong);
}

/**
 * The actor of an MSP ID and enrollment id as the ledger knows them now: role and status from the
 * on-chain document, inactive under a suspension. `nodeAdmin` for an admin certificate. Used for the
 * signer ({@link resolveActor}) and, where a decision is taken again for someone who is not the signer
 * (a co-signed break-glass request), for that person. `readAlong` as for {@link resolveActor}.
 */
export async function actorOf(
  ledger: Ledger,
  mspId: string,
  cn: string,
  nodeAdmin: boolean,
  readAlong: readonly string[] = [],
): Promise<Actor> {
  const orgSlug = orgSlugOf(mspId);
  if (readAlong.length > 0) await ledger.readAhead([ledger.staffKey(orgSlug, cn), ...readAlong]);
  const doc = await ledger.getStaff(orgSlug, cn);
  const ext = doc?.medledger;
  let role: Role | null = ext?.role ?? null;
  let active = ext?.status === 'active';
  if (nodeAdmin) {
    role = 'admin';
    active = doc === undefined || active;
  }
  const did = staffDid(mspId, cn);
  // A suspension after an unjustified break-glass access holds whatever the person's org says.
  if (active && (await ledger.isSuspended(did))) active = false;
  // A freeze holds every certificate of the enrollment id (a re-enrollment is the same DID) and, for an
  // org freeze, every identity of the org, whatever its documents say.
  const frozenBy = (await ledger.activeFreezeOf(did, mspId)) ?? null;
  return {
    mspId,
    orgSlug,
    orgKind: orgKindOf(mspId),
    enrollmentId: cn,
    did,
    nodeAdmin,
    doc,
    role,
    department: ext?.department ?? null,
    active: active && frozenBy === null,
    frozenBy,
    activeBeforeFreeze: active,
  };
}

/**
 * `[NOT_REGISTERED]`, `[FROZEN] <freeze id>` or `[INACTIVE]` unless the actor is registered, not
 * frozen and active.
 */
export function requireActive(actor: Actor): void {
  if (actor.role === null) fail(ErrorCode.NOT_REGISTERED, actor.did);
  if (actor.frozenBy !== null) fail(ErrorCode.FROZEN, actor.frozenBy);
  if (!actor.active) fail(ErrorCode.INACTIVE, actor.did);
}

/** Requires an active actor whose role is one of `roles` (and, when given, whose org is of `kinds`). */
export function requireRole(actor: Actor, roles: readonly Role[], kinds?: readonly OrgKind[]): void {
  requireActive(actor);
  if (actor.role === null || !roles.includes(actor.role)) fail(ErrorCode.FORBIDDEN, actor.did);
  if (kinds && !kinds.includes(actor.orgKind)) fail(ErrorCode.FORBIDDEN, actor.did);
}

/** True when the actor is an active admin of their org (on-chain or NodeOU bootstrap). */
export function isActiveAdmin(actor: Pick<Actor, 'role' | 'active'>): boolean {
  return actor.role === 'admin' && actor.active;
}

/** True when the actor is an active auditor of a regulator org. */
export function isRegulatorAuditor(actor: Actor): boolean {
  return actor.role === 'auditor' && actor.active && actor.orgKind === 'regulator';
}
