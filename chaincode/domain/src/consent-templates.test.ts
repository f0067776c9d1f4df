import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CONSENT_TEMPLATES,
  DEFAULT_EMERGENCY_CATEGORIES,
  DATA_CATEGORIES,
  DIABETES_CATEGORIES,
  TEMPLATE_IDS,
  TEMPLATE_SIGNING_WINDOW_SECONDS,
  consentGrantPayloadSchema,
  expandTemplate,
  preferencesPayloadSchema,
  type DataCategory,
} from './index';

const PATIENT = 'did:medledger:patient:tpl-patient-1';
const NONCE = 'bm9uY2Utb2YtdGhlLXRlbXBsYXRl';
// 2026-06-15T12:00:00Z and an instant in the last second of a year.
const times = fc.constantFrom(
  Date.UTC(2026, 5, 15, 12),
  Date.UTC(2026, 11, 31, 23, 59, 58),
  Date.UTC(2027, 0, 1),
);
const category = fc.constantFrom<DataCategory>(...DATA_CATEGORIES);

void describe('consent templates', () => {
  void it('when the templates are listed, then each id has one entry, in the order of the ids', () => {
    assert.deepEqual(
      CONSENT_TEMPLATES.map((t) => t.templateId),
      TEMPLATE_IDS,
    );
  });

  void it('when treatment at a hospital is expanded for any length, then the grant is that org, for treatment, for exactly those days, signable for 10 minutes', () => {
    fc.assert(
      fc.property(times, fc.integer({ min: 1, max: 365 }), (nowMs, days) => {
        const p = consentGrantPayloadSchema.parse(
          expandTemplate(
            'treatment-at-org',
            { org: 'Hospital2MSP', days },
            { patientDid: PATIENT, nowMs, nonce: NONCE },
          ),
        );
        const iat = Math.floor(nowMs / 1000);
        assert.deepEqual(p.grantee, { kind: 'org', mspId: 'Hospital2MSP' });
        assert.equal(p.purpose, 'treatment');
        assert.equal(p.maxLevel, 3);
        assert.ok(!p.categories.includes('genomic'));
        assert.equal(Date.parse(p.periodEnd) - Date.parse(p.periodStart), days * 86_400_000);
        assert.deepEqual(
          [p.patientDid, p.nonce, p.iat, p.exp],
          [PATIENT, NONCE, iat, iat + TEMPLATE_SIGNING_WINDOW_SECONDS],
        );
      }),
    );
    const defaulted = consentGrantPayloadSchema.parse(
      expandTemplate(
        'treatment-at-org',
        { org: 'Hospital1MSP' },
        { patientDid: PATIENT, nowMs: Date.UTC(2026, 0, 1), nonce: NONCE },
      ),
    );
    assert.equal(defaulted.periodEnd, '2026-01-31T00:00:00.000Z');
  });

  void it('when a study until the end of the year is expanded, then it ends at the next 1 January UTC, for research, with the diabetes categories unless others are given', () => {
    fc.assert(
      fc.property(
        times,
        fc.option(fc.uniqueArray(category, { minLength: 1, maxLength: 5 }), { nil: undefined }),
        (nowMs, categories) => {
          const p = consentGrantPayloadSchema.parse(
            expandTemplate(
              'study-until-year-end',
              { studyId: 'study-diabetes', ...(categories ? { categories } : {}) },
              { patientDid: PATIENT, nowMs, nonce: NONCE },
            ),
          );
          assert.deepEqual(p.grantee, { kind: 'study', studyId: 'study-diabetes' });
          assert.equal(p.purpose, 'research');
          assert.equal(
            p.periodEnd,
            new Date(Date.UTC(new Date(nowMs).getUTCFullYear() + 1, 0, 1)).toISOString(),
          );
          assert.ok(Date.parse(p.periodStart) < Date.parse(p.periodEnd));
          assert.deepEqual(p.categories, [...new Set(categories ?? DIABETES_CATEGORIES)].sort());
        },
      ),
    );
  });

  void it('when the emergency profile is expanded, then it is the preferences payload with the chosen or the default categories', () => {
    const nowMs = Date.UTC(2026, 5, 15);
    const defaulted = preferencesPayloadSchema.parse(
      expandTemplate('emergency-profile', {}, { patientDid: PATIENT, nowMs, nonce: NONCE }),
    );
    assert.ok('emergencyProfile' in defaulted);
    assert.deepEqual(defaulted.emergencyProfile, {
      categories: [...DEFAULT_EMERGENCY_CATEGORIES].sort(),
      beyondProfile: 'co_signed',
    });
    const chosen = expandTemplate(
      'emergency-profile',
      { categories: ['implant', 'allergy'], beyondProfile: 'never' },
      { patientDid: PATIENT, nowMs, nonce: NONCE },
    );
    assert.deepEqual('emergencyProfile' in chosen ? chosen.emergencyProfile : null, {
      categories: ['allergy', 'implant'],
      beyondProfile: 'never',
    });
  });

  void it('when a template gets bad parameters or context, then it throws and expands nothing', () => {
    const ctx = { patientDid: PATIENT, nowMs: Date.UTC(2026, 0, 1), nonce: NONCE };
    for (const [id, params] of [
      ['treatment-at-org', {}],
      ['treatment-at-org', { org: 'Hospital2MSP', days: 0 }],
      ['treatment-at-org', { org: 'Hospital2MSP', days: 366 }],
      ['treatment-at-org', { org: 'Hospital2MSP', purpose: 'research' }],
      ['study-until-year-end', { studyId: 'study-x', categories: [] }],
      ['study-until-year-end', { studyId: 'study-x', categories: ['x-ray'] }],
      ['emergency-profile', { beyondProfile: 'always' }],
    ] as const) {
      assert.throws(() => expandTemplate(id, params, ctx), Error, `${id} ${JSON.stringify(params)}`);
    }
    assert.throws(() =>
      expandTemplate('emergency-profile', {}, { ...ctx, patientDid: 'did:medledger:hospital1:x' }),
    );
    assert.throws(() => expandTemplate('emergency-profile', {}, { ...ctx, nonce: 'short' }));
  });
});
