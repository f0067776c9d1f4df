import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { generatePatientKey, type PatientPrivateJwk } from '@medledger/domain';

import { PATIENT_PROOF_HEADER, signPatientProof } from '../auth/patient-proof';
import { AppError } from '../errors';
import {
  defaultHandlers,
  didDocFixture,
  erasureRequestFixture,
  patientDidDocFixture,
} from '../testing/fake-ledger';
import { searchsetErrors } from '../testing/fhir';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';
import { accessScript, LedgerBuilder, ownTreatmentAccess } from '../projection/testing/fixtures';

interface Reply {
  status: number;
  type: string;
  body: Record<string, unknown>;
  text: string;
}

async function get(
  gw: TestGateway,
  path: string,
  token: string,
  accept?: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(`${gw.url}${path}`, {
    headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}), ...headers },
  });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // CSV
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body, text };
}

const patient = (): string => `did:medledger:patient:${randomBytes(6).toString('hex')}`;
const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const ago = (hours: number): string => new Date(Date.now() - hours * 3_600_000).toISOString();

/** Staff as the chaincode knows them: `aud*` auditors, `admin*` admins, anyone else an attending. */
function staffDirectory(gw: TestGateway, mspId: string): void {
  gw.fake.handlers['identity:ResolveDid'] = (input) => {
    const did = String(input['did']);
    const key = gw.fake.patientKeys.get(did);
    if (key) return patientDidDocFixture(did, key.publicJwk, key.kid);
    const doc = didDocFixture(did) as { medledger: Record<string, unknown> };
    const subject = did.split(':').at(-1) ?? '';
    doc.medledger['org'] = mspId;
    doc.medledger['role'] = subject.startsWith('aud')
      ? 'auditor'
      : subject.startsWith('admin')
        ? 'admin'
        : 'attending';
    if (subject.startsWith('gone')) doc.medledger['status'] = 'suspended';
    return doc;
  };
}

/** A scripted ledger: 5 accesses to patient A (one denied, one break-glass never reviewed), 1 to B. */
function feed(gw: TestGateway, a: string, b: string): Record<string, string> {
  const builder = new LedgerBuilder({ salt: `routes-${randomBytes(4).toString('hex')}` });
  const { ids, access } = accessScript(builder, ownTreatmentAccess(a), (event) => {
    gw.events.append(event);
  });
  access('own1', ago(30), {});
  access('own2', ago(20), {});
  access('denied', ago(10), {
    actorDid: 'did:medledger:hospital2:doc2',
    actorMsp: H2,
    outcome: 'denied',
    reason: 'NO_CONSENT',
  });
  access('bg', ago(100), {
    actorDid: 'did:medledger:hospital2:doc3',
    actorMsp: H2,
    purpose: 'emergency',
    reason: 'BREAK_GLASS',
    breakGlass: true,
  });
  access('h2only', ago(5), { patientDid: b, recordId: 'rec-b1', custodian: H2, actorMsp: H2 });
  access('own3', ago(2), {});
  return ids;
}

// The state of the running suite: each suite below starts its own gateway (node:test runs them in order).
let gw: TestGateway;
let auditor: string;
let ids: Record<string, string>;
const A = patient();
const B = patient();
const keyA = generatePatientKey();
const keyB = generatePatientKey();
const proofOf = (did: string, key: PatientPrivateJwk): Record<string, string> => ({
  [PATIENT_PROOF_HEADER]: signPatientProof(key, `${did}#key-1`, { patientDid: did, aud: H1 }),
});

/** A regulator gateway whose auditor `aud1` sees the scripted accesses. */
function onRegulatorGateway(): void {
  before(async () => {
    gw = await startTestGateway({ org: { name: 'Regulator', mspId: 'RegulatorMSP' } });
    staffDirectory(gw, 'RegulatorMSP');
    auditor = await gw.token('aud1');
    ids = feed(gw, A, B);
    await gw.caughtUp();
  });
  after(async () => {
    await gw.close();
  });
}

/** A Hospital1 gateway with the scripted accesses, where A and B hold their keys. */
function onHospitalGateway(): void {
  before(async () => {
    gw = await startTestGateway();
    staffDirectory(gw, H1);
    gw.fake.registerPatientKey(A, keyA.publicJwk);
    gw.fake.registerPatientKey(B, keyB.publicJwk);
    feed(gw, A, B);
    await gw.caughtUp();
  });
  after(async () => {
    await gw.close();
  });
}

