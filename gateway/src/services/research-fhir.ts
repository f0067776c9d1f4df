/**
 * Studies and enrolments as FHIR R4 ResearchStudy (https://hl7.org/fhir/R4/researchstudy.html) and
 * ResearchSubject (https://hl7.org/fhir/R4/researchsubject.html), so research systems can read them.
 * Ids only: the investigator by DID, sites and sponsor by MSP id, the protocol by its hash.
 *
 * A ResearchSubject is an enrolment of the cohort (the patient's DID and the consent that enrols
 * them), as the study's org already sees it; it never carries a study pseudonym, so nothing joins an
 * enrolment to the de-identified rows a dataset holds.
 */
import {
  sha256Hex,
  studyState,
  type cohortMemberSchema,
  type QuorumRule,
  type Study,
  type StudyGovernance,
  type StudyState,
} from '@medledger/domain';
import type { z } from 'zod';
import { FHIR_SYSTEMS } from '../projection/read/fhir/audit-event';

/** A cohort member as GetStudyCohort returns it. */
export type CohortMember = z.output<typeof cohortMemberSchema>;

const FHIR_ID = /^[A-Za-z0-9.-]{1,64}$/;

/**
 * The FHIR id of a study: its study id when that is a valid FHIR id (letters, digits, `-`, `.`, at most
 * 64), else `s-` and 62 hex digits of its SHA-256. The identifier always carries the study id itself.
 */
export function fhirStudyId(studyId: string): string {
  return FHIR_ID.test(studyId) ? studyId : `s-${sha256Hex(studyId).slice(0, 62)}`;
}

/** Identifier systems and extension URLs of the research resources. */
export const RESEARCH_FHIR = {
  study: 'urn:medledger:study',
  consent: 'urn:medledger:consent',
  category: 'urn:medledger:data-category',
  protocolHash: 'urn:medledger:study-protocol-sha256',
  protocolVersion: 'urn:medledger:study-protocol-version',
  quorum: 'urn:medledger:study-quorum',
  ethicsDecision: 'urn:medledger:ethics-decision',
  studyState: 'urn:medledger:study-state',
} as const;

/** R4 research-study-status for each study state. */
export const RESEARCH_STUDY_STATUS: Record<StudyState, string> = {
  proposed: 'in-review',
  approved: 'approved',
  active: 'active',
  suspended: 'temporarily-closed-to-accrual',
  closed: 'completed',
};

type Extension = { url: string } & Record<string, unknown>;

function quorumExtension(rule: QuorumRule, sites: number): Extension {
  // "all" or "N of M", the protocol's own words, as a string the reader does not have to decode.
  return {
    url: RESEARCH_FHIR.quorum,
    valueString: rule.kind === 'all' ? `all ${String(sites)}` : `${String(rule.sites)} of ${String(sites)}`,
  };
}

function siteReference(mspId: string) {
  return { identifier: { system: FHIR_SYSTEMS.msp, value: mspId }, type: 'Location' };
}

/** A study and its governance as an R4 ResearchStudy. */
export function toFhirResearchStudy(study: Study, governance: StudyGovernance): Record<string, unknown> {
  const state = studyState(governance);
  const decisions: Extension[] = governance.sites.flatMap((site) => {
    const decision = governance.decisions[site];
    if (decision === undefined) return [];
    return [
      {
        url: RESEARCH_FHIR.ethicsDecision,
        extension: [
          { url: 'site', valueIdentifier: { system: FHIR_SYSTEMS.msp, value: site } },
          { url: 'decision', valueCode: decision },
          { url: 'protocolVersion', valuePositiveInt: governance.protocolVersion },
        ],
      },
    ];
  });
  return {
    resourceType: 'ResearchStudy',
    id: fhirStudyId(study.studyId),
    extension: [
      { url: RESEARCH_FHIR.studyState, valueCode: state },
      { url: RESEARCH_FHIR.protocolHash, valueString: governance.protocolHash },
      { url: RESEARCH_FHIR.protocolVersion, valuePositiveInt: governance.protocolVersion },
      quorumExtension(governance.quorum, governance.sites.length),
      ...decisions,
    ],
    identifier: [{ system: RESEARCH_FHIR.study, value: study.studyId }],
    status: RESEARCH_STUDY_STATUS[state],
    category: study.categories.map((c) => ({ coding: [{ system: RESEARCH_FHIR.category, code: c }] })),
    period: { start: study.periodStart, end: study.periodEnd },
    sponsor: { identifier: { system: FHIR_SYSTEMS.msp, value: study.org }, type: 'Organization' },
    principalInvestigator: {
      identifier: { system: FHIR_SYSTEMS.did, value: study.principalInvestigatorDid },
      type: 'Practitioner',
    },
    site: governance.sites.map(siteReference),
  };
}

/** One cohort member (an enrolment by consent) as an R4 ResearchSubject, on study while the consent holds. */
export function toFhirResearchSubject(studyId: string, member: CohortMember): Record<string, unknown> {
  return {
    resourceType: 'ResearchSubject',
    // A consent enrols one patient in one study: its id (64 hex digits) is a valid FHIR id.
    id: member.consentId,
    identifier: [{ system: RESEARCH_FHIR.consent, value: member.consentId }],
    status: 'on-study',
    period: { end: member.periodEnd },
    study: { identifier: { system: RESEARCH_FHIR.study, value: studyId }, type: 'ResearchStudy' },
    individual: { identifier: { system: FHIR_SYSTEMS.did, value: member.patientDid }, type: 'Patient' },
    consent: { identifier: { system: RESEARCH_FHIR.consent, value: member.consentId }, type: 'Consent' },
  };
}
