import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { emergencyProfileOf, generatePatientKey, staffDid } from '@medledger/domain';
import { startTestGateway, type TestGateway } from '@medledger/gateway/testing';
import { launchBrowser, type TestBrowser } from '@medledger/gateway/testing/browser';

import {
  accessibilityViolations,
  assertAccessible,
  assertNoPersonalDataInAddresses,
  assertQuiet,
  conditionFile,
  ConsoleTab,
  emergencyListing,
  FakeConsortium,
  keptGrants,
  OversightDriver,
  PatientDriver,
  PHONE,
  registeredKeyFile,
  ResultsFolder,
  StaffDriver,
  type StaffMember,
} from './testing';

// The web console in headless Chromium, against gateways over the test ledger (a consortium in
// memory): a patient, hospital staff at two hospitals and an auditor, each through the pages a person
// uses. Every page is screenshot into console/test-results/screenshots, checked with axe-core, and
// must leave nothing on the browser console.

const RESULTS = new ResultsFolder(join(__dirname, '..', 'test-results'));

const STAFF: readonly StaffMember[] = [
  {
    mspId: 'Hospital1MSP',
    enrollmentId: 'hospital1-attending-1',
    role: 'attending',
    department: 'cardiology',
  },
  { mspId: 'Hospital1MSP', enrollmentId: 'hospital1-admin-1', role: 'admin', department: null },
  {
    mspId: 'Hospital2MSP',
    enrollmentId: 'hospital2-attending-1',
    role: 'attending',
    department: 'cardiology',
  },
  { mspId: 'RegulatorMSP', enrollmentId: 'regulator-auditor-1', role: 'auditor', department: null },
];

const uid = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;
const patientDid = (): string => `did:medledger:patient:${randomBytes(12).toString('base64url')}`;

