import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createR4Validator } from '@medledger/fhir';
import type { NetworkInfo } from '@medledger/network';
import { apiAs, type ApiClient, type ApiResponse } from './support/api';
import { ensureNetwork, releaseNetwork } from './support/network';
import { registerStudyConsentedPatient } from './support/study-patient';

/**
 * A multi-center study through the REST gateways: the research institute proposes a study at both
 * hospitals (1 of 2 by its protocol), Hospital2's ethics committee rejects, Hospital1's approves, the
 * lead activates it, and data flows from Hospital1 only; an amendment re-opens approval.
 */

const run = randomBytes(4).toString('hex');
type Body = Record<string, unknown>;

function expectStatus(res: ApiResponse, status: number, what: string): void {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

const researchStudy = createR4Validator(['ResearchStudy']);

interface Site {
  readonly org: 'Hospital1' | 'Hospital2';
  readonly recordId: string;
  readonly patientDid: string;
}

describe('a multi-center study on the real consortium', () => {
  let info: NetworkInfo;
  let lead: ApiClient;
  const studyId = `study-mc-${run}`;
  const sites: Site[] = [];
  const now = Date.now();

  /** A patient registered at `org`, a diagnosis anchored there, and the patient's consent to the study. */
  async function siteWithConsentedPatient(org: Site['org']): Promise<Site> {
    const slug = org.toLowerCase();
    const patientDid = `did:medledger:patient:mc-${slug}-${run}`;
    const recordId = `rec-mc-${slug}-${run}`;
    await registerStudyConsentedPatient(info, { org, patientDid, recordId, studyId, now });
    return { org, recordId, patientDid };
  }

  async function dataset(): Promise<{ recordId: string; outcome: string; reason: string }[]> {
    const res = await lead.post(`/v1/studies/${studyId}/datasets`, {
      records: sites.map((s) => ({
        recordId: s.recordId,
        custodian: `${s.org}MSP`,
        patientDid: s.patientDid,
      })),
    });
    expectStatus(res, 200, 'dataset');
    return (res.body.items as { recordId: string; outcome: string; reason: string }[]).map((i) => ({
      recordId: i.recordId,
      outcome: i.outcome,
      reason: i.reason,
    }));
  }

  before(async () => {
    info = await ensureNetwork();
    lead = await apiAs(info, 'Research', 'research-researcher-1');
    const proposal = await lead.post('/v1/multicenter-studies', {
      studyId,
      categories: ['diagnosis'],
      maxLevel: 3,
      periodStart: new Date(now - 60_000).toISOString(),
      periodEnd: new Date(now + 30 * 86_400_000).toISOString(),
      sites: ['Hospital1MSP', 'Hospital2MSP'],
      quorum: { kind: 'atLeast', sites: 1 },
      protocolHash: randomBytes(32).toString('hex'),
    });
    expectStatus(proposal, 201, 'propose study');
    for (const org of ['Hospital1', 'Hospital2'] as const) sites.push(await siteWithConsentedPatient(org));
  });
  after(releaseNetwork);

  it('when Hospital2 rejects and Hospital1 approves, then the study is approved at 1 of 2 and, once active, data flows from Hospital1 only', async () => {
    assert.deepEqual(
      (await dataset()).map((i) => i.reason),
      ['STUDY_SITE_NOT_APPROVED', 'STUDY_SITE_NOT_APPROVED'],
      'nothing flows while proposed',
    );
    for (const [org, decision] of [
      ['Hospital2', 'rejected'],
      ['Hospital1', 'approved'],
    ] as const) {
      const ethics = await apiAs(info, org, `${org.toLowerCase()}-ethics-1`);
      const res = await ethics.post(`/v1/studies/${studyId}/decisions`, { decision, protocolVersion: 1 });
      expectStatus(res, 200, `${org} ${decision}`);
    }
    const governance = await lead.get(`/v1/studies/${studyId}/governance`);
    expectStatus(governance, 200, 'governance');
    assert.deepEqual(
      [governance.body.state, governance.body.approvals, governance.body.required, governance.body.decisions],
      ['approved', 1, 1, { Hospital1MSP: 'approved', Hospital2MSP: 'rejected' }],
    );
    expectStatus(await lead.post(`/v1/studies/${studyId}/changes`, { action: 'activate' }), 200, 'activate');
    const items = await dataset();
    assert.deepEqual(
      items.map((i) => [i.outcome, i.reason]),
      [
        ['granted', 'STUDY_CONSENT'],
        ['denied', 'STUDY_SITE_NOT_APPROVED'],
      ],
    );
    const fhir = await lead.get(`/v1/studies/${studyId}/fhir`);
    expectStatus(fhir, 200, 'ResearchStudy');
    const issues = researchStudy.validate(fhir.body).filter((i) => i.severity === 'error');
    assert.deepEqual(issues, [], 'valid R4');
    assert.equal(fhir.body.status, 'active');
  });

  it('when a hospital attending tries to approve, or the lead amends the protocol, then approval is refused or re-opened', async () => {
    const doctor = await apiAs(info, 'Hospital2', 'hospital2-attending-1');
    const refused = await doctor.post(`/v1/studies/${studyId}/decisions`, {
      decision: 'approved',
      protocolVersion: 1,
    });
    expectStatus(refused, 403, 'an attending is no ethics committee');
    const amended = await lead.post(`/v1/studies/${studyId}/changes`, {
      action: 'amend',
      protocolHash: randomBytes(32).toString('hex'),
    });
    expectStatus(amended, 200, 'amend');
    const governance = (amended.body as { governance: Body }).governance;
    assert.deepEqual([governance.state, governance.protocolVersion], ['proposed', 2]);
    assert.deepEqual(
      (await dataset()).map((i) => i.reason),
      ['STUDY_SITE_NOT_APPROVED', 'STUDY_SITE_NOT_APPROVED'],
      'an amendment stops the flow until the sites approve again',
    );
  });
});
