/**
 * Insurance routes: coverage (the insurer's admins; read by the insurer, the regulator, and a card
 * holder), claims (a hospital's billing staff; adjudicated as they are submitted), their FHIR
 * ClaimResponse and ExplanationOfBenefit, disputes, settlement batches, a pair's balances and the
 * regulator's claim report. The chaincode decides who may call each (docs/insurance.md).
 */
import {
  claimIdSchema,
  claimReceiptSchema,
  claimReportSchema,
  claimSchema,
  coverageIdSchema,
  coverageStateViewSchema,
  disputeIdSchema,
  disputeSchema,
  disputeStateSchema,
  batchStateSchema,
  entryIdSchema,
  txIdSchema,
  mspIdSchema,
  pairBalanceSchema,
  patientDidSchema,
  coverageCardSchema,
} from '@medledger/domain';
import { z } from 'zod';

import { AppError, GatewayErrorCode } from '../../errors';
import { toFhirClaimResponse, toFhirExplanationOfBenefit } from '../../insurance/fhir-adjudication';
import { toFhirCoverage } from '../../insurance/fhir-coverage';
import * as insurance from '../../services/insurance';
import { route, type HandlerContext, type HeaderParam, type RouteDef } from './route';
import { tx } from './shared';

/** The header a card holder sends the card in (never a query: URLs are logged). */
export const COVERAGE_CARD_HEADER = 'Medledger-Coverage-Card';
/** The header a hospital names the card's patient in (the patient's own route has it in its path). */
export const COVERAGE_PATIENT_HEADER = 'Medledger-Coverage-Patient';

const cardHeader: HeaderParam = {
  name: COVERAGE_CARD_HEADER,
  required: false,
  description:
    "The patient's insurance card secret (64 hex digits). The insurer's and the regulator's staff read without one",
  pattern: '^[0-9a-f]{64}$',
};
const patientHeader: HeaderParam = {
  name: COVERAGE_PATIENT_HEADER,
  required: false,
  description: "The card's patient (DID), sent with the card by a hospital",
};

const fhirJson = z.record(z.string(), z.unknown());
const coverageParam = z.strictObject({ id: coverageIdSchema });
const insurerQuery = z.strictObject({ insurer: mspIdSchema.describe('MSP ID of the insurer') });
const claimParam = z.strictObject({ id: claimIdSchema });
/** Claim ids are the submitting hospital's own: reads name it, the caller's own org by default. */
const providerQuery = z.strictObject({
  provider: mspIdSchema
    .optional()
    .describe("MSP ID of the hospital that submitted the claim (default: the caller's own org)"),
});

/** The card holder a request presents in headers, when it presents one; 400 when half of one. */
function holderOf(ctx: HandlerContext, patientDid: string | undefined): insurance.CardHolder | undefined {
  const card = ctx.header(COVERAGE_CARD_HEADER);
  const patient = patientDid ?? ctx.header(COVERAGE_PATIENT_HEADER);
  if (card === undefined && patient === undefined) return undefined;
  const parsed = insurance.cardHolder.safeParse({ patientDid: patient, card });
  if (!parsed.success) {
    throw new AppError(GatewayErrorCode.VALIDATION_FAILED, 'the card cannot be presented', {
      issues: [{ path: '/headers', message: `send ${COVERAGE_CARD_HEADER} and the patient together` }],
    });
  }
  return parsed.data;
}

function coverageRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/coverages',
      operationId: 'registerCoverage',
      summary:
        "Register a patient's coverage (the insurer's admin), natively or as an R4 Coverage, in the insurer's sealed collection; the answer carries the patient's card secret, once",
      tag: 'insurance',
      body: insurance.registerCoverageBody,
      response: tx({ coverage: coverageStateViewSchema, card: coverageCardSchema }),
      answerHoldsContent: true,
      handler: (ctx, { body }) => insurance.registerCoverage(ctx, body),
    }),
    route({
      method: 'post',
      path: '/v1/coverages/{id}/changes',
      operationId: 'changeCoverage',
      summary:
        "Suspend, reinstate or end a coverage from a date, never before today (the insurer's admin): claims for care already given stay covered",
      tag: 'insurance',
      params: coverageParam,
      body: insurance.coverageChangeBody,
      response: tx({ coverage: coverageStateViewSchema }),
      status: 200,
      handler: (ctx, { params, body }) => insurance.changeCoverage(ctx, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/coverages/{id}',
      operationId: 'getCoverage',
      summary:
        "A coverage as an R4 Coverage, read on the insurer's peer: its staff and the regulator's read it; a hospital presents the patient and the card (a wrong card is 404)",
      tag: 'insurance',
      params: coverageParam,
      query: insurerQuery,
      headers: [cardHeader, patientHeader],
      response: fhirJson,
      contentType: 'application/fhir+json',
      handler: async (ctx, { params, query }) =>
        toFhirCoverage(await insurance.getCoverage(ctx, params.id, query.insurer, holderOf(ctx, undefined))),
    }),
    route({
      method: 'get',
      path: '/v1/patients/{did}/coverages/{id}',
      operationId: 'getPatientCoverage',
      summary:
        "The patient's own coverage as an R4 Coverage, read with the card (a wrong card is 404): plan, period, deductible, covered items, state",
      tag: 'insurance',
      principals: ['staff', 'patient'],
      patientSelf: 'did',
      params: z.strictObject({ did: patientDidSchema, id: coverageIdSchema }),
      query: insurerQuery,
      headers: [{ ...cardHeader, required: true, description: "The patient's insurance card secret" }],
      response: fhirJson,
      contentType: 'application/fhir+json',
      handler: async (ctx, { params, query }) => {
        const holder = holderOf(ctx, params.did);
        if (holder === undefined) throw new AppError(GatewayErrorCode.VALIDATION_FAILED, 'no card');
        return toFhirCoverage(await insurance.getCoverage(ctx, params.id, query.insurer, holder));
      },
    }),
  ];
}

function claimRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/claims',
      operationId: 'submitClaim',
      summary:
        "Submit a claim for a patient (a hospital's billing staff), natively or as an R4 Claim, with the patient's card and insurance consent: adjudicated at once, line by line, with coded reasons; the answer holds ids and the outcome",
      tag: 'insurance',
      body: insurance.submitClaimBody,
      response: tx({ claim: claimReceiptSchema }),
      problems: {
        '409':
          "PRESENTED_MISMATCH: the coverage's usage kept changing while the gateway read it again (another claim of the coverage committing; send again); ALREADY_EXISTS: the claim id is taken",
      },
      handler: (ctx, { body }) => insurance.submitClaim(ctx, body),
    }),
    route({
      method: 'get',
      path: '/v1/claims/{id}',
      operationId: 'getClaim',
      summary:
        "A claim with each line's adjudication (the provider's billing staff, the insurer's staff, the regulator's): record ids and hashes, never record content",
      tag: 'insurance',
      params: claimParam,
      query: providerQuery,
      response: claimSchema,
      handler: (ctx, { params, query }) => insurance.getClaim(ctx, query.provider ?? ctx.mspId, params.id),
    }),
    route({
      method: 'get',
      path: '/v1/claims/{id}/response',
      operationId: 'getClaimResponse',
      summary: "A claim's adjudication as an R4 ClaimResponse (who may read the claim)",
      tag: 'insurance',
      params: claimParam,
      query: providerQuery,
      response: fhirJson,
      contentType: 'application/fhir+json',
      handler: async (ctx, { params, query }) =>
        toFhirClaimResponse(await insurance.getClaim(ctx, query.provider ?? ctx.mspId, params.id)),
    }),
    route({
      method: 'get',
      path: '/v1/claims/{id}/explanation-of-benefit',
      operationId: 'getExplanationOfBenefit',
      summary:
        "A claim as the patient's R4 ExplanationOfBenefit (read by who may read the claim, for the patient: claims live in the hospital's and the insurer's collections)",
      tag: 'insurance',
      params: claimParam,
      query: providerQuery,
      response: fhirJson,
      contentType: 'application/fhir+json',
      handler: async (ctx, { params, query }) =>
        toFhirExplanationOfBenefit(await insurance.getClaim(ctx, query.provider ?? ctx.mspId, params.id)),
    }),
  ];
}

function settlementRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/claims/{id}/disputes',
      operationId: 'openDispute',
      summary:
        "Dispute one line of a claim of the caller's hospital, once, with a coded reason, for more than approved and at most what was submitted",
      tag: 'insurance',
      params: z.strictObject({ id: claimIdSchema }),
      body: insurance.openDisputeBody,
      response: tx({ dispute: disputeStateSchema }),
      handler: (ctx, { params, body }) => insurance.openDispute(ctx, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/disputes/{id}',
      operationId: 'getDispute',
      summary: "A dispute of a pair the caller's org is one of, with its resolution",
      tag: 'insurance',
      params: z.strictObject({ id: disputeIdSchema }),
      query: insurance.pairQuery,
      response: disputeSchema,
      handler: (ctx, { params, query }) => insurance.getDispute(ctx, params.id, query),
    }),
    route({
      method: 'post',
      path: '/v1/disputes/{id}/resolve',
      operationId: 'resolveDispute',
      summary:
        "Resolve a dispute (the insurer's staff) with the line's new approved amount, between what was approved and what was asked; the difference is booked",
      tag: 'insurance',
      params: z.strictObject({ id: disputeIdSchema }),
      body: insurance.resolveDisputeBody,
      response: tx({ dispute: disputeStateSchema }),
      status: 200,
      handler: (ctx, { params, body }) => insurance.resolveDispute(ctx, params.id, body),
    }),
  ];
}

function batchRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/settlement/batches',
      operationId: 'closeSettlementBatch',
      summary:
        "Close a settlement batch of a pair (the insurer's admin or the hospital's billing staff): its open entries, oldest first, at most 500, paid by one entry, endorsed by both orgs and the regulator",
      tag: 'insurance',
      body: insurance.closeBatchBody,
      response: tx({ batch: batchStateSchema }),
      problems: {
        '409':
          'CONFLICT: the pair has no open entry in the currency; PRESENTED_MISMATCH: the open entries kept changing while the gateway read them again (another batch closing; send again)',
      },
      handler: (ctx, { body }) => insurance.closeBatch(ctx, body),
    }),
    route({
      method: 'get',
      path: '/v1/settlement/balances',
      operationId: 'getSettlementBalances',
      summary:
        "A pair's balances per currency from its open entries (the insurer's payable and the hospital's receivable sum to zero), for the pair's staff",
      tag: 'insurance',
      query: insurance.pairQuery,
      response: z.object({ items: z.array(pairBalanceSchema) }),
      problems: {
        '409': 'SCAN_LIMIT: the pair has more than 10,000 open entries (close batches first, 500 each)',
      },
      handler: (ctx, { query }) => insurance.balances(ctx, query),
    }),
    route({
      method: 'post',
      path: '/v1/settlement/index',
      operationId: 'indexOpenSettlementEntries',
      summary:
        "Upgrade step for a ledger written before the open-entry index (the insurer's admin or the hospital's billing staff): finds up to 500 of the pair's open entries without a marker, from `after`, and indexes them, endorsed by both orgs and the regulator; call again with `next` until it is null",
      tag: 'insurance',
      body: insurance.indexEntriesBody,
      response: z.object({
        txId: txIdSchema.nullable(),
        indexed: z.number().int().min(0),
        scanned: z.number().int().min(0),
        next: entryIdSchema.nullable(),
      }),
      status: 200,
      problems: {
        '404': 'NOT_FOUND: the provider or the insurer is not an org of the consortium',
        '409':
          'PRESENTED_MISMATCH: the entries kept changing while the gateway read them again (a batch closing; send again)',
      },
      handler: (ctx, { body }) => insurance.indexOpenEntries(ctx, body),
    }),
    route({
      method: 'get',
      path: '/v1/reports/claims',
      operationId: 'claimReport',
      summary:
        "The regulator's report of claims: by outcome, lines by adjudication reason, disputes by status, and per insurer-provider pair what was claimed, approved, adjusted, settled and is outstanding",
      tag: 'regulator',
      response: claimReportSchema,
      handler: (ctx) => insurance.claimReport(ctx),
    }),
  ];
}

/** The insurance routes. */
export function insuranceRoutes(): RouteDef[] {
  return [...coverageRoutes(), ...claimRoutes(), ...settlementRoutes(), ...batchRoutes()];
}
