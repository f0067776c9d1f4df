/**
 * The governance of a multi-center study as data: its states, the ethics quorum, and one pure function
 * ({@link applyStudyAction}) that every transaction changing a study goes through, so the chaincode,
 * the gateway and any verifier read the same rules.
 *
 * Rules:
 * - A study names its sites (hospital MSP ids) and a protocol (the SHA-256 of the protocol document,
 *   with a version that starts at 1). The protocol states the quorum: every site, or at least N of
 *   the M sites.
 * - Each site's ethics committee decides on the current protocol version only. A decision can be
 *   changed (an approval withdrawn) while the study is open.
 * - What is stored is the lead's **phase** (open, running, held, closed) and the decisions; the
 *   **state** follows from both ({@link studyState}): an open study is `approved` while the quorum of
 *   approvals on the current version holds and `proposed` otherwise; a running study is `active`
 *   while the quorum holds and `suspended` when it is lost (it is active again as soon as the quorum
 *   is back); a held study (suspended by a party) is `suspended` until the lead resumes it. So a
 *   site's decision changes only that site's decision, never a value the lead owns, and the ledger
 *   can keep each in a key only its owner's peers endorse.
 * - An amendment (a new protocol hash) re-opens approval: every decision is cleared, the version
 *   moves on and the study is open (`proposed`) again, whatever state it was in, except `closed`,
 *   which is final.
 * - Data flows from a site only while the study is `active` and that site approved the current
 *   version ({@link siteMayContribute}); a site that rejected never contributes, even when the
 *   quorum was reached without it.
 */
import { z } from 'zod';
import { ErrorCode } from '../errors';
import { mspIdSchema, sha256HexSchema } from '../ids';

/** Study states. */
export const STUDY_STATES = ['proposed', 'approved', 'active', 'suspended', 'closed'] as const;
/** A study state. */
export type StudyState = (typeof STUDY_STATES)[number];
/** zod: a study state. */
export const studyStateSchema = z.enum(STUDY_STATES);

/** Most sites a study may name. */
export const MAX_STUDY_SITES = 32;

/** zod: the quorum a protocol states: every site, or at least `sites` of them. */
export const quorumRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('atLeast'), sites: z.number().int().min(1).max(MAX_STUDY_SITES) }),
]);
/** A quorum rule. */
export type QuorumRule = z.infer<typeof quorumRuleSchema>;

/** An ethics committee's decision. */
export const ETHICS_DECISIONS = ['approved', 'rejected'] as const;
/** zod: an ethics committee's decision. */
export const ethicsDecisionSchema = z.enum(ETHICS_DECISIONS);
/** An ethics committee's decision. */
export type EthicsDecision = (typeof ETHICS_DECISIONS)[number];

/** zod: the sites of a study: distinct MSP ids, 1 to {@link MAX_STUDY_SITES}. */
export const studySitesSchema = z
  .array(mspIdSchema)
  .min(1)
  .max(MAX_STUDY_SITES)
  .refine((sites) => new Set(sites).size === sites.length, { error: 'duplicate site' });

/** The lead's phases of a study (its state follows from the phase and the quorum: {@link studyState}). */
export const STUDY_PHASES = ['open', 'running', 'held', 'closed'] as const;
/** zod: a study phase. */
export const studyPhaseSchema = z.enum(STUDY_PHASES);
/** A study phase. */
export type StudyPhase = (typeof STUDY_PHASES)[number];

/** zod: the governance part of a study, as the ledger keeps it. */
export const studyGovernanceSchema = z.object({
  phase: studyPhaseSchema,
  /** Sorted, distinct. */
  sites: studySitesSchema,
  quorum: quorumRuleSchema,
  protocolHash: sha256HexSchema,
  protocolVersion: z.number().int().min(1),
  /** Decisions on the current protocol version, by site. */
  decisions: z.record(mspIdSchema, ethicsDecisionSchema),
});
/** The governance part of a study. */
export type StudyGovernance = z.infer<typeof studyGovernanceSchema>;

/** Who acts on a study: its lead (principal investigator), a site's ethics committee, the regulator. */
export type StudyParty =
  | { readonly kind: 'lead' }
  | { readonly kind: 'ethics'; readonly site: string }
  | { readonly kind: 'regulator' };

/** An action on a study. */
export type StudyAction =
  | { readonly type: 'decide'; readonly decision: EthicsDecision; readonly protocolVersion: number }
  | { readonly type: 'amend'; readonly protocolHash: string }
  | { readonly type: 'activate' }
  | { readonly type: 'suspend' }
  | { readonly type: 'resume' }
  | { readonly type: 'close' };

/** Who may take each action, and from which states ({@link studyState}). */
export const STUDY_ACTION_RULES = {
  decide: { parties: ['ethics'], from: ['proposed', 'approved', 'active', 'suspended'] },
  amend: { parties: ['lead'], from: ['proposed', 'approved', 'active', 'suspended'] },
  activate: { parties: ['lead'], from: ['approved'] },
  // A site's committee may stop the whole study (a safety concern); the regulator may too.
  suspend: { parties: ['lead', 'ethics', 'regulator'], from: ['active'] },
  resume: { parties: ['lead'], from: ['suspended'] },
  close: { parties: ['lead', 'regulator'], from: ['proposed', 'approved', 'active', 'suspended'] },
} as const satisfies Record<
  StudyAction['type'],
  { parties: readonly StudyParty['kind'][]; from: readonly StudyState[] }
>;

/** Where a study stands against its quorum on the current protocol version. */
export interface QuorumStatus {
  /** Approvals needed. */
  readonly required: number;
  readonly approvals: number;
  readonly rejections: number;
  readonly pending: number;
  readonly reached: boolean;
  /** No outcome of the pending decisions can reach the quorum any more (an amendment is needed). */
  readonly unreachable: boolean;
}

