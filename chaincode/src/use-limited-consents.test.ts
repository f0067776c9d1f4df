import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalBytes, KeyFamily, type DeletionAttestation, type RecordAnchor } from '@medledger/domain';
import type { Context } from 'fabric-contract-api';
import type { FakeSigner } from './testing/fake-identity';
import { accessRecord, anchor, grantConsent, readRecord, type PresentedConsent } from './testing/fixtures';
import {
  daysFromNow,
  Harness,
  nonRegulatorPeers,
  orgAdmin,
  registerPatient,
  registerStaff,
  type TestPatient,
} from './testing/harness';

interface Setup {
  h: Harness;
  patient: TestPatient;
  record: RecordAnchor;
  doctor: FakeSigner;
}

async function setup(): Promise<Setup> {
  const h = new Harness();
  const patient = await registerPatient(h);
  const writer = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  const { anchor: record } = await anchor(h, writer, patient);
  return { h, patient, record, doctor: await registerStaff(h, 'Hospital2MSP', 'attending', 'er') };
}

const grant = (s: Setup, terms: Record<string, unknown>): Promise<PresentedConsent> =>
  grantConsent(s.h, s.patient, terms, 'Hospital2MSP');

const treat = (s: Setup, consents: PresentedConsent[]) =>
  accessRecord(s.h, s.doctor, s.record, { purpose: 'treatment' }, consents);

void describe('use-limited consents: the chaincode counts the grants a consent gives', () => {
  void it('when a consent allows two reads, then the third access decision is an audited CONSENT_USE_EXHAUSTED and the grants given still read', async () => {
    const s = await setup();
    const consent = await grant(s, { maxReads: 2 });
    const first = await treat(s, [consent]);
    const second = await treat(s, [consent]);
    assert.deepEqual([first.reason, second.reason], ['CONSENT', 'CONSENT']);
    const third = await treat(s, [consent]);
    assert.deepEqual(
      [third.outcome, third.reason, third.consentId],
      ['denied', 'CONSENT_USE_EXHAUSTED', null],
    );
    const content = await readRecord(s.h, s.doctor, s.record, first.accessId);
    assert.equal(content.resource['resourceType'], 'Condition');
  });

  void it('when one consent is used up, then another covering consent with reads left decides', async () => {
    const s = await setup();
    const once = await grant(s, { maxReads: 1 });
    const unlimited = await grant(s, {});
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await treat(s, [once, unlimited]));
    assert.ok(decisions.every((d) => d.outcome === 'granted'));
    // The first covering consent in id order decides while it has reads left, then the next one.
    const onceFirst = once.consentId < unlimited.consentId;
    assert.equal(decisions.filter((d) => d.consentId === once.consentId).length, onceFirst ? 1 : 0);
  });

  void it('when a keep-until date is not after the period start, then VALIDATION_FAILED', async () => {
    const s = await setup();
    await assert.rejects(
      grant(s, { keepUntil: daysFromNow(s.h, -2) }),
      /\[VALIDATION_FAILED\] payload keepUntil/,
    );
  });
});

