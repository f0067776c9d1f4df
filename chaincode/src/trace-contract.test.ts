import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalJson,
  sha256Hex,
  type DataUseReceipt,
  type RecordAnchor,
  type TraceLeakResult,
} from '@medledger/domain';
import {
  accessRecord,
  activeStudy,
  anchor,
  condition,
  readRecord,
  studyConsent,
  type PresentedConsent,
} from './testing/fixtures';
import type { FakeSigner } from './testing/fake-identity';
import { Harness, orgAdmin, registerPatient, registerStaff } from './testing/harness';

interface World {
  h: Harness;
  studyId: string;
  records: { record: RecordAnchor; consent: PresentedConsent }[];
  researchers: [FakeSigner, FakeSigner];
  auditor: FakeSigner;
}

/** A delivered dataset: its export id, its rows (resource and receipt) in export order. */
interface Delivered {
  exportId: string;
  rows: { resource: Record<string, unknown>; receipt: DataUseReceipt }[];
}

/** Three patients, each with a record at Hospital1 and one at Hospital2, consenting to one study. */
async function world(): Promise<World> {
  const h = new Harness();
  const researchers: [FakeSigner, FakeSigner] = [
    await registerStaff(h, 'ResearchMSP', 'researcher', null),
    await registerStaff(h, 'ResearchMSP', 'researcher', null),
  ];
  const auditor = await registerStaff(h, 'RegulatorMSP', 'auditor', null);
  const studyId = await activeStudy(h, researchers[0], ['Hospital1MSP', 'Hospital2MSP']);
  const writers = [
    await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology'),
    await registerStaff(h, 'Hospital2MSP', 'attending', 'cardiology'),
  ];
  const records: World['records'] = [];
  for (let p = 0; p < 3; p++) {
    const patient = await registerPatient(h);
    const consent = await studyConsent(h, patient, studyId);
    for (const [n, writer] of writers.entries()) {
      // Distinct resources, so each row's resource hash is its own.
      const { anchor: record } = await anchor(h, writer, patient, {
        resource: condition({ recordedDate: `20${String(1 + n)}${String(p)}-05-01` }),
      });
      records.push({ record, consent });
    }
  }
  return { h, studyId, records, researchers, auditor };
}

/**
 * One export as the gateway builds it: a research access decision per record, every row read for the
 * export (the first access id), the receipts recorded per custodian, the rows in order-key order.
 */
async function exportDataset(w: World, researcher: FakeSigner): Promise<Delivered> {
  const rows: Delivered['rows'] = [];
  let exportId: string | undefined;
  for (const { record, consent } of w.records) {
    const d = await accessRecord(w.h, researcher, record, { purpose: 'research', studyId: w.studyId }, [
      consent,
    ]);
    assert.equal(d.outcome, 'granted');
    exportId ??= d.accessId;
    const content = await readRecord(w.h, researcher, record, d.accessId, undefined, exportId);
    rows.push({ resource: content.resource, receipt: content.receipt });
  }
  assert.ok(exportId);
  for (const custodian of ['Hospital1MSP', 'Hospital2MSP']) {
    const receipts = rows.map((r) => r.receipt).filter((r) => r.custodian === custodian);
    await w.h.submit(researcher, 'trace:RecordDataUse', { custodian }, { transient: { receipts } });
  }
  rows.sort((a, b) => (a.receipt.orderKey ?? '').localeCompare(b.receipt.orderKey ?? ''));
  return { exportId, rows };
}

/** The marks of leaked rows as the gateway reads them: pseudonym and resource hash per row. */
function marksOf(rows: readonly { resource: Record<string, unknown> }[]) {
  return rows.map(({ resource }) => ({
    pseudonym: /Patient\/([0-9a-f]{32})/.exec(canonicalJson(resource))?.[1] ?? null,
    resourceHash: sha256Hex(canonicalJson(resource)),
  }));
}

function trace(
  w: World,
  who: FakeSigner,
  input: { hashes?: string[]; rows?: unknown[]; receipts?: unknown[] },
) {
  return w.h.evaluate<TraceLeakResult>(who, 'trace:TraceLeak', {
    hashes: input.hashes ?? [],
    rows: input.rows ?? [],
    receipts: input.receipts ?? [],
  });
}

