/**
 * Results of a multi-center study (models, papers) anchored with their lineage: which verified
 * contributions (datasets) and which aggregated federated rounds produced them, which earlier results
 * they derive from, and so which sites (docs/research.md, "Results and their lineage").
 *
 * Rules:
 * - The lead anchors a result of its study with the SHA-256 of its content and its lineage, by id: at
 *   least one dataset or round. Every id must be of THIS study: a contribution recorded for it, a round
 *   aggregated in it, a result anchored in it. A dataset of another study is not found.
 * - The sites are derived, never stated: the sites of the datasets and of the rounds' aggregates.
 * - A result is written once; its lineage graph is rebuilt from what it anchored.
 */
import { z } from 'zod';
import { ErrorCode } from '../errors';
import { mspIdSchema, recordIdSchema, sha256HexSchema, studyIdSchema, txIdSchema } from '../ids';
import { isoTimeSchema } from '../schemas/common';
import { roundNumberSchema, type RoundAggregate } from './study-rounds';
import type { Contribution } from './study-work';

/** What a result is. */
export const RESULT_KINDS = ['model', 'paper'] as const;
/** Most datasets, rounds or parent results one result may name. */
export const MAX_LINEAGE_ITEMS = 100;

const unique = <T extends z.ZodType>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .refine((xs) => new Set(xs).size === xs.length, { error: 'an item appears twice' });

/** The fields of AnchorResult's input (without the rule that a result names a dataset or a round). */
export const anchorResultFields = z.strictObject({
  studyId: studyIdSchema,
  resultId: recordIdSchema,
  kind: z.enum(RESULT_KINDS),
  contentHash: sha256HexSchema,
  /** Contribution ids (their transactions) of this study. */
  datasets: unique(txIdSchema, MAX_LINEAGE_ITEMS),
  /** Aggregated rounds of this study. */
  rounds: unique(roundNumberSchema, MAX_LINEAGE_ITEMS),
  /** Earlier results of this study this one derives from (a paper from a model). */
  derivedFrom: unique(recordIdSchema, 20),
});

/** A result names at least one dataset or round. */
export const namesDataOrRounds = (r: { datasets: readonly unknown[]; rounds: readonly unknown[] }): boolean =>
  r.datasets.length + r.rounds.length > 0;

/** AnchorResult input: the result's content hash and its lineage, by id. */
export const anchorResultInput = anchorResultFields.refine(namesDataOrRounds, {
  error: 'a result needs a dataset or a round',
});

/** zod: a result as the ledger keeps it, with its lineage resolved (bound to the study's org). */
export const studyResultSchema = z.object({
  studyId: studyIdSchema,
  resultId: recordIdSchema,
  kind: z.enum(RESULT_KINDS),
  contentHash: sha256HexSchema,
  org: mspIdSchema,
  datasets: z.array(
    z.object({ contributionId: txIdSchema, site: mspIdSchema, datasetHash: sha256HexSchema }),
  ),
  rounds: z.array(
    z.object({
      round: roundNumberSchema,
      aggregateHash: sha256HexSchema,
      merkleRoot: sha256HexSchema,
      sites: z.array(mspIdSchema),
    }),
  ),
  derivedFrom: z.array(recordIdSchema),
  /** The sites whose data or updates the result used, derived from its datasets and rounds. */
  sites: z.array(mspIdSchema),
  anchoredBy: z.string(),
  anchoredAt: isoTimeSchema,
  txId: txIdSchema,
});
/** An anchored result. */
export type StudyResult = z.infer<typeof studyResultSchema>;

/** GetResultLineage input. */
export const getResultLineageInput = z.strictObject({ studyId: studyIdSchema, resultId: recordIdSchema });

const nodeSchema = z.object({
  id: z.string(),
  kind: z.enum(['result', 'study', 'dataset', 'round', 'site']),
  /** The hash that node anchors (content, dataset, aggregate), when it has one. */
  hash: sha256HexSchema.nullable(),
});
const edgeSchema = z.object({
  from: z.string(),
  to: z.string(),
  relation: z.enum([
    'of-study',
    'used-dataset',
    'used-round',
    'derived-from',
    'contributed-by',
    'trained-at',
  ]),
});

