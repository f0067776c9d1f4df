import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { LoadResult, Operation } from './load';
import {
  batchSettings,
  chaincodeBuildSettings,
  countSettings,
  envLevers,
  gogcSettings,
  interleave,
  kindsTable,
  LEVER_WORKLOADS,
  listOption,
  machineSpeedLines,
  ratioTable,
  ratioTables,
  sidesTable,
  warmUpNote,
  warmUpSetting,
  type BenchOps,
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

  void it('when three builds ran, then each of the last two has its ratio table against the first', () => {
    const third: Side = {
      label: 'ping | third',
      runs: [run(20, 200), run(10, 600)],
      cpuMsPerOp: [40, 60],
      processCpuMsPerOp: { gw: [10, 12] },
    };
    const lines = ratioTables([...sides, third], ['status', 'stream', 'third'], ['gw']);
    const titles = lines.filter((l) => l.includes(' / '));
    assert.deepEqual(titles, [
      "stream / status, the median of the rounds' ratios (each round's in brackets):",
      "third / status, the median of the rounds' ratios (each round's in brackets):",
    ]);
    assert.ok(
      lines.includes(
        '| ping | 2.00 (2.00, 2.00) | 2.00 (2.00, 2.00) | 0.50 (0.50, 0.50) | 2.00 (2.00, 2.00) | 2.00 (2.00, 2.00) |',
      ),
    );
    assert.deepEqual(ratioTables(sides, ['status']), []);
  });

  void it('when a mixed load ran, then each kind has its own row of medians, and single loads have none', () => {
    const kind = (p50: number, timeouts: number) => ({
      counts: { committed: 30, mvcc: 0, timeout: timeouts, rejected: 0, error: 0 },
      throughput: 3,
      latencyMs: { p50, p95: p50, p99: p50 * 2, max: p50 * 2, mean: p50 },
    });
    const mixed = (anchorP50: number, readP50: number, timeouts: number): LoadResult => ({
      ...run(12, 50),
      byKind: { anchor: kind(anchorP50, timeouts), 'record-read': kind(readP50, 0) },
    });
    const lines = kindsTable('batch', [
      {
        label: 'mix | 20ms',
        runs: [mixed(100, 10, 1), mixed(140, 12, 0), mixed(120, 30, 2)],
        cpuMsPerOp: [],
        processCpuMsPerOp: {},
      },
      ...sides,
    ]);
    assert.deepEqual(lines.slice(2), [
      '| mix | 20ms | anchor | 3.0 | 120.0 | 240.0 | 3 |',
      '| mix | 20ms | record-read | 3.0 | 12.0 | 24.0 | 0 |',
    ]);
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

  void it("when a count lever's values are given, then the default (unset) comes first and each value is named", () => {
    const unset = { label: 'GOMAXPROCS unset', value: undefined };
    assert.deepEqual(countSettings('GOMAXPROCS', 'MEDLEDGER_GOMAXPROCS', unset, '1, 4'), {
      'GOMAXPROCS unset': { MEDLEDGER_GOMAXPROCS: undefined },
      'GOMAXPROCS 1': { MEDLEDGER_GOMAXPROCS: '1' },
      'GOMAXPROCS 4': { MEDLEDGER_GOMAXPROCS: '4' },
    });
    // Go's default is named by value: unset, the network would give each node its share instead.
    const cpus = String(availableParallelism());
    const more = String(availableParallelism() + 1);
    assert.deepEqual(envLevers({ values: more })['gomaxprocs']?.settings, {
      [`GOMAXPROCS ${cpus} (Go's default)`]: { MEDLEDGER_GOMAXPROCS: cpus },
      [`GOMAXPROCS ${more}`]: { MEDLEDGER_GOMAXPROCS: more },
    });
    assert.deepEqual(Object.keys(envLevers({})['validator-pool']?.settings ?? {}), [
      'pool default (CPUs)',
      'pool 1',
      'pool 4',
    ]);
    assert.throws(() => countSettings('GOMAXPROCS', 'MEDLEDGER_GOMAXPROCS', unset, '0'), /--values: "0"/);
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

void describe('the rounds of a lever', () => {
  /** Interleaves `settings` over two fake workloads; what each apply and each run saw, and the sides. */
  async function interleaved(settings: readonly string[], warmUpRound: boolean) {
    const stateDir = mkdtempSync(join(tmpdir(), 'levers-'));
    mkdirSync(join(stateDir, 'run'));
    const applied: string[] = [];
    const ran: string[] = [];
    let current = '';
    const workload = (name: string) => ({
      name,
      warmupS: 0,
      run: () => {
        ran.push(`${name} ${current}`);
        return Promise.resolve(run(ran.length, 10));
      },
    });
    try {
      const sides = await interleave({ stateDir } as Parameters<typeof interleave>[0], {
        settings,
        apply: (setting, counted) => {
          current = setting;
          applied.push(`${setting}${counted ? '' : ' (warm-up)'}`);
          return Promise.resolve();
        },
        workloads: [workload('ping'), workload('anchor')],
        rounds: 2,
        warmUpRound,
        ping: () => Promise.resolve('committed'),
        // The machine gets slower run by run: 101, 102, ... ms.
        machineSpeed: () => 100 + ran.length + 1,
      });
      return { applied, ran, sides };
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }

  void it('when a warm-up round is asked, then every workload runs once first under the setting round 1 ends with, and it is not counted', async () => {
    const { applied, ran, sides } = await interleaved(['a', 'b'], true);
    assert.deepEqual(applied, ['b (warm-up)', 'a', 'b', 'b', 'a']);
    assert.deepEqual(ran.slice(0, 3), ['ping b', 'anchor b', 'ping a']);
    assert.equal(ran.length, 2 + 2 * 2 * 2);
    // Each side holds its two rounds only: the warm-up's results (throughput 1 and 2) are not among them.
    assert.deepEqual(
      sides.map((s) => `${s.label}: ${s.runs.map((r) => r.throughput).join(',')}`),
      ['anchor | a: 4,10', 'anchor | b: 6,8', 'ping | a: 3,9', 'ping | b: 5,7'],
    );
    // The machine was timed before each counted run, not before the warm-up's.
    assert.deepEqual(
      sides.map((s) => `${s.label}: ${(s.machineSpeedCpuMs ?? []).join(',')}`),
      ['anchor | a: 104,110', 'anchor | b: 106,108', 'ping | a: 103,109', 'ping | b: 105,107'],
    );
    assert.deepEqual(machineSpeedLines(sides), [
      "Machine speed before each run (a fixed single-threaded workload's CPU, `bench/src/machine-speed.ts`; lower is faster), median and range per setting: `a` 107 ms (103–110), `b` 107 ms (105–108).",
    ]);
  });

  void it('when no warm-up round is asked, then round 1 starts at once with the first setting', async () => {
    const { applied, ran } = await interleaved(['a', 'b'], false);
    assert.deepEqual(applied, ['a', 'b', 'b', 'a']);
    assert.equal(ran.length, 2 * 2 * 2);
  });

  void it('when sides were written before the machine was timed, then the report says nothing of its speed', () => {
    assert.deepEqual(machineSpeedLines(sides), []);
  });

  void it('when a lever reports its warm-up, then the setting is named and the report says it was not counted', () => {
    assert.equal(warmUpSetting(['GOMAXPROCS 2', 'GOMAXPROCS 1'], true), 'GOMAXPROCS 1');
    assert.equal(warmUpSetting(['GOMAXPROCS 2', 'GOMAXPROCS 1'], false), undefined);
    assert.match(warmUpNote('GOMAXPROCS 1'), /once under `GOMAXPROCS 1`, untimed and not counted/);
  });
});

void describe('lever workloads', () => {
  /** Each workload of `lever` as "name (warm-up s)", built over operations that are never run. */
  function plan(lever: keyof typeof LEVER_WORKLOADS, ops: BenchOps = idleOps()): string[] {
    return LEVER_WORKLOADS[lever].map((build) => {
      const w = build(ops, 10);
      return `${w.name} (${String(w.warmupS)} s)`;
    });
  }
  function idleOps(): BenchOps & { anchorSets: () => number } {
    const op: Operation = () => Promise.resolve('committed');
    let sets = 0;
    return {
      ping: op,
      freshAnchor: () => {
        sets++;
        return op;
      },
      access: op,
      read: op,
      audit: op,
      anchorSets: () => sets,
    };
  }
  const writes = [
    'POST /v1/ops/ping closed 32 (3 s)',
    'POST /v1/ops/ping open 20/s (3 s)',
    'POST /v1/records closed 32 (3 s)',
    'POST /v1/records open 20/s (3 s)',
  ];
  const access = 'POST /v1/records/{id}/access closed 32 (3 s)';
  const read = 'GET /v1/records/{id} open 100/s (3 s)';

  void it('when levers share the write workloads, then gogc, validator-pool and batch run the same four and the others add theirs', () => {
    assert.deepEqual(plan('gogc'), writes);
    assert.deepEqual(plan('validator-pool'), writes);
    let days = 0;
    const day = () => {
      days++;
      return { mixed: (() => Promise.resolve('committed')) as Operation, kindOf: () => 'anchor' as const };
    };
    assert.deepEqual(plan('batch', { ...idleOps(), hospitalDay: day }), [
      ...writes,
      'hospital day mix open 12/s (3 s)',
    ]);
    assert.equal(days, 0, 'a day (and its anchors) is taken only when the mix runs');
    assert.throws(() => plan('batch'), /did not set up the hospital day/);
    assert.deepEqual(plan('history'), [...writes, access]);
    assert.deepEqual(plan('chaincode-logging'), [...writes, read]);
    assert.deepEqual(plan('chaincode-builds'), [...writes, access, read]);
    assert.deepEqual(plan('gomaxprocs', { ...idleOps(), hospitalDay: day }), [
      ...writes,
      access,
      'GET /v1/records/{id} open 200/s (3 s)',
      'hospital day mix open 12/s (3 s)',
    ]);
  });

  void it('when the other levers build their workloads, then each keeps its own rates and warm-ups', () => {
    assert.deepEqual(plan('fabric-logging'), [
      'POST /v1/ops/ping closed 32 (2 s)',
      'GET /v1/records/{id} open 100/s (2 s)',
    ]);
    assert.deepEqual(plan('commit-tracking'), [...writes.slice(0, 3), 'POST /v1/records open 10/s (3 s)']);
    assert.deepEqual(plan('shim-batching'), [access]);
    assert.deepEqual(plan('sqlite'), [
      'POST /v1/records closed 32 (3 s)',
      read,
      'GET /v1/audit (projection) open 50/s (3 s)',
    ]);
    assert.deepEqual(plan('gossip'), [
      'POST /v1/ops/ping closed 32 (3 s)',
      'POST /v1/records closed 32 (3 s)',
    ]);
    assert.deepEqual(plan('readers-policy'), [
      'POST /v1/ops/ping closed 32 (3 s)',
      'POST /v1/records closed 32 (3 s)',
      access,
    ]);
  });

  void it('when anchor workloads are built, then no anchor set is taken until one runs', () => {
    const ops = idleOps();
    plan('chaincode-builds', ops);
    assert.equal(ops.anchorSets(), 0);
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
    assert.deepEqual(settings, [
      { MEDLEDGER_CHAINCODE_LOGGING: 'info' },
      { MEDLEDGER_CHAINCODE_LOGGING: 'warning' },
    ]);
  });
});
