/**
 * The gateway's own SQLite files in its data folder (the idempotency store, the patient-proof nonces),
 * and the pragmas every SQLite database of the gateway (those and the projection) is opened with.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

/**
 * The SQLite settings of the config's `sqlite` section (a performance lever, see docs/performance.md):
 * `journalMode` WAL lets readers run beside the one writer; `synchronous` NORMAL syncs at checkpoints
 * in WAL mode (a power cut may lose the last commits, never corrupt the file), FULL at every commit;
 * `mmapBytes` above 0 reads the file through a memory map of that size. The patient-proof nonces are
 * always FULL: a nonce must be on disk before the proof that carries it is accepted.
 */
export interface SqlitePragmas {
  readonly journalMode: 'WAL' | 'DELETE';
  readonly synchronous: 'NORMAL' | 'FULL';
  readonly mmapBytes: number;
}

export const DEFAULT_SQLITE_PRAGMAS: SqlitePragmas = {
  journalMode: 'WAL',
  synchronous: 'NORMAL',
  mmapBytes: 0,
};

/** Sets `pragmas` on a connection; a read-only one only takes the memory map (the others write the file). */
export function applyPragmas(db: Database.Database, pragmas: SqlitePragmas, readonly = false): void {
  if (!readonly) {
    db.pragma(`journal_mode = ${pragmas.journalMode}`);
    db.pragma(`synchronous = ${pragmas.synchronous}`);
  }
  db.pragma(`mmap_size = ${String(Math.trunc(pragmas.mmapBytes))}`);
}

/**
 * Opens `<dataDir>/<file>` with `pragmas`, creating the folder (mode 0700) when missing; `dataDir`
 * `:memory:` opens an in-memory database (tests). `synchronous` `FULL` when a commit must be on disk
 * before the caller acts on it (whatever `pragmas` says).
 */
export function openDataFile(
  dataDir: string,
  file: string,
  synchronous: 'NORMAL' | 'FULL',
  pragmas: SqlitePragmas = DEFAULT_SQLITE_PRAGMAS,
): Database.Database {
  let path = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    path = join(dataDir, file);
  }
  const db = new Database(path);
  applyPragmas(db, { ...pragmas, synchronous: synchronous === 'FULL' ? 'FULL' : pragmas.synchronous });
  return db;
}
