/**
 * The OpenAPI document as a checked contract: every success answer a test gateway sends on a v1 route
 * is parsed with the route's declared response schema, strictly (a member the schema does not declare
 * fails too, since the document would not show it). Violations are collected and reported when the
 * gateway closes, so every component test over the fake ledger checks the contract of what it calls.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { isDeepStrictEqual } from 'node:util';

import type { z } from 'zod';

import { pathPattern, type RouteDef } from '../http/routes/route';

/** Where `value` has members that `parsed` (its parse) dropped, as JSON pointers. */
function undeclared(value: unknown, parsed: unknown, at = ''): string[] {
  if (Array.isArray(value) && Array.isArray(parsed)) {
    return value.flatMap((v, i) => undeclared(v, parsed[i], `${at}/${String(i)}`));
  }
  if (value === null || typeof value !== 'object' || parsed === null || typeof parsed !== 'object') return [];
  const kept = parsed as Record<string, unknown>;
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    Object.hasOwn(kept, k) ? undeclared(v, kept[k], `${at}/${k}`) : [`${at}/${k}`],
  );
}

/** Problems of `value` against `schema`, strictly: none when it parses to itself. */
export function strictProblems(schema: z.ZodType, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('/')}: ${i.message}`);
  if (isDeepStrictEqual(parsed.data, value)) return [];
  const extra = undeclared(value, parsed.data);
  return extra.length > 0 ? extra.map((p) => `${p}: not in the schema`) : ['the parse changed the value'];
}

/** Collects what a response sends, as it sends it. */
function capture(res: ServerResponse): () => string {
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    keep(args[0]);
    return write(...args);
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    keep(args[0]);
    return end(...args);
  }) as typeof res.end;
  return () => Buffer.concat(chunks).toString('utf8');
}

/** The checker of one gateway's answers. */
export class ResponseContract {
  /** Operation ids whose success answers were checked. */
  readonly checked = new Set<string>();
  readonly violations: string[] = [];
  readonly #routes: readonly { route: RouteDef; re: RegExp }[];

  constructor(routes: readonly RouteDef[]) {
    this.#routes = routes.map((route) => ({ route, re: pathPattern(route.path) }));
  }

  /** The route Express would take for `method` and `path` (the table's order decides). */
  routeOf(method: string, path: string): RouteDef | undefined {
    const m = method.toLowerCase();
    return this.#routes.find((r) => r.route.method === m && r.re.test(path))?.route;
  }

  /** Checks one answer: only a route's success answer in its declared content type is its contract. */
  check(method: string, path: string, status: number, contentType: string, text: string): void {
    const route = this.routeOf(method, path);
    if (!route || status !== route.status) return;
    if (contentType.split(';')[0]?.trim() !== (route.contentType ?? 'application/json')) return;
    this.checked.add(route.operationId);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.violations.push(`${route.operationId}: the answer is not JSON`);
      return;
    }
    for (const p of strictProblems(route.response, value)) this.violations.push(`${route.operationId} ${p}`);
  }

  /** `listener` with every answer it sends checked. */
  wrap(listener: RequestListener): RequestListener {
    return (req: IncomingMessage, res: ServerResponse) => {
      const sent = capture(res);
      res.on('finish', () => {
        const path = new URL(req.url ?? '/', 'http://gateway').pathname;
        const type = res.getHeader('content-type');
        this.check(req.method ?? 'GET', path, res.statusCode, typeof type === 'string' ? type : '', sent());
      });
      listener(req, res);
    };
  }

  /** Throws when any answer broke its route's contract. */
  assertKept(): void {
    if (this.violations.length > 0) {
      throw new Error(`answers off their declared response schema:\n${this.violations.join('\n')}`);
    }
  }
}
