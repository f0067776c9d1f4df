/** The gateway's own SQLite files in its data folder (the idempotency store, the patient-proof nonces). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

/**
 * Opens `<dataDir>/<file>` in WAL mode, creating the folder (mode 0700) when missing; `dataDir`
 * `:memory:` opens an in-memory database (tests). `synchronous` `FULL` when a commit must be on disk
 * before the caller acts on it.
 */
export function openDataFile(
  dataDir: string,
  file: string,
  synchronous: 'NORMAL' | 'FULL',
): Database.Database {
  let path = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    path = join(dataDir, file);
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  return db;
}
