import {
  canonicalJson,
  ErrorCode,
  getAuditEventInput,
  isPatientDid,
  OPAQUE_ID_PATTERN,
  parseStaffDid,
  queryAuditInput,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { isActiveAdmin, isRegulatorAuditor, requireActive, resolveActor } from './actor';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { readableCollections, readsEverySealedCollection } from './visibility';

/**
 * Audit queries over access events: newest first, paginated, bounded. Events live in the custodians'
 * sealed collections, so a query runs on the caller's own org's peer and sees what that peer holds:
 * a hospital its own records' accesses, the regulator every org's.
 */
@Info({ title: 'AuditContract', description: 'Audit queries' })
export class AuditContract extends Contract {
  constructor() {
    super('audit');
  }

  /**
   * Access events of one patient, actor or record, newest first, `pageSize` ≤ 100, with bookmarks
   * (positions: one page merges the collections the caller may read). Caller: a regulator's auditor
   * (every org's collection); an org admin (their own org's collection: accesses to their org's
   * records; by actor only their org's staff); any other active staff (their own events, in their own
   * org's collection). Admins of research or regulator orgs get no patient scans: consortium-wide
   * audit reads are the regulator's auditors'. Evaluated on the caller's own org's peer.
   * Reads: sealed `audit~patient` | `audit~actor` | `audit~record` (one range read per collection:
   * the entries carry their events), `audit` for entries written before they did.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN.
   */
  @Transaction(false)
  @Returns('string')
  public async QueryAudit(ctx: Context, input: string): Promise<string> {
    const args = parseInput(queryAuditInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const idOk =
      args.by === 'patient'
        ? isPatientDid(args.id)
        : args.by === 'actor'
          ? parseStaffDid(args.id) !== undefined
          : OPAQUE_ID_PATTERN.test(args.id);
    if (!idOk) fail(ErrorCode.VALIDATION_FAILED, 'id');
    let allowed = isRegulatorAuditor(actor) || (args.by === 'actor' && args.id === actor.did);
    if (!allowed && isActiveAdmin(actor)) {
      if (args.by === 'patient') allowed = actor.orgKind === 'hospital';
      else if (args.by === 'actor') allowed = parseStaffDid(args.id)?.orgSlug === actor.orgSlug;
      else allowed = true;
    }
    if (!allowed) fail(ErrorCode.FORBIDDEN, actor.did);
    const orgs = await readableCollections(ledger, actor);
    return canonicalJson(await ledger.pageAudit(orgs, args.by, args.id, args.pageSize, args.bookmark));
  }

  /**
   * One audit event. Caller: a regulator's auditor or admin (the regulator's gateway projects every
   * event); an admin of the custodian's org; the event's actor, when their org is the custodian.
   * Evaluated on the caller's own org's peer. Reads: sealed `audit`. Errors: VALIDATION_FAILED,
   * NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async GetAuditEvent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getAuditEventInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const orgs = await readableCollections(ledger, actor);
    const regulatorStaff = readsEverySealedCollection(actor, (await ledger.consortium()).regulator);
    const event = await ledger.getAuditEvent(orgs, args.eventId);
    if (!event) return fail(ErrorCode.NOT_FOUND, args.eventId);
    const allowed =
      regulatorStaff ||
      event.actorDid === actor.did ||
      (isActiveAdmin(actor) && event.custodian === actor.mspId);
    if (!allowed) fail(ErrorCode.FORBIDDEN, actor.did);
    return canonicalJson(event);
  }
}
