/** Studies: reads, cohorts, and de-identified datasets through per-record access decisions. */
import {
  ErrorCode,
  type DataUseReceipt,
  mspIdSchema,
  patientDidSchema,
  recordIdSchema,
  type Study,
  type TransactionOutput,
} from '@medledger/domain';
import { z } from 'zod';

import { AppError } from '../errors';
import { custodianOf, submitAnswer, type ServiceContext } from './context';
import { definedOnly } from './consents';
import { afterPeerLag } from './peer-lag';
import { readContentUnrecorded, recordDataUse, requestAccess } from './records';
import { toFhirResearchStudy } from './research-fhir';

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

/**
 * Request body of `POST /v1/studies/{id}/datasets`: the records, each with its custodian (default the
 * caller's org) and its patient, whose consent to the study the research org holds and presents.
 */
export const datasetBody = z.strictObject({
  records: z
    .array(
      z.strictObject({
        recordId: recordIdSchema,
        custodian: mspIdSchema.optional(),
        patientDid: patientDidSchema.optional(),
      }),
    )
    .min(1)
    .max(20),
});

/** One record of a dataset: the decision, and the de-identified content and its receipt when granted. */
export interface DatasetItem {
  readonly recordId: string;
  readonly custodian: string;
  readonly accessId: string | null;
  readonly outcome: 'granted' | 'denied' | 'error';
  readonly reason: string;
  readonly resource: Record<string, unknown> | null;
  readonly deidentified: boolean;
  readonly receipt: DataUseReceipt | null;
}

/** A refusal the dataset reports on its row (4xx); anything else fails the request. */
function rowError(err: unknown): string {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  return err.code;
}

/** One record's research access decision (committed and audited, granted or denied). */
async function decideItem(
  ctx: ServiceContext,
  studyId: string,
  record: z.output<typeof datasetBody>['records'][number],
): Promise<DatasetItem> {
  const { recordId, patientDid } = record;
  const custodian = custodianOf(ctx, record.custodian);
  const base = { recordId, custodian, resource: null, deidentified: false, receipt: null };
  try {
    const { decision } = await requestAccess(ctx, recordId, {
      purpose: 'research',
      studyId,
      custodian,
      ...(patientDid === undefined ? {} : { patientDid }),
    });
    const outcome = decision.outcome === 'granted' ? 'granted' : 'denied';
    return { ...base, accessId: decision.accessId, outcome, reason: decision.reason };
  } catch (err) {
    return { ...base, accessId: null, outcome: 'error', reason: rowError(err) };
  }
}

/** The de-identified content of a granted row, marked for `exportId`, with its (unrecorded) receipt. */
async function readItem(ctx: ServiceContext, item: DatasetItem, exportId: string): Promise<DatasetItem> {
  const { accessId } = item;
  if (item.outcome !== 'granted' || accessId === null) return item;
  try {
    // The decision committed on our peer; the custodian's peer may commit it a few milliseconds
    // later and answer ACCESS_NOT_GRANTED until then: here, right after a grant, that is lag.
    const content = await afterPeerLag(ErrorCode.ACCESS_NOT_GRANTED, () =>
      readContentUnrecorded(ctx, item.recordId, { accessId, custodian: item.custodian, exportId }),
    );
    return {
      ...item,
      resource: content.resource,
      deidentified: content.deidentified,
      receipt: content.receipt,
    };
  } catch (err) {
    return { ...item, outcome: 'error', reason: rowError(err) };
  }
}

/**
 * Builds a research dataset, one export (docs/leak-tracing.md): for each record, a research access
 * decision (committed, audited, with the study consents the research org holds for the record's
 * patient); then the content de-identified at source by the custodian's chaincode, every row marked
 * for this export (its id: the first granted access id), the receipts recorded per custodian before
 * anything is answered, and the delivered rows in the export's order (by their receipts' order keys),
 * the others after them in request order.
 */
export async function buildDataset(
  ctx: ServiceContext,
  studyId: string,
  body: z.output<typeof datasetBody>,
): Promise<{ studyId: string; exportId: string | null; items: DatasetItem[] }> {
  const decided: DatasetItem[] = [];
  for (const record of body.records) decided.push(await decideItem(ctx, studyId, record));
  const exportId = decided.find((i) => i.outcome === 'granted')?.accessId ?? null;
  if (exportId === null) return { studyId, exportId, items: decided };
  const items: DatasetItem[] = [];
  for (const item of decided) items.push(await readItem(ctx, item, exportId));
  const byCustodian = new Map<string, DataUseReceipt[]>();
  for (const { receipt } of items) {
    if (receipt) byCustodian.set(receipt.custodian, [...(byCustodian.get(receipt.custodian) ?? []), receipt]);
  }
  for (const [custodian, receipts] of byCustodian) await recordDataUse(ctx, custodian, receipts);
  const orderOf = (i: DatasetItem): string => i.receipt?.orderKey ?? '';
  const delivered = items
    .filter((i) => i.receipt !== null)
    .sort((a, b) => orderOf(a).localeCompare(orderOf(b)));
  return { studyId, exportId, items: [...delivered, ...items.filter((i) => i.receipt === null)] };
}

/**
 * Proposes a multi-center study of the caller's research org. Its governance is the org's own,
 * endorsed with the regulator (the registry's `grantee+regulator`, the study's org being the grantee
 * of its consents).
 */
export function proposeStudy(
  ctx: ServiceContext,
  body: unknown,
): Promise<{ txId: string; governance: TransactionOutput<'ProposeStudy'> }> {
  return submitAnswer(ctx, 'ProposeStudy', body, 'governance', { granteeOrg: ctx.mspId });
}

/** The caller's ethics committee decides on the study's current protocol version for its hospital. */
export function decideStudy(
  ctx: ServiceContext,
  studyId: string,
  body: { decision: string; protocolVersion: number },
): Promise<{ txId: string; governance: TransactionOutput<'DecideStudy'> }> {
  return submitAnswer(ctx, 'DecideStudy', { studyId, ...body }, 'governance');
}

/** Amends, activates, suspends, resumes or closes a study; endorsed by the study's org and the regulator. */
export async function changeStudy(
  ctx: ServiceContext,
  studyId: string,
  body: { action: string; protocolHash?: string | undefined },
): Promise<{ txId: string; governance: TransactionOutput<'ChangeStudy'> }> {
  const study = await getStudy(ctx, studyId);
  return submitAnswer(ctx, 'ChangeStudy', { studyId, ...definedOnly(body) }, 'governance', {
    granteeOrg: study.org,
  });
}

/** A study's governance: state, sites, quorum, protocol and the decisions on its current version. */
export function getGovernance(
  ctx: ServiceContext,
  studyId: string,
): Promise<TransactionOutput<'GetStudyGovernance'>> {
  return ctx.ledger.evaluate(ctx.caller, 'GetStudyGovernance', { studyId });
}

/** A multi-center study as an R4 ResearchStudy (`research-fhir.ts`). */
export async function getStudyFhir(ctx: ServiceContext, studyId: string): Promise<Record<string, unknown>> {
  const [study, governance] = await Promise.all([getStudy(ctx, studyId), getGovernance(ctx, studyId)]);
  return toFhirResearchStudy(study, { ...governance, sites: governance.sites });
}
