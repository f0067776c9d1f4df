import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import type { Principal } from '../../auth/tokens';
import { AppError } from '../../errors';
import { SqliteIdempotencyStore } from '../../idempotency';
import { describe, it } from '../../testing/node-test';
import { beginJournal, requestHash } from './journal';

const staff: Principal = { kind: 'staff', subject: 'doc1', org: 'Hospital1' };
const write = { write: true, method: 'post' } as const;

describe('pipeline: idempotency stage', () => {
  it('when the request is a read or a write without a key, then its journal stores nothing', () => {
    const store = new SqliteIdempotencyStore(':memory:');
    const key = randomUUID();
    for (const [route, k] of [
      [{ write: false, method: 'get' }, key],
      [write, undefined],
    ] as const) {
      const begun = beginJournal(store, route, { key: k, path: '/v1/x', body: {} }, staff);
      assert.equal(begun.state, 'open');
      begun.journal.complete({ status: 200, body: '{}' });
    }
    assert.equal(beginJournal(store, write, { key, path: '/v1/x', body: {} }, staff).state, 'open');
  });

  it('when the key is malformed, then 400 and nothing is stored', () => {
    const store = new SqliteIdempotencyStore(':memory:');
    for (const key of ['short', 'bad key!', 'a'.repeat(129)]) {
      assert.throws(
        () => beginJournal(store, write, { key, path: '/v1/x', body: {} }, staff),
        (e) => e instanceof AppError && e.code === 'IDEMPOTENCY_KEY_INVALID',
      );
    }
  });

  it('when the same key comes from another principal, then it is another key; another path or body is a reuse', () => {
    const store = new SqliteIdempotencyStore(':memory:');
    const key = randomUUID();
    const request = { key, path: '/v1/records', body: { a: 1, b: 2 } };
    const first = beginJournal(store, write, request, staff);
    assert.equal(first.state, 'open');
    first.journal.complete({ status: 201, body: '{"ok":true}' });
    const again = beginJournal(store, write, { ...request, body: { b: 2, a: 1 } }, staff);
    assert.deepEqual(again, { state: 'replay', status: 201, body: '{"ok":true}' });
    assert.equal(beginJournal(store, write, request, { ...staff, subject: 'doc2' }).state, 'open');
    for (const other of [
      { ...request, path: '/v1/records/r1/versions' },
      { ...request, body: { a: 1 } },
    ]) {
      assert.throws(
        () => beginJournal(store, write, other, staff),
        (e) => e instanceof AppError && e.code === 'IDEMPOTENCY_KEY_REUSED',
      );
    }
  });

  it('when a request is hashed, then method, path and canonical body all count', () => {
    const h = requestHash('post', '/v1/a', { x: 1, y: [1, 2] });
    assert.equal(h, requestHash('post', '/v1/a', { y: [1, 2], x: 1 }));
    assert.notEqual(h, requestHash('put', '/v1/a', { x: 1, y: [1, 2] }));
    assert.notEqual(h, requestHash('post', '/v1/b', { x: 1, y: [1, 2] }));
    assert.notEqual(h, requestHash('post', '/v1/a', { x: 1, y: [2, 1] }));
    assert.equal(requestHash('post', '/v1/a', undefined), requestHash('post', '/v1/a', null));
  });
});
