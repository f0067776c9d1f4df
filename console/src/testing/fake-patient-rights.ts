/**
 * The patient-side transactions of the in-memory consortium (docs/patients.md,
 * docs/emergency-profile.md, docs/use-limited-consents.md), wired beside the others into each test
 * gateway's fake ledger: the audited listing of a patient's records, the patient's own summary reads,
 * erasure requests and their answers, co-signed break-glass and deletion attestations. As the rest of
 * the fake consortium, every patient request is verified with the shared model's verifier against the
 * patient's current key, the patient travels only in transient maps, and events carry ids and codes.
 * The rules are the chaincode's, simplified to what a person sees.
 */
import {
  DOCTOR_ROLES,
  ERASURE_REQUEST_DEADLINE_DAYS,
  erasureRequestPayloadSchema,
  recordListPayloadSchema,
  SUMMARY_CATEGORIES,
  type AuditEvent,
  type Consent,
  type DeletionAttestation,
  type EmergencyProfile,
  type ErasureRequestState,
  type RecordAnchor,
} from '@medledger/domain';
import { txId, type TestGateway } from '@medledger/gateway/testing';
import type { ComplianceReport, SourceEvent } from '@medledger/gateway/projection';

/** What a member org's peer adds to a public event. */
type SealedFacts = NonNullable<SourceEvent['sealed']>;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** How long a co-signature may wait (`CO_SIGN_WINDOW_SECONDS`). */
const CO_SIGN_WINDOW_MS = 10 * 60_000;

const fail = (code: string, detail: string): never => {
  throw new Error(`[${code}] ${detail}`);
};

/** A record as the consortium keeps it. */
export interface HeldRecord {
  readonly patientDid: string;
  versions: RecordAnchor[];
  content: Map<number, string>;
}

/** A person on chain, as the caller of a call. */
export interface Caller {
  readonly mspId: string;
  readonly enrollmentId: string;
  readonly role: string;
}

/** What the rest of the consortium lends these transactions. */
export interface ConsortiumParts {
  readonly regulator: string;
  readonly records: ReadonlyMap<string, HeldRecord>;
  readonly consents: readonly Consent[];
  readonly decisions: readonly AuditEvent[];
  verifyPatient(jws: string): Record<string, unknown>;
  emit(
    name: 'ErasureRequested' | 'ErasureRequestAnswered' | 'DeletionAttested' | 'RecordListingOpened',
    body: object,
    options?: { readonly time?: string; readonly txId?: string; readonly sealed?: [string, SealedFacts] },
  ): void;
  granteeOrg(grantee: Consent['grantee']): string;
  staffDid(mspId: string, enrollmentId: string): string;
  /** The emergency profile the patient signed, or undefined when they signed none. */
  signedEmergencyProfile(patientDid: string): EmergencyProfile | undefined;
}

interface Listing {
  readonly patientDid: string;
  readonly mode: 'patient' | 'clinician' | 'emergency';
  readonly mspId: string;
}

/** A granted emergency listing, as a post-hoc review finds it (by its listing id). */
export interface EmergencyListingCase {
  readonly listingId: string;
  readonly actorDid: string;
  readonly actorMsp: string;
  readonly breakGlassReason: string;
  readonly categories: readonly string[];
  readonly openedAt: string;
}

interface ErasureRequest {
  readonly requestId: string;
  readonly patientDid: string;
  readonly custodian: string;
  readonly recordId: string;
  readonly requestedAt: string;
  readonly dueAt: string;
  answer: { answer: 'erased' | 'refused'; refusal: string | null; at: string; late: boolean } | null;
}

/** A break-glass request beyond the profile, waiting for a second attending (by its access id). */
export interface CoSignRequest {
  readonly requester: Caller;
  readonly recordId: string;
  readonly custodian: string;
  readonly version: number;
  readonly until: number;
  coSignedBy: string | null;
}

/** The `deletionAttestations` section of a compliance report. */
export type DeletionAttestationSection = ComplianceReport['deletionAttestations'];

/** The patient-side transactions over the consortium's `parts`. */
export class PatientRights {
  readonly #listings = new Map<string, Listing>();
  /** Granted emergency listings, each reviewed afterwards like a break-glass access. */
  readonly emergencyListings = new Map<string, EmergencyListingCase>();
  readonly #patientAccesses = new Map<string, { custodian: string; patientDid: string; relay: string }>();
  readonly erasureRequests: ErasureRequest[] = [];
  readonly coSignRequests = new Map<string, CoSignRequest>();
  readonly attestations: DeletionAttestation[] = [];

