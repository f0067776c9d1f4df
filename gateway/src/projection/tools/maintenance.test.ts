import assert from 'node:assert/strict';
import { it } from 'node:test';

import { describeEachBackend } from '../testing/backends';
import { MemoryEventSource } from '../testing/memory-source';
import { randomLedger } from '../testing/random-ledger';
import { Projector } from '../write/projector';
import { ProjectionStore } from '../write/store';
import { checkConsistency } from './maintenance';

describeEachBackend('consistency check', (backend) => {
  it('when the projection differs from the ledger, then the check names the block range', async () => {
    const events = randomLedger([0, 1, 2, 3, 7, 14, 21, 28, 35], 'diff');
    const source = new MemoryEventSource();
    source.append(...events);
    const store = new ProjectionStore(await backend.fresh());
    await store.init();
    await new Projector(source, store).run(await source.height());
    assert.equal((await checkConsistency(source, store, 2)).ok, true);
    const victim = events[0];
    assert.ok(victim);
    await store.driver.run('DELETE FROM ledger_tx WHERE tx_id = ?', [victim.txId]);
    const report = await checkConsistency(source, store, 2);
    assert.equal(report.ok, false);
    const bad = report.ranges.filter((r) => !r.ok);
    assert.equal(bad.length, 1);
    assert.ok(
      bad[0] &&
        bad[0].fromBlock <= Number(victim.blockNumber) &&
        Number(victim.blockNumber) <= bad[0].toBlock,
    );
    await store.close();
  });
});
