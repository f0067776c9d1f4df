import {
  attestDeletionInput,
  canonicalJson,
  consentGrantPayloadSchema,
  consentRevokePayloadSchema,
  decodeCompactJws,
  emergencyProfileOf,
  emptyInputSchema,
  ErrorCode,
  getConsentInput,
  getPatientPreferencesInput,
  resolveAccessConsentsInput,
  grantConsentTransient,
  granteeKey,
  granteeOrgOf,
  listGranteeConsentsInput,
  listPatientConsentsInput,
  patientKeyOf,
  preferencesPayloadSchema,
  preferencesReadOf,
  preferencesTransient,
  revokeConsentTransient,
  sha256Hex,
  type Consent,
  type ConsentRevocation,
  type ConsentState,
  type Consortium,
  type DeletionAttestation,
  type Grantee,
  type PatientPreferences,
  type PublicConsent,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireActive, resolveActor } from './actor';
import { fail, parseInput } from './errors';
import { Ledger, type Page } from './ledger/store';
import { activePatient, verifyPatientSignature } from './patient-signature';
import { readTransient } from './transient';
import { readableCollections, requireRegulatorPeer } from './visibility';

/** The status of a consent at a time: `revoked` once a revocation exists, `expired` once its period has ended. */
export function effectiveStatus(
  periodEnd: string,
  revocation: ConsentRevocation | undefined,
  nowMs: number,
): Consent['status'] {
  if (revocation) return 'revoked';
  return Date.parse(periodEnd) <= nowMs ? 'expired' : 'active';
}

/** The org a consent is granted to (its study looked up on the ledger); `[VALIDATION_FAILED]` when none. */
async function granteeOrgOn(ledger: Ledger, consortium: Consortium, grantee: Grantee): Promise<string> {
  let studyOrg: string | undefined;
  if (grantee.kind === 'study') {
    const study = await ledger.getStudy(grantee.studyId);
    if (!study) return fail(ErrorCode.NOT_FOUND, grantee.studyId);
    studyOrg = study.org;
  }
  const org = granteeOrgOf(grantee, consortium.orgs, studyOrg);
  return org ?? fail(ErrorCode.VALIDATION_FAILED, 'grantee');
}

/** The patient a signed grant names, or undefined when it is not a grant. */
function grantPatientOf(jws: string): string | undefined {
  try {
    return consentGrantPayloadSchema.parse(decodeCompactJws(jws).payload).patientDid;
  } catch {
    return undefined;
  }
}

function stateOf(pub: PublicConsent, revocation: ConsentRevocation | undefined, nowMs: number): ConsentState {
  return {
    consentId: pub.consentId,
    granteeOrg: pub.granteeOrg,
    status: effectiveStatus(pub.periodEnd, revocation, nowMs),
    periodEnd: pub.periodEnd,
    grantedAt: pub.grantedAt,
    grantTxId: pub.grantTxId,
    revokedAt: revocation?.revokedAt ?? null,
    revokeTxId: revocation?.revokeTxId ?? null,
  };
}

/** A consent with its current status (the revocation is public). */
async function withStatus(ledger: Ledger, consent: Consent): Promise<Consent> {
  const revocation = await ledger.getRevocation(consent.consentId);
  return {
    ...consent,
    status: effectiveStatus(consent.periodEnd, revocation, ledger.txMs),
    revokedAt: revocation?.revokedAt ?? null,
    revokeTxId: revocation?.revokeTxId ?? null,
  };
}

async function pageWithStatus(ledger: Ledger, page: Page<Consent>): Promise<Page<Consent>> {
  const items: Consent[] = [];
  for (const c of page.items) items.push(await withStatus(ledger, c));
  return { ...page, items };
}

/**
 * Patient-signed consent (FHIR Consent-like) and standing preferences. A consent's terms and the
 * patient's signed grant live in the grantee org's sealed collection (grantee and regulator); the
 * public ledger learns only that some consent to that org was granted or revoked.
 */
