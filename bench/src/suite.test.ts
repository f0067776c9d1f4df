import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { RoleCpu } from './cpu';
import { classify } from './http';
import { writeResults, type BenchResults } from './report';
import type { AuditLoadOutcome } from './audit-loader';
import { sampleBenchConfig } from './testing/bench-config';
import { QUICK_PLAN, runSuite, type BenchPlan, type BenchTarget, type LedgerAuditTarget } from './suite';

/** A stand-in for a gateway: every write commits, every read answers, nothing is checked. */
function fakeGateway(): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const txId = randomBytes(32).toString('hex');
      const body =
        chunks.length > 0
          ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
          : {};
      const reply = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'GET') {
        reply(200, { items: [], bookmark: '' });
      } else if (req.url === '/v1/staff') {
        reply(201, { txId, didDocument: { id: `did:medledger:hospital1:${String(body['enrollmentId'])}` } });
      } else {
        // What the insurance scenarios read of a write's answer: the record's hash, the coverage's
        // card, the consent's id, the batch's size.
        reply(req.url === '/v1/ops/ping' || req.url?.endsWith('/access') ? 200 : 201, {
          txId,
          record: { contentHash: 'ab'.repeat(32) },
          card: 'c0'.repeat(32),
          consent: { consentId: txId },
          batch: { entries: 1 },
          decision: { outcome: 'granted', accessId: txId },
        });
      }
    });
  });
}

/** Consortium CPU that grows by a fixed step per reading, a tenth of it on each role but the peers. */
function fakeCpu(): () => { total: number; byRole: RoleCpu } {
  let readings = 0;
  return () => {
    readings++;
    return {
      total: readings,
      byRole: {
        peers: readings * 0.6,
        orderers: readings * 0.1,
        chaincode: readings * 0.1,
        gateways: readings * 0.1,
        cas: readings * 0.1,
      },
    };
  };
}

