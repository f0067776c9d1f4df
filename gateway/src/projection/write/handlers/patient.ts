/**
 * A patient's key history: the key registered with them and every later change (rotation with the
 * current key, recovery with the recovery key), with the org that relayed it. The patient's access
 * log shows it, so a key changed behind their back is visible to them.
 */
import type { EventHandler, HandlerContext } from './handler';
import { timeMs } from './handler';

/** How a key came to be the patient's current key. */
export type KeyChange = 'registered' | 'rotated' | 'recovered';

async function insertKeyEvent(
  at: HandlerContext,
  row: { patientDid: string; keyId: string; change: KeyChange; relayedBy: string | null; txTime: string },
): Promise<void> {
  await at.db.run(
    `INSERT INTO patient_key_event (seq, tx_id, block_number, patient_did, key_id, key_change, relayed_by,
       tx_time, tx_time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (block_number, tx_id) DO NOTHING`,
    [
      at.seq,
      at.txId,
      at.blockNumber,
      row.patientDid,
      row.keyId,
      row.change,
      row.relayedBy,
      row.txTime,
      timeMs(row.txTime),
    ],
  );
}

/** The first key; events from before the registration proof lack `keyId`: it was always `#key-1`. */
export const onPatientRegistered: EventHandler<'PatientRegistered'> = async (p, at) => {
  const keyId = p.keyId ?? `${p.patientDid}#key-1`;
  await insertKeyEvent(at, {
    patientDid: p.patientDid,
    keyId,
    change: 'registered',
    relayedBy: p.registeredBy,
    txTime: p.txTime,
  });
};

/** A rotation or recovery; events from before recovery existed were rotations by an unnamed relay. */
export const onPatientKeyRotated: EventHandler<'PatientKeyRotated'> = async (p, at) => {
  const change: KeyChange = p.via === 'recovery_key' ? 'recovered' : 'rotated';
  await insertKeyEvent(at, {
    patientDid: p.patientDid,
    keyId: p.keyId,
    change,
    relayedBy: p.relayedBy ?? null,
    txTime: p.txTime,
  });
};
