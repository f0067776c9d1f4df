/**
 * A small consortium in memory behind the test gateways' fake ledgers, so the console's browser tests
 * drive whole journeys: staff and auditors with on-chain roles; patients registered only with a proof
 * of possession their key signed; consents granted and revoked only with the patient's signature
 * (each checked with the shared model's verifier, as the chaincode checks it); records whose content
 * hash is the SHA-256 of the staged content, verified the same way; access decisions by custodian,
 * consent or break-glass, each an `AccessDecided` event that every gateway's projection follows.
 * The decision rules are a simplification of the chaincode's policy, enough for what a person sees;
 * the chaincode's own tests (and the console's signer tests against it) cover the real ones.
 */
import {
  consentGrantPayloadSchema,
  consentRevokePayloadSchema,
  CONTENT_TRANSIENT_KEY,
  decodeCompactJws,
  jwkThumbprint,
  keyRecoveryPayloadSchema,
  patientRegistrationPayloadSchema,
  sha256Hex,
  staffDid,
  verifyCompactJws,
  type AuditEvent,
  type Consent,
  type DidDocument,
  type P256PublicJwk,
  type RecordAnchor,
} from '@medledger/domain';
import { LedgerBuilder, txId, type TestGateway } from '@medledger/gateway/testing';

/** A person on chain: their org, enrollment id, role and department. */
export interface StaffMember {
  readonly mspId: string;
  readonly enrollmentId: string;
  readonly role: 'admin' | 'attending' | 'intern' | 'nurse' | 'researcher' | 'auditor';
  readonly department: string | null;
}

interface Patient {
  readonly did: string;
  keys: { kid: string; jwk: P256PublicJwk }[];
  /** The thumbprint of the recovery key the patient keeps offline (null: none registered). */
  recoveryKeyThumbprint: string | null;
  registeredBy: string;
  registeredAt: string;
}

interface StoredRecord {
  versions: RecordAnchor[];
  content: Map<number, string>;
}

const fail = (code: string, detail: string): never => {
  throw new Error(`[${code}] ${detail}`);
};
const now = (): string => new Date().toISOString();

/** The consortium, wired into the fake ledgers of `gateways` (each serves its own org). */
export class FakeConsortium {
  readonly staff: StaffMember[] = [];
  readonly patients = new Map<string, Patient>();
  readonly consents: Consent[] = [];
  readonly records = new Map<string, StoredRecord>();
  readonly decisions: AuditEvent[] = [];
  /** Every patient signature the consortium verified, by payload type (what the tests check). */
  readonly verified: string[] = [];
  readonly #builder = new LedgerBuilder({ salt: `console-${txId()}` });
  readonly #gateways: readonly TestGateway[];

  constructor(gateways: readonly TestGateway[], staff: readonly StaffMember[]) {
    this.#gateways = gateways;
    this.staff.push(...staff);
    for (const gw of gateways) this.#wire(gw);
  }

  #emit(name: Parameters<LedgerBuilder['event']>[0], body: object): void {
    const event = this.#builder.event(name, body, now());
    this.#builder.nextBlock();
    for (const gw of this.#gateways) gw.events.append(event);
  }

