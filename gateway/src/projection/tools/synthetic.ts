/**
 * Realistic synthetic ledgers for timing the projection: many patients, a few thousand staff across
 * hospitals, mostly granted treatment reads, some denials, rare break-glass with reviews, consents,
 * anchored records and erasures, spread over a year, ~10 transactions a block. Accesses and consents
 * carry their sealed facts, as the regulator's gateway (the one that reports over everything) reads
 * them.
 */
import { ACCESS_REASONS, type AccessReason, type Purpose } from '@medledger/domain';

import type { SourceEvent } from '../write/source';
import type { ProjectionStore } from '../write/store';
import { LedgerBuilder } from './ledger-builder';

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

/** Where and when one synthetic transaction happens. */
interface Slot {
  readonly timeMs: number;
  readonly txTime: string;
  /** The custodian hospital's number, 1-based. */
  readonly hospital: number;
  readonly custodian: string;
  readonly patientDid: string;
}

/**
 * The generator's state: one PRNG drawn in a fixed order, so a seed always gives the same ledger,
 * and the granted break-glass accesses that later reviews refer to.
 */
class SyntheticLedger {
  readonly #rnd: () => number;
  readonly #b: LedgerBuilder;
  readonly #patients: number;
  readonly #hospitals: number;
  readonly #staff: number;
  readonly #startMs: number;
  readonly #stepMs: number;
  readonly #grantedBreakGlass: { accessId: string; custodian: string; actorDid: string }[] = [];

  constructor(o: Readonly<SyntheticOptions>) {
    this.#rnd = prng(o.seed ?? 42);
    this.#b = new LedgerBuilder({ salt: `synthetic-${o.seed ?? 42}`, validate: false });
    this.#patients = o.patients ?? 50_000;
    this.#hospitals = o.hospitals ?? 4;
    this.#staff = o.staffPerHospital ?? 500;
    this.#startMs = Date.parse(o.start ?? '2024-01-01T00:00:00Z');
    this.#stepMs = ((o.days ?? 365) * 86_400_000) / Math.max(1, o.events);
  }

  #pick(n: number): number {
    return Math.floor(this.#rnd() * n);
  }

  /** The `i`-th transaction: 96 % access decisions, then consents, anchors, reviews and erasures. */
  event(i: number): SourceEvent {
    if (i % 10 === 0) this.#b.nextBlock();
    const timeMs = this.#startMs + i * this.#stepMs;
    const hospital = this.#pick(this.#hospitals) + 1;
    const slot: Slot = {
      timeMs,
      txTime: new Date(timeMs).toISOString(),
      hospital,
      custodian: `Hospital${hospital}MSP`,
      patientDid: syntheticPatient(this.#pick(this.#patients)),
    };
    const roll = this.#rnd();
    if (roll < 0.96) return this.#access(slot);
    if (roll < 0.975) return this.#consent(slot);
    if (roll < 0.99) return this.#anchor(slot);
    if (roll < 0.995 && this.#grantedBreakGlass.length > 0 && this.#rnd() < 0.8) return this.#review(slot);
    return this.#erasure(slot);
  }

  #recordOf(slot: Slot): string {
    return `rec-${slot.patientDid.slice(-7)}-${this.#pick(20)}`;
  }

  #access(slot: Slot): SourceEvent {
    const rnd = this.#rnd;
    const own = rnd() < 0.85;
    const actorH = own ? slot.hospital : this.#pick(this.#hospitals) + 1;
    const breakGlass = rnd() < 0.003;
    const denied = !breakGlass && rnd() < 0.08;
    const purpose: Purpose = breakGlass ? 'emergency' : own || rnd() < 0.8 ? 'treatment' : 'research';
    const eventId = this.#b.peekTxId();
    let reason: AccessReason = own ? 'CUSTODIAN_TREATMENT' : 'CONSENT';
    if (breakGlass) reason = 'BREAK_GLASS';
    if (denied) reason = DENIAL_REASONS[this.#pick(DENIAL_REASONS.length)] ?? 'NO_CONSENT';
    const body = {
      eventId,
      recordId: this.#recordOf(slot),
      version: 1,
      custodian: slot.custodian,
      actorDid: `did:medledger:hospital${actorH}:staff${this.#pick(this.#staff)}`,
      actorMsp: `Hospital${actorH}MSP`,
      actorRole: rnd() < 0.5 ? 'attending' : rnd() < 0.5 ? 'nurse' : 'intern',
      purpose,
      outcome: denied ? 'denied' : 'granted',
      reason,
      breakGlass,
      breakGlassReason: breakGlass ? 'life_threatening' : null,
    } as const;
    if (breakGlass) {
      this.#grantedBreakGlass.push({ accessId: eventId, custodian: body.custodian, actorDid: body.actorDid });
    }
    const consentId = own || denied ? null : this.#b.peekTxId();
    const sealed = { kind: 'access', patientDid: slot.patientDid, consentId } as const;
    return this.#b.event('AccessDecided', body, slot.txTime, eventId, sealed);
  }

  #consent(slot: Slot): SourceEvent {
    const periodEnd = new Date(slot.timeMs + (30 + this.#pick(700)) * 86_400_000).toISOString();
    const granteeOrg = `Hospital${this.#pick(this.#hospitals) + 1}MSP`;
    const body = { consentId: this.#b.peekTxId(), granteeOrg, periodEnd };
    const sealed = { kind: 'consent', patientDid: slot.patientDid, grantee: `org:${granteeOrg}` } as const;
    return this.#b.event('ConsentGranted', body, slot.txTime, undefined, sealed);
  }

  #anchor(slot: Slot): SourceEvent {
    const body = {
      recordId: this.#recordOf(slot),
      version: 1 + this.#pick(3),
      custodian: slot.custodian,
      contentHash: this.#b.peekTxId(),
      qualityStatus: this.#rnd() < 0.1 ? 'needs_review' : 'accepted',
    } as const;
    return this.#b.event('RecordAnchored', body, slot.txTime);
  }

  #review(slot: Slot): SourceEvent {
    const bg = this.#grantedBreakGlass.shift() ?? { accessId: '', custodian: slot.custodian, actorDid: '' };
    const justified = this.#rnd() < 0.9;
    const body = {
      ...bg,
      recordId: 'rec-review',
      outcome: justified ? 'justified' : 'unjustified',
      reviewedBy: 'did:medledger:regulator:auditor1',
      byRegulator: true,
      suspended: !justified,
    } as const;
    return this.#b.event('BreakGlassReviewed', body, slot.txTime);
  }

  #erasure(slot: Slot): SourceEvent {
    const body = {
      recordId: this.#recordOf(slot),
      versions: [1],
      custodian: slot.custodian,
      reason: 'retention_expired' as const,
      staged: false,
    };
    return this.#b.event('RecordContentErased', body, slot.txTime);
  }
}

/** Yields synthetic events in ledger order, in batches. */
export function* syntheticEvents(o: Readonly<SyntheticOptions>, batchSize = 5000): Generator<SourceEvent[]> {
  const ledger = new SyntheticLedger(o);
  let batch: SourceEvent[] = [];
  for (let i = 0; i < o.events; i += 1) {
    batch.push(ledger.event(i));
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
