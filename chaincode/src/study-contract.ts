import {
  applyStudyAction,
  canonicalJson,
  changeStudyInput,
  decideStudyInput,
  ErrorCode,
  getStudyCohortInput,
  getStudyGovernanceInput,
  getStudyInput,
  granteeKey,
  orgKindOf,
  proposeStudy,
  proposeStudyInput,
  studyState,
  type StoredGovernance,
  type Study,
  type StudyAction,
  type StudyGovernance,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import {
  isActiveAdmin,
  isRegulatorAuditor,
  requireActive,
  requireRole,
  resolveActor,
  type Actor,
} from './actor';
import { effectiveStatus } from './consent-contract';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { governanceOutput, loadGovernance, partyOf } from './study-governance';
import { readableCollections } from './visibility';

/**
 * The reference every study carries in place of a typed-in approval: it is approved by its sites'
 * committees. (A single-researcher `RegisterStudy` with a typed-in reference existed before
 * multi-center governance; it is retired.)
 */
export const ETHICS_QUORUM_REF = 'ethics-quorum';

/** Research studies and their consented cohorts. */
@Info({ title: 'StudyContract', description: 'Research studies and cohorts' })
export class StudyContract extends Contract {
  constructor() {
    super('study');
  }

  /**
   * Proposes a multi-center study of the caller's research org: its sites (hospitals of the
   * consortium), the SHA-256 of its protocol and the quorum the protocol states; it starts proposed,
   * protocol version 1, with no decision. Its study record carries `ethicsApprovalRef`
   * {@link ETHICS_QUORUM_REF}: approval comes from the sites' ethics committees ({@link DecideStudy}).
   * Caller: an active researcher of a research org. Writes: `study`, `study~governance` (bound by a
   * receipt in the study org's sealed collection; the org and the regulator endorse). Event:
   * `StudyProposed`. Errors: VALIDATION_FAILED (period, a site that is no hospital of the consortium, a
   * quorum above the sites), NOT_REGISTERED, INACTIVE, FORBIDDEN, ALREADY_EXISTS.
   */
  @Transaction()
  @Returns('string')
  public async ProposeStudy(ctx: Context, input: string): Promise<string> {
    const args = parseInput(proposeStudyInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['researcher'], ['research']);
    const orgs = (await ledger.consortium()).orgs;
    if (args.sites.some((site) => orgKindOf(site) !== 'hospital' || !orgs.includes(site)))
      fail(ErrorCode.VALIDATION_FAILED, 'sites');
    if (args.quorum.kind === 'atLeast' && args.quorum.sites > args.sites.length)
      fail(ErrorCode.VALIDATION_FAILED, 'quorum');
    const study = await newStudy(ledger, actor, args, ETHICS_QUORUM_REF);
    const governance = proposeStudy(args);
    const stored = storedOf(study.studyId, study.org, governance, ledger);
    await ledger.putStudy(study);
    await ledger.putStudyGovernance(stored);
    ledger.emit('StudyProposed', {
      studyId: study.studyId,
      org: study.org,
      sites: governance.sites,
      protocolHash: governance.protocolHash,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(governanceOutput(stored, governance));
  }

  /**
   * Records the caller's ethics committee's decision (approved or rejected) on the study's current
   * protocol version for the caller's hospital; a later decision replaces it. The study's state
   * follows (approved at quorum, suspended when an active study loses it).
   * Caller: an active `ethics` member of a hospital that is a site of the study. Reads: `study~governance`,
   * `study~decision`. Writes: `study~decision` of the caller's site (bound by a receipt in the site's
   * sealed collection; the site and the regulator endorse). Event: `StudyDecided`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN (not an ethics member of a site),
   * NOT_FOUND, CONFLICT (another protocol version, or the study is closed).
   */
  @Transaction()
  @Returns('string')
  public async DecideStudy(ctx: Context, input: string): Promise<string> {
    const args = parseInput(decideStudyInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const loaded = await loadGovernance(ledger, args.studyId);
    if (!loaded) return fail(ErrorCode.NOT_FOUND, args.studyId);
    const party = partyOf(actor, loaded.stored.org);
    if (party.kind !== 'ethics') return fail(ErrorCode.FORBIDDEN, actor.did);
    const governance = applied(loaded.governance, party, {
      type: 'decide',
      decision: args.decision,
      protocolVersion: args.protocolVersion,
    });
    await ledger.putSiteDecision({
      studyId: args.studyId,
      site: party.site,
      decision: args.decision,
      protocolVersion: args.protocolVersion,
      decidedBy: actor.did,
      decidedAt: ledger.txTime,
      txId: ledger.txId,
    });
    ledger.emit('StudyDecided', {
      studyId: args.studyId,
      site: party.site,
      decision: args.decision,
      protocolVersion: args.protocolVersion,
      state: studyState(governance),
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(governanceOutput(loaded.stored, governance));
  }

  /**
   * Amends (new protocol hash: decisions cleared, version + 1, proposed again), activates, suspends,
   * resumes or closes a study, by the rules of the domain's `STUDY_ACTION_RULES`: the lead amends,
   * activates (once approved), resumes (a study held by a party, while the quorum holds) and closes; a
   * site's ethics committee or the regulator may suspend an active study; the regulator may close it.
   * Caller: the study's lead (an active researcher of its org), an active `ethics` member of a site, or
   * an active regulator auditor. Reads/writes: `study~governance` (the study org and the regulator
   * endorse); reads `study~decision`. Event: `StudyChanged`. Errors: VALIDATION_FAILED,
   * NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND, CONFLICT (not from this state, same protocol hash,
   * no quorum to resume on).
   */
  @Transaction()
  @Returns('string')
  public async ChangeStudy(ctx: Context, input: string): Promise<string> {
    const args = parseInput(changeStudyInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const loaded = await loadGovernance(ledger, args.studyId);
    if (!loaded) return fail(ErrorCode.NOT_FOUND, args.studyId);
    const action: StudyAction =
      args.action === 'amend'
        ? { type: 'amend', protocolHash: args.protocolHash ?? '' }
        : { type: args.action };
    const governance = applied(loaded.governance, partyOf(actor, loaded.stored.org), action);
    const stored = storedOf(args.studyId, loaded.stored.org, governance, ledger);
    await ledger.putStudyGovernance(stored);
    ledger.emit('StudyChanged', {
      studyId: args.studyId,
      action: args.action,
      protocolVersion: governance.protocolVersion,
      state: studyState(governance),
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(governanceOutput(stored, governance));
  }

  /**
   * A study's governance: state, phase, sites, quorum, protocol, and the decisions on the current
   * protocol version. Caller: any active registered member. Reads: `study~governance`,
   * `study~decision`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, NOT_FOUND (also a study
   * registered without sites), STATE_INVALID (a value without its receipt).
   */
  @Transaction(false)
  @Returns('string')
  public async GetStudyGovernance(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getStudyGovernanceInput, input);
    const ledger = new Ledger(ctx);
    requireActive(await resolveActor(ctx, ledger));
    const loaded = await loadGovernance(ledger, args.studyId);
    if (!loaded) return fail(ErrorCode.NOT_FOUND, args.studyId);
    return canonicalJson(governanceOutput(loaded.stored, loaded.governance));
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

function applied(
  governance: StudyGovernance,
  party: ReturnType<typeof partyOf>,
  action: StudyAction,
): StudyGovernance {
  const result = applyStudyAction(governance, party, action);
  if (!result.ok) return fail(ErrorCode[result.code], result.detail);
  return result.study;
}

function storedOf(studyId: string, org: string, g: StudyGovernance, ledger: Ledger): StoredGovernance {
  return {
    studyId,
    org,
    phase: g.phase,
    sites: g.sites,
    quorum: g.quorum,
    protocolHash: g.protocolHash,
    protocolVersion: g.protocolVersion,
    updatedAt: ledger.txTime,
    txId: ledger.txId,
  };
}

/**
 * The study record of a new study of the caller's org: `[VALIDATION_FAILED]` for a period that ends
 * before it starts, `[ALREADY_EXISTS]` for a study id in use.
 */
async function newStudy(
  ledger: Ledger,
  actor: Actor,
  args: {
    studyId: string;
    categories: Study['categories'];
    maxLevel: Study['maxLevel'];
    periodStart: string;
    periodEnd: string;
  },
  ethicsApprovalRef: string,
): Promise<Study> {
  const start = Date.parse(args.periodStart);
  const end = Date.parse(args.periodEnd);
  if (!(start < end)) fail(ErrorCode.VALIDATION_FAILED, 'periodStart,periodEnd');
  if (await ledger.getStudy(args.studyId)) fail(ErrorCode.ALREADY_EXISTS, args.studyId);
  return {
    studyId: args.studyId,
    org: actor.mspId,
    principalInvestigatorDid: actor.did,
    purpose: 'research',
    categories: [...new Set(args.categories)].sort(),
    maxLevel: args.maxLevel,
    periodStart: new Date(start).toISOString(),
    periodEnd: new Date(end).toISOString(),
    ethicsApprovalRef,
    registeredAt: ledger.txTime,
    txId: ledger.txId,
  };
}
