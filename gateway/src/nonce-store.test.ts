import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AppError } from './errors';
import { SqliteNonceCache } from './nonce-store';
import { after, describe, it } from './testing/node-test';

describe('patient proof nonce store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medledger-nonces-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a nonce is used twice within its lifetime, then the second use is refused; after expiry it is forgotten', () => {
    const cache = new SqliteNonceCache(':memory:', 10);
    assert.equal(cache.use('a', 2_000, 1_000), true);
    assert.equal(cache.use('a', 2_000, 1_500), false);
    assert.equal(cache.use('a', 4_000, 2_000), true);
    cache.close();
  });

  it('when the cache is full of live nonces, then new ones are refused (429), never evicted; expired ones make room', () => {
    const cache = new SqliteNonceCache(':memory:', 2);
    cache.use('a', 5_000, 0);
    cache.use('b', 9_000, 0);
    assert.throws(
      () => cache.use('c', 9_000, 1_000),
      (err: unknown) => err instanceof AppError && err.status === 429 && err.retryAfterSeconds === 4,
    );
    assert.equal(cache.use('a', 9_000, 2_000), false);
    assert.equal(cache.use('c', 9_000, 6_000), true);
    assert.equal(cache.size, 2);
    cache.close();
  });

  it('when the gateway restarts (issue 12 hole 16), then a nonce used before the restart is still refused until its proof expires', () => {
    const now = Date.now();
    const before = new SqliteNonceCache(dir);
    assert.equal(before.use('did:medledger:patient:p1\nn-1', now + 300_000, now), true);
    before.close();
    const restarted = new SqliteNonceCache(dir);
    assert.equal(restarted.use('did:medledger:patient:p1\nn-1', now + 300_000, now + 10_000), false);
    assert.equal(restarted.use('did:medledger:patient:p1\nn-2', now + 300_000, now + 10_000), true);
    assert.equal(restarted.use('did:medledger:patient:p1\nn-1', now + 600_000, now + 300_001), true);
    restarted.close();
  });
});
