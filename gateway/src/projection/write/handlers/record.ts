/** Record versions (anchored, cleared from quality review) and content erasures. */
import type { EventHandler } from './handler';
import { timeMs } from './handler';

/** Anchors are write-once: a version already projected keeps its row. */
export const onRecordAnchored: EventHandler<'RecordAnchored'> = async (p, at) => {
  await at.db.run(
    `INSERT INTO record_version (record_id, version, patient_did, custodian, quality_status, anchored_at,
       tx_id, block_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (record_id, version) DO NOTHING`,
    [p.recordId, p.version, p.patientDid, p.custodian, p.qualityStatus, p.txTime, at.txId, at.blockNumber],
  );
};

export const onRecordQualityReviewed: EventHandler<'RecordQualityReviewed'> = async (p, at) => {
  await at.db.run(
    `UPDATE record_version SET quality_status = 'accepted', reviewed_by = ?, reviewed_at = ?,
       review_tx_id = ?, review_block = ? WHERE record_id = ? AND version = ?`,
    [p.reviewedBy, p.txTime, at.txId, at.blockNumber, p.recordId, p.version],
  );
};

export const onRecordContentErased: EventHandler<'RecordContentErased'> = async (p, at) => {
  await at.db.run(
    `INSERT INTO erasure (tx_id, block_number, record_id, versions, custodian, reason, tx_time, tx_time_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      at.txId,
      at.blockNumber,
      p.recordId,
      JSON.stringify(p.versions),
      p.custodian,
      p.reason,
      p.txTime,
      timeMs(p.txTime),
    ],
  );
};
