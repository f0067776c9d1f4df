import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A long-running process of the network, started detached so it outlives `npm start`. */
export interface ProcessSpec {
  /** Unique name: log file, pid file and what `status` prints. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string;
  readonly pidFile: string;
  /** Resolves true once the process serves; polled until the start deadline. */
  readonly ready: () => Promise<boolean>;
  /**
   * What the process runs (e.g. a hash of its compiled code): a running process started with another
   * fingerprint is restarted, so `npm start` after a rebuild serves the new code.
   */
  readonly fingerprint?: string;
}

/** Whether the process `pid` runs: signal 0 finds it and it has not exited. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * Whether `pid` has exited but not yet been collected by its parent. The network's processes are
 * detached, so their parent is the machine's init, and where that collects late (some container and VM
 * inits) signal 0 would still find them for seconds after they exited, or for ever. Linux only: where
 * there is no `/proc`, a process is taken to be alive while signal 0 finds it.
 */
function isZombie(pid: number): boolean {
  return procStatFields(pid)?.[0] === 'Z';
}

/**
 * The fields of `/proc/<pid>/stat` after the command name, the process's state first (so Linux's
 * field n is at index n - 3: user time 14 at 11, kernel time 15 at 12); `undefined` when there is no
 * such process or no `/proc`.
 */
export function procStatFields(pid: number | string): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself hold spaces or ')'.
  return stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(' ');
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The pid of the process if it runs, else undefined (and a stale pid file is removed). */
export function runningPid(pidFile: string): number | undefined {
  const pid = readPid(pidFile);
  if (pid === undefined) return undefined;
  if (isAlive(pid)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

/** Polls `check` until it returns true or the deadline passes. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let delay = 50;
  while (performance.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(delay);
    delay = Math.min(delay * 2, 500);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * Starts the process unless it already runs and is ready. Output goes to its log file (appended, so a
 * restart keeps the history). Waits for readiness; on failure prints the log's tail.
 */
export async function startProcess(spec: ProcessSpec, timeoutMs = 60_000): Promise<'started' | 'reused'> {
  const existing = runningPid(spec.pidFile);
  const fingerprintFile = `${spec.pidFile}.fingerprint`;
  const sameCode =
    spec.fingerprint === undefined ||
    (existsSync(fingerprintFile) && readFileSync(fingerprintFile, 'utf8') === spec.fingerprint);
  if (existing !== undefined && sameCode && (await spec.ready().catch(() => false))) return 'reused';
  if (existing !== undefined) await stopProcess(spec.pidFile);
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: { ...spec.env },
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${spec.name}`);
  writeFileSync(spec.pidFile, `${child.pid}\n`);
  if (spec.fingerprint !== undefined) writeFileSync(fingerprintFile, spec.fingerprint);
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    await waitFor(
      `${spec.name} to be ready`,
      async () => {
        if (exited) throw new Error('exited');
        return spec.ready();
      },
      timeoutMs,
    );
  } catch (err) {
    const tail = existsSync(spec.logFile)
      ? readFileSync(spec.logFile, 'utf8').split('\n').slice(-25).join('\n')
      : '';
    throw new Error(
      `${spec.name} did not become ready (${(err as Error).message}); log ${spec.logFile}:\n${tail}`,
      { cause: err },
    );
  }
  return 'started';
}

/** SIGTERM, then SIGKILL after a grace period. Returns whether a process was running. */
export async function stopProcess(pidFile: string, graceMs = 10_000): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 'SIGTERM'); // the whole process group: servers may have children
  } catch {
    process.kill(pid, 'SIGTERM');
  }
  const deadline = performance.now() + graceMs;
  while (isAlive(pid) && performance.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(pidFile, { force: true });
  return true;
}

/** Client credentials for the TLS-protected operations endpoints (client auth is required there). */
export interface TlsClient {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** GET over mutual TLS (the server's certificate must name the URL's host); resolves status and body. */
export function httpsGet(
  url: string,
  tls: TlsClient,
  timeoutMs = 2000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...tls, method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Ready when Fabric's operations endpoint on `ip:port` answers `/healthz` with 200. */
export function healthzReady(ip: string, port: number, tls: TlsClient): () => Promise<boolean> {
  return async () => (await httpsGet(`https://${ip}:${String(port)}/healthz`, tls)).status === 200;
}

/** SHA-256 over the names, sizes and modification times of the files under `dirs` (a cheap code hash). */
export function treeFingerprint(dirs: readonly string[]): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else hash.update(`${full}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  dirs.forEach(walk);
  return hash.digest('hex');
}
