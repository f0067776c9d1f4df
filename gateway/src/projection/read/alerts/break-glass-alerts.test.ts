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
type Verdict = Pick<Review, 'outcome' | 'byRegulator' | 'suspended'>;

const JUSTIFIED: Verdict = { outcome: 'justified', byRegulator: true, suspended: false };

/**
 * A ledger of one Hospital2 doctor's break-glass cases (accesses of a Hospital1 record, emergency
 * listings) and their reviews, each its own transaction in its own block, with fresh ids.
 */
function caseLedger() {
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
  /** A review of a case: an access by its custodian (Hospital1), a listing by the doctor's hospital. */
  const review = (accessId: string, kind: Review['kind'], txTime: string, verdict = JUSTIFIED): void => {
    const custodian = kind === 'access' ? H1 : H2;
    const body: Review = {
      accessId,
      kind,
      recordId: kind === 'access' ? 'rec-allergy' : null,
      custodian,
      actorDid: doctor,
      reviewedBy: verdict.byRegulator
        ? 'did:medledger:regulator:aud1'
        : `did:medledger:${custodian === H1 ? 'hospital1' : 'hospital2'}:admin1`,
      ...verdict,
    };
    push(b.event('BreakGlassReviewed', body, txTime));
  };
  return { doctor, events, access, listing, review };
}

/**
 * Two accesses and two emergency listings, one of each kind reviewed by the regulator and one of each
 * left past its deadline, and one listing still within it.
 */
function ledger() {
  const { doctor, events, access, listing, review } = caseLedger();
  const ids = {
    reviewedAccess: access('2025-06-01T08:00:00Z'),
    overdueAccess: access('2025-06-01T09:00:00Z'),
    reviewedListing: listing('2025-06-01T10:00:00Z'),
    overdueListing: listing('2025-06-01T11:00:00Z'),
    pendingListing: listing('2025-06-05T08:00:00Z'),
  };
  review(ids.reviewedAccess, 'access', '2025-06-02T12:00:00Z');
  review(ids.reviewedListing, 'emergency_listing', '2025-06-02T12:00:00Z');
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

const unjustified = (alerts: readonly Alert[]): Alert[] =>
  alerts.filter((a) => a.rule === 'break_glass_unjustified');

const UNJUSTIFIED: Verdict = { outcome: 'unjustified', byRegulator: true, suspended: false };
const SUSPENDED: Verdict = { ...UNJUSTIFIED, suspended: true };
const HOSPITAL_UNJUSTIFIED: Verdict = { ...UNJUSTIFIED, byRegulator: false };

describeEachBackend('the unjustified break-glass alert covers emergency listings', (backend) => {
  it('when the regulator found an emergency listing unjustified within the lookback and suspended the doctor, then one alert counts it as a listing and names its kind', async () => {
    const { doctor, events, listing, review } = caseLedger();
    const listingId = listing('2025-06-04T08:00:00Z');
    review(listingId, 'emergency_listing', '2025-06-05T09:00:00Z', SUSPENDED);
    const { store, service } = await projectEvents(backend, events);
    try {
      const [alert, ...others] = unjustified(await service.alerts({ kind: 'auditor' }, NOW));
      assert.deepEqual(others, []);
      assert.deepEqual(
        [alert?.actorDid, alert?.actorMsp, alert?.severity, alert?.eventCount, alert?.detail],
        [
          doctor,
          H2,
          'high',
          1,
          { lookbackHours: 24, unjustified: 1, accesses: 0, emergencyListings: 1, suspended: 1 },
        ],
      );
      assert.deepEqual(
        alert?.events.map((e) => [e.eventId, e.kind, e.txTime]),
        [[listingId, 'emergency_listing', '2025-06-04T08:00:00Z']],
      );
    } finally {
      await store.close();
    }
  });

  it('when emergency listings were found unjustified before the lookback, or justified by the regulator over the hospital, then no unjustified alert, though the old verdict alerted within its own lookback', async () => {
    const { doctor, events, listing, review } = caseLedger();
    const old = listing('2025-06-01T10:00:00Z');
    review(old, 'emergency_listing', '2025-06-03T12:00:00Z', UNJUSTIFIED);
    const overruled = listing('2025-06-04T08:00:00Z');
    const justified = listing('2025-06-04T09:00:00Z');
    review(overruled, 'emergency_listing', '2025-06-05T09:00:00Z', HOSPITAL_UNJUSTIFIED);
    review(overruled, 'emergency_listing', '2025-06-05T10:00:00Z', JUSTIFIED);
    review(justified, 'emergency_listing', '2025-06-05T10:00:00Z', JUSTIFIED);
    const { store, service } = await projectEvents(backend, events);
    try {
      assert.deepEqual(unjustified(await service.alerts({ kind: 'auditor' }, NOW)), []);
      const dayAfterOldVerdict = new Date('2025-06-04T11:00:00Z');
      const earlier = unjustified(await service.alerts({ kind: 'auditor' }, dayAfterOldVerdict));
      assert.deepEqual(
        earlier.map((a) => [a.actorDid, a.detail['emergencyListings'], a.events.map((e) => e.eventId)]),
        [[doctor, 1, [old]]],
      );
    } finally {
      await store.close();
    }
  });

  it("when a doctor had an access and emergency listings found unjustified within the lookback, then one alert counts both kinds and the suspensions, newest first; the custodian's admin sees the access, the doctor's hospital's both", async () => {
    const { doctor, events, access, listing, review } = caseLedger();
    const ids = {
      access: access('2025-06-01T09:00:00Z'),
      suspendedListing: listing('2025-06-01T10:00:00Z'),
      hospitalsListing: listing('2025-06-04T08:00:00Z'),
    };
    review(ids.access, 'access', '2025-06-05T08:00:00Z', UNJUSTIFIED);
    review(ids.suspendedListing, 'emergency_listing', '2025-06-05T09:00:00Z', SUSPENDED);
    review(ids.hospitalsListing, 'emergency_listing', '2025-06-05T10:00:00Z', HOSPITAL_UNJUSTIFIED);
    const { store, service } = await projectEvents(backend, events);
    try {
      const seen = async (viewer: Viewer) =>
        unjustified(await service.alerts(viewer, NOW)).map((a) => [
          a.actorDid,
          a.detail,
          a.events.map((e) => [e.eventId, e.kind]),
        ]);
      const both = [
        [ids.hospitalsListing, 'emergency_listing'],
        [ids.suspendedListing, 'emergency_listing'],
        [ids.access, 'access'],
      ];
      const counts = { lookbackHours: 24, unjustified: 3, accesses: 1, emergencyListings: 2, suspended: 1 };
      assert.deepEqual(await seen({ kind: 'auditor' }), [[doctor, counts, both]]);
      assert.deepEqual(await seen({ kind: 'hospital', mspId: H2 }), [[doctor, counts, both]]);
      const accessOnly = { ...counts, unjustified: 1, emergencyListings: 0, suspended: 0 };
      assert.deepEqual(await seen({ kind: 'hospital', mspId: H1 }), [
        [doctor, accessOnly, [[ids.access, 'access']]],
      ]);
      assert.deepEqual(await seen({ kind: 'hospital', mspId: H3 }), []);
    } finally {
      await store.close();
    }
  });
});
