/**
 * The stages every request passes before any route: its id, security headers and access log; the URL
 * length limit; CORS for the configured origins (preflights end here).
 */
import { randomUUID } from 'node:crypto';

import type { NextFunction, Request, RequestHandler, Response } from 'express';

import { PATIENT_PROOF_HEADER } from '../../auth/patient-proof';
import { AppError, GatewayErrorCode } from '../../errors';
import type { Logger } from '../../logger';
import type { GatewayMetrics } from '../../metrics';
import { principalForLog } from './caller';
import { locals } from './locals';
import { sendProblem } from './problem';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** The Content-Security-Policy of API answers: nothing may load, frame or submit. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': API_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

/** The request's id: the caller's `X-Request-Id` when well-formed, else a fresh one. */
export function requestIdOf(inbound: string | undefined): string {
  return inbound && REQUEST_ID.test(inbound) ? inbound : randomUUID();
}

/**
 * Gives the request its id and locals, sets the security headers, and when the answer is sent logs
 * one line (route template, status, time, transaction ids, principal; never bodies) and observes it.
 */
export function requestContext(logger: Logger, metrics: GatewayMetrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdOf(req.get('x-request-id'));
    Object.assign(res.locals, { requestId, route: 'unmatched' });
    const l = locals(res);
    const started = process.hrtime.bigint();
    res.setHeader('X-Request-Id', requestId);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.statusCode;
      metrics.httpDuration.observe({ method: req.method, route: l.route, status: String(status) }, seconds);
      const txIds = l.journal?.txIds ?? [];
      const { principal } = l;
      logger.info(
        {
          requestId,
          method: req.method,
          route: l.route,
          status,
          ms: Math.round(seconds * 1000),
          ...(txIds.length ? { txIds } : {}),
          ...(principal ? { principal: principalForLog(principal) } : {}),
        },
        'request',
      );
    });
    next();
  };
}

/** Refuses a URL longer than `maxLength` with 414. */
export function urlLimit(maxLength: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.originalUrl.length > maxLength) {
      sendProblem(res, new AppError(GatewayErrorCode.URI_TOO_LONG, 'the URL is too long'));
      return;
    }
    next();
  };
}

/** CORS for `origins` only (none by default): their requests get the allow headers; preflights end here. */
export function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins.map((o) => new URL(o).origin));
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (!origin || !allowed.has(origin)) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, X-Transaction-Id, Retry-After');
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH');
    res.setHeader(
      'Access-Control-Allow-Headers',
      `Authorization, Content-Type, Idempotency-Key, X-Request-Id, ${PATIENT_PROOF_HEADER}`,
    );
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}
