/** Consents: granted (with their period's end when the event carries it) and revoked. */
import type { EventHandler } from './handler';
import { timeMs } from './handler';

/** A field the chaincode may add to an event before the shared schema knows it: an ISO time or null. */
function extraTime(raw: unknown, field: string): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const v = (raw as Record<string, unknown>)[field];
  return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : null;
}

/** An active consent; `periodEnd` is read from the raw payload (older events lack it). */
export const onConsentGranted: EventHandler<'ConsentGranted'> = async (p, at) => {
  const periodEnd = extraTime(at.raw, 'periodEnd');
  await at.db.run(
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
      at.txId,
      at.blockNumber,
    ],
  );
};

export const onConsentRevoked: EventHandler<'ConsentRevoked'> = async (p, at) => {
  await at.db.run(
    `UPDATE consent SET status = 'revoked', revoked_at = ?, revoke_tx_id = ?, revoke_block = ?
     WHERE consent_id = ?`,
    [p.txTime, at.txId, at.blockNumber, p.consentId],
  );
};