void describe('deletion attestations', () => {
  void it('when the grantee org attests by the keep-until date, then it is on chain, not late, and only once', async () => {
    const s = await setup();
    const consent = await grant(s, { keepUntil: daysFromNow(s.h, 40) });
    await treat(s, [consent]);
    const { result, tx } = await s.h.submit<DeletionAttestation>(
      orgAdmin('Hospital2MSP'),
      'consent:AttestDeletion',
      {
        consentId: consent.consentId,
      },
    );
    assert.deepEqual(
      [result.granteeOrg, result.late, tx.event?.name],
      ['Hospital2MSP', false, 'DeletionAttested'],
    );
    await assert.rejects(
      s.h.submit(s.doctor, 'consent:AttestDeletion', { consentId: consent.consentId }),
      /\[CONFLICT\]/,
    );
  });

  void it('when the grantee attests the deletion of its copies while the consent still runs, then it reads nothing more under it: a new decision is an audited CONSENT_USE_EXHAUSTED and a grant given before no longer reads', async () => {
    const s = await setup();
    const consent = await grant(s, { keepUntil: daysFromNow(s.h, 40) });
    const before = await treat(s, [consent]);
    assert.equal(before.outcome, 'granted');
    const { tx } = await s.h.submit(orgAdmin('Hospital2MSP'), 'consent:AttestDeletion', {
      consentId: consent.consentId,
    });
    assert.equal(tx.status, 'VALID');
    const after = await treat(s, [consent]);
    assert.deepEqual([after.outcome, after.reason], ['denied', 'CONSENT_USE_EXHAUSTED']);
    await assert.rejects(readRecord(s.h, s.doctor, s.record, before.accessId), /\[ACCESS_NOT_GRANTED\]/);
  });

  void it("when two other orgs create the consent's attestation key without the grantee (no receipt), then it closes nothing: the grantee still decides and reads", async () => {
    const s = await setup();
    const consent = await grant(s, { keepUntil: daysFromNow(s.h, 40) });
    const forged: DeletionAttestation = {
      consentId: consent.consentId,
      granteeOrg: 'Hospital2MSP',
      attestedBy: `did:medledger:hospital2:${s.doctor.cn}`,
      attestedAt: s.h.ledger.now.toISOString(),
      keepUntil: null,
      late: false,
      txId: 'd'.repeat(64),
    };
    const rogue = await registerStaff(s.h, 'ResearchMSP', 'researcher', null);
    const tx = await s.h.ledger.submit(
      { signer: rogue, endorsers: ['ResearchMSP', 'Hospital1MSP'] },
      async (ctx: Context) => {
        const key = ctx.stub.createCompositeKey(KeyFamily.deletionAttestation, [consent.consentId]);
        await ctx.stub.putState(key, canonicalBytes(forged));
        return '';
      },
    );
    // Creating a key follows the chaincode policy (two orgs): Fabric lets it commit.
    assert.equal(tx.status, 'VALID');
    const decision = await treat(s, [consent]);
    assert.deepEqual([decision.outcome, decision.reason], ['granted', 'CONSENT']);
    const content = await readRecord(s.h, s.doctor, s.record, decision.accessId);
    assert.equal(content.resource['resourceType'], 'Condition');
  });

  void it('when someone other than the grantee attests, then FORBIDDEN and nothing is written', async () => {
    const s = await setup();
    const consent = await grant(s, { keepUntil: daysFromNow(s.h, 40) });
    for (const who of [
      orgAdmin('Hospital1MSP'),
      orgAdmin('ResearchMSP'),
      orgAdmin('RegulatorMSP'),
      await registerStaff(s.h, 'Hospital1MSP', 'attending', 'cardiology'),
    ]) {
      await assert.rejects(
        s.h.submit(who, 'consent:AttestDeletion', { consentId: consent.consentId }),
        /\[FORBIDDEN\]/,
        who.mspId,
      );
    }
    await assert.rejects(
      s.h.submit(orgAdmin('Hospital2MSP'), 'consent:AttestDeletion', { consentId: 'f'.repeat(64) }),
      /\[NOT_FOUND\]/,
    );
  });

  void it('when the grantee attests after the keep-until date, then the attestation says late', async () => {
    const s = await setup();
    const consent = await grant(s, { keepUntil: daysFromNow(s.h, 2) });
    const { result } = await s.h.submit<DeletionAttestation>(
      orgAdmin('Hospital2MSP'),
      'consent:AttestDeletion',
      { consentId: consent.consentId },
      { time: new Date(s.h.ledger.now.getTime() + 3 * 86_400_000) },
    );
    assert.equal(result.late, true);
  });
});

void describe('what a grantee relied on: the consents of its own granted accesses', () => {
  const resolve = (s: Setup, who: FakeSigner, accessIds: string[], options: { peer?: string } = {}) =>
    s.h.evaluate<{ items: { accessId: string; consentId: string }[] }>(
      who,
      'consent:ResolveAccessConsents',
      { accesses: accessIds.map((accessId) => ({ accessId, custodian: 'Hospital1MSP' })) },
      options,
    );

  void it("when the grantee's member names its org's accesses, then each granted one answers its consent, and denials, other orgs' accesses and unknown ids are left out alike", async () => {
    const s = await setup();
    const consent = await grant(s, { keepUntil: daysFromNow(s.h, 40) });
    const granted = await treat(s, [consent]);
    const denied = await treat(s, []);
    assert.equal(denied.outcome, 'denied');
    const custodianDoctor = await registerStaff(s.h, 'Hospital1MSP', 'attending', 'cardiology');
    const own = await accessRecord(s.h, custodianDoctor, s.record, { purpose: 'treatment' });
    const unknown = 'f'.repeat(64);
    const ids = [granted.accessId, denied.accessId, own.accessId, unknown];
    assert.deepEqual((await resolve(s, orgAdmin('Hospital2MSP'), ids)).items, [
      { accessId: granted.accessId, consentId: consent.consentId },
    ]);
    // Another org learns nothing of Hospital2's reads, not even that they exist.
    assert.deepEqual((await resolve(s, orgAdmin('ResearchMSP'), ids)).items, []);
    assert.deepEqual((await resolve(s, custodianDoctor, ids)).items, []);
  });

  void it("when it runs on any peer but the regulator's, or the regulator's staff ask, then FORBIDDEN naming the peer", async () => {
    const s = await setup();
    const granted = await treat(s, [await grant(s, { keepUntil: daysFromNow(s.h, 40) })]);
    for (const peer of nonRegulatorPeers(s.h)) {
      await assert.rejects(resolve(s, orgAdmin('Hospital2MSP'), [granted.accessId], { peer }), {
        message: `[FORBIDDEN] peer of ${peer}`,
      });
    }
    const auditor = await registerStaff(s.h, 'RegulatorMSP', 'auditor', null);
    await assert.rejects(resolve(s, auditor, [granted.accessId]), /\[FORBIDDEN\]/);
  });
});
