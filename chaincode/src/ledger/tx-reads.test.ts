import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Context } from 'fabric-contract-api';
import { client, ORGS, uid } from '../testing/harness';
import { MemoryLedger } from '../testing/memory-ledger';
import { TxReads, txReadsOf } from './tx-reads';

const [H1, , , REGULATOR] = ORGS;
const COLLECTION = 'sealed-hospital1';
const signer = client(H1, 'reader-1');
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

async function seed(ledger: MemoryLedger, pub: Record<string, string>, sealed: Record<string, string> = {}) {
  const tx = await ledger.submit({ signer, endorsers: [H1, REGULATOR] }, async (ctx) => {
    for (const [k, v] of Object.entries(pub)) await ctx.stub.putState(k, Buffer.from(v));
    for (const [k, v] of Object.entries(sealed)) await ctx.stub.putPrivateData(COLLECTION, k, Buffer.from(v));
    return '';
  });
  assert.equal(tx.status, 'VALID');
}

/** Runs `fn` as a transaction endorsed by Hospital1 and the regulator; returns its response and calls. */
async function inTx<T>(ledger: MemoryLedger, fn: (ctx: Context) => Promise<T>) {
  const tx = await ledger.submit({ signer, endorsers: [H1, REGULATOR] }, fn);
  return { response: tx.response, calls: tx.calls };
}

