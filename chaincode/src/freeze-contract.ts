import {
  canonicalJson,
  ErrorCode,
  freezeAccessInput,
  freezeSubjectKey,
  freezeSubjectOrg,
  getFreezeInput,
  liftFreezeInput,
  listFreezesInput,
  type Freeze,
  type FreezeLiftSide,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { isRegulatorAuditor, requireActive, resolveActor, type Actor } from './actor';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';

/** An active auditor of the consortium's regulator; `[FORBIDDEN]` otherwise. */
async function requireRegulatorAuditor(ledger: Ledger, actor: Actor): Promise<string> {
  requireActive(actor);
  const regulator = (await ledger.consortium()).regulator;
  if (!isRegulatorAuditor(actor) || actor.mspId !== regulator) fail(ErrorCode.FORBIDDEN, actor.did);
  return regulator;
}

/**
 * Which side of a lift the actor approves for: the regulator's active auditor, or an admin of the
 * frozen org who is active but for the freeze (an org freeze holds its own admins, who must still be
 * able to answer for lifting it). `[FORBIDDEN]` for anyone else, `[INACTIVE]` for a suspended or
 * deactivated admin, `[FROZEN]` for a frozen auditor.
 */
function liftSide(actor: Actor, freeze: Freeze, regulator: string): FreezeLiftSide {
  if (actor.mspId === regulator && actor.role === 'auditor') {
    // An auditor held by a freeze answers FROZEN: no one approves while frozen, but for their org.
    requireActive(actor);
    return 'regulator';
  }
  if (actor.role === null) return fail(ErrorCode.NOT_REGISTERED, actor.did);
  if (actor.mspId !== freeze.org || actor.role !== 'admin') return fail(ErrorCode.FORBIDDEN, actor.did);
  if (!actor.activeBeforeFreeze) return fail(ErrorCode.INACTIVE, actor.did);
  // The frozen person never answers for their own freeze, whatever their role.
  if (freeze.subject.kind === 'person' && freeze.subject.did === actor.did) {
    return fail(ErrorCode.FORBIDDEN, actor.did);
  }
  return 'org';
}

/**
 * Freezes: a regulator's auditor stops a person's or a whole org's access at once, and lifting needs
 * the regulator and the frozen org's admin (two-person rule across orgs).
 */
@Info({
  title: 'FreezeContract',
  description: 'Regulator freezes of a person or an org, lifted by two parties',
})
export class FreezeContract extends Contract {
  constructor() {
    super('freeze');
  }

  /**
   * Freezes a person (a staff DID of a consortium org; every certificate of that enrollment id) or a
   * whole org (every identity of its MSP) with a coded reason. From its commit every transaction of a
   * frozen signer fails with `[FROZEN] <freeze id>` and every access or listing decision is an audited
   * denial `FROZEN`; what anyone else, the regulator included, may read does not change. Endorsed by the
   * regulator and an org other than the frozen one (whose peers could refuse); the freeze is bound by a
   * receipt in the regulator's sealed collection and guarded by the frozen org's and the regulator's
   * peers. Caller: an active auditor of the regulator, not for themselves or the regulator's own org.
   * Reads: `consortium`, `staff`, `freeze~subject`. Writes: `freeze`, `freeze~subject`, sealed
   * `receipt` (regulator). Event: `AccessFrozen`. Errors: VALIDATION_FAILED (subject outside the
   * consortium), NOT_REGISTERED, INACTIVE, FROZEN, FORBIDDEN (not a regulator auditor, oneself, the
   * regulator's org), NOT_FOUND (the incident), CONFLICT (an active freeze of the subject exists).
   */
  @Transaction()
  @Returns('string')
  public async FreezeAccess(ctx: Context, input: string): Promise<string> {
    const args = parseInput(freezeAccessInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    const regulator = await requireRegulatorAuditor(ledger, actor);
    const org = freezeSubjectOrg(args.subject, (await ledger.consortium()).orgs);
    if (org === undefined) return fail(ErrorCode.VALIDATION_FAILED, 'subject');
    const subjectKey = freezeSubjectKey(args.subject);
    // No auditor locks the regulator out, nor escapes review by freezing themselves.
    if (subjectKey === regulator || subjectKey === actor.did) fail(ErrorCode.FORBIDDEN, subjectKey);
    // Checked by its hash: the endorsing bystander's peer holds no value of the regulator's collection.
    if (args.incidentId !== undefined && !(await ledger.incidentExists(args.incidentId))) {
      fail(ErrorCode.NOT_FOUND, args.incidentId);
    }
    if ((await ledger.freezesOf(subjectKey)).some((f) => f.status === 'active')) {
      fail(ErrorCode.CONFLICT, subjectKey);
    }
    const freeze: Freeze = {
      freezeId: ledger.txId,
      subject: args.subject,
      org,
      reason: args.reason,
      incidentId: args.incidentId ?? null,
      frozenBy: actor.did,
      frozenAt: ledger.txTime,
      status: 'active',
      liftApprovals: { regulator: null, org: null },
      liftedAt: null,
    };
    await ledger.putFreeze(freeze);
    ledger.emit('AccessFrozen', {
      freezeId: freeze.freezeId,
      subjectKind: args.subject.kind,
      subject: subjectKey,
      org,
      reason: args.reason,
      incidentId: freeze.incidentId,
      frozenBy: actor.did,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(freeze);
  }

  /**
   * Approves lifting a freeze for one side: the regulator's auditor, or an admin of the frozen org
   * (even while the org freeze holds them; never the frozen person). The freeze is lifted by the
   * transaction that completes both sides, so no org admin and no regulator auditor lifts a freeze
   * alone, and the key-level policy makes the same hold for peers: only the frozen org's and the
   * regulator's together change a freeze. Caller: as above. Reads/writes: `freeze`, sealed `receipt`
   * (regulator). Event: `FreezeLiftApproved` (`lifted` once both sides have). Errors: VALIDATION_FAILED,
   * NOT_REGISTERED, INACTIVE, FROZEN (an auditor held by another freeze), FORBIDDEN (anyone else, the
   * frozen person), NOT_FOUND, CONFLICT (`org` is not the freeze's org, already lifted, or this side
   * approved already).
   */
  @Transaction()
  @Returns('string')
  public async LiftFreeze(ctx: Context, input: string): Promise<string> {
    const args = parseInput(liftFreezeInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    const freeze = await ledger.getFreeze(args.freezeId);
    if (!freeze) return fail(ErrorCode.NOT_FOUND, args.freezeId);
    const regulator = (await ledger.consortium()).regulator;
    const side = liftSide(actor, freeze, regulator);
    if (freeze.org !== args.org || freeze.status !== 'active' || freeze.liftApprovals[side] !== null) {
      fail(ErrorCode.CONFLICT, args.freezeId);
    }
    const approvals = {
      ...freeze.liftApprovals,
      [side]: { by: actor.did, txId: ledger.txId, at: ledger.txTime },
    };
    const lifted = approvals.regulator !== null && approvals.org !== null;
    const updated: Freeze = {
      ...freeze,
      liftApprovals: approvals,
      status: lifted ? 'lifted' : 'active',
      liftedAt: lifted ? ledger.txTime : null,
    };
    await ledger.putFreeze(updated);
    ledger.emit('FreezeLiftApproved', {
      freezeId: freeze.freezeId,
      org: freeze.org,
      side,
      approvedBy: actor.did,
      lifted,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(updated);
  }

  /**
   * A freeze by id. Caller: anyone registered, frozen or not (the frozen party reads the id its
   * `[FROZEN]` error names). Reads: `freeze`, the receipt's hash. Errors: VALIDATION_FAILED,
   * NOT_REGISTERED, NOT_FOUND, STATE_INVALID.
   */
  @Transaction(false)
  @Returns('string')
  public async GetFreeze(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getFreezeInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    if (actor.role === null) fail(ErrorCode.NOT_REGISTERED, actor.did);
    const freeze = await ledger.getFreeze(args.freezeId);
    if (!freeze) return fail(ErrorCode.NOT_FOUND, args.freezeId);
    return canonicalJson(freeze);
  }

  /**
   * The freezes of a subject, active and lifted, newest first; without a subject, those that hold the
   * caller (their own and their org's). Freezes name staff and orgs only, like suspensions, so every
   * registered member may read them. Caller: anyone registered, frozen or not. Reads:
   * `freeze~subject`, `freeze`. Errors: VALIDATION_FAILED, NOT_REGISTERED, STATE_INVALID.
   */
  @Transaction(false)
  @Returns('string')
  public async ListFreezes(ctx: Context, input: string): Promise<string> {
    const args = parseInput(listFreezesInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    if (actor.role === null) fail(ErrorCode.NOT_REGISTERED, actor.did);
    const keys = args.subject ? [freezeSubjectKey(args.subject)] : [actor.did, actor.mspId];
    const items: Freeze[] = [];
    for (const key of keys) items.push(...(await ledger.freezesOf(key)));
    items.sort((a, b) => (a.frozenAt < b.frozenAt ? 1 : a.frozenAt > b.frozenAt ? -1 : 0));
    return canonicalJson({ items });
  }
}
