import { randomBytes } from 'node:crypto';
import {
  sha256Hex,
  type AccessDecision,
  type ConsentState,
  type DataUseReceipt,
  type EmergencyProfile,
  type PatientPreferences,
  type PatientPublicJwk,
  type PatientRecord,
  type RecordAnchor,
} from '@medledger/domain';
import type { FakeSigner } from './fake-identity';
import {
  daysFromNow,
  patientJws,
  registerStaff,
  uid,
  type Harness,
  type KeyPair,
  type TestPatient,
} from './harness';
import type { Committed } from './memory-ledger';

/** A Condition with an ICD-11 code (synthetic, no real person). */
export function condition(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceType: 'Condition',
    subject: { reference: 'Patient/p1' },
    code: {
      coding: [
        { system: 'http://id.who.int/icd/release/11/mms', code: 'BA00', display: 'Essential hypertension' },
      ],
    },
    recordedDate: '2025-05-01',
    ...overrides,
  };
}

/** A fresh salt (128 bits, hex). */
export function salt(): string {
  return randomBytes(16).toString('hex');
}

/** The metadata of a Condition record version of the cardiology department (no patient: that is transient). */
export function recordMeta(recordId: string, version = 1) {
  return {
    recordId,
    department: 'cardiology',
    category: 'diagnosis',
    level: 3,
    fhirResourceType: 'Condition',
    version,
  };
}

/** A consent as its grantee's gateway presents it: the id and the patient's signed grant. */
export interface PresentedConsent {
  consentId: string;
  jws: string;
}

/**
 * A consent the patient signs, relayed by a fresh nurse of `relayOrg`: Hospital2's treatment with the
 * patient's diagnoses up to level 3, from yesterday for 30 days, unless `terms` say otherwise. Returns
 * what the grantee presents at access.
 */
export async function grantConsent(
  h: Harness,
  patient: TestPatient,
  terms: Record<string, unknown> = {},
  relayOrg = 'Hospital1MSP',
): Promise<PresentedConsent> {
  const relay = await registerStaff(h, relayOrg, 'nurse', 'cardiology');
  const jws = patientJws(h, patient, {
    typ: 'medledger.consent.grant',
    grantee: { kind: 'org', mspId: 'Hospital2MSP' },
    categories: ['diagnosis'],
    maxLevel: 3,
    purpose: 'treatment',
    periodStart: daysFromNow(h, -1),
    periodEnd: daysFromNow(h, 30),
    ...terms,
  });
  const { result } = await h.submit<ConsentState>(
    relay,
    'consent:GrantConsent',
    {},
    { transient: { consent: { jws } } },
  );
  return { consentId: result.consentId, jws };
}

/** Asks for access to a record (consents presented in the transient map); asserts it committed. */
export async function accessRecord(
  h: Harness,
  who: FakeSigner,
  record: Pick<RecordAnchor, 'recordId' | 'custodian'>,
  body: Record<string, unknown>,
  consents: readonly PresentedConsent[] = [],
): Promise<AccessDecision> {
  const { result, tx } = await h.submit<AccessDecision>(
    who,
    'access:AccessRecord',
    { recordId: record.recordId, custodian: record.custodian, ...body },
    consents.length > 0 ? { transient: { consents } } : {},
  );
  if (tx.status !== 'VALID' || tx.event?.name !== 'AccessDecided')
    throw new Error(`AccessRecord ${tx.status}`);
  return result;
}

/** Reads content with an access grant (on the custodian's peer unless `peer` says otherwise), research rows for `exportId`. */
export function readRecord(
  h: Harness,
  who: FakeSigner,
  record: Pick<RecordAnchor, 'recordId' | 'custodian'>,
  accessId: string,
  peer?: string,
  exportId?: string,
) {
  return h.evaluate<{
    resource: Record<string, unknown>;
    salt: string | null;
    contentHash: string;
    receipt: DataUseReceipt;
  }>(
    who,
    'access:ReadRecordContent',
    {
      recordId: record.recordId,
      custodian: record.custodian,
      accessId,
      ...(exportId === undefined ? {} : { exportId }),
    },
    peer === undefined ? {} : { peer },
  );
}

/** Stages and anchors a record version (the patient in the transient map); returns the anchor and the envelope used. */
export async function anchor(
  h: Harness,
  writer: FakeSigner,
  patient: TestPatient,
  options: {
    recordId?: string;
    version?: number;
    previousHash?: string | null;
    resource?: Record<string, unknown>;
    department?: string;
    category?: string;
    level?: number;
    fhirResourceType?: string;
  } = {},
): Promise<{
  anchor: RecordAnchor;
  envelope: { resource: Record<string, unknown>; salt: string };
  tx: Committed<string>;
}> {
  const resource = options.resource ?? condition();
  const meta = {
    recordId: options.recordId ?? uid('rec'),
    department: options.department ?? 'cardiology',
    category: options.category ?? 'diagnosis',
    level: options.level ?? 3,
    fhirResourceType:
      options.fhirResourceType ?? (typeof resource.resourceType === 'string' ? resource.resourceType : ''),
    version: options.version ?? 1,
  };
  const envelope = { resource, salt: salt() };
  const { result: staged } = await h.submit<{
    contentHash: string;
    qualityStatus: string;
    reasons: string[];
  }>(writer, 'record:StageRecordContent', meta, {
    transient: { content: envelope, subject: { patientDid: patient.did } },
  });
  const { result, tx } = await h.submit<RecordAnchor>(
    writer,
    'record:AnchorRecord',
    {
      ...meta,
      previousHash: options.previousHash ?? null,
      contentHash: staged.contentHash,
      qualityStatus: staged.qualityStatus,
      reasons: staged.reasons,
    },
    { transient: { subject: { patientDid: patient.did } } },
  );
  return { anchor: result, envelope, tx };
}

