/**
 * Insurance: coverage (registered and changed by the insurer), claims (submitted by a hospital and
 * adjudicated by the contract in the same transaction), disputes, settlement batches, a pair's balances
 * and the regulator's claim report (docs/insurance.md).
 *
 * Every write of a claim and what follows from it is endorsed by the hospital, the insurer and the
 * regulator, and an endorser outside a sealed collection cannot read it: so before a write this
 * service fetches what the write relies on exactly as stored (on a peer that holds it) and presents it
 * in the transient map, where every endorser checks it against the hash every peer holds. The patient,
 * items, amounts and card never go into a block: they travel in transient data only.
 */
import { randomBytes } from 'node:crypto';

import {
  claimReportSchema,
  claimSchema,
  mergeClaimReports,
  type ClaimReport,
  claimSubmissionSchema,
  coverageCardSchema,
  coverageTermsSchema,
  currencySchema,
  disputeSchema,
  entryIdSchema,
  ErrorCode,
  MAX_PRESENTED_ENTRIES,
  mspIdSchema,
  openDisputeTerms,
  patientDidSchema,
  presentedConsentSchema,
  resolveDisputeTerms,
  sealedValueSchema,
  settlementEntrySchema,
  type Claim,
  type ClaimSubmission,
  type CoverageTerms,
  type Dispute,
  type PairBalance,
  type SettlementEntry,
  type TransactionOutput,
} from '@medledger/domain';
import { z } from 'zod';

import { AppError, GatewayErrorCode } from '../errors';
import { claimSubmissionFromFhir } from '../insurance/fhir-claim';
import { FhirMappingError } from '../insurance/fhir-common';
import { coverageTermsFromFhir } from '../insurance/fhir-coverage';
import { submitAnswer, type ServiceContext, type WriteAnswer } from './context';
import { afterPeerLag } from './peer-lag';

const fhirResource = z
  .record(z.string(), z.unknown())
  .describe('the same as an R4 resource (application/fhir+json shape), instead of the native form');

/** Request body of `POST /v1/coverages`: the terms, natively or as an R4 Coverage. */
export const registerCoverageBody = z.strictObject({
  coverage: coverageTermsSchema.optional().describe('the terms (exactly one of coverage and resource)'),
  resource: fhirResource.optional(),
});

/** Request body of `POST /v1/coverages/{id}/changes`. */
export const coverageChangeBody = z.strictObject({
  change: z.enum(['suspend', 'reinstate', 'end']),
  effective: z.iso.date().describe('first date the change applies to (not before today)'),
});

/** What a card holder presents: the patient and the card secret. */
export const cardHolder = z.strictObject({ patientDid: patientDidSchema, card: coverageCardSchema });
export type CardHolder = z.output<typeof cardHolder>;

/** Request body of `POST /v1/claims`. */
export const submitClaimBody = z.strictObject({
  insurer: mspIdSchema.describe('MSP ID of the insurer the claim goes to'),
  card: coverageCardSchema.describe("the patient's insurance card secret"),
  consents: z
    .array(presentedConsentSchema)
    .min(1)
    .max(10)
    .describe("the patient's signed consents for the insurance purpose addressed to the insurer"),
  claim: claimSubmissionSchema.optional().describe('the claim (exactly one of claim and resource)'),
  resource: fhirResource.optional(),
});
export type SubmitClaimBody = z.output<typeof submitClaimBody>;

/** Request body of `POST /v1/claims/{id}/disputes`. */
export const openDisputeBody = z.strictObject({ insurer: mspIdSchema, ...openDisputeTerms.shape });

/** Request body of `POST /v1/disputes/{id}/resolve`. */
export const resolveDisputeBody = z.strictObject({ provider: mspIdSchema, ...resolveDisputeTerms.shape });

/** Request body of `POST /v1/settlement/batches`. */
export const closeBatchBody = z.strictObject({
  provider: mspIdSchema,
  insurer: mspIdSchema,
  currency: currencySchema,
});

