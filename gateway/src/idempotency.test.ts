import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';

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
    const envelope = new Uint8Array([1, 2, 3]);
    first.noteEndorsed('staff:a', 'key-00001', { fn: 'health:Ping', txId: 'tx1', envelope });
    first.noteEndorsed('staff:a', 'key-00001', { fn: 'health:Ping', txId: 'tx1', envelope });
    first.close();
    const second = new SqliteIdempotencyStore(dir);
    assert.deepEqual(second.begin('staff:a', 'key-00001', 'h'), {
      state: 'new',
      prior: [{ fn: 'health:Ping', txId: 'tx1', envelope }],
    });
    second.close();
  });

  it('when a write fails retryably after endorsement, then the key is kept for recovery instead of forgotten', () => {
    const store = new SqliteIdempotencyStore(':memory:');
    store.begin('staff:a', 'key-00002', 'h');
    store.noteEndorsed('staff:a', 'key-00002', { fn: 'health:Ping', txId: 'tx2' });
    store.release('staff:a', 'key-00002');
    assert.deepEqual(store.begin('staff:a', 'key-00002', 'h'), {
      state: 'new',
      prior: [{ fn: 'health:Ping', txId: 'tx2' }],
    });
    store.begin('staff:a', 'key-00003', 'h');
    store.release('staff:a', 'key-00003');
    assert.deepEqual(store.begin('staff:a', 'key-00003', 'h'), { state: 'new' });
  });

  it('when an earlier transaction of the request committed, then the retry returns it and writes nothing', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: 'Hospital1MSP' });
    const first = await ledger.submit(caller, 'Ping', {});
    const writes = fake.committed.size;
    const retried = await ledger
      .withPrior([{ fn: 'health:Ping', txId: first.txId }])
      .submit(caller, 'Ping', {});
    assert.equal(retried.txId, first.txId);
    assert.equal(fake.committed.size, writes);
    const fresh = await ledger
      .withPrior([{ fn: 'health:Ping', txId: 'never-committed' }])
      .submit(caller, 'Ping', {});
    assert.notEqual(fresh.txId, first.txId);
    assert.equal(fake.committed.size, writes + 1);
  });

  it('when a value is remembered under a key, then a retry on another gateway gets the first value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idem-'));
    const first = new SqliteIdempotencyStore(dir);
    first.begin('staff:a', 'key-00004', 'h');
    assert.equal(first.remember('staff:a', 'key-00004', 'salt', 's1'), 's1');
    first.noteEndorsed('staff:a', 'key-00004', { fn: 'record:StageRecordContent', txId: 'tx4' });
    first.release('staff:a', 'key-00004');
    first.close();
    const second = new SqliteIdempotencyStore(dir);
    second.begin('staff:a', 'key-00004', 'h');
    assert.equal(second.remember('staff:a', 'key-00004', 'salt', 's2'), 's1');
    second.close();
  });

  it('when a store written by the previous version is opened, then its endorsed transactions are carried over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idem-'));
    const old = new Database(join(dir, 'gateway.sqlite'));
    old.exec(`CREATE TABLE idempotency (
      principal TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'done')), owner TEXT NOT NULL, tx_id TEXT,
      status INTEGER, body TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (principal, key)
    ) WITHOUT ROWID`);
    old
      .prepare(
        `INSERT INTO idempotency VALUES ('staff:a', 'key-00005', 'h', 'pending', '', ?, NULL, NULL, ?)`,
      )
      .run('record:StageRecordContent tx1\nrecord:AnchorRecord tx2', Date.now());
    old.close();
    const store = new SqliteIdempotencyStore(dir);
    assert.deepEqual(store.begin('staff:a', 'key-00005', 'h'), {
      state: 'new',
      prior: [
        { fn: 'record:StageRecordContent', txId: 'tx1' },
        { fn: 'record:AnchorRecord', txId: 'tx2' },
      ],
    });
    store.close();
  });
});