/** Approvals a quorum rule needs out of `siteCount` sites (an N above M needs every site). */
export function requiredApprovals(rule: QuorumRule, siteCount: number): number {
  return rule.kind === 'all' ? siteCount : Math.min(rule.sites, siteCount);
}

/** The quorum status of a study's current protocol version. */
export function quorumStatus(study: Pick<StudyGovernance, 'sites' | 'quorum' | 'decisions'>): QuorumStatus {
  const required = requiredApprovals(study.quorum, study.sites.length);
  let approvals = 0;
  let rejections = 0;
  for (const site of study.sites) {
    const decision = study.decisions[site];
    if (decision === 'approved') approvals += 1;
    else if (decision === 'rejected') rejections += 1;
  }
  const pending = study.sites.length - approvals - rejections;
  return {
    required,
    approvals,
    rejections,
    pending,
    reached: approvals >= required,
    unreachable: approvals + pending < required,
  };
}

/** The state of a study: from its phase and whether the quorum holds on the current version. */
export function studyState(
  study: Pick<StudyGovernance, 'phase' | 'sites' | 'quorum' | 'decisions'>,
): StudyState {
  const { reached } = quorumStatus(study);
  switch (study.phase) {
    case 'open':
      return reached ? 'approved' : 'proposed';
    case 'running':
      return reached ? 'active' : 'suspended';
    case 'held':
      return 'suspended';
    case 'closed':
      return 'closed';
  }
}

/** A new study's governance: open (proposed), protocol version 1, no decisions; sites sorted. */
export function proposeStudy(input: {
  readonly sites: readonly string[];
  readonly quorum: QuorumRule;
  readonly protocolHash: string;
}): StudyGovernance {
  return studyGovernanceSchema.parse({
    phase: 'open',
    sites: [...input.sites].sort(),
    quorum: input.quorum,
    protocolHash: input.protocolHash,
    protocolVersion: 1,
    decisions: {},
  });
}

/** The outcome of an action: the study after it, or why it is refused (a chaincode error code). */
export type StudyActionResult =
  | { readonly ok: true; readonly study: StudyGovernance }
  | {
      readonly ok: false;
      readonly code:
        typeof ErrorCode.FORBIDDEN | typeof ErrorCode.CONFLICT | typeof ErrorCode.VALIDATION_FAILED;
      readonly detail: string;
    };

function refuse(
  code: typeof ErrorCode.FORBIDDEN | typeof ErrorCode.CONFLICT | typeof ErrorCode.VALIDATION_FAILED,
  detail: string,
): StudyActionResult {
  return { ok: false, code, detail };
}

function transition(study: StudyGovernance, party: StudyParty, action: StudyAction): StudyActionResult {
  switch (action.type) {
    case 'decide': {
      if (party.kind !== 'ethics' || !study.sites.includes(party.site)) return refuse('FORBIDDEN', 'site');
      if (action.protocolVersion !== study.protocolVersion) return refuse('CONFLICT', 'protocolVersion');
      return {
        ok: true,
        study: { ...study, decisions: { ...study.decisions, [party.site]: action.decision } },
      };
    }
    case 'amend':
      if (action.protocolHash === study.protocolHash) return refuse('CONFLICT', 'protocolHash');
      if (!sha256HexSchema.safeParse(action.protocolHash).success) {
        return refuse('VALIDATION_FAILED', 'protocolHash');
      }
      return {
        ok: true,
        study: {
          ...study,
          phase: 'open',
          protocolHash: action.protocolHash,
          protocolVersion: study.protocolVersion + 1,
          decisions: {},
        },
      };
    case 'activate':
      return { ok: true, study: { ...study, phase: 'running' } };
    case 'suspend':
      if (party.kind === 'ethics' && !study.sites.includes(party.site)) return refuse('FORBIDDEN', 'site');
      return { ok: true, study: { ...study, phase: 'held' } };
    case 'resume':
      // A study suspended by a lost quorum is active again when the quorum is back, not by a resume.
      if (study.phase !== 'held') return refuse('CONFLICT', 'phase');
      if (!quorumStatus(study).reached) return refuse('CONFLICT', 'quorum');
      return { ok: true, study: { ...study, phase: 'running' } };
    case 'close':
      return { ok: true, study: { ...study, phase: 'closed' } };
  }
}

/**
 * Applies one action by one party to a study. Refuses with `FORBIDDEN` a party the action's rule
 * does not name (or an ethics committee of a site outside the study), with `CONFLICT` an action the
 * current state does not allow (a decision on another protocol version, an amendment to the same
 * hash, resuming a study no party held, or without quorum), with `VALIDATION_FAILED` a malformed protocol hash. Pure: the
 * chaincode checks who the party is (role and org) and stores the result.
 */
export function applyStudyAction(
  study: StudyGovernance,
  party: StudyParty,
  action: StudyAction,
): StudyActionResult {
  const rule = STUDY_ACTION_RULES[action.type];
  if (!(rule.parties as readonly string[]).includes(party.kind)) return refuse('FORBIDDEN', action.type);
  const state = studyState(study);
  if (!(rule.from as readonly StudyState[]).includes(state)) return refuse('CONFLICT', state);
  return transition(study, party, action);
}

/**
 * True when data may flow from `site` now: the study is active and that site's committee approved
 * the current protocol version.
 */
export function siteMayContribute(study: StudyGovernance, site: string): boolean {
  return studyState(study) === 'active' && study.decisions[site] === 'approved';
}
