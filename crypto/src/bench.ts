/**
 * Micro-benchmark of the two crypto profiles (not a test): operations per second of hash, sign,
 * verify, encrypt and decrypt on 1 KiB and 64 KiB payloads, printed as a Markdown table.
 *
 *   npm run bench:crypto [-- --ms 400 --rounds 3]
 *
 * Each cell runs the operation for `--ms` milliseconds after a short warm-up, on one thread, in
 * `--rounds` rounds that interleave the profiles, and keeps each cell's best round. Rates are per
 * second of this thread's CPU time, not of the wall clock: on a shared machine the wall clock also
 * counts the time other processes hold the core, which says nothing about the algorithms. Wall-clock
 * rates are printed beside them, with the load average.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

import { randomBytes } from 'node:crypto';

import { CRYPTO_PROFILES, type CryptoProfile } from './profile';

interface Cell {
  /** Operations per second of this thread's CPU time. */
  opsPerCpuSecond: number;
  /** Operations per second of wall-clock time. */
  opsPerSecond: number;
}

function measure(durationMs: number, op: () => unknown): Cell {
  const warmUpEnd = performance.now() + Math.min(100, durationMs / 4);
  while (performance.now() < warmUpEnd) op();
  let count = 0;
  const cpuStart = process.threadCpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    op();
    count++;
    // Reading the clock costs as much as hashing 1 KiB, so read it every few operations.
    if (count % 8 === 0) now = performance.now();
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const cpu = process.threadCpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { opsPerCpuSecond: count / cpuSeconds, opsPerSecond: count / wallSeconds };
}

const OPERATIONS = ['hash', 'sign', 'verify', 'encrypt', 'decrypt'] as const;
type Operation = (typeof OPERATIONS)[number];

function benchProfile(profile: CryptoProfile, bytes: number, durationMs: number): Record<Operation, Cell> {
  const payload = randomBytes(bytes);
  const aad = Buffer.from('_implicit_org_Hospital1MSP/record-bench/1');
  const { publicJwk, privateJwk } = profile.generateSigningKey();
  const signature = profile.sign(privateJwk, payload);
  const key = profile.generateDataKey();
  const sealed = profile.encrypt(key, payload, aad);
  const ops: Record<Operation, () => unknown> = {
    hash: () => profile.hash(payload),
    sign: () => profile.sign(privateJwk, payload),
    verify: () => {
      if (!profile.verify(publicJwk, payload, signature)) throw new Error('verify failed');
    },
    encrypt: () => profile.encrypt(key, payload, aad),
    decrypt: () => profile.decrypt(key, sealed, aad),
  };
  return Object.fromEntries(OPERATIONS.map((name) => [name, measure(durationMs, ops[name])])) as Record<
    Operation,
    Cell
  >;
}

function format(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

function main(): void {
  const { values } = parseArgs({
    options: { ms: { type: 'string', default: '400' }, rounds: { type: 'string', default: '3' } },
  });
  const durationMs = Number(values.ms);
  const rounds = Number(values.rounds);
  if (!Number.isFinite(durationMs) || durationMs < 10) throw new Error('--ms must be a number >= 10');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');
  const profiles = Object.values(CRYPTO_PROFILES);
  const sizes = [1024, 64 * 1024];
  const results = new Map<string, Record<Operation, Cell>>();
  for (let round = 0; round < rounds; round++) {
    for (const bytes of sizes) {
      for (const profile of profiles) {
        const key = `${profile.name}/${String(bytes)}`;
        const cells = benchProfile(profile, bytes, durationMs);
        const best = results.get(key);
        if (best) {
          for (const op of OPERATIONS)
            if (cells[op].opsPerCpuSecond < best[op].opsPerCpuSecond) cells[op] = best[op];
        }
        results.set(key, cells);
      }
    }
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    `Node ${process.version}, OpenSSL ${process.versions.openssl}, ${cpu}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}, best of ${String(rounds)} rounds of ${String(durationMs)} ms per cell; rates per CPU-second\n\n`,
  );
  const header = [
    'operation',
    ...sizes.flatMap((b) => profiles.map((p) => `${p.name} ${String(b / 1024)} KiB`)),
  ];
  process.stdout.write(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n`);
  for (const op of OPERATIONS) {
    const cells = sizes.flatMap((bytes) =>
      profiles.map((p) => {
        const cell = results.get(`${p.name}/${String(bytes)}`)?.[op];
        if (!cell) return '-';
        const mib = (cell.opsPerCpuSecond * bytes) / 2 ** 20;
        return `${format(cell.opsPerCpuSecond)}/s, ${format(mib)} MiB/s (wall ${format(cell.opsPerSecond)}/s)`;
      }),
    );
    process.stdout.write(`| ${op} | ${cells.join(' | ')} |\n`);
  }
  const algorithms = profiles
    .map((p) => `${p.name}: ${p.hashAlgorithm}, ${p.signatureAlgorithm}, ${p.aeadAlgorithm}`)
    .join('; ');
  process.stdout.write(`\n${algorithms}\n`);
}

main();
