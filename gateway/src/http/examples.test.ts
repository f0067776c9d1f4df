import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { generatePatientKey } from '@medledger/domain';
import Ajv2020 from 'ajv/dist/2020';

import { PATIENT_PROOF_HEADER, signPatientProof } from '../auth/patient-proof';
import { accessScript, LedgerBuilder, ownTreatmentAccess } from '../projection/testing/fixtures';
import { didDocFixture } from '../testing/fake-ledger';
import { resourceErrors, searchsetErrors } from '../testing/fhir';
import { consoleBuildFixture, startTestGateway, type TestGateway } from '../testing/harness';
import { describe, it } from '../testing/node-test';
import { strictProblems } from '../testing/response-contract';
import { EXAMPLE_PATIENT, OPERATION_EXAMPLES, type ExampleCaller } from './examples';

type Json = Record<string, unknown>;

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: Json;
  readonly example?: string | number;
}

interface Operation {
  readonly operationId: string;
  readonly 'x-medledger-example-caller': ExampleCaller;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: {
    content: Record<string, { schema: Json; examples: Record<string, { value: unknown }> }>;
  };
  readonly responses: Record<
    string,
    { content?: Record<string, { schema: Json; examples?: Record<string, { value: unknown }> }> }
  >;
}

/** The one value of an OpenAPI `examples` map. */
function exampleValue(examples: Record<string, { value: unknown }> | undefined, where: string): unknown {
  const values = Object.values(examples ?? {});
  assert.equal(values.length, 1, `${where}: one example`);
  return values[0]?.value;
}

/** Every FHIR resource in a JSON value: the values of `resource` members that have a `resourceType`. */
function fhirResources(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) fhirResources(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'resource' && v !== null && typeof v === 'object' && 'resourceType' in v) out.push(v);
      else fhirResources(v, out);
    }
  }
  return out;
}

const ADMIN_DID = 'did:medledger:hospital1:hospital1-admin';

const TOKEN_SUBJECTS: Readonly<Record<Exclude<ExampleCaller, 'anyone' | 'patient'>, string>> = {
  clinician: 'hospital1-attending-1',
  admin: 'hospital1-admin',
  ethics: 'hospital1-ethics-1',
  researcher: 'research-researcher-1',
  insurer: 'insurer-admin',
  auditor: 'regulator-auditor-1',
};

/**
 * The world the examples assume, on the fake ledger: Hospital1's admin is an admin, the example
 * patient's key is on chain (so a fresh proof of it verifies), and three accesses to the patient's
 * record are projected (so a page of two has a next one).
 */
async function exampleWorld(gw: TestGateway): Promise<(caller: ExampleCaller) => Promise<Json>> {
  const resolve = gw.fake.handlers['identity:ResolveDid'];
  gw.fake.handlers['identity:ResolveDid'] = (input, options) => {
    const did = input['did'];
    if (did !== ADMIN_DID) return resolve?.(input, options);
    const doc = didDocFixture(did) as { medledger: Json };
    doc.medledger['role'] = 'admin';
    return doc;
  };
  const { publicJwk, privateJwk } = generatePatientKey();
  gw.fake.registerPatientKey(EXAMPLE_PATIENT, publicJwk);
  const builder = new LedgerBuilder({ salt: `examples-${randomUUID()}` });
  const { access } = accessScript(builder, ownTreatmentAccess(EXAMPLE_PATIENT), (event) => {
    gw.events.append(event);
  });
  const ago = (hours: number): string => new Date(Date.now() - hours * 3_600_000).toISOString();
  access('own', ago(30), {});
  access('denied', ago(10), { actorMsp: 'Hospital2MSP', outcome: 'denied', reason: 'NO_CONSENT' });
  access('bg', ago(100), {
    actorMsp: 'Hospital2MSP',
    purpose: 'emergency',
    reason: 'BREAK_GLASS',
    breakGlass: true,
  });
  await gw.caughtUp();
  return async (caller) => {
    if (caller === 'anyone') return {};
    const token =
      caller === 'patient'
        ? await gw.token(EXAMPLE_PATIENT, { kind: 'patient' })
        : await gw.token(TOKEN_SUBJECTS[caller]);
    return {
      authorization: `Bearer ${token}`,
      // A proof is good once and for minutes: a fresh one replaces the example's.
      [PATIENT_PROOF_HEADER]: signPatientProof(privateJwk, `${EXAMPLE_PATIENT}#key-1`, {
        patientDid: EXAMPLE_PATIENT,
        aud: gw.config.org.mspId,
      }),
    };
  };
}

type Problems = (schema: Json, value: unknown, where: string) => string[];

