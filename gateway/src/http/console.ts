/**
 * The web console (the `@medledger/console` package's build), served under `/console/`: hashed assets
 * from `/console/assets/` kept a year, and the app's one page for every other path below `/console/`
 * (the app routes in the browser), never cached. Its Content-Security-Policy lets the page load only
 * its own scripts and styles and call only this gateway: no inline script or style, no framing, no
 * other origin. The console calls the same `/v1` routes as any client, with the person's token.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import express, { type Express, type NextFunction, type Request, type Response } from 'express';

import { AppError, GatewayErrorCode } from '../errors';
import { locals } from './pipeline/locals';
import { sendProblem } from './pipeline/problem';

/** Where the console is served. */
export const CONSOLE_PATH = '/console/';

/** The console's Content-Security-Policy. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The console's build folder: `dir` when the configuration names one, none when it says `null`, else
 * the build of the `@medledger/console` package installed beside the gateway, when it was built.
 */
export function consoleDir(dir: string | null | undefined): string | null {
  if (dir === null) return null;
  if (dir !== undefined) return existsSync(join(dir, 'index.html')) ? dir : null;
  let pkg: string;
  try {
    pkg = require.resolve('@medledger/console/package.json');
  } catch {
    return null;
  }
  const built = join(dirname(pkg), 'dist-web');
  return existsSync(join(built, 'index.html')) ? built : null;
}

function consoleHeaders(res: Response): void {
  locals(res).route = CONSOLE_PATH;
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
}

/**
 * Mounts the console under `/console/`: the page at `/console/` (a route, documented with the other
 * operations endpoints) and at every path below it but `assets/`, which serves the build's files.
 * Without a build (`dir` null) the page answers 404.
 */
export function mountConsole(app: Express, dir: string | null): void {
  // Read once: the build does not change under a running gateway (a new build restarts it).
  const page = dir === null ? null : readFileSync(join(dir, 'index.html'), 'utf8');
  const sendPage = (res: Response): void => {
    consoleHeaders(res);
    if (page === null) {
      sendProblem(
        res,
        new AppError(GatewayErrorCode.ROUTE_NOT_FOUND, 'no web console is built on this gateway'),
      );
      return;
    }
    res.type('text/html').send(page);
  };
  app.get(CONSOLE_PATH, (_req, res) => {
    sendPage(res);
  });
  if (dir !== null) {
    app.use(
      `${CONSOLE_PATH}assets`,
      (_req: Request, res: Response, next: NextFunction) => {
        consoleHeaders(res);
        // Names carry a content hash: a changed file is a new name.
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        next();
      },
      express.static(join(dir, 'assets'), { index: false, dotfiles: 'ignore', etag: false }),
    );
  }
  // The app's own paths (`/console/patient/key`, ...) are the same page: the app routes in the browser.
  app.use(CONSOLE_PATH, (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/assets/')) {
      next();
      return;
    }
    sendPage(res);
  });
}
