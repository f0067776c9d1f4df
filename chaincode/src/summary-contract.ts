import {
  canonicalJson,
  ErrorCode,
  openPatientAccessInput,
  openPatientAccessTransient,
  PATIENT_ACCESS_TTL_SECONDS,
  readPatientContentInput,
  SUMMARY_CATEGORIES,
  SUMMARY_REQUEST_MAX_LIFETIME_SECONDS,
  summaryReadPayloadSchema,
  type PatientAccess,
  type SummaryEntry,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireActive, resolveActor } from './actor';
import { readAnchoredContent } from './content-at-rest';
import { requireProposalTimeNear, serverClock, type Clock } from './custodian-clock';
import { serverKeyring, type KeyringSource } from './custodian-keyring';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { activePatient, verifyPatientSignature } from './patient-signature';
import { recordView } from './record-view';
import { readTransient } from './transient';

/**
 * The patient's own reads of their health summary (docs/patients.md, health summary): an audited
 * access at each custodian, opened by the patient's signed summary request and relayed by one org,
 * then read on the custodian's peer. A clinician's summary needs none of this: it is made of ordinary
 * access decisions (`AccessRecord`, `ReadRecordContent`).
 */
@Info({ title: 'SummaryContract', description: "The patient's own reads of their health summary" })
export class SummaryContract extends Contract {
  readonly #custodianClock: Clock;
  readonly #keyrings: KeyringSource;

  /**
   * `custodianClock` and `keyrings`: the chaincode server's clock and key-encryption keys, read only by
   * `ReadPatientContent` (content is decrypted there, on the custodian's peer); tests pass their own.
   */
  constructor(custodianClock: Clock = serverClock, keyrings: KeyringSource = serverKeyring) {
    super('summary');
    this.#custodianClock = custodianClock;
    this.#keyrings = keyrings;
  }

