import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createR4Validator, type FhirIssueKind } from './r4-validator';

const validator = createR4Validator(['Observation', 'Condition', 'Patient', 'Bundle', 'AuditEvent']);

const UCUM = 'http://unitsofmeasure.org';
const observation = (overrides: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '2823-3' }] },
  subject: { reference: 'Patient/p1' },
  valueQuantity: { value: 4.1, unit: 'mmol/L', system: UCUM, code: 'mmol/L' },
  ...overrides,
});
const condition = (overrides: Record<string, unknown> = {}) => ({
  resourceType: 'Condition',
  subject: { reference: 'Patient/p1' },
  ...overrides,
});

function errors(resource: unknown): { kind: FhirIssueKind; path: string }[] {
  return validator
    .validate(resource)
    .filter((i) => i.severity === 'error')
    .map((i) => ({ kind: i.kind, path: i.path }));
}

void describe('R4 validator', () => {
  void it('when valid R4 resources are validated, then there is no error', () => {
    assert.deepEqual(errors(observation()), []);
    assert.deepEqual(
      errors(condition({ contained: [{ resourceType: 'Patient', id: 'p1', gender: 'female' }] })),
      [],
    );
  });

  // One example per kind pins how Medplum's messages are read: a rewording in an upgrade fails here.
  const examples: [string, unknown, FhirIssueKind, string][] = [
    ['an unknown element', condition({ severityScore: 3 }), 'unknown-element', 'Condition.severityScore'],
    ['a missing required element', { resourceType: 'Condition' }, 'cardinality', 'Condition.subject'],
    ['an array for a single value', condition({ code: [{ text: 'x' }] }), 'cardinality', 'Condition.code'],
    ['two choices of one value[x]', observation({ valueString: 'high' }), 'cardinality', 'valueString'],
    [
      'a number as a string',
      observation({ valueQuantity: { value: '4.1', system: UCUM, code: 'mmol/L' } }),
      'primitive',
      'Observation.value[x].value',
    ],
    ['an impossible date', condition({ recordedDate: '2025-02-30' }), 'primitive', 'Condition.recordedDate'],
    ['a malformed date', condition({ recordedDate: '1 May 2025' }), 'primitive', 'Condition.recordedDate'],
    [
      'a code outside its required value set',
      observation({ status: 'done' }),
      'value-set',
      'Observation.status',
    ],
    [
      'a CodeableConcept without a code of its required value set',
      condition({
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'gone' }],
        },
      }),
      'value-set',
      'Condition.clinicalStatus',
    ],
    [
      'a contained resource with a code outside its value set',
      condition({ contained: [{ resourceType: 'Patient', id: 'p1', gender: 'x' }] }),
      'value-set',
      'Condition.contained[0].gender',
    ],
    ['a broken invariant', observation({ dataAbsentReason: { text: 'lost' } }), 'invariant', 'Observation'],
    ['a null', condition({ note: null }), 'structure', 'Condition.note'],
    ['an empty object (ele-1)', condition({ code: {} }), 'structure', 'Condition.code'],
    ['an empty array (ele-1)', condition({ note: [] }), 'structure', 'Condition.note'],
    [
      'a resource type not loaded',
      { resourceType: 'Account', status: 'active' },
      'unsupported-type',
      'Account',
    ],
    [
      'a contained resource type not loaded',
      condition({ contained: [{ resourceType: 'Account', id: 'a', status: 'active' }] }),
      'unsupported-type',
      'Condition',
    ],
    [
      'a Bundle entry of a type not loaded',
      { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Procedure' } }] },
      'unsupported-type',
      '',
    ],
    ['no resource at all', [1, 2], 'structure', ''],
  ];
  for (const [what, resource, kind, path] of examples) {
    void it(`when a resource has ${what}, then the validator reports a ${kind} error at ${path || 'the root'}`, () => {
      assert.deepEqual(errors(resource), [{ kind, path }]);
    });
  }

  void it('when the required value sets are expanded, then only those R4 cannot enumerate stay unchecked', () => {
    assert.deepEqual(validator.uncheckedValueSets, [
      'http://hl7.org/fhir/ValueSet/currencies',
      'http://hl7.org/fhir/ValueSet/mimetypes',
    ]);
    assert.equal(validator.fhirVersion, '4.0.1');
    assert.match(validator.library, /^@medplum\/core 5\.2\.13\S*, @medplum\/definitions 5\.2\.13$/);
  });

  void it('when asked for something that is not an R4 resource type, then creating the validator fails', () => {
    assert.throws(() => createR4Validator(['Observation', 'Claimz']), /not R4 resource types: Claimz/);
  });

  void it('when any JSON is validated, then it never throws, never changes the input and answers the same twice', () => {
    const anyResource = fc.record({
      resourceType: fc.constantFrom('Observation', 'Condition', 'Patient', 'Nope'),
      status: fc.jsonValue(),
      code: fc.jsonValue(),
      subject: fc.jsonValue(),
      note: fc.jsonValue(),
    });
    fc.assert(
      fc.property(anyResource, (r) => {
        const before = JSON.stringify(r);
        const first = validator.validate(r);
        assert.deepEqual(validator.validate(r), first);
        assert.equal(JSON.stringify(r), before);
      }),
      { numRuns: 300 },
    );
  });
});
