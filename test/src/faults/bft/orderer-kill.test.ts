import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useNetwork } from '../../support/network';
import { ordererFollowerKill } from '../../support/scenario';

describe('when one BFT orderer that does not lead is SIGKILLed under light load and restarted', () => {
  const network = useNetwork();

  it('then the other three (a quorum) keep ordering: writes never stop, no 503, nothing is lost or applied twice, and the restarted orderer catches up', async () => {
    assert.equal(network().ordering, 'bft');
    const result = await ordererFollowerKill(network(), { name: 'bft-orderer-kill', resumeWithinMs: 5_000 });
    const during = Object.keys(result.statusesDuringFault);
    assert.ok(
      during.every((s) => ['200', '201'].includes(s)),
      `statuses during the fault: ${during.join(',')}`,
    );
  });
});
