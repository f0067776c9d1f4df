/** Consents: granted, revoked, and the grantee's deletion attestation. */
import type { EventHandler } from './handler';
import { timeMs } from './handler';

/**
 * An active consent to an org. Its patient and grantee (org, staff member or study) are the sealed
 * facts of the grantee org's collection: present at that org's and the regulator's gateways, null at
 * every other one.
 */
export const onConsentGranted: EventHandler<'ConsentGranted'> = async (p, at) => {
  const sealed = at.sealed?.kind === 'consent' ? at.sealed : undefined;
  const keepUntil = p.keepUntil ?? null;
  await at.db.run(
    `INSERT INTO consent (consent_id, grantee_org, patient_did, grantee, status, period_end, period_end_ms,
       granted_at, grant_tx_id, grant_block, keep_until, keep_until_ms)
     VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)
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
      keepUntil,
      keepUntil === null ? null : timeMs(keepUntil),
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

/**
 * The grantee org's attestation that it deleted every copy made under the consent (public, write-once
 * on chain, so every gateway projects it). Only the consent's grantee org may attest (the chaincode
 * refuses anyone else); an event naming another org attests nothing here either. A revoked consent keeps its attestation: revocation stops
 * reads, the copies already made still have to go.
 */
export const onDeletionAttested: EventHandler<'DeletionAttested'> = async (p, at) => {
  await at.db.run(
    `UPDATE consent SET attested_at = ?, attested_at_ms = ?, attested_by = ?, attest_late = ?, attest_tx_id = ?,
       attest_block = ? WHERE consent_id = ? AND grantee_org = ? AND attested_at IS NULL`,
    [
      p.txTime,
      timeMs(p.txTime),
      p.attestedBy,
      p.late ? 1 : 0,
      at.txId,
      at.blockNumber,
      p.consentId,
      p.granteeOrg,
    ],
  );
};
