/** Staff as the projection knows them: org, role and status, latest event wins. */
import type { EventHandler } from './handler';

/** Registration and updates both write the whole row; a registration is active. */
export const onStaffChanged: EventHandler<'StaffRegistered' | 'StaffUpdated'> = async (p, at) => {
  const status = 'status' in p ? p.status : 'active';
  await at.db.run(
    `INSERT INTO staff (did, org, role, status, updated_at, tx_id, block_number) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (did) DO UPDATE SET org = excluded.org, role = excluded.role, status = excluded.status,
       updated_at = excluded.updated_at, tx_id = excluded.tx_id, block_number = excluded.block_number`,
    [p.did, p.org, p.role, status, p.txTime, at.txId, at.blockNumber],
  );
};

export const onStaffDeactivated: EventHandler<'StaffDeactivated'> = async (p, at) => {
  await at.db.run(
    `INSERT INTO staff (did, org, role, status, updated_at, tx_id, block_number)
     VALUES (?, ?, NULL, 'deactivated', ?, ?, ?)
     ON CONFLICT (did) DO UPDATE SET status = 'deactivated', updated_at = excluded.updated_at,
       tx_id = excluded.tx_id, block_number = excluded.block_number`,
    [p.did, p.org, p.txTime, at.txId, at.blockNumber],
  );
};
