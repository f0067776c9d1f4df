import assert from 'node:assert/strict';
import { it } from 'node:test';

import { AppError } from '../../errors';
import { Ledger } from '../../services/ledger';
import { FakeLedgerClient, FAKE_ORGS } from '../../testing/fake-ledger';
import { describe } from '../../testing/node-test';
import { LedgerSealedReader } from '../ledger-sealed-reader';
import { consentAccessEvent, dumpProjection, LedgerBuilder } from '../testing/fixtures';
import { MemoryEventSource } from '../testing/memory-source';
import { Projector } from './projector';
import { SealedEventSource } from './sealed-source';
import type { SourceEvent } from './source';
import { SqliteDriver } from './sql/sqlite';
import { ProjectionStore } from './store';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const TIME = '2026-03-01T10:00:00.000Z';

/** Public events as every org's peer delivers them: accesses and consents at both hospitals. */
function publicEvents(salt: string): { events: SourceEvent[]; ids: Record<string, string> } {
  const b = new LedgerBuilder({ salt });
  const ids: Record<string, string> = {};
  const events: SourceEvent[] = [];
  for (const custodian of [H1, H2]) {
    const eventId = b.peekTxId();
    ids[`access-${custodian}`] = eventId;
    events.push(b.event('AccessDecided', consentAccessEvent(eventId, custodian), TIME, eventId));
    const consentId = b.peekTxId();
    ids[`consent-${custodian}`] = consentId;
    events.push(b.event('ConsentGranted', { consentId, granteeOrg: custodian, periodEnd: TIME }, TIME));
    b.nextBlock();
  }
  return { events, ids };
}

/** Projects `events` at the gateway of `org` over the fake ledger; the fake's calls and the rows. */
async function projectAt(
  org: string,
  events: readonly SourceEvent[],
  fake = new FakeLedgerClient(),
): Promise<{ fake: FakeLedgerClient; source: SealedEventSource; dump: Record<string, unknown[]> }> {
  const memory = new MemoryEventSource();
  memory.append(...events);
  const reader = new LedgerSealedReader(new Ledger(fake, { org, orgs: FAKE_ORGS }), { enrollmentId: 'svc' });
  const source = new SealedEventSource(memory, reader);
  const store = new ProjectionStore(new SqliteDriver(':memory:'));
  await store.init();
  await new Projector(source, store).run(await memory.height());
  const dump = await dumpProjection(store.driver);
  await store.close();
  return { fake, source, dump };
}

describe('projection enrichment from sealed collections (issue 12 hole 5)', () => {
  it("when the gateway's org is a hospital, then only its own records' accesses and the consents granted to it are read from its peer, the rest stay id-only", async () => {
    const { events, ids } = publicEvents('h1');
    const { fake, dump } = await projectAt(H1, events);
    assert.deepEqual(
      fake.callsOf('audit:GetAuditEvent').map((c) => c.input['eventId']),
      [ids[`access-${H1}`]],
    );
    assert.deepEqual(
      fake.callsOf('consent:GetConsent').map((c) => c.input['consentId']),
      [ids[`consent-${H1}`]],
    );
    for (const c of fake.calls)
      assert.deepEqual(c.options.endorsingOrganizations, [H1], `${c.fn} on the own peer`);
    const audit = dump['audit_event'] as { custodian: string; patient_did: string | null }[];
    assert.deepEqual(
      audit.map((r) => [r.custodian, r.patient_did !== null]),
      [
        [H1, true],
        [H2, false],
      ],
    );
    const consents = dump['consent'] as { grantee_org: string; patient_did: string | null }[];
    assert.deepEqual(consents.map((r) => [r.grantee_org, r.patient_did !== null]).sort(), [
      [H1, true],
      [H2, false],
    ]);
  });

  it("when the gateway is the regulator's, then every access and consent is enriched", async () => {
    const { events } = publicEvents('regulator');
    const { fake, source, dump } = await projectAt('RegulatorMSP', events);
    assert.equal(fake.callsOf('audit:GetAuditEvent').length, 2);
    assert.equal(fake.callsOf('consent:GetConsent').length, 2);
    assert.deepEqual(source.counts.enriched, 4);
    for (const table of ['audit_event', 'consent']) {
      assert.ok(
        (dump[table] as { patient_did: string | null }[]).every((r) => r.patient_did !== null),
        table,
      );
    }
  });

  it('when the gateway takes no part (the research institute), then nothing is read and its projection holds no patient DID', async () => {
    const { events } = publicEvents('research');
    const { fake, dump } = await projectAt('ResearchMSP', events);
    assert.deepEqual(
      fake.calls.filter((c) => c.fn !== 'consortium:GetConsortium'),
      [],
    );
    assert.equal(JSON.stringify(dump).includes('did:medledger:patient:'), false);
    assert.equal((dump['audit_event'] ?? []).length, 2, 'the id-only rows are kept');
  });
});

