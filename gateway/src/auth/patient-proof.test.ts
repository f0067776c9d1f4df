import assert from 'node:assert/strict';

import { AppError } from '../errors';
import { describe, it } from '../testing/node-test';
import { NonceCache } from './patient-proof';

describe('patient proof nonce cache', () => {
  it('when a nonce is used twice within its lifetime, then the second use is refused; after expiry it is forgotten', () => {
    const cache = new NonceCache(10);
    assert.equal(cache.use('a', 2_000, 1_000), true);
    assert.equal(cache.use('a', 2_000, 1_500), false);
    assert.equal(cache.use('a', 4_000, 2_000), true);
  });

  it('when the cache is full of live nonces, then new ones are refused (429), never evicted; expired ones make room', () => {
    const cache = new NonceCache(2);
    cache.use('a', 5_000, 0);
    cache.use('b', 9_000, 0);
    assert.throws(
      () => cache.use('c', 9_000, 1_000),
      (err: unknown) => err instanceof AppError && err.status === 429 && err.retryAfterSeconds === 4,
    );
    assert.equal(cache.use('a', 9_000, 2_000), false);
    assert.equal(cache.use('c', 9_000, 6_000), true);
    assert.equal(cache.size, 2);
  });
});