describe('projection routes on a regulator gateway: the audit query', () => {
  onRegulatorGateway();

  it('when an auditor queries the audit, then every event comes newest first with tx id and block number', async () => {
    const r = await get(gw, '/v1/audit', auditor);
    assert.equal(r.status, 200, r.text);
    const items = r.body['items'] as { eventId: string; txId: string; blockNumber: number }[];
    assert.equal(items.length, 6);
    assert.equal(items[0]?.eventId, ids['own3']);
    for (const e of items) {
      assert.match(e.txId, /^[0-9a-f]{64}$/);
      assert.equal(typeof e.blockNumber, 'number');
    }
    assert.equal(r.body['nextCursor'], null);
  });

  it('when filters are given, then only matching events come back', async () => {
    const byPatient = await get(gw, `/v1/audit?patient=${B}`, auditor);
    assert.deepEqual(
      (byPatient.body['items'] as { eventId: string }[]).map((e) => e.eventId),
      [ids['h2only']],
    );
    const denied = await get(gw, `/v1/audit?outcome=denied&org=${H2}`, auditor);
    assert.equal((denied.body['items'] as unknown[]).length, 1);
    const ofA = await get(gw, `/v1/audit?patient=${A}&limit=50`, auditor);
    assert.equal((ofA.body['items'] as unknown[]).length, 5);
    const range = await get(gw, `/v1/audit?from=${ago(25)}&to=${ago(3)}`, auditor);
    assert.equal((range.body['items'] as unknown[]).length, 3);
    assert.equal((await get(gw, '/v1/audit?actor=Jane%20Doe', auditor)).status, 400);
    assert.equal((await get(gw, '/v1/audit?purpose=gossip', auditor)).status, 400);
    assert.equal((await get(gw, '/v1/audit?patient=mallory', auditor)).status, 400);
  });

  it('when pages are followed by cursor, then they cover everything once; a tampered cursor is a 400', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/v1/audit?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const r = await get(gw, path, auditor);
      assert.equal(r.status, 200, r.text);
      seen.push(...(r.body['items'] as { eventId: string }[]).map((e) => e.eventId));
      cursor = r.body['nextCursor'] as string | null;
    } while (cursor !== null);
    assert.equal(seen.length, 6);
    assert.equal(new Set(seen).size, 6);
    const first = await get(gw, '/v1/audit?limit=1', auditor);
    const c = String(first.body['nextCursor']);
    const tampered = await get(gw, `/v1/audit?limit=1&cursor=${encodeURIComponent(`${c}x`)}`, auditor);
    assert.equal(tampered.status, 400);
    assert.equal(tampered.body['code'], 'CURSOR_INVALID');
    assert.match(tampered.type, /problem\+json/);
    const other = await get(gw, `/v1/audit?limit=1&outcome=granted&cursor=${encodeURIComponent(c)}`, auditor);
    assert.equal(other.body['code'], 'CURSOR_INVALID');
  });

  it('when a non-auditor, an inactive auditor or a patient asks, then 403', async () => {
    assert.equal((await get(gw, '/v1/audit', await gw.token('admin1'))).status, 403);
    assert.equal((await get(gw, '/v1/audit', await gw.token('gone-aud'))).status, 403);
    const p = await gw.token(A, { kind: 'patient' });
    assert.equal((await get(gw, '/v1/audit', p)).status, 403);
    assert.equal((await get(gw, '/v1/alerts', p)).status, 403);
    assert.equal((await get(gw, '/v1/reports/compliance', p)).status, 403);
  });
});

