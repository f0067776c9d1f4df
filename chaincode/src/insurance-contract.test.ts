import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { sealedCollection, type AccessDecision, type Claim, type Coverage } from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import { anchor, readRecord } from './testing/fixtures';
import { orgAdmin, registerPatient, registerStaff } from './testing/harness';
import {
  claimPresentation,
  coverageTerms,
  grantInsuranceConsent,
  INSURER,
  insuranceWorld,
  line,
  MRI,
  submitClaim,
  XRAY,
  type InsuranceWorld,
} from './testing/insurance-fixtures';

void describe('InsuranceContract: coverage', () => {
  void it('when an insurer admin registers a coverage, then the patient with the card reads it without the card, and the block holds neither patient nor terms', async () => {
    const w = await insuranceWorld();
    const coverage = await w.h.evaluate<Coverage & { card?: string }>(
      w.billing,
      'insurance:GetCoverage',
      { coverageId: w.coverageId },
      { peer: INSURER, transient: { holder: { patientDid: w.patient.did, card: w.card } } },
    );
    assert.deepEqual(
      [coverage.insurer, coverage.patientDid, coverage.state, coverage.deductible, coverage.card],
      [INSURER, w.patient.did, 'active', 5000, undefined],
    );
    const research = w.h.ledger.orgView('ResearchMSP').join('\n');
    assert.ok(!research.includes(w.patient.did));
    assert.ok(!research.includes('plan-gold'));
    assert.ok(!research.includes(w.card));
  });

  void it('when someone without the card, with a wrong one, or with another patient, asks for a coverage or its claim context, then it is not found', async () => {
    const w = await insuranceWorld();
    const other = await registerPatient(w.h);
    const presented: Record<string, { patientDid: string; card: string }>[] = [
      { holder: { patientDid: w.patient.did, card: randomBytes(32).toString('hex') } },
      { holder: { patientDid: other.did, card: w.card } },
      {},
    ];
    for (const transient of presented) {
      for (const tx of ['insurance:GetCoverage', 'insurance:GetClaimContext']) {
        await assert.rejects(
          w.h.evaluate(w.billing, tx, { coverageId: w.coverageId }, { peer: INSURER, transient }),
          /\[NOT_FOUND\]/,
        );
      }
    }
  });

  void it("when the insurer's or the regulator's staff present a card (a gateway relaying its patient signs with such an identity), then the card is checked: a wrong one or another patient's is not found, none reads the coverage", async () => {
    const w = await insuranceWorld();
    const other = await registerPatient(w.h);
    for (const staff of [w.insurerAdmin, orgAdmin('RegulatorMSP')]) {
      for (const holder of [
        { patientDid: w.patient.did, card: randomBytes(32).toString('hex') },
        { patientDid: other.did, card: randomBytes(32).toString('hex') },
        { patientDid: other.did, card: w.card },
      ]) {
        await assert.rejects(
          w.h.evaluate(
            staff,
            'insurance:GetCoverage',
            { coverageId: w.coverageId },
            { peer: INSURER, transient: { holder } },
          ),
          /\[NOT_FOUND\]/,
        );
      }
      const read = await w.h.evaluate<Coverage>(
        staff,
        'insurance:GetCoverage',
        { coverageId: w.coverageId },
        { peer: INSURER },
      );
      const withCard = await w.h.evaluate<Coverage>(
        staff,
        'insurance:GetCoverage',
        { coverageId: w.coverageId },
        { peer: INSURER, transient: { holder: { patientDid: w.patient.did, card: w.card } } },
      );
      assert.deepEqual([read.patientDid, withCard.patientDid], [w.patient.did, w.patient.did]);
    }
  });

  void it('when a hospital admin or an insurer adjuster registers a coverage, then it is forbidden; a second registration of the id already exists', async () => {
    const w = await insuranceWorld();
    const adjuster = await registerStaff(w.h, INSURER, 'adjuster', null);
    for (const who of [orgAdmin('Hospital1MSP'), adjuster]) {
      await assert.rejects(
        w.h.submit(
          who,
          'insurance:RegisterCoverage',
          {},
          { transient: { coverage: coverageTerms(w.patient.did), card: { secret: w.card } } },
        ),
        /\[FORBIDDEN\]/,
      );
    }
    await assert.rejects(
      w.h.submit(
        w.insurerAdmin,
        'insurance:RegisterCoverage',
        {},
        { transient: { coverage: coverageTerms(w.patient.did, w.coverageId), card: { secret: w.card } } },
      ),
      /\[ALREADY_EXISTS\]/,
    );
  });

  void it('when the insurer suspends a coverage, then a line served in the suspension is rejected COVERAGE_INACTIVE and one served before is paid; a backdated suspension is refused', async () => {
    const w = await insuranceWorld();
    const today = w.h.ledger.now.toISOString().slice(0, 10);
    await assert.rejects(
      w.h.submit(w.insurerAdmin, 'insurance:SuspendCoverage', {
        coverageId: w.coverageId,
        effective: '2025-05-01',
      }),
      /\[VALIDATION_FAILED\] effective/,
    );
    const { result } = await w.h.submit<{ state: string }>(w.insurerAdmin, 'insurance:SuspendCoverage', {
      coverageId: w.coverageId,
      effective: today,
    });
    assert.equal(result.state, 'suspended');
    const { claimId } = await submitClaim(w, [
      line(w, { servicedDate: '2025-05-30' }),
      line(w, { servicedDate: today, item: XRAY }),
    ]);
    const claim = await w.h.evaluate<Claim>(w.billing, 'insurance:GetClaim', {
      claimId,
      provider: 'Hospital1MSP',
    });
    assert.deepEqual(
      claim.lines.map((l) => l.adjudication.reason),
      ['DEDUCTIBLE_APPLIED', 'COVERAGE_INACTIVE'],
    );
  });
});

