/**
 * The PostgreSQL {@link SqlDriver} (node-postgres pool). The projection's queries are written once
 * with `?` placeholders; this driver numbers them (`$1`, `$2`, ...) and prepares each text once per
 * connection. BIGINT columns (block numbers, sequences, millisecond times, counts) come back as
 * decimal strings, never as doubles, so nothing loses precision on the way; callers convert.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

import pg from 'pg';

import type { SqlDriver, SqlValue } from './driver';

/** Options of {@link PostgresDriver}. */
export interface PostgresOptions {
  /** Connections in the pool at most (default 4). */
  readonly poolSize?: number;
  /** Every transaction of every connection read-only (query connections of the service). */
  readonly readonly?: boolean;
  /** Name shown in `pg_stat_activity`. */
  readonly applicationName?: string;
}

/**
 * Rewrites `?` placeholders to `$1`, `$2`, ... outside string literals, quoted identifiers and
 * comments. Throws on an unterminated literal rather than guessing.
 */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] ?? '';
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) throw new Error('unterminated quote in SQL');
      out += sql.slice(i, end + 1);
      i = end + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      n += 1;
      out += `$${String(n)}`;
      i += 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/**
 * The URL with `default_transaction_read_only` added to its startup `options` (node-postgres lets a
 * URL's parameters override the config's, so the URL itself carries it).
 */
function readOnlyUrl(connectionString: string): string {
  const url = new URL(connectionString);
  const options = url.searchParams.get('options') ?? '';
  url.searchParams.set('options', `${options} -c default_transaction_read_only=on`.trim());
  return url.toString();
}

function wireValue(v: SqlValue): string | number | null {
  return typeof v === 'bigint' ? v.toString() : v;
}

/**
 * A pool of PostgreSQL connections. Statements outside {@link transaction} take any free
 * connection; inside it they run on the transaction's own connection (found through the async
 * context), so a batch's rows and its checkpoint commit together or not at all. Transactions of
 * one driver run one at a time, as with SQLite.
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #tx = new AsyncLocalStorage<pg.PoolClient>();
  readonly #names = new Map<string, { name: string; text: string }>();
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;

  /** `connectionString`: a `postgres://` URL (from the environment or a file, never the config). */
  constructor(connectionString: string, options: Readonly<PostgresOptions> = {}) {
    this.#pool = new pg.Pool({
      connectionString: options.readonly === true ? readOnlyUrl(connectionString) : connectionString,
      max: options.poolSize ?? 4,
      application_name: options.applicationName ?? 'medledger-projection',
    });
    // An idle connection dropped by the server: the pool replaces it, the next query reports.
    this.#pool.on('error', () => undefined);
  }

  #statement(sql: string): { name: string; text: string } {
    let s = this.#names.get(sql);
    if (!s) {
      s = { name: `q${String(this.#names.size + 1)}`, text: numberPlaceholders(sql) };
      this.#names.set(sql, s);
    }
    return s;
  }

  async #query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    const { name, text } = this.#statement(sql);
    const config: pg.QueryConfig = { name, text, values: params.map(wireValue) };
    const client = this.#tx.getStore();
    return client ? client.query(config) : this.#pool.query(config);
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.#query(sql, params)).rows as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.#query(sql, params)).rowCount ?? 0;
  }

  async exec(sql: string): Promise<void> {
    // Without parameters node-postgres uses the simple protocol, which takes several statements.
    const client = this.#tx.getStore();
    await (client ? client.query(sql) : this.#pool.query(sql));
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(async () => {
      if (this.#tx.getStore()) throw new Error('nested transaction');
      const client = await this.#pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await this.#tx.run(client, fn);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          // The connection is unusable: drop it rather than hand it to the next caller.
          broken = rollbackErr instanceof Error ? rollbackErr : new Error('rollback failed');
        }
        throw err;
      } finally {
        client.release(broken);
      }
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Ends the pool once its connections are back. Called from inside a transaction (a crash test
   * closing the database under the projector), it does not wait: that transaction's connection
   * comes back only after the caller's failure has rolled it back.
   */
  async close(): Promise<void> {
    this.#closing ??= this.#pool.end();
    if (this.#tx.getStore()) return;
    await this.#closing;
  }
}
