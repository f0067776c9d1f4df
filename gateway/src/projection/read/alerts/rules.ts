/**
 * The alert rules as data, like the chaincode's access decision table: each rule names what it looks
 * for, the reason code its alerts carry (`rule` in the API), the thresholds it compares with, the
 * rows it reads (a query within the viewer's scope) and a pure function from those rows to findings.
 * A new rule is a new row here (and a code in `ALERT_RULE_CODES`); nothing else changes.
 */
import { hoursPast, type OverdueAttestationRow } from '../reports/deletion-attestations';
import { alertEvent, ledgerRefOf, type AuditRow } from '../rows';
import type {
  AlertEvent,
  AlertRuleCode,
  AlertSeverity,
  BreakGlassCaseView,
  BreakGlassReviewView,
  BreakGlassState,
  EmergencyListingView,
} from '../views';
import type { RuleSettings } from './options';
import type { ActorCount, AlertQueries, OpenIncidentRow, OverdueErasureRow } from './queries';

const HOUR_MS = 3_600_000;

/** The events behind a finding: listed by the rule, or the actor's newest events in a window. */
export type AlertEvidence =
  | { readonly kind: 'events'; readonly events: readonly AlertEvent[] }
  | { readonly kind: 'actor_window'; readonly fromMs: number; readonly toMs: number };

/** What a rule found about one actor. */
export interface AlertFinding {
  readonly severity: AlertSeverity;
  readonly actorDid: string;
  readonly actorMsp: string;
  /** Numbers behind the finding (counts, baseline, window). */
  readonly detail: Readonly<Record<string, number | string>>;
  readonly eventCount: number;
  readonly evidence: AlertEvidence;
}

/** One row of the rule table, over rows of type `R`. */
export interface AlertRule<R> {
  /** The reason code of its alerts (`rule` in the API). */
  readonly reason: AlertRuleCode;
  /** What it looks for, in words for a person (`name` of its alerts). */
  readonly name: string;
  /** The settings it compares with. */
  readonly thresholds: readonly (keyof RuleSettings)[];
  /** The rows it reads at `nowMs`. */
  readonly rows: (queries: AlertQueries, settings: RuleSettings, nowMs: number) => Promise<R>;
  /** Its findings over those rows; pure. */
  readonly evaluate: (rows: R, settings: RuleSettings, nowMs: number) => AlertFinding[];
}

/** A rule of the table, its row type hidden. */
export interface AnyAlertRule {
  readonly reason: AlertRuleCode;
  readonly name: string;
  readonly thresholds: readonly (keyof RuleSettings)[];
  /** Reads the rule's rows and evaluates them. */
  run(queries: AlertQueries, settings: RuleSettings, nowMs: number): Promise<AlertFinding[]>;
}

function tableRow<R>(rule: AlertRule<R>): AnyAlertRule {
  return {
    reason: rule.reason,
    name: rule.name,
    thresholds: rule.thresholds,
    run: async (queries, settings, nowMs) =>
      rule.evaluate(await rule.rows(queries, settings, nowMs), settings, nowMs),
  };
}

/** Items grouped by actor, in first-seen order, each group in input order. */
export function byActor<T>(items: readonly T[], actorOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const actor = actorOf(item);
    const group = out.get(actor);
    if (group) group.push(item);
    else out.set(actor, [item]);
  }
  return out;
}

/** The longest run of `timesMs` (ascending) spanning at most `windowMs`, as [start, end) indexes. */
export function longestBurst(timesMs: readonly number[], windowMs: number): { start: number; end: number } {
  let best = { start: 0, end: 0 };
  for (let a = 0, b = 0; b < timesMs.length; b += 1) {
    while ((timesMs[b] ?? 0) - (timesMs[a] ?? 0) > windowMs) a += 1;
    if (b + 1 - a > best.end - best.start) best = { start: a, end: b + 1 };
  }
  return best;
}

/** Whether an instant falls in the unusual hours, in the rule's local time. */
export function isUnusualHour(timeMs: number, s: RuleSettings): boolean {
  const hour = new Date(timeMs + s.utcOffsetMinutes * 60_000).getUTCHours();
  return s.unusualFromHour > s.unusualToHour
    ? hour >= s.unusualFromHour || hour < s.unusualToHour
    : hour >= s.unusualFromHour && hour < s.unusualToHour;
}

/** Counts per actor in the recent window and in the baseline before it. */
export interface VolumeRows {
  readonly recent: readonly ActorCount[];
  readonly baseline: readonly ActorCount[];
}