/** A patient's grant to Hospital2 of diagnosis and lab data for treatment, for 30 days (overridable). */
export function consentGrantBody(h: Harness, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    typ: 'medledger.consent.grant',
    grantee: { kind: 'org', mspId: 'Hospital2MSP' },
    categories: ['diagnosis', 'lab'],
    maxLevel: 3,
    purpose: 'treatment',
    periodStart: daysFromNow(h, -1),
    periodEnd: daysFromNow(h, 30),
    ...extra,
  };
}

/** Relays a signed grant (GrantConsent, the JWS in the transient map). */
export function relayConsentGrant(h: Harness, relay: FakeSigner, jws: string) {
  return h.submit<ConsentState>(relay, 'consent:GrantConsent', {}, { transient: { consent: { jws } } });
}

/**
 * The patient's grant of diagnosis data (level 3, 30 days) for research to study `studyId`, relayed by
 * a new Hospital1 nurse: the consent a researcher's org presents.
 */
export async function studyConsent(
  h: Harness,
  patient: TestPatient,
  studyId: string,
): Promise<PresentedConsent> {
  const relay = await registerStaff(h, 'Hospital1MSP', 'nurse', 'cardiology');
  const jws = patientJws(
    h,
    patient,
    consentGrantBody(h, {
      grantee: { kind: 'study', studyId },
      categories: ['diagnosis'],
      purpose: 'research',
    }),
  );
  const { result } = await relayConsentGrant(h, relay, jws);
  return { consentId: result.consentId, jws };
}

/**
 * Rotates the patient's key to `next` (signed by the current key, relayed by `relay`); returns the
 * ledger's record and the patient as they now sign.
 */
export async function rotatePatientKey(
  h: Harness,
  relay: FakeSigner,
  patient: TestPatient,
  next: KeyPair,
): Promise<{ result: PatientRecord; rotated: TestPatient }> {
  const newPublicKeyJwk: PatientPublicJwk = next.publicJwk;
  const { result } = await h.submit<PatientRecord>(
    relay,
    'identity:RotatePatientKey',
    {},
    {
      transient: {
        rotation: { jws: patientJws(h, patient, { typ: 'medledger.key.rotate', newPublicKeyJwk }) },
      },
    },
  );
  return { result, rotated: { ...patient, ...next, keyNumber: patient.keyNumber + 1 } };
}

/**
 * Proposes a study of diagnoses (level 3, a year) of `lead`'s org at `sites`, every site's ethics
 * committee approves it (quorum: all), and the lead activates it: research access flows from every
 * site. Returns the study id.
 */
export async function activeStudy(
  h: Harness,
  lead: FakeSigner,
  sites: readonly string[] = ['Hospital1MSP'],
  studyId = uid('study'),
  terms: Record<string, unknown> = {},
): Promise<string> {
  await h.submit(lead, 'study:ProposeStudy', {
    studyId,
    categories: ['diagnosis'],
    maxLevel: 3,
    periodStart: daysFromNow(h, -1),
    periodEnd: daysFromNow(h, 365),
    sites: [...sites],
    quorum: { kind: 'all' },
    protocolHash: sha256Hex(`protocol ${studyId}`),
    ...terms,
  });
  for (const site of sites) {
    const ethics = await registerStaff(h, site, 'ethics', null);
    await h.submit(ethics, 'study:DecideStudy', { studyId, decision: 'approved', protocolVersion: 1 });
  }
  await h.submit(
    lead,
    'study:ChangeStudy',
    { studyId, action: 'activate' },
    { endorsers: [lead.mspId, 'RegulatorMSP'] },
  );
  return studyId;
}

/**
 * The patient signs `profile` as their emergency profile (`iatOffset` seconds after the ledger's now,
 * so a later profile is newer) and a new Hospital2 nurse relays it; answers the stored preferences.
 */
export async function setEmergencyProfile(
  h: Harness,
  patient: TestPatient,
  profile: EmergencyProfile,
  iatOffset = 0,
): Promise<PatientPreferences> {
  const relay = await registerStaff(h, 'Hospital2MSP', 'nurse', 'er');
  const iat = Math.floor(h.ledger.now.getTime() / 1000) + iatOffset;
  const jws = patientJws(h, patient, {
    typ: 'medledger.preferences',
    emergencyProfile: profile,
    iat,
    exp: iat + 600,
  });
  const { result } = await h.submit<PatientPreferences>(
    relay,
    'consent:SetPatientPreferences',
    {},
    { transient: { preferences: { jws } } },
  );
  return result;
}

/** An OpenRecordListing answer. */
export interface OpenedListing {
  listingId: string;
  mode: string;
  outcome: string;
  reason: string;
  expiresAt: string | null;
}

/** A ListPatientRecords answer (the fields tests look at). */
export interface ListedRecords {
  listingId: string;
  mode: string;
  records: { recordId: string; custodian: string; category: string; erased: boolean }[];
}
