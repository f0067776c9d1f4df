/**
 * The projection inside a running gateway, where its two halves meet: one writing connection fed by
 * {@link followForever} (write side), one read-only connection for the {@link ProjectionService}
 * (read side), and the status `/readyz` reports.
 */
import { randomBytes } from 'node:crypto';

import type { ProjectionConfig } from '../config';
import { readWalletKey } from '../wallet';
import type { SqlitePragmas } from '../sqlite-file';
import { ProjectionService } from './read/service';
import { followForever } from './write/projector';
import type { EventSource } from './write/source';
import { openProjectionDatabase } from './write/sql/open';
import { ProjectionStore } from './write/store';

/** Where the projection stands against the ledger. */
export interface ProjectionStatusReport {
  /** Block of the checkpoint (the last projected event's, or a later block passed without events); `null` before the first. */
  readonly checkpointBlock: number | null;
  /** Channel height seen by the org's peer the gateway follows, or the next that answers; `null` when none does. */
  readonly ledgerHeight: number | null;
  /**
   * Blocks after the checkpoint (an upper bound: the last few blocks passed without MedLedger events,
   * fewer than the projector's `checkpointEveryBlocks`, may not be written to the checkpoint yet).
   */
  readonly lagBlocks: number | null;
  /** The follower runs and its last attempt did not fail. */
  readonly following: boolean;
}

/** A started projection. */
export interface ProjectionRuntime {
  readonly service: ProjectionService;
  readonly store: ProjectionStore;
  status(): Promise<ProjectionStatusReport>;
  /** Stops following (after the current batch) and closes both connections. */
  stop(): Promise<void>;
}

/** Options of {@link startProjection}. */
export interface StartProjectionOptions {
  readonly source: EventSource;
  /** The projection folder (SQLite). */
  readonly dataDir: string;
  readonly config: Readonly<ProjectionConfig>;
  /** Where a PostgreSQL URL is looked up (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** The config's `sqlite` settings (SQLite). */
  readonly sqlite?: SqlitePragmas;
  /** Told about each failure the follower retries (no payloads, ids only). */
  readonly onError?: (err: unknown) => void;
}

/** The cursor HMAC key: the configured file, or a random key for this process. */
export function cursorKeyOf(config: Readonly<ProjectionConfig>): Buffer {
  if (config.cursorKeyPath === undefined) return randomBytes(32);
  try {
    return readWalletKey(config.cursorKeyPath);
  } catch {
    throw new Error('projection.cursorKeyPath must name a file of 32 bytes (64 hex characters)');
  }
}

/**
 * Opens the configured projection database (SQLite under `dataDir`, or PostgreSQL) and, when
 * `config.follow`, starts following `source`.
 */
export async function startProjection(options: Readonly<StartProjectionOptions>): Promise<ProjectionRuntime> {
  const { config, source } = options;
  const open = {
    dataDir: options.dataDir,
    ...(options.env ? { env: options.env } : {}),
    ...(options.sqlite ? { sqlite: options.sqlite } : {}),
  };
  const store = new ProjectionStore(openProjectionDatabase(config.database, open));
  try {
    await store.init();
  } catch (err) {
    await store.close();
    throw err;
  }
  const reader = openProjectionDatabase(config.database, { ...open, readonly: true });
  const service = new ProjectionService(reader, {
    cursorKey: cursorKeyOf(config),
    breakGlassReviewHours: config.breakGlassReviewHours,
    expiringConsentDays: config.expiringConsentDays,
    reportMaxRows: config.reportMaxRows,
    alerts: config.alerts,
  });
  const controller = new AbortController();
  let following = false;
  let loop: Promise<void> = Promise.resolve();
  if (config.follow) {
    following = true;
    loop = followForever(source, store, {
      signal: controller.signal,
      onError: (err) => {
        following = false;
        options.onError?.(err);
      },
      onBatch: () => {
        following = true;
      },
    }).finally(() => {
      following = false;
    });
  }
  return {
    service,
    store,
    async status() {
      const checkpoint = await store.checkpoint();
      let height: bigint | null;
      try {
        height = await source.height();
      } catch {
        height = null;
      }
      const checkpointBlock = checkpoint ? Number(checkpoint.blockNumber) : null;
      const ledgerHeight = height === null ? null : Number(height);
      const lagBlocks =
        ledgerHeight === null ? null : Math.max(0, ledgerHeight - 1 - (checkpointBlock ?? -1));
      return { checkpointBlock, ledgerHeight, lagBlocks, following };
    },
    async stop() {
      controller.abort();
      await loop;
      await store.close();
      await reader.close();
    },
  };
}