const volumeWindowStart = (s: RuleSettings, nowMs: number): number => nowMs - s.volumeWindowHours * HOUR_MS;

/** An actor's volume in the window far above their own average per window over the baseline. */
export const volumeAboveBaseline: AlertRule<VolumeRows> = {
  reason: 'volume_above_baseline',
  name: 'an actor far above their own baseline',
  thresholds: ['volumeWindowHours', 'baselineDays', 'volumeFactor', 'volumeMinEvents'],
  rows: async (q, s, nowMs) => {
    const windowStart = volumeWindowStart(s, nowMs);
    return {
      recent: await q.actorCounts(windowStart, nowMs),
      baseline: await q.actorCounts(windowStart - s.baselineDays * 24 * HOUR_MS, windowStart),
    };
  },
  evaluate: (rows, s, nowMs) => {
    const baseline = new Map(rows.baseline.map((b) => [b.actorDid, b.n]));
    const windowsInBaseline = (s.baselineDays * 24) / s.volumeWindowHours;
    return rows.recent.flatMap((r): AlertFinding[] => {
      const avg = (baseline.get(r.actorDid) ?? 0) / windowsInBaseline;
      if (!(r.n >= s.volumeMinEvents && r.n > s.volumeFactor * avg)) return [];
      return [
        {
          severity: avg === 0 ? 'medium' : 'high',
          actorDid: r.actorDid,
          actorMsp: r.actorMsp,
          detail: {
            windowHours: s.volumeWindowHours,
            count: r.n,
            baselineAverage: Math.round(avg * 100) / 100,
          },
          eventCount: r.n,
          evidence: { kind: 'actor_window', fromMs: volumeWindowStart(s, nowMs), toMs: nowMs },
        },
      ];
    });
  },
};

/** Many denials of one actor within a few minutes. */
export const denialBurst: AlertRule<readonly AuditRow[]> = {
  reason: 'denial_burst',
  name: 'a burst of denials',
  thresholds: ['lookbackHours', 'denialWindowMinutes', 'denialThreshold'],
  rows: (q, s, nowMs) => q.denials(nowMs - s.lookbackHours * HOUR_MS, nowMs),
  evaluate: (rows, s) =>
    [...byActor(rows, (r) => r.actor_did).values()].flatMap((mine): AlertFinding[] => {
      const best = longestBurst(
        mine.map((r) => Number(r.tx_time_ms)),
        s.denialWindowMinutes * 60_000,
      );
      const burst = mine.slice(best.start, best.end);
      const first = burst[0];
      if (!first || burst.length < s.denialThreshold) return [];
      return [
        {
          severity: 'high',
          actorDid: first.actor_did,
          actorMsp: first.actor_msp,
          detail: { windowMinutes: s.denialWindowMinutes, denials: burst.length },
          eventCount: burst.length,
          evidence: { kind: 'events', events: burst.reverse().slice(0, s.maxEventIds).map(alertEvent) },
        },
      ];
    }),
};

/** A break-glass access as an event behind an alert. */
function caseEvent(c: BreakGlassCaseView): AlertEvent {
  return { eventId: c.eventId, txId: c.txId, blockNumber: c.blockNumber, txTime: c.txTime, kind: 'access' };
}

/** An emergency listing as an event behind an alert: its listing id, by which it is reviewed. */
function listingEvent(l: EmergencyListingView): AlertEvent {
  const { listingId, txId, blockNumber, txTime } = l;
  return { eventId: listingId, txId, blockNumber, txTime, kind: 'emergency_listing' };
}

/** What is reviewed after the fact: break-glass accesses and doctors' emergency listings. */
export interface ReviewCases {
  readonly accesses: readonly BreakGlassCaseView[];
  readonly listings: readonly EmergencyListingView[];
}

/** A case of either kind: its actor, its review and the event that names it. */
interface ReviewCase {
  readonly actorDid: string;
  readonly actorMsp: string;
  readonly state: BreakGlassState;
  readonly review: BreakGlassReviewView | null;
  readonly event: AlertEvent;
}

/** Every case of both kinds up to now, with its review state (the rows of both break-glass rules). */
const reviewCaseRows = async (q: AlertQueries, s: RuleSettings, nowMs: number): Promise<ReviewCases> => ({
  accesses: await q.breakGlassCases(nowMs, s.breakGlassReviewHours),
  listings: await q.emergencyListingCases(nowMs, s.breakGlassReviewHours),
});

