/** Identity: staff onboarding (CA + wallet + DID document), patients, DID resolution. */
import { registerStaffInput, type DidDocument } from '@medledger/domain';
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

export function resolveDid(ctx: ServiceContext, did: string): Promise<DidDocument> {
  return ctx.ledger.evaluate(ctx.caller, 'ResolveDid', { did });
}
