/**
 * `node bench/dist/levers.js fabric-logging [--rounds N] [--duration S]`: measures one lever before and
 * after in the same run, interleaved (A, B, A, B, ...) so a noisy shared machine hits both sides
 * alike. `fabric-logging` switches every peer's and orderer's log spec at run time through their
 * operations endpoint (`PUT /logspec`), from `info` (the default) to `warning`, and restores it.
 * Writes `bench/results/levers.json` and `levers.md`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { ensureOrgSigningKey } from '@medledger/gateway/dist/auth/signing-key';
import { createTokenVerifier, mintToken } from '@medledger/gateway/dist/auth/tokens';
import { readNetworkInfo, type NetworkInfo } from '@medledger/network';

import { networkCpuSeconds } from './cpu';
import { BenchClient, outcomeOf } from './http';
import { closedLoop, openLoop, type LoadResult, type Operation } from './load';
import { localTarget } from './run';

interface BenchState {
  readonly writers: readonly string[];
  readonly writerDids: readonly string[];
  readonly records: readonly string[];
}

/** PUTs (or GETs) `/logspec` on one operations endpoint with mutual TLS. */
function logspec(
  port: number,
  tls: { ca: string; cert: string; key: string },
  spec?: string,
): Promise<string> {
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/logspec',
        method: spec === undefined ? 'GET' : 'PUT',
        ca: readFileSync(tls.ca),
        cert: readFileSync(tls.cert),
        key: readFileSync(tls.key),
        // Operations certificates name the node, not 127.0.0.1.
        checkServerIdentity: () => undefined,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString('utf8')));
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 300) fail(new Error(`logspec ${String(port)}: ${body}`));
          else ok(body);
        });
      },
    );
    req.on('error', fail);
    req.end(spec === undefined ? undefined : JSON.stringify({ spec }));
  });
}

/** Sets the Fabric log spec of every peer and orderer of the network. */
async function setFabricLogging(info: NetworkInfo, spec: string): Promise<void> {
  const org = info.orgs[0];
  if (!org) throw new Error('no org');
  const client = { cert: org.tlsClient.cert, key: org.tlsClient.key };
  const calls: Promise<string>[] = [];
  for (const o of info.orgs) {
    for (const p of o.peers) calls.push(logspec(p.operationsPort, { ca: p.tlsCaCert, ...client }, spec));
  }
  for (const o of info.orderers) calls.push(logspec(o.operationsPort, { ca: o.tlsCaCert, ...client }, spec));
  await Promise.all(calls);
}

