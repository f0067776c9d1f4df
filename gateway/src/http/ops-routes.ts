/**
 * The endpoints outside /v1, without a token: the front door (`/`), liveness, readiness (the ledger
 * answers; the projection's lag is reported, never fails it; one check answers every call for up to
 * {@link READINESS_REUSE_MS}), metrics, the OpenAPI document and its Swagger UI. Each is documented in
 * the OpenAPI document from {@link OPS_OPERATIONS}.
 */
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';

import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';

import { AppError, GatewayErrorCode } from '../errors';
import type { GatewayMetrics } from '../metrics';
import type { Ledger } from '../services/ledger';
import { locals } from './pipeline/locals';
import { sendProblem, toAppError } from './pipeline/problem';

/** The projection's position, as `/readyz` reports it. */
export const projectionStatusSchema = z.object({
  checkpointBlock: z
    .number()
    .int()
    .nullable()
    .describe('block of the last projected event; null before the first'),
  ledgerHeight: z
    .number()
    .int()
    .nullable()
    .describe(
      "ledger height seen by the org's peer the gateway follows, or the next that answers; null when none did",
    ),
  lagBlocks: z
    .number()
    .int()
    .min(0)
    .nullable()
    .describe('blocks the projection is behind (ledgerHeight - 1 - checkpointBlock)'),
  following: z.boolean().describe('the follower runs (not stopped after a failure it is retrying)'),
});
export type ProjectionStatus = z.infer<typeof projectionStatusSchema>;

/** What `/readyz` answers when ready. */
export const readinessSchema = z.object({
  status: z.literal('ready'),
  org: z.string().describe("the gateway's org MSP ID"),
  projection: z.union([projectionStatusSchema, z.object({ error: z.string() })]).optional(),
});

/** What `GET /` answers an API client: what this is and where to go next. */
export const frontDoorSchema = z.object({
  name: z.literal('MedLedger gateway'),
  org: z.string().describe("the org's name"),
  mspId: z.string().describe("the org's MSP ID"),
  links: z
    .object({ docs: z.string(), openapi: z.string(), health: z.string(), readiness: z.string() })
    .describe('paths on this gateway'),
});

/** An endpoint outside the route table, as the OpenAPI document shows it. */
export interface OpsOperation {
  readonly method: 'get';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly contentType: string;
  /** The schema of a JSON answer. */
  readonly response?: z.ZodType;
  readonly alternates?: readonly { readonly contentType: string; readonly description: string }[];
  readonly problems?: Readonly<Record<string, string>>;
}

/** The operations endpoints, in the order the document lists them. */
export const OPS_OPERATIONS: readonly OpsOperation[] = [
  {
    method: 'get',
    path: '/',
    operationId: 'frontDoor',
    summary:
      'The front door: a browser is sent to the web console (303 to /console/; a page linking the docs when no console is built), an API client gets this JSON',
    contentType: 'application/json',
    response: frontDoorSchema,
    alternates: [
      { contentType: 'text/html', description: 'without a console: a page linking /docs and /openapi.json' },
    ],
  },
  {
    method: 'get',
    path: '/console/',
    operationId: 'webConsole',
    summary:
      'The web console for patients, hospital staff and regulators (its own paths below /console/ answer the same page)',
    contentType: 'text/html',
    problems: { '404': 'No web console is built on this gateway (ROUTE_NOT_FOUND)' },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    summary: 'Liveness',
    contentType: 'application/json',
    response: z.object({ status: z.literal('ok') }),
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary:
      "Readiness: the ledger answers (the projection's lag is reported, never fails it); one check answers every call for up to 1 s",
    contentType: 'application/json',
    response: readinessSchema,
    problems: { '503': 'Not ready: the ledger does not answer, or the gateway is shutting down' },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    contentType: 'text/plain',
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document (OpenAPI 3.1)',
    contentType: 'application/json',
    response: z.looseObject({
      openapi: z.string(),
      info: z.looseObject({ title: z.string(), version: z.string() }),
      paths: z.record(z.string(), z.unknown()),
    }),
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'apiDocs',
    summary: 'This document, rendered (Swagger UI)',
    contentType: 'text/html',
  },
];

/** What the operations endpoints need. */
export interface OpsDeps {
  /** A browser opening `/` is sent to the web console. */
  readonly consoleAvailable: boolean;
  readonly orgName: string;
  readonly mspId: string;
  readonly ledger: Ledger;
  readonly metrics: GatewayMetrics;
  /** The OpenAPI document, serialized. */
  readonly openapiText: string;
  readonly isShuttingDown?: () => boolean;
  readonly projectionStatus?: () => Promise<ProjectionStatus>;
  /** The clock of `/readyz`'s reuse, in milliseconds (tests); a monotonic one by default. */
  readonly readinessClock?: () => number;
}

const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// An empty icon, so that a browser does not ask for /favicon.ico.
const NO_ICON = '<link rel="icon" href="data:,">';
const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MedLedger API</title>
${NO_ICON}<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