describe('projection routes on a regulator gateway: reports, alerts and export', () => {
  onRegulatorGateway();

  it('when the compliance report is asked, then JSON by default and CSV by Accept or format', async () => {
    const json = await get(gw, `/v1/reports/compliance?from=${ago(200)}&to=${ago(0)}`, auditor);
    assert.equal(json.status, 200, json.text);
    assert.deepEqual(json.body['totals'], { accesses: 6, granted: 5, denied: 1 });
    const bg = json.body['breakGlass'] as { eventId: string; state: string; blockNumber: number }[];
    assert.equal(bg[0]?.eventId, ids['bg']);
    assert.equal(bg[0]?.state, 'overdue');
    const csv = await get(gw, `/v1/reports/compliance?from=${ago(200)}`, auditor, 'text/csv');
    assert.equal(csv.status, 200);
    assert.match(csv.type, /^text\/csv/);
    assert.ok(csv.text.includes(ids['bg'] ?? 'missing'));
    const forced = await get(gw, '/v1/reports/compliance?format=csv', auditor);
    assert.match(forced.type, /^text\/csv/);
    assert.equal((await get(gw, `/v1/reports/compliance?from=${ago(1)}&to=${ago(2)}`, auditor)).status, 400);
  });

  it('when alerts are asked, then the unreviewed break-glass is flagged with its event', async () => {
    const r = await get(gw, '/v1/alerts', auditor);
    assert.equal(r.status, 200, r.text);
    const items = r.body['items'] as { rule: string; events: { eventId: string; txId: string }[] }[];
    const bg = items.find((a) => a.rule === 'break_glass_unreviewed');
    assert.ok(bg, JSON.stringify(items));
    assert.equal(bg.events[0]?.eventId, ids['bg']);
  });

  it('when the FHIR export is asked, then an R4 searchset of AuditEvents, paged by its next link, with a total only on a whole result', async () => {
    const r = await get(gw, `/v1/audit/fhir?patient=${A}&limit=3`, auditor);
    assert.equal(r.status, 200, r.text);
    assert.match(r.type, /^application\/fhir\+json/);
    assert.deepEqual(searchsetErrors(r.body, { total: null, hasNext: true }), []);
    assert.equal((r.body['entry'] as unknown[]).length, 3);
    const links = r.body['link'] as { relation: string; url: string }[];
    assert.equal(
      links.find((l) => l.relation === 'self')?.url,
      `/v1/audit/fhir?patient=${encodeURIComponent(A)}&limit=3`,
    );
    const next = links.find((l) => l.relation === 'next');
    assert.ok(next);
    const page2 = await get(gw, next.url, auditor);
    assert.equal(page2.status, 200, page2.text);
    assert.deepEqual(searchsetErrors(page2.body, { total: null, hasNext: false }), []);
    assert.equal((page2.body['entry'] as unknown[]).length, 2);
    const whole = await get(gw, `/v1/audit/fhir?patient=${A}`, auditor);
    assert.deepEqual(searchsetErrors(whole.body, { total: 5, hasNext: false }), []);
  });

  it('when readiness is asked, then it reports the projection position', async () => {
    const r = await fetch(`${gw.url}/readyz`);
    const body = (await r.json()) as { projection?: { checkpointBlock: number; lagBlocks: number } };
    assert.equal(r.status, 200);
    assert.equal(body.projection?.lagBlocks, 0);
  });
});

describe('projection routes on a regulator gateway: open incidents (issue 16 item 3)', () => {
  onRegulatorGateway();

  it('when an incident is open, then the compliance report (JSON and CSV) and the alerts carry it, read from the ledger as the caller', async () => {
    const incidentId = randomBytes(32).toString('hex');
    const handler = defaultHandlers()['incident:ListIncidents'];
    assert.ok(handler);
    gw.fake.handlers['incident:ListIncidents'] = (input, options) => {
      const listed = handler(input, options) as { items: Record<string, unknown>[] };
      // Only open incidents are asked for: a closed one answered here would show it was not.
      return input['status'] === 'open'
        ? { items: listed.items.map((i) => ({ ...i, incidentId })) }
        : { items: [] };
    };
    gw.fake.calls.length = 0;
    const report = await get(gw, `/v1/reports/compliance?from=${ago(200)}`, auditor);
    assert.equal(report.status, 200, report.text);
    const csv = await get(gw, `/v1/reports/compliance?from=${ago(200)}`, auditor, 'text/csv');
    const alerts = await get(gw, '/v1/alerts', auditor);
    assert.equal(alerts.status, 200, alerts.text);
    for (const body of [report.body, alerts.body]) {
      const open = body['openIncidents'] as { incidentId: string; status: string }[];
      assert.deepEqual(
        open.map((i) => [i.incidentId, i.status]),
        [[incidentId, 'open']],
      );
    }
    assert.match(csv.text, new RegExp(`open incidents[\\s\\S]*${incidentId},data_leak,high,Hospital1MSP`));
    const asked = gw.fake.callsOf('incident:ListIncidents');
    assert.deepEqual(
      asked.map((c) => [c.kind, c.caller, c.input['status']]),
      [
        ['evaluate', 'aud1', 'open'],
        ['evaluate', 'aud1', 'open'],
        ['evaluate', 'aud1', 'open'],
      ],
    );
  });
});

