/**
 * A patient's key history: the key registered with them and every later change (rotation with the
 * current key, recovery with the recovery key), with the org that relayed it. The patient's access
 * log shows it, so a key changed behind their back is visible to them. Events name the patient by
 * the patient key (the digest of the DID), never the DID, so every gateway projects them and the
 * access log finds them by the digest of the DID it is asked about.
 */
import type { EventHandler, HandlerContext } from './handler';
import { timeMs } from './handler';

/** How a key came to be the patient's current key. */
export type KeyChange = 'registered' | 'rotated' | 'recovered';

async function insertKeyEvent(
  at: HandlerContext,
  row: { patientKey: string; keyNumber: number; change: KeyChange; relayedBy: string; txTime: string },
): Promise<void> {
  await at.db.run(
    `INSERT INTO patient_key_event (seq, tx_id, block_number, patient_key, key_number, key_change,
       relayed_by, tx_time, tx_time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (block_number, tx_id) DO NOTHING`,
    [
      at.seq,
      at.txId,
      at.blockNumber,
      row.patientKey,
      row.keyNumber,
      row.change,
      row.relayedBy,
      row.txTime,
      timeMs(row.txTime),
    ],
  );
}

/** The first key (`#key-1`, the one the registration proved possession of). */
export const onPatientRegistered: EventHandler<'PatientRegistered'> = async (p, at) => {
  await insertKeyEvent(at, {
    patientKey: p.patientKey,
    keyNumber: 1,
    change: 'registered',
    relayedBy: p.registeredBy,
    txTime: p.txTime,
  });
};

/** A rotation with the current key or a recovery with the recovery key. */
export const onPatientKeyRotated: EventHandler<'PatientKeyRotated'> = async (p, at) => {
  await insertKeyEvent(at, {
    patientKey: p.patientKey,
    keyNumber: p.keyNumber,
    change: p.via === 'recovery_key' ? 'recovered' : 'rotated',
    relayedBy: p.relayedBy,
    txTime: p.txTime,
  });
};
