import { z } from 'zod';
import { mspIdSchema, patientDidSchema, sha256HexSchema, studyIdSchema, txIdSchema } from '../ids';
import {
  ethicsDecisionSchema,
  quorumRuleSchema,
  studyPhaseSchema,
  studySitesSchema,
  studyStateSchema,
} from '../research/study-lifecycle';
import { dataCategorySchema, levelSchema } from '../vocabulary';
import { isoTimeSchema, pageInput, pageOf } from './common';

/** zod: a registered study. Its purpose is always `research`. */
export const studySchema = z.object({
  studyId: studyIdSchema,
  org: mspIdSchema,
  principalInvestigatorDid: z.string(),
  purpose: z.literal('research'),
  categories: z.array(dataCategorySchema),
  maxLevel: levelSchema,
  periodStart: isoTimeSchema,
  periodEnd: isoTimeSchema,
  ethicsApprovalRef: z.string(),
  registeredAt: isoTimeSchema,
  txId: txIdSchema,
});
/** A study. */
export type Study = z.infer<typeof studySchema>;

/** GetStudy input. */
export const getStudyInput = z.strictObject({ studyId: studyIdSchema });

/** GetStudyCohort input. */
export const getStudyCohortInput = z.strictObject({ studyId: studyIdSchema, ...pageInput });
/** zod: one patient of a study cohort and the consent that covers it. */
export const cohortMemberSchema = z.object({
  patientDid: patientDidSchema,
  consentId: txIdSchema,
  categories: z.array(dataCategorySchema),
  maxLevel: levelSchema,
  periodEnd: isoTimeSchema,
});
/** GetStudyCohort output (a page; entries whose consent is not active are skipped, so a page may be short). */
export const cohortPageSchema = pageOf(cohortMemberSchema);

/**
 * ProposeStudy input: a multi-center study of the caller's research org, naming its sites (hospital
 * MSP ids), the SHA-256 of its protocol document and the quorum the protocol states. Approved by the
 * sites' ethics committees ({@link decideStudyInput}), not by a reference the lead types in.
 */
export const proposeStudyInput = z.strictObject({
  studyId: studyIdSchema,
  categories: z.array(dataCategorySchema).min(1).max(16),
  maxLevel: levelSchema,
  periodStart: isoTimeSchema,
  periodEnd: isoTimeSchema,
  sites: studySitesSchema,
  quorum: quorumRuleSchema,
  protocolHash: sha256HexSchema,
});

/** DecideStudy input: a site's ethics decision on the study's current protocol version. */
export const decideStudyInput = z.strictObject({
  studyId: studyIdSchema,
  decision: ethicsDecisionSchema,
  protocolVersion: z.number().int().min(1),
});

/** The lead's and the overseers' actions on a study (`amend` carries the new protocol hash). */
export const STUDY_CHANGES = ['amend', 'activate', 'suspend', 'resume', 'close'] as const;

/** ChangeStudy input. */
export const changeStudyInput = z
  .strictObject({
    studyId: studyIdSchema,
    action: z.enum(STUDY_CHANGES),
    protocolHash: sha256HexSchema.optional(),
  })
  .refine((a) => (a.action === 'amend') === (a.protocolHash !== undefined), {
    error: 'protocolHash goes with amend, and only with amend',
    path: ['protocolHash'],
  });

/** zod: what the ledger keeps of a study's governance besides the site decisions (the lead's part). */
export const storedGovernanceSchema = z.object({
  studyId: studyIdSchema,
  org: mspIdSchema,
  phase: studyPhaseSchema,
  sites: studySitesSchema,
  quorum: quorumRuleSchema,
  protocolHash: sha256HexSchema,
  protocolVersion: z.number().int().min(1),
  updatedAt: isoTimeSchema,
  txId: txIdSchema,
});
/** The lead's part of a study's governance. */
export type StoredGovernance = z.infer<typeof storedGovernanceSchema>;

/** zod: one site's ethics decision, as the ledger keeps it (its own key, endorsed by the site). */
export const siteDecisionSchema = z.object({
  studyId: studyIdSchema,
  site: mspIdSchema,
  decision: ethicsDecisionSchema,
  protocolVersion: z.number().int().min(1),
  decidedBy: z.string(),
  decidedAt: isoTimeSchema,
  txId: txIdSchema,
});
/** A site's ethics decision. */
export type SiteDecision = z.infer<typeof siteDecisionSchema>;

/** GetStudyGovernance input. */
export const getStudyGovernanceInput = z.strictObject({ studyId: studyIdSchema });

/** zod: a study's governance as answered: the lead's part, the decisions on the current version, the state. */
export const studyGovernanceOutput = z.object({
  studyId: studyIdSchema,
  org: mspIdSchema,
  state: studyStateSchema,
  phase: studyPhaseSchema,
  sites: z.array(mspIdSchema),
  quorum: quorumRuleSchema,
  protocolHash: sha256HexSchema,
  protocolVersion: z.number().int().min(1),
  decisions: z.record(mspIdSchema, ethicsDecisionSchema),
  approvals: z.number().int().min(0),
  required: z.number().int().min(1),
  updatedAt: isoTimeSchema,
  txId: txIdSchema,
});
/** A study's governance as answered. */
export type StudyGovernanceOutput = z.infer<typeof studyGovernanceOutput>;
