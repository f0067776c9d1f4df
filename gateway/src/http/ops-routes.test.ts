import assert from 'node:assert/strict';

import { describe, it } from '../testing/node-test';
import { sharedCheck } from './ops-routes';

describe('one readiness check shared among its callers', () => {
  it('when calls come while a check runs, then they share it however long it runs; its outcome is reused for the window after it settled', async () => {
    let now = 0;
    let runs = 0;
    let finish = (): void => undefined;
    const check = sharedCheck(
      () => {
        runs += 1;
        return new Promise<number>((resolve) => {
          finish = () => {
            resolve(runs);
          };
        });
      },
      1000,
      () => now,
    );
    const first = check();
    now = 5000;
    assert.equal(check(), first);
    finish();
    assert.equal(await first, 1);
    now = 5999;
    assert.equal(await check(), 1);
    now = 6000;
    const next = check();
    finish();
    assert.equal(await next, 2);
    assert.equal(runs, 2);
  });

  it('when a check fails, then its failure is reused for the window only', async () => {
    let now = 0;
    let fail = true;
    let runs = 0;
    const check = sharedCheck(
      () => {
        runs += 1;
        return fail ? Promise.reject(new Error('down')) : Promise.resolve('up');
      },
      1000,
      () => now,
    );
    await assert.rejects(check(), /down/);
    fail = false;
    now = 999;
    await assert.rejects(check(), /down/);
    now = 1000;
    assert.equal(await check(), 'up');
    assert.equal(runs, 2);
  });
});
