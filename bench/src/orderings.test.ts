import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  measurementRatio,
  parseVariants,
  renderComparison,
  variantNetworks,
  writeComparison,
  type VariantComparison,
} from './orderings';
import { sampleBenchConfig, sampleRow } from './testing/bench-config';
import { measurementOf, type BenchResults, type ScenarioRow } from './report';

const latency = (p50: number, p99: number) => ({ p50, p95: p99, p99, max: p99, mean: p50 });

const row = sampleRow;

function results(ordering: string, rows: ScenarioRow[]): BenchResults {
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:02:00.000Z',
    quick: true,
    wallClockS: 120,
    config: sampleBenchConfig({
      orderers: ordering === 'bft' ? ['o0', 'o1', 'o2', 'o3'] : ['o0', 'o1', 'o2'],
    }),
    rows,
  };
}

describe('networks side by side: Raft and BFT, international and sm', () => {
  it('when --ordering is read, then raft, bft or both are taken in the order given and anything else is refused', () => {
    assert.deepEqual(parseVariants('ordering', 'raft,bft'), ['raft', 'bft']);
    assert.deepEqual(parseVariants('ordering', ' BFT , raft'), ['bft', 'raft']);
    assert.deepEqual(parseVariants('ordering', 'bft'), ['bft']);
    assert.throws(() => parseVariants('ordering', 'raft,pbft'), /--ordering takes raft, bft or raft,bft/);
    assert.throws(() => parseVariants('ordering', 'bft,bft'), /names bft twice/);
    assert.throws(() => parseVariants('ordering', ' , '), /takes raft, bft/);
  });

  it('when --profiles is read, then international, sm or both are taken in the order given and anything else is refused', () => {
    assert.deepEqual(parseVariants('profile', 'international,sm'), ['international', 'sm']);
    assert.deepEqual(parseVariants('profile', 'SM'), ['sm']);
    assert.throws(
      () => parseVariants('profile', 'sm,gost'),
      /--profiles takes international, sm or international,sm/,
    );
    assert.throws(() => parseVariants('profile', 'raft'), /--profiles takes/);
  });

  it('when the networks are planned, then each protocol gets its own home and a base port one network span (700 ports) past the previous one', () => {
    const nets = variantNetworks('ordering', '/s/home', 30000, ['raft', 'bft']);
    assert.deepEqual(
      nets.map((n) => [n.variant, n.home, n.basePort]),
      [
        ['raft', '/s/home/orderings/raft', 30700],
        ['bft', '/s/home/orderings/bft', 31400],
      ],
    );
    assert.deepEqual(nets[1]?.env, {
      MEDLEDGER_HOME: '/s/home/orderings/bft',
      MEDLEDGER_BASE_PORT: '31400',
      MEDLEDGER_ORDERER: 'bft',
    });
  });

  it('when the profiles are planned, then each gets its own home under profiles/ and asks the network for its profile', () => {
    const nets = variantNetworks('profile', '/s/home', 30000, ['international', 'sm']);
    assert.deepEqual(
      nets.map((n) => [n.variant, n.home, n.basePort, n.env.MEDLEDGER_CRYPTO_PROFILE]),
      [
        ['international', '/s/home/profiles/international', 30700, 'international'],
        ['sm', '/s/home/profiles/sm', 31400, 'sm'],
      ],
    );
    assert.equal(nets[0]?.env.MEDLEDGER_ORDERER, undefined);
  });

  it('when two measurements are compared, then closed-loop runs are divided by throughput and fixed-rate runs by p50 latency', () => {
    const fast = measurementOf('x', 'closed 32', { throughput: 200, latencyMs: latency(10, 20) });
    const slow = measurementOf('x', 'closed 32', { throughput: 150, latencyMs: latency(30, 60) });
    assert.equal(measurementRatio(fast, slow), '0.75 (tx/s)');
    const a = measurementOf('x', 'open 20/s', { throughput: 20, latencyMs: latency(40, 80) });
    const b = measurementOf('x', 'open 20/s', { throughput: 20, latencyMs: latency(50, 90) });
    assert.equal(measurementRatio(a, b), '1.25 (p50)');
    assert.equal(measurementRatio(a, undefined), '–');
    assert.equal(measurementRatio(measurementOf('x', 'y'), measurementOf('x', 'y')), '–');
  });

  it('when a comparison is rendered, then each scenario and baseline of the first run has a line with both protocols, the ratio and each verdict', () => {
    const m = (t: number, p50: number) =>
      measurementOf('POST /v1/records', 'closed 32', {
        throughput: t,
        latencyMs: latency(p50, p50 * 2),
        consortiumCpuMsPerOp: 20,
      });
    const comparison: VariantComparison = {
      axis: 'ordering',
      startedAt: 'a',
      finishedAt: 'b',
      quick: true,
      runs: [
        { variant: 'raft', results: results('raft', [row('anchor', m(100, 30), m(200, 15), true)]) },
        {
          variant: 'bft',
          results: results('bft', [
            row('anchor', m(60, 50), m(150, 20), false),
            row('only-bft', m(1, 1), null, null),
          ]),
        },
      ],
    };
    const md = renderComparison(comparison);
    assert.match(md, /Raft and BFT side by side \(quick\)/);
    assert.match(md, /Orderers: Raft 3, BFT 4/);
    const lines = md.split('\n').filter((l) => l.startsWith('| '));
    assert.equal(lines.length, 3, 'header, scenario and baseline');
    assert.equal(
      lines[1],
      '| scenario anchor | POST /v1/records | 30.0 / 60.0 | 100.0 | 20.0 | 50.0 / 100.0 | 60.0 | 20.0 | 0.60 (tx/s) | yes | no |',
    );
    assert.match(
      lines[2] ?? '',
      /^\| ↳ baseline \| POST \/v1\/records \| 15\.0 \/ 30\.0 \| 200\.0 .* 0\.75 \(tx\/s\) \| {2}\| {2}\|$/,
    );
    assert.doesNotMatch(md, /only-bft/);
    const profiles = renderComparison({
      ...comparison,
      axis: 'profile',
      runs: comparison.runs.map((r, i) => ({ ...r, variant: i === 0 ? 'international' : 'sm' })),
    });
    assert.match(profiles, /international and sm side by side \(quick\)/);
    assert.match(profiles, /\| international p50 \/ p99 \(ms\) \|.*\| sm ÷ international \|/);
    assert.match(profiles, /`international\/latest\.md`, `sm\/latest\.md`/);
  });

  it('when a comparison is written, then its JSON and Markdown land in the output folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medledger-orderings-'));
    try {
      const comparison: VariantComparison = {
        axis: 'ordering',
        startedAt: 'a',
        finishedAt: 'b',
        quick: false,
        runs: [{ variant: 'bft', results: results('bft', []) }],
      };
      const files = writeComparison(dir, comparison);
      assert.deepEqual(JSON.parse(readFileSync(files.json, 'utf8')), comparison);
      assert.match(readFileSync(files.md, 'utf8'), /BFT side by side/);
      const sm = writeComparison(dir, {
        ...comparison,
        axis: 'profile',
        runs: [{ variant: 'sm', results: results('raft', []) }],
      });
      assert.deepEqual(
        [sm.json, sm.md],
        [join(dir, 'latest-profiles.json'), join(dir, 'latest-profiles.md')],
      );
      assert.throws(() => renderComparison({ ...comparison, runs: [] }), /no run/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
