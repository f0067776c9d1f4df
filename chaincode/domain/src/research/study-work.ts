/**
 * The work of a multi-center study's sites: the tasks the lead assigns, the contributions the sites
 * record, the rule that verifies a contribution against what the ledger knows, and the credit table
 * built from verified contributions (docs/research.md, "Tasks, contributions and credit").
 *
 * Rules:
 * - A task names one site of the study, the cohort it asks for (the id and SHA-256 of the cohort
 *   criteria document), how many records and by when. Only the lead assigns tasks, only to the
 *   study's sites (hospitals): the lead's own research org is never a site, so it can never hold a
 *   task, a contribution or credit.
 * - A contribution is recorded by its site for one of its tasks. It names its records (record,
 *   version and the research access that released each to the study's org); the ledger checks each
 *   one ({@link verifyContribution}) and derives the record count, the quality-gate verdicts and the
 *   dataset hash from the records themselves: a site never states a count the ledger takes on trust.
 * - A record counts once per study: a record already contributed is a conflict, so re-sending a
 *   dataset buys nothing.
 * - Credit ({@link studyCredit}) is the domain's credit formula (`credit.ts`) over the verified
 *   contributions and the sites' quotas (the record counts of their tasks).
 */
import { z } from 'zod';
import { canonicalBytes, sha256Hex } from '../digest';
import { ErrorCode } from '../errors';
import {
  mspIdSchema,
  patientDidSchema,
  recordIdSchema,
  sha256HexSchema,
  studyIdSchema,
  txIdSchema,
} from '../ids';
import { isoTimeSchema } from '../schemas/common';
import { versionSchema } from '../schemas/record';
import type { QualityStatus } from '../vocabulary';
import { contributionAwardSchema } from './contribution-points';
import { siteCredits, CREDIT_TOTAL, CREDIT_WEIGHTS } from './credit';
import { ethicsDecisionSchema, studyStateSchema, type EthicsDecision } from './study-lifecycle';

/** Most records one contribution may name (one transaction reads each of them). */
export const MAX_CONTRIBUTION_RECORDS = 200;
/** Most records one task may ask for. */
export const MAX_TASK_RECORDS = 1_000_000;

const DATASET_LABEL = 'medledger/study-dataset/v1';

/** zod: the cohort a task asks for: the criteria document's id and SHA-256. */
export const cohortCriteriaSchema = z.strictObject({
  criteriaId: recordIdSchema,
  criteriaHash: sha256HexSchema,
});

/** AssignStudyTask input: one site's task in a study. */
export const assignStudyTaskInput = z.strictObject({
  studyId: studyIdSchema,
  taskId: recordIdSchema,
  site: mspIdSchema,
  cohort: cohortCriteriaSchema,
  recordCount: z.number().int().min(1).max(MAX_TASK_RECORDS),
  dueDate: isoTimeSchema,
});

/** zod: a task as the ledger keeps it (its own key, bound to the study's org). */
export const studyTaskSchema = z.object({
  studyId: studyIdSchema,
  taskId: recordIdSchema,
  site: mspIdSchema,
  cohort: cohortCriteriaSchema,
  recordCount: z.number().int().min(1),
  dueDate: isoTimeSchema,
  org: mspIdSchema,
  assignedBy: z.string(),
  assignedAt: isoTimeSchema,
  txId: txIdSchema,
});
/** A study task. */
export type StudyTask = z.infer<typeof studyTaskSchema>;

/** zod: one record of a contribution: the version, and the research access that released it. */
export const contributionRecordSchema = z.strictObject({
  recordId: recordIdSchema,
  version: versionSchema,
  accessId: txIdSchema,
});
/** One record of a contribution, as the site names it. */
export type ContributionRecord = z.infer<typeof contributionRecordSchema>;

/** RecordContribution input (public: no record ids, which travel in the transient map). */
export const recordContributionInput = z.strictObject({
  studyId: studyIdSchema,
  taskId: recordIdSchema,
  /** {@link datasetHash} of the records, as the site computed it; the ledger recomputes it. */
  datasetHash: sha256HexSchema,
});

/** RecordContribution transient map: the records, each at most once. */
export const recordContributionTransient = z.strictObject({
  records: z
    .array(contributionRecordSchema)
    .min(1)
    .max(MAX_CONTRIBUTION_RECORDS)
    .refine((rs) => new Set(rs.map((r) => r.recordId)).size === rs.length, {
      error: 'a record appears twice',
    }),
});

/** zod: the quality-gate verdicts of a contribution's records. */
export const contributionQualitySchema = z.object({
  /** Accepted by the gate at anchoring. */
  accepted: z.number().int().min(0),
  /** Flagged `needs_review` and cleared by a review. */
  reviewed: z.number().int().min(0),
  /** Flagged `needs_review` and not reviewed: delivered, but earns no credit. */
  pending: z.number().int().min(0),
});
/** Quality-gate verdicts of a contribution. */
export type ContributionQuality = z.infer<typeof contributionQualitySchema>;

