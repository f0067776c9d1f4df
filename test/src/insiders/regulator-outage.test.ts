import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { ensureNetwork, releaseNetwork } from '../support/network';
import { assertRegulatorOutageIsClean } from './cases';

/**
 * The endorsement trade-off of the privacy model (issue 12 hole 5): the regulator co-endorses every
 * patient-linked write, so its outage is an availability incident, answered cleanly.
 */
describe("insiders: the regulator's peer is down", () => {
  let info: NetworkInfo;
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);

  it("when the regulator's peer is SIGKILLed, then access decisions (naming the regulator's org as unavailable), registrations and consent grants answer 503 with Retry-After within the client deadline, public reads work, and decisions resume once every peer's gossip holds it again", async () => {
    const { refusedInMs, resumedAfterMs } = await assertRegulatorOutageIsClean(info);
    assert.ok(Math.max(...refusedInMs) < 30_000, `refused in ${refusedInMs.join(', ')} ms`);
    assert.ok(resumedAfterMs < 120_000);
  });
});