describe('projection enrichment: where the facts come from, and misses (issue 12 hole 5)', () => {
  it('when the block brought the facts with the event, then no read is made and the row is enriched from them', async () => {
    const { events, ids } = publicEvents('from-blocks');
    const patientDid = 'did:medledger:patient:fromblock1';
    const delivered = events.map((e) =>
      e.txId === ids[`access-${H1}`]
        ? { ...e, sealed: { kind: 'access', patientDid, consentId: null } as const }
        : e,
    );
    const { fake, source, dump } = await projectAt(H1, delivered);
    assert.equal(fake.callsOf('audit:GetAuditEvent').length, 0);
    assert.equal(source.counts.fromBlocks, 1);
    const audit = dump['audit_event'] as { custodian: string; patient_did: string | null }[];
    assert.deepEqual(
      audit.filter((r) => r.custodian === H1).map((r) => r.patient_did),
      [patientDid],
    );
  });

  it('when the member peer holds nothing for an event, then its row stays id-only and the miss is counted', async () => {
    const { events } = publicEvents('missing');
    const fake = new FakeLedgerClient();
    fake.handlers['audit:GetAuditEvent'] = () => {
      throw new AppError('NOT_FOUND', 'x');
    };
    const { source, dump } = await projectAt(H1, events, fake);
    assert.equal(source.counts.missing, 1);
    assert.equal(source.counts.enriched, 1, 'the consent still is');
    assert.ok((dump['audit_event'] as { patient_did: unknown }[]).every((r) => r.patient_did === null));
  });

  it('when a sealed read fails, then the batch is not applied and a later run projects the event enriched', async () => {
    const { events, ids } = publicEvents('retry');
    const memory = new MemoryEventSource();
    memory.append(...events);
    const fake = new FakeLedgerClient();
    const handler = fake.handlers['audit:GetAuditEvent'];
    fake.handlers['audit:GetAuditEvent'] = () => {
      throw new AppError('LEDGER_UNAVAILABLE', 'peer down');
    };
    const reader = new LedgerSealedReader(new Ledger(fake, { org: H1, orgs: FAKE_ORGS }), {
      enrollmentId: 'svc',
    });
    const store = new ProjectionStore(new SqliteDriver(':memory:'));
    await store.init();
    const projector = new Projector(new SealedEventSource(memory, reader), store);
    await assert.rejects(projector.run(await memory.height()), /peer down/);
    assert.equal(await store.checkpoint(), undefined);
    if (handler) fake.handlers['audit:GetAuditEvent'] = handler;
    assert.equal(await projector.run(await memory.height()), events.length);
    const rows = await store.driver.all<{ event_id: string; patient_did: string | null }>(
      'SELECT event_id, patient_did FROM audit_event WHERE custodian = ?',
      [H1],
    );
    assert.deepEqual(
      rows.map((r) => [r.event_id, r.patient_did !== null]),
      [[ids[`access-${H1}`], true]],
    );
    await store.close();
  });
});
