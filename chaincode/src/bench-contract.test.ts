import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  auditEventSchema,
  BENCH_LOADER_ATTRIBUTE,
  BENCH_LOADER_FLAG,
  MAX_SYNTHETIC_AUDIT_BATCH,
  sealedCollection,
  type AccessDecision,
  type AuditEvent,
} from '@medledger/domain';
import { anchor } from './testing/fixtures';
import type { FakeSigner } from './testing/fake-identity';
import { Harness, orgAdmin, registerPatient, registerStaff } from './testing/harness';

interface Loaded {
  count: number;
  patientDids: string[];
}

interface AuditPage {
  items: AuditEvent[];
  bookmark: string;
}

const LOAD = 'bench:LoadSyntheticAuditEvents';

/** An org's bench-loader identity: an admin certificate with the CA-issued bench-loader attribute. */
function loader(mspId = 'Hospital1MSP', value = 'true'): FakeSigner {
  return { ...orgAdmin(mspId), attrs: { [BENCH_LOADER_ATTRIBUTE]: value } };
}

void describe('bench contract: LoadSyntheticAuditEvents', () => {
  const flagBefore = process.env[BENCH_LOADER_FLAG];
  afterEach(() => {
    if (flagBefore === undefined) Reflect.deleteProperty(process.env, BENCH_LOADER_FLAG);
    else process.env[BENCH_LOADER_FLAG] = flagBefore;
  });

  void it('when the signer has no bench-loader attribute (issue 12 hole 16), then BENCH_LOADER_DISABLED, even where the chaincode server runs with MEDLEDGER_BENCH_LOADER=1, and nothing is written', async () => {
    const h = new Harness();
    await h.ready();
    // The flag of the chaincode server's environment no longer opens anything.
    process.env[BENCH_LOADER_FLAG] = '1';
    const signers: FakeSigner[] = [
      orgAdmin('Hospital1MSP'),
      loader('Hospital1MSP', 'false'),
      loader('Hospital1MSP', 'TRUE'),
      loader('Hospital1MSP', ''),
      { ...orgAdmin('Hospital1MSP'), attrs: { 'medledger.benchloader': 'true' } },
    ];
    const keysBefore = h.ledger.committedKeys().length;
    for (const signer of signers) {
      await assert.rejects(
        h.submit(signer, LOAD, { count: 3 }),
        /\[BENCH_LOADER_DISABLED\] medledger\.benchLoader/,
      );
    }
    assert.equal(h.ledger.committedKeys().length, keysBefore);
  });

  void it('when the signer carries the attribute, then the batch loads whatever the chaincode server environment says', async () => {
    const h = new Harness();
    Reflect.deleteProperty(process.env, BENCH_LOADER_FLAG);
    const { result, tx } = await h.submit<Loaded>(loader(), LOAD, { count: 2 });
    assert.equal(result.count, 2);
    assert.equal(tx.status, 'VALID');
  });

  void it('when a caller with the attribute is not an active org admin, then FORBIDDEN', async () => {
    const h = new Harness();
    const attending = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
    const auditor = await registerStaff(h, 'RegulatorMSP', 'auditor', null);
    for (const who of [attending, auditor]) {
      await assert.rejects(
        h.submit({ ...who, attrs: { [BENCH_LOADER_ATTRIBUTE]: 'true' } }, LOAD, { count: 2 }),
        /\[FORBIDDEN\] did:medledger:/,
      );
    }
    const admin = await registerStaff(h, 'Hospital2MSP', 'admin', null);
    await h.submit(orgAdmin('Hospital2MSP'), 'identity:DeactivateStaff', {
      did: `did:medledger:hospital2:${admin.cn}`,
    });
    await assert.rejects(
      h.submit({ ...admin, attrs: { [BENCH_LOADER_ATTRIBUTE]: 'true' } }, LOAD, { count: 2 }),
      /\[FORBIDDEN\]/,
    );
  });

  void it('when the batch is empty or larger than the bound, then VALIDATION_FAILED names the field', async () => {
    const h = new Harness();
    for (const count of [0, MAX_SYNTHETIC_AUDIT_BATCH + 1, 1.5]) {
      await assert.rejects(h.submit(loader(), LOAD, { count }), /\[VALIDATION_FAILED\] count/);
    }
    await assert.rejects(
      h.submit(loader(), LOAD, { count: 2, actorDid: 'did:medledger:hospital1:x' }),
      /\[VALIDATION_FAILED\]/,
    );
    const { result } = await h.submit<Loaded>(loader(), LOAD, {
      count: MAX_SYNTHETIC_AUDIT_BATCH,
      eventsPerPatient: MAX_SYNTHETIC_AUDIT_BATCH,
    });
    assert.equal(result.count, MAX_SYNTHETIC_AUDIT_BATCH);
    assert.equal(result.patientDids.length, 1);
  });

  void it('when a batch is loaded, then it writes exactly the key families of AccessRecord, four keys an event, and no chaincode event', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const attending = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
    const { anchor: record } = await anchor(h, attending, patient);
    const real = await h.submit<AccessDecision>(attending, 'access:AccessRecord', {
      recordId: record.recordId,
      custodian: record.custodian,
      purpose: 'insurance',
    });
    assert.equal(real.result.outcome, 'denied');
    const familyOf = (key: string): string => key.split('\u0000')[1] ?? '';
    const sealed = sealedCollection('Hospital1MSP');
    const writesOf = (tx: { privateWrites: Map<string, Map<string, Buffer | null>> }) => [
      ...(tx.privateWrites.get(sealed) ?? new Map<string, Buffer | null>()),
    ];
    const realFamilies = new Set(writesOf(real.tx).map(([k]) => familyOf(k)));

    const { result, tx } = await h.submit<Loaded>(loader(), LOAD, {
      count: 7,
      eventsPerPatient: 3,
    });
    assert.equal(tx.status, 'VALID');
    assert.equal(tx.event, undefined);
    assert.equal(tx.writes.size, 0);
    assert.deepEqual([...tx.privateWrites.keys()], [sealed]);
    assert.equal(writesOf(tx).length, 7 * 4);
    assert.deepEqual(new Set(writesOf(tx).map(([k]) => familyOf(k))), realFamilies);
    assert.deepEqual(result.patientDids.length, 3);

    // Same JSON fields as the real event, each value valid for the audit event schema.
    const eventsOf = (entries: [string, Buffer | null][]) =>
      entries
        .filter(([k]) => familyOf(k) === 'audit')
        .map(
          ([, v]) => (JSON.parse(v?.toString('utf8') ?? '{}') as { value: Record<string, unknown> }).value,
        );
    const stored = eventsOf(writesOf(tx));
    const realStored = eventsOf(writesOf(real.tx));
    assert.equal(stored.length, 7);
    for (const event of stored) {
      assert.deepEqual(Object.keys(event), Object.keys(realStored[0] ?? {}));
      const parsed = auditEventSchema.parse(event);
      assert.equal(parsed.txId, tx.txId);
      assert.equal(parsed.actorDid, 'did:medledger:hospital1:admin');
      assert.equal(parsed.outcome, 'denied');
      assert.equal(parsed.expiresAt, null);
      assert.match(parsed.patientDid, /^did:medledger:patient:syn-[0-9a-f]{16}-[0-2]$/);
    }
    assert.equal(new Set(stored.map((e) => e['eventId'])).size, 7);
  });

  void it('when batches are loaded, then QueryAudit finds the events by patient, actor and record, newest first', async () => {
    const h = new Harness();
    const admin = loader();
    const auditor = await registerStaff(h, 'RegulatorMSP', 'auditor', null);
    const first = await h.submit<Loaded>(admin, LOAD, { count: 4, eventsPerPatient: 2 });
    h.ledger.advance(60_000);
    const second = await h.submit<Loaded>(admin, LOAD, { count: 5, eventsPerPatient: 5 });

    const byPatient = await h.evaluate<AuditPage>(auditor, 'audit:QueryAudit', {
      by: 'patient',
      id: first.result.patientDids[1],
      pageSize: 50,
    });
    assert.equal(byPatient.items.length, 2);
    assert.ok(byPatient.items.every((e) => e.patientDid === first.result.patientDids[1]));
    assert.ok(byPatient.items.every((e) => e.txId === first.tx.txId));

    // The loading org's admin finds them by record in its own collection, as the regulator's auditor does.
    const byRecordAdmin = await h.evaluate<AuditPage>(admin, 'audit:QueryAudit', {
      by: 'record',
      id: byPatient.items[0]?.recordId,
    });
    assert.equal(byRecordAdmin.items.length, 2);
    const byRecordAuditor = await h.evaluate<AuditPage>(auditor, 'audit:QueryAudit', {
      by: 'record',
      id: byPatient.items[0]?.recordId,
    });
    assert.equal(byRecordAuditor.items.length, 2);

    const byActor: AuditEvent[] = [];
    let bookmark = '';
    do {
      const page = await h.evaluate<AuditPage>(admin, 'audit:QueryAudit', {
        by: 'actor',
        id: 'did:medledger:hospital1:admin',
        pageSize: 4,
        bookmark,
      });
      byActor.push(...page.items);
      bookmark = page.bookmark;
    } while (bookmark !== '');
    assert.equal(byActor.length, 9);
    // Newest first: the second batch's five events, then the first batch's four.
    assert.deepEqual(
      byActor.map((e) => e.txId),
      [...Array<string>(5).fill(second.tx.txId), ...Array<string>(4).fill(first.tx.txId)],
    );
    const times = byActor.map((e) => Date.parse(e.txTime));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
  });

  void it('when the same batch runs on two copies of the ledger with the same tx id and time, then the writes are identical', async () => {
    const h = new Harness();
    await h.ready();
    const options = { txId: 'e'.repeat(64), time: h.ledger.now };
    const a = await new Harness(h.ledger.clone()).submit(loader(), LOAD, { count: 20 }, options);
    const b = await new Harness(h.ledger.clone()).submit(loader(), LOAD, { count: 20 }, options);
    const hex = (w: Map<string, Buffer | null> | undefined) =>
      [...(w ?? [])].map(([k, v]) => [k, v?.toString('hex') ?? null]);
    const sealed = sealedCollection('Hospital1MSP');
    assert.ok(hex(a.tx.privateWrites.get(sealed)).length > 0);
    assert.deepEqual(hex(a.tx.privateWrites.get(sealed)), hex(b.tx.privateWrites.get(sealed)));
    assert.equal(a.tx.response, b.tx.response);
  });
});
