/**
 * Contribution points: what a patient receives when a hospital's verified contribution to a study
 * used their records (docs/research.md, "Contribution points", gives the reasoning).
 *
 * Rules:
 * - One award per patient, study and contributing site, of a flat {@link CONTRIBUTION_POINTS} points:
 *   the amount never depends on how many of the patient's records or rows were used, so an award
 *   reveals nothing about the dataset's rows.
 * - An award names the study, the site and the contribution it came from, and nothing else: no record
 *   id, no count, no study pseudonym. Its key is {@link contributionAwardTag}, an HMAC under the
 *   custodian's collection key, a key the study's pseudonyms are never computed with, over an input
 *   with its own label, so an award key and a pseudonym of the same patient cannot be matched.
 * - Points are bound to the patient's DID and there is no transfer: a balance is the sum of the
 *   patient's awards ({@link pointsBalance}), nothing else moves points.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { mspIdSchema, studyIdSchema, txIdSchema } from '../ids';
import { isoTimeSchema } from '../schemas/common';

/** Points per patient, study and contributing site. */
export const CONTRIBUTION_POINTS = 10;

const AWARD_LABEL = 'medledger/contribution-award/v1';

/** zod: one award as the patient sees it in their log. */
export const contributionAwardSchema = z.strictObject({
  studyId: studyIdSchema,
  site: mspIdSchema,
  /** The transaction that recorded the verified contribution. */
  contributionTxId: txIdSchema,
  points: z.literal(CONTRIBUTION_POINTS),
  awardedAt: isoTimeSchema,
});
/** A contribution award. */
export type ContributionAward = z.infer<typeof contributionAwardSchema>;

/**
 * The key tag of a patient's award for a study at a site (hex HMAC-SHA-256 under `collectionKey`,
 * the custodian's collection key). The same inputs always give the same tag, which makes an award
 * write-once: a second verification of the same site's data for the same study awards nothing more.
 */
export function contributionAwardTag(
  collectionKey: Uint8Array,
  award: { readonly studyId: string; readonly site: string; readonly patientDid: string },
): string {
  return createHmac('sha256', collectionKey)
    .update([AWARD_LABEL, award.studyId, award.site, award.patientDid].join('\u0000'))
    .digest('hex');
}

/**
 * The awards a verified contribution adds: one per distinct patient whose tag is not in `awarded`
 * yet. `patients` may repeat a patient (one per record used); they get one award.
 */
export function newContributionAwards(
  collectionKey: Uint8Array,
  contribution: {
    readonly studyId: string;
    readonly site: string;
    readonly txId: string;
    readonly txTime: string;
  },
  patients: readonly string[],
  awarded: ReadonlySet<string>,
): { readonly tag: string; readonly patientDid: string; readonly award: ContributionAward }[] {
  const out: { tag: string; patientDid: string; award: ContributionAward }[] = [];
  const seen = new Set<string>();
  for (const patientDid of [...new Set(patients)].sort()) {
    const tag = contributionAwardTag(collectionKey, { ...contribution, patientDid });
    if (awarded.has(tag) || seen.has(tag)) continue;
    seen.add(tag);
    out.push({
      tag,
      patientDid,
      award: {
        studyId: contribution.studyId,
        site: contribution.site,
        contributionTxId: contribution.txId,
        points: CONTRIBUTION_POINTS,
        awardedAt: contribution.txTime,
      },
    });
  }
  return out;
}

/** A patient's balance: the sum of their awards. */
export function pointsBalance(awards: readonly ContributionAward[]): number {
  return awards.reduce((total, a) => total + a.points, 0);
}
