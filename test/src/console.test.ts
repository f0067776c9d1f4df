import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  assertAccessible,
  assertNoPersonalDataInAddresses,
  assertQuiet,
  conditionFile,
  ConsoleTab,
  OversightDriver,
  PatientDriver,
  ResultsFolder,
  StaffDriver,
} from '@medledger/console/testing';
import { launchBrowser, type TestBrowser } from '@medledger/gateway/testing/browser';
import type { NetworkInfo } from '@medledger/network';

import { devToken } from './support/api';
import { ensureNetwork, orgInfo, releaseNetwork } from './support/network';

/**
 * Issue 18's story in headless Chromium against the real consortium: a patient makes a key in the
 * browser and is registered at hospital 1, grants hospital 2 consent in the browser, hospital 2's
 * access then succeeds; the patient revokes and it is denied; the accesses appear in the patient's log
 * and in the regulator's audit search and data-flow view; the compliance report draws its charts.
 * On the privacy model: hospital 2 names the custodian and the patient (its gateway presents the
 * consents Hospital2's collection holds), the revocation sends the grant the browser keeps (encrypted),
 * the access log at hospital 1 and the regulator's views are enriched from their own peers. Then the
 * patient signs an emergency profile in the browser (break-glass at hospital 2 opens what it names) and
 * asks hospital 1 to erase the record (the request is open, due in 30 days). Every page
 * is screenshot into test/test-results/screenshots. The demo people `npm start` enrolls act.
 */

const RESULTS = new ResultsFolder(join(__dirname, '..', 'test-results'));
const run = randomBytes(4).toString('hex');