/** GetResultLineage output: the result and its lineage as a graph of ids. */
export const resultLineageOutput = z.object({
  result: studyResultSchema,
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
});
/** A result's lineage graph. */
export type ResultLineage = z.infer<typeof resultLineageOutput>;

/** The outcome of {@link resolveLineage}. */
export type LineageVerdict =
  | {
      readonly ok: true;
      readonly lineage: Pick<StudyResult, 'datasets' | 'rounds' | 'derivedFrom' | 'sites'>;
    }
  | { readonly ok: false; readonly code: ErrorCode; readonly detail: string };

/**
 * Resolves a result's lineage against its study's ledger facts: every dataset a contribution of the
 * study, every round aggregated in it, every parent a result of it; the sites follow from them.
 */
export function resolveLineage(
  claim: {
    readonly datasets: readonly string[];
    readonly rounds: readonly number[];
    readonly derivedFrom: readonly string[];
  },
  facts: {
    readonly contributions: readonly Pick<Contribution, 'contributionId' | 'site' | 'datasetHash'>[];
    readonly aggregates: readonly Pick<RoundAggregate, 'round' | 'aggregateHash' | 'merkleRoot' | 'sites'>[];
    readonly results: readonly string[];
  },
): LineageVerdict {
  const datasets: StudyResult['datasets'] = [];
  for (const id of claim.datasets) {
    const c = facts.contributions.find((x) => x.contributionId === id);
    if (!c) return { ok: false, code: ErrorCode.NOT_FOUND, detail: `dataset ${id}` };
    datasets.push({ contributionId: id, site: c.site, datasetHash: c.datasetHash });
  }
  const rounds: StudyResult['rounds'] = [];
  for (const round of [...claim.rounds].sort((a, b) => a - b)) {
    const a = facts.aggregates.find((x) => x.round === round);
    if (!a) return { ok: false, code: ErrorCode.NOT_FOUND, detail: `round ${String(round)}` };
    rounds.push({ round, aggregateHash: a.aggregateHash, merkleRoot: a.merkleRoot, sites: [...a.sites] });
  }
  for (const parent of claim.derivedFrom) {
    if (!facts.results.includes(parent))
      return { ok: false, code: ErrorCode.NOT_FOUND, detail: `result ${parent}` };
  }
  const sites = [...new Set([...datasets.map((d) => d.site), ...rounds.flatMap((r) => r.sites)])].sort();
  return { ok: true, lineage: { datasets, rounds, derivedFrom: [...claim.derivedFrom], sites } };
}

/** A result's lineage as a graph: the result, its study, datasets, rounds, parents and sites. */
export function lineageGraph(result: StudyResult): Omit<ResultLineage, 'result'> {
  const nodes: ResultLineage['nodes'] = [];
  const edges: ResultLineage['edges'] = [];
  const node = (id: string, kind: ResultLineage['nodes'][number]['kind'], hash: string | null) => {
    if (!nodes.some((n) => n.id === id)) nodes.push({ id, kind, hash });
  };
  const self = `result:${result.resultId}`;
  node(self, 'result', result.contentHash);
  node(`study:${result.studyId}`, 'study', null);
  edges.push({ from: self, to: `study:${result.studyId}`, relation: 'of-study' });
  for (const d of result.datasets) {
    const id = `dataset:${d.contributionId}`;
    node(id, 'dataset', d.datasetHash);
    node(`site:${d.site}`, 'site', null);
    edges.push({ from: self, to: id, relation: 'used-dataset' });
    edges.push({ from: id, to: `site:${d.site}`, relation: 'contributed-by' });
  }
  for (const r of result.rounds) {
    const id = `round:${String(r.round)}`;
    node(id, 'round', r.aggregateHash);
    edges.push({ from: self, to: id, relation: 'used-round' });
    for (const site of r.sites) {
      node(`site:${site}`, 'site', null);
      edges.push({ from: id, to: `site:${site}`, relation: 'trained-at' });
    }
  }
  for (const parent of result.derivedFrom) {
    node(`result:${parent}`, 'result', null);
    edges.push({ from: self, to: `result:${parent}`, relation: 'derived-from' });
  }
  return { nodes, edges };
}
