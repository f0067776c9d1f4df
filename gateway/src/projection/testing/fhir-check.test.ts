import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkR4AuditEvent } from './fhir-check';

describe('FHIR R4 AuditEvent checker', () => {
  it('when an AuditEvent breaks the R4 structure, then the checker names the problem', () => {
    const good = JSON.parse(
      JSON.stringify({
        resourceType: 'AuditEvent',
        type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110' },
        recorded: '2025-03-10T10:00:00Z',
        agent: [{ requestor: true, who: { identifier: { value: 'x' } } }],
        source: { observer: { display: 'Hospital1MSP' } },
      }),
    ) as Record<string, unknown>;
    assert.deepEqual(checkR4AuditEvent(good), []);
    const bad = (patch: Record<string, unknown>): string[] => checkR4AuditEvent({ ...good, ...patch });
    assert.match(bad({ recorded: undefined }).join(), /recorded: required/);
    assert.match(bad({ recorded: '2025-03-10' }).join(), /recorded: bad format/);
    assert.match(bad({ outcome: '3' }).join(), /outcome: not in/);
    assert.match(bad({ action: 'X' }).join(), /action: not in/);
    assert.match(bad({ type: [good['type']] }).join(), /type: must not be an array/);
    assert.match(bad({ agent: [] }).join(), /agent/);
    assert.match(bad({ agent: [{ requestor: 'yes' }] }).join(), /requestor: must be a boolean/);
    assert.match(bad({ source: {} }).join(), /observer: required/);
    assert.match(bad({ colour: 'blue' }).join(), /colour: unknown element/);
  });
});