describe('projection routes on a hospital gateway: the audit query', () => {
  onHospitalGateway();

  it('when a hospital admin queries the audit, then only events of their hospital come back', async () => {
    const r = await get(gw, '/v1/audit', await gw.token('admin1'));
    assert.equal(r.status, 200, r.text);
    const items = r.body['items'] as { custodian: string; actorMsp: string }[];
    assert.equal(items.length, 5);
    assert.ok(items.every((e) => e.custodian === H1 || e.actorMsp === H1));
    const other = await get(gw, `/v1/audit?patient=${B}`, await gw.token('admin1'));
    assert.deepEqual(other.body['items'], []);
  });

  it('when a NodeOU admin without a DID document asks, then the chaincode probe decides: admin sees the hospital, anyone else 403', async () => {
    const saved = gw.fake.handlers['identity:ResolveDid'];
    gw.fake.handlers['identity:ResolveDid'] = () => {
      throw new AppError('NOT_FOUND', 'did');
    };
    try {
      const r = await get(gw, '/v1/audit', await gw.token('bootstrap-admin'));
      assert.equal(r.status, 200, r.text);
      assert.equal((r.body['items'] as unknown[]).length, 5);
      assert.equal(gw.fake.callsOf('audit:QueryAudit').at(-1)?.caller, 'bootstrap-admin');
      gw.fake.handlers['audit:QueryAudit'] = () => {
        throw new AppError('FORBIDDEN', 'did');
      };
      assert.equal((await get(gw, '/v1/audit', await gw.token('stranger'))).status, 403);
    } finally {
      if (saved) gw.fake.handlers['identity:ResolveDid'] = saved;
    }
  });

  it('when a hospital admin is frozen (their DID document still active), then every audit view is 403 FROZEN, decided on chain before the projection is read', async () => {
    const saved = gw.fake.handlers['audit:QueryAudit'];
    gw.fake.handlers['audit:QueryAudit'] = () => {
      throw new AppError('FROZEN', 'did:medledger:hospital1:admin1');
    };
    try {
      const token = await gw.token('admin1');
      for (const path of [
        '/v1/audit',
        `/v1/audit/fhir?patient=${A}`,
        '/v1/alerts',
        '/v1/reports/compliance',
      ]) {
        const r = await get(gw, path, token);
        assert.deepEqual([r.status, r.body['code']], [403, 'FROZEN'], path);
      }
      assert.equal(gw.fake.callsOf('audit:QueryAudit').at(-1)?.caller, 'admin1');
    } finally {
      if (saved) gw.fake.handlers['audit:QueryAudit'] = saved;
    }
  });

  it('when other staff of the hospital query the audit, then 403', async () => {
    assert.equal((await get(gw, '/v1/audit', await gw.token('doc1'))).status, 403);
  });
});

describe("projection routes on a hospital gateway: a patient's access log", () => {
  onHospitalGateway();

  it('when a patient reads their access log with a proof of their key, then it lists each access with its basis; nobody else may', async () => {
    const r = await get(
      gw,
      `/v1/patients/${A}/access-log`,
      await gw.token(A, { kind: 'patient' }),
      undefined,
      proofOf(A, keyA.privateJwk),
    );
    assert.equal(r.status, 200, r.text);
    const items = r.body['items'] as { basis: string; txId: string; blockNumber: number }[];
    assert.equal(items.length, 5);
    assert.ok(items.some((e) => e.basis === 'break_glass'));
    assert.ok(items.every((e) => e.txId.length === 64 && Number.isInteger(e.blockNumber)));
    const bToken = await gw.token(B, { kind: 'patient' });
    const other = await get(
      gw,
      `/v1/patients/${A}/access-log`,
      bToken,
      undefined,
      proofOf(B, keyB.privateJwk),
    );
    assert.equal(other.status, 403);
    const staff = await get(gw, `/v1/patients/${A}/access-log`, await gw.token('admin1'));
    assert.equal(staff.status, 403);
  });

  it('when the patient proof is missing, then 401 PATIENT_PROOF_REQUIRED', async () => {
    const r = await get(gw, `/v1/patients/${A}/access-log`, await gw.token(A, { kind: 'patient' }));
    assert.equal(r.status, 401, r.text);
    assert.equal(r.type.split(';')[0], 'application/problem+json');
    assert.equal(r.body['code'], 'PATIENT_PROOF_REQUIRED');
  });
});

