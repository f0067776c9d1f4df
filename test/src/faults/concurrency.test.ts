import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { signPatientPayload } from '@medledger/domain';
import { apiAs } from '../support/api';
import { newPatientRegistration } from '../support/fixtures';
import { convergedTip } from '../support/faults';
import { checkJournal } from '../support/journal';
import { useNetwork } from '../support/network';
import { prepareWorkload } from '../support/workload';

describe('concurrency on one consent and one patient', () => {
  const network = useNetwork();

  it('when 200 access events for one patient arrive at once, then all 200 commit VALID with no MVCC conflict', async () => {
    const workload = await prepareWorkload(network(), 1);
    const fromBlock = (await convergedTip(network())).height;
    const started = performance.now();
    await Promise.all(Array.from({ length: 200 }, () => workload.op(0, 1, { opDeadlineMs: 120_000 })));
    const ms = Math.round(performance.now() - started);
    const report = await checkJournal(network(), workload.journal, fromBlock);
    console.log(
      `[concurrency] 200 access events in ${String(ms)} ms: ${JSON.stringify(report.statusCounts)}`,
    );
    assert.equal(report.acked, 200);
    assert.deepEqual(report.lost, []);
    assert.deepEqual(report.appliedTwice, []);
    // A write whose commit takes longer than the resubmit interval (a loaded host) is submitted again
    // byte for byte; its copy commits as DUPLICATE_TXID and changes nothing. Anything else invalid is a
    // conflict the write-once keys must prevent.
    assert.deepEqual(report.invalidExceptCopies, [], 'no MVCC conflicts (write-once keys by design)');
    assert.equal(report.fiveHundreds, 0);
  });

  it('when 50 grants and revocations race on one consent, then the result equals a serial model: one revocation wins, nothing is lost, no 5xx', async () => {
    const run = randomBytes(4).toString('hex');
    const did = `did:medledger:patient:race-${run}`;
    const { key: keys, body } = newPatientRegistration(did);
    const kid = `${did}#key-1`;
    const doctor = await apiAs(network(), 'Hospital1', 'hospital1-admin');
    const reg = await doctor.post('/v1/patients', body);
    assert.equal(reg.status, 201);
    const app = await apiAs(network(), 'Hospital1', did, { kind: 'patient' });
    const sign = (payload: Record<string, unknown>) =>
      signPatientPayload(
        payload,
        { patientDid: did, privateJwk: keys.privateJwk, kid },
        { nowMs: Date.now() },
      );
    const grantJws = (mspId: string) =>
      sign({
        typ: 'medledger.consent.grant',
        grantee: { kind: 'org', mspId },
        categories: ['diagnosis'],
        maxLevel: 3,
        purpose: 'treatment',
        periodStart: new Date(Date.now() - 60_000).toISOString(),
        periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
      });
    const grant = (mspId: string) => app.post('/v1/consents', { jws: grantJws(mspId) });
    const firstJws = grantJws('Hospital2MSP');
    const first = await app.post('/v1/consents', { jws: firstJws });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const consentId = String(
      (first.body.consent as Record<string, unknown> | undefined)?.consentId ?? first.body.consentId,
    );
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? app
              .post(`/v1/consents/${consentId}/revoke`, {
                jws: sign({ typ: 'medledger.consent.revoke', consentId }),
                grantJws: firstJws,
              })
              .then((r) => ({ kind: 'revoke', ...r }))
          : grant('ResearchMSP').then((r) => ({ kind: 'grant', ...r })),
      ),
    );
    const count = (kind: string, ok: (s: number) => boolean) =>
      results.filter((r) => r.kind === kind && ok(r.status)).length;
    const statuses = results.map((r) => `${r.kind}:${String(r.status)}`);
    console.log(
      `[concurrency] consent race: ${JSON.stringify(statuses.reduce<Record<string, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}))}`,
    );
    assert.equal(results.filter((r) => r.status >= 500).length, 0, 'no 5xx');
    assert.equal(
      count('revoke', (s) => s === 200),
      1,
      'exactly one revocation wins (serial model)',
    );
    assert.equal(
      count('grant', (s) => s === 201),
      25,
      'every grant commits',
    );
    // Consents live in their grantee orgs' sealed collections: the regulator's gateway lists them all.
    const atRegulator = await apiAs(network(), 'Regulator', did, { kind: 'patient' });
    const consents = await atRegulator.get(`/v1/patients/${encodeURIComponent(did)}/consents?pageSize=100`);
    assert.equal(consents.status, 200);
    const items = (consents.body.items ?? []) as {
      consentId: string;
      status?: string;
      revokedAt?: unknown;
    }[];
    const revoked = items.find((c) => c.consentId === consentId);
    assert.ok(revoked !== undefined, 'the first consent is listed');
    assert.ok(
      revoked.status === 'revoked' || revoked.revokedAt != null,
      `no lost revocation: ${JSON.stringify(revoked)}`,
    );
    assert.equal(items.length, 26, 'one consent per successful grant');
  });
});
