/**
 * Bad requests for every operation of a gateway's OpenAPI document, plus a hand-written list: wrong
 * types, sizes, unicode tricks and NUL in ids, duplicate JSON keys, `__proto__`, impossible dates,
 * malformed hashes and JWS, bad tokens. Each case carries the run's canary so leaks can be searched.
 */
import { createPrivateKey, createSign, generateKeyPairSync } from 'node:crypto';

/** One HTTP request of the sweep. */
export interface BadCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Raw body text (sent as is). */
  readonly body?: string;
  /** Use this bearer token instead of the sweep's valid one ('' = no Authorization header). */
  readonly token?: string;
  /** A status other than 4xx that is fine for this case (e.g. a GET with a bad token on a public route). */
  readonly allow?: readonly number[];
}

interface OpenApiOperation {
  readonly parameters?: readonly { name: string; in: string; schema?: { pattern?: string } }[];
  readonly requestBody?: {
    content?: Partial<Record<string, { schema?: { properties?: Record<string, { type?: string }> } }>>;
  };
  readonly security?: readonly unknown[];
}

/** Ids that must never get past validation (or must at least not write or crash). */
export function badIds(canary: string): string[] {
  return [
    'a\u0000b',
    '\u0000',
    `${canary}\u0000`,
    'x'.repeat(300),
    '\u202eevil',
    'ｒｅｃ－１',
    '🩺',
    '..',
    '__proto__',
    'constructor',
    'a b',
    'a%2Fb',
    '%ZZ',
    "'; DROP TABLE x;--",
    '${jndi:ldap://x}',
    canary,
  ];
}

function encodeId(id: string): string {
  // Leave a raw `%ZZ` as a malformed escape; encode everything else.
  return id === '%ZZ' ? id : encodeURIComponent(id);
}

function fill(path: string, value: string): string {
  return path.replace(/\{[A-Za-z]+\}/g, value);
}

/** `path` with parameter `name` set to `value` and every other parameter to `others`. */
function fillOne(path: string, name: string, value: string, others: string): string {
  return path.replace(/\{([A-Za-z]+)\}/g, (_, param: string) => (param === name ? value : others));
}

/** Wrong values per JSON type, including NUL, huge strings, impossible dates and malformed JWS. */
function wrongValues(canary: string): unknown[] {
  return [
    null,
    123,
    -1,
    1e308,
    true,
    [],
    {},
    '',
    'x'.repeat(20_000),
    `${canary}\u0000`,
    '2025-02-30T25:61:00Z',
    '0000-00-00',
    'zz'.repeat(32),
    'not.a.jws',
    'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.',
    { __proto__: { admin: true } },
    [canary],
  ];
}

