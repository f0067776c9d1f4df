/**
 * Freezes: a regulator's auditor freezes a person or an org, the two parties (the regulator and the
 * frozen org's admin) approve lifting it, and anyone registered reads them (the frozen party above
 * all). The chaincode decides who may; this layer only names the endorsing orgs.
 */
import {
  ErrorCode,
  freezeReasonSchema,
  freezeSubjectOrg,
  freezeSubjectSchema,
  mspIdSchema,
  staffDidSchema,
  txIdSchema,
  type Freeze,
  type FreezeSubject,
} from '@medledger/domain';
import { z } from 'zod';

import { AppError } from '../errors';
import { submitAnswer, type ServiceContext } from './context';

/** Request body of `POST /v1/freezes`. */
export const freezeBody = z.strictObject({
  subject: freezeSubjectSchema,
  reason: freezeReasonSchema,
  incidentId: txIdSchema.optional().describe('the incident the freeze belongs to'),
});

/** The consortium org a subject belongs to; `[NOT_FOUND]` for a person or org outside it. */
async function subjectOrg(ctx: ServiceContext, subject: FreezeSubject): Promise<string> {
  const org = freezeSubjectOrg(subject, await ctx.ledger.orgs(ctx.caller));
  if (org === undefined) throw new AppError(ErrorCode.NOT_FOUND, 'the subject is not of a consortium org');
  return org;
}

/**
 * Freezes a person or an org, endorsed by the regulator and an org that is not the frozen one (its
 * peers could refuse their own freeze).
 */
export async function freezeAccess(
  ctx: ServiceContext,
  body: z.output<typeof freezeBody>,
): Promise<{ txId: string; freeze: Freeze }> {
  const custodian = await subjectOrg(ctx, body.subject);
  return submitAnswer(ctx, 'FreezeAccess', body, 'freeze', { custodian });
}

/** One side's approval of lifting a freeze, endorsed by the frozen org and the regulator. */
export async function liftFreeze(
  ctx: ServiceContext,
  freezeId: string,
): Promise<{ txId: string; freeze: Freeze }> {
  const current = await getFreeze(ctx, freezeId);
  return submitAnswer(ctx, 'LiftFreeze', { freezeId, org: current.org }, 'freeze', {
    custodian: current.org,
  });
}

export function getFreeze(ctx: ServiceContext, freezeId: string): Promise<Freeze> {
  return ctx.ledger.evaluate(ctx.caller, 'GetFreeze', { freezeId });
}

/** Query of `GET /v1/freezes`: one subject (a person or an org), else the freezes that hold the caller. */
export const freezeListQuery = z
  .strictObject({
    person: staffDidSchema.optional().describe('a staff DID'),
    org: mspIdSchema.optional().describe('an MSP ID'),
  })
  .refine((q) => q.person === undefined || q.org === undefined, { error: 'a person or an org, not both' });

export function listFreezes(
  ctx: ServiceContext,
  query: z.output<typeof freezeListQuery>,
): Promise<{ items: Freeze[] }> {
  const subject: FreezeSubject | undefined =
    query.person !== undefined
      ? { kind: 'person', did: query.person }
      : query.org !== undefined
        ? { kind: 'org', mspId: query.org }
        : undefined;
  return ctx.ledger.evaluate(ctx.caller, 'ListFreezes', subject === undefined ? {} : { subject });
}
