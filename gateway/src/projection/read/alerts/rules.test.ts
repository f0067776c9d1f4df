import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import type { AuditRow } from '../rows';
import {
  ALERT_RULE_CODES,
  type AlertEvent,
  type BreakGlassCaseView,
  type BreakGlassReviewView,
  type EmergencyListingView,
} from '../views';
import { DEFAULT_ALERT_OPTIONS, type RuleSettings } from './options';
import {
  ALERT_RULES,
  type AlertEvidence,
  attestationOverdue,
  breakGlassUnjustified,
  breakGlassUnreviewed,
  denialBurst,
  erasureRequestOverdue,
  incidentOpen,
  isUnusualHour,
  longestBurst,
  unusualHours,
  volumeAboveBaseline,
} from './rules';

const SETTINGS: RuleSettings = { ...DEFAULT_ALERT_OPTIONS, breakGlassReviewHours: 72 };
const NOW = Date.parse('2025-06-01T12:00:00Z');
const MINUTE = 60_000;

/** The longest run within the window, by trying every start (the oracle of {@link longestBurst}). */
function longestRunByEveryStart(times: readonly number[], windowMs: number): number {
  let best = 0;
  for (let a = 0; a < times.length; a += 1) {
    let b = a;
    while (b < times.length && (times[b] ?? 0) - (times[a] ?? 0) <= windowMs) b += 1;
    best = Math.max(best, b - a);
  }
  return best;
}

/** The events a finding lists (it must list them rather than name a window). */
function listed(evidence: AlertEvidence | undefined): readonly AlertEvent[] {
  assert.ok(evidence?.kind === 'events', 'the finding lists its events');
  return evidence.events;
}

/** The event ids a finding lists. */
const listedIds = (evidence: AlertEvidence | undefined): string[] => listed(evidence).map((e) => e.eventId);

/** The event ids a break-glass finding lists, each with its kind. */
const listedKinds = (evidence: AlertEvidence | undefined): (string | undefined)[][] =>
  listed(evidence).map((e) => [e.eventId, e.kind]);

let rowCounter = 0;
/** An audit row of `actor` at `timeMs` (only the columns the rules read matter). */
function row(actor: string, timeMs: number, changes: Partial<AuditRow> = {}): AuditRow {
  rowCounter += 1;
  const id = `tx-${rowCounter}`;
  return {
    seq: rowCounter,
    event_id: id,
    block_number: rowCounter,
    tx_id: id,
    tx_time: new Date(timeMs).toISOString(),
    tx_time_ms: timeMs,
    record_id: 'rec-1',
    patient_did: 'did:medledger:patient:p1',
    custodian: 'Hospital1MSP',
    actor_did: actor,
    actor_msp: 'Hospital1MSP',
    actor_role: 'attending',
    purpose: 'treatment',
    outcome: 'denied',
    reason: 'NO_CONSENT',
    consent_id: null,
    break_glass: 0,
    ...changes,
  };
}

function breakGlassCase(
  actorDid: string,
  eventId: string,
  state: BreakGlassCaseView['state'],
): BreakGlassCaseView {
  return {
    eventId,
    txId: eventId,
    blockNumber: 1,
    txTime: '2025-05-01T00:00:00.000Z',
    actorDid,
    actorMsp: 'Hospital2MSP',
    recordId: 'rec-1',
    patientDid: 'did:medledger:patient:p1',
    custodian: 'Hospital1MSP',
    breakGlassReason: 'unconscious_patient',
    coSignedBy: null,
    coSignerMsp: null,
    reviewDeadline: '2025-05-04T00:00:00.000Z',
    state,
    review: null,
  };
}

function emergencyListing(
  actorDid: string,
  listingId: string,
  state: EmergencyListingView['state'],
  txTime: string,
): EmergencyListingView {
  return {
    listingId,
    txId: listingId,
    blockNumber: 2,
    txTime,
    actorDid,
    actorMsp: 'Hospital2MSP',
    actorRole: 'attending',
    breakGlassReason: 'unconscious_patient',
    patientDid: 'did:medledger:patient:p1',
    categories: ['allergy'],
    reviewDeadline: '2025-05-04T00:00:00.000Z',
    state,
    review: null,
  };
}