/** zod: a contribution as the ledger keeps it (its own key, bound to the site). */
export const contributionSchema = z.object({
  studyId: studyIdSchema,
  site: mspIdSchema,
  taskId: recordIdSchema,
  contributionId: txIdSchema,
  datasetHash: sha256HexSchema,
  recordCount: z.number().int().min(1),
  quality: contributionQualitySchema,
  passedRecords: z.number().int().min(0),
  /** Recorded after the task's due date. */
  late: z.boolean(),
  /** Every record was checked against the ledger when recorded (the only way a contribution is kept). */
  verified: z.literal(true),
  recordedBy: z.string(),
  recordedAt: isoTimeSchema,
  txId: txIdSchema,
});
/** A recorded, verified contribution. */
export type Contribution = z.infer<typeof contributionSchema>;

/** GetStudyCredit input. */
export const getStudyCreditInput = z.strictObject({ studyId: studyIdSchema });

/** zod: one site's line of the credit table. */
export const siteCreditLineSchema = z.object({
  site: mspIdSchema,
  decision: ethicsDecisionSchema.nullable(),
  quota: z.number().int().min(0),
  contributions: z.number().int().min(0),
  verifiedRecords: z.number().int().min(0),
  passedRecords: z.number().int().min(0),
  dataScore: z.number().int().min(0),
  roundScore: z.number().int().min(0),
  /** Basis points of {@link CREDIT_TOTAL}. */
  credit: z.number().int().min(0).max(CREDIT_TOTAL),
});

/** GetStudyCredit output: the tasks, the contributions and each site's credit. */
export const studyCreditOutput = z.object({
  studyId: studyIdSchema,
  org: mspIdSchema,
  state: studyStateSchema,
  formula: z.object({
    dataWeight: z.number().int(),
    roundWeight: z.number().int(),
    total: z.literal(CREDIT_TOTAL),
  }),
  sites: z.array(siteCreditLineSchema),
  tasks: z.array(studyTaskSchema),
  contributions: z.array(contributionSchema),
});
/** A study's credit table. */
export type StudyCredit = z.infer<typeof studyCreditOutput>;

/**
 * The hash of a dataset: SHA-256 of a label and the canonical JSON of its records' anchored
 * `(recordId, version, contentHash)`, sorted by record id. The study's org can recompute it from the
 * content it read (every read answers those three), so it checks the site's claim on its own.
 */
