import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Context } from 'fabric-contract-api';
import { allOf, decodePolicy, policyBytes, regulatorAndOneOf, satisfiedBy } from '../ledger/policies';
import { client, ORGS } from './harness';
import { MemoryLedger, roundTrips } from './memory-ledger';

const [H1, H2, RESEARCH, REGULATOR] = ORGS;
const signer = client(H1, 'writer-1');

function write(ledger: MemoryLedger, endorsers: string[], fn: (ctx: Context) => Promise<void>) {
  return ledger.submit({ signer, endorsers }, async (ctx) => {
    await fn(ctx);
    return '';
  });
}

void describe('memory ledger (Fabric semantics the privacy model relies on)', () => {
  void it('when a peer of a non-member org reads a private value that exists, then it fails; a missing key reads empty; the hash reads everywhere', async () => {
    const ledger = new MemoryLedger({ orgs: ORGS });
    const tx = await write(ledger, [H1, REGULATOR], (ctx) =>
      ctx.stub.putPrivateData('sealed-hospital1', 'k', Buffer.from('v')),
    );
    assert.equal(tx.status, 'VALID');
    const readOn = (peer: string, key: string) =>
      ledger.evaluate({ signer, peer }, async (ctx) =>
        Buffer.from(await ctx.stub.getPrivateData('sealed-hospital1', key)).toString(),
      );
    assert.equal(await readOn(REGULATOR, 'k'), 'v');
    await assert.rejects(readOn(H2, 'k'), /private data matching public hash version is not available/);
    assert.equal(await readOn(H2, 'missing'), '');
    const hash = await ledger.evaluate({ signer, peer: RESEARCH }, async (ctx) =>
      Buffer.from(await ctx.stub.getPrivateDataHash('sealed-hospital1', 'k')).toString('hex'),
    );
    assert.match(hash, /^[0-9a-f]{64}$/);
    await assert.rejects(
      ledger.evaluate({ signer }, (ctx) => ctx.stub.getPrivateData('nope', 'k')),
      /not defined/,
    );
  });

  void it('when a transaction range-scans private data, then it may not write, and a transaction that wrote may not range-scan private data (as the real peer, found on the real network)', async () => {
    const ledger = new MemoryLedger({ orgs: ORGS });
    const scan = async (ctx: Context) => {
      const res = (await ctx.stub.getPrivateDataByRange('sealed-hospital1', '', '')) as unknown as {
        iterator: { close(): Promise<void> };
      };
      await res.iterator.close();
    };
    await assert.rejects(
      write(ledger, [H1, REGULATOR], async (ctx) => {
        await scan(ctx);
        await ctx.stub.putState('k', Buffer.from('v'));
      }),
      /Transaction has already performed queries on pvt data\. Writes are not allowed/,
    );
    await assert.rejects(
      write(ledger, [H1, REGULATOR], async (ctx) => {
        await ctx.stub.putPrivateData('sealed-hospital1', 'k', Buffer.from('v'));
        await scan(ctx);
      }),
      /Queries on pvt data is supported only in a read-only transaction/,
    );
    await ledger.evaluate({ signer }, scan);
  });

  void it('when a collection is member-only-read, then a creator of another org is refused even on a member peer', async () => {
    const ledger = new MemoryLedger({
      orgs: ORGS,
      collections: [
        { name: 'closed', members: [H1], endorsers: [H1], memberOnlyRead: true, memberOnlyWrite: false },
      ],
    });
    await assert.rejects(
      ledger.evaluate({ signer: client(H2, 'reader-2'), peer: H1 }, (ctx) =>
        ctx.stub.getPrivateData('closed', 'k'),
      ),
      /tx creator does not have read access permission/,
    );
  });

  void it('when a sealed collection is written without every org of its endorsement policy, then the transaction is invalid', async () => {
    const ledger = new MemoryLedger({ orgs: ORGS });
    const put = (ctx: Context) => ctx.stub.putPrivateData('sealed-hospital1', 'k', Buffer.from('v'));
    assert.equal((await write(ledger, [H1], put)).status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.equal((await write(ledger, [H2, RESEARCH, REGULATOR], put)).status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.equal((await write(ledger, [H1, REGULATOR], put)).status, 'VALID');
  });

  void it('when a key gets a key-level policy, then its creation follows the chaincode policy and every change follows the key-level one', async () => {
    const ledger = new MemoryLedger({ orgs: ORGS });
    const create = await write(ledger, [H2, RESEARCH], async (ctx) => {
      await ctx.stub.putState('k', Buffer.from('1'));
      await ctx.stub.setStateValidationParameter('k', policyBytes(allOf([H1])));
    });
    assert.equal(create.status, 'VALID', 'creation: two orgs suffice, whatever the new policy says');
    const update = (endorsers: string[]) =>
      write(ledger, endorsers, (ctx) => ctx.stub.putState('k', Buffer.from('2')));
    assert.equal((await update([H2, RESEARCH])).status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.equal((await update([H1])).status, 'VALID');
  });

  void it('when the regulator-and-one policy is encoded and evaluated, then it needs the regulator and one other org', () => {
    const policy = decodePolicy(policyBytes(regulatorAndOneOf(REGULATOR, ORGS)));
    assert.equal(satisfiedBy(policy, new Set([REGULATOR, H1])), true);
    assert.equal(satisfiedBy(policy, new Set([H1, H2, RESEARCH])), false);
    assert.equal(satisfiedBy(policy, new Set([REGULATOR])), false);
    assert.equal(satisfiedBy(decodePolicy(policyBytes(allOf(ORGS))), new Set([H1, H2, RESEARCH])), false);
  });

  void it('when a transaction reads and writes, then each shim call counts as one round trip, a range read counts one per further batch of 100 and its close', async () => {
    const ledger = new MemoryLedger({ orgs: ORGS });
    await write(ledger, [H1, H2], async (ctx) => {
      for (let i = 0; i < 250; i++)
        await ctx.stub.putState(`r/${String(i).padStart(3, '0')}`, Buffer.from('v'));
    });
    const tx = await write(ledger, [H1, REGULATOR], async (ctx) => {
      await ctx.stub.getState('r/000');
      await ctx.stub.getPrivateDataHash('sealed-hospital1', 'k');
      const it = await ctx.stub.getStateByRange('r/', 'r/~');
      let n = 0;
      while (!(await it.next()).done) n += 1;
      assert.equal(n, 250);
      await it.close();
      const short = await ctx.stub.getStateByRange('r/', 'r/~');
      await short.next();
      await short.close();
      await ctx.stub.putPrivateData('sealed-hospital1', 'k', Buffer.from('v'));
    });
    assert.deepEqual(tx.calls, {
      getState: 1,
      getPrivateDataHash: 1,
      getStateByRange: 2,
      queryStateNext: 2,
      queryStateClose: 2,
      putPrivateData: 1,
    });
    assert.equal(roundTrips(tx.calls), 9);
    assert.deepEqual(ledger.lastCalls, tx.calls);
  });
});
