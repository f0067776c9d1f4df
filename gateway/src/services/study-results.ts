/**
 * Results of a multi-center study with their lineage: the lead anchors a model or a paper naming the
 * datasets, rounds and earlier results that produced it; participants and the regulator read its
 * lineage graph (docs/research.md, "Results and their lineage").
 */
import type { TransactionOutput } from '@medledger/domain';

import { submitAnswer, type ServiceContext } from './context';
import { getStudy } from './studies';

/** Anchors a result; the study org's (endorsed by that org and the regulator). */
export async function anchorResult(
  ctx: ServiceContext,
  studyId: string,
  body: Record<string, unknown>,
): Promise<{ txId: string; result: TransactionOutput<'AnchorResult'> }> {
  const study = await getStudy(ctx, studyId);
  return submitAnswer(ctx, 'AnchorResult', { ...body, studyId }, 'result', { granteeOrg: study.org });
}

/** A result and its lineage graph. */
export function resultLineage(
  ctx: ServiceContext,
  studyId: string,
  resultId: string,
): Promise<TransactionOutput<'GetResultLineage'>> {
  return ctx.ledger.evaluate(ctx.caller, 'GetResultLineage', { studyId, resultId });
}
