import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { ensureNetwork, releaseNetwork } from '../support/network';
import { assertColludersCannotGrant } from './cases';

/** Issue 12 hole 6 on the real consortium: two colluding orgs cannot fabricate an access grant. */
describe('insiders: hole 6, two colluding orgs can fabricate an access grant', () => {
  let info: NetworkInfo;
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);

  it("when Hospital2 and the research institute endorse an access decision on Hospital1's record, or their rogue chaincode writes a grant into Hospital1's sealed collection, then nothing commits VALID and Hospital1's peer honours no content read with it", async () => {
    await assertColludersCannotGrant(info, { rogue: true });
  });
});
