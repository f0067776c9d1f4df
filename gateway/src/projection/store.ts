/**
 * The write side of the projection: applies chaincode events to the SQL schema and advances the
 * checkpoint in the same transaction, so a crash leaves either all of a batch or none of it.
 */
import { createHash } from 'node:crypto';

import { events, type EventName, type EventPayload } from '@medledger/domain';

import { SCHEMA_VERSION, TABLE_NAMES, schemaDdl } from './schema';
import type { SqlDriver, SqlValue } from './sql';
import type { ProjectionCheckpoint, SourceEvent } from './types';

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

function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

function blockNum(n: bigint): number {
  if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('block number out of range');
  return Number(n);
}

function timeMs(iso: string): number {
  return Date.parse(iso);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses a payload against its event schema; `undefined` when it does not match. */
function decode(name: EventName, payload: Uint8Array): { parsed: unknown; raw: unknown } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(payload));
  } catch {
    return undefined;
  }
  const result = events[name].safeParse(raw);
  return result.success ? { parsed: result.data, raw } : undefined;
}

/** A field the chaincode may add to an event before the shared schema knows it. */
function extraString(raw: unknown, field: string): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const v = (raw as Record<string, unknown>)[field];
  return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : null;
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

  /** Creates the schema when missing; refuses a projection of another schema version. */
  async init(): Promise<void> {
    await this.#db.exec(schemaDdl(this.#db.dialect));
    const rows = await this.#db.all<{ schema_version: number }>(
      'SELECT schema_version FROM projection_meta WHERE id = 1',
    );
    const version = rows[0]?.schema_version;
    if (version !== undefined && version !== SCHEMA_VERSION) {
      throw new Error(`projection schema ${version} needs a rebuild (current ${SCHEMA_VERSION})`);
    }
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
   * check still counts it) rather than stopping the projection.
   */
  async apply(batch: readonly SourceEvent[]): Promise<ApplyResult> {
    if (batch.length === 0) return { applied: 0, duplicates: 0 };
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
      if (last) {
        await this.#db.run(
          `INSERT INTO projection_meta (id, schema_version, block_number, tx_id, seq) VALUES (1, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, tx_id = excluded.tx_id,
             seq = excluded.seq`,
          [SCHEMA_VERSION, blockNum(last.blockNumber), last.txId, seq],
        );
      }
      return { applied, duplicates };
    });
  }

  async #project(event: SourceEvent, block: number, seq: number): Promise<boolean> {
    const name = event.eventName;
    if (!isEventName(name)) return false;
    const decoded = decode(name, event.payload);
    if (!decoded) return false;
    const run = (sql: string, params: readonly SqlValue[]): Promise<number> => this.#db.run(sql, params);
    const tx = event.txId;
    switch (name) {
      case 'AccessDecided': {
        const p = decoded.parsed as EventPayload<'AccessDecided'>;
        await run(
          `INSERT INTO audit_event (seq, event_id, block_number, tx_id, tx_time, tx_time_ms, record_id,
             patient_did, custodian, actor_did, actor_msp, actor_role, purpose, outcome, reason, consent_id,
             break_glass) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            seq,
            p.eventId,
            block,
            tx,
            p.txTime,
            timeMs(p.txTime),
            p.recordId,
            p.patientDid,
            p.custodian,
            p.actorDid,
            p.actorMsp,
            p.actorRole,
            p.purpose,
            p.outcome,
            p.reason,
            p.consentId,
            p.breakGlass ? 1 : 0,
          ],
        );
        return true;
      }
      case 'BreakGlassReviewed': {
        const p = decoded.parsed as EventPayload<'BreakGlassReviewed'>;
        await run(
          `INSERT INTO break_glass_review (access_id, record_id, outcome, reviewed_by, tx_time, tx_id, block_number)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (access_id) DO UPDATE SET outcome = excluded.outcome, reviewed_by = excluded.reviewed_by,
             tx_time = excluded.tx_time, tx_id = excluded.tx_id, block_number = excluded.block_number`,
          [p.accessId, p.recordId, p.outcome, p.reviewedBy, p.txTime, tx, block],
        );
        return true;
      }
      case 'ConsentGranted': {
        const p = decoded.parsed as EventPayload<'ConsentGranted'>;
        const periodEnd = extraString(decoded.raw, 'periodEnd');
        await run(
          `INSERT INTO consent (consent_id, patient_did, grantee, status, period_end, period_end_ms, granted_at,
             grant_tx_id, grant_block) VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?)
           ON CONFLICT (consent_id) DO NOTHING`,
          [
            p.consentId,
            p.patientDid,
            p.grantee,
            periodEnd,
            periodEnd === null ? null : timeMs(periodEnd),
            p.txTime,
            tx,
            block,
          ],
        );
        return true;
      }
      case 'ConsentRevoked': {
        const p = decoded.parsed as EventPayload<'ConsentRevoked'>;
        await run(
          `UPDATE consent SET status = 'revoked', revoked_at = ?, revoke_tx_id = ?, revoke_block = ?
           WHERE consent_id = ?`,
          [p.txTime, tx, block, p.consentId],
        );
        return true;
      }
      case 'RecordAnchored': {
        const p = decoded.parsed as EventPayload<'RecordAnchored'>;
        await run(
          `INSERT INTO record_version (record_id, version, patient_did, custodian, quality_status, anchored_at,
             tx_id, block_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (record_id, version) DO NOTHING`,
          [p.recordId, p.version, p.patientDid, p.custodian, p.qualityStatus, p.txTime, tx, block],
        );
        return true;
      }
      case 'RecordQualityReviewed': {
        const p = decoded.parsed as EventPayload<'RecordQualityReviewed'>;
        await run(
          `UPDATE record_version SET quality_status = 'accepted', reviewed_by = ?, reviewed_at = ?,
             review_tx_id = ?, review_block = ? WHERE record_id = ? AND version = ?`,
          [p.reviewedBy, p.txTime, tx, block, p.recordId, p.version],
        );
        return true;
      }
      case 'RecordContentErased': {
        const p = decoded.parsed as EventPayload<'RecordContentErased'>;
        await run(
          `INSERT INTO erasure (tx_id, block_number, record_id, versions, custodian, reason, tx_time, tx_time_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            tx,
            block,
            p.recordId,
            JSON.stringify(p.versions),
            p.custodian,
            p.reason,
            p.txTime,
            timeMs(p.txTime),
          ],
        );
        return true;
      }
      case 'StaffRegistered':
      case 'StaffUpdated':
      case 'StaffRoleChangeApproved': {
        const p = decoded.parsed as
          | EventPayload<'StaffUpdated'>
          | EventPayload<'StaffRegistered'>
          | EventPayload<'StaffRoleChangeApproved'>;
        const status = 'status' in p ? p.status : 'active';
        await run(
          `INSERT INTO staff (did, org, role, status, updated_at, tx_id, block_number) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (did) DO UPDATE SET org = excluded.org, role = excluded.role, status = excluded.status,
             updated_at = excluded.updated_at, tx_id = excluded.tx_id, block_number = excluded.block_number`,
          [p.did, p.org, p.role, status, p.txTime, tx, block],
        );
        return true;
      }
      case 'StaffDeactivated': {
        const p = decoded.parsed as EventPayload<'StaffDeactivated'>;
        await run(
          `INSERT INTO staff (did, org, role, status, updated_at, tx_id, block_number)
           VALUES (?, ?, NULL, 'deactivated', ?, ?, ?)
           ON CONFLICT (did) DO UPDATE SET status = 'deactivated', updated_at = excluded.updated_at,
             tx_id = excluded.tx_id, block_number = excluded.block_number`,
          [p.did, p.org, p.txTime, tx, block],
        );
        return true;
      }
      case 'PatientRegistered':
      case 'PatientKeyRotated':
      case 'PatientPreferencesSet':
      case 'StaffRoleChangeProposed':
      case 'RecordContentStaged':
      case 'StudyRegistered':
        // Kept in ledger_tx only: no report reads them yet.
        return true;
    }
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
