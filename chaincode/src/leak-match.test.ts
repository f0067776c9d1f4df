import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, sha256Hex, type DataUseReceipt } from '@medledger/domain';
import fc from 'fast-check';
import { studyPseudonym } from './deidentify';
import { exportOrderKey, exportPseudonym, receiptBodyOf, receiptMac, receiptMacValid } from './leak-marks';
import { matchLeak, type LeakedRow } from './leak-match';

const RESEARCHERS = ['did:medledger:research:res-a', 'did:medledger:research:res-b'];

interface Export {
  readonly exportId: string;
  readonly recipientDid: string;
  readonly receipts: DataUseReceipt[];
  readonly rows: LeakedRow[];
}

/**
 * One export as the chaincode marks it: every record of the cohort, each row's subject the patient's
 * per-export pseudonym, the receipts as `ReadRecordContent` issues them, and the rows in export order.
 */
function makeExport(
  studyKey: Buffer,
  studyId: string,
  exportId: string,
  recipientDid: string,
  records: readonly { recordId: string; patientDid: string; custodian: string }[],
): Export {
  const rows = records.map((r, i) => {
    const pseudonym = exportPseudonym(
      studyKey,
      exportId,
      recipientDid,
      studyPseudonym(studyKey, studyId, r.patientDid),
    );
    const resource = { resourceType: 'Condition', subject: { reference: `Patient/${pseudonym}` }, n: i };
    const resourceHash = sha256Hex(canonicalJson(resource));
    const receipt: DataUseReceipt = {
      accessId: sha256Hex(`${exportId}/${r.custodian}/${r.recordId}`),
      exportId,
      studyId,
      recipientDid,
      recipientMsp: 'ResearchMSP',
      custodian: r.custodian,
      recordId: r.recordId,
      version: 1,
      contentHash: sha256Hex(`content ${resourceHash}`),
      resourceHash,
      pseudonym,
      orderKey: exportOrderKey(exportId, pseudonym, r.custodian, r.recordId),
      issuedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      mac: '0'.repeat(64),
    };
    return { row: { pseudonym, resourceHash }, receipt };
  });
  rows.sort((a, b) => (a.receipt.orderKey ?? '').localeCompare(b.receipt.orderKey ?? ''));
  return { exportId, recipientDid, receipts: rows.map((r) => r.receipt), rows: rows.map((r) => r.row) };
}

/** A cohort of `patients` patients with `perPatient` records each, at two custodians. */
function cohort(patients: number, perPatient: number, tag: string) {
  const out: { recordId: string; patientDid: string; custodian: string }[] = [];
  for (let p = 0; p < patients; p++) {
    for (let r = 0; r < perPatient; r++) {
      out.push({
        recordId: `rec-${tag}-${String(p)}-${String(r)}`,
        patientDid: `did:medledger:patient:p-${tag}-${String(p)}`,
        custodian: r % 2 === 0 ? 'Hospital1MSP' : 'Hospital2MSP',
      });
    }
  }
  return out;
}

/** Three exports of one study's cohort: two to the first researcher, one to the second. */
function threeExports(key: Buffer, patients: number, perPatient: number, tag: string): Export[] {
  const records = cohort(patients, perPatient, tag);
  return [0, 1, 2].map((i) =>
    makeExport(
      key,
      `study-${tag}`,
      sha256Hex(`export ${tag} ${String(i)}`),
      RESEARCHERS[i === 2 ? 1 : 0] ?? '',
      records,
    ),
  );
}

const allReceipts = (exports: readonly Export[]): DataUseReceipt[] => exports.flatMap((e) => e.receipts);

