import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { LoadResult } from './load';
import {
  batchSettings,
  chaincodeBuildSettings,
  envLevers,
  gogcSettings,
  listOption,
  ratioTable,
  sidesTable,
  type Side,
} from './levers';

function run(throughput: number, p50: number): LoadResult {
  return {
    mode: 'closed',
    concurrency: 32,
    durationS: 10,
    counts: { committed: throughput * 10, mvcc: 0, timeout: 0, rejected: 0, error: 0 },
    throughput,
    latencyMs: { p50, p95: p50, p99: p50 * 2, max: p50 * 3, mean: p50 },
    loadGeneratorCpuPercent: 1,
  };
}

const sides: Side[] = [
  {
    label: 'ping | status',
    runs: [run(40, 100), run(20, 300)],
    cpuMsPerOp: [20, 30],
    processCpuMsPerOp: { gw: [5, 6] },
  },
  {
    label: 'ping | stream',
    runs: [run(50, 80), run(20, 330)],
    cpuMsPerOp: [18, 30],
    processCpuMsPerOp: { gw: [4, 3] },
  },
];

void describe('lever tables', () => {
  void it('when two settings ran two rounds, then the ratio table holds the median of the per-round ratios', () => {
    const lines = ratioTable(sides, ['status', 'stream'], ['gw']);
    assert.equal(lines.length, 3);
    assert.equal(
      lines[2],
      '| ping | 0.95 (0.90, 1.00) | 0.65 (0.80, 0.50) | 1.13 (1.25, 1.00) | 0.95 (0.80, 1.10) | 0.95 (0.80, 1.10) |',
    );
  });

  void it('when sides are tabled, then each row holds the medians and the requests not committed', () => {
    const lines = sidesTable('mode', sides, ['gw']);
    assert.equal(lines[2], '| ping | status | 25.00 | 5.50 | 30.0 | 200.0 | 400.0 | 0 |');
  });
});

void describe('lever settings', () => {
  void it('when timeouts and counts are listed, then the batch curve holds every pair in order', () => {
    const timeouts = listOption('10ms, 50ms', '--timeouts', (t) => /^[0-9]+ms$/.test(t));
    assert.deepEqual(batchSettings(timeouts, ['10', '500']), [
      { batchTimeout: '10ms', maxMessageCount: 10 },
      { batchTimeout: '10ms', maxMessageCount: 500 },
      { batchTimeout: '50ms', maxMessageCount: 10 },
      { batchTimeout: '50ms', maxMessageCount: 500 },
    ]);
  });

  void it('when a list holds a bad or no item, then it is refused naming the option', () => {
    assert.throws(() => listOption('10ms,x', '--timeouts', (t) => /^[0-9]+ms$/.test(t)), /--timeouts: "x"/);
    assert.throws(() => listOption(' , ', '--counts', () => true), /--counts/);
  });

  void it("when GOGC values are given, then Go's default comes first and each value carries the memory limit", () => {
    assert.deepEqual(gogcSettings(['200', 'off'], '512MiB'), {
      'GOGC default': { MEDLEDGER_GOGC: undefined, MEDLEDGER_GOMEMLIMIT: undefined },
      'GOGC=200 GOMEMLIMIT=512MiB': { MEDLEDGER_GOGC: '200', MEDLEDGER_GOMEMLIMIT: '512MiB' },
      'GOGC=off GOMEMLIMIT=512MiB': { MEDLEDGER_GOGC: 'off', MEDLEDGER_GOMEMLIMIT: '512MiB' },
    });
    assert.deepEqual(Object.keys(gogcSettings(['400'])), ['GOGC default', 'GOGC=400']);
  });

  void it('when chaincode builds are named, then each label runs its folder, the first being the base', () => {
    const built = (path: string) => path.startsWith('/builds/');
    const settings = chaincodeBuildSettings(['before=/builds/old', 'after = /builds/new/'], built);
    assert.deepEqual(Object.keys(settings), ['before', 'after']);
    assert.deepEqual(
      Object.values(settings).map((env) => Object.values(env)),
      [['/builds/old'], ['/builds/new']],
    );
  });

  void it('when a build is unbuilt, unlabelled, repeated or alone, then the lever refuses to start', () => {
    const built = (path: string) => path.startsWith('/builds/');
    assert.throws(
      () => chaincodeBuildSettings(['a=/builds/x', 'b=/nowhere'], built),
      /\/nowhere is not a built/,
    );
    assert.throws(
      () => chaincodeBuildSettings(['=/builds/x', 'b=/builds/y'], built),
      /not a new label=folder/,
    );
    assert.throws(
      () => chaincodeBuildSettings(['a=/builds/x', 'a=/builds/y'], built),
      /not a new label=folder/,
    );
    assert.throws(() => chaincodeBuildSettings(['a=/builds/x'], built), /at least two builds/);
  });
});

void describe('levers switched through the environment', () => {
  void it('when a lever compares settings, then no two of them ask for the same environment', () => {
    for (const lever of Object.values(envLevers({}))) {
      const asked = Object.values(lever.settings).map((env) => JSON.stringify(env));
      assert.equal(new Set(asked).size, asked.length, lever.name);
    }
  });

  void it('when the chaincode logging lever runs, then its first setting asks for info by name', () => {
    const settings = Object.values(envLevers({})['chaincode-logging']?.settings ?? {});
    assert.deepEqual(settings, [{ MEDLEDGER_CHAINCODE_LOGGING: 'info' }, { MEDLEDGER_CHAINCODE_LOGGING: 'warning' }]);
  });
});
