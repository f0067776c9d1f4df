/**
 * A small consortium in memory behind the test gateways' fake ledgers, so the console's browser tests
 * drive whole journeys: staff and auditors with on-chain roles; patients registered only with a proof
 * of possession their key signed; consents granted and revoked only with the patient's signature
 * (each checked with the shared model's verifier, as the chaincode checks it; a revocation only with
 * the signed grant it revokes); records of each custodian whose content hash is the SHA-256 of the
 * staged content, verified the same way; access decisions by custodian, presented consent or
 * break-glass, each an `AccessDecided` event that every gateway's projection follows. As on the real
 * consortium, the patient travels only in transient maps, events carry ids and codes, and a sealed
 * fact (the patient of an access or a consent) reaches only the projections of the orgs whose peers
 * hold it: the custodian's or the grantee org's, and the regulator's.
 * The decision rules are a simplification of the chaincode's policy, enough for what a person sees;
 * the chaincode's own tests (and the console's signer tests against it) cover the real ones.
 */
import {
  accessRecordTransient,
  canonicalJson,
  consentGrantPayloadSchema,
  consentRevokePayloadSchema,
  CONTENT_TRANSIENT_KEY,
  decodeCompactJws,
  granteeKey,
  jwkThumbprint,
  keyRecoveryPayloadSchema,
  patientKeyOf,
  patientRegistrationPayloadSchema,
  emergencyProfileOf,
  preferencesPayloadSchema,
  preferencesReadOf,
  recordReadPayloadSchema,
  registerPatientPayload,
  sha256Hex,
  staffDid,
  SUBJECT_TRANSIENT_KEY,
  verifyCompactJws,
  type AuditEvent,
  type Consent,
  type ConsentState,
  type DidDocument,
  type EmergencyProfile,
  type PatientPreferences,
  type PatientPublicJwk,
  type PatientRecord,
  type RecordAnchor,
} from '@medledger/domain';
import { LedgerBuilder, txId, type TestGateway } from '@medledger/gateway/testing';
import type { SourceEvent } from '@medledger/gateway/projection';

import { PatientRights, type HeldRecord } from './fake-patient-rights';

/** What a member org's peer adds to a public event. */
type SealedFacts = NonNullable<SourceEvent['sealed']>;

/** A person on chain: their org, enrollment id, role and department. */
export interface StaffMember {
  readonly mspId: string;
  readonly enrollmentId: string;
  readonly role: 'admin' | 'attending' | 'intern' | 'nurse' | 'researcher' | 'auditor';
  readonly department: string | null;
}

interface Patient {
  readonly did: string;
  keys: { kid: string; jwk: PatientPublicJwk }[];
  /** The thumbprint of the recovery key the patient keeps offline (null: none registered). */
  recoveryKeyThumbprint: string | null;
  registeredBy: string;
  registeredAt: string;
}

type StoredRecord = HeldRecord;

/** The consortium's regulator (a member of every sealed collection). */
const REGULATOR = 'RegulatorMSP';
/** The org of the test studies. */
const STUDY_ORG = 'ResearchMSP';

const fail = (code: string, detail: string): never => {
  throw new Error(`[${code}] ${detail}`);
};
const now = (): string => new Date().toISOString();

/** The value of a call's transient map under `key` (canonical JSON, as the gateway's ledger sends it). */
function transient(options: { readonly transient?: Readonly<Record<string, string>> }, key: string): unknown {
  const text = options.transient?.[key];
  return text === undefined ? fail('VALIDATION_FAILED', `no transient ${key}`) : JSON.parse(text);
}

/** The org a consent's grantee belongs to (whose sealed collection keeps the consent). */
function granteeOrg(grantee: Consent['grantee']): string {
  if (grantee.kind === 'org') return grantee.mspId;
  if (grantee.kind === 'study') return STUDY_ORG;
  const slug = grantee.did.split(':')[2] ?? '';
  return `${slug.charAt(0).toUpperCase()}${slug.slice(1)}MSP`;
}

/** The public state of a consent (what GrantConsent and RevokeConsent answer). */
function stateOf(c: Consent): ConsentState {
  return {
    consentId: c.consentId,
    granteeOrg: granteeOrg(c.grantee),
    status: c.status,
    periodEnd: c.periodEnd,
    grantedAt: c.grantedAt,
    grantTxId: c.grantTxId,
    revokedAt: c.revokedAt,
    revokeTxId: c.revokeTxId,
  };
}

