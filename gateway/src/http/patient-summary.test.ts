import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { consentFixture, defaultHandlers, hashOf, type FakeHandler } from '../testing/fake-ledger';
import { resourceErrors } from '../testing/fhir';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';

const patient = () => `did:medledger:patient:${randomBytes(6).toString('hex')}`;
const REQUEST = 'eyJhbGciOiJFUzI1NiJ9.eyJ0eXAiOiJtZWRsZWRnZXIuc3VtbWFyeS5yZWFkIn0.c2lnbmF0dXJl';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

async function get(path: string, token: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: (await res.json()) as Record<string, unknown>,
  };
}

interface Listed {
  recordId: string;
  custodian: string;
  category: string;
  erased?: boolean;
}

/** The listing answers these records (metadata as the chaincode lists them). */
function listingOf(records: readonly Listed[]): FakeHandler {
  return (i) => ({
    listingId: i['listingId'],
    mode: 'clinician',
    records: records.map((r) => ({
      version: 1,
      department: 'cardiology',
      level: 3,
      fhirResourceType: r.category === 'lab' ? 'Observation' : 'Condition',
      anchoredAt: '2026-10-02T10:00:00.000Z',
      qualityStatus: 'accepted',
      erased: false,
      ...r,
    })),
  });
}

function restore(...names: string[]) {
  const defaults = defaultHandlers();
  for (const n of names) gw.fake.handlers[n] = defaults[n] ?? (() => ({}));
}

type Entry = {
  fullUrl: string;
  resource: Record<string, unknown>;
  extension?: { extension: { url: string }[] }[];
};

const recordEntries = (body: Record<string, unknown>) =>
  (body['entry'] as Entry[]).filter((e) => e.extension !== undefined);

