/**
 * A projection database that runs a test's hook before each statement: the tests fail, close or stall
 * the database under the projector with it. Not for production.
 */
import type { SqlDriver, SqlValue } from '../write/sql/driver';

/** Runs `before` ahead of every `all` and `run` of `inner`; a hook that throws fails the statement. */
export class InterceptedDriver implements SqlDriver {
  constructor(
    readonly inner: SqlDriver,
    readonly before: (kind: 'all' | 'run') => Promise<void>,
  ) {}

  get dialect(): SqlDriver['dialect'] {
    return this.inner.dialect;
  }

  async all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    await this.before('all');
    return this.inner.all<T>(sql, params);
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    await this.before('run');
    return this.inner.run(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.inner.exec(sql);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.inner.transaction(fn);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
