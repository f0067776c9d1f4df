import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { canonicalJson, sha256Hex } from '@medledger/domain';
import { summaryBundle } from '@medledger/gateway/testing';

import { contentHashOf, resourceText, sectionsOf } from './summary';

const id = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

describe('reading a health summary in the browser', () => {
  it('when a summary holds an allergy at one hospital and a lab result at another, then each lands in its section with its anchor, and the empty sections are listed empty', () => {
    const allergy = { resourceType: 'AllergyIntolerance', code: { text: 'Penicillin' } };
    const lab = { resourceType: 'Observation', code: { coding: [{ display: 'HbA1c' }] } };
    const items = [
      { recordId: id('a'), custodian: 'Hospital1MSP', version: 1, category: 'allergy', resource: allergy },
      { recordId: id('l'), custodian: 'Hospital2MSP', version: 2, category: 'lab', resource: lab },
    ].map((i) => ({ ...i, contentHash: sha256Hex(id('h')), salt: id('s'), accessId: id('x') }));
    const bundle = summaryBundle({
      patientDid: `did:medledger:patient:${randomBytes(12).toString('base64url')}`,
      assembledBy: 'Hospital1MSP',
      listingId: sha256Hex(id('listing')),
      items: items as Parameters<typeof summaryBundle>[0]['items'],
      now: new Date(),
    });
    const sections = sectionsOf(bundle);
    assert.deepEqual(
      sections.map((s) => [s.title, s.entries.map((e) => e.recordId)]),
      [
        ['Allergies and Intolerances', [items[0]?.recordId]],
        ['Medication Summary', []],
        ['Problem List', []],
        ['Results', [items[1]?.recordId]],
      ],
    );
    const first = sections[3]?.entries[0];
    const labItem = items[1];
    assert.ok(first && labItem);
    assert.equal(first.custodian, 'Hospital2MSP');
    assert.equal(first.version, 2);
    assert.equal(first.contentHash, labItem.contentHash);
    assert.equal(first.salt, labItem.salt);
    assert.equal(resourceText(allergy), 'Penicillin');
    assert.equal(resourceText(lab), 'HbA1c');
    assert.deepEqual(sectionsOf({ resourceType: 'OperationOutcome' }), []);
  });

  it('when the browser hashes a resource with its salt, then it gets the ledger hash, and another salt gives another', async () => {
    const resource = { resourceType: 'Condition', code: { text: 'é ü' }, b: [1, { z: null, a: 2 }] };
    const salt = id('salt');
    assert.equal(await contentHashOf(resource, salt), sha256Hex(canonicalJson({ resource, salt })));
    assert.notEqual(await contentHashOf(resource, `${salt}x`), sha256Hex(canonicalJson({ resource, salt })));
  });
});
