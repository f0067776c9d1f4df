/**
 * Access decisions, doctors' emergency listings, and the appended post-hoc reviews of either (a
 * break-glass access, an emergency listing).
 */
import type { EventHandler } from './handler';
import { timeMs } from './handler';

/**
 * One audit event per decision, granted or denied. The patient and the consent used are the sealed
 * facts of the custodian's collection: present at the custodian's and the regulator's gateways, null
 * (an id-only row) at every other one.
 */
export const onAccessDecided: EventHandler<'AccessDecided'> = async (p, at) => {
  const sealed = at.sealed?.kind === 'access' ? at.sealed : undefined;
  await at.db.run(
    `INSERT INTO audit_event (seq, event_id, block_number, tx_id, tx_time, tx_time_ms, record_id,
       patient_did, custodian, actor_did, actor_msp, actor_role, purpose, outcome, reason, consent_id,
       break_glass, break_glass_reason, co_signer_did, co_signer_msp)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      at.seq,
      p.eventId,
      at.blockNumber,
      at.txId,
      p.txTime,
      timeMs(p.txTime),
      p.recordId,
      sealed?.patientDid ?? null,
      p.custodian,
      p.actorDid,
      p.actorMsp,
      p.actorRole,
      p.purpose,
      p.outcome,
      p.reason,
      sealed?.consentId ?? null,
      p.breakGlass ? 1 : 0,
      p.breakGlassReason,
      p.coSignedBy,
      p.coSignerMsp,
    ],
  );
};

/**
 * A doctor's emergency listing of a patient's records (mode `emergency`; the other listings are
 * audited in their org's collection and read on the ledger). The patient and the categories the
 * listing opened are the sealed facts of the listing doctor's org's collection: present at that org's
 * and the regulator's gateways, null elsewhere.
 */
export const onRecordListingOpened: EventHandler<'RecordListingOpened'> = async (p, at) => {
  if (p.mode !== 'emergency') return;
  // The listing id comes from the event: a later event reusing one (any two orgs can commit a
  // transaction that emits it) must not fail the batch, which would stop the projection at that block.
  const sealed = at.sealed?.kind === 'listing' ? at.sealed : undefined;
  await at.db.run(
    `INSERT INTO emergency_listing (listing_id, seq, tx_id, block_number, tx_time, tx_time_ms, actor_did,
       actor_msp, actor_role, outcome, reason, break_glass_reason, patient_did, categories)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (listing_id) DO NOTHING`,
    [
      p.listingId,
      at.seq,
      at.txId,
      at.blockNumber,
      p.txTime,
      timeMs(p.txTime),
      p.actorDid,
      p.actorMsp,
      p.actorRole,
      p.outcome,
      p.reason,
      p.breakGlassReason,
      sealed?.patientDid ?? null,
      sealed?.categories ? JSON.stringify(sealed.categories) : null,
    ],
  );
};

/**
 * Every review of a break-glass access is kept (reviews are appended on the ledger too); the views
 * read the verdict that stands: the regulator's latest, else the latest.
 */
export const onBreakGlassReviewed: EventHandler<'BreakGlassReviewed'> = async (p, at) => {
  await at.db.run(
    `INSERT INTO break_glass_review (tx_id, seq, access_id, kind, record_id, custodian, actor_did, outcome,
       reviewed_by, by_regulator, suspended, tx_time, tx_time_ms, block_number)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      at.txId,
      at.seq,
      p.accessId,
      p.kind,
      p.recordId,
      p.custodian,
      p.actorDid,
      p.outcome,
      p.reviewedBy,
      p.byRegulator ? 1 : 0,
      p.suspended ? 1 : 0,
      p.txTime,
      timeMs(p.txTime),
      at.blockNumber,
    ],
  );
};
