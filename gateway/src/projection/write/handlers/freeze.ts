/** The regulator's freezes of a person or an org, and their lifting (ids and codes only). */
import type { EventHandler } from './handler';
import { timeMs } from './handler';

/** A new freeze is active; a freeze already projected keeps its row. */
export const onAccessFrozen: EventHandler<'AccessFrozen'> = async (p, at) => {
  await at.db.run(
    `INSERT INTO access_freeze (freeze_id, subject_kind, subject, org, reason, incident_id, frozen_by, status,
       frozen_at, frozen_at_ms, tx_id, block_number) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)
     ON CONFLICT (freeze_id) DO NOTHING`,
    [
      p.freezeId,
      p.subjectKind,
      p.subject,
      p.org,
      p.reason,
      p.incidentId,
      p.frozenBy,
      p.txTime,
      timeMs(p.txTime),
      at.txId,
      at.blockNumber,
    ],
  );
};

/** The approval that completes both sides lifts the freeze; the first one changes nothing here. */
export const onFreezeLiftApproved: EventHandler<'FreezeLiftApproved'> = async (p, at) => {
  if (!p.lifted) return;
  await at.db.run(
    `UPDATE access_freeze SET status = 'lifted', lifted_at = ?, lift_tx_id = ? WHERE freeze_id = ?`,
    [p.txTime, at.txId, p.freezeId],
  );
};
