/**
 * Idempotency keys of writes, in the gateway's embedded SQLite database. A key is scoped to the
 * principal; the first request under a key runs, a retry with the same payload gets the stored
 * response, a different payload is 422, and a duplicate while the first still runs is 409.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

/** What a new request under a key may do. */
export type IdempotencyBegin =
  | {
      readonly state: 'new';
      /**
       * Transactions endorsed under this key by an earlier attempt that did not finish (its gateway
       * stopped, or it failed in a retryable way after endorsement), as `fn txId`. The new attempt must
       * reuse any of them that committed VALID instead of writing again.
       */
      readonly prior?: readonly string[];
    }
  | { readonly state: 'replay'; readonly status: number; readonly body: string }
  | { readonly state: 'mismatch' }
  | { readonly state: 'in-progress' };

/** The store. */
export interface IdempotencyStore {
  begin(principal: string, key: string, requestHash: string): IdempotencyBegin;
  /** Records a transaction once endorsed (`fn txId`, appended; for the journal and recovery). */
  noteTxId(principal: string, key: string, txId: string): void;
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

/** SQLite implementation. `owner` tells this process's rows from a crashed predecessor's. */
export class SqliteIdempotencyStore implements IdempotencyStore {
  readonly #db: Database.Database;
  readonly #owner = randomUUID();
  readonly #retentionMs: number;

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
    this.#retentionMs = retentionHours * 3600_000;
    this.#db.prepare('DELETE FROM idempotency WHERE created_at < ?').run(Date.now() - this.#retentionMs);
  }

  begin(principal: string, key: string, requestHash: string): IdempotencyBegin {
    const tx = this.#db.transaction((): IdempotencyBegin => {
      const row = this.#db
        .prepare(
          'SELECT request_hash, state, owner, tx_id, status, body FROM idempotency WHERE principal = ? AND key = ?',
        )
        .get(principal, key) as
        | {
            request_hash: string;
            state: string;
            owner: string;
            tx_id: string | null;
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
      const prior = (row.tx_id ?? '').split('\n').filter((t) => t !== '');
      return prior.length > 0 ? { state: 'new', prior } : { state: 'new' };
    });
    return tx.immediate();
  }

  noteTxId(principal: string, key: string, txId: string): void {
    this.#db
      .prepare(
        `UPDATE idempotency SET tx_id = CASE
           WHEN tx_id IS NULL OR tx_id = '' THEN @tx
           WHEN instr(char(10) || tx_id || char(10), char(10) || @tx || char(10)) > 0 THEN tx_id
           ELSE tx_id || char(10) || @tx END
         WHERE principal = @principal AND key = @key`,
      )
      .run({ tx: txId, principal, key });
  }

  complete(principal: string, key: string, status: number, body: string): void {
    this.#db
      .prepare(`UPDATE idempotency SET state = 'done', status = ?, body = ? WHERE principal = ? AND key = ?`)
      .run(status, body, principal, key);
  }

  release(principal: string, key: string): void {
    this.#db
      .prepare(
        `DELETE FROM idempotency WHERE principal = ? AND key = ? AND state = 'pending' AND tx_id IS NULL`,
      )
      .run(principal, key);
    this.#db
      .prepare(`UPDATE idempotency SET owner = '' WHERE principal = ? AND key = ? AND state = 'pending'`)
      .run(principal, key);
  }

  close(): void {
    this.#db.close();
  }
}
