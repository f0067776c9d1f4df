import {
  canonicalJson,
  consentGrantPayloadSchema,
  consentRevokePayloadSchema,
  ErrorCode,
  granteeKey,
  listGranteeConsentsInput,
  listPatientConsentsInput,
  preferencesPayloadSchema,
  signedConsentInput,
  type Consent,
  type PatientPreferences,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireActive, resolveActor } from './actor';
import { fail, parseInput } from './errors';
import { Ledger, type Page } from './ledger/store';
import { verifyPatientSignature } from './patient-signature';

/** The status of a consent at a time: `expired` once its period has ended. */
export function effectiveStatus(consent: Consent, nowMs: number): Consent['status'] {
  if (consent.status === 'revoked') return 'revoked';
  return Date.parse(consent.periodEnd) <= nowMs ? 'expired' : consent.status;
}

function withStatus(page: Page<Consent>, nowMs: number): Page<Consent> {
  return { ...page, items: page.items.map((c) => ({ ...c, status: effectiveStatus(c, nowMs) })) };
}

/** Patient-signed consent (FHIR Consent-like) and standing preferences. */
@Info({ title: 'ConsentContract', description: 'Patient-signed consent grants, revocations and preferences' })
export class ConsentContract extends Contract {
  constructor() {
    super('consent');
  }

  /**
   * Records a consent the patient signed (JWS ES256 with `typ` `medledger.consent.grant`, verified
   * against the patient's DID document; nonce consumed). The consent id is the transaction id.
   * Caller: any active registered member (relays the patient's signature).
   * Reads: `patient`, `nonce`, `study` (study grantee). Writes: `nonce`, `consent`, `consent~patient`,
   * `consent~grantee`. Event: `ConsentGranted`.
   * Errors: VALIDATION_FAILED (period), NOT_REGISTERED, INACTIVE, INVALID_SIGNATURE, EXPIRED,
   * REPLAYED_NONCE, NOT_FOUND (patient or study).
   */
  @Transaction()
  @Returns('string')
  public async GrantConsent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(signedConsentInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { payload } = await verifyPatientSignature(ledger, args.jws, consentGrantPayloadSchema);
    const start = Date.parse(payload.periodStart);
    const end = Date.parse(payload.periodEnd);
    if (!(start < end) || end <= ledger.txMs)
      fail(ErrorCode.VALIDATION_FAILED, 'payload periodStart,periodEnd');
    if (payload.grantee.kind === 'study' && !(await ledger.getStudy(payload.grantee.studyId))) {
      fail(ErrorCode.NOT_FOUND, payload.grantee.studyId);
    }
    const consent: Consent = {
      consentId: ledger.txId,
      patientDid: payload.patientDid,
      grantee: payload.grantee,
      categories: [...new Set(payload.categories)].sort(),
      maxLevel: payload.maxLevel,
      purpose: payload.purpose,
      periodStart: new Date(start).toISOString(),
      periodEnd: new Date(end).toISOString(),
      status: 'active',
      grantedAt: ledger.txTime,
      grantTxId: ledger.txId,
      relayedBy: actor.did,
      revokedAt: null,
      revokeTxId: null,
    };
    const gKey = granteeKey(payload.grantee);
    await ledger.putConsent(consent, gKey, true);
    ledger.emit('ConsentGranted', {
      consentId: consent.consentId,
      patientDid: consent.patientDid,
      grantee: gKey,
      periodEnd: consent.periodEnd,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(consent);
  }

  /**
   * Revokes a consent; the patient signs `medledger.consent.revoke` with the consent id. Effective
   * from the commit of this transaction. Caller: any active registered member (relay).
   * Reads/writes: `consent`, `nonce`. Event: `ConsentRevoked`.
   * Errors: NOT_FOUND, FORBIDDEN (another patient's consent), CONFLICT (already revoked),
   * INVALID_SIGNATURE, EXPIRED, REPLAYED_NONCE, VALIDATION_FAILED, NOT_REGISTERED, INACTIVE.
   */
  @Transaction()
  @Returns('string')
  public async RevokeConsent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(signedConsentInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { payload } = await verifyPatientSignature(ledger, args.jws, consentRevokePayloadSchema);
    const consent = await ledger.getConsent(payload.consentId);
    if (!consent) return fail(ErrorCode.NOT_FOUND, payload.consentId);
    if (consent.patientDid !== payload.patientDid) fail(ErrorCode.FORBIDDEN, payload.consentId);
    if (consent.status === 'revoked') fail(ErrorCode.CONFLICT, payload.consentId);
    const revoked: Consent = {
      ...consent,
      status: 'revoked',
      revokedAt: ledger.txTime,
      revokeTxId: ledger.txId,
    };
    const gKey = granteeKey(consent.grantee);
    await ledger.putConsent(revoked, gKey, false);
    ledger.emit('ConsentRevoked', {
      consentId: consent.consentId,
      patientDid: consent.patientDid,
      grantee: gKey,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(revoked);
  }

  /**
   * Sets a patient's standing preferences (e.g. whether break-glass access is allowed), signed
   * `medledger.preferences`, newer (`iat`) than the last preferences accepted for the patient, so an
   * older signed payload relayed again cannot roll them back. Caller: any active registered member
   * (relay). Writes: `prefs`, `nonce`, `patient~iat`. Event: `PatientPreferencesSet`.
   * Errors: INVALID_SIGNATURE, EXPIRED, REPLAYED_NONCE, STALE_PAYLOAD, VALIDATION_FAILED, NOT_FOUND,
   * NOT_REGISTERED, INACTIVE.
   */
  @Transaction()
  @Returns('string')
  public async SetPatientPreferences(ctx: Context, input: string): Promise<string> {
    const args = parseInput(signedConsentInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const { payload } = await verifyPatientSignature(ledger, args.jws, preferencesPayloadSchema, {
      monotonic: true,
    });
    const prefs: PatientPreferences = {
      patientDid: payload.patientDid,
      allowEmergencyAccess: payload.allowEmergencyAccess,
      updatedAt: ledger.txTime,
      txId: ledger.txId,
    };
    await ledger.putPreferences(prefs);
    ledger.emit('PatientPreferencesSet', {
      patientDid: payload.patientDid,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(prefs);
  }

  /**
   * A page of a patient's consents (status `expired` derived at the proposal time).
   * Caller: any active registered member. Reads: `consent~patient`, `consent`.
   * Errors: VALIDATION_FAILED (incl. a bookmark from another scan), NOT_REGISTERED, INACTIVE.
   */
  @Transaction(false)
  @Returns('string')
  public async ListPatientConsents(ctx: Context, input: string): Promise<string> {
    const args = parseInput(listPatientConsentsInput, input);
    const ledger = new Ledger(ctx);
    requireActive(await resolveActor(ctx, ledger));
    const page = await ledger.pageConsentsOfPatient(args.patientDid, args.pageSize, args.bookmark);
    return canonicalJson(withStatus(page, ledger.txMs));
  }

  /**
   * A page of the consents given to a grantee (org, staff DID or study).
   * Caller: any active registered member. Reads: `consent~grantee`, `consent`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE.
   */
  @Transaction(false)
  @Returns('string')
  public async ListGranteeConsents(ctx: Context, input: string): Promise<string> {
    const args = parseInput(listGranteeConsentsInput, input);
    const ledger = new Ledger(ctx);
    requireActive(await resolveActor(ctx, ledger));
    const page = await ledger.pageConsentsOfGrantee(granteeKey(args.grantee), args.pageSize, args.bookmark);
    return canonicalJson(withStatus(page, ledger.txMs));
  }
}
