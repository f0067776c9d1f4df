/**
 * The read side's scripted scenario, with known answers: two weeks of one doctor's baseline, then a
 * day of activity in March 2025 with break-glass accesses (one reviewed by the custodian and then
 * found unjustified by the regulator, one overdue, one pending), consents (expiring, far off,
 * revoked), records held for review, an erasure and a purge of staged content, a night-time read, a
 * volume spike and a burst of denials. The events of Hospital1's and Hospital2's records and consents
 * come with their sealed facts; Hospital3's (an access and a consent) are id-only, as at a gateway
 * whose org is not a member of Hospital3's sealed collection. `projectScenario` loads it on a backend.
 */
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { patientKeyOf } from '@medledger/domain';

import { ProjectionService } from '../read/service';
import type { Viewer } from '../read/views';
import { Projector } from '../write/projector';
import type { SourceEvent } from '../write/source';
import { ProjectionStore } from '../write/store';
import { describeEachBackend, type TestBackend } from './backends';
import { LedgerBuilder, accessScript, ownTreatmentAccess, txIdOf, type AccessBody } from './fixtures';
import { MemoryEventSource } from './memory-source';

export const H1 = 'Hospital1MSP';
export const H2 = 'Hospital2MSP';
export const H3 = 'Hospital3MSP';
export const PATIENT_A = 'did:medledger:patient:patientAAA';
export const PATIENT_B = 'did:medledger:patient:patientBBB';
export const PATIENT_C = 'did:medledger:patient:patientCCC';
/** The time the scenario's reports and alerts are computed at. */
export const SCENARIO_NOW = new Date('2025-03-10T12:00:00.000Z');

const doc2 = { actorDid: 'did:medledger:hospital2:doc2', actorMsp: H2 };
const doc3 = { actorDid: 'did:medledger:hospital2:doc3', actorMsp: H2 };
const doc4 = { actorDid: 'did:medledger:hospital1:doc4', patientDid: PATIENT_C, recordId: 'rec-c1' };
const intruder = { actorDid: 'did:medledger:hospital2:intruder', actorMsp: H2, actorRole: 'intern' as const };
const breakGlass = {
  ...doc3,
  purpose: 'emergency' as const,
  reason: 'BREAK_GLASS' as const,
  breakGlass: true,
  breakGlassReason: 'life_threatening' as const,
};

/** Appends scenario events and names the ones tests look for. */
interface Script {
  readonly b: LedgerBuilder;
  readonly events: SourceEvent[];
  readonly ids: Record<string, string>;
  readonly access: (name: string, txTime: string, changes: Partial<AccessBody>) => void;
}

const at = (startIso: string, stepMs: number, i: number): string =>
  new Date(Date.parse(startIso) + i * stepMs).toISOString();

function breakGlassAccesses(s: Script): void {
  for (let k = 0; k < 14; k += 1) s.access(`base${k}`, at('2025-02-24T11:00:00Z', 86_400_000, k), doc4);
  s.access('bg3', '2025-03-04T10:00:00Z', breakGlass);
  const review = {
    accessId: s.ids['bg3'] ?? '',
    recordId: 'rec-a1',
    custodian: H1,
    actorDid: doc3.actorDid,
    outcome: 'justified',
    reviewedBy: 'did:medledger:hospital1:admin1',
    byRegulator: false,
    suspended: false,
  } as const;
  s.events.push(s.b.event('BreakGlassReviewed', review, '2025-03-05T09:00:00Z'));
  // The regulator reviews again: its verdict stands over the custodian's.
  const regulatorReview = {
    ...review,
    reviewedBy: 'did:medledger:regulator:aud1',
    byRegulator: true,
    outcome: 'unjustified',
    suspended: true,
  } as const;
  s.events.push(s.b.event('BreakGlassReviewed', regulatorReview, '2025-03-10T09:00:00Z'));
  s.access('bg1', '2025-03-05T03:00:00Z', breakGlass);
}

