/**
 * Idempotency keys of writes, in the gateway's embedded SQLite database. A key is scoped to the
 * principal; the first request under a key runs, a retry with the same payload gets the stored
 * response, a different payload is 422, and a duplicate while the first still runs is 409.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import type { EndorsedTransaction } from './fabric/ledger-port';

/** What a new request under a key may do. */
export type IdempotencyBegin =
  | {
      readonly state: 'new';
      /**
       * Transactions endorsed under this key by an earlier attempt that did not finish (its gateway
       * stopped, or it failed in a retryable way after endorsement), oldest first. The new attempt must
       * recover them instead of writing again.
       */
      readonly prior?: readonly EndorsedTransaction[];
    }
  | { readonly state: 'replay'; readonly status: number; readonly body: string }
  | { readonly state: 'mismatch' }
  | { readonly state: 'in-progress' };

/** The store. */
export interface IdempotencyStore {
  begin(principal: string, key: string, requestHash: string): IdempotencyBegin;
  /** Records a transaction once endorsed, before it is submitted, so that a retry can recover it. */
  noteEndorsed(principal: string, key: string, tx: EndorsedTransaction): void;
  /**
   * Keeps a value the request needs unchanged across retries (a record's salt); the first value stored
   * under `name` wins and is returned.
   */
  remember(principal: string, key: string, name: string, value: string): string;
  complete(principal: string, key: string, status: number, body: string): void;
  /**
   * Forgets a key whose request failed in a retryable way; if a transaction was already endorsed under
   * it, the key stays pending without an owner so that the retry recovers that transaction.
   */
  release(principal: string, key: string): void;
  close(): void;
}

/** Accepted key format. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;

const SCHEMA_VERSION = 2;

/** SQLite implementation. `owner` tells this process's rows from a crashed predecessor's. */
export class SqliteIdempotencyStore implements IdempotencyStore {
  readonly #db: Database.Database;
  readonly #owner = randomUUID();

  /** `dataDir` `:memory:` keeps the store in memory (tests). */
  constructor(dataDir: string, retentionHours = 24) {
    let file = ':memory:';
    if (dataDir !== ':memory:') {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      file = join(dataDir, 'gateway.sqlite');
    }
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#migrate();
    const expired = Date.now() - retentionHours * 3600_000;
    this.#db
      .prepare(
        `DELETE FROM idempotency_tx WHERE (principal, key) IN
           (SELECT principal, key FROM idempotency WHERE created_at < ?)`,
      )
      .run(expired);
    this.#db.prepare('DELETE FROM idempotency WHERE created_at < ?').run(expired);
  }

