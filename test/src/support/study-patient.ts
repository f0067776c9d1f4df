import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signPatientPayload, type P256PrivateJwk } from '@medledger/domain';
import type { NetworkInfo } from '@medledger/network';
import { apiAs, type ApiClient } from './api';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from './fixtures';

/** What a research story needs of one patient: where they are registered and what to ask for. */
export interface StudyPatient {
  readonly org: 'Hospital1' | 'Hospital2' | 'Hospital3';
  readonly patientDid: string;
  readonly recordId: string;
  readonly studyId: string;
  /** The story's clock: the consent runs from a minute before it for 30 days. */
  readonly now: number;
}

/** What the story keeps of the patient: the anchored diagnosis's hash and the patient's signing key. */
export interface ConsentedPatient {
  readonly contentHash: string;
  readonly patient: { readonly did: string; readonly privateJwk: P256PrivateJwk; readonly kid: string };
}

/**
 * Registers the patient at `org` (by its first attending), anchors a hypertension diagnosis there,
 * and has the patient consent to the study for their diagnoses; asserts each step answered 201.
 */
export async function registerStudyConsentedPatient(
  info: NetworkInfo,
  p: StudyPatient,
): Promise<ConsentedPatient> {
  const slug = p.org.toLowerCase();
  const doctor = await apiAs(info, p.org, `${slug}-attending-1`);
  const { key, body } = newPatientRegistration(p.patientDid, `${p.org}MSP`);
  const registered = await doctor.post('/v1/patients', body);
  assert.equal(registered.status, 201, `register patient at ${p.org}: ${JSON.stringify(registered.body)}`);
  const resource = hypertensionCondition({
    id: `cond-${p.recordId}`,
    patientRef: p.patientDid.split(':').pop() ?? '',
  });
  const anchored = await doctor.post('/v1/records', diagnosisRecord(p.recordId, p.patientDid, resource));
  assert.equal(anchored.status, 201, `anchor: ${JSON.stringify(anchored.body)}`);
  const contentHash = (anchored.body['record'] as { contentHash?: string } | undefined)?.contentHash ?? '';
  assert.match(contentHash, /^[0-9a-f]{64}$/);
  const patient = { did: p.patientDid, privateJwk: key.privateJwk, kid: `${p.patientDid}#key-1` };
  const app = await apiAs(info, p.org, p.patientDid, { kind: 'patient' });
  const jws = signPatientPayload(
    {
      typ: 'medledger.consent.grant',
      grantee: { kind: 'study', studyId: p.studyId },
      categories: ['diagnosis'],
      maxLevel: 3,
      purpose: 'research',
      periodStart: new Date(p.now - 60_000).toISOString(),
      periodEnd: new Date(p.now + 30 * 86_400_000).toISOString(),
    },
    { patientDid: p.patientDid, privateJwk: key.privateJwk, kid: patient.kid },
    { nowMs: Date.now() },
  );
  const consented = await app.post('/v1/consents', { jws });
  assert.equal(consented.status, 201, `study consent at ${p.org}: ${JSON.stringify(consented.body)}`);
  return { contentHash, patient };
}

/** A study every named site approves, as the lead proposes it: diagnoses for 30 days from `now`. */
export interface ApprovedStudy {
  readonly studyId: string;
  readonly sites: readonly ('Hospital1' | 'Hospital2' | 'Hospital3')[];
  readonly now: number;
}

/**
 * Has `lead` propose the study at its sites (every site must approve), each site's demo ethics
 * committee member approve protocol version 1, and the lead activate it; asserts each step.
 */
export async function activeStudyOfSites(
  info: NetworkInfo,
  lead: ApiClient,
  s: ApprovedStudy,
): Promise<void> {
  const proposal = await lead.post('/v1/multicenter-studies', {
    studyId: s.studyId,
    categories: ['diagnosis'],
    maxLevel: 3,
    periodStart: new Date(s.now - 60_000).toISOString(),
    periodEnd: new Date(s.now + 30 * 86_400_000).toISOString(),
    sites: s.sites.map((org) => `${org}MSP`),
    quorum: { kind: 'all' },
    protocolHash: randomBytes(32).toString('hex'),
  });
  assert.equal(proposal.status, 201, `propose study: ${JSON.stringify(proposal.body)}`);
  for (const org of s.sites) {
    const ethics = await apiAs(info, org, `${org.toLowerCase()}-ethics-1`);
    const decided = await ethics.post(`/v1/studies/${s.studyId}/decisions`, {
      decision: 'approved',
      protocolVersion: 1,
    });
    assert.equal(decided.status, 200, `${org} approves: ${JSON.stringify(decided.body)}`);
  }
  const activated = await lead.post(`/v1/studies/${s.studyId}/changes`, { action: 'activate' });
  assert.equal(activated.status, 200, `activate: ${JSON.stringify(activated.body)}`);
}
