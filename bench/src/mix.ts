/**
 * The seed's load: 100,000 interactions a day with peaks of ten times the mean, 1.16/s on average and
 * 12/s at the peak, as a mix of what people in a hospital do. The shares, and why each is what it is,
 * are in docs/performance.md ("The hospital day"); this module holds them as data, spreads them evenly
 * over an open-loop schedule, and builds the operation of each kind against the REST gateways.
 */
import { signPatientPayload, type PatientKeyPair } from '@medledger/domain';
import { hospital2TreatmentGrant } from '@medledger/test/support/fixtures';

import { outcomeOf, type BenchClient, type BenchResponse } from './http';
import type { Operation, OutcomeKind } from './load';

/** The kinds of interaction of the hospital day. */
export type MixKind = 'record-read' | 'access-content' | 'anchor' | 'consent-grant' | 'audit-read';

/** One kind of interaction and its share of the day (shares add up to 100). */
export interface MixShare {
  readonly kind: MixKind;
  readonly share: number;
  /** What it does through REST, for the report. */
  readonly what: string;
}

/** The hospital day's mix (docs/performance.md explains the shares). */
export const HOSPITAL_DAY_MIX: readonly MixShare[] = [
  { kind: 'record-read', share: 40, what: 'GET /v1/records/{id}' },
  {
    kind: 'access-content',
    share: 30,
    what: 'POST /v1/records/{id}/access, then GET /v1/records/{id}/content?accessId=',
  },
  { kind: 'anchor', share: 15, what: 'POST /v1/records' },
  { kind: 'audit-read', share: 10, what: 'GET /v1/audit?patient=&limit=50' },
  { kind: 'consent-grant', share: 5, what: 'POST /v1/consents (patient-signed grant)' },
];

/** Interactions a day in the seed's claim, and how far above the day's mean its peaks go. */
export const SEED_DAY = { interactionsPerDay: 100_000, peakFactor: 10 } as const;

/** The peak rate of a day of `interactionsPerDay` with peaks `peakFactor` times the mean, rounded up. */
export function peakRate(day: { interactionsPerDay: number; peakFactor: number } = SEED_DAY): number {
  return Math.ceil((day.interactionsPerDay / 86_400) * day.peakFactor);
}

/**
 * One cycle of the schedule: each kind as many times as its share (over the shares' greatest common
 * divisor), spread evenly by smooth weighted round robin, so every stretch of the open loop carries the
 * mix and no kind arrives in a burst.
 */
export function mixCycle(mix: readonly MixShare[] = HOSPITAL_DAY_MIX): MixKind[] {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  if (mix.length === 0 || mix.some((m) => !Number.isInteger(m.share) || m.share <= 0))
    throw new Error('a mix needs positive whole shares');
  const unit = mix.reduce((g, m) => gcd(g, m.share), 0);
  const weights = mix.map((m) => m.share / unit);
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  const cycle: MixKind[] = [];
  for (let n = 0; n < total; n++) {
    let best = 0;
    weights.forEach((w, i) => {
      current[i] = (current[i] ?? 0) + w;
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i;
    });
    current[best] = (current[best] ?? 0) - total;
    cycle.push((mix[best] as MixShare).kind);
  }
  return cycle;
}

/** The kind of the `i`-th interaction of the schedule. */
export function mixKindOf(cycle: readonly MixKind[]): (i: number) => MixKind {
  return (i) => cycle[i % cycle.length] as MixKind;
}

/** What the mixed load acts with. */
export interface MixActors {
  /** Attendings of the custodian hospital (Hospital1), round robin. */
  readonly clinicians: readonly BenchClient[];
  /** An auditor of the regulator. */
  readonly auditor: BenchClient;
  /** Records of `patientDid` the clinicians may read. */
  readonly records: readonly string[];
  readonly patientDid: string;
  /** A patient of the custodian hospital whose key signs the consent grants. */
  readonly consentPatient: { readonly did: string; readonly key: PatientKeyPair };
  /** An anchor of a new record for each call (ids of its own). */
  readonly anchor: Operation;
}

const at = <T>(items: readonly T[], i: number): T => items[i % items.length] as T;

/** The access decision's id from `POST /v1/records/{id}/access`, when it granted. */
export function grantedAccessId(res: BenchResponse): string | undefined {
  if (res.status !== 200) return undefined;
  const decision = (res.body['decision'] ?? res.body) as Record<string, unknown>;
  return decision['outcome'] === 'granted' && typeof decision['accessId'] === 'string'
    ? decision['accessId']
    : undefined;
}

/** A consent of the patient to Hospital2 for treatment with their diagnoses, for a day from `nowMs`. */
export function consentGrantJws(patient: MixActors['consentPatient'], nowMs: number): string {
  return signPatientPayload(
    hospital2TreatmentGrant(nowMs),
    { patientDid: patient.did, privateJwk: patient.key.privateJwk, kid: `${patient.did}#key-1` },
    { nowMs },
  );
}

/** The operation of each kind of the mix. */
export function mixOperations(a: MixActors): Record<MixKind, Operation> {
  const recordPath = (i: number) => `/v1/records/${encodeURIComponent(at(a.records, i))}`;
  return {
    'record-read': (i) => outcomeOf(() => at(a.clinicians, i).get(recordPath(i)), false),
    'access-content': async (i): Promise<OutcomeKind> => {
      const clinician = at(a.clinicians, i);
      let accessId: string | undefined;
      const decided = await outcomeOf(async () => {
        const res = await clinician.post(`${recordPath(i)}/access`, { purpose: 'treatment' });
        accessId = grantedAccessId(res);
        return res;
      }, true);
      if (decided !== 'committed') return decided;
      // A denial would leave the interaction without its content read: it does not count as done.
      if (accessId === undefined) return 'rejected';
      const id = accessId;
      return outcomeOf(
        () => clinician.get(`${recordPath(i)}/content?accessId=${encodeURIComponent(id)}`),
        false,
      );
    },
    anchor: a.anchor,
    'audit-read': () =>
      outcomeOf(() => a.auditor.get(`/v1/audit?patient=${encodeURIComponent(a.patientDid)}&limit=50`), false),
    'consent-grant': (i) =>
      outcomeOf(
        () =>
          at(a.clinicians, i).post('/v1/consents', { jws: consentGrantJws(a.consentPatient, Date.now()) }),
        true,
      ),
  };
}

/** One operation that runs the `i`-th interaction of the schedule as its kind. */
export function mixedOperation(ops: Record<MixKind, Operation>, kindOf: (i: number) => MixKind): Operation {
  return (i) => ops[kindOf(i)](i);
}
