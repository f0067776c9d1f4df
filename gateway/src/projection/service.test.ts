import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { AppError } from '../errors';
import { complianceReportCsv } from './csv';
import { checkR4AuditBundle, checkR4AuditEvent } from './fhir-check';
import { accessScript, LedgerBuilder, ownTreatmentAccess, txIdOf } from './fixtures';
import { MemoryEventSource } from './memory-source';
import { Projector } from './projector';
import { ProjectionService } from './service';
import { ProjectionStore } from './store';
import { describeEachBackend } from './test-backends';
import type { SourceEvent } from './types';
import type { AccessLogEntry, Viewer } from './views';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const H3 = 'Hospital3MSP';
const A = 'did:medledger:patient:patientAAA';
const B = 'did:medledger:patient:patientBBB';
const C = 'did:medledger:patient:patientCCC';
const NOW = new Date('2025-03-10T12:00:00.000Z');
const auditor: Viewer = { kind: 'auditor' };
const h1: Viewer = { kind: 'hospital', mspId: H1 };
const h2: Viewer = { kind: 'hospital', mspId: H2 };

function rejects(code: string): (err: unknown) => boolean {
  return (err) => err instanceof AppError && err.code === code;
}

/** The scripted scenario; ids of the events the tests name. */
function scenario(): { events: SourceEvent[]; ids: Record<string, string> } {
  const b = new LedgerBuilder({ salt: 'scenario' });
  const events: SourceEvent[] = [];
  const { ids, access } = accessScript(b, ownTreatmentAccess(A), (event) => events.push(event));
  const doc2 = { actorDid: 'did:medledger:hospital2:doc2', actorMsp: H2 };
  const doc3 = { actorDid: 'did:medledger:hospital2:doc3', actorMsp: H2 };
  const doc4 = { actorDid: 'did:medledger:hospital1:doc4', patientDid: C, recordId: 'rec-c1' };
  const intruder = {
    actorDid: 'did:medledger:hospital2:intruder',
    actorMsp: H2,
    actorRole: 'intern' as const,
  };
  const bg = { ...doc3, purpose: 'emergency' as const, reason: 'BREAK_GLASS' as const, breakGlass: true };

  for (let k = 0; k < 14; k += 1) {
    access(`base${k}`, new Date(Date.parse('2025-02-24T11:00:00Z') + k * 86_400_000).toISOString(), doc4);
  }
  access('bg3', '2025-03-04T10:00:00Z', bg);
  events.push(
    b.event(
      'BreakGlassReviewed',
      {
        accessId: ids['bg3'] ?? '',
        recordId: 'rec-a1',
        outcome: 'justified',
        reviewedBy: 'did:medledger:regulator:aud1',
      },
      '2025-03-06T09:00:00Z',
    ),
  );
  access('bg1', '2025-03-05T03:00:00Z', bg);
  const consent = (name: string, patientDid: string, periodEnd: string | undefined, time: string): void => {
    const consentId = b.peekTxId();
    ids[name] = consentId;
    const body = { consentId, patientDid, grantee: `org:${H2}`, ...(periodEnd ? { periodEnd } : {}) };
    events.push(b.event('ConsentGranted', body, time));
  };
  consent('c1', A, '2025-03-20T00:00:00Z', '2025-03-01T08:00:00Z');
  consent('c2', B, '2026-03-01T00:00:00Z', '2025-03-01T08:01:00Z');
  consent('c3', B, '2025-03-15T00:00:00Z', '2025-03-01T08:02:00Z');
  consent('c4', A, undefined, '2025-03-01T08:03:00Z');
  events.push(
    b.event(
      'ConsentRevoked',
      { consentId: ids['c3'] ?? '', patientDid: B, grantee: `org:${H2}` },
      '2025-03-02T08:00:00Z',
    ),
  );
  const anchor = (recordId: string, patientDid: string): void => {
    events.push(
      b.event(
        'RecordAnchored',
        {
          recordId,
          version: 1,
          patientDid,
          custodian: H1,
          contentHash: txIdOf(recordId),
          qualityStatus: 'needs_review',
        },
        '2025-03-03T08:00:00Z',
      ),
    );
  };
  anchor('rec-a1', A);
  anchor('rec-b1', B);
  events.push(
    b.event(
      'RecordQualityReviewed',
      { recordId: 'rec-a1', version: 1, reviewedBy: 'did:medledger:hospital1:qa' },
      '2025-03-03T09:00:00Z',
    ),
  );
  ids['erasure'] = b.peekTxId();
  events.push(
    b.event(
      'RecordContentErased',
      { recordId: 'rec-old', versions: [1, 2], custodian: H1, reason: 'patient_request' },
      '2025-03-09T08:00:00Z',
    ),
  );
  access('nurse', '2025-03-10T02:30:00Z', { actorDid: 'did:medledger:hospital1:nurse1', actorRole: 'nurse' });
  access('e9', '2025-03-10T07:00:00Z', {
    actorDid: 'did:medledger:hospital3:doc9',
    actorMsp: H3,
    custodian: H3,
    patientDid: C,
    recordId: 'rec-c9',
  });
  access('bg2', '2025-03-10T08:00:00Z', { ...bg, patientDid: B, recordId: 'rec-b1' });
  access('e1', '2025-03-10T09:00:00Z', {});
  for (let i = 0; i < 30; i += 1)
    access(`recent${i}`, new Date(Date.parse('2025-03-10T09:30:00Z') + i * 30_000).toISOString(), doc4);
  access('e2', '2025-03-10T10:00:00Z', { ...doc2, reason: 'CONSENT', consentId: ids['c1'] ?? null });
  access('e3', '2025-03-10T10:05:00Z', {
    ...doc2,
    patientDid: B,
    recordId: 'rec-b1',
    outcome: 'denied',
    reason: 'NO_CONSENT',
  });
  for (let i = 0; i < 6; i += 1) {
    access(`deny${i}`, new Date(Date.parse('2025-03-10T11:00:00Z') + i * 60_000).toISOString(), {
      ...intruder,
      patientDid: B,
      recordId: 'rec-b1',
      outcome: 'denied',
      reason: i === 5 ? 'CONSENT_EXPIRED' : 'NO_CONSENT',
    });
  }
  return { events, ids };
}

