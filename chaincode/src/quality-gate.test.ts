import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FHIR_RESOURCE_TYPES, REJECT_REASONS } from '@medledger/domain';
import { assessQuality, GATE_VALIDATOR, parseFhirDate } from './quality-gate';
import { QUALITY_RULES } from './quality-rules';
import { condition } from './testing/fixtures';
import {
  FIXTURE_TX_MS,
  INVALID_FIXTURES,
  VALID_FIXTURES,
  potassium,
  type QualityFixture,
} from './testing/quality-fixtures';

/** Runs the gate on a fixture as the chaincode sees it: JSON that went through the transient map. */
function gate(f: QualityFixture, txMs = FIXTURE_TX_MS) {
  const resource = JSON.parse(JSON.stringify(f.resource)) as Record<string, unknown>;
  const type = typeof resource.resourceType === 'string' ? resource.resourceType : '';
  return assessQuality(
    resource,
    { category: f.category, fhirResourceType: f.fhirResourceType ?? type, sizeBytes: f.sizeBytes ?? 1000 },
    txMs,
  );
}

void describe('quality gate', () => {
  for (const f of VALID_FIXTURES) {
    void it(`when the content is valid (${f.name}), then it is accepted with no reason`, () => {
      assert.deepEqual(gate(f), { verdict: 'accepted', reasons: [], rules: [] });
    });
  }

  for (const f of INVALID_FIXTURES) {
    void it(`when the content breaks one rule (${f.name}), then the gate says so with that one reason`, () => {
      const v = gate(f);
      assert.ok(f.expect.verdict !== 'accepted');
      assert.deepEqual(
        { verdict: v.verdict, reasons: v.reasons },
        { verdict: f.expect.verdict, reasons: [f.expect.reason] },
      );
      assert.equal(v.rules.length, 1);
    });
  }

  void it('when the fixtures are counted, then every rule of the table is broken by at least one of them', () => {
    const broken = new Set(
      INVALID_FIXTURES.map((f) => (f.expect.verdict === 'accepted' ? '' : f.expect.reason)),
    );
    assert.deepEqual(
      QUALITY_RULES.map((r) => r.reason).filter((r) => !broken.has(r)),
      [],
    );
  });

  void it('when the table is read, then each reason has one row, and the rows that reject are the domain reject reasons', () => {
    const reasons = QUALITY_RULES.map((r) => r.reason);
    assert.equal(new Set(reasons).size, reasons.length);
    assert.deepEqual(
      QUALITY_RULES.filter((r) => r.outcome === 'reject')
        .map((r) => r.reason)
        .sort(),
      [...REJECT_REASONS].sort(),
    );
  });

  void it('when every record type is validated, then the gate validator supports it', () => {
    for (const t of FHIR_RESOURCE_TYPES) assert.ok(GATE_VALIDATOR.resourceTypes.includes(t), t);
    const covered = new Set(VALID_FIXTURES.map((f) => f.resource.resourceType));
    assert.deepEqual(
      FHIR_RESOURCE_TYPES.filter((t) => !covered.has(t)),
      [],
    );
  });

  void it('when the same content is assessed twice at the same tx time, then the verdicts are equal and the content is untouched', () => {
    const resource = potassium({ status: 'done', valueQuantity: { value: 40, unit: 'mg/dL' } });
    const before = JSON.stringify(resource);
    const meta = { category: 'lab' as const, fhirResourceType: 'Observation', sizeBytes: 100 };
    const a = assessQuality(resource, meta, FIXTURE_TX_MS);
    assert.deepEqual(assessQuality(resource, meta, FIXTURE_TX_MS), a);
    assert.equal(JSON.stringify(resource), before);
    assert.deepEqual(a.reasons, ['FHIR_VALUE_SET', 'UNIT_UNEXPECTED']);
  });

  void it('when a date lies within the clock skew of the tx time, then it is not in the future; beyond it, it is', () => {
    const meta = { category: 'diagnosis' as const, fhirResourceType: 'Condition', sizeBytes: 100 };
    const recorded = '2025-06-01T08:04:00Z';
    assert.deepEqual(assessQuality(condition({ recordedDate: recorded }), meta, FIXTURE_TX_MS).reasons, []);
    assert.deepEqual(
      assessQuality(condition({ recordedDate: recorded }), meta, FIXTURE_TX_MS - 60 * 60_000).reasons,
      ['FUTURE_DATE'],
    );
  });

  void it('when the content is not a resource at all, then it is rejected, never thrown', () => {
    const meta = { category: 'diagnosis' as const, fhirResourceType: 'Condition', sizeBytes: 100 };
    for (const junk of [{}, { resourceType: 7 }, { resourceType: 'Condition', code: [1, 2] }]) {
      assert.equal(assessQuality(junk, meta, FIXTURE_TX_MS).verdict, 'rejected');
    }
  });

  void it('when a date is impossible, then parseFhirDate gives nothing; when partial, the start of its period', () => {
    assert.equal(parseFhirDate('2025-02-30'), undefined);
    assert.equal(parseFhirDate('2025-02'), Date.parse('2025-02-01T00:00:00Z'));
    assert.equal(parseFhirDate('2025-02-03T04:05:06+01:00'), Date.parse('2025-02-03T03:05:06Z'));
  });
});
