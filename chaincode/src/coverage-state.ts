/**
 * A coverage's state as a pure function of its history: which dates it covers, and which changes
 * (suspend, reinstate, end) are allowed. Changes never take effect before the transaction's date, so
 * an insurer cannot withdraw coverage for care already given and then reject its claims.
 */
import { ErrorCode, type Coverage, type CoverageChange, type CoverageSuspension } from '@medledger/domain';
import { refuse, type Refusal } from './refusal';

/** The parts of a coverage its state depends on. */
export type CoverageDates = Pick<
  Coverage,
  'periodStart' | 'periodEnd' | 'state' | 'suspensions' | 'endsFrom'
>;

/** True when the coverage covers services given on `date` (`YYYY-MM-DD`; ISO dates sort as strings). */
export function coveredOn(c: CoverageDates, date: string): boolean {
  if (date < c.periodStart || date > c.periodEnd) return false;
  if (c.endsFrom !== null && date >= c.endsFrom) return false;
  return !c.suspensions.some((s) => s.from <= date && (s.until === null || date < s.until));
}

/**
 * The coverage after `change` takes effect on `effective`, decided on `today` (the transaction's UTC
 * date), or why it is refused (`CONFLICT` for the state, `VALIDATION_FAILED` for the date). Suspend: an active coverage, from a date within its period. Reinstate: a
 * suspended one, after its suspension began. End: an active or suspended one, from a date within its
 * period or the day after it; `ended` is final.
 */
export function applyCoverageChange(
  c: CoverageDates,
  change: CoverageChange,
  effective: string,
  today: string,
): CoverageDates | Refusal {
  if (effective < today) return refuse(ErrorCode.VALIDATION_FAILED, 'effective');
  if (c.state === 'ended') return refuse(ErrorCode.CONFLICT, 'ended');
  const open = c.suspensions.at(-1);
  switch (change) {
    case 'suspend': {
      if (c.state !== 'active') return refuse(ErrorCode.CONFLICT, c.state);
      if (effective < c.periodStart || effective > c.periodEnd)
        return refuse(ErrorCode.VALIDATION_FAILED, 'effective');
      // A suspension that starts before the last one ended would make the history overlap.
      if (open?.until != null && effective < open.until)
        return refuse(ErrorCode.VALIDATION_FAILED, 'effective');
      return { ...c, state: 'suspended', suspensions: [...c.suspensions, { from: effective, until: null }] };
    }
    case 'reinstate': {
      if (c.state !== 'suspended' || open === undefined) return refuse(ErrorCode.CONFLICT, c.state);
      if (effective <= open.from) return refuse(ErrorCode.VALIDATION_FAILED, 'effective');
      const closed: CoverageSuspension = { from: open.from, until: effective };
      return { ...c, state: 'active', suspensions: [...c.suspensions.slice(0, -1), closed] };
    }
    case 'end': {
      if (effective < c.periodStart || effective > dayAfter(c.periodEnd))
        return refuse(ErrorCode.VALIDATION_FAILED, 'effective');
      return { ...c, state: 'ended', endsFrom: effective };
    }
  }
}

/** The calendar day after `date` (`YYYY-MM-DD`), in UTC. */
export function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