/** The cases of both kinds that `keep` retains, as events with their actor, oldest first. */
function casesOfBothKinds(rows: ReviewCases, keep: (c: Omit<ReviewCase, 'event'>) => boolean): ReviewCase[] {
  const of = <T extends Omit<ReviewCase, 'event'>>(cases: readonly T[], event: (c: T) => AlertEvent) =>
    cases.filter(keep).map((c): ReviewCase => ({
      actorDid: c.actorDid,
      actorMsp: c.actorMsp,
      state: c.state,
      review: c.review,
      event: event(c),
    }));
  const cases = [...of(rows.accesses, caseEvent), ...of(rows.listings, listingEvent)];
  const at = (e: AlertEvent): number => Date.parse(e.txTime);
  return cases.sort((a, b) => at(a.event) - at(b.event) || a.event.blockNumber - b.event.blockNumber);
}

/** How many of an actor's cases are accesses and how many emergency listings. */
interface CaseKindCounts {
  readonly accesses: number;
  readonly emergencyListings: number;
}

/**
 * One high finding per actor over cases of both kinds (oldest first): the rule's numbers (given the
 * actor's cases and the count of each kind) and the cases, newest first, as its evidence.
 */
function findingsPerActor(
  cases: readonly ReviewCase[],
  s: RuleSettings,
  detail: (mine: readonly ReviewCase[], kinds: CaseKindCounts) => AlertFinding['detail'],
): AlertFinding[] {
  return [...byActor(cases, (c) => c.actorDid)].map(([actorDid, mine]): AlertFinding => {
    const emergencyListings = mine.filter((c) => c.event.kind === 'emergency_listing').length;
    return {
      severity: 'high',
      actorDid,
      actorMsp: mine[0]?.actorMsp ?? '',
      detail: detail(mine, { accesses: mine.length - emergencyListings, emergencyListings }),
      eventCount: mine.length,
      evidence: {
        kind: 'events',
        events: [...mine]
          .reverse()
          .slice(0, s.maxEventIds)
          .map((c) => c.event),
      },
    };
  });
}

/**
 * Break-glass left unreviewed after the review deadline: accesses and emergency listings alike (both
 * are reviewed the same way), counted together per actor, each event naming its kind.
 */
export const breakGlassUnreviewed: AlertRule<ReviewCases> = {
  reason: 'break_glass_unreviewed',
  name: 'break-glass left unreviewed past the deadline',
  thresholds: ['breakGlassReviewHours'],
  rows: reviewCaseRows,
  evaluate: (rows, s) =>
    findingsPerActor(
      casesOfBothKinds(rows, (c) => c.state === 'overdue'),
      s,
      (mine, kinds) => ({ reviewHours: s.breakGlassReviewHours, overdue: mine.length, ...kinds }),
    ),
};

/**
 * Break-glass found unjustified: accesses and emergency listings whose standing verdict (the
 * regulator's latest, else the custodian's or the listing doctor's hospital's) is unjustified, given
 * within the lookback window, counted together per actor (and how many led to a suspension), each
 * event naming its kind: the person may be suspended, the regulator acts.
 */
export const breakGlassUnjustified: AlertRule<ReviewCases> = {
  reason: 'break_glass_unjustified',
  name: 'break-glass found unjustified on review',
  thresholds: ['lookbackHours'],
  rows: reviewCaseRows,
  evaluate: (rows, s, nowMs) =>
    findingsPerActor(
      casesOfBothKinds(
        rows,
        (c) =>
          c.state === 'unjustified' &&
          c.review !== null &&
          Date.parse(c.review.reviewedAt) >= nowMs - s.lookbackHours * HOUR_MS,
      ),
      s,
      (mine, kinds) => ({
        lookbackHours: s.lookbackHours,
        unjustified: mine.length,
        ...kinds,
        suspended: mine.filter((c) => c.review?.suspended === true).length,
      }),
    ),
};

/** Granted routine access at unusual hours (emergencies excepted). */
export const unusualHours: AlertRule<readonly AuditRow[]> = {
  reason: 'unusual_hours',
  name: 'access at unusual hours',
  thresholds: ['lookbackHours', 'unusualFromHour', 'unusualToHour', 'utcOffsetMinutes'],
  rows: (q, s, nowMs) => q.grantedRoutine(nowMs - s.lookbackHours * HOUR_MS, nowMs),
  evaluate: (rows, s) =>
    [
      ...byActor(
        rows.filter((r) => isUnusualHour(Number(r.tx_time_ms), s) && r.purpose !== 'emergency'),
        (r) => r.actor_did,
      ),
    ].map(([actorDid, mine]) => ({
      severity: 'low',
      actorDid,
      actorMsp: mine[0]?.actor_msp ?? '',
      detail: { fromHour: s.unusualFromHour, toHour: s.unusualToHour, utcOffsetMinutes: s.utcOffsetMinutes },
      eventCount: mine.length,
      evidence: { kind: 'events', events: mine.slice(0, s.maxEventIds).map(alertEvent) },
    })),
};

