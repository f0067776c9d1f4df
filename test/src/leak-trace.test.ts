/**
 * Leak tracing on the real consortium (docs/leak-tracing.md): three exports of one study to two
 * researchers, a re-ordered subset of one leaked, traced back to that export, its recipient and time;
 * two researchers' rows mixed name both; only the regulator's auditor and the custodian's admin trace.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { orgKindOf } from '@medledger/domain';
import type { NetworkInfo } from '@medledger/network';
import { apiAs, type ApiClient, type ApiResponse } from './support/api';
import { ensureNetwork, releaseNetwork } from './support/network';
import { activeStudyOfSites, registerStudyConsentedPatient } from './support/study-patient';

const run = randomBytes(4).toString('hex');

function expectStatus(res: ApiResponse, status: number, what: string): void {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

interface Row {
  readonly recordId: string;
  readonly custodian: string;
  readonly resource: Record<string, unknown>;
  readonly receipt: { pseudonym: string; issuedAt: string; recipientDid: string };
}

interface Export {
  readonly exportId: string;
  readonly rows: Row[];
}

interface TraceAnswer {
  exports: { exportId: string; recipientDid: string; rowsMatched: number; firstIssuedAt: string }[];
  searched: string[];
}

describe('leak tracing on the real consortium', () => {
  let info: NetworkInfo;
  let lead: ApiClient;
  let colleague: ApiClient;
  let auditor: ApiClient;
  const studyId = `study-leak-${run}`;
  const colleagueId = `leak-res-${run}`;
  const records: { recordId: string; custodian: string; patientDid: string }[] = [];
  const now = Date.now();

  /** A patient at `org` with a diagnosis there and their consent to the study. */
  async function consentedRecord(org: 'Hospital1' | 'Hospital2', n: number): Promise<void> {
    const slug = org.toLowerCase();
    const patientDid = `did:medledger:patient:leak-${slug}-${String(n)}-${run}`;
    const recordId = `rec-leak-${slug}-${String(n)}-${run}`;
    await registerStudyConsentedPatient(info, { org, patientDid, recordId, studyId, now });
    records.push({ recordId, custodian: `${org}MSP`, patientDid });
  }

  async function exportDataset(who: ApiClient): Promise<Export> {
    const res = await who.post(`/v1/studies/${studyId}/datasets`, { records });
    expectStatus(res, 200, 'dataset');
    const body = res.body as { exportId: string; items: (Row & { outcome: string })[] };
    assert.deepEqual(
      body.items.map((i) => i.outcome),
      records.map(() => 'granted'),
    );
    return { exportId: body.exportId, rows: body.items };
  }

  function trace(who: ApiClient, document: unknown): Promise<ApiResponse> {
    return who.post('/v1/incidents/trace', { document });
  }

  before(async () => {
    info = await ensureNetwork();
    lead = await apiAs(info, 'Research', 'research-researcher-1');
    auditor = await apiAs(info, 'Regulator', 'regulator-auditor-1');
    const researchAdmin = await apiAs(info, 'Research', 'research-admin');
    expectStatus(
      await researchAdmin.post('/v1/staff', {
        enrollmentId: colleagueId,
        role: 'researcher',
        department: null,
      }),
      201,
      'second researcher',
    );
    colleague = await apiAs(info, 'Research', colleagueId);
    await activeStudyOfSites(info, lead, { studyId, sites: ['Hospital1', 'Hospital2'], now });
    await consentedRecord('Hospital1', 1);
    await consentedRecord('Hospital1', 2);
    await consentedRecord('Hospital2', 3);
  });
  after(releaseNetwork);

  it('when three exports of one study go to two researchers and a re-ordered subset of one leaks, then the trace names that export, its recipient and time; mixed rows name both', async () => {
    const started = new Date().toISOString();
    const exports = [await exportDataset(lead), await exportDataset(lead), await exportDataset(colleague)];
    assert.equal(new Set(exports.map((e) => e.exportId)).size, 3, 'three exports');
    const [first, second, third] = exports;
    assert.ok(first && second && third);
    const firstPseudonyms = new Set(first.rows.map((r) => r.receipt.pseudonym));
    assert.ok(
      second.rows.every((r) => !firstPseudonyms.has(r.receipt.pseudonym)),
      'no patient keeps a pseudonym across exports',
    );
    // The leak: two rows of the second export, re-ordered, receipts and ids stripped.
    const leaked = [second.rows[2]?.resource, second.rows[0]?.resource];
    const res = await trace(auditor, leaked);
    expectStatus(res, 200, 'trace');
    const answer = res.body as unknown as TraceAnswer;
    // A regulator auditor searches every hospital's receipts: the third hospital's, and those of
    // hospitals admitted later (the governance fault file admits one to the running network).
    const hospitals = info.orgs.map((o) => o.mspId).filter((m) => orgKindOf(m) === 'hospital');
    assert.ok(['Hospital1MSP', 'Hospital2MSP', 'Hospital3MSP'].every((h) => hospitals.includes(h)));
    assert.deepEqual([...answer.searched].sort(), [...hospitals].sort());
    assert.deepEqual(
      answer.exports.map((e) => [e.exportId, e.recipientDid, e.rowsMatched]),
      [[second.exportId, 'did:medledger:research:research-researcher-1', 2]],
    );
    const when = answer.exports[0]?.firstIssuedAt ?? '';
    assert.ok(when >= started.slice(0, 19) && when <= new Date().toISOString(), `delivered at ${when}`);

    const mixed = await trace(
      auditor,
      [...first.rows.slice(0, 1), ...third.rows].map((r) => r.resource),
    );
    expectStatus(mixed, 200, 'trace mixed');
    assert.deepEqual(
      (mixed.body as unknown as TraceAnswer).exports.map((e) => [e.exportId, e.rowsMatched]),
      [
        [third.exportId, 3],
        [first.exportId, 1],
      ],
    );
  });

  it('when a hospital admin traces, then only its own deliveries are searched; a clinician or a researcher is refused', async () => {
    const e = await exportDataset(colleague);
    const leaked = e.rows.map((r) => r.resource);
    const h1 = await trace(await apiAs(info, 'Hospital1', 'hospital1-admin'), leaked);
    expectStatus(h1, 200, 'hospital admin trace');
    const answer = h1.body as unknown as TraceAnswer;
    assert.deepEqual(answer.searched, ['Hospital1MSP']);
    assert.equal(answer.exports[0]?.exportId, e.exportId);
    for (const who of [await apiAs(info, 'Hospital1', 'hospital1-attending-1'), lead]) {
      expectStatus(await trace(who, leaked), 403, 'refused');
    }
  });
});