// The front page's only style, allowed by its hash: the page runs no script and loads nothing.
const FRONT_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}h1{font-size:1.6rem;margin-bottom:.25rem}li{margin:.4rem 0}';
const FRONT_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(FRONT_STYLE).digest('base64')}'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);

function frontPage(orgName: string, mspId: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>MedLedger gateway: ${escapeHtml(orgName)}</title>${NO_ICON}<style>${FRONT_STYLE}</style></head>
<body><main>
<h1>MedLedger gateway</h1>
<p>${escapeHtml(orgName)} (${escapeHtml(mspId)}): the REST gateway of a member of a MedLedger consortium. Every
<code>/v1</code> call needs a bearer token from this organization's identity provider.</p>
<ul>
<li><a href="/docs">API documentation</a>: every route, with an example request and answer</li>
<li><a href="/openapi.json">OpenAPI 3.1 document</a>, for code generators and API clients</li>
<li><a href="/readyz">Readiness</a>: whether the ledger answers</li>
</ul>
</main></body></html>`;
}

/**
 * `GET /`: a browser goes to the console (or, without one, gets a page linking the docs); an API client
 * gets JSON (also when it states no preference).
 */
function frontDoor(deps: OpsDeps, req: Request, res: Response): void {
  locals(res).route = '/';
  res.setHeader('Vary', 'Accept');
  const browser = req.accepts(['application/json', 'text/html']) === 'text/html';
  if (browser && deps.consoleAvailable) {
    res.redirect(303, '/console/');
    return;
  }
  if (browser) {
    res.setHeader('Content-Security-Policy', FRONT_CSP);
    res.type('text/html').send(frontPage(deps.orgName, deps.mspId));
    return;
  }
  const body: z.infer<typeof frontDoorSchema> = {
    name: 'MedLedger gateway',
    org: deps.orgName,
    mspId: deps.mspId,
    links: { docs: '/docs', openapi: '/openapi.json', health: '/healthz', readiness: '/readyz' },
  };
  res.json(body);
}

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

/**
 * How long one readiness check's outcome, ready or not, answers `/readyz`. Each check signs a ledger
 * evaluate and queries the projection, and anyone who reaches the gateway may call `/readyz`: a flood
 * of calls costs at most one check a second, and a recovery (or a failure) shows within a second.
 */
export const READINESS_REUSE_MS = 1000;

/**
 * `check` shared among its callers: while one runs, every caller gets its promise, and for `reuseMs`
 * after it settled, its outcome; the first call after that starts the next.
 */
export function sharedCheck<T>(
  check: () => Promise<T>,
  reuseMs: number,
  now: () => number,
): () => Promise<T> {
  let last: { readonly outcome: Promise<T>; settledAt: number | undefined } | undefined;
  return () => {
    if (last && (last.settledAt === undefined || now() - last.settledAt < reuseMs)) return last.outcome;
    const entry: { readonly outcome: Promise<T>; settledAt: number | undefined } = {
      outcome: check(),
      settledAt: undefined,
    };
    const settled = (): void => {
      entry.settledAt = now();
    };
    entry.outcome.then(settled, settled);
    last = entry;
    return entry.outcome;
  };
}

/** One readiness check's outcome: the answer when ready, else the problem. */
type Readiness = { readonly body: z.infer<typeof readinessSchema> } | { readonly problem: AppError };

/** Asks the ledger (and, when it answers, the projection); never rejects. */
async function checkReadiness(deps: OpsDeps): Promise<Readiness> {
  try {
    await deps.ledger.ping();
  } catch (err) {
    const e = toAppError(err);
    const unavailable = new AppError(GatewayErrorCode.LEDGER_UNAVAILABLE, 'the ledger does not answer', {
      retryAfterSeconds: 2,
    });
    return { problem: e.status === 503 || e.status === 504 ? e : unavailable };
  }
  const projection = await projectionOf(deps);
  return { body: { status: 'ready', org: deps.mspId, ...(projection ? { projection } : {}) } };
}

/** `/readyz`: 503 while shutting down or while the ledger does not answer. */
async function readyz(deps: OpsDeps, readiness: () => Promise<Readiness>, res: Response): Promise<void> {
  locals(res).route = '/readyz';
  if (deps.isShuttingDown?.()) {
    sendProblem(res, new AppError(GatewayErrorCode.SHUTTING_DOWN, 'the gateway is shutting down'));
    return;
  }
  const outcome = await readiness();
  if ('problem' in outcome) sendProblem(res, outcome.problem);
  else res.json(outcome.body);
}

/** Mounts the operations endpoints on `app`. */
export function mountOpsRoutes(app: Express, deps: OpsDeps): void {
  app.get('/', (req, res) => {
    frontDoor(deps, req, res);
  });
  app.get('/healthz', (_req, res) => {
    locals(res).route = '/healthz';
    res.json({ status: 'ok' });
  });
  const readiness = sharedCheck(
    () => checkReadiness(deps),
    READINESS_REUSE_MS,
    deps.readinessClock ?? (() => performance.now()),
  );
  app.get('/readyz', (_req, res) => readyz(deps, readiness, res));
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