function consents(s: Script): void {
  const consent = (name: string, patientDid: string, periodEnd: string, time: string): void => {
    const consentId = s.b.peekTxId();
    s.ids[name] = consentId;
    const sealed = { kind: 'consent', patientDid, grantee: `org:${H2}` } as const;
    s.events.push(
      s.b.event('ConsentGranted', { consentId, granteeOrg: H2, periodEnd }, time, undefined, sealed),
    );
  };
  consent('c1', PATIENT_A, '2025-03-20T00:00:00Z', '2025-03-01T08:00:00Z');
  consent('c2', PATIENT_B, '2026-03-01T00:00:00Z', '2025-03-01T08:01:00Z');
  consent('c3', PATIENT_B, '2025-03-15T00:00:00Z', '2025-03-01T08:02:00Z');
  // Granted to Hospital3, whose sealed collection the projection does not read: id-only.
  s.ids['c4'] = s.b.peekTxId();
  const other = { consentId: s.ids['c4'], granteeOrg: H3, periodEnd: '2025-03-12T00:00:00Z' };
  s.events.push(s.b.event('ConsentGranted', other, '2025-03-01T08:03:00Z'));
  const revoke = { consentId: s.ids['c3'] ?? '', granteeOrg: H2 };
  s.events.push(s.b.event('ConsentRevoked', revoke, '2025-03-02T08:00:00Z'));
}

function records(s: Script): void {
  for (const recordId of ['rec-a1', 'rec-b1']) {
    const anchor = {
      recordId,
      version: 1,
      custodian: H1,
      contentHash: txIdOf(recordId),
      qualityStatus: 'needs_review',
    } as const;
    s.events.push(s.b.event('RecordAnchored', anchor, '2025-03-03T08:00:00Z'));
  }
  const cleared = { recordId: 'rec-a1', version: 1, custodian: H1, reviewedBy: 'did:medledger:hospital1:qa' };
  s.events.push(s.b.event('RecordQualityReviewed', cleared, '2025-03-03T09:00:00Z'));
  s.ids['erasure'] = s.b.peekTxId();
  const erased = {
    recordId: 'rec-old',
    versions: [1, 2],
    custodian: H1,
    reason: 'patient_request' as const,
    staged: false,
  };
  s.events.push(s.b.event('RecordContentErased', erased, '2025-03-09T08:00:00Z'));
  s.ids['purge'] = s.b.peekTxId();
  const purged = {
    ...erased,
    recordId: 'rec-abandoned',
    versions: [1],
    reason: 'data_error' as const,
    staged: true,
  };
  s.events.push(s.b.event('RecordContentErased', purged, '2025-03-09T08:30:00Z'));
}

function lastDay(s: Script): void {
  s.access('nurse', '2025-03-10T02:30:00Z', {
    actorDid: 'did:medledger:hospital1:nurse1',
    actorRole: 'nurse',
  });
  // A record of Hospital3, whose sealed collection this projection does not read: id-only.
  s.access('e9', '2025-03-10T07:00:00Z', {
    actorDid: 'did:medledger:hospital3:doc9',
    actorMsp: H3,
    custodian: H3,
    patientDid: null,
    recordId: 'rec-c9',
  });
  s.access('bg2', '2025-03-10T08:00:00Z', { ...breakGlass, patientDid: PATIENT_B, recordId: 'rec-b1' });
  s.access('e1', '2025-03-10T09:00:00Z', {});
  for (let i = 0; i < 30; i += 1) s.access(`recent${i}`, at('2025-03-10T09:30:00Z', 30_000, i), doc4);
  s.access('e2', '2025-03-10T10:00:00Z', { ...doc2, reason: 'CONSENT', consentId: s.ids['c1'] ?? null });
  const deniedB = { patientDid: PATIENT_B, recordId: 'rec-b1', outcome: 'denied' as const };
  s.access('e3', '2025-03-10T10:05:00Z', { ...doc2, ...deniedB, reason: 'NO_CONSENT' });
  for (let i = 0; i < 6; i += 1) {
    s.access(`deny${i}`, at('2025-03-10T11:00:00Z', 60_000, i), {
      ...intruder,
      ...deniedB,
      reason: i === 5 ? 'CONSENT_EXPIRED' : 'NO_CONSENT',
    });
  }
}

/**
 * Patient keys (after the day above in ledger order, with earlier times), named by the patient key
 * as the events carry them: A registered through Hospital1, rotated there, then recovered through
 * Hospital2; B registered through Hospital1.
 */
