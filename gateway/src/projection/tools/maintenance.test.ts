import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';

import { describeEachBackend } from '../testing/backends';
import { MemoryEventSource } from '../testing/memory-source';
import { randomLedger } from '../testing/random-ledger';
import { Projector } from '../write/projector';
import { SCHEMA_VERSION, schemaDdl } from '../write/schema';
import type { SqlDriver } from '../write/sql/driver';
import { ProjectionStore } from '../write/store';
import { checkConsistency, rebuild } from './maintenance';

describeEachBackend('consistency check', (backend) => {
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
});

/** The tables of a version 1 projection whose shape changed since: patient DIDs in every row. */
const V1_TABLES = `
CREATE TABLE projection_meta (
  id INTEGER PRIMARY KEY, schema_version INTEGER NOT NULL, block_number BIGINT NOT NULL,
  tx_id TEXT NOT NULL, seq BIGINT NOT NULL
);
CREATE TABLE audit_event (
  seq BIGINT PRIMARY KEY, event_id TEXT NOT NULL, block_number BIGINT NOT NULL, tx_id TEXT NOT NULL,
  tx_time TEXT NOT NULL, tx_time_ms BIGINT NOT NULL, record_id TEXT NOT NULL, patient_did TEXT NOT NULL,
  custodian TEXT NOT NULL, actor_did TEXT NOT NULL, actor_msp TEXT NOT NULL, actor_role TEXT,
  purpose TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NOT NULL, consent_id TEXT,
  break_glass INTEGER NOT NULL
);
CREATE INDEX audit_by_patient ON audit_event (patient_did, tx_time_ms DESC, seq DESC);
CREATE TABLE record_version (
  record_id TEXT NOT NULL, version INTEGER NOT NULL, patient_did TEXT NOT NULL, custodian TEXT NOT NULL,
  quality_status TEXT NOT NULL, anchored_at TEXT NOT NULL, tx_id TEXT NOT NULL, block_number BIGINT NOT NULL,
  reviewed_by TEXT, reviewed_at TEXT, review_tx_id TEXT, review_block BIGINT,
  PRIMARY KEY (record_id, version)
);`;

/** Version 2 of the identity changes: version 1 and key events by patient DID. */
const V2_IDENTITY_TABLES = `${V1_TABLES}
CREATE TABLE patient_key_event (
  seq BIGINT NOT NULL, tx_id TEXT NOT NULL, block_number BIGINT NOT NULL, patient_did TEXT NOT NULL,
  key_id TEXT NOT NULL, key_change TEXT NOT NULL, relayed_by TEXT, tx_time TEXT NOT NULL,
  tx_time_ms BIGINT NOT NULL, UNIQUE (block_number, tx_id)
);
CREATE INDEX patient_key_by_patient ON patient_key_event (patient_did, tx_time_ms DESC, seq DESC);`;

/** Creates a projection of an older schema `version` holding one access of `patientDid`. */
async function oldProjection(
  db: SqlDriver,
  version: 1 | 2 | 3,
  ddl: string,
  patientDid: string,
): Promise<void> {
  await db.exec(ddl);
  await db.run(
    'INSERT INTO projection_meta (id, schema_version, block_number, tx_id, seq) VALUES (1, ?, 9, ?, 1)',
    [version, 'old-tx'],
  );
  await db.run(
    `INSERT INTO audit_event (seq, event_id, block_number, tx_id, tx_time, tx_time_ms, record_id, patient_did,
       custodian, actor_did, actor_msp, actor_role, purpose, outcome, reason, consent_id, break_glass)
     VALUES (1, 'old-event', 9, 'old-tx', '2025-01-01T00:00:00.000Z', 0, 'rec-old', ?, 'Hospital1MSP',
       'did:medledger:hospital1:d1', 'Hospital1MSP', 'attending', 'treatment', 'granted', 'CUSTODIAN_TREATMENT',
       NULL, 0)`,
    [patientDid],
  );
}

const OLD_PROJECTIONS: readonly { name: string; version: 1 | 2 | 3; ddl: (db: SqlDriver) => string }[] = [
  { name: 'version 1', version: 1, ddl: () => V1_TABLES },
  { name: 'version 2 of the identity changes', version: 2, ddl: () => V2_IDENTITY_TABLES },
  {
    // The privacy changes' version 2 is this version without patient key events.
    name: 'version 2 of the privacy changes',
    version: 2,
    ddl: (db) =>
      schemaDdl(db.dialect)
        .split(';')
        .filter((statement) => !/patient_key_event|insurance_event/.test(statement))
        .join(';'),
  },
  {
    name: 'version 3 (before the insurance events)',
    version: 3,
    ddl: (db) =>
      schemaDdl(db.dialect)
        .split(';')
        .filter((statement) => !statement.includes('insurance_event'))
        .join(';'),
  },
];

describeEachBackend('projection schema migration', (backend) => {
  for (const old of OLD_PROJECTIONS) {
    it(`when a projection of ${old.name} is opened, then it is refused untouched, and a rebuild brings it to version ${String(SCHEMA_VERSION)} with every event and key events by patient key`, async () => {
      const run = randomBytes(4).toString('hex');
      const oldDid = `did:medledger:patient:old-${run}`;
      const db = await backend.fresh();
      await oldProjection(db, old.version, old.ddl(db), oldDid);
      const store = new ProjectionStore(db);
      await assert.rejects(store.init(), /needs a rebuild/);
      const kept = await db.all('SELECT 1 AS x FROM audit_event WHERE patient_did = ?', [oldDid]);
      assert.equal(kept.length, 1, 'the refused projection is left as it was');

      // Patients registered first (kind 4 registers while no consent waits for revocation), then the rest.
      const events = randomLedger([4, 12, 0, 1, 2, 3, 4, 5, 6, 7, 11, 14, 21], `migrate-${run}`);
      const source = new MemoryEventSource();
      source.append(...events);
      assert.equal(await rebuild(source, store), events.length);
      await store.init();
      const meta = await db.all<{ schema_version: number | string }>(
        'SELECT schema_version FROM projection_meta WHERE id = 1',
      );
      assert.equal(Number(meta[0]?.schema_version), SCHEMA_VERSION);
      assert.deepEqual(await db.all('SELECT 1 AS x FROM audit_event WHERE patient_did = ?', [oldDid]), []);
      const registered = events.filter((e) => e.eventName === 'PatientRegistered');
      assert.ok(registered.length > 0, 'the ledger registers patients');
      const keyEvents = await db.all<{ patient_key: string }>('SELECT patient_key FROM patient_key_event');
      assert.equal(keyEvents.length, registered.length);
      assert.equal((await checkConsistency(source, store, 4)).ok, true);
      await store.close();
    });
  }
});