describe('GET /v1/patients/{did}/summary by the patient', () => {
  it('when the patient reads with a signed request, then one patient access per custodian is opened with its org and the regulator, read on the custodian, and the answer is a valid R4 document Bundle whose entries carry custodian and hash', async () => {
    const did = patient();
    gw.fake.handlers['listing:ListPatientRecords'] = listingOf([
      { recordId: 'rec-a', custodian: 'Hospital1MSP', category: 'diagnosis' },
      { recordId: 'rec-b', custodian: 'Hospital2MSP', category: 'diagnosis' },
      { recordId: 'rec-v', custodian: 'Hospital2MSP', category: 'vital' },
      { recordId: 'rec-e', custodian: 'Hospital2MSP', category: 'diagnosis', erased: true },
    ]);
    try {
      const before = gw.fake.callsOf('summary:OpenPatientAccess').length;
      const r = await get(`/v1/patients/${did}/summary`, await gw.token(did, { kind: 'patient' }), {
        'Medledger-Patient-Proof': REQUEST,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.match(r.type, /application\/fhir\+json/);
      assert.deepEqual(resourceErrors(r.body), []);
      const opened = gw.fake.callsOf('summary:OpenPatientAccess').slice(before);
      assert.deepEqual(
        opened.map((c) => [c.options.endorsingOrganizations, c.input]),
        [
          [
            ['Hospital1MSP', 'RegulatorMSP'],
            { custodian: 'Hospital1MSP', records: [{ recordId: 'rec-a', version: 1 }] },
          ],
          [
            ['Hospital2MSP', 'RegulatorMSP'],
            { custodian: 'Hospital2MSP', records: [{ recordId: 'rec-b', version: 1 }] },
          ],
        ],
      );
      for (const c of opened) {
        assert.deepEqual(JSON.parse(c.options.transient?.['request'] ?? '{}'), { jws: REQUEST });
        assert.equal(JSON.stringify(c.input).includes(did), false, 'no patient in the arguments');
      }
      const reads = gw.fake.callsOf('summary:ReadPatientContent').slice(-2);
      assert.deepEqual(
        reads.map((c) => c.options.endorsingOrganizations),
        [['Hospital1MSP'], ['Hospital2MSP']],
      );
      const entries = recordEntries(r.body);
      assert.deepEqual(
        entries.map((e) => e.extension?.[0]?.extension.map((x) => x.url)),
        [0, 1].map(() => ['custodian', 'recordId', 'version', 'contentHash', 'salt', 'accessId']),
      );
      assert.equal(JSON.stringify(entries).includes(hashOf('rec-a/1')), true);
    } finally {
      restore('listing:ListPatientRecords');
    }
  });

  it('when the patient sends no signed request or asks for another patient, then 401 or 403 and nothing reaches the ledger', async () => {
    const did = patient();
    const before = gw.fake.callsOf('listing:OpenRecordListing').length;
    const token = await gw.token(did, { kind: 'patient' });
    const none = await get(`/v1/patients/${did}/summary`, token);
    assert.equal([none.status, none.body['code']].join(' '), '401 PATIENT_PROOF_REQUIRED');
    const other = await get(`/v1/patients/${patient()}/summary`, token, {
      'Medledger-Patient-Proof': REQUEST,
    });
    assert.equal(other.status, 403);
    assert.equal(gw.fake.callsOf('listing:OpenRecordListing').length, before);
  });
});

describe('GET /v1/patients/{did}/summary by a clinician', () => {
  it("when a clinician reads, then each summary record is an audited access decision (Hospital2's presenting the org's treatment consents), a denied one is left out, and no patient access is opened", async () => {
    const did = patient();
    gw.fake.handlers['listing:ListPatientRecords'] = listingOf([
      { recordId: 'rec-own', custodian: 'Hospital1MSP', category: 'allergy' },
      { recordId: 'rec-h2', custodian: 'Hospital2MSP', category: 'lab' },
      { recordId: 'rec-revoked', custodian: 'Hospital2MSP', category: 'diagnosis' },
    ]);
    const held = [consentFixture(did, { purpose: 'treatment' })];
    gw.fake.handlers['consent:ListPatientConsents'] = () => ({
      items: held,
      bookmark: '',
      fetchedRecordsCount: 1,
    });
    gw.fake.handlers['access:AccessRecord'] = (i) => ({
      ...(defaultHandlers()['access:AccessRecord']?.(i, {}) as Record<string, unknown>),
      ...(i['recordId'] === 'rec-revoked'
        ? { outcome: 'denied', reason: 'CONSENT_REVOKED', expiresAt: null }
        : {}),
    });
    gw.fake.handlers['access:ReadRecordContent'] = (i) => ({
      // The custodian's data-use receipt comes with every content read (leak tracing).
      receipt: (defaultHandlers()['access:ReadRecordContent']?.(i, {}) as { receipt: unknown }).receipt,
      recordId: i['recordId'],
      version: 1,
      contentHash: hashOf(String(i['recordId'])),
      resource: { resourceType: 'Condition', subject: { reference: 'Patient/example' } },
      salt: hashOf('salt'),
      deidentified: false,
    });
    try {
      const patientAccesses = gw.fake.callsOf('summary:OpenPatientAccess').length;
      const before = gw.fake.callsOf('access:AccessRecord').length;
      const receiptsBefore = gw.fake.callsOf('trace:RecordDataUse').length;
      const r = await get(`/v1/patients/${did}/summary`, await gw.token('doc1'));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      // Each content read in the summary is recorded with its receipt before it is answered.
      assert.equal(gw.fake.callsOf('trace:RecordDataUse').length - receiptsBefore, 2);
      const decided = gw.fake.callsOf('access:AccessRecord').slice(before);
      assert.deepEqual(
        decided.map((c) => [
          c.input['recordId'],
          c.input['purpose'],
          c.options.transient?.['consents'] !== undefined,
        ]),
        [
          ['rec-own', 'treatment', false],
          ['rec-h2', 'treatment', true],
          ['rec-revoked', 'treatment', true],
        ],
      );
      assert.deepEqual(
        recordEntries(r.body).map((e) => e.fullUrl.startsWith('urn:uuid:')),
        [true, true],
      );
      assert.equal(JSON.stringify(r.body).includes('rec-revoked'), false);
      assert.equal(gw.fake.callsOf('summary:OpenPatientAccess').length, patientAccesses);
    } finally {
      restore(
        'listing:ListPatientRecords',
        'consent:ListPatientConsents',
        'access:AccessRecord',
        'access:ReadRecordContent',
      );
    }
  });

  it('when a clinician without consent reads, then only their own hospital is asked and the summary names no other custodian', async () => {
    const did = patient();
    gw.fake.handlers['listing:ListPatientRecords'] = listingOf([]);
    try {
      const before = gw.fake.callsOf('access:AccessRecord').length;
      const r = await get(`/v1/patients/${did}/summary`, await gw.token('doc1'));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(gw.fake.callsOf('access:AccessRecord').length, before);
      assert.equal(JSON.stringify(r.body).includes('Hospital2MSP'), false);
      assert.deepEqual(resourceErrors(r.body), []);
    } finally {
      restore('listing:ListPatientRecords');
    }
  });
});