describe('alert rules over counts and denials', () => {
  it('when the rule table is read, then every alert code has exactly one rule and its thresholds are settings', () => {
    assert.deepEqual([...ALERT_RULES.map((r) => r.reason)].sort(), [...ALERT_RULE_CODES].sort());
    for (const rule of ALERT_RULES) {
      assert.ok(rule.name.length > 0);
      for (const t of rule.thresholds) assert.ok(t in SETTINGS, `${rule.reason}: ${t}`);
    }
  });

  it('when denials are spread in time, then the burst found is the longest run any window start gives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 2_000 }),
        (raw, windowMs) => {
          const times = [...raw].sort((a, b) => a - b);
          const { start, end } = longestBurst(times, windowMs);
          assert.equal(end - start, longestRunByEveryStart(times, windowMs));
          if (end > start) assert.ok((times[end - 1] ?? 0) - (times[start] ?? 0) <= windowMs);
        },
      ),
    );
  });

  it('when an actor is denied at the threshold within the window, then a burst fires with the newest first', () => {
    const spread = [0, 20, 40, 60].map((m) => row('did:medledger:hospital1:calm', NOW - m * MINUTE));
    const burst = [0, 1, 2, 3, 4].map((m) =>
      row('did:medledger:hospital2:eager', NOW - 60 * MINUTE + m * MINUTE),
    );
    const findings = denialBurst.evaluate([...spread.reverse(), ...burst], SETTINGS, NOW);
    assert.deepEqual(
      findings.map((f) => [f.actorDid, f.eventCount, f.detail['windowMinutes']]),
      [['did:medledger:hospital2:eager', 5, 10]],
    );
    assert.equal(listedIds(findings[0]?.evidence)[0], burst[4]?.event_id);
  });

  it('when counts are compared with the baseline, then only actors far above their own average fire', () => {
    const count = (actorDid: string, n: number) => ({ actorDid, actorMsp: 'Hospital1MSP', n });
    const findings = volumeAboveBaseline.evaluate(
      {
        // 14 baseline windows of 24 h: 14 events are 1 a window, 140 are 10.
        recent: [count('steady', 30), count('new', 25), count('spiking', 31), count('quiet', 19)],
        baseline: [count('steady', 140), count('spiking', 140), count('quiet', 0)],
      },
      SETTINGS,
      NOW,
    );
    assert.deepEqual(
      findings.map((f) => [f.actorDid, f.severity, f.detail['baselineAverage']]),
      [
        ['new', 'medium', 0],
        ['spiking', 'high', 10],
      ],
    );
    assert.deepEqual(findings[0]?.evidence, {
      kind: 'actor_window',
      fromMs: NOW - 24 * 3_600_000,
      toMs: NOW,
    });
  });
});

describe('the unreviewed break-glass rule', () => {
  it('when break-glass cases have every state, then only overdue ones alert, grouped by actor', () => {
    const findings = breakGlassUnreviewed.evaluate(
      {
        accesses: [
          breakGlassCase('a', 'e1', 'overdue'),
          breakGlassCase('b', 'e2', 'pending'),
          breakGlassCase('a', 'e3', 'overdue'),
          breakGlassCase('c', 'e4', 'justified'),
          breakGlassCase('c', 'e5', 'unjustified'),
        ],
        listings: [],
      },
      SETTINGS,
      NOW,
    );
    assert.deepEqual(
      findings.map((f) => [f.actorDid, f.eventCount, f.detail['reviewHours']]),
      [['a', 2, 72]],
    );
    assert.deepEqual(listedIds(findings[0]?.evidence), ['e3', 'e1']);
  });

  it('when a doctor left both a break-glass access and emergency listings unreviewed, then one alert counts both overdue kinds, newest first, each event naming its kind', () => {
    const findings = breakGlassUnreviewed.evaluate(
      {
        accesses: [breakGlassCase('a', 'e1', 'overdue')],
        listings: [
          emergencyListing('a', 'l-late', 'overdue', '2025-05-01T06:00:00.000Z'),
          emergencyListing('a', 'l-early', 'overdue', '2024-12-01T00:00:00.000Z'),
          emergencyListing('a', 'l-reviewed', 'justified', '2025-05-02T00:00:00.000Z'),
          emergencyListing('b', 'l-pending', 'pending', '2025-06-01T00:00:00.000Z'),
        ],
      },
      SETTINGS,
      NOW,
    );
    assert.deepEqual(
      findings.map((f) => [f.actorDid, f.eventCount, f.detail]),
      [['a', 3, { reviewHours: 72, overdue: 3, accesses: 1, emergencyListings: 2 }]],
    );
    assert.deepEqual(listedKinds(findings[0]?.evidence), [
      ['l-late', 'emergency_listing'],
      ['e1', 'access'],
      ['l-early', 'emergency_listing'],
    ]);
  });
});

