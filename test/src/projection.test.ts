import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { signPatientPayload, type PatientPrivateJwk } from '@medledger/domain';
import { searchsetErrors } from '@medledger/gateway/testing';
import { SqliteDriver, projectionFile } from '@medledger/gateway/projection';
import type { NetworkInfo } from '@medledger/network';
import { accessLogProof, apiAs, until, type ApiClient, type ApiResponse } from './support/api';
import { ensureNetwork, onOrgHost, releaseNetwork } from './support/network';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from './support/fixtures';

/**
 * The audit projection on the real consortium: a scripted scenario through the REST gateways, then
 * every read the projection serves (regulator audit, a hospital's scoped view, the patient's access
 * log, the compliance report in JSON and CSV, alerts, the FHIR export), the consistency check against
 * the ledger, and a rebuild from the ledger that gives the same counts.
 */

const run = randomBytes(4).toString('hex');
const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'gateway', 'dist', 'projection', 'tools', 'cli.js');
const exec = promisify(execFile);

interface AuditItem {
  eventId: string;
  txId: string;
  blockNumber: number;
  txTime: string;
  actorMsp: string;
  custodian: string;
  patientDid: string | null;
  outcome: string;
  reason: string;
  breakGlass: boolean;
}

function expectStatus(res: ApiResponse, status: number, what: string): void {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

function decision(res: ApiResponse): { accessId: string; outcome: string; reason: string } {
  expectStatus(res, 200, 'access request');
  return res.body['decision'] as { accessId: string; outcome: string; reason: string };
}

function itemsOf<T = AuditItem>(res: ApiResponse): T[] {
  return (res.body['items'] ?? []) as T[];
}

/** GET with the client's token, the body as text (CSV, FHIR). */
async function raw(
  client: ApiClient,
  path: string,
  accept?: string,
): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${client.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${client.token}`, ...(accept ? { accept } : {}) },
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Runs the projection tool for `org` where that org's gateway runs (its host, on isolated hosts). */
async function cli(info: NetworkInfo, org: string, ...args: string[]): Promise<Record<string, unknown>> {
  const [command, argv] = onOrgHost(org, process.execPath, [CLI, ...args, '--org', org]);
  const { stdout } = await exec(command, argv, {
    cwd: ROOT,
    env: { ...process.env, MEDLEDGER_HOME: info.stateDir },
    timeout: 120_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function counts(dataDir: string): Promise<Record<string, number>> {
  const db = new SqliteDriver(projectionFile(dataDir), { readonly: true });
  try {
    const out: Record<string, number> = {};
    for (const [name, sql] of [
      ['ledger_tx', 'SELECT COUNT(*) AS n FROM ledger_tx'],
      ['audit_event', 'SELECT COUNT(*) AS n FROM audit_event'],
      ['audit_event with patient', 'SELECT COUNT(*) AS n FROM audit_event WHERE patient_did IS NOT NULL'],
      ['consent with patient', 'SELECT COUNT(*) AS n FROM consent WHERE patient_did IS NOT NULL'],
    ] as const) {
      const rows = await db.all<{ n: number }>(sql);
      out[name] = rows[0]?.n ?? -1;
    }
    return out;
  } finally {
    await db.close();
  }
}

describe('the audit projection on the real consortium', () => {
  let info: NetworkInfo;
  const started = new Date(Date.now() - 60_000).toISOString();
  const ids = {
    doctor1: `pj-h1-att-${run}`,
    internOnc: `pj-h1-onc-${run}`,
    doctor2: `pj-h2-er-${run}`,
    auditor: `pj-aud-${run}`,
  };
  const recordId = `rec-pj-${run}`;
  const patientDid = `did:medledger:patient:pj-${run}`;
  const { key: keys, body: registration } = newPatientRegistration(patientDid);
  const patient: { did: string; privateJwk: PatientPrivateJwk; kid: string } = {
    did: patientDid,
    privateJwk: keys.privateJwk,
    kid: `${patientDid}#key-1`,
  };
  const P = encodeURIComponent(patientDid);
  let auditor: ApiClient;
  let h1Admin: ApiClient;
  let h2Admin: ApiClient;
  let doctor1: ApiClient;
  let patientApp: ApiClient;
  let breakGlassId = '';
  let consentId = '';

  before(async () => {
    info = await ensureNetwork();
    h1Admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
    h2Admin = await apiAs(info, 'Hospital2', 'hospital2-admin');
    const regAdmin = await apiAs(info, 'Regulator', 'regulator-admin');
    for (const [client, enrollmentId, role, department] of [
      [h1Admin, ids.doctor1, 'attending', 'cardiology'],
      [h1Admin, ids.internOnc, 'intern', 'oncology'],
      [h2Admin, ids.doctor2, 'attending', 'emergency'],
      [regAdmin, ids.auditor, 'auditor', null],
    ] as const) {
      expectStatus(
        await client.post('/v1/staff', { enrollmentId, role, department }),
        201,
        `onboard ${role}`,
      );
    }
    doctor1 = await apiAs(info, 'Hospital1', ids.doctor1);
    const internOnc = await apiAs(info, 'Hospital1', ids.internOnc);
    const doctor2 = await apiAs(info, 'Hospital2', ids.doctor2);
    auditor = await apiAs(info, 'Regulator', ids.auditor);
    patientApp = await apiAs(info, 'Hospital1', patient.did, { kind: 'patient' });

    const reg = await doctor1.post('/v1/patients', registration);
    expectStatus(reg, 201, 'register patient');
    const anchored = await doctor1.post(
      '/v1/records',
      diagnosisRecord(
        recordId,
        patientDid,
        hypertensionCondition({ id: `cond-pj-${run}`, patientRef: `pj-${run}` }),
      ),
    );
    expectStatus(anchored, 201, 'anchor record');

    // The script: 5 decisions on the patient's record, 2 denied, 1 break-glass, 1 under consent.
    const access = (client: ApiClient, body: Record<string, unknown>) =>
      client.post(`/v1/records/${recordId}/access`, body);
    const fromHospital2 = { custodian: 'Hospital1MSP', patientDid };
    assert.equal(decision(await access(doctor1, { purpose: 'treatment' })).outcome, 'granted');
    assert.equal(decision(await access(internOnc, { purpose: 'treatment' })).reason, 'DEPARTMENT_MISMATCH');
    assert.equal(
      decision(await access(doctor2, { purpose: 'treatment', ...fromHospital2 })).reason,
      'NO_CONSENT',
    );
    const bg = decision(
      await access(doctor2, {
        purpose: 'emergency',
        breakGlassReason: 'unconscious_patient',
        custodian: 'Hospital1MSP',
      }),
    );
    assert.equal(bg.reason, 'BREAK_GLASS');
    breakGlassId = bg.accessId;
    const grant = await patientApp.post('/v1/consents', {
      jws: signPatientPayload(
        {
          typ: 'medledger.consent.grant',
          grantee: { kind: 'org', mspId: 'Hospital2MSP' },
          categories: ['diagnosis'],
          maxLevel: 3,
          purpose: 'treatment',
          periodStart: new Date(Date.now() - 60_000).toISOString(),
          periodEnd: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        },
        { patientDid, privateJwk: patient.privateJwk, kid: patient.kid },
        { nowMs: Date.now() },
      ),
    });
    expectStatus(grant, 201, 'grant consent');
    consentId = (grant.body['consent'] as { consentId: string }).consentId;
    assert.equal(
      decision(await access(doctor2, { purpose: 'treatment', ...fromHospital2 })).reason,
      'CONSENT',
    );
  });
  after(releaseNetwork);

  it('when the Regulator auditor queries the audit, then the 5 decisions come newest first, each with tx id and block number', async () => {
    const res = await until(auditor, `/v1/audit?patient=${P}`, (r) => itemsOf(r).length >= 5);
    const items = itemsOf(res);
    assert.equal(items.length, 5);
    assert.deepEqual(
      items.map((e) => e.reason),
      ['CONSENT', 'BREAK_GLASS', 'NO_CONSENT', 'DEPARTMENT_MISMATCH', 'CUSTODIAN_TREATMENT'],
    );
    for (const e of items) {
      assert.match(e.txId, /^[0-9a-f]{64}$/);
      assert.ok(Number.isInteger(e.blockNumber) && e.blockNumber > 0);
    }
    // The ledger agrees with the projection on an event.
    const onLedger = await auditor.get(`/v1/audit/${items[1]?.eventId ?? ''}`);
    expectStatus(onLedger, 200, 'audit event on the ledger');
    assert.equal(onLedger.body['txId'], items[1]?.txId);
    assert.equal(items[1]?.eventId, breakGlassId);

    const denied = await auditor.get(`/v1/audit?patient=${P}&outcome=denied`);
    assert.equal(itemsOf(denied).length, 2);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/v1/audit?patient=${P}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await auditor.get(path);
      expectStatus(page, 200, 'audit page');
      pages.push(...itemsOf(page).map((e) => e.eventId));
      cursor = page.body['nextCursor'] as string | null;
    } while (cursor !== null);
    assert.deepEqual(
      pages,
      items.map((e) => e.eventId),
    );
    const bad = await auditor.get(`/v1/audit?patient=${P}&cursor=not-a-cursor`);
    expectStatus(bad, 400, 'tampered cursor');
    assert.equal(bad.body['code'], 'CURSOR_INVALID');
  });

  it("when hospital admins query the audit, then the custodian's sees the patient of its record's accesses, the accessor's org only id-only rows; other staff are refused", async () => {
    const h1 = await until(h1Admin, `/v1/audit?patient=${P}`, (r) => itemsOf(r).length >= 5);
    assert.equal(itemsOf(h1).length, 5);
    // Hospital2's gateway follows the same public events; the patient of Hospital1's record lives in
    // Hospital1's sealed collection, which Hospital2's peer does not hold.
    const byRecord = `/v1/audit?record=${recordId}&custodian=Hospital1MSP`;
    const h2 = await until(h2Admin, byRecord, (r) => itemsOf(r).length >= 3);
    assert.equal(itemsOf(h2).length, 3);
    assert.ok(itemsOf(h2).every((e) => e.actorMsp === 'Hospital2MSP' && e.patientDid === null));
    assert.equal(itemsOf(await h2Admin.get(`/v1/audit?patient=${P}`)).length, 0);
    expectStatus(await doctor1.get(`/v1/audit?patient=${P}`), 403, 'an attending');
    expectStatus(await patientApp.get(`/v1/audit?patient=${P}`), 403, 'a patient');
  });

  it("when the patient reads their access log, then it lists who, which org, purpose and basis; another patient's token is refused", async () => {
    const log = await until(
      patientApp,
      `/v1/patients/${P}/access-log`,
      (r) => itemsOf(r).length >= 5,
      () => accessLogProof(patient, 'Hospital1MSP'),
    );
    const items = itemsOf<{ basis: string; actorOrg: string; txId: string; blockNumber: number }>(log);
    assert.deepEqual(
      items.map((e) => e.basis),
      ['consent', 'break_glass', 'none', 'none', 'custodian_treatment'],
    );
    assert.ok(items.every((e) => e.txId.length === 64 && Number.isInteger(e.blockNumber)));
    const other = await apiAs(info, 'Hospital1', `did:medledger:patient:pj-other-${run}`, {
      kind: 'patient',
    });
    expectStatus(await other.get(`/v1/patients/${P}/access-log`), 403, 'another patient');
    expectStatus(await patientApp.get(`/v1/patients/${P}/access-log`), 401, 'no proof of the key');
    expectStatus(
      await patientApp.get(`/v1/patients/${P}/access-log`, accessLogProof(patient, 'Hospital2MSP')),
      401,
      'a proof for another gateway',
    );
    expectStatus(await h1Admin.get(`/v1/patients/${P}/access-log`), 403, 'staff');
  });

  it('when the Regulator asks for the compliance report, then JSON and CSV list the denials, the pending break-glass and the expiring consent', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await auditor.get(`/v1/reports/compliance?from=${started}&to=${to}`);
    expectStatus(res, 200, 'compliance report');
    const report = res.body as {
      totals: { accesses: number; denied: number };
      denialsByReason: { reason: string; count: number }[];
      breakGlass: { eventId: string; state: string; txId: string; blockNumber: number }[];
      consentsExpiringSoon: { consentId: string }[];
    };
    assert.ok(report.totals.accesses >= 5 && report.totals.denied >= 2);
    const reasons = report.denialsByReason.map((d) => d.reason);
    assert.ok(reasons.includes('NO_CONSENT') && reasons.includes('DEPARTMENT_MISMATCH'));
    const bg = report.breakGlass.find((b) => b.eventId === breakGlassId);
    assert.equal(bg?.state, 'pending');
    assert.ok(Number.isInteger(bg.blockNumber));
    assert.ok(report.consentsExpiringSoon.some((c) => c.consentId === consentId));
    const csv = await raw(auditor, `/v1/reports/compliance?from=${started}&to=${to}`, 'text/csv');
    assert.equal(csv.status, 200);
    assert.match(csv.type, /^text\/csv/);
    assert.ok(csv.text.includes(breakGlassId) && csv.text.includes(consentId));
    const forced = await raw(auditor, `/v1/reports/compliance?from=${started}&to=${to}&format=csv`);
    assert.match(forced.type, /^text\/csv/);
  });

  it('when the Regulator lists alerts, then each alert links its events by tx id and block number', async () => {
    const res = await auditor.get('/v1/alerts');
    expectStatus(res, 200, 'alerts');
    for (const a of itemsOf<{ rule: string; events: { txId: string; blockNumber: number }[] }>(res)) {
      assert.ok(a.events.length > 0, a.rule);
      assert.ok(a.events.every((e) => e.txId.length === 64 && Number.isInteger(e.blockNumber)));
    }
  });

  it('when the audit is exported as FHIR, then it is an R4 searchset of 5 AuditEvents, paged by its next link', async () => {
    const res = await raw(auditor, `/v1/audit/fhir?patient=${P}`);
    assert.equal(res.status, 200, res.text);
    assert.match(res.type, /^application\/fhir\+json/);
    const bundle = JSON.parse(res.text) as { entry: unknown[] };
    assert.deepEqual(searchsetErrors(bundle, { total: 5, hasNext: false }), []);
    assert.equal(bundle.entry.length, 5);
    assert.ok(res.text.includes('urn:medledger:fabric:block-number'));
    const page = await raw(auditor, `/v1/audit/fhir?patient=${P}&limit=3`);
    const first = JSON.parse(page.text) as { link: { relation: string; url: string }[] };
    assert.deepEqual(searchsetErrors(first, { total: null, hasNext: true }), []);
    const next = first.link.find((l) => l.relation === 'next');
    assert.ok(next);
    const rest = JSON.parse((await raw(auditor, next.url)).text) as { entry: unknown[] };
    assert.deepEqual(searchsetErrors(rest, { total: null, hasNext: false }), []);
    assert.equal(rest.entry.length, 2);
  });

  it('when the projection is checked against the ledger and rebuilt from it, then both agree', async () => {
    const check = await cli(info, 'regulator', 'check');
    assert.equal(check['ok'], true, JSON.stringify(check));
    const dir = mkdtempSync(join(tmpdir(), 'pj-rebuild-'));
    try {
      const rebuilt = await cli(info, 'regulator', 'rebuild', '--data-dir', dir);
      assert.equal(rebuilt['rebuilt'], true);
      const live = await counts(join(info.stateDir, 'gateways', 'regulator', 'data'));
      assert.deepEqual(await counts(dir), live);
      assert.ok((live['audit_event'] ?? 0) >= 5);
      // The regulator's projection (and its rebuild) knows the patient of every access.
      assert.equal(live['audit_event with patient'], live['audit_event']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
