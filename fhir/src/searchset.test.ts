import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createR4Validator } from './r4-validator';
import { checkSearchsetBundle } from './searchset';

const validator = createR4Validator(['Bundle', 'AuditEvent']);

function auditEvent(id: string) {
  return {
    resourceType: 'AuditEvent',
    id,
    type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110' },
    action: 'R',
    recorded: '2025-06-01T08:00:00Z',
    outcome: '0',
    agent: [{ requestor: true, who: { identifier: { value: `did:medledger:h1:${id}` } } }],
    source: { observer: { display: 'Hospital1MSP' } },
  };
}

function page(overrides: Record<string, unknown> = {}) {
  const id = randomUUID();
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [
      { relation: 'self', url: 'https://gw.example/v1/audit/fhir?patient=p' },
      { relation: 'next', url: 'https://gw.example/v1/audit/fhir?patient=p&cursor=c2' },
    ],
    entry: [{ fullUrl: `urn:uuid:${id}`, resource: auditEvent(id), search: { mode: 'match' } }],
    ...overrides,
  };
}

const messages = (issues: { message: string }[]) => issues.map((i) => i.message);

void describe('searchset pages', () => {
  void it('when a page has self and next links and no total, then it is a valid searchset page', () => {
    assert.deepEqual(checkSearchsetBundle(validator, page(), { total: null, hasNext: true }), []);
  });

  void it('when the last page states the full count, then it is valid', () => {
    const last = page({ link: [{ relation: 'self', url: 'https://gw.example/a' }], total: 1 });
    assert.deepEqual(checkSearchsetBundle(validator, last, { total: 1, hasNext: false }), []);
  });

  void it('when a collection Bundle carries total and a next link (the old audit export), then both R4 and the paging rules fail', () => {
    const old = page({ type: 'collection', total: 1 });
    const issues = checkSearchsetBundle(validator, old, { total: null, hasNext: true });
    assert.deepEqual(
      issues.map((i) => i.kind),
      ['invariant', 'paging', 'paging'],
    );
    assert.match(issues[0]?.message ?? '', /bdl-1/);
  });

  void it('when total is the page size rather than the count, or a next link is missing, then the page is invalid', () => {
    assert.deepEqual(
      messages(checkSearchsetBundle(validator, page({ total: 1 }), { total: 7, hasNext: true })),
      ['total is the count of all matches (7)'],
    );
    const noNext = page({ link: [{ relation: 'self', url: 'https://gw.example/a' }] });
    assert.deepEqual(messages(checkSearchsetBundle(validator, noNext, { total: null, hasNext: true })), [
      'a next link to the following page',
    ]);
  });

  void it('when an entry has no search mode or no fullUrl, then the page is invalid', () => {
    const bare = page({ entry: [{ resource: auditEvent('ae-1') }] });
    assert.deepEqual(messages(checkSearchsetBundle(validator, bare, { total: null, hasNext: true })), [
      'an entry has a fullUrl and a resource',
      'an entry says why it is in the result',
    ]);
  });

  void it('when an entry is not valid R4, then the page is invalid with the entry path', () => {
    const bad = page({
      entry: [{ fullUrl: 'urn:uuid:x', resource: { resourceType: 'AuditEvent' }, search: { mode: 'match' } }],
    });
    const issues = checkSearchsetBundle(validator, bad, { total: null, hasNext: true });
    assert.ok(issues.length > 0);
    assert.ok(issues.every((i) => i.path.startsWith('Bundle.entry[0].resource')));
  });
});