  constructor(private readonly parts: ConsortiumParts) {}

  /** Wires the transactions into `gw`'s fake ledger; `caller` is the person of the call being answered. */
  wire(gw: TestGateway, caller: () => Caller | undefined): void {
    const mspId = gw.config.org.mspId;
    const h = gw.fake.handlers;
    h['listing:OpenRecordListing'] = (_i, o) => this.#openListing(mspId, caller(), o.transient ?? {});
    h['listing:ListPatientRecords'] = (i) => this.#list(mspId, String(i['listingId']));
    h['summary:OpenPatientAccess'] = (i, o) => this.#openPatientAccess(mspId, i, o.transient ?? {});
    h['summary:ReadPatientContent'] = (i) => this.#readPatientContent(String(i['accessId']));
    h['erasure:RequestErasure'] = (i, o) => this.#requestErasure(mspId, i, o.transient ?? {});
    h['erasure:AnswerErasureRequest'] = (i) => this.#answerErasure(mspId, caller(), i);
    h['erasure:ListErasureRequests'] = (i) => ({
      items: this.erasureRequests
        .filter((r) => mspId === this.parts.regulator || r.custodian === mspId)
        .filter((r) => i['patientDid'] === undefined || r.patientDid === i['patientDid'])
        .map((r) => this.#stateOf(r))
        .filter((r) => i['status'] === undefined || r.status === i['status']),
    });
    h['consent:AttestDeletion'] = (i) => this.#attest(mspId, caller(), String(i['consentId']));
  }

  #records(patientDid: string): RecordAnchor[] {
    return [...this.parts.records.values()]
      .filter((r) => r.patientDid === patientDid)
      .flatMap((r) => {
        const latest = r.versions.at(-1);
        return latest ? [latest] : [];
      })
      .sort((a, b) => a.custodian.localeCompare(b.custodian) || a.recordId.localeCompare(b.recordId));
  }

