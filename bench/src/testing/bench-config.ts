/** Test support: a benchmark configuration as the harness records it, for fakes and report tests. */
import type { BenchConfig, Measurement, ScenarioRow } from '../report';

/** A plausible configuration (the topology's ordering values, one peer and orderer), with `overrides`. */
export function sampleBenchConfig(overrides: Partial<BenchConfig> = {}): BenchConfig {
  return {
    batchTimeout: '20ms',
    maxMessageCount: 500,
    preferredMaxBytes: '2 MB',
    endorsementPolicy: 'OutOf(2, ...)',
    peers: ['peer0'],
    orderers: ['orderer0'],
    gateways: [],
    cpus: 2,
    node: process.version,
    ...overrides,
  };
}

/** A row of `scenario <id>` with `measured` and `baseline`, for report tests. */
export function sampleRow(
  id: string,
  measured: Measurement,
  baseline: Measurement | null,
  met: boolean | null = null,
): ScenarioRow {
  return {
    id,
    scenario: `scenario ${id}`,
    target: 't',
    measured,
    baseline,
    ratio: null,
    met,
    verdict: '',
    notes: [],
  };
}
