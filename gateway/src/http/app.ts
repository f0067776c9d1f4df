/**
 * The Express app factory (no listen: tests start it on port 0). Order: request id and security
 * headers, URL limit, CORS, ops routes, then v1 routes (JSON body limit, auth, rate limit,
 * validation, idempotency, service call), then one not-found handler and one error handler.
 */
import { createHash, randomUUID } from 'node:crypto';
import { dirname } from 'node:path';

import { canonicalJson } from '@medledger/domain';
import express, { type NextFunction, type Request, type Response } from 'express';

import { NonceCache, PATIENT_PROOF_HEADER } from '../auth/patient-proof';
import type { Principal, TokenVerifier } from '../auth/tokens';
import type { GatewayConfig } from '../config';
import { AppError, GatewayErrorCode, titleFor } from '../errors';
import { crashAt, FAILPOINT_HEADER, parseFailpoint, type FailpointStage } from '../failpoints';
import { IDEMPOTENCY_KEY_PATTERN, type IdempotencyStore } from '../idempotency';
import type { EndorsedTransaction } from '../fabric/ledger-port';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import { RateLimiter } from '../rate-limit';
import { unverifiedPayloadField } from '../services/consents';
import type { StaffEnroller } from '../services/context';
import type { Ledger } from '../services/ledger';
import { validate } from '../services/ledger';
import { findDuplicateKey } from './duplicate-keys';
import { buildOpenApi } from './openapi';
import type { ProjectionService } from '../projection/read/service';
import { buildRoutes, RawReply, type RouteDef, type HandlerContext } from './route-table';

/** What the app needs. */
export interface AppDeps {
  readonly config: Readonly<GatewayConfig>;
  readonly ledger: Ledger;
  readonly verifier: TokenVerifier;
  readonly idempotency: IdempotencyStore;
  readonly enroller: StaffEnroller;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** Wallet identity used for readiness and for relaying patient requests. */
  readonly serviceEnrollmentId: string;
  readonly rateLimiter?: RateLimiter;
  readonly isShuttingDown?: () => boolean;
  /** The audit projection's queries (read-only connection). */
  readonly projection: ProjectionService;
  /** How far the projection is behind the ledger, reported by `/readyz` (never fails readiness). */
  readonly projectionStatus?: () => Promise<ProjectionStatus>;
}

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

interface Locals {
  requestId: string;
  route: string;
  txIds: string[];
  principal?: Principal;
}

function locals(res: Response): Locals {
  return res.locals as Locals;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Marks a JSON body whose keys could pollute prototypes. */
class ForbiddenKeyError extends Error {}
class DuplicateKeyError extends Error {}

function problemBody(err: AppError, requestId: string): Record<string, unknown> {
  return {
    type: `urn:medledger:problem:${err.code.toLowerCase()}`,
    title: titleFor(err.status),
    status: err.status,
    code: err.code,
    detail: err.detail,
    instance: `urn:medledger:request:${requestId}`,
    requestId,
    ...(err.txId ? { txId: err.txId } : {}),
    ...(err.issues ? { issues: err.issues } : {}),
  };
}

function sendProblem(res: Response, err: AppError): void {
  const { requestId } = locals(res);
  if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  if (err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
  res
    .status(err.status)
    .type('application/problem+json')
    .send(JSON.stringify(problemBody(err, requestId)));
}

/** Converts anything thrown into an AppError (body-parser errors included). */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; cause?: unknown };
  if (err instanceof ForbiddenKeyError || e.cause instanceof ForbiddenKeyError) {
    return new AppError(GatewayErrorCode.MALFORMED_JSON, 'the body uses a forbidden key');
  }
  if (err instanceof DuplicateKeyError || e.cause instanceof DuplicateKeyError) {
    return new AppError(GatewayErrorCode.MALFORMED_JSON, 'the body repeats a key in one object');
  }
  switch (e.type) {
    case 'entity.too.large':
      return new AppError(GatewayErrorCode.PAYLOAD_TOO_LARGE, 'the body is too large');
    case 'entity.parse.failed':
      return new AppError(GatewayErrorCode.MALFORMED_JSON, 'the body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE, 'unsupported body encoding');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError(GatewayErrorCode.MALFORMED_JSON, 'the body could not be read');
    default:
      break;
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError(GatewayErrorCode.VALIDATION_FAILED, 'the request could not be read');
  }
  return new AppError(GatewayErrorCode.INTERNAL, 'unexpected error', { cause: err });
}

function withFailpoint(ledger: Ledger, stage: FailpointStage | undefined): Ledger {
  return stage === undefined ? ledger : ledger.withFailpoint(stage);
}

function expressPath(path: string): string {
  return path.replace(/\{([A-Za-z]+)\}/g, ':$1');
}

function templateRegex(path: string): RegExp {
  const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[A-Za-z]+\\?\}/g, '[^/]+');
  return new RegExp(`^${escaped.replace(/\{[A-Za-z]+\}/g, '[^/]+')}/?$`);
}

