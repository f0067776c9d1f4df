import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { AppError } from './errors';
import { SqliteIdempotencyStore } from './idempotency';
import { describe, it } from './testing/node-test';
import { isRetryable, WriteJournal } from './write-journal';

const scope = 'staff:doc1';

/** Begins `key` and expects an open journal. */
function open(store: SqliteIdempotencyStore, key: string, hash = 'h1'): WriteJournal {
  const begun = WriteJournal.begin(store, scope, key, hash);
  assert.equal(begun.state, 'open');
  return begun.journal;
}

/** Asserts that a retry of `key` gets `status` and `body` replayed. */
function assertReplays(store: SqliteIdempotencyStore, key: string, status: number, body: string): void {
  assert.deepEqual(WriteJournal.begin(store, scope, key, 'h1'), { state: 'replay', status, body });
}

describe('write journal', () => {
  it('when a key is new, then the journal opens with nothing prior; when it was completed, then the answer is replayed', () => {
    const store = new SqliteIdempotencyStore(':memory:');
    const key = randomUUID();
    const journal = open(store, key);
    assert.deepEqual(journal.prior, []);
    journal.complete({ status: 201, body: '{"txId":"t1"}' });
    assertReplays(store, key, 201, '{"txId":"t1"}');
  });

  it('when the key comes with another payload, then 422; while its first request runs, then 409 with Retry-After', () => {
    const store = new SqliteIdempotencyStore(':memory:');
    const key = randomUUID();
    open(store, key);
    assert.throws(
      () => WriteJournal.begin(store, scope, key, 'other'),
      (e) => e instanceof AppError && e.code === 'IDEMPOTENCY_KEY_REUSED' && e.status === 422,
    );
    assert.throws(
      () => WriteJournal.begin(store, scope, key, 'h1'),
      (e) => e instanceof AppError && e.code === 'IDEMPOTENCY_IN_PROGRESS' && e.retryAfterSeconds === 1,
    );
  });

  it('when a write fails retryably after an endorsement, then the retry opens with that transaction prior and the memo kept', () => {
    const store = new SqliteIdempotencyStore(':memory:');
    const key = randomUUID();
    const first = open(store, key);
    assert.equal(
      first.remember('salt', () => 's1'),
      's1',
    );
    first.endorsed({ fn: 'record:StageRecordContent', txId: 'tx1' });
    first.fail(new AppError('LEDGER_UNAVAILABLE', 'down'), () =>
      assert.fail('a released key keeps no answer'),
    );
    const retry = open(store, key);
    assert.deepEqual(retry.prior, [{ fn: 'record:StageRecordContent', txId: 'tx1' }]);
    assert.equal(
      retry.remember('salt', () => 's2'),
      's1',
    );
  });

  it('when a write fails for good, then the problem is kept as the answer and replayed', () => {
    const store = new SqliteIdempotencyStore(':memory:');
    const key = randomUUID();
    open(store, key).fail(new AppError('FORBIDDEN', 'no'), () => '{"code":"FORBIDDEN"}');
    assertReplays(store, key, 403, '{"code":"FORBIDDEN"}');
  });

  it('when a journal is settled twice, then the first settlement stays the answer', () => {
    const store = new SqliteIdempotencyStore(':memory:');
    const key = randomUUID();
    const journal = open(store, key);
    journal.complete({ status: 200, body: 'first' });
    journal.fail(new AppError('LEDGER_UNAVAILABLE', 'late'), () => 'second');
    journal.complete({ status: 500, body: 'third' });
    assertReplays(store, key, 200, 'first');
  });

  it('when a request has no key, then its journal lists what it endorsed and stores nothing', () => {
    const journal = WriteJournal.unkeyed();
    journal.endorsed({ fn: 'health:Ping', txId: 'a' });
    journal.endorsed({ fn: 'health:Ping', txId: 'b' });
    assert.deepEqual(journal.txIds, ['a', 'b']);
    assert.deepEqual(journal.prior, []);
    let made = 0;
    journal.remember('salt', () => String(++made));
    assert.equal(
      journal.remember('salt', () => String(++made)),
      '2',
      'without a key nothing is kept',
    );
    journal.complete({ status: 200, body: '{}' });
  });

  it('when failures are classified, then 5xx, 429 and ledger conflicts are retryable and other 4xx are not', () => {
    assert.equal(isRetryable(new AppError('LEDGER_TIMEOUT', 'slow')), true);
    assert.equal(isRetryable(new AppError('RATE_LIMITED', 'busy')), true);
    assert.equal(isRetryable(new AppError('LEDGER_CONFLICT', 'mvcc')), true);
    assert.equal(isRetryable(new AppError('ALREADY_EXISTS', 'x')), false);
    assert.equal(isRetryable(new AppError('VALIDATION_FAILED', 'x')), false);
  });
});
