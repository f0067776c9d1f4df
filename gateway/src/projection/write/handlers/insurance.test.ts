import assert from 'node:assert/strict';
import { it } from 'node:test';

import { describeEachBackend } from '../../testing/backends';
import { LedgerBuilder, txIdOf } from '../../testing/fixtures';
import { ProjectionStore } from '../store';

describeEachBackend('insurance events in the projection', (backend) => {
  it('when a coverage, a claim, a dispute and a batch pass, then each is one row of ids and orgs, and a replay adds none', async () => {
    const b = new LedgerBuilder({ salt: `insurance-${String(Date.now())}` });
    const pair = { provider: 'Hospital1MSP', insurer: 'InsurerMSP' };
    const time = (h: number) => `2026-10-0${String(h)}T10:00:00.000Z`;
    const disputeId = txIdOf('dispute');
    const events = [
      b.event('CoverageRegistered', { coverageId: 'cov-1', insurer: 'InsurerMSP' }, time(1)),
      b.event('CoverageChanged', { coverageId: 'cov-1', insurer: 'InsurerMSP', change: 'suspend' }, time(2)),
      b.event('ClaimSubmitted', { claimId: 'clm-1', ...pair }, time(3)),
      b.event('DisputeOpened', { disputeId, ...pair }, time(4)),
      b.event('DisputeResolved', { disputeId, ...pair }, time(5)),
      b.event('SettlementBatchClosed', { batchId: txIdOf('batch'), ...pair }, time(6)),
    ];
    const store = new ProjectionStore(await backend.fresh());
    await store.init();
    assert.deepEqual(await store.apply(events), { applied: 6, duplicates: 0 });
    assert.deepEqual(await store.apply(events.slice(2)), { applied: 0, duplicates: 4 });
    const rows = await store.driver.all<Record<string, unknown>>(
      'SELECT event_name, insurer, provider, subject_id, detail FROM insurance_event ORDER BY seq',
    );
    assert.deepEqual(
      rows.map((r) => [r['event_name'], r['insurer'], r['provider'], r['subject_id'], r['detail']]),
      [
        ['CoverageRegistered', 'InsurerMSP', null, 'cov-1', null],
        ['CoverageChanged', 'InsurerMSP', null, 'cov-1', 'suspend'],
        ['ClaimSubmitted', 'InsurerMSP', 'Hospital1MSP', 'clm-1', null],
        ['DisputeOpened', 'InsurerMSP', 'Hospital1MSP', disputeId, null],
        ['DisputeResolved', 'InsurerMSP', 'Hospital1MSP', disputeId, null],
        ['SettlementBatchClosed', 'InsurerMSP', 'Hospital1MSP', txIdOf('batch'), null],
      ],
    );
    await store.close();
  });
});
