/**
 * The aggregator of the federated example. It starts one process per site, and for each round sends the
 * global model, receives every site's update, checks the update against the hash the site computed,
 * anchors each update, averages them by sample count (FedAvg), anchors the aggregate with the Merkle
 * root over the updates it used, and has every site evaluate the new global model on its held-out data.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ModelUpdateLeaf } from '@medledger/domain';
import { roundTree, weightsHash, type RoundAnchor } from './anchor';
import { federatedAverage, PARAMETER_COUNT, type Weights } from './model';
import type { FromSite, SiteSpec, ToSite } from './protocol';

/** What one round produced. */
export interface RoundReport {
  readonly round: number;
  /** Accuracy of the round's global model over every site's held-out data (pooled). */
  readonly accuracy: number;
  /** Mean log-loss of the round's global model over the same data. */
  readonly logLoss: number;
  /** Per site: accuracy of the global model on that site's held-out data. */
  readonly siteAccuracy: Readonly<Record<string, number>>;
  readonly aggregateHash: string;
  readonly merkleRoot: string;
  readonly leaves: readonly ModelUpdateLeaf[];
}

/** A federated run's result: the initial model's accuracy (round 0), then one report per round. */
export interface FederatedRun {
  readonly baselineAccuracy: number;
  readonly baselineLogLoss: number;
  readonly rounds: readonly RoundReport[];
  readonly weights: Weights;
}

type Reply<T extends FromSite['type']> = Extract<FromSite, { type: T }>;

// One site process, with one request in flight at a time (the coordinator waits for each answer).
class SiteProcess {
  readonly #child: ChildProcess;
  #waiting:
    { type: FromSite['type']; resolve: (m: FromSite) => void; reject: (e: Error) => void } | undefined;

  constructor(readonly spec: SiteSpec) {
    this.#child = fork(join(__dirname, 'site.js'), [JSON.stringify(spec)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (message: FromSite) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (waiting?.type === message.type) waiting.resolve(message);
      else waiting?.reject(new Error(`${spec.site} answered ${message.type}`));
    });
    this.#child.on('exit', (code) => {
      this.#waiting?.reject(new Error(`${spec.site} exited (${String(code)})`));
      this.#waiting = undefined;
    });
  }

  next<T extends FromSite['type']>(type: T, message?: ToSite): Promise<Reply<T>> {
    return new Promise((resolve, reject) => {
      this.#waiting = {
        type,
        resolve: (m) => {
          resolve(m as Reply<T>);
        },
        reject,
      };
      if (message) this.#child.send(message);
    });
  }

  stop(): Promise<void> {
    if (this.#child.exitCode !== null || !this.#child.connected) return Promise.resolve();
    return new Promise((resolve) => {
      this.#child.once('exit', () => {
        resolve();
      });
      this.#child.send({ type: 'stop' } satisfies ToSite);
    });
  }
}

async function evaluate(sites: readonly SiteProcess[], weights: Weights) {
  const results = await Promise.all(
    sites.map((s) => s.next('evaluation', { type: 'evaluate', weights: [...weights] })),
  );
  const correct = results.reduce((a, r) => a + r.correct, 0);
  const total = results.reduce((a, r) => a + r.total, 0);
  const lossSum = results.reduce((a, r) => a + r.lossSum, 0);
  const siteAccuracy = Object.fromEntries(
    sites.map((s, i) => [s.spec.site, (results[i]?.correct ?? 0) / Math.max(1, results[i]?.total ?? 0)]),
  );
  return { accuracy: correct / Math.max(1, total), logLoss: lossSum / Math.max(1, total), siteAccuracy };
}

async function runRound(
  studyId: string,
  round: number,
  sites: readonly SiteProcess[],
  weights: Weights,
  anchor: RoundAnchor,
) {
  const updates = await Promise.all(
    sites.map((s) => s.next('update', { type: 'train', round, weights: [...weights] })),
  );
  const leaves: ModelUpdateLeaf[] = [];
  updates.forEach((update, i) => {
    const site = sites[i]?.spec.site ?? '';
    // The aggregator never uses parameters that differ from what the site hashed (and anchors).
    if (
      update.round !== round ||
      weightsHash(update.weights) !== update.updateHash ||
      update.weights.length !== PARAMETER_COUNT
    ) {
      throw new Error(`update of ${site} in round ${String(round)} does not match its hash`);
    }
    leaves.push({ studyId, round, site, updateHash: update.updateHash, sampleCount: update.sampleCount });
  });
  for (const leaf of leaves) await anchor.anchorUpdate(leaf);
  const aggregate = federatedAverage(updates);
  const { root } = roundTree(leaves);
  const aggregateHash = weightsHash(aggregate);
  await anchor.anchorAggregate(
    { studyId, round, aggregateHash, merkleRoot: root, treeSize: leaves.length },
    leaves,
  );
  return { aggregate, aggregateHash, merkleRoot: root, leaves };
}

/** Runs `rounds` rounds of federated averaging over one process per site, every step anchored. */
export async function runFederated(options: {
  readonly studyId: string;
  readonly sites: readonly SiteSpec[];
  readonly rounds: number;
  readonly anchor: RoundAnchor;
}): Promise<FederatedRun> {
  const sites = options.sites.map((spec) => new SiteProcess(spec));
  try {
    await Promise.all(sites.map((s) => s.next('ready')));
    let weights: Weights = new Array<number>(PARAMETER_COUNT).fill(0);
    const baseline = await evaluate(sites, weights);
    const rounds: RoundReport[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const result = await runRound(options.studyId, round, sites, weights, options.anchor);
      weights = result.aggregate;
      const { accuracy, logLoss, siteAccuracy } = await evaluate(sites, weights);
      rounds.push({
        round,
        accuracy,
        logLoss,
        siteAccuracy,
        aggregateHash: result.aggregateHash,
        merkleRoot: result.merkleRoot,
        leaves: result.leaves,
      });
    }
    return { baselineAccuracy: baseline.accuracy, baselineLogLoss: baseline.logLoss, rounds, weights };
  } finally {
    await Promise.all(sites.map((s) => s.stop()));
  }
}
