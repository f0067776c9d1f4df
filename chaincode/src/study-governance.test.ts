import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256Hex, type RecordAnchor, type StudyGovernanceOutput } from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import { accessRecord, anchor, condition, studyConsent } from './testing/fixtures';
import { client, daysFromNow, Harness, registerPatient, registerStaff, uid } from './testing/harness';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
// The study's governance lives with the study org: whoever changes it, Research and the regulator endorse.
const STUDY_ORG_ENDORSERS = ['ResearchMSP', 'RegulatorMSP'];

interface Setup {
  h: Harness;
  studyId: string;
  lead: FakeSigner;
  ethics1: FakeSigner;
  ethics2: FakeSigner;
}

async function proposed(quorum: Record<string, unknown>): Promise<Setup & { out: StudyGovernanceOutput }> {
  const h = new Harness();
  const lead = await registerStaff(h, 'ResearchMSP', 'researcher', null);
  const ethics1 = await registerStaff(h, H1, 'ethics', null);
  const ethics2 = await registerStaff(h, H2, 'ethics', null);
  const studyId = uid('mc-study');
  const { result: out, tx } = await h.submit<StudyGovernanceOutput>(lead, 'study:ProposeStudy', {
    studyId,
    categories: ['diagnosis'],
    maxLevel: 3,
    periodStart: daysFromNow(h, -1),
    periodEnd: daysFromNow(h, 365),
    sites: [H2, H1],
    quorum,
    protocolHash: sha256Hex(`protocol ${studyId}`),
  });
  assert.equal(tx.event?.name, 'StudyProposed');
  return { h, studyId, lead, ethics1, ethics2, out };
}

function decide(s: Setup, who: FakeSigner, decision: 'approved' | 'rejected', protocolVersion = 1) {
  return s.h.submit<StudyGovernanceOutput>(who, 'study:DecideStudy', {
    studyId: s.studyId,
    decision,
    protocolVersion,
  });
}

function change(s: Setup, who: FakeSigner, action: string, extra: Record<string, unknown> = {}) {
  return s.h.submit<StudyGovernanceOutput>(
    who,
    'study:ChangeStudy',
    { studyId: s.studyId, action, ...extra },
    { endorsers: STUDY_ORG_ENDORSERS },
  );
}

