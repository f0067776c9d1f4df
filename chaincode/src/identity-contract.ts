import {
  canonicalJson,
  deactivateStaffInput,
  ErrorCode,
  isPatientDid,
  keyRotationPayloadSchema,
  parseStaffDid,
  emptyInputSchema,
  registerPatientTransient,
  registerStaffInput,
  resolveDidInput,
  ROLES_BY_ORG_KIND,
  rotatePatientKeyTransient,
  staffDid,
  updateStaffInput,
  type Role,
  type OrgKind,
  type DidDocument,
  type StaffStatus,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireActive, requireRole, resolveActor, type Actor } from './actor';
import { patientDocument, staffDocument } from './did-documents';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { verifyPatientSignature } from './patient-signature';
import { readTransient } from './transient';

const NEEDS_DEPARTMENT: readonly Role[] = ['attending', 'intern', 'nurse'];

function checkRole(kind: OrgKind, role: Role, department: string | null): void {
  if (!(ROLES_BY_ORG_KIND[kind] as readonly Role[]).includes(role)) fail(ErrorCode.VALIDATION_FAILED, 'role');
  if (NEEDS_DEPARTMENT.includes(role) && department === null) fail(ErrorCode.VALIDATION_FAILED, 'department');
}

/** The staff document `did` of the admin's own org; `[FORBIDDEN]` for another org, `[NOT_FOUND]`. */
async function ownStaff(ledger: Ledger, admin: Actor, did: string) {
  const parts = parseStaffDid(did);
  if (parts?.orgSlug !== admin.orgSlug) return fail(ErrorCode.FORBIDDEN, did);
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

/** Staff and patient DID documents. */
@Info({ title: 'IdentityContract', description: 'Staff and patient DID documents' })
export class IdentityContract extends Contract {
  constructor() {
    super('identity');
  }

  /**
   * Registers a staff member of the caller's own org as `did:medledger:<org>:<enrollmentId>`.
   * Caller: an active admin of that org (on-chain admin or NodeOU admin certificate).
   * Writes: `staff` (with state-based endorsement by the org). Event: `StaffRegistered`.
   * Errors: VALIDATION_FAILED (role not allowed for the org kind, department missing), NOT_REGISTERED,
   * INACTIVE, FORBIDDEN, ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  public async RegisterStaff(ctx: Context, input: string): Promise<string> {
    const args = parseInput(registerStaffInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin']);
    checkRole(actor.orgKind, args.role, args.department);
    const did = staffDid(actor.mspId, args.enrollmentId);
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
   * Changes the role, department and/or status (active/suspended) of a staff member of the caller's
   * org; takes effect at commit. Caller: an active admin of the same org.
   * Reads/writes: `staff`. Event: `StaffUpdated`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN (other org), NOT_FOUND, CONFLICT (deactivated).
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
   * Caller: an active admin of the same org. Reads/writes: `staff`. Event: `StaffDeactivated`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND, CONFLICT (already).
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
   * Registers a patient DID (opaque id) with the patient's P-256 public key as `<did>#key-1`; both
   * travel in the transient map (`patient`), and the public record is stored under the digest of the
   * DID with neither the DID nor the registering org. Endorsed by the caller's org and the regulator
   * (receipt in the regulator's collection; changes then need the regulator and one other org).
   * Caller: active staff of a hospital (any role). Writes: `patient`, sealed `receipt`.
   * Event: `PatientRegistered` (patient key only). Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE,
   * FORBIDDEN (not a hospital), ALREADY_EXISTS, NOT_INITIALIZED.
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
    const doc = patientDocument({
      did: args.patientDid,
      keyNumber: 1,
      jwk: args.publicKeyJwk,
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
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(record);
  }

  /**
   * Replaces a patient's key with a new one (`#key-<n+1>`); the request (transient `rotation`:
   * `{jws}`) is signed by the CURRENT key. Endorsed by the caller's org and the regulator (the record's
   * key-level policy). Caller: any active registered member (relays the patient's signature).
   * Reads/writes: `patient`, `nonce`, sealed `receipt`. Event: `PatientKeyRotated` (patient key only).
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, INVALID_SIGNATURE, EXPIRED, REPLAYED_NONCE, NOT_FOUND.
   */
  @Transaction()
  @Returns('string')
  public async RotatePatientKey(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { rotation: args } = readTransient(ledger, rotatePatientKeyTransient);
    const { payload, doc } = await verifyPatientSignature(ledger, args.jws, keyRotationPayloadSchema);
    const current = /#key-(\d+)$/.exec(doc.medledger.currentKeyId ?? '')?.[1];
    const updated = patientDocument({
      did: doc.id,
      keyNumber: Number(current ?? '0') + 1,
      jwk: payload.newPublicKeyJwk,
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
      txId: ledger.txId,
      txTime: ledger.txTime,
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