void describe('InsuranceContract: claims', () => {
  void it('when a hospital claims under the insurance consent, then each line is adjudicated, both orgs hold the claim, and the block and event carry ids only', async () => {
    const w = await insuranceWorld();
    const { result, tx, claimId } = await submitClaim(w, [
      line(w),
      line(w, { item: XRAY, unitPrice: 25000 }),
      line(w, { item: MRI, unitPrice: 90000 }),
    ]);
    assert.equal(tx.status, 'VALID');
    assert.deepEqual(
      [result.outcome, result.lines, result.provider],
      ['partially_approved', 3, 'Hospital1MSP'],
    );
    assert.equal(tx.event?.name, 'ClaimSubmitted');
    const claim = await w.h.evaluate<Claim>(w.billing, 'insurance:GetClaim', {
      claimId,
      provider: 'Hospital1MSP',
    });
    // Visit: 100.00 eligible (fee schedule), 50.00 deductible, 80 % of 50.00. X-ray: 200.00 eligible, 100 %.
    assert.deepEqual(
      claim.lines.map((l) => [l.adjudication.reason, l.adjudication.eligible, l.adjudication.approved]),
      [
        ['DEDUCTIBLE_APPLIED', 10000, 4000],
        ['FEE_SCHEDULE_REDUCED', 20000, 20000],
        ['ITEM_NOT_COVERED', 0, 0],
      ],
    );
    assert.equal(claim.totalApproved, 24000);
    const adjuster = await registerStaff(w.h, INSURER, 'adjuster', null);
    const insurerCopy = await w.h.evaluate<Claim>(adjuster, 'insurance:GetClaim', {
      claimId,
      provider: 'Hospital1MSP',
    });
    assert.deepEqual(insurerCopy, claim);
    const research = w.h.ledger.orgView('ResearchMSP').join('\n');
    assert.ok(!research.includes(w.patient.did), 'patient DID reached Research');
    assert.ok(!research.includes(XRAY.code), 'an item code reached Research');
    assert.equal(
      w.h.ledger.committedPrivateKeys(sealedCollection('Hospital2MSP')).some((k) => k.includes(claimId)),
      false,
    );
  });

  void it('when the insurer reads a claim, then it sees the record ids and hashes but its peer holds no record content', async () => {
    const w = await insuranceWorld();
    await submitClaim(w, [line(w)]);
    const insurer = w.h.ledger.orgView(INSURER).join('\n');
    assert.ok(insurer.includes(w.record.contentHash));
    // Content stays on its custodian's peer: no FHIR resource reaches the insurer.
    assert.ok(!insurer.includes('resourceType'), 'record content reached the insurer');
  });

  void it('when a hospital claims the same record, item and date again under a new claim id, then the line is rejected DUPLICATE_ITEM; the same claim id already exists', async () => {
    const w = await insuranceWorld();
    const first = await submitClaim(w, [line(w)]);
    const again = await submitClaim(w, [line(w)]);
    const claim = await w.h.evaluate<Claim>(w.billing, 'insurance:GetClaim', {
      claimId: again.claimId,
      provider: 'Hospital1MSP',
    });
    assert.deepEqual(
      [again.result.outcome, claim.lines[0]?.adjudication.reason],
      ['rejected', 'DUPLICATE_ITEM'],
    );
    await assert.rejects(
      submitClaim(w, [line(w, { servicedDate: '2025-05-29' })], { claimId: first.claimId }),
      /\[ALREADY_EXISTS\]/,
    );
  });

  void it('when a hospital claims a service dated after its cited record version could document it (a future date), then the line is rejected SERVICE_AFTER_RECORD and claims nothing, so the service claimed on its day is paid', async () => {
    const w = await insuranceWorld();
    const inDays = (n: number) =>
      new Date(w.h.ledger.now.getTime() + n * 86_400_000).toISOString().slice(0, 10);
    const early = await submitClaim(w, [line(w, { servicedDate: inDays(5) })]);
    const onTheDay = await submitClaim(w, [line(w, { servicedDate: inDays(0) })]);
    const reasons = [];
    for (const { claimId } of [early, onTheDay]) {
      const claim = await w.h.evaluate<Claim>(w.billing, 'insurance:GetClaim', {
        claimId,
        provider: 'Hospital1MSP',
      });
      reasons.push([claim.outcome, claim.lines[0]?.adjudication.reason, claim.totalApproved > 0]);
    }
    assert.deepEqual(reasons, [
      ['rejected', 'SERVICE_AFTER_RECORD', false],
      ['approved', 'DEDUCTIBLE_APPLIED', true],
    ]);
  });

  void it('when a hospital presents the usage from before an earlier claim (to meet the deductible or cap twice), then the claim is refused PRESENTED_MISMATCH', async () => {
    const w = await insuranceWorld();
    const stale = await claimPresentation(w, [line(w)]);
    await submitClaim(w, [line(w)]);
    await assert.rejects(
      submitClaim(w, [line(w, { servicedDate: '2025-05-29' })], { presented: { usage: stale.usage } }),
      /\[PRESENTED_MISMATCH\] a presented value is missing/,
    );
  });

  void it("when a hospital presents a usage before the coverage has any (a forged or a later peer's value), then the claim is refused PRESENTED_MISMATCH, and presenting none goes through", async () => {
    const w = await insuranceWorld();
    const forged = Buffer.from(
      JSON.stringify({
        salt: 'ab'.repeat(32),
        value: { deductibleMet: 5000, approvedTotal: 0, claimed: [] },
      }),
    ).toString('base64');
    await assert.rejects(
      submitClaim(w, [line(w)], { presented: { usage: forged } }),
      /\[PRESENTED_MISMATCH\] a presented value is not stored/,
    );
    const { result } = await submitClaim(w, [line(w)], { presented: { usage: null } });
    assert.ok(result.claimId);
  });

  void it("when a line cites a hash that is no version of the record, or another patient's record, then the line is rejected RECORD_UNVERIFIED", async () => {
    const w = await insuranceWorld();
    const other = await registerPatient(w.h);
    const { anchor: theirs } = await anchor(w.h, w.billing, other);
    const { claimId } = await submitClaim(w, [
      line(w, { recordHash: 'a'.repeat(64) }),
      line(w, { recordId: theirs.recordId, recordHash: theirs.contentHash, item: XRAY }),
    ]);
    const claim = await w.h.evaluate<Claim>(w.billing, 'insurance:GetClaim', {
      claimId,
      provider: 'Hospital1MSP',
    });
    assert.deepEqual(
      claim.lines.map((l) => l.adjudication.reason),
      ['RECORD_UNVERIFIED', 'RECORD_UNVERIFIED'],
    );
  });

  void it("when the hospital presents a forged link that names the patient for another patient's record, then the claim is refused PRESENTED_MISMATCH", async () => {
    const w = await insuranceWorld();
    const other = await registerPatient(w.h);
    const { anchor: theirs } = await anchor(w.h, w.billing, other);
    const forged = Buffer.from(JSON.stringify({ salt: 'x', value: { patientDid: w.patient.did } })).toString(
      'base64',
    );
    await assert.rejects(
      submitClaim(w, [line(w, { recordId: theirs.recordId, recordHash: theirs.contentHash })], {
        presented: { recordLinks: [forged] },
      }),
      /\[PRESENTED_MISMATCH\]/,
    );
  });

  void it('when no insurance consent to the insurer is presented, then the claim is refused CONSENT_REQUIRED', async () => {
    const w = await insuranceWorld();
    const treatment = await grantInsuranceConsent(w.h, w.billing, w.patient, { purpose: 'treatment' });
    const narrow = await grantInsuranceConsent(w.h, w.billing, w.patient, { categories: ['lab'] });
    for (const consents of [[treatment], [narrow]]) {
      await assert.rejects(submitClaim(w, [line(w)], { consents }), /\[CONSENT_REQUIRED\]/);
    }
  });

  void it('when the card or the patient does not match the coverage, then the claim is refused FORBIDDEN', async () => {
    const w = await insuranceWorld();
    await assert.rejects(
      submitClaim(w, [line(w)], { presented: { card: randomBytes(32).toString('hex') } }),
      /\[FORBIDDEN\]/,
    );
  });

  void it("when a nurse or another hospital's billing staff submits, then it is forbidden or the records are not theirs", async () => {
    const w = await insuranceWorld();
    const nurse = await registerStaff(w.h, 'Hospital1MSP', 'nurse');
    await assert.rejects(submitClaim(w, [line(w)], { who: nurse }), /\[FORBIDDEN\]/);
    const elsewhere = await registerStaff(w.h, 'Hospital2MSP', 'attending');
    const { result } = await submitClaim(w, [line(w)], { who: elsewhere });
    assert.equal(result.outcome, 'rejected');
  });

  void it('when the hospital and the insurer endorse a claim without the regulator (colluding), then it does not commit', async () => {
    const w = await insuranceWorld();
    const { tx } = await submitClaim(w, [line(w)], { endorsers: ['Hospital1MSP', INSURER] });
    assert.equal(tx.status, 'ENDORSEMENT_POLICY_FAILURE');
    const { tx: withoutHospital } = await submitClaim(w, [line(w)], { endorsers: [INSURER, 'RegulatorMSP'] });
    assert.equal(withoutHospital.status, 'ENDORSEMENT_POLICY_FAILURE');
  });

  void it('when a claim id is read by another hospital, then it is forbidden', async () => {
    const w = await insuranceWorld();
    const { claimId } = await submitClaim(w, [line(w)]);
    const other = await registerStaff(w.h, 'Hospital2MSP', 'attending');
    await assert.rejects(
      w.h.evaluate(other, 'insurance:GetClaim', { claimId, provider: 'Hospital1MSP' }),
      /\[FORBIDDEN\]/,
    );
    const auditor = await registerStaff(w.h, 'RegulatorMSP', 'auditor', null);
    const seen = await w.h.evaluate<Claim>(auditor, 'insurance:GetClaim', {
      claimId,
      provider: 'Hospital1MSP',
    });
    assert.equal(seen.claimId, claimId);
  });
});

