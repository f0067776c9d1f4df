/**
 * The pipeline of a v1 route, stage by stage: authenticate, authorize the principal kind, rate limit,
 * validate params, query and body, the patient-self check, the failpoint (testing only), the write
 * journal (idempotency), the handler with a ledger that journals what it endorses, and the answer. A
 * stage that refuses throws an AppError; the app's error handler renders it.
 */
import type { Request, RequestHandler, Response } from 'express';

import type { NonceCache } from '../../auth/patient-proof';
import type { Principal, TokenVerifier } from '../../auth/tokens';
import { FAILPOINT_HEADER, parseFailpoint, type FailpointStage } from '../../failpoints';
import type { IdempotencyStore } from '../../idempotency';
import type { ProjectionService } from '../../projection/read/service';
import type { RateLimiter } from '../../rate-limit';
import type { StaffEnroller } from '../../services/context';
import type { Ledger } from '../../services/ledger';
import type { WriteJournal } from '../../write-journal';
import type { HandlerContext, RouteDef } from '../routes/route';
import { authenticate, authorizeKind, throttle } from './caller';
import { checkPatientSelf, validateInput } from './input';
import { beginJournal } from './journal';
import { locals } from './locals';
import { problemBody, toAppError } from './problem';
import { renderReplay, renderResult } from './render';

/** What the stages need. */
export interface PipelineDeps {
  /** MSP ID of the gateway's org. */
  readonly mspId: string;
  readonly ledger: Ledger;
  readonly verifier: TokenVerifier;
  readonly limiter: RateLimiter;
  readonly idempotency: IdempotencyStore;
  readonly enroller: StaffEnroller;
  readonly projection: ProjectionService;
  /** Wallet identity that signs for patients (they have no ledger identity). */
  readonly serviceEnrollmentId: string;
  readonly patientProofNonces: NonceCache;
  /** Honour the failpoint header (testing only). */
  readonly failpoints: boolean;
}

/** The context a handler runs with: the request's journaled ledger, its signer and its journal's memo. */
export function handlerContext(
  deps: PipelineDeps,
  req: Request,
  principal: Principal,
  journal: WriteJournal,
  failpoint: FailpointStage | undefined,
): HandlerContext {
  const ledger = deps.ledger.journaled(journal);
  return {
    ledger: failpoint === undefined ? ledger : ledger.withFailpoint(failpoint),
    caller: { enrollmentId: principal.kind === 'staff' ? principal.subject : deps.serviceEnrollmentId },
    mspId: deps.mspId,
    principal,
    enroller: deps.enroller,
    projection: deps.projection,
    accepts: (types) => req.accepts([...types]),
    header: (name) => req.get(name),
    patientProofNonces: deps.patientProofNonces,
    remember: (name, make) => journal.remember(name, make),
  };
}

/** The Express handler of `route`. */
export function routeHandler(route: RouteDef, deps: PipelineDeps): RequestHandler {
  return async (req: Request, res: Response): Promise<void> => {
    const l = locals(res);
    l.route = route.path;
    const principal = await authenticate(req.get('authorization'), deps.verifier);
    l.principal = principal;
    authorizeKind(route, principal);
    throttle(deps.limiter, principal);
    const input = validateInput(route, {
      params: req.params as Record<string, string>,
      query: req.query,
      body: req.body,
      jsonBody: !!(req.is('application/json') || req.is('application/*+json')),
    });
    checkPatientSelf(route, principal, input);
    const failpoint = deps.failpoints ? parseFailpoint(req.get(FAILPOINT_HEADER)) : undefined;
    const request = { key: req.get('idempotency-key'), path: req.path, body: req.body as unknown };
    const begun = beginJournal(deps.idempotency, route, request, principal);
    if (begun.state === 'replay') {
      renderReplay(res, begun);
      return;
    }
    const { journal } = begun;
    l.journal = journal;
    try {
      const result = await route.handler(
        handlerContext(deps, req, principal, journal, failpoint),
        input as never,
      );
      renderResult(res, route, result, journal, failpoint);
    } catch (err) {
      const e = toAppError(err);
      journal.fail(e, () => JSON.stringify(problemBody(e, l.requestId)));
      throw e;
    }
  };
}
