/**
 * The operations endpoints outside /v1, without a token: liveness, readiness (the ledger answers; the
 * projection's lag is reported, never fails it), metrics, the OpenAPI document and its Swagger UI.
 */
import { dirname } from 'node:path';

import express, { type Express, type NextFunction, type Request, type Response } from 'express';

import { AppError, GatewayErrorCode } from '../errors';
import type { GatewayMetrics } from '../metrics';
import type { Ledger } from '../services/ledger';
import { locals } from './pipeline/locals';
import { sendProblem, toAppError } from './pipeline/problem';

/** The projection's position, as `/readyz` reports it. */
export interface ProjectionStatus {
  /** Block of the last projected event, `null` when nothing is projected yet. */
  readonly checkpointBlock: number | null;
  /** Ledger height seen by the local peer, `null` when it did not answer. */
  readonly ledgerHeight: number | null;
  /** Blocks the projection is behind (`ledgerHeight - 1 - checkpointBlock`), at least 0. */
  readonly lagBlocks: number | null;
  /** The follower is running (not stopped after a failure it is retrying). */
  readonly following: boolean;
}

/** What the operations endpoints need. */
export interface OpsDeps {
  readonly mspId: string;
  readonly ledger: Ledger;
  readonly metrics: GatewayMetrics;
  /** The OpenAPI document, serialized. */
  readonly openapiText: string;
  readonly isShuttingDown?: () => boolean;
  readonly projectionStatus?: () => Promise<ProjectionStatus>;
}

const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MedLedger API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

function swaggerDir(): string {
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

/** The projection's status for `/readyz`, or why there is none. */
async function projectionOf(deps: OpsDeps): Promise<ProjectionStatus | { error: string } | undefined> {
  if (!deps.projectionStatus) return undefined;
  try {
    return await deps.projectionStatus();
  } catch {
    return { error: 'projection status unavailable' };
  }
}

/** `/readyz`: 503 while shutting down or while the ledger does not answer. */
async function readyz(deps: OpsDeps, res: Response): Promise<void> {
  locals(res).route = '/readyz';
  if (deps.isShuttingDown?.()) {
    sendProblem(res, new AppError(GatewayErrorCode.SHUTTING_DOWN, 'the gateway is shutting down'));
    return;
  }
  try {
    await deps.ledger.ping();
  } catch (err) {
    const e = toAppError(err);
    const unavailable = new AppError(GatewayErrorCode.LEDGER_UNAVAILABLE, 'the ledger does not answer', {
      retryAfterSeconds: 2,
    });
    sendProblem(res, e.status === 503 || e.status === 504 ? e : unavailable);
    return;
  }
  const projection = await projectionOf(deps);
  res.json({ status: 'ready', org: deps.mspId, ...(projection ? { projection } : {}) });
}

/** Mounts the operations endpoints on `app`. */
export function mountOpsRoutes(app: Express, deps: OpsDeps): void {
  app.get('/healthz', (_req, res) => {
    locals(res).route = '/healthz';
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => readyz(deps, res));
  app.get('/metrics', async (_req, res) => {
    locals(res).route = '/metrics';
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    locals(res).route = '/openapi.json';
    res.type('application/json').send(deps.openapiText);
  });
  app.get('/docs', (_req, res) => {
    locals(res).route = '/docs';
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    res.type('text/html').send(DOCS_HTML);
  });
  app.get('/docs/init.js', (_req, res) => {
    locals(res).route = '/docs';
    res.type('application/javascript').send(DOCS_INIT);
  });
  app.use(
    '/docs/assets',
    (_req: Request, res: Response, next: NextFunction) => {
      locals(res).route = '/docs';
      res.setHeader('Cache-Control', 'public, max-age=3600');
      next();
    },
    express.static(swaggerDir(), { index: false, dotfiles: 'ignore' }),
  );
}
