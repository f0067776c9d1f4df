import {
  answerErasureRequestInput,
  canonicalJson,
  ERASURE_REQUEST_DEADLINE_DAYS,
  erasureRequestPayloadSchema,
  ErrorCode,
  listErasureRequestsInput,
  MAX_LISTED_ERASURE_REQUESTS,
  requestErasureInput,
  requestErasureTransient,
  type ErasureRequest,
  type ErasureRequestState,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { isActiveAdmin, isRegulatorAuditor, requireActive, requireRole, resolveActor } from './actor';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { activePatient, verifyPatientSignature } from './patient-signature';
import { eraseVersions } from './record-contract';
import { readTransient } from './transient';

const DAY_MS = 24 * 3600 * 1000;

/** A request as its readers see it at `nowMs`: `overdue` once open past its deadline. */
export function erasureRequestState(r: ErasureRequest, nowMs: number): ErasureRequestState {
  const open = Date.parse(r.dueAt) <= nowMs ? 'overdue' : 'open';
  return {
    requestId: r.requestId,
    custodian: r.custodian,
    recordId: r.recordId,
    requestedAt: r.requestedAt,
    dueAt: r.dueAt,
    status: r.answer === null ? open : r.answer.answer,
    refusal: r.answer?.refusal ?? null,
    answeredAt: r.answer?.answeredAt ?? null,
    late: r.answer === null ? open === 'overdue' : r.answer.late,
  };
}

/**
 * Erasure at the patient's request (docs/patients.md, erasure requests; GDPR Art. 17, PIPL Art. 47):
 * the patient signs a request for one record, relayed by any org; the record's custodian erases it or
 * refuses with a coded legal reason within `ERASURE_REQUEST_DEADLINE_DAYS`. The request and its answer
 * live in the custodian's sealed collection (they name the patient); their events carry ids, codes and
 * the deadline, so every gateway's compliance report sees a request go overdue.
 */
@Info({ title: 'ErasureContract', description: "Erasure at the patient's request" })
export class ErasureContract extends Contract {
  constructor() {
    super('erasure');
  }

  /**
   * Records a patient's signed erasure request (transient `request`, `medledger.erasure.request`,
   * naming the custodian and record, `aud` the caller's org, nonce consumed) for the patient in
   * transient `subject`, due `ERASURE_REQUEST_DEADLINE_DAYS` after the transaction. The record must be
   * this patient's. Caller: an active, registered member of the relaying org, not the regulator's.
   * Endorsed by the custodian and the regulator. Reads: `staff`, `patient`, `nonce`, `anchor`, sealed
   * `record-patient`, `collection-key`. Writes: `nonce`; sealed `erasure-request`,
   * `erasure-request~patient`. Event: `ErasureRequested` (no patient). Errors: VALIDATION_FAILED
   * (the request names another record or patient), FORBIDDEN (the regulator's staff, a request for
   * another org, a record of another patient), NOT_FOUND, NOT_REGISTERED, INACTIVE,
   * INVALID_SIGNATURE, EXPIRED, REPLAYED_NONCE, NOT_INITIALIZED.
   */
  @Transaction()
  @Returns('string')
  public async RequestErasure(ctx: Context, input: string): Promise<string> {
    const args = parseInput(requestErasureInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    if (actor.mspId === (await ledger.consortium()).regulator) fail(ErrorCode.FORBIDDEN, actor.did);
    const { subject, request } = readTransient(ledger, requestErasureTransient);
    await activePatient(ledger, subject.patientDid);
    const { payload } = await verifyPatientSignature(ledger, request.jws, erasureRequestPayloadSchema);
    if (payload.patientDid !== subject.patientDid) fail(ErrorCode.VALIDATION_FAILED, 'request patientDid');
    if (payload.aud !== actor.mspId) fail(ErrorCode.FORBIDDEN, 'request aud');
    if (payload.custodian !== args.custodian || payload.recordId !== args.recordId)
      fail(ErrorCode.VALIDATION_FAILED, 'request record');
    if ((await ledger.anchors(args.custodian, args.recordId)).length === 0)
      fail(ErrorCode.NOT_FOUND, args.recordId);
    if ((await ledger.getRecordPatient(args.custodian, args.recordId)) !== subject.patientDid)
      fail(ErrorCode.FORBIDDEN, args.recordId);
    const request_: ErasureRequest = {
      requestId: ledger.txId,
      patientDid: subject.patientDid,
      custodian: args.custodian,
      recordId: args.recordId,
      relayedBy: actor.did,
      relayedByMsp: actor.mspId,
      requestedAt: ledger.txTime,
      dueAt: new Date(ledger.txMs + ERASURE_REQUEST_DEADLINE_DAYS * DAY_MS).toISOString(),
      answer: null,
    };
    await ledger.putErasureRequest(request_, { indexed: true });
    ledger.emit('ErasureRequested', {
      requestId: request_.requestId,
      custodian: request_.custodian,
      recordId: request_.recordId,
      dueAt: request_.dueAt,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(erasureRequestState(request_, ledger.txMs));
  }

  /**
   * Answers an open erasure request of the caller's org: `erased` purges every version of the record
   * not erased yet (as `EraseRecordContent` does, reason `patient_request`, with public erasure
   * records); `refused` gives a coded legal reason. An answer after the deadline is recorded `late`.
   * Caller: an active admin of the custodian. Endorsed by the custodian and the regulator. Reads:
   * sealed `erasure-request`; `anchor`, `erasure`, `record~latest`. Writes: sealed `erasure-request`;
   * on erasure `erasure`, `record~latest`, sealed `receipt`, private purge. Event: `ErasureRequestAnswered` (ids, codes, the
   * versions erased). Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND,
   * CONFLICT (already answered).
   */
  @Transaction()
  @Returns('string')
  public async AnswerErasureRequest(ctx: Context, input: string): Promise<string> {
    const args = parseInput(answerErasureRequestInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin'], ['hospital']);
    const stored = await ledger.getErasureRequest(actor.mspId, args.requestId);
    if (!stored) return fail(ErrorCode.NOT_FOUND, args.requestId);
    if (stored.answer !== null) fail(ErrorCode.CONFLICT, `${args.requestId} answered`);
    const erased =
      args.answer === 'erased'
        ? await eraseVersions(ledger, actor, { recordId: stored.recordId, reason: 'patient_request' })
        : [];
    const answered: ErasureRequest = {
      ...stored,
      answer: {
        answer: args.answer,
        refusal: args.refusal ?? null,
        versions: erased.map((e) => e.version),
        answeredBy: actor.did,
        answeredAt: ledger.txTime,
        late: Date.parse(stored.dueAt) < ledger.txMs,
        txId: ledger.txId,
      },
    };
    await ledger.putErasureRequest(answered, { indexed: false });
    ledger.emit('ErasureRequestAnswered', {
      requestId: answered.requestId,
      custodian: answered.custodian,
      recordId: answered.recordId,
      answer: args.answer,
      refusal: args.refusal ?? null,
      versions: erased.map((e) => e.version),
      late: answered.answer?.late ?? false,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(erasureRequestState(answered, ledger.txMs));
  }

  /**
   * Erasure requests, oldest first, with their status at the proposal time: a patient's
   * (`patientDid`), or all of them (`status` keeps one status). A hospital's admin reads its own
   * collection; the regulator's auditors and admin every hospital's (the regulator's peer holds them
   * all). Evaluated on the caller's own org's peer. Reads: sealed `erasure-request`,
   * `erasure-request~patient`, `collection-key`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE,
   * FORBIDDEN, NOT_INITIALIZED.
   */
  @Transaction(false)
  @Returns('string')
  public async ListErasureRequests(ctx: Context, input: string): Promise<string> {
    const args = parseInput(listErasureRequestsInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const c = await ledger.consortium();
    const regulator = actor.mspId === c.regulator && (isRegulatorAuditor(actor) || isActiveAdmin(actor));
    if (!regulator && !(isActiveAdmin(actor) && actor.orgKind === 'hospital'))
      fail(ErrorCode.FORBIDDEN, actor.did);
    const orgs = regulator ? [...c.orgs].filter((o) => o !== c.regulator).sort() : [actor.mspId];
    const items: ErasureRequestState[] = [];
    for (const org of orgs) {
      for (const r of await ledger.erasureRequests(org, args.patientDid)) {
        const state = erasureRequestState(r, ledger.txMs);
        if (args.status === undefined || state.status === args.status) items.push(state);
      }
    }
    items.sort(
      (a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.requestId.localeCompare(b.requestId),
    );
    return canonicalJson({ items: items.slice(0, MAX_LISTED_ERASURE_REQUESTS) });
  }
}