/** Polls `read` until `done` holds, for up to 30 s (the projections follow committed blocks). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(1000);
  }
}

describe('the web console on the real consortium (issue 18)', () => {
  let info: NetworkInfo;
  let browser: TestBrowser;
  const tabs: ConsoleTab[] = [];
  const did = `did:medledger:patient:console-${run}`;
  const recordId = `rec-console-${run}`;
  let patient: PatientDriver;
  let other: StaffDriver;

  const open = async (org: string): Promise<ConsoleTab> => {
    const tab = await ConsoleTab.open(
      browser,
      `http://127.0.0.1:${String(orgInfo(info, org).gatewayPort)}`,
      RESULTS,
    );
    tabs.push(tab);
    return tab;
  };

  before(async () => {
    info = await ensureNetwork();
    browser = await launchBrowser();
  });
  after(async () => {
    await Promise.all(tabs.map((t) => t.close()));
    await browser.close();
    await releaseNetwork();
  });

  it('when a patient makes a key in the browser and hospital 1 registers them, then hospital 1 anchors a record for them', async () => {
    const patientTab = await open('Hospital1');
    await patientTab.signIn(await devToken(info, 'Hospital1', did, { kind: 'patient' }));
    patient = new PatientDriver(patientTab);
    await patient.createKey();
    const request = await patient.registrationRequest();
    await patientTab.screenshot('e2e-01-patient-key');

    const staffTab = await open('Hospital1');
    await staffTab.signIn(await devToken(info, 'Hospital1', 'hospital1-attending-1'));
    const staff = new StaffDriver(staffTab);
    assert.match(await staff.registerPatient(request), new RegExp(`Registered ${did}`));
    const { announced } = await staff.anchor(conditionFile(RESULTS, `e2e-${recordId}`), did, recordId);
    assert.match(announced, new RegExp(`Anchored ${recordId} version 1: quality accepted`));
    await staffTab.screenshot('e2e-02-staff-anchor');
    await assertAccessible(staffTab.page, 'anchor (real consortium)');
  });

  it('when the patient grants hospital 2 consent in the browser, then hospital 2 is granted access and reads the content', async () => {
    assert.match(
      await patient.grant('Hospital2MSP', 'Treatment at a hospital for 30 days'),
      /Granted to Hospital2MSP/,
    );
    assert.deepEqual(await patient.consentStatuses(), ['active']);
    // Hospital 1 holds no consent to hospital 2: the row is the grant kept in this browser.
    assert.deepEqual(await patient.consentSources(), ['this browser']);
    await patient.tab.screenshot('e2e-03-patient-consents');

    const otherTab = await open('Hospital2');
    await otherTab.signIn(await devToken(info, 'Hospital2', 'hospital2-attending-1'));
    other = new StaffDriver(otherTab);
    await other.lookUp(recordId, 'Hospital1MSP');
    assert.match(await other.requestAccess('treatment', did), /Access granted \(CONSENT/);
    const content = (await other.readContent()) as { code: { text: string } };
    assert.equal(content.code.text, 'Essential hypertension');
    await otherTab.screenshot('e2e-04-hospital2-read', true);
  });

  it('when the patient revokes in the browser, then hospital 2 is denied', async () => {
    await patient.revoke('Hospital2MSP');
    assert.deepEqual(await patient.consentStatuses(), ['revoked']);
    // Revoked, the consent is no longer presented by hospital 2's gateway: nothing backs the access.
    assert.match(await other.requestAccess('treatment', did), /Access denied \(NO_CONSENT/);
    await other.tab.screenshot('e2e-05-hospital2-denied');
  });

  it("when the patient opens the access log, then hospital 2's granted and denied accesses are there", async () => {
    const log = await until(
      async () => {
        await patient.tab.go('Consents');
        return patient.accessLog();
      },
      (l) => l.accesses.length >= 2,
    );
    assert.equal(log.accesses.length, 2, log.accesses.join(' | '));
    assert.match(log.accesses[0] ?? '', /Hospital2MSP[\s\S]*denied/);
    assert.match(log.accesses[1] ?? '', /Hospital2MSP[\s\S]*granted[\s\S]*your consent/);
    await patient.tab.screenshot('e2e-06-patient-access-log');
    await assertAccessible(patient.tab.page, 'access log (real consortium)');
  });

  it("when the regulator searches the audit log, opens the report and the data flow, then hospital 2's accesses are there and the charts render", async () => {
    const tab = await open('Regulator');
    await tab.signIn(await devToken(info, 'Regulator', 'regulator-auditor-1'));
    const auditor = new OversightDriver(tab);
    const rows = await until(
      () => auditor.search({ 'Record id': recordId }),
      (r) => r.filter((row) => row.includes('Hospital2MSP')).length >= 2,
    );
    assert.equal(rows.filter((row) => row.includes('Hospital2MSP')).length, 2, rows.join(' | '));
    assert.match(await auditor.checkFirstOnLedger(), /the ledger agrees/);
    await tab.screenshot('e2e-07-regulator-audit');

    // No break-glass is part of this story, so that chart may be empty.
    const bars = await auditor.report(['over-time', 'by-purpose', 'denials']);
    for (const [chart, count] of Object.entries(bars)) assert.ok(count > 0, `${chart} drew no bar`);
    await tab.screenshot('e2e-08-regulator-report', true);

    const edges = await auditor.flows(1);
    assert.ok(
      edges.some((e) => /^Hospital2MSP to Hospital1MSP: \d+ accesses, [1-9]\d* denied/.test(e)),
      edges.join(' | '),
    );
    await tab.screenshot('e2e-09-regulator-data-flow');
    await assertAccessible(tab.page, 'data flow (real consortium)');

    for (const t of tabs) assertNoPersonalDataInAddresses(t, [did, recordId]);
    // The patient's DID resolves to nothing until hospital 1 registers it: that 404 is the page asking.
    assertQuiet(patient.tab, [/\/v1\/dids\/did%3Amedledger%3Apatient%3A.*404/, /status of 404/]);
    assertQuiet(tab);
  });

  it('when the patient signs an emergency profile in the browser and asks hospital 1 to erase the record, then break-glass at hospital 2 opens what the profile names and the request is open with its deadline', async () => {
    assert.match(
      await patient.setEmergencyProfile(['allergy', 'diagnosis'], 'nothing'),
      /break-glass opens allergy, diagnosis; beyond it, nothing more/,
    );
    await patient.tab.screenshot('e2e-16-patient-emergency-profile');
    // The record is a diagnosis: in the profile, so one doctor's break-glass at hospital 2 opens it.
    assert.match(await other.requestAccess('emergency'), /Access granted \(BREAK_GLASS,/);

    const records = await patient.listRecords();
    assert.ok(
      records.some((r) => r.includes(recordId) && r.includes('Hospital1MSP')),
      records.join(' | '),
    );
    assert.match(await patient.askErasure(recordId), new RegExp(`Asked Hospital1MSP to erase ${recordId}`));
    const requests = await until(
      async () => {
        await patient.tab.go('Access log');
        await patient.tab.go('Erasure requests');
        return patient.erasureRequests(1);
      },
      (r) => r.some((row) => row.includes(recordId)),
    );
    assert.match(requests.find((r) => r.includes(recordId)) ?? '', /Hospital1MSP[\s\S]*open/);
    await patient.tab.screenshot('e2e-17-patient-erasure-request', true);
    await assertAccessible(patient.tab.page, 'erasure requests (real consortium)');
    assertNoPersonalDataInAddresses(patient.tab, [did, recordId]);
    assertQuiet(patient.tab, [/\/v1\/dids\/did%3Amedledger%3Apatient%3A.*404/, /status of 404/]);
  });

  it('when each role opens every page of its navigation, then each page renders, passes the accessibility checks and is screenshot', async () => {
    const pages: readonly (readonly [ConsoleTab, string, string])[] = [
      [patient.tab, 'My key', 'e2e-10-patient-key-page'],
      [patient.tab, 'Emergency profile', 'e2e-11-patient-emergency'],
      [other.tab, 'Register a patient', 'e2e-12-staff-register-patient'],
      [other.tab, 'Anchor a record', 'e2e-13-staff-anchor-page'],
      [other.tab, 'Reviews', 'e2e-14-staff-reviews'],
    ];
    for (const [tab, title, shot] of pages) {
      await tab.go(title);
      await tab.screenshot(shot, true);
      await assertAccessible(tab.page, `${title} (real consortium)`);
    }
    const signIn = await open('Hospital1');
    await signIn.screenshot('e2e-15-sign-in');
    await assertAccessible(signIn.page, 'sign-in (real consortium)');
  });
});
