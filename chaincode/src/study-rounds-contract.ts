import {
  aggregateRoundInput,
  canonicalJson,
  checkAggregate,
  ErrorCode,
  getStudyRoundInput,
  roundState,
  siteMayContribute,
  studyState,
  submitModelUpdateInput,
  type ModelUpdate,
  type RoundAggregate,
  type StudyGovernance,
  type StudyRound,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireActive, requireRole, resolveActor } from './actor';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { loadGovernance, loadStudy, partyOf, studyForParty } from './study-governance';

/**
 * Federated rounds of a multi-center study: the sites' model updates and the lead's aggregates, with
 * the Merkle root the ledger checks against the anchored updates (docs/research.md, "Federated rounds
 * on the ledger").
 */
@Info({ title: 'StudyRoundsContract', description: 'Federated rounds: model updates and aggregates' })
export class StudyRoundsContract extends Contract {
  constructor() {
    super('studyrounds');
  }

  /**
   * Anchors the caller's hospital's model update for a round: the SHA-256 of its parameters and the
   * samples it was trained on. Caller: an active admin of a hospital that may contribute (the study
   * active and the site's committee approving its current protocol version). The round must be open:
   * round 1, or the round before it aggregated, and this one not yet. Reads: `study`,
   * `study~governance`, `study~decision`, `study~round`, `study~update`. Writes: `study~update`
   * (bound by a receipt in the site's sealed collection; the site and the regulator endorse). Event:
   * `ModelUpdateSubmitted`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN (not a
   * hospital's admin, or the site may not contribute now), NOT_FOUND, CONFLICT (the round is not open,
   * or the site has its update in it).
   */
  @Transaction()
  @Returns('string')
  public async SubmitModelUpdate(ctx: Context, input: string): Promise<string> {
    const args = parseInput(submitModelUpdateInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin'], ['hospital']);
    const site = actor.mspId;
    const loaded = await loadGovernance(ledger, args.studyId);
    if (!loaded) return fail(ErrorCode.NOT_FOUND, args.studyId);
    if (!siteMayContribute(loaded.governance, site))
      fail(ErrorCode.FORBIDDEN, `${site} STUDY_SITE_NOT_APPROVED`);
    await requireOpenRound(ledger, args.studyId, args.round);
    const update: ModelUpdate = {
      studyId: args.studyId,
      round: args.round,
      site,
      updateHash: args.updateHash,
      sampleCount: args.sampleCount,
      submittedBy: actor.did,
      submittedAt: ledger.txTime,
      txId: ledger.txId,
    };
    await ledger.putModelUpdate(update);
    ledger.emit('ModelUpdateSubmitted', {
      studyId: update.studyId,
      round: update.round,
      site,
      updateHash: update.updateHash,
      sampleCount: update.sampleCount,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(update);
  }

  /**
   * Closes a round with its aggregate: the aggregate's SHA-256, the sites whose updates it used and
   * the Merkle root over those updates (leaves sorted by site). The ledger rebuilds the tree from the
   * anchored updates and refuses a root that is not theirs. Caller: the study's lead (an active
   * researcher of the study's org), while the study is active and every site used may still
   * contribute. Reads: `study`, `study~governance`, `study~decision`, `study~round`, `study~update`.
   * Writes: `study~round` (bound by a receipt in the study org's sealed collection; the org and the
   * regulator endorse). Event: `RoundAggregated`. Errors: VALIDATION_FAILED (a site that is not the
   * study's), NOT_REGISTERED, INACTIVE, FORBIDDEN (not the lead, the study not active, or a site used
   * that may not contribute), NOT_FOUND (the study, or an update of a site named), CONFLICT (the round
   * is not open), CONTENT_MISMATCH (the root is not the anchored updates').
   */
  @Transaction()
  @Returns('string')
  public async AggregateRound(ctx: Context, input: string): Promise<string> {
    const args = parseInput(aggregateRoundInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { study, governance } = await loadStudy(ledger, args.studyId);
    if (partyOf(actor, study.org).kind !== 'lead') fail(ErrorCode.FORBIDDEN, actor.did);
    requireSitesMayContribute(governance, args.studyId, args.sites);
    await requireOpenRound(ledger, args.studyId, args.round);
    const verdict = checkAggregate({
      sites: args.sites,
      merkleRoot: args.merkleRoot,
      updates: await ledger.roundUpdates(args.studyId, args.round),
    });
    if (!verdict.ok) return fail(verdict.code, verdict.detail);
    const aggregate: RoundAggregate = {
      studyId: args.studyId,
      round: args.round,
      org: study.org,
      aggregateHash: args.aggregateHash,
      sites: verdict.sites,
      merkleRoot: args.merkleRoot,
      treeSize: verdict.treeSize,
      sampleCount: verdict.sampleCount,
      aggregatedBy: actor.did,
      aggregatedAt: ledger.txTime,
      txId: ledger.txId,
    };
    await ledger.putRoundAggregate(aggregate);
    ledger.emit('RoundAggregated', {
      studyId: aggregate.studyId,
      round: aggregate.round,
      aggregateHash: aggregate.aggregateHash,
      sites: aggregate.sites,
      merkleRoot: aggregate.merkleRoot,
      treeSize: aggregate.treeSize,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(aggregate);
  }

  /**
   * A round of a study: its state (`waiting`, `open`, `closed`), the updates anchored in it and its
   * aggregate once closed; what a site or a verifier builds and checks an inclusion proof from.
   * Caller: an active member of a party of the study (its org, a site, the regulator). Reads:
   * `study`, `study~governance`, `study~round`, `study~update`. Errors: VALIDATION_FAILED,
   * NOT_REGISTERED, INACTIVE, FORBIDDEN (an org with no part in the study), NOT_FOUND, STATE_INVALID
   * (a value without its receipt).
   */
  @Transaction(false)
  @Returns('string')
  public async GetStudyRound(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getStudyRoundInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    await studyForParty(ledger, actor, args.studyId);
    const aggregate = await ledger.getRoundAggregate(args.studyId, args.round);
    const previous =
      args.round > 1 && (await ledger.getRoundAggregate(args.studyId, args.round - 1)) !== undefined;
    const round: StudyRound = {
      studyId: args.studyId,
      round: args.round,
      state: roundState(args.round, aggregate !== undefined, previous),
      updates: await ledger.roundUpdates(args.studyId, args.round),
      aggregate: aggregate ?? null,
    };
    return canonicalJson(round);
  }
}

/** `[CONFLICT]` unless the round takes updates: round 1 or its predecessor aggregated, itself not. */
async function requireOpenRound(ledger: Ledger, studyId: string, round: number): Promise<void> {
  const closed = (await ledger.getRoundAggregate(studyId, round)) !== undefined;
  const previous = round > 1 && (await ledger.getRoundAggregate(studyId, round - 1)) !== undefined;
  if (roundState(round, closed, previous) !== 'open')
    fail(ErrorCode.CONFLICT, `round ${String(round)} not open`);
}

/**
 * An aggregate is taken only while the study is active, over sites of the study that may still
 * contribute: an update of a site whose committee withdrew its approval is not used.
 */
function requireSitesMayContribute(
  governance: StudyGovernance,
  studyId: string,
  sites: readonly string[],
): void {
  if (studyState(governance) !== 'active') fail(ErrorCode.FORBIDDEN, `${studyId} STUDY_NOT_ACTIVE`);
  for (const site of sites) {
    if (!governance.sites.includes(site)) fail(ErrorCode.VALIDATION_FAILED, 'sites');
    if (!siteMayContribute(governance, site)) fail(ErrorCode.FORBIDDEN, `${site} STUDY_SITE_NOT_APPROVED`);
  }
}
