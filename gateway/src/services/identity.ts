/** Identity: staff onboarding (CA + wallet + DID document), patients, DID resolution. */
import {
  patientDidDocument,
  registerPatientPayload,
  registerStaffInput,
  type DidDocument,
  type StaffRoleChange,
} from '@medledger/domain';
import type { z } from 'zod';

import { AppError, GatewayErrorCode } from '../errors';
import { unverifiedPayloadField } from './consents';
import { submitAnswer, type ServiceContext, type StaffEnroller } from './context';

export type RegisterStaffBody = z.output<typeof registerStaffInput>;
/**
 * Request body of `POST /v1/patients`: the patient's opaque DID, public key and proof of possession
 * (what the patient's app signs with `signPatientRegistration`).
 */
export type RegisterPatientBody = z.output<typeof registerPatientPayload>;

/**
 * Onboards a staff member: a simulated RegisterStaff first (the chaincode decides whether the caller
 * is an active admin of this org, without writing), then CA registration and enrollment into the
 * wallet, then the committed RegisterStaff that writes the DID document.
 */
export async function onboardStaff(
  ctx: ServiceContext,
  enroller: StaffEnroller,
  body: RegisterStaffBody,
): Promise<{ txId: string; didDocument: DidDocument }> {
  await ctx.ledger.simulate(ctx.caller, 'RegisterStaff', body);
  await enroller.ensureEnrolled(body.enrollmentId);
  return submitAnswer(ctx, 'RegisterStaff', body, 'didDocument');
}

export function updateStaff(
  ctx: ServiceContext,
  did: string,
  body: Record<string, unknown>,
): Promise<{ txId: string; didDocument: DidDocument }> {
  return submitAnswer(ctx, 'UpdateStaff', { ...body, did }, 'didDocument');
}

/**
 * Proposes a new role (and department) for a staff member of the caller's org; it takes effect only
 * when another admin of the org approves it ({@link approveStaffRoleChange}).
 */
export function proposeStaffRoleChange(
  ctx: ServiceContext,
  did: string,
  body: { role: string; department?: string | null | undefined },
): Promise<{ txId: string; roleChange: StaffRoleChange }> {
  return submitAnswer(ctx, 'ProposeStaffRoleChange', { ...body, did }, 'roleChange');
}

/** Approves (and so applies) a role change another admin of the caller's org proposed. */
export function approveStaffRoleChange(
  ctx: ServiceContext,
  did: string,
  proposalId: string,
): Promise<{ txId: string; didDocument: DidDocument }> {
  return submitAnswer(ctx, 'ApproveStaffRoleChange', { did, proposalId }, 'didDocument');
}

export function deactivateStaff(
  ctx: ServiceContext,
  did: string,
): Promise<{ txId: string; didDocument: DidDocument }> {
  return submitAnswer(ctx, 'DeactivateStaff', { did }, 'didDocument');
}

/**
 * Registers a patient: the DID, public key and proof travel in the transient map (arguments and
 * results are written into every block; the DID is not), endorsed by this gateway's org and the
 * regulator. The
 * ledger answers the patient's public record (no DID); the answer here is the DID document built from
 * it.
 */
export async function registerPatient(
  ctx: ServiceContext,
  body: RegisterPatientBody,
): Promise<{ txId: string; didDocument: DidDocument }> {
  const { txId, result } = await ctx.ledger.submit(
    ctx.caller,
    'RegisterPatient',
    {},
    {
      transient: { patient: body },
    },
  );
  return { txId, didDocument: patientDidDocument(body.patientDid, result) };
}

/**
 * Relays a change of a patient's key the patient signed (the JWS in the transient map under
 * `transientKey`; it names the patient, so never in the arguments); answers the new DID document,
 * built from the public record the ledger answers. The signed payload must name the patient of the
 * path.
 */
async function changePatientKey(
  ctx: ServiceContext,
  name: 'RotatePatientKey' | 'RecoverPatientKey',
  transient: (jws: string) => { rotation: { jws: string } } | { recovery: { jws: string } },
  patientDid: string,
  jws: string,
): Promise<{ txId: string; didDocument: DidDocument }> {
  if (unverifiedPayloadField(jws, 'patientDid') !== patientDid) {
    throw new AppError(GatewayErrorCode.VALIDATION_FAILED, 'the signed key change names another patient', {
      issues: [{ path: '/body/jws', message: 'patientDid differs from the path' }],
    });
  }
  const { txId, result } = await ctx.ledger.submit(ctx.caller, name, {}, { transient: transient(jws) });
  return { txId, didDocument: patientDidDocument(patientDid, result) };
}

/** Relays a key rotation the patient signed with their current key. */
export function rotatePatientKey(
  ctx: ServiceContext,
  patientDid: string,
  jws: string,
): Promise<{ txId: string; didDocument: DidDocument }> {
  return changePatientKey(ctx, 'RotatePatientKey', (j) => ({ rotation: { jws: j } }), patientDid, jws);
}

/** Replaces a lost patient key with a payload signed by the patient's recovery key. */
export function recoverPatientKey(
  ctx: ServiceContext,
  patientDid: string,
  jws: string,
): Promise<{ txId: string; didDocument: DidDocument }> {
  return changePatientKey(ctx, 'RecoverPatientKey', (j) => ({ recovery: { jws: j } }), patientDid, jws);
}

export function resolveDid(ctx: ServiceContext, did: string): Promise<DidDocument> {
  return ctx.ledger.evaluate(ctx.caller, 'ResolveDid', { did });
}
