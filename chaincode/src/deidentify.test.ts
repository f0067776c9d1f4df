import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deidentify } from './deidentify';
import { GATE_VALIDATOR } from './quality-gate';
import { condition } from './testing/fixtures';
import { VALID_FIXTURES } from './testing/quality-fixtures';

void describe('de-identification', () => {
  for (const f of VALID_FIXTURES) {
    void it(`when valid content is de-identified (${f.name}), then it is still valid R4`, () => {
      const out = deidentify(JSON.parse(JSON.stringify(f.resource)) as Record<string, unknown>);
      assert.deepEqual(
        GATE_VALIDATOR.validate(out).filter((i) => i.severity === 'error'),
        [],
      );
    });
  }

  void it('when a reference to the patient is removed, then the subject stays, marked as masked, and dates keep only the year', () => {
    const out = deidentify(
      condition({ subject: { reference: 'Patient/p1', display: 'Canary Name' }, recordedDate: '2025-05-01' }),
    );
    assert.deepEqual(out.subject, {
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }],
    });
    assert.equal(out.recordedDate, '2025');
    assert.ok(!JSON.stringify(out).includes('Canary'));
  });

  void it('when a reference names the patient in display alone, then the name goes too; a code keeps its display', () => {
    const out = deidentify(
      condition({ subject: { display: 'Canary Name' }, asserter: { display: 'Dr Canary' } }),
    );
    assert.ok(!JSON.stringify(out).includes('Canary'));
    assert.match(JSON.stringify(out.code), /Essential hypertension/);
    assert.deepEqual(GATE_VALIDATOR.validate(out), []);
  });
});
