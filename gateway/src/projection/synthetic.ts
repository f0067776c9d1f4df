/**
 * Realistic synthetic ledgers for timing the projection: many patients, a few thousand staff across
 * hospitals, mostly granted treatment reads, some denials, rare break-glass with reviews, consents,
 * anchored records and erasures, spread over a year, ~10 transactions a block.
 */
import { ACCESS_REASONS, type AccessReason, type Purpose } from '@medledger/domain';

import { LedgerBuilder } from './fixtures';
import type { ProjectionStore } from './store';
import type { SourceEvent } from './types';

/** Options of the generator. */
export interface SyntheticOptions {
  readonly events: number;
  readonly patients?: number;
  readonly staffPerHospital?: number;
  readonly hospitals?: number;
  /** Time of the first event; the events spread over `days`. */
  readonly start?: string;
  readonly days?: number;
  readonly seed?: number;
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DENIAL_REASONS = ACCESS_REASONS.filter(
  (r): r is AccessReason => !['CUSTODIAN_TREATMENT', 'CONSENT', 'STUDY_CONSENT', 'BREAK_GLASS'].includes(r),
);

/** The DID of synthetic patient `i`. */
export function syntheticPatient(i: number): string {
  return `did:medledger:patient:synth${String(i).padStart(7, '0')}`;
}

/** Yields synthetic events in ledger order, in batches. */
export function* syntheticEvents(o: Readonly<SyntheticOptions>, batchSize = 5000): Generator<SourceEvent[]> {
  const rnd = prng(o.seed ?? 42);
  const patients = o.patients ?? 50_000;
  const hospitals = o.hospitals ?? 4;
  const staff = o.staffPerHospital ?? 500;
  const startMs = Date.parse(o.start ?? '2024-01-01T00:00:00Z');
  const spanMs = (o.days ?? 365) * 86_400_000;
  const step = spanMs / Math.max(1, o.events);
  const b = new LedgerBuilder({ salt: `synthetic-${o.seed ?? 42}`, validate: false });
  const pick = (n: number): number => Math.floor(rnd() * n);
  const grantedBreakGlass: string[] = [];
  let batch: SourceEvent[] = [];
  for (let i = 0; i < o.events; i += 1) {
    if (i % 10 === 0) b.nextBlock();
    const t = startMs + i * step;
    const txTime = new Date(t).toISOString();
    const h = pick(hospitals) + 1;
    const custodian = `Hospital${h}MSP`;
    const patientDid = syntheticPatient(pick(patients));
    const roll = rnd();
    if (roll < 0.96) {
      const own = rnd() < 0.85;
      const actorH = own ? h : pick(hospitals) + 1;
      const actorMsp = `Hospital${actorH}MSP`;
      const breakGlass = rnd() < 0.003;
      const denied = !breakGlass && rnd() < 0.08;
      const purpose: Purpose = breakGlass
        ? 'emergency'
        : own
          ? 'treatment'
          : rnd() < 0.8
            ? 'treatment'
            : 'research';
      const eventId = b.peekTxId();
      let reason: AccessReason = own ? 'CUSTODIAN_TREATMENT' : 'CONSENT';
      if (breakGlass) reason = 'BREAK_GLASS';
      if (denied) reason = DENIAL_REASONS[pick(DENIAL_REASONS.length)] ?? 'NO_CONSENT';
      if (breakGlass) grantedBreakGlass.push(eventId);
      batch.push(
        b.event(
          'AccessDecided',
          {
            eventId,
            recordId: `rec-${patientDid.slice(-7)}-${pick(20)}`,
            patientDid,
            custodian,
            actorDid: `did:medledger:hospital${actorH}:staff${pick(staff)}`,
            actorMsp,
            actorRole: rnd() < 0.5 ? 'attending' : rnd() < 0.5 ? 'nurse' : 'intern',
            purpose,
            outcome: denied ? 'denied' : 'granted',
            reason,
            consentId: own || denied ? null : b.peekTxId(),
            breakGlass,
          },
          txTime,
          eventId,
        ),
      );
    } else if (roll < 0.975) {
      const periodEnd = new Date(t + (30 + pick(700)) * 86_400_000).toISOString();
      // periodEnd: carried once the chaincode adds it to the event (see the projection notes).
      const body = {
        consentId: b.peekTxId(),
        patientDid,
        grantee: `org:Hospital${pick(hospitals) + 1}MSP`,
        periodEnd,
      };
      batch.push(b.event('ConsentGranted', body, txTime));
    } else if (roll < 0.99) {
      batch.push(
        b.event(
          'RecordAnchored',
          {
            recordId: `rec-${patientDid.slice(-7)}-${pick(20)}`,
            version: 1 + pick(3),
            patientDid,
            custodian,
            contentHash: b.peekTxId(),
            qualityStatus: rnd() < 0.1 ? 'needs_review' : 'accepted',
          },
          txTime,
        ),
      );
    } else if (roll < 0.995 && grantedBreakGlass.length > 0 && rnd() < 0.8) {
      const accessId = grantedBreakGlass.shift() ?? '';
      batch.push(
        b.event(
          'BreakGlassReviewed',
          {
            accessId,
            recordId: 'rec-review',
            outcome: rnd() < 0.9 ? 'justified' : 'unjustified',
            reviewedBy: 'did:medledger:regulator:auditor1',
          },
          txTime,
        ),
      );
    } else {
      batch.push(
        b.event(
          'RecordContentErased',
          {
            recordId: `rec-${patientDid.slice(-7)}-${pick(20)}`,
            versions: [1],
            custodian,
            reason: 'retention_expired',
          },
          txTime,
        ),
      );
    }
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Fills a projection with synthetic events through the normal apply path; resolves to the count. */
export async function loadSynthetic(
  store: ProjectionStore,
  options: Readonly<SyntheticOptions>,
  onProgress?: (loaded: number) => void,
): Promise<number> {
  let loaded = 0;
  for (const batch of syntheticEvents(options)) {
    const r = await store.apply(batch);
    loaded += r.applied;
    onProgress?.(loaded);
  }
  return loaded;
}