describeEachBackend('projection service', (backend) => {
  let service: ProjectionService;
  let store: ProjectionStore;
  let ids: Record<string, string>;

  before(async () => {
    const s = scenario();
    ids = s.ids;
    const source = new MemoryEventSource();
    source.append(...s.events);
    store = new ProjectionStore(await backend.fresh());
    await store.init();
    await new Projector(source, store).run(await source.height());
    service = new ProjectionService(store.driver, { cursorKey: randomBytes(32) });
  });

  after(async () => {
    await store.close();
  });

  it('when a patient reads their access log, then it lists who, which org, when, why and on which basis, newest first', async () => {
    const patient: Viewer = { kind: 'patient', patientDid: A };
    const seen = [];
    let cursor: string | undefined;
    do {
      const page = await service.accessLog(patient, A, cursor, 2);
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    assert.deepEqual(
      seen.map((e) => e.eventId),
      ['e2', 'e1', 'nurse', 'bg1', 'bg3'].map((n) => ids[n]),
    );
    const [e2, e1, , bg1, bg3] = seen as (AccessLogEntry | undefined)[];
    assert.equal(e2?.basis, 'consent');
    assert.equal(e2.consentId, ids['c1']);
    assert.equal(e2.actorOrg, H2);
    assert.equal(e1?.basis, 'custodian_treatment');
    assert.equal(bg1?.basis, 'break_glass');
    assert.equal(bg1.breakGlassReview, null);
    assert.equal(bg3?.breakGlassReview?.outcome, 'justified');
    for (const e of seen) {
      assert.equal(e.txId, e.eventId);
      assert.ok(Number.isInteger(e.blockNumber) && e.blockNumber >= 5);
    }
  });

  it('when anyone but the patient asks for a patient access log, then it is refused', async () => {
    await assert.rejects(service.accessLog({ kind: 'patient', patientDid: B }, A), rejects('FORBIDDEN'));
    await assert.rejects(service.accessLog(auditor, A), rejects('FORBIDDEN'));
    await assert.rejects(service.accessLog(h1, A), rejects('FORBIDDEN'));
    await assert.rejects(service.queryAudit({ kind: 'patient', patientDid: A }, {}), rejects('FORBIDDEN'));
  });

  it('when a hospital queries the audit, then it sees only events where it is custodian or actor org', async () => {
    const all = await service.queryAudit(auditor, {}, undefined, 100);
    assert.equal(all.items.length, 58);
    const mine2 = await service.queryAudit(h2, {}, undefined, 100);
    assert.equal(mine2.items.length, 11);
    assert.ok(mine2.items.every((e) => e.custodian === H2 || e.actorMsp === H2));
    const mine1 = await service.queryAudit(h1, {}, undefined, 100);
    assert.equal(mine1.items.length, 57);
    assert.equal((await service.queryAudit(h1, { custodian: H3 })).items.length, 0);
    assert.equal((await service.queryAudit(h2, { patientDid: B })).items.length, 8);
    assert.equal((await service.queryAudit(auditor, { custodian: H3 })).items[0]?.eventId, ids['e9']);
  });

  it('when the audit is filtered, then each filter applies and results are newest first', async () => {
    const denied = await service.queryAudit(auditor, { outcome: 'denied' });
    assert.equal(denied.items.length, 7);
    assert.equal(denied.items[0]?.eventId, ids['deny5']);
    const emergency = await service.queryAudit(auditor, {
      purpose: 'emergency',
      from: '2025-03-05T00:00:00Z',
    });
    assert.deepEqual(
      emergency.items.map((e) => e.eventId),
      [ids['bg2'], ids['bg1']],
    );
    const byActor = await service.queryAudit(auditor, {
      actorDid: 'did:medledger:hospital2:intruder',
      to: '2025-03-10T11:02:00Z',
    });
    assert.equal(byActor.items.length, 2);
    assert.equal((await service.queryAudit(auditor, { org: H3 })).items.length, 1);
    assert.equal((await service.queryAudit(auditor, { recordId: 'rec-b1' })).items.length, 8);
    await assert.rejects(service.queryAudit(auditor, { patientDid: 'nobody' }), rejects('VALIDATION_FAILED'));
    await assert.rejects(service.queryAudit(auditor, {}, undefined, 101), rejects('VALIDATION_FAILED'));
  });

  it('when a cursor is tampered with or used with other filters or by another viewer, then it is refused', async () => {
    const page = await service.queryAudit(h2, { patientDid: B }, undefined, 3);
    const cursor = page.nextCursor;
    assert.ok(cursor !== null);
    const next = await service.queryAudit(h2, { patientDid: B }, cursor, 3);
    assert.equal(next.items.length, 3);
    assert.ok(next.items.every((e) => !page.items.some((p) => p.eventId === e.eventId)));
    await assert.rejects(service.queryAudit(h2, { patientDid: A }, cursor, 3), rejects('CURSOR_INVALID'));
    await assert.rejects(
      service.queryAudit(h2, { patientDid: B, outcome: 'denied' }, cursor, 3),
      rejects('CURSOR_INVALID'),
    );
    await assert.rejects(service.queryAudit(h1, { patientDid: B }, cursor, 3), rejects('CURSOR_INVALID'));
    await assert.rejects(
      service.accessLog({ kind: 'patient', patientDid: B }, B, cursor),
      rejects('CURSOR_INVALID'),
    );
    const [body, mac] = cursor.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body ?? '', 'base64url').toString()), s: 0 }),
    ).toString('base64url');
    await assert.rejects(
      service.queryAudit(h2, { patientDid: B }, `${forged}.${mac ?? ''}`, 3),
      rejects('CURSOR_INVALID'),
    );
    await assert.rejects(service.queryAudit(h2, { patientDid: B }, 'garbage', 3), rejects('CURSOR_INVALID'));
    const other = new ProjectionService(store.driver, { cursorKey: randomBytes(32) });
    await assert.rejects(other.queryAudit(h2, { patientDid: B }, cursor, 3), rejects('CURSOR_INVALID'));
  });

  it('when the regulator asks for the compliance report, then it has the known answers', async () => {
    const r = await service.complianceReport(auditor, '2025-03-01T00:00:00Z', '2025-03-11T00:00:00Z', NOW);
    assert.deepEqual(r.totals, { accesses: 53, granted: 46, denied: 7 });
    assert.deepEqual(r.denialsByReason, [
      { reason: 'NO_CONSENT', count: 6 },
      { reason: 'CONSENT_EXPIRED', count: 1 },
    ]);
    assert.deepEqual(
      r.breakGlass.map((c) => [c.eventId, c.state]),
      [
        [ids['bg1'], 'overdue'],
        [ids['bg2'], 'pending'],
        [ids['bg3'], 'justified'],
      ],
    );
    assert.deepEqual(r.breakGlassCounts, { overdue: 1, pending: 1, justified: 1, unjustified: 0 });
    assert.equal(r.breakGlass[0]?.reviewDeadline, '2025-03-08T03:00:00.000Z');
    assert.deepEqual(r.accessesByPurposeAndOrg, [
      { purpose: 'emergency', org: H2, granted: 3, denied: 0 },
      { purpose: 'treatment', org: H1, granted: 41, denied: 0 },
      { purpose: 'treatment', org: H2, granted: 1, denied: 7 },
      { purpose: 'treatment', org: H3, granted: 1, denied: 0 },
    ]);
    assert.deepEqual(
      r.consentsExpiringSoon.map((c) => c.consentId),
      [ids['c1']],
    );
    assert.equal(r.consentsWithUnknownEnd, 1);
    assert.deepEqual(
      r.recordsHeldForReview.map((h) => [h.recordId, h.version]),
      [['rec-b1', 1]],
    );
    assert.deepEqual(
      r.erasures.map((e) => [e.recordId, e.versions, e.reason, e.txId]),
      [['rec-old', [1, 2], 'patient_request', ids['erasure']]],
    );
    const csv = complianceReportCsv(r);
    assert.match(csv, /^# report\r\nfrom,to,generatedAt/);
    assert.match(csv, /\r\noverdue,[0-9a-f]{64},2025-03-05T03:00:00Z,/);
    assert.match(csv, /\r\nrec-old,1 2,Hospital1MSP,patient_request,/);
    const scoped = await service.complianceReport(h2, '2025-03-01T00:00:00Z', '2025-03-11T00:00:00Z', NOW);
    assert.equal(scoped.totals.accesses, 11);
    assert.equal(scoped.recordsHeldForReview.length, 0);
    await assert.rejects(
      service.complianceReport(
        { kind: 'patient', patientDid: A },
        '2025-03-01T00:00:00Z',
        '2025-03-11T00:00:00Z',
        NOW,
      ),
      rejects('FORBIDDEN'),
    );
    await assert.rejects(
      service.complianceReport(auditor, '2025-03-11T00:00:00Z', '2025-03-01T00:00:00Z', NOW),
      rejects('VALIDATION_FAILED'),
    );
  });

  it('when alerts are computed, then each rule fires for its actor with the events behind it', async () => {
    const alerts = await service.alerts(auditor, NOW);
    assert.deepEqual(
      alerts.map((a) => [a.rule, a.actorDid, a.eventCount]),
      [
        ['break_glass_unreviewed', 'did:medledger:hospital2:doc3', 1],
        ['denial_burst', 'did:medledger:hospital2:intruder', 6],
        ['volume_above_baseline', 'did:medledger:hospital1:doc4', 30],
        ['unusual_hours', 'did:medledger:hospital1:nurse1', 1],
      ],
    );
    assert.equal(alerts[0]?.events[0]?.eventId, ids['bg1']);
    assert.equal(alerts[1]?.events.length, 6);
    assert.equal(alerts[1].events[0]?.eventId, ids['deny5']);
    assert.equal(alerts[2]?.detail['baselineAverage'], 1);
    assert.equal(alerts[3]?.events[0]?.eventId, ids['nurse']);
    for (const a of alerts) for (const e of a.events) assert.ok(e.txId.length === 64 && e.blockNumber > 0);
    const h3alerts = await service.alerts({ kind: 'hospital', mspId: H3 }, NOW);
    assert.equal(h3alerts.length, 0);
  });

  it('when audit events are exported as FHIR, then the Bundle is a valid R4 collection of AuditEvents', async () => {
    const { bundle } = await service.exportFhirAuditEvents(auditor, {});
    assert.equal(bundle.entry.length, 58);
    assert.deepEqual(checkR4AuditBundle(bundle), []);
    const denied = bundle.entry.find((e) => e.resource.id === ids['deny0'])?.resource;
    assert.equal(denied?.outcome, '4');
    assert.equal(denied.action, 'R');
    assert.equal(denied.source.observer.identifier.value, H1);
    assert.deepEqual(
      denied.entity.map((e) => e.what.identifier.value),
      ['rec-b1', B],
    );
    assert.ok(denied.extension.some((x) => x.valueString === ids['deny0']));
    const btg = bundle.entry.find((e) => e.resource.id === ids['bg1'])?.resource;
    assert.ok(btg?.purposeOfEvent[0]?.coding.some((c) => c.code === 'BTG'));
    const h2bundle = await service.exportFhirAuditEvents(h2, {});
    assert.equal(h2bundle.bundle.entry.length, 11);
  });
});