  /** Appends an access decision as the chaincode would have committed it (for scripted history). */
  decide(event: Omit<AuditEvent, 'eventId' | 'txId' | 'txTime'> & { readonly txTime?: string }): AuditEvent {
    const id = this.#builder.peekTxId();
    const decided: AuditEvent = { ...event, eventId: id, txId: id, txTime: event.txTime ?? now() };
    this.decisions.push(decided);
    const time = decided.txTime;
    const sent = this.#builder.event(
      'AccessDecided',
      {
        eventId: id,
        recordId: decided.recordId,
        patientDid: decided.patientDid,
        custodian: decided.custodian,
        actorDid: decided.actorDid,
        actorMsp: decided.actorMsp,
        actorRole: decided.actorRole,
        purpose: decided.purpose,
        outcome: decided.outcome,
        reason: decided.reason,
        consentId: decided.consentId,
        breakGlass: decided.breakGlass,
        version: decided.version,
        breakGlassReason: decided.breakGlassReason,
      },
      time,
      id,
    );
    this.#builder.nextBlock();
    for (const gw of this.#gateways) gw.events.append(sent);
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
    const jwk = { kty, crv, x, y } as P256PublicJwk;
    this.patients.set(did, {
      did,
      keys: [{ kid: `${did}#key-1`, jwk }],
      recoveryKeyThumbprint: null,
      registeredBy: mspId,
      registeredAt: now(),
    });
    this.#emit('PatientRegistered', { patientDid: did, registeredBy: mspId, keyId: `${did}#key-1` });
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
    h['identity:RegisterPatient'] = (i) => this.#register(mspId, i);
    h['identity:RecoverPatientKey'] = (i) => this.#recover(mspId, String(i['jws']));
    h['consent:GrantConsent'] = (i) => this.#grant(String(i['jws']), caller()?.enrollmentId ?? 'patient-app');
    h['consent:RevokeConsent'] = (i) => this.#revoke(String(i['jws']));
    h['consent:ListPatientConsents'] = (i) => ({
      items: this.consents.filter((c) => c.patientDid === i['patientDid']).reverse(),
      bookmark: '',
      fetchedRecordsCount: this.consents.length,
    });
    h['record:StageRecordContent'] = (i, o) => this.#stage(i, o.transient?.[CONTENT_TRANSIENT_KEY] ?? '');
    h['record:AnchorRecord'] = (i) => this.#anchor(mspId, caller(), i);
    h['record:GetRecord'] = (i) => this.#version(String(i['recordId']), i['version'] as number | undefined);
    h['record:GetRecordHistory'] = (i) => ({
      recordId: i['recordId'],
      versions: this.#stored(String(i['recordId'])).versions,
      erasures: [],
    });
    h['record:VerifyRecord'] = (i, o) => {
      const v = this.#version(String(i['recordId']), i['version'] as number | undefined);
      const computed = sha256Hex(o.transient?.[CONTENT_TRANSIENT_KEY] ?? '');
      return {
        recordId: v.recordId,
        version: v.version,
        matches: computed === v.contentHash,
        anchoredHash: v.contentHash,
        computedHash: computed,
      };
    };
    h['record:ReviewRecordQuality'] = (i) => {
      const v = this.#version(String(i['recordId']), Number(i['version']));
      Object.assign(v, {
        qualityStatus: 'accepted',
        reviewedBy: staffDid(mspId, caller()?.enrollmentId ?? 'x'),
        reviewedAt: now(),
      });
      this.#emit('RecordQualityReviewed', {
        recordId: v.recordId,
        version: v.version,
        reviewedBy: v.reviewedBy ?? '',
      });
      return v;
    };
    h['access:AccessRecord'] = (i) => this.#access(mspId, caller(), i);
    h['access:ReadRecordContent'] = (i) => this.#read(i);
    h['access:ReviewBreakGlass'] = (i) => this.#reviewBreakGlass(mspId, caller(), i);
    h['audit:GetAuditEvent'] = (i) =>
      this.decisions.find((d) => d.eventId === i['eventId']) ?? fail('NOT_FOUND', String(i['eventId']));
  }

  #register(mspId: string, input: Record<string, unknown>): DidDocument {
    const did = String(input['patientDid']);
    const jwk = input['publicKeyJwk'] as P256PublicJwk;
    const proof = String(input['proof']);
    if (this.patients.has(did)) return fail('ALREADY_EXISTS', did);
    const decoded = decodeCompactJws(proof);
    if (decoded.header.kid !== `${did}#key-1`) return fail('INVALID_SIGNATURE', `${did} key id`);
    const payload = patientRegistrationPayloadSchema.parse(verifyCompactJws(proof, jwk).payload);
    if (payload.patientDid !== did || payload.org !== mspId)
      return fail('VALIDATION_FAILED', 'proof patientDid,org');
    if (payload.exp * 1000 <= Date.now()) return fail('EXPIRED', did);
    this.verified.push(payload.typ);
    this.patients.set(did, {
      did,
      keys: [{ kid: `${did}#key-1`, jwk }],
      recoveryKeyThumbprint: payload.recoveryKeyThumbprint,
      registeredBy: mspId,
      registeredAt: now(),
    });
    for (const gw of this.#gateways) gw.fake.registerPatientKey(did, jwk);
    this.#emit('PatientRegistered', { patientDid: did, registeredBy: mspId, keyId: `${did}#key-1` });
    return this.#document(did);
  }

  /**
   * A new current key signed for by the recovery key whose thumbprint the patient registered; the
   * recovery key is spent and the payload names the next one (as `RecoverPatientKey` does).
   */
  #recover(mspId: string, jws: string): DidDocument {
    const decoded = decodeCompactJws(jws);
    const payload = keyRecoveryPayloadSchema.parse(decoded.payload);
    const patient = this.patients.get(payload.patientDid);
    if (!patient) return fail('NOT_FOUND', payload.patientDid);
    if (patient.recoveryKeyThumbprint === null) return fail('CONFLICT', `${patient.did} recovery key`);
    if (
      decoded.header.kid !== `${patient.did}#recovery` ||
      jwkThumbprint(payload.recoveryPublicKeyJwk) !== patient.recoveryKeyThumbprint
    ) {
      return fail('INVALID_SIGNATURE', `${patient.did} recovery key`);
    }
    verifyCompactJws(jws, payload.recoveryPublicKeyJwk);
    if (payload.exp * 1000 <= Date.now()) return fail('EXPIRED', patient.did);
    this.verified.push(payload.typ);
    const kid = `${patient.did}#key-${String(patient.keys.length + 1)}`;
    patient.keys.push({ kid, jwk: payload.newPublicKeyJwk });
    patient.recoveryKeyThumbprint = payload.newRecoveryKeyThumbprint;
    for (const gw of this.#gateways) gw.fake.registerPatientKey(patient.did, payload.newPublicKeyJwk, kid);
    this.#emit('PatientKeyRotated', {
      patientDid: patient.did,
      keyId: kid,
      via: 'recovery_key',
      relayedBy: mspId,
    });
    return this.#document(patient.did);
  }

  #grant(jws: string, relayedBy: string): Consent {
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
      consentId: id,
      status: 'active',
      grantedAt: now(),
      grantTxId: id,
      relayedBy,
      revokedAt: null,
      revokeTxId: null,
    };
    this.consents.push(consent);
    const grantee =
      consent.grantee.kind === 'org'
        ? `org:${consent.grantee.mspId}`
        : consent.grantee.kind === 'study'
          ? `study:${consent.grantee.studyId}`
          : `staff:${consent.grantee.did}`;
    this.#emit('ConsentGranted', {
      consentId: id,
      patientDid: consent.patientDid,
      grantee,
      periodEnd: consent.periodEnd,
    });
    return consent;
  }

  #revoke(jws: string): Consent {
    const payload = consentRevokePayloadSchema.parse(this.#verifyPatient(jws));
    const consent = this.consents.find(
      (c) => c.consentId === payload.consentId && c.patientDid === payload.patientDid,
    );
    if (!consent) return fail('NOT_FOUND', payload.consentId);
    Object.assign(consent, { status: 'revoked', revokedAt: now(), revokeTxId: txId() });
    this.#emit('ConsentRevoked', {
      consentId: consent.consentId,
      patientDid: consent.patientDid,
      grantee: 'org',
    });
    return consent;
  }

  #stored(recordId: string): StoredRecord {
    return this.records.get(recordId) ?? fail('NOT_FOUND', recordId);
  }

  #version(recordId: string, version?: number): RecordAnchor {
    const stored = this.#stored(recordId);
    const v =
      version === undefined ? stored.versions.at(-1) : stored.versions.find((x) => x.version === version);
    return v ?? fail('NOT_FOUND', `${recordId} v${String(version)}`);
  }

  /** Staging: the hash of the staged content; a date in the future holds it for review. */
  #stage(input: Record<string, unknown>, content: string) {
    const { resource } = JSON.parse(content) as { resource: Record<string, unknown> };
    const dated = ['recordedDate', 'effectiveDateTime', 'issued']
      .map((k) => resource[k])
      .find((v) => typeof v === 'string');
    const future = typeof dated === 'string' && Date.parse(dated) > Date.now();
    const key = `${String(input['recordId'])}:${String(input['version'])}`;
    this.#staged.set(key, content);
    return {
      recordId: input['recordId'],
      version: input['version'],
      contentHash: sha256Hex(content),
      qualityStatus: future ? 'needs_review' : 'accepted',
      reasons: future ? ['FUTURE_DATE'] : [],
    };
  }

  readonly #staged = new Map<string, string>();

  #anchor(mspId: string, author: StaffMember | undefined, input: Record<string, unknown>): RecordAnchor {
    const recordId = String(input['recordId']);
    const version = Number(input['version']);
    const content =
      this.#staged.get(`${recordId}:${String(version)}`) ?? fail('CONTENT_NOT_STAGED', recordId);
    const stored = this.records.get(recordId) ?? { versions: [], content: new Map<number, string>() };
    const id = txId();
    const anchor = {
      recordId,
      version,
      patientDid: String(input['patientDid']),
      custodian: mspId,
      department: String(input['department']),
      category: input['category'],
      level: input['level'],
      fhirResourceType: input['fhirResourceType'],
      contentHash: String(input['contentHash']),
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
    stored.content.set(version, content);
    this.records.set(recordId, stored);
    this.#emit('RecordAnchored', {
      recordId,
      version,
      patientDid: anchor.patientDid,
      custodian: mspId,
      contentHash: anchor.contentHash,
      qualityStatus: anchor.qualityStatus,
    });
    return anchor;
  }

  /** The custodian's staff for treatment, another org with the patient's consent, anyone in an emergency. */
  #access(mspId: string, actor: StaffMember | undefined, input: Record<string, unknown>) {
    const record = this.#version(String(input['recordId']));
    const purpose = String(input['purpose']) as AuditEvent['purpose'];
    const emergency = purpose === 'emergency';
    const consents = this.consents.filter(
      (c) =>
        c.patientDid === record.patientDid &&
        c.grantee.kind === 'org' &&
        c.grantee.mspId === mspId &&
        c.categories.includes(record.category),
    );
    const active = consents.find(
      (c) => c.status === 'active' && c.purpose === purpose && Date.parse(c.periodEnd) > Date.now(),
    );
    let reason: AuditEvent['reason'];
    if (emergency) reason = 'BREAK_GLASS';
    else if (record.custodian === mspId && purpose === 'treatment') reason = 'CUSTODIAN_TREATMENT';
    else if (active) reason = 'CONSENT';
    else reason = consents.some((c) => c.status === 'revoked') ? 'CONSENT_REVOKED' : 'NO_CONSENT';
    const granted = reason === 'BREAK_GLASS' || reason === 'CUSTODIAN_TREATMENT' || reason === 'CONSENT';
    const decided = this.decide({
      actorDid: staffDid(mspId, actor?.enrollmentId ?? 'unknown'),
      actorMsp: mspId,
      actorRole: actor?.role ?? null,
      purpose,
      recordId: record.recordId,
      version: record.version,
      patientDid: record.patientDid,
      custodian: record.custodian,
      consentId: reason === 'CONSENT' ? (active?.consentId ?? null) : null,
      studyId: null,
      outcome: granted ? 'granted' : 'denied',
      reason,
      breakGlass: emergency,
      breakGlassReason: emergency
        ? ((input['breakGlassReason'] as AuditEvent['breakGlassReason']) ?? null)
        : null,
      expiresAt: granted ? new Date(Date.now() + 3_600_000).toISOString() : null,
    });
    return {
      accessId: decided.eventId,
      recordId: decided.recordId,
      version: decided.version,
      outcome: decided.outcome,
      reason: decided.reason,
      consentId: decided.consentId,
      breakGlass: decided.breakGlass,
      deidentified: false,
      expiresAt: decided.expiresAt,
    };
  }

  /** A post-hoc review of a break-glass access (the custodian's admin or a regulator's auditor). */
  #reviewBreakGlass(mspId: string, reviewer: StaffMember | undefined, input: Record<string, unknown>) {
    const access = this.decisions.find((d) => d.eventId === input['accessId'] && d.breakGlass);
    if (!access) return fail('NOT_FOUND', String(input['accessId']));
    const reviewedBy = staffDid(mspId, reviewer?.enrollmentId ?? 'unknown');
    const outcome = String(input['outcome']) as 'justified' | 'unjustified';
    this.#emit('BreakGlassReviewed', {
      accessId: access.eventId,
      recordId: access.recordId,
      outcome,
      reviewedBy,
    });
    return {
      accessId: access.eventId,
      recordId: access.recordId,
      patientDid: access.patientDid,
      custodian: access.custodian,
      actorDid: access.actorDid,
      actorMsp: access.actorMsp,
      reason: access.breakGlassReason ?? 'other_emergency',
      openedAt: access.txTime,
      status: 'cleared',
      outcome,
      reviewedBy,
      reviewerRole: reviewer?.role ?? null,
      reviewedAt: now(),
    };
  }

  #read(input: Record<string, unknown>) {
    const decision = this.decisions.find(
      (d) => d.eventId === input['accessId'] && d.recordId === input['recordId'],
    );
    if (decision?.outcome !== 'granted') return fail('ACCESS_NOT_GRANTED', String(input['recordId']));
    const stored = this.#stored(decision.recordId);
    const content = stored.content.get(decision.version) ?? fail('NOT_FOUND', decision.recordId);
    const { resource, salt } = JSON.parse(content) as { resource: Record<string, unknown>; salt: string };
    return {
      recordId: decision.recordId,
      version: decision.version,
      contentHash: sha256Hex(content),
      resource,
      salt,
      deidentified: false,
    };
  }
}
