/**
 * The regulator's incidents as their events show them: an id and an action code, never the category,
 * the orgs concerned or the facts (those stay in the regulator's sealed collection). Enough to tell how
 * long an incident has been open, which the `incident_open` alert reads.
 */
import type { EventHandler } from './handler';
import { timeMs } from './handler';

/** Opened: a row; closed: its closing time; links and steps change nothing here. */
export const onIncidentRecorded: EventHandler<'IncidentRecorded'> = async (p, at) => {
  if (p.action === 'opened') {
    await at.db.run(
      `INSERT INTO incident (incident_id, opened_at, opened_at_ms, tx_id, block_number) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (incident_id) DO NOTHING`,
      [p.incidentId, p.txTime, timeMs(p.txTime), at.txId, at.blockNumber],
    );
  } else if (p.action === 'closed') {
    await at.db.run('UPDATE incident SET closed_at = ?, close_tx_id = ? WHERE incident_id = ?', [
      p.txTime,
      at.txId,
      p.incidentId,
    ]);
  }
};