@Info({ title: 'ConsentContract', description: 'Patient-signed consent grants, revocations and preferences' })
export class ConsentContract extends Contract {
  constructor() {
    super('consent');
  }

  /**
   * Records a consent the patient signed (transient `consent`: `{jws}`, ES256 with `typ`
   * `medledger.consent.grant`, verified against the patient's DID document; nonce consumed). The
   * consent id is the transaction id. Endorsed by the grantee org and the regulator: the terms and the
   * signed grant go to the grantee org's sealed collection (with indexes by patient and by grantee),
   * and the public consent (grantee org, hash of the signed grant, end of period; no patient) is
   * write-once with its receipt in that collection. A use-limited consent (`maxReads`) and its
   * `keepUntil` (after the period's start) are public facts of the consent, so every endorser of an
   * access decision counts against the limit and every projection sees when deletion is due. Its
   * use counter starts here at zero, so that decisions racing for its first read already conflict
   * under MVCC (a count created by a decision would carry its new key-level policy, and Fabric fails
   * the other writers of that block as a policy failure instead).
   * Caller: any active registered member (relays the patient's signature).
   * Reads: `patient`, `nonce`, `study` (study grantee), `consortium`. Writes: `nonce`, `consent`,
   * `consent~use` (use-limited only, receipt in the regulator's sealed collection); sealed (grantee
   * org) `consent-terms`, `consent~patient`, `consent~grantee`, `receipt`.
   * Event: `ConsentGranted` (no patient). Errors: VALIDATION_FAILED (period, grantee), NOT_REGISTERED,
   * INACTIVE, INVALID_SIGNATURE, EXPIRED, REPLAYED_NONCE, NOT_FOUND (patient or study), NOT_INITIALIZED.
   */
  @Transaction()
  @Returns('string')
  public async GrantConsent(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { consent: signed } = readTransient(ledger, grantConsentTransient);
    const { payload } = await verifyPatientSignature(ledger, signed.jws, consentGrantPayloadSchema);
    const start = Date.parse(payload.periodStart);
    const end = Date.parse(payload.periodEnd);
    if (!(start < end) || end <= ledger.txMs)
      fail(ErrorCode.VALIDATION_FAILED, 'payload periodStart,periodEnd');
    const keepUntil = payload.keepUntil === undefined ? null : Date.parse(payload.keepUntil);
    if (keepUntil !== null && keepUntil <= start) fail(ErrorCode.VALIDATION_FAILED, 'payload keepUntil');
    const granteeOrg = await granteeOrgOn(ledger, await ledger.consortium(), payload.grantee);
    const consent: Consent = {
      consentId: ledger.txId,
      patientDid: payload.patientDid,
      grantee: payload.grantee,
      categories: [...new Set(payload.categories)].sort(),
      maxLevel: payload.maxLevel,
      purpose: payload.purpose,
      periodStart: new Date(start).toISOString(),
      periodEnd: new Date(end).toISOString(),
      ...(payload.maxReads === undefined ? {} : { maxReads: payload.maxReads }),
      ...(keepUntil === null ? {} : { keepUntil: new Date(keepUntil).toISOString() }),
      status: 'active',
      grantedAt: ledger.txTime,
      grantTxId: ledger.txId,
      relayedBy: actor.did,
      revokedAt: null,
      revokeTxId: null,
      jws: signed.jws,
    };
    await ledger.putConsentTerms(granteeOrg, consent, granteeKey(payload.grantee));
    const pub: PublicConsent = {
      consentId: consent.consentId,
      granteeOrg,
      jwsHash: sha256Hex(signed.jws),
      periodEnd: consent.periodEnd,
      grantedAt: consent.grantedAt,
      grantTxId: consent.grantTxId,
      maxReads: payload.maxReads ?? null,
      keepUntil: consent.keepUntil ?? null,
    };
    await ledger.putPublicConsent(pub);
    if (pub.maxReads !== null)
      await ledger.putConsentUse({ consentId: pub.consentId, reads: 0, lastTxId: ledger.txId }, true);
    ledger.emit('ConsentGranted', {
      consentId: consent.consentId,
      granteeOrg,
      periodEnd: consent.periodEnd,
      keepUntil: pub.keepUntil,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(stateOf(pub, undefined, ledger.txMs));
  }

  /**
   * Revokes a consent (transient `revocation`: `{jws, grantJws}`): the patient signs
   * `medledger.consent.revoke` with the consent id and presents the signed grant it revokes, so the
   * relaying org and the regulator check that the same patient signed both without reading the
   * grantee's collection: no grantee can hold a revocation back. Effective from its commit: access
   * decisions and content reads look for the public revocation. Endorsed by the relaying org and the
   * regulator (receipt in the relaying org's sealed collection; write-once).
   * Caller: any active registered member (relay). Reads: `patient`, `nonce`, `consent`, `revocation`.
   * Writes: `nonce`, `revocation`, sealed `receipt`. Event: `ConsentRevoked`.
   * Errors: NOT_FOUND, FORBIDDEN (another patient's consent), CONFLICT (already revoked),
   * VALIDATION_FAILED (the grant is not the consent's), INVALID_SIGNATURE, EXPIRED, REPLAYED_NONCE,
   * NOT_REGISTERED, INACTIVE, STATE_INVALID.
   */
  @Transaction()
  @Returns('string')
  public async RevokeConsent(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { revocation: signed } = readTransient(ledger, revokeConsentTransient);
    const { payload } = await verifyPatientSignature(ledger, signed.jws, consentRevokePayloadSchema);
    const pub = await ledger.getPublicConsent(payload.consentId);
    if (!pub) return fail(ErrorCode.NOT_FOUND, payload.consentId);
    if (sha256Hex(signed.grantJws) !== pub.jwsHash) fail(ErrorCode.VALIDATION_FAILED, 'grantJws');
    if (grantPatientOf(signed.grantJws) !== payload.patientDid) fail(ErrorCode.FORBIDDEN, payload.consentId);
    const revocation: ConsentRevocation = {
      consentId: pub.consentId,
      relayedByOrg: actor.mspId,
      revokedAt: ledger.txTime,
      revokeTxId: ledger.txId,
    };
    await ledger.putRevocation(revocation);
    ledger.emit('ConsentRevoked', {
      consentId: pub.consentId,
      granteeOrg: pub.granteeOrg,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(stateOf(pub, revocation, ledger.txMs));
  }

  /**
   * Records that the grantee org deleted every copy it made under a consent (content it read, datasets
   * it exported): the attestation the consent's `keepUntil` asks for, public and write-once, receipt in
   * the grantee org's collection, `late` when filed after `keepUntil`. Only the grantee answers for its
   * copies, so only its own members may attest; a consent that never had `keepUntil` may be attested
   * too. Endorsed by the caller's org and the regulator.
   * Caller: an active registered member of the consent's grantee org. Reads: `consent`,
   * `deletion~attestation`. Writes: `deletion~attestation`, sealed `receipt`. Event: `DeletionAttested`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, NOT_FOUND (no such consent), FORBIDDEN
   * (another org than the grantee), CONFLICT (attested already), STATE_INVALID.
   */
  @Transaction()
  @Returns('string')
  public async AttestDeletion(ctx: Context, input: string): Promise<string> {
    const args = parseInput(attestDeletionInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const pub = await ledger.getPublicConsent(args.consentId);
    if (!pub) return fail(ErrorCode.NOT_FOUND, args.consentId);
    if (pub.granteeOrg !== actor.mspId) fail(ErrorCode.FORBIDDEN, actor.did);
    const attestation: DeletionAttestation = {
      consentId: pub.consentId,
      granteeOrg: pub.granteeOrg,
      attestedBy: actor.did,
      attestedAt: ledger.txTime,
      keepUntil: pub.keepUntil,
      late: pub.keepUntil !== null && Date.parse(pub.keepUntil) < ledger.txMs,
      txId: ledger.txId,
    };
    await ledger.putDeletionAttestation(attestation);
    ledger.emit('DeletionAttested', {
      consentId: attestation.consentId,
      granteeOrg: attestation.granteeOrg,
      attestedBy: attestation.attestedBy,
      late: attestation.late,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(attestation);
  }

  /**
   * Sets a patient's standing preferences (transient `preferences`: `{jws}`, signed
   * `medledger.preferences`): the emergency profile, the categories break-glass opens on one
   * attending's word and whether a co-signature may open more (a yes/no signed by an older app is
   * stored as the profile it stands for, `emergencyProfileOf`). Public under the patient key (no DID),
   * receipt in the regulator's collection. The payload must be newer (`iat`) than the last preferences accepted for the patient,
   * so an older signed payload relayed again cannot roll them back. Endorsed by the relaying org and
   * the regulator. Caller: any active registered member (relay). Writes: `prefs`, `nonce`,
   * `patient~iat`, sealed `receipt`. Event: `PatientPreferencesSet`. Errors: INVALID_SIGNATURE,
   * EXPIRED, REPLAYED_NONCE, STALE_PAYLOAD, VALIDATION_FAILED, NOT_FOUND, NOT_REGISTERED, INACTIVE.
   */
  @Transaction()
  @Returns('string')
  public async SetPatientPreferences(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { preferences: signed } = readTransient(ledger, preferencesTransient);
    const { payload } = await verifyPatientSignature(ledger, signed.jws, preferencesPayloadSchema, {
      monotonic: true,
    });
    const prefs: PatientPreferences = {
      emergencyProfile: emergencyProfileOf(payload),
      updatedAt: ledger.txTime,
      txId: ledger.txId,
    };
    const patientKey = patientKeyOf(payload.patientDid);
    await ledger.putPreferences(patientKey, prefs);
    ledger.emit('PatientPreferencesSet', { patientKey, txId: ledger.txId, txTime: ledger.txTime });
    return canonicalJson(prefs);
  }

  /**
   * The consent each of the caller's org's own granted accesses was decided under: what a grantee
   * relied on, so that its gateway can list the deletion attestations it still owes
   * (docs/use-limited-consents.md, "What a grantee owes"). The consent of an access is a sealed fact of
   * the custodian's collection; this runs only on the regulator's peer, which holds every custodian's,
   * and answers only for accesses whose actor is of the caller's org, granted under a consent: another
   * org's access, a denial, an access without a consent and an unknown id are all left out alike, so
   * nothing is learned of another org's reads. No patient, record or content is answered. Caller: an
   * active, registered member of an org other than the regulator. Reads: `staff`, sealed `audit`
   * (each custodian's). Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN (not the
   * regulator's peer, or the regulator's staff), NOT_INITIALIZED.
   */
  @Transaction(false)
  @Returns('string')
  public async ResolveAccessConsents(ctx: Context, input: string): Promise<string> {
    const args = parseInput(resolveAccessConsentsInput, input);
    const ledger = new Ledger(ctx);
    const consortium = await requireRegulatorPeer(ledger);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    if (actor.mspId === consortium.regulator) fail(ErrorCode.FORBIDDEN, actor.did);
    const custodians = new Set(consortium.orgs.filter((o) => o !== consortium.regulator));
    const items: { accessId: string; consentId: string }[] = [];
    for (const { accessId, custodian } of args.accesses) {
      if (!custodians.has(custodian)) continue;
      const event = await ledger.getAuditEvent([custodian], accessId);
      if (event?.actorMsp !== actor.mspId || event.outcome !== 'granted' || event.consentId === null)
        continue;
      items.push({ accessId, consentId: event.consentId });
    }
    return canonicalJson({ items });
  }

  /**
   * A patient's emergency profile as break-glass reads it now: the profile the patient signed, the
   * profile a yes/no signed before profiles stands for, or the default when nothing was signed
   * (`signed` says which). Public state under the patient key; the DID is an argument of this evaluate
   * only, never of a block. Caller: any active registered member (a gateway's service identity reading
   * it back for the patient, who proved their key to it). Reads: `staff`, `patient`, `prefs`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, NOT_FOUND (no such patient).
   */
  @Transaction(false)
  @Returns('string')
  public async GetPatientPreferences(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getPatientPreferencesInput, input);
    const ledger = new Ledger(ctx);
    requireActive(await resolveActor(ctx, ledger));
    await activePatient(ledger, args.patientDid);
    return canonicalJson(preferencesReadOf(await ledger.getPreferences(patientKeyOf(args.patientDid))));
  }

  /**
   * A consent with its terms, signed grant and current status, from the caller's org's sealed
   * collection (the regulator's auditors and admin: every org's, for the regulator's audit views and
   * projection). Evaluated on the caller's own org's peer.
   * Caller: any active registered member of the grantee org, or a regulator's auditor or admin.
   * Reads: sealed `consent-terms`, `revocation`, `consent`. Errors: VALIDATION_FAILED, NOT_REGISTERED,
   * INACTIVE, FORBIDDEN (another org's peer, or a consent granted to another org), NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async GetConsent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getConsentInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    for (const org of await readableCollections(ledger, actor)) {
      const consent = await ledger.getConsentTerms(org, args.consentId);
      if (consent) return canonicalJson(await withStatus(ledger, consent));
    }
    // The public fact names the grantee org: a consent of another org is refused, not hidden.
    if (await ledger.getPublicConsent(args.consentId)) fail(ErrorCode.FORBIDDEN, actor.did);
    return fail(ErrorCode.NOT_FOUND, args.consentId);
  }

  /**
   * A page of a patient's consents held by the caller's org (granted to it), or for a regulator's
   * auditor or admin every org's, in id order (status derived at the proposal time). Evaluated on the caller's
   * own org's peer. Caller: any active registered member. Reads: sealed `consent~patient`,
   * `consent-terms`; `revocation`. Errors: VALIDATION_FAILED (incl. a malformed bookmark),
   * NOT_REGISTERED, INACTIVE, FORBIDDEN (another org's peer).
   */
  @Transaction(false)
  @Returns('string')
  public async ListPatientConsents(ctx: Context, input: string): Promise<string> {
    const args = parseInput(listPatientConsentsInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const orgs = await readableCollections(ledger, actor);
    const page = await ledger.pageConsentsOfPatient(orgs, args.patientDid, args.pageSize, args.bookmark);
    return canonicalJson(await pageWithStatus(ledger, page));
  }

  /**
   * A page of the consents given to a grantee (org, staff DID or study), from the grantee org's
   * sealed collection. Evaluated on the caller's own org's peer. Caller: any active registered member
   * of the grantee org, or a regulator's auditor. Reads: sealed `consent~grantee`, `consent-terms`;
   * `revocation`, `study`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async ListGranteeConsents(ctx: Context, input: string): Promise<string> {
    const args = parseInput(listGranteeConsentsInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const orgs = await readableCollections(ledger, actor);
    const granteeOrg = await granteeOrgOn(ledger, await ledger.consortium(), args.grantee);
    if (!orgs.includes(granteeOrg)) fail(ErrorCode.FORBIDDEN, actor.did);
    const page = await ledger.pageConsentsOfGrantee(
      granteeOrg,
      granteeKey(args.grantee),
      args.pageSize,
      args.bookmark,
    );
    return canonicalJson(await pageWithStatus(ledger, page));
  }
}