/** A pair named by a query. */
export const pairQuery = z.strictObject({ provider: mspIdSchema, insurer: mspIdSchema });

/** Request body of `POST /v1/settlement/index`: the pair, and where the last call stopped. */
export const indexEntriesBody = z.strictObject({
  provider: mspIdSchema,
  insurer: mspIdSchema,
  after: entryIdSchema.nullable().default(null),
});

/** A fresh 256-bit secret, kept across retries under the request's idempotency key. */
function secret(ctx: ServiceContext, name: string): string {
  return ctx.remember(name, () => randomBytes(32).toString('hex'));
}

function invalid(path: string, message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, 'the request cannot be submitted', {
    issues: [{ path, message }],
  });
}

/** Exactly one of the native form and the R4 resource, mapped to the native form. */
function nativeOrFhir<T>(
  native: T | undefined,
  resource: Record<string, unknown> | undefined,
  field: string,
  fromFhir: (r: unknown) => T,
): T {
  if ((native === undefined) === (resource === undefined)) {
    throw invalid('/body', `send exactly one of ${field} and resource`);
  }
  if (native !== undefined) return native;
  try {
    return fromFhir(resource);
  } catch (err) {
    if (err instanceof FhirMappingError) throw invalid('/body/resource', err.message);
    throw err;
  }
}

/** A sealed value as presented (base64 of `{ salt, value }`), read with `schema`. */
export function unsealed<S extends z.ZodType>(schema: S, presented: string): z.output<S> {
  const envelope = sealedValueSchema.parse(JSON.parse(Buffer.from(presented, 'base64').toString('utf8')));
  return schema.parse(envelope.value);
}

/**
 * Registers a coverage (the insurer's admin) and draws its card: the secret the patient and the
 * hospitals that treat the patient present. It is answered once, here; the insurer hands it over.
 */
export async function registerCoverage(
  ctx: ServiceContext,
  body: z.output<typeof registerCoverageBody>,
): Promise<WriteAnswer<'coverage', TransactionOutput<'RegisterCoverage'>> & { card: string }> {
  const terms: CoverageTerms = nativeOrFhir(body.coverage, body.resource, 'coverage', coverageTermsFromFhir);
  const card = secret(ctx, 'coverage-card');
  const answer = await submitAnswer(ctx, 'RegisterCoverage', {}, 'coverage', {
    transient: { coverage: terms, card: { secret: card } },
  });
  return { ...answer, card };
}

const CHANGE_TRANSACTIONS = {
  suspend: 'SuspendCoverage',
  reinstate: 'ReinstateCoverage',
  end: 'EndCoverage',
} as const;

/** Suspends, reinstates or ends a coverage of the caller's insurer from a date. */
export function changeCoverage(
  ctx: ServiceContext,
  coverageId: string,
  body: z.output<typeof coverageChangeBody>,
): Promise<WriteAnswer<'coverage', TransactionOutput<'SuspendCoverage'>>> {
  const input = { coverageId, effective: body.effective };
  return submitAnswer(ctx, CHANGE_TRANSACTIONS[body.change], input, 'coverage');
}

/**
 * A coverage, read on the insurer's peer: its staff and the regulator's read it; anyone else presents
 * the patient and the card (a wrong card reads as not found).
 */
export function getCoverage(
  ctx: ServiceContext,
  coverageId: string,
  insurer: string,
  holder: CardHolder | undefined,
): Promise<TransactionOutput<'GetCoverage'>> {
  return ctx.ledger.evaluate(
    ctx.caller,
    'GetCoverage',
    { coverageId },
    { insurer, transient: holder === undefined ? {} : { holder } },
  );
}

/** Distinct record ids of a claim's lines, in first-use order (how the contract matches the links). */
function recordIdsOf(claim: ClaimSubmission): string[] {
  return [...new Set(claim.lines.map((l) => l.recordId))];
}

