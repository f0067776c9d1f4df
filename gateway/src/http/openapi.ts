/**
 * The OpenAPI 3.1 document, generated from the route table's zod schemas, the operations endpoints
 * and the example of every operation (`examples.ts`). It keeps to what the docs viewer (Swagger UI)
 * fully supports: no `jsonSchemaDialect` (3.1's default dialect is the one zod emits), schemas inline.
 */
import { z } from 'zod';

import {
  EXAMPLE_CALLERS,
  idempotencyKeyExample,
  OPERATION_EXAMPLES,
  type OperationExample,
} from './examples';
import { OPS_OPERATIONS } from './ops-routes';
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

function parametersOf(
  schema: z.ZodType,
  where: 'path' | 'query',
  examples: Readonly<Record<string, string | number>> = {},
): Json[] {
  const js = jsonSchema(schema, 'input');
  const props = (js['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((js['required'] ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
    ...(examples[name] === undefined ? {} : { example: examples[name] }),
  }));
}

/** The example of an operation as an OpenAPI `examples` map of one. */
const exampleOf = (operationId: string, summary: string, value: unknown) => ({
  [operationId]: { summary, value },
});

/** What every operation says about its example besides the values. */
function exampleNotes(example: OperationExample): Json {
  return {
    description: `Example: ${example.summary}; sent with ${EXAMPLE_CALLERS[example.caller]}.`,
    'x-medledger-example-caller': example.caller,
  };
}

function exampleFor(
  operationId: string,
  examples: Readonly<Record<string, OperationExample>>,
): OperationExample {
  const example = examples[operationId];
  if (!example) throw new Error(`the OpenAPI document needs an example of ${operationId} (http/examples.ts)`);
  return example;
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Route-specific error answers, by status. */
const problemResponses = (problems: Readonly<Record<string, string>> = {}) =>
  Object.fromEntries(Object.entries(problems).map(([status, text]) => [status, problemResponse(text)]));

/** The success answer of an operation: its schema (text when none) and example, and other representations. */
function successResponse(
  description: string,
  status: number,
  answer: {
    readonly contentType?: string;
    readonly response?: z.ZodType;
    readonly alternates?: readonly { readonly contentType: string; readonly description: string }[];
  },
  operationId: string,
  example: OperationExample,
): Json {
  return {
    [String(status)]: {
      description,
      content: {
        [answer.contentType ?? 'application/json']: {
          schema: answer.response ? jsonSchema(answer.response, 'output') : { type: 'string' },
          examples: exampleOf(operationId, example.summary, example.response),
        },
        ...Object.fromEntries(
          (answer.alternates ?? []).map((alt) => [
            alt.contentType,
            { schema: { type: 'string', description: alt.description } },
          ]),
        ),
      },
    },
  };
}

/** Builds the OpenAPI document; every operation must have an example in `examples`. */
/** The parameters of a v1 route: path, query, `Idempotency-Key` on writes, and the headers it reads. */
function routeParameters(r: RouteDef, example: OperationExample): Json[] {
  return [
    ...parametersOf(r.params, 'path', example.params),
    ...parametersOf(r.query, 'query', example.query),
    ...(r.write
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'A retry with the same key and payload returns the first result',
            schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$' },
            example: idempotencyKeyExample(r.operationId),
          },
        ]
      : []),
    ...(r.headers ?? []).map((h) => ({
      name: h.name,
      in: 'header',
      required: h.required,
      description: h.description,
      schema: { type: 'string', ...(h.pattern ? { pattern: h.pattern } : {}) },
      ...(example.headers?.[h.name] === undefined ? {} : { example: example.headers[h.name] }),
    })),
  ];
}

/** The answers of a v1 route: its success, the problems every route can answer, and its own. */
function routeResponses(r: RouteDef, example: OperationExample): Json {
  return {
    ...successResponse('Success (writes: committed VALID)', r.status, r, r.operationId, example),
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
    ...problemResponses(r.problems),
  };
}

export function buildOpenApi(
  routes: readonly RouteDef[],
  info: { title: string; version: string; org: string },
  examples: Readonly<Record<string, OperationExample>> = OPERATION_EXAMPLES,
): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const example = exampleFor(r.operationId, examples);
    const op: Json = {
      operationId: r.operationId,
      summary: r.summary,
      ...exampleNotes(example),
      tags: [r.tag],
      security: [{ bearerAuth: [] }],
      parameters: routeParameters(r, example),
      responses: routeResponses(r, example),
    };
    if (r.body) {
      op['requestBody'] = {
        required: true,
        content: {
          'application/json': {
            schema: jsonSchema(r.body, 'input'),
            examples: exampleOf(r.operationId, example.summary, example.body),
          },
        },
      };
    }
    (paths[r.path] ??= {})[r.method] = op;
  }
  for (const o of OPS_OPERATIONS) {
    const example = exampleFor(o.operationId, examples);
    (paths[o.path] ??= {})[o.method] = {
      operationId: o.operationId,
      summary: o.summary,
      ...exampleNotes(example),
      tags: ['operations'],
      security: [],
      responses: {
        ...successResponse('OK', 200, o, o.operationId, example),
        ...problemResponses(o.problems),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: `MedLedger REST gateway of ${info.org}. Writes answer once committed VALID; errors are application/problem+json with a stable code.`,
    },
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
    },
  };
}
