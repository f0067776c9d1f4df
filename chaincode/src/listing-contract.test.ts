import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordAnchor } from '@medledger/domain';
import {
  anchor,
  grantConsent,
  type ListedRecords,
  type OpenedListing,
  type PresentedConsent,
} from './testing/fixtures';
import { allergy as allergyResource } from './testing/quality-fixtures';
import type { FakeSigner } from './testing/fake-identity';
import {
  Harness,
  nonRegulatorPeers,
  orgAdmin,
  patientJws,
  registerPatient,
  registerStaff,
  type TestPatient,
} from './testing/harness';

type Opened = OpenedListing;
type Listed = ListedRecords;

/** A patient with an allergy and a diagnosis record at Hospital1 and a diagnosis record at Hospital2. */
async function world() {
  const h = new Harness();
  const patient = await registerPatient(h);
  const h1 = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  const h2 = await registerStaff(h, 'Hospital2MSP', 'attending', 'er');
  const allergy = (
    await anchor(h, h1, patient, {
      category: 'allergy',
      department: 'cardiology',
      resource: allergyResource(),
    })
  ).anchor;
  const diagnosis = (await anchor(h, h1, patient, { category: 'diagnosis', department: 'oncology' })).anchor;
  const atH2 = (await anchor(h, h2, patient, { category: 'diagnosis', department: 'er' })).anchor;
  return { h, patient, h1, h2, allergy, diagnosis, atH2 };
}
type World = Awaited<ReturnType<typeof world>>;

function open(
  w: World,
  who: FakeSigner,
  extra: { consents?: readonly PresentedConsent[]; request?: { jws: string } } = {},
  patient: TestPatient = w.patient,
) {
  return w.h.submit<Opened>(
    who,
    'listing:OpenRecordListing',
    {},
    { transient: { subject: { patientDid: patient.did }, ...extra } },
  );
}

function list(w: World, who: FakeSigner, listingId: string, options: { peer?: string; time?: Date } = {}) {
  return w.h.evaluate<Listed>(who, 'listing:ListPatientRecords', { listingId }, options);
}

const ids = (l: Listed): string[] => l.records.map((r) => `${r.custodian}/${r.recordId}`).sort();
const idOf = (r: RecordAnchor): string => `${r.custodian}/${r.recordId}`;

function listRequest(w: World, aud: string): { jws: string } {
  return { jws: patientJws(w.h, w.patient, { typ: 'medledger.records.list', aud }, { expInSeconds: 120 }) };
}

const grant = (w: World, body: Record<string, unknown>): Promise<PresentedConsent> =>
  grantConsent(w.h, w.patient, { categories: ['allergy'], ...body });

void describe('ListingContract: who sees which records', () => {
  void it('when the patient signs a listing relayed by Hospital2, then it lists every record at every custodian, metadata only', async () => {
    const w = await world();
    const { result } = await open(w, orgAdmin('Hospital2MSP'), { request: listRequest(w, 'Hospital2MSP') });
    assert.deepEqual([result.mode, result.outcome, result.reason], ['patient', 'granted', 'PATIENT_SIGNED']);
    const listed = await list(w, orgAdmin('Hospital2MSP'), result.listingId);
    assert.deepEqual(ids(listed), [w.allergy, w.diagnosis, w.atH2].map(idOf).sort());
    assert.ok(listed.records.every((r) => !('contentHash' in r) && !('resource' in r)));
  });

  void it('when the custodian attending lists, then they see their own records and none of another hospital', async () => {
    const w = await world();
    const { result } = await open(w, w.h1);
    assert.deepEqual([result.mode, result.reason], ['clinician', 'CLINICIAN']);
    assert.deepEqual(ids(await list(w, w.h1, result.listingId)), [w.allergy, w.diagnosis].map(idOf).sort());
  });

  void it('when a custodian nurse lists, then only the records of their own department are shown', async () => {
    const w = await world();
    const nurse = await registerStaff(w.h, 'Hospital1MSP', 'nurse', 'oncology');
    const { result } = await open(w, nurse);
    assert.deepEqual(ids(await list(w, nurse, result.listingId)), [idOf(w.diagnosis)]);
  });

  void it('when Hospital2 lists without a consent, then it sees only its own record; with an allergy consent, also the allergy record; after revocation, not any more', async () => {
    const w = await world();
    const bare = await open(w, w.h2);
    assert.deepEqual(ids(await list(w, w.h2, bare.result.listingId)), [idOf(w.atH2)]);
    const consent = await grant(w, {});
    const withConsent = await open(w, w.h2, { consents: [consent] });
    const listed = await list(w, w.h2, withConsent.result.listingId);
    assert.deepEqual(ids(listed), [w.allergy, w.atH2].map(idOf).sort());
    const relay = await registerStaff(w.h, 'Hospital1MSP', 'nurse', 'cardiology');
    const revocation = patientJws(w.h, w.patient, {
      typ: 'medledger.consent.revoke',
      consentId: consent.consentId,
    });
    await w.h.submit(
      relay,
      'consent:RevokeConsent',
      {},
      {
        transient: { revocation: { jws: revocation, grantJws: consent.jws } },
      },
    );
    assert.deepEqual(ids(await list(w, w.h2, withConsent.result.listingId)), [idOf(w.atH2)]);
  });

  void it('when a consent of another patient or a forged grant is presented, then it covers nothing', async () => {
    const w = await world();
    const consent = await grant(w, {});
    const other = await registerPatient(w.h);
    const { result } = await open(w, w.h2, { consents: [consent] }, other);
    assert.deepEqual((await list(w, w.h2, result.listingId)).records, []);
    const forged = { consentId: consent.consentId, jws: `${consent.jws.slice(0, -4)}AAAA` };
    const second = await open(w, w.h2, { consents: [forged] });
    assert.deepEqual(ids(await list(w, w.h2, second.result.listingId)), [idOf(w.atH2)]);
  });
});

