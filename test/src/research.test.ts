import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { datasetHash } from '@medledger/domain';
import { createR4Validator } from '@medledger/fhir';
import type { NetworkInfo } from '@medledger/network';
import { accessLogProof, apiAs, type ApiClient, type ApiResponse } from './support/api';
import { ensureNetwork, releaseNetwork } from './support/network';
import { registerStudyConsentedPatient, type ConsentedPatient } from './support/study-patient';

/**
 * The multi-center story through the REST gateways of the real consortium (issue 14): the research
 * institute proposes a study at three hospitals, approved when two of their ethics committees approve;
 * Hospital2's committee rejects, Hospital1's and Hospital3's approve, so the quorum is reached without
 * Hospital2; the lead activates it and data flows from the approving sites only; the lead assigns
 * tasks, the approving sites record their contributions (checked by the ledger), the credit table
 * shows each site's share, and the patients whose records were used see their contribution points.
 * An amendment then re-opens approval.
 */

const run = randomBytes(4).toString('hex');
type Body = Record<string, unknown>;

function expectStatus(res: ApiResponse, status: number, what: string): void {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

const researchStudy = createR4Validator(['ResearchStudy']);

const HOSPITALS = ['Hospital1', 'Hospital2', 'Hospital3'] as const;
type Hospital = (typeof HOSPITALS)[number];

interface Site {
  readonly org: Hospital;
  readonly recordId: string;
  readonly contentHash: string;
  readonly patient: ConsentedPatient['patient'];
}

interface DatasetItem {
  readonly recordId: string;
  readonly custodian: string;
  readonly accessId: string | null;
  readonly outcome: string;
  readonly reason: string;
}

describe('a multi-center study of three hospitals on the real consortium', () => {
  let info: NetworkInfo;
  let lead: ApiClient;
  const studyId = `study-mc-${run}`;
  const sites: Site[] = [];
  const now = Date.now();
  const siteOf = (org: Hospital): Site => {
    const site = sites.find((s) => s.org === org);
    if (!site) throw new Error(`no site ${org}`);
    return site;
  };

  /** A patient registered at `org`, a diagnosis anchored there, and the patient's consent to the study. */
  async function siteWithConsentedPatient(org: Hospital): Promise<Site> {
    const slug = org.toLowerCase();
    const patientDid = `did:medledger:patient:mc-${slug}-${run}`;
    const recordId = `rec-mc-${slug}-${run}`;
    const { contentHash, patient } = await registerStudyConsentedPatient(info, {
      org,
      patientDid,
      recordId,
      studyId,
      now,
    });
    return { org, recordId, contentHash, patient };
  }

  async function dataset(): Promise<DatasetItem[]> {
    const res = await lead.post(`/v1/studies/${studyId}/datasets`, {
      records: sites.map((s) => ({
        recordId: s.recordId,
        custodian: `${s.org}MSP`,
        patientDid: s.patient.did,
      })),
    });
    expectStatus(res, 200, 'dataset');
    return res.body['items'] as DatasetItem[];
  }

  async function governance(): Promise<Body> {
    const res = await lead.get(`/v1/studies/${studyId}/governance`);
    expectStatus(res, 200, 'governance');
    return res.body;
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
      sites: HOSPITALS.map((h) => `${h}MSP`),
      quorum: { kind: 'atLeast', sites: 2 },
      protocolHash: randomBytes(32).toString('hex'),
    });
    expectStatus(proposal, 201, 'propose study');
    for (const org of HOSPITALS) sites.push(await siteWithConsentedPatient(org));
  });
  after(releaseNetwork);

  it('when Hospital2 rejects and Hospital1 and Hospital3 approve a 2-of-3 study, then the quorum is reached without Hospital2 and, once active, data flows from the approving sites only', async () => {
    assert.deepEqual(
      (await dataset()).map((i) => i.reason),
      ['STUDY_SITE_NOT_APPROVED', 'STUDY_SITE_NOT_APPROVED', 'STUDY_SITE_NOT_APPROVED'],
      'nothing flows while proposed',
    );
    for (const [org, decision] of [
      ['Hospital2', 'rejected'],
      ['Hospital1', 'approved'],
      ['Hospital3', 'approved'],
    ] as const) {
      const ethics = await apiAs(info, org, `${org.toLowerCase()}-ethics-1`);
      const res = await ethics.post(`/v1/studies/${studyId}/decisions`, { decision, protocolVersion: 1 });
      expectStatus(res, 200, `${org} ${decision}`);
    }
    const g = await governance();
    assert.deepEqual(
      [g['state'], g['approvals'], g['required'], g['decisions']],
      ['approved', 2, 2, { Hospital1MSP: 'approved', Hospital2MSP: 'rejected', Hospital3MSP: 'approved' }],
    );
    expectStatus(await lead.post(`/v1/studies/${studyId}/changes`, { action: 'activate' }), 200, 'activate');
    assert.deepEqual(
      (await dataset()).map((i) => [i.custodian, i.outcome, i.reason]),
      [
        ['Hospital1MSP', 'granted', 'STUDY_CONSENT'],
        ['Hospital2MSP', 'denied', 'STUDY_SITE_NOT_APPROVED'],
        ['Hospital3MSP', 'granted', 'STUDY_CONSENT'],
      ],
    );
    const fhir = await lead.get(`/v1/studies/${studyId}/fhir`);
    expectStatus(fhir, 200, 'ResearchStudy');
    assert.deepEqual(
      researchStudy.validate(fhir.body).filter((i) => i.severity === 'error'),
      [],
      'valid R4',
    );
    assert.equal(fhir.body['status'], 'active');
  });

  it('when the lead assigns tasks and the approving sites record what they released, then the ledger verifies each contribution, refuses the rejecting site and shows every party the credit', async () => {
    const items = await dataset();
    const task = (org: Hospital) => ({
      taskId: `task-${org.toLowerCase()}-${run}`,
      site: `${org}MSP`,
      cohort: { criteriaId: `criteria-${run}`, criteriaHash: randomBytes(32).toString('hex') },
      recordCount: 1,
      dueDate: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    });
    for (const org of HOSPITALS) {
      expectStatus(await lead.post(`/v1/studies/${studyId}/tasks`, task(org)), 201, `task for ${org}`);
    }
    const contribute = async (org: Hospital, accessOf: Hospital = org) => {
      const site = siteOf(org);
      const accessId =
        items.find((i) => i.custodian === `${accessOf}MSP`)?.accessId ?? randomBytes(32).toString('hex');
      const admin = await apiAs(info, org, `${org.toLowerCase()}-admin`);
      const records = [{ recordId: site.recordId, version: 1, accessId }];
      return admin.post(`/v1/studies/${studyId}/contributions`, {
        taskId: task(org).taskId,
        datasetHash: datasetHash([{ recordId: site.recordId, version: 1, contentHash: site.contentHash }]),
        records,
      });
    };
    // The rejecting site cannot contribute, not even with an approving site's access id.
    const refused = await contribute('Hospital2', 'Hospital1');
    expectStatus(refused, 403, 'Hospital2 contributes');
    for (const org of ['Hospital1', 'Hospital3'] as const) {
      const res = await contribute(org);
      expectStatus(res, 201, `${org} contributes`);
      const c = res.body['contribution'] as Body;
      assert.deepEqual(
        [c['site'], c['recordCount'], c['passedRecords'], c['verified']],
        [`${org}MSP`, 1, 1, true],
      );
    }
    expectStatus(await contribute('Hospital1'), 409, 'the same records again');

    const ethics2 = await apiAs(info, 'Hospital2', 'hospital2-ethics-1');
    const auditor = await apiAs(info, 'Regulator', 'regulator-auditor-1');
    for (const [who, client] of [
      ['lead', lead],
      ['Hospital2 ethics', ethics2],
      ['regulator', auditor],
    ] as const) {
      const res = await client.get(`/v1/studies/${studyId}/credit`);
      expectStatus(res, 200, `credit for ${who}`);
      const lines = res.body['sites'] as {
        site: string;
        decision: string | null;
        verifiedRecords: number;
        credit: number;
      }[];
      assert.deepEqual(
        lines.map((l) => [l.site, l.decision, l.verifiedRecords, l.credit]),
        [
          ['Hospital1MSP', 'approved', 1, 5000],
          ['Hospital2MSP', 'rejected', 0, 0],
          ['Hospital3MSP', 'approved', 1, 5000],
        ],
        who,
      );
    }
  });

  it('when a patient whose record was used reads their points, then they see one award for the study and no pseudonym', async () => {
    for (const org of ['Hospital1', 'Hospital3'] as const) {
      const { patient } = siteOf(org);
      const app = await apiAs(info, org, patient.did, { kind: 'patient' });
      const res = await app.get(`/v1/patients/${patient.did}/points`, accessLogProof(patient, `${org}MSP`));
      expectStatus(res, 200, `points at ${org}`);
      const awards = res.body['awards'] as Body[];
      assert.deepEqual(
        awards.map((a) => [a['studyId'], a['site'], a['points']]),
        [[studyId, `${org}MSP`, 10]],
      );
      assert.deepEqual(Object.keys(awards[0] ?? {}).sort(), [
        'awardedAt',
        'contributionTxId',
        'points',
        'site',
        'studyId',
      ]);
      assert.equal(res.body['balance'], 10);
    }
    const { patient } = siteOf('Hospital2');
    const app = await apiAs(info, 'Hospital2', patient.did, { kind: 'patient' });
    const none = await app.get(`/v1/patients/${patient.did}/points`, accessLogProof(patient, 'Hospital2MSP'));
    expectStatus(none, 200, 'points at Hospital2');
    assert.equal(none.body['balance'], 0, "the rejecting site's patient contributed nothing");
  });

  // Federated rounds (two rounds anchored with their Merkle roots) and a selective disclosure join the
  // story here, on the same active study, before the amendment below re-opens approval.

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
    const g = (amended.body as { governance: Body }).governance;
    assert.deepEqual([g['state'], g['protocolVersion']], ['proposed', 2]);
    assert.deepEqual(
      (await dataset()).map((i) => i.reason),
      ['STUDY_SITE_NOT_APPROVED', 'STUDY_SITE_NOT_APPROVED', 'STUDY_SITE_NOT_APPROVED'],
      'an amendment stops the flow until the sites approve again',
    );
  });
});
