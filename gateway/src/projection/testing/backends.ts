/**
 * The databases the projection's tests run against: every suite written with
 * {@link describeEachBackend} runs once on SQLite and once on a real PostgreSQL that the suite starts
 * itself ({@link startTestPostgres}) and removes afterwards; on PostgreSQL each "database" of a test
 * is a schema of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';

import type { Dialect, SqlDriver } from '../write/sql/driver';
import { PostgresDriver } from '../write/sql/postgres';
import { SqliteDriver } from '../write/sql/sqlite';
import {
  POSTGRES_BINARIES_PACKAGE,
  postgresBinariesInstalled,
  startTestPostgres,
  type TestPostgres,
} from './postgres';

/** A database that outlives its connections: `open()` connects to the same one again. */
export interface DurableDatabase {
  open(): SqlDriver;
  drop(): Promise<void>;
}

/** Where a suite's databases come from. */
export interface TestBackend {
  readonly dialect: Dialect;
  /** A new, empty database. */
  fresh(): Promise<SqlDriver>;
  /** A new, empty database that survives closing its driver (crash tests). */
  durable(): Promise<DurableDatabase>;
}

const sqlite: TestBackend = {
  dialect: 'sqlite',
  fresh: () => Promise.resolve(new SqliteDriver(':memory:')),
  durable: () => {
    const dir = mkdtempSync(join(tmpdir(), 'projection-'));
    return Promise.resolve({
      open: () => new SqliteDriver(join(dir, 'p.sqlite')),
      drop: () => {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    });
  },
};

function postgresBackend(server: () => TestPostgres): TestBackend {
  return {
    dialect: 'postgres',
    fresh: async () => new PostgresDriver(await server().createSchema(), { poolSize: 2 }),
    durable: async () => {
      const url = await server().createSchema();
      return {
        open: () => new PostgresDriver(url, { poolSize: 2 }),
        drop: () => server().dropSchema(url),
      };
    },
  };
}

/** Declares `body`'s suite once per backend, titled `title (sqlite)`, `title (postgres)`. */
export function describeEachBackend(title: string, body: (backend: TestBackend) => void): void {
  void describe(`${title} (sqlite)`, () => {
    body(sqlite);
  });
  const skip = postgresBinariesInstalled() ? false : `${POSTGRES_BINARIES_PACKAGE} is not installed`;
  void describe(`${title} (postgres)`, { skip }, () => {
    let server: TestPostgres | undefined;
    before(async () => {
      server = await startTestPostgres();
    });
    after(async () => {
      await server?.stop();
    });
    body(
      postgresBackend(() => {
        if (!server) throw new Error('the test PostgreSQL is not running');
        return server;
      }),
    );
  });
}
