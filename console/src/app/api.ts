/**
 * The console's one way to the gateway: the same `/v1` routes an EMR or a patient app calls, on the
 * origin that served the console (the CSP allows no other), with the signed-in person's bearer token.
 * Errors are the gateway's problem+json, kept whole so a page can say what went wrong.
 */

/** A problem+json answer (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ApiError';
  }
}

/** Query parameters; undefined and empty values are left out. */
export type Query = Readonly<Record<string, string | number | undefined>>;

function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

async function problemOf(res: Response): Promise<ApiError> {
  const retry = Number(res.headers.get('retry-after') ?? '');
  let code = `HTTP_${String(res.status)}`;
  let detail = res.statusText;
  try {
    const body = (await res.json()) as { code?: unknown; detail?: unknown; title?: unknown };
    if (typeof body.code === 'string') code = body.code;
    if (typeof body.detail === 'string') detail = body.detail;
    else if (typeof body.title === 'string') detail = body.title;
  } catch {
    // not JSON: the status says enough
  }
  return new ApiError(res.status, code, detail, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

/** A fresh `Idempotency-Key`: a retry of the same action reuses it, so the write happens once. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Calls the gateway as the signed-in person. */
export class Api {
  constructor(private readonly token: string) {}

  async #send(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> }) {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        // Nothing of a person's data is kept by the browser's HTTP cache or sent with credentials.
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'the gateway could not be reached');
    }
    if (!res.ok) throw await problemOf(res);
    return res;
  }

  /** `GET path?query` as JSON. */
  async get<T>(path: string, options: { query?: Query; headers?: Record<string, string> } = {}): Promise<T> {
    const res = await this.#send('GET', withQuery(path, options.query), { ...options });
    return (await res.json()) as T;
  }

  /** `GET path?query` as text of the given type (CSV). */
  async getText(path: string, accept: string, query?: Query): Promise<string> {
    const res = await this.#send('GET', withQuery(path, query), { headers: { accept } });
    return res.text();
  }

  /** A write with its `Idempotency-Key`. */
  async write<T>(method: 'POST' | 'PUT', path: string, body: unknown, idempotencyKey: string): Promise<T> {
    const res = await this.#send(method, path, { body, headers: { 'idempotency-key': idempotencyKey } });
    return (await res.json()) as T;
  }
}

/** What `GET /` tells an API client: which org's gateway this is. */
export interface GatewayInfo {
  readonly org: string;
  readonly mspId: string;
}

/** Asks the gateway that served the console who it is (no token needed). */
export async function gatewayInfo(): Promise<GatewayInfo> {
  const res = await fetch('/', { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw await problemOf(res);
  const body = (await res.json()) as { org?: unknown; mspId?: unknown };
  if (typeof body.org !== 'string' || typeof body.mspId !== 'string') {
    throw new ApiError(res.status, 'NOT_A_GATEWAY', 'the console is not served by a MedLedger gateway');
  }
  return { org: body.org, mspId: body.mspId };
}