/**
 * Reads what a write presents and submits it, from a fresh read again while the endorsers answer
 * PRESENTED_MISMATCH. This service read the value itself, so a mismatch is never the caller's doing:
 * the peer it read on had committed more or less than an endorser (another org's peer commits a block
 * milliseconds after the caller's own, longer on a loaded host), or a concurrent write changed it.
 * The contract still refuses a value that is not what is stored; only the read is repeated.
 */
function presenting<T>(readAndSubmit: () => Promise<T>): Promise<T> {
  return afterPeerLag(ErrorCode.PRESENTED_MISMATCH, readAndSubmit);
}

/**
 * Submits a claim for the patient (a hospital's billing staff): reads the coverage and its usage on
 * the insurer's peer with the card, the records' patient links on its own peer, and presents them
 * with the patient's consents; the contract adjudicates at once. A usage that changed in between (the
 * coverage's previous claim not yet committed on the insurer's peer, or another hospital's claim) is
 * read again ({@link presenting}); `409 PRESENTED_MISMATCH` only when it keeps changing.
 */
export function submitClaim(
  ctx: ServiceContext,
  body: SubmitClaimBody,
): Promise<WriteAnswer<'claim', TransactionOutput<'SubmitClaim'>>> {
  const claim = nativeOrFhir(body.claim, body.resource, 'claim', claimSubmissionFromFhir);
  const holder = { patientDid: claim.patientDid, card: body.card };
  return presenting(async () => {
    const context = await ctx.ledger.evaluate(
      ctx.caller,
      'GetClaimContext',
      { coverageId: claim.coverageId },
      { insurer: body.insurer, transient: { holder } },
    );
    const { links } = await ctx.ledger.evaluate(ctx.caller, 'GetRecordLinks', {
      recordIds: recordIdsOf(claim),
    });
    return submitAnswer(ctx, 'SubmitClaim', { claimId: claim.claimId, insurer: body.insurer }, 'claim', {
      insurer: body.insurer,
      transient: {
        claim,
        consents: body.consents,
        presented: {
          card: body.card,
          coverage: context.coverage,
          usage: context.usage,
          recordLinks: links,
          nonce: secret(ctx, 'seal-nonce'),
        },
      },
    });
  });
}

/** A claim with its adjudication, from the caller's org's collection (the regulator's: the provider's copy). */
export function getClaim(ctx: ServiceContext, provider: string, claimId: string): Promise<Claim> {
  return ctx.ledger.evaluate(ctx.caller, 'GetClaim', { claimId, provider });
}

/**
 * What the caller's org holds of a pair: a claim, a dispute, the open entries (exactly as stored; of
 * one currency and the oldest `limit` when asked).
 */
function settlementContext(
  ctx: ServiceContext,
  pair: { provider: string; insurer: string },
  want: { claimId?: string; disputeId?: string; openEntries?: OpenEntriesQuery },
): Promise<TransactionOutput<'GetSettlementContext'>> {
  return ctx.ledger.evaluate(ctx.caller, 'GetSettlementContext', {
    provider: pair.provider,
    insurer: pair.insurer,
    claimId: want.claimId ?? null,
    disputeId: want.disputeId ?? null,
    openEntries: want.openEntries !== undefined,
    currency: want.openEntries?.currency ?? null,
    limit: want.openEntries?.limit ?? null,
  });
}

/** Which open entries to read: all of them (`SCAN_LIMIT` past 10,000), or the oldest of a currency. */
type OpenEntriesQuery = { currency?: string; limit?: number };

