/**
 * The messages between the coordinator and a site process. Only model parameters, counts and hashes
 * cross; a site's examples never leave its process.
 */
import type { Weights } from './model';

/** What starts a site: its MSP id, the seed and size of its synthetic population, its case-mix shift. */
export interface SiteSpec {
  readonly site: string;
  readonly seed: number;
  readonly samples: number;
  readonly shift: number;
}

/** Coordinator to site. */
export type ToSite =
  | { readonly type: 'train'; readonly round: number; readonly weights: Weights }
  | { readonly type: 'evaluate'; readonly weights: Weights }
  | { readonly type: 'stop' };

/** Site to coordinator. */
export type FromSite =
  | { readonly type: 'ready'; readonly site: string; readonly trainCount: number; readonly testCount: number }
  | {
      readonly type: 'update';
      readonly round: number;
      readonly weights: Weights;
      readonly sampleCount: number;
      /** SHA-256 of the weights' canonical JSON, computed by the site. */
      readonly updateHash: string;
    }
  | {
      readonly type: 'evaluation';
      readonly correct: number;
      readonly lossSum: number;
      readonly total: number;
    };

/** Share of a site's population held out for evaluation. */
export const TEST_SHARE = 0.25;
