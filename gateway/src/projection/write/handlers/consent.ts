/** Consents: granted and revoked. */
import type { EventHandler } from './handler';
import { timeMs } from './handler';

/**
 * An active consent to an org. Its patient and grantee (org, staff member or study) are the sealed
 * facts of the grantee org's collection: present at that org's and the regulator's gateways, null at
 * every other one.
 */
export const onConsentGranted: EventHandler<'ConsentGranted'> = async (p, at) => {
  const sealed = at.sealed?.kind === 'consent' ? at.sealed : undefined;
  await at.db.run(
    `INSERT INTO consent (consent_id, grantee_org, patient_did, grantee, status, period_end, period_end_ms,
       granted_at, grant_tx_id, grant_block) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)
     ON CONFLICT (consent_id) DO NOTHING`,
    [
      p.consentId,
      p.granteeOrg,
      sealed?.patientDid ?? null,
      sealed?.grantee ?? null,
      p.periodEnd,
      timeMs(p.periodEnd),
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
