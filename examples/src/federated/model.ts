/**
 * Synthetic diabetes-risk data and a logistic regression trained by full-batch gradient descent: what
 * each hospital runs on its own data in the federated example. Everything is seeded, so a run is
 * reproducible.
 */

/** The features of one person, in the units a clinic records them. */
export interface Person {
  readonly age: number;
  /** Body-mass index, kg/m². */
  readonly bmi: number;
  /** Fasting plasma glucose, mg/dL. */
  readonly glucose: number;
  /** Systolic blood pressure, mmHg. */
  readonly systolic: number;
  /** 1 when a parent or sibling has diabetes. */
  readonly familyHistory: 0 | 1;
  /** Hours of exercise a week. */
  readonly activity: number;
}

/** One labeled example: features and whether the person developed diabetes. */
export interface Example {
  readonly person: Person;
  readonly diabetic: 0 | 1;
}

/** Model parameters: the bias first, then one weight per feature of {@link featureVector}. */
export type Weights = readonly number[];

/** Number of parameters (bias + 6 features). */
export const PARAMETER_COUNT = 7;

/**
 * Features scaled by fixed clinical reference points (not by each site's own mean and deviation, which
 * would give every site a different feature space and make averaging their weights meaningless).
 */
export function featureVector(p: Person): number[] {
  return [
    1,
    (p.age - 50) / 15,
    (p.bmi - 27) / 5,
    (p.glucose - 100) / 20,
    (p.systolic - 125) / 15,
    p.familyHistory,
    (p.activity - 3) / 2,
  ];
}

/** A small seeded generator (mulberry32): the same seed gives the same data on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  // Box-Muller; 1 - u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** The generating model's log-odds (the ground truth the sites try to learn). */
const TRUE_WEIGHTS: Weights = [-1.1, 0.6, 0.7, 1.4, 0.3, 0.8, -0.5];

/**
 * A site's population: `shift` moves its case mix (an older, heavier population for a positive value),
 * so the sites' data are not identically distributed, as in real hospitals.
 */
export function generateSiteData(seed: number, count: number, shift: number): Example[] {
  const random = seededRandom(seed);
  const out: Example[] = [];
  for (let i = 0; i < count; i++) {
    const person: Person = {
      age: Math.round(Math.min(90, Math.max(18, 50 + 8 * shift + 14 * normal(random)))),
      bmi: Math.max(16, 27 + 2 * shift + 5 * normal(random)),
      glucose: Math.max(60, 100 + 6 * shift + 20 * normal(random)),
      systolic: Math.max(90, 125 + 5 * shift + 15 * normal(random)),
      familyHistory: random() < 0.25 + 0.05 * shift ? 1 : 0,
      activity: Math.max(0, 3 - 0.5 * shift + 2 * normal(random)),
    };
    const p = sigmoid(dot(TRUE_WEIGHTS, featureVector(person)));
    out.push({ person, diabetic: random() < p ? 1 : 0 });
  }
  return out;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/** The predicted probability of diabetes. */
export function predict(weights: Weights, person: Person): number {
  return sigmoid(dot(weights, featureVector(person)));
}

/** Share of examples whose prediction (probability at least 0.5) matches the label. */
export function accuracy(weights: Weights, data: readonly Example[]): number {
  if (data.length === 0) return 0;
  return correctCount(weights, data) / data.length;
}

/** Examples whose prediction matches the label. */
export function correctCount(weights: Weights, data: readonly Example[]): number {
  return data.filter((e) => (predict(weights, e.person) >= 0.5 ? 1 : 0) === e.diabetic).length;
}

/** Sum over examples of the log-loss (cross-entropy) of the predictions, probabilities clamped off 0 and 1. */
export function logLossSum(weights: Weights, data: readonly Example[]): number {
  let sum = 0;
  for (const e of data) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, predict(weights, e.person)));
    sum -= e.diabetic === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum;
}

/** Local training options. */
export interface TrainOptions {
  readonly epochs: number;
  readonly learningRate: number;
  /** L2 penalty on the feature weights (not the bias). */
  readonly l2: number;
}

/** Default local training: a few epochs per round, as federated averaging expects. */
export const DEFAULT_TRAINING: TrainOptions = { epochs: 2, learningRate: 0.3, l2: 0.001 };

/** Starts from `weights` and runs full-batch gradient descent on the log-loss over `data`. */
export function train(
  weights: Weights,
  data: readonly Example[],
  options: TrainOptions = DEFAULT_TRAINING,
): number[] {
  const w = [...weights];
  const rows = data.map((e) => ({ x: featureVector(e.person), y: e.diabetic }));
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const gradient = new Array<number>(w.length).fill(0);
    for (const { x, y } of rows) {
      const error = sigmoid(dot(w, x)) - y;
      for (let j = 0; j < w.length; j++) gradient[j] = (gradient[j] ?? 0) + error * (x[j] ?? 0);
    }
    for (let j = 0; j < w.length; j++) {
      const penalty = j === 0 ? 0 : options.l2 * (w[j] ?? 0);
      w[j] = (w[j] ?? 0) - options.learningRate * ((gradient[j] ?? 0) / Math.max(1, rows.length) + penalty);
    }
  }
  return w;
}

/**
 * Federated averaging (McMahan et al., 2017): the mean of the sites' weights, each weighted by its
 * sample count. Throws when there is no update or no sample.
 */
export function federatedAverage(
  updates: readonly { readonly weights: Weights; readonly sampleCount: number }[],
): number[] {
  const total = updates.reduce((a, u) => a + u.sampleCount, 0);
  if (updates.length === 0 || total <= 0) throw new RangeError('federated averaging needs samples');
  const out = new Array<number>(updates[0]?.weights.length ?? 0).fill(0);
  for (const u of updates) {
    for (let j = 0; j < out.length; j++)
      out[j] = (out[j] ?? 0) + ((u.weights[j] ?? 0) * u.sampleCount) / total;
  }
  return out;
}