/** The consortium, wired into the fake ledgers of `gateways` (each serves its own org). */
export class FakeConsortium {
  readonly staff: StaffMember[] = [];
  readonly patients = new Map<string, Patient>();
  readonly consents: Consent[] = [];
  /** Records by custodian and record id (`<custodian>/<recordId>`). */
  readonly records = new Map<string, StoredRecord>();
  readonly decisions: AuditEvent[] = [];
  /** The emergency profile each patient (by DID) signed; unset: the default profile. */
  readonly emergencyProfiles = new Map<string, EmergencyProfile>();
  /** Stored preferences by patient DID, as `SetPatientPreferences` wrote them. */
  readonly #preferences = new Map<string, PatientPreferences>();
  /** The co-signer of each co-signed break-glass access (by access id). */
  readonly coSignedBy = new Map<string, string>();
  /** Every post-hoc review, in order: the case (an access or an emergency listing) and its verdict. */
  readonly reviews: { readonly caseId: string; readonly kind: string; readonly outcome: string }[] = [];
  /** Every patient signature the consortium verified, by payload type (what the tests check). */
  readonly verified: string[] = [];
  readonly #builder = new LedgerBuilder({ salt: `console-${txId()}` });
  readonly #gateways: readonly TestGateway[];
  /** Record listings, summaries, erasure requests, co-signatures and deletion attestations. */
  readonly rights: PatientRights;

  constructor(gateways: readonly TestGateway[], staff: readonly StaffMember[]) {
    this.#gateways = gateways;
    this.staff.push(...staff);
    this.rights = new PatientRights({
      regulator: REGULATOR,
      records: this.records,
      consents: this.consents,
      decisions: this.decisions,
      verifyPatient: (jws) => this.#verifyPatient(jws),
      emit: (name, body, options) => {
        this.#emit(name, body, options);
      },
      granteeOrg,
      staffDid,
      signedEmergencyProfile: (did) => this.emergencyProfiles.get(did),
    });
    for (const gw of gateways) this.#wire(gw);
  }

