/** Access decisions and the post-hoc reviews of break-glass accesses. */
import type { EventHandler } from './handler';
import { timeMs } from './handler';

/** One audit event per decision, granted or denied. */
export const onAccessDecided: EventHandler<'AccessDecided'> = async (p, at) => {
  await at.db.run(
    `INSERT INTO audit_event (seq, event_id, block_number, tx_id, tx_time, tx_time_ms, record_id,
       patient_did, custodian, actor_did, actor_msp, actor_role, purpose, outcome, reason, consent_id,
       break_glass) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      at.seq,
      p.eventId,
      at.blockNumber,
      at.txId,
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
};

/** The latest review of a break-glass access replaces an earlier one. */
export const onBreakGlassReviewed: EventHandler<'BreakGlassReviewed'> = async (p, at) => {
  await at.db.run(
    `INSERT INTO break_glass_review (access_id, record_id, outcome, reviewed_by, tx_time, tx_id, block_number)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (access_id) DO UPDATE SET outcome = excluded.outcome, reviewed_by = excluded.reviewed_by,
       tx_time = excluded.tx_time, tx_id = excluded.tx_id, block_number = excluded.block_number`,
    [p.accessId, p.recordId, p.outcome, p.reviewedBy, p.txTime, at.txId, at.blockNumber],
  );
};
