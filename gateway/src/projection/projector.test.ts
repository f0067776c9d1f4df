import assert from 'node:assert/strict';
import { it } from 'node:test';

import fc from 'fast-check';

import { LedgerBuilder, dumpProjection, txIdOf } from './fixtures';
import { checkConsistency, rebuild } from './maintenance';
import { MemoryEventSource } from './memory-source';
import { Projector } from './projector';
import type { SqlDriver, SqlValue } from './sql';
import { ProjectionStore } from './store';
import { describeEachBackend, type TestBackend } from './test-backends';
import type { EventSource, EventStream, OpenOptions, SourceEvent } from './types';

const HOSPITALS = ['Hospital1MSP', 'Hospital2MSP'] as const;

/** A ledger of `kinds.length` events of mixed types, deterministic in `kinds`. */
function randomLedger(kinds: readonly number[], salt: string): SourceEvent[] {
  const b = new LedgerBuilder({ salt });
  const out: SourceEvent[] = [];
  const consents: string[] = [];
  const records: { recordId: string; version: number }[] = [];
  const breakGlass: string[] = [];
  let t = Date.parse('2025-01-01T00:00:00Z');
  kinds.forEach((k, i) => {
    t += 60_000;
    const time = new Date(t).toISOString();
    if (k % 7 === 0) b.nextBlock();
    const patientDid = `did:medledger:patient:p${String(k % 5).padStart(8, '0')}`;
    const custodian = HOSPITALS[k % 2] ?? 'Hospital1MSP';
    switch (k % 8) {
      case 0:
      case 1:
      case 2: {
        const txId = b.peekTxId();
        const bg = k % 11 === 0;
        if (bg) breakGlass.push(txId);
        out.push(
          b.event(
            'AccessDecided',
            {
              eventId: txId,
              recordId: `rec-${k % 4}`,
              patientDid,
              custodian,
              actorDid: `did:medledger:hospital${(k % 2) + 1}:doc${k % 3}`,
              actorMsp: HOSPITALS[(k >> 1) % 2] ?? 'Hospital1MSP',
              actorRole: 'attending',
              purpose: bg ? 'emergency' : 'treatment',
              outcome: k % 3 === 0 ? 'denied' : 'granted',
              reason: bg ? 'BREAK_GLASS' : k % 3 === 0 ? 'NO_CONSENT' : 'CUSTODIAN_TREATMENT',
              consentId: null,
              breakGlass: bg,
            },
            time,
            txId,
          ),
        );
        break;
      }
      case 3: {
        const consentId = b.peekTxId();
        consents.push(consentId);
        out.push(b.event('ConsentGranted', { consentId, patientDid, grantee: `org:${custodian}` }, time));
        break;
      }
      case 4: {
        const consentId = consents.shift();
        if (consentId) {
          out.push(b.event('ConsentRevoked', { consentId, patientDid, grantee: `org:${custodian}` }, time));
        } else {
          out.push(b.event('PatientRegistered', { patientDid, registeredBy: custodian }, time));
        }
        break;
      }
      case 5: {
        const rec = { recordId: `rec-${i}`, version: 1 };
        records.push(rec);
        out.push(
          b.event(
            'RecordAnchored',
            {
              ...rec,
              patientDid,
              custodian,
              contentHash: txIdOf(rec.recordId),
              qualityStatus: k % 2 === 0 ? 'needs_review' : 'accepted',
            },
            time,
          ),
        );
        break;
      }
      case 6: {
        const rec = records.shift();
        if (rec)
          out.push(
            b.event('RecordQualityReviewed', { ...rec, reviewedBy: 'did:medledger:hospital1:qa' }, time),
          );
        else
          out.push(
            b.event(
              'StaffRegistered',
              { did: `did:medledger:hospital1:s${i}`, org: custodian, role: 'nurse' },
              time,
            ),
          );
        break;
      }
      default: {
        const accessId = breakGlass.shift();
        if (accessId) {
          out.push(
            b.event(
              'BreakGlassReviewed',
              { accessId, recordId: 'rec-0', outcome: 'justified', reviewedBy: 'did:medledger:regulator:a1' },
              time,
            ),
          );
        } else {
          out.push(
            b.event(
              'RecordContentErased',
              { recordId: `rec-${k % 4}`, versions: [1], custodian, reason: 'data_error' },
              time,
            ),
          );
        }
      }
    }
  });
  return out;
}

/** Fails the `crashAt`-th statement, by throwing or by closing the database under the projector. */
class CrashingDriver implements SqlDriver {
  #calls = 0;
  constructor(
    readonly inner: SqlDriver,
    readonly crashAt: number,
    readonly mode: 'throw' | 'close',
  ) {}
  get dialect(): SqlDriver['dialect'] {
    return this.inner.dialect;
  }
  async #tick(): Promise<void> {
    this.#calls += 1;
    if (this.#calls === this.crashAt) {
      if (this.mode === 'close') await this.inner.close();
      throw new Error('crash');
    }
  }
  async all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    await this.#tick();
    return this.inner.all<T>(sql, params);
  }
  async run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    await this.#tick();
    return this.inner.run(sql, params);
  }
  exec(sql: string): Promise<void> {
    return this.inner.exec(sql);
  }
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.inner.transaction(fn);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
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
              const driver = new CrashingDriver(db.open(), crashAt, close ? 'close' : 'throw');
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

  it('when block numbers are beyond 32 bits, then the checkpoint and the rows keep them exactly', async () => {
    const b = new LedgerBuilder({ salt: 'big', firstBlock: BigInt(Number.MAX_SAFE_INTEGER) - 1n });
    const time = '2025-01-01T00:00:00.000Z';
    const first = b.event(
      'PatientRegistered',
      { patientDid: 'did:medledger:patient:p00000001', registeredBy: 'Hospital1MSP' },
      time,
    );
    b.nextBlock();
    const last = b.event(
      'PatientRegistered',
      { patientDid: 'did:medledger:patient:p00000002', registeredBy: 'Hospital1MSP' },
      time,
    );
    const store = new ProjectionStore(await backend.fresh());
    await store.init();
    assert.deepEqual(await store.apply([first, last]), { applied: 2, duplicates: 0 });
    assert.equal((await store.checkpoint())?.blockNumber, BigInt(Number.MAX_SAFE_INTEGER));
    const rows = await store.ledgerRows(0, 10);
    assert.deepEqual(
      rows.map((r) => BigInt(r.block_number)),
      [BigInt(Number.MAX_SAFE_INTEGER) - 1n, BigInt(Number.MAX_SAFE_INTEGER)],
    );
    assert.deepEqual(await store.apply([last]), { applied: 0, duplicates: 1 });
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
