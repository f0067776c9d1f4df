/**
 * Ledgers of every projected event type, mixed by a list of small numbers (the projector's property
 * tests draw the list): the same list always gives the same ledger, and later events refer to
 * earlier ones (revocations to grants, quality reviews to anchors, reviews to break-glass accesses).
 */
import { LedgerBuilder, txIdOf } from '../tools/ledger-builder';
import type { SourceEvent } from '../write/source';

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
  readonly #consents: string[] = [];
  readonly #records: { recordId: string; version: number }[] = [];
  readonly #breakGlass: string[] = [];

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

  #access({ k, time, patientDid, custodian }: Draw): SourceEvent {
    const txId = this.b.peekTxId();
    const bg = k % 11 === 0;
    if (bg) this.#breakGlass.push(txId);
    const body = {
      eventId: txId,
      recordId: `rec-${k % 4}`,
      patientDid,
      custodian,
      actorDid: `did:medledger:hospital${(k % 2) + 1}:doc${k % 3}`,
      actorMsp: HOSPITALS[(k >> 1) % 2] ?? 'Hospital1MSP',
      actorRole: 'attending',
      purpose: bg ? 'emergency' : 'treatment',
      outcome: k % 3 === 0 ? 'denied' : 'granted',
      reason: bg ? 'BREAK_GLASS' : k % 3 === 0 ? 'NO_CONSENT' : 'CUSTODIAN_TREATMENT',
      consentId: null,
      breakGlass: bg,
    } as const;
    return this.b.event('AccessDecided', body, time, txId);
  }

  #grant({ time, patientDid, custodian }: Draw): SourceEvent {
    const consentId = this.b.peekTxId();
    this.#consents.push(consentId);
    return this.b.event('ConsentGranted', { consentId, patientDid, grantee: `org:${custodian}` }, time);
  }

  #revokeOrRegister({ time, patientDid, custodian }: Draw): SourceEvent {
    const consentId = this.#consents.shift();
    if (consentId) {
      return this.b.event('ConsentRevoked', { consentId, patientDid, grantee: `org:${custodian}` }, time);
    }
    return this.b.event('PatientRegistered', { patientDid, registeredBy: custodian }, time);
  }

  #anchor({ k, i, time, patientDid, custodian }: Draw): SourceEvent {
    const rec = { recordId: `rec-${i}`, version: 1 };
    this.#records.push(rec);
    const body = {
      ...rec,
      patientDid,
      custodian,
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
    const accessId = this.#breakGlass.shift();
    if (accessId) {
      const review = {
        accessId,
        recordId: 'rec-0',
        outcome: 'justified',
        reviewedBy: 'did:medledger:regulator:a1',
      } as const;
      return this.b.event('BreakGlassReviewed', review, time);
    }
    const erasure = { recordId: `rec-${k % 4}`, versions: [1], custodian, reason: 'data_error' as const };
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
