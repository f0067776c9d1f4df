import {
  canonicalJson,
  coverageCardTransient,
  coverageChangeInput,
  coverageSchema,
  emptyInputSchema,
  ErrorCode,
  getClaimByProviderInput,
  getClaimContextInput,
  getCoverageInput,
  getRecordLinksInput,
  orgKindOf,
  registerCoverageTransient,
  submitClaimInput,
  submitClaimTransient,
  closeSettlementBatchInput,
  closeSettlementBatchTransient,
  getClaimReportInput,
  MAX_REPORT_PAGE,
  getSettlementContextInput,
  getUnindexedSettlementEntriesInput,
  indexOpenSettlementEntriesInput,
  indexOpenSettlementEntriesTransient,
  openDisputeInput,
  openDisputeTransient,
  resolveDisputeInput,
  resolveDisputeTransient,
  type Dispute,
  type Claim,
  type ClaimReceipt,
  type ClaimSubmission,
  type Coverage,
  type CoverageChange,
  type SealedCoverage,
  type StoredAnchor,
  type StoredUsage,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { isRegulatorAuditor, requireActive, requireRole, resolveActor, type Actor } from './actor';
import { adjudicateClaim, type LineFacts } from './adjudication';
import { applyCoverageChange } from './coverage-state';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { presentedConsents } from './presented-consents';
import { orThrow } from './refusal';
import { claimReportPage, decodeCursor, encodeCursor } from './claim-report';
import { claimApprovalEntry, closeBatch, openDispute, resolveDispute } from './settlement';
import { readTransient } from './transient';

/** Roles of a hospital that bill: its admins (the billing office) and attending doctors. */
const BILLING_ROLES = ['admin', 'attending'] as const;

const EMPTY_USAGE: StoredUsage = { deductibleMet: 0, approvedTotal: 0, approvedByItem: {}, claimed: [] };

/** The coverage as returned: the sealed coverage without its card secret. */
function withoutCard(c: SealedCoverage): Coverage {
  return coverageSchema.parse(c);
}

function stateView(c: SealedCoverage): string {
  return canonicalJson({
    coverageId: c.coverageId,
    insurer: c.insurer,
    state: c.state,
    endsFrom: c.endsFrom,
    txId: c.updateTxId,
  });
}

/** Staff of one org of a pair: the provider's billing staff, or the insurer's admins and adjusters. */
function requirePairStaff(actor: Actor, provider: string, insurer: string): void {
  if (actor.mspId === provider) requireRole(actor, BILLING_ROLES, ['hospital']);
  else if (actor.mspId === insurer) requireRole(actor, ['admin', 'adjuster'], ['insurer']);
  else {
    requireActive(actor);
    fail(ErrorCode.FORBIDDEN, actor.did);
  }
}

function disputeEvent(d: Dispute, ledger: Ledger) {
  return {
    disputeId: d.disputeId,
    provider: d.provider,
    insurer: d.insurer,
    txId: ledger.txId,
    txTime: ledger.txTime,
  };
}

function disputeState(d: Dispute, txId: string): string {
  return canonicalJson({
    disputeId: d.disputeId,
    claimId: d.claimId,
    provider: d.provider,
    insurer: d.insurer,
    status: d.status,
    txId,
  });
}

/** The regulator's auditors and admins read everything. */
function isRegulator(actor: Actor): boolean {
  return (
    isRegulatorAuditor(actor) || (actor.orgKind === 'regulator' && actor.role === 'admin' && actor.active)
  );
}

/**
 * The patient's consent for the insurance purpose, addressed to the insurer, covering every record the
 * claim relies on on the day it is submitted; `[CONSENT_REQUIRED]` when the presented ones hold none.
 */
async function requireClaimConsent(
  ledger: Ledger,
  claim: ClaimSubmission,
  insurer: string,
  presented: Parameters<typeof presentedConsents>[1],
  anchors: readonly StoredAnchor[],
): Promise<string> {
  const consents = await presentedConsents(ledger, presented, claim.patientDid);
  const ok = consents.find(
    ({ facts: f }) =>
      f.purpose === 'insurance' &&
      f.grantee.kind === 'org' &&
      f.grantee.mspId === insurer &&
      !f.revoked &&
      f.periodStartMs <= ledger.txMs &&
      ledger.txMs < f.periodEndMs &&
      anchors.every((a) => f.categories.includes(a.category) && a.level <= f.maxLevel),
  );
  if (!ok) return fail(ErrorCode.CONSENT_REQUIRED, claim.claimId);
  return ok.facts.consentId;
}

/**
 * Each line with whether its record checked out: an anchor of the provider with the line's hash as one
 * of its versions, and linked to the claim's patient (the link as stored in the provider's collection,
 * presented once per distinct record in first-use order and checked against its hash).
 */
async function lineFacts(
  ledger: Ledger,
  provider: string,
  claim: ClaimSubmission,
  links: readonly (string | null)[],
): Promise<{ lines: LineFacts[]; anchors: StoredAnchor[] }> {
  const recordIds = [...new Set(claim.lines.map((l) => l.recordId))];
  if (links.length !== recordIds.length) fail(ErrorCode.VALIDATION_FAILED, 'recordLinks');
  const versions = new Map<string, StoredAnchor[]>();
  const patientOf = new Map<string, string | undefined>();
  for (const [i, recordId] of recordIds.entries()) {
    versions.set(recordId, await ledger.anchors(provider, recordId));
    patientOf.set(recordId, await ledger.presentedRecordPatient(provider, recordId, links[i] ?? null));
  }
  const anchors: StoredAnchor[] = [];
  const lines = claim.lines.map((line) => {
    const match = versions.get(line.recordId)?.find((a) => a.contentHash === line.recordHash);
    if (match) anchors.push(match);
    const recordVerified = match !== undefined && patientOf.get(line.recordId) === claim.patientDid;
    return { ...line, recordVerified, recordAnchoredOn: match?.txTime.slice(0, 10) ?? null };
  });
  return { lines, anchors };
}

/**
 * Insurance: coverage registered by an insurer, claims submitted by hospitals and adjudicated in the
 * same transaction, and their settlement entries. Coverage lives in the insurer's sealed collection;
 * a claim in the provider's and the insurer's, written with the endorsement of both and the regulator.
 * An endorsing peer outside a collection cannot read it, so what a claim relies on from the insurer's
 * collection (coverage, usage) and the provider's (record links) is presented by the hospital as
 * stored and checked against the hash every peer holds.
 */
@Info({ title: 'InsuranceContract', description: 'Coverage, claims, adjudication, settlement entries' })
export class InsuranceContract extends Contract {
  constructor() {
    super('insurance');
  }

  /**
   * Registers a patient's coverage, signed by the insurer's admin. Caller: an active admin of an
   * insurer; endorsed by the insurer and the regulator. Transient: `coverage` (terms with the patient),
   * `card` (the card secret the patient and the hospitals present). Writes: the coverage in the
   * insurer's sealed collection. Event: `CoverageRegistered`. Errors: VALIDATION_FAILED, FORBIDDEN,
   * ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  public async RegisterCoverage(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin'], ['insurer']);
    const {
      coverage: terms,
      card: { secret: card },
    } = readTransient(ledger, registerCoverageTransient);
    if (await ledger.coverageExists(actor.mspId, terms.coverageId))
      fail(ErrorCode.ALREADY_EXISTS, terms.coverageId);
    const coverage: SealedCoverage = {
      ...terms,
      card,
      insurer: actor.mspId,
      registeredBy: actor.did,
      registeredAt: ledger.txTime,
      txId: ledger.txId,
      state: 'active',
      suspensions: [],
      endsFrom: null,
      updatedAt: ledger.txTime,
      updateTxId: ledger.txId,
    };
    await ledger.putCoverage(coverage);
    ledger.emit('CoverageRegistered', {
      coverageId: coverage.coverageId,
      insurer: coverage.insurer,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return stateView(coverage);
  }

  async #change(ctx: Context, input: string, change: CoverageChange): Promise<string> {
    const args = parseInput(coverageChangeInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin'], ['insurer']);
    const coverage = await ledger.getCoverage(actor.mspId, args.coverageId);
    if (!coverage) return fail(ErrorCode.NOT_FOUND, args.coverageId);
    const next = orThrow(applyCoverageChange(coverage, change, args.effective, ledger.txTime.slice(0, 10)));
    const updated: SealedCoverage = {
      ...coverage,
      ...next,
      updatedAt: ledger.txTime,
      updateTxId: ledger.txId,
    };
    await ledger.putCoverage(updated);
    ledger.emit('CoverageChanged', {
      coverageId: updated.coverageId,
      insurer: updated.insurer,
      change,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return stateView(updated);
  }

  /**
   * Suspends a coverage from a date (not before today). Caller: the insurer's admin; endorsed by the
   * insurer and the regulator. Writes: the coverage. Event: `CoverageChanged`. Errors:
   * VALIDATION_FAILED, FORBIDDEN, NOT_FOUND, CONFLICT (not active).
   */
  @Transaction()
  @Returns('string')
  public SuspendCoverage(ctx: Context, input: string): Promise<string> {
    return this.#change(ctx, input, 'suspend');
  }

  /**
   * Reinstates a suspended coverage from a date (after the suspension began, not before today). As
   * {@link SuspendCoverage}; CONFLICT when not suspended.
   */
  @Transaction()
  @Returns('string')
  public ReinstateCoverage(ctx: Context, input: string): Promise<string> {
    return this.#change(ctx, input, 'reinstate');
  }

  /** Ends a coverage from a date (final). As {@link SuspendCoverage}; CONFLICT when ended already. */
  @Transaction()
  @Returns('string')
  public EndCoverage(ctx: Context, input: string): Promise<string> {
    return this.#change(ctx, input, 'end');
  }

  /**
   * A coverage without its card secret. Evaluated on the insurer's peer. Caller: the insurer's staff,
   * the regulator's, or anyone presenting the coverage's patient and card in transient data (the
   * patient, a hospital the patient gave the card to). Errors: NOT_FOUND (also for a wrong card).
   */
  @Transaction(false)
  @Returns('string')
  public async GetCoverage(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getCoverageInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const coverage = await this.#readable(ledger, actor, ledger.peerMsp, args.coverageId, true);
    return canonicalJson(withoutCard(coverage));
  }

  /**
   * The coverage and its usage exactly as the insurer's collection stores them, for the hospital to
   * present in SubmitClaim. Evaluated on the insurer's peer. Caller: billing staff of a hospital
   * presenting the patient and the card. Errors: FORBIDDEN, NOT_FOUND (also for a wrong card).
   */
  @Transaction(false)
  @Returns('string')
  public async GetClaimContext(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getClaimContextInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, BILLING_ROLES, ['hospital']);
    await this.#readable(ledger, actor, ledger.peerMsp, args.coverageId, false);
    const bytes = await ledger.coverageBytes(ledger.peerMsp, args.coverageId);
    return canonicalJson({ coverage: bytes.coverage, usage: bytes.usage });
  }

  /**
   * The coverage when the caller may read it; `[NOT_FOUND]` otherwise (a wrong card learns nothing).
   * A presented card is always checked, also for the insurer's staff and the regulator: a gateway
   * signs its patients' requests with its own service identity, which at the insurer and the
   * regulator is such staff, so a patient there would otherwise read any coverage with any card.
   */
  async #readable(
    ledger: Ledger,
    actor: Actor,
    insurer: string,
    coverageId: string,
    staffMayRead: boolean,
  ): Promise<SealedCoverage> {
    if (orgKindOf(insurer) !== 'insurer') return fail(ErrorCode.FORBIDDEN, 'not an insurer peer');
    const coverage = await ledger.getCoverage(insurer, coverageId);
    if (!coverage) return fail(ErrorCode.NOT_FOUND, coverageId);
    const { holder: card } = readTransient(ledger, coverageCardTransient);
    if (card === undefined && staffMayRead && (actor.mspId === insurer || isRegulator(actor)))
      return coverage;
    if (card?.patientDid !== coverage.patientDid || card.card !== coverage.card)
      return fail(ErrorCode.NOT_FOUND, coverageId);
    return coverage;
  }

  /**
   * The patient links of the caller's org's records exactly as stored (null for a record without
   * one), for presenting in SubmitClaim. Evaluated on the caller's peer. Caller: billing staff of a
   * hospital. Errors: FORBIDDEN.
   */
  @Transaction(false)
  @Returns('string')
  public async GetRecordLinks(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getRecordLinksInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, BILLING_ROLES, ['hospital']);
    const links: (string | null)[] = [];
    for (const recordId of args.recordIds) links.push(await ledger.recordLinkBytes(actor.mspId, recordId));
    return canonicalJson({ links });
  }

  /**
   * Submits a claim for a patient and adjudicates it at once (`adjudicateClaim`): coverage active on
   * the service date, items covered, fee schedule, deductible, caps, no line approved twice, each
   * line's record an anchor of the hospital for this patient. The approved total becomes a
   * `claim_approval` settlement entry. Caller: billing staff of a hospital, under the patient's
   * consent for the insurance purpose addressed to the insurer. Endorsed by the hospital, the insurer
   * and the regulator. Transient: see `submitClaimTransient`. Reads: the coverage and usage (presented,
   * checked by hash), anchors, record links (presented), consents, revocations. Writes: the claim in
   * both orgs' collections, the usage, the entry. Event: `ClaimSubmitted` (ids only). Errors:
   * VALIDATION_FAILED, FORBIDDEN (card or patient does not match the coverage), ALREADY_EXISTS,
   * CONSENT_REQUIRED, PRESENTED_MISMATCH (a presented value is not what is stored now, or none is:
   * read again).
   */
  @Transaction()
  @Returns('string')
  public async SubmitClaim(ctx: Context, input: string): Promise<string> {
    const args = parseInput(submitClaimInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, BILLING_ROLES, ['hospital']);
    const { claim, consents, presented: t } = readTransient(ledger, submitClaimTransient);
    if (claim.claimId !== args.claimId) fail(ErrorCode.VALIDATION_FAILED, 'claimId');
    if (orgKindOf(args.insurer) !== 'insurer') fail(ErrorCode.VALIDATION_FAILED, 'insurer');
    const provider = actor.mspId;
    if (await ledger.claimExists(provider, claim.claimId)) fail(ErrorCode.ALREADY_EXISTS, claim.claimId);
    const coverage = await ledger.presentedCoverage(args.insurer, claim.coverageId, t.coverage);
    if (coverage.patientDid !== claim.patientDid || coverage.card !== t.card)
      fail(ErrorCode.FORBIDDEN, claim.coverageId);
    if (coverage.currency !== claim.currency) fail(ErrorCode.VALIDATION_FAILED, 'currency');
    const usage = (await ledger.presentedUsage(args.insurer, claim.coverageId, t.usage)) ?? EMPTY_USAGE;
    const { lines, anchors } = await lineFacts(ledger, provider, claim, t.recordLinks);
    const consentId = await requireClaimConsent(ledger, claim, args.insurer, consents, anchors);
    const result = adjudicateClaim({ coverage, usage, claimed: new Set(usage.claimed), lines });
    const stored: Claim = {
      ...claim,
      provider,
      insurer: args.insurer,
      consentId,
      submittedBy: actor.did,
      submittedAt: ledger.txTime,
      txId: ledger.txId,
      lines: claim.lines.map((line, i) => ({
        sequence: i + 1,
        ...line,
        adjudication: result.lines[i] ?? fail(ErrorCode.STATE_INVALID, 'adjudication'),
      })),
      outcome: result.outcome,
      totalSubmitted: result.totalSubmitted,
      totalApproved: result.totalApproved,
    };
    await ledger.putClaim(stored, t.nonce);
    await ledger.putUsage(
      args.insurer,
      claim.coverageId,
      { ...result.usage, claimed: [...usage.claimed, ...result.claimedKeys] },
      t.nonce,
    );
    const entry = claimApprovalEntry(stored, {
      entryId: `${ledger.txId}.1`,
      postedAt: ledger.txTime,
      txId: ledger.txId,
    });
    if (entry) await ledger.putSettlementEntry(entry, t.nonce);
    ledger.emit('ClaimSubmitted', {
      claimId: stored.claimId,
      provider,
      insurer: stored.insurer,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    const receipt: ClaimReceipt = {
      claimId: stored.claimId,
      provider,
      insurer: stored.insurer,
      outcome: stored.outcome,
      lines: stored.lines.length,
      txId: ledger.txId,
      submittedAt: stored.submittedAt,
    };
    return canonicalJson(receipt);
  }

  /**
   * A claim with its adjudication. Evaluated on the caller's peer, from its org's collection: the
   * provider's billing staff, the insurer's staff, or the regulator's (which reads the provider's
   * copy). Errors: FORBIDDEN, NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async GetClaim(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getClaimByProviderInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const regulator = isRegulator(actor);
    const provider = actor.mspId === args.provider && BILLING_ROLES.some((r) => r === actor.role);
    const insurer = actor.orgKind === 'insurer' && ['admin', 'adjuster'].includes(actor.role ?? '');
    if (!regulator && !provider && !insurer) fail(ErrorCode.FORBIDDEN, actor.did);
    const org = regulator ? args.provider : actor.mspId;
    const claim = await ledger.getClaim(org, args.provider, args.claimId);
    if (!claim || (insurer && claim.insurer !== actor.mspId)) return fail(ErrorCode.NOT_FOUND, args.claimId);
    return canonicalJson(claim);
  }

  /**
   * What the caller's org's collection holds of a pair, exactly as stored, for presenting in
   * OpenDispute, ResolveDispute and CloseSettlementBatch. Evaluated on the caller's peer. Caller: the
   * provider's billing staff or the insurer's staff (their org is one of the pair). Errors: FORBIDDEN.
   */
  @Transaction(false)
  @Returns('string')
  public async GetSettlementContext(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getSettlementContextInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requirePairStaff(actor, args.provider, args.insurer);
    return canonicalJson(await ledger.settlementContext(actor.mspId, args));
  }

  /**
   * Disputes one line of a claim, once, for more than it was approved and at most what was submitted.
   * Caller: the provider's billing staff; endorsed by the provider, the insurer and the regulator.
   * Transient: the line, reason and amount asked; the claim as the provider's collection stores it;
   * the nonce. Writes: the dispute in both
   * collections, the line's disputed marker. Event: `DisputeOpened`. Errors: VALIDATION_FAILED,
   * FORBIDDEN, NOT_FOUND (the claim is of another insurer), CONFLICT (the line is disputed already),
   * PRESENTED_MISMATCH (the presented claim is not what is stored now, or none is).
   */
  @Transaction()
  @Returns('string')
  public async OpenDispute(ctx: Context, input: string): Promise<string> {
    const args = parseInput(openDisputeInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, BILLING_ROLES, ['hospital']);
    const { dispute: terms, presented } = readTransient(ledger, openDisputeTransient);
    const claim = await ledger.presentedClaim(actor.mspId, args.claimId, presented.claim);
    if (claim.insurer !== args.insurer) fail(ErrorCode.NOT_FOUND, args.claimId);
    const existing = (await ledger.lineDisputed(actor.mspId, args.claimId, terms.lineSequence))
      ? [{ lineSequence: terms.lineSequence }]
      : [];
    const dispute = orThrow(
      openDispute(claim, existing, terms, {
        disputeId: ledger.txId,
        openedBy: actor.did,
        openedAt: ledger.txTime,
      }),
    );
    await ledger.putDispute(dispute, presented.nonce);
    ledger.emit('DisputeOpened', disputeEvent(dispute, ledger));
    return disputeState(dispute, ledger.txId);
  }

  /**
   * Resolves an open dispute with the line's new approved amount, between what was approved and what
   * was asked; the difference is a `dispute_adjustment` entry. Caller: the insurer's adjusters and
   * admins; endorsed by the provider, the insurer and the regulator. Transient: the new amount and the
   * coded resolution, the dispute as the insurer's collection stores it, the nonce. Writes: the dispute in both collections, the entry.
   * Event: `DisputeResolved`. Errors: VALIDATION_FAILED, FORBIDDEN, CONFLICT (resolved),
   * PRESENTED_MISMATCH (the presented dispute is not what is stored now, or none is).
   */
  @Transaction()
  @Returns('string')
  public async ResolveDispute(ctx: Context, input: string): Promise<string> {
    const args = parseInput(resolveDisputeInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin', 'adjuster'], ['insurer']);
    if (actor.mspId !== args.insurer) fail(ErrorCode.FORBIDDEN, actor.did);
    const { resolution, presented } = readTransient(ledger, resolveDisputeTransient);
    const dispute = await ledger.presentedDispute(
      args.insurer,
      args.provider,
      args.disputeId,
      presented.dispute,
    );
    const resolved = orThrow(
      resolveDispute(dispute, resolution, {
        entryId: `${ledger.txId}.1`,
        resolvedBy: actor.did,
        resolvedAt: ledger.txTime,
        txId: ledger.txId,
      }),
    );
    await ledger.putDispute(resolved.dispute, presented.nonce);
    if (resolved.entry) await ledger.putSettlementEntry(resolved.entry, presented.nonce);
    ledger.emit('DisputeResolved', disputeEvent(resolved.dispute, ledger));
    return disputeState(resolved.dispute, ledger.txId);
  }

  /**
   * Closes a settlement batch of a pair: the open approvals and adjustments presented (at most 500,
   * oldest first) are paid by one `batch_payment` entry and marked settled. Caller: the insurer's
   * admins or the provider's billing staff; endorsed by the provider, the insurer and the regulator.
   * Transient: the open entries as the insurer's collection stores them, the nonce. Writes: the batch,
   * the payment, the settled markers, in both collections. Event: `SettlementBatchClosed`. Errors:
   * VALIDATION_FAILED (an entry of another pair or currency), FORBIDDEN, PRESENTED_MISMATCH (an
   * entry not as stored, not stored, or settled already).
   */
  @Transaction()
  @Returns('string')
  public async CloseSettlementBatch(ctx: Context, input: string): Promise<string> {
    const args = parseInput(closeSettlementBatchInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requirePairStaff(actor, args.provider, args.insurer);
    if (actor.orgKind === 'insurer' && actor.role !== 'admin') fail(ErrorCode.FORBIDDEN, actor.did);
    const { presented } = readTransient(ledger, closeSettlementBatchTransient);
    const open = [];
    for (const bytes of presented.entries) open.push(await ledger.presentedOpenEntry(args.insurer, bytes));
    const closed = orThrow(
      closeBatch(args, open, {
        batchId: ledger.txId,
        closedBy: actor.did,
        closedAt: ledger.txTime,
        txId: ledger.txId,
      }),
    );
    await ledger.putBatch(closed, presented.nonce);
    ledger.emit('SettlementBatchClosed', {
      batchId: closed.batch.batchId,
      provider: args.provider,
      insurer: args.insurer,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson({
      batchId: closed.batch.batchId,
      provider: args.provider,
      insurer: args.insurer,
      entries: closed.batch.entryIds.length,
      txId: ledger.txId,
    });
  }

  /**
   * A page of a pair's settlement history, for the upgrade that indexes a ledger written before the
   * open-entry index: the open approvals and adjustments no marker names yet, as the caller's org's
   * collection stores them (at most `limit`, from at most 1,000 entries read), and where the next page
   * starts. Evaluated on the caller's peer. Caller: the pair's staff. Errors: FORBIDDEN.
   */
  @Transaction(false)
  @Returns('string')
  public async GetUnindexedSettlementEntries(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getUnindexedSettlementEntriesInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requirePairStaff(actor, args.provider, args.insurer);
    return canonicalJson(await ledger.unindexedEntries(actor.mspId, args));
  }

  /**
   * Indexes open entries of a pair that a ledger written before the open-entry index holds without a
   * marker, so that batches and balances see them: each must be an approval or adjustment of the pair,
   * stored as presented and not settled. Indexing one twice changes nothing. Caller: the insurer's admins
   * or the provider's billing staff; endorsed by the provider, the insurer and the regulator.
   * Transient: the entries as the insurer's collection stores them (at most 500), the nonce. Writes:
   * the open markers in both collections. Event: `SettlementEntriesIndexed`. Errors: VALIDATION_FAILED
   * (an entry of another pair, or a payment), FORBIDDEN, PRESENTED_MISMATCH (not as stored, or settled).
   */
  @Transaction()
  @Returns('string')
  public async IndexOpenSettlementEntries(ctx: Context, input: string): Promise<string> {
    const args = parseInput(indexOpenSettlementEntriesInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requirePairStaff(actor, args.provider, args.insurer);
    if (actor.orgKind === 'insurer' && actor.role !== 'admin') fail(ErrorCode.FORBIDDEN, actor.did);
    const { presented } = readTransient(ledger, indexOpenSettlementEntriesTransient);
    const open = [];
    for (const bytes of presented.entries) {
      const entry = await ledger.presentedOpenEntry(args.insurer, bytes);
      if (entry.provider !== args.provider || entry.kind === 'batch_payment')
        fail(ErrorCode.VALIDATION_FAILED, entry.entryId);
      open.push(entry);
    }
    await ledger.indexOpenEntries(open, presented.nonce);
    const answer = {
      provider: args.provider,
      insurer: args.insurer,
      entries: open.length,
      txId: ledger.txId,
    };
    ledger.emit('SettlementEntriesIndexed', { ...answer, txTime: ledger.txTime });
    return canonicalJson(answer);
  }

  /**
   * The regulator's report of claims: by outcome, lines by reason, disputes by status, and per pair
   * what was claimed, approved, adjusted, settled and is outstanding. Evaluated on the regulator's
   * peer, which holds every insurer's collection. With `after`, one page (at most `limit` facts, 5,000
   * by default) and the next page's cursor, for the caller to sum the pages (`mergeClaimReports`);
   * without it, the whole report if one page holds it. Caller: the regulator's auditors and admins.
   * Errors: FORBIDDEN, VALIDATION_FAILED (a cursor this contract did not write), SCAN_LIMIT (no `after`
   * and more facts than a page).
   */
  @Transaction(false)
  @Returns('string')
  public async GetClaimReport(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getClaimReportInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    if (!isRegulator(actor)) fail(ErrorCode.FORBIDDEN, actor.did);
    const insurers = (await ledger.consortium()).orgs.filter((o) => orgKindOf(o) === 'insurer');
    const cursor = args.after === undefined || args.after === null ? null : decodeCursor(args.after);
    const page = await claimReportPage(ledger, insurers, cursor, args.limit ?? MAX_REPORT_PAGE);
    if (args.after === undefined && page.next !== null)
      fail(ErrorCode.SCAN_LIMIT, `claim report over ${MAX_REPORT_PAGE}: ask for it by pages`);
    return canonicalJson({ ...page.report, next: page.next === null ? null : encodeCursor(page.next) });
  }
}
