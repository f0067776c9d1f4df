/**
 * Federated rounds of a multi-center study on the ledger: each approving site anchors the hash and
 * sample count of its model update, the aggregator (the study's lead) anchors the aggregate's hash and
 * the Merkle root over the updates it used, and anyone in the study checks a site's inclusion against
 * that root (docs/research.md, "Federated rounds on the ledger").
 *
 * Rules:
 * - Rounds are numbered from 1 and run in order: updates for round r are taken only once round r - 1
 *   is aggregated (the sites train from the previous aggregate), and only until round r is.
 * - One update per site per round, from a site that may contribute now (the study active and the
 *   site's committee approving its current protocol version).
 * - A round closes once: one aggregate, naming the sites whose updates it used. The ledger rebuilds
 *   the tree from the ANCHORED updates of those sites (leaves sorted by site) and refuses a root that
 *   is not theirs, so an aggregator cannot claim a site it left out, nor leave out one it claims.
 * - A verifier takes the root and the tree size from the anchored aggregate, never from the prover.
 */
import { z } from 'zod';
import { ErrorCode } from '../errors';
import { mspIdSchema, sha256HexSchema, studyIdSchema, txIdSchema } from '../ids';
import { isoTimeSchema } from '../schemas/common';
import {
  merkleProof,
  merkleRoot,
  modelUpdateLeafHash,
  verifyMerkleProof,
  type MerkleProof,
  type ModelUpdateLeaf,
} from './merkle';

/** The highest round number a study may reach. */
export const MAX_ROUND = 10_000;
/** Most sites one aggregate may name (a study's sites are far fewer). */
export const MAX_ROUND_SITES = 64;
/** Most samples one update may state. */
export const MAX_UPDATE_SAMPLES = 1_000_000_000;

/** zod: a round number. */
export const roundNumberSchema = z.number().int().min(1).max(MAX_ROUND);

/** SubmitModelUpdate input: the caller's site's update for a round (its hash, never the weights). */
export const submitModelUpdateInput = z.strictObject({
  studyId: studyIdSchema,
  round: roundNumberSchema,
  updateHash: sha256HexSchema,
  sampleCount: z.number().int().min(1).max(MAX_UPDATE_SAMPLES),
});

/** zod: a site's model update as the ledger keeps it (its own key, bound to the site). */
export const modelUpdateSchema = z.object({
  studyId: studyIdSchema,
  round: roundNumberSchema,
  site: mspIdSchema,
  updateHash: sha256HexSchema,
  sampleCount: z.number().int().min(1),
  submittedBy: z.string(),
  submittedAt: isoTimeSchema,
  txId: txIdSchema,
});
/** An anchored model update. */
export type ModelUpdate = z.infer<typeof modelUpdateSchema>;

const siteListSchema = z
  .array(mspIdSchema)
  .min(1)
  .max(MAX_ROUND_SITES)
  .refine((s) => new Set(s).size === s.length, { error: 'a site appears twice' });

/** AggregateRound input: the aggregate's hash, the sites whose updates it used, the Merkle root over them. */
export const aggregateRoundInput = z.strictObject({
  studyId: studyIdSchema,
  round: roundNumberSchema,
  aggregateHash: sha256HexSchema,
  sites: siteListSchema,
  merkleRoot: sha256HexSchema,
});

/** zod: a round's aggregate as the ledger keeps it (its own key, bound to the study's org). */
export const roundAggregateSchema = z.object({
  studyId: studyIdSchema,
  round: roundNumberSchema,
  org: mspIdSchema,
  aggregateHash: sha256HexSchema,
  /** The sites whose updates the aggregate used, sorted: the order of the tree's leaves. */
  sites: z.array(mspIdSchema),
  merkleRoot: sha256HexSchema,
  treeSize: z.number().int().min(1),
  /** The samples of the updates used. */
  sampleCount: z.number().int().min(1),
  aggregatedBy: z.string(),
  aggregatedAt: isoTimeSchema,
  txId: txIdSchema,
});
/** An anchored aggregate. */
export type RoundAggregate = z.infer<typeof roundAggregateSchema>;

/** GetStudyRound input. */
export const getStudyRoundInput = z.strictObject({ studyId: studyIdSchema, round: roundNumberSchema });

/** GetStudyRound output: the updates anchored for a round and its aggregate once it closed. */
export const studyRoundOutput = z.object({
  studyId: studyIdSchema,
  round: roundNumberSchema,
  state: z.enum(['waiting', 'open', 'closed']),
  updates: z.array(modelUpdateSchema),
  aggregate: roundAggregateSchema.nullable(),
});
/** A round as GetStudyRound answers it. */
export type StudyRound = z.infer<typeof studyRoundOutput>;

/**
 * The state of round `round`: `closed` once aggregated, `open` when it takes updates (round 1, or the
 * round before it aggregated), `waiting` otherwise.
 */
export function roundState(
  round: number,
  aggregated: boolean,
  previousAggregated: boolean,
): StudyRound['state'] {
  if (aggregated) return 'closed';
  return round === 1 || previousAggregated ? 'open' : 'waiting';
}

/** The leaf of an anchored update. */
export function leafOf(
  update: Pick<ModelUpdate, 'studyId' | 'round' | 'site' | 'updateHash' | 'sampleCount'>,
): ModelUpdateLeaf {
  return {
    studyId: update.studyId,
    round: update.round,
    site: update.site,
    updateHash: update.updateHash,
    sampleCount: update.sampleCount,
  };
}

