/**
 * A route as data: method, path (OpenAPI form), who may call it, schemas of params, query, body and
 * response, and the service call. The Express routes and the OpenAPI document are both built from
 * these; the request pipeline (`../pipeline/`) runs the same stages for every one of them.
 */
import { z } from 'zod';

import type { NonceCache } from '../../auth/patient-proof';
import type { Principal } from '../../auth/tokens';
import type { ProjectionService } from '../../projection/read/service';
import type { ServiceContext, StaffEnroller } from '../../services/context';

/** What a handler gets besides its validated input. */
export interface HandlerContext extends ServiceContext {
  readonly principal: Principal;
  readonly enroller: StaffEnroller;
  /** The audit projection (regulator views, patients' access logs). */
  readonly projection: ProjectionService;
  /** The best of `types` for the request's `Accept` header, `false` when none fits. */
  readonly accepts: (types: readonly string[]) => string | false;
  /** A request header by name (case-insensitive), undefined when absent. */
  readonly header: (name: string) => string | undefined;
  /** Nonces of patient proofs seen by this gateway process. */
  readonly patientProofNonces: NonceCache;
}

/** A request header a route reads (for OpenAPI). */
export interface HeaderParam {
  readonly name: string;
  readonly required: boolean;
  readonly description: string;
  readonly pattern?: string;
}

/** A response that is not JSON of the route's schema (CSV, for instance): sent as is. */
export class RawReply {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
}

/** A route of the table. */
export interface RouteDef {
  readonly method: 'get' | 'post' | 'put' | 'patch';
  /** OpenAPI path, e.g. `/v1/records/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: 'hospital' | 'patient' | 'researcher' | 'regulator' | 'insurance' | 'identity' | 'operations';
  /** Principal kinds allowed; the chaincode makes the role decision. */
  readonly principals: readonly Principal['kind'][];
  /** For patient principals: the path parameter that must equal their DID. */
  readonly patientSelf?: string;
  readonly params: z.ZodType;
  readonly query: z.ZodType;
  readonly body: z.ZodType | undefined;
  readonly response: z.ZodType;
  /** Content type of `response` (default `application/json`). */
  readonly contentType?: string;
  /** Other representations of the success answer (a {@link RawReply}), for OpenAPI. */
  readonly alternates?: readonly { readonly contentType: string; readonly description: string }[];
  readonly status: number;
  /** Request headers the route reads besides `Authorization` and `Idempotency-Key`. */
  readonly headers?: readonly HeaderParam[];
  /** Route-specific descriptions of error answers by status (they replace the defaults in OpenAPI). */
  readonly problems?: Readonly<Record<string, string>>;
  /** Writes accept `Idempotency-Key` and need a JSON body. */
  readonly write: boolean;
  /**
   * The success answer holds record content or what protects it (a salt, de-identified resources):
   * kept for replays under an `Idempotency-Key` only for the content retention, not the key's.
   */
  readonly answerHoldsContent?: boolean;
  readonly handler: (
    ctx: HandlerContext,
    input: { params: never; query: never; body: never },
  ) => Promise<unknown>;
}

interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType | undefined> {
  method: RouteDef['method'];
  path: string;
  operationId: string;
  summary: string;
  tag: RouteDef['tag'];
  principals?: readonly Principal['kind'][];
  patientSelf?: string;
  params?: P;
  query?: Q;
  body?: B;
  response: z.ZodType;
  contentType?: string;
  alternates?: RouteDef['alternates'];
  status?: number;
  headers?: RouteDef['headers'];
  problems?: RouteDef['problems'];
  answerHoldsContent?: boolean;
  handler: (
    ctx: HandlerContext,
    input: { params: z.output<P>; query: z.output<Q>; body: B extends z.ZodType ? z.output<B> : undefined },
  ) => Promise<unknown>;
}

const noParams = z.strictObject({});

/** A route from its spec: staff only, no params or query, 201 for writes and 200 for reads unless told. */
export function route<
  P extends z.ZodType = typeof noParams,
  Q extends z.ZodType = typeof noParams,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): RouteDef {
  const write = spec.method !== 'get';
  return {
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tag: spec.tag,
    principals: spec.principals ?? ['staff'],
    ...(spec.patientSelf ? { patientSelf: spec.patientSelf } : {}),
    params: spec.params ?? noParams,
    query: spec.query ?? noParams,
    body: spec.body,
    response: spec.response,
    ...(spec.contentType ? { contentType: spec.contentType } : {}),
    ...(spec.alternates ? { alternates: spec.alternates } : {}),
    status: spec.status ?? (write ? 201 : 200),
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(spec.problems ? { problems: spec.problems } : {}),
    ...(spec.answerHoldsContent === true ? { answerHoldsContent: true } : {}),
    write,
    handler: spec.handler,
  };
}

/** The Express form of an OpenAPI path (`/v1/records/{id}` -> `/v1/records/:id`). */
export function expressPath(path: string): string {
  return path.replace(/\{([A-Za-z]+)\}/g, ':$1');
}

/** A pattern matching the concrete paths of an OpenAPI path template (a trailing slash allowed). */
export function pathPattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[A-Za-z]+\\?\}/g, '[^/]+');
  return new RegExp(`^${escaped.replace(/\{[A-Za-z]+\}/g, '[^/]+')}/?$`);
}
