import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signPatientPayload, type PatientPrivateJwk } from '@medledger/domain';
import type { NetworkInfo } from '@medledger/network';
import { apiAs, type ApiClient, type ApiResponse } from './support/api';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from './support/fixtures';
import { ensureNetwork, releaseNetwork } from './support/network';

/**
 * The insurance story through the REST gateways of the real consortium (docs/insurance.md): an insurer
 * registers a patient's coverage and hands over the card; a hospital claims a visit and an MRI under
 * the patient's insurance consent and the contract adjudicates at once (the MRI rejected as not
 * covered, the visit reduced by the fee schedule and the deductible); the same visit claimed again and
 * an inflated X-ray are held to what the plan allows; the hospital disputes the MRI line and the
 * insurer resolves it; a settlement batch pays the pair's open entries; balances and the regulator's
 * report agree; and the insurer reads record content only through a claim review the patient's consent
 * covers.
 */

const run = randomBytes(4).toString('hex');
const CPT = 'http://www.ama-assn.org/go/cpt';
const VISIT = { system: CPT, code: '99213' };
const XRAY = { system: CPT, code: '71046' };
const MRI = { system: CPT, code: '70553' };
const CANARY = `Canary-${run} Insuredname`;

type Body = Record<string, unknown>;

function expectStatus(res: ApiResponse, status: number, what: string): void {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

interface Patient {
  did: string;
  privateJwk: PatientPrivateJwk;
  kid: string;
}

function sign(patient: Patient, payload: Body): string {
  return signPatientPayload(
    payload,
    { patientDid: patient.did, privateJwk: patient.privateJwk, kid: patient.kid },
    { nowMs: Date.now() },
  );
}

const today = (): string => new Date().toISOString().slice(0, 10);

/** The plan: visits at 80 % up to 100.00 a unit, X-rays at 90 % up to 80.00 (cap 400.00), 50.00 deductible. */
function coverageTerms(coverageId: string, patientDid: string): Body {
  const year = new Date().getUTCFullYear();
  return {
    coverageId,
    patientDid,
    planId: 'plan-gold',
    periodStart: `${String(year - 1)}-01-01`,
    periodEnd: `${String(year + 1)}-12-31`,
    currency: 'EUR',
    deductible: 5000,
    periodLimit: null,
    benefits: [
      { item: VISIT, rateBasisPoints: 8000, maxUnitPrice: 10000, periodCap: null },
      { item: XRAY, rateBasisPoints: 9000, maxUnitPrice: 8000, periodCap: 40000 },
    ],
  };
}

describe('insurance: coverage, claims, disputes and settlement through the REST gateways', () => {
  let info: NetworkInfo;
  let patient: Patient;
  let billing: ApiClient;
  let insurerAdmin: ApiClient;
  let adjuster: ApiClient;
  let auditor: ApiClient;
  let patientApp: ApiClient;
  const recordId = `rec-ins-${run}`;
  const coverageId = `cov-${run}`;
  let recordHash = '';
  let card = '';
  let consent = { consentId: '', jws: '' };
  const claimId = `clm-${run}`;
  let disputeId = '';

  const line = (item: typeof VISIT, unitPrice: number) => ({
    item,
    servicedDate: today(),
    quantity: 1,
    unitPrice,
    recordId,
    recordHash,
  });
  const claimBody = (id: string, lines: Body[], consents = [consent]) => ({
    insurer: 'InsurerMSP',
    card,
    consents,
    claim: { claimId: id, coverageId, patientDid: patient.did, currency: 'EUR', lines },
  });

  before(async () => {
    info = await ensureNetwork();
    const did = `did:medledger:patient:p-ins-${run}`;
    const { key, body } = newPatientRegistration(did);
    patient = { did, privateJwk: key.privateJwk, kid: `${did}#key-1` };
    billing = await apiAs(info, 'Hospital1', 'hospital1-admin');
    insurerAdmin = await apiAs(info, 'Insurer', 'insurer-admin');
    const regAdmin = await apiAs(info, 'Regulator', 'regulator-admin');
    const h1Admin = billing;
    const doctor = `ins-att-${run}`;
    for (const [client, enrollmentId, role, department] of [
      [h1Admin, doctor, 'attending', 'cardiology'],
      [insurerAdmin, `ins-adj-${run}`, 'adjuster', null],
      [regAdmin, `ins-aud-${run}`, 'auditor', null],
    ] as const) {
      expectStatus(
        await client.post('/v1/staff', { enrollmentId, role, department }),
        201,
        `onboard ${role}`,
      );
    }
    adjuster = await apiAs(info, 'Insurer', `ins-adj-${run}`);
    auditor = await apiAs(info, 'Regulator', `ins-aud-${run}`);
    patientApp = await apiAs(info, 'Hospital1', did, { kind: 'patient' });
    const attending = await apiAs(info, 'Hospital1', doctor);
    expectStatus(await attending.post('/v1/patients', body), 201, 'register the patient');
    const resource = hypertensionCondition({
      id: `cond-${run}`,
      patientRef: `p-ins-${run}`,
      display: CANARY,
    });
    expectStatus(
      await attending.post('/v1/records', diagnosisRecord(recordId, did, resource)),
      201,
      'anchor the diagnosis',
    );
    const anchor = await attending.get(`/v1/records/${recordId}`);
    recordHash = String(anchor.body['contentHash']);
  });
  after(releaseNetwork);

  it("when the insurer registers the coverage, then the patient reads it with the card at any gateway, and a wrong card or another patient's DID with the card reads nothing, at the insurer's and the regulator's gateways too", async () => {
    const registered = await insurerAdmin.post('/v1/coverages', {
      coverage: coverageTerms(coverageId, patient.did),
    });
    expectStatus(registered, 201, 'register coverage');
    card = String(registered.body['card']);
    assert.match(card, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(registered.body['coverage']).includes(patient.did), 'no patient in the answer');

    const path = `/v1/patients/${encodeURIComponent(patient.did)}/coverages/${coverageId}?insurer=InsurerMSP`;
    const own = await patientApp.get(path, { headers: { 'Medledger-Coverage-Card': card } });
    expectStatus(own, 200, 'the patient reads the coverage');
    assert.equal(own.body['resourceType'], 'Coverage');
    assert.match(JSON.stringify(own.body), /plan-gold/);
    const wrong = await patientApp.get(path, {
      headers: { 'Medledger-Coverage-Card': randomBytes(32).toString('hex') },
    });
    expectStatus(wrong, 404, 'a wrong card');
    // At the insurer's and the regulator's gateways a patient's request is signed with the gateway's
    // own identity, which is staff there: the card must still be checked.
    const curiousDid = `did:medledger:patient:p-curious-${run}`;
    for (const org of ['Insurer', 'Regulator']) {
      const curious = await apiAs(info, org, curiousDid, { kind: 'patient' });
      const theirs = await curious.get(
        `/v1/patients/${encodeURIComponent(curiousDid)}/coverages/${coverageId}?insurer=InsurerMSP`,
        { headers: { 'Medledger-Coverage-Card': randomBytes(32).toString('hex') } },
      );
      expectStatus(theirs, 404, `another patient with a made-up card at the ${org} gateway`);
      const ownThere = await apiAs(info, org, patient.did, { kind: 'patient' });
      expectStatus(
        await ownThere.get(path, { headers: { 'Medledger-Coverage-Card': card } }),
        200,
        `the patient with the card at the ${org} gateway`,
      );
    }
    // A replayed card names the coverage's patient or reads nothing.
    const other = `did:medledger:patient:p-other-${run}`;
    const replay = await billing.get(`/v1/coverages/${coverageId}?insurer=InsurerMSP`, {
      headers: { 'Medledger-Coverage-Card': card, 'Medledger-Coverage-Patient': other },
    });
    expectStatus(replay, 404, 'the card with another patient');
    expectStatus(
      await billing.get(`/v1/coverages/${coverageId}?insurer=InsurerMSP`),
      404,
      'a hospital without the card',
    );
  });

  it('when the hospital claims without the insurance consent, then 403; with it, the claim is adjudicated at once: the visit less the fee schedule and deductible, the MRI rejected as not covered', async () => {
    const treatment = sign(patient, {
      typ: 'medledger.consent.grant',
      grantee: { kind: 'org', mspId: 'Hospital2MSP' },
      categories: ['diagnosis'],
      maxLevel: 3,
      purpose: 'treatment',
      periodStart: new Date(Date.now() - 60_000).toISOString(),
      periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const other = await patientApp.post('/v1/consents', { jws: treatment });
    expectStatus(other, 201, 'a treatment consent');
    const otherConsent = { consentId: String((other.body['consent'] as Body)['consentId']), jws: treatment };
    const refused = await billing.post(
      '/v1/claims',
      claimBody(`clm-noconsent-${run}`, [line(VISIT, 12000)], [otherConsent]),
    );
    expectStatus(refused, 403, 'a claim without the insurance consent');
    assert.equal(refused.body['code'], 'CONSENT_REQUIRED');

    const jws = sign(patient, {
      typ: 'medledger.consent.grant',
      grantee: { kind: 'org', mspId: 'InsurerMSP' },
      categories: ['diagnosis'],
      maxLevel: 3,
      purpose: 'insurance',
      periodStart: new Date(Date.now() - 60_000).toISOString(),
      periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const granted = await patientApp.post('/v1/consents', { jws });
    expectStatus(granted, 201, 'the insurance consent');
    consent = { consentId: String((granted.body['consent'] as Body)['consentId']), jws };

    const submitted = await billing.post(
      '/v1/claims',
      claimBody(claimId, [line(VISIT, 12000), line(MRI, 60000)]),
    );
    expectStatus(submitted, 201, 'submit the claim');
    const receipt = submitted.body['claim'] as Body;
    assert.deepEqual([receipt['outcome'], receipt['lines']], ['partially_approved', 2]);
    assert.ok(!JSON.stringify(submitted.body).includes(patient.did), 'no patient in the receipt');

    const claim = await billing.get(`/v1/claims/${claimId}`);
    expectStatus(claim, 200, 'read the claim');
    const lines = claim.body['lines'] as { adjudication: Body }[];
    assert.deepEqual(
      lines.map((l) => [l.adjudication['reason'], l.adjudication['approved']]),
      [
        ['DEDUCTIBLE_APPLIED', 4000],
        ['ITEM_NOT_COVERED', 0],
      ],
    );
    const response = await insurerAdmin.get(`/v1/claims/${claimId}/response?provider=Hospital1MSP`);
    expectStatus(response, 200, "the insurer's ClaimResponse");
    assert.equal(response.body['resourceType'], 'ClaimResponse');
    assert.ok(!JSON.stringify(response.body).includes(CANARY), 'no record content in a claim');
  });

  it('when the hospital claims the same visit again, an inflated X-ray and an X-ray a week ahead, then the visit is a duplicate (0), the X-ray is paid at the fee schedule only and the one ahead is rejected SERVICE_AFTER_RECORD (0)', async () => {
    const again = await billing.post(
      '/v1/claims',
      claimBody(`clm-again-${run}`, [
        line(VISIT, 12000),
        line(XRAY, 50000),
        // Care not yet given: a week ahead, after the cited version was anchored.
        {
          ...line(XRAY, 8000),
          servicedDate: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
        },
      ]),
    );
    expectStatus(again, 201, 'the second claim');
    const claim = await billing.get(`/v1/claims/clm-again-${run}`);
    const lines = claim.body['lines'] as { adjudication: Body }[];
    assert.deepEqual(
      lines.map((l) => [l.adjudication['reason'], l.adjudication['approved']]),
      [
        ['DUPLICATE_ITEM', 0],
        ['FEE_SCHEDULE_REDUCED', 7200],
        ['SERVICE_AFTER_RECORD', 0],
      ],
    );
    // The claim id is the hospital's and written once.
    const reused = await billing.post('/v1/claims', claimBody(claimId, [line(XRAY, 8000)]));
    expectStatus(reused, 409, 'a claim id again');
  });

  it('when the insurer reads the record, then only a claim review the consent covers opens it', async () => {
    const ask = (claimReview?: Body) =>
      adjuster.post(`/v1/records/${recordId}/access`, {
        purpose: 'insurance',
        custodian: 'Hospital1MSP',
        patientDid: patient.did,
        ...(claimReview ? { claimReview } : {}),
      });
    const bare = (await ask()).body['decision'] as Body;
    assert.deepEqual([bare['outcome'], bare['reason']], ['denied', 'CLAIM_REVIEW_REQUIRED']);
    const unrelated = (await ask({ claimId: `clm-none-${run}`, reason: 'medical_necessity' })).body[
      'decision'
    ] as Body;
    assert.deepEqual([unrelated['outcome'], unrelated['reason']], ['denied', 'CLAIM_REVIEW_INVALID']);
    const review = (await ask({ claimId, reason: 'medical_necessity' })).body['decision'] as Body;
    assert.equal(review['outcome'], 'granted', JSON.stringify(review));
    const content = await adjuster.get(
      `/v1/records/${recordId}/content?custodian=Hospital1MSP&accessId=${String(review['accessId'])}`,
    );
    expectStatus(content, 200, 'the reviewed content');
    assert.match(JSON.stringify(content.body), new RegExp(CANARY));
  });

  it('when the hospital disputes the MRI line and the insurer upholds it in part, then the adjustment is booked; the hospital cannot dispute the line twice nor ask above what it billed', async () => {
    const dispute = (body: Body) =>
      billing.post(`/v1/claims/${claimId}/disputes`, { insurer: 'InsurerMSP', ...body });
    const inflated = await dispute({ lineSequence: 2, reason: 'ITEM_COVERED', requestedAmount: 60001 });
    expectStatus(inflated, 400, 'a dispute above the billed amount');
    const opened = await dispute({ lineSequence: 2, reason: 'ITEM_COVERED', requestedAmount: 48000 });
    expectStatus(opened, 201, 'open the dispute');
    disputeId = String((opened.body['dispute'] as Body)['disputeId']);
    expectStatus(
      await dispute({ lineSequence: 2, reason: 'AMOUNT_MISCALCULATED', requestedAmount: 30000 }),
      409,
      'the line again',
    );
    // The insurer can neither approve more than asked (colluding with the hospital) nor resolve at a hospital.
    const above = await adjuster.post(`/v1/disputes/${disputeId}/resolve`, {
      provider: 'Hospital1MSP',
      approvedAmount: 48001,
      resolution: 'POLICY_EXCEPTION',
    });
    expectStatus(above, 400, 'a resolution above the request');
    const resolved = await adjuster.post(`/v1/disputes/${disputeId}/resolve`, {
      provider: 'Hospital1MSP',
      approvedAmount: 30000,
      resolution: 'POLICY_EXCEPTION',
    });
    expectStatus(resolved, 200, 'resolve the dispute');
    assert.equal((resolved.body['dispute'] as Body)['status'], 'partially_upheld');
    const read = await billing.get(`/v1/disputes/${disputeId}?provider=Hospital1MSP&insurer=InsurerMSP`);
    expectStatus(read, 200, 'the hospital reads the dispute');
    assert.equal((read.body['resolution'] as Body)['approvedAmount'], 30000);
  });

  it('when the insurer closes a settlement batch, then the balances of the pair go from what was approved to zero, and the regulator reports it by outcome, reason and pair', async () => {
    const pair = 'provider=Hospital1MSP&insurer=InsurerMSP';
    const before = await billing.get(`/v1/settlement/balances?${pair}`);
    expectStatus(before, 200, 'balances before');
    const eur = (before.body['items'] as Body[]).find((b) => b['currency'] === 'EUR') ?? {};
    // 40.00 (visit) + 72.00 (X-ray) + 300.00 (dispute), and whatever other runs left open on this pair.
    assert.ok(Number(eur['providerReceivable']) >= 41200, JSON.stringify(eur));
    assert.equal(Number(eur['providerReceivable']) + Number(eur['insurerPayable']), 0);

    const closed = await insurerAdmin.post('/v1/settlement/batches', {
      provider: 'Hospital1MSP',
      insurer: 'InsurerMSP',
      currency: 'EUR',
    });
    expectStatus(closed, 201, 'close the batch');
    const after = await insurerAdmin.get(`/v1/settlement/balances?${pair}`);
    expectStatus(after, 200, 'balances after');
    assert.deepEqual(
      (after.body['items'] as Body[]).filter((b) => b['currency'] === 'EUR'),
      [],
      'nothing open in EUR',
    );
    expectStatus(
      await insurerAdmin.post('/v1/settlement/batches', {
        provider: 'Hospital1MSP',
        insurer: 'InsurerMSP',
        currency: 'EUR',
      }),
      409,
      'a batch with nothing open',
    );
    // Every entry of this ledger was written with its open marker: the upgrade step finds none to index.
    const index = await insurerAdmin.post('/v1/settlement/index', {
      provider: 'Hospital1MSP',
      insurer: 'InsurerMSP',
    });
    expectStatus(index, 200, 'the upgrade step on a ledger written with the index');
    assert.deepEqual([index.body['indexed'], index.body['txId'], index.body['next']], [0, null, null]);
    assert.ok(Number(index.body['scanned']) >= 4, 'it read the pair history: approvals, adjustment, payment');

    const report = await auditor.get('/v1/reports/claims');
    expectStatus(report, 200, "the regulator's report");
    const r = report.body as {
      claims: number;
      byReason: Record<string, { count: number }>;
      byPair: Body[];
      disputesByStatus: Record<string, number>;
    };
    assert.ok(r.claims >= 2);
    for (const reason of [
      'DEDUCTIBLE_APPLIED',
      'ITEM_NOT_COVERED',
      'DUPLICATE_ITEM',
      'FEE_SCHEDULE_REDUCED',
      'SERVICE_AFTER_RECORD',
    ])
      assert.ok((r.byReason[reason]?.count ?? 0) >= 1, reason);
    assert.ok((r.disputesByStatus['partially_upheld'] ?? 0) >= 1);
    const row = r.byPair.find((p) => p['provider'] === 'Hospital1MSP' && p['currency'] === 'EUR');
    assert.equal(row?.['outstanding'], 0);
    assert.ok(!JSON.stringify(report.body).includes(patient.did), 'counts and sums only');
    expectStatus(await billing.get('/v1/reports/claims'), 403, "a hospital reads the regulator's report");
  });
});
