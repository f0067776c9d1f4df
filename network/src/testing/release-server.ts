/**
 * Test helpers for the binaries installer: a small archive laid out like a Fabric release, and a
 * local HTTP server that serves it the way GitHub or a mirror would (with byte ranges), or breaks the
 * transfer on purpose. Never a real release.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FABRIC_CA_TOOLS, FABRIC_TOOLS } from '../binaries';
import type { ComponentName } from '../fabric-releases';

/** A fresh temporary folder for one test. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `medledger-${prefix}-`));
}

/**
 * Builds a `.tar.gz` laid out like the component's release archive: `bin/<tool>` as tiny scripts that
 * print their name, and for Fabric `config/core.yaml` and `config/orderer.yaml`. `leave` names files
 * to leave out.
 */
export function buildReleaseArchive(
  component: ComponentName,
  dir: string,
  leave: readonly string[] = [],
): Buffer {
  const stage = join(dir, `stage-${component}`);
  mkdirSync(join(stage, 'bin'), { recursive: true });
  const tools = component === 'fabric' ? FABRIC_TOOLS : FABRIC_CA_TOOLS;
  for (const tool of tools) {
    if (leave.includes(`bin/${tool}`)) continue;
    writeFileSync(join(stage, 'bin', tool), `#!/bin/sh\necho "${tool} from a test archive"\n`);
    chmodSync(join(stage, 'bin', tool), 0o755);
  }
  const entries = ['bin'];
  if (component === 'fabric') {
    mkdirSync(join(stage, 'config'));
    for (const file of ['core.yaml', 'orderer.yaml']) {
      if (!leave.includes(`config/${file}`)) writeFileSync(join(stage, 'config', file), `# ${file}\n`);
    }
    entries.push('config');
  }
  const archive = join(dir, `${component}.tar.gz`);
  const tar = spawnSync('tar', ['-czf', archive, '-C', stage, ...entries], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  return readFileSync(archive);
}

/** Every file (not folder) under `dir`, relative; empty when `dir` does not exist. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full, join(rel, name));
      else out.push(join(rel, name));
    }
  };
  try {
    walk(dir, '');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return out.sort();
}

/** How the server answers one request for a file it holds. */
export type Behaviour =
  | 'serve'
  /** Sends the headers of the whole file, the first `bytes` bytes, then drops the connection. */
  | { readonly cutAfter: number }
  /** Sends the whole file with 200 even when asked for a range. */
  | 'ignore-range';

export interface ReleaseServer {
  readonly url: string;
  /** The requests it received, in order. */
  readonly requests: { path: string; range: string | undefined }[];
  /** Bytes of file content it sent, per request. */
  readonly sent: number[];
  /** Files by name; anything else is a 404. */
  readonly files: Map<string, Buffer>;
  /** How the next requests are answered, one entry each; `serve` once they run out. */
  readonly plan: Behaviour[];
  close(): Promise<void>;
}

function requestedStart(req: IncomingMessage): number | undefined {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** Starts the server on a free loopback port. */
export async function startReleaseServer(): Promise<ReleaseServer> {
  const requests: ReleaseServer['requests'] = [];
  const sent: number[] = [];
  const files = new Map<string, Buffer>();
  const plan: Behaviour[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push({ path, range: req.headers.range });
    const body = files.get(path.replace(/^\/+/, ''));
    if (body === undefined) {
      sent.push(0);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const behaviour = plan.shift() ?? 'serve';
    const start = behaviour === 'ignore-range' ? undefined : requestedStart(req);
    if (start !== undefined && start >= body.length) {
      sent.push(0);
      res.writeHead(416, { 'content-range': `bytes */${String(body.length)}` }).end();
      return;
    }
    const from = start ?? 0;
    const headers = {
      'content-type': 'application/gzip',
      'content-length': String(body.length - from),
      ...(start === undefined
        ? {}
        : { 'content-range': `bytes ${String(from)}-${String(body.length - 1)}/${String(body.length)}` }),
    };
    res.writeHead(start === undefined ? 200 : 206, headers);
    if (typeof behaviour === 'object') {
      const part = body.subarray(from, from + behaviour.cutAfter);
      sent.push(part.length);
      res.write(part, () => {
        // Give the bytes time to leave before the connection is torn down mid-body.
        setTimeout(() => req.socket.destroy(), 50);
      });
      return;
    }
    sent.push(body.length - from);
    res.end(body.subarray(from));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${String(address.port)}`,
    requests,
    sent,
    files,
    plan,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
