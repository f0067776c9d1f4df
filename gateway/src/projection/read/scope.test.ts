import assert from 'node:assert/strict';
import { it } from 'node:test';

import { appErrorWith } from '../testing/fixtures';
import { H1, H2, PATIENT_A, describeOnScenario } from '../testing/scenario';
import type { SqlDriver } from '../write/sql/driver';
import { Where } from './query';
import { scopeOf, staffScope, type ScopedTable } from './scope';
import type { Viewer } from './views';

const TABLES: readonly ScopedTable[] = ['audit_event', 'consent', 'record_version', 'erasure'];

/** Rows of `table` a viewer's scope lets through. */
async function visible(
  db: SqlDriver,
  viewer: Viewer,
  table: ScopedTable,
): Promise<Record<string, unknown>[]> {
  const where = new Where().and(scopeOf(viewer).on(table));
  return db.all(`SELECT * FROM ${table} ${where.sql} ORDER BY 1, 2`, where.params);
}

describeOnScenario('viewer scope', (scenario) => {
  it('when each viewer reads each table through its scope, then it gets exactly the rows the scope table names', async () => {
    const db = scenario().store.driver;
    for (const table of TABLES) {
      const all = await visible(db, { kind: 'auditor' }, table);
      assert.ok(all.length > 0, table);
      const own = await visible(db, { kind: 'hospital', mspId: H2 }, table);
      const expected = all.filter((r) => {
        if (table === 'audit_event') return r['custodian'] === H2 || r['actor_msp'] === H2;
        if (table === 'consent') return r['grantee'] === `org:${H2}`;
        return r['custodian'] === H2;
      });
      assert.deepEqual(own, expected, table);
      const patient = await visible(db, { kind: 'patient', patientDid: PATIENT_A }, table);
      assert.deepEqual(
        patient,
        table === 'audit_event' ? all.filter((r) => r['patient_did'] === PATIENT_A) : [],
      );
    }
    assert.ok((await visible(db, { kind: 'hospital', mspId: H1 }, 'record_version')).length > 0);
  });

  it('when scopes name cursors, then each viewer has its own key and patients get no staff scope', () => {
    const keys = [
      { kind: 'auditor' },
      { kind: 'hospital', mspId: H1 },
      { kind: 'hospital', mspId: H2 },
      { kind: 'patient', patientDid: PATIENT_A },
    ].map((v) => scopeOf(v as Viewer).key);
    assert.equal(new Set(keys).size, keys.length);
    assert.throws(() => staffScope({ kind: 'patient', patientDid: PATIENT_A }), appErrorWith('FORBIDDEN'));
  });
});