describe('the web console in a real browser, against gateways over the test ledger', () => {
  let h1: TestGateway;
  let h2: TestGateway;
  let regulator: TestGateway;
  let consortium: FakeConsortium;
  let browser: TestBrowser;

  before(async () => {
    h1 = await startTestGateway();
    h2 = await startTestGateway({ org: { name: 'Hospital2', mspId: 'Hospital2MSP' } });
    regulator = await startTestGateway({ org: { name: 'Regulator', mspId: 'RegulatorMSP' } });
    const page = await fetch(`${h1.url}/console/`);
    assert.equal(page.status, 200, 'the console is not built: npm run build (the bootstrap builds it)');
    await page.arrayBuffer();
    consortium = new FakeConsortium([h1, h2, regulator], STAFF);
    browser = await launchBrowser();
    process.stderr.write(`[console tests] screenshots in ${join(RESULTS.dir, 'screenshots')}\n`);
  });

  /** Hospital 1's attending registers a patient from the request (JSON) the patient's app made. */
  async function registerAtHospital1(request: string): Promise<void> {
    const answer = await fetch(`${h1.url}/v1/patients`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await h1.token('hospital1-attending-1')}`,
        'content-type': 'application/json',
      },
      body: request,
    });
    assert.ok(answer.ok, await answer.text());
  }

  /** Registers `did` at hospital 1 with a key made outside the browser; returns its private key file. */
  async function hospital1KeyFile(did: string): Promise<string> {
    return registeredKeyFile(h1.url, 'Hospital1MSP', await h1.token('hospital1-attending-1'), did, RESULTS);
  }

  after(async () => {
    await browser.close();
    await Promise.all([h1.close(), h2.close(), regulator.close()]);
  });

  it('when a patient makes a key, is registered, grants and revokes consent in the browser and reads the log, then the ledger verifies each signature and hospital 2 is granted, then denied', async () => {
    const did = patientDid();
    const recordId = uid('rec');
    const patientTab = await ConsoleTab.open(browser, h1.url, RESULTS);
    const staffTab = await ConsoleTab.open(browser, h1.url, RESULTS);
    const otherHospitalTab = await ConsoleTab.open(browser, h2.url, RESULTS);
    try {
      await patientTab.screenshot('01-sign-in');
      await assertAccessible(patientTab.page, 'sign-in');
      const patientToken = await h1.token(did, { kind: 'patient' });
      await patientTab.signIn(patientToken);
      const patient = new PatientDriver(patientTab);
      const recovery = JSON.parse(await patient.createKey()) as { patientDid: string; d?: string };
      assert.equal(recovery.patientDid, did);
      assert.ok(recovery.d, 'the recovery key file holds the private key');
      const request = await patient.registrationRequest();
      await patientTab.screenshot('02-patient-key');
      await assertAccessible(patientTab.page, 'patient key');

      await staffTab.signIn(await h1.token('hospital1-attending-1'));
      const staff = new StaffDriver(staffTab);
      assert.match(await staff.registerPatient(request), new RegExp(`Registered ${did}`));
      await staffTab.screenshot('03-staff-register-patient');
      await assertAccessible(staffTab.page, 'register a patient');
      assert.deepEqual(consortium.verified.slice(-1), ['medledger.patient.register']);
      await staff.anchor(conditionFile(RESULTS, recordId), did, recordId);

      assert.match(
        await patient.grant('Hospital2MSP', 'Treatment at a hospital for 30 days'),
        /Granted to Hospital2MSP/,
      );
      assert.deepEqual(await patient.consentStatuses(), ['active']);
      // Hospital 1 holds no consent to hospital 2: the row comes from the grant this browser keeps.
      assert.deepEqual(await patient.consentSources(), ['this browser']);
      await patientTab.screenshot('04-patient-consents');
      await assertAccessible(patientTab.page, 'consents');
      assert.equal(consortium.verified.at(-1), 'medledger.consent.grant');

      await otherHospitalTab.signIn(await h2.token('hospital2-attending-1'));
      const other = new StaffDriver(otherHospitalTab);
      await other.lookUp(recordId, 'Hospital1MSP');
      assert.match(await other.requestAccess('treatment', did), /Access granted \(CONSENT/);
      const content = (await other.readContent()) as { code: { text: string } };
      assert.equal(content.code.text, 'Essential hypertension');

      await patient.revoke('Hospital2MSP');
      assert.deepEqual(await patient.consentStatuses(), ['revoked']);
      assert.equal(consortium.verified.at(-1), 'medledger.consent.revoke');
      // Revoked, the consent is no longer presented by hospital 2's gateway: nothing backs the access.
      assert.match(await other.requestAccess('treatment', did), /Access denied \(NO_CONSENT/);

      await consortium.caughtUp();
      const log = await patient.accessLog();
      assert.equal(log.accesses.length, 2);
      assert.match(log.accesses[0] ?? '', /Hospital2MSP[\s\S]*denied/);
      assert.match(log.accesses[1] ?? '', /Hospital2MSP[\s\S]*granted[\s\S]*your consent/);
      assert.match(log.keyChanges[0] ?? '', new RegExp(`${did}#key-1\\s+registered\\s+Hospital1MSP`));
      await patientTab.screenshot('05-patient-access-log');
      await assertAccessible(patientTab.page, 'access log');

      // The key never left the browser: the page keeps nothing but it in storage.
      const storage = await patientTab.page.evaluate(
        'JSON.stringify({ local: localStorage.length, session: sessionStorage.length, cookies: document.cookie })',
      );
      assert.equal(storage, JSON.stringify({ local: 0, session: 0, cookies: '' }));
      const kept = await keptGrants(patientTab);
      assert.equal(kept.rows, 1);
      assert.equal(kept.extractable, false, 'the receipt key cannot be exported');
      const consentId = consortium.consents.at(-1)?.consentId ?? '';
      for (const plain of [consentId, 'Hospital2MSP', 'eyJ'])
        assert.equal(kept.text.includes(plain), false, plain);
      for (const tab of [patientTab, staffTab, otherHospitalTab]) {
        assertNoPersonalDataInAddresses(tab, [patientToken]);
      }
      // Before registration the patient's DID resolves to nothing: that one 404 is the page asking.
      assertQuiet(patientTab, [/\/v1\/dids\/did%3Amedledger%3Apatient%3A.*404/, /status of 404/]);
      assertQuiet(staffTab);
      assertQuiet(otherHospitalTab);
    } finally {
      await Promise.all([patientTab.close(), staffTab.close(), otherHospitalTab.close()]);
    }
  });

  it('when a patient loses the browser key, then the recovery key file makes a new key that signs, the spent recovery key is refused and the log shows the change', async () => {
    const did = patientDid();
    const tab = await ConsoleTab.open(browser, h1.url, RESULTS);
    try {
      await tab.signIn(await h1.token(did, { kind: 'patient' }));
      const patient = new PatientDriver(tab);
      const recoveryFile = RESULTS.download(`${uid('recovery')}.json`);
      writeFileSync(recoveryFile, await patient.createKey());
      await registerAtHospital1(await patient.registrationRequest());

      // The browser forgets everything (a new device, cleared site data); the session goes with it.
      await tab.page.evaluate(
        "new Promise((ok, no) => { const r = indexedDB.deleteDatabase('medledger-console'); r.onsuccess = ok; r.onerror = no; })",
      );
      await tab.page.reload();
      await tab.signIn(await h1.token(did, { kind: 'patient' }));
      assert.match(await patient.keyStatus(), /holds no key of yours/);
      const { announced, nextRecovery } = await patient.recover(recoveryFile);
      assert.match(announced, new RegExp(`Your new key is ${did}#key-2`));
      assert.equal(consortium.verified.at(-1), 'medledger.key.recover');
      assert.ok((JSON.parse(nextRecovery) as { d?: string }).d, 'the next recovery key is offered');
      assert.match(await patient.keyStatus(), new RegExp(`holds your current key, ${did}#key-2`));
      await tab.screenshot('19-patient-key-recovered', true);
      await assertAccessible(tab.page, 'key recovered');

      assert.match(
        await patient.grant('Hospital2MSP', 'Treatment at a hospital for 30 days'),
        /Granted to Hospital2MSP/,
      );
      assert.equal(consortium.verified.at(-1), 'medledger.consent.grant');
      const spent = await patient.recover(recoveryFile);
      assert.match(spent.announced, /INVALID_SIGNATURE|recovery key/i);
      assert.equal(spent.nextRecovery, '');

      await consortium.caughtUp();
      const log = await patient.accessLog();
      assert.match(log.keyChanges[0] ?? '', new RegExp(`${did}#key-2\\s+[^\\n]*recover`, 'i'));
      assertNoPersonalDataInAddresses(tab, [did]);
      assertQuiet(tab, [/status of 40\d/, /\/v1\/dids\/.*404/, /keys\/recovery.*40\d/]);
    } finally {
      await tab.close();
    }
  });

  it('when a patient imports a key made elsewhere, then a wrong key is refused and the right one signs a grant', async () => {
    const did = patientDid();
    const keyFile = await hospital1KeyFile(did);
    const wrongFile = RESULTS.download(`${uid('key')}.json`);
    writeFileSync(wrongFile, JSON.stringify(generatePatientKey().privateJwk));
    const tab = await ConsoleTab.open(browser, h1.url, RESULTS);
    try {
      await tab.signIn(await h1.token(did, { kind: 'patient' }));
      const patient = new PatientDriver(tab);
      assert.match(await patient.importKey(wrongFile), new RegExp(`not your current key \\(${did}#key-1\\)`));
      assert.match(await patient.importKey(keyFile), /kept in this browser/);
      assert.match(await patient.keyStatus(), new RegExp(`holds your current key, ${did}#key-1`));
      await tab.screenshot('20-patient-key-imported', true);
      await assertAccessible(tab.page, 'key imported');
      assert.match(
        await patient.grant('Hospital2MSP', 'Treatment at a hospital for 30 days'),
        /Granted to Hospital2MSP/,
      );
      assert.equal(consortium.verified.at(-1), 'medledger.consent.grant');
      assert.deepEqual(await patient.consentStatuses(), ['active']);
      assertQuiet(tab);
    } finally {
      await tab.close();
    }
  });

  it('when a patient revokes on another device with the grant receipt, then a file of another kind is refused and the receipt makes the consent revocable', async () => {
    const did = patientDid();
    const keyFile = await hospital1KeyFile(did);
    const tab = await ConsoleTab.open(browser, h1.url, RESULTS);
    try {
      await tab.signIn(await h1.token(did, { kind: 'patient' }));
      const patient = new PatientDriver(tab);
      assert.match(await patient.importKey(keyFile), /kept in this browser/);
      assert.match(
        await patient.grant('Hospital2MSP', 'Treatment at a hospital for 30 days'),
        /Granted to Hospital2MSP/,
      );
      const receipt = await patient.downloadReceipt(`${uid('grant')}.json`);
      const consentId = consortium.consents.at(-1)?.consentId;
      assert.equal((JSON.parse(readFileSync(receipt, 'utf8')) as { consentId: string }).consentId, consentId);

      // Another device: nothing of the patient in its storage but the key imported there.
      await tab.page.evaluate(
        "new Promise((ok, no) => { const r = indexedDB.deleteDatabase('medledger-console'); r.onsuccess = ok; r.onerror = no; })",
      );
      await tab.page.reload();
      await tab.signIn(await h1.token(did, { kind: 'patient' }));
      assert.match(await patient.importKey(keyFile), /kept in this browser/);
      await tab.go('Consents');
      await tab.page
        .getByText('No consent of yours is held by Hospital1MSP or kept in this browser.')
        .waitFor();
      assert.match(await patient.keepReceipt(keyFile), /not a grant receipt of yours/);
      assert.match(await patient.keepReceipt(receipt), /Kept the grant to Hospital2MSP/);
      assert.deepEqual(await patient.consentStatuses(), ['active']);
      await tab.screenshot('21-patient-grant-receipt', true);
      await assertAccessible(tab.page, 'grant receipt');
      await patient.revoke('Hospital2MSP');
      assert.equal(consortium.verified.at(-1), 'medledger.consent.revoke');
      assert.equal(consortium.consents.find((c) => c.consentId === consentId)?.status, 'revoked');
      assert.deepEqual(await patient.consentStatuses(), ['revoked']);
      assertNoPersonalDataInAddresses(tab, [did]);
      assertQuiet(tab);
    } finally {
      await tab.close();
    }
  });

  it('when staff anchor a record from a FHIR file, verify copies and read it with a granted access, then the page shows each answer and a held version can be cleared', async () => {
    const did = patientDid();
    const recordId = uid('rec');
    const heldId = uid('rec');
    await consortium.registerForTest(did, 'Hospital1MSP');
    const tab = await ConsoleTab.open(browser, h1.url, RESULTS);
    try {
      await tab.signIn(await h1.token('hospital1-attending-1'));
      const staff = new StaffDriver(tab);
      const file = conditionFile(RESULTS, recordId);
      const { announced, salt } = await staff.anchor(file, did, recordId);
      assert.match(announced, new RegExp(`Anchored ${recordId} version 1: quality accepted`));
      assert.match(salt, /^[0-9a-f]{64}$/);
      await tab.screenshot('06-staff-anchor');
      await assertAccessible(tab.page, 'anchor');

      const versions = await staff.lookUp(recordId);
      assert.equal(versions.length, 1);
      assert.match(versions[0] ?? '', /diagnosis \(Condition, level 3\)[\s\S]*accepted/);
      assert.match(await staff.verify(file, salt), /The copy matches version 1 on the chain/);
      const tampered = conditionFile(RESULTS, `${recordId}-tampered`, { recordedDate: '2026-01-16' });
      assert.match(await staff.verify(tampered, salt), /does NOT match version 1/);
      assert.match(await staff.requestAccess('treatment'), /Access granted \(CUSTODIAN_TREATMENT/);
      assert.deepEqual(await staff.readContent(), JSON.parse(readFileSync(file, 'utf8')) as object);
      await tab.screenshot('07-staff-record', true);
      await assertAccessible(tab.page, 'record');

      // A date in the future holds a version for review; an attending clears it on the record page.
      const future = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      await staff.anchor(conditionFile(RESULTS, heldId, { recordedDate: future }), did, heldId);
      await staff.lookUp(heldId);
      await tab.page.getByRole('heading', { name: 'Held by the quality gate' }).waitFor();
      await tab.screenshot('08-staff-held-record');
      await staff.clearHeldVersion(1);
      assert.match((await staff.lookUp(heldId))[0] ?? '', /accepted/);
      await tab.go('Reviews');
      await tab.screenshot('09-staff-reviews');
      await assertAccessible(tab.page, 'reviews');
      assertNoPersonalDataInAddresses(tab, [did, recordId]);
      assertQuiet(tab);
    } finally {
      await tab.close();
    }
  });

  /** An attending's treatment access to `recordId` of `did` at Hospital 1, less who and the outcome. */
  function decisionOn(did: string, recordId: string) {
    return {
      actorRole: 'attending' as const,
      purpose: 'treatment' as const,
      recordId,
      version: 1,
      patientDid: did,
      custodian: 'Hospital1MSP',
      consentId: null,
      studyId: null,
      breakGlassReason: null,
      expiresAt: null,
    };
  }

  /** Hospital 1's attending breaks the glass, alone, on `recordId` of `did` (an unconscious patient). */
  function breakGlassAtHospital1(did: string, recordId: string): void {
    consortium.decide({
      ...decisionOn(did, recordId),
      actorDid: staffDid('Hospital1MSP', 'hospital1-attending-1'),
      actorMsp: 'Hospital1MSP',
      purpose: 'emergency',
      outcome: 'granted',
      reason: 'BREAK_GLASS',
      breakGlass: true,
      breakGlassReason: 'unconscious_patient',
    });
  }

  it('when an auditor searches the audit log, opens the report and watches the data flow, then events link to the ledger, the charts render and new events add edges', async () => {
    const did = patientDid();
    const recordId = uid('rec');
    const base = decisionOn(did, recordId);
    for (let i = 0; i < 30; i++) {
      const denied = i % 5 === 0;
      consortium.decide({
        ...base,
        actorDid: `did:medledger:hospital2:${i % 2 === 0 ? 'hospital2-attending-1' : 'hospital2-nurse-1'}`,
        actorMsp: 'Hospital2MSP',
        outcome: denied ? 'denied' : 'granted',
        reason: denied ? 'NO_CONSENT' : 'CONSENT',
        breakGlass: false,
      });
    }
    breakGlassAtHospital1(did, recordId);
    await consortium.caughtUp();
    const tab = await ConsoleTab.open(browser, regulator.url, RESULTS);
    try {
      await tab.signIn(await regulator.token('regulator-auditor-1'));
      const auditor = new OversightDriver(tab);
      const first = await auditor.search({ 'Record id': recordId });
      assert.equal(first.length, 25);
      assert.match(await auditor.checkFirstOnLedger(), /the ledger agrees/);
      await tab.screenshot('10-oversight-audit');
      await assertAccessible(tab.page, 'audit search');
      const second = await auditor.nextPage();
      assert.equal(second.length, 31 - 25);

      const bars = await auditor.report();
      for (const [chart, count] of Object.entries(bars)) assert.ok(count > 0, `${chart} drew no bar`);
      const csv = await auditor.reportCsv();
      assert.match(csv, /denials|reason/i);
      await tab.screenshot('11-oversight-report', true);
      await assertAccessible(tab.page, 'compliance report');

      const edges = await auditor.flows(1);
      assert.ok(
        edges.some((e) => /^Hospital2MSP to Hospital1MSP: \d+ accesses/.test(e)),
        edges.join(' | '),
      );
      assert.match(await auditor.alerts(), /Alerts/);
      // A new flow appears while the view is open (it polls the audit log).
      consortium.decide({
        ...base,
        actorDid: 'did:medledger:research:research-researcher-1',
        actorMsp: 'ResearchMSP',
        actorRole: 'researcher',
        purpose: 'research',
        outcome: 'denied',
        reason: 'STUDY_REQUIRED',
        breakGlass: false,
      });
      const more = await auditor.flows(edges.length + 1);
      assert.ok(
        more.some((e) => /^ResearchMSP to Hospital1MSP: 1 accesses, 1 denied/.test(e)),
        more.join(' | '),
      );
      await tab.screenshot('12-oversight-data-flow');
      await assertAccessible(tab.page, 'data flow');

      await tab.go('Reviews');
      const emergency = tab.page.getByRole('row').filter({ hasText: recordId });
      await emergency.getByRole('button', { name: /^Justified/ }).click();
      await emergency.getByText('justified', { exact: true }).waitFor();
      await emergency.getByText('reviewed', { exact: true }).waitFor();
      await tab.screenshot('13-oversight-reviews');
      await assertAccessible(tab.page, 'reviews (auditor)');
      assertNoPersonalDataInAddresses(tab, [did, recordId]);
      assertQuiet(tab);
    } finally {
      await tab.close();
    }
  });

  it("when the auditor finds a doctor's break-glass access and two emergency listings unjustified, then the alerts say what the alert is and split its cases into accesses and emergency listings", async () => {
    const did = patientDid();
    const recordId = uid('rec');
    const doctorDid = staffDid('Hospital1MSP', 'hospital1-attending-1');
    await consortium.registerForTest(did, 'Hospital1MSP');
    consortium.emergencyProfiles.set(did, emergencyProfileOf({ allowEmergencyAccess: true }));
    breakGlassAtHospital1(did, recordId);
    const doctorToken = await h1.token('hospital1-attending-1');
    const listings: string[] = [];
    for (let i = 0; i < 2; i++) listings.push((await emergencyListing(h1.url, doctorToken, did)).listingId);
    await consortium.caughtUp();
    const tab = await ConsoleTab.open(browser, regulator.url, RESULTS);
    try {
      await tab.signIn(await regulator.token('regulator-auditor-1'));
      const auditor = new OversightDriver(tab);
      await tab.go('Reviews');
      const access = auditor.reviewRow('Emergency accesses, overdue first', recordId);
      await access.getByRole('button', { name: /^Unjustified/ }).click();
      await access.getByText('reviewed', { exact: true }).waitFor();
      for (const id of listings) {
        const name = `Unjustified (listing ${id.slice(0, 8)})`;
        await tab.page.getByRole('button', { name, exact: true }).click();
      }
      const listed = auditor.reviewRow('Emergency listings, overdue first', did);
      await listed.nth(1).getByText('reviewed', { exact: true }).waitFor();
      await listed.nth(0).getByText('reviewed', { exact: true }).waitFor();
      await consortium.caughtUp();

      const alert = await auditor.alert('break-glass found unjustified on review', doctorDid);
      assert.match(alert, /^high /i);
      assert.match(alert, /\(break_glass_unjustified\)/);
      assert.match(alert, new RegExp(`${doctorDid} \\(Hospital1MSP\\), 3 event\\(s\\)`));
      assert.match(alert, /^1 access, 2 emergency listings$/m);
      assert.match(alert, /lookbackHours: 24 · unjustified: 3 · suspended: 0/);
      assert.doesNotMatch(alert, /accesses:|emergencyListings:/, 'the split is said once, in words');
      assert.match(alert, /Latest: .*\(emergency listing\)/);
      await tab.page.getByRole('region', { name: 'Alerts' }).scrollIntoViewIfNeeded();
      await tab.screenshot('13b-oversight-alert-split');
      await assertAccessible(tab.page, 'alerts with the break-glass split');
      assertNoPersonalDataInAddresses(tab, [did, recordId]);
      assertQuiet(tab);
    } finally {
      await tab.close();
    }
  });

  it('when the console is used at phone width (390 px), then no page scrolls sideways and each passes the accessibility checks', async () => {
    const did = patientDid();
    await consortium.registerForTest(did, 'Hospital1MSP');
    const patientTab = await ConsoleTab.open(browser, h1.url, RESULTS, PHONE);
    const auditorTab = await ConsoleTab.open(browser, regulator.url, RESULTS, PHONE);
    // How far the page scrolls sideways, and what sticks out (to say why).
    const overflow = async (tab: ConsoleTab) => {
      const [wider, culprits] = await tab.page.evaluate<[number, string[]]>(`[
        document.documentElement.scrollWidth - document.documentElement.clientWidth,
        [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .slice(0, 5)
          .map((e) => e.tagName + '.' + e.className),
      ]`);
      return wider === 0 ? 0 : `${String(wider)} px: ${culprits.join(', ')}`;
    };
    try {
      await patientTab.screenshot('14-phone-sign-in');
      await patientTab.signIn(await h1.token(did, { kind: 'patient' }));
      for (const [title, shot] of [
        ['My key', '15-phone-patient-key'],
        ['Consents', '16-phone-patient-consents'],
      ] as const) {
        await patientTab.go(title);
        assert.equal(await overflow(patientTab), 0, title);
        await assertAccessible(patientTab.page, `${title} at 390 px`);
        await patientTab.screenshot(shot);
      }
      await auditorTab.signIn(await regulator.token('regulator-auditor-1'));
      const auditor = new OversightDriver(auditorTab);
      await auditor.report();
      assert.equal(await overflow(auditorTab), 0, 'report');
      await auditorTab.screenshot('17-phone-report');
      await auditor.flows(1);
      assert.equal(await overflow(auditorTab), 0, 'data flow');
      await assertAccessible(auditorTab.page, 'data flow at 390 px');
      await auditorTab.screenshot('18-phone-data-flow');
      assertQuiet(patientTab, [/status of 404/]);
      assertQuiet(auditorTab);
    } finally {
      await Promise.all([patientTab.close(), auditorTab.close()]);
    }
  });

  it('when only the keyboard is used, then the skip link, the navigation and a form work', async () => {
    const tab = await ConsoleTab.open(browser, regulator.url, RESULTS);
    try {
      const { page } = tab;
      await page.getByLabel('Bearer token', { exact: true }).focus();
      await page.keyboard.insertText(await regulator.token('regulator-auditor-1'));
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await page.getByRole('heading', { level: 1, name: 'Audit search' }).waitFor();
      assert.equal(
        await page.evaluate('document.activeElement.id'),
        'main',
        'signed in, focus is on the page',
      );
      // Backwards from the page, through the navigation and the banner, to the skip link.
      const focused = () => page.evaluate('document.activeElement.textContent');
      for (let i = 0; i < 20 && (await focused()) !== 'Skip to content'; i++)
        await page.keyboard.press('Shift+Tab');
      assert.equal(await focused(), 'Skip to content');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate('document.activeElement.id'), 'main');
      // Through the banner and navigation to "Compliance report", by Tab alone.
      await page.getByRole('link', { name: 'Audit search' }).focus();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate('document.activeElement.textContent'), 'Compliance report');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Compliance report' }).waitFor();
      assert.equal(await page.evaluate('document.activeElement.id'), 'main', 'focus moves to the new page');
      assertQuiet(tab);
    } finally {
      await tab.close();
    }
  });

  it('when the accessibility check meets a page with a known fault, then it reports it (the check can fail)', async () => {
    const tab = await ConsoleTab.open(browser, h1.url, RESULTS);
    try {
      await tab.page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=\"text\">')",
      );
      const violations = await accessibilityViolations(tab.page);
      assert.ok(
        violations.some((v) => v.rule === 'label'),
        JSON.stringify(violations),
      );
    } finally {
      await tab.close();
    }
  });
});
