/** The OpenAPI 3.1 document, generated from the route table's zod schemas. */
import { z } from 'zod';

import type { RouteDef } from './route-table';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io }) as Json;
  delete out['$schema'];
  return out;
}

/** The problem+json body every error uses. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('stable SCREAMING_SNAKE error code'),
  detail: z.string(),
  instance: z.string(),
  requestId: z.string(),
  txId: z.string().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

function parametersOf(schema: z.ZodType, where: 'path' | 'query'): Json[] {
  const js = jsonSchema(schema, 'input');
  const props = (js['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((js['required'] ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
  }));
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Operations served outside the route table. */
export const opsOperations: readonly { method: 'get'; path: string; summary: string; type: string }[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness', type: 'application/json' },
  { method: 'get', path: '/readyz', summary: 'Readiness: the ledger answers', type: 'application/json' },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', type: 'text/plain' },
  { method: 'get', path: '/openapi.json', summary: 'This document', type: 'application/json' },
  { method: 'get', path: '/docs', summary: 'API documentation (Swagger UI)', type: 'text/html' },
];

/** Builds the OpenAPI document. */
export function buildOpenApi(
  routes: readonly RouteDef[],
  info: { title: string; version: string; org: string },
): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const op: Json = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      security: [{ bearerAuth: [] }],
      parameters: [
        ...parametersOf(r.params, 'path'),
        ...parametersOf(r.query, 'query'),
        ...(r.write
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                description: 'A retry with the same key and payload returns the first result',
                schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$' },
              },
            ]
          : []),
        ...(r.headers ?? []).map((h) => ({
          name: h.name,
          in: 'header',
          required: h.required,
          description: h.description,
          schema: { type: 'string', ...(h.pattern ? { pattern: h.pattern } : {}) },
        })),
      ],
      responses: {
        [String(r.status)]: {
          description: 'Success (writes: committed VALID)',
          content: {
            [r.contentType ?? 'application/json']: { schema: jsonSchema(r.response, 'output') },
            ...Object.fromEntries(
              (r.alternates ?? []).map((alt) => [
                alt.contentType,
                { schema: { type: 'string', description: alt.description } },
              ]),
            ),
          },
        },
        '400': problemResponse('Invalid request'),
        '401': problemResponse('Missing or invalid token'),
        '403': problemResponse('Not allowed'),
        '404': problemResponse('Not found'),
        '409': problemResponse('Conflict'),
        '422': problemResponse('Unprocessable (e.g. idempotency key reused with another payload)'),
        ...(r.answerHoldsContent === true
          ? {
              '410': problemResponse(
                'The request under this Idempotency-Key was answered, but the answer held content and was purged after the content retention (IDEMPOTENCY_ANSWER_PURGED)',
              ),
            }
          : {}),
        '429': problemResponse('Rate limited'),
        '503': problemResponse('Ledger unavailable (see Retry-After)'),
        '504': problemResponse('Ledger deadline exceeded'),
        ...Object.fromEntries(
          Object.entries(r.problems ?? {}).map(([status, description]) => [
            status,
            problemResponse(description),
          ]),
        ),
      },
    };
    if (r.body) {
      op['requestBody'] = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
      };
    }
    (paths[r.path] ??= {})[r.method] = op;
  }
  for (const o of opsOperations) {
    (paths[o.path] ??= {})[o.method] = {
      operationId: o.path.replace(/[^a-z]/g, '') || 'root',
      summary: o.summary,
      tags: ['operations'],
      security: [],
      responses: { '200': { description: 'OK', content: { [o.type]: {} } } },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: `MedLedger REST gateway of ${info.org}. Writes answer once committed VALID; errors are application/problem+json with a stable code.`,
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
    },
  };
}
