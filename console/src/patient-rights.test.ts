import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { canonicalJson, staffDid } from '@medledger/domain';
import { startTestGateway, type TestGateway } from '@medledger/gateway/testing';
import { launchBrowser, type TestBrowser } from '@medledger/gateway/testing/browser';

import {
  allergyFile,
  assertAccessible,
  assertNoPersonalDataInAddresses,
  assertQuiet,
  conditionFile,
  ConsoleTab,
  emergencyListing,
  FakeConsortium,
  OversightDriver,
  PatientDriver,
  PHONE,
  registeredKeyFile,
  ResultsFolder,
  StaffDriver,
  type StaffMember,
} from './testing';

// The patient-side pages of the console (emergency profile, template grants with use limits, health
// summary, erasure requests) and the staff and regulator pages that answer them (co-signed
// break-glass, deletion attestation, erasure inbox, the overdue chart), in headless Chromium against
// gateways over the in-memory consortium. Every page is screenshot, checked with axe-core and must
// leave nothing on the browser console.

const RESULTS = new ResultsFolder(join(__dirname, '..', 'test-results'));

const attending = (mspId: string, enrollmentId: string): StaffMember => ({
  mspId,
  enrollmentId,
  role: 'attending',
  department: 'cardiology',
});
const STAFF: readonly StaffMember[] = [
  attending('Hospital1MSP', 'hospital1-attending-1'),
  attending('Hospital1MSP', 'hospital1-attending-2'),
  attending('Hospital2MSP', 'hospital2-attending-1'),
  { mspId: 'Hospital1MSP', enrollmentId: 'hospital1-admin-1', role: 'admin', department: null },
  { mspId: 'RegulatorMSP', enrollmentId: 'regulator-auditor-1', role: 'auditor', department: null },
];

const uid = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;
const patientDid = (): string => `did:medledger:patient:${randomBytes(12).toString('base64url')}`;
const DAY_MS = 86_400_000;
type Body = Record<string, unknown>;
/** The content hash the ledger anchors: hex SHA-256 of canonical `{ resource, salt }`. */
const contentHash = (resource: Body, salt: string): string =>
  createHash('sha256').update(canonicalJson({ resource, salt })).digest('hex');

