import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CUSTODIANS_COLLECTION,
  KeyFamily,
  type AccessDecision,
  type AuditEvent,
  type BreakGlassState,
  type RecordAnchor,
} from '@medledger/domain';
import {
  accessRecord,
  anchor,
  condition,
  activeStudy,
  grantConsent as signedConsent,
  readRecord,
  type PresentedConsent,
} from './testing/fixtures';
import { studyPseudonym } from './deidentify';
import type { FakeSigner } from './testing/fake-identity';
import {
  client,
  daysFromNow,
  Harness,
  orgAdmin,
  patientJws,
  registerPatient,
  registerStaff,
  uid,
  type TestPatient,
} from './testing/harness';

interface World {
  h: Harness;
  patient: TestPatient;
  attending: FakeSigner;
  record: RecordAnchor;
  envelope: { resource: Record<string, unknown>; salt: string };
}

async function world(
  resource?: Record<string, unknown>,
  extra: { category?: string; level?: number } = {},
): Promise<World> {
  const h = new Harness();
  const patient = await registerPatient(h);
  const attending = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  const { anchor: record, envelope } = await anchor(h, attending, patient, {
    ...(resource ? { resource } : {}),
    ...extra,
  });
  return { h, patient, attending, record, envelope };
}

type Presented = PresentedConsent;

function access(
  w: World,
  who: FakeSigner,
  body: Record<string, unknown>,
  consents: readonly Presented[] = [],
): Promise<AccessDecision> {
  return accessRecord(w.h, who, w.record, body, consents);
}

const grantConsent = (w: World, body: Record<string, unknown>): Promise<Presented> =>
  signedConsent(w.h, w.patient, body);

function readContent(w: World, who: FakeSigner, accessId: string, peer?: string) {
  return readRecord(w.h, who, w.record, accessId, peer);
}

const auditor = (cn = uid('aud')) => client('RegulatorMSP', cn);