  /**
   * Opens, and audits, the patient's own access to their records of the summary's categories
   * (allergies, medication, problems, results) at one custodian: the patient's signed request
   * (transient `request`, `medledger.summary.read`, `aud` the caller's org, at most
   * `SUMMARY_REQUEST_MAX_LIFETIME_SECONDS`, its nonce consumed once per custodian) for the patient in
   * transient `subject`; the record versions come from the patient's listing. Every record must be
   * this patient's at this custodian and of a summary category, else nothing is written. The access,
   * with which versions were erased, is written to the custodian's sealed collection (the custodian
   * knows the patient of its records; the regulator learns it as it learns every access) and lives
   * `PATIENT_ACCESS_TTL_SECONDS`. Caller: an active, registered member of the relaying org (its
   * gateway's service identity), not the regulator's. Endorsed by the custodian and the regulator.
   * Reads: `staff`, `patient`, `nonce`, `record~latest` (an older version: `anchor`, `erasure`,
   * `quality-review`), sealed `record-patient`, `collection-key`. Writes: `nonce`; sealed `patient-access`, `patient-access~patient`. Event:
   * `PatientAccessOpened` (no patient, no record). Errors: VALIDATION_FAILED (a record of another
   * category, the request's patient or lifetime), FORBIDDEN (the regulator's staff, a request for
   * another org, a record of another patient), NOT_FOUND, INACTIVE, NOT_REGISTERED, INVALID_SIGNATURE,
   * EXPIRED, REPLAYED_NONCE, NOT_INITIALIZED.
   */
  @Transaction()
  @Returns('string')
  public async OpenPatientAccess(ctx: Context, input: string): Promise<string> {
    const args = parseInput(openPatientAccessInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    if (actor.mspId === (await ledger.consortium()).regulator) fail(ErrorCode.FORBIDDEN, actor.did);
    const { subject, request } = readTransient(ledger, openPatientAccessTransient);
    await activePatient(ledger, subject.patientDid);
    const { payload } = await verifyPatientSignature(ledger, request.jws, summaryReadPayloadSchema, {
      nonceScope: args.custodian,
    });
    if (payload.patientDid !== subject.patientDid) fail(ErrorCode.VALIDATION_FAILED, 'request patientDid');
    if (payload.aud !== actor.mspId) fail(ErrorCode.FORBIDDEN, 'request aud');
    if (payload.exp - payload.iat > SUMMARY_REQUEST_MAX_LIFETIME_SECONDS)
      fail(ErrorCode.VALIDATION_FAILED, 'request iat,exp');
    const records: PatientAccess['records'] = [];
    const seen = new Set<string>();
    for (const r of args.records) {
      const id = `${r.recordId}\u0000${String(r.version)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const view = await recordView(ledger, args.custodian, r.recordId, r.version);
      if (!SUMMARY_CATEGORIES.includes(view.category)) fail(ErrorCode.VALIDATION_FAILED, r.recordId);
      if ((await ledger.getRecordPatient(args.custodian, r.recordId)) !== subject.patientDid)
        fail(ErrorCode.FORBIDDEN, r.recordId);
      records.push({
        recordId: r.recordId,
        version: r.version,
        category: view.category,
        erased: view.erased,
      });
    }
    const access: PatientAccess = {
      accessId: ledger.txId,
      actorDid: actor.did,
      actorMsp: actor.mspId,
      patientDid: subject.patientDid,
      custodian: args.custodian,
      records,
      txId: ledger.txId,
      txTime: ledger.txTime,
      expiresAt: new Date(ledger.txMs + PATIENT_ACCESS_TTL_SECONDS * 1000).toISOString(),
    };
    await ledger.putPatientAccess(access);
    ledger.emit('PatientAccessOpened', {
      accessId: access.accessId,
      custodian: access.custodian,
      actorDid: actor.did,
      actorMsp: actor.mspId,
      records: records.length,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson({
      accessId: access.accessId,
      custodian: access.custodian,
      records: records.length,
      expiresAt: access.expiresAt,
    });
  }

  /**
   * The content of the records a patient access opened, each with what verifies it (custodian,
   * version, anchoring transaction, on-chain hash, salt), skipping those erased before or since. Run
   * as an evaluate on a peer of the custodian (content lives there only), by the access's own actor,
   * while it lasts and while the patient stays active. Never committed, and it reads the clock: the
   * proposal time must be within `PROPOSAL_TIME_WINDOW_SECONDS` of the custodian's chaincode server,
   * after refusing any other peer, as `ReadRecordContent` does. Caller: the access's actor.
   * Reads: sealed `patient-access`, `collection-key`; `staff`, `patient`, `record~latest` (an older
   * version: `anchor`, `erasure`, `quality-review`); private `content`, `data-key` (decrypted with the custodian server's keyring).
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, CONTENT_UNAVAILABLE (not the custodian's
   * peer), ACCESS_NOT_GRANTED, EXPIRED, CONTENT_MISMATCH, KEY_UNAVAILABLE, PROPOSAL_TIME_SKEW,
   * NOT_INITIALIZED.
   */
  @Transaction(false)
  @Returns('string')
  public async ReadPatientContent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(readPatientContentInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    if (ledger.peerMsp !== args.custodian)
      fail(ErrorCode.CONTENT_UNAVAILABLE, `${args.accessId} not on this peer`);
    requireProposalTimeNear(ledger.txMs, this.#custodianClock, args.accessId);
    const access = await ledger.getPatientAccess(args.custodian, args.accessId);
    if (access?.actorDid !== actor.did || access.actorMsp !== actor.mspId)
      return fail(ErrorCode.ACCESS_NOT_GRANTED, args.accessId);
    if (Date.parse(access.expiresAt) <= ledger.txMs) fail(ErrorCode.EXPIRED, args.accessId);
    await activePatient(ledger, access.patientDid);
    const entries: SummaryEntry[] = [];
    for (const r of access.records) {
      const anchor = await recordView(ledger, access.custodian, r.recordId, r.version);
      if (anchor.erased) continue;
      const envelope = await readAnchoredContent(ledger, this.#keyrings, anchor);
      entries.push({
        recordId: anchor.recordId,
        custodian: anchor.custodian,
        version: anchor.version,
        department: anchor.department,
        category: anchor.category,
        fhirResourceType: anchor.fhirResourceType,
        anchoredAt: anchor.txTime,
        anchorTxId: anchor.txId,
        contentHash: anchor.contentHash,
        resource: envelope.resource,
        salt: envelope.salt,
      });
    }
    return canonicalJson({ accessId: access.accessId, custodian: access.custodian, entries });
  }
}
