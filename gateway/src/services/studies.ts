/** Studies: registration, cohorts, and de-identified datasets through per-record access decisions. */
import type { Study, TransactionOutput } from '@medledger/domain';
import { z } from 'zod';

import { AppError } from '../errors';
import { submitAnswer, type ServiceContext } from './context';
import { definedOnly } from './consents';

export function registerStudy(ctx: ServiceContext, body: unknown): Promise<{ txId: string; study: Study }> {
  return submitAnswer(ctx, 'RegisterStudy', body, 'study');
}

export function getStudy(ctx: ServiceContext, studyId: string): Promise<Study> {
  return ctx.ledger.evaluate(ctx.caller, 'GetStudy', { studyId });
}

export function getCohort(
  ctx: ServiceContext,
  studyId: string,
  page: { pageSize?: number | undefined; bookmark?: string | undefined },
): Promise<TransactionOutput<'GetStudyCohort'>> {
  return ctx.ledger.evaluate(ctx.caller, 'GetStudyCohort', { studyId, ...definedOnly(page) });
}

/** Request body of `POST /v1/studies/{id}/datasets`. */
export const datasetBody = z.strictObject({
  recordIds: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/))
    .min(1)
    .max(20),
});

/** One record of a dataset: the decision, and the de-identified content when granted. */
export interface DatasetItem {
  readonly recordId: string;
  readonly accessId: string | null;
  readonly outcome: 'granted' | 'denied' | 'error';
  readonly reason: string;
  readonly resource: Record<string, unknown> | null;
  readonly deidentified: boolean;
}

/**
 * Builds a research dataset: for each record, a research access decision (committed, audited), then
 * the content de-identified at source by the custodian's chaincode when granted.
 */
export async function buildDataset(
  ctx: ServiceContext,
  studyId: string,
  body: z.output<typeof datasetBody>,
): Promise<{ studyId: string; items: DatasetItem[] }> {
  const items: DatasetItem[] = [];
  for (const recordId of body.recordIds) {
    try {
      const anchor = await ctx.ledger.evaluate(ctx.caller, 'GetRecord', { recordId });
      const decision = await ctx.ledger.submit(ctx.caller, 'AccessRecord', {
        recordId,
        purpose: 'research',
        studyId,
      });
      if (decision.result.outcome !== 'granted') {
        items.push({
          recordId,
          accessId: decision.result.accessId,
          outcome: 'denied',
          reason: decision.result.reason,
          resource: null,
          deidentified: false,
        });
        continue;
      }
      const content = await ctx.ledger.evaluate(
        ctx.caller,
        'ReadRecordContent',
        { recordId, accessId: decision.result.accessId },
        { custodian: anchor.custodian },
      );
      items.push({
        recordId,
        accessId: decision.result.accessId,
        outcome: 'granted',
        reason: decision.result.reason,
        resource: content.resource,
        deidentified: content.deidentified,
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      items.push({
        recordId,
        accessId: null,
        outcome: 'error',
        reason: err.code,
        resource: null,
        deidentified: false,
      });
    }
  }
  return { studyId, items };
}