void describe('StudyContract: multi-center governance', () => {
  void it('when one of two sites rejects a 1-of-2 study, then the quorum is reached without it and data flows only from the approving site', async () => {
    const s = await proposed({ kind: 'atLeast', sites: 1 });
    assert.deepEqual([s.out.state, s.out.sites, s.out.protocolVersion], ['proposed', [H1, H2], 1]);
    const patient = await registerPatient(s.h);
    const records: RecordAnchor[] = [];
    for (const org of [H1, H2]) {
      const attending = await registerStaff(s.h, org, 'attending', 'cardiology');
      records.push((await anchor(s.h, attending, patient, { resource: condition() })).anchor);
    }
    const consent = await studyConsent(s.h, patient, s.studyId);
    const research = (i: number) =>
      accessRecord(s.h, s.lead, records[i] as RecordAnchor, { purpose: 'research', studyId: s.studyId }, [
        consent,
      ]);

    assert.equal((await research(0)).reason, 'STUDY_SITE_NOT_APPROVED', 'nothing flows while proposed');
    const rejected = await decide(s, s.ethics2, 'rejected');
    assert.equal(rejected.result.state, 'proposed');
    assert.equal(rejected.tx.event?.name, 'StudyDecided');
    const approved = await decide(s, s.ethics1, 'approved');
    assert.deepEqual(
      [approved.result.state, approved.result.approvals, approved.result.required],
      ['approved', 1, 1],
    );
    assert.equal((await research(0)).reason, 'STUDY_SITE_NOT_APPROVED', 'not before the lead activates');
    const active = await change(s, s.lead, 'activate');
    assert.equal(active.result.state, 'active');
    const fromH1 = await research(0);
    assert.deepEqual([fromH1.outcome, fromH1.reason], ['granted', 'STUDY_CONSENT']);
    const fromH2 = await research(1);
    assert.deepEqual([fromH2.outcome, fromH2.reason], ['denied', 'STUDY_SITE_NOT_APPROVED']);

    const amended = await change(s, s.lead, 'amend', { protocolHash: sha256Hex(`v2 ${s.studyId}`) });
    assert.deepEqual(
      [amended.result.state, amended.result.protocolVersion, amended.result.decisions],
      ['proposed', 2, {}],
    );
    assert.equal((await research(0)).reason, 'STUDY_SITE_NOT_APPROVED', 'an amendment re-opens approval');
    await assert.rejects(decide(s, s.ethics1, 'approved', 1), /\[CONFLICT\] protocolVersion/);
  });

  void it('when someone other than a site committee decides, or a party acts outside its rule, then FORBIDDEN or CONFLICT', async () => {
    const s = await proposed({ kind: 'all' });
    const attending = await registerStaff(s.h, H1, 'attending', 'cardiology');
    await assert.rejects(decide(s, attending, 'approved'), /\[FORBIDDEN\]/);
    await assert.rejects(decide(s, s.lead, 'approved'), /\[FORBIDDEN\]/);
    const h3 = await registerStaff(s.h, 'RegulatorMSP', 'auditor', null);
    await assert.rejects(decide(s, h3, 'approved'), /\[FORBIDDEN\]/);
    await assert.rejects(change(s, s.ethics1, 'activate'), /\[FORBIDDEN\] activate/);
    await assert.rejects(change(s, s.lead, 'activate'), /\[CONFLICT\] proposed/);
    await decide(s, s.ethics1, 'approved');
    await decide(s, s.ethics2, 'approved');
    await change(s, s.lead, 'activate');
    const held = await change(s, s.ethics2, 'suspend');
    assert.equal(held.result.state, 'suspended');
    await assert.rejects(change(s, s.ethics1, 'resume'), /\[FORBIDDEN\] resume/);
    assert.equal((await change(s, s.lead, 'resume')).result.state, 'active');
    assert.equal((await change(s, h3, 'close')).result.state, 'closed');
    await assert.rejects(decide(s, s.ethics1, 'rejected'), /\[CONFLICT\] closed/);
    const other = client('ResearchMSP', uid('nobody'));
    await assert.rejects(change(s, other, 'close'), /\[NOT_REGISTERED\]/);
  });

  void it("when a site's decision is written without the site's endorsement, then it does not commit", async () => {
    const s = await proposed({ kind: 'all' });
    // Research and the regulator try to record Hospital1's approval: the decision key and its receipt
    // belong to Hospital1 (its sealed collection needs Hospital1's peer).
    const { tx } = await s.h.submit(
      s.ethics1,
      'study:DecideStudy',
      { studyId: s.studyId, decision: 'approved', protocolVersion: 1 },
      { endorsers: STUDY_ORG_ENDORSERS },
    );
    assert.equal(tx.status, 'ENDORSEMENT_POLICY_FAILURE');
    const read = await s.h.evaluate<StudyGovernanceOutput>(s.lead, 'study:GetStudyGovernance', {
      studyId: s.studyId,
    });
    assert.deepEqual(read.decisions, {});
  });

  void it('when a study names a site that is no hospital or a quorum above its sites, then VALIDATION_FAILED', async () => {
    const s = await proposed({ kind: 'all' });
    for (const [sites, quorum, detail] of [
      [['ResearchMSP'], { kind: 'all' }, 'sites'],
      [['Hospital9MSP'], { kind: 'all' }, 'sites'],
      [[H1], { kind: 'atLeast', sites: 2 }, 'quorum'],
    ] as const) {
      await assert.rejects(
        s.h.submit(s.lead, 'study:ProposeStudy', {
          studyId: uid('bad'),
          categories: ['diagnosis'],
          maxLevel: 3,
          periodStart: daysFromNow(s.h, -1),
          periodEnd: daysFromNow(s.h, 30),
          sites,
          quorum,
          protocolHash: sha256Hex('p'),
        }),
        new RegExp(`\\[VALIDATION_FAILED\\] ${detail}`),
      );
    }
  });
});