  /**
   * Commits an event to every gateway's ledger; `sealed` (with the org whose collection holds it)
   * reaches the projections of that org and the regulator only, as a peer's private data delivery.
   */
  #emit(
    name: Parameters<LedgerBuilder['event']>[0],
    body: object,
    options: { readonly time?: string; readonly txId?: string; readonly sealed?: [string, SealedFacts] } = {},
  ): void {
    const event = this.#builder.event(name, body, options.time ?? now(), options.txId);
    this.#builder.nextBlock();
    for (const gw of this.#gateways) {
      const org = gw.config.org.mspId;
      const sealed = options.sealed;
      const member = sealed !== undefined && (org === sealed[0] || org === REGULATOR);
      gw.events.append(member ? { ...event, sealed: sealed[1] } : event);
    }
  }

  /** Appends an access decision as the chaincode would have committed it (for scripted history). */
  decide(
    event: Omit<AuditEvent, 'eventId' | 'txId' | 'txTime'> & {
      readonly txTime?: string;
      /** The second attending who co-signed (their org is the requester's). */
      readonly coSignedBy?: string | null;
    },
  ): AuditEvent {
    const id = this.#builder.peekTxId();
    const { coSignedBy = null, ...fields } = event;
    const decided: AuditEvent = { ...fields, eventId: id, txId: id, txTime: event.txTime ?? now() };
    this.decisions.push(decided);
    this.#emit(
      'AccessDecided',
      {
        eventId: id,
        recordId: decided.recordId,
        custodian: decided.custodian,
        actorDid: decided.actorDid,
        actorMsp: decided.actorMsp,
        actorRole: decided.actorRole,
        purpose: decided.purpose,
        outcome: decided.outcome,
        reason: decided.reason,
        breakGlass: decided.breakGlass,
        version: decided.version,
        breakGlassReason: decided.breakGlassReason,
        coSignedBy,
        coSignerMsp: coSignedBy === null ? null : decided.actorMsp,
      },
      {
        time: decided.txTime,
        txId: id,
        sealed: [
          decided.custodian,
          { kind: 'access', patientDid: decided.patientDid, consentId: decided.consentId },
        ],
      },
    );
    return decided;
  }

  /**
   * Registers `did` at `mspId` with a fresh key nobody holds (for tests whose patient signs nothing).
   */
  async registerForTest(did: string, mspId: string): Promise<void> {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const jwk = { kty, crv, x, y } as PatientPublicJwk;
    this.patients.set(did, {
      did,
      keys: [{ kid: `${did}#key-1`, jwk }],
      recoveryKeyThumbprint: null,
      registeredBy: mspId,
      registeredAt: now(),
    });
    this.#emit('PatientRegistered', { patientKey: patientKeyOf(did), registeredBy: mspId });
    return Promise.resolve();
  }

  /** Waits until every gateway's projection holds every event. */
  async caughtUp(): Promise<void> {
    await Promise.all(this.#gateways.map((gw) => gw.caughtUp()));
  }

  #member(mspId: string, enrollmentId: string): StaffMember | undefined {
    return this.staff.find((s) => s.mspId === mspId && s.enrollmentId === enrollmentId);
  }

  #document(did: string): DidDocument {
    const patient = this.patients.get(did);
    const base = { '@context': ['https://www.w3.org/ns/did/v1'], id: did, controller: did };
    if (patient) {
      const current = patient.keys.at(-1);
      return {
        ...base,
        verificationMethod: patient.keys.map((k) => ({
          id: k.kid,
          type: 'JsonWebKey2020',
          controller: did,
          publicKeyJwk: k.jwk,
        })),
        authentication: current ? [current.kid] : [],
        assertionMethod: current ? [current.kid] : [],
        medledger: {
          kind: 'patient',
          org: null,
          role: null,
          department: null,
          status: 'active',
          currentKeyId: current?.kid ?? null,
          recoveryKeyThumbprint: patient.recoveryKeyThumbprint,
          created: patient.registeredAt,
          updated: patient.registeredAt,
          updatedBy: patient.registeredBy,
          version: patient.keys.length,
        },
      };
    }
    const member = this.staff.find((s) => staffDid(s.mspId, s.enrollmentId) === did);
    if (!member) return fail('NOT_FOUND', did);
    return {
      ...base,
      verificationMethod: [],
      authentication: [],
      assertionMethod: [],
      medledger: {
        kind: 'staff',
        org: member.mspId,
        role: member.role,
        department: member.department,
        status: 'active',
        currentKeyId: null,
        created: now(),
        updated: now(),
        updatedBy: 'admin',
        version: 1,
      },
    };
  }

  /** Verifies a patient's JWS against their current key, as the chaincode does; returns the payload. */
  #verifyPatient(jws: string): Record<string, unknown> {
    const decoded = decodeCompactJws(jws);
    const payload = decoded.payload as { patientDid?: unknown; typ?: unknown };
    const patient = this.patients.get(String(payload.patientDid));
    if (!patient) return fail('NOT_FOUND', String(payload.patientDid));
    const key = patient.keys.at(-1);
    if (!key || decoded.header.kid !== key.kid) return fail('INVALID_SIGNATURE', `${patient.did} key id`);
    verifyCompactJws(jws, key.jwk);
    this.verified.push(String(payload.typ));
    return decoded.payload as Record<string, unknown>;
  }

  #wire(gw: TestGateway): void {
    const mspId = gw.config.org.mspId;
    const h = gw.fake.handlers;
    // The caller of the call being answered (the fake records it before running the handler).
    const caller = (): StaffMember | undefined => {
      const id = gw.fake.calls.at(-1)?.caller ?? '';
      return this.#member(mspId, id);
    };
    h['identity:ResolveDid'] = (i) => this.#document(String(i['did']));
    h['identity:RegisterPatient'] = (_i, o) =>
      this.#register(mspId, registerPatientPayload.parse(transient(o, 'patient')));
    h['identity:RecoverPatientKey'] = (_i, o) =>
      this.#recover(mspId, (transient(o, 'recovery') as { jws: string }).jws);
    h['consent:GrantConsent'] = (_i, o) =>
      this.#grant((transient(o, 'consent') as { jws: string }).jws, caller()?.enrollmentId ?? 'patient-app');
    h['consent:RevokeConsent'] = (_i, o) =>
      this.#revoke(transient(o, 'revocation') as { jws: string; grantJws: string });
    h['consent:ListPatientConsents'] = (i) => {
      // A peer holds the consents of its org's collection; the regulator's, every org's.
      const held = this.consents.filter(
        (c) => c.patientDid === i['patientDid'] && (mspId === REGULATOR || granteeOrg(c.grantee) === mspId),
      );
      return { items: held, bookmark: '', fetchedRecordsCount: held.length };
    };
    h['consent:SetPatientPreferences'] = (_i, o) => {
      const jws = (transient(o, 'preferences') as { jws: string }).jws;
      const payload = preferencesPayloadSchema.parse(this.#verifyPatient(jws));
      const emergencyProfile = emergencyProfileOf(payload);
      this.emergencyProfiles.set(payload.patientDid, emergencyProfile);
      this.#emit('PatientPreferencesSet', { patientKey: patientKeyOf(payload.patientDid) });
      const stored = { emergencyProfile, updatedAt: now(), txId: txId() };
      this.#preferences.set(payload.patientDid, stored);
      return stored;
    };
    h['listing:ConfirmPatientRecord'] = (i, o) => {
      const jws = (transient(o, 'request') as { jws: string }).jws;
      const payload = recordReadPayloadSchema.parse(this.#verifyPatient(jws));
      if (payload.aud !== mspId) return fail('FORBIDDEN', 'request aud');
      if (payload.custodian !== i['custodian'] || payload.recordId !== i['recordId'])
        return fail('VALIDATION_FAILED', 'request custodian,recordId');
      // Another patient's record answers as a record that does not exist.
      if (this.records.get(`${payload.custodian}/${payload.recordId}`)?.patientDid !== payload.patientDid)
        return fail('NOT_FOUND', payload.recordId);
      return { recordId: payload.recordId, custodian: payload.custodian };
    };
    // On the regulator's peer: the consents of the caller's org's own granted accesses, nothing else.
    h['consent:ResolveAccessConsents'] = (i) => {
      const who = caller();
      if (!who || who.mspId === REGULATOR) return fail('FORBIDDEN', 'caller');
      const asked = new Set((i['accesses'] as { accessId: string }[]).map((a) => a.accessId));
      const items = this.decisions
        .filter((d) => asked.has(d.eventId) && d.actorMsp === who.mspId && d.outcome === 'granted')
        .flatMap((d) => (d.consentId === null ? [] : [{ accessId: d.eventId, consentId: d.consentId }]));
      return { items };
    };
    h['consent:GetPatientPreferences'] = (i) => {
      const did = String(i['patientDid']);
      if (!this.patients.has(did)) return fail('NOT_FOUND', 'patient');
      return preferencesReadOf(this.#preferences.get(did));
    };
    this.#wireRecords(gw, caller);
    h['access:AccessRecord'] = (i, o) =>
      this.#access(
        mspId,
        caller(),
        i,
        o.transient?.['consents'] === undefined
          ? {}
          : accessRecordTransient.parse({ consents: transient(o, 'consents') }),
      );
    h['access:ReadRecordContent'] = (i) => this.#read(i);
    h['access:CoSignBreakGlass'] = (i) => {
      const request = this.rights.coSign(mspId, caller(), String(i['requestId']));
      const requester = this.#member(request.requester.mspId, request.requester.enrollmentId);
      return this.#access(mspId, requester, { ...request, purpose: 'emergency' }, {}, request.coSignedBy);
    };
    this.rights.wire(gw, caller);
    h['access:ReviewBreakGlass'] = (i) => this.#reviewBreakGlass(mspId, caller(), i);
    h['audit:GetAuditEvent'] = (i) => {
      const found = this.decisions.find((d) => d.eventId === i['eventId']);
      // Only the custodian's and the regulator's peers hold an access decision.
      if (found === undefined || (mspId !== REGULATOR && mspId !== found.custodian)) {
        return fail('NOT_FOUND', String(i['eventId']));
      }
      return found;
    };
  }

  #wireRecords(gw: TestGateway, caller: () => StaffMember | undefined): void {
    const mspId = gw.config.org.mspId;
    const h = gw.fake.handlers;
    h['record:StageRecordContent'] = (i, o) => this.#stage(mspId, i, o.transient ?? {});
    h['record:AnchorRecord'] = (i) => this.#anchor(mspId, caller(), i);
    h['record:GetRecord'] = (i) => this.#version(i, i['version'] as number | undefined);
    h['record:GetRecordHistory'] = (i) => ({
      recordId: i['recordId'],
      custodian: i['custodian'],
      versions: this.#stored(i).versions,
      erasures: [],
    });
    h['record:VerifyRecord'] = (i, o) => {
      const v = this.#version(i, i['version'] as number | undefined);
      const computed = sha256Hex(o.transient?.[CONTENT_TRANSIENT_KEY] ?? '');
      return {
        recordId: v.recordId,
        version: v.version,
        matches: computed === v.contentHash,
        anchoredHash: v.contentHash,
        computedHash: computed,
        hashAlgorithm: 'SHA-256',
      };
    };
    h['record:ReviewRecordQuality'] = (i) => {
      const v = this.#version({ ...i, custodian: mspId }, Number(i['version']));
      Object.assign(v, {
        qualityStatus: 'accepted',
        reviewedBy: staffDid(mspId, caller()?.enrollmentId ?? 'x'),
        reviewedAt: now(),
      });
      this.#emit('RecordQualityReviewed', {
        recordId: v.recordId,
        version: v.version,
        custodian: mspId,
        reviewedBy: v.reviewedBy ?? '',
      });
      return v;
    };
  }

  /** The public record of a patient (no DID), as RegisterPatient and RecoverPatientKey answer it. */
  #publicRecord(patient: Patient): PatientRecord {
    return {
      patientKey: patientKeyOf(patient.did),
      keys: patient.keys.map((k, n) => ({ number: n + 1, publicKeyJwk: k.jwk })),
      currentKey: patient.keys.length,
      recoveryKeyThumbprint: patient.recoveryKeyThumbprint ?? fail('CONFLICT', 'no recovery key'),
      status: 'active',
      created: patient.registeredAt,
      updated: now(),
      version: patient.keys.length,
    };
  }

  #register(
    mspId: string,
    request: { patientDid: string; publicKeyJwk: PatientPublicJwk; proof: string },
  ): PatientRecord {
    const did = request.patientDid;
    const jwk = request.publicKeyJwk;
    const proof = request.proof;
    if (this.patients.has(did)) return fail('ALREADY_EXISTS', 'patient');
    const decoded = decodeCompactJws(proof);
    if (decoded.header.kid !== `${did}#key-1`) return fail('INVALID_SIGNATURE', 'key id');
    const payload = patientRegistrationPayloadSchema.parse(verifyCompactJws(proof, jwk).payload);
    if (payload.patientDid !== did || payload.org !== mspId)
      return fail('VALIDATION_FAILED', 'proof patientDid,org');
    if (payload.exp * 1000 <= Date.now()) return fail('EXPIRED', 'proof');
    this.verified.push(payload.typ);
    const patient: Patient = {
      did,
      keys: [{ kid: `${did}#key-1`, jwk }],
      recoveryKeyThumbprint: payload.recoveryKeyThumbprint,
      registeredBy: mspId,
      registeredAt: now(),
    };
    this.patients.set(did, patient);
    for (const gw of this.#gateways) gw.fake.registerPatientKey(did, jwk);
    this.#emit('PatientRegistered', { patientKey: patientKeyOf(did), registeredBy: mspId });
    return this.#publicRecord(patient);
  }

  /**
   * A new current key signed for by the recovery key whose thumbprint the patient registered; the
   * recovery key is spent and the payload names the next one (as `RecoverPatientKey` does).
   */
  #recover(mspId: string, jws: string): PatientRecord {
    const decoded = decodeCompactJws(jws);
    const payload = keyRecoveryPayloadSchema.parse(decoded.payload);
    const patient = this.patients.get(payload.patientDid);
    if (!patient) return fail('NOT_FOUND', 'patient');
    if (patient.recoveryKeyThumbprint === null) return fail('CONFLICT', 'recovery key');
    if (
      decoded.header.kid !== `${patient.did}#recovery` ||
      jwkThumbprint(payload.recoveryPublicKeyJwk) !== patient.recoveryKeyThumbprint
    ) {
      return fail('INVALID_SIGNATURE', 'recovery key');
    }
    verifyCompactJws(jws, payload.recoveryPublicKeyJwk);
    if (payload.exp * 1000 <= Date.now()) return fail('EXPIRED', 'recovery');
    this.verified.push(payload.typ);
    const kid = `${patient.did}#key-${String(patient.keys.length + 1)}`;
    patient.keys.push({ kid, jwk: payload.newPublicKeyJwk });
    patient.recoveryKeyThumbprint = payload.newRecoveryKeyThumbprint;
    for (const gw of this.#gateways) gw.fake.registerPatientKey(patient.did, payload.newPublicKeyJwk, kid);
    this.#emit('PatientKeyRotated', {
      patientKey: patientKeyOf(patient.did),
      keyNumber: patient.keys.length,
      via: 'recovery_key',
      relayedBy: mspId,
    });
    return this.#publicRecord(patient);
  }

  #grant(jws: string, relayedBy: string): ConsentState {
    const payload = consentGrantPayloadSchema.parse(this.#verifyPatient(jws));
    const id = txId();
    const consent: Consent = {
      patientDid: payload.patientDid,
      grantee: payload.grantee,
      categories: payload.categories,
      maxLevel: payload.maxLevel,
      purpose: payload.purpose,
      periodStart: payload.periodStart,
      periodEnd: payload.periodEnd,
      ...(payload.maxReads === undefined ? {} : { maxReads: payload.maxReads }),
      ...(payload.keepUntil === undefined ? {} : { keepUntil: payload.keepUntil }),
      consentId: id,
      status: 'active',
      grantedAt: now(),
      grantTxId: id,
      relayedBy,
      revokedAt: null,
      revokeTxId: null,
      jws,
    };
    this.consents.push(consent);
    const org = granteeOrg(consent.grantee);
    this.#emit(
      'ConsentGranted',
      { consentId: id, granteeOrg: org, periodEnd: consent.periodEnd, keepUntil: consent.keepUntil ?? null },
      {
        txId: id,
        sealed: [
          org,
          { kind: 'consent', patientDid: consent.patientDid, grantee: granteeKey(consent.grantee) },
        ],
      },
    );
    return stateOf(consent);
  }

  /** A revocation signed by the patient who signed the grant it presents (as `RevokeConsent` checks). */
  #revoke(signed: { jws: string; grantJws: string }): ConsentState {
    const payload = consentRevokePayloadSchema.parse(this.#verifyPatient(signed.jws));
    const consent = this.consents.find((c) => c.consentId === payload.consentId);
    if (!consent) return fail('NOT_FOUND', payload.consentId);
    if (consent.jws !== signed.grantJws || consent.patientDid !== payload.patientDid) {
      return fail('VALIDATION_FAILED', `${payload.consentId} grant`);
    }
    if (consent.status === 'revoked') return fail('CONFLICT', payload.consentId);
    Object.assign(consent, { status: 'revoked', revokedAt: now(), revokeTxId: txId() });
    this.#emit('ConsentRevoked', { consentId: consent.consentId, granteeOrg: granteeOrg(consent.grantee) });
    return stateOf(consent);
  }

  #stored(input: Record<string, unknown>): StoredRecord {
    const key = `${String(input['custodian'])}/${String(input['recordId'])}`;
    return this.records.get(key) ?? fail('NOT_FOUND', String(input['recordId']));
  }

  #version(input: Record<string, unknown>, version?: number): RecordAnchor {
    const stored = this.#stored(input);
    const v =
      version === undefined ? stored.versions.at(-1) : stored.versions.find((x) => x.version === version);
    return v ?? fail('NOT_FOUND', `${String(input['recordId'])} v${String(version)}`);
  }

  readonly #staged = new Map<string, { content: string; patientDid: string }>();

  /** Staging: the hash of the staged content; a date in the future holds it for review. */
  #stage(mspId: string, input: Record<string, unknown>, map: Readonly<Record<string, string>>) {
    const content = map[CONTENT_TRANSIENT_KEY] ?? fail('VALIDATION_FAILED', 'no content');
    const { patientDid } = transient({ transient: map }, SUBJECT_TRANSIENT_KEY) as { patientDid: string };
    const { resource } = JSON.parse(content) as { resource: Record<string, unknown> };
    const dated = ['recordedDate', 'effectiveDateTime', 'issued']
      .map((k) => resource[k])
      .find((v) => typeof v === 'string');
    const future = typeof dated === 'string' && Date.parse(dated) > Date.now();
    const key = `${mspId}/${String(input['recordId'])}:${String(input['version'])}`;
    this.#staged.set(key, { content, patientDid });
    return {
      recordId: input['recordId'],
      version: input['version'],
      contentHash: sha256Hex(content),
      hashAlgorithm: 'SHA-256',
      qualityStatus: future ? 'needs_review' : 'accepted',
      reasons: future ? ['FUTURE_DATE'] : [],
    };
  }

  #anchor(mspId: string, author: StaffMember | undefined, input: Record<string, unknown>): RecordAnchor {
    const recordId = String(input['recordId']);
    const version = Number(input['version']);
    const staged =
      this.#staged.get(`${mspId}/${recordId}:${String(version)}`) ?? fail('CONTENT_NOT_STAGED', recordId);
    const key = `${mspId}/${recordId}`;
    const stored = this.records.get(key) ?? {
      patientDid: staged.patientDid,
      versions: [],
      content: new Map<number, string>(),
    };
    const id = txId();
    const anchor = {
      recordId,
      version,
      custodian: mspId,
      department: String(input['department']),
      category: input['category'],
      level: input['level'],
      fhirResourceType: input['fhirResourceType'],
      contentHash: String(input['contentHash']),
      hashAlgorithm: input['hashAlgorithm'] ?? 'SHA-256',
      previousHash: (input['previousHash'] as string | null) ?? null,
      authorDid: staffDid(mspId, author?.enrollmentId ?? 'unknown'),
      txId: id,
      txTime: now(),
      qualityStatus: input['qualityStatus'],
      qualityReasons: input['reasons'],
      reviewedBy: null,
      reviewedAt: null,
      erased: false,
    } as RecordAnchor;
    stored.versions.push(anchor);
    stored.content.set(version, staged.content);
    this.records.set(key, stored);
    this.#emit('RecordAnchored', {
      recordId,
      version,
      custodian: mspId,
      contentHash: anchor.contentHash,
      qualityStatus: anchor.qualityStatus,
    });
    return anchor;
  }

  /**
   * The custodian's staff for treatment, another org presenting an active consent of the patient that
   * its org holds (while it has reads left), anyone in an emergency within the patient's profile, and
   * beyond it with a second attending's co-signature (`coSignedBy`).
   */
  #access(
    mspId: string,
    actor: StaffMember | undefined,
    input: Record<string, unknown>,
    presented: { consents?: { consentId: string; jws: string }[] },
    coSignedBy: string | null = null,
  ) {
    const stored = this.#stored(input);
    const record = this.#version(input, input['version'] as number | undefined);
    const purpose = String(input['purpose']) as AuditEvent['purpose'];
    const consents = (presented.consents ?? [])
      .map((p) => this.consents.find((c) => c.consentId === p.consentId && c.jws === p.jws))
      .filter(
        (c): c is Consent =>
          c !== undefined &&
          c.patientDid === stored.patientDid &&
          granteeOrg(c.grantee) === mspId &&
          c.categories.includes(record.category),
      );
    const live = consents.filter(
      (c) => c.status === 'active' && c.purpose === purpose && Date.parse(c.periodEnd) > Date.now(),
    );
    const active = live.find((c) => c.maxReads === undefined || this.#grantsUnder(c) < c.maxReads);
    let reason: AuditEvent['reason'];
    if (purpose === 'emergency') reason = this.#emergencyReason(stored.patientDid, record, coSignedBy);
    else if (record.custodian === mspId && purpose === 'treatment') reason = 'CUSTODIAN_TREATMENT';
    else if (active) reason = 'CONSENT';
    else if (live.length > 0) reason = 'CONSENT_USE_EXHAUSTED';
    // Only what was presented counts (a gateway presents active consents only, as the chaincode sees).
    else reason = consents.some((c) => c.status === 'revoked') ? 'CONSENT_REVOKED' : 'NO_CONSENT';
    const granted = ['BREAK_GLASS', 'BREAK_GLASS_COSIGNED', 'CUSTODIAN_TREATMENT', 'CONSENT'].includes(
      reason,
    );
    const decided = this.decide({
      actorDid: staffDid(mspId, actor?.enrollmentId ?? 'unknown'),
      actorMsp: mspId,
      actorRole: actor?.role ?? null,
      purpose,
      recordId: record.recordId,
      version: record.version,
      patientDid: stored.patientDid,
      custodian: record.custodian,
      consentId: reason === 'CONSENT' ? (active?.consentId ?? null) : null,
      studyId: null,
      outcome: granted ? 'granted' : 'denied',
      reason,
      breakGlass: reason === 'BREAK_GLASS' || reason === 'BREAK_GLASS_COSIGNED',
      breakGlassReason:
        purpose === 'emergency'
          ? ((input['breakGlassReason'] as AuditEvent['breakGlassReason']) ?? null)
          : null,
      expiresAt: granted ? new Date(Date.now() + 3_600_000).toISOString() : null,
      coSignedBy,
    });
    if (reason === 'CO_SIGNATURE_REQUIRED' && actor)
      this.rights.awaitCoSignature(decided.eventId, actor, record);
    if (coSignedBy !== null) this.coSignedBy.set(decided.eventId, coSignedBy);
    return {
      accessId: decided.eventId,
      recordId: decided.recordId,
      custodian: decided.custodian,
      version: decided.version,
      outcome: decided.outcome,
      reason: decided.reason,
      consentId: decided.consentId,
      breakGlass: decided.breakGlass,
      deidentified: false,
      expiresAt: decided.expiresAt,
    };
  }

  /** How many accesses a consent granted. */
  #grantsUnder(consent: Consent): number {
    return this.decisions.filter((d) => d.consentId === consent.consentId && d.outcome === 'granted').length;
  }

  /** Break-glass: the patient's emergency profile opens the record, a co-signature more unless `never`. */
  #emergencyReason(
    patientDid: string,
    record: RecordAnchor,
    coSignedBy: string | null,
  ): AuditEvent['reason'] {
    const profile = this.emergencyProfiles.get(patientDid) ?? emergencyProfileOf(undefined);
    if (profile.categories.includes(record.category)) return 'BREAK_GLASS';
    if (profile.beyondProfile === 'never') return 'BREAK_GLASS_DISALLOWED';
    return coSignedBy === null ? 'CO_SIGNATURE_REQUIRED' : 'BREAK_GLASS_COSIGNED';
  }

  /**
   * What a review judges, by its id: a break-glass access, else a granted emergency listing (its
   * `custodian` the listing doctor's org, no record), as the chaincode finds a case.
   */
  #reviewCase(id: string) {
    const access = this.decisions.find((d) => d.eventId === id && d.breakGlass);
    if (access) {
      return {
        accessId: access.eventId,
        kind: 'access' as const,
        recordId: access.recordId as string | null,
        custodian: access.custodian,
        actorDid: access.actorDid,
        actorMsp: access.actorMsp,
        reason: access.breakGlassReason ?? 'other_emergency',
        openedAt: access.txTime,
        coSignedBy: this.coSignedBy.get(access.eventId) ?? null,
      };
    }
    const listing = this.rights.emergencyListings.get(id) ?? fail('NOT_FOUND', id);
    return {
      accessId: listing.listingId,
      kind: 'emergency_listing' as const,
      recordId: null,
      custodian: listing.actorMsp,
      actorDid: listing.actorDid,
      actorMsp: listing.actorMsp,
      reason: listing.breakGlassReason,
      openedAt: listing.openedAt,
      coSignedBy: null,
    };
  }

  /** A post-hoc review of a case (the custodian's admin or a regulator's auditor). */
  #reviewBreakGlass(mspId: string, reviewer: StaffMember | undefined, input: Record<string, unknown>) {
    const reviewed = this.#reviewCase(String(input['accessId']));
    const reviewedBy = staffDid(mspId, reviewer?.enrollmentId ?? 'unknown');
    const outcome = String(input['outcome']) as 'justified' | 'unjustified';
    const byRegulator = mspId === REGULATOR;
    const id = txId();
    this.reviews.push({ caseId: reviewed.accessId, kind: reviewed.kind, outcome });
    const review = {
      accessId: reviewed.accessId,
      outcome,
      reviewedBy,
      reviewerMsp: mspId,
      reviewerRole: reviewer?.role ?? null,
      byRegulator,
      suspend: false,
      txId: id,
      reviewedAt: now(),
    };
    this.#emit(
      'BreakGlassReviewed',
      {
        accessId: reviewed.accessId,
        kind: reviewed.kind,
        recordId: reviewed.recordId,
        custodian: reviewed.custodian,
        actorDid: reviewed.actorDid,
        outcome,
        reviewedBy,
        byRegulator,
        suspended: false,
      },
      { txId: id },
    );
    return {
      ...reviewed,
      status: byRegulator ? 'regulator_reviewed' : 'custodian_reviewed',
      outcome,
      reviewedBy,
      reviewerRole: review.reviewerRole,
      reviewedAt: review.reviewedAt,
      suspended: false,
      reviews: [review],
    };
  }

  #read(input: Record<string, unknown>) {
    const decision = this.decisions.find(
      (d) => d.eventId === input['accessId'] && d.recordId === input['recordId'],
    );
    if (decision?.outcome !== 'granted') return fail('ACCESS_NOT_GRANTED', String(input['recordId']));
    const stored = this.#stored(input);
    const content = stored.content.get(decision.version) ?? fail('NOT_FOUND', decision.recordId);
    const { resource, salt } = JSON.parse(content) as { resource: Record<string, unknown>; salt: string };
    const delivered = {
      recordId: decision.recordId,
      version: decision.version,
      contentHash: sha256Hex(content),
      resource,
      salt,
      deidentified: false,
    };
    // The data-use receipt the custodian's peer issues with every read (docs/leak-tracing.md); the
    // fake holds no collection key, so its MAC is a plain digest.
    const receipt = {
      accessId: decision.eventId,
      exportId: null,
      studyId: null,
      recipientDid: decision.actorDid,
      recipientMsp: decision.actorMsp,
      custodian: decision.custodian,
      recordId: decision.recordId,
      version: decision.version,
      contentHash: sha256Hex(canonicalJson(delivered)),
      resourceHash: sha256Hex(canonicalJson(resource)),
      pseudonym: null,
      orderKey: null,
      issuedAt: new Date().toISOString(),
    };
    return { ...delivered, receipt: { ...receipt, mac: sha256Hex(canonicalJson(receipt)) } };
  }
}