void describe('TxReads (one read per key per transaction, with Fabric semantics)', () => {
  void it('when a public or private key is read twice in one transaction, then the peer is asked once, and the hash of a value read is not asked for', async () => {
    const ledger = new MemoryLedger({ orgs: ORGS });
    const [k, p] = [uid('k'), uid('p')];
    await seed(ledger, { [k]: 'v1' }, { [p]: 'secret' });
    const { response, calls } = await inTx(ledger, async (ctx) => {
      const reads = txReadsOf(ctx);
      const a = text(await reads.state(k));
      const b = text(await txReadsOf(ctx).state(k));
      const c = text(await reads.privateData(COLLECTION, p));
      const d = text(await reads.privateData(COLLECTION, p));
      const hash = Buffer.from(await reads.privateDataHash(COLLECTION, p)).toString('hex');
      const peerHash = Buffer.from(await ctx.stub.getPrivateDataHash(COLLECTION, p)).toString('hex');
      return [a, b, c, d, hash === peerHash ? 'same hash' : 'other hash'];
    });
    assert.deepEqual(response, ['v1', 'v1', 'secret', 'secret', 'same hash']);
    // The one getPrivateDataHash is the test's own comparison, straight to the stub.
    assert.deepEqual(calls, { getState: 1, getPrivateData: 1, getPrivateDataHash: 1 });
  });

  void it('when keys are read ahead, then the peer is asked once for those not read yet (one key alone as a plain read), and the reads after it answer the committed values, absent ones empty', async () => {
    const ledger = new MemoryLedger({ orgs: ORGS });
    const [a, b, known, absent] = [uid('a'), uid('b'), uid('known'), uid('absent')];
    await seed(ledger, { [a]: 'A', [b]: 'B', [known]: 'K' });
    const { response, calls } = await inTx(ledger, async (ctx) => {
      const reads = txReadsOf(ctx);
      await reads.state(known);
      await reads.readAhead([a, known, b, absent, a]);
      await reads.readAhead([known, a]);
      const values = [];
      for (const key of [a, b, known, absent]) values.push(text(await reads.state(key)));
      return values;
    });
    assert.deepEqual(response, ['A', 'B', 'K', '']);
    assert.deepEqual(calls, { getState: 1, getMultipleStates: 1 });
    const alone = await inTx(ledger, async (ctx) => {
      await txReadsOf(ctx).readAhead([a, a]);
      return text(await txReadsOf(ctx).state(a));
    });
    assert.deepEqual([alone.response, alone.calls], ['A', { getState: 1 }]);
  });

  void it('when the peer answers a multi-key read with fewer values than keys (a state database it could not read), then the read fails and no key is taken for absent', async () => {
    const asked: string[][] = [];
    const reads = new TxReads({
      getMultipleStates: (...keys: string[]) => {
        asked.push(keys);
        return Promise.resolve([]);
      },
      getState: () => Promise.reject(new Error('not asked')),
      getPrivateData: () => Promise.reject(new Error('not asked')),
      getPrivateDataHash: () => Promise.reject(new Error('not asked')),
    });
    await assert.rejects(reads.readAhead(['staff', 'latest']), /answered 0 of 2 keys/);
    assert.deepEqual(asked, [['staff', 'latest']]);
    assert.equal(reads.known('staff'), undefined, 'the key is not known absent');
    assert.equal(reads.known('latest'), undefined);
  });

  void it('when a transaction writes a key, then its reads still answer the committed value, read before or not (no read-your-writes), and the write commits', async () => {
    const ledger = new MemoryLedger({ orgs: ORGS });
    const [read, unread, fresh] = [uid('read'), uid('unread'), uid('fresh')];
    await seed(ledger, { [read]: 'old', [unread]: 'old' });
    const { response } = await inTx(ledger, async (ctx) => {
      const reads = txReadsOf(ctx);
      const before = text(await reads.state(read));
      await ctx.stub.putState(read, Buffer.from('new'));
      await ctx.stub.putState(unread, Buffer.from('new'));
      await ctx.stub.putState(fresh, Buffer.from('new'));
      return [
        before,
        text(await reads.state(read)),
        text(await reads.state(unread)),
        text(await reads.state(fresh)),
      ];
    });
    assert.deepEqual(response, ['old', 'old', 'old', '']);
    assert.equal(ledger.getCommitted(read)?.toString(), 'new');
    const { response: next } = await inTx(ledger, async (ctx) => text(await txReadsOf(ctx).state(read)));
    assert.equal(next, 'new', 'the next transaction starts with nothing read');
  });

  void it('when a range was read to its end, then a key inside it is answered without asking (absent: empty), a key outside is asked, and a range stopped early answers nothing', async () => {
    const ledger = new MemoryLedger({ orgs: ORGS });
    const prefix = uid('range');
    await seed(ledger, { [`${prefix}/a`]: 'A', [`${prefix}/b`]: 'B', [`${prefix}~out`]: 'O' });
    const { response, calls } = await inTx(ledger, async (ctx) => {
      const reads = txReadsOf(ctx);
      const it = await ctx.stub.getStateByRange(`${prefix}/`, `${prefix}/\u{10FFFF}`);
      const kvs = [(await it.next()).value, (await it.next()).value];
      assert.equal((await it.next()).done, true);
      reads.rangeRead(`${prefix}/`, `${prefix}/\u{10FFFF}`, kvs, true);
      return [
        text(await reads.state(`${prefix}/a`)),
        text(await reads.state(`${prefix}/missing`)),
        text(await reads.state(`${prefix}~out`)),
      ];
    });
    assert.deepEqual(response, ['A', '', 'O']);
    assert.deepEqual(calls, { getStateByRange: 1, getState: 1 });
    const { response: partial, calls: partialCalls } = await inTx(ledger, async (ctx) => {
      const reads = txReadsOf(ctx);
      reads.rangeRead(`${prefix}/`, `${prefix}/\u{10FFFF}`, [], false);
      return text(await reads.state(`${prefix}/b`));
    });
    assert.equal(partial, 'B');
    assert.deepEqual(partialCalls, { getState: 1 });
  });

  void it('when a peer outside the collection is refused a private value, then the refusal is not kept and the next read asks again', async () => {
    const ledger = new MemoryLedger({ orgs: ORGS });
    const p = uid('p');
    await seed(ledger, {}, { [p]: 'secret' });
    const refusals = await ledger.evaluate({ signer: client('Hospital2MSP', 'reader-2') }, async (ctx) => {
      const reads = txReadsOf(ctx);
      let refused = 0;
      for (let i = 0; i < 2; i++) {
        await reads.privateData(COLLECTION, p).catch(() => (refused += 1));
      }
      return refused;
    });
    assert.equal(refusals, 2);
    assert.deepEqual(ledger.lastCalls, { getPrivateData: 2 });
  });
});
