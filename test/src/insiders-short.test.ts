import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { assertColludersCannotGrant, assertNoCanaryOutsideParties } from './insiders/cases';
import { ensureNetwork, releaseNetwork } from './support/network';

/**
 * The short insider check of the end-to-end run (issue 12 holes 5 and 6): the cases that leave every
 * process as it was. `npm run test:faults` runs the full insider suite (rogue chaincode servers, the
 * regulator's peer down).
 */
describe('insiders (short)', () => {
  let info: NetworkInfo;
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);

  it('when Hospital2 reads a canary patient record of Hospital1 with consent, then the research institute holds no trace of the patient (hole 5)', async () => {
    await assertNoCanaryOutsideParties(info);
  });

  it("when Hospital2 and the research institute endorse an access decision on Hospital1's record, then it is refused and no content read is honoured (hole 6)", async () => {
    await assertColludersCannotGrant(info, { rogue: false });
  });
});
