/** What each section of a report is computed from. */
import type { SqlDriver } from '../../write/sql/driver';
import type { ReadSettings } from '../context';
import { capRows, type Where } from '../query';
import type { Scope } from '../scope';

/** The inputs of a report section: the connection, the viewer's scope, the range and the settings. */
export interface SectionInput {
  readonly db: SqlDriver;
  readonly scope: Scope;
  /** The report's range, [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
  /** What is overdue or expiring is decided at this time. */
  readonly nowMs: number;
  readonly settings: ReadSettings;
}

/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;

/**
 * The rows of a report list: `select` (up to its FROM) with `where`, in `orderBy` order, at most
 * `reportMaxRows` of them, and whether the list was cut there.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the row type, as with SqlDriver.all
export async function cappedList<T>(
  input: SectionInput,
  select: string,
  where: Where,
  orderBy: string,
): Promise<{ rows: T[]; cut: boolean }> {
  const max = input.settings.reportMaxRows;
  const fetched = await input.db.all<T>(`${select} ${where.sql} ORDER BY ${orderBy} LIMIT ?`, [
    ...where.params,
    max + 1,
  ]);
  return capRows(fetched, max);
}