/**
 * Overdue items grouped by the org that owes them (most overdue first within each): one finding per
 * org, with the items' events (newest first) as its evidence.
 */
function overdueByOrg<T>(
  items: readonly T[],
  s: RuleSettings,
  view: { orgOf: (item: T) => string; overdueHours: (item: T) => number; event: (item: T) => AlertEvent },
  severity: AlertSeverity,
  graceHours: number,
): AlertFinding[] {
  return [...byActor(items, view.orgOf)].map(([org, mine]) => ({
    severity,
    actorDid: org,
    actorMsp: org,
    detail: {
      overdue: mine.length,
      mostOverdueHours: Math.max(...mine.map(view.overdueHours)),
      graceHours,
    },
    eventCount: mine.length,
    evidence: { kind: 'events', events: [...mine].reverse().slice(0, s.maxEventIds).map(view.event) },
  }));
}

/**
 * A grantee org that read under use-limited consents and has not attested deletion past their
 * `keepUntil` (docs/use-limited-consents.md): one alert per grantee org, the consent grants behind it.
 */
export const attestationOverdue: AlertRule<readonly OverdueAttestationRow[]> = {
  reason: 'attestation_overdue',
  name: 'deletion attestations overdue at a grantee',
  thresholds: ['attestationGraceHours'],
  rows: (q, _s, nowMs) => q.overdueAttestations(nowMs),
  evaluate: (rows, s, nowMs) => {
    const hours = (r: OverdueAttestationRow): number => hoursPast(Number(r.keep_until_ms), nowMs);
    return overdueByOrg(
      rows.filter((r) => hours(r) > s.attestationGraceHours),
      s,
      {
        orgOf: (r) => r.grantee_org,
        overdueHours: hours,
        event: (r) => ({
          eventId: r.consent_id,
          txTime: r.granted_at,
          ...ledgerRefOf({ tx_id: r.grant_tx_id, block_number: r.grant_block }),
        }),
      },
      'medium',
      s.attestationGraceHours,
    );
  },
};

/**
 * A custodian that left patients' erasure requests unanswered past their deadline
 * (docs/patients.md, erasure requests): one alert per custodian, the requests behind it.
 */
export const erasureRequestOverdue: AlertRule<readonly OverdueErasureRow[]> = {
  reason: 'erasure_request_overdue',
  name: 'erasure requests unanswered past the deadline',
  thresholds: ['erasureGraceHours'],
  rows: (q, s, nowMs) => q.overdueErasureRequests(nowMs - s.erasureGraceHours * HOUR_MS),
  evaluate: (rows, s, nowMs) =>
    overdueByOrg(
      rows,
      s,
      {
        orgOf: (r) => r.custodian,
        overdueHours: (r) => hoursPast(Number(r.due_at_ms), nowMs),
        event: (r) => ({ eventId: r.request_id, txTime: r.requested_at, ...ledgerRefOf(r) }),
      },
      'high',
      s.erasureGraceHours,
    ),
};

/** An incident still open long after it was opened: one alert per incident, its opening behind it. */
export const incidentOpen: AlertRule<readonly OpenIncidentRow[]> = {
  reason: 'incident_open',
  name: 'an incident open too long',
  thresholds: ['incidentOpenHours'],
  rows: (q, s, nowMs) => q.openIncidents(nowMs - s.incidentOpenHours * HOUR_MS),
  evaluate: (rows, s, nowMs) =>
    rows.map((r) => ({
      severity: 'medium',
      actorDid: r.incident_id,
      actorMsp: '',
      detail: { openHours: hoursPast(Number(r.opened_at_ms), nowMs), thresholdHours: s.incidentOpenHours },
      eventCount: 1,
      evidence: {
        kind: 'events',
        events: [{ eventId: r.incident_id, txTime: r.opened_at, ...ledgerRefOf(r) }],
      },
    })),
};

/** The alert rules. Each runs on its own; the order only decides the order of queries. */
export const ALERT_RULES: readonly AnyAlertRule[] = [
  tableRow(volumeAboveBaseline),
  tableRow(denialBurst),
  tableRow(breakGlassUnreviewed),
  tableRow(breakGlassUnjustified),
  tableRow(unusualHours),
  tableRow(attestationOverdue),
  tableRow(erasureRequestOverdue),
  tableRow(incidentOpen),
];