function swaggerDir(): string {
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MedLedger API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

/** Creates the app and the route table it serves. */
export function createApp(deps: AppDeps): { app: express.Express; routes: readonly RouteDef[] } {
  const { config, logger, metrics } = deps;
  const routes = buildRoutes(config.limits.pageSizeMax);
  // Nonces of patient-key proofs (access log), per gateway process.
  const patientProofNonces = new NonceCache();
  const openapi = buildOpenApi(routes, {
    title: 'MedLedger gateway',
    version: '1.0.0',
    org: config.org.name,
  });
  const openapiText = JSON.stringify(openapi);
  const limiter = deps.rateLimiter ?? new RateLimiter(config.limits.ratePerSecond, config.limits.rateBurst);
  const corsOrigins = new Set(config.cors.origins.map((o) => new URL(o).origin));
  const templates = routes.map((r) => ({ re: templateRegex(r.path), method: r.method.toUpperCase() }));

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const inbound = req.get('x-request-id');
    const requestId = inbound && REQUEST_ID.test(inbound) ? inbound : randomUUID();
    Object.assign(res.locals, { requestId, route: 'unmatched', txIds: [] });
    const l = locals(res);
    const started = process.hrtime.bigint();
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('Content-Security-Policy', API_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe(
        { method: req.method, route: l.route, status: String(res.statusCode) },
        seconds,
      );
      logger.info(
        {
          requestId,
          method: req.method,
          route: l.route,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
          ...(l.txIds.length ? { txIds: l.txIds } : {}),
          ...(l.principal ? { principal: `${l.principal.kind}:${l.principal.subject}` } : {}),
        },
        'request',
      );
    });
    if (req.originalUrl.length > config.limits.urlLength) {
      sendProblem(res, new AppError(GatewayErrorCode.URI_TOO_LONG, 'the URL is too long'));
      return;
    }
    const origin = req.get('origin');
    if (origin && corsOrigins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, X-Transaction-Id, Retry-After');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH');
        res.setHeader(
          'Access-Control-Allow-Headers',
          `Authorization, Content-Type, Idempotency-Key, X-Request-Id, ${PATIENT_PROOF_HEADER}`,
        );
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  });

  // operations
  app.get('/healthz', (_req, res) => {
    locals(res).route = '/healthz';
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    locals(res).route = '/readyz';
    if (deps.isShuttingDown?.()) {
      sendProblem(res, new AppError(GatewayErrorCode.SHUTTING_DOWN, 'the gateway is shutting down'));
      return;
    }
    try {
      await deps.ledger.ping();
      let projection: ProjectionStatus | { error: string } | undefined;
      if (deps.projectionStatus) {
        try {
          projection = await deps.projectionStatus();
        } catch {
          projection = { error: 'projection status unavailable' };
        }
      }
      res.json({ status: 'ready', org: config.org.mspId, ...(projection ? { projection } : {}) });
    } catch (err) {
      const e = toAppError(err);
      sendProblem(
        res,
        e.status === 503 || e.status === 504
          ? e
          : new AppError(GatewayErrorCode.LEDGER_UNAVAILABLE, 'the ledger does not answer', {
              retryAfterSeconds: 2,
            }),
      );
    }
  });
  app.get('/metrics', async (_req, res) => {
    locals(res).route = '/metrics';
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    locals(res).route = '/openapi.json';
    res.type('application/json').send(openapiText);
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

  const jsonParser = express.json({
    limit: config.limits.bodyBytes,
    strict: true,
    type: ['application/json', 'application/*+json'],
    reviver: (key: string, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKeyError('forbidden key');
      return value;
    },
    verify: (_req, _res, buf) => {
      if (findDuplicateKey(buf.toString('utf8')) !== undefined) throw new DuplicateKeyError('duplicate key');
    },
  });

  for (const route of routes) {
    const handle = async (req: Request, res: Response): Promise<void> => {
      const l = locals(res);
      l.route = route.path;
      const principal = await authenticate(req);
      l.principal = principal;
      if (!route.principals.includes(principal.kind)) {
        throw new AppError(GatewayErrorCode.FORBIDDEN, 'this route is not for this kind of caller');
      }
      const wait = limiter.take(`${principal.kind}:${principal.subject}`);
      if (wait > 0) {
        throw new AppError(GatewayErrorCode.RATE_LIMITED, 'too many requests', {
          retryAfterSeconds: wait,
        });
      }
      const parsedParams: unknown = validate(route.params, { ...req.params }, '/path');
      const params = parsedParams as Record<string, unknown>;
      const query = validate(route.query, { ...(req.query as Record<string, unknown>) }, '/query');
      let body: unknown = undefined;
      if (route.body) {
        if (!req.is('application/json') && !req.is('application/*+json')) {
          throw new AppError(GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE, 'send application/json');
        }
        body = validate(route.body, req.body, '/body');
      }
      if (principal.kind === 'patient') checkPatientSelf(route, principal, params, body);

      const failpoint = config.failpoints ? parseFailpoint(req.get(FAILPOINT_HEADER)) : undefined;
      const key = req.get('idempotency-key');
      const scope = `${principal.kind}:${principal.subject}`;
      let idempotent = false;
      let prior: readonly EndorsedTransaction[] = [];
      if (route.write && key !== undefined) {
        if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
          throw new AppError(
            GatewayErrorCode.IDEMPOTENCY_KEY_INVALID,
            'Idempotency-Key must be 8-128 of [A-Za-z0-9_.:-]',
          );
        }
        const hash = createHash('sha256')
          .update(`${route.method} ${req.path}\n${canonicalJson(req.body ?? null)}`)
          .digest('hex');
        const begun = deps.idempotency.begin(scope, key, hash);
        if (begun.state === 'replay') {
          res.setHeader('Idempotent-Replayed', 'true');
          res
            .status(begun.status)
            .type(begun.status >= 400 ? 'application/problem+json' : 'application/json');
          res.send(begun.body);
          return;
        }
        if (begun.state === 'mismatch') {
          throw new AppError(
            GatewayErrorCode.IDEMPOTENCY_KEY_REUSED,
            'the key was used with another payload',
          );
        }
        if (begun.state === 'in-progress') {
          throw new AppError(
            GatewayErrorCode.IDEMPOTENCY_IN_PROGRESS,
            'a request with this key is in progress',
            {
              retryAfterSeconds: 1,
            },
          );
        }
        idempotent = true;
        prior = begun.prior ?? [];
      }

      const ctx: HandlerContext = {
        ledger: withFailpoint(prior.length > 0 ? deps.ledger.withPrior(prior) : deps.ledger, failpoint),
        caller: { enrollmentId: principal.kind === 'staff' ? principal.subject : deps.serviceEnrollmentId },
        mspId: config.org.mspId,
        principal,
        enroller: deps.enroller,
        projection: deps.projection,
        accepts: (types) => req.accepts([...types]),
        header: (name) => req.get(name),
        patientProofNonces,
        onEndorsed: (tx) => {
          l.txIds.push(tx.txId);
          if (idempotent && key) deps.idempotency.noteEndorsed(scope, key, tx);
        },
        remember: (name, make) =>
          idempotent && key ? deps.idempotency.remember(scope, key, name, make()) : make(),
      };
      try {
        const result = await route.handler(ctx, { params, query, body } as never);
        if (result instanceof RawReply) {
          res.status(route.status).type(result.contentType).send(result.text);
          return;
        }
        const text = JSON.stringify(result);
        const last = l.txIds.at(-1);
        if (last) res.setHeader('X-Transaction-Id', last);
        if (idempotent && key) deps.idempotency.complete(scope, key, route.status, text);
        crashAt('before-respond', failpoint);
        res
          .status(route.status)
          .type(route.contentType ?? 'application/json')
          .send(text);
      } catch (err) {
        const e = toAppError(err);
        if (idempotent && key) {
          const retryable =
            e.status >= 500 || e.status === 429 || e.code === GatewayErrorCode.LEDGER_CONFLICT;
          if (retryable) deps.idempotency.release(scope, key);
          else deps.idempotency.complete(scope, key, e.status, JSON.stringify(problemBody(e, l.requestId)));
        }
        throw e;
      }
    };
    const middlewares = route.body ? [jsonParser] : [];
    app[route.method](expressPath(route.path), ...middlewares, handle);
  }

  async function authenticate(req: Request): Promise<Principal> {
    const header = req.get('authorization');
    const m = header ? /^Bearer ([A-Za-z0-9_.~+/=-]{1,8192})$/.exec(header) : null;
    if (!m?.[1]) throw new AppError(GatewayErrorCode.UNAUTHENTICATED, 'a bearer token is required');
    return deps.verifier(m[1]);
  }

  function checkPatientSelf(
    route: RouteDef,
    principal: Principal,
    params: Record<string, unknown>,
    body: unknown,
  ): void {
    const forbidden = () =>
      new AppError(GatewayErrorCode.FORBIDDEN, 'a patient may act only on their own data');
    if (route.patientSelf && params[route.patientSelf] !== principal.subject) throw forbidden();
    const jws = (body as { jws?: unknown } | undefined)?.jws;
    if (typeof jws === 'string' && unverifiedPayloadField(jws, 'patientDid') !== principal.subject) {
      throw forbidden();
    }
  }

  app.use((req: Request, res: Response) => {
    const allowed = templates.filter((t) => t.re.test(req.path)).map((t) => t.method);
    if (allowed.length > 0) {
      res.setHeader('Allow', [...new Set(allowed)].join(', '));
      sendProblem(res, new AppError(GatewayErrorCode.METHOD_NOT_ALLOWED, 'method not allowed on this route'));
      return;
    }
    sendProblem(res, new AppError(GatewayErrorCode.ROUTE_NOT_FOUND, 'no such route'));
  });

  // Express recognizes an error handler by its four parameters.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = toAppError(err);
    metrics.errors.inc({ code: e.code });
    if (e.status >= 500) {
      logger.error({ requestId: locals(res).requestId, code: e.code, err: e.cause ?? e }, 'request failed');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(res, e);
  });

  return { app, routes };
}
