import {
  aggregatedRoundWork,
  assignStudyTaskInput,
  canonicalJson,
  CREDIT_FORMULA,
  ErrorCode,
  getContributionPointsInput,
  getStudyCreditInput,
  pointsBalance,
  recordContributionInput,
  recordContributionTransient,
  siteMayContribute,
  studyCredit,
  studyState,
  verifyContribution,
  type Contribution,
  type ContributionRecordFacts,
  type StudyTask,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { isActiveAdmin, isRegulatorAuditor, requireActive, requireRole, resolveActor } from './actor';
import { erased } from './access-contract';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { loadGovernance, partyOf, studyForParty } from './study-governance';
import { readTransient } from './transient';
import { readableCollections } from './visibility';

/**
 * The work of a multi-center study's sites: tasks the lead assigns, contributions the sites record
 * (verified against the ledger when recorded), the credit table, and the contribution points of the
 * patients whose records were used (docs/research.md, "Tasks, contributions and credit").
 */
@Info({
  title: 'StudyWorkContract',
  description: 'Study tasks, contributions, credit and contribution points',
})
export class StudyWorkContract extends Contract {
  constructor() {
    super('studywork');
  }

  /**
   * Assigns a site of the study a task: the cohort (criteria id and SHA-256), how many records, by
   * when. Caller: the study's lead (an active researcher of the study's org). Reads:
   * `study`, `study~governance`. Writes: `study~task` (bound by a receipt in the study org's sealed
   * collection; the org and the regulator endorse). Event: `StudyTaskAssigned`. Errors:
   * VALIDATION_FAILED (a site that is not the study's, a due date not after now or after the study's
   * end), NOT_REGISTERED, INACTIVE, FORBIDDEN (not the lead), NOT_FOUND, CONFLICT (closed study),
   * ALREADY_EXISTS (the site has that task id).
   */
  @Transaction()
  @Returns('string')
  public async AssignStudyTask(ctx: Context, input: string): Promise<string> {
    const args = parseInput(assignStudyTaskInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const study = await ledger.getStudy(args.studyId);
    const loaded = await loadGovernance(ledger, args.studyId);
    if (!study || !loaded) return fail(ErrorCode.NOT_FOUND, args.studyId);
    if (partyOf(actor, study.org).kind !== 'lead') fail(ErrorCode.FORBIDDEN, actor.did);
    if (studyState(loaded.governance) === 'closed') fail(ErrorCode.CONFLICT, args.studyId);
    if (!loaded.governance.sites.includes(args.site)) fail(ErrorCode.VALIDATION_FAILED, 'site');
    const due = Date.parse(args.dueDate);
    if (!(due > ledger.txMs) || due > Date.parse(study.periodEnd))
      fail(ErrorCode.VALIDATION_FAILED, 'dueDate');
    const task: StudyTask = {
      studyId: args.studyId,
      taskId: args.taskId,
      site: args.site,
      cohort: args.cohort,
      recordCount: args.recordCount,
      dueDate: new Date(due).toISOString(),
      org: study.org,
      assignedBy: actor.did,
      assignedAt: ledger.txTime,
      txId: ledger.txId,
    };
    await ledger.putStudyTask(task);
    ledger.emit('StudyTaskAssigned', {
      studyId: task.studyId,
      taskId: task.taskId,
      site: task.site,
      recordCount: task.recordCount,
      dueDate: task.dueDate,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(task);
  }

  /**
   * Records the caller's hospital's contribution to one of its tasks. The records travel in the
   * transient map (record, version, and the research access that released each); each is checked
   * against the ledger (`verifyContribution` of the domain): anchored at the caller's hospital, not
   * erased, released by a granted research access under this study to the study's org, not
   * contributed before; the count, the quality-gate verdicts and the dataset hash come from them.
   * Each record's patient gets a contribution award in the site's sealed collection (one per patient,
   * study and site). Caller: an active admin of a hospital that may contribute (the study active and
   * the site's committee approving its current protocol version). Reads: `study`, `study~governance`,
   * `study~decision`, `study~task`, `anchor`, `quality-review`, `erasure`; sealed `access`,
   * `record-patient`, `study~used`, `award`. Writes: `study~contribution` (bound by a receipt in the
   * site's sealed collection; the site and the regulator endorse); sealed `study~used`, `award`,
   * `award~patient`. Event: `ContributionRecorded` (counts and hash). Errors: VALIDATION_FAILED,
   * NOT_REGISTERED, INACTIVE, FORBIDDEN (not an admin of a hospital, or the site may not contribute
   * now), NOT_FOUND (study, task of this site, or a record not anchored at the site), ACCESS_NOT_GRANTED
   * (a record not released to the study), CONTENT_UNAVAILABLE (erased), CONFLICT (a record contributed
   * before), CONTENT_MISMATCH (the dataset hash is not the records').
   */
  @Transaction()
  @Returns('string')
  public async RecordContribution(ctx: Context, input: string): Promise<string> {
    const args = parseInput(recordContributionInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin'], ['hospital']);
    const site = actor.mspId;
    const { records } = readTransient(ledger, recordContributionTransient);
    const study = await ledger.getStudy(args.studyId);
    const loaded = await loadGovernance(ledger, args.studyId);
    if (!study || !loaded) return fail(ErrorCode.NOT_FOUND, args.studyId);
    if (!siteMayContribute(loaded.governance, site))
      fail(ErrorCode.FORBIDDEN, `${site} STUDY_SITE_NOT_APPROVED`);
    const task = await ledger.getStudyTask(args.studyId, site, args.taskId);
    if (!task) return fail(ErrorCode.NOT_FOUND, args.taskId);
    const facts: ContributionRecordFacts[] = [];
    for (const r of records) {
      const anchor = await ledger.getAnchor(site, r.recordId, r.version);
      const grant = await ledger.getAccessGrant(site, r.accessId);
      facts.push({
        ...r,
        anchor: anchor && {
          custodian: anchor.custodian,
          contentHash: anchor.contentHash,
          qualityStatus: anchor.qualityStatus,
          reviewed: (await ledger.getQualityReview(site, r.recordId, r.version)) !== undefined,
          erased: await erased(ledger, anchor),
        },
        grant,
        alreadyContributed: await ledger.isRecordContributed(site, args.studyId, r.recordId),
      });
    }
    const verdict = verifyContribution({
      studyId: args.studyId,
      studyOrg: study.org,
      site,
      claimedHash: args.datasetHash,
      records: facts,
    });
    if (!verdict.ok) return fail(verdict.code, verdict.detail);
    const patients: string[] = [];
    for (const r of records) {
      await ledger.markRecordContributed(site, args.studyId, r.recordId);
      const patient = await ledger.getRecordPatient(site, r.recordId);
      if (patient === undefined) return fail(ErrorCode.STATE_INVALID, `${r.recordId} patient`);
      patients.push(patient);
    }
    await ledger.awardContribution(
      { studyId: args.studyId, site, txId: ledger.txId, txTime: ledger.txTime },
      patients,
    );
    const contribution: Contribution = {
      studyId: args.studyId,
      site,
      taskId: task.taskId,
      contributionId: ledger.txId,
      datasetHash: verdict.datasetHash,
      recordCount: verdict.recordCount,
      quality: verdict.quality,
      passedRecords: verdict.passedRecords,
      late: ledger.txMs > Date.parse(task.dueDate),
      verified: true,
      recordedBy: actor.did,
      recordedAt: ledger.txTime,
      txId: ledger.txId,
    };
    await ledger.putContribution(contribution);
    ledger.emit('ContributionRecorded', {
      studyId: args.studyId,
      site,
      taskId: task.taskId,
      recordCount: contribution.recordCount,
      passedRecords: contribution.passedRecords,
      datasetHash: contribution.datasetHash,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(contribution);
  }

  /**
   * A study's credit table: its tasks, its verified contributions and each site's quota, records and
   * credit by the documented formula (federated round work: the updates each round's aggregate used;
   * a study without aggregated rounds is credited on data alone). Caller: an active member of a party of
   * the study: its org (the lead), a site (its ethics committee included), or the regulator. Reads:
   * `study`, `study~governance`, `study~decision`, `study~task`, `study~contribution`, `study~round`,
   * `study~update`. Errors:
   * VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN (an org with no part in the study),
   * NOT_FOUND, STATE_INVALID (a value without its receipt).
   */
  @Transaction(false)
  @Returns('string')
  public async GetStudyCredit(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getStudyCreditInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { study, governance } = await studyForParty(ledger, actor, args.studyId);
    const tasks = await ledger.studyTasks(args.studyId);
    const contributions = await ledger.studyContributions(args.studyId);
    const rounds = aggregatedRoundWork(
      await ledger.studyAggregates(args.studyId),
      await ledger.studyUpdates(args.studyId),
    );
    return canonicalJson({
      studyId: study.studyId,
      org: study.org,
      state: studyState(governance),
      formula: CREDIT_FORMULA,
      sites: studyCredit({
        sites: governance.sites,
        decisions: governance.decisions,
        tasks,
        contributions,
        rounds,
      }),
      tasks,
      contributions,
    });
  }

  /**
   * A patient's contribution awards and balance: at a hospital's peer the awards that hospital made,
   * at the regulator's peer every hospital's. Each award names a study, a site, the contribution and
   * the points, never a record or a study pseudonym. Evaluated on the caller's own org's peer.
   * Caller: an active admin (a gateway's service identity, answering the patient after checking
   * the patient's signed proof) or a regulator's auditor. Reads: sealed `award~patient`, `award`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_INITIALIZED.
   */
  @Transaction(false)
  @Returns('string')
  public async GetContributionPoints(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getContributionPointsInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    if (!isActiveAdmin(actor) && !isRegulatorAuditor(actor)) fail(ErrorCode.FORBIDDEN, actor.did);
    const awards = await ledger.contributionAwards(await readableCollections(ledger, actor), args.patientDid);
    return canonicalJson({ awards, balance: pointsBalance(awards) });
  }
}
