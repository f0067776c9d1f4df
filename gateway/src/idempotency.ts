/**
 * Idempotency keys of writes, in the gateway's embedded SQLite database. A key is scoped to the
 * principal; the first request under a key runs, a retry with the same payload gets the stored
 * response, a different payload is 422, and a duplicate while the first still runs is 409.
 *
 * What is kept, and for how long (docs/threat-model.md, a copy of a gateway's disk): a key and its
 * answer for `retentionHours` (24 h); the answer of a route whose answer holds record content or its
 * salt (an anchored record's salt, a research dataset) only for `contentAnswerSeconds` (15 min), then
 * only its status and SHA-256 digest, so a retry after that is told the answer is gone (410) instead
 * of getting the content again or writing twice; a value remembered for retries (the salt) only until
 * the key is settled. A timer purges every `purgeIntervalSeconds`, not only at start.
 */
import { createHash, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

import type { EndorsedTransaction } from './fabric/ledger-port';
import { openDataFile, type SqlitePragmas } from './sqlite-file';

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
  /** Settled, but its answer held content and was purged after the content retention. */
  | { readonly state: 'purged'; readonly status: number; readonly keptSeconds: number }
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
  /**
   * Settles the key with its answer; `holdsContent` answers are kept only for the content retention.
   * Values remembered under the key are dropped (a settled key is replayed, never run again).
   */
  complete(principal: string, key: string, status: number, body: string, holdsContent?: boolean): void;
  /**
   * Forgets a key whose request failed in a retryable way; if a transaction was already endorsed under
   * it, the key stays pending without an owner so that the retry recovers that transaction.
   */
  release(principal: string, key: string): void;
  close(): void;
}

