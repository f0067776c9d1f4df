/** Identity: staff onboarding (CA + wallet + DID document), patients, DID resolution. */
import {
  patientDidDocument,
  registerPatientPayload,
  registerStaffInput,
  type DidDocument,
} from '@medledger/domain';
import type { z } from 'zod';

import { AppError, GatewayErrorCode } from '../errors';
import { unverifiedPayloadField } from './consents';
import { submitAnswer, type ServiceContext, type StaffEnroller } from './context';

export type RegisterStaffBody = z.output<typeof registerStaffInput>;
/** Request body of `POST /v1/patients`: the patient's opaque DID and public key. */
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

export function deactivateStaff(
  ctx: ServiceContext,
  did: string,
): Promise<{ txId: string; didDocument: DidDocument }> {
  return submitAnswer(ctx, 'DeactivateStaff', { did }, 'didDocument');
}

/**
 * Registers a patient: the DID and public key travel in the transient map (arguments and results are
 * written into every block; the DID is not), endorsed by this gateway's org and the regulator. The
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

/** Relays a key rotation the patient signed with their current key; answers the new DID document. */
export async function rotatePatientKey(
  ctx: ServiceContext,
  patientDid: string,
  jws: string,
): Promise<{ txId: string; didDocument: DidDocument }> {
  if (unverifiedPayloadField(jws, 'patientDid') !== patientDid) {
    throw new AppError(GatewayErrorCode.VALIDATION_FAILED, 'the signed rotation names another patient', {
      issues: [{ path: '/body/jws', message: 'patientDid differs from the path' }],
    });
  }
  const { txId, result } = await ctx.ledger.submit(
    ctx.caller,
    'RotatePatientKey',
    {},
    {
      transient: { rotation: { jws } },
    },
  );
  return { txId, didDocument: patientDidDocument(patientDid, result) };
}

export function resolveDid(ctx: ServiceContext, did: string): Promise<DidDocument> {
  return ctx.ledger.evaluate(ctx.caller, 'ResolveDid', { did });
}
