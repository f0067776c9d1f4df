// Ad-hoc experiment (not committed): where does a record read's tail latency come from?
const { readNetworkInfo } = require('@medledger/network');
const lev = require('../bench/dist/levers.js');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');
const fs = require('node:fs');
const rate = Number(process.argv[2] ?? 200), dur = Number(process.argv[3] ?? 30), label = process.argv[4] ?? 'run';
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
(async () => {
  const info = readNetworkInfo();
  const { writers, state } = await lev.benchWriters(info);
  const ops = lev.benchOperations(writers, state);
  // warm-up 5 s
  for (let i = 0; i < rate * 5; i++) { void ops.read(i); await sleep(1000 / rate); }
  await sleep(1000);
  const h = monitorEventLoopDelay({ resolution: 1 }); h.enable();
  const t0wall = Date.now(); const start = performance.now(); const lat = []; const inflight = [];
  for (let i = 0; ; i++) {
    const intended = start + (i * 1000) / rate; if (intended >= start + dur * 1000) break;
    const w = intended - performance.now(); if (w > 0) await sleep(w);
    const from = Math.min(intended, performance.now());
    inflight.push(ops.read(i).then((k) => lat.push({ at: from - start, ms: performance.now() - from, k })));
  }
  await Promise.all(inflight); h.disable();
  const ms = lat.map((l) => l.ms);
  console.log(label, 'client n', ms.length, 'p50', pct(ms, .5).toFixed(1), 'p95', pct(ms, .95).toFixed(1), 'p99', pct(ms, .99).toFixed(1), 'max', Math.max(...ms).toFixed(1), 'kinds', JSON.stringify(lat.reduce((a, l) => (a[l.k] = (a[l.k] ?? 0) + 1, a), {})));
  console.log(label, 'generator loop delay p99', (h.percentile(99) / 1e6).toFixed(1), 'max', (h.max / 1e6).toFixed(1));
  fs.writeFileSync(`/work/exp/readtail-${label}.json`, JSON.stringify({ t0wall, lat }));
  // gateway's own view
  const log = fs.readFileSync(`${process.env.MEDLEDGER_HOME}/logs/gateway-hospital1.log`, 'utf8').split('\n');
  const g = [];
  for (const line of log) { if (!line.startsWith('{')) continue; const r = JSON.parse(line); if (r.time >= t0wall && r.method === 'GET' && String(r.route).startsWith('/v1/records')) g.push(r.ms); }
  console.log(label, 'gateway n', g.length, 'p50', pct(g, .5), 'p95', pct(g, .95), 'p99', pct(g, .99), 'max', Math.max(...g));
  process.exit(0);
})();
