/**
 * Report sections counting access decisions in the range: totals, denials by reason, and accesses
 * by purpose and actor org. One GROUP BY answers all three, in the order of the covering index
 * `audit_report_groups`.
 */
import { Where } from '../query';
import type { ComplianceReport } from '../views';
import type { SectionInput } from './section';

interface GroupRow {
  outcome: string;
  reason: string;
  purpose: string;
  actor_msp: string;
  n: number | string;
}

type PurposeOrgCount = ComplianceReport['accessesByPurposeAndOrg'][number];

/** The counting sections of the report. */
export type AccessCounts = Pick<ComplianceReport, 'totals' | 'denialsByReason' | 'accessesByPurposeAndOrg'>;

/** Folds the groups into the three sections (pure). */
export function countAccesses(groups: readonly GroupRow[]): AccessCounts {
  let granted = 0;
  let denied = 0;
  const byReason = new Map<string, number>();
  const byPurposeOrg = new Map<string, PurposeOrgCount>();
  for (const g of groups) {
    const n = Number(g.n);
    const key = `${g.purpose}\u0000${g.actor_msp}`;
    const po = byPurposeOrg.get(key) ?? { purpose: g.purpose, org: g.actor_msp, granted: 0, denied: 0 };
    byPurposeOrg.set(key, po);
    if (g.outcome === 'denied') {
      denied += n;
      po.denied += n;
      byReason.set(g.reason, (byReason.get(g.reason) ?? 0) + n);
    } else {
      granted += n;
      po.granted += n;
    }
  }
  return {
    totals: { accesses: granted + denied, granted, denied },
    denialsByReason: [...byReason]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    accessesByPurposeAndOrg: [...byPurposeOrg.values()].sort(
      (a, b) => a.purpose.localeCompare(b.purpose) || a.org.localeCompare(b.org),
    ),
  };
}

/** Totals, denials by reason and accesses by purpose and org within the viewer's scope. */
export async function accessCounts(input: SectionInput): Promise<AccessCounts> {
  const where = new Where().during(input.fromMs, input.toMs).and(input.scope.on('audit_event'));
  const groups = await input.db.all<GroupRow>(
    `SELECT outcome, reason, purpose, actor_msp, COUNT(*) AS n FROM audit_event ${where.sql}
     GROUP BY outcome, reason, purpose, actor_msp`,
    where.params,
  );
  return countAccesses(groups);
}
