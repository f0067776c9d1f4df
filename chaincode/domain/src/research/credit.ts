/**
 * The credit of each site of a study, computed from verified contributions only (docs/research.md,
 * "Credit"). Integer arithmetic throughout (bigints for the products), so every endorsing peer gets
 * the same numbers.
 *
 * For each site s:
 * - `data(s)  = min(quota(s), sum of records that passed the quality gate in s's verified contributions)`:
 *   the records the lead asked of s (its tasks' record counts added up) that were delivered and passed.
 *   Records beyond the quota earn nothing, so flooding a study does not buy credit; a site without a
 *   task earns no data credit.
 * - `rounds(s) = sum over aggregated rounds of min(samples of s's update the aggregate included, passed(s))`:
 *   the federated work. Only updates inside an anchored aggregate count, and a site cannot claim more
 *   training samples in a round than it has verified records.
 * - `credit(s) = 10000 * (3/5 * data(s) / sum data + 2/5 * rounds(s) / sum rounds)` in basis points.
 *   When nobody has round work, data carries the whole weight (and the other way round); when nobody
 *   has either, every credit is 0.
 * - Rounded by largest remainder (ties to the site that sorts first), so the credits add up to exactly
 *   10000 whenever any site earned something; each site's credit is within 1 of its exact share.
 */
import { z } from 'zod';
import { mspIdSchema } from '../ids';

/** Weight of delivered data against federated work (3 : 2). */
export const CREDIT_WEIGHTS = { data: 3n, rounds: 2n } as const;
/** Credit units: basis points, 10000 for the whole study. */
export const CREDIT_TOTAL = 10_000;

/** zod: a verified or pending contribution, as the credit needs it. */
export const creditContributionSchema = z.object({
  site: mspIdSchema,
  /** Records that passed the quality gate (`accepted`, or `needs_review` cleared). */
  passedRecords: z.number().int().min(0),
  /** Set once the lead verified the dataset against its anchored hash. */
  verified: z.boolean(),
});
/** A contribution, reduced to what the credit needs. */
export type CreditContribution = z.infer<typeof creditContributionSchema>;

/** The inputs of the credit formula. */
export interface CreditInputs {
  /** The study's sites. Sites outside this list are ignored. */
  readonly sites: readonly string[];
  /** Records assigned to each site by its tasks (summed). */
  readonly quotas: Readonly<Partial<Record<string, number>>>;
  readonly contributions: readonly CreditContribution[];
  /** Per aggregated round: the samples of each site's update the aggregate included. */
  readonly rounds: readonly {
    readonly updates: readonly { readonly site: string; readonly sampleCount: number }[];
  }[];
}

/** One site's credit and the scores it came from. */
export interface SiteCredit {
  readonly site: string;
  readonly dataScore: number;
  readonly roundScore: number;
  /** Basis points. */
  readonly credit: number;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Data and round scores per site (the formula's `data(s)` and `rounds(s)`). */
export function creditScores(
  inputs: CreditInputs,
): { site: string; dataScore: number; roundScore: number }[] {
  const sites = [...new Set(inputs.sites)].sort();
  return sites.map((site) => {
    const passed = sum(
      inputs.contributions.filter((c) => c.verified && c.site === site).map((c) => c.passedRecords),
    );
    const quota = inputs.quotas[site] ?? 0;
    const roundScore = sum(
      inputs.rounds.map((round) =>
        Math.min(passed, sum(round.updates.filter((u) => u.site === site).map((u) => u.sampleCount))),
      ),
    );
    return { site, dataScore: Math.min(quota, passed), roundScore };
  });
}

/** Each site's credit in basis points, sites sorted (see the module's TSDoc for the formula). */
export function siteCredits(inputs: CreditInputs): SiteCredit[] {
  const scores = creditScores(inputs);
  const dataTotal = BigInt(sum(scores.map((s) => s.dataScore)));
  const roundTotal = BigInt(sum(scores.map((s) => s.roundScore)));
  const wData = dataTotal > 0n ? CREDIT_WEIGHTS.data : 0n;
  const wRounds = roundTotal > 0n ? CREDIT_WEIGHTS.rounds : 0n;
  if (wData + wRounds === 0n) return scores.map((s) => ({ ...s, credit: 0 }));
  // share(s) = TOTAL * (wData*d*R + wRounds*r*D) / ((wData+wRounds)*D*R), with an absent part's total as 1.
  const d = dataTotal > 0n ? dataTotal : 1n;
  const r = roundTotal > 0n ? roundTotal : 1n;
  const denominator = (wData + wRounds) * d * r;
  const exact = scores.map((s) => {
    const numerator =
      BigInt(CREDIT_TOTAL) * (wData * BigInt(s.dataScore) * r + wRounds * BigInt(s.roundScore) * d);
    return { ...s, floor: numerator / denominator, remainder: numerator % denominator };
  });
  let left = BigInt(CREDIT_TOTAL) - exact.reduce((a, s) => a + s.floor, 0n);
  const order = exact
    .map((s, i) => ({ i, remainder: s.remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  const bonus = new Set<number>();
  for (const { i } of order) {
    if (left === 0n) break;
    bonus.add(i);
    left -= 1n;
  }
  return exact.map((s, i) => ({
    site: s.site,
    dataScore: s.dataScore,
    roundScore: s.roundScore,
    credit: Number(s.floor) + (bonus.has(i) ? 1 : 0),
  }));
}
