import { randomBytes } from 'node:crypto';
import {
  sha256Hex,
  type AccessDecision,
  type ConsentState,
  type DataUseReceipt,
  type RecordAnchor,
} from '@medledger/domain';
import type { FakeSigner } from './fake-identity';
import { daysFromNow, patientJws, registerStaff, uid, type Harness, type TestPatient } from './harness';

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
): Promise<{ anchor: RecordAnchor; envelope: { resource: Record<string, unknown>; salt: string } }> {
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
  const { result } = await h.submit<RecordAnchor>(
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
  return { anchor: result, envelope };
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
