/**
 * Opens the projection's database from its configuration: SQLite under the projection folder (the
 * default) or PostgreSQL at the URL the environment or a file holds.
 */
import { readFileSync } from 'node:fs';

import { DEFAULT_PROJECTION_PG_URL_ENV, type ProjectionDatabaseConfig } from '../../../config';
import type { SqlitePragmas } from '../../../sqlite-file';
import type { SqlDriver } from './driver';
import { PostgresDriver } from './postgres';
import { SqliteDriver, projectionFile } from './sqlite';

/** How a driver is opened. */
export interface OpenDatabaseOptions {
  /** The projection folder (SQLite). */
  readonly dataDir: string;
  /** Query connections: read-only. */
  readonly readonly?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** The config's `sqlite` settings (SQLite). */
  readonly sqlite?: SqlitePragmas;
}

/**
 * The PostgreSQL connection string of a `postgres` database config: the file's first line, or the
 * named environment variable. The message of a failure names the variable or says "file", never a
 * value.
 */
export function postgresUrlOf(
  database: Extract<ProjectionDatabaseConfig, { kind: 'postgres' }>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (database.urlFile !== undefined) {
    const url = readFileSync(database.urlFile, 'utf8').split('\n')[0]?.trim() ?? '';
    if (url === '') throw new Error('projection.database.urlFile is empty');
    return url;
  }
  const name = database.urlEnv ?? DEFAULT_PROJECTION_PG_URL_ENV;
  const url = env[name];
  if (url === undefined || url.trim() === '') {
    throw new Error(`projection.database is postgres but ${name} is not set`);
  }
  return url.trim();
}

/** A driver of the configured database. */
export function openProjectionDatabase(
  database: Readonly<ProjectionDatabaseConfig>,
  options: Readonly<OpenDatabaseOptions>,
): SqlDriver {
  const readonly = options.readonly === true;
  switch (database.kind) {
    case 'sqlite':
      return new SqliteDriver(projectionFile(options.dataDir), {
        readonly,
        ...(options.sqlite ? { pragmas: options.sqlite } : {}),
      });
    case 'postgres':
      return new PostgresDriver(postgresUrlOf(database, options.env), {
        poolSize: database.poolSize,
        readonly,
        applicationName: readonly ? 'medledger-projection-query' : 'medledger-projection',
      });
  }
}