void describe('InsuranceContract: an insurer reviewing a claimed record', () => {
  async function review(
    w: InsuranceWorld,
    who: FakeSigner,
    recordId: string,
    claimReview?: object,
    version?: number,
  ) {
    const { result } = await w.h.submit<AccessDecision>(
      who,
      'access:AccessRecord',
      { recordId, custodian: 'Hospital1MSP', purpose: 'insurance', ...(version ? { version } : {}) },
      { transient: { consents: [w.consent], ...(claimReview ? { claimReview } : {}) } },
    );
    return result;
  }

  void it('when an adjuster names a claim to the insurer that the record backs, under the insurance consent, then the access is granted and the content read', async () => {
    const w = await insuranceWorld();
    const { claimId } = await submitClaim(w, [line(w)]);
    const adjuster = await registerStaff(w.h, INSURER, 'adjuster', null);
    const decision = await review(w, adjuster, w.record.recordId, { claimId, reason: 'medical_necessity' });
    assert.equal(decision.outcome, 'granted');
    const content = await readRecord(
      w.h,
      adjuster,
      { recordId: w.record.recordId, custodian: 'Hospital1MSP' },
      decision.accessId,
    );
    assert.equal(content.contentHash, w.record.contentHash);
  });

  void it('when an adjuster names no claim, or a claim the record does not back, then the access is denied CLAIM_REVIEW_REQUIRED or CLAIM_REVIEW_INVALID', async () => {
    const w = await insuranceWorld();
    const { claimId } = await submitClaim(w, [line(w)]);
    const { anchor: unclaimed } = await anchor(w.h, w.billing, w.patient);
    const adjuster = await registerStaff(w.h, INSURER, 'adjuster', null);
    assert.equal((await review(w, adjuster, w.record.recordId)).reason, 'CLAIM_REVIEW_REQUIRED');
    const invalid = await review(w, adjuster, unclaimed.recordId, { claimId, reason: 'suspected_fraud' });
    assert.deepEqual([invalid.outcome, invalid.reason], ['denied', 'CLAIM_REVIEW_INVALID']);
  });

  void it('when an adjuster asks for a version of a claimed record the claim did not cite (a later one, or the latest by default), or for a record a line cited in vain (RECORD_UNVERIFIED), then the access is denied CLAIM_REVIEW_INVALID; the cited version is granted', async () => {
    const w = await insuranceWorld();
    const { claimId } = await submitClaim(w, [line(w)]);
    const { anchor: later } = await anchor(w.h, w.billing, w.patient, {
      recordId: w.record.recordId,
      version: 2,
      previousHash: w.record.contentHash,
    });
    const { anchor: other } = await anchor(w.h, w.billing, w.patient);
    const { claimId: unverified } = await submitClaim(w, [
      line(w, { recordId: other.recordId, recordHash: 'f'.repeat(64) }),
    ]);
    const adjuster = await registerStaff(w.h, INSURER, 'adjuster', null);
    const outcomes = [];
    for (const [recordId, claim, version] of [
      [w.record.recordId, claimId, undefined],
      [w.record.recordId, claimId, later.version],
      [other.recordId, unverified, undefined],
      [w.record.recordId, claimId, 1],
    ] as const) {
      const d = await review(w, adjuster, recordId, { claimId: claim, reason: 'coding_accuracy' }, version);
      outcomes.push([d.outcome, d.reason]);
    }
    assert.deepEqual(outcomes, [
      ['denied', 'CLAIM_REVIEW_INVALID'],
      ['denied', 'CLAIM_REVIEW_INVALID'],
      ['denied', 'CLAIM_REVIEW_INVALID'],
      ['granted', 'CONSENT'],
    ]);
  });
});