  /** A patient's signed request of type `typ` relayed by `mspId`: verified, for `patientDid`. */
  #patientRequest(jws: string, patientDid: string, mspId: string) {
    const payload = recordListPayloadSchema.parse(this.parts.verifyPatient(jws));
    if (payload.patientDid !== patientDid) return fail('FORBIDDEN', 'the request is for another patient');
    if (payload.aud !== mspId) return fail('FORBIDDEN', `the request is for ${payload.aud}`);
    if (payload.exp * 1000 <= Date.now()) return fail('EXPIRED', 'request');
    return payload;
  }

  /**
   * A listing decision: the patient's own (a signed request), a doctor's in an emergency (transient
   * `emergency`: a hospital doctor, of a patient who signed an emergency profile, which the listing
   * opens and keeps for the review; the patient and those categories are sealed facts of the doctor's
   * org), or a clinician's of their hospital.
   */
  #openListing(mspId: string, actor: Caller | undefined, map: Readonly<Record<string, string>>) {
    const subject = JSON.parse(map['subject'] ?? '{}') as { patientDid: string };
    const request =
      map['request'] === undefined ? undefined : (JSON.parse(map['request']) as { jws: string });
    const emergency =
      map['emergency'] === undefined ? undefined : (JSON.parse(map['emergency']) as { reason: string });
    if (emergency && request) return fail('VALIDATION_FAILED', 'emergency');
    const listingId = txId();
    if (request) this.#patientRequest(request.jws, subject.patientDid, mspId);
    const mode = request ? 'patient' : emergency ? 'emergency' : 'clinician';
    const profile = emergency ? this.parts.signedEmergencyProfile(subject.patientDid) : undefined;
    const reason = this.#listingReason(mode, actor, profile);
    const granted = ['PATIENT_SIGNED', 'CLINICIAN', 'BREAK_GLASS'].includes(reason);
    const actorDid = this.parts.staffDid(mspId, actor?.enrollmentId ?? 'gateway-service');
    const txTime = new Date().toISOString();
    if (granted) this.#listings.set(listingId, { patientDid: subject.patientDid, mode, mspId });
    if (granted && emergency && profile) {
      this.emergencyListings.set(listingId, {
        listingId,
        actorDid,
        actorMsp: mspId,
        breakGlassReason: emergency.reason,
        categories: profile.categories,
        openedAt: txTime,
      });
    }
    this.parts.emit(
      'RecordListingOpened',
      {
        listingId,
        actorDid,
        actorMsp: mspId,
        actorRole: actor?.role ?? null,
        mode,
        outcome: granted ? 'granted' : 'denied',
        reason,
        breakGlassReason: emergency?.reason ?? null,
      },
      {
        txId: listingId,
        time: txTime,
        sealed: [
          mspId,
          {
            kind: 'listing',
            patientDid: subject.patientDid,
            categories: granted && profile ? profile.categories : null,
          },
        ],
      },
    );
    return {
      listingId,
      mode,
      outcome: granted ? 'granted' : 'denied',
      reason,
      expiresAt: granted ? new Date(Date.now() + 120_000).toISOString() : null,
    };
  }

  /** Why a listing is granted or denied, the chaincode's rules for what a person sees. */
  #listingReason(
    mode: Listing['mode'],
    actor: Caller | undefined,
    profile: EmergencyProfile | undefined,
  ): string {
    if (mode === 'patient') return 'PATIENT_SIGNED';
    const role = actor?.role ?? '';
    if (mode === 'emergency') {
      if (!(DOCTOR_ROLES as readonly string[]).includes(role)) return 'ROLE_NOT_PERMITTED';
      return profile === undefined ? 'NO_EMERGENCY_PROFILE' : 'BREAK_GLASS';
    }
    return ['attending', 'intern', 'nurse'].includes(role) ? 'CLINICIAN' : 'ROLE_NOT_PERMITTED';
  }

  /**
   * The listing's records: all of them for the patient, those in the categories an emergency listing
   * opened, the clinician's own hospital's otherwise.
   */
  #list(mspId: string, listingId: string) {
    const listing = this.#listings.get(listingId);
    if (listing?.mspId !== mspId) return fail('ACCESS_NOT_GRANTED', listingId);
    const opened = this.emergencyListings.get(listingId)?.categories ?? [];
    const records = this.#records(listing.patientDid).filter((r) =>
      listing.mode === 'patient'
        ? true
        : listing.mode === 'emergency'
          ? opened.includes(r.category)
          : r.custodian === mspId,
    );
    return {
      listingId,
      mode: listing.mode,
      records: records.map((r) => ({
        recordId: r.recordId,
        custodian: r.custodian,
        version: r.version,
        department: r.department,
        category: r.category,
        level: r.level,
        fhirResourceType: r.fhirResourceType,
        anchoredAt: r.txTime,
        qualityStatus: r.qualityStatus,
        erased: r.erased,
      })),
    };
  }

  #openPatientAccess(mspId: string, input: Record<string, unknown>, map: Readonly<Record<string, string>>) {
    const subject = JSON.parse(map['subject'] ?? '{}') as { patientDid: string };
    const request = JSON.parse(map['request'] ?? '{}') as { jws: string };
    const payload = this.#patientRequest(request.jws, subject.patientDid, mspId);
    if (payload.typ !== 'medledger.summary.read') return fail('VALIDATION_FAILED', 'not a summary request');
    const custodian = String(input['custodian']);
    const accessId = txId();
    this.#patientAccesses.set(accessId, { custodian, patientDid: subject.patientDid, relay: mspId });
    return {
      accessId,
      custodian,
      records: (input['records'] as unknown[]).length,
      expiresAt: new Date(Date.now() + 120_000).toISOString(),
    };
  }

  #readPatientContent(accessId: string) {
    const access = this.#patientAccesses.get(accessId) ?? fail('ACCESS_NOT_GRANTED', accessId);
    const entries = [...this.parts.records.values()]
      .filter((r) => r.patientDid === access.patientDid)
      .flatMap((r) => {
        const v = r.versions.at(-1);
        const content = v ? r.content.get(v.version) : undefined;
        if (!v || content === undefined || v.custodian !== access.custodian || v.erased) return [];
        if (!SUMMARY_CATEGORIES.includes(v.category)) return [];
        const { resource, salt } = JSON.parse(content) as { resource: Record<string, unknown>; salt: string };
        return [
          {
            recordId: v.recordId,
            custodian: v.custodian,
            version: v.version,
            department: v.department,
            category: v.category,
            fhirResourceType: v.fhirResourceType,
            anchoredAt: v.txTime,
            anchorTxId: v.txId,
            contentHash: v.contentHash,
            resource,
            salt,
          },
        ];
      });
    return { accessId, custodian: access.custodian, entries };
  }

  #stateOf(r: ErasureRequest): ErasureRequestState {
    const overdue = r.answer === null && Date.parse(r.dueAt) <= Date.now();
    return {
      requestId: r.requestId,
      custodian: r.custodian,
      recordId: r.recordId,
      requestedAt: r.requestedAt,
      dueAt: r.dueAt,
      status: r.answer?.answer ?? (overdue ? 'overdue' : 'open'),
      refusal: (r.answer?.refusal ?? null) as ErasureRequestState['refusal'],
      answeredAt: r.answer?.at ?? null,
      late: r.answer?.late ?? overdue,
    };
  }

  /** Files an erasure request as the chaincode would have (for scripted history: `requestedAt` in the past). */
  fileErasureRequest(request: Omit<ErasureRequest, 'requestId' | 'dueAt' | 'answer'>): ErasureRequestState {
    const requestId = txId();
    const dueAt = new Date(Date.parse(request.requestedAt) + ERASURE_REQUEST_DEADLINE_DAYS * DAY_MS);
    const stored: ErasureRequest = { ...request, requestId, dueAt: dueAt.toISOString(), answer: null };
    this.erasureRequests.push(stored);
    this.parts.emit(
      'ErasureRequested',
      { requestId, custodian: request.custodian, recordId: request.recordId, dueAt: stored.dueAt },
      { txId: requestId, time: request.requestedAt },
    );
    return this.#stateOf(stored);
  }

  /** The patient's signed request, relayed by `mspId` (its `aud`), for a record of theirs at its custodian. */
  #requestErasure(mspId: string, input: Record<string, unknown>, map: Readonly<Record<string, string>>) {
    const subject = JSON.parse(map['subject'] ?? '{}') as { patientDid: string };
    const request = JSON.parse(map['request'] ?? '{}') as { jws: string };
    const payload = erasureRequestPayloadSchema.parse(this.parts.verifyPatient(request.jws));
    if (payload.aud !== mspId || mspId === this.parts.regulator) return fail('FORBIDDEN', 'relay');
    if (payload.custodian !== input['custodian'] || payload.recordId !== input['recordId']) {
      return fail('VALIDATION_FAILED', 'the input is not the signed record');
    }
    const record = this.parts.records.get(`${payload.custodian}/${payload.recordId}`);
    if (record?.patientDid !== subject.patientDid || payload.patientDid !== subject.patientDid) {
      return fail('FORBIDDEN', `${payload.recordId} is not this patient's`);
    }
    return this.fileErasureRequest({
      patientDid: payload.patientDid,
      custodian: payload.custodian,
      recordId: payload.recordId,
      requestedAt: new Date().toISOString(),
    });
  }

  /** The custodian's admin erases (every version not erased yet) or refuses with a legal reason. */
  #answerErasure(mspId: string, actor: Caller | undefined, input: Record<string, unknown>) {
    const request = this.erasureRequests.find((r) => r.requestId === input['requestId']);
    if (request?.custodian !== mspId) return fail('NOT_FOUND', String(input['requestId']));
    if (actor?.role !== 'admin') return fail('FORBIDDEN', 'only the custodian admin answers');
    if (request.answer !== null) return fail('CONFLICT', request.requestId);
    const answer = input['answer'] === 'erased' ? 'erased' : 'refused';
    const at = new Date().toISOString();
    const late = Date.parse(request.dueAt) <= Date.now();
    const record = this.parts.records.get(`${request.custodian}/${request.recordId}`);
    const versions: number[] = [];
    if (answer === 'erased' && record) {
      for (const v of record.versions.filter((x) => !x.erased)) {
        Object.assign(v, { erased: true });
        record.content.delete(v.version);
        versions.push(v.version);
      }
    }
    const refusal = answer === 'refused' ? String(input['refusal']) : null;
    request.answer = { answer, refusal, at, late };
    this.parts.emit('ErasureRequestAnswered', {
      requestId: request.requestId,
      custodian: request.custodian,
      recordId: request.recordId,
      answer,
      refusal,
      versions,
      late,
    });
    return this.#stateOf(request);
  }

  /**
   * The second attending's co-signature of `requestId` (a `CO_SIGNATURE_REQUIRED` decision): an active
   * attending of the requester's own hospital, not the requester, within the window, once.
   */
  coSign(mspId: string, coSigner: Caller | undefined, requestId: string): CoSignRequest {
    const request = this.coSignRequests.get(requestId);
    if (request?.custodian === undefined) return fail('NOT_FOUND', requestId);
    if (
      coSigner?.role !== 'attending' ||
      coSigner.mspId !== request.requester.mspId ||
      coSigner.enrollmentId === request.requester.enrollmentId ||
      mspId !== request.requester.mspId
    ) {
      return fail('CO_SIGNER_NOT_PERMITTED', requestId);
    }
    if (request.coSignedBy !== null) return fail('CONFLICT', requestId);
    if (request.until <= Date.now()) return fail('EXPIRED', requestId);
    request.coSignedBy = this.parts.staffDid(coSigner.mspId, coSigner.enrollmentId);
    return request;
  }

  /** Waits for a co-signature of a break-glass request beyond the profile. */
  awaitCoSignature(accessId: string, requester: Caller, record: RecordAnchor): void {
    this.coSignRequests.set(accessId, {
      requester,
      recordId: record.recordId,
      custodian: record.custodian,
      version: record.version,
      until: Date.now() + CO_SIGN_WINDOW_MS,
      coSignedBy: null,
    });
  }

  /** A member of the consent's grantee org attests every copy deleted: once, `late` after `keepUntil`. */
  #attest(mspId: string, actor: Caller | undefined, consentId: string): DeletionAttestation {
    const consent = this.parts.consents.find((c) => c.consentId === consentId);
    if (!consent) return fail('NOT_FOUND', consentId);
    if (actor === undefined || this.parts.granteeOrg(consent.grantee) !== mspId) {
      return fail('FORBIDDEN', `${consentId}: only the grantee org attests`);
    }
    if (this.attestations.some((a) => a.consentId === consentId)) return fail('CONFLICT', consentId);
    const id = txId();
    const keepUntil = consent.keepUntil ?? null;
    const attestation: DeletionAttestation = {
      consentId,
      granteeOrg: mspId,
      attestedBy: this.parts.staffDid(mspId, actor.enrollmentId),
      attestedAt: new Date().toISOString(),
      keepUntil,
      late: keepUntil !== null && Date.parse(keepUntil) <= Date.now(),
      txId: id,
    };
    this.attestations.push(attestation);
    this.parts.emit(
      'DeletionAttested',
      { consentId, granteeOrg: mspId, attestedBy: attestation.attestedBy, late: attestation.late },
      { txId: id },
    );
    return attestation;
  }

  /**
   * The report's deletion attestations for `[from, to)`, as the projection computes them: consents
   * read under whose `keepUntil` passed without an attestation (overdue), attestations filed and
   * attestations due in the range. The test gateways' projection predates the section; the browser
   * tests serve it from here.
   */
  deletionAttestations(from: string, to: string): DeletionAttestationSection {
    const inRange = (iso: string) => iso >= from && iso < to;
    const readUnder = new Set(
      this.parts.decisions.filter((d) => d.outcome === 'granted').map((d) => d.consentId),
    );
    const attested = new Set(this.attestations.map((a) => a.consentId));
    const now = Date.now();
    const overdue = this.parts.consents
      .filter((c) => c.keepUntil !== undefined && Date.parse(c.keepUntil) <= now)
      .filter((c) => readUnder.has(c.consentId) && !attested.has(c.consentId))
      .map((c) => ({
        consentId: c.consentId,
        grantee: this.parts.granteeOrg(c.grantee),
        keepUntil: c.keepUntil ?? '',
        overdueHours: Math.floor((now - Date.parse(c.keepUntil ?? '')) / HOUR_MS),
      }));
    return {
      overdue,
      attestedInRange: this.attestations.filter((a) => inRange(a.attestedAt)).length,
      dueInRange: this.parts.consents.filter((c) => c.keepUntil !== undefined && inRange(c.keepUntil)).length,
    };
  }
}
