import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  aggregateCpuProfile,
  cpuShareTable,
  focusedSamples,
  mergeAggregates,
  nodeRoleTables,
  packageOf,
  PEER_WORK,
  peerWorkTable,
  roleOf,
  type CpuProfile,
} from './profile-summary';

const ROOT = '/repo';

/** root → handler (gateway) → verify (node_modules/jose); root → (idle); root → (garbage collector). */
function profile(): CpuProfile {
  const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4, 5] },
      { id: 2, callFrame: frame('handler', 'file:///repo/gateway/dist/http/app.js', 9), children: [3] },
      { id: 3, callFrame: frame('verify', 'file:///repo/node_modules/jose/dist/verify.js', 41) },
      { id: 4, callFrame: frame('(idle)') },
      { id: 5, callFrame: frame('(garbage collector)') },
    ],
    startTime: 1_000_000,
    endTime: 1_000_000 + 6000,
    // Samples every 1 ms: handler, verify, verify, idle, gc, verify (the last weighs nothing).
    samples: [2, 3, 3, 4, 5, 3],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
  };
}

void describe('profile summaries', () => {
  void it('when process names are given, then each maps to its role', () => {
    assert.equal(roleOf('peer0-hospital1'), 'peer');
    assert.equal(roleOf('orderer2'), 'orderer');
    assert.equal(roleOf('chaincode-hospital1-next'), 'chaincode server');
    assert.equal(roleOf('gateway-regulator'), 'gateway');
    assert.equal(roleOf('ca-insurer'), 'CA');
    assert.equal(roleOf('something-else'), undefined);
  });

  void it('when a Node profile is aggregated, then idle is left out and self and cumulative samples add up by function', () => {
    const agg = aggregateCpuProfile(profile(), ROOT);
    assert.equal(agg.samples, 5);
    const byName = new Map(agg.functions.map((f) => [f.name, f]));
    assert.deepEqual(byName.get('handler gateway/dist/http/app.js:10'), {
      name: 'handler gateway/dist/http/app.js:10',
      self: 1,
      total: 4,
    });
    assert.deepEqual(byName.get('verify jose/dist/verify.js:42'), {
      name: 'verify jose/dist/verify.js:42',
      self: 3,
      total: 3,
    });
    assert.equal(byName.get('(garbage collector)')?.self, 1);
    assert.equal(byName.has('(idle)'), false);
    assert.deepEqual(
      agg.packages.map((p) => [p.name, p.self]),
      [
        ['jose', 3],
        ['gateway', 1],
        ['(V8 and native)', 1],
      ],
    );
  });

  void it('when a window is given, then only the samples inside it count', () => {
    // Samples at 1.001 s .. 1.006 s; the window holds the 2nd and 3rd (verify, verify).
    const agg = aggregateCpuProfile(profile(), ROOT, { fromUs: 1_001_500, toUs: 1_003_500 });
    assert.equal(agg.samples, 2);
    assert.deepEqual(agg.functions.map((f) => f.name).sort(), [
      'handler gateway/dist/http/app.js:10',
      'verify jose/dist/verify.js:42',
    ]);
  });

  void it("when aggregates of one role are merged and tabled, then samples add and milliseconds are shares of the role's CPU", () => {
    const one = aggregateCpuProfile(profile(), ROOT);
    const merged = mergeAggregates([one, one]);
    assert.equal(merged.samples, 10);
    const lines = nodeRoleTables(merged, 50, 2);
    const flat = lines.indexOf('Top 2 by self time (flat):');
    assert.equal(lines[flat + 4], '| verify jose/dist/verify.js:42 | 60.0 | 30.0 | 60.0 | 30.0 |');
    const cum = lines.indexOf('Top 2 by cumulative time:');
    assert.equal(lines[cum + 4], '| handler gateway/dist/http/app.js:10 | 20.0 | 10.0 | 80.0 | 40.0 |');
  });

  void it('when code lives outside the repo and node_modules, then its package is its folder', () => {
    assert.equal(packageOf('node:internal/streams/readable', ROOT), 'node (core modules)');
    assert.equal(
      packageOf('file:///repo/node_modules/@grpc/grpc-js/build/src/call.js', ROOT),
      '@grpc/grpc-js',
    );
    assert.equal(packageOf('file:///opt/x/y/z.js', ROOT), '/opt/x');
  });

  void it('when CPU seconds per process are given, then the share table sums them by role with CPU per operation', () => {
    const lines = cpuShareTable({ 'peer0-a': 3, 'peer0-b': 1, orderer0: 1, 'gateway-a': 0 }, 1000);
    assert.deepEqual(lines.slice(2), [
      '| peer | 4.00 | 80.0 % | 4.00 |',
      '| orderer | 1.00 | 20.0 % | 1.00 |',
      '| gateway | 0.00 | 0.0 % | 0.00 |',
      '| consortium | 5.00 | 100 % | 5.00 |',
    ]);
  });
});

describe('named work at each peer', () => {
  it("reads a focused pprof run's samples and the profile's total, in seconds or milliseconds", () => {
    const out = [
      'Active filters:',
      '   focus=lifecycle',
      'Showing nodes accounting for 1.36s, 18.11% of 7.51s total',
    ].join('\n');
    assert.deepEqual(focusedSamples(out), { focusedS: 1.36, totalS: 7.51 });
    assert.deepEqual(focusedSamples('Showing nodes accounting for 250ms, 9.8% of 2.55s total'), {
      focusedS: 0.25,
      totalS: 2.55,
    });
    assert.equal(focusedSamples('Total: 7.51s\nno samples matched'), undefined);
  });

  it("turns each peer's shares into milliseconds per operation with the peer's own CPU", () => {
    const decoding = PEER_WORK.findIndex((w) => w.label === 'decoding the chaincode definition');
    assert.ok(decoding >= 0);
    const shares = PEER_WORK.map((_, i) => (i === decoding ? 0.3 : 0));
    const table = peerWorkTable([{ name: 'peer0-hospital2', cpuS: 2.5, shares }], 1000);
    assert.equal(table.length, 3);
    const cells = (table[2] ?? '').split(' | ');
    assert.equal(cells[0], '| peer0-hospital2');
    assert.equal(cells[1], '2.50');
    // 30 % of 2.5 s over 1,000 operations: 0.75 ms each.
    assert.equal(cells[2 + decoding], '0.75 (30 %)');
    assert.equal(cells[decoding === 0 ? 3 : 2], '0.00 (0 %)');
    assert.equal((table[0] ?? '').split(' | ')[2 + decoding], 'decoding the chaincode definition');
  });
});
