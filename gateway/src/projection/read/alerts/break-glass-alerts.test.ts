import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';

import { describeEachBackend } from '../../testing/backends';
import {
  LedgerBuilder,
  accessEvent,
  breakGlassAccessBody,
  emergencyListingBody,
  type EventBody,
} from '../../testing/fixtures';
import { projectEvents } from '../../testing/scenario';
import type { SourceEvent } from '../../write/source';
import type { Alert, Viewer } from '../views';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const H3 = 'Hospital3MSP';
/** Four days after the first cases: past their 72 h review deadline, before the last ones'. */
const NOW = new Date('2025-06-05T12:00:00Z');

type Review = EventBody<'BreakGlassReviewed'>;

/**
 * One Hospital2 doctor's break-glass: two accesses of a Hospital1 record and two emergency listings,
 * one of each kind reviewed by the regulator and one of each left past its deadline, and one listing
 * still within it.
 */
function ledger() {
  const tag = randomBytes(3).toString('hex');
  const doctor = `did:medledger:hospital2:bg-${tag}`;
  const patient = `did:medledger:patient:bg${tag}`;
  const b = new LedgerBuilder({ salt: `break-glass-alerts-${tag}` });
  const events: SourceEvent[] = [];
  const push = (event: SourceEvent): void => {
    events.push(event);
    b.nextBlock();
  };
  const access = (txTime: string): string => {
    const eventId = b.peekTxId();
    push(accessEvent(b, { ...breakGlassAccessBody(doctor, patient), eventId }, txTime));
    return eventId;
  };
  const listing = (txTime: string): string => {
    const listingId = b.peekTxId();
    const sealed = { kind: 'listing', patientDid: patient, categories: ['allergy'] } as const;
    const body = { listingId, ...emergencyListingBody(doctor) };
    push(b.event('RecordListingOpened', body, txTime, listingId, sealed));
    return listingId;
  };
  const review = (accessId: string, kind: Review['kind'], custodian: string): void => {
    const body: Review = {
      accessId,
      kind,
      recordId: kind === 'access' ? 'rec-allergy' : null,
      custodian,
      actorDid: doctor,
      outcome: 'justified',
      reviewedBy: 'did:medledger:regulator:aud1',
      byRegulator: true,
      suspended: false,
    };
    push(b.event('BreakGlassReviewed', body, '2025-06-02T12:00:00Z'));
  };
  const ids = {
    reviewedAccess: access('2025-06-01T08:00:00Z'),
    overdueAccess: access('2025-06-01T09:00:00Z'),
    reviewedListing: listing('2025-06-01T10:00:00Z'),
    overdueListing: listing('2025-06-01T11:00:00Z'),
    pendingListing: listing('2025-06-05T08:00:00Z'),
  };
  review(ids.reviewedAccess, 'access', H1);
  review(ids.reviewedListing, 'emergency_listing', H2);
  return { doctor, events, ids };
}

const unreviewed = (alerts: readonly Alert[]): Alert[] =>
  alerts.filter((a) => a.rule === 'break_glass_unreviewed');

describeEachBackend('the unreviewed break-glass alert covers emergency listings', (backend) => {
  it('when a doctor left a break-glass access and an emergency listing unreviewed past the deadline and had one of each reviewed, then one alert counts the two overdue ones and names the kind of each', async () => {
    const { doctor, events, ids } = ledger();
    const { store, service } = await projectEvents(backend, events);
    try {
      const [alert, ...others] = unreviewed(await service.alerts({ kind: 'auditor' }, NOW));
      assert.deepEqual(others, []);
      assert.deepEqual(
        [alert?.actorDid, alert?.actorMsp, alert?.severity, alert?.eventCount, alert?.detail],
        [doctor, H2, 'high', 2, { reviewHours: 72, overdue: 2, accesses: 1, emergencyListings: 1 }],
      );
      assert.deepEqual(
        alert?.events.map((e) => [e.eventId, e.kind, e.txTime]),
        [
          [ids.overdueListing, 'emergency_listing', '2025-06-01T11:00:00Z'],
          [ids.overdueAccess, 'access', '2025-06-01T09:00:00Z'],
        ],
        'newest first; the reviewed and the pending ones are not listed',
      );
    } finally {
      await store.close();
    }
  });

  it("when hospital admins ask, then the custodian's sees the overdue access, the doctor's org's both, another hospital's nothing", async () => {
    const { events, ids } = ledger();
    const { store, service } = await projectEvents(backend, events);
    try {
      const seen = async (viewer: Viewer) =>
        unreviewed(await service.alerts(viewer, NOW)).map((a) => [
          a.detail,
          a.events.map((e) => [e.eventId, e.kind]),
        ]);
      assert.deepEqual(await seen({ kind: 'hospital', mspId: H1 }), [
        [{ reviewHours: 72, overdue: 1, accesses: 1, emergencyListings: 0 }, [[ids.overdueAccess, 'access']]],
      ]);
      assert.deepEqual(await seen({ kind: 'hospital', mspId: H2 }), [
        [
          { reviewHours: 72, overdue: 2, accesses: 1, emergencyListings: 1 },
          [
            [ids.overdueListing, 'emergency_listing'],
            [ids.overdueAccess, 'access'],
          ],
        ],
      ]);
      assert.deepEqual(await seen({ kind: 'hospital', mspId: H3 }), []);
    } finally {
      await store.close();
    }
  });
});