  /**
   * Version 2 keeps endorsed transactions, with their bytes, in a table of their own and a memo per key.
   * A version 1 store (transaction ids as `fn txId` lines in `idempotency.tx_id`) is carried over.
   */
  #migrate(): void {
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    this.#db.transaction(() => {
      this.#db.exec(`CREATE TABLE IF NOT EXISTS idempotency (
        principal TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
        owner TEXT NOT NULL,
        tx_id TEXT,
        status INTEGER,
        body TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (principal, key)
      ) WITHOUT ROWID`);
      this.#db.exec('ALTER TABLE idempotency ADD COLUMN memo TEXT');
      this.#db.exec(`CREATE TABLE idempotency_tx (
        principal TEXT NOT NULL,
        key TEXT NOT NULL,
        tx_id TEXT NOT NULL,
        fn TEXT NOT NULL,
        envelope BLOB,
        endorsed_at INTEGER NOT NULL,
        PRIMARY KEY (principal, key, tx_id)
      ) WITHOUT ROWID`);
      const carry = this.#db.prepare(
        `INSERT OR IGNORE INTO idempotency_tx (principal, key, tx_id, fn, envelope, endorsed_at)
         VALUES (?, ?, ?, ?, NULL, ?)`,
      );
      const rows = this.#db
        .prepare(`SELECT principal, key, tx_id, created_at FROM idempotency WHERE tx_id IS NOT NULL`)
        .all() as { principal: string; key: string; tx_id: string; created_at: number }[];
      for (const row of rows) {
        row.tx_id.split('\n').forEach((line, i) => {
          const [fn = '', txId = ''] = line.split(' ');
          if (txId !== '') carry.run(row.principal, row.key, txId, fn, row.created_at + i);
        });
      }
      this.#db.exec('UPDATE idempotency SET tx_id = NULL');
      this.#db.pragma(`user_version = ${String(SCHEMA_VERSION)}`);
    })();
  }

  begin(principal: string, key: string, requestHash: string): IdempotencyBegin {
    const tx = this.#db.transaction((): IdempotencyBegin => {
      const row = this.#db
        .prepare(
          'SELECT request_hash, state, owner, status, body FROM idempotency WHERE principal = ? AND key = ?',
        )
        .get(principal, key) as
        | {
            request_hash: string;
            state: string;
            owner: string;
            status: number | null;
            body: string | null;
          }
        | undefined;
      if (!row) {
        this.#db
          .prepare(
            `INSERT INTO idempotency (principal, key, request_hash, state, owner, created_at)
             VALUES (?, ?, ?, 'pending', ?, ?)`,
          )
          .run(principal, key, requestHash, this.#owner, Date.now());
        return { state: 'new' };
      }
      if (row.request_hash !== requestHash) return { state: 'mismatch' };
      if (row.state === 'done') return { state: 'replay', status: row.status ?? 200, body: row.body ?? '' };
      if (row.owner === this.#owner) return { state: 'in-progress' };
      // Left pending by a gateway that stopped (or released after endorsement): this process takes the
      // request over, and recovers what the earlier attempt may have committed.
      this.#db
        .prepare('UPDATE idempotency SET owner = ? WHERE principal = ? AND key = ?')
        .run(this.#owner, principal, key);
      const prior = this.#endorsed(principal, key);
      return prior.length > 0 ? { state: 'new', prior } : { state: 'new' };
    });
    return tx.immediate();
  }

  #endorsed(principal: string, key: string): EndorsedTransaction[] {
    const rows = this.#db
      .prepare(
        `SELECT fn, tx_id, envelope FROM idempotency_tx WHERE principal = ? AND key = ?
         ORDER BY endorsed_at, tx_id`,
      )
      .all(principal, key) as { fn: string; tx_id: string; envelope: Buffer | null }[];
    return rows.map((r) => ({
      fn: r.fn,
      txId: r.tx_id,
      ...(r.envelope === null ? {} : { envelope: new Uint8Array(r.envelope) }),
    }));
  }

  noteEndorsed(principal: string, key: string, tx: EndorsedTransaction): void {
    this.#db
      .prepare(
        `INSERT OR IGNORE INTO idempotency_tx (principal, key, tx_id, fn, envelope, endorsed_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(principal, key, tx.txId, tx.fn, tx.envelope ? Buffer.from(tx.envelope) : null, Date.now());
  }

  remember(principal: string, key: string, name: string, value: string): string {
    const keep = this.#db.transaction((): string => {
      const row = this.#db
        .prepare('SELECT memo FROM idempotency WHERE principal = ? AND key = ?')
        .get(principal, key) as { memo: string | null } | undefined;
      const memo = row?.memo ? (JSON.parse(row.memo) as Record<string, string>) : {};
      const kept = memo[name];
      if (kept !== undefined) return kept;
      memo[name] = value;
      this.#db
        .prepare('UPDATE idempotency SET memo = ? WHERE principal = ? AND key = ?')
        .run(JSON.stringify(memo), principal, key);
      return value;
    });
    return keep.immediate();
  }

  complete(principal: string, key: string, status: number, body: string): void {
    this.#db
      .prepare(`UPDATE idempotency SET state = 'done', status = ?, body = ? WHERE principal = ? AND key = ?`)
      .run(status, body, principal, key);
  }

  release(principal: string, key: string): void {
    this.#db
      .prepare(
        `DELETE FROM idempotency WHERE principal = @principal AND key = @key AND state = 'pending'
           AND NOT EXISTS (SELECT 1 FROM idempotency_tx WHERE principal = @principal AND key = @key)`,
      )
      .run({ principal, key });
    this.#db
      .prepare(`UPDATE idempotency SET owner = '' WHERE principal = ? AND key = ? AND state = 'pending'`)
      .run(principal, key);
  }

  close(): void {
    this.#db.close();
  }
}
