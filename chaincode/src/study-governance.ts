/**
 * The ledger side of a multi-center study's governance: loading the lead's part and the sites'
 * decisions into the domain's model, and mapping the caller to a party of the study. The rules
 * themselves are the domain's (`applyStudyAction`, `studyState`, `siteMayContribute`).
 */
import {
  ErrorCode,
  quorumStatus,
  studyState,
  type StoredGovernance,
  type StudyGovernance,
  type StudyGovernanceOutput,
  type StudyParty,
  type Study,
} from '@medledger/domain';
import { isRegulatorAuditor, type Actor } from './actor';
import { fail } from './errors';
import type { Ledger } from './ledger/store';

/** A study's governance: the lead's part and the decisions on its current protocol version. */
export async function loadGovernance(
  ledger: Ledger,
  studyId: string,
): Promise<{ stored: StoredGovernance; governance: StudyGovernance } | undefined> {
  const stored = await ledger.getStudyGovernance(studyId);
  if (!stored) return undefined;
  const decisions: StudyGovernance['decisions'] = {};
  for (const site of stored.sites) {
    const d = await ledger.getSiteDecision(studyId, site);
    // A decision on an earlier version does not count: an amendment re-opened approval.
    if (d?.protocolVersion === stored.protocolVersion) decisions[site] = d.decision;
  }
  return {
    stored,
    governance: {
      phase: stored.phase,
      sites: stored.sites,
      quorum: stored.quorum,
      protocolHash: stored.protocolHash,
      protocolVersion: stored.protocolVersion,
      decisions,
    },
  };
}

/** The answer of the governance transactions. */
export function governanceOutput(
  stored: StoredGovernance,
  governance: StudyGovernance,
): StudyGovernanceOutput {
  const quorum = quorumStatus(governance);
  return {
    studyId: stored.studyId,
    org: stored.org,
    state: studyState(governance),
    phase: governance.phase,
    sites: governance.sites,
    quorum: governance.quorum,
    protocolHash: governance.protocolHash,
    protocolVersion: governance.protocolVersion,
    decisions: governance.decisions,
    approvals: quorum.approvals,
    required: quorum.required,
    updatedAt: stored.updatedAt,
    txId: stored.txId,
  };
}

/**
 * The caller's part in a study: the lead (an active researcher of the study's org), an ethics
 * committee (an active `ethics` member of a hospital), or the regulator (an active auditor).
 * `[FORBIDDEN]` for anyone else; whether that party may take the action is the domain's rule.
 */
export function partyOf(actor: Actor, studyOrg: string): StudyParty {
  if (actor.active && actor.role === 'researcher' && actor.mspId === studyOrg) return { kind: 'lead' };
  if (actor.active && actor.role === 'ethics' && actor.orgKind === 'hospital') {
    return { kind: 'ethics', site: actor.mspId };
  }
  if (isRegulatorAuditor(actor)) return { kind: 'regulator' };
  return fail(ErrorCode.FORBIDDEN, actor.did);
}

/**
 * Requires the caller to be an active member of a party of the study: its org (the lead's), one of
 * its sites (the ethics committee included) or the regulator. `[FORBIDDEN]` for any other org.
 */
export async function requireStudyParty(
  ledger: Ledger,
  actor: Actor,
  studyOrg: string,
  sites: readonly string[],
): Promise<void> {
  const regulator = (await ledger.consortium()).regulator;
  if (![studyOrg, regulator, ...sites].includes(actor.mspId)) fail(ErrorCode.FORBIDDEN, actor.did);
}

/** A study with its governance; `[NOT_FOUND]` for an unknown study or one without governance. */
export async function loadStudy(
  ledger: Ledger,
  studyId: string,
): Promise<{ study: Study; stored: StoredGovernance; governance: StudyGovernance }> {
  const study = await ledger.getStudy(studyId);
  const loaded = await loadGovernance(ledger, studyId);
  if (!study || !loaded) return fail(ErrorCode.NOT_FOUND, studyId);
  return { study, ...loaded };
}

/**
 * A study the caller may read as one of its parties (its org, a site, the regulator), with its
 * governance: `[NOT_FOUND]`, or `[FORBIDDEN]` for any other org.
 */
export async function studyForParty(
  ledger: Ledger,
  actor: Actor,
  studyId: string,
): Promise<{ study: Study; stored: StoredGovernance; governance: StudyGovernance }> {
  const loaded = await loadStudy(ledger, studyId);
  await requireStudyParty(ledger, actor, loaded.study.org, loaded.governance.sites);
  return loaded;
}
