import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { projectionConfigSchema } from '../../../config';
import { schemaDdl } from '../schema';
import { openProjectionDatabase, postgresUrlOf } from './open';
import { PostgresDriver, numberPlaceholders } from './postgres';
import { SqliteDriver } from './sqlite';

describe('projection database choice', () => {
  it('when the config names no database, then the projection is SQLite', async () => {
    const config = projectionConfigSchema.parse({});
    assert.deepEqual(config.database, { kind: 'sqlite' });
    const dir = mkdtempSync(join(tmpdir(), 'projection-db-'));
    try {
      const db = openProjectionDatabase(config.database, { dataDir: dir });
      assert.ok(db instanceof SqliteDriver);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the config names postgres, then the URL comes from the named variable and never from the config', async () => {
    const { database } = projectionConfigSchema.parse({
      database: { kind: 'postgres', urlEnv: 'MY_PG_URL' },
    });
    assert.equal(database.kind, 'postgres');
    const url = 'postgres://u:secret@127.0.0.1:1/db';
    assert.equal(postgresUrlOf(database, { MY_PG_URL: url }), url);
    assert.throws(
      () => postgresUrlOf(database, {}),
      (err: unknown) => err instanceof Error && /MY_PG_URL is not set/.test(err.message),
    );
    const db = openProjectionDatabase(database, { dataDir: '.', env: { MY_PG_URL: url } });
    assert.ok(db instanceof PostgresDriver);
    await db.close();
    const byDefault = projectionConfigSchema.parse({ database: { kind: 'postgres' } }).database;
    if (byDefault.kind !== 'postgres') assert.fail('expected postgres');
    assert.equal(postgresUrlOf(byDefault, { MEDLEDGER_PROJECTION_PG_URL: url }), url);
  });

  it('when the URL is in a file, then its first line is used; a URL in the config itself is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'projection-db-'));
    try {
      const file = join(dir, 'pg-url');
      writeFileSync(file, 'postgres://u:p@db.internal:5432/medledger\n', { mode: 0o600 });
      const { database } = projectionConfigSchema.parse({ database: { kind: 'postgres', urlFile: file } });
      if (database.kind !== 'postgres') assert.fail('expected postgres');
      assert.equal(postgresUrlOf(database, {}), 'postgres://u:p@db.internal:5432/medledger');
      assert.equal(
        projectionConfigSchema.safeParse({ database: { kind: 'postgres', url: 'postgres://x' } }).success,
        false,
      );
      assert.equal(
        projectionConfigSchema.safeParse({ database: { kind: 'postgres', urlEnv: 'A', urlFile: file } })
          .success,
        false,
      );
      assert.equal(projectionConfigSchema.safeParse({ database: { kind: 'mysql' } }).success, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PostgreSQL dialect', () => {
  it('when a query has ? placeholders, then they are numbered outside literals, identifiers and comments', () => {
    assert.equal(
      numberPlaceholders(`SELECT '?' AS "a?", x FROM t WHERE a = ? AND b IN (?, ?) -- why?\nLIMIT ?`),
      `SELECT '?' AS "a?", x FROM t WHERE a = $1 AND b IN ($2, $3) -- why?\nLIMIT $4`,
    );
    assert.equal(numberPlaceholders(`status = 'it''s' AND c = ?`), `status = 'it''s' AND c = $1`);
    assert.throws(() => numberPlaceholders(`a = 'open`), /unterminated/);
  });

  it('when the schema is rendered for PostgreSQL, then text compares bytes and sequences are BIGINT', () => {
    const pg = schemaDdl('postgres');
    assert.match(pg, /seq BIGINT PRIMARY KEY/);
    assert.doesNotMatch(pg, /\bTEXT\b(?! COLLATE "C")/);
    assert.doesNotMatch(pg, /SEQ_PK/);
    assert.match(schemaDdl('sqlite'), /seq INTEGER PRIMARY KEY/);
    assert.doesNotMatch(schemaDdl('sqlite'), /COLLATE/);
  });
});