/** A JSON Schema checker over the documented schemas (draft 2020-12, as OpenAPI 3.1 says). */
function schemaChecker(): Problems {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  return (schema, value, where) => {
    const validate = ajv.compile(schema);
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${where}${e.instancePath}: ${e.message ?? 'invalid'}`);
  };
}

/** The request an operation's examples make: path, query, headers and body; and problems of the examples. */
async function exampleRequest(
  template: string,
  op: Operation,
  headersOf: (caller: ExampleCaller) => Promise<Json>,
  check: Problems,
  where: string,
): Promise<{ url: string; headers: Record<string, string>; body: unknown; problems: string[] }> {
  const problems: string[] = [];
  const params = op.parameters ?? [];
  for (const p of params.filter((q) => q.example !== undefined)) {
    problems.push(...check(p.schema, p.example, `${where} ${p.in} ${p.name} example`));
  }
  let path = template;
  for (const p of params.filter((q) => q.in === 'path')) {
    assert.ok(p.example !== undefined, `${where}: no example of path parameter ${p.name}`);
    path = path.replace(`{${p.name}}`, encodeURIComponent(String(p.example)));
  }
  const examplesIn = (kind: Parameter['in']) =>
    params
      .filter((q) => q.in === kind && q.example !== undefined)
      .map((q): [string, string] => [q.name, String(q.example)]);
  const query = new URLSearchParams(examplesIn('query')).toString();
  const headers: Record<string, string> = Object.fromEntries(examplesIn('header'));
  for (const [name, value] of Object.entries(await headersOf(op['x-medledger-example-caller']))) {
    if (name !== PATIENT_PROOF_HEADER || name in headers) headers[name] = String(value);
  }
  const jsonBody = op.requestBody?.content['application/json'];
  const body = jsonBody ? exampleValue(jsonBody.examples, `${where} request`) : undefined;
  if (jsonBody) {
    problems.push(...check(jsonBody.schema, body, `${where} request example`));
    problems.push(...fhirProblems(body, `${where} request`));
    headers['content-type'] = 'application/json';
  }
  return { url: `${path}${query ? `?${query}` : ''}`, headers, body, problems };
}

/** Problems of the FHIR resources in a JSON value (and of a FHIR searchset page itself). */
function fhirProblems(json: unknown, where: string, searchset = false): string[] {
  const problems = fhirResources(json).flatMap((r) => resourceErrors(r).map((e) => `${where}: ${e}`));
  // Three events of the patient, two a page: more follow, and the count is unknown.
  if (searchset)
    problems.push(...searchsetErrors(json, { total: null, hasNext: true }).map((e) => `${where}: ${e}`));
  return problems;
}

/** Problems of an answer against the operation's documented success answer and its example. */
function answerProblems(
  gw: TestGateway,
  op: Operation,
  res: { status: number; type: string; text: string },
  check: Problems,
  where: string,
): string[] {
  const [status, documented] = Object.entries(op.responses).find(([s]) => s.startsWith('2')) ?? [];
  const [type, media] = Object.entries(documented?.content ?? {})[0] ?? [];
  assert.ok(status && type && media, `${where}: no documented success answer`);
  const example = exampleValue(media.examples, `${where} response`);
  if (String(res.status) !== status) {
    return [`${where}: answered ${String(res.status)}, documented ${status}: ${res.text.slice(0, 300)}`];
  }
  const problems = res.type === type ? [] : [`${where}: answered ${res.type}, documented ${type}`];
  if (!type.endsWith('json')) {
    return typeof example === 'string'
      ? problems
      : [...problems, `${where}: the example of a ${type} answer is text`];
  }
  const value = JSON.parse(res.text) as unknown;
  problems.push(...check(media.schema, value, `${where} answer`));
  problems.push(...check(media.schema, example, `${where} response example`));
  // The example as strictly as the answers (see ResponseContract): no member the schema lacks.
  const route = gw.routes.find((r) => r.operationId === op.operationId);
  if (route && type === (route.contentType ?? 'application/json')) {
    problems.push(...strictProblems(route.response, example).map((p) => `${where} response example: ${p}`));
  }
  // A FHIR answer is a searchset Bundle, a document Bundle where documented (the health summary), or one
  // resource (checked as R4 itself).
  const fhirAnswer = type === 'application/fhir+json';
  const bundleType = (v: unknown) =>
    v !== null && typeof v === 'object' && (v as Json)['resourceType'] === 'Bundle'
      ? (v as Json)['type']
      : undefined;
  if (fhirAnswer && bundleType(value) !== bundleType(example)) {
    problems.push(
      `${where}: answered a ${String(bundleType(value))} Bundle, documented ${String(bundleType(example))}`,
    );
  }
  for (const [json, label] of [
    [value, `${where} answer`],
    [example, `${where} response example`],
  ] as const) {
    const bundle = (json as { resourceType?: unknown } | null)?.resourceType === 'Bundle';
    problems.push(...fhirProblems(json, label, fhirAnswer && bundle && bundleType(example) !== 'document'));
    if (fhirAnswer && !bundle) problems.push(...resourceErrors(json).map((e) => `${label}: ${e}`));
  }
  return problems;
}

describe('the examples of the OpenAPI document', () => {
  it('when every example request of the document is sent to a gateway over the test ledger, then each answers with its documented status and a body of its documented schema', async () => {
    const gw = await startTestGateway({ console: consoleBuildFixture().dir });
    try {
      const headersOf = await exampleWorld(gw);
      const spec = (await (await fetch(`${gw.url}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, Operation>>;
      };
      const check = schemaChecker();
      const sent: string[] = [];
      const problems: string[] = [];
      for (const [template, operations] of Object.entries(spec.paths)) {
        for (const [method, op] of Object.entries(operations)) {
          const where = `${method.toUpperCase()} ${template} (${op.operationId})`;
          const request = await exampleRequest(template, op, headersOf, check, where);
          problems.push(...request.problems);
          const res = await fetch(`${gw.url}${request.url}`, {
            method: method.toUpperCase(),
            headers: request.headers,
            ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          });
          const answer = {
            status: res.status,
            type: (res.headers.get('content-type') ?? '').split(';')[0] ?? '',
            text: await res.text(),
          };
          sent.push(op.operationId);
          problems.push(...answerProblems(gw, op, answer, check, where));
        }
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(
        [...sent].sort(),
        Object.keys(OPERATION_EXAMPLES).sort(),
        'every example was sent, and every operation has one',
      );
      // Each v1 answer was also parsed strictly with its route's schema (the gateway's contract).
      assert.deepEqual(
        gw.routes.map((r) => r.operationId).filter((id) => !gw.contract.checked.has(id)),
        [],
      );
    } finally {
      await gw.close();
    }
  });
});
