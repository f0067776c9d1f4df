/**
 * Alerts at a time: every rule of {@link ALERT_RULES} over its rows within the viewer's scope, each
 * alert with the events behind it, most severe first. Auditors see all; a hospital admin their
 * hospital's scope; patients are refused.
 */
import type { ReadContext } from '../context';
import { staffScope } from '../scope';
import { ALERT_SEVERITIES, type Alert, type Viewer } from '../views';
import { AlertQueries } from './queries';
import { ALERT_RULES, type AlertFinding } from './rules';
import type { RuleSettings } from './options';

const SEVERITY_RANK = new Map(ALERT_SEVERITIES.map((s, i) => [s, i]));

async function eventsOf(
  finding: AlertFinding,
  queries: AlertQueries,
  settings: RuleSettings,
): Promise<Alert['events']> {
  const e = finding.evidence;
  if (e.kind === 'events') return [...e.events];
  return queries.actorEvents(finding.actorDid, e.fromMs, e.toMs, settings.maxEventIds);
}

/** The alerts of every rule at `now`, ordered by severity, rule and actor. Errors: FORBIDDEN. */
export async function computeAlerts(ctx: ReadContext, viewer: Viewer, now: Date): Promise<Alert[]> {
  const queries = new AlertQueries(ctx.db, staffScope(viewer));
  const settings: RuleSettings = {
    ...ctx.settings.alerts,
    breakGlassReviewHours: ctx.settings.breakGlassReviewHours,
  };
  const nowMs = now.getTime();
  const out: Alert[] = [];
  for (const rule of ALERT_RULES) {
    for (const f of await rule.run(queries, settings, nowMs)) {
      out.push({
        rule: rule.reason,
        name: rule.name,
        severity: f.severity,
        actorDid: f.actorDid,
        actorMsp: f.actorMsp,
        detail: { ...f.detail },
        eventCount: f.eventCount,
        events: await eventsOf(f, queries, settings),
      });
    }
  }
  const rank = (a: Alert): number => SEVERITY_RANK.get(a.severity) ?? SEVERITY_RANK.size;
  return out.sort(
    (a, b) => rank(a) - rank(b) || a.rule.localeCompare(b.rule) || a.actorDid.localeCompare(b.actorDid),
  );
}
