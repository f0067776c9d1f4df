import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';

import { appErrorWith } from '../testing/fixtures';
import { PATIENT_A, PATIENT_B, H1, H2, H3, auditor, h1, h2, describeOnScenario } from '../testing/scenario';
import { checkR4AuditBundle } from '../testing/fhir-check';
import { ProjectionService } from './service';

describeOnScenario('audit query', (scenario) => {
  it('when a hospital queries the audit, then it sees only events where it is custodian or actor org', async () => {
    const { service, ids } = scenario();
    const all = await service.queryAudit(auditor, {}, undefined, 100);
    assert.equal(all.items.length, 58);
    const mine2 = await service.queryAudit(h2, {}, undefined, 100);
    assert.equal(mine2.items.length, 11);
    assert.ok(mine2.items.every((e) => e.custodian === H2 || e.actorMsp === H2));
    const mine1 = await service.queryAudit(h1, {}, undefined, 100);
    assert.equal(mine1.items.length, 57);
    assert.equal((await service.queryAudit(h1, { custodian: H3 })).items.length, 0);
    assert.equal((await service.queryAudit(h2, { patientDid: PATIENT_B })).items.length, 8);
    assert.equal((await service.queryAudit(auditor, { custodian: H3 })).items[0]?.eventId, ids['e9']);
  });

  it('when the audit is filtered, then each filter applies and results are newest first', async () => {
    const { service, ids } = scenario();
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
    await assert.rejects(
      service.queryAudit(auditor, { patientDid: 'nobody' }),
      appErrorWith('VALIDATION_FAILED'),
    );
    await assert.rejects(service.queryAudit(auditor, {}, undefined, 101), appErrorWith('VALIDATION_FAILED'));
  });

  it('when a cursor is tampered with or used with other filters or by another viewer, then it is refused', async () => {
    const { service, store } = scenario();
    const page = await service.queryAudit(h2, { patientDid: PATIENT_B }, undefined, 3);
    const cursor = page.nextCursor;
    assert.ok(cursor !== null);
    const next = await service.queryAudit(h2, { patientDid: PATIENT_B }, cursor, 3);
    assert.equal(next.items.length, 3);
    assert.ok(next.items.every((e) => !page.items.some((p) => p.eventId === e.eventId)));
    await assert.rejects(
      service.queryAudit(h2, { patientDid: PATIENT_A }, cursor, 3),
      appErrorWith('CURSOR_INVALID'),
    );
    await assert.rejects(
      service.queryAudit(h2, { patientDid: PATIENT_B, outcome: 'denied' }, cursor, 3),
      appErrorWith('CURSOR_INVALID'),
    );
    await assert.rejects(
      service.queryAudit(h1, { patientDid: PATIENT_B }, cursor, 3),
      appErrorWith('CURSOR_INVALID'),
    );
    await assert.rejects(
      service.accessLog({ kind: 'patient', patientDid: PATIENT_B }, PATIENT_B, cursor),
      appErrorWith('CURSOR_INVALID'),
    );
    const [body, mac] = cursor.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body ?? '', 'base64url').toString()), s: 0 }),
    ).toString('base64url');
    await assert.rejects(
      service.queryAudit(h2, { patientDid: PATIENT_B }, `${forged}.${mac ?? ''}`, 3),
      appErrorWith('CURSOR_INVALID'),
    );
    await assert.rejects(
      service.queryAudit(h2, { patientDid: PATIENT_B }, 'garbage', 3),
      appErrorWith('CURSOR_INVALID'),
    );
    const other = new ProjectionService(store.driver, { cursorKey: randomBytes(32) });
    await assert.rejects(
      other.queryAudit(h2, { patientDid: PATIENT_B }, cursor, 3),
      appErrorWith('CURSOR_INVALID'),
    );
  });
});

describeOnScenario('FHIR export', (scenario) => {
  it('when audit events are exported as FHIR, then the Bundle is a valid R4 collection of AuditEvents', async () => {
    const { service, ids } = scenario();
    const { bundle } = await service.exportFhirAuditEvents(auditor, {});
    assert.equal(bundle.entry.length, 58);
    assert.deepEqual(checkR4AuditBundle(bundle), []);
    const denied = bundle.entry.find((e) => e.resource.id === ids['deny0'])?.resource;
    assert.equal(denied?.outcome, '4');
    assert.equal(denied.action, 'R');
    assert.equal(denied.source.observer.identifier.value, H1);
    assert.deepEqual(
      denied.entity.map((e) => e.what.identifier.value),
      ['rec-b1', PATIENT_B],
    );
    assert.ok(denied.extension.some((x) => x.valueString === ids['deny0']));
    const btg = bundle.entry.find((e) => e.resource.id === ids['bg1'])?.resource;
    assert.ok(btg?.purposeOfEvent[0]?.coding.some((c) => c.code === 'BTG'));
    const h2bundle = await service.exportFhirAuditEvents(h2, {});
    assert.equal(h2bundle.bundle.entry.length, 11);
  });
});
