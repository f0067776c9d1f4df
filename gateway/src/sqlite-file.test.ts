import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { sqliteConfigSchema } from './config';
import { SqliteDriver, projectionFile } from './projection/write/sql/sqlite';
import { DEFAULT_SQLITE_PRAGMAS, openDataFile } from './sqlite-file';

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'medledger-sqlite-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void describe('SQLite pragmas of the gateway', () => {
  void it('when the config has no sqlite section, then the defaults are WAL, NORMAL and no memory map', () => {
    assert.deepEqual(sqliteConfigSchema.parse({}), DEFAULT_SQLITE_PRAGMAS);
    assert.throws(() => sqliteConfigSchema.parse({ synchronous: 'OFF' }));
    assert.throws(() => sqliteConfigSchema.parse({ mmapBytes: -1 }));
  });

  void it('when a data file is opened with other pragmas, then the connection runs with them', () => {
    withDir((dir) => {
      const db = openDataFile(dir, `s-${String(process.pid)}.sqlite`, 'NORMAL', {
        journalMode: 'DELETE',
        synchronous: 'FULL',
        mmapBytes: 1 << 20,
      });
      assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
      assert.equal(db.pragma('synchronous', { simple: true }), 2);
      assert.equal(db.pragma('mmap_size', { simple: true }), 1 << 20);
      db.close();
    });
  });

  void it('when a file must be synced at every commit, then FULL stands whatever the pragmas say', () => {
    withDir((dir) => {
      const db = openDataFile(dir, `n-${String(process.pid)}.sqlite`, 'FULL', DEFAULT_SQLITE_PRAGMAS);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 2);
      db.close();
    });
  });

  void it('when the projection is opened with a memory map, then its writer and its readers map the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medledger-sqlite-'));
    try {
      const pragmas = { journalMode: 'WAL', synchronous: 'NORMAL', mmapBytes: 4 << 20 } as const;
      const writer = new SqliteDriver(projectionFile(dir), { pragmas });
      const reader = new SqliteDriver(projectionFile(dir), { readonly: true, pragmas });
      const [w] = await writer.all<{ mmap_size: number }>('PRAGMA mmap_size');
      const [r] = await reader.all<{ mmap_size: number }>('PRAGMA mmap_size');
      assert.equal(w?.mmap_size, 4 << 20);
      assert.equal(r?.mmap_size, 4 << 20);
      await reader.close();
      await writer.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
