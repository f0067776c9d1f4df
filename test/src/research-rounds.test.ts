import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  roundInclusionProof,
  type CredentialAnchor,
  type RoundInclusionProof,
  type StudyRound,
} from '@medledger/domain';
import {
  newHolderKey,
  presentationAnchorKey,
  presentSdJwt,
  verifyPresentationWithAnchor,
} from '@medledger/gateway/disclosure';
import { GatewayRoundAnchor, runFederated, type SiteSpec } from '@medledger/examples/federated';
import type { NetworkInfo } from '@medledger/network';
import { apiAs, devToken, type ApiClient, type ApiResponse } from './support/api';
import { newPatientRegistration } from './support/fixtures';
import { gatewayUrl, ensureNetwork, releaseNetwork } from './support/network';

/**
 * Federated rounds, selective disclosure and results lineage on the real consortium (issue 14): a
 * 2-of-3 study (Hospital2 rejects) trains the federated example's model at Hospital1 and Hospital3
 * with every update and aggregate anchored through the gateways; each site's inclusion is proved and
 * checked; Hospital1 issues a genomic report as an SD-JWT and the research institute verifies one
 * variant; the lead anchors the model and a paper with their lineage.
 */

const run = randomBytes(4).toString('hex');

function orgNamed(info: NetworkInfo, name: string): NetworkInfo['orgs'][number] {
  const org = info.orgs.find((o) => o.name === name);
  if (!org) throw new Error(`no org ${name}`);
  return org;
}
const ROUNDS = Number(process.env['MEDLEDGER_FEDERATED_ROUNDS'] ?? '2');

function expectStatus(res: ApiResponse, status: number, what: string): void {
  assert.equal(res.status, status, `${what}: ${String(res.status)} ${JSON.stringify(res.body)}`);
}

/** A genomic report: three variants (each a component), a conclusion-like note and a performer. */
function genomicReport(id: string, patientRef: string, canary: string): Record<string, unknown> {
  const variant = (hgvs: string) => ({
    code: { coding: [{ system: 'http://loinc.org', code: '48004-6', display: 'DNA change (c.HGVS)' }] },
    valueCodeableConcept: { text: hgvs },
  });
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: {
      coding: [
        {
          system: 'http://loinc.org',
          code: '81247-9',
          display: 'Master HL7 genetic variant reporting panel',
        },
      ],
    },
    subject: { reference: `Patient/${patientRef}` },
    effectiveDateTime: '2026-10-01T08:00:00Z',
    note: [{ text: `${canary} incidental finding` }],
    component: [
      variant('NM_000059.3:c.1310_1313del'),
      variant('NM_007294.3:c.68_69del'),
      variant(`NM_000546.5:c.${canary}`),
    ],
  };
}

