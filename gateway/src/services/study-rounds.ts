/**
 * Federated rounds of a multi-center study: a site's model update, the lead's aggregate, the round as
 * anchored, a site's inclusion proof built from it, and the check of a proof against the anchored
 * aggregate (docs/research.md, "Federated rounds on the ledger").
 */
import {
  ErrorCode,
  roundInclusionProof,
  verifyRoundInclusion,
  type RoundInclusionProof,
  type TransactionOutput,
} from '@medledger/domain';

import { AppError } from '../errors';
import { submitAnswer, type ServiceContext } from './context';
import { getStudy } from './studies';

/** Anchors the caller's hospital's update for a round; endorsed by the hospital and the regulator. */
export function submitUpdate(
  ctx: ServiceContext,
  studyId: string,
  round: number,
  body: { updateHash: string; sampleCount: number },
): Promise<{ txId: string; update: TransactionOutput<'SubmitModelUpdate'> }> {
  return submitAnswer(ctx, 'SubmitModelUpdate', { studyId, round, ...body }, 'update');
}

/** Closes a round with its aggregate; the study org's (endorsed by that org and the regulator). */
export async function aggregateRound(
  ctx: ServiceContext,
  studyId: string,
  round: number,
  body: { aggregateHash: string; sites: string[]; merkleRoot: string },
): Promise<{ txId: string; aggregate: TransactionOutput<'AggregateRound'> }> {
  const study = await getStudy(ctx, studyId);
  return submitAnswer(ctx, 'AggregateRound', { studyId, round, ...body }, 'aggregate', {
    granteeOrg: study.org,
  });
}

/** A round as anchored: its state, its updates and its aggregate once closed. */
export function getRound(
  ctx: ServiceContext,
  studyId: string,
  round: number,
): Promise<TransactionOutput<'GetStudyRound'>> {
  return ctx.ledger.evaluate(ctx.caller, 'GetStudyRound', { studyId, round });
}

/**
 * A site's inclusion proof in a closed round, built from the anchored round: `[NOT_FOUND]` while the
 * round is open or when its aggregate did not use the site's update.
 */
export async function inclusionProof(
  ctx: ServiceContext,
  studyId: string,
  round: number,
  site: string,
): Promise<RoundInclusionProof> {
  const proof = roundInclusionProof(await getRound(ctx, studyId, round), site);
  if (!proof) throw new AppError(ErrorCode.NOT_FOUND, `${site} round ${String(round)}`);
  return proof;
}

/**
 * Checks a proof a site presents: the leaf names the round, the path leads to the root the ledger
 * anchored under the tree size it anchored (the prover states neither). `[NOT_FOUND]` while the round
 * has no aggregate.
 */
export async function verifyInclusion(
  ctx: ServiceContext,
  studyId: string,
  round: number,
  body: {
    leaf: { site: string; updateHash: string; sampleCount: number };
    proof: { leafIndex: number; path: string[] };
  },
): Promise<{ included: boolean; merkleRoot: string; treeSize: number; aggregateHash: string }> {
  const { aggregate } = await getRound(ctx, studyId, round);
  if (!aggregate) throw new AppError(ErrorCode.NOT_FOUND, `round ${String(round)} aggregate`);
  const included = verifyRoundInclusion(aggregate, { studyId, round, ...body.leaf }, body.proof);
  return {
    included,
    merkleRoot: aggregate.merkleRoot,
    treeSize: aggregate.treeSize,
    aggregateHash: aggregate.aggregateHash,
  };
}