/** Disputes a line of a claim of the caller's hospital, presenting the claim as its collection holds it. */
export function openDispute(
  ctx: ServiceContext,
  claimId: string,
  body: z.output<typeof openDisputeBody>,
): Promise<WriteAnswer<'dispute', TransactionOutput<'OpenDispute'>>> {
  const { insurer, ...dispute } = body;
  return presenting(async () => {
    const held = await settlementContext(ctx, { provider: ctx.mspId, insurer }, { claimId });
    if (held.claim === null) throw new AppError(ErrorCode.NOT_FOUND, claimId);
    return submitAnswer(ctx, 'OpenDispute', { insurer, claimId }, 'dispute', {
      insurer,
      transient: { dispute, presented: { claim: held.claim, nonce: secret(ctx, 'seal-nonce') } },
    });
  });
}

/** A dispute of a pair the caller's org is one of, from its collection. */
export async function getDispute(
  ctx: ServiceContext,
  disputeId: string,
  pair: z.output<typeof pairQuery>,
): Promise<Dispute> {
  const held = await settlementContext(ctx, pair, { disputeId });
  if (held.dispute === null) throw new AppError(ErrorCode.NOT_FOUND, disputeId);
  return unsealed(disputeSchema, held.dispute);
}

/** Resolves a dispute (the insurer's staff), presenting it as the insurer's collection holds it. */
export function resolveDispute(
  ctx: ServiceContext,
  disputeId: string,
  body: z.output<typeof resolveDisputeBody>,
): Promise<WriteAnswer<'dispute', TransactionOutput<'ResolveDispute'>>> {
  const { provider, ...resolution } = body;
  const insurer = ctx.mspId;
  return presenting(async () => {
    const held = await settlementContext(ctx, { provider, insurer }, { disputeId });
    if (held.dispute === null) throw new AppError(ErrorCode.NOT_FOUND, disputeId);
    return submitAnswer(ctx, 'ResolveDispute', { provider, insurer, disputeId }, 'dispute', {
      insurer,
      provider,
      transient: { resolution, presented: { dispute: held.dispute, nonce: secret(ctx, 'seal-nonce') } },
    });
  });
}

/** The pair's open entries as the caller's org holds them, each with its presented bytes, oldest first. */
async function openEntries(
  ctx: ServiceContext,
  pair: z.output<typeof pairQuery>,
  query: OpenEntriesQuery = {},
): Promise<{ entry: SettlementEntry; presented: string }[]> {
  const held = await settlementContext(ctx, pair, { openEntries: query });
  return held.entries
    .map((presented) => ({ entry: unsealed(settlementEntrySchema, presented), presented }))
    .sort((a, b) =>
      a.entry.postedAt === b.entry.postedAt
        ? a.entry.entryId.localeCompare(b.entry.entryId)
        : a.entry.postedAt.localeCompare(b.entry.postedAt),
    );
}

/**
 * Closes a settlement batch of a pair in one currency: its open entries, oldest first, at most
 * {@link MAX_PRESENTED_ENTRIES}; the rest stay open for the next batch. Nothing open is `409 CONFLICT`;
 * entries a batch settled after they were read are read again ({@link presenting}).
 */
export function closeBatch(
  ctx: ServiceContext,
  body: z.output<typeof closeBatchBody>,
): Promise<WriteAnswer<'batch', TransactionOutput<'CloseSettlementBatch'>>> {
  const pair = { provider: body.provider, insurer: body.insurer };
  return presenting(async () => {
    const open = await openEntries(ctx, pair, { currency: body.currency, limit: MAX_PRESENTED_ENTRIES });
    if (open.length === 0) {
      throw new AppError(ErrorCode.CONFLICT, `no open entries between ${body.provider} and ${body.insurer}`);
    }
    const entries = open.map((e) => e.presented);
    return submitAnswer(ctx, 'CloseSettlementBatch', body, 'batch', {
      insurer: body.insurer,
      provider: body.provider,
      transient: { presented: { entries, nonce: secret(ctx, 'seal-nonce') } },
    });
  });
}

/**
 * A pair's balances per currency: what the insurer owes the provider is the sum of the open approvals
 * and adjustments (a closed batch's payment takes its entries off both accounts), so the two accounts
 * always sum to zero. Read from the caller's org's collection.
 */
