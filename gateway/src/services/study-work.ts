/**
 * The work of a multi-center study's sites: tasks (the lead), contributions (a site's admin, checked
 * by the chaincode against what the ledger knows), the credit table, and a patient's contribution
 * points (docs/research.md, "Tasks, contributions and credit").
 */
import type { ContributionRecord, TransactionOutput } from '@medledger/domain';

import type { NonceCache } from '../auth/patient-proof';
import type { Principal } from '../auth/tokens';
import { requirePatientReader } from './audit-projection';
import { submitAnswer, type ServiceContext } from './context';
import { getStudy } from './studies';

/**
 * Assigns a site of the study a task. The task is the study org's: endorsed by that org and the
 * regulator (the registry's `grantee+regulator`, the study's org being the grantee of its consents).
 */
export async function assignTask(
  ctx: ServiceContext,
  studyId: string,
  body: Record<string, unknown>,
): Promise<{ txId: string; task: TransactionOutput<'AssignStudyTask'> }> {
  const study = await getStudy(ctx, studyId);
  return submitAnswer(ctx, 'AssignStudyTask', { ...body, studyId }, 'task', { granteeOrg: study.org });
}

/**
 * Records the caller's hospital's contribution: the records travel in the transient map, never in a
 * block; endorsed by the hospital and the regulator (its sealed collection holds the grants it checks).
 */
export function recordContribution(
  ctx: ServiceContext,
  studyId: string,
  body: { taskId: string; datasetHash: string; records: ContributionRecord[] },
): Promise<{ txId: string; contribution: TransactionOutput<'RecordContribution'> }> {
  return submitAnswer(
    ctx,
    'RecordContribution',
    { studyId, taskId: body.taskId, datasetHash: body.datasetHash },
    'contribution',
    { transient: { records: body.records } },
  );
}

/** A study's credit table: tasks, verified contributions and each site's credit. */
export function getCredit(
  ctx: ServiceContext,
  studyId: string,
): Promise<TransactionOutput<'GetStudyCredit'>> {
  return ctx.ledger.evaluate(ctx.caller, 'GetStudyCredit', { studyId });
}

/**
 * A patient's contribution points, for the patient only and with a fresh proof of the patient's key
 * (the same proof as the access log): at a hospital's gateway the awards that hospital made, at the
 * regulator's every hospital's.
 */
export async function contributionPoints(
  ctx: ServiceContext & { readonly principal: Principal; readonly patientProofNonces: NonceCache },
  patientDid: string,
  proof: string | undefined,
): Promise<TransactionOutput<'GetContributionPoints'>> {
  await requirePatientReader(ctx, patientDid, proof, 'contribution points');
  return ctx.ledger.evaluate(ctx.caller, 'GetContributionPoints', { patientDid });
}
