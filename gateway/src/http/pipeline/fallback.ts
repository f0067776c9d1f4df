/** The last stages: a request no route took (404, or 405 with `Allow`), and the one error handler. */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';

import { AppError, GatewayErrorCode } from '../../errors';
import type { Logger } from '../../logger';
import type { GatewayMetrics } from '../../metrics';
import { pathPattern, type RouteDef } from '../routes/route';
import { locals } from './locals';
import { sendProblem, toAppError } from './problem';

/** 405 with the methods the path takes when a route has it, else 404. */
export function notFound(routes: readonly Pick<RouteDef, 'path' | 'method'>[]): RequestHandler {
  const templates = routes.map((r) => ({ re: pathPattern(r.path), method: r.method.toUpperCase() }));
  return (req: Request, res: Response) => {
    const allowed = templates.filter((t) => t.re.test(req.path)).map((t) => t.method);
    if (allowed.length > 0) {
      res.setHeader('Allow', [...new Set(allowed)].join(', '));
      sendProblem(res, new AppError(GatewayErrorCode.METHOD_NOT_ALLOWED, 'method not allowed on this route'));
      return;
    }
    sendProblem(res, new AppError(GatewayErrorCode.ROUTE_NOT_FOUND, 'no such route'));
  };
}

/** Renders anything thrown as problem+json; counts it by code and logs 5xx with their cause. */
export function errorHandler(logger: Logger, metrics: GatewayMetrics): ErrorRequestHandler {
  // Express recognizes an error handler by its four parameters.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  return (err: unknown, _req, res, _next) => {
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
  };
}