export function datasetHash(
  records: readonly { readonly recordId: string; readonly version: number; readonly contentHash: string }[],
): string {
  const rows = [...records]
    .map((r) => [r.recordId, r.version, r.contentHash] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  return sha256Hex(Buffer.concat([Buffer.from(`${DATASET_LABEL}\u0000`), canonicalBytes(rows)]));
}

/** What the ledger knows of one record a contribution names. */
export interface ContributionRecordFacts {
  readonly recordId: string;
  readonly version: number;
  readonly accessId: string;
  /** The site's anchor of that version, when there is one. */
  readonly anchor?:
    | {
        readonly custodian: string;
        readonly contentHash: string;
        readonly qualityStatus: QualityStatus;
        /** A quality review cleared `needs_review`. */
        readonly reviewed: boolean;
        readonly erased: boolean;
      }
    | undefined;
  /** The access grant `accessId` names, in the site's collection, when there is one. */
  readonly grant?:
    | {
        readonly custodian: string;
        readonly recordId: string;
        readonly version: number;
        readonly purpose: string;
        readonly studyId: string | null;
        readonly actorMsp: string;
        readonly deidentify: boolean;
      }
    | undefined;
  /** The record was in an earlier contribution to the same study. */
  readonly alreadyContributed: boolean;
}

/** The outcome of {@link verifyContribution}. */
export type ContributionVerdict =
  | {
      readonly ok: true;
      readonly recordCount: number;
      readonly quality: ContributionQuality;
      readonly passedRecords: number;
      readonly datasetHash: string;
    }
  | { readonly ok: false; readonly code: ErrorCode; readonly detail: string };

/**
 * Verifies a contribution of `site` to `studyId` (led by `studyOrg`) against the ledger's facts.
 * Every record must be anchored at the site in that version, not erased, released to the study's org
 * by a granted research access under this study at this site for this record and version (so it came
 * through the access decision, which denies a site without the study's approval), and not contributed
 * to the study before; the site's dataset hash must be the hash of exactly these records. One record
 * that fails refuses the whole contribution: counts are never trimmed to what verifies.
 */
export function verifyContribution(contribution: {
  readonly studyId: string;
  readonly studyOrg: string;
  readonly site: string;
  readonly claimedHash: string;
  readonly records: readonly ContributionRecordFacts[];
}): ContributionVerdict {
  const { studyId, studyOrg, site } = contribution;
  const quality = { accepted: 0, reviewed: 0, pending: 0 };
  const rows: { recordId: string; version: number; contentHash: string }[] = [];
  const seen = new Set<string>();
  for (const r of contribution.records) {
    const refuse = (code: ErrorCode): ContributionVerdict => ({ ok: false, code, detail: r.recordId });
    if (seen.has(r.recordId)) return { ok: false, code: ErrorCode.VALIDATION_FAILED, detail: r.recordId };
    seen.add(r.recordId);
    const { anchor, grant } = r;
    if (anchor?.custodian !== site) return refuse(ErrorCode.NOT_FOUND);
    if (anchor.erased) return refuse(ErrorCode.CONTENT_UNAVAILABLE);
    const released =
      grant !== undefined &&
      grant.custodian === site &&
      grant.recordId === r.recordId &&
      grant.version === r.version &&
      grant.purpose === 'research' &&
      grant.studyId === studyId &&
      grant.actorMsp === studyOrg &&
      grant.deidentify;
    if (!released) return refuse(ErrorCode.ACCESS_NOT_GRANTED);
    if (r.alreadyContributed) return refuse(ErrorCode.CONFLICT);
    if (anchor.qualityStatus === 'accepted') quality.accepted += 1;
    else if (anchor.reviewed) quality.reviewed += 1;
    else quality.pending += 1;
    rows.push({ recordId: r.recordId, version: r.version, contentHash: anchor.contentHash });
  }
  if (rows.length === 0) return { ok: false, code: ErrorCode.VALIDATION_FAILED, detail: 'records' };
  const hash = datasetHash(rows);
  if (hash !== contribution.claimedHash) {
    return { ok: false, code: ErrorCode.CONTENT_MISMATCH, detail: 'datasetHash' };
  }
  return {
    ok: true,
    recordCount: rows.length,
    quality,
    passedRecords: quality.accepted + quality.reviewed,
    datasetHash: hash,
  };
}

/**
 * A study's credit table from its sites, their decisions, its tasks, its contributions and its
 * aggregated federated rounds: each site's quota (the record counts of its tasks), verified and
 * passed records, and credit by the domain's formula. Tasks and contributions of anything but a site
 * of the study are ignored (the ledger never writes them; a verifier recomputing from raw state
 * gets the same answer).
 */
export function studyCredit(inputs: {
  readonly sites: readonly string[];
  readonly decisions: Readonly<Partial<Record<string, EthicsDecision>>>;
  readonly tasks: readonly Pick<StudyTask, 'site' | 'recordCount'>[];
  readonly contributions: readonly Pick<
    Contribution,
    'site' | 'recordCount' | 'passedRecords' | 'verified'
  >[];
  readonly rounds: readonly {
    readonly updates: readonly { readonly site: string; readonly sampleCount: number }[];
  }[];
}): z.infer<typeof siteCreditLineSchema>[] {
  const sites = [...new Set(inputs.sites)].sort();
  const quotas: Partial<Record<string, number>> = {};
  for (const t of inputs.tasks) {
    if (sites.includes(t.site)) quotas[t.site] = (quotas[t.site] ?? 0) + t.recordCount;
  }
  const credits = siteCredits({
    sites,
    quotas,
    contributions: inputs.contributions,
    rounds: inputs.rounds,
  });
  return credits.map((c) => {
    const own = inputs.contributions.filter((x) => x.site === c.site && x.verified);
    return {
      site: c.site,
      decision: inputs.decisions[c.site] ?? null,
      quota: quotas[c.site] ?? 0,
      contributions: own.length,
      verifiedRecords: own.reduce((a, x) => a + x.recordCount, 0),
      passedRecords: own.reduce((a, x) => a + x.passedRecords, 0),
      dataScore: c.dataScore,
      roundScore: c.roundScore,
      credit: c.credit,
    };
  });
}

/** The formula's constants, as the credit table states them. */
export const CREDIT_FORMULA = {
  dataWeight: Number(CREDIT_WEIGHTS.data),
  roundWeight: Number(CREDIT_WEIGHTS.rounds),
  total: CREDIT_TOTAL,
} as const;

/** GetContributionPoints input: the patient whose awards to read. */
export const getContributionPointsInput = z.strictObject({ patientDid: patientDidSchema });

/** GetContributionPoints output: the patient's awards (study, site, points; no pseudonym) and balance. */
export const contributionPointsOutput = z.object({
  awards: z.array(contributionAwardSchema),
  balance: z.number().int().min(0),
});
