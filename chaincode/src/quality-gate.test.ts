import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessQuality, parseFhirDate } from './quality-gate';
import { condition } from './testing/fixtures';

const NOW = Date.parse('2025-06-01T08:00:00Z');
const diag = { category: 'diagnosis' as const, fhirResourceType: 'Condition', sizeBytes: 100 };

void describe('quality gate', () => {
  void it('when a diagnosis is well formed with an ICD-11 code, then it is accepted', () => {
    assert.deepEqual(assessQuality(condition(), diag, NOW), { verdict: 'accepted', reasons: [] });
  });
  void it('when the shape is wrong, then it is rejected with FHIR_SHAPE', () => {
    assert.deepEqual(
      assessQuality({ resourceType: 'Condition' }, diag, NOW).reasons.includes('FHIR_SHAPE'),
      true,
    );
  });
  void it('when the resource type does not fit the category, then it is rejected', () => {
    const r = assessQuality(condition(), { ...diag, category: 'lab' }, NOW);
    assert.equal(r.verdict, 'rejected');
    assert.ok(r.reasons.includes('CATEGORY_MISMATCH'));
  });
  void it('when the birth date contradicts the stated age, then it needs review', () => {
    const r = assessQuality(
      condition({
        contained: [{ resourceType: 'Patient', id: 'p1', birthDate: '1990-01-01' }],
        onsetAge: { value: 60, unit: 'a' },
        onsetDateTime: '2025-01-01',
      }),
      diag,
      NOW,
    );
    assert.deepEqual(r, { verdict: 'needs_review', reasons: ['BIRTH_DATE_AGE_MISMATCH'] });
  });
  void it('when the birth date matches the stated age, then it is accepted', () => {
    const r = assessQuality(
      condition({
        contained: [{ resourceType: 'Patient', id: 'p1', birthDate: '1990-01-01' }],
        onsetAge: { value: 35, unit: 'a' },
        onsetDateTime: '2025-01-15',
      }),
      diag,
      NOW,
    );
    assert.equal(r.verdict, 'accepted');
  });
  void it('when a date is impossible, then it is rejected with INVALID_DATE', () => {
    assert.equal(parseFhirDate('2025-02-30'), undefined);
    assert.ok(
      assessQuality(condition({ recordedDate: '2025-13-01' }), diag, NOW).reasons.includes('INVALID_DATE'),
    );
  });
  void it('when a date is after the transaction time, then it needs review with FUTURE_DATE', () => {
    assert.deepEqual(assessQuality(condition({ recordedDate: '2025-06-02' }), diag, NOW).reasons, [
      'FUTURE_DATE',
    ]);
  });
  void it('when ICD-11 codes are post-coordinated, then the format is accepted', () => {
    const r = assessQuality(
      condition({
        code: { coding: [{ system: 'http://id.who.int/icd/release/11/mms', code: '2C25.0&XH7SY6' }] },
      }),
      diag,
      NOW,
    );
    assert.equal(r.verdict, 'accepted');
  });
});