/** A compact JWS with `alg: none` and a payload that names `patientDid`. */
export function algNoneJws(payload: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

/** A structurally valid ES256 JWS signed by a key nobody registered. */
export function strangerJws(payload: Record<string, unknown>): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'ES256', typ: 'JWT', kid: 'did:medledger:patient:nobody#key-1' })}.${b64(payload)}`;
  const signature = createSign('SHA256')
    .update(input)
    .sign({
      key: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })),
      dsaEncoding: 'ieee-p1363',
    });
  return `${input}.${signature.toString('base64url')}`;
}

/** Cases generated from the OpenAPI document: per operation, bad ids, bad queries, bad bodies. */
export function casesFromOpenApi(
  doc: { paths: Record<string, Record<string, OpenApiOperation>> },
  canary: string,
): BadCase[] {
  const cases: BadCase[] = [];
  const json = { 'content-type': 'application/json' };
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, op] of Object.entries(ops)) {
      const m = method.toUpperCase();
      const hasBody = op.requestBody !== undefined;
      const okId = `id-${canary.slice(6, 14)}`;
      const target = fill(path, okId);
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path');
      const queryParams = params.filter((p) => p.in === 'query');
      const emptyBody = hasBody ? { body: '{}', headers: json } : {};
      // One path parameter bad at a time, the others good: every bad id reaches the route (two `..`
      // side by side would resolve to another route before it left the client).
      for (const p of pathParams) {
        for (const id of badIds(canary)) {
          cases.push({
            name: `${m} ${path} ${pathParams.length > 1 ? `${p.name}=` : 'id='}${JSON.stringify(id).slice(0, 40)}`,
            method: m,
            path: fillOne(path, p.name, encodeId(id), okId),
            ...emptyBody,
          });
        }
      }
      for (const q of queryParams) {
        for (const v of ['', 'abc', '-1', '1e9', '%00', `${canary}%00`, 'x'.repeat(1500)]) {
          // A value the parameter's declared pattern accepts (an opaque record id "abc", say) is valid
          // input, not an attack: only values outside the contract must be refused.
          const pattern = q.schema?.pattern;
          if (pattern !== undefined && new RegExp(pattern, 'u').test(decodeURIComponent(v))) continue;
          cases.push({
            name: `${m} ${path} ?${q.name}=${v.slice(0, 20)}`,
            method: m,
            path: `${target}?${q.name}=${v}`,
            ...emptyBody,
          });
        }
        cases.push({
          name: `${m} ${path} ?${q.name} twice`,
          method: m,
          path: `${target}?${q.name}=1&${q.name}=2`,
          ...emptyBody,
        });
      }
      cases.push({
        name: `${m} ${path} unknown query`,
        method: m,
        path: `${target}?__proto__[x]=1&zzz=${canary}`,
        ...emptyBody,
      });
      // Tokens: none, garbage, and one from outside.
      cases.push({ name: `${m} ${path} no token`, method: m, path: target, token: '', ...emptyBody });
      cases.push({
        name: `${m} ${path} garbage token`,
        method: m,
        path: target,
        token: 'abc.def.ghi',
        ...emptyBody,
      });
      if (!hasBody) continue;
      const props = Object.keys(op.requestBody.content?.['application/json']?.schema?.properties ?? {});
      const bodies: [string, string][] = [
        ['not JSON', `{"x": ${canary}`],
        ['array', `[${JSON.stringify(canary)}]`],
        ['null', 'null'],
        ['string', JSON.stringify(canary)],
        ['__proto__', `{"__proto__": {"admin": true}, "note": ${JSON.stringify(canary)}}`],
        ['constructor', '{"constructor": {"prototype": {"admin": true}}}'],
        ['nested __proto__', '{"a": {"b": {"__proto__": {"x": 1}}}}'],
        ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`],
        // 1,849 to 2,720 levels parsed but overflowed the canonical JSON of the idempotency hash (a 500).
        ['arrays 2,000 deep', `${'['.repeat(2000)}${']'.repeat(2000)}`],
        ['objects 2,000 deep', `${'{"a":'.repeat(2000)}${JSON.stringify(canary)}${'}'.repeat(2000)}`],
        [
          'property 2,000 deep',
          `{${props[0] === undefined ? '"x"' : JSON.stringify(props[0])}:${'['.repeat(2000)}${']'.repeat(2000)}}`,
        ],
        ['huge', JSON.stringify({ pad: canary + 'x'.repeat(3 * 1024 * 1024) })],
        ['extra property', JSON.stringify({ zzzUnknown: canary })],
      ];
      for (const prop of props) {
        for (const v of wrongValues(canary)) {
          bodies.push([`${prop}=${JSON.stringify(v).slice(0, 30)}`, JSON.stringify({ [prop]: v })]);
        }
        bodies.push([`${prop} twice`, `{"${prop}": 1, "${prop}": ${JSON.stringify(canary)}}`]);
      }
      for (const [what, body] of bodies) {
        cases.push({ name: `${m} ${path} body ${what}`, method: m, path: target, body, headers: json });
      }
      cases.push({
        name: `${m} ${path} text/plain`,
        method: m,
        path: target,
        body: JSON.stringify({ note: canary }),
        headers: { 'content-type': 'text/plain' },
      });
      cases.push({
        name: `${m} ${path} bad idempotency key`,
        method: m,
        path: target,
        body: '{}',
        headers: { ...json, 'idempotency-key': `bad key ${canary}` },
      });
    }
  }
  return cases;
}

/** What a sweep found. */
export interface SweepReport {
  readonly cases: number;
  readonly statuses: Record<string, number>;
  readonly failures: string[];
}

const STACK = /\bat [^\s]+ \(|\.js:\d+|\/work\/|node_modules|\bError: |stack/;
const PROBLEM = 'application/problem+json';

/**
 * Sends every case to `baseUrl` with one of `tokens` (round robin, paced under the per-caller rate
 * limit) and checks each answer: a 4xx problem+json without stack traces or the canary.
 */
export async function sweep(
  baseUrl: string,
  cases: readonly BadCase[],
  tokens: readonly string[],
  canary: string,
): Promise<SweepReport> {
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  const perSecond = 40 * tokens.length;
  const started = performance.now();
  for (const [i, c] of cases.entries()) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const token = c.token ?? tokens[i % tokens.length] ?? '';
    const headers: Record<string, string> = { ...(c.headers ?? {}) };
    if (token !== '') headers.authorization = `Bearer ${token}`;
    let answer: { status: number; type: string; text: string };
    try {
      const res = await fetch(`${baseUrl}${c.path}`, {
        method: c.method,
        headers,
        ...(c.body === undefined ? {} : { body: c.body }),
        signal: AbortSignal.timeout(30_000),
      });
      answer = {
        status: res.status,
        type: res.headers.get('content-type')?.split(';')[0] ?? '',
        text: await res.text(),
      };
    } catch (err) {
      failures.push(`${c.name}: no answer (${(err as Error).name})`);
      continue;
    }
    const { status, type, text } = answer;
    statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
    const allowed = c.allow?.includes(status) ?? false;
    if (!allowed && (status < 400 || status >= 500))
      failures.push(`${c.name}: ${String(status)} ${text.slice(0, 200)}`);
    else if (!allowed && type !== PROBLEM) failures.push(`${c.name}: content-type ${type}`);
    if (STACK.test(text)) failures.push(`${c.name}: stack-like text in ${text.slice(0, 200)}`);
    if (text.includes(canary)) failures.push(`${c.name}: canary echoed`);
  }
  return { cases: cases.length, statuses, failures };
}
