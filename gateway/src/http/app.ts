/**
 * The Express app factory (no listen: tests start it on port 0). It only composes the stages of
 * `pipeline/`, in this order: request id, security headers and access log; URL limit; CORS; the
 * operations endpoints; the web console; the v1 routes of the route table (JSON body, then the route pipeline); one
 * not-found handler and one error handler.
 */
import express from 'express';

import type { NonceCache } from '../auth/patient-proof';
import type { TokenVerifier } from '../auth/tokens';
import type { GatewayConfig } from '../config';
import { credentialIssuerKeyOf } from '../credential-issuer';
import type { IdempotencyStore } from '../idempotency';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { ProjectionService } from '../projection/read/service';
import { RateLimiter } from '../rate-limit';
import type { StaffEnroller } from '../services/context';
import type { Ledger } from '../services/ledger';
import { consoleDir, mountConsole } from './console';
import { buildOpenApi } from './openapi';
import { mountOpsRoutes, type ProjectionStatus } from './ops-routes';
import { errorHandler, notFound } from './pipeline/fallback';
import { cors, requestContext, urlLimit } from './pipeline/front';
import { jsonBody } from './pipeline/json-body';
import { routeHandler } from './pipeline/route-handler';
import { buildRoutes } from './route-table';
import { expressPath, type RouteDef } from './routes/route';

export type { ProjectionStatus } from './ops-routes';

/** What the app needs. */
export interface AppDeps {
  readonly config: Readonly<GatewayConfig>;
  readonly ledger: Ledger;
  readonly verifier: TokenVerifier;
  readonly idempotency: IdempotencyStore;
  /** Nonces of patient-key proofs (access log) already accepted, kept across restarts. */
  readonly patientProofNonces: NonceCache;
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
  /** The clock of `/readyz`'s reuse of one check, in milliseconds (tests); a monotonic one by default. */
  readonly readinessClock?: () => number;
}

/** Creates the app and the route table it serves. */
export function createApp(deps: AppDeps): { app: express.Express; routes: readonly RouteDef[] } {
  const { config, logger, metrics } = deps;
  const issuer = credentialIssuerKeyOf(config);
  if (issuer.source === 'drawn') {
    logger.warn(
      'credentials.issuerKeyPath is not set: SD-JWT credentials are signed with a key drawn at start',
    );
  }
  const routes = buildRoutes(config.limits.pageSizeMax, issuer);
  const openapi = buildOpenApi(routes, {
    title: 'MedLedger gateway',
    version: '1.0.0',
    org: config.org.name,
  });

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');

  app.use(requestContext(logger, metrics));
  app.use(urlLimit(config.limits.urlLength));
  app.use(cors(config.cors.origins));
  const consoleBuild = consoleDir(config.console.dir);
  mountOpsRoutes(app, {
    consoleAvailable: consoleBuild !== null,
    orgName: config.org.name,
    mspId: config.org.mspId,
    ledger: deps.ledger,
    metrics,
    openapiText: JSON.stringify(openapi),
    ...(deps.isShuttingDown ? { isShuttingDown: deps.isShuttingDown } : {}),
    ...(deps.projectionStatus ? { projectionStatus: deps.projectionStatus } : {}),
    ...(deps.readinessClock ? { readinessClock: deps.readinessClock } : {}),
  });
  mountConsole(app, consoleBuild);

  const pipeline = {
    mspId: config.org.mspId,
    ledger: deps.ledger,
    verifier: deps.verifier,
    limiter: deps.rateLimiter ?? new RateLimiter(config.limits.ratePerSecond, config.limits.rateBurst),
    idempotency: deps.idempotency,
    enroller: deps.enroller,
    projection: deps.projection,
    serviceEnrollmentId: deps.serviceEnrollmentId,
    patientProofNonces: deps.patientProofNonces,
    failpoints: config.failpoints,
  };
  const parseJson = jsonBody(config.limits.bodyBytes);
  for (const route of routes) {
    const handle = routeHandler(route, pipeline);
    if (route.body) app[route.method](expressPath(route.path), parseJson, handle);
    else app[route.method](expressPath(route.path), handle);
  }

  app.use(notFound(routes));
  app.use(errorHandler(logger, metrics));
  return { app, routes };
}