export async function balances(
  ctx: ServiceContext,
  pair: z.output<typeof pairQuery>,
): Promise<{ items: PairBalance[] }> {
  const byCurrency = new Map<string, PairBalance>();
  for (const { entry } of await openEntries(ctx, pair)) {
    const b = byCurrency.get(entry.currency) ?? {
      ...pair,
      currency: entry.currency,
      insurerPayable: 0,
      providerReceivable: 0,
      openEntries: 0,
    };
    for (const leg of entry.legs) {
      if (leg.account === 'insurer_payable') b.insurerPayable += leg.amount;
      else b.providerReceivable += leg.amount;
    }
    b.openEntries += 1;
    byCurrency.set(entry.currency, b);
  }
  return { items: [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency)) };
}

/** What one call of {@link indexOpenEntries} did. */
export type IndexedPage = {
  txId: string | null;
  indexed: number;
  scanned: number;
  next: string | null;
};

/**
 * The upgrade of a ledger written before the open-entry index, one call at a time: reads the pair's
 * history from `after` on the caller's peer until it has found {@link MAX_PRESENTED_ENTRIES} open
 * entries without a marker (or reached the end), and indexes them in one transaction endorsed by the
 * pair and the regulator. `next` is where the following call starts; null when the history is read.
 */
export function indexOpenEntries(
  ctx: ServiceContext,
  body: z.output<typeof indexEntriesBody>,
): Promise<IndexedPage> {
  const pair = { provider: body.provider, insurer: body.insurer };
  return presenting(async () => {
    // A pair outside the consortium has no history to read: 404, as for any write naming such an org.
    const orgs = await ctx.ledger.orgs(ctx.caller, body.provider);
    for (const [role, org] of Object.entries(pair))
      if (!orgs.includes(org))
        throw new AppError(ErrorCode.NOT_FOUND, `${role} ${org} is not an org of the consortium`);
    const found: string[] = [];
    let scanned = 0;
    let next = body.after;
    do {
      const page = await ctx.ledger.evaluate(ctx.caller, 'GetUnindexedSettlementEntries', {
        ...pair,
        after: next,
        limit: MAX_PRESENTED_ENTRIES - found.length,
      });
      found.push(...page.entries);
      scanned += page.scanned;
      next = page.next;
    } while (next !== null && found.length < MAX_PRESENTED_ENTRIES);
    if (found.length === 0) return { txId: null, indexed: 0, scanned, next };
    const { txId, result } = await ctx.ledger.submit(ctx.caller, 'IndexOpenSettlementEntries', pair, {
      ...pair,
      transient: { presented: { entries: found, nonce: secret(ctx, 'seal-nonce') } },
    });
    return { txId, indexed: result.entries, scanned, next };
  });
}

/**
 * The regulator's report of claims, read on its peer (which holds every insurer's collection) a page
 * at a time (5,000 facts each, so no evaluation grows with the ledger) and summed.
 */
export async function claimReport(ctx: ServiceContext): Promise<ClaimReport> {
  let summed: ClaimReport | null = null;
  let after: string | null = null;
  do {
    const { next, ...page }: TransactionOutput<'GetClaimReport'> = await ctx.ledger.evaluate(
      ctx.caller,
      'GetClaimReport',
      { after },
    );
    summed = summed === null ? page : mergeClaimReports(summed, page);
    after = next;
  } while (after !== null);
  const report = claimReportSchema.safeParse(summed);
  if (!report.success)
    throw new AppError(GatewayErrorCode.LEDGER_RESPONSE_INVALID, 'GetClaimReport pages do not sum');
  return report.data;
}

/** A stored claim as the FHIR mapping reads it (checked again: it crossed the wire). */
export function storedClaim(value: unknown): Claim {
  return claimSchema.parse(value);
}
