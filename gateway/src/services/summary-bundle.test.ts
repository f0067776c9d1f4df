import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { canonicalBytes, sha256Hex } from '@medledger/domain';

import { resourceErrors } from '../testing/fhir';
import { RECORD_ANCHOR_EXTENSION, summaryBundle, type SummaryItem } from './summary-bundle';

const hex = () => randomBytes(32).toString('hex');

function item(
  category: SummaryItem['category'],
  custodian: string,
  resource: Record<string, unknown>,
): SummaryItem {
  const salt = hex();
  return {
    recordId: `rec-${randomBytes(4).toString('hex')}`,
    custodian,
    version: 2,
    category,
    salt,
    contentHash: sha256Hex(canonicalBytes({ resource, salt })),
    resource,
    accessId: hex(),
  };
}

const allergy = {
  resourceType: 'AllergyIntolerance',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '764146007' }] },
  patient: { reference: 'Patient/example' },
};
const potassium = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '2823-3' }] },
  valueQuantity: { value: 4.1, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
};

type Entry = {
  fullUrl: string;
  resource: Record<string, unknown>;
  extension?: { url: string; extension: Record<string, unknown>[] }[];
};

describe('health summary document', () => {
  it('when records of two custodians are assembled, then the Bundle is valid R4, the Composition has the four IPS sections in order and each entry verifies against its on-chain hash', () => {
    const items = [item('lab', 'Hospital2MSP', potassium), item('allergy', 'Hospital1MSP', allergy)];
    const bundle = summaryBundle({
      patientDid: `did:medledger:patient:${randomBytes(6).toString('hex')}`,
      assembledBy: 'Hospital1MSP',
      listingId: hex(),
      items,
      now: new Date('2026-10-02T12:00:00.000Z'),
    });
    assert.deepEqual(resourceErrors(bundle), []);
    const entries = bundle.entry as Entry[];
    const composition = entries[0]?.resource as {
      section: {
        code: { coding: { code: string }[] };
        entry?: { reference: string }[];
        emptyReason?: unknown;
      }[];
    };
    assert.deepEqual(
      composition.section.map((s) => s.code.coding[0]?.code),
      ['48765-2', '10160-0', '11450-4', '30954-2'],
    );
    assert.deepEqual(
      composition.section.map((s) => (s.entry === undefined ? 'empty' : s.entry.length)),
      [1, 'empty', 'empty', 1],
    );
    const anchored = entries.filter((e) => e.extension !== undefined);
    assert.deepEqual(
      anchored.map((e) => e.resource['resourceType']),
      ['AllergyIntolerance', 'Observation'],
    );
    assert.equal(composition.section[0]?.entry?.[0]?.reference, anchored[0]?.fullUrl);
    for (const e of anchored) {
      const ext = e.extension?.find((x) => x.url === RECORD_ANCHOR_EXTENSION)?.extension ?? [];
      const value = (url: string) => ext.find((x) => x['url'] === url);
      const salt = String(value('salt')?.['valueString']);
      assert.equal(
        sha256Hex(canonicalBytes({ resource: e.resource, salt })),
        value('contentHash')?.['valueString'],
      );
    }
    assert.deepEqual(
      entries.filter((e) => e.resource['resourceType'] === 'Organization').map((e) => e.resource['name']),
      ['Hospital1MSP', 'Hospital2MSP'],
    );
  });

  it('when nothing may be read, then every section says unavailable, never none known, and no custodian is named but the assembling org', () => {
    const bundle = summaryBundle({
      patientDid: `did:medledger:patient:${randomBytes(6).toString('hex')}`,
      assembledBy: 'Hospital2MSP',
      listingId: hex(),
      items: [],
      now: new Date('2026-10-02T12:00:00.000Z'),
    });
    assert.deepEqual(resourceErrors(bundle), []);
    const text = JSON.stringify(bundle);
    assert.equal(text.includes('Hospital1MSP'), false);
    assert.equal((text.match(/"unavailable"/g) ?? []).length, 4);
    assert.equal(text.includes('nilknown'), false);
  });
});