describe('federated rounds, selective disclosure and lineage on the real consortium', () => {
  let info: NetworkInfo;
  let lead: ApiClient;
  const studyId = `study-fl-${run}`;
  const now = Date.now();
  const sites = ['Hospital1MSP', 'Hospital3MSP'];
  let anchor: GatewayRoundAnchor;

  before(async () => {
    info = await ensureNetwork();
    lead = await apiAs(info, 'Research', 'research-researcher-1');
    expectStatus(
      await lead.post('/v1/multicenter-studies', {
        studyId,
        categories: ['diagnosis', 'genomic'],
        maxLevel: 4,
        periodStart: new Date(now - 60_000).toISOString(),
        periodEnd: new Date(now + 30 * 86_400_000).toISOString(),
        sites: ['Hospital1MSP', 'Hospital2MSP', 'Hospital3MSP'],
        quorum: { kind: 'atLeast', sites: 2 },
        protocolHash: randomBytes(32).toString('hex'),
      }),
      201,
      'propose',
    );
    for (const [org, decision] of [
      ['Hospital1', 'approved'],
      ['Hospital2', 'rejected'],
      ['Hospital3', 'approved'],
    ] as const) {
      const ethics = await apiAs(info, org, `${org.toLowerCase()}-ethics-1`);
      expectStatus(
        await ethics.post(`/v1/studies/${studyId}/decisions`, { decision, protocolVersion: 1 }),
        200,
        org,
      );
    }
    expectStatus(await lead.post(`/v1/studies/${studyId}/changes`, { action: 'activate' }), 200, 'activate');
    const caller = async (org: string, subject: string) => ({
      url: gatewayUrl(orgNamed(info, org)),
      token: await devToken(info, org, subject),
    });
    anchor = new GatewayRoundAnchor({
      lead: await caller('Research', 'research-researcher-1'),
      sites: {
        Hospital1MSP: await caller('Hospital1', 'hospital1-admin'),
        Hospital2MSP: await caller('Hospital2', 'hospital2-admin'),
        Hospital3MSP: await caller('Hospital3', 'hospital3-admin'),
      },
    });
  });
  after(releaseNetwork);

  it(`when the approving sites train ${String(ROUNDS)} federated rounds anchored through the gateways, then each site's inclusion is proved and checked, and the rejecting site and a false aggregate are refused`, async () => {
    const specs: SiteSpec[] = sites.map((site, i) => ({
      site,
      seed: 1000 + i,
      samples: 800,
      shift: i === 0 ? -0.3 : 0.3,
    }));
    const started = performance.now();
    const result = await runFederated({ studyId, sites: specs, rounds: ROUNDS, anchor });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `federated on the ledger: ${String(ROUNDS)} rounds in ${seconds.toFixed(1)} s; accuracy ${result.baselineAccuracy.toFixed(3)} (untrained) ${result.rounds.map((r) => `${String(r.round)}: ${r.accuracy.toFixed(3)}/${r.logLoss.toFixed(4)}`).join(', ')}`,
    );
    assert.ok((result.rounds.at(-1)?.accuracy ?? 0) > result.baselineAccuracy);
    const auditor = await apiAs(info, 'Regulator', 'regulator-auditor-1');
    const h2ethics = await apiAs(info, 'Hospital2', 'hospital2-ethics-1');
    for (const r of result.rounds) {
      const round = (await auditor.get<StudyRound>(`/v1/studies/${studyId}/rounds/${String(r.round)}`)).body;
      assert.equal(round.state, 'closed');
      assert.equal(round.aggregate?.merkleRoot, r.merkleRoot, "the anchored root is the coordinator's");
      for (const site of sites) {
        const admin = await apiAs(
          info,
          site.replace('MSP', ''),
          `${site.replace('MSP', '').toLowerCase()}-admin`,
        );
        const proof = await admin.get<RoundInclusionProof>(
          `/v1/studies/${studyId}/rounds/${String(r.round)}/proofs/${site}`,
        );
        expectStatus(proof, 200, `proof of ${site}`);
        assert.deepEqual(proof.body, roundInclusionProof(round, site));
        const { leafIndex, path } = proof.body.proof;
        const { updateHash, sampleCount } = proof.body.leaf;
        const checked = await h2ethics.post(`/v1/studies/${studyId}/rounds/${String(r.round)}/verify`, {
          leaf: { site, updateHash, sampleCount },
          proof: { leafIndex, path },
        });
        expectStatus(checked, 200, 'verify');
        assert.equal(checked.body['included'], true);
        const forged = await h2ethics.post(`/v1/studies/${studyId}/rounds/${String(r.round)}/verify`, {
          leaf: { site: 'Hospital2MSP', updateHash, sampleCount },
          proof: { leafIndex, path },
        });
        assert.equal(forged.body['included'], false);
      }
    }
    const next = ROUNDS + 1;
    const h2 = await apiAs(info, 'Hospital2', 'hospital2-admin');
    const refused = await h2.post(`/v1/studies/${studyId}/rounds/${String(next)}/updates`, {
      updateHash: randomBytes(32).toString('hex'),
      sampleCount: 600,
    });
    expectStatus(refused, 403, 'the rejecting site submits');
    const h1 = await apiAs(info, 'Hospital1', 'hospital1-admin');
    const update = await h1.post(`/v1/studies/${studyId}/rounds/${String(next)}/updates`, {
      updateHash: randomBytes(32).toString('hex'),
      sampleCount: 600,
    });
    expectStatus(update, 201, 'Hospital1 submits');
    const claimed = await lead.post(`/v1/studies/${studyId}/rounds/${String(next)}/aggregate`, {
      aggregateHash: randomBytes(32).toString('hex'),
      sites: ['Hospital1MSP', 'Hospital3MSP'],
      merkleRoot: randomBytes(32).toString('hex'),
    });
    expectStatus(claimed, 404, 'an aggregate claiming Hospital3, which sent nothing');
    const again = await h1.post(`/v1/studies/${studyId}/rounds/${String(next)}/updates`, {
      updateHash: randomBytes(32).toString('hex'),
      sampleCount: 600,
    });
    expectStatus(again, 409, 'a second update in a round');
  });

  it('when Hospital1 issues a genomic report as an SD-JWT and the patient discloses one variant to the research institute, then the institute verifies that variant against the ledger and learns nothing else', async () => {
    const doctor = await apiAs(info, 'Hospital1', 'hospital1-attending-1');
    const did = `did:medledger:patient:fl-${run}`;
    expectStatus(
      await doctor.post('/v1/patients', newPatientRegistration(did, 'Hospital1MSP').body),
      201,
      'patient',
    );
    const canary = `canary${run}`;
    const recordId = `rec-genomic-${run}`;
    const resource = genomicReport(`obs-${recordId}`, did.split(':').pop() ?? '', canary);
    const anchored = await doctor.post('/v1/records', {
      recordId,
      patientDid: did,
      department: 'genetics',
      category: 'genomic',
      level: 4,
      fhirResourceType: 'Observation',
      resource,
    });
    expectStatus(anchored, 201, 'anchor the genomic report');
    const salt = String(anchored.body['salt']);
    const holder = newHolderKey();
    const issued = await doctor.post(`/v1/records/${recordId}/credentials`, {
      version: 1,
      resource,
      salt,
      holderJwk: holder.publicJwk,
    });
    expectStatus(issued, 201, 'issue');
    const sdJwt = String(issued.body['sdJwt']);
    const nonce = randomBytes(16).toString('hex');
    const presentation = await presentSdJwt(
      sdJwt,
      { component: { 1: true } },
      {
        privateKey: holder.privateKey,
        nonce,
        audience: 'ResearchMSP',
        issuedAt: Math.floor(Date.now() / 1000),
      },
    );
    // The research institute reads the anchor the presentation names and checks it on its own side:
    // no gateway ever holds the presentation.
    const researcher = await apiAs(info, 'Research', 'research-researcher-1');
    const { custodian, sdJwtHash } = presentationAnchorKey(presentation);
    const anchorRead = await researcher.get<CredentialAnchor>(`/v1/credentials/${custodian}/${sdJwtHash}`);
    expectStatus(anchorRead, 200, 'the credential anchor');
    const expect = { nonce, audience: 'ResearchMSP', now: Math.floor(Date.now() / 1000) };
    const verified = await verifyPresentationWithAnchor(presentation, anchorRead.body, expect);
    const components = resource['component'] as unknown[];
    assert.deepEqual(verified.claims, { component: [components[1]] });
    assert.deepEqual(verified.record, { custodian: 'Hospital1MSP', recordId, version: 1 });
    const seen = JSON.stringify(verified);
    for (const hidden of [canary, 'c.1310_1313del', 'Observation', did]) {
      assert.equal(seen.includes(hidden), false, `the verifier sees ${hidden}`);
    }
    await assert.rejects(
      verifyPresentationWithAnchor(presentation, anchorRead.body, { ...expect, audience: 'Hospital2MSP' }),
      /KEY_BINDING/,
      'a presentation bound to the research institute, shown to Hospital2',
    );
    await assert.rejects(
      verifyPresentationWithAnchor(presentation, anchorRead.body, { ...expect, nonce: `${nonce}x` }),
      /KEY_BINDING/,
    );
  });

  it('when the lead anchors the model and a paper with their lineage, then participants and the regulator read the lineage graph and a dataset of another study is refused', async () => {
    const model = await lead.post(`/v1/studies/${studyId}/results`, {
      resultId: `model-${run}`,
      kind: 'model',
      contentHash: randomBytes(32).toString('hex'),
      datasets: [],
      rounds: Array.from({ length: ROUNDS }, (_, i) => i + 1),
      derivedFrom: [],
    });
    expectStatus(model, 201, 'anchor the model');
    const paper = await lead.post(`/v1/studies/${studyId}/results`, {
      resultId: `paper-${run}`,
      kind: 'paper',
      contentHash: randomBytes(32).toString('hex'),
      datasets: [],
      rounds: [ROUNDS],
      derivedFrom: [`model-${run}`],
    });
    expectStatus(paper, 201, 'anchor the paper');
    for (const [org, subject] of [
      ['Regulator', 'regulator-auditor-1'],
      ['Hospital3', 'hospital3-admin'],
      ['Hospital2', 'hospital2-ethics-1'],
    ] as const) {
      const reader = await apiAs(info, org, subject);
      const lineage = await reader.get(`/v1/studies/${studyId}/results/paper-${run}/lineage`);
      expectStatus(lineage, 200, `lineage at ${org}`);
      const result = lineage.body['result'] as { sites: string[] };
      assert.deepEqual(result.sites, sites);
      const edges = lineage.body['edges'] as { relation: string; to: string }[];
      assert.ok(edges.some((e) => e.relation === 'derived-from' && e.to === `result:model-${run}`));
      assert.ok(edges.some((e) => e.relation === 'trained-at' && e.to === 'site:Hospital3MSP'));
    }
    const foreign = await lead.post(`/v1/studies/${studyId}/results`, {
      resultId: `model-foreign-${run}`,
      kind: 'model',
      contentHash: randomBytes(32).toString('hex'),
      datasets: [randomBytes(32).toString('hex')],
      rounds: [],
      derivedFrom: [],
    });
    expectStatus(foreign, 404, "a dataset that is not this study's");
  });
});
