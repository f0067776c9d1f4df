import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AppError } from './errors';
import { SqliteNonceCache } from './nonce-store';
import { after, describe, it } from './testing/node-test';

const P1 = 'did:medledger:patient:p1';
const P2 = 'did:medledger:patient:p2';

const rateLimited = (retryAfterSeconds: number) => (err: unknown) =>
  err instanceof AppError &&
  err.status === 429 &&
  err.code === 'RATE_LIMITED' &&
  err.retryAfterSeconds === retryAfterSeconds;

describe('patient proof nonce store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medledger-nonces-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a nonce is used twice within its lifetime, then the second use is refused; after expiry it is forgotten', () => {
    const cache = new SqliteNonceCache(':memory:', 10);
    assert.equal(cache.use(P1, 'a', 2_000, 1_000), true);
    assert.equal(cache.use(P1, 'a', 2_000, 1_500), false);
    assert.equal(cache.use(P1, 'a', 4_000, 2_000), true);
    // The same nonce of another patient is another proof.
    assert.equal(cache.use(P2, 'a', 4_000, 2_000), true);
    cache.close();
  });

  it('when the cache is full of live nonces, then new ones are refused (429), never evicted; expired ones make room', () => {
    const cache = new SqliteNonceCache(':memory:', 2);
    cache.use(P1, 'a', 5_000, 0);
    cache.use(P2, 'b', 9_000, 0);
    assert.throws(() => cache.use('did:medledger:patient:p3', 'c', 9_000, 1_000), rateLimited(4));
    assert.equal(cache.use(P1, 'a', 9_000, 2_000), false);
    assert.equal(cache.use('did:medledger:patient:p3', 'c', 9_000, 6_000), true);
    assert.equal(cache.size, 2);
    cache.close();
  });

  it('when one patient holds their quota of live nonces, then only that patient is refused (429) and others still get in', () => {
    const cache = new SqliteNonceCache(':memory:', 100, 3);
    for (const [i, nonce] of ['a', 'b', 'c'].entries()) {
      assert.equal(cache.use(P1, nonce, 10_000 + i * 1_000, 0), true);
    }
    // Retry-After is when the patient's own first nonce expires.
    assert.throws(() => cache.use(P1, 'd', 300_000, 1_000), rateLimited(9));
    assert.equal(cache.use(P2, 'a', 300_000, 1_000), true);
    assert.equal(cache.use(P2, 'd', 300_000, 1_000), true);
    // A patient whose DID begins with another's is counted apart.
    assert.equal(cache.use(`${P1}0`, 'a', 300_000, 1_000), true);
    // A replay at the quota is still a replay, not a 429.
    assert.equal(cache.use(P1, 'b', 11_000, 2_000), false);
    assert.equal(cache.size, 6);
    cache.close();
  });

  it("when a patient's nonces expire, then they free that patient's quota, also before they are pruned", () => {
    const cache = new SqliteNonceCache(':memory:', 100, 2);
    cache.use(P1, 'a', 5_000, 0);
    cache.use(P1, 'b', 9_000, 0);
    assert.throws(() => cache.use(P1, 'c', 9_000, 4_999), rateLimited(1));
    assert.equal(cache.use(P1, 'c', 20_000, 5_000), true);
    assert.throws(() => cache.use(P1, 'd', 20_000, 5_000), rateLimited(4));
    assert.equal(cache.use(P1, 'd', 20_000, 9_000), true);
    cache.close();
  });

  it('when the gateway restarts (issue 12 hole 16), then a nonce used before the restart is still refused until its proof expires', () => {
    const now = Date.now();
    const before = new SqliteNonceCache(dir);
    assert.equal(before.use(P1, 'n-1', now + 300_000, now), true);
    before.close();
    const restarted = new SqliteNonceCache(dir);
    assert.equal(restarted.use(P1, 'n-1', now + 300_000, now + 10_000), false);
    assert.equal(restarted.use(P1, 'n-2', now + 300_000, now + 10_000), true);
    assert.equal(restarted.use(P1, 'n-1', now + 600_000, now + 300_001), true);
    restarted.close();
  });

  it("when the gateway restarts, then a patient's live nonces still count against their quota", () => {
    const quotaDir = mkdtempSync(join(tmpdir(), 'medledger-nonces-'));
    try {
      const before = new SqliteNonceCache(quotaDir, 100, 2);
      before.use(P2, 'a', 60_000, 0);
      before.use(P2, 'b', 60_000, 0);
      before.close();
      const restarted = new SqliteNonceCache(quotaDir, 100, 2);
      assert.throws(() => restarted.use(P2, 'c', 60_000, 1_000), rateLimited(59));
      assert.equal(restarted.use(P1, 'c', 60_000, 1_000), true);
      restarted.close();
    } finally {
      rmSync(quotaDir, { recursive: true, force: true });
    }
  });
});
