import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { ensureNetwork, releaseNetwork } from '../support/network';
import { assertAnchorRewriteInvalid } from './cases';

/** Issue 12 hole 3 on the real consortium: the custodian alone cannot rewrite a past anchor. */
describe('insiders: hole 3, the custodian alone can rewrite past anchors', () => {
  let info: NetworkInfo;
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);

  it("when the custodian's own peer, running a rogue chaincode, endorses a rewrite of its anchor alone, then the transaction is invalidated and every org reads the anchor unchanged", async () => {
    await assertAnchorRewriteInvalid(info);
  });
});
