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

describe('idempotency retention (issue 12 hole 16)', () => {
  const anchored = JSON.stringify({ txId: 'tx', salt: 'ab'.repeat(16), record: { recordId: 'r1' } });

  it('when a content-bearing answer is past its retention, then the purge replaces it by its digest and a retry gets 410, never the content or a second write', () => {
    let clock = 1_000_000;
    const dir = mkdtempSync(join(tmpdir(), 'idem-'));
    const store = new SqliteIdempotencyStore(dir, {
      contentAnswerSeconds: 900,
      purgeIntervalSeconds: 0,
      now: () => clock,
    });
    store.begin('staff:a', 'key-content-1', 'h');
    store.remember('staff:a', 'key-content-1', 'salt', 'ab'.repeat(16));
    store.complete('staff:a', 'key-content-1', 201, anchored, true);
    store.begin('staff:a', 'key-plain-1', 'h');
    store.complete('staff:a', 'key-plain-1', 201, '{"txId":"tx2"}');
    clock += 899_000;
    assert.deepEqual(store.begin('staff:a', 'key-content-1', 'h'), {
      state: 'replay',
      status: 201,
      body: anchored,
    });
    clock += 1_000;
    // Due but not yet purged: already never replayed.
    assert.deepEqual(store.begin('staff:a', 'key-content-1', 'h'), {
      state: 'purged',
      status: 201,
      keptSeconds: 900,
    });
    assert.deepEqual(store.purge(), { keys: 0, answers: 1 });
    store.close();
    const db = new Database(join(dir, 'gateway.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT key, body, body_sha256, memo FROM idempotency ORDER BY key').all() as {
      key: string;
      body: string | null;
      body_sha256: string;
      memo: string | null;
    }[];
    db.close();
    assert.deepEqual(
      rows.map((r) => [r.key, r.body, r.memo]),
      [
        ['key-content-1', null, null],
        ['key-plain-1', '{"txId":"tx2"}', null],
      ],
    );
    assert.match(rows[0]?.body_sha256 ?? '', /^[0-9a-f]{64}$/);
    const reopened = new SqliteIdempotencyStore(dir, { purgeIntervalSeconds: 0, now: () => clock });
    assert.equal(reopened.begin('staff:a', 'key-content-1', 'h').state, 'purged');
    assert.equal(reopened.begin('staff:a', 'key-content-1', 'other').state, 'mismatch');
    reopened.close();
  });

  it('when the purge timer runs, then keys past the retention go while the gateway keeps running, not only at start', async () => {
    let clock = 5_000_000;
    const store = new SqliteIdempotencyStore(':memory:', {
      retentionHours: 1,
      contentAnswerSeconds: 60,
      purgeIntervalSeconds: 0.05,
      now: () => clock,
    });
    store.begin('staff:a', 'key-old-1', 'h');
    store.complete('staff:a', 'key-old-1', 200, '{}');
    store.begin('staff:a', 'key-dataset-1', 'h');
    store.complete('staff:a', 'key-dataset-1', 200, '{"items":[{"resource":{}}]}', true);
    clock += 61_000;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(store.begin('staff:a', 'key-dataset-1', 'h').state, 'purged');
    assert.equal(store.begin('staff:a', 'key-old-1', 'h').state, 'replay');
    clock += 3_600_000;
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(store.begin('staff:a', 'key-old-1', 'h'), { state: 'new' });
    store.close();
  });
});

describe('idempotency store cost per write', () => {
  it('when writes begin, note their transactions, remember, complete and release keys, then no statement is compiled again', () => {
    const store = new SqliteIdempotencyStore(':memory:', { purgeIntervalSeconds: 0 });
    const proto = Database.prototype;
    const prepare = Object.getOwnPropertyDescriptor(proto, 'prepare');
    let compiled = 0;
    Object.defineProperty(proto, 'prepare', {
      configurable: true,
      writable: true,
      value: function (this: Database.Database, source: string) {
        compiled += 1;
        return (prepare?.value as (this: Database.Database, s: string) => Database.Statement).call(
          this,
          source,
        );
      },
    });
    try {
      for (let i = 0; i < 5; i++) {
        const key = `key-cost-${String(i)}`;
        assert.equal(store.begin('staff:a', key, 'h').state, 'new');
        store.noteEndorsed('staff:a', key, { fn: 'health:Ping', txId: `tx-cost-${String(i)}` });
        store.remember('staff:a', key, 'salt', 's');
        store.complete('staff:a', key, 201, '{}');
        assert.equal(store.begin('staff:a', key, 'h').state, 'replay');
        store.begin('staff:a', `${key}-released`, 'h');
        store.release('staff:a', `${key}-released`);
        store.purge();
      }
    } finally {
      if (prepare) Object.defineProperty(proto, 'prepare', prepare);
      store.close();
    }
    assert.equal(compiled, 0);
  });
});