void describe('ListingContract: attackers', () => {
  void it('when a researcher lists a patient, then it is denied and audited, and nothing can be read with it', async () => {
    const w = await world();
    const researcher = await registerStaff(w.h, 'ResearchMSP', 'researcher', null);
    const { result, tx } = await open(w, researcher);
    assert.deepEqual([result.outcome, result.reason], ['denied', 'ROLE_NOT_PERMITTED']);
    assert.equal(tx.event?.name, 'RecordListingOpened');
    await assert.rejects(list(w, researcher, result.listingId), /\[ACCESS_NOT_GRANTED\]/);
  });

  void it('when the relaying org replays the patient signed request, or another org relays it, then it is refused', async () => {
    const w = await world();
    const request = listRequest(w, 'Hospital2MSP');
    await open(w, orgAdmin('Hospital2MSP'), { request });
    await assert.rejects(open(w, orgAdmin('Hospital2MSP'), { request }), /\[REPLAYED_NONCE\]/);
    await assert.rejects(
      open(w, orgAdmin('Hospital1MSP'), { request: listRequest(w, 'Hospital2MSP') }),
      /\[FORBIDDEN\] request aud/,
    );
  });

  void it('when a request signed for another patient or by another key is relayed, then it is refused', async () => {
    const w = await world();
    const other = await registerPatient(w.h);
    const signedByOther = patientJws(w.h, other, { typ: 'medledger.records.list', aud: 'Hospital2MSP' });
    await assert.rejects(
      open(w, orgAdmin('Hospital2MSP'), { request: { jws: signedByOther } }),
      /\[VALIDATION_FAILED\] request patientDid/,
    );
    const wrongKey = patientJws(
      w.h,
      w.patient,
      { typ: 'medledger.records.list', aud: 'Hospital2MSP' },
      { key: other.privateJwk },
    );
    await assert.rejects(
      open(w, orgAdmin('Hospital2MSP'), { request: { jws: wrongKey } }),
      /\[INVALID_SIGNATURE\]/,
    );
  });

  void it("when someone else reads a listing, it is read on any peer but the regulator's, or after it expired, then it is refused", async () => {
    const w = await world();
    const { result } = await open(w, w.h1);
    const colleague = await registerStaff(w.h, 'Hospital1MSP', 'attending', 'cardiology');
    await assert.rejects(list(w, colleague, result.listingId), /\[ACCESS_NOT_GRANTED\]/);
    for (const peer of nonRegulatorPeers(w.h)) {
      await assert.rejects(list(w, w.h1, result.listingId, { peer }), {
        message: `[FORBIDDEN] peer of ${peer}`,
      });
    }
    const later = new Date(Date.parse(result.expiresAt ?? '') + 1000);
    await assert.rejects(list(w, w.h1, result.listingId, { time: later }), /\[EXPIRED\]/);
  });

  void it("when the regulator's staff try to open a listing, then it is refused before anything is written", async () => {
    const w = await world();
    const auditor = await registerStaff(w.h, 'RegulatorMSP', 'auditor', null);
    await assert.rejects(open(w, auditor), /\[FORBIDDEN\]/);
  });

  void it('when a patient with records at Hospital1 only lists through Hospital1, then Hospital2 and the research institute hold no trace of the patient', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const doc = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
    const { anchor: only } = await anchor(h, doc, patient, {
      category: 'allergy',
      resource: allergyResource(),
    });
    const w = { h, patient } as World;
    const { result } = await open(w, orgAdmin('Hospital1MSP'), { request: listRequest(w, 'Hospital1MSP') });
    assert.deepEqual(ids(await list(w, orgAdmin('Hospital1MSP'), result.listingId)), [idOf(only)]);
    for (const org of ['Hospital2MSP', 'ResearchMSP']) {
      assert.equal(
        h.ledger.orgView(org).some((s) => s.includes(patient.did)),
        false,
        org,
      );
    }
    assert.equal(
      h.ledger.orgView('RegulatorMSP').some((s) => s.includes(patient.did)),
      true,
    );
  });
});