describe('projection routes on a hospital gateway: patient proofs', () => {
  onHospitalGateway();

  it('when the proof is signed by another key, for another DID or org, expired, too long, from the future, malformed or replayed, then 401 PATIENT_PROOF_INVALID', async () => {
    const token = await gw.token(A, { kind: 'patient' });
    const now = Math.floor(Date.now() / 1000);
    const wrongKey = generatePatientKey().privateJwk;
    const cases: Record<string, string> = {
      'wrong key': signPatientProof(wrongKey, `${A}#key-1`, { patientDid: A, aud: H1 }),
      'old key id': signPatientProof(keyA.privateJwk, `${A}#key-0`, { patientDid: A, aud: H1 }),
      'wrong DID': signPatientProof(keyB.privateJwk, `${B}#key-1`, { patientDid: B, aud: H1 }),
      'DID of the path but signed as B': signPatientProof(keyB.privateJwk, `${B}#key-1`, {
        patientDid: A,
        aud: H1,
      }),
      'wrong audience': signPatientProof(keyA.privateJwk, `${A}#key-1`, { patientDid: A, aud: H2 }),
      expired: signPatientProof(keyA.privateJwk, `${A}#key-1`, {
        patientDid: A,
        aud: H1,
        nowMs: (now - 200) * 1000,
        ttlSeconds: 100,
      }),
      'too long': signPatientProof(keyA.privateJwk, `${A}#key-1`, {
        patientDid: A,
        aud: H1,
        ttlSeconds: 301,
      }),
      'from the future': signPatientProof(keyA.privateJwk, `${A}#key-1`, {
        patientDid: A,
        aud: H1,
        nowMs: (now + 120) * 1000,
      }),
      'other typ': signPatientProof(
        keyA.privateJwk,
        `${A}#key-1`,
        { patientDid: A, aud: H1 },
        { typ: 'medledger.consent.revoke' as never },
      ),
      malformed: 'not.a.jws',
    };
    for (const [name, proof] of Object.entries(cases)) {
      const r = await get(gw, `/v1/patients/${A}/access-log`, token, undefined, {
        [PATIENT_PROOF_HEADER]: proof,
      });
      assert.equal(r.status, 401, `${name}: ${r.text}`);
      assert.equal(r.body['code'], 'PATIENT_PROOF_INVALID', name);
    }
    const once = proofOf(A, keyA.privateJwk);
    assert.equal((await get(gw, `/v1/patients/${A}/access-log`, token, undefined, once)).status, 200);
    const replay = await get(gw, `/v1/patients/${A}/access-log`, token, undefined, once);
    assert.equal(replay.status, 401);
    assert.equal(replay.body['code'], 'PATIENT_PROOF_INVALID');
  });

  it('when the OpenAPI entry is read, then it documents the proof header and its error codes', async () => {
    const spec = (await (await fetch(`${gw.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters: { name: string; in: string; required: boolean }[];
            responses: Record<string, { description: string }>;
          }
        >
      >;
    };
    const op = spec.paths['/v1/patients/{did}/access-log']?.['get'];
    assert.ok(op);
    assert.ok(op.parameters.some((p) => p.name === PATIENT_PROOF_HEADER && p.in === 'header' && p.required));
    assert.match(op.responses['401']?.description ?? '', /PATIENT_PROOF_REQUIRED.*PATIENT_PROOF_INVALID/s);
  });
});

describe('projection routes on a hospital gateway: erasure requests in the access log', () => {
  onHospitalGateway();

  it("when the custodian left the patient's erasure request unanswered past its deadline, then the patient's access log shows it overdue, read on the org's own peer after the proof", async () => {
    const overdue = erasureRequestFixture({
      status: 'overdue',
      late: true,
      dueAt: '2025-01-01T00:00:00.000Z',
    });
    gw.fake.handlers['erasure:ListErasureRequests'] = () => ({ items: [overdue] });
    try {
      const before = gw.fake.callsOf('erasure:ListErasureRequests').length;
      const refused = await get(gw, `/v1/patients/${A}/access-log`, await gw.token(A, { kind: 'patient' }));
      assert.equal(refused.status, 401);
      assert.equal(gw.fake.callsOf('erasure:ListErasureRequests').length, before);
      const r = await get(
        gw,
        `/v1/patients/${A}/access-log`,
        await gw.token(A, { kind: 'patient' }),
        undefined,
        proofOf(A, keyA.privateJwk),
      );
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body['erasureRequests'], [overdue]);
      const call = gw.fake.callsOf('erasure:ListErasureRequests').at(-1);
      assert.deepEqual(call?.input, { patientDid: A });
      assert.deepEqual(call.options.endorsingOrganizations, [H1]);
    } finally {
      gw.fake.handlers['erasure:ListErasureRequests'] =
        defaultHandlers()['erasure:ListErasureRequests'] ?? (() => ({ items: [] }));
    }
  });
});
