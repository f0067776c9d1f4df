import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { ensureNetwork, releaseNetwork } from '../support/network';
import { assertNoCanaryOutsideParties } from './cases';

/**
 * Issue 12 hole 5 on the real consortium: after a Hospital1-to-Hospital2 access, the research
 * institute (no party to it) holds no trace of the patient anywhere on its disk.
 */
describe('insiders: hole 5, who-accessed-whom is readable by every org', () => {
  let info: NetworkInfo;
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);

  it("when Hospital2 reads Hospital1's record of a canary patient with consent, then the research institute's peer ledger, state, private data, projection and logs hold no trace of the patient, while the custodian's and the regulator's do", async () => {
    await assertNoCanaryOutsideParties(info);
  });
});