void describe('leak matching', () => {
  void it('when any subset of at least one row of one export leaks, re-ordered, then it traces to that export and never to another', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 2 }),
        fc.infiniteStream(fc.boolean()),
        fc.infiniteStream(fc.nat()),
        (keyBytes, patients, perPatient, leaker, keep, shuffle) => {
          const exports = threeExports(Buffer.from(keyBytes), patients, perPatient, `t${String(patients)}`);
          const source = exports[leaker];
          assert.ok(source);
          const it1: Iterator<boolean> = keep[Symbol.iterator]();
          let subset = source.rows.filter(() => it1.next().value === true);
          if (subset.length === 0) subset = source.rows.slice(0, 1);
          const it2: Iterator<number> = shuffle[Symbol.iterator]();
          const next = (): number => {
            const v: unknown = it2.next().value;
            return typeof v === 'number' ? v : 0;
          };
          const leaked = subset
            .map((r) => ({ r, k: next() }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.r);
          const match = matchLeak([], leaked, allReceipts(exports));
          assert.equal(match.exports.length, 1, 'one export named');
          const named = match.exports[0];
          assert.equal(named?.exportId, source.exportId);
          assert.equal(named.recipientDid, source.recipientDid);
          assert.equal(named.rowsMatched, leaked.length);
          assert.equal(named.rowsDelivered, source.receipts.length);
          assert.equal(match.rowsUnexplained, 0);
        },
      ),
      { numRuns: 150 },
    );
  });

  void it('when two researchers mix rows of their exports, then the trace names both with their row counts', () => {
    const exports = threeExports(Buffer.alloc(32, 7), 6, 2, 'mix');
    const [a, , b] = exports;
    assert.ok(a && b);
    const leaked = [...a.rows.slice(0, 5), ...b.rows.slice(0, 3)].reverse();
    const match = matchLeak([], leaked, allReceipts(exports));
    assert.deepEqual(
      match.exports.map((e) => [e.exportId, e.recipientDid, e.rowsMatched]),
      [
        [a.exportId, RESEARCHERS[0], 5],
        [b.exportId, RESEARCHERS[1], 3],
      ],
    );
  });

  void it('when one cohort is exported twice, then no patient has the same pseudonym in both exports', () => {
    const [first, second] = threeExports(Buffer.alloc(32, 9), 5, 1, 'twice');
    assert.ok(first && second);
    const a = new Set(first.rows.map((r) => r.pseudonym));
    assert.equal(a.size, 5, 'one pseudonym per patient within an export');
    assert.ok(second.rows.every((r) => !a.has(r.pseudonym)));
    assert.notDeepEqual(
      first.receipts.map((r) => r.recordId),
      second.receipts.map((r) => r.recordId),
      'the row order differs too',
    );
  });

  void it("when a researcher reuses a colleague's export id, then the pseudonyms differ and a leak traces to who received it", () => {
    const key = Buffer.alloc(32, 11);
    const records = cohort(4, 1, 'frame');
    const exportId = sha256Hex('shared export id');
    const [a, b] = RESEARCHERS.map((r) => makeExport(key, 'study-frame', exportId, r, records));
    assert.ok(a && b);
    assert.ok(a.rows.every((r) => !b.rows.some((x) => x.pseudonym === r.pseudonym)));
    const match = matchLeak([], b.rows.slice(0, 2), [...a.receipts, ...b.receipts]);
    assert.deepEqual(
      match.exports.map((e) => [e.recipientDid, e.rowsMatched]),
      [[RESEARCHERS[1], 2]],
    );
  });

  void it('when a leak keeps or reverses the export order, then inExportOrder says so', () => {
    const exports = threeExports(Buffer.alloc(32, 3), 6, 1, 'order');
    const source = exports[1];
    assert.ok(source);
    assert.equal(matchLeak([], source.rows, allReceipts(exports)).exports[0]?.inExportOrder, true);
    assert.equal(
      matchLeak([], [...source.rows].reverse(), allReceipts(exports)).exports[0]?.inExportOrder,
      false,
    );
  });

  void it('when a leak holds a delivered copy byte for byte, then the exact match names that access; rows of nobody stay unexplained', () => {
    const exports = threeExports(Buffer.alloc(32, 5), 3, 1, 'exact');
    const receipt = exports[0]?.receipts[1];
    assert.ok(receipt);
    const stranger = { pseudonym: 'f'.repeat(32), resourceHash: sha256Hex('other') };
    const match = matchLeak([receipt.contentHash], [stranger], allReceipts(exports));
    assert.deepEqual(
      match.exact.map((d) => [d.accessId, d.recipientDid, d.issuedAt]),
      [[receipt.accessId, receipt.recipientDid, receipt.issuedAt]],
    );
    assert.deepEqual([match.exports.length, match.rowsWithPseudonym, match.rowsUnexplained], [0, 1, 1]);
  });

  void it('when a receipt field or its MAC is changed, then the MAC no longer verifies', () => {
    const key = Buffer.alloc(32, 1);
    const receipt = threeExports(Buffer.alloc(32, 2), 1, 1, 'mac')[0]?.receipts[0];
    assert.ok(receipt);
    const body = receiptBodyOf(receipt);
    const mac = receiptMac(key, body);
    assert.equal(receiptMacValid(key, body, mac), true);
    assert.equal(receiptMacValid(key, { ...body, recipientDid: RESEARCHERS[1] ?? '' }, mac), false);
    assert.equal(receiptMacValid(Buffer.alloc(32, 4), body, mac), false, "another custodian's key");
    assert.equal(receiptMacValid(key, body, mac.replace(/^./, mac.startsWith('0') ? '1' : '0')), false);
  });
});
