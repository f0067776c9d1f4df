import {
  anchorResultInput,
  canonicalJson,
  ErrorCode,
  getResultLineageInput,
  lineageGraph,
  resolveLineage,
  type StudyResult,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireActive, resolveActor } from './actor';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { loadStudy, partyOf, studyForParty } from './study-governance';

/**
 * Results of a multi-center study (models, papers) with their lineage: the datasets, rounds and
 * earlier results that produced them, and so the sites (docs/research.md, "Results and their lineage").
 */
@Info({ title: 'StudyResultsContract', description: 'Study results and their lineage' })
export class StudyResultsContract extends Contract {
  constructor() {
    super('studyresults');
  }

  /**
   * Anchors a result of the study (a model or a paper: the SHA-256 of its content) with its lineage:
   * contributions (datasets) and aggregated rounds of this study, and earlier results of it. The
   * ledger resolves each id against the study's own facts and derives the sites. Caller: the study's
   * lead (an active researcher of the study's org). Reads: `study`, `study~governance`,
   * `study~contribution`, `study~round`, `study~result`. Writes: `study~result` (bound by a receipt in
   * the study org's sealed collection; the org and the regulator endorse), write-once. Event:
   * `ResultAnchored`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN (not the lead),
   * NOT_FOUND (the study, or a dataset, round or result that is not this study's), ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  public async AnchorResult(ctx: Context, input: string): Promise<string> {
    const args = parseInput(anchorResultInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { study } = await loadStudy(ledger, args.studyId);
    if (partyOf(actor, study.org).kind !== 'lead') fail(ErrorCode.FORBIDDEN, actor.did);
    const verdict = resolveLineage(args, {
      contributions: await ledger.studyContributions(args.studyId),
      aggregates: await ledger.studyAggregates(args.studyId),
      results: (await ledger.studyResults(args.studyId)).map((r) => r.resultId),
    });
    if (!verdict.ok) return fail(verdict.code, verdict.detail);
    const result: StudyResult = {
      studyId: args.studyId,
      resultId: args.resultId,
      kind: args.kind,
      contentHash: args.contentHash,
      org: study.org,
      ...verdict.lineage,
      anchoredBy: actor.did,
      anchoredAt: ledger.txTime,
      txId: ledger.txId,
    };
    await ledger.putStudyResult(result);
    ledger.emit('ResultAnchored', {
      studyId: result.studyId,
      resultId: result.resultId,
      kind: result.kind,
      contentHash: result.contentHash,
      sites: result.sites,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(result);
  }

  /**
   * A result and its lineage graph (result, study, datasets, rounds, parent results, sites). Caller:
   * an active member of a party of the study (its org, a site, the regulator). Reads: `study`,
   * `study~governance`, `study~result`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN
   * (an org with no part in the study), NOT_FOUND, STATE_INVALID.
   */
  @Transaction(false)
  @Returns('string')
  public async GetResultLineage(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getResultLineageInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    await studyForParty(ledger, actor, args.studyId);
    const result = await ledger.getStudyResult(args.studyId, args.resultId);
    if (!result) return fail(ErrorCode.NOT_FOUND, args.resultId);
    return canonicalJson({ result, ...lineageGraph(result) });
  }
}
