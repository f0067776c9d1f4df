import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SqliteIdempotencyStore } from './idempotency';
import { Ledger } from './services/ledger';
import { FakeLedgerClient } from './testing/fake-ledger';
import { describe, it } from './testing/node-test';

const caller = { enrollmentId: 'hospital1-admin' };

describe('idempotency recovery of unfinished writes', () => {
  it('when a gateway stops after endorsing under a key, then the next gateway gets the earlier transactions to recover', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idem-'));
    const first = new SqliteIdempotencyStore(dir);
    assert.equal(first.begin('staff:a', 'key-00001', 'h').state, 'new');
    first.noteTxId('staff:a', 'key-00001', 'health:Ping tx1');
    first.noteTxId('staff:a', 'key-00001', 'health:Ping tx1');
    first.close();
    const second = new SqliteIdempotencyStore(dir);
    assert.deepEqual(second.begin('staff:a', 'key-00001', 'h'), { state: 'new', prior: ['health:Ping tx1'] });
    second.close();
  });

  it('when a write fails retryably after endorsement, then the key is kept for recovery instead of forgotten', () => {
    const store = new SqliteIdempotencyStore(':memory:');
    store.begin('staff:a', 'key-00002', 'h');
    store.noteTxId('staff:a', 'key-00002', 'health:Ping tx2');
    store.release('staff:a', 'key-00002');
    assert.deepEqual(store.begin('staff:a', 'key-00002', 'h'), { state: 'new', prior: ['health:Ping tx2'] });
    store.begin('staff:a', 'key-00003', 'h');
    store.release('staff:a', 'key-00003');
    assert.deepEqual(store.begin('staff:a', 'key-00003', 'h'), { state: 'new' });
  });

  it('when an earlier transaction of the request committed, then the retry returns it and writes nothing', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake);
    const first = await ledger.submit(caller, 'Ping', {});
    const writes = fake.committed.size;
    const retried = await ledger.withPrior([`health:Ping ${first.txId}`]).submit(caller, 'Ping', {});
    assert.equal(retried.txId, first.txId);
    assert.equal(fake.committed.size, writes);
    const fresh = await ledger.withPrior(['health:Ping never-committed']).submit(caller, 'Ping', {});
    assert.notEqual(fresh.txId, first.txId);
    assert.equal(fake.committed.size, writes + 1);
  });
});
