/** Leak tracing (docs/leak-tracing.md): a leaked document's marks matched against data-use receipts. */
import { ErrorCode, type TransactionOutput } from '@medledger/domain';
import { z } from 'zod';

import { AppError } from '../errors';
import type { ServiceContext } from './context';
import { leakMarks } from './leak-document';

/** Request body of `POST /v1/incidents/trace`: the leaked document as found, any JSON (text for a CSV). */
export const traceBody = z.strictObject({
  document: z.unknown().refine((d) => d !== undefined, { error: 'required' }),
});

/** The trace's answer: the ledger's, and what the gateway read out of the document. */
export type TraceAnswer = TransactionOutput<'TraceLeak'> & {
  readonly leak: { readonly hashes: number; readonly rows: number; readonly receipts: number };
};

/**
 * Traces a leaked document on the caller's own peer: a regulator's auditor over every hospital's
 * receipts, a hospital's admin over its own (the chaincode decides who may).
 */
export async function traceLeak(ctx: ServiceContext, body: z.output<typeof traceBody>): Promise<TraceAnswer> {
  const marks = leakMarks(body.document);
  // A document with nothing a trace matches would answer "no export found", which reads as a finding.
  if (marks.hashes.length + marks.rows.length + marks.receipts.length === 0) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      'document: no content answer, dataset row or receipt to trace',
    );
  }
  const result = await ctx.ledger.evaluate(ctx.caller, 'TraceLeak', {
    hashes: marks.hashes,
    rows: marks.rows,
    receipts: marks.receipts,
  });
  return {
    ...result,
    leak: { hashes: marks.hashes.length, rows: marks.rows.length, receipts: marks.receipts.length },
  };
}
