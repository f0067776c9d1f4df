import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { portSpan, consortiumOfSize, defaultTopologySpec } from '@medledger/network';

import type { LoadResult } from './load';
import { fromLoad, type BenchResults, type ScenarioRow } from './report';
import { growthPerOrg, parseOrgCounts, renderScale, scaleNetworks } from './scale';
import { sampleBenchConfig, sampleRow } from './testing/bench-config';

function rowAt(id: string, orgs: number, committed = 200): ScenarioRow {
  const load: LoadResult = {
    mode: 'open',
    targetRate: 20,
    durationS: 10,
    counts: { committed, mvcc: 0, timeout: 200 - committed, rejected: 0, error: 0 },
    throughput: committed === 0 ? 0 : 100 - 5 * orgs,
    latencyMs: { p50: 10 * orgs, p95: 15 * orgs, p99: 20 * orgs, max: 30 * orgs, mean: 10 * orgs },
    loadGeneratorCpuPercent: 1,
  };
  const byRole = { peers: 2 * orgs, orderers: 1, chaincode: orgs, gateways: 3, cas: 0 };
  return sampleRow(id, fromLoad(id, load, committed === 0 ? null : { total: 3 * orgs + 4, byRole }), null);
}

function resultsAt(
  orgs: number,
  rows = ['empty-tx-cpu', 'write-latency', 'write-latency-quiet', 'mixed-load'].map((id) => rowAt(id, orgs)),
): BenchResults {
  return {
    startedAt: 's',
    finishedAt: 'f',
    quick: true,
    wallClockS: 1,
    config: sampleBenchConfig(),
    rows,
  };
}

describe('consortium size comparison', () => {
  it('when --orgs names sizes, then they are read in order, and a size below four, a repeat or a word is refused', () => {
    assert.deepEqual(parseOrgCounts('4, 6,8'), [4, 6, 8]);
    assert.deepEqual(parseOrgCounts('8,4'), [8, 4]);
    assert.throws(() => parseOrgCounts('3,6'), /at least 4 orgs/);
    assert.throws(() => parseOrgCounts('4,4'), /names 4 twice/);
    assert.throws(() => parseOrgCounts('four'), /at least 4 orgs/);
    assert.throws(() => parseOrgCounts(''), /at least 4 orgs/);
  });

  it('when networks of 4, 6 and 8 orgs run beside the caller, then each has its own home, size and the ports of its size', () => {
    const nets = scaleNetworks('/tmp/home', 20000, [4, 6, 8]);
    assert.deepEqual(
      nets.map((n) => [n.variant, n.home, n.basePort, n.env['MEDLEDGER_ORGS'], n.env['MEDLEDGER_HOME']]),
      [
        ['4', '/tmp/home/orgs/4', 20700, '4', '/tmp/home/orgs/4'],
        ['6', '/tmp/home/orgs/6', 21800, '6', '/tmp/home/orgs/6'],
        ['8', '/tmp/home/orgs/8', 23300, '8', '/tmp/home/orgs/8'],
      ],
    );
    assert.equal(nets[2]?.env['MEDLEDGER_BASE_PORT'], '23300');
    assert.equal(nets[1]?.name, '6 orgs');
    // A size alone gets the ports it has among others.
    assert.equal(scaleNetworks('/tmp/home', 20000, [8])[0]?.basePort, 23300);
    assert.ok(23300 + portSpan(consortiumOfSize(defaultTopologySpec, 8)) <= 65535);
  });

  it('when a figure is measured at several sizes, then its growth per added org is the least-squares slope', () => {
    assert.equal(
      growthPerOrg([
        { orgs: 4, value: 10 },
        { orgs: 6, value: 16 },
        { orgs: 8, value: 22 },
      ]),
      3,
    );
    assert.equal(
      growthPerOrg([
        { orgs: 4, value: 10 },
        { orgs: 6, value: null },
        { orgs: 8, value: 2 },
      ]),
      -2,
    );
    assert.equal(growthPerOrg([{ orgs: 4, value: 10 }]), null);
    assert.equal(
      growthPerOrg([
        { orgs: 4, value: 10 },
        { orgs: 4, value: 12 },
      ]),
      null,
    );
  });

  it('when three sizes ran, then the report has a table per scenario with a line per size and the growth per added org', () => {
    const md = renderScale({
      startedAt: 's',
      finishedAt: 'f',
      quick: true,
      runs: [4, 6, 8].map((orgs) => ({ orgs, results: resultsAt(orgs) })),
    });
    assert.match(md, /## empty transaction at saturation/);
    assert.match(md, /## anchor a record at the fixed write rate/);
    assert.match(md, /## anchor a record on a mostly idle host/);
    assert.match(md, /## the hospital day's mix at its peak rate/);
    // At 6 orgs: 70/s, p50 60, p99 120, CPU 22 = peers 12 + orderers 1 + chaincode 6 + gateways 3 + CAs 0.
    assert.match(
      md,
      /\| 6 \| open 20\/s \| 70\.0 \| 60\.0 \| 120\.0 \| 22\.0 \| 12\.0 \| 1\.0 \| 6\.0 \| 3\.0 \| 0\.0 \|/,
    );
    const growth = md.split('\n').filter((l) => l.startsWith('| per added org'));
    assert.equal(growth.length, 4);
    assert.equal(
      growth[0],
      '| per added org | | -5.00 | +10.00 | +20.00 | +3.00 | +2.00 | +0.00 | +1.00 | +0.00 | +0.00 |',
    );
  });

  it('when a size committed nothing of a scenario, then its latency shows as unknown, stays out of the growth line, and a note says so', () => {
    const rows = (orgs: number) => [rowAt('write-latency', orgs, orgs === 8 ? 0 : 200)];
    const md = renderScale({
      startedAt: 's',
      finishedAt: 'f',
      quick: true,
      runs: [4, 6, 8].map((orgs) => ({ orgs, results: resultsAt(orgs, rows(orgs)) })),
    });
    assert.match(md, /\| 8 \| open 20\/s \| 0\.0 \| – \| – \| – \| – \| – \| – \| – \| – \|/);
    // p50 grows 10 ms per org between the two sizes that committed (40 and 60), not toward a 0 at 8.
    assert.match(md, /\| per added org \| \| -[0-9.]+ \| \+10\.00 \| \+20\.00 \| \+3\.00 \|/);
    assert.match(md, /At 8 orgs nothing committed \(200 operations failed or timed out\)/);
  });
});
