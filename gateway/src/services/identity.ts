/** Identity: staff onboarding (CA + wallet + DID document), patients, DID resolution. */
import { registerStaffInput, type DidDocument, type StaffRoleChange } from '@medledger/domain';
import type { z } from 'zod';

import { submitAnswer, type ServiceContext, type StaffEnroller } from './context';

export type RegisterStaffBody = z.output<typeof registerStaffInput>;

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

export function registerPatient(
  ctx: ServiceContext,
  body: unknown,
): Promise<{ txId: string; didDocument: DidDocument }> {
  return submitAnswer(ctx, 'RegisterPatient', body, 'didDocument');
}

export function rotatePatientKey(
  ctx: ServiceContext,
  jws: string,
): Promise<{ txId: string; didDocument: DidDocument }> {
  return submitAnswer(ctx, 'RotatePatientKey', { jws }, 'didDocument');
}

/** Replaces a lost patient key with a payload signed by the patient's recovery key. */
export function recoverPatientKey(
  ctx: ServiceContext,
  jws: string,
): Promise<{ txId: string; didDocument: DidDocument }> {
  return submitAnswer(ctx, 'RecoverPatientKey', { jws }, 'didDocument');
}

export function resolveDid(ctx: ServiceContext, did: string): Promise<DidDocument> {
  return ctx.ledger.evaluate(ctx.caller, 'ResolveDid', { did });
}