void describe('AccessContract', () => {
  void it('when the custodian attending reads for treatment, then it is granted, audited and the content is returned', async () => {
    const w = await world();
    const d = await access(w, w.attending, { purpose: 'treatment' });
    assert.equal(d.outcome, 'granted');
    assert.equal(d.reason, 'CUSTODIAN_TREATMENT');
    const content = await readContent(w, w.attending, d.accessId);
    assert.deepEqual(content.resource, w.envelope.resource);
    assert.equal(content.salt, w.envelope.salt);
    assert.equal(content.contentHash, w.record.contentHash);
  });

  void it('when an intern of another department asks, then it is denied, the denial is audited, and no content is read', async () => {
    const w = await world();
    const intern = await registerStaff(w.h, 'Hospital1MSP', 'intern', 'oncology');
    const d = await access(w, intern, { purpose: 'treatment' });
    assert.deepEqual([d.outcome, d.reason], ['denied', 'DEPARTMENT_MISMATCH']);
    const a = auditor();
    await registerStaffAs(w.h, 'RegulatorMSP', 'auditor', a.cn);
    const ev = await w.h.evaluate<AuditEvent>(a, 'audit:GetAuditEvent', { eventId: d.accessId });
    assert.equal(ev.outcome, 'denied');
    await assert.rejects(readContent(w, intern, d.accessId), /\[ACCESS_NOT_GRANTED\]/);
  });

  void it('when another hospital presents no consent, then denied; presenting it, granted, readable only on the custodian peer; after revocation, denied', async () => {
    const w = await world();
    const doc2 = await registerStaff(w.h, 'Hospital2MSP', 'attending', 'er');
    assert.equal((await access(w, doc2, { purpose: 'treatment' })).reason, 'NO_CONSENT');
    const consent = await grantConsent(w, { grantee: { kind: 'org', mspId: 'Hospital2MSP' } });
    assert.equal((await access(w, doc2, { purpose: 'treatment' })).reason, 'NO_CONSENT');
    const d = await access(w, doc2, { purpose: 'treatment' }, [consent]);
    assert.deepEqual([d.outcome, d.reason, d.consentId], ['granted', 'CONSENT', consent.consentId]);
    await assert.rejects(readContent(w, doc2, d.accessId, 'Hospital2MSP'), /\[CONTENT_UNAVAILABLE\]/);
    const content = await readContent(w, doc2, d.accessId);
    assert.deepEqual(content.resource, w.envelope.resource);
    const relay = await registerStaff(w.h, 'Hospital1MSP', 'nurse', 'cardiology');
    await w.h.submit(
      relay,
      'consent:RevokeConsent',
      {},
      {
        transient: {
          revocation: {
            jws: patientJws(w.h, w.patient, {
              typ: 'medledger.consent.revoke',
              consentId: consent.consentId,
            }),
            grantJws: consent.jws,
          },
        },
      },
    );
    assert.equal((await access(w, doc2, { purpose: 'treatment' }, [consent])).reason, 'CONSENT_REVOKED');
    await assert.rejects(readContent(w, doc2, d.accessId), /\[ACCESS_NOT_GRANTED\]/);
  });

  void it('when a consent of another patient, or a grant whose hash the ledger does not hold, is presented, then it counts for nothing', async () => {
    const w = await world();
    const doc2 = await registerStaff(w.h, 'Hospital2MSP', 'attending', 'er');
    const other = await world();
    const theirs = await grantConsent(other, { grantee: { kind: 'org', mspId: 'Hospital2MSP' } });
    const forged = patientJws(w.h, w.patient, {
      typ: 'medledger.consent.grant',
      grantee: { kind: 'org', mspId: 'Hospital2MSP' },
      categories: ['diagnosis'],
      maxLevel: 3,
      purpose: 'treatment',
      periodStart: daysFromNow(w.h, -1),
      periodEnd: daysFromNow(w.h, 30),
    });
    const mine = await grantConsent(w, { grantee: { kind: 'org', mspId: 'Hospital2MSP' } });
    const d = await access(w, doc2, { purpose: 'treatment' }, [
      { consentId: mine.consentId, jws: forged },
      { consentId: theirs.consentId, jws: theirs.jws },
    ]);
    assert.equal(d.reason, 'NO_CONSENT');
  });

  void it("when a caller presents someone else's access id, then ACCESS_NOT_GRANTED", async () => {
    const w = await world();
    const d = await access(w, w.attending, { purpose: 'treatment' });
    const other = await registerStaff(w.h, 'Hospital1MSP', 'attending', 'cardiology');
    await assert.rejects(readContent(w, other, d.accessId), /\[ACCESS_NOT_GRANTED\]/);
  });

  void it('when the grant has expired at the proposal time, then EXPIRED', async () => {
    const w = await world();
    const d = await access(w, w.attending, { purpose: 'treatment' });
    w.h.ledger.advance(16 * 60 * 1000);
    await assert.rejects(readContent(w, w.attending, d.accessId), /\[EXPIRED\]/);
  });

  void it('when a researcher has study consent, then content is de-identified at source and the salt withheld', async () => {
    const resource = condition({
      contained: [
        { resourceType: 'Patient', id: 'p1', name: [{ family: 'Canary' }], birthDate: '1970-03-04' },
      ],
      subject: { reference: '#p1', display: 'Canary' },
      recordedDate: '2025-05-01',
    });
    const w = await world(resource);
    const researcher = await registerStaff(w.h, 'ResearchMSP', 'researcher', null);
    const studyId = await activeStudy(w.h, researcher);
    assert.equal((await access(w, researcher, { purpose: 'research', studyId })).reason, 'NO_CONSENT');
    const consent = await grantConsent(w, { grantee: { kind: 'study', studyId }, purpose: 'research' });
    const cohort = await w.h.evaluate<{ items: { patientDid: string }[] }>(
      researcher,
      'study:GetStudyCohort',
      { studyId },
    );
    assert.deepEqual(
      cohort.items.map((m) => m.patientDid),
      [w.patient.did],
    );
    const d = await access(w, researcher, { purpose: 'research', studyId }, [consent]);
    assert.deepEqual([d.outcome, d.reason, d.deidentified], ['granted', 'STUDY_CONSENT', true]);
    const content = await readContent(w, researcher, d.accessId);
    const text = JSON.stringify(content.resource);
    assert.equal(content.salt, null);
    assert.ok(!text.includes('Canary'));
    assert.ok(!text.includes('1970'), 'the contained patient and its birth date go');
    assert.ok(!text.includes(w.patient.did));
    assert.equal(content.resource.recordedDate, '2025');
    const subject = (content.resource.subject as { reference: string }).reference;
    assert.match(subject, /^Patient\/[0-9a-f]{32}$/);
    // Not the interim pseudonym keyed by the content's salt, which differed per record version.
    const saltKeyed = studyPseudonym(Buffer.from(w.envelope.salt, 'hex'), studyId, w.patient.did);
    assert.notEqual(subject, `Patient/${saltKeyed}`);
  });

  void it('when a researcher reads one patient at two custodians in one export of a study, then every record carries one pseudonym; another study gets another', async () => {
    const w = await world(condition({ recordedDate: '2025-05-01' }));
    const researcher = await registerStaff(w.h, 'ResearchMSP', 'researcher', null);
    const second = await anchor(w.h, w.attending, w.patient, {
      resource: condition({ recordedDate: '2024-02-02' }),
    });
    const attending2 = await registerStaff(w.h, 'Hospital2MSP', 'attending', 'cardiology');
    const atHospital2 = await anchor(w.h, attending2, w.patient, {
      resource: condition({ recordedDate: '2023-03-03' }),
    });
    const records = [w.record, second.anchor, atHospital2.anchor];
    assert.deepEqual(
      records.map((r) => r.custodian),
      ['Hospital1MSP', 'Hospital1MSP', 'Hospital2MSP'],
    );
    const byStudy: string[][] = [];
    for (const name of ['study-a', 'study-b']) {
      const studyId = await activeStudy(w.h, researcher, ['Hospital1MSP', 'Hospital2MSP'], uid(name));
      const consent = await grantConsent(w, { grantee: { kind: 'study', studyId }, purpose: 'research' });
      const subjects: string[] = [];
      let exportId: string | undefined;
      for (const record of records) {
        const d = await accessRecord(w.h, researcher, record, { purpose: 'research', studyId }, [consent]);
        assert.equal(d.outcome, 'granted');
        exportId ??= d.accessId;
        const content = await readRecord(w.h, researcher, record, d.accessId, undefined, exportId);
        assert.ok(!JSON.stringify(content).includes(w.patient.did), 'the DID never reaches the researcher');
        subjects.push((content.resource.subject as { reference: string }).reference);
      }
      byStudy.push(subjects);
    }
    const [a = [], b = []] = byStudy;
    assert.equal(new Set(a).size, 1, 'one patient, one study, two custodians: one pseudonym');
    assert.equal(new Set(b).size, 1);
    assert.notEqual(a[0], b[0], 'another study: another pseudonym');
    // The research org knows its cohort's DIDs; what it must never hold is the secret they are keyed by.
    const secret = w.h.ledger.getCommittedPrivate(
      CUSTODIANS_COLLECTION,
      `\u0000${KeyFamily.studySecret}\u0000`,
    );
    assert.ok(secret?.length === 32);
    const hex = secret.toString('hex');
    assert.ok(w.h.ledger.orgView('Hospital2MSP').some((t) => t.includes(hex)));
    assert.ok(
      !w.h.ledger.orgView('ResearchMSP').some((t) => t.includes(hex)),
      "no secret in the research org's peer view",
    );
  });

  void it('when a regulator asks for content, then denied REGULATOR_NO_CONTENT', async () => {
    const w = await world();
    const a = await registerStaff(w.h, 'RegulatorMSP', 'auditor', null);
    assert.equal((await access(w, a, { purpose: 'treatment' })).reason, 'REGULATOR_NO_CONTENT');
  });

  void it('when an unregistered identity asks, then the denial NOT_REGISTERED is still recorded', async () => {
    const w = await world();
    const d = await access(w, client('Hospital2MSP', uid('ghost')), { purpose: 'treatment' });
    assert.deepEqual([d.outcome, d.reason], ['denied', 'NOT_REGISTERED']);
  });

  void it('when a doctor breaks the glass, then it is granted, flagged, and open for review by the custodian admin, whose reviews are appended', async () => {
    const w = await world();
    const doc2 = await registerStaff(w.h, 'Hospital2MSP', 'attending', 'er');
    const nurse2 = await registerStaff(w.h, 'Hospital2MSP', 'nurse', 'er');
    assert.equal(
      (await access(w, nurse2, { purpose: 'emergency', breakGlassReason: 'unconscious_patient' })).reason,
      'ROLE_NOT_PERMITTED',
    );
    assert.equal((await access(w, doc2, { purpose: 'emergency' })).reason, 'BREAK_GLASS_REASON_REQUIRED');
    const d = await access(w, doc2, { purpose: 'emergency', breakGlassReason: 'unconscious_patient' });
    assert.deepEqual([d.outcome, d.reason, d.breakGlass], ['granted', 'BREAK_GLASS', true]);
    const review = { accessId: d.accessId, custodian: 'Hospital1MSP', outcome: 'justified' };
    await assert.rejects(
      w.h.submit(orgAdmin('Hospital2MSP'), 'access:ReviewBreakGlass', review),
      /\[FORBIDDEN\]/,
    );
    const { result } = await w.h.submit<BreakGlassState>(
      orgAdmin('Hospital1MSP'),
      'access:ReviewBreakGlass',
      review,
    );
    assert.deepEqual(
      [result.status, result.outcome, result.reviews.length],
      ['custodian_reviewed', 'justified', 1],
    );
    const again = await w.h.submit<BreakGlassState>(orgAdmin('Hospital1MSP'), 'access:ReviewBreakGlass', {
      ...review,
      outcome: 'unjustified',
    });
    assert.deepEqual([again.result.outcome, again.result.reviews.length], ['unjustified', 2]);
  });

  void it('when an access is decided, then its AccessDecided event carries the record version and the break-glass reason', async () => {
    const w = await world();
    const doc2 = await registerStaff(w.h, 'Hospital2MSP', 'attending', 'er');
    const emitted = async (
      who: FakeSigner,
      body: Record<string, unknown>,
    ): Promise<Record<string, unknown>> => {
      const { tx } = await w.h.submit<AccessDecision>(who, 'access:AccessRecord', {
        recordId: w.record.recordId,
        custodian: w.record.custodian,
        ...body,
      });
      assert.equal(tx.event?.name, 'AccessDecided');
      return JSON.parse(tx.event.payload.toString('utf8')) as Record<string, unknown>;
    };
    const bg = await emitted(doc2, { purpose: 'emergency', breakGlassReason: 'unconscious_patient' });
    assert.deepEqual(
      [bg['version'], bg['breakGlassReason'], bg['breakGlass']],
      [w.record.version, 'unconscious_patient', true],
    );
    const plain = await emitted(w.attending, { purpose: 'treatment' });
    assert.deepEqual([plain['version'], plain['breakGlassReason']], [w.record.version, null]);
  });

  void it('when the patient disallows emergency access, then break-glass is denied', async () => {
    const w = await world();
    const relay = await registerStaff(w.h, 'Hospital1MSP', 'nurse', 'cardiology');
    await w.h.submit(
      relay,
      'consent:SetPatientPreferences',
      {},
      {
        transient: {
          preferences: {
            jws: patientJws(w.h, w.patient, { typ: 'medledger.preferences', allowEmergencyAccess: false }),
          },
        },
      },
    );
    const doc2 = await registerStaff(w.h, 'Hospital2MSP', 'attending', 'er');
    const d = await access(w, doc2, { purpose: 'emergency', breakGlassReason: 'life_threatening' });
    assert.equal(d.reason, 'BREAK_GLASS_DISALLOWED');
  });

  void it('when genomic data is asked by another hospital even with consent, then LEVEL_NOT_PERMITTED', async () => {
    const w = await world(
      { resourceType: 'MolecularSequence', coordinateSystem: 0 },
      { category: 'genomic', level: 4 },
    );
    const doc2 = await registerStaff(w.h, 'Hospital2MSP', 'attending', 'er');
    const consent = await grantConsent(w, {
      grantee: { kind: 'org', mspId: 'Hospital2MSP' },
      categories: ['genomic'],
      maxLevel: 4,
    });
    assert.equal((await access(w, doc2, { purpose: 'treatment' }, [consent])).reason, 'LEVEL_NOT_PERMITTED');
  });
});

