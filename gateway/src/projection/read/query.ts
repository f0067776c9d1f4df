/**
 * Building blocks of the read side's queries: a WHERE clause assembled from conditions, and the
 * checks of what a request may ask for (times, page sizes), each refused as VALIDATION_FAILED.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@medledger/domain';

import { AppError } from '../../errors';
import type { SqlValue } from '../write/sql/driver';

/** A SQL condition with its parameters, in placeholder order. */
export interface Condition {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/** A WHERE clause under construction. */
export class Where {
  readonly parts: string[] = [];
  readonly params: SqlValue[] = [];

  /** Adds a condition; `?` placeholders take `params` in order. */
  add(sql: string, ...params: SqlValue[]): this {
    this.parts.push(sql);
    this.params.push(...params);
    return this;
  }

  /** Adds a prepared condition (a viewer's scope); `null` restricts nothing. */
  and(condition: Condition | null): this {
    return condition === null ? this : this.add(condition.sql, ...condition.params);
  }

  /** Rows in [fromMs, toMs) of a table's `tx_time_ms`. */
  during(fromMs: number, toMs: number): this {
    return this.add('tx_time_ms >= ?', fromMs).add('tx_time_ms < ?', toMs);
  }

  get sql(): string {
    return this.parts.length === 0 ? '' : `WHERE ${this.parts.join(' AND ')}`;
  }
}

/** A request that asks for what cannot be answered. */
export function validation(detail: string): AppError {
  return new AppError('VALIDATION_FAILED', detail);
}

/** A page size: `DEFAULT_PAGE_SIZE` when absent, else 1 .. `max`. */
export function pageSize(limit: number | undefined, max = MAX_PAGE_SIZE): number {
  const n = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > max) throw validation(`limit must be 1..${max}`);
  return n;
}

/** An ISO date-time as epoch milliseconds. */
export function instantMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw validation(`${field} is not a date-time`);
  return ms;
}

/** Keeps at most `max` rows (queries ask for one more to learn whether the list was cut). */
export function capRows<T>(rows: T[], max: number): { rows: T[]; cut: boolean } {
  if (rows.length <= max) return { rows, cut: false };
  return { rows: rows.slice(0, max), cut: true };
}
