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

/** Audit queries over access events: newest first, paginated, bounded. */
@Info({ title: 'AuditContract', description: 'Audit queries' })
export class AuditContract extends Contract {
  constructor() {
    super('audit');
  }

  /**
   * Access events of one patient, actor or record, newest first, `pageSize` ≤ 100, with bookmarks
   * (a bookmark from another scan is refused). Caller: a regulator's auditor (anything); an org admin
   * (actors of their own org; records their org keeps; and, for a hospital admin, a patient's events
   * at their own hospital, as custodian or as the actor's org: a page may then be short, follow the
   * bookmark); any other active staff (their own events only). Admins of research or regulator orgs
   * get no patient scans: consortium-wide audit reads are the regulator's auditors' (docs/architecture.md,
   * access decisions).
   * Reads: `audit~patient` | `audit~actor` | `audit~record`, `audit`, `record`.
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
    let ownHospitalOnly = false;
    if (!allowed && isActiveAdmin(actor)) {
      if (args.by === 'patient') {
        allowed = actor.orgKind === 'hospital';
        ownHospitalOnly = true;
      } else if (args.by === 'actor') allowed = parseStaffDid(args.id)?.orgSlug === actor.orgSlug;
      else allowed = (await ledger.getRecord(args.id))?.custodian === actor.mspId;
    }
    if (!allowed) fail(ErrorCode.FORBIDDEN, actor.did);
    const page = await ledger.pageAudit(args.by, args.id, args.pageSize, args.bookmark);
    if (!ownHospitalOnly) return canonicalJson(page);
    const items = page.items.filter((e) => e.custodian === actor.mspId || e.actorMsp === actor.mspId);
    return canonicalJson({ ...page, items });
  }

  /**
   * One audit event. Caller: a regulator's auditor; an admin of the actor's or the custodian's org;
   * the event's actor. Reads: `audit`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN,
   * NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async GetAuditEvent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getAuditEventInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const event = await ledger.getAuditEvent(args.eventId);
    if (!event) return fail(ErrorCode.NOT_FOUND, args.eventId);
    const allowed =
      isRegulatorAuditor(actor) ||
      event.actorDid === actor.did ||
      (isActiveAdmin(actor) && (event.actorMsp === actor.mspId || event.custodian === actor.mspId));
    if (!allowed) fail(ErrorCode.FORBIDDEN, actor.did);
    return canonicalJson(event);
  }
}
