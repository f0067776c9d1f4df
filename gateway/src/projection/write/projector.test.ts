import assert from 'node:assert/strict';
import { it } from 'node:test';

import fc from 'fast-check';

import { describeEachBackend, type TestBackend } from '../testing/backends';
import { dumpProjection } from '../testing/fixtures';
import { InterceptedDriver } from '../testing/intercepted-driver';
import { MemoryEventSource } from '../testing/memory-source';
import { randomLedger } from '../testing/random-ledger';
import { checkConsistency, rebuild } from '../tools/maintenance';
import { Projector } from './projector';
import type { EventSource, EventStream, OpenOptions, SourceEvent } from './source';
import type { SqlDriver } from './sql/driver';
import { ProjectionStore } from './store';

/** Fails the `crashAt`-th statement, by throwing or by closing the database under the projector. */
function crashingDriver(inner: SqlDriver, crashAt: number, mode: 'throw' | 'close'): SqlDriver {
  let calls = 0;
  return new InterceptedDriver(inner, async () => {
    calls += 1;
    if (calls === crashAt) {
      if (mode === 'close') await inner.close();
      throw new Error('crash');
    }
  });
}

async function onePass(
  backend: TestBackend,
  events: readonly SourceEvent[],
): Promise<Record<string, unknown[]>> {
  const source = new MemoryEventSource();
  source.append(...events);
  const store = new ProjectionStore(await backend.fresh());
  await store.init();
  await new Projector(source, store, { batchSize: 1000 }).run(await source.height());
  const dump = await dumpProjection(store.driver);
  await store.close();
  return dump;
}

/** A source that ignores the checkpoint and replays everything from block 0. */
class ReplayingSource implements EventSource {
  constructor(readonly inner: MemoryEventSource) {}
  open(options: Readonly<OpenOptions>): Promise<EventStream> {
    return this.inner.open(options.endBlock === undefined ? {} : { endBlock: options.endBlock });
  }
  height(): Promise<bigint> {
    return this.inner.height();
  }
}

describeEachBackend('projector', (backend) => {
  it('when the projector crashes repeatedly mid-batch, then the projection equals a one-pass projection and the ledger', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 150 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 400 }), fc.boolean()), { maxLength: 8 }),
        fc.integer({ min: 1, max: 40 }),
        async (kinds, crashes, batchSize) => {
          const events = randomLedger(kinds, `crash-${kinds.length}-${batchSize}`);
          const source = new MemoryEventSource();
          source.append(...events);
          const height = await source.height();
          const db = await backend.durable();
          try {
            for (const [crashAt, close] of crashes) {
              const driver = crashingDriver(db.open(), crashAt, close ? 'close' : 'throw');
              const store = new ProjectionStore(driver);
              try {
                await store.init();
                await new Projector(source, store, { batchSize }).run(height);
              } catch {
                // the crash: the next iteration restarts from the stored checkpoint
              }
              await driver.close();
            }
            const store = new ProjectionStore(db.open());
            await store.init();
            await new Projector(source, store, { batchSize }).run(height);
            const dump = await dumpProjection(store.driver);
            assert.deepEqual(dump, await onePass(backend, events));
            assert.equal(dump['ledger_tx']?.length, events.length);
            const check = await checkConsistency(source, store, 3);
            assert.equal(check.ok, true);
            await rebuild(source, store);
            assert.deepEqual(await dumpProjection(store.driver), dump);
            await store.close();
          } finally {
            await db.drop();
          }
        },
      ),
      // Every statement is a round trip on PostgreSQL: fewer runs keep the suite within seconds.
      { numRuns: backend.dialect === 'sqlite' ? 40 : 12 },
    );
  });

  it('when the source replays events already projected, then they are recognized and ignored', async () => {
    const events = randomLedger([0, 1, 2, 3, 5, 7, 8, 9, 10, 11, 14, 21], 'replay');
    const memory = new MemoryEventSource();
    memory.append(...events.slice(0, 6));
    const store = new ProjectionStore(await backend.fresh());
    await store.init();
    const source = new ReplayingSource(memory);
    await new Projector(source, store).run(await memory.height());
    memory.append(...events.slice(6));
    let duplicates = 0;
    await new Projector(source, store, {
      onBatch: (b) => {
        duplicates += b.duplicates;
      },
    }).run(await memory.height());
    assert.equal(duplicates, 6);
    assert.deepEqual(await dumpProjection(store.driver), await onePass(backend, events));
    await store.close();
  });

  it('when following a live source, then events appended later are projected within the flush delay', async () => {
    const events = randomLedger([0, 1, 2, 3], 'live');
    const source = new MemoryEventSource();
    const store = new ProjectionStore(await backend.fresh());
    await store.init();
    const projector = new Projector(source, store, { batchSize: 100, flushMs: 5 });
    const running = projector.run();
    source.append(...events);
    for (let i = 0; i < 100 && (await store.checkpoint())?.txId !== events[3]?.txId; i += 1) {
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal((await store.checkpoint())?.txId, events[3]?.txId);
    projector.stop();
    assert.equal(await running, 4);
    await store.close();
  });
});