describe('benchmark harness smoke run', () => {
  let server: Server;
  let url = '';
  const dir = mkdtempSync(join(tmpdir(), 'medledger-bench-'));
  before(async () => {
    server = fakeGateway();
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fakeTarget = (stateName: string, ledger?: LedgerAuditTarget): BenchTarget => ({
    gateways: { Hospital1: url, Regulator: url, Insurer: url },
    mspIds: { Hospital1: 'Hospital1MSP', Regulator: 'RegulatorMSP', Insurer: 'InsurerMSP' },
    token: () => Promise.resolve('dev-token'),
    config: sampleBenchConfig({ gateways: [url] }),
    stateFile: join(dir, stateName),
    projection: () =>
      Promise.resolve({
        auditEvents: 1000,
        loadSeconds: null,
        complianceReportMs: [3, 2, 4],
        auditorPatientPage50: { p50: 1, p99: 2 },
      }),
    cpu: fakeCpu(),
    ...(ledger ? { ledger } : {}),
  });
  const tinyPlan: BenchPlan = {
    ...QUICK_PLAN,
    warmupS: 0.05,
    durationS: 0.2,
    concurrency: 2,
    alternation: { rounds: 2, warmupS: 0.02, chunkS: 0.1 },
    writeRate: 20,
    quietWriteRate: 20,
    readRate: 20,
    auditRate: 20,
    mixRate: 100, // one whole cycle of the mix (20 interactions) in the 0.2 s window
    auditEvents: 3000,
    loaderS: 0.2,
    writers: 2,
    records: 2,
  };
  const rowOf = (results: BenchResults, id: string): BenchResults['rows'][number] => {
    const row = results.rows.find((r) => r.id === id);
    assert.ok(row, `row ${id}`);
    return row;
  };
  const fakeLedger = (outcome: AuditLoadOutcome, queried: string[]): LedgerAuditTarget => ({
    loadAuditEvents: () => Promise.resolve(outcome),
    queryAudit: (did) => {
      queried.push(did);
      return Promise.resolve('committed');
    },
    resolveDid: () => Promise.resolve('committed'),
  });

  it('when the suite runs briefly against a fake gateway, then it writes a well-formed results file with every scenario', async () => {
    const results = await runSuite(fakeTarget('state.json'), tinyPlan);
    const files = writeResults(dir, results);
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as BenchResults;
    assert.deepEqual(
      json.rows.map((r) => r.id),
      [
        'empty-tx-cpu',
        'anchor-saturation',
        'write-latency',
        'write-latency-quiet',
        'record-read',
        'access-decision',
        'mixed-load',
        'audit-loader',
        'audit-query',
        'compliance-report',
        'audit-query-1m',
        'claim-to-settlement',
        'claim-throughput',
      ],
    );
    for (const row of json.rows) {
      assert.equal(typeof row.target, 'string');
      assert.equal(typeof row.verdict, 'string');
      if (row.measured.counts) assert.ok(row.measured.counts.committed > 0, `${row.id} committed something`);
    }
    assert.equal(json.config.batchTimeout, '20ms');
    // The machine was timed at the start, before every step (each named as the log names it) and at the end.
    const speed = json.machineSpeed;
    assert.ok(speed && speed.start.cpuMs > 0 && speed.end.cpuMs > 0);
    assert.deepEqual(
      speed.steps?.slice(0, 2).map((s) => s.step),
      ['write baseline and anchor, closed loops in turn', 'write baseline, open loop 20/s'],
    );
    assert.ok(speed.steps.every((s) => s.cpuMs > 0));
    // The saturation pairs alternated: each side keeps its rounds, and the ratio is shown per round.
    for (const id of ['anchor-saturation', 'access-decision']) {
      const row = rowOf(json, id);
      assert.equal(row.measured.rounds?.length, tinyPlan.alternation.rounds, id);
      assert.equal(row.baseline?.rounds?.length, tinyPlan.alternation.rounds, id);
      assert.match(row.verdict, /; by round \d+\.\d\d \/ \d+\.\d\d$/, id);
    }
    const md = readFileSync(files.md, 'utf8');
    assert.match(md, /\| scenario \| target \|/);
    assert.match(md, /BatchTimeout 20ms/);
    // Nine rows have a baseline in the main table; the seven of them measured under load also have the
    // consortium's CPU, so their baselines show again in the role table.
    assert.equal(md.split('\n').filter((l) => l.startsWith('| ↳ baseline')).length, 16);
    const quiet = rowOf(json, 'write-latency-quiet');
    assert.equal(quiet.met, null, 'the quiet anchors are compared with the bar, not judged by it');
    assert.match(quiet.verdict, /^at this load p50 \d+ ms/);
    assert.match(md, /## Consortium CPU per operation by role/);
    assert.match(md, /\| access-content \| /);
    const mixed = rowOf(json, 'mixed-load');
    assert.deepEqual(Object.keys(mixed.measured.byKind ?? {}).sort(), [
      'access-content',
      'anchor',
      'audit-read',
      'consent-grant',
      'record-read',
    ]);
    assert.ok((mixed.measured.cpuMsPerOpByRole?.peers ?? 0) > 0, 'the fake CPU reaches the peers column');
  });

  it('when the batch loader puts events on the ledger, then the loader row reports its measured rate and the audit query runs on the ledger', async () => {
    const queried: string[] = [];
    const loaded: AuditLoadOutcome = {
      status: 'loaded',
      events: 3000,
      loadedNow: 3000,
      seconds: 6,
      eventsPerSecond: 500,
      batch: 500,
      inFlight: 4,
      samplePatientDid: 'did:medledger:patient:syn-0123456789abcdef-0',
      failedAttempts: 0,
      lastLoad: { events: 3000, seconds: 6, batch: 500, inFlight: 4, at: '2026-01-01T00:00:00.000Z' },
    };
    const results = await runSuite(fakeTarget('state-ledger.json', fakeLedger(loaded, queried)), tinyPlan);
    const ids = results.rows.map((r) => r.id);
    assert.ok(ids.includes('audit-query-ledger'));
    const loader = rowOf(results, 'audit-loader');
    assert.equal(loader.measured.throughput, 500);
    assert.match(loader.verdict, /500 events\/s .*→ 1,000,000 would take 33 min \(EXTRAPOLATED/);
    assert.equal(loader.met, false);
    const query = rowOf(results, 'audit-query-ledger');
    assert.equal(query.met, null, 'fewer than 1,000,000 events decide nothing');
    assert.ok(queried.length > 0 && queried.every((d) => d === loaded.samplePatientDid));
  });

  it('when the running network refuses the batch loader, then the harness says why and falls back to the AccessRecord extrapolation', async () => {
    const queried: string[] = [];
    const refused: AuditLoadOutcome = {
      status: 'disabled',
      reason: 'the running network was started without MEDLEDGER_BENCH_LOADER=1 (no bench-loader identity)',
    };
    const results = await runSuite(fakeTarget('state-refused.json', fakeLedger(refused, queried)), tinyPlan);
    const loader = rowOf(results, 'audit-loader');
    assert.equal(loader.measured.label, 'AccessRecord via REST');
    assert.match(loader.verdict, /EXTRAPOLATED; not loaded/);
    assert.match(loader.notes.join(' '), /without MEDLEDGER_BENCH_LOADER=1/);
    assert.ok(!results.rows.some((r) => r.id === 'audit-query-ledger'));
    assert.deepEqual(queried, []);
    // A quick run has no time for the extrapolation; it still says why nothing was loaded.
    const quick = await runSuite(fakeTarget('state-refused.json', fakeLedger(refused, queried)), {
      ...tinyPlan,
      loaderS: 0,
    });
    assert.match(rowOf(quick, 'audit-loader').verdict, /^not measured: .*without MEDLEDGER_BENCH_LOADER=1/);
  });

  it('when responses are classified, then only 2xx writes with a tx id count as committed', () => {
    assert.equal(classify({ status: 201, body: { txId: 'a' } }, true), 'committed');
    assert.equal(classify({ status: 201, body: {} }, true), 'error');
    assert.equal(classify({ status: 200, body: {} }, false), 'committed');
    assert.equal(classify({ status: 409, body: { code: 'LEDGER_CONFLICT' } }, true), 'mvcc');
    assert.equal(classify({ status: 504, body: { code: 'LEDGER_TIMEOUT' } }, true), 'timeout');
    assert.equal(classify({ status: 429, body: { code: 'RATE_LIMITED' } }, true), 'rejected');
    assert.equal(classify({ status: 503, body: { code: 'LEDGER_UNAVAILABLE' } }, true), 'error');
  });
});
