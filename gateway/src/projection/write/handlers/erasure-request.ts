/**
 * Patients' erasure requests and the custodians' answers (docs/patients.md, erasure requests): ids,
 * codes and the deadline only, never the patient, so every gateway projects them and a request left
 * unanswered past its deadline shows as overdue in every compliance report within the viewer's scope.
 */
import type { EventHandler } from './handler';
import { timeMs } from './handler';
import { onRecordContentErased } from './record';

/** A request, open until its answer. */
export const onErasureRequested: EventHandler<'ErasureRequested'> = async (p, at) => {
  await at.db.run(
    `INSERT INTO erasure_request (request_id, custodian, record_id, requested_at, requested_at_ms, due_at,
       due_at_ms, tx_id, block_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING`,
    [
      p.requestId,
      p.custodian,
      p.recordId,
      p.txTime,
      timeMs(p.txTime),
      p.dueAt,
      timeMs(p.dueAt),
      at.txId,
      at.blockNumber,
    ],
  );
};

/** The custodian's answer; an erasure also lands in the erasures as `EraseRecordContent`'s would. */
export const onErasureRequestAnswered: EventHandler<'ErasureRequestAnswered'> = async (p, at) => {
  await at.db.run(
    `UPDATE erasure_request SET answer = ?, refusal = ?, answered_at = ?, answered_at_ms = ?, late = ?,
       answer_tx_id = ?, answer_block = ? WHERE request_id = ?`,
    [p.answer, p.refusal, p.txTime, timeMs(p.txTime), p.late ? 1 : 0, at.txId, at.blockNumber, p.requestId],
  );
  if (p.versions.length === 0) return;
  await onRecordContentErased(
    {
      recordId: p.recordId,
      versions: p.versions,
      custodian: p.custodian,
      reason: 'patient_request',
      staged: false,
      txId: p.txId,
      txTime: p.txTime,
    },
    at,
  );
};