function patientKeys(s: Script): void {
  const patientA = patientKeyOf(PATIENT_A);
  s.ids['keyA1'] = s.b.peekTxId();
  s.events.push(
    s.b.event('PatientRegistered', { patientKey: patientA, registeredBy: H1 }, '2025-02-20T08:00:00Z'),
  );
  s.events.push(
    s.b.event(
      'PatientRegistered',
      { patientKey: patientKeyOf(PATIENT_B), registeredBy: H1 },
      '2025-02-20T08:05:00Z',
    ),
  );
  s.b.nextBlock();
  s.ids['keyA2'] = s.b.peekTxId();
  const rotated = { patientKey: patientA, keyNumber: 2, via: 'current_key', relayedBy: H1 } as const;
  s.events.push(s.b.event('PatientKeyRotated', rotated, '2025-03-07T08:00:00Z'));
  s.b.nextBlock();
  s.ids['keyA3'] = s.b.peekTxId();
  const recovered = { patientKey: patientA, keyNumber: 3, via: 'recovery_key', relayedBy: H2 } as const;
  s.events.push(s.b.event('PatientKeyRotated', recovered, '2025-03-08T08:00:00Z'));
  s.b.nextBlock();
}

/**
 * Freezes: Hospital2's doc3 frozen and still so; Hospital3 frozen and lifted in the range (the org
 * side approves first, then the regulator's approval lifts it); Hospital1 frozen and lifted in February,
 * before the report's range.
 */
function freezes(s: Script): void {
  const freeze = (
    name: string,
    subjectKind: 'person' | 'org',
    subject: string,
    org: string,
    time: string,
  ) => {
    s.ids[name] = s.b.peekTxId();
    const body = {
      freezeId: s.ids[name],
      subjectKind,
      subject,
      org,
      reason: 'data_leak' as const,
      incidentId: null,
    };
    s.events.push(s.b.event('AccessFrozen', { ...body, frozenBy: 'did:medledger:regulator:aud1' }, time));
  };
  const lift = (name: string, org: string, side: 'org' | 'regulator', lifted: boolean, time: string) => {
    const body = { freezeId: s.ids[name] ?? '', org, side, approvedBy: `did:medledger:x:${side}`, lifted };
    s.events.push(s.b.event('FreezeLiftApproved', body, time));
  };
  freeze('freezeOld', 'org', H1, H1, '2025-02-20T08:00:00Z');
  lift('freezeOld', H1, 'regulator', false, '2025-02-20T09:00:00Z');
  lift('freezeOld', H1, 'org', true, '2025-02-21T09:00:00Z');
  freeze('freezeDoc3', 'person', doc3.actorDid, H2, '2025-03-09T10:00:00Z');
  freeze('freezeH3', 'org', H3, H3, '2025-03-09T11:00:00Z');
  lift('freezeH3', H3, 'org', false, '2025-03-09T12:00:00Z');
  lift('freezeH3', H3, 'regulator', true, '2025-03-09T13:00:00Z');
  s.b.nextBlock();
}

/** The scripted scenario; ids of the events the tests name. */
export function scenario(): { events: SourceEvent[]; ids: Record<string, string> } {
  const b = new LedgerBuilder({ salt: 'scenario' });
  const events: SourceEvent[] = [];
  const { ids, access } = accessScript(b, ownTreatmentAccess(PATIENT_A), (event) => events.push(event));
  const script: Script = { b, events, ids, access };
  breakGlassAccesses(script);
  consents(script);
  records(script);
  lastDay(script);
  patientKeys(script);
  freezes(script);
  return { events, ids };
}

/** The scenario projected on a fresh database of `backend`, with a service over it. */
export interface ProjectedScenario {
  readonly service: ProjectionService;
  readonly store: ProjectionStore;
  readonly ids: Record<string, string>;
}

/** Projects the scenario; close `store` when done. */
export async function projectScenario(backend: TestBackend): Promise<ProjectedScenario> {
  const s = scenario();
  const source = new MemoryEventSource();
  source.append(...s.events);
  const store = new ProjectionStore(await backend.fresh());
  await store.init();
  await new Projector(source, store).run(await source.height());
  return { service: new ProjectionService(store.driver, { cursorKey: randomBytes(32) }), store, ids: s.ids };
}

/** The viewers the scenario's tests ask as. */
export const auditor: Viewer = { kind: 'auditor' };
export const h1: Viewer = { kind: 'hospital', mspId: H1 };
export const h2: Viewer = { kind: 'hospital', mspId: H2 };

/**
 * Declares `body`'s suite once per backend on the projected scenario (projected before the suite,
 * closed after it); `scenario()` gives the running suite's projection.
 */
export function describeOnScenario(title: string, body: (scenario: () => ProjectedScenario) => void): void {
  describeEachBackend(title, (backend) => {
    let projected: ProjectedScenario | undefined;
    before(async () => {
      projected = await projectScenario(backend);
    });
    after(async () => {
      await projected?.store.close();
    });
    body(() => {
      if (!projected) throw new Error('the scenario is not projected');
      return projected;
    });
  });
}