describe('FHIR R4 AuditEvent checker', () => {
  it('when an AuditEvent breaks the R4 structure, then the checker names the problem', () => {
    const good = JSON.parse(
      JSON.stringify({
        resourceType: 'AuditEvent',
        type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110' },
        recorded: '2025-03-10T10:00:00Z',
        agent: [{ requestor: true, who: { identifier: { value: 'x' } } }],
        source: { observer: { display: 'Hospital1MSP' } },
      }),
    ) as Record<string, unknown>;
    assert.deepEqual(checkR4AuditEvent(good), []);
    const bad = (patch: Record<string, unknown>): string[] => checkR4AuditEvent({ ...good, ...patch });
    assert.match(bad({ recorded: undefined }).join(), /recorded: required/);
    assert.match(bad({ recorded: '2025-03-10' }).join(), /recorded: bad format/);
    assert.match(bad({ outcome: '3' }).join(), /outcome: not in/);
    assert.match(bad({ action: 'X' }).join(), /action: not in/);
    assert.match(bad({ type: [good['type']] }).join(), /type: must not be an array/);
    assert.match(bad({ agent: [] }).join(), /agent/);
    assert.match(bad({ agent: [{ requestor: 'yes' }] }).join(), /requestor: must be a boolean/);
    assert.match(bad({ source: {} }).join(), /observer: required/);
    assert.match(bad({ colour: 'blue' }).join(), /colour: unknown element/);
  });
});
