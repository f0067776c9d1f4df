/**
 * Downloads one file and checks it against a pinned SHA-256, resuming a broken transfer.
 *
 * The bytes go to a `.part` file. When the transfer breaks (connection lost, server gone, no data for
 * the idle timeout), the part stays, and the next call asks only for the rest with an HTTP Range
 * request; a server that ignores the range (200 instead of 206) sends the whole file again and the
 * part is rewritten from the start. A complete file whose digest is not the pinned one is deleted:
 * nothing unverified is ever kept under its final name or used.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

/** Why a download gave nothing usable, in one line; `resumable` when a later call continues it. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly resumable = false,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  /** `http:`, `https:` or `file:` URL (a mirror may be a plain folder). */
  readonly url: string;
  /** Lowercase hex SHA-256 the file must have. */
  readonly sha256: string;
  /** Where the bytes are written while they arrive; the verified file is this path. */
  readonly partFile: string;
  /** Abort when no byte arrives for this long (default 30 s). */
  readonly idleTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** SHA-256 of a file, lowercase hex. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** Fetches the rest of `url` after the bytes already in `partFile`. */
async function fetchInto(
  url: string,
  partFile: string,
  idleTimeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  const offset = sizeOf(partFile);
  const controller = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      controller.abort(new Error(`no data for ${String(idleTimeoutMs / 1000)} s`));
    }, idleTimeoutMs);
  };
  arm();
  try {
    let res: Response;
    try {
      res = await fetch(url, {
        headers: offset > 0 ? { range: `bytes=${String(offset)}-` } : {},
        signal: controller.signal,
      });
    } catch (err) {
      throw new DownloadError(describe(err), offset > 0);
    }
    if (res.status === 416 && offset > 0) {
      // The part is as long as the file or longer than it (another file once had this name):
      // start over rather than trust it.
      await res.body?.cancel();
      rmSync(partFile, { force: true });
      await fetchInto(url, partFile, idleTimeoutMs, log);
      return;
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      throw new DownloadError(`HTTP ${String(res.status)} ${res.statusText}`.trim(), offset > 0);
    }
    const resumed = res.status === 206 && contentRangeStart(res.headers.get('content-range')) === offset;
    if (res.status === 206 && !resumed) {
      await res.body?.cancel();
      throw new DownloadError('the server answered another byte range than asked');
    }
    if (res.body === null) throw new DownloadError('empty response');
    const total = res.headers.get('content-length');
    log(
      (resumed ? `resuming ${url} at byte ${String(offset)}` : `downloading ${url}`) +
        (total === null ? '' : ` (${(Number(total) / 1e6).toFixed(1)} MB to go)`),
    );
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', arm);
    try {
      await pipeline(body, createWriteStream(partFile, { flags: resumed ? 'a' : 'w' }));
    } catch (err) {
      const have = sizeOf(partFile);
      throw new DownloadError(
        `interrupted after ${String(have)} bytes (${describe(err)}); the next run resumes from ${partFile}`,
        true,
      );
    }
  } finally {
    clearTimeout(idle);
  }
}

function contentRangeStart(header: string | null): number | undefined {
  const m = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(header ?? '');
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** The innermost cause of a fetch failure, which is the informative one (ENOTFOUND, ECONNREFUSED...). */
function describe(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== undefined && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}

/**
 * Makes `partFile` hold the file at `url` with the pinned digest and returns its path. Throws a
 * `DownloadError` saying what went wrong; the part is kept only when the transfer broke.
 */
export async function downloadVerified(options: DownloadOptions): Promise<string> {
  const { url, sha256, partFile } = options;
  const log = options.log ?? (() => undefined);
  mkdirSync(dirname(partFile), { recursive: true });
  if (url.startsWith('file:')) {
    const source = fileURLToPath(url);
    if (!existsSync(source)) throw new DownloadError('no such file');
    await pipeline(createReadStream(source), createWriteStream(partFile));
  } else {
    await fetchInto(url, partFile, options.idleTimeoutMs ?? 30_000, log);
  }
  const actual = await sha256File(partFile);
  if (actual !== sha256) {
    rmSync(partFile, { force: true });
    throw new DownloadError(`SHA-256 ${actual} is not the pinned ${sha256}; refused and deleted`);
  }
  return partFile;
}
