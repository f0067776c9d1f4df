import { describe, it } from 'node:test';
import { assertNoCanaryLeak } from '../support/leak-check';
import { useNetwork } from '../support/network';

// Named z-* so that it runs after every scenario of the suite has written its canaries.
describe('canary personal data after the whole fault suite', () => {
  const network = useNetwork();

  it('when every scenario has run, then no canary is in any log, block file, state or gateway database, the private store of the custodian included', () => {
    assertNoCanaryLeak(network());
  });
});
