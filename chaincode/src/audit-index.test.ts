import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BENCH_LOADER_ATTRIBUTE, KeyFamily, sealedCollection, type AuditEvent } from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import { Harness, orgAdmin } from './testing/harness';

const H1 = 'Hospital1MSP';
const COLLECTION = sealedCollection(H1);
const INDEXES = [KeyFamily.auditByPatient, KeyFamily.auditByActor, KeyFamily.auditByRecord];

function loader(): FakeSigner {
  return { ...orgAdmin(H1), attrs: { [BENCH_LOADER_ATTRIBUTE]: 'true' } };
}

interface Page {
  items: AuditEvent[];
}

/** Three synthetic events of one patient (and one record), loaded as the benchmark loads them. */
async function loaded(): Promise<{ h: Harness; patientDid: string }> {
  const h = new Harness();
  const { result } = await h.submit<{ patientDids: string[] }>(loader(), 'bench:LoadSyntheticAuditEvents', {
    count: 3,
    eventsPerPatient: 3,
  });
  return { h, patientDid: result.patientDids[0] ?? '' };
}

/** Every audit index key of the Hospital1 collection naming `eventId`. */
function indexKeysOf(h: Harness, eventId: string): string[] {
  return h.ledger
    .committedPrivateKeys(COLLECTION)
    .filter(
      (k) => INDEXES.some((f) => k.startsWith(`\u0000${f}\u0000`)) && k.endsWith(`\u0000${eventId}\u0000`),
    );
}

/** Overwrites index entries with `value` in one transaction endorsed as the collection requires. */
async function overwrite(h: Harness, keys: readonly string[], value: Buffer): Promise<void> {
  const tx = await h.ledger.submit({ signer: orgAdmin(H1), endorsers: [H1, 'RegulatorMSP'] }, async (ctx) => {
    for (const k of keys) await ctx.stub.putPrivateData(COLLECTION, k, value);
    return '';
  });
  assert.equal(tx.status, 'VALID');
}

/** The newest events of a patient, as its custodian's admin pages them. */
function patientPage(h: Harness, patientDid: string): Promise<Page> {
  return h.evaluate<Page>(orgAdmin(H1), 'audit:QueryAudit', { by: 'patient', id: patientDid, pageSize: 10 });
}

function pages(h: Harness, patientDid: string, event: AuditEvent) {
  return Promise.all(
    [
      { by: 'patient', id: patientDid },
      { by: 'actor', id: event.actorDid },
      { by: 'record', id: event.recordId },
    ].map((q) => h.evaluate<Page>(orgAdmin(H1), 'audit:QueryAudit', { ...q, pageSize: 10 })),
  );
}

void describe('audit index entries carry their event', () => {
  void it('when index entries hold only the marker (a ledger written before they carried events), then QueryAudit still pages every index alike, old and new entries mixed', async () => {
    const { h, patientDid } = await loaded();
    const first = await patientPage(h, patientDid);
    assert.equal(first.items.length, 3);
    const [newest, , oldest] = first.items as [AuditEvent, AuditEvent, AuditEvent];
    const before = await pages(h, patientDid, newest);
    for (const keys of [indexKeysOf(h, newest.eventId), indexKeysOf(h, oldest.eventId)]) {
      assert.equal(keys.length, 3);
      await overwrite(h, keys, Buffer.from([0]));
    }
    const after = await pages(h, patientDid, newest);
    assert.deepEqual(after, before);
    assert.deepEqual(
      after.map((p) => p.items.length),
      [3, 3, 3],
    );
  });

  void it('when an index entry carries another event than its key names, then QueryAudit refuses it (STATE_INVALID)', async () => {
    const { h, patientDid } = await loaded();
    const page = await patientPage(h, patientDid);
    const [a, b] = page.items as [AuditEvent, AuditEvent];
    const carried = h.ledger.getCommittedPrivate(COLLECTION, indexKeysOf(h, b.eventId)[0] ?? '');
    assert.ok(carried);
    await overwrite(h, indexKeysOf(h, a.eventId), carried);
    await assert.rejects(
      h.evaluate(orgAdmin(H1), 'audit:QueryAudit', { by: 'record', id: a.recordId, pageSize: 10 }),
      /\[STATE_INVALID\]/,
    );
  });
});
