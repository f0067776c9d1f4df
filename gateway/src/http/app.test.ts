import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';

import {
  generatePatientKey,
  signPatientPayload,
  signPatientRegistration,
  SIGNED_PAYLOAD_TYPES,
} from '@medledger/domain';

import { PATIENT_PROOF_HEADER, signPatientProof } from '../auth/patient-proof';
import { AppError } from '../errors';
import { RateLimiter } from '../rate-limit';
import { READINESS_REUSE_MS } from './ops-routes';
import { consentFixture, defaultHandlers, hashOf, txId } from '../testing/fake-ledger';
import { foreignKey, startTestGateway, AUDIENCE, ISSUER, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';
import { mintToken } from '../auth/tokens';

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

async function call(
  gw: TestGateway,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${gw.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

function assertProblem(r: Reply, status: number, code?: string): void {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.equal(r.body['status'], status);
  if (code) assert.equal(r.body['code'], code);
  assert.equal(typeof r.body['requestId'], 'string');
  assert.ok(!r.text.includes('    at '), 'no stack trace');
}

const patient = () => `did:medledger:patient:${randomBytes(6).toString('hex')}`;
const recordId = () => `rec-${randomUUID()}`;
const recordBody = (id: string, did = patient()) => ({
  recordId: id,
  patientDid: did,
  department: 'cardiology',
  category: 'diagnosis',
  level: 3,
  fhirResourceType: 'Condition',
  resource: { resourceType: 'Condition', code: { text: 'CANARY-PHI-NAME' } },
});

// One gateway for the suites of this file (node:test runs them in order).
let gw: TestGateway;
let doctor: string;
// The clock /readyz reuses one check by: it moves only when a test moves it.
let readinessNow = 0;
before(async () => {
  gw = await startTestGateway({ readinessClock: () => readinessNow });
  doctor = await gw.token('doc1');
});
after(async () => {
  await gw.close();
});

describe('gateway HTTP layer: authentication', () => {
  it('when no token is sent, then 401 problem+json with WWW-Authenticate', async () => {
    const r = await call(gw, 'GET', '/v1/records/rec-1');
    assertProblem(r, 401, 'UNAUTHENTICATED');
    assert.match(r.headers.get('www-authenticate') ?? '', /Bearer/);
    assert.equal(gw.fake.calls.length, 0);
  });

  it('when the token has expired, then 401', async () => {
    const old = Math.floor(Date.now() / 1000) - 7200;
    const t = await gw.token('doc1', { issuedAt: old, ttlSeconds: 600 });
    assertProblem(await call(gw, 'GET', '/v1/records/rec-1', { token: t }), 401, 'UNAUTHENTICATED');
  });

  it('when the audience or issuer is wrong, then 401', async () => {
    assertProblem(
      await call(gw, 'GET', '/v1/records/rec-1', { token: await gw.token('doc1', { audience: 'other' }) }),
      401,
    );
    assertProblem(
      await call(gw, 'GET', '/v1/records/rec-1', {
        token: await gw.token('doc1', { issuer: 'https://x' }),
      }),
      401,
    );
  });

  it('when the token uses alg none, then 401', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
      sub: 'doc1',
      org: 'Hospital1',
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now,
      exp: now + 600,
    })}.`;
    assertProblem(await call(gw, 'GET', '/v1/records/rec-1', { token: unsigned }), 401, 'UNAUTHENTICATED');
  });

  it("when the token is signed by another org's key, then 401", async () => {
    const t = await mintToken(foreignKey(), {
      issuer: ISSUER,
      audience: AUDIENCE,
      org: 'Hospital2',
      subject: 'd',
    });
    assertProblem(await call(gw, 'GET', '/v1/records/rec-1', { token: t }), 401);
  });

  it('when a valid token names another org, then 403 WRONG_ORG', async () => {
    const t = await gw.token('doc1', { org: 'Hospital2' });
    assertProblem(await call(gw, 'GET', '/v1/records/rec-1', { token: t }), 403, 'WRONG_ORG');
  });

  it('when the caller has a staff token, then the ledger call is signed with their own identity', async () => {
    const id = recordId();
    const r = await call(gw, 'GET', `/v1/records/${id}`, { token: doctor });
    assert.equal(r.status, 200, r.text);
    const c = gw.fake.callsOf('record:GetRecord').find((x) => x.input['recordId'] === id);
    assert.equal(c?.caller, 'doc1');
  });
});

describe('gateway HTTP layer: records', () => {
  it('when a record is created, then content is staged on the own org, then anchored, and 201 returns both tx ids', async () => {
    const id = recordId();
    const r = await call(gw, 'POST', '/v1/records', { token: doctor, body: recordBody(id) });
    assert.equal(r.status, 201, r.text);
    const stage = gw.fake.callsOf('record:StageRecordContent').find((c) => c.input['recordId'] === id);
    assert.ok(stage);
    assert.deepEqual(stage.options.endorsingOrganizations, ['Hospital1MSP']);
    const content = JSON.parse(stage.options.transient?.['content'] ?? '{}') as { salt: string };
    assert.match(content.salt, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(stage.input).includes('CANARY'), 'content never in arguments');
    const anchor = gw.fake.callsOf('record:AnchorRecord').find((c) => c.input['recordId'] === id);
    assert.ok(anchor);
    assert.equal(anchor.input['previousHash'], null);
    assert.deepEqual(anchor.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP']);
    assert.deepEqual(Object.keys(anchor.options.transient ?? {}), ['subject']);
    assert.match(String(r.body['txId']), /^[0-9a-f]{64}$/);
    assert.match(String(r.body['stageTxId']), /^[0-9a-f]{64}$/);
    assert.equal(r.headers.get('x-transaction-id'), r.body['txId']);
  });

  it('when a version is added, then it chains to the latest hash with version + 1', async () => {
    const id = recordId();
    const body = recordBody(id) as Record<string, unknown>;
    delete body['recordId'];
    const r = await call(gw, 'POST', `/v1/records/${id}/versions`, { token: doctor, body });
    assert.equal(r.status, 201, r.text);
    const anchor = gw.fake.callsOf('record:AnchorRecord').find((c) => c.input['recordId'] === id);
    assert.equal(anchor?.input['version'], 2);
    assert.equal(anchor.input['previousHash'], hashOf('content'));
  });

  it('when history, verify, access and content are requested, then each answers 200', async () => {
    const id = recordId();
    assert.equal((await call(gw, 'GET', `/v1/records/${id}/history`, { token: doctor })).status, 200);
    const v = await call(gw, 'POST', `/v1/records/${id}/verify`, {
      token: doctor,
      body: { resource: { resourceType: 'Condition' }, salt: 'a'.repeat(32) },
    });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body['matches'], true);
    const a = await call(gw, 'POST', `/v1/records/${id}/access`, {
      token: doctor,
      body: { purpose: 'treatment' },
    });
    assert.equal(a.status, 200, a.text);
    const decision = a.body['decision'] as { accessId: string };
    const c = await call(gw, 'GET', `/v1/records/${id}/content?accessId=${decision.accessId}`, {
      token: doctor,
    });
    assert.equal(c.status, 200, c.text);
    const read = gw.fake.callsOf('access:ReadRecordContent').at(-1);
    assert.deepEqual(read?.options.endorsingOrganizations, ['Hospital1MSP']);
  });

  it('when the record is reviewed, erased, or its staged content purged, then 200/201, endorsed by the own org and the regulator', async () => {
    const id = recordId();
    assert.equal(
      (await call(gw, 'POST', `/v1/records/${id}/review`, { token: doctor, body: { version: 1 } })).status,
      200,
    );
    const e = await call(gw, 'POST', `/v1/records/${id}/erasures`, {
      token: doctor,
      body: { reason: 'patient_request' },
    });
    assert.equal(e.status, 201, e.text);
    const p = await call(gw, 'POST', `/v1/records/${id}/staged-erasures`, {
      token: doctor,
      body: { version: 1, reason: 'data_error' },
    });
    assert.equal(p.status, 201, p.text);
    assert.equal((p.body['erasure'] as { staged: boolean }).staged, true);
    for (const fn of [
      'record:ReviewRecordQuality',
      'record:EraseRecordContent',
      'record:PurgeStagedContent',
    ]) {
      const c = gw.fake.callsOf(fn).find((x) => x.input['recordId'] === id);
      assert.deepEqual(c?.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP'], fn);
    }
  });
});

describe('gateway HTTP layer: records of another custodian (issue 12 holes 5, 6, 10, 15)', () => {
  it("when a record is read, its history asked or its content read with `custodian`, then the ledger is asked about that custodian's record; without it, the caller's own", async () => {
    const id = recordId();
    const q = `custodian=Hospital2MSP`;
    assert.equal((await call(gw, 'GET', `/v1/records/${id}?${q}`, { token: doctor })).status, 200);
    assert.equal((await call(gw, 'GET', `/v1/records/${id}/history?${q}`, { token: doctor })).status, 200);
    assert.equal((await call(gw, 'GET', `/v1/records/${id}`, { token: doctor })).status, 200);
    const reads = gw.fake.callsOf('record:GetRecord').filter((c) => c.input['recordId'] === id);
    assert.deepEqual(
      reads.map((c) => c.input['custodian']),
      ['Hospital2MSP', 'Hospital1MSP'],
    );
    assert.equal(
      gw.fake.callsOf('record:GetRecordHistory').find((c) => c.input['recordId'] === id)?.input['custodian'],
      'Hospital2MSP',
    );
    const c = await call(gw, 'GET', `/v1/records/${id}/content?${q}&accessId=${txId()}`, { token: doctor });
    assert.equal(c.status, 200, c.text);
    const read = gw.fake.callsOf('access:ReadRecordContent').find((x) => x.input['recordId'] === id);
    assert.deepEqual(read?.options.endorsingOrganizations, ['Hospital2MSP']);
    assert.equal(read.input['custodian'], 'Hospital2MSP');
  });

  it("when access to another hospital's record is asked with the patient, then the consents this org holds for the patient and purpose are presented in the transient map, and the custodian and the regulator endorse", async () => {
    const id = recordId();
    const did = patient();
    const held = [
      consentFixture(did, { purpose: 'treatment', grantedAt: '2026-01-02T00:00:00.000Z' }),
      consentFixture(did, { purpose: 'treatment', grantedAt: '2026-01-03T00:00:00.000Z' }),
      consentFixture(did, { purpose: 'research' }),
      consentFixture(did, { purpose: 'treatment', status: 'revoked' }),
    ];
    gw.fake.handlers['consent:ListPatientConsents'] = () => ({
      items: held,
      bookmark: '',
      fetchedRecordsCount: 4,
    });
    try {
      const a = await call(gw, 'POST', `/v1/records/${id}/access`, {
        token: doctor,
        body: { purpose: 'treatment', custodian: 'Hospital2MSP', patientDid: did },
      });
      assert.equal(a.status, 200, a.text);
    } finally {
      gw.fake.handlers['consent:ListPatientConsents'] =
        defaultHandlers()['consent:ListPatientConsents'] ?? (() => ({}));
    }
    const list = gw.fake.callsOf('consent:ListPatientConsents').at(-1);
    assert.deepEqual(list?.options.endorsingOrganizations, ['Hospital1MSP'], 'read on the own peer');
    const access = gw.fake.callsOf('access:AccessRecord').find((c) => c.input['recordId'] === id);
    assert.ok(access);
    assert.deepEqual(access.options.endorsingOrganizations, ['Hospital2MSP', 'RegulatorMSP']);
    assert.equal(JSON.stringify(access.input).includes(did), false, 'no patient in the arguments');
    const presented = JSON.parse(access.options.transient?.['consents'] ?? '[]') as { consentId: string }[];
    assert.deepEqual(
      presented.map((p) => p.consentId),
      [held[1]?.['consentId'], held[0]?.['consentId']],
    );
  });

  it('when the own staff ask for treatment, then no consent is looked up or presented', async () => {
    const id = recordId();
    const before = gw.fake.callsOf('consent:ListPatientConsents').length;
    const a = await call(gw, 'POST', `/v1/records/${id}/access`, {
      token: doctor,
      body: { purpose: 'treatment', patientDid: patient() },
    });
    assert.equal(a.status, 200, a.text);
    assert.equal(gw.fake.callsOf('consent:ListPatientConsents').length, before);
    const access = gw.fake.callsOf('access:AccessRecord').find((c) => c.input['recordId'] === id);
    assert.deepEqual(access?.options.transient, {});
    assert.deepEqual(access.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP']);
  });
});

describe("gateway HTTP layer: verifying and writing another custodian's records (issue 12 holes 10, 15)", () => {
  it("when a copy is verified, then it is evaluated on the caller's own org's peer, whatever the custodian", async () => {
    const id = recordId();
    const v = await call(gw, 'POST', `/v1/records/${id}/verify`, {
      token: doctor,
      body: { custodian: 'Hospital2MSP', resource: { resourceType: 'Condition' }, salt: 'a'.repeat(32) },
    });
    assert.equal(v.status, 200, v.text);
    const c = gw.fake.callsOf('record:VerifyRecord').find((x) => x.input['recordId'] === id);
    assert.deepEqual(c?.options.endorsingOrganizations, ['Hospital1MSP']);
    assert.deepEqual(Object.keys(c.options.transient ?? {}), ['content']);
  });

  it('when a write of a record names another custodian, then 403 and nothing is sent: only the custodian changes its records', async () => {
    const id = recordId();
    const before = gw.fake.calls.length;
    const other = { custodian: 'Hospital2MSP' };
    const version = recordBody(id) as Record<string, unknown>;
    delete version['recordId'];
    for (const [path, body] of [
      [`/v1/records/${id}/versions`, { ...version, ...other }],
      [`/v1/records/${id}/review`, { version: 1, ...other }],
      [`/v1/records/${id}/erasures`, { reason: 'patient_request', ...other }],
      [`/v1/records/${id}/staged-erasures`, { version: 1, reason: 'data_error', ...other }],
    ] as const) {
      assertProblem(await call(gw, 'POST', path, { token: doctor, body }), 403, 'FORBIDDEN');
    }
    assert.equal(gw.fake.calls.length, before);
    const own = await call(gw, 'POST', `/v1/records/${id}/review`, {
      token: doctor,
      body: { version: 1, custodian: 'Hospital1MSP' },
    });
    assert.equal(own.status, 200, own.text);
  });

  it('when a custodian outside the consortium is named, then 404 and nothing is sent', async () => {
    const id = recordId();
    const r = await call(gw, 'POST', `/v1/records/${id}/access`, {
      token: doctor,
      body: { purpose: 'treatment', custodian: 'Hospital9MSP' },
    });
    assertProblem(r, 404, 'NOT_FOUND');
    assert.equal(
      gw.fake.callsOf('access:AccessRecord').some((c) => c.input['recordId'] === id),
      false,
    );
  });
});

describe('gateway HTTP layer: validation and limits', () => {
  it('when the body misses fields, then 400 VALIDATION_FAILED with paths and nothing is written', async () => {
    const before = gw.fake.calls.length;
    const r = await call(gw, 'POST', '/v1/records', { token: doctor, body: { recordId: 'x' } });
    assertProblem(r, 400, 'VALIDATION_FAILED');
    assert.ok(Array.isArray(r.body['issues']));
    assert.equal(gw.fake.calls.length, before);
  });

  it('when an id contains \\u0000, then 400', async () => {
    assertProblem(await call(gw, 'GET', '/v1/records/rec%00-1', { token: doctor }), 400, 'VALIDATION_FAILED');
  });

  it('when the body has a __proto__ key, then 400 and nothing is written', async () => {
    const before = gw.fake.calls.length;
    const raw = `{"recordId":"r1","__proto__":{"admin":true}}`;
    assertProblem(await call(gw, 'POST', '/v1/records', { token: doctor, raw }), 400, 'MALFORMED_JSON');
    assert.equal(gw.fake.calls.length, before);
  });

  it('when the body repeats a key in one object, then 400 and nothing is written', async () => {
    const before = gw.fake.calls.length;
    const raw = `{"enrollmentId":"dup-1","role":"nurse","role":"admin","department":"oncology"}`;
    assertProblem(await call(gw, 'POST', '/v1/staff', { token: doctor, raw }), 400, 'MALFORMED_JSON');
    assert.equal(gw.fake.calls.length, before);
  });

  it('when the body nests arrays or objects 1,849 to 2,720 levels deep (issue 12 hole 13), then 400 JSON_TOO_DEEP, nothing is written and the gateway stays up', async () => {
    const before = gw.fake.calls.length;
    for (const depth of [1_849, 2_000, 2_720, 65]) {
      const raws = [
        // A valid record whose resource hides the nesting: it passes validation and reached the ledger call.
        ...[`${'['.repeat(depth)}1${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`].map(
          (deep) =>
            JSON.stringify(recordBody(recordId())).replace(
              '"resourceType":"Condition"',
              `"resourceType":"Condition","note":${deep}`,
            ),
        ),
        `{"recordId":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      ];
      for (const raw of raws) {
        // With a key, the idempotency hash walked the body: a stack overflow, answered 500.
        const keyed = await call(gw, 'POST', '/v1/records', {
          token: doctor,
          raw,
          headers: { 'idempotency-key': `deep-${randomUUID()}` },
        });
        assertProblem(keyed, 400, 'JSON_TOO_DEEP');
        const r = await call(gw, 'POST', '/v1/records', { token: doctor, raw });
        assertProblem(r, 400, 'JSON_TOO_DEEP');
        assert.match(String(r.body['detail']), /deeper than 64 levels/);
      }
    }
    assert.equal(gw.fake.calls.length, before);
    assert.equal((await call(gw, 'GET', '/healthz')).status, 200);
  });
});