async function registerStaffAs(h: Harness, mspId: string, role: string, cn: string): Promise<void> {
  await h.submit(orgAdmin(mspId), 'identity:RegisterStaff', { enrollmentId: cn, role, department: null });
}

void describe('AuditContract', () => {
  void it('when a patient has many access events, then the audit pages are newest first and bounded', async () => {
    const w = await world();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await access(w, w.attending, { purpose: 'treatment' })).accessId);
    const a = await registerStaff(w.h, 'RegulatorMSP', 'auditor', null);
    const seen: string[] = [];
    let bookmark = '';
    do {
      const page = await w.h.evaluate<{ items: AuditEvent[]; bookmark: string }>(a, 'audit:QueryAudit', {
        by: 'patient',
        id: w.patient.did,
        pageSize: 2,
        bookmark,
      });
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((e) => e.eventId));
      bookmark = page.bookmark;
    } while (bookmark !== '');
    assert.deepEqual(seen, [...ids].reverse());
    await assert.rejects(
      w.h.evaluate(a, 'audit:QueryAudit', { by: 'patient', id: w.patient.did, pageSize: 101 }),
      /\[VALIDATION_FAILED\] pageSize/,
    );
  });

  void it("when staff query another actor's events, then FORBIDDEN; their own are allowed", async () => {
    const w = await world();
    await access(w, w.attending, { purpose: 'treatment' });
    const nurse = await registerStaff(w.h, 'Hospital1MSP', 'nurse', 'cardiology');
    const attendingDid = `did:medledger:hospital1:${w.attending.cn}`;
    await assert.rejects(
      w.h.evaluate(nurse, 'audit:QueryAudit', { by: 'actor', id: attendingDid }),
      /\[FORBIDDEN\]/,
    );
    const own = await w.h.evaluate<{ items: AuditEvent[] }>(w.attending, 'audit:QueryAudit', {
      by: 'actor',
      id: attendingDid,
    });
    assert.equal(own.items.length, 1);
    await assert.rejects(
      w.h.evaluate(nurse, 'audit:QueryAudit', { by: 'record', id: w.record.recordId }),
      /\[FORBIDDEN\]/,
    );
    const elsewhere = await w.h.evaluate<{ items: AuditEvent[] }>(
      orgAdmin('Hospital2MSP'),
      'audit:QueryAudit',
      {
        by: 'record',
        id: w.record.recordId,
      },
    );
    assert.deepEqual(elsewhere.items, []);
  });
  void it("when admins scan a patient's events, then a hospital admin sees accesses to their own hospital's records only and other orgs' admins are refused", async () => {
    const w = await world();
    const own = await access(w, w.attending, { purpose: 'treatment' });
    const doc2 = await registerStaff(w.h, 'Hospital2MSP', 'attending', 'emergency');
    const visiting = await access(w, doc2, { purpose: 'treatment' });
    const scan = async (mspId: string) =>
      (
        await w.h.evaluate<{ items: AuditEvent[] }>(orgAdmin(mspId), 'audit:QueryAudit', {
          by: 'patient',
          id: w.patient.did,
        })
      ).items.map((e) => e.eventId);
    assert.deepEqual(await scan('Hospital1MSP'), [visiting.accessId, own.accessId]);
    // The visiting hospital's own access lives in the custodian's sealed collection, not on its peer.
    assert.deepEqual(await scan('Hospital2MSP'), []);
    for (const mspId of ['ResearchMSP', 'RegulatorMSP']) {
      await assert.rejects(scan(mspId), /\[FORBIDDEN\]/, mspId);
    }
  });
});
