/** Prometheus metrics of one gateway (own registry, so several apps can live in one process). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { BlockFeedStatus } from './fabric/block-feed';
import type { CommitTrackerStatus } from './fabric/commit-tracker';

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly ledgerDuration: Histogram<'fn' | 'kind' | 'code'>;
  readonly errors: Counter<'code'>;
}

export function createMetrics(withDefaults = true): GatewayMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'medledger_gateway_' });
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'medledger_http_request_duration_seconds',
      help: 'HTTP request latency by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets,
      registers: [registry],
    }),
    ledgerDuration: new Histogram({
      name: 'medledger_ledger_call_duration_seconds',
      help: 'Ledger call latency (submit includes the wait for commit) by function and outcome code',
      labelNames: ['fn', 'kind', 'code'],
      buckets,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'medledger_errors_total',
      help: 'Error responses by problem code',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}

/** A gauge read from `status` at each scrape. */
function statusGauge<S>(
  metrics: GatewayMetrics,
  status: () => S,
): (name: string, help: string, read: (s: S) => number) => void {
  return (name, help, read) => {
    new Gauge({
      name,
      help,
      registers: [metrics.registry],
      collect() {
        this.set(read(status()));
      },
    });
  };
}

/**
 * Gauges of the commit tracker (`ledger.commitTracking: "stream"`), read from `status` at each scrape:
 * whether its block stream is up, its last block, the writes waiting, and how many of them had to ask
 * the peer with a CommitStatus call (the stream could have missed them); with `feed`, the streams the
 * gateway opened and the projection's catch-up reads.
 */
export function registerCommitTrackerMetrics(
  metrics: GatewayMetrics,
  status: () => CommitTrackerStatus,
  feed?: () => BlockFeedStatus,
): void {
  const gauge = statusGauge(metrics, status);
  gauge('medledger_commit_stream_up', 'The commit block stream is open (1) or reconnecting (0)', (s) =>
    s.up ? 1 : 0,
  );
  gauge('medledger_commit_stream_block', 'Last block the commit stream delivered', (s) =>
    Number(s.lastBlock ?? -1n),
  );
  gauge('medledger_commit_waiting', 'Writes waiting for their commit', (s) => s.waiting);
  gauge(
    'medledger_commit_status_calls',
    'Writes that asked the peer with a CommitStatus call because the stream could have missed them',
    (s) => s.statusCalls,
  );
  gauge(
    'medledger_commit_streams_stalled',
    'Block streams given up as stalled: silent while writes waited or a call to their peer timed out, and their peer did not say its height in time (a hung peer)',
    (s) => s.stalledStreams,
  );
  if (!feed) return;
  const feedGauge = statusGauge(metrics, feed);
  feedGauge(
    'medledger_block_streams_opened',
    "Block streams the gateway opened on its peer (the one stream's first opening and each reopening)",
    (s) => s.streamsOpened,
  );
  feedGauge(
    'medledger_projection_catch_up_reads',
    'Bounded block reads the projection needed because it was behind the blocks the stream keeps',
    (s) => s.catchUpReads,
  );
}

/**
 * Which of the org's peers the gateway's block stream follows (the one stream of commits and the
 * projection, or with `ledger.commitTracking: "status"` the projection's), read at each scrape.
 */
export function registerFollowedPeerMetric(metrics: GatewayMetrics, followedPeer: () => number): void {
  statusGauge(metrics, followedPeer)(
    'medledger_block_stream_peer',
    "Which of the org's peers the block stream follows: 0 is the gateway's local peer, 1 the next in its config",
    (index) => index,
  );
}