describe('the patient-side pages in a real browser, against gateways over the test ledger', () => {
  let h1: TestGateway;
  let h2: TestGateway;
  let regulator: TestGateway;
  let consortium: FakeConsortium;
  let browser: TestBrowser;

  before(async () => {
    h1 = await startTestGateway();
    h2 = await startTestGateway({ org: { name: 'Hospital2', mspId: 'Hospital2MSP' } });
    regulator = await startTestGateway({ org: { name: 'Regulator', mspId: 'RegulatorMSP' } });
    consortium = new FakeConsortium([h1, h2, regulator], STAFF);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser.close();
    await Promise.all([h1.close(), h2.close(), regulator.close()]);
  });

  /** A tab of `gw`'s console signed in as `user` (a patient when `did`). */
  async function tab(gw: TestGateway, user: string, viewport = {}): Promise<ConsoleTab> {
    const opened = await ConsoleTab.open(browser, gw.url, RESULTS, { width: 1280, height: 860, ...viewport });
    await opened.signIn(await gw.token(user, user.startsWith('did:') ? { kind: 'patient' } : {}));
    return opened;
  }

  /** A patient registered at hospital 1 whose key is imported into a tab of hospital 1's console. */
  async function patientAtHospital1(did: string): Promise<{ tab: ConsoleTab; patient: PatientDriver }> {
    const keyFile = await registeredKeyFile(
      h1.url,
      'Hospital1MSP',
      await h1.token('hospital1-attending-1'),
      did,
      RESULTS,
    );
    const opened = await tab(h1, did);
    const patient = new PatientDriver(opened);
    assert.match(await patient.importKey(keyFile), /kept in this browser/);
    return { tab: opened, patient };
  }

  it('when a patient signs an emergency profile of allergies only, then break-glass opens an allergy record, a diagnosis needs a second attending, the requester cannot co-sign, the co-signed read works and the admin reviews it', async () => {
    const did = patientDid();
    const allergyId = uid('rec');
    const diagnosisId = uid('rec');
    const { tab: patientTab, patient } = await patientAtHospital1(did);
    const requesterTab = await tab(h1, 'hospital1-attending-1');
    const colleagueTab = await tab(h1, 'hospital1-attending-2');
    const adminTab = await tab(h1, 'hospital1-admin-1');
    try {
      const unsigned = await patient.emergencyProfileNow();
      assert.match(unsigned.text, /You have not signed a profile: the emergency minimum applies/);
      assert.ok(unsigned.checked.includes('allergy') && !unsigned.checked.includes('genomic'));
      assert.match(
        await patient.setEmergencyProfile(['allergy'], 'co-sign'),
        /break-glass opens allergy; beyond it, a second attending of the same hospital may co-sign/,
      );
      assert.equal(consortium.verified.at(-1), 'medledger.preferences');
      assert.deepEqual(consortium.emergencyProfiles.get(did), {
        categories: ['allergy'],
        beyondProfile: 'co_signed',
      });
      await patientTab.screenshot('30-patient-emergency-profile');
      await assertAccessible(patientTab.page, 'emergency profile');
      // Opened again, the page reads the signed profile back from the ledger and starts from it.
      await patientTab.go('Consents');
      const signed = await patient.emergencyProfileNow();
      assert.match(
        signed.text,
        /^Now on the ledger: break-glass opens allergy; beyond it, a second attending/,
      );
      assert.deepEqual(signed.checked, ['allergy']);
      await patientTab.screenshot('30b-patient-emergency-profile-read-back');

      const requester = new StaffDriver(requesterTab);
      await requester.anchor(allergyFile(RESULTS, allergyId), did, allergyId);
      await requester.anchor(conditionFile(RESULTS, diagnosisId), did, diagnosisId);
      await requester.lookUp(allergyId);
      assert.match(await requester.requestAccess('emergency'), /Access granted \(BREAK_GLASS,/);
      await requester.lookUp(diagnosisId);
      assert.match(await requester.requestAccess('emergency'), /Access denied \(CO_SIGNATURE_REQUIRED/);
      const requestId = await requester.coSignRequestId();
      await requesterTab.screenshot('31-staff-co-signature-required');
      await assertAccessible(requesterTab.page, 'co-signature required');

      // The requester is no second attending (a fresh tab, the same person).
      const selfTab = await tab(h1, 'hospital1-attending-1');
      try {
        assert.match(await new StaffDriver(selfTab).coSign(requestId), /CO_SIGNER_NOT_PERMITTED/);
      } finally {
        await selfTab.close();
      }
      const colleague = new StaffDriver(colleagueTab);
      const coSigned = await colleague.coSign(requestId);
      assert.match(coSigned, /Co-signed: access granted to your colleague \(BREAK_GLASS_COSIGNED/);
      const accessId = /access id (\S+) \(transaction/.exec(coSigned)?.[1] ?? '';
      await colleagueTab.screenshot('32-staff-co-sign');
      await assertAccessible(colleagueTab.page, 'co-sign');
      assert.match(await colleague.coSign(requestId), /CONFLICT/);
      assert.deepEqual(
        ((await requester.readCoSigned(accessId)) as { code: { text: string } }).code.text,
        'Essential hypertension',
      );

      await consortium.caughtUp();
      await adminTab.go('Reviews');
      const row = adminTab.page.getByRole('row').filter({ hasText: diagnosisId });
      // The reviewer sees who co-signed beyond the profile, and that the allergy read was one doctor's.
      const coSigner = staffDid('Hospital1MSP', 'hospital1-attending-2');
      await row.getByText(coSigner, { exact: true }).waitFor();
      assert.match(await row.innerText(), new RegExp(`${coSigner}\\s*\\(Hospital1MSP\\)`));
      const alone = adminTab.page.getByRole('row').filter({ hasText: allergyId });
      assert.match(await alone.innerText(), /none \(one doctor\)/);
      assert.equal((await alone.innerText()).includes(coSigner), false);
      await row.getByRole('button', { name: /^Justified/ }).click();
      await row.getByText('justified', { exact: true }).waitFor();
      assert.equal(consortium.coSignedBy.get(accessId), staffDid('Hospital1MSP', 'hospital1-attending-2'));
      await adminTab.screenshot('33-staff-co-signed-review', true);
      assertNoPersonalDataInAddresses(patientTab, [did]);
      for (const t of [patientTab, requesterTab, adminTab]) assertQuiet(t);
      assertQuiet(colleagueTab, [/co-sign: 409$/, /status of 409/]);
    } finally {
      await Promise.all([patientTab, requesterTab, colleagueTab, adminTab].map((t) => t.close()));
    }
  });

  it('when a patient grants from the treatment template with one read and a keep-until date, then hospital 2 reads once, is refused the second time, and only hospital 2 may attest the deletion', async () => {
    const did = patientDid();
    const recordId = uid('rec');
    const { tab: patientTab, patient } = await patientAtHospital1(did);
    const h1Tab = await tab(h1, 'hospital1-attending-1');
    const h2Tab = await tab(h2, 'hospital2-attending-1');
    try {
      await new StaffDriver(h1Tab).anchor(conditionFile(RESULTS, recordId), did, recordId);
      const keepUntil = new Date(Date.now() + 7 * DAY_MS).toISOString().slice(0, 10);
      const granted = await patient.grant('Hospital2MSP', 'Treatment at a hospital for 30 days', {
        reads: 1,
        keepUntil,
      });
      assert.match(granted, /Granted to Hospital2MSP until .* · 1 reads · copies kept until/);
      const consent = consortium.consents.at(-1);
      assert.ok(consent);
      assert.equal(consortium.verified.at(-1), 'medledger.consent.grant');
      assert.equal(consent.maxReads, 1);
      assert.ok(Date.parse(consent.keepUntil ?? '') > Date.now() + 6 * DAY_MS, consent.keepUntil);
      assert.equal(consent.categories.includes('genomic'), false, 'the template leaves genomic data out');
      await patientTab.screenshot('34-patient-template-grant', true);
      await assertAccessible(patientTab.page, 'template grant');

      const reader = new StaffDriver(h2Tab);
      await reader.lookUp(recordId, 'Hospital1MSP');
      assert.match(await reader.requestAccess('treatment', did), /Access granted \(CONSENT/);
      assert.match(await reader.requestAccess('treatment', did), /Access denied \(CONSENT_USE_EXHAUSTED/);

      const { consentId } = consent;
      // Hospital2's gateway sees its read id-only; the regulator's peer names the consent it used.
      await consortium.caughtUp();
      const owed = await reader.owedAttestations();
      assert.equal(owed.length, 1, owed.join('\n'));
      assert.match(owed[0] ?? '', new RegExp(`${consentId.slice(0, 12)}.*\\s1\\s.*due`, 's'));
      await h2Tab.screenshot('35a-staff-attestations-owed');
      await assertAccessible(h2Tab.page, 'attestations owed');
      // Hospital1 relied on no consent: it owes nothing, and cannot attest Hospital2's.
      const h1Staff = new StaffDriver(h1Tab);
      assert.deepEqual(await h1Staff.owedAttestations(), []);
      assert.match(await h1Staff.attestDeletion(consentId), /FORBIDDEN/);
      assert.match(await reader.attestOwed(consentId), /Attested for Hospital2MSP .*, in time; transaction/);
      await h2Tab.screenshot('35-staff-deletion-attestation');
      await assertAccessible(h2Tab.page, 'deletion attestation');
      await consortium.caughtUp();
      assert.deepEqual(await reader.owedAttestations(), [], 'attested: owed no more');
      assert.match(await reader.attestDeletion(consentId), /CONFLICT/);
      assertQuiet(patientTab);
      assertQuiet(h1Tab, [/deletion-attestations: 403$/, /status of 403/]);
      assertQuiet(h2Tab, [/deletion-attestations: 409$/, /status of 409/]);
    } finally {
      await Promise.all([patientTab.close(), h1Tab.close(), h2Tab.close()]);
    }
  });

  it('when a patient with records at two hospitals reads the health summary, then each entry names its hospital and hash and is verified in the browser, and a copy that differs from its anchor is shown NOT verified', async () => {
    const did = patientDid();
    const allergyId = uid('rec');
    const diagnosisId = uid('rec');
    const { tab: patientTab, patient } = await patientAtHospital1(did);
    const h1Tab = await tab(h1, 'hospital1-attending-1');
    const h2Tab = await tab(h2, 'hospital2-attending-1');
    try {
      await new StaffDriver(h1Tab).anchor(allergyFile(RESULTS, allergyId), did, allergyId);
      await new StaffDriver(h2Tab).anchor(conditionFile(RESULTS, diagnosisId), did, diagnosisId);
      const { announced, rows } = await patient.summary();
      assert.match(
        announced,
        /2 entries from Hospital1MSP, Hospital2MSP; 2 of 2 verified against their public anchors/,
      );
      assert.equal(rows.length, 2);
      assert.match(rows[0] ?? '', new RegExp(`Penicillin.*Hospital1MSP.*${allergyId}.*verified`, 's'));
      assert.match(
        rows[1] ?? '',
        new RegExp(`Essential hypertension.*Hospital2MSP.*${diagnosisId}.*verified`, 's'),
      );
      const anchored = consortium.records.get(`Hospital2MSP/${diagnosisId}`)?.versions[0]?.contentHash ?? '';
      assert.match(rows[1] ?? '', new RegExp(anchored.slice(0, 12)));
      await patientTab.screenshot('36-patient-health-summary', true);
      await assertAccessible(patientTab.page, 'health summary');

      // The custodian's copy changes under the anchor: the browser's hash no longer matches.
      const stored = consortium.records.get(`Hospital2MSP/${diagnosisId}`);
      const original = stored?.content.get(1) ?? '';
      const changed = JSON.parse(original) as { resource: { code: { text: string } } };
      changed.resource.code.text = 'Something else';
      stored?.content.set(1, JSON.stringify(changed));
      const second = await patient.summary();
      assert.match(second.announced, /1 of 2 verified/);
      assert.match(
        second.rows[1] ?? '',
        /NOT verified \(the content does not hash to the hash it came with\)/,
      );
      stored?.content.set(1, original);

      // A custodian's peer that answers other content with a hash made to fit it: the entry hashes to
      // the hash it came with, but the public anchor, read through the patient's own gateway, differs.
      const honest = h1.fake.handlers['summary:ReadPatientContent'];
      h1.fake.handlers['summary:ReadPatientContent'] = (input, options) => {
        const answer = honest?.(input, options) as {
          entries: { recordId: string; resource: Body; salt: string; contentHash: string }[];
        };
        for (const e of answer.entries.filter((x) => x.recordId === diagnosisId)) {
          e.resource = { ...e.resource, code: { text: 'Something else' } };
          e.contentHash = contentHash(e.resource, e.salt);
        }
        return answer;
      };
      try {
        const third = await patient.summary();
        assert.match(third.announced, /1 of 2 verified against their public anchors/);
        assert.match(third.rows[1] ?? '', /NOT verified \(the content does not match the public anchor\)/);
        await patientTab.screenshot('36b-patient-summary-anchor-mismatch', true);
      } finally {
        if (honest) h1.fake.handlers['summary:ReadPatientContent'] = honest;
      }
      assert.ok(
        consortium.verified.filter((t) => t === 'medledger.record.read').length >= 4,
        'each entry of each summary was checked with a request signed for its record',
      );
      assertNoPersonalDataInAddresses(patientTab, [did, allergyId, diagnosisId]);
      assertQuiet(patientTab);
    } finally {
      await Promise.all([patientTab.close(), h1Tab.close(), h2Tab.close()]);
    }
  });

  it('when a patient asks for two records to be erased, then the admin refuses one with a legal reason and erases the other, the patient sees both answers and an old request overdue, and the regulator charts the overdue items', async () => {
    const did = patientDid();
    const [keptId, erasedId, oldId] = [uid('rec'), uid('rec'), uid('rec')];
    const { tab: patientTab, patient } = await patientAtHospital1(did);
    const staffTab = await tab(h1, 'hospital1-attending-1');
    const adminTab = await tab(h1, 'hospital1-admin-1');
    const auditorTab = await tab(regulator, 'regulator-auditor-1');
    try {
      const staff = new StaffDriver(staffTab);
      for (const id of [keptId, erasedId, oldId]) await staff.anchor(conditionFile(RESULTS, id), did, id);
      const listed = await patient.listRecords();
      assert.equal(listed.length, 3);
      assert.match(await patient.askErasure(keptId), new RegExp(`Asked Hospital1MSP to erase ${keptId}`));
      assert.match(await patient.askErasure(erasedId), new RegExp(`Asked Hospital1MSP to erase ${erasedId}`));
      assert.deepEqual(consortium.verified.slice(-2), [
        'medledger.erasure.request',
        'medledger.erasure.request',
      ]);
      // A request filed 40 days ago that the hospital never answered.
      consortium.rights.fileErasureRequest({
        patientDid: did,
        custodian: 'Hospital1MSP',
        recordId: oldId,
        requestedAt: new Date(Date.now() - 40 * DAY_MS).toISOString(),
      });

      const admin = new StaffDriver(adminTab);
      const inbox = await admin.erasureInbox(keptId);
      assert.match(inbox[0] ?? '', new RegExp(`${oldId}.*overdue`, 's'), 'overdue first');
      await adminTab.screenshot('37-staff-erasure-inbox', true);
      await assertAccessible(adminTab.page, 'erasure inbox');
      assert.match(await admin.answerErasure(keptId, { refuse: 'legal_claim' }), /refused \(legal_claim\)/);
      assert.match(await admin.answerErasure(erasedId, { erase: true }), /erased/);
      assert.equal(consortium.records.get(`Hospital1MSP/${erasedId}`)?.versions[0]?.erased, true);

      // Back to the page: it asks again where each request stands.
      await patientTab.go('Access log');
      await patientTab.go('Erasure requests');
      const requests = await patient.erasureRequests(3);
      const statusOf = (id: string) => requests.find((r) => r.includes(id)) ?? '';
      assert.match(statusOf(keptId), /refused \(the record is needed for a legal claim\)/);
      assert.match(statusOf(erasedId), /erased/);
      assert.match(statusOf(oldId), /overdue/);
      await patientTab.screenshot('38-patient-erasure-requests', true);
      await assertAccessible(patientTab.page, 'erasure requests');

      // A use-limited consent read under, whose keep-until date passed without an attestation.
      const consentId = scriptOverdueAttestation(did);
      await consortium.caughtUp();
      const auditor = new OversightDriver(auditorTab);
      await auditor.report(['overdue']);
      await auditorTab.page.getByRole('heading', { name: 'Deletion attestations' }).waitFor();
      // The report's deletion attestations, served as a projection with the section answers them.
      await auditorTab.page.route(
        (url) => url.pathname === '/v1/reports/compliance',
        async (route) => {
          const answer = await route.fetch();
          const url = new URL(route.request().url());
          const report = (await answer.json()) as Record<string, unknown>;
          const section = consortium.rights.deletionAttestations(
            url.searchParams.get('from') ?? '',
            url.searchParams.get('to') ?? '',
          );
          await route.fulfill({ response: answer, json: { ...report, deletionAttestations: section } });
        },
      );
      await auditorTab.page.getByRole('button', { name: 'Show' }).click();
      const overdue = auditorTab.page.getByRole('region', { name: /^Overdue/ });
      await overdue.getByText(/Hospital2MSP, consent/).waitFor();
      const bars = await auditor.report(['overdue']);
      assert.ok((bars['overdue'] ?? 0) >= 2, JSON.stringify(bars));
      const text = await auditorTab.page.getByRole('region', { name: /^Overdue/ }).innerText();
      assert.match(text, new RegExp(`${oldId} at Hospital1MSP: due .*, \\d+ h overdue`));
      assert.match(text, new RegExp(`Hospital2MSP, consent ${consentId.slice(0, 12)}`));
      await auditorTab.page.locator('figure[data-chart="overdue"]').scrollIntoViewIfNeeded();
      await auditorTab.screenshot('39-regulator-overdue');
      await assertAccessible(auditorTab.page, 'overdue chart');
      assertNoPersonalDataInAddresses(patientTab, [did, keptId, erasedId]);
      for (const t of [patientTab, staffTab, adminTab, auditorTab]) assertQuiet(t);
    } finally {
      await Promise.all([patientTab, staffTab, adminTab, auditorTab].map((t) => t.close()));
    }
  });

  it("when a doctor's break-glass access and emergency listing wait for review, then the admin's reviews page shows both kinds with their labels, and each is reviewed by keyboard alone", async () => {
    const did = patientDid();
    const allergyId = uid('rec');
    const { tab: patientTab, patient } = await patientAtHospital1(did);
    const doctorTab = await tab(h1, 'hospital1-attending-1');
    const adminTab = await tab(h1, 'hospital1-admin-1');
    try {
      assert.match(await patient.setEmergencyProfile(['allergy'], 'nothing'), /break-glass opens allergy/);
      const doctor = new StaffDriver(doctorTab);
      await doctor.anchor(allergyFile(RESULTS, allergyId), did, allergyId);
      await doctor.lookUp(allergyId);
      assert.match(await doctor.requestAccess('emergency'), /Access granted \(BREAK_GLASS,/);
      const listing = await emergencyListing(h1.url, await h1.token('hospital1-attending-1'), did);
      assert.deepEqual(
        listing.records.map((r) => r.recordId),
        [allergyId],
      );
      await consortium.caughtUp();

      const reviewer = new OversightDriver(adminTab);
      const lists = await reviewer.reviewLists();
      assert.ok(
        lists.some((h) => /^Break-glass accesses \(\d+\)$/.test(h)),
        lists.join(' | '),
      );
      assert.ok(
        lists.some((h) => /^Emergency listings \(\d+\)$/.test(h)),
        lists.join(' | '),
      );
      const access = reviewer.reviewRow('Emergency accesses, overdue first', allergyId);
      const listingRow = reviewer.reviewRow('Emergency listings, overdue first', did);
      const doctorDid = staffDid('Hospital1MSP', 'hospital1-attending-1');
      assert.match(
        await access.innerText(),
        new RegExp(`${doctorDid}.*none \\(one doctor\\).*${allergyId} at Hospital1MSP.*pending`, 's'),
      );
      assert.match(
        await listingRow.innerText(),
        new RegExp(`${doctorDid}.*unconscious patient.*${did}.*allergy.*pending`, 's'),
      );
      // Each kind's review buttons name their case: the record, or the listing.
      const listingLabel = `listing ${listing.listingId.slice(0, 8)}`;
      for (const [row, label] of [
        [access, allergyId],
        [listingRow, listingLabel],
      ] as const) {
        for (const word of ['Justified', 'Unjustified'])
          await row.getByRole('button', { name: `${word} (${label})`, exact: true }).waitFor();
      }
      await adminTab.screenshot('40-staff-reviews-both-kinds', true);
      await assertAccessible(adminTab.page, 'reviews, both kinds');

      await reviewer.pressByKeyboard(`Justified (${listingLabel})`);
      await listingRow.getByText('justified', { exact: true }).waitFor();
      await listingRow.getByText('reviewed', { exact: true }).waitFor();
      await reviewer.pressByKeyboard(`Unjustified (${allergyId})`);
      await access.getByText('unjustified', { exact: true }).waitFor();
      await access.getByText('reviewed', { exact: true }).waitFor();
      // The listing's review went to the listing, the access's to the access, each as its kind.
      const accessId = consortium.decisions.find((d) => d.recordId === allergyId)?.eventId;
      assert.deepEqual(consortium.reviews.slice(-2), [
        { caseId: listing.listingId, kind: 'emergency_listing', outcome: 'justified' },
        { caseId: accessId, kind: 'access', outcome: 'unjustified' },
      ]);
      assertNoPersonalDataInAddresses(adminTab, [did, allergyId]);
      for (const t of [patientTab, doctorTab, adminTab]) assertQuiet(t);
    } finally {
      await Promise.all([patientTab, doctorTab, adminTab].map((t) => t.close()));
    }
  });

  /** A consent of `did` to Hospital2MSP kept until yesterday, read under once, never attested; its id. */
  function scriptOverdueAttestation(did: string): string {
    const consentId = randomBytes(32).toString('hex');
    const start = new Date(Date.now() - 20 * DAY_MS).toISOString();
    consortium.consents.push({
      consentId,
      patientDid: did,
      grantee: { kind: 'org', mspId: 'Hospital2MSP' },
      categories: ['diagnosis'],
      maxLevel: 3,
      purpose: 'treatment',
      periodStart: start,
      periodEnd: new Date(Date.now() + 10 * DAY_MS).toISOString(),
      keepUntil: new Date(Date.now() - DAY_MS).toISOString(),
      status: 'active',
      grantedAt: start,
      grantTxId: consentId,
      relayedBy: 'hospital1-attending-1',
      revokedAt: null,
      revokeTxId: null,
      jws: 'e30.e30.AA',
    });
    const record = [...consortium.records.values()].find((r) => r.patientDid === did)?.versions[0];
    consortium.decide({
      actorDid: 'did:medledger:staff:hospital2msp:hospital2-attending-1',
      actorMsp: 'Hospital2MSP',
      actorRole: 'attending',
      purpose: 'treatment',
      recordId: record?.recordId ?? uid('rec'),
      version: 1,
      patientDid: did,
      custodian: 'Hospital1MSP',
      consentId,
      studyId: null,
      outcome: 'granted',
      reason: 'CONSENT',
      breakGlass: false,
      breakGlassReason: null,
      expiresAt: null,
      txTime: new Date(Date.now() - 15 * DAY_MS).toISOString(),
    });
    return consentId;
  }

  it('when the new patient pages are used at phone width (390 px), then none scrolls sideways and each passes the accessibility checks', async () => {
    const did = patientDid();
    await consortium.registerForTest(did, 'Hospital1MSP');
    const phone = await tab(h1, did, PHONE);
    try {
      for (const [title, shot] of [
        ['Emergency profile', '40-phone-emergency-profile'],
        ['Health summary', '41-phone-health-summary'],
        ['Erasure requests', '42-phone-erasure-requests'],
      ] as const) {
        await phone.go(title);
        const wider = await phone.page.evaluate(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        );
        assert.equal(wider, 0, title);
        await assertAccessible(phone.page, `${title} at 390 px`);
        await phone.screenshot(shot, true);
      }
      assertQuiet(phone, [/status of 404/]);
    } finally {
      await phone.close();
    }
  });
});