/** Accepted key format. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;

const SCHEMA_VERSION = 3;

/** How long the store keeps what (see the module comment). */
export interface IdempotencyRetention {
  /** Hours a key and its answer are kept (default 24). */
  readonly retentionHours?: number;
  /** Seconds the answer of a content-bearing route is kept (default 900). */
  readonly contentAnswerSeconds?: number;
  /** Seconds between purges (default 60); 0 purges only at start and on {@link SqliteIdempotencyStore.purge}. */
  readonly purgeIntervalSeconds?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/**
 * Every statement of the store, compiled once per connection: compiling one costs about as much as
 * running it, and a write runs three or four of them.
 */
function prepareStatements(db: Database.Database) {
  return {
    purgeTransactions: db.prepare(
      `DELETE FROM idempotency_tx WHERE (principal, key) IN
         (SELECT principal, key FROM idempotency WHERE created_at < ?)`,
    ),
    purgeKeys: db.prepare('DELETE FROM idempotency WHERE created_at < ?'),
    purgeAnswers: db.prepare(
      `UPDATE idempotency SET body = NULL
       WHERE body_purge_at IS NOT NULL AND body_purge_at <= ? AND body IS NOT NULL`,
    ),
    find: db.prepare(
      `SELECT request_hash, state, owner, status, body, body_purge_at, created_at FROM idempotency
       WHERE principal = ? AND key = ?`,
    ),
    insert: db.prepare(
      `INSERT INTO idempotency (principal, key, request_hash, state, owner, created_at)
       VALUES (?, ?, ?, 'pending', ?, ?)`,
    ),
    takeOver: db.prepare('UPDATE idempotency SET owner = ? WHERE principal = ? AND key = ?'),
    endorsed: db.prepare(
      `SELECT fn, tx_id, envelope FROM idempotency_tx WHERE principal = ? AND key = ?
       ORDER BY endorsed_at, tx_id`,
    ),
    noteEndorsed: db.prepare(
      `INSERT OR IGNORE INTO idempotency_tx (principal, key, tx_id, fn, envelope, endorsed_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    memo: db.prepare('SELECT memo FROM idempotency WHERE principal = ? AND key = ?'),
    setMemo: db.prepare('UPDATE idempotency SET memo = ? WHERE principal = ? AND key = ?'),
    complete: db.prepare(
      `UPDATE idempotency SET state = 'done', status = ?, body = ?, body_sha256 = ?, body_purge_at = ?,
         memo = NULL
       WHERE principal = ? AND key = ?`,
    ),
    forget: db.prepare(
      `DELETE FROM idempotency WHERE principal = @principal AND key = @key AND state = 'pending'
         AND NOT EXISTS (SELECT 1 FROM idempotency_tx WHERE principal = @principal AND key = @key)`,
    ),
    disown: db.prepare(
      `UPDATE idempotency SET owner = '' WHERE principal = ? AND key = ? AND state = 'pending'`,
    ),
  };
}

/** SQLite implementation. `owner` tells this process's rows from a crashed predecessor's. */
export class SqliteIdempotencyStore implements IdempotencyStore {
  readonly #db: Database.Database;
  readonly #owner = randomUUID();
  readonly #retentionMs: number;
  readonly #contentAnswerMs: number;
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #sql: ReturnType<typeof prepareStatements>;

  /** `dataDir` `:memory:` keeps the store in memory (tests). */
  constructor(dataDir: string, retention: IdempotencyRetention = {}, pragmas?: SqlitePragmas) {
    this.#db = openDataFile(dataDir, 'gateway.sqlite', 'NORMAL', pragmas);
    this.#migrate();
    this.#sql = prepareStatements(this.#db);
    this.#retentionMs = (retention.retentionHours ?? 24) * 3600_000;
    this.#contentAnswerMs = (retention.contentAnswerSeconds ?? 900) * 1000;
    this.#now = retention.now ?? Date.now;
    this.purge();
    const interval = (retention.purgeIntervalSeconds ?? 60) * 1000;
    if (interval > 0) {
      this.#timer = setInterval(() => {
        this.purge();
      }, interval);
      this.#timer.unref();
    }
  }

  /**
   * Deletes keys older than the retention (with their journaled transactions) and replaces answers
   * past their content retention by their digest. Returns how many of each.
   */
  purge(): { readonly keys: number; readonly answers: number } {
    const now = this.#now();
    const expired = now - this.#retentionMs;
    const sql = this.#sql;
    return this.#db.transaction(() => {
      sql.purgeTransactions.run(expired);
      const keys = sql.purgeKeys.run(expired).changes;
      const answers = sql.purgeAnswers.run(now).changes;
      return { keys, answers };
    })();
  }

  /**
   * Version 2 keeps endorsed transactions, with their bytes, in a table of their own and a memo per key.
   * A version 1 store (transaction ids as `fn txId` lines in `idempotency.tx_id`) is carried over.
   */
  #migrate(): void {
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    if (version < 2) this.#migrateToV2();
    if (version < 3) {
      // Version 3: when a content-bearing answer is purged, and the digest of the answer kept instead.
      this.#db.transaction(() => {
        this.#db.exec('ALTER TABLE idempotency ADD COLUMN body_purge_at INTEGER');
        this.#db.exec('ALTER TABLE idempotency ADD COLUMN body_sha256 TEXT');
        this.#db.pragma(`user_version = ${String(SCHEMA_VERSION)}`);
      })();
    }
  }

  #migrateToV2(): void {
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
      this.#db.pragma('user_version = 2');
    })();
  }

  begin(principal: string, key: string, requestHash: string): IdempotencyBegin {
    const sql = this.#sql;
    const tx = this.#db.transaction((): IdempotencyBegin => {
      const row = sql.find.get(principal, key) as
        | {
            request_hash: string;
            state: string;
            owner: string;
            status: number | null;
            body: string | null;
            body_purge_at: number | null;
            created_at: number;
          }
        | undefined;
      if (!row) {
        sql.insert.run(principal, key, requestHash, this.#owner, this.#now());
        return { state: 'new' };
      }
      if (row.request_hash !== requestHash) return { state: 'mismatch' };
      if (row.state === 'done') {
        const status = row.status ?? 200;
        // Past its content retention (purged, or due and not yet reached by the timer): never replayed.
        if (row.body_purge_at !== null && (row.body === null || row.body_purge_at <= this.#now())) {
          return { state: 'purged', status, keptSeconds: Math.round(this.#contentAnswerMs / 1000) };
        }
        return { state: 'replay', status, body: row.body ?? '' };
      }
      if (row.owner === this.#owner) return { state: 'in-progress' };
      // Left pending by a gateway that stopped (or released after endorsement): this process takes the
      // request over, and recovers what the earlier attempt may have committed.
      sql.takeOver.run(this.#owner, principal, key);
      const prior = this.#endorsed(principal, key);
      return prior.length > 0 ? { state: 'new', prior } : { state: 'new' };
    });
    return tx.immediate();
  }

  #endorsed(principal: string, key: string): EndorsedTransaction[] {
    const rows = this.#sql.endorsed.all(principal, key) as {
      fn: string;
      tx_id: string;
      envelope: Buffer | null;
    }[];
    return rows.map((r) => ({
      fn: r.fn,
      txId: r.tx_id,
      ...(r.envelope === null ? {} : { envelope: new Uint8Array(r.envelope) }),
    }));
  }

  noteEndorsed(principal: string, key: string, tx: EndorsedTransaction): void {
    this.#sql.noteEndorsed.run(
      principal,
      key,
      tx.txId,
      tx.fn,
      tx.envelope ? Buffer.from(tx.envelope) : null,
      this.#now(),
    );
  }

  remember(principal: string, key: string, name: string, value: string): string {
    const sql = this.#sql;
    const keep = this.#db.transaction((): string => {
      const row = sql.memo.get(principal, key) as { memo: string | null } | undefined;
      const memo = row?.memo ? (JSON.parse(row.memo) as Record<string, string>) : {};
      const kept = memo[name];
      if (kept !== undefined) return kept;
      memo[name] = value;
      sql.setMemo.run(JSON.stringify(memo), principal, key);
      return value;
    });
    return keep.immediate();
  }

  complete(principal: string, key: string, status: number, body: string, holdsContent = false): void {
    this.#sql.complete.run(
      status,
      body,
      createHash('sha256').update(body).digest('hex'),
      holdsContent ? this.#now() + this.#contentAnswerMs : null,
      principal,
      key,
    );
  }

  release(principal: string, key: string): void {
    this.#sql.forget.run({ principal, key });
    this.#sql.disown.run(principal, key);
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#db.close();
  }
}