describe('the unjustified break-glass rule', () => {
  it('when cases of both kinds carry verdicts, then only standing unjustified ones given within the lookback alert, one per actor counting each kind and the suspensions', () => {
    const verdict = (outcome: 'justified' | 'unjustified', hoursAgo: number, suspended = false) => ({
      review: {
        outcome,
        reviewedBy: 'did:medledger:regulator:aud1',
        reviewedAt: new Date(NOW - hoursAgo * 3_600_000).toISOString(),
        byRegulator: true,
        suspended,
        txId: 'review',
        blockNumber: 9,
      } satisfies BreakGlassReviewView,
    });
    const findings = breakGlassUnjustified.evaluate(
      {
        accesses: [
          { ...breakGlassCase('a', 'e-recent', 'unjustified'), ...verdict('unjustified', 2) },
          { ...breakGlassCase('b', 'e-old', 'unjustified'), ...verdict('unjustified', 25) },
          { ...breakGlassCase('b', 'e-fine', 'justified'), ...verdict('justified', 1) },
        ],
        listings: [
          {
            ...emergencyListing('a', 'l-late', 'unjustified', '2025-05-01T06:00:00.000Z'),
            ...verdict('unjustified', 3, true),
          },
          {
            ...emergencyListing('a', 'l-early', 'unjustified', '2024-12-01T00:00:00.000Z'),
            ...verdict('unjustified', 24),
          },
          {
            ...emergencyListing('b', 'l-fine', 'justified', '2025-05-02T00:00:00.000Z'),
            ...verdict('justified', 1),
          },
          emergencyListing('b', 'l-overdue', 'overdue', '2025-05-02T00:00:00.000Z'),
        ],
      },
      SETTINGS,
      NOW,
    );
    assert.deepEqual(
      findings.map((f) => [f.actorDid, f.severity, f.eventCount, f.detail]),
      [
        [
          'a',
          'high',
          3,
          { lookbackHours: 24, unjustified: 3, accesses: 1, emergencyListings: 2, suspended: 1 },
        ],
      ],
    );
    assert.deepEqual(listedKinds(findings[0]?.evidence), [
      ['l-late', 'emergency_listing'],
      ['e-recent', 'access'],
      ['l-early', 'emergency_listing'],
    ]);
  });
});

