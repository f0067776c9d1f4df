import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalBytes, MAX_OPEN_ENTRIES, sealedCollection, type SettlementEntry } from '@medledger/domain';
import type { Context } from 'fabric-contract-api';
import type { FakeSigner } from './testing/fake-identity';
import { orgAdmin, registerStaff } from './testing/harness';
import {
  INSURER,
  insuranceWorld,
  line,
  submitClaim,
  type InsuranceWorld,
} from './testing/insurance-fixtures';

const H1 = 'Hospital1MSP';
const REGULATOR = 'RegulatorMSP';
const PAIR_ENDORSERS = [H1, INSURER, REGULATOR];
const nonce = (): string => randomBytes(32).toString('hex');

type Open = { entries: string[]; moreEntries: boolean };
type Unindexed = { entries: string[]; scanned: number; next: string | null };

async function openEntries(
  w: InsuranceWorld,
  who: FakeSigner,
  q: { currency?: string; limit?: number } = {},
): Promise<Open> {
  const held = await w.h.evaluate<Open>(who, 'insurance:GetSettlementContext', {
    provider: H1,
    insurer: INSURER,
    claimId: null,
    disputeId: null,
    openEntries: true,
    ...q,
  });
  return { entries: held.entries, moreEntries: held.moreEntries };
}

function unindexed(
  w: InsuranceWorld,
  who: FakeSigner,
  after: string | null,
  limit = 500,
): Promise<Unindexed> {
  return w.h.evaluate<Unindexed>(who, 'insurance:GetUnindexedSettlementEntries', {
    provider: H1,
    insurer: INSURER,
    after,
    limit,
  });
}

function indexEntries(w: InsuranceWorld, who: FakeSigner, entries: readonly string[], provider = H1) {
  return w.h.submit<{ entries: number }>(
    who,
    'insurance:IndexOpenSettlementEntries',
    { provider, insurer: INSURER },
    { transient: { presented: { entries, nonce: nonce() } } },
  );
}

function closeBatch(w: InsuranceWorld, entries: readonly string[]) {
  return w.h.submit<{ batchId: string; entries: number }>(
    w.insurerAdmin,
    'insurance:CloseSettlementBatch',
    { provider: H1, insurer: INSURER, currency: 'EUR' },
    { transient: { presented: { entries, nonce: nonce() } } },
  );
}

const entryOf = (presented: string): SettlementEntry =>
  (JSON.parse(Buffer.from(presented, 'base64').toString('utf8')) as { value: SettlementEntry }).value;

const key = (family: string, parts: readonly string[]): string =>
  `\u0000${[family, ...parts].join('\u0000')}\u0000`;

/** Three claims of the pair, each approved: three open approvals, posted one after the other. */
async function threeClaims(): Promise<InsuranceWorld> {
  const w = await insuranceWorld();
  for (const day of ['2025-05-28', '2025-05-29', '2025-05-30'])
    await submitClaim(w, [line(w, { servicedDate: day })]);
  return w;
}

/** Rewrites the ledger as a MedLedger before the open-entry index left it: entries without markers. */
async function dropOpenMarkers(w: InsuranceWorld): Promise<void> {
  const tx = await w.h.ledger.submit(
    { signer: orgAdmin(H1), endorsers: PAIR_ENDORSERS },
    async (ctx: Context) => {
      for (const org of [H1, INSURER]) {
        const collection = sealedCollection(org);
        for (const k of w.h.ledger.committedPrivateKeys(collection))
          if (k.startsWith(key('settlement-entry~open', []).slice(0, -1)))
            await ctx.stub.deletePrivateData(collection, k);
      }
    },
  );
  assert.equal(tx.status, 'VALID');
}

