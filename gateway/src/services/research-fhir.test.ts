import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  applyStudyAction,
  proposeStudy,
  sha256Hex,
  STUDY_STATES,
  type Study,
  type StudyGovernance,
} from '@medledger/domain';
import { createR4Validator } from '@medledger/fhir';
import {
  fhirStudyId,
  RESEARCH_STUDY_STATUS,
  toFhirResearchStudy,
  toFhirResearchSubject,
} from './research-fhir';

// Its own validator: the shared test one does not index the research resource types.
const validator = createR4Validator(['ResearchStudy', 'ResearchSubject']);
const errors = (resource: unknown) =>
  validator
    .validate(resource)
    .filter((i) => i.severity === 'error')
    .map((i) => `${i.path}: ${i.message}`);

function study(studyId: string): Study {
  return {
    studyId,
    org: 'ResearchMSP',
    principalInvestigatorDid: 'did:medledger:research:research-researcher-1',
    purpose: 'research',
    categories: ['genomic', 'lab'],
    maxLevel: 4,
    periodStart: '2026-01-01T00:00:00.000Z',
    periodEnd: '2027-01-01T00:00:00.000Z',
    ethicsApprovalRef: 'EC-2026-14',
    registeredAt: '2026-01-01T00:00:00.000Z',
    txId: sha256Hex(studyId),
  };
}

function approvedBy(governance: StudyGovernance, site: string, decision: 'approved' | 'rejected') {
  const result = applyStudyAction(
    governance,
    { kind: 'ethics', site },
    { type: 'decide', decision, protocolVersion: governance.protocolVersion },
  );
  assert.ok(result.ok);
  return result.study;
}

void describe('research studies as FHIR', () => {
  void it('when a three-site study has two approvals and a rejection, then its ResearchStudy is valid R4 with every site, decision and the protocol hash', () => {
    const id = `study-${randomBytes(4).toString('hex')}`;
    let governance = proposeStudy({
      sites: ['Hospital1MSP', 'Hospital2MSP', 'Hospital3MSP'],
      quorum: { kind: 'atLeast', sites: 2 },
      protocolHash: sha256Hex(`protocol of ${id}`),
    });
    governance = approvedBy(governance, 'Hospital1MSP', 'approved');
    governance = approvedBy(governance, 'Hospital3MSP', 'rejected');
    governance = approvedBy(governance, 'Hospital2MSP', 'approved');
    const resource = toFhirResearchStudy(study(id), governance);
    assert.deepEqual(errors(resource), []);
    assert.equal(resource.status, 'approved');
    assert.equal(resource.id, id);
    const text = JSON.stringify(resource);
    for (const expected of [governance.protocolHash, '2 of 3', '"rejected"', 'Hospital3MSP']) {
      assert.ok(text.includes(expected), expected);
    }
  });

  void it('when a study is in any state, then its status is an R4 research-study-status and the resource stays valid', () => {
    const id = `s_${randomBytes(70).toString('hex')}`.slice(0, 128);
    const open = proposeStudy({
      sites: ['Hospital1MSP'],
      quorum: { kind: 'all' },
      protocolHash: sha256Hex(id),
    });
    const approved = approvedBy(open, 'Hospital1MSP', 'approved');
    const byState: Record<(typeof STUDY_STATES)[number], StudyGovernance> = {
      proposed: open,
      approved,
      active: { ...approved, phase: 'running' },
      suspended: { ...approved, phase: 'held' },
      closed: { ...approved, phase: 'closed' },
    };
    for (const state of STUDY_STATES) {
      const governance = byState[state];
      const resource = toFhirResearchStudy(study(id), governance);
      assert.deepEqual(errors(resource), [], state);
      assert.equal(resource.status, RESEARCH_STUDY_STATUS[state]);
      assert.match(String(resource.id), /^s-[0-9a-f]{62}$/, 'a study id FHIR cannot take is hashed');
    }
    assert.equal(fhirStudyId(id), fhirStudyId(id));
  });

  void it('when a cohort member is exposed, then the ResearchSubject is valid R4, names the consent and the patient DID and no pseudonym', () => {
    const studyId = `study-${randomBytes(4).toString('hex')}`;
    const consentId = sha256Hex(randomBytes(8));
    const patientDid = `did:medledger:patient:${randomBytes(8).toString('hex')}`;
    const resource = toFhirResearchSubject(studyId, {
      patientDid,
      consentId,
      categories: ['genomic'],
      maxLevel: 4,
      periodEnd: '2027-01-01T00:00:00.000Z',
    });
    assert.deepEqual(errors(resource), []);
    assert.equal(resource.id, consentId);
    assert.ok(!JSON.stringify(resource).includes('pseudonym'));
    assert.deepEqual(resource.individual, {
      identifier: { system: 'urn:medledger:did', value: patientDid },
      type: 'Patient',
    });
  });
});
