import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';

import { describeEachBackend } from '../testing/backends';
import { LedgerBuilder, txIdOf } from '../testing/fixtures';
import { ProjectionStore } from './store';

describeEachBackend('projection store', (backend) => {
  it('when block numbers are beyond 32 bits, then the checkpoint and the rows keep them exactly', async () => {
    const b = new LedgerBuilder({ salt: 'big', firstBlock: BigInt(Number.MAX_SAFE_INTEGER) - 1n });
    const time = '2025-01-01T00:00:00.000Z';
    const first = b.event(
      'PatientRegistered',
      { patientKey: txIdOf('did:medledger:patient:p00000001'), registeredBy: 'Hospital1MSP' },
      time,
    );
    b.nextBlock();
    const last = b.event(
      'PatientRegistered',
      { patientKey: txIdOf('did:medledger:patient:p00000002'), registeredBy: 'Hospital1MSP' },
      time,
    );
    const store = new ProjectionStore(await backend.fresh());
    await store.init();
    assert.deepEqual(await store.apply([first, last]), { applied: 2, duplicates: 0 });
    assert.equal((await store.checkpoint())?.blockNumber, BigInt(Number.MAX_SAFE_INTEGER));
    const rows = await store.ledgerRows(0, 10);
    assert.deepEqual(
      rows.map((r) => BigInt(r.block_number)),
      [BigInt(Number.MAX_SAFE_INTEGER) - 1n, BigInt(Number.MAX_SAFE_INTEGER)],
    );
    assert.deepEqual(await store.apply([last]), { applied: 0, duplicates: 1 });
    await store.close();
  });

  it('when a batch comes with a block passed beyond its last event, then the checkpoint moves to that block with no tx id, and a passed block never moves it back', async () => {
    const tag = randomBytes(4).toString('hex');
    const b = new LedgerBuilder({ salt: `passed-${tag}`, firstBlock: 10n });
    const event = b.event(
      'PatientRegistered',
      { patientKey: txIdOf(`did:medledger:patient:passed-${tag}`), registeredBy: 'Hospital1MSP' },
      '2025-01-01T00:00:00.000Z',
    );
    const store = new ProjectionStore(await backend.fresh());
    await store.init();
    assert.deepEqual(await store.apply([event], 10n), { applied: 1, duplicates: 0 });
    assert.deepEqual(await store.checkpoint(), { blockNumber: 10n, txId: event.txId, seq: 1 });
    await store.apply([], 14n);
    assert.deepEqual(await store.checkpoint(), { blockNumber: 14n, txId: '', seq: 1 });
    await store.apply([], 12n);
    assert.deepEqual(await store.checkpoint(), { blockNumber: 14n, txId: '', seq: 1 });
    await store.close();
  });
});