void describe('InsuranceContract: the open-entry index', () => {
  void it('when three claims are approved, then their entries are read from the index oldest first, a limit gives the oldest and says more remain, and a closed batch takes its entries off', async () => {
    const w = await threeClaims();
    const all = await openEntries(w, w.insurerAdmin);
    const readWithThreeOpen = w.h.ledger.lastCalls;
    assert.equal(all.entries.length, 3);
    assert.equal(all.moreEntries, false);
    const posted = all.entries.map((e) => entryOf(e).postedAt);
    assert.deepEqual(posted, [...posted].sort(), 'oldest first');
    const oldest = await openEntries(w, w.insurerAdmin, { currency: 'EUR', limit: 2 });
    assert.deepEqual(oldest, { entries: all.entries.slice(0, 2), moreEntries: true });
    assert.deepEqual(await openEntries(w, w.billing, { currency: 'USD', limit: 2 }), {
      entries: [],
      moreEntries: false,
    });
    const { result } = await closeBatch(w, oldest.entries);
    assert.equal(result.entries, 2);
    assert.deepEqual(await openEntries(w, w.insurerAdmin), {
      entries: all.entries.slice(2),
      moreEntries: false,
    });
    const readWithOneOpen = w.h.ledger.lastCalls;
    assert.equal(readWithOneOpen.getPrivateDataByRange, 1);
    assert.equal(
      (readWithThreeOpen.getPrivateData ?? 0) - (readWithOneOpen.getPrivateData ?? 0),
      2,
      'one read per open entry, none for the settled ones or the payment',
    );
    const hospital = (await openEntries(w, w.billing)).entries.map((e) => entryOf(e).entryId);
    assert.deepEqual(hospital, [entryOf(all.entries[2] ?? '').entryId], "the hospital's copy alike");
  });

  void it('when a pair has more open entries than one read returns whole, then reading them all is SCAN_LIMIT, never a silent part, while a limited read still serves a batch', async () => {
    const w = await threeClaims();
    const tx = await w.h.ledger.submit(
      { signer: orgAdmin(H1), endorsers: PAIR_ENDORSERS },
      async (ctx: Context) => {
        const collection = sealedCollection(INSURER);
        for (let i = 0; i < MAX_OPEN_ENTRIES; i += 1) {
          const entryId = `${'f'.repeat(64)}.${i}`;
          const marker = canonicalBytes({ salt: 'ab'.repeat(32), value: { entryId } });
          await ctx.stub.putPrivateData(
            collection,
            key('settlement-entry~open', [INSURER, H1, 'EUR', '2099-01-01T00:00:00.000Z', entryId]),
            marker,
          );
        }
      },
    );
    assert.equal(tx.status, 'VALID');
    await assert.rejects(openEntries(w, w.insurerAdmin), /\[SCAN_LIMIT\] open entries over 10000/);
    const oldest = await openEntries(w, w.insurerAdmin, { currency: 'EUR', limit: 3 });
    assert.equal(oldest.entries.length, 3, 'the three real entries are the oldest');
    assert.equal(oldest.moreEntries, true);
    assert.equal((await closeBatch(w, oldest.entries)).result.entries, 3);
  });

  void it('when a ledger written before the index is upgraded, then its open entries are found page by page, indexed once by the pair, and settle as any other', async () => {
    const w = await threeClaims();
    const before = await openEntries(w, w.insurerAdmin);
    await dropOpenMarkers(w);
    assert.deepEqual((await openEntries(w, w.insurerAdmin)).entries, [], 'unindexed entries are not seen');

    const first = await unindexed(w, w.insurerAdmin, null, 2);
    assert.equal(first.entries.length, 2);
    assert.ok(first.next !== null);
    const rest = await unindexed(w, w.insurerAdmin, first.next);
    assert.deepEqual([rest.entries.length, rest.next], [1, null]);
    const found = [...first.entries, ...rest.entries];
    assert.deepEqual([...found].sort(), [...before.entries].sort(), 'found as the collection stores them');

    const { result, tx } = await indexEntries(w, w.billing, found);
    assert.equal(tx.status, 'VALID');
    assert.equal(result.entries, 3);
    assert.deepEqual(await openEntries(w, w.insurerAdmin), { entries: before.entries, moreEntries: false });
    assert.deepEqual((await unindexed(w, w.billing, null)).entries, [], 'nothing left to index');
    assert.equal(
      (await indexEntries(w, w.insurerAdmin, found)).tx.status,
      'VALID',
      'indexing again is harmless',
    );
    assert.equal((await openEntries(w, w.billing)).entries.length, 3);

    await closeBatch(w, before.entries);
    assert.deepEqual((await openEntries(w, w.billing)).entries, []);
    assert.deepEqual((await unindexed(w, w.insurerAdmin, null)).entries, [], 'settled entries are not open');
    await assert.rejects(indexEntries(w, w.insurerAdmin, found), /\[PRESENTED_MISMATCH\] .* settled/);
  });

  void it('when someone outside the pair, an adjuster, another provider or a payment tries to index, then it is refused and no marker is written', async () => {
    const w = await threeClaims();
    const { entries } = await openEntries(w, w.insurerAdmin);
    await dropOpenMarkers(w);
    const adjuster = await registerStaff(w.h, INSURER, 'adjuster', null);
    const researcher = await registerStaff(w.h, 'ResearchMSP', 'researcher', null);
    const otherHospital = await registerStaff(w.h, 'Hospital2MSP', 'attending');
    await assert.rejects(indexEntries(w, adjuster, entries), /\[FORBIDDEN\]/);
    await assert.rejects(indexEntries(w, researcher, entries), /\[FORBIDDEN\]/);
    await assert.rejects(unindexed(w, researcher, null), /\[FORBIDDEN\]/);
    await assert.rejects(indexEntries(w, otherHospital, entries, 'Hospital2MSP'), /\[VALIDATION_FAILED\]/);

    const { result: batch } = await w.h.submit<{ batchId: string }>(
      w.insurerAdmin,
      'insurance:IndexOpenSettlementEntries',
      { provider: H1, insurer: INSURER },
      { transient: { presented: { entries: entries.slice(0, 1), nonce: nonce() } } },
    );
    assert.ok(batch);
    const { result: closed } = await closeBatch(w, (await openEntries(w, w.insurerAdmin)).entries);
    const payment = w.h.ledger.getCommittedPrivate(
      sealedCollection(INSURER),
      key('settlement-entry', [INSURER, H1, `${closed.batchId}.0`]),
    );
    assert.ok(payment, 'the batch wrote its payment');
    await assert.rejects(
      indexEntries(w, w.insurerAdmin, [payment.toString('base64')]),
      /\[VALIDATION_FAILED\]/,
    );
    assert.equal((await openEntries(w, w.insurerAdmin)).entries.length, 0);
    const { tx } = await w.h.submit(
      w.insurerAdmin,
      'insurance:IndexOpenSettlementEntries',
      { provider: H1, insurer: INSURER },
      { transient: { presented: { entries: entries.slice(1), nonce: nonce() } }, endorsers: [H1, INSURER] },
    );
    assert.equal(tx.status, 'ENDORSEMENT_POLICY_FAILURE', 'the regulator endorses every index');
  });
});
