import {
  canonicalJson,
  closeIncidentTransient,
  emptyInputSchema,
  ErrorCode,
  getIncidentInput,
  linkIncidentEventsTransient,
  listIncidentsInput,
  MAX_INCIDENT_ENTRIES,
  openIncidentTransient,
  recordIncidentStepTransient,
  type Incident,
  type IncidentLink,
  type IncidentReceipt,
  type StoredIncidentLink,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { isActiveAdmin, isRegulatorAuditor, requireActive, resolveActor, type Actor } from './actor';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { readTransient } from './transient';
import { requireRegulatorPeer } from './visibility';

/** An active auditor of the regulator, on the regulator's own peer (the only one holding incidents). */
async function regulatorAt(ledger: Ledger, actor: Actor): Promise<string> {
  requireActive(actor);
  const regulator = (await ledger.consortium()).regulator;
  if (actor.mspId !== regulator || !isRegulatorAuditor(actor)) fail(ErrorCode.FORBIDDEN, actor.did);
  await requireRegulatorPeer(ledger);
  return regulator;
}

/** An open incident; `[NOT_FOUND]`, or `[CONFLICT]` once closed or full. */
async function openIncident(ledger: Ledger, incidentId: string): Promise<Incident> {
  const incident = await ledger.getIncident(incidentId);
  if (!incident) return fail(ErrorCode.NOT_FOUND, incidentId);
  if (incident.status !== 'open') fail(ErrorCode.CONFLICT, incidentId);
  if (incident.links.length + incident.steps.length >= MAX_INCIDENT_ENTRIES) {
    fail(ErrorCode.CONFLICT, `${incidentId} full`);
  }
  return incident;
}

/**
 * The fact a link names, found and checked on the ledger: the transaction that wrote it and the orgs
 * it concerns. `[NOT_FOUND]` for an id that wrote no such fact (a forged or mistyped link), so an
 * incident only ever points at what happened.
 */
async function resolveLink(ledger: Ledger, link: IncidentLink): Promise<{ txId: string; orgs: string[] }> {
  switch (link.kind) {
    case 'audit_event': {
      const event = await ledger.getAuditEvent([link.custodian], link.eventId);
      if (!event) return fail(ErrorCode.NOT_FOUND, link.eventId);
      return { txId: event.txId, orgs: [event.custodian, event.actorMsp] };
    }
    case 'record_version': {
      const anchor = await ledger.getAnchor(link.custodian, link.recordId, link.version);
      if (!anchor) return fail(ErrorCode.NOT_FOUND, `${link.recordId} version`);
      return { txId: anchor.txId, orgs: [anchor.custodian] };
    }
    case 'freeze': {
      const freeze = await ledger.getFreeze(link.freezeId);
      if (!freeze) return fail(ErrorCode.NOT_FOUND, link.freezeId);
      return { txId: freeze.freezeId, orgs: [freeze.org] };
    }
  }
}

/** The orgs, once each, in order, without the regulator (who sees every incident anyway). */
function concerned(orgs: readonly string[], regulator: string): string[] {
  return [...new Set(orgs)].filter((o) => o !== regulator);
}

/**
 * What a reader sees of an incident: the regulator everything; an admin of a concerned org the
 * incident with only its own org among the orgs and only the links that concern it (another org's
 * facts stay that org's and the regulator's).
 */
function viewOf(incident: Incident, reader: { org: string; regulator: boolean }): Incident {
  if (reader.regulator) return incident;
  return {
    ...incident,
    orgs: [reader.org],
    links: incident.links.filter((l) => l.orgs.includes(reader.org)),
  };
}

/**
 * Saves the next version of an incident, emits `IncidentRecorded` and answers the receipt (ids only:
 * a submit's answer is written into the block).
 */
async function save(
  ledger: Ledger,
  incident: Incident,
  action: 'opened' | 'linked' | 'step' | 'closed',
): Promise<string> {
  await ledger.putIncident(incident);
  ledger.emit('IncidentRecorded', {
    incidentId: incident.incidentId,
    action,
    txId: ledger.txId,
    txTime: ledger.txTime,
  });
  const receipt: IncidentReceipt = {
    incidentId: incident.incidentId,
    version: incident.version,
    status: incident.status,
  };
  return canonicalJson(receipt);
}

/**
 * Incidents: a regulator's auditor opens one (category, severity, orgs concerned), links the facts it
 * is about (access decisions, record versions, freezes), records the response plan's steps and closes
 * it with a finding. Everything lives in the regulator's sealed collection; the orgs concerned read
 * what concerns them through the regulator's peer.
 */
@Info({ title: 'IncidentContract', description: "The regulator's incidents and their response" })
export class IncidentContract extends Contract {
  constructor() {
    super('incident');
  }

  /**
   * Opens an incident (transient `incident`: category, severity, the orgs it concerns). Caller: an
   * active regulator auditor; endorsed by the regulator's peer alone (the write is its own sealed
   * collection's). Writes: sealed `incident` (regulator). Event: `IncidentRecorded` (`opened`).
   * Answer: the receipt (id, version, status). Errors: VALIDATION_FAILED (an org outside the
   * consortium), NOT_REGISTERED, INACTIVE, FROZEN, FORBIDDEN (not a regulator auditor, not on the
   * regulator's peer), NOT_INITIALIZED.
   */
  @Transaction()
  @Returns('string')
  public async OpenIncident(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    const regulator = await regulatorAt(ledger, actor);
    const { incident: args } = readTransient(ledger, openIncidentTransient);
    const members = (await ledger.consortium()).orgs;
    if (args.orgs.some((o) => !members.includes(o))) fail(ErrorCode.VALIDATION_FAILED, 'orgs');
    return save(
      ledger,
      {
        incidentId: ledger.txId,
        category: args.category,
        severity: args.severity,
        orgs: concerned(args.orgs, regulator),
        status: 'open',
        openedBy: actor.did,
        openedAt: ledger.txTime,
        links: [],
        steps: [],
        finding: null,
        reportHash: null,
        closedBy: null,
        closedAt: null,
        version: 1,
      },
      'opened',
    );
  }

  /**
   * Links facts to an open incident (transient `incident`: id and links), each found and checked on
   * the ledger first; the orgs each fact concerns join the incident's. A fact linked before is not
   * linked twice. Caller: an active regulator auditor, on the regulator's peer. Reads: sealed
   * `incident`, `audit` (the custodian's), `anchor`, `freeze`. Writes: sealed `incident`. Event:
   * `IncidentRecorded` (`linked`). Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FROZEN,
   * FORBIDDEN, NOT_FOUND (the incident, or a linked fact: a forged link), CONFLICT (closed, full).
   */
  @Transaction()
  @Returns('string')
  public async LinkIncidentEvents(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    const regulator = await regulatorAt(ledger, actor);
    const { incident: args } = readTransient(ledger, linkIncidentEventsTransient);
    const incident = await openIncident(ledger, args.incidentId);
    const links = [...incident.links];
    const orgs = [...incident.orgs];
    for (const link of args.links) {
      const fact = await resolveLink(ledger, link);
      if (links.some((l) => canonicalJson(l.link) === canonicalJson(link))) continue;
      const stored: StoredIncidentLink = {
        link,
        txId: fact.txId,
        orgs: concerned(fact.orgs, regulator),
        linkedBy: actor.did,
        linkedAt: ledger.txTime,
      };
      links.push(stored);
      orgs.push(...stored.orgs);
    }
    if (links.length + incident.steps.length > MAX_INCIDENT_ENTRIES) fail(ErrorCode.CONFLICT, 'full');
    const next = { ...incident, links, orgs: concerned(orgs, regulator), version: incident.version + 1 };
    return save(ledger, next, 'linked');
  }

  /**
   * Records a step of the response plan (transient `incident`: id, step code, and the SHA-256 of a
   * document kept outside the ledger, if any), timed by the transaction. Caller: an active regulator
   * auditor, on the regulator's peer. Reads/writes: sealed `incident`. Event: `IncidentRecorded`
   * (`step`). Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FROZEN, FORBIDDEN, NOT_FOUND,
   * CONFLICT (closed, full).
   */
  @Transaction()
  @Returns('string')
  public async RecordIncidentStep(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    await regulatorAt(ledger, actor);
    const { incident: args } = readTransient(ledger, recordIncidentStepTransient);
    const incident = await openIncident(ledger, args.incidentId);
    const step = {
      step: args.step,
      documentHash: args.documentHash ?? null,
      recordedBy: actor.did,
      txId: ledger.txId,
      at: ledger.txTime,
    };
    const next = { ...incident, steps: [...incident.steps, step], version: incident.version + 1 };
    return save(ledger, next, 'step');
  }

  /**
   * Closes an open incident with a finding (transient `incident`: id, finding code, the SHA-256 of
   * the final report kept outside the ledger, if any); nothing changes it afterwards. Closing does
   * not lift the freezes it links: each is lifted by the regulator and its org's admin. Caller: an
   * active regulator auditor, on the regulator's peer. Reads/writes: sealed `incident`. Event:
   * `IncidentRecorded` (`closed`). Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FROZEN,
   * FORBIDDEN, NOT_FOUND, CONFLICT (closed already).
   */
  @Transaction()
  @Returns('string')
  public async CloseIncident(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    await regulatorAt(ledger, actor);
    const { incident: args } = readTransient(ledger, closeIncidentTransient);
    const incident = await ledger.getIncident(args.incidentId);
    if (!incident) return fail(ErrorCode.NOT_FOUND, args.incidentId);
    if (incident.status !== 'open') fail(ErrorCode.CONFLICT, args.incidentId);
    const next: Incident = {
      ...incident,
      status: 'closed',
      finding: args.finding,
      reportHash: args.reportHash ?? null,
      closedBy: actor.did,
      closedAt: ledger.txTime,
      version: incident.version + 1,
    };
    return save(ledger, next, 'closed');
  }

  /**
   * One incident, as its reader may see it ({@link viewOf}): a regulator auditor (or the regulator's
   * admin) every incident; an active admin of an org it concerns that org's part; anyone else
   * `[NOT_FOUND]`, as for an incident that does not exist. Evaluated on the regulator's peer. Errors:
   * VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FROZEN, FORBIDDEN (another peer), NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async GetIncident(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getIncidentInput, input);
    const ledger = new Ledger(ctx);
    const reader = await readerOf(ctx, ledger);
    const incident = await ledger.getIncident(args.incidentId);
    if (!incident || !(reader.regulator || incident.orgs.includes(reader.org))) {
      return fail(ErrorCode.NOT_FOUND, args.incidentId);
    }
    return canonicalJson(viewOf(incident, reader));
  }

  /**
   * The incidents a reader may see (as {@link IncidentContract.GetIncident}), open ones by default,
   * newest first. Evaluated on the regulator's peer. Errors: VALIDATION_FAILED, NOT_REGISTERED,
   * INACTIVE, FROZEN, FORBIDDEN (neither the regulator's auditor or admin nor an org's admin; another
   * peer).
   */
  @Transaction(false)
  @Returns('string')
  public async ListIncidents(ctx: Context, input: string): Promise<string> {
    const args = parseInput(listIncidentsInput, input);
    const ledger = new Ledger(ctx);
    const reader = await readerOf(ctx, ledger);
    const items = (await ledger.incidents())
      .filter((i) => args.status === 'all' || i.status === args.status)
      .filter((i) => reader.regulator || i.orgs.includes(reader.org))
      .sort((a, b) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0))
      .map((i) => viewOf(i, reader));
    return canonicalJson({ items });
  }
}

/**
 * Who reads incidents: the regulator's auditors and admin (its gateway's identity) everything, an org's
 * active admin what concerns that org; `[FORBIDDEN]` for anyone else and on any peer but the
 * regulator's (no other peer holds incidents).
 */
async function readerOf(ctx: Context, ledger: Ledger): Promise<{ org: string; regulator: boolean }> {
  const actor = await resolveActor(ctx, ledger);
  requireActive(actor);
  const { regulator } = await requireRegulatorPeer(ledger);
  const ofRegulator = actor.mspId === regulator && (isRegulatorAuditor(actor) || isActiveAdmin(actor));
  if (!ofRegulator && !isActiveAdmin(actor)) fail(ErrorCode.FORBIDDEN, actor.did);
  return { org: actor.mspId, regulator: ofRegulator };
}
