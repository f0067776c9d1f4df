import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startTestGateway, type TestGateway } from '@medledger/gateway/testing';
import { launchBrowser, type TestBrowser } from '@medledger/gateway/testing/browser';

import {
  accessibilityViolations,
  ConsoleTab,
  FakeConsortium,
  OversightDriver,
  PatientDriver,
  PHONE,
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

/** A FHIR Condition for the patient, as a hospital system would export it, in a file. */
function conditionFile(name: string, over: Record<string, unknown> = {}): string {
  const path = RESULTS.download(`${name}.json`);
  const resource = {
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: {
      coding: [{ system: 'http://id.who.int/icd/release/11/mms', code: 'BA00' }],
      text: 'Essential hypertension',
    },
    subject: { reference: 'Patient/example' },
    recordedDate: '2026-01-15',
    ...over,
  };
  writeFileSync(path, JSON.stringify(resource, null, 2));
  return path;
}

/** Fails with the page's accessibility violations, if any. */
async function assertAccessible(tab: ConsoleTab, where: string): Promise<void> {
  const violations = await accessibilityViolations(tab.page);
  assert.deepEqual(violations, [], `${where}: accessibility`);
}

/** Fails when the tab logged anything, threw, or saw a request fail, besides `expected` answers. */
function assertQuiet(tab: ConsoleTab, expected: readonly RegExp[] = []): void {
  const unexpected = (lines: readonly string[]) => lines.filter((l) => !expected.some((e) => e.test(l)));
  assert.deepEqual(
    {
      console: unexpected(tab.report.console),
      pageErrors: tab.report.pageErrors,
      failedRequests: unexpected(tab.report.failedRequests),
    },
    { console: [], pageErrors: [], failedRequests: [] },
  );
}

/** No DID, record id or token in any address the tab showed. */
function assertNoPersonalDataInAddresses(tab: ConsoleTab, secrets: readonly string[]): void {
  for (const address of tab.addresses) {
    assert.doesNotMatch(address, /did:|did%3A|rec-|eyJ/i, address);
    for (const secret of secrets) assert.ok(!address.includes(secret), address);
  }
}

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
      await assertAccessible(patientTab, 'sign-in');
      const patientToken = await h1.token(did, { kind: 'patient' });
      await patientTab.signIn(patientToken);
      const patient = new PatientDriver(patientTab);
      const recovery = JSON.parse(await patient.createKey()) as { patientDid: string; d?: string };
      assert.equal(recovery.patientDid, did);
      assert.ok(recovery.d, 'the recovery key file holds the private key');
      const request = await patient.registrationRequest();
      await patientTab.screenshot('02-patient-key');
      await assertAccessible(patientTab, 'patient key');

      await staffTab.signIn(await h1.token('hospital1-attending-1'));
      const staff = new StaffDriver(staffTab);
      assert.match(await staff.registerPatient(request), new RegExp(`Registered ${did}`));
      await staffTab.screenshot('03-staff-register-patient');
      await assertAccessible(staffTab, 'register a patient');
      assert.deepEqual(consortium.verified.slice(-1), ['medledger.patient.register']);
      await staff.anchor(conditionFile(recordId), did, recordId);

      assert.match(await patient.grant('Hospital2MSP', 'Treatment for 30 days'), /Granted to Hospital2MSP/);
      assert.deepEqual(await patient.consentStatuses(), ['active']);
      await patientTab.screenshot('04-patient-consents');
      await assertAccessible(patientTab, 'consents');
      assert.equal(consortium.verified.at(-1), 'medledger.consent.grant');

      await otherHospitalTab.signIn(await h2.token('hospital2-attending-1'));
      const other = new StaffDriver(otherHospitalTab);
      await other.lookUp(recordId);
      assert.match(await other.requestAccess('treatment'), /Access granted \(CONSENT/);
      const content = (await other.readContent()) as { code: { text: string } };
      assert.equal(content.code.text, 'Essential hypertension');

      await patient.revoke('Hospital2MSP');
      assert.deepEqual(await patient.consentStatuses(), ['revoked']);
      assert.equal(consortium.verified.at(-1), 'medledger.consent.revoke');
      assert.match(await other.requestAccess('treatment'), /Access denied \(CONSENT_REVOKED/);

      await consortium.caughtUp();
      const log = await patient.accessLog();
      assert.equal(log.accesses.length, 2);
      assert.match(log.accesses[0] ?? '', /Hospital2MSP[\s\S]*denied/);
      assert.match(log.accesses[1] ?? '', /Hospital2MSP[\s\S]*granted[\s\S]*your consent/);
      assert.match(log.keyChanges[0] ?? '', new RegExp(`${did}#key-1\\s+registered\\s+Hospital1MSP`));
      await patientTab.screenshot('05-patient-access-log');
      await assertAccessible(patientTab, 'access log');

      await patientTab.go('Coming next');
      assert.equal(await patientTab.page.getByText('planned', { exact: true }).count(), 6);
      await patientTab.screenshot('06-patient-coming-next');
      await assertAccessible(patientTab, 'coming next');

      // The key never left the browser: the page keeps nothing but it in storage.
      const storage = await patientTab.page.evaluate(
        'JSON.stringify({ local: localStorage.length, session: sessionStorage.length, cookies: document.cookie })',
      );
      assert.equal(storage, JSON.stringify({ local: 0, session: 0, cookies: '' }));
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
});
