import {
  approveStaffRoleChangeInput,
  canonicalJson,
  crossesAdministrativeBoundary,
  deactivateStaffInput,
  emptyInputSchema,
  ErrorCode,
  isPatientDid,
  jwkThumbprint,
  keyRecoveryPayloadSchema,
  keyRotationPayloadSchema,
  parseStaffDid,
  patientRegistrationPayloadSchema,
  proposeStaffRoleChangeInput,
  recoverPatientKeyTransient,
  registerPatientTransient,
  registerStaffInput,
  resolveDidInput,
  ROLE_CHANGE_LIFETIME_DAYS,
  ROLES_BY_ORG_KIND,
  rotatePatientKeyTransient,
  staffDid,
  updateStaffInput,
  type DidDocument,
  type OrgKind,
  type PatientPublicJwk,
  type PatientRecord,
  type Role,
  type StaffRoleChange,
  type StaffStatus,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { isActiveAdmin, requireActive, requireRole, resolveActor, type Actor } from './actor';
import { patientDocument, staffDocument } from './did-documents';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import {
  acceptPatientPayload,
  activePatient,
  decodePatientPayload,
  requireAcceptedKey,
  verifyPatientSignature,
} from './patient-signature';
import { readTransient } from './transient';

const NEEDS_DEPARTMENT: readonly Role[] = ['attending', 'intern', 'nurse'];

function checkRole(kind: OrgKind, role: Role, department: string | null): void {
  if (!(ROLES_BY_ORG_KIND[kind] as readonly Role[]).includes(role)) fail(ErrorCode.VALIDATION_FAILED, 'role');
  if (NEEDS_DEPARTMENT.includes(role) && department === null) fail(ErrorCode.VALIDATION_FAILED, 'department');
}

/**
 * The staff document `did` of the admin's own org, never the admin's own: `[FORBIDDEN]` for another
 * org or oneself (no admin changes their own role, department or status), `[NOT_FOUND]`.
 */
async function ownStaff(ledger: Ledger, admin: Actor, did: string) {
  const parts = parseStaffDid(did);
  if (parts?.orgSlug !== admin.orgSlug || parts.enrollmentId === admin.enrollmentId) {
    return fail(ErrorCode.FORBIDDEN, did);
  }
  const doc = await ledger.getStaff(parts.orgSlug, parts.enrollmentId);
  if (!doc) return fail(ErrorCode.NOT_FOUND, did);
  return { doc, enrollmentId: parts.enrollmentId };
}

/**
 * Writes the next version of a staff document with a new role, department and status; the rest of
 * the document (controller, creation) carries over, and the change is stamped with the tx time and
 * the admin who made it.
 */
async function saveStaffChange(
  ledger: Ledger,
  admin: Actor,
  current: { did: string; enrollmentId: string; doc: DidDocument },
  change: { role: Role; department: string | null; status: StaffStatus },
): Promise<DidDocument> {
  const ext = current.doc.medledger;
  const updated = staffDocument({
    did: current.did,
    mspId: admin.mspId,
    ...change,
    controller: current.doc.controller,
    created: ext.created,
    updated: ledger.txTime,
    updatedBy: admin.did,
    version: ext.version + 1,
  });
  await ledger.putStaff(admin.orgSlug, current.enrollmentId, updated, admin.mspId);
  return updated;
}

const DAY_MS = 86_400_000;

/** The number `n` of a patient's current key id `<did>#key-<n>`. */
function keyNumberOf(doc: DidDocument): number {
  return Number(/#key-(\d+)$/.exec(doc.medledger.currentKeyId ?? '')?.[1] ?? '0');
}

/**
 * Writes the next version of a patient's public record with a new current key (and recovery key
 * thumbprint) and emits `PatientKeyRotated` under the patient key, which the patient's access log
 * shows. Returns the public record (no DID).
 */
async function savePatientKey(
  ledger: Ledger,
  actor: Actor,
  doc: DidDocument,
  change: {
    jwk: PatientPublicJwk;
    recoveryKeyThumbprint: string | null;
    via: 'current_key' | 'recovery_key';
  },
): Promise<PatientRecord> {
  await requireAcceptedKey(ledger, change.jwk, 'payload newPublicKeyJwk');
  const updated = patientDocument({
    did: doc.id,
    keyNumber: keyNumberOf(doc) + 1,
    jwk: change.jwk,
    recoveryKeyThumbprint: change.recoveryKeyThumbprint,
    registeredBy: doc.medledger.org ?? actor.mspId,
    created: doc.medledger.created,
    updated: ledger.txTime,
    updatedBy: actor.did,
    version: doc.medledger.version + 1,
  });
  await ledger.putPatient(updated);
  const record = ledger.patientRecordOf(updated);
  ledger.emit('PatientKeyRotated', {
    patientKey: record.patientKey,
    keyNumber: record.currentKey,
    via: change.via,
    relayedBy: actor.mspId,
    txId: ledger.txId,
    txTime: ledger.txTime,
  });
  return record;
}

/** Staff and patient DID documents. */
@Info({ title: 'IdentityContract', description: 'Staff and patient DID documents' })
export class IdentityContract extends Contract {
  constructor() {
    super('identity');
  }

  /**
   * Registers a staff member of the caller's own org as `did:medledger:<org>:<enrollmentId>`.
   * Caller: an active admin of that org (on-chain admin or NodeOU admin certificate), never for their
   * own enrollment id. Writes: `staff` (with state-based endorsement by the org). Event:
   * `StaffRegistered`. Errors: VALIDATION_FAILED (role not allowed for the org kind, department
   * missing), NOT_REGISTERED, INACTIVE, FORBIDDEN (not an admin, or oneself), ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  public async RegisterStaff(ctx: Context, input: string): Promise<string> {
    const args = parseInput(registerStaffInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin']);
    const did = staffDid(actor.mspId, args.enrollmentId);
    if (args.enrollmentId === actor.enrollmentId) fail(ErrorCode.FORBIDDEN, did);
    checkRole(actor.orgKind, args.role, args.department);
    if (await ledger.getStaff(actor.orgSlug, args.enrollmentId)) fail(ErrorCode.ALREADY_EXISTS, did);
    const doc = staffDocument({
      did,
      mspId: actor.mspId,
      role: args.role,
      department: args.department,
      status: 'active',
      controller: actor.did,
      created: ledger.txTime,
      updated: ledger.txTime,
      updatedBy: actor.did,
      version: 1,
    });
    await ledger.putStaff(actor.orgSlug, args.enrollmentId, doc, actor.mspId);
    ledger.emit('StaffRegistered', {
      did,
      org: actor.mspId,
      role: args.role,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(doc);
  }

  /**
   * Changes the role, department and/or status (active/suspended) of another staff member of the
   * caller's org; takes effect at commit. A role change between administrative, oversight (ethics)
   * and other roles is refused here: it needs two admins ({@link IdentityContract.ProposeStaffRoleChange}).
   * Caller: an active admin of the same org, not the staff member. Reads/writes: `staff`.
   * Event: `StaffUpdated`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN (other org
   * or oneself), NOT_FOUND, CONFLICT (deactivated), APPROVAL_REQUIRED.
   */
  @Transaction()
  @Returns('string')
  public async UpdateStaff(ctx: Context, input: string): Promise<string> {
    const args = parseInput(updateStaffInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin']);
    const { doc, enrollmentId } = await ownStaff(ledger, actor, args.did);
    const ext = doc.medledger;
    if (ext.status === 'deactivated') fail(ErrorCode.CONFLICT, args.did);
    const role = args.role ?? ext.role ?? 'nurse';
    const department = args.department === undefined ? ext.department : args.department;
    checkRole(actor.orgKind, role, department);
    if (crossesAdministrativeBoundary(ext.role, role)) fail(ErrorCode.APPROVAL_REQUIRED, args.did);
    const status = args.status ?? ext.status;
    const updated = await saveStaffChange(
      ledger,
      actor,
      { did: args.did, enrollmentId, doc },
      { role, department, status },
    );
    ledger.emit('StaffUpdated', {
      did: args.did,
      org: actor.mspId,
      role,
      status,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(updated);
  }

  /**
   * Deactivates a staff member of the caller's org for good; takes effect at commit.
   * Caller: an active admin of the same org, not the staff member. Reads/writes: `staff`.
   * Event: `StaffDeactivated`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN (other
   * org or oneself), NOT_FOUND, CONFLICT (already).
   */
  @Transaction()
  @Returns('string')
  public async DeactivateStaff(ctx: Context, input: string): Promise<string> {
    const args = parseInput(deactivateStaffInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin']);
    const { doc, enrollmentId } = await ownStaff(ledger, actor, args.did);
    const ext = doc.medledger;
    if (ext.status === 'deactivated' || ext.role === null) return fail(ErrorCode.CONFLICT, args.did);
    const updated = await saveStaffChange(
      ledger,
      actor,
      { did: args.did, enrollmentId, doc },
      { role: ext.role, department: ext.department, status: 'deactivated' },
    );
    ledger.emit('StaffDeactivated', {
      did: args.did,
      org: actor.mspId,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(updated);
  }

  /**
   * Proposes a new role (and department) for another staff member of the caller's org; nothing
   * changes until a second active admin approves it ({@link IdentityContract.ApproveStaffRoleChange})
   * within {@link ROLE_CHANGE_LIFETIME_DAYS} days. The way to move someone between administrative and
   * other roles (two-person rule). A new proposal for the same person replaces a pending one; the
   * approval names the proposal it approves. Caller: an active admin of the same org, not the staff
   * member. Reads: `staff`. Writes: `staff~rolechange` (endorsed by the org's peers).
   * Event: `StaffRoleChangeProposed`. Errors: VALIDATION_FAILED (role for the org kind, department),
   * NOT_REGISTERED, INACTIVE, FORBIDDEN (not an admin, other org, oneself), NOT_FOUND,
   * CONFLICT (deactivated, or the role is already that).
   */
  @Transaction()
  @Returns('string')
  public async ProposeStaffRoleChange(ctx: Context, input: string): Promise<string> {
    const args = parseInput(proposeStaffRoleChangeInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin']);
    const { doc, enrollmentId } = await ownStaff(ledger, actor, args.did);
    const ext = doc.medledger;
    if (ext.status === 'deactivated' || ext.role === args.role) fail(ErrorCode.CONFLICT, args.did);
    const department = args.department === undefined ? ext.department : args.department;
    checkRole(actor.orgKind, args.role, department);
    const change: StaffRoleChange = {
      proposalId: ledger.txId,
      did: args.did,
      org: actor.mspId,
      fromRole: ext.role,
      role: args.role,
      department,
      proposedBy: actor.did,
      proposedAt: ledger.txTime,
      expiresAt: new Date(ledger.txMs + ROLE_CHANGE_LIFETIME_DAYS * DAY_MS).toISOString(),
      status: 'pending',
      approvedBy: null,
      approvedAt: null,
      approvalTxId: null,
    };
    await ledger.putStaffRoleChange(actor.orgSlug, enrollmentId, change);
    ledger.emit('StaffRoleChangeProposed', {
      did: args.did,
      org: actor.mspId,
      role: args.role,
      proposalId: change.proposalId,
      proposedBy: actor.did,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(change);
  }

  /**
   * Approves a pending role change another admin proposed, and applies it: the staff document's next
   * version carries the new role and department, stamped by the approver. Caller: an active admin of
   * the same org who is neither the proposer nor the staff member; the proposer must still be an
   * active admin. Reads: `staff`, `staff~rolechange`. Writes: both. Event: `StaffRoleChangeApproved`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN (not an admin, other org, oneself,
   * the proposer), NOT_FOUND (no proposal), CONFLICT (another proposal, already approved, the staff
   * member's role changed since, deactivated, or the proposer is no longer an active admin),
   * EXPIRED (proposed more than {@link ROLE_CHANGE_LIFETIME_DAYS} days before).
   */
  @Transaction()
  @Returns('string')
  public async ApproveStaffRoleChange(ctx: Context, input: string): Promise<string> {
    const args = parseInput(approveStaffRoleChangeInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin']);
    const { doc, enrollmentId } = await ownStaff(ledger, actor, args.did);
    const change = await ledger.getStaffRoleChange(actor.orgSlug, enrollmentId);
    if (!change) return fail(ErrorCode.NOT_FOUND, args.proposalId);
    if (change.proposedBy === actor.did) fail(ErrorCode.FORBIDDEN, args.proposalId);
    if (change.proposalId !== args.proposalId || change.status !== 'pending') {
      fail(ErrorCode.CONFLICT, args.proposalId);
    }
    if (Date.parse(change.expiresAt) <= ledger.txMs) fail(ErrorCode.EXPIRED, args.proposalId);
    const ext = doc.medledger;
    if (ext.status === 'deactivated' || ext.role !== change.fromRole) fail(ErrorCode.CONFLICT, args.did);
    const proposer = parseStaffDid(change.proposedBy);
    const proposerDoc = proposer ? await ledger.getStaff(proposer.orgSlug, proposer.enrollmentId) : undefined;
    // A proposer without a document acted with a NodeOU admin certificate, which stays an admin.
    if (
      proposerDoc &&
      !isActiveAdmin({ role: proposerDoc.medledger.role, active: proposerDoc.medledger.status === 'active' })
    ) {
      fail(ErrorCode.CONFLICT, args.proposalId);
    }
    const updated = await saveStaffChange(
      ledger,
      actor,
      { did: args.did, enrollmentId, doc },
      { role: change.role, department: change.department, status: ext.status },
    );
    await ledger.putStaffRoleChange(actor.orgSlug, enrollmentId, {
      ...change,
      status: 'approved',
      approvedBy: actor.did,
      approvedAt: ledger.txTime,
      approvalTxId: ledger.txId,
    });
    ledger.emit('StaffRoleChangeApproved', {
      did: args.did,
      org: actor.mspId,
      role: change.role,
      status: ext.status,
      proposalId: change.proposalId,
      proposedBy: change.proposedBy,
      approvedBy: actor.did,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(updated);
  }

  /**
   * Registers a patient DID (opaque id) with the patient's public key (P-256, or SM2 where the
   * consortium's crypto profile accepts SM2SM3) as `<did>#key-1`. Both
   * travel in the transient map (`patient`) with a proof of possession: a JWS signed by that key over
   * the DID, the caller's org, a nonce, `iat`/`exp`, and the RFC 7638 thumbprint of the recovery key
   * the patient keeps offline (stored in the record; the key itself only when used). So a hospital
   * cannot bind a key whose holder did not agree to this DID and this org, nor choose the recovery key.
   * The public record is stored under the digest of the DID with neither the DID nor the registering
   * org. Endorsed by the caller's org and the regulator (receipt in the regulator's collection;
   * changes then need the regulator and one other org).
   * Caller: active staff of a hospital (any role). Writes: `patient`, `nonce`, sealed `receipt`.
   * Event: `PatientRegistered` (patient key and org). Errors: VALIDATION_FAILED (also a key type the
   * consortium's crypto profile does not accept), NOT_REGISTERED, INACTIVE,
   * FORBIDDEN (not a hospital), ALREADY_EXISTS, INVALID_SIGNATURE (proof by another key, for another
   * DID or org), EXPIRED, REPLAYED_NONCE, NOT_INITIALIZED.
   */
  @Transaction()
  @Returns('string')
  public async RegisterPatient(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin', 'attending', 'intern', 'nurse'], ['hospital']);
    const { patient: args } = readTransient(ledger, registerPatientTransient);
    if (await ledger.getPatient(args.patientDid)) fail(ErrorCode.ALREADY_EXISTS, 'patient');
    const proof = decodePatientPayload(args.proof, patientRegistrationPayloadSchema);
    if (proof.payload.patientDid !== args.patientDid || proof.payload.org !== actor.mspId) {
      fail(ErrorCode.INVALID_SIGNATURE, 'patient proof');
    }
    await requireAcceptedKey(ledger, args.publicKeyJwk, 'publicKeyJwk');
    await acceptPatientPayload(ledger, proof, { kid: `${args.patientDid}#key-1`, jwk: args.publicKeyJwk });
    const doc = patientDocument({
      did: args.patientDid,
      keyNumber: 1,
      jwk: args.publicKeyJwk,
      recoveryKeyThumbprint: proof.payload.recoveryKeyThumbprint,
      registeredBy: actor.mspId,
      created: ledger.txTime,
      updated: ledger.txTime,
      updatedBy: actor.did,
      version: 1,
    });
    await ledger.putPatient(doc);
    const record = ledger.patientRecordOf(doc);
    ledger.emit('PatientRegistered', {
      patientKey: record.patientKey,
      registeredBy: actor.mspId,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(record);
  }

  /**
   * Replaces a patient's key with a new one (`#key-<n+1>`); the request (transient `rotation`:
   * `{jws}`) is signed by the CURRENT key, newer (`iat`) than any rotation accepted before. The
   * recovery key stays: a stolen current key cannot lock the patient out of recovery. Endorsed by the
   * caller's org and the regulator (the record's key-level policy). Caller: any active registered
   * member (relays the patient's signature). Reads/writes: `patient`, `nonce`, `patient~iat`, sealed
   * `receipt`. Event: `PatientKeyRotated` (patient key only, `via` `current_key`). Errors:
   * VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, INVALID_SIGNATURE, EXPIRED, REPLAYED_NONCE,
   * STALE_PAYLOAD, NOT_FOUND.
   */
  @Transaction()
  @Returns('string')
  public async RotatePatientKey(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { rotation: args } = readTransient(ledger, rotatePatientKeyTransient);
    const { payload, doc } = await verifyPatientSignature(ledger, args.jws, keyRotationPayloadSchema, {
      monotonic: true,
    });
    const record = await savePatientKey(ledger, actor, doc, {
      jwk: payload.newPublicKeyJwk,
      recoveryKeyThumbprint: doc.medledger.recoveryKeyThumbprint ?? null,
      via: 'current_key',
    });
    return canonicalJson(record);
  }

  /**
   * Replaces a lost key: the patient signs with the RECOVERY key registered at onboarding (header
   * `kid` `<did>#recovery`), revealing its public key, whose RFC 7638 thumbprint must be the one in
   * the patient's record, and names the new key and the thumbprint of a NEW recovery key (a revealed
   * recovery key is spent). The JWS travels in the transient map (`recovery`: `{jws}`). Endorsed by the
   * caller's org and the regulator. Caller: any active registered member (relay).
   * Reads/writes: `patient`, `nonce`, `patient~iat`, sealed `receipt`. Event: `PatientKeyRotated`
   * (patient key only, `via` `recovery_key`). Errors: VALIDATION_FAILED (payload, or the same recovery
   * key again), NOT_REGISTERED, INACTIVE, NOT_FOUND, INVALID_SIGNATURE (another recovery key or a bad
   * signature), EXPIRED, REPLAYED_NONCE, STALE_PAYLOAD.
   */
  @Transaction()
  @Returns('string')
  public async RecoverPatientKey(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { recovery: args } = readTransient(ledger, recoverPatientKeyTransient);
    const signed = decodePatientPayload(args.jws, keyRecoveryPayloadSchema);
    const { payload } = signed;
    const doc = await activePatient(ledger, payload.patientDid);
    const registered = doc.medledger.recoveryKeyThumbprint ?? null;
    if (registered === null || jwkThumbprint(payload.recoveryPublicKeyJwk) !== registered) {
      fail(ErrorCode.INVALID_SIGNATURE, 'patient recovery key');
    }
    if (payload.newRecoveryKeyThumbprint === registered) {
      fail(ErrorCode.VALIDATION_FAILED, 'payload newRecoveryKeyThumbprint');
    }
    await acceptPatientPayload(
      ledger,
      signed,
      { kid: `${payload.patientDid}#recovery`, jwk: payload.recoveryPublicKeyJwk },
      { monotonic: true },
    );
    const record = await savePatientKey(ledger, actor, doc, {
      jwk: payload.newPublicKeyJwk,
      recoveryKeyThumbprint: payload.newRecoveryKeyThumbprint,
      via: 'recovery_key',
    });
    return canonicalJson(record);
  }

  /**
   * Resolves a staff or patient DID to its document. Caller: any consortium member.
   * Reads: `staff` or `patient`. Errors: VALIDATION_FAILED, NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async ResolveDid(ctx: Context, input: string): Promise<string> {
    const args = parseInput(resolveDidInput, input);
    const ledger = new Ledger(ctx);
    let doc;
    if (isPatientDid(args.did)) doc = await ledger.getPatient(args.did);
    else {
      const parts = parseStaffDid(args.did);
      doc = parts ? await ledger.getStaff(parts.orgSlug, parts.enrollmentId) : undefined;
    }
    if (!doc) fail(ErrorCode.NOT_FOUND, args.did);
    return canonicalJson(doc);
  }
}
