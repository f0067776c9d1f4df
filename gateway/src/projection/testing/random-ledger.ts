/**
 * Ledgers of every projected event type, mixed by a list of small numbers (the projector's property
 * tests draw the list): the same list always gives the same ledger, and later events refer to
 * earlier ones (revocations to grants, quality reviews to anchors, reviews to break-glass accesses).
 * Events of Hospital1's records and consents carry their sealed facts, Hospital2's do not, as at
 * Hospital1's gateway.
 */
import { LedgerBuilder, txIdOf } from '../tools/ledger-builder';
import type { SealedFacts, SourceEvent } from '../write/source';

const HOSPITALS = ['Hospital1MSP', 'Hospital2MSP'] as const;

/** What an event of kind `k` at position `i` is about. */
interface Draw {
  readonly k: number;
  readonly i: number;
  readonly time: string;
  readonly patientDid: string;
  readonly custodian: string;
}

class RandomLedger {
  readonly b: LedgerBuilder;
  readonly #consents: { consentId: string; granteeOrg: string }[] = [];
  readonly #records: { recordId: string; version: number; custodian: string }[] = [];
  readonly #breakGlass: { accessId: string; custodian: string; actorDid: string }[] = [];

  constructor(salt: string) {
    this.b = new LedgerBuilder({ salt });
  }

  /** The event of kind `k % 8`: three kinds of access decisions, then one of each other type. */
  event(d: Draw): SourceEvent {
    switch (d.k % 8) {
      case 0:
      case 1:
      case 2:
        return this.#access(d);
      case 3:
        return this.#grant(d);
      case 4:
        return this.#revokeOrRegister(d);
      case 5:
        return this.#anchor(d);
      case 6:
        return this.#qualityOrStaff(d);
      default:
        return this.#reviewOrErase(d);
    }
  }

  /** Hospital1's sealed facts are read (the projection is Hospital1's), Hospital2's are not. */
  #sealed(custodian: string, facts: SealedFacts): SealedFacts | undefined {
    return custodian === HOSPITALS[0] ? facts : undefined;
  }

  #access({ k, time, patientDid, custodian }: Draw): SourceEvent {
    const txId = this.b.peekTxId();
    const bg = k % 11 === 0;
    if (bg)
      this.#breakGlass.push({ accessId: txId, custodian, actorDid: `did:medledger:hospital2:doc${k % 3}` });
    const body = {
      eventId: txId,
      recordId: `rec-${k % 4}`,
      version: 1,
      custodian,
      actorDid: bg
        ? `did:medledger:hospital2:doc${k % 3}`
        : `did:medledger:hospital${(k % 2) + 1}:doc${k % 3}`,
      actorMsp: HOSPITALS[(k >> 1) % 2] ?? 'Hospital1MSP',
      actorRole: 'attending',
      purpose: bg ? 'emergency' : 'treatment',
      outcome: k % 3 === 0 ? 'denied' : 'granted',
      reason: bg ? 'BREAK_GLASS' : k % 3 === 0 ? 'NO_CONSENT' : 'CUSTODIAN_TREATMENT',
      breakGlass: bg,
      breakGlassReason: bg ? 'unconscious_patient' : null,
    } as const;
    const sealed = this.#sealed(custodian, { kind: 'access', patientDid, consentId: null });
    return this.b.event('AccessDecided', body, time, txId, sealed);
  }

  #grant({ time, patientDid, custodian }: Draw): SourceEvent {
    const consentId = this.b.peekTxId();
    this.#consents.push({ consentId, granteeOrg: custodian });
    const body = { consentId, granteeOrg: custodian, periodEnd: '2026-01-01T00:00:00.000Z' };
    const sealed = this.#sealed(custodian, { kind: 'consent', patientDid, grantee: `org:${custodian}` });
    return this.b.event('ConsentGranted', body, time, undefined, sealed);
  }

  #revokeOrRegister({ time, patientDid }: Draw): SourceEvent {
    const consent = this.#consents.shift();
    if (consent) return this.b.event('ConsentRevoked', consent, time);
    return this.b.event(
      'PatientRegistered',
      { patientKey: txIdOf(patientDid), registeredBy: 'Hospital1MSP' },
      time,
    );
  }

  #anchor({ k, i, time, custodian }: Draw): SourceEvent {
    const rec = { recordId: `rec-${i}`, version: 1, custodian };
    this.#records.push(rec);
    const body = {
      ...rec,
      contentHash: txIdOf(rec.recordId),
      qualityStatus: k % 2 === 0 ? 'needs_review' : 'accepted',
    } as const;
    return this.b.event('RecordAnchored', body, time);
  }

  #qualityOrStaff({ i, time, custodian }: Draw): SourceEvent {
    const rec = this.#records.shift();
    if (rec) {
      return this.b.event(
        'RecordQualityReviewed',
        { ...rec, reviewedBy: 'did:medledger:hospital1:qa' },
        time,
      );
    }
    const staff = { did: `did:medledger:hospital1:s${i}`, org: custodian, role: 'nurse' } as const;
    return this.b.event('StaffRegistered', staff, time);
  }

  #reviewOrErase({ k, time, custodian }: Draw): SourceEvent {
    const bg = this.#breakGlass.shift();
    if (bg) {
      const review = {
        ...bg,
        recordId: 'rec-0',
        outcome: k % 2 === 0 ? 'justified' : 'unjustified',
        reviewedBy: 'did:medledger:regulator:a1',
        byRegulator: true,
        suspended: k % 4 === 1,
      } as const;
      return this.b.event('BreakGlassReviewed', review, time);
    }
    const erasure = {
      recordId: `rec-${k % 4}`,
      versions: [1],
      custodian,
      reason: 'data_error' as const,
      staged: k % 3 === 0,
    };
    return this.b.event('RecordContentErased', erasure, time);
  }
}

/** A ledger of `kinds.length` events of mixed types, deterministic in `kinds` and `salt`. */
export function randomLedger(kinds: readonly number[], salt: string): SourceEvent[] {
  const ledger = new RandomLedger(salt);
  let t = Date.parse('2025-01-01T00:00:00Z');
  return kinds.map((k, i) => {
    t += 60_000;
    if (k % 7 === 0) ledger.b.nextBlock();
    const draw: Draw = {
      k,
      i,
      time: new Date(t).toISOString(),
      patientDid: `did:medledger:patient:p${String(k % 5).padStart(8, '0')}`,
      custodian: HOSPITALS[k % 2] ?? 'Hospital1MSP',
    };
    return ledger.event(draw);
  });
}
