/** The embedded SQLite {@link SqlDriver}, the projection's default database. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { applyPragmas, DEFAULT_SQLITE_PRAGMAS, type SqlitePragmas } from '../../../sqlite-file';
import type { SqlDriver, SqlValue } from './driver';

/** The file of the projection database under a data folder. */
export function projectionFile(dataDir: string): string {
  return join(dataDir, 'projection.sqlite');
}

/** Options of {@link SqliteDriver}. */
export interface SqliteOptions {
  /** Open read-only (query connections of the service). */
  readonly readonly?: boolean;
  /** The config's `sqlite` settings (default WAL, synchronous NORMAL, no memory map). */
  readonly pragmas?: SqlitePragmas;
}

/**
 * better-sqlite3 in WAL mode. It is synchronous; the promises resolve at once. Writes go through one
 * connection at a time (a queue), readers use their own connections and see committed data only.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #queue: Promise<unknown> = Promise.resolve();
  #inTransaction = false;

  /** `file` `:memory:` keeps the database in memory (tests). */
  constructor(file: string, options: Readonly<SqliteOptions> = {}) {
    if (file !== ':memory:') mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    this.#db = new Database(file, { readonly: options.readonly === true });
    applyPragmas(this.#db, options.pragmas ?? DEFAULT_SQLITE_PRAGMAS, options.readonly === true);
    this.#db.pragma('cache_size = -65536');
    this.#db.pragma('temp_store = MEMORY');
  }

  #prepare(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return Promise.resolve(this.#prepare(sql).all(...params) as T[]);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return Promise.resolve(this.#prepare(sql).run(...params).changes);
  }

  exec(sql: string): Promise<void> {
    this.#db.exec(sql);
    this.#statements.clear();
    return Promise.resolve();
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(async () => {
      if (this.#inTransaction) throw new Error('nested transaction');
      this.#inTransaction = true;
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn();
        this.#db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
        throw err;
      } finally {
        this.#inTransaction = false;
      }
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  close(): Promise<void> {
    if (this.#db.open) this.#db.close();
    return Promise.resolve();
  }

  /** Whether the connection is still open (crash tests close it under the projector). */
  get open(): boolean {
    return this.#db.open;
  }
}