describe('gateway HTTP layer: body, URL and page limits', () => {
  it('when the body is not JSON or not application/json, then 400 or 415', async () => {
    assertProblem(
      await call(gw, 'POST', '/v1/records', { token: doctor, raw: '{nope' }),
      400,
      'MALFORMED_JSON',
    );
    assertProblem(
      await call(gw, 'POST', '/v1/records', {
        token: doctor,
        raw: 'a=b',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
    );
  });

  it('when the body is larger than the limit, then 413', async () => {
    const big = {
      ...recordBody(recordId()),
      resource: { resourceType: 'Condition', note: 'x'.repeat(600_000) },
    };
    assertProblem(
      await call(gw, 'POST', '/v1/records', { token: doctor, body: big }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('when the URL is too long, then 414', async () => {
    assertProblem(
      await call(gw, 'GET', `/v1/records/${'a'.repeat(3000)}`, { token: doctor }),
      414,
      'URI_TOO_LONG',
    );
  });

  it('when the page size is above the maximum, then 400', async () => {
    const r = await call(gw, 'GET', `/v1/patients/${patient()}/consents?pageSize=5000`, { token: doctor });
    assertProblem(r, 400, 'VALIDATION_FAILED');
  });

  it('when a route does not exist, then 404; a wrong method is 405', async () => {
    assertProblem(await call(gw, 'GET', '/v1/nothing', { token: doctor }), 404, 'ROUTE_NOT_FOUND');
    assertProblem(await call(gw, 'DELETE', '/v1/records/r1', { token: doctor }), 405, 'METHOD_NOT_ALLOWED');
  });
});

describe('gateway HTTP layer: ledger failures', () => {
  it('when the ledger is unavailable, then 503 with Retry-After; a chaincode NOT_FOUND is 404', async () => {
    const saved = gw.fake.handlers['study:GetStudy'];
    gw.fake.handlers['study:GetStudy'] = () => {
      throw new AppError('LEDGER_UNAVAILABLE', 'ledger unavailable', { retryAfterSeconds: 2 });
    };
    const r = await call(gw, 'GET', '/v1/studies/s1', { token: doctor });
    assertProblem(r, 503, 'LEDGER_UNAVAILABLE');
    assert.equal(r.headers.get('retry-after'), '2');
    gw.fake.handlers['study:GetStudy'] = () => {
      throw new Error('chaincode response 500, [NOT_FOUND] s1');
    };
    assertProblem(await call(gw, 'GET', '/v1/studies/s1', { token: doctor }), 404, 'NOT_FOUND');
    if (saved) gw.fake.handlers['study:GetStudy'] = saved;
  });

  it('when the ledger returns a malformed response, then 502 and not the data', async () => {
    const saved = gw.fake.handlers['study:GetStudy'];
    gw.fake.handlers['study:GetStudy'] = () => ({ wrong: true });
    assertProblem(await call(gw, 'GET', '/v1/studies/s1', { token: doctor }), 502, 'LEDGER_RESPONSE_INVALID');
    if (saved) gw.fake.handlers['study:GetStudy'] = saved;
  });
});

describe('gateway HTTP layer: idempotency', () => {
  it('when a write is retried with the same key, then the first result is returned and the ledger is called once', async () => {
    const id = recordId();
    const key = randomUUID();
    const body = recordBody(id);
    const first = await call(gw, 'POST', '/v1/records', {
      token: doctor,
      body,
      headers: { 'idempotency-key': key },
    });
    const second = await call(gw, 'POST', '/v1/records', {
      token: doctor,
      body,
      headers: { 'idempotency-key': key },
    });
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(gw.fake.callsOf('record:AnchorRecord').filter((c) => c.input['recordId'] === id).length, 1);
  });

  it('when the same key comes with another payload, then 422', async () => {
    const key = randomUUID();
    await call(gw, 'POST', '/v1/records', {
      token: doctor,
      body: recordBody(recordId()),
      headers: { 'idempotency-key': key },
    });
    const r = await call(gw, 'POST', '/v1/records', {
      token: doctor,
      body: recordBody(recordId()),
      headers: { 'idempotency-key': key },
    });
    assertProblem(r, 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('when a duplicate arrives while the first is in progress, then 409', async () => {
    gw.fake.submitDelayMs = 150;
    try {
      const key = randomUUID();
      const body = recordBody(recordId());
      const [a, b] = await Promise.all([
        call(gw, 'POST', '/v1/records', { token: doctor, body, headers: { 'idempotency-key': key } }),
        new Promise<Reply>((resolve) =>
          setTimeout(() => {
            resolve(
              call(gw, 'POST', '/v1/records', { token: doctor, body, headers: { 'idempotency-key': key } }),
            );
          }, 40),
        ),
      ]);
      assert.equal(a.status, 201, a.text);
      assertProblem(b, 409, 'IDEMPOTENCY_IN_PROGRESS');
    } finally {
      gw.fake.submitDelayMs = 0;
    }
  });
});

describe('gateway HTTP layer: idempotency retention (issue 12 hole 16)', () => {
  it('when an anchored record (its salt) is replayed within 15 min, then the first answer comes back; after, 410 and no second write, while an answer without content still replays', async () => {
    let clock = Date.now();
    const own = await startTestGateway({ idempotency: { purgeIntervalSeconds: 0, now: () => clock } });
    try {
      const token = await own.token('doc1');
      const id = recordId();
      const body = recordBody(id);
      const key = `hole16-${randomUUID()}`;
      const send = () =>
        call(own, 'POST', '/v1/records', { token, body, headers: { 'idempotency-key': key } });
      const first = await send();
      assert.equal(first.status, 201, first.text);
      assert.equal(typeof first.body['salt'], 'string');
      const staffKey = `hole16-${randomUUID()}`;
      const staff = {
        enrollmentId: `nurse-${randomUUID().slice(0, 8)}`,
        role: 'nurse',
        department: 'oncology',
      };
      const addStaff = () =>
        call(own, 'POST', '/v1/staff', { token, body: staff, headers: { 'idempotency-key': staffKey } });
      const staffFirst = await addStaff();
      clock += 899_000;
      const replay = await send();
      assert.deepEqual(replay.body, first.body);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      clock += 2_000;
      const gone = await send();
      assertProblem(gone, 410, 'IDEMPOTENCY_ANSWER_PURGED');
      assert.doesNotMatch(gone.text, new RegExp(String(first.body['salt'])));
      assert.equal(
        own.fake.callsOf('record:AnchorRecord').filter((c) => c.input['recordId'] === id).length,
        1,
      );
      const staffReplay = await addStaff();
      assert.equal(staffReplay.status, staffFirst.status);
      assert.deepEqual(staffReplay.body, staffFirst.body);
    } finally {
      await own.close();
    }
  });
});

describe('gateway HTTP layer: idempotent recovery and keys', () => {
  it('when a record write fails after its content was staged and is retried with the same key, then the retry reuses the staged transaction and answers the salt that content was hashed with', async () => {
    const id = recordId();
    const key = randomUUID();
    const body = recordBody(id);
    const saved = gw.fake.handlers['record:AnchorRecord'];
    gw.fake.handlers['record:AnchorRecord'] = () => {
      throw new AppError('LEDGER_UNAVAILABLE', 'orderer unavailable');
    };
    const first = await call(gw, 'POST', '/v1/records', {
      token: doctor,
      body,
      headers: { 'idempotency-key': key },
    });
    if (saved) gw.fake.handlers['record:AnchorRecord'] = saved;
    assertProblem(first, 503, 'LEDGER_UNAVAILABLE');
    const stagedFirst = gw.fake
      .callsOf('record:StageRecordContent')
      .filter((c) => c.input['recordId'] === id);
    assert.equal(stagedFirst.length, 1);
    const content = JSON.parse(Object.values(stagedFirst[0]?.options.transient ?? {})[0] ?? '{}') as {
      salt?: string;
    };

    const retry = await call(gw, 'POST', '/v1/records', {
      token: doctor,
      body,
      headers: { 'idempotency-key': key },
    });
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.body['salt'], content.salt, 'the salt the staged content was hashed with');
    assert.equal(
      gw.fake.callsOf('record:StageRecordContent').filter((c) => c.input['recordId'] === id).length,
      1,
      'the content is staged once',
    );
  });

  it('when failpoints are off (the default), then a failpoint header is ignored and the write completes', async () => {
    const r = await call(gw, 'POST', '/v1/records', {
      token: doctor,
      body: recordBody(recordId()),
      headers: { 'idempotency-key': randomUUID(), 'medledger-failpoint': 'after-endorse' },
    });
    assert.equal(r.status, 201, r.text);
  });

  it("when the anchor's other endorser has not committed the staging yet, then the anchor is endorsed again until it has and the record is created once", async () => {
    const id = recordId();
    const saved = gw.fake.handlers['record:AnchorRecord'];
    let refusals = 2;
    gw.fake.handlers['record:AnchorRecord'] = (input, options) => {
      if (refusals-- > 0) throw new Error(`[CONTENT_NOT_STAGED] ${id}`);
      if (!saved) throw new Error('no AnchorRecord handler');
      return saved(input, options);
    };
    try {
      const r = await call(gw, 'POST', '/v1/records', { token: doctor, body: recordBody(id) });
      assert.equal(r.status, 201, r.text);
    } finally {
      if (saved) gw.fake.handlers['record:AnchorRecord'] = saved;
    }
    const calls = gw.fake.callsOf('record:AnchorRecord').filter((c) => c.input['recordId'] === id);
    assert.equal(calls.length, 3);
    assert.equal(
      gw.fake.callsOf('record:StageRecordContent').filter((c) => c.input['recordId'] === id).length,
      1,
    );
  });

  it('when the key is malformed, then 400', async () => {
    const r = await call(gw, 'POST', '/v1/records', {
      token: doctor,
      body: recordBody(recordId()),
      headers: { 'idempotency-key': 'bad key!' },
    });
    assertProblem(r, 400, 'IDEMPOTENCY_KEY_INVALID');
  });
});

describe('gateway HTTP layer: patients and consents', () => {
  it('when a patient relays their own signed consent, then 201 and the service identity signs the relay', async () => {
    const did = patient();
    const { privateJwk } = generatePatientKey();
    const jws = signPatientPayload(
      {
        typ: SIGNED_PAYLOAD_TYPES.grant,
        grantee: { kind: 'org', mspId: 'Hospital2MSP' },
        categories: ['diagnosis'],
        maxLevel: 3,
        purpose: 'treatment',
        periodStart: new Date().toISOString(),
        periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
      },
      { patientDid: did, privateJwk, kid: `${did}#key-1` },
      { nowMs: Date.now() },
    );
    const t = await gw.token(did, { kind: 'patient' });
    const r = await call(gw, 'POST', '/v1/consents', { token: t, body: { jws } });
    assert.equal(r.status, 201, r.text);
    const grant = gw.fake.callsOf('consent:GrantConsent').at(-1);
    assert.equal(grant?.caller, 'gateway-service');
    // Kept in the grantee org's sealed collection: its peer and the regulator's endorse, and the
    // signed grant (which names the patient) travels in the transient map only.
    assert.deepEqual(grant.options.endorsingOrganizations, ['Hospital2MSP', 'RegulatorMSP']);
    assert.deepEqual(grant.input, {});
    assert.equal((JSON.parse(grant.options.transient?.['consent'] ?? '{}') as { jws: string }).jws, jws);
    assert.equal(JSON.stringify(r.body).includes(did), false, 'the answer is the public state');
    const other = await gw.token(patient(), { kind: 'patient' });
    assertProblem(await call(gw, 'POST', '/v1/consents', { token: other, body: { jws } }), 403, 'FORBIDDEN');
  });

  it('when a patient reads another patient data, then 403; their own log and consents are 200', async () => {
    const did = patient();
    const { publicJwk, privateJwk } = generatePatientKey();
    gw.fake.registerPatientKey(did, publicJwk);
    const t = await gw.token(did, { kind: 'patient' });
    const proof = signPatientProof(privateJwk, `${did}#key-1`, { patientDid: did, aud: 'Hospital1MSP' });
    const own = await call(gw, 'GET', `/v1/patients/${did}/access-log`, {
      token: t,
      headers: { [PATIENT_PROOF_HEADER]: proof },
    });
    assert.equal(own.status, 200, own.text);
    assert.equal(
      (await call(gw, 'GET', `/v1/patients/${did}/consents?pageSize=10`, { token: t })).status,
      200,
    );
    assertProblem(await call(gw, 'GET', `/v1/patients/${patient()}/access-log`, { token: t }), 403);
    assertProblem(await call(gw, 'GET', '/v1/records/r1/history', { token: t }), 403);
  });
});

describe('gateway HTTP layer: revocations and patient registration', () => {
  it('when a revocation names another consent than the path, then 400; with the same one, the revocation and the grant it revokes are relayed to the own org and the regulator', async () => {
    const did = patient();
    const { privateJwk } = generatePatientKey();
    const consentId = txId();
    const sign = (id: string) =>
      signPatientPayload(
        { typ: SIGNED_PAYLOAD_TYPES.revoke, consentId: id },
        { patientDid: did, privateJwk, kid: `${did}#key-1` },
        { nowMs: Date.now() },
      );
    const grantJws = String(consentFixture(did)['jws']);
    assertProblem(
      await call(gw, 'POST', `/v1/consents/${consentId}/revoke`, {
        token: doctor,
        body: { jws: sign(txId()), grantJws },
      }),
      400,
    );
    const jws = sign(consentId);
    const r = await call(gw, 'POST', `/v1/consents/${consentId}/revoke`, {
      token: doctor,
      body: { jws, grantJws },
    });
    assert.equal(r.status, 200, r.text);
    const revoke = gw.fake.callsOf('consent:RevokeConsent').at(-1);
    assert.deepEqual(revoke?.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP']);
    assert.deepEqual(JSON.parse(revoke.options.transient?.['revocation'] ?? '{}'), { jws, grantJws });
  });

  it('when a patient is registered and a DID resolved, then 201 with the DID document, and the DID travels only in the transient map', async () => {
    const did = patient();
    const body = signPatientRegistration(
      did,
      generatePatientKey(),
      generatePatientKey().publicJwk,
      'Hospital1MSP',
      {
        nowMs: Date.now(),
      },
    );
    const r = await call(gw, 'POST', '/v1/patients', { token: doctor, body });
    assert.equal(r.status, 201, r.text);
    assert.equal((r.body['didDocument'] as { id: string }).id, did);
    const reg = gw.fake.callsOf('identity:RegisterPatient').at(-1);
    assert.deepEqual(reg?.input, {});
    assert.deepEqual(reg.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP']);
    assert.ok(reg.options.transient?.['patient']?.includes(did));
    assert.equal((await call(gw, 'GET', `/v1/dids/${patient()}`, { token: doctor })).status, 200);
  });
});

describe('gateway HTTP layer: staff', () => {
  it('when an admin onboards staff, then a dry run precedes CA enrollment and the committed RegisterStaff', async () => {
    const admin = await gw.token('admin1');
    const id = `n${randomBytes(4).toString('hex')}`;
    const r = await call(gw, 'POST', '/v1/staff', {
      token: admin,
      body: { enrollmentId: id, role: 'nurse', department: 'cardiology' },
    });
    assert.equal(r.status, 201, r.text);
    assert.ok(gw.enrolled.includes(id));
    const kinds = gw.fake
      .callsOf('identity:RegisterStaff')
      .filter((c) => c.input['enrollmentId'] === id)
      .map((c) => c.kind);
    assert.deepEqual(kinds, ['evaluate', 'submit']);
  });

  it('when the dry run is refused, then nobody is enrolled', async () => {
    const saved = gw.fake.handlers['identity:RegisterStaff'];
    gw.fake.handlers['identity:RegisterStaff'] = () => {
      throw new AppError('FORBIDDEN', 'not an admin');
    };
    const id = `n${randomBytes(4).toString('hex')}`;
    const r = await call(gw, 'POST', '/v1/staff', {
      token: doctor,
      body: { enrollmentId: id, role: 'nurse' },
    });
    assertProblem(r, 403, 'FORBIDDEN');
    assert.ok(!gw.enrolled.includes(id));
    if (saved) gw.fake.handlers['identity:RegisterStaff'] = saved;
  });

  it('when staff are updated or deactivated, then 200', async () => {
    const did = 'did:medledger:hospital1:n1';
    assert.equal(
      (await call(gw, 'PATCH', `/v1/staff/${did}`, { token: doctor, body: { role: 'attending' } })).status,
      200,
    );
    assert.equal(
      (await call(gw, 'POST', `/v1/staff/${did}/deactivate`, { token: doctor, body: {} })).status,
      200,
    );
  });

  it('issue 12 hole 2: when an admin proposes a role change and another approves it, then each route submits its transaction with the path ids, and an admin change alone is a 403 APPROVAL_REQUIRED', async () => {
    const admin = await gw.token('admin1');
    const did = 'did:medledger:hospital1:n2';
    const proposed = await call(gw, 'POST', `/v1/staff/${did}/role-changes`, {
      token: admin,
      body: { role: 'admin', department: null },
    });
    assert.equal(proposed.status, 201, proposed.text);
    const proposalId = (proposed.body as { roleChange: { proposalId: string } }).roleChange.proposalId;
    const approved = await call(gw, 'POST', `/v1/staff/${did}/role-changes/${proposalId}/approve`, {
      token: await gw.token('admin2'),
      body: {},
    });
    assert.equal(approved.status, 200, approved.text);
    assert.deepEqual(
      gw.fake.callsOf('identity:ProposeStaffRoleChange').map((c) => [c.kind, c.input]),
      [['submit', { did, role: 'admin', department: null }]],
    );
    assert.deepEqual(
      gw.fake.callsOf('identity:ApproveStaffRoleChange').map((c) => [c.kind, c.input]),
      [['submit', { did, proposalId }]],
    );
    const saved = gw.fake.handlers['identity:UpdateStaff'];
    gw.fake.handlers['identity:UpdateStaff'] = () => {
      throw new AppError('APPROVAL_REQUIRED', did);
    };
    assertProblem(
      await call(gw, 'PATCH', `/v1/staff/${did}`, { token: admin, body: { role: 'admin' } }),
      403,
      'APPROVAL_REQUIRED',
    );
    if (saved) gw.fake.handlers['identity:UpdateStaff'] = saved;
  });
});

describe('gateway HTTP layer: studies', () => {
  it('when a researcher proposes a study, reads its cohort and builds a dataset, then 201/200/200; the retired registration is 404', async () => {
    const t = await gw.token('res1');
    const s = await call(gw, 'POST', '/v1/multicenter-studies', {
      token: t,
      body: {
        studyId: 'study-1',
        categories: ['lab'],
        maxLevel: 3,
        periodStart: new Date().toISOString(),
        periodEnd: new Date(Date.now() + 1e9).toISOString(),
        sites: ['Hospital1MSP', 'Hospital2MSP'],
        quorum: { kind: 'all' },
        protocolHash: 'ab'.repeat(32),
      },
    });
    assert.equal(s.status, 201, s.text);
    const retired = await call(gw, 'POST', '/v1/studies', {
      token: t,
      body: { studyId: 'study-old', ethicsApprovalRef: 'ETH-2025-1' },
    });
    assert.equal(retired.status, 404, retired.text);
    assert.equal((await call(gw, 'GET', '/v1/studies/study-1/cohort', { token: t })).status, 200);
    const d = await call(gw, 'POST', '/v1/studies/study-1/datasets', {
      token: t,
      body: {
        records: [
          { recordId: 'rec-a', custodian: 'Hospital2MSP', patientDid: patient() },
          { recordId: 'rec-b' },
        ],
      },
    });
    assert.equal(d.status, 200, d.text);
    const items = d.body['items'] as { recordId: string; custodian: string; receipt: { orderKey: string } }[];
    assert.deepEqual(items.map((i) => [i.recordId, i.custodian]).sort(), [
      ['rec-a', 'Hospital2MSP'],
      ['rec-b', 'Hospital1MSP'],
    ]);
    // One export: every row read for the first grant's id, in order-key order, receipts recorded per custodian.
    const first = gw.fake.callsOf('access:AccessRecord').find((c) => c.input['recordId'] === 'rec-a');
    const reads = gw.fake.callsOf('access:ReadRecordContent').slice(-2);
    assert.equal(new Set(reads.map((c) => c.input['exportId'])).size, 1);
    assert.equal(d.body['exportId'], reads[0]?.input['exportId']);
    assert.notEqual(first, undefined);
    const keys = items.map((i) => i.receipt.orderKey);
    assert.deepEqual(keys, [...keys].sort());
    const recorded = gw.fake.callsOf('trace:RecordDataUse').slice(-2);
    assert.deepEqual(recorded.map((c) => c.input['custodian']).sort(), ['Hospital1MSP', 'Hospital2MSP']);
    const access = gw.fake.callsOf('access:AccessRecord').find((c) => c.input['recordId'] === 'rec-a');
    assert.equal(access?.input['purpose'], 'research');
    assert.equal(access.input['studyId'], 'study-1');
    assert.deepEqual(access.options.endorsingOrganizations, ['Hospital2MSP', 'RegulatorMSP']);
  });

  it("when the custodian's peer has not yet committed a dataset's grant, then the content is read again once it has", async () => {
    const t = await gw.token('res1');
    const saved = gw.fake.handlers['access:ReadRecordContent'];
    let lagging = 2;
    gw.fake.handlers['access:ReadRecordContent'] = (input, call) => {
      if (lagging > 0) {
        lagging -= 1;
        throw new AppError('ACCESS_NOT_GRANTED', String(input['accessId']));
      }
      if (!saved) throw new Error('no ReadRecordContent handler');
      return saved(input, call);
    };
    const d = await call(gw, 'POST', '/v1/studies/study-1/datasets', {
      token: t,
      body: { records: [{ recordId: 'rec-lag', custodian: 'Hospital1MSP' }] },
    });
    if (saved) gw.fake.handlers['access:ReadRecordContent'] = saved;
    assert.equal(d.status, 200, d.text);
    assert.deepEqual(
      (d.body['items'] as { outcome: string }[]).map((i) => i.outcome),
      ['granted'],
    );
    assert.equal(lagging, 0);
  });
});

describe('gateway HTTP layer: regulator', () => {
  it('when a regulator reads one audit event and reviews break-glass, then the ledger answers both, the review endorsed by the named custodian and the regulator', async () => {
    const t = await gw.token('aud1');
    assert.equal((await call(gw, 'GET', `/v1/audit/${txId()}`, { token: t })).status, 200);
    assert.deepEqual(gw.fake.callsOf('audit:GetAuditEvent').at(-1)?.options.endorsingOrganizations, [
      'Hospital1MSP',
    ]);
    const accessId = txId();
    const rv = await call(gw, 'POST', `/v1/break-glass/${accessId}/review`, {
      token: t,
      body: { outcome: 'unjustified', suspend: true, custodian: 'Hospital2MSP' },
    });
    assert.equal(rv.status, 200, rv.text);
    const review = gw.fake.callsOf('access:ReviewBreakGlass').at(-1);
    assert.deepEqual(review?.input, {
      accessId,
      custodian: 'Hospital2MSP',
      outcome: 'unjustified',
      suspend: true,
    });
    assert.deepEqual(review.options.endorsingOrganizations, ['Hospital2MSP', 'RegulatorMSP']);
  });
});

describe('gateway HTTP layer: operations and headers', () => {
  it('when staff post /v1/ops/ping, then the empty transaction is submitted as them and its tx id returned', async () => {
    const before = gw.fake.calls.length;
    const r = await call(gw, 'POST', '/v1/ops/ping', {
      token: doctor,
      body: {},
      headers: { 'idempotency-key': randomUUID() },
    });
    assert.equal(r.status, 200, r.text);
    assert.match(String(r.body['txId']), /^[0-9a-f]{64}$/);
    const sent = gw.fake.calls.slice(before);
    assert.deepEqual(
      sent.map((c) => [c.kind, c.fn, c.caller]),
      [['submit', 'health:Ping', 'doc1']],
    );
  });

  it('when /v1/ops/ping has no token or a non-empty body, then 401 or 400 and nothing is submitted', async () => {
    const before = gw.fake.calls.length;
    assertProblem(await call(gw, 'POST', '/v1/ops/ping', { body: {} }), 401, 'UNAUTHENTICATED');
    assertProblem(
      await call(gw, 'POST', '/v1/ops/ping', { token: doctor, body: { extra: 1 } }),
      400,
      'VALIDATION_FAILED',
    );
    assert.equal(gw.fake.calls.length, before);
  });

  it('when /healthz, /readyz, /metrics and /docs are fetched, then they answer without a token', async () => {
    assert.equal((await call(gw, 'GET', '/healthz')).status, 200);
    assert.equal((await call(gw, 'GET', '/readyz')).status, 200);
    const m = await call(gw, 'GET', '/metrics');
    assert.match(m.text, /medledger_http_request_duration_seconds/);
    const d = await fetch(`${gw.url}/docs`);
    assert.equal(d.status, 200);
    assert.match(d.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const asset = await fetch(`${gw.url}/docs/assets/swagger-ui-bundle.js`);
    assert.equal(asset.status, 200);
  });

  it('when any API response is sent, then strict security headers are set and CORS is off', async () => {
    const r = await call(gw, 'GET', '/v1/records/r1', {
      token: doctor,
      headers: { origin: 'https://evil.test' },
    });
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.match(r.headers.get('strict-transport-security') ?? '', /max-age=/);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(r.headers.get('x-powered-by'), null);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    assert.ok(r.headers.get('x-request-id'));
  });

  it('when an error body is produced from a request carrying personal data, then the data is not echoed', async () => {
    const body = { ...recordBody(recordId()), level: 9 };
    const r = await call(gw, 'POST', '/v1/records', { token: doctor, body });
    assertProblem(r, 400);
    assert.ok(!r.text.includes('CANARY'));
  });
});

describe('gateway HTTP layer: readiness (one check shared and reused for a second)', () => {
  it('when the ledger does not answer, then /readyz is 503 once the last check is older than a second', async () => {
    gw.fake.pingError = new Error('down');
    try {
      readinessNow += READINESS_REUSE_MS;
      assertProblem(await call(gw, 'GET', '/readyz'), 503);
    } finally {
      gw.fake.pingError = undefined;
    }
  });

  it('when 50 /readyz calls come at once, then one ledger ping answers them all; a call a second later pings again', async () => {
    readinessNow += READINESS_REUSE_MS;
    const before = gw.fake.pings;
    let release = (): void => undefined;
    gw.fake.pingHold = new Promise((resolve) => {
      release = resolve;
    });
    try {
      const answers = Promise.all(Array.from({ length: 50 }, () => call(gw, 'GET', '/readyz')));
      while (gw.fake.pings === before) await new Promise((r) => setTimeout(r, 5));
      // Held in flight, a check is shared however old it is.
      readinessNow += 10 * READINESS_REUSE_MS;
      await new Promise((r) => setTimeout(r, 50));
      release();
      for (const r of await answers) assert.equal(r.status, 200, r.text);
    } finally {
      gw.fake.pingHold = undefined;
    }
    assert.equal(gw.fake.pings - before, 1);
    readinessNow += READINESS_REUSE_MS - 1;
    assert.equal((await call(gw, 'GET', '/readyz')).status, 200);
    assert.equal(gw.fake.pings - before, 1);
    readinessNow += 1;
    assert.equal((await call(gw, 'GET', '/readyz')).status, 200);
    assert.equal(gw.fake.pings - before, 2);
  });

  it('when the ledger stops and comes back, then /readyz follows within a second, and a failed check is reused only that long', async () => {
    readinessNow += READINESS_REUSE_MS;
    const before = gw.fake.pings;
    gw.fake.pingError = new Error('down');
    try {
      assertProblem(await call(gw, 'GET', '/readyz'), 503, 'LEDGER_UNAVAILABLE');
      assertProblem(await call(gw, 'GET', '/readyz'), 503, 'LEDGER_UNAVAILABLE');
      assert.equal(gw.fake.pings - before, 1);
    } finally {
      gw.fake.pingError = undefined;
    }
    readinessNow += READINESS_REUSE_MS;
    assert.equal((await call(gw, 'GET', '/readyz')).status, 200);
    assert.equal(gw.fake.pings - before, 2);
  });
});

describe('rate limiting', () => {
  it('when a principal exceeds its bucket, then 429 with Retry-After; another principal is unaffected', async () => {
    const gw = await startTestGateway({ rateLimiter: new RateLimiter(1, 3) });
    try {
      const a = await gw.token('busy1');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await call(gw, 'GET', '/v1/records/r1', { token: a })).status);
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      const r = await call(gw, 'GET', '/v1/records/r1', { token: a });
      assertProblem(r, 429, 'RATE_LIMITED');
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
      assert.equal((await call(gw, 'GET', '/v1/records/r1', { token: await gw.token('calm1') })).status, 200);
    } finally {
      await gw.close();
    }
  });
});
