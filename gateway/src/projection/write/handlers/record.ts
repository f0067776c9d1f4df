/** Record versions (anchored, cleared from quality review) and content erasures, per custodian. */
import type { EventHandler } from './handler';
import { timeMs } from './handler';

/** Anchors are write-once: a version already projected keeps its row. No patient: anchors name none. */
export const onRecordAnchored: EventHandler<'RecordAnchored'> = async (p, at) => {
  await at.db.run(
    `INSERT INTO record_version (custodian, record_id, version, quality_status, anchored_at, tx_id,
       block_number) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (custodian, record_id, version) DO NOTHING`,
    [p.custodian, p.recordId, p.version, p.qualityStatus, p.txTime, at.txId, at.blockNumber],
  );
};

export const onRecordQualityReviewed: EventHandler<'RecordQualityReviewed'> = async (p, at) => {
  await at.db.run(
    `UPDATE record_version SET quality_status = 'accepted', reviewed_by = ?, reviewed_at = ?,
       review_tx_id = ?, review_block = ? WHERE custodian = ? AND record_id = ? AND version = ?`,
    [p.reviewedBy, p.txTime, at.txId, at.blockNumber, p.custodian, p.recordId, p.version],
  );
};

/** An erasure of anchored content, or (`staged`) a purge of content staged and never anchored. */
export const onRecordContentErased: EventHandler<'RecordContentErased'> = async (p, at) => {
  await at.db.run(
    `INSERT INTO erasure (tx_id, block_number, record_id, versions, custodian, reason, staged, tx_time,
       tx_time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      at.txId,
      at.blockNumber,
      p.recordId,
      JSON.stringify(p.versions),
      p.custodian,
      p.reason,
      p.staged ? 1 : 0,
      p.txTime,
      timeMs(p.txTime),
    ],
  );
};
