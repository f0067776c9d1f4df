/**
 * Insurance events: coverage registered and changed, claims submitted, disputes opened and resolved,
 * settlement batches closed. They carry ids and org names only (the patient, items and amounts stay
 * in the hospital's and the insurer's sealed collections), so every gateway projects the same rows:
 * who dealt with whom, when, on which id, for the regulator's activity views.
 */
import type { EventHandler, HandlerContext } from './handler';
import { timeMs } from './handler';

interface InsuranceRow {
  readonly insurer: string;
  readonly provider: string | null;
  readonly subjectId: string;
  readonly detail: string | null;
  readonly txTime: string;
}

async function insert(event: string, row: InsuranceRow, at: HandlerContext): Promise<void> {
  await at.db.run(
    `INSERT INTO insurance_event (seq, tx_id, block_number, event_name, insurer, provider, subject_id, detail,
       tx_time, tx_time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (block_number, tx_id) DO NOTHING`,
    [
      at.seq,
      at.txId,
      at.blockNumber,
      event,
      row.insurer,
      row.provider,
      row.subjectId,
      row.detail,
      row.txTime,
      timeMs(row.txTime),
    ],
  );
}

export const onCoverageRegistered: EventHandler<'CoverageRegistered'> = (p, at) =>
  insert(
    'CoverageRegistered',
    { insurer: p.insurer, provider: null, subjectId: p.coverageId, detail: null, txTime: p.txTime },
    at,
  );

export const onCoverageChanged: EventHandler<'CoverageChanged'> = (p, at) =>
  insert(
    'CoverageChanged',
    { insurer: p.insurer, provider: null, subjectId: p.coverageId, detail: p.change, txTime: p.txTime },
    at,
  );

export const onClaimSubmitted: EventHandler<'ClaimSubmitted'> = (p, at) =>
  insert(
    'ClaimSubmitted',
    { insurer: p.insurer, provider: p.provider, subjectId: p.claimId, detail: null, txTime: p.txTime },
    at,
  );

export const onDisputeOpened: EventHandler<'DisputeOpened'> = (p, at) =>
  insert(
    'DisputeOpened',
    { insurer: p.insurer, provider: p.provider, subjectId: p.disputeId, detail: null, txTime: p.txTime },
    at,
  );

export const onDisputeResolved: EventHandler<'DisputeResolved'> = (p, at) =>
  insert(
    'DisputeResolved',
    { insurer: p.insurer, provider: p.provider, subjectId: p.disputeId, detail: null, txTime: p.txTime },
    at,
  );

export const onSettlementBatchClosed: EventHandler<'SettlementBatchClosed'> = (p, at) =>
  insert(
    'SettlementBatchClosed',
    { insurer: p.insurer, provider: p.provider, subjectId: p.batchId, detail: null, txTime: p.txTime },
    at,
  );