/** The outcome of {@link checkAggregate}. */
export type AggregateVerdict =
  | { readonly ok: true; readonly sites: string[]; readonly treeSize: number; readonly sampleCount: number }
  | { readonly ok: false; readonly code: ErrorCode; readonly detail: string };

/**
 * Checks an aggregate's claim against the anchored updates of its round: every site it names must
 * have an anchored update, and the root must be the Merkle root over those updates' leaves, sorted by
 * site. The aggregator states the sites and the root; the ledger derives the tree size and the samples.
 */
export function checkAggregate(claim: {
  readonly sites: readonly string[];
  readonly merkleRoot: string;
  readonly updates: readonly ModelUpdate[];
}): AggregateVerdict {
  const sites = [...new Set(claim.sites)].sort();
  if (sites.length !== claim.sites.length) {
    return { ok: false, code: ErrorCode.VALIDATION_FAILED, detail: 'sites' };
  }
  const used: ModelUpdate[] = [];
  for (const site of sites) {
    const update = claim.updates.find((u) => u.site === site);
    if (!update) return { ok: false, code: ErrorCode.NOT_FOUND, detail: `${site} update` };
    used.push(update);
  }
  if (roundRoot(used) !== claim.merkleRoot) {
    return { ok: false, code: ErrorCode.CONTENT_MISMATCH, detail: 'merkleRoot' };
  }
  return {
    ok: true,
    sites,
    treeSize: used.length,
    sampleCount: used.reduce((a, u) => a + u.sampleCount, 0),
  };
}

/** The Merkle root over updates, leaves sorted by site (what an aggregator computes and anchors). */
export function roundRoot(updates: readonly ModelUpdate[]): string {
  return merkleRoot(sortedBySite(updates).map((u) => modelUpdateLeafHash(leafOf(u))));
}

function sortedBySite(updates: readonly ModelUpdate[]): ModelUpdate[] {
  return [...updates].sort((a, b) => (a.site < b.site ? -1 : a.site > b.site ? 1 : 0));
}

/** A site's inclusion proof in a closed round, as the proof route answers it. */
export const roundInclusionProofSchema = z.object({
  studyId: studyIdSchema,
  round: roundNumberSchema,
  leaf: z.object({
    studyId: studyIdSchema,
    round: roundNumberSchema,
    site: mspIdSchema,
    updateHash: sha256HexSchema,
    sampleCount: z.number().int().min(1),
  }),
  leafHash: sha256HexSchema,
  proof: z.object({
    leafIndex: z.number().int().min(0),
    treeSize: z.number().int().min(1),
    path: z.array(sha256HexSchema),
  }),
  merkleRoot: sha256HexSchema,
  aggregateHash: sha256HexSchema,
});
/** A site's inclusion proof. */
export type RoundInclusionProof = z.infer<typeof roundInclusionProofSchema>;

/**
 * The inclusion proof of `site`'s update in a closed round, built from the anchored aggregate and
 * updates; undefined when the round is not closed or the aggregate did not use the site's update.
 */
export function roundInclusionProof(round: StudyRound, site: string): RoundInclusionProof | undefined {
  const aggregate = round.aggregate;
  if (!aggregate) return undefined;
  const used = aggregate.sites.map((s) => round.updates.find((u) => u.site === s));
  const index = aggregate.sites.indexOf(site);
  if (index < 0 || used.some((u) => u === undefined)) return undefined;
  const leaves = (used as ModelUpdate[]).map((u) => modelUpdateLeafHash(leafOf(u)));
  const leaf = leafOf(used[index] as ModelUpdate);
  return {
    studyId: aggregate.studyId,
    round: aggregate.round,
    leaf,
    leafHash: leaves[index] as string,
    proof: (({ leafIndex, treeSize, path }) => ({ leafIndex, treeSize, path: [...path] }))(
      merkleProof(leaves, index),
    ),
    merkleRoot: aggregate.merkleRoot,
    aggregateHash: aggregate.aggregateHash,
  };
}

/**
 * True when `leaf` is in the round `aggregate` anchored: the leaf names the aggregate's study and
 * round, and the audit path leads to its root under its tree size. The root and the size come from
 * the anchored aggregate, never from the prover (only `leafIndex` and `path` do). Never throws.
 */
export function verifyRoundInclusion(
  aggregate: Pick<RoundAggregate, 'studyId' | 'round' | 'merkleRoot' | 'treeSize'>,
  leaf: ModelUpdateLeaf,
  proof: Pick<MerkleProof, 'leafIndex' | 'path'>,
): boolean {
  if (leaf.studyId !== aggregate.studyId || leaf.round !== aggregate.round) return false;
  let leafHash: string;
  try {
    leafHash = modelUpdateLeafHash(leaf);
  } catch {
    return false;
  }
  return verifyMerkleProof(
    leafHash,
    { leafIndex: proof.leafIndex, treeSize: aggregate.treeSize, path: proof.path },
    aggregate.merkleRoot,
  );
}

/**
 * The round work the credit formula counts: per aggregated round, the updates the aggregate used.
 * An update outside its round's aggregate earns nothing.
 */
export function aggregatedRoundWork(
  aggregates: readonly Pick<RoundAggregate, 'round' | 'sites'>[],
  updates: readonly Pick<ModelUpdate, 'round' | 'site' | 'sampleCount'>[],
): { updates: { site: string; sampleCount: number }[] }[] {
  return aggregates.map((a) => ({
    updates: updates
      .filter((u) => u.round === a.round && a.sites.includes(u.site))
      .map((u) => ({ site: u.site, sampleCount: u.sampleCount })),
  }));
}
