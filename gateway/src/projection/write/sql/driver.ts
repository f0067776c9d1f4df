/**
 * The SQL seam of the projection: one small driver interface, so the same schema and queries run on
 * embedded SQLite (default) or PostgreSQL (by configuration). Queries use `?` placeholders; a driver
 * rewrites them for its dialect. Both halves use it: the store writes through a driver, the read
 * side queries through a read-only one.
 */

/** A value bound to a placeholder. */
export type SqlValue = string | number | bigint | null;

/** The SQL dialects the projection supports. */
export type Dialect = 'sqlite' | 'postgres';

/** What the projection needs from a database. */
export interface SqlDriver {
  readonly dialect: Dialect;
  /** Rows of a query. */
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs statements separated by `;` (DDL). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: all of it commits, or none of it. Not reentrant. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
