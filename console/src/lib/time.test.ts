import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { bucketsOf, isoOfLocal } from './time';

describe('report time ranges', () => {
  it('when thirty days are cut, then at most twelve whole-day buckets cover the range without gaps', () => {
    const from = Date.UTC(2026, 0, 1);
    const to = Date.UTC(2026, 0, 31);
    const buckets = bucketsOf(from, to);
    assert.ok(buckets.length <= 12 && buckets.length >= 10, String(buckets.length));
    assert.equal(buckets[0]?.from, new Date(from).toISOString());
    assert.equal(buckets.at(-1)?.to, new Date(to).toISOString());
    for (let i = 1; i < buckets.length; i++) assert.equal(buckets[i]?.from, buckets[i - 1]?.to);
    const first = buckets[0];
    assert.ok(first);
    assert.equal((Date.parse(first.to) - from) % 86_400_000, 0);
  });

  it('when a day is cut, then the buckets are whole hours', () => {
    const from = Date.UTC(2026, 0, 1, 6);
    const buckets = bucketsOf(from, from + 86_400_000);
    assert.equal(buckets.length, 12);
    assert.equal(Date.parse(buckets[0]?.to ?? '') - from, 2 * 3_600_000);
  });

  it('when a form value is empty or not a time, then no instant is sent', () => {
    assert.equal(isoOfLocal(''), '');
    assert.equal(isoOfLocal('not a time'), '');
    assert.match(isoOfLocal('2026-01-02T03:04'), /^2026-01-0[12]T\d\d:04:00\.000Z$/);
  });
});
