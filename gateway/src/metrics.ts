/** Prometheus metrics of one gateway (own registry, so several apps can live in one process). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