interface Side {
  readonly label: string;
  readonly runs: LoadResult[];
  /** CPU milliseconds the whole consortium (every process of the network) spent per committed operation. */
  readonly cpuMsPerOp: number[];
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/**
 * The gateway's bearer-token verification with and without its cache, in one process, interleaved:
 * CPU microseconds per request for the same token verified again and again, as an EMR system's
 * requests arrive.
 */
async function tokenCache(out: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'medledger-lever-'));
  try {
    const key = ensureOrgSigningKey(dir);
    const issuer = 'https://idp.hospital1.medledger.local';
    const token = await mintToken(readFileSync(key.privateKeyPath, 'utf8'), {
      issuer,
      audience: 'medledger-gateway',
      org: 'Hospital1MSP',
      subject: 'doc1',
    });
    const base = {
      issuer,
      audience: 'medledger-gateway',
      algorithms: ['ES256'],
      jwksPath: key.jwksPath,
      orgName: 'Hospital1',
      mspId: 'Hospital1MSP',
      clockToleranceSeconds: 30,
      maxTokenAgeSeconds: 3600,
    };
    const sides = [
      { label: 'no cache (cacheSeconds 0)', verify: await createTokenVerifier({ ...base, cacheSeconds: 0 }) },
      { label: 'cache (default 60 s)', verify: await createTokenVerifier(base) },
    ];
    const results = new Map<string, number[]>();
    const n = 2000;
    for (let round = 0; round < 5; round++) {
      for (const side of sides) {
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < n; i++) await side.verify(token);
        const cpu = process.cpuUsage(cpu0);
        const us = (cpu.user + cpu.system) / n;
        results.set(side.label, [...(results.get(side.label) ?? []), us]);
      }
    }
    const lines = [
      '# Lever: bearer-token verification cache in the gateway, same process, interleaved',
      '',
      `5 rounds of ${String(n)} verifications of the same ES256 token per side; medians.`,
      '',
      '| side | CPU per request (µs) |',
      '|---|---|',
      ...[...results].map(([label, xs]) => `| ${label} | ${median(xs).toFixed(1)} |`),
    ];
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'lever-token-cache.md'), `${lines.join('\n')}\n`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      rounds: { type: 'string', default: '2' },
      duration: { type: 'string', default: '10' },
      out: { type: 'string', default: resolve(__dirname, '..', 'results') },
    },
  });
  if (positionals[0] === 'token-cache') {
    await tokenCache(values.out);
    return;
  }
  if (positionals[0] !== 'fabric-logging') throw new Error('usage: levers.js fabric-logging|token-cache');
  const info = readNetworkInfo();
  if (!info) throw new Error('no network: run npm start or npm run bench first');
  const stateFile = join(info.stateDir, 'bench', 'state.json');
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as BenchState;
  const target = localTarget(info, {
    batchTimeout: '',
    maxMessageCount: 0,
    preferredMaxBytes: '',
    endorsementPolicy: '',
    peers: [],
    orderers: [],
    gateways: [],
    cpus: 0,
    node: process.version,
  });
  const h1 = target.gateways['Hospital1'] ?? '';
  const writers = await Promise.all(
    state.writers.map(async (w) => new BenchClient(h1, await target.token('Hospital1', w))),
  );
  const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length] as T;
  const ping: Operation = (i) => outcomeOf(() => pick(writers, i).post('/v1/ops/ping', {}), true);
  const read: Operation = (i) =>
    outcomeOf(() => pick(writers, i).get(`/v1/records/${encodeURIComponent(pick(state.records, i))}`), false);
  const durationS = Number(values.duration);
  const workloads = [
    {
      name: 'POST /v1/ops/ping closed 32',
      run: () => closedLoop(ping, { concurrency: 32, warmupS: 2, durationS }),
    },
    {
      name: 'GET /v1/records/{id} open 100/s',
      run: () => openLoop(read, { rate: 100, warmupS: 2, durationS }),
    },
  ];
  const specs = ['info', 'warning'];
  const sides = new Map<string, Side>();
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const spec of specs) {
        await setFabricLogging(info, spec);
        for (const w of workloads) {
          const cpu0 = networkCpuSeconds(info.stateDir);
          const r = await w.run();
          const cpuMs = (networkCpuSeconds(info.stateDir) - cpu0) * 1000;
          // Warm-up and drain used CPU too: divide by every operation that ran, not only the window's.
          const ops = (r.counts.committed * (r.durationS + 2)) / r.durationS;
          const key = `${w.name} | ${spec}`;
          const side = sides.get(key) ?? { label: key, runs: [], cpuMsPerOp: [] };
          side.runs.push(r);
          side.cpuMsPerOp.push(ops > 0 ? cpuMs / ops : 0);
          sides.set(key, side);
          process.stderr.write(
            `[levers] ${key}: ${r.throughput.toFixed(1)}/s p50 ${r.latencyMs.p50.toFixed(1)} p99 ${r.latencyMs.p99.toFixed(1)} cpu/op ${(side.cpuMsPerOp.at(-1) ?? 0).toFixed(2)} ms\n`,
          );
        }
      }
    }
  } finally {
    await setFabricLogging(info, 'info');
  }
  const lines = [
    '# Lever: Fabric logging (peers and orderers), info → warning, same run, interleaved',
    '',
    `${values.rounds} rounds of ${String(durationS)} s per side; medians of the rounds. Consortium CPU per operation is the CPU time of every process of the network (peers, orderers, chaincode servers, gateways) divided by the operations run: the number least disturbed by other load on a shared machine.`,
    '',
    '| workload | FABRIC_LOGGING_SPEC | consortium CPU per op (ms) | throughput (/s) | p50 (ms) | p99 (ms) |',
    '|---|---|---|---|---|---|',
  ];
  for (const side of sides.values()) {
    const [name, spec] = side.label.split(' | ');
    lines.push(
      `| ${name ?? ''} | ${spec ?? ''} | ${median(side.cpuMsPerOp).toFixed(2)} | ${median(side.runs.map((r) => r.throughput)).toFixed(1)} | ${median(side.runs.map((r) => r.latencyMs.p50)).toFixed(1)} | ${median(side.runs.map((r) => r.latencyMs.p99)).toFixed(1)} |`,
    );
  }
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'levers.md'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(values.out, 'levers.json'),
    `${JSON.stringify({ at: new Date().toISOString(), sides: [...sides.values()] }, null, 2)}\n`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`levers: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
