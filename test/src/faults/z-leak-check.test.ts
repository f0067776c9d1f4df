import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { assertNoCanaryLeak } from '../support/leak-check';
import { ensureNetwork, releaseNetwork } from '../support/network';

// Named z-* so that it runs after every scenario of the suite has written its canaries.
describe('canary personal data after the whole fault suite', () => {
  let info: NetworkInfo;
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);

  it('when every scenario has run, then no canary is in any log, block file, state or gateway database outside the custodian private store', () => {
    assertNoCanaryLeak(info);
  });
});
