/**
 * The nonces of patient-key proofs (`Medledger-Patient-Proof`, the access log) this gateway has seen,
 * in an SQLite file next to the idempotency store (`patient-proof-nonces.sqlite` in `dataDir`), so a
 * proof captured on the way cannot be replayed after a restart of the gateway. Each nonce is kept
 * until its proof expires (at most five minutes). The unexpired nonces are bounded per patient
 * (`maxPerOwner`, so one patient signing proofs as fast as their rate limit allows cannot use up the
 * room of the others) and in all (`maxEntries`); a proof beyond either bound is refused (429) rather
 * than a live nonce being forgotten.
 */
import type Database from 'better-sqlite3';

import type { NonceCache } from './auth/patient-proof';
import { AppError, GatewayErrorCode } from './errors';
import { openDataFile } from './sqlite-file';

// A nonce is stored under `<owner>\n<nonce>` (the layout of earlier versions, so their files still
// hold), which keeps an owner's nonces in one range of the primary key, from `<owner>\n` up to
// `<owner>\v` (the next character), as long as no owner holds a `\n` (a DID holds none).
const SEPARATOR = '\n';
const AFTER_SEPARATOR = '\v';

function tooMany(soonestMs: number, nowMs: number): AppError {
  return new AppError(GatewayErrorCode.RATE_LIMITED, 'too many patient proofs in flight', {
    retryAfterSeconds: Math.max(1, Math.ceil((soonestMs - nowMs) / 1000)),
  });
}

/** The SQLite nonce cache. */
export class SqliteNonceCache implements NonceCache {
  readonly #db: Database.Database;
  readonly #find: Database.Statement<[string], { expires_at: number }>;
  readonly #count: Database.Statement<[], { n: number }>;
  readonly #live: Database.Statement<[string, string, number], { n: number; soonest: number | null }>;
  readonly #prune: Database.Statement<[number]>;
  readonly #soonest: Database.Statement<[], { soonest: number | null }>;
  readonly #put: Database.Statement<[string, number]>;

  /** `dataDir` `:memory:` keeps the nonces in memory (tests). */
  constructor(
    dataDir: string,
    readonly maxEntries = 10_000,
    readonly maxPerOwner = 32,
  ) {
    // A nonce is refused from the moment it is recorded: the write must be on disk before the proof
    // is accepted, or a crash right after could forget it.
    this.#db = openDataFile(dataDir, 'patient-proof-nonces.sqlite', 'FULL');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS patient_proof_nonce (
      nonce_key TEXT PRIMARY KEY,
      expires_at INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.#db.exec(
      'CREATE INDEX IF NOT EXISTS patient_proof_nonce_expiry ON patient_proof_nonce (expires_at)',
    );
    this.#find = this.#db.prepare('SELECT expires_at FROM patient_proof_nonce WHERE nonce_key = ?');
    this.#count = this.#db.prepare('SELECT COUNT(*) AS n FROM patient_proof_nonce');
    this.#live = this.#db.prepare(
      `SELECT COUNT(*) AS n, MIN(expires_at) AS soonest FROM patient_proof_nonce
       WHERE nonce_key > ? AND nonce_key < ? AND expires_at > ?`,
    );
    this.#prune = this.#db.prepare('DELETE FROM patient_proof_nonce WHERE expires_at <= ?');
    this.#soonest = this.#db.prepare('SELECT MIN(expires_at) AS soonest FROM patient_proof_nonce');
    this.#put = this.#db.prepare(
      'INSERT OR REPLACE INTO patient_proof_nonce (nonce_key, expires_at) VALUES (?, ?)',
    );
  }

  /** Unexpired and expired-but-not-yet-pruned nonces held. */
  get size(): number {
    return this.#count.get()?.n ?? 0;
  }

  use(owner: string, nonce: string, expiresAtMs: number, nowMs: number): boolean {
    if (owner.includes(SEPARATOR)) throw new Error('a nonce owner holds no line break');
    const key = `${owner}${SEPARATOR}${nonce}`;
    const use = this.#db.transaction((): boolean => {
      const seenUntil = this.#find.get(key)?.expires_at;
      if (seenUntil !== undefined && seenUntil > nowMs) return false;
      const own = this.#live.get(`${owner}${SEPARATOR}`, `${owner}${AFTER_SEPARATOR}`, nowMs);
      if (own && own.n >= this.maxPerOwner) throw tooMany(own.soonest ?? nowMs, nowMs);
      if (this.size >= this.maxEntries) this.#prune.run(nowMs);
      if (this.size >= this.maxEntries) throw tooMany(this.#soonest.get()?.soonest ?? nowMs, nowMs);
      this.#put.run(key, expiresAtMs);
      return true;
    });
    return use.immediate();
  }

  close(): void {
    this.#db.close();
  }
}
