import {
  canonicalJson,
  ErrorCode,
  getStudyCohortInput,
  getStudyInput,
  granteeKey,
  registerStudyInput,
  type Study,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { isActiveAdmin, isRegulatorAuditor, requireActive, requireRole, resolveActor } from './actor';
import { effectiveStatus } from './consent-contract';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { readableCollections } from './visibility';

/** Research studies and their consented cohorts. */
@Info({ title: 'StudyContract', description: 'Research studies and cohorts' })
export class StudyContract extends Contract {
  constructor() {
    super('study');
  }

  /**
   * Registers a study of the caller's research org (purpose research, categories, maximum level,
   * period, ethics approval reference). Caller: an active researcher of a research org.
   * Writes: `study` (state-based endorsement by the org). Event: `StudyRegistered`.
   * Errors: VALIDATION_FAILED (period), NOT_REGISTERED, INACTIVE, FORBIDDEN, ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  public async RegisterStudy(ctx: Context, input: string): Promise<string> {
    const args = parseInput(registerStudyInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['researcher'], ['research']);
    const start = Date.parse(args.periodStart);
    const end = Date.parse(args.periodEnd);
    if (!(start < end)) fail(ErrorCode.VALIDATION_FAILED, 'periodStart,periodEnd');
    if (await ledger.getStudy(args.studyId)) fail(ErrorCode.ALREADY_EXISTS, args.studyId);
    const study: Study = {
      studyId: args.studyId,
      org: actor.mspId,
      principalInvestigatorDid: actor.did,
      purpose: 'research',
      categories: [...new Set(args.categories)].sort(),
      maxLevel: args.maxLevel,
      periodStart: new Date(start).toISOString(),
      periodEnd: new Date(end).toISOString(),
      ethicsApprovalRef: args.ethicsApprovalRef,
      registeredAt: ledger.txTime,
      txId: ledger.txId,
    };
    await ledger.putStudy(study);
    ledger.emit('StudyRegistered', {
      studyId: study.studyId,
      org: study.org,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(study);
  }

  /**
   * A study. Caller: any active registered member. Reads: `study`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async GetStudy(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getStudyInput, input);
    const ledger = new Ledger(ctx);
    requireActive(await resolveActor(ctx, ledger));
    const study = await ledger.getStudy(args.studyId);
    if (!study) fail(ErrorCode.NOT_FOUND, args.studyId);
    return canonicalJson(study);
  }

  /**
   * A page of the study's cohort: patients whose consent to the study is active now (entries whose
   * consent is revoked or out of period are skipped, so a page may be short; follow the bookmark).
   * The cohort lives in the study org's sealed collection: evaluated on the caller's own org's peer.
   * Caller: an active researcher or admin of the study's org, or a regulator's auditor.
   * Reads: `study`, sealed `consent~grantee`, `consent-terms`; `revocation`. Errors: VALIDATION_FAILED,
   * NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async GetStudyCohort(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getStudyCohortInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const study = await ledger.getStudy(args.studyId);
    if (!study) return fail(ErrorCode.NOT_FOUND, args.studyId);
    const ownOrg = actor.mspId === study.org && (actor.role === 'researcher' || isActiveAdmin(actor));
    const orgs = await readableCollections(ledger, actor);
    if ((!ownOrg && !isRegulatorAuditor(actor)) || !orgs.includes(study.org))
      fail(ErrorCode.FORBIDDEN, actor.did);
    const page = await ledger.pageConsentsOfGrantee(
      study.org,
      granteeKey({ kind: 'study', studyId: args.studyId }),
      args.pageSize,
      args.bookmark,
    );
    const now = ledger.txMs;
    const items = [];
    for (const c of page.items) {
      const status = effectiveStatus(c.periodEnd, await ledger.getRevocation(c.consentId), now);
      if (status !== 'active' || Date.parse(c.periodStart) > now || c.purpose !== 'research') continue;
      items.push({
        patientDid: c.patientDid,
        consentId: c.consentId,
        categories: c.categories,
        maxLevel: c.maxLevel,
        periodEnd: c.periodEnd,
      });
    }
    return canonicalJson({ items, bookmark: page.bookmark, fetchedRecordsCount: page.fetchedRecordsCount });
  }
}
