import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';

import { describeEachBackend } from '../../testing/backends';
import { LedgerBuilder, txIdOf } from '../../testing/fixtures';
import { MemoryEventSource } from '../../testing/memory-source';
import { Projector } from '../../write/projector';
import { ProjectionStore } from '../../write/store';
import { ProjectionService } from '../service';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const NOW = new Date('2025-06-10T12:00:00.000Z');

/**
 * Four erasure requests: at Hospital1 one still within its deadline, one left unanswered past it, one
 * erased late; at Hospital2 one refused in time.
 */
function events() {
  const b = new LedgerBuilder({ salt: `erasure-requests-${randomBytes(4).toString('hex')}` });
  const ask = (id: string, custodian: string, txTime: string, dueAt: string) =>
    b.event('ErasureRequested', { requestId: txIdOf(id), custodian, recordId: `rec-${id}`, dueAt }, txTime);
  return [
    ask('open', H1, '2025-06-01T08:00:00Z', '2025-07-01T08:00:00.000Z'),
    ask('ignored', H1, '2025-04-01T08:00:00Z', '2025-05-01T08:00:00.000Z'),
    ask('late', H1, '2025-04-02T08:00:00Z', '2025-05-02T08:00:00.000Z'),
    ask('refused', H2, '2025-05-20T08:00:00Z', '2025-06-19T08:00:00.000Z'),
    b.event(
      'ErasureRequestAnswered',
      {
        requestId: txIdOf('late'),
        custodian: H1,
        recordId: 'rec-late',
        answer: 'erased',
        refusal: null,
        versions: [1, 2],
        late: true,
      },
      '2025-06-05T08:00:00Z',
    ),
    b.event(
      'ErasureRequestAnswered',
      {
        requestId: txIdOf('refused'),
        custodian: H2,
        recordId: 'rec-refused',
        answer: 'refused',
        refusal: 'retention_duty',
        versions: [],
        late: false,
      },
      '2025-06-06T08:00:00Z',
    ),
  ];
}

describeEachBackend('compliance report: erasure requests', (backend) => {
  let store: ProjectionStore | undefined;
  let service: ProjectionService;
  before(async () => {
    const source = new MemoryEventSource();
    source.append(...events());
    store = new ProjectionStore(await backend.fresh());
    await store.init();
    await new Projector(source, store).run(await source.height());
    service = new ProjectionService(store.driver, { cursorKey: randomBytes(32) });
  });
  after(async () => {
    await store?.close();
  });

  it('when a custodian leaves a request unanswered past its deadline, then the regulator report lists it overdue first, and an erasure answered late lands in the erasures too', async () => {
    const r = await service.complianceReport(
      { kind: 'auditor' },
      '2025-06-01T00:00:00Z',
      '2025-06-10T00:00:00Z',
      NOW,
    );
    assert.deepEqual(
      r.erasureRequests.map((e) => [e.recordId, e.status, e.late, e.refusal]),
      [
        ['rec-ignored', 'overdue', true, null],
        ['rec-open', 'open', false, null],
        ['rec-late', 'erased', true, null],
        ['rec-refused', 'refused', false, 'retention_duty'],
      ],
    );
    assert.deepEqual(
      r.erasures.map((e) => [e.recordId, e.versions, e.reason]),
      [['rec-late', [1, 2], 'patient_request']],
    );
  });

  it("when Hospital1's admin asks, then only Hospital1's requests are in its report", async () => {
    const r = await service.complianceReport(
      { kind: 'hospital', mspId: H1 },
      '2025-06-01T00:00:00Z',
      '2025-06-10T00:00:00Z',
      NOW,
    );
    assert.deepEqual(
      r.erasureRequests.map((e) => e.recordId),
      ['rec-ignored', 'rec-open', 'rec-late'],
    );
  });
});
