import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';

import { describeEachBackend } from '../../testing/backends';
import { projectEvents } from '../../testing/scenario';
import { LedgerBuilder, accessEvent, ownTreatmentAccess, txIdOf } from '../../testing/fixtures';
import type { SourceEvent } from '../../write/source';
import { ProjectionStore } from '../../write/store';
import { ProjectionService } from '../service';
import type { Alert } from '../views';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const PATIENT = 'did:medledger:patient:overdue';
const NOW = new Date('2025-06-10T12:00:00.000Z');

/**
 * Hospital2 read under two consents past keep-until (one attested late, one not) and one not due yet;
 * Hospital1 left an erasure request unanswered past its deadline and answered another; Hospital2 has
 * one still within its deadline. Three incidents: open for days, open for an hour, closed.
 */
function events(run: string): { events: SourceEvent[]; ids: Record<string, string> } {
  const b = new LedgerBuilder({ salt: `overdue-alerts-${run}` });
  const out: SourceEvent[] = [];
  const ids: Record<string, string> = {};
  const push = (event: SourceEvent) => {
    out.push(event);
    b.nextBlock();
  };
  for (const [name, keepUntil] of [
    ['late', '2025-06-01T00:00:00.000Z'],
    ['attested', '2025-06-02T00:00:00.000Z'],
    ['future', '2025-06-30T00:00:00.000Z'],
  ] as const) {
    ids[name] = b.peekTxId();
    const body = { consentId: ids[name], granteeOrg: H2, periodEnd: '2025-12-31T00:00:00.000Z', keepUntil };
    const sealed = { kind: 'consent', patientDid: PATIENT, grantee: `org:${H2}` } as const;
    push(b.event('ConsentGranted', body, '2025-05-01T08:00:00Z', undefined, sealed));
    const access = {
      ...ownTreatmentAccess(PATIENT),
      actorDid: 'did:medledger:hospital2:doc',
      actorMsp: H2,
      reason: 'CONSENT' as const,
      consentId: ids[name] ?? null,
      eventId: b.peekTxId(),
    };
    push(accessEvent(b, access, '2025-05-02T08:00:00Z'));
  }
  const attestation = {
    consentId: ids['attested'] ?? '',
    granteeOrg: H2,
    attestedBy: 'did:medledger:h2:adm',
    late: true,
  };
  push(b.event('DeletionAttested', attestation, '2025-06-03T08:00:00Z'));
  const ask = (id: string, custodian: string, txTime: string, dueAt: string): void => {
    push(
      b.event(
        'ErasureRequested',
        { requestId: txIdOf(`${run}-${id}`), custodian, recordId: `rec-${id}`, dueAt },
        txTime,
      ),
    );
  };
  ask('ignored', H1, '2025-05-01T08:00:00Z', '2025-05-31T08:00:00.000Z');
  ask('answered', H1, '2025-05-02T08:00:00Z', '2025-06-01T08:00:00.000Z');
  ask('pending', H2, '2025-06-01T08:00:00Z', '2025-07-01T08:00:00.000Z');
  const answer = {
    requestId: txIdOf(`${run}-answered`),
    custodian: H1,
    recordId: 'rec-answered',
    answer: 'refused' as const,
    refusal: 'retention_duty' as const,
    versions: [],
    late: false,
  };
  push(b.event('ErasureRequestAnswered', answer, '2025-05-20T08:00:00Z'));
  const incident = (name: string, action: 'opened' | 'closed', txTime: string) => {
    if (action === 'opened') ids[name] = b.peekTxId();
    push(b.event('IncidentRecorded', { incidentId: ids[name] ?? '', action }, txTime));
  };
  incident('stale', 'opened', '2025-06-01T12:00:00Z');
  incident('fresh', 'opened', '2025-06-10T11:00:00Z');
  incident('closed', 'opened', '2025-06-01T12:00:00Z');
  incident('closed', 'closed', '2025-06-02T12:00:00Z');
  return { events: out, ids };
}

const summary = (alerts: readonly Alert[]) =>
  alerts
    .filter((a) => ['attestation_overdue', 'erasure_request_overdue', 'incident_open'].includes(a.rule))
    .map((a) => [a.rule, a.actorDid, a.eventCount, a.events.map((e) => e.eventId)]);

describeEachBackend('alerts: overdue attestations, erasure requests, open incidents', (backend) => {
  let store: ProjectionStore | undefined;
  let service: ProjectionService;
  let ids: Record<string, string> = {};
  let run = '';
  before(async () => {
    run = randomBytes(4).toString('hex');
    const script = events(run);
    ids = script.ids;
    ({ store, service } = await projectEvents(backend, script.events));
  });
  after(async () => {
    await store?.close();
  });

  it('when the regulator asks, then each org that owes an attestation or an erasure answer, and each incident open too long, raises one alert with its events', async () => {
    const alerts = await service.alerts({ kind: 'auditor' }, NOW);
    assert.deepEqual(summary(alerts), [
      ['erasure_request_overdue', H1, 1, [txIdOf(`${run}-ignored`)]],
      ['attestation_overdue', H2, 1, [ids['late']]],
      ['incident_open', ids['stale'], 1, [ids['stale']]],
    ]);
    const attestation = alerts.find((a) => a.rule === 'attestation_overdue');
    assert.deepEqual(attestation?.detail, { overdue: 1, mostOverdueHours: 228, graceHours: 0 });
    assert.equal(attestation.severity, 'medium');
    const erasure = alerts.find((a) => a.rule === 'erasure_request_overdue');
    assert.deepEqual([erasure?.severity, erasure?.detail['mostOverdueHours']], ['high', 244]);
    assert.deepEqual(alerts.find((a) => a.rule === 'incident_open')?.detail, {
      openHours: 216,
      thresholdHours: 72,
    });
  });

  it('when a hospital admin asks, then it sees only what its own org owes, and no incident', async () => {
    assert.deepEqual(summary(await service.alerts({ kind: 'hospital', mspId: H2 }, NOW)), [
      ['attestation_overdue', H2, 1, [ids['late']]],
    ]);
    assert.deepEqual(summary(await service.alerts({ kind: 'hospital', mspId: H1 }, NOW)), [
      ['erasure_request_overdue', H1, 1, [txIdOf(`${run}-ignored`)]],
    ]);
  });
});
