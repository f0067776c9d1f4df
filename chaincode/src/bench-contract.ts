import {
  BENCH_LOADER_FLAG,
  canonicalJson,
  ErrorCode,
  loadSyntheticAuditEventsInput,
  sha256Hex,
  type AuditEvent,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { isActiveAdmin, resolveActor } from './actor';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';

/**
 * Whether this chaincode server process was started with the benchmark flag; read at call time. This is
 * the one input that is not in the proposal: endorsers that disagree about it cannot agree on a result
 * (one refuses), so a mismatch ends in a refused transaction, never in divergent state. A deterministic
 * gate (a CA-issued certificate attribute checked against the signer) is the better design; see docs/performance.md (the audit-event loader).
 */
function benchLoaderEnabled(): boolean {
  return process.env[BENCH_LOADER_FLAG] === '1';
}

/**
 * Benchmark-only transactions. They exist so the benchmark can put 1,000,000 audit events on a ledger in
 * minutes (docs/performance.md), and refuse to run unless the chaincode server was started with
 * `MEDLEDGER_BENCH_LOADER=1`, which no production deployment sets.
 */
@Info({ title: 'BenchContract', description: 'Benchmark-only loaders (disabled unless opted in)' })
export class BenchContract extends Contract {
  constructor() {
    super('bench');
  }

  /**
   * Writes `count` synthetic audit events in one transaction, through the same ledger writer as
   * `AccessRecord`: the same `audit` key and JSON shape, the same `audit~patient`, `audit~actor` and
   * `audit~record` index entries, so `QueryAudit` finds them newest first like real events. Every id is
   * synthetic and derived from the transaction id and the event's index (event id
   * `sha256(txId:i)`, patient `did:medledger:patient:syn-<txId[0..16]>-<n>`, record
   * `syn-<txId[0..16]>-<n>`); the actor is the caller; time is the transaction time. Each event is a
   * denied `insurance` access without consent (`NO_CONSENT`), so no synthetic event can stand for a
   * grant, and no access grant is written.
   *
   * No chaincode event is emitted: the gateways' audit projections (and the regulator's reports built
   * on them) must hold real access decisions only, and a transaction carries one event, not thousands.
   *
   * Caller: an active org admin, and only when the chaincode server runs with
   * `MEDLEDGER_BENCH_LOADER=1` (checked first, at call time). Writes: `audit`, `audit~patient`,
   * `audit~actor`, `audit~record`. Events: none. Errors: BENCH_LOADER_DISABLED, VALIDATION_FAILED,
   * FORBIDDEN (not an org admin, or an unusable identity).
   */
  @Transaction()
  @Returns('string')
  public async LoadSyntheticAuditEvents(ctx: Context, input: string): Promise<string> {
    if (!benchLoaderEnabled()) fail(ErrorCode.BENCH_LOADER_DISABLED, BENCH_LOADER_FLAG);
    const args = parseInput(loadSyntheticAuditEventsInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    if (!isActiveAdmin(actor)) fail(ErrorCode.FORBIDDEN, actor.did);
    const txId = ledger.txId;
    const txTime = ledger.txTime;
    const tag = `syn-${txId.slice(0, 16)}`;
    const patientDids: string[] = [];
    for (let i = 0; i < args.count; i++) {
      const n = Math.floor(i / args.eventsPerPatient);
      const patientDid = `did:medledger:patient:${tag}-${String(n)}`;
      if (patientDids.length === n) patientDids.push(patientDid);
      const event: AuditEvent = {
        eventId: sha256Hex(`${txId}:${String(i)}`),
        actorDid: actor.did,
        actorMsp: actor.mspId,
        actorRole: actor.role,
        purpose: 'insurance',
        recordId: `${tag}-${String(n)}`,
        version: 1,
        patientDid,
        custodian: actor.mspId,
        consentId: null,
        studyId: null,
        outcome: 'denied',
        reason: 'NO_CONSENT',
        breakGlass: false,
        breakGlassReason: null,
        txId,
        txTime,
        expiresAt: null,
      };
      await ledger.putAuditEvent(event);
    }
    return canonicalJson({ count: args.count, patientDids });
  }
}
