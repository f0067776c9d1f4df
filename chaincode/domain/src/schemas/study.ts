import { z } from 'zod';
import { mspIdSchema, patientDidSchema, studyIdSchema, txIdSchema } from '../ids';
import { dataCategorySchema, levelSchema } from '../vocabulary';
import { isoTimeSchema, pageInput, pageOf } from './common';

/** RegisterStudy input. `ethicsApprovalRef` is the approval's reference number (an id, not a text). */
export const registerStudyInput = z.strictObject({
  studyId: studyIdSchema,
  categories: z.array(dataCategorySchema).min(1).max(16),
  maxLevel: levelSchema,
  periodStart: isoTimeSchema,
  periodEnd: isoTimeSchema,
  ethicsApprovalRef: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/),
});

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