void describe('TraceContract', () => {
  void it('when three exports of one study go to two researchers and a re-ordered subset of one leaks, then the trace names that export, its recipient and time', async () => {
    const w = await world();
    const [a, b] = w.researchers;
    const exports = [await exportDataset(w, a), await exportDataset(w, a), await exportDataset(w, b)];
    const pseudonymsOf = (e: Delivered) => new Set(e.rows.map((r) => r.receipt.pseudonym));
    assert.equal(
      pseudonymsOf(exports[0] ?? { exportId: '', rows: [] }).size,
      3,
      'one pseudonym per patient in an export',
    );
    const leakedFrom = exports[1];
    assert.ok(leakedFrom);
    const leaked = [leakedFrom.rows[4], leakedFrom.rows[0], leakedFrom.rows[2]].flatMap((r) =>
      r ? [r] : [],
    );
    const result = await trace(w, w.auditor, { rows: marksOf(leaked) });
    assert.deepEqual(result.searched, ['Hospital1MSP', 'Hospital2MSP']);
    assert.equal(result.exports.length, 1, 'never another export');
    const named = result.exports[0];
    assert.equal(named?.exportId, leakedFrom.exportId);
    assert.equal(named.recipientDid, `did:medledger:research:${a.cn}`);
    assert.equal(named.rowsMatched, 3);
    assert.equal(named.rowsDelivered, 6);
    assert.deepEqual(named.custodians, ['Hospital1MSP', 'Hospital2MSP']);
    assert.equal(named.firstIssuedAt, [...leakedFrom.rows.map((r) => r.receipt.issuedAt)].sort()[0]);
    assert.equal(named.inExportOrder, false, 'the leak re-ordered the rows');
  });

  void it('when two researchers mix their exports, then the trace names both', async () => {
    const w = await world();
    const [a, b] = w.researchers;
    const ea = await exportDataset(w, a);
    const eb = await exportDataset(w, b);
    const result = await trace(w, w.auditor, {
      rows: marksOf([...ea.rows.slice(0, 2), ...eb.rows.slice(0, 4)]),
    });
    assert.deepEqual(
      result.exports.map((e) => [e.exportId, e.recipientDid, e.rowsMatched]),
      [
        [eb.exportId, `did:medledger:research:${b.cn}`, 4],
        [ea.exportId, `did:medledger:research:${a.cn}`, 2],
      ],
    );
  });

  void it('when a clinician leaks a record copy, then its exact hash traces to the access, and a receipt carried with it verifies', async () => {
    const w = await world();
    const attending = await registerStaff(w.h, 'Hospital1MSP', 'attending', 'cardiology');
    const row = w.records.find((r) => r.record.custodian === 'Hospital1MSP');
    assert.ok(row);
    const d = await accessRecord(w.h, attending, row.record, { purpose: 'treatment' });
    const copy = await readRecord(w.h, attending, row.record, d.accessId);
    assert.deepEqual(
      [copy.receipt.exportId, copy.receipt.pseudonym, copy.receipt.recipientDid],
      [null, null, `did:medledger:hospital1:${attending.cn}`],
    );
    await w.h.submit(
      attending,
      'trace:RecordDataUse',
      { custodian: 'Hospital1MSP' },
      { transient: { receipts: [copy.receipt] } },
    );
    const { receipt, ...content } = copy;
    const result = await trace(w, w.auditor, {
      hashes: [sha256Hex(canonicalJson(content))],
      receipts: [receipt],
    });
    assert.deepEqual(
      result.exact.map((e) => [e.accessId, e.recipientDid, e.issuedAt]),
      [[d.accessId, receipt.recipientDid, receipt.issuedAt]],
    );
    assert.deepEqual(result.receipts, [
      { accessId: d.accessId, custodian: 'Hospital1MSP', valid: true, checked: true },
    ]);
  });

  void it('when a receipt is forged or altered, then recording refuses it and the trace reports it invalid', async () => {
    const w = await world();
    const [a, b] = w.researchers;
    const e = await exportDataset(w, a);
    const genuine = e.rows.find((r) => r.receipt.custodian === 'Hospital1MSP')?.receipt;
    assert.ok(genuine);
    const framed = { ...genuine, recipientDid: `did:medledger:research:${b.cn}` };
    await assert.rejects(
      w.h.submit(
        b,
        'trace:RecordDataUse',
        { custodian: 'Hospital1MSP' },
        { transient: { receipts: [framed] } },
      ),
      /\[RECEIPT_INVALID\]/,
    );
    await assert.rejects(
      w.h.submit(
        b,
        'trace:RecordDataUse',
        { custodian: 'Hospital1MSP' },
        { transient: { receipts: [genuine] } },
      ),
      /\[RECEIPT_INVALID\] \S+ recipient/,
      "another researcher cannot record a colleague's receipt",
    );
    const result = await trace(w, w.auditor, { receipts: [genuine, framed, { accessId: 'x', mac: 'y' }] });
    assert.deepEqual(
      result.receipts.map((r) => r.valid),
      [true, false, false],
    );
  });

  void it('when anyone but a regulator auditor or a hospital admin traces, then FORBIDDEN; a hospital admin searches its own receipts only', async () => {
    const w = await world();
    const e = await exportDataset(w, w.researchers[0]);
    const rows = marksOf(e.rows);
    for (const who of [
      w.researchers[0],
      orgAdmin('ResearchMSP'),
      await registerStaff(w.h, 'Hospital1MSP', 'attending', 'cardiology'),
      orgAdmin('RegulatorMSP'),
    ]) {
      await assert.rejects(trace(w, who, { rows }), /\[FORBIDDEN\]/, `${who.mspId} ${who.cn}`);
    }
    const h2 = await trace(w, orgAdmin('Hospital2MSP'), { rows });
    assert.deepEqual(h2.searched, ['Hospital2MSP']);
    // Every leaked row carries a pseudonym of this export (one per patient across custodians); Hospital2
    // delivered three of the six rows and knows nothing of Hospital1's.
    assert.deepEqual(
      h2.exports.map((x) => [x.exportId, x.rowsMatched, x.rowsDelivered, x.custodians]),
      [[e.exportId, 6, 3, ['Hospital2MSP']]],
    );
    await assert.rejects(
      w.h.evaluate(
        orgAdmin('Hospital2MSP'),
        'trace:TraceLeak',
        { hashes: [], rows, receipts: [] },
        { peer: 'Hospital1MSP' },
      ),
      /\[FORBIDDEN\]/,
      "another org's peer",
    );
  });
});
