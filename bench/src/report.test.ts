import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { LoadResult } from './load';
import {
  fromLoad,
  kindTables,
  measurementOf,
  renderMarkdown,
  roleTable,
  type Measurement,
  type ScenarioRow,
} from './report';
import { sampleBenchConfig, sampleRow } from './testing/bench-config';

const latency = { p50: 10, p95: 20, p99: 30, max: 40, mean: 12 };
const counts = { committed: 120, mvcc: 1, timeout: 2, rejected: 0, error: 3 };

function load(extra: Partial<LoadResult> = {}): LoadResult {
  return {
    mode: 'open',
    targetRate: 12,
    durationS: 10,
    counts,
    throughput: 12,
    latencyMs: latency,
    loadGeneratorCpuPercent: 3,
    ...extra,
  };
}

const row = (id: string, measured: Measurement, baseline: Measurement | null): ScenarioRow =>
  sampleRow(id, measured, baseline, true);

/** The report of an empty run whose configuration has `extra` on top of the sample one. */
const renderWithConfig = (extra: Record<string, unknown>): string =>
  renderMarkdown({
    startedAt: 's',
    finishedAt: 'f',
    quick: true,
    wallClockS: 1,
    config: { ...sampleBenchConfig(), ...extra },
    rows: [],
  });

describe('benchmark report', () => {
  it('when a run measured CPU per role, then the role table shows each side with its total and every role', () => {
    const byRole = { peers: 6, orderers: 2, chaincode: 1.5, gateways: 3, cas: 0 };
    const measured = fromLoad('POST /v1/records', load(), { total: 12.5, byRole });
    const baseline = fromLoad('POST /v1/ops/ping', load(), { total: 8, byRole: { ...byRole, peers: 1.5 } });
    assert.deepEqual(measured.cpuMsPerOpByRole, byRole);
    assert.equal(measured.consortiumCpuMsPerOp, 12.5);
    const lines = roleTable([row('a', measured, baseline), row('b', measurementOf('x', 'y'), null)]);
    assert.ok(
      lines.includes(
        '| scenario | run | load | total | peers | orderers | chaincode servers | gateways | CAs |',
      ),
    );
    assert.ok(
      lines.includes('| scenario a | POST /v1/records | open 12/s | 12.5 | 6.0 | 2.0 | 1.5 | 3.0 | 0.0 |'),
    );
    assert.ok(
      lines.includes('| ↳ baseline | POST /v1/ops/ping | open 12/s | 8.0 | 1.5 | 2.0 | 1.5 | 3.0 | 0.0 |'),
    );
    assert.equal(
      lines.filter((l) => l.startsWith('| scenario b')).length,
      0,
      'a side without a split has no line',
    );
  });

  it('when no side measured CPU per role, then there is no role table', () => {
    assert.deepEqual(roleTable([row('a', fromLoad('GET /x', load()), null)]), []);
  });

  it('when a mixed load kept results per kind, then its table has a line per kind and one for all', () => {
    const byKind = {
      anchor: { counts: { ...counts, committed: 20 }, throughput: 2, latencyMs: { ...latency, p99: 150 } },
      'record-read': { counts: { ...counts, committed: 100 }, throughput: 10, latencyMs: latency },
    };
    const mixed = fromLoad('hospital day mix', load({ byKind }), null);
    const lines = kindTables([row('mix', mixed, fromLoad('ping', load()))]);
    assert.ok(lines.includes('## scenario mix: per kind of operation (open 12/s)'));
    assert.ok(lines.includes('| anchor | 10.0 / 20.0 / 150.0 / 40.0 | 2.0 | 1 / 2 / 3 |'));
    assert.ok(lines.includes('| record-read | 10.0 / 20.0 / 30.0 / 40.0 | 10.0 | 1 / 2 / 3 |'));
    assert.ok(lines.includes('| all | 10.0 / 20.0 / 30.0 / 40.0 | 12.0 | 1 / 2 / 3 |'));
    const md = renderMarkdown({
      startedAt: 's',
      finishedAt: 'f',
      quick: true,
      wallClockS: 1,
      config: sampleBenchConfig(),
      rows: [row('mix', mixed, null)],
    });
    assert.match(md, /per kind of operation/);
    assert.doesNotMatch(md, /## Consortium CPU per operation by role/);
  });

  it("when the run recorded the Fabric nodes' log spec and GOMAXPROCS, then the configuration line names them, and omits them when it did not", () => {
    assert.match(
      renderWithConfig({ fabricLogging: 'warning', goMaxProcs: 1 }),
      /; peers and orderers: Fabric log spec `warning`, GOMAXPROCS 1\./,
    );
    assert.match(
      renderWithConfig({ fabricLogging: 'warning' }),
      /; peers and orderers: Fabric log spec `warning`\./,
    );
    assert.doesNotMatch(renderWithConfig({}), /peers and orderers:/);
  });

  it("when the run recorded the CPUs' model, then the run's line names it, and leaves it out when it did not", () => {
    assert.match(
      renderWithConfig({ cpuModel: 'AMD EPYC' }),
      /^Run s – f \(1 s\), 2 CPUs \(AMD EPYC\), Node v/m,
    );
    assert.match(renderWithConfig({}), /^Run s – f \(1 s\), 2 CPUs, Node v/m);
  });

  it("when the run timed the machine's speed, then the report gives it at the start and the end under the run's line", () => {
    const speed = (cpuMs: number) => ({ cpuMs, wallMs: cpuMs * 2, passes: 3 });
    const base = {
      startedAt: 's',
      finishedAt: 'f',
      quick: true,
      wallClockS: 1,
      config: sampleBenchConfig(),
      rows: [],
    };
    const lines = renderMarkdown({ ...base, machineSpeed: { start: speed(101.4), end: speed(140) } }).split(
      '\n',
    );
    assert.match(lines[2] ?? '', /^Run s – f/);
    assert.match(
      lines[4] ?? '',
      /^Machine speed: .* took 101 ms of CPU at the start of the run and 140 at its end/,
    );
    assert.doesNotMatch(renderMarkdown(base), /Machine speed/);
    const steps = [
      { step: 'write baseline', cpuMs: 88.2 },
      { step: 'anchor', cpuMs: 121.6 },
    ];
    assert.match(
      renderMarkdown({ ...base, machineSpeed: { start: speed(90), end: speed(70), steps } }),
      /took 90 ms of CPU at the start of the run, 88 to 122 before its 2 steps .* and 70 at its end/,
    );
  });
});
