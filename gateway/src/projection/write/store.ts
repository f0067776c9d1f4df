/**
 * The write side of the projection: applies chaincode events to the SQL schema and advances the
 * checkpoint in the same transaction, so a crash leaves either all of a batch or none of it. What
 * each event type writes is its handler's (`handlers/`); this file keeps the order, the checkpoint
 * and the recognition of replays.
 */
import { createHash } from 'node:crypto';

import { decodeEvent, runHandler } from './decode';
import { SCHEMA_VERSION, TABLE_NAMES, schemaDdl } from './schema';
import type { ProjectionCheckpoint, SourceEvent } from './source';
import type { SqlDriver } from './sql/driver';

/** The stored checkpoint with the ledger-order sequence of the last projected transaction. */
export interface StoredCheckpoint extends ProjectionCheckpoint {
  readonly seq: number;
}

/** What one {@link ProjectionStore.apply} did. */
export interface ApplyResult {
  readonly applied: number;
  /** Events already projected (a replay after a crash), recognized by (block number, tx id). */
  readonly duplicates: number;
}

/** Hex SHA-256 of an event payload (the consistency check compares these). */
export function payloadDigest(payload: Uint8Array): string {
  return createHash('sha256').update(payload).digest('hex');
}

function blockNum(n: bigint): number {
  if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('block number out of range');
  return Number(n);
}

/**
 * Where the checkpoint moves after a batch: to the block passed whole when it lies beyond the last
 * applied event and the stored checkpoint, else to the last applied event; nowhere (undefined) when
 * neither moves it.
 */
function checkpointAfter(
  stored: ProjectionCheckpoint | undefined,
  lastApplied: ProjectionCheckpoint | undefined,
  passedBlock: bigint | undefined,
): ProjectionCheckpoint | undefined {
  const reached = lastApplied ?? stored;
  if (passedBlock !== undefined && (reached === undefined || passedBlock > reached.blockNumber)) {
    return { blockNumber: passedBlock, txId: '' };
  }
  return lastApplied && { blockNumber: lastApplied.blockNumber, txId: lastApplied.txId };
}

/** The projection's write side over a {@link SqlDriver}. */
export class ProjectionStore {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  /** The driver (the query service may share it in tests). */
  get driver(): SqlDriver {
    return this.#db;
  }

  /**
   * Creates the schema when missing; refuses a projection of another schema version (before touching
   * it, so an older projection's tables are never half-migrated).
   */
  async init(): Promise<void> {
    const version = await this.#storedVersion();
    if (version !== undefined && version !== SCHEMA_VERSION) {
      throw new Error(`projection schema ${version} needs a rebuild (current ${SCHEMA_VERSION})`);
    }
    await this.#db.exec(schemaDdl(this.#db.dialect));
  }

  /** The schema version of the stored projection, `undefined` when there is none yet. */
  async #storedVersion(): Promise<number | undefined> {
    let rows: { schema_version: number | string }[];
    try {
      rows = await this.#db.all('SELECT schema_version FROM projection_meta WHERE id = 1');
    } catch {
      return undefined;
    }
    const v = rows[0]?.schema_version;
    return v === undefined ? undefined : Number(v);
  }

  /** Drops every table and creates the schema again (a rebuild starts from block 0). */
  async reset(): Promise<void> {
    await this.#db.exec(TABLE_NAMES.map((t) => `DROP TABLE IF EXISTS ${t}`).join(';\n'));
    await this.init();
  }

  /** Where the projection stands, or `undefined` before the first event. */
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    // BIGINT columns come back as strings from PostgreSQL.
    const rows = await this.#db.all<{ block_number: number | string; tx_id: string; seq: number | string }>(
      'SELECT block_number, tx_id, seq FROM projection_meta WHERE id = 1',
    );
    const row = rows[0];
    return row ? { blockNumber: BigInt(row.block_number), txId: row.tx_id, seq: Number(row.seq) } : undefined;
  }

  /**
   * Projects a batch of events in ledger order and moves the checkpoint to the last one, in one
   * transaction. Events already projected are recognized by (block number, tx id) and skipped. A
   * payload that does not match its schema is kept in `ledger_tx` with `valid = 0` (the consistency
   * check still counts it) rather than stopping the projection. `passedBlock`: a block whose events
   * (and every earlier block's) are all projected once this batch is; the checkpoint moves to it
   * (with an empty tx id) when it lies beyond the batch's last event and the stored checkpoint, so a
   * run of blocks without events is passed in the same write, or, with an empty batch, in one write.
   */
  async apply(batch: readonly SourceEvent[], passedBlock?: bigint): Promise<ApplyResult> {
    if (batch.length === 0 && passedBlock === undefined) return { applied: 0, duplicates: 0 };
    return this.#db.transaction(async () => {
      const cp = await this.checkpoint();
      let seq = cp?.seq ?? 0;
      let applied = 0;
      let duplicates = 0;
      let last: SourceEvent | undefined;
      for (const event of batch) {
        const block = blockNum(event.blockNumber);
        const seen = await this.#db.all('SELECT 1 AS x FROM ledger_tx WHERE block_number = ? AND tx_id = ?', [
          block,
          event.txId,
        ]);
        if (seen.length > 0) {
          duplicates += 1;
          continue;
        }
        seq += 1;
        const valid = await this.#project(event, block, seq);
        await this.#db.run(
          `INSERT INTO ledger_tx (seq, block_number, tx_id, event_name, payload_sha256, valid)
           VALUES (?, ?, ?, ?, ?, ?)`,
          [seq, block, event.txId, event.eventName, payloadDigest(event.payload), valid ? 1 : 0],
        );
        applied += 1;
        last = event;
      }
      const to = checkpointAfter(cp, last, passedBlock);
      if (to) await this.#setCheckpoint(to, seq);
      return { applied, duplicates };
    });
  }

  async #setCheckpoint(to: ProjectionCheckpoint, seq: number): Promise<void> {
    await this.#db.run(
      `INSERT INTO projection_meta (id, schema_version, block_number, tx_id, seq) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, tx_id = excluded.tx_id,
         seq = excluded.seq`,
      [SCHEMA_VERSION, blockNum(to.blockNumber), to.txId, seq],
    );
  }

  /** Writes the event's rows through its handler; false when the payload is not a known event. */
  async #project(event: SourceEvent, blockNumber: number, seq: number): Promise<boolean> {
    const decoded = decodeEvent(event.eventName, event.payload);
    if (!decoded) return false;
    await runHandler(decoded, {
      db: this.#db,
      txId: event.txId,
      blockNumber,
      seq,
      raw: decoded.raw,
      sealed: event.sealed,
    });
    return true;
  }

  /** Rows of `ledger_tx` in ledger order from `afterSeq` (the consistency check). */
  ledgerRows(afterSeq: number, limit: number): Promise<LedgerTxRow[]> {
    return this.#db.all<LedgerTxRow>(
      `SELECT seq, block_number, tx_id, event_name, payload_sha256 FROM ledger_tx WHERE seq > ?
       ORDER BY seq LIMIT ?`,
      [afterSeq, limit],
    );
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}

/** One row of `ledger_tx`. */
export interface LedgerTxRow {
  readonly seq: number | string;
  readonly block_number: number | string;
  readonly tx_id: string;
  readonly event_name: string;
  readonly payload_sha256: string;
}