describe('alert rules over hours', () => {
  it('when the unusual hours wrap midnight or not, then the hour test and the rule follow the local time', () => {
    const at = (iso: string): number => Date.parse(iso);
    assert.equal(isUnusualHour(at('2025-06-01T23:00:00Z'), SETTINGS), true);
    assert.equal(isUnusualHour(at('2025-06-01T05:59:00Z'), SETTINGS), true);
    assert.equal(isUnusualHour(at('2025-06-01T06:00:00Z'), SETTINGS), false);
    assert.equal(isUnusualHour(at('2025-06-01T21:59:00Z'), SETTINGS), false);
    const plusTwo = { ...SETTINGS, utcOffsetMinutes: 120 };
    assert.equal(isUnusualHour(at('2025-06-01T20:30:00Z'), plusTwo), true);
    const daytime = { ...SETTINGS, unusualFromHour: 12, unusualToHour: 14 };
    assert.equal(isUnusualHour(at('2025-06-01T13:00:00Z'), daytime), true);
    assert.equal(isUnusualHour(at('2025-06-01T14:00:00Z'), daytime), false);
    const night = row('did:medledger:hospital1:n', at('2025-06-01T02:00:00Z'), { outcome: 'granted' });
    const emergency = row('did:medledger:hospital1:e', at('2025-06-01T02:00:00Z'), {
      outcome: 'granted',
      purpose: 'emergency',
    });
    const day = row('did:medledger:hospital1:d', at('2025-06-01T10:00:00Z'), { outcome: 'granted' });
    assert.deepEqual(
      unusualHours.evaluate([night, emergency, day], SETTINGS, NOW).map((f) => f.actorDid),
      ['did:medledger:hospital1:n'],
    );
  });
});

describe('alert rules over overdue items', () => {
  const overdue = (consent: string, granteeOrg: string, hoursLate: number) => ({
    consent_id: consent,
    grantee_org: granteeOrg,
    keep_until: new Date(NOW - hoursLate * 3_600_000).toISOString(),
    keep_until_ms: NOW - hoursLate * 3_600_000,
    granted_at: '2025-05-01T00:00:00.000Z',
    grant_tx_id: `grant-${consent}`,
    grant_block: 7,
  });

  it('when attestations are overdue at two grantees, then one alert per grantee fires, and the grace hours hold back the recent ones', () => {
    const rows = [
      overdue('k1', 'Hospital2MSP', 30),
      overdue('k2', 'ResearchMSP', 3),
      overdue('k3', 'Hospital2MSP', 10),
    ];
    const all = attestationOverdue.evaluate(rows, SETTINGS, NOW);
    assert.deepEqual(
      all.map((f) => [
        f.actorDid,
        f.actorMsp,
        f.eventCount,
        f.detail['mostOverdueHours'],
        listedIds(f.evidence),
      ]),
      [
        ['Hospital2MSP', 'Hospital2MSP', 2, 30, ['k3', 'k1']],
        ['ResearchMSP', 'ResearchMSP', 1, 3, ['k2']],
      ],
    );
    const graced = attestationOverdue.evaluate(rows, { ...SETTINGS, attestationGraceHours: 12 }, NOW);
    assert.deepEqual(
      graced.map((f) => [f.actorDid, listedIds(f.evidence)]),
      [['Hospital2MSP', ['k1']]],
    );
  });

  it('when erasure requests and incidents are overdue, then a custodian alert lists its requests and each incident alerts alone', () => {
    const request = (id: string, custodian: string, hoursLate: number) => ({
      request_id: id,
      custodian,
      requested_at: '2025-04-01T00:00:00.000Z',
      due_at_ms: NOW - hoursLate * 3_600_000,
      tx_id: `tx-${id}`,
      block_number: 3,
    });
    const requests = erasureRequestOverdue.evaluate(
      [request('r1', 'Hospital1MSP', 48), request('r2', 'Hospital1MSP', 1)],
      SETTINGS,
      NOW,
    );
    assert.deepEqual(
      requests.map((f) => [f.severity, f.actorDid, f.detail['overdue'], f.detail['mostOverdueHours']]),
      [['high', 'Hospital1MSP', 2, 48]],
    );
    const incident = {
      incident_id: 'inc-1',
      opened_at: '2025-05-29T12:00:00.000Z',
      tx_id: 'tx-i',
      block_number: 4,
    };
    const incidents = incidentOpen.evaluate(
      [{ ...incident, opened_at_ms: Date.parse(incident.opened_at) }],
      SETTINGS,
      NOW,
    );
    assert.deepEqual(
      incidents.map((f) => [f.actorDid, f.actorMsp, f.detail['openHours'], listedIds(f.evidence)]),
      [['inc-1', '', 72, ['inc-1']]],
    );
  });
});
