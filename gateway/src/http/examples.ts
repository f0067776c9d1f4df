/**
 * The example of every operation in the OpenAPI document, by operation id: one request that succeeds
 * (who sends it, its path, query, headers and body) and the answer it gets. The docs page shows them
 * and `examples.test.ts` sends each one to a gateway over the test ledger and checks that it answers
 * with the documented status and a body of the documented schema, so the examples cannot drift from
 * the API. `buildOpenApi` refuses a route without an example.
 *
 * One story runs through them: Hospital1's admin onboards `dr-0042`, an attending registers patient
 * `p-7f3a9c` and anchors a diagnosis `rec-0001`, reads it back, asks for access and reads it; the
 * patient signs consents, a study reads the record de-identified, and the audit views show it all.
 * Ids, hashes and signatures are made up but well-formed: a patient's signatures come from the
 * patient's device (`gateway/dist/cli/patient-sign.js`), never from these pages.
 */
import { createHash } from 'node:crypto';

import type { Claim, Coverage, CoverageTerms } from '@medledger/domain';

import { toFhirClaimResponse, toFhirExplanationOfBenefit } from '../insurance/fhir-adjudication';
import { toFhirCoverage } from '../insurance/fhir-coverage';
import { toFhirBundle } from '../projection/read/fhir/audit-event';
import { credentialExamples, studyResultExamples, studyRoundExamples } from './examples-research';
import { summaryBundle } from '../services/summary-bundle';
import type { AuditEventView } from '../projection/read/views';

/** Who sends an example: the token it carries (none for the operations endpoints). */
export type ExampleCaller =
  'clinician' | 'admin' | 'ethics' | 'researcher' | 'insurer' | 'auditor' | 'patient' | 'anyone';

/** What each caller is, in the document's words. */
export const EXAMPLE_CALLERS: Readonly<Record<ExampleCaller, string>> = {
  clinician: "a Hospital1 attending's token (hospital1-attending-1)",
  admin: "a Hospital1 org admin's token (hospital1-admin)",
  ethics: "a Hospital1 ethics committee member's token (hospital1-ethics-1)",
  researcher: "a researcher's token (research-researcher-1, at the Research gateway)",
  insurer: "an insurer admin's token (insurer-admin, at the Insurer gateway)",
  auditor: "a regulator auditor's token (regulator-auditor-1, at the Regulator gateway)",
  patient: "the patient's own token (subject did:medledger:patient:p-7f3a9c)",
  anyone: 'no token',
};

/** One operation's example. */
export interface OperationExample {
  /** What it does, in one line. */
  readonly summary: string;
  readonly caller: ExampleCaller;
  /** Path parameters, numbers where the parameter is one. */
  readonly params?: Readonly<Record<string, string | number>>;
  /** Query parameters, numbers where the parameter is one. */
  readonly query?: Readonly<Record<string, string | number>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** The success answer: JSON, or the text of a text answer. */
  readonly response: unknown;
}

const hex = (label: string): string =>
  createHash('sha256').update(`medledger example ${label}`).digest('hex');
/** The `Idempotency-Key` of an operation's example: its own, since a key is bound to one request. */
export function idempotencyKeyExample(operationId: string): string {
  const h = hex(`idempotency ${operationId}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export const EXAMPLE_PATIENT = 'did:medledger:patient:p-7f3a9c';
const PATIENT_KEY_ID = `${EXAMPLE_PATIENT}#key-1`;
const ATTENDING = 'did:medledger:hospital1:hospital1-attending-1';
const ADMIN = 'did:medledger:hospital1:hospital1-admin';
const NEW_DOCTOR = 'did:medledger:hospital1:dr-0042';
const AUDITOR = 'did:medledger:regulator:regulator-auditor-1';
const RESEARCHER = 'did:medledger:research:research-researcher-1';
const DOCTOR_H2 = 'did:medledger:hospital2:hospital2-attending-1';
const RECORD = 'rec-0001';
const STUDY = 'study-0007';
const CONSENT = hex('consent');
const ACCESS = hex('access');
const BREAK_GLASS = hex('break-glass access');
const EMERGENCY_LISTING = hex('emergency listing');
const FREEZE = hex('freeze');
const INCIDENT = hex('incident');
const INCIDENT_OPEN = {
  incidentId: INCIDENT,
  category: 'data_leak',
  severity: 'high',
  orgs: ['Hospital2MSP'],
  status: 'open',
  openedBy: AUDITOR,
  openedAt: '2026-10-05T07:30:00.000Z',
  links: [],
  steps: [],
  finding: null,
  reportHash: null,
  closedBy: null,
  closedAt: null,
  version: 1,
};
const INCIDENT_LINK = {
  link: { kind: 'freeze', freezeId: hex('freeze') },
  txId: hex('freeze'),
  orgs: ['Hospital2MSP'],
  linkedBy: AUDITOR,
  linkedAt: '2026-10-05T08:05:00.000Z',
};
const INCIDENT_STEP = {
  step: 'contain',
  documentHash: null,
  recordedBy: AUDITOR,
  txId: hex('incident step'),
  at: '2026-10-05T08:10:00.000Z',
};
const FREEZE_ACTIVE = {
  freezeId: FREEZE,
  subject: { kind: 'person', did: DOCTOR_H2 },
  org: 'Hospital2MSP',
  reason: 'data_leak',
  incidentId: null,
  frozenBy: AUDITOR,
  frozenAt: '2026-10-05T08:00:00.000Z',
  status: 'active',
  liftApprovals: { regulator: null, org: null },
  liftedAt: null,
};
const PUBLIC_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: '_IOXFgVp6SSzpIEdCZjimKajSlWfoDyp7L7h05npAdM',
  y: 'NZO_qptScJv2c3EVuCWjO6R9ycdxlFdN9E1t1Xgz3hs',
};
const NEXT_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'BBtrkcBV6DJJnKNmj4F7l7Gk2uLxHXmgKt4yPnwjMiY',
  y: 'WguZcYeC4oyJf1mQK2Q0B7IUQBGzyZOKrPDeSKwUMLc',
};

/** The recovery key the patient keeps offline (revealed only when it is used), and its RFC 7638 thumbprint. */
const RECOVERY_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'Hj2ZqIv0lxyRFtyomyGrU0zT8qbNR8z7A5V0X0g4YpQ',
  y: 'u5QfY2Zh8uUq2cK9vQhS6kE7w3o4Lr1mNnBqXy0aZ1c',
};
const RECOVERY_THUMBPRINT = hex('recovery key').slice(0, 43);
const ROLE_CHANGE = hex('propose role change');

/** A patient's erasure request that Hospital1 left unanswered past its 30 days. */
const OVERDUE_ERASURE_REQUEST = {
  requestId: hex('erasure request'),
  custodian: 'Hospital1MSP',
  recordId: RECORD,
  requestedAt: '2026-08-20T09:00:00.000Z',
  dueAt: '2026-09-19T09:00:00.000Z',
  status: 'overdue',
  refusal: null,
  answeredAt: null,
  late: true,
};

/** A compact JWS as the patient's app makes it (the 64-byte signature here is made up). */
function patientJws(payload: Record<string, unknown>): string {
  const signed = {
    ...payload,
    patientDid: EXAMPLE_PATIENT,
    nonce: 'Q2hvb3NlIGEgbm9uY2U',
    iat: 1790500000,
    exp: 1790500600,
  };
  const signature = createHash('sha512').update(JSON.stringify(signed)).digest('base64url');
  return `${base64url({ alg: 'ES256', kid: PATIENT_KEY_ID })}.${base64url(signed)}.${signature}`;
}

/** The terms of the patient's grant: Hospital2 may read diagnoses and labs for treatment for 30 days. */
const GRANT_TERMS = {
  grantee: { kind: 'org', mspId: 'Hospital2MSP' },
  categories: ['diagnosis', 'lab'],
  maxLevel: 3,
  purpose: 'treatment',
  periodStart: '2026-10-02T11:00:00.000Z',
  periodEnd: '2026-11-01T11:00:00.000Z',
};
/** The grant as the patient signed it. */
const GRANT_JWS = patientJws({ typ: 'medledger.consent.grant', ...GRANT_TERMS });

/** A valid R4 Condition: an ICD-11 diagnosis of essential hypertension. */
const CONDITION = {
  resourceType: 'Condition',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
  },
  code: {
    coding: [
      { system: 'http://id.who.int/icd/release/11/mms', code: 'BA00', display: 'Essential hypertension' },
    ],
  },
  subject: { reference: 'Patient/p-7f3a9c' },
  recordedDate: '2026-10-02',
};
/** The metadata an anchor keeps (its patient stays in the custodian's sealed collection). */
const ANCHOR_METADATA = {
  department: 'cardiology',
  category: 'diagnosis',
  level: 3,
  fhirResourceType: 'Condition',
};
const METADATA = { patientDid: EXAMPLE_PATIENT, ...ANCHOR_METADATA };

function didDocument(did: string, medledger: Record<string, unknown>, keys: object[] = []) {
  return {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: did,
    controller: did,
    verificationMethod: keys,
    authentication: keys.map((k) => (k as { id: string }).id),
    assertionMethod: keys.map((k) => (k as { id: string }).id),
    medledger: {
      status: 'active',
      currentKeyId: null,
      created: '2026-10-01T08:00:00.000Z',
      updated: '2026-10-01T08:00:00.000Z',
      updatedBy: ADMIN,
      version: 1,
      ...medledger,
    },
  };
}

/** The pending (or approved) proposal to make dr-0042 an org admin. */
const roleChange = (status: 'pending' | 'approved') => ({
  proposalId: ROLE_CHANGE,
  did: NEW_DOCTOR,
  org: 'Hospital1MSP',
  fromRole: 'attending',
  role: 'admin',
  department: null,
  proposedBy: ADMIN,
  proposedAt: '2026-10-03T09:00:00.000Z',
  expiresAt: '2026-10-10T09:00:00.000Z',
  status,
  approvedBy: null,
  approvedAt: null,
  approvalTxId: null,
});

const staffDocument = (role: string, over: Record<string, unknown> = {}) =>
  didDocument(NEW_DOCTOR, { kind: 'staff', org: 'Hospital1MSP', role, department: 'cardiology', ...over });

const patientDocument = (jwk: object, keyNumber: number) => {
  const kid = `${EXAMPLE_PATIENT}#key-${String(keyNumber)}`;
  return didDocument(
    EXAMPLE_PATIENT,
    { kind: 'patient', org: null, role: null, department: null, currentKeyId: kid, updatedBy: ATTENDING },
    [{ id: kid, type: 'JsonWebKey2020', controller: EXAMPLE_PATIENT, publicKeyJwk: jwk }],
  );
};

function anchor(version: number, over: Record<string, unknown> = {}) {
  return {
    recordId: RECORD,
    version,
    ...ANCHOR_METADATA,
    custodian: 'Hospital1MSP',
    contentHash: hex(`content ${String(version)}`),
    hashAlgorithm: 'SHA-256',
    previousHash: version === 1 ? null : hex(`content ${String(version - 1)}`),
    authorDid: ATTENDING,
    txId: hex(`anchor ${String(version)}`),
    txTime: `2026-10-0${String(1 + version)}T10:00:02.310Z`,
    qualityStatus: 'accepted',
    qualityReasons: [],
    reviewedBy: null,
    reviewedAt: null,
    erased: false,
    ...over,
  };
}

const consent = (over: Record<string, unknown> = {}) => ({
  consentId: CONSENT,
  patientDid: EXAMPLE_PATIENT,
  ...GRANT_TERMS,
  status: 'active',
  grantedAt: '2026-10-02T11:00:01.000Z',
  grantTxId: CONSENT,
  relayedBy: ATTENDING,
  revokedAt: null,
  revokeTxId: null,
  jws: GRANT_JWS,
  ...over,
});

/** The public state of that consent: no patient, no terms but the grantee org and the end. */
const consentState = (over: Record<string, unknown> = {}) => ({
  consentId: CONSENT,
  granteeOrg: 'Hospital2MSP',
  status: 'active',
  periodEnd: GRANT_TERMS.periodEnd,
  grantedAt: '2026-10-02T11:00:01.000Z',
  grantTxId: CONSENT,
  revokedAt: null,
  revokeTxId: null,
  ...over,
});

const study = {
  studyId: STUDY,
  org: 'ResearchMSP',
  principalInvestigatorDid: RESEARCHER,
  purpose: 'research',
  categories: ['diagnosis'],
  maxLevel: 3,
  periodStart: '2026-10-01T00:00:00.000Z',
  periodEnd: '2027-10-01T00:00:00.000Z',
  ethicsApprovalRef: 'ethics-quorum',
  registeredAt: '2026-10-01T09:00:00.000Z',
  txId: hex('study'),
};

const MC_STUDY = 'study-mc-0009';
const PROTOCOL = hex('protocol v1');
const governance = {
  studyId: MC_STUDY,
  org: 'ResearchMSP',
  state: 'approved',
  phase: 'open',
  sites: ['Hospital1MSP', 'Hospital2MSP', 'Hospital3MSP'],
  quorum: { kind: 'atLeast', sites: 2 },
  protocolHash: PROTOCOL,
  protocolVersion: 1,
  decisions: { Hospital1MSP: 'approved', Hospital2MSP: 'approved', Hospital3MSP: 'rejected' },
  approvals: 2,
  required: 2,
  updatedAt: '2026-10-03T09:00:00.000Z',
  txId: hex('study mc'),
};

/** The newest two access decisions on the patient's record, as the audit views show them. */
const auditViews: AuditEventView[] = [
  {
    eventId: ACCESS,
    txId: ACCESS,
    blockNumber: 42,
    txTime: '2026-10-02T11:05:00.000Z',
    recordId: RECORD,
    patientDid: EXAMPLE_PATIENT,
    custodian: 'Hospital1MSP',
    actorDid: DOCTOR_H2,
    actorMsp: 'Hospital2MSP',
    actorRole: 'attending',
    purpose: 'treatment',
    outcome: 'granted',
    reason: 'CONSENT',
    consentId: CONSENT,
    breakGlass: false,
  },
  {
    eventId: hex('denied access'),
    txId: hex('denied access'),
    blockNumber: 38,
    txTime: '2026-10-02T10:40:00.000Z',
    recordId: RECORD,
    patientDid: EXAMPLE_PATIENT,
    custodian: 'Hospital1MSP',
    actorDid: DOCTOR_H2,
    actorMsp: 'Hospital2MSP',
    actorRole: 'attending',
    purpose: 'treatment',
    outcome: 'denied',
    reason: 'NO_CONSENT',
    consentId: null,
    breakGlass: false,
  },
];

/** The same two decisions as an R4 searchset page, with the links the route adds (link before entry). */
function auditBundle() {
  const { entry, ...head } = toFhirBundle(auditViews, undefined, new Date('2026-10-02T12:00:00.000Z'));
  const self = `/v1/audit/fhir?patient=${encodeURIComponent(EXAMPLE_PATIENT)}&limit=2`;
  return {
    ...head,
    link: [
      { relation: 'self', url: self },
      { relation: 'next', url: `${self}&cursor=${PAGE_CURSOR}` },
    ],
    entry,
  };
}

const PAGE_CURSOR = 'eyJ0IjoxNzkwNTAwMDAwMDAwLCJzIjo0Mn0.c2lnbmF0dXJl';

/** Identity: DIDs, staff, patients and their keys. */
const identityExamples: Record<string, OperationExample> = {
  resolveDid: {
    summary: "Resolve the patient's DID document (its current public key)",
    caller: 'clinician',
    params: { did: EXAMPLE_PATIENT },
    response: patientDocument(PUBLIC_JWK, 1),
  },
  onboardStaff: {
    summary: 'Onboard dr-0042 as a cardiology attending',
    caller: 'admin',
    body: { enrollmentId: 'dr-0042', role: 'attending', department: 'cardiology' },
    response: { txId: hex('onboard'), didDocument: staffDocument('attending') },
  },
  updateStaff: {
    summary: 'Move dr-0042 to the oncology department',
    caller: 'admin',
    params: { did: NEW_DOCTOR },
    body: { department: 'oncology' },
    response: {
      txId: hex('update staff'),
      didDocument: staffDocument('attending', { department: 'oncology', version: 2 }),
    },
  },
  deactivateStaff: {
    summary: 'Deactivate dr-0042 (final)',
    caller: 'admin',
    params: { did: NEW_DOCTOR },
    body: {},
    response: {
      txId: hex('deactivate'),
      didDocument: staffDocument('attending', { status: 'deactivated', version: 3 }),
    },
  },
  registerPatient: {
    summary:
      "Register patient p-7f3a9c with the public key made on the patient's device, proven by a signature of that key naming the org and the recovery key's thumbprint",
    caller: 'clinician',
    body: {
      patientDid: EXAMPLE_PATIENT,
      publicKeyJwk: PUBLIC_JWK,
      proof: patientJws({
        typ: 'medledger.patient.register',
        org: 'Hospital1MSP',
        recoveryKeyThumbprint: RECOVERY_THUMBPRINT,
      }),
    },
    response: { txId: hex('register patient'), didDocument: patientDocument(PUBLIC_JWK, 1) },
  },
  rotatePatientKey: {
    summary: 'Replace the patient key, signed with the current one',
    caller: 'patient',
    params: { did: EXAMPLE_PATIENT },
    body: { jws: patientJws({ typ: 'medledger.key.rotate', newPublicKeyJwk: NEXT_JWK }) },
    response: {
      txId: hex('rotate'),
      didDocument: nextKeyDocument(),
    },
  },
};

/** The patient's DID document after its key was replaced (rotation or recovery): version 2, the next key. */
function nextKeyDocument(): ReturnType<typeof patientDocument> {
  const document = patientDocument(NEXT_JWK, 2);
  return { ...document, medledger: { ...document.medledger, version: 2 } };
}

/** The two-person rule for a move between administrative and clinical roles, and key recovery. */
const roleChangeAndRecoveryExamples: Record<string, OperationExample> = {
  proposeStaffRoleChange: {
    summary: 'Propose making dr-0042 an org admin (takes effect once another admin approves)',
    caller: 'admin',
    params: { did: NEW_DOCTOR },
    body: { role: 'admin', department: null },
    response: { txId: ROLE_CHANGE, roleChange: roleChange('pending') },
  },
  approveStaffRoleChange: {
    summary: "A second admin approves the proposal: dr-0042's document now says admin",
    caller: 'admin',
    params: { did: NEW_DOCTOR, proposalId: ROLE_CHANGE },
    body: {},
    response: {
      txId: hex('approve role change'),
      didDocument: staffDocument('admin', { department: null, version: 2 }),
    },
  },
  recoverPatientKey: {
    summary: 'Replace a lost patient key, signed with the recovery key kept offline since onboarding',
    caller: 'patient',
    params: { did: EXAMPLE_PATIENT },
    body: {
      jws: patientJws({
        typ: 'medledger.key.recover',
        recoveryPublicKeyJwk: RECOVERY_JWK,
        newPublicKeyJwk: NEXT_JWK,
        newRecoveryKeyThumbprint: hex('next recovery key').slice(0, 43),
      }),
    },
    response: {
      txId: hex('recover'),
      didDocument: nextKeyDocument(),
    },
  },
};

/** Records: anchoring, reading, verifying, access, content, review, erasure. */
const recordExamples: Record<string, OperationExample> = {
  createRecord: {
    summary: 'Anchor a diagnosis: content to the custodian, metadata and salted hash on chain',
    caller: 'clinician',
    body: { recordId: RECORD, ...METADATA, resource: CONDITION },
    response: { txId: hex('anchor 1'), stageTxId: hex('stage 1'), salt: hex('salt 1'), record: anchor(1) },
  },
  addRecordVersion: {
    summary: 'Anchor version 2 (the condition resolved), chained to version 1',
    caller: 'clinician',
    params: { id: RECORD },
    body: {
      ...METADATA,
      resource: {
        ...CONDITION,
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }],
        },
      },
    },
    response: { txId: hex('anchor 2'), stageTxId: hex('stage 2'), salt: hex('salt 2'), record: anchor(2) },
  },
  getRecord: {
    summary: 'Read the metadata of version 1',
    caller: 'clinician',
    params: { id: RECORD },
    query: { version: 1 },
    response: anchor(1),
  },
  getRecordHistory: {
    summary: 'Every version of the record and its erasures',
    caller: 'clinician',
    params: { id: RECORD },
    response: { recordId: RECORD, custodian: 'Hospital1MSP', versions: [anchor(1), anchor(2)], erasures: [] },
  },
  verifyRecord: {
    summary: 'Check a copy of version 1 (with its salt) against the anchored hash',
    caller: 'clinician',
    params: { id: RECORD },
    body: { version: 1, resource: CONDITION, salt: hex('salt 1') },
    response: {
      recordId: RECORD,
      version: 1,
      matches: true,
      anchoredHash: hex('content 1'),
      computedHash: hex('content 1'),
      hashAlgorithm: 'SHA-256',
    },
  },
  requestAccess: {
    summary: 'Ask to read the content for treatment: the decision is committed and audited',
    caller: 'clinician',
    params: { id: RECORD },
    body: { purpose: 'treatment' },
    response: {
      txId: ACCESS,
      decision: {
        accessId: ACCESS,
        recordId: RECORD,
        custodian: 'Hospital1MSP',
        version: 2,
        outcome: 'granted',
        reason: 'CUSTODIAN_TREATMENT',
        consentId: null,
        breakGlass: false,
        deidentified: false,
        expiresAt: '2026-10-02T11:20:00.000Z',
      },
    },
  },
  coSignBreakGlass: {
    summary:
      "A second attending co-signs a colleague's emergency access to a lab result beyond the patient's emergency profile",
    caller: 'clinician',
    params: { id: hex('break-glass request') },
    body: { custodian: 'Hospital2MSP' },
    response: {
      txId: hex('break-glass co-sign'),
      decision: {
        accessId: hex('break-glass co-sign'),
        recordId: RECORD,
        custodian: 'Hospital2MSP',
        version: 1,
        outcome: 'granted',
        reason: 'BREAK_GLASS_COSIGNED',
        consentId: null,
        breakGlass: true,
        deidentified: false,
        expiresAt: '2026-10-04T06:12:00.000Z',
      },
    },
  },
  readRecordContent: {
    summary: 'Read the content with the granted access',
    caller: 'clinician',
    params: { id: RECORD },
    query: { accessId: ACCESS },
    response: {
      recordId: RECORD,
      version: 1,
      contentHash: hex('content 1'),
      resource: CONDITION,
      salt: hex('salt 1'),
      deidentified: false,
      receipt: receipt({
        accessId: ACCESS,
        recipientDid: ATTENDING,
        recipientMsp: 'Hospital1MSP',
        label: 'read',
      }),
    },
  },
  reviewRecordQuality: {
    summary: 'Clear version 1, which the quality gate held for review',
    caller: 'clinician',
    params: { id: RECORD },
    body: { version: 1 },
    response: {
      txId: hex('review'),
      record: anchor(1, {
        qualityStatus: 'accepted',
        reviewedBy: ATTENDING,
        reviewedAt: '2026-10-03T08:00:00.000Z',
      }),
    },
  },
  eraseRecordContent: {
    summary: "Purge every version's content at the patient's request",
    caller: 'admin',
    params: { id: RECORD },
    body: { reason: 'patient_request' },
    response: {
      txId: hex('erase'),
      result: {
        recordId: RECORD,
        erasures: [
          {
            recordId: RECORD,
            version: 1,
            custodian: 'Hospital1MSP',
            erasedBy: ADMIN,
            reason: 'patient_request',
            staged: false,
            txId: hex('erase'),
            txTime: '2026-10-20T09:00:00.000Z',
          },
        ],
      },
    },
  },
  purgeStagedContent: {
    summary: 'Purge version 3, staged with a data error and never anchored',
    caller: 'admin',
    params: { id: RECORD },
    body: { version: 3, reason: 'data_error' },
    response: {
      txId: hex('purge staged'),
      erasure: {
        recordId: RECORD,
        version: 3,
        custodian: 'Hospital1MSP',
        erasedBy: ADMIN,
        reason: 'data_error',
        staged: true,
        txId: hex('purge staged'),
        txTime: '2026-10-20T09:05:00.000Z',
      },
    },
  },
};

/** Consents, preferences and the patient's access log. */
const patientExamples: Record<string, OperationExample> = {
  grantConsent: {
    summary: "Relay the patient's grant: Hospital2 may read diagnoses and labs for treatment for 30 days",
    caller: 'patient',
    body: { jws: GRANT_JWS },
    response: { txId: CONSENT, consent: consentState() },
  },
  revokeConsent: {
    summary: "Relay the patient's revocation of that consent",
    caller: 'patient',
    params: { id: CONSENT },
    body: { jws: patientJws({ typ: 'medledger.consent.revoke', consentId: CONSENT }), grantJws: GRANT_JWS },
    response: {
      txId: hex('revoke'),
      consent: consentState({
        status: 'revoked',
        revokedAt: '2026-10-09T08:00:00.000Z',
        revokeTxId: hex('revoke'),
      }),
    },
  },
  attestDeletion: {
    summary:
      "Hospital2's admin attests that the copies it made under a consent are deleted, before the keep-until date",
    caller: 'admin',
    params: { id: hex('consent') },
    body: {},
    response: {
      txId: hex('deletion attestation'),
      attestation: {
        consentId: hex('consent'),
        granteeOrg: 'Hospital2MSP',
        attestedBy: 'did:medledger:hospital2:hospital2-admin',
        attestedAt: '2026-11-01T09:00:00.000Z',
        keepUntil: '2026-11-08T11:00:00.000Z',
        late: false,
        txId: hex('deletion attestation'),
      },
    },
  },
  setPatientPreferences: {
    summary:
      "Relay the patient's emergency profile: break-glass opens allergies, blood type, current medication and implants; more only with a second attending's co-signature",
    caller: 'patient',
    params: { did: EXAMPLE_PATIENT },
    body: {
      jws: patientJws({
        typ: 'medledger.preferences',
        emergencyProfile: {
          categories: ['allergy', 'blood_type', 'implant', 'medication'],
          beyondProfile: 'co_signed',
        },
      }),
    },
    response: {
      txId: hex('preferences'),
      preferences: {
        emergencyProfile: {
          categories: ['allergy', 'blood_type', 'implant', 'medication'],
          beyondProfile: 'co_signed',
        },
        updatedAt: '2026-10-02T11:30:00.000Z',
        txId: hex('preferences'),
      },
    },
  },
  listOwedDeletionAttestations: {
    summary:
      'Hospital2 lists the deletion attestations it still owes: a consent it read under twice, copies to be deleted by 8 November',
    caller: 'clinician',
    response: {
      items: [
        {
          consentId: hex('consent use-limited'),
          keepUntil: '2026-11-08T11:00:00.000Z',
          overdue: false,
          overdueHours: null,
          reads: 2,
        },
      ],
      truncated: false,
    },
  },
  getPatientPreferences: {
    summary:
      'The patient reads back the emergency profile they signed (with a fresh proof of their key), as break-glass reads it now',
    caller: 'patient',
    params: { did: EXAMPLE_PATIENT },
    headers: {
      'Medledger-Patient-Proof': patientJws({ typ: 'medledger.access-log.read', aud: 'Hospital1MSP' }),
    },
    response: {
      emergencyProfile: {
        categories: ['allergy', 'blood_type', 'implant', 'medication'],
        beyondProfile: 'co_signed',
      },
      signed: 'profile',
      updatedAt: '2026-10-02T11:30:00.000Z',
      txId: hex('preferences'),
    },
  },
  listConsentTemplates: {
    summary: 'The templates a patient app offers',
    caller: 'patient',
    response: {
      items: [
        {
          templateId: 'treatment-at-org',
          title: 'Treatment at a hospital for 30 days',
          description:
            'The hospital (its clinicians) may read every category but genomic data, up to level 3, for treatment, from now for `days` days (30 unless given).',
          typ: 'medledger.consent.grant',
          relayTo: 'POST /v1/consents',
        },
        {
          templateId: 'study-until-year-end',
          title: 'A study until the end of the year, diabetes data only',
          description:
            'The study may read the given categories (diagnosis, lab results and medication unless given), up to level 3, de-identified, from now until the end of the year (UTC).',
          typ: 'medledger.consent.grant',
          relayTo: 'POST /v1/consents',
        },
        {
          templateId: 'emergency-profile',
          title: 'My emergency profile',
          description:
            'What break-glass opens on one doctor’s word (allergies, blood type, conditions, immunizations, implants and current medication unless given) and whether a second attending may co-sign more.',
          typ: 'medledger.preferences',
          relayTo: 'PUT /v1/patients/{did}/preferences',
        },
      ],
    },
  },
  expandConsentTemplate: {
    summary: 'Treatment at Hospital2 for 30 days, expanded into the payload the patient signs',
    caller: 'patient',
    params: { did: EXAMPLE_PATIENT },
    body: { templateId: 'treatment-at-org', params: { org: 'Hospital2MSP', days: 30 } },
    response: {
      templateId: 'treatment-at-org',
      typ: 'medledger.consent.grant',
      relayTo: 'POST /v1/consents',
      payload: {
        typ: 'medledger.consent.grant',
        patientDid: EXAMPLE_PATIENT,
        nonce: 'q3VjZ2xhc3MtZXhhbXBsZS1ub25jZQ',
        iat: 1790938800,
        exp: 1790939400,
        grantee: { kind: 'org', mspId: 'Hospital2MSP' },
        categories: [
          'diagnosis',
          'lab',
          'imaging',
          'medication',
          'note',
          'vital',
          'allergy',
          'procedure',
          'immunization',
          'blood_type',
          'implant',
        ],
        maxLevel: 3,
        purpose: 'treatment',
        periodStart: '2026-10-02T11:00:00.000Z',
        periodEnd: '2026-11-01T11:00:00.000Z',
      },
    },
  },
  listPatientConsents: {
    summary: "The patient's consents, 10 a page",
    caller: 'clinician',
    params: { did: EXAMPLE_PATIENT },
    query: { pageSize: 10 },
    response: { items: [consent()], bookmark: '', fetchedRecordsCount: 1 },
  },
  listPatientRecords: {
    summary:
      "The patient finds their records at every hospital (a request signed with their key, relayed by this gateway's org)",
    caller: 'patient',
    params: { did: EXAMPLE_PATIENT },
    headers: {
      'Medledger-Patient-Proof': patientJws({ typ: 'medledger.records.list', aud: 'Hospital1MSP' }),
    },
    response: {
      txId: hex('listing'),
      listingId: hex('listing'),
      mode: 'patient',
      records: [
        {
          recordId: RECORD,
          custodian: 'Hospital1MSP',
          version: 1,
          department: 'cardiology',
          category: 'diagnosis',
          level: 3,
          fhirResourceType: 'Condition',
          anchoredAt: '2026-10-02T10:00:00.000Z',
          qualityStatus: 'accepted',
          erased: false,
        },
      ],
    },
  },
  patientSummary: {
    summary:
      "The patient reads their health summary across hospitals (a request signed with their key, relayed by this gateway's org): one penicillin allergy anchored at Hospital2, with its hash and salt to verify it",
    caller: 'patient',
    params: { did: EXAMPLE_PATIENT },
    headers: {
      'Medledger-Patient-Proof': patientJws({ typ: 'medledger.summary.read', aud: 'Hospital1MSP' }),
    },
    response: summaryBundle({
      patientDid: EXAMPLE_PATIENT,
      assembledBy: 'Hospital1MSP',
      listingId: hex('summary listing'),
      now: new Date('2026-10-02T12:00:00.000Z'),
      items: [
        {
          recordId: 'rec-allergy-7',
          custodian: 'Hospital2MSP',
          version: 1,
          category: 'allergy',
          contentHash: hex('allergy content'),
          salt: hex('allergy salt'),
          accessId: hex('patient access'),
          resource: {
            resourceType: 'AllergyIntolerance',
            clinicalStatus: {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
                  code: 'active',
                },
              ],
            },
            code: {
              coding: [{ system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' }],
            },
            patient: { reference: 'Patient/example' },
          },
        },
      ],
    }),
  },
  patientAccessLog: {
    summary: 'The patient reads who accessed their records (with a fresh proof of their key)',
    caller: 'patient',
    params: { did: EXAMPLE_PATIENT },
    query: { limit: 20 },
    headers: {
      'Medledger-Patient-Proof': patientJws({ typ: 'medledger.access-log.read', aud: 'Hospital1MSP' }),
    },
    response: {
      items: [
        {
          eventId: ACCESS,
          txId: ACCESS,
          blockNumber: 42,
          time: '2026-10-02T11:05:00.000Z',
          actorDid: DOCTOR_H2,
          actorRole: 'attending',
          actorOrg: 'Hospital2MSP',
          custodian: 'Hospital1MSP',
          recordId: RECORD,
          purpose: 'treatment',
          outcome: 'granted',
          reason: 'CONSENT',
          basis: 'consent',
          consentId: CONSENT,
          breakGlass: false,
          breakGlassReview: null,
        },
      ],
      nextCursor: null,
      keyChanges: [
        {
          txId: hex('register patient'),
          blockNumber: 7,
          time: '2026-10-01T08:00:00.000Z',
          keyId: PATIENT_KEY_ID,
          change: 'registered',
          relayedBy: 'Hospital1MSP',
        },
      ],
      erasureRequests: [OVERDUE_ERASURE_REQUEST],
    },
  },
  requestErasure: {
    summary:
      "The patient asks Hospital1 to erase a record (a request signed with their key, naming the custodian and record, relayed by this gateway's org)",
    caller: 'patient',
    params: { did: EXAMPLE_PATIENT },
    body: {
      jws: patientJws({
        typ: 'medledger.erasure.request',
        aud: 'Hospital1MSP',
        custodian: 'Hospital1MSP',
        recordId: RECORD,
      }),
    },
    response: {
      txId: hex('erasure request'),
      request: {
        requestId: hex('erasure request'),
        custodian: 'Hospital1MSP',
        recordId: RECORD,
        requestedAt: '2026-10-02T12:00:00.000Z',
        dueAt: '2026-11-01T12:00:00.000Z',
        status: 'open',
        refusal: null,
        answeredAt: null,
        late: false,
      },
    },
  },
};

/** A row's per-export pseudonym in the dataset example (the study key's, made up here). */
const EXPORT_PSEUDONYM = '5d0f6c1e2b7a49d3a8e4f01c9b6d2e77';

/** A data-use receipt of the story's reads (docs/leak-tracing.md); hashes and MAC made up. */
function receipt(r: {
  accessId: string;
  recipientDid: string;
  recipientMsp: string;
  label: string;
  research?: { exportId: string; studyId: string };
}): Record<string, unknown> {
  return {
    accessId: r.accessId,
    exportId: r.research?.exportId ?? null,
    studyId: r.research?.studyId ?? null,
    recipientDid: r.recipientDid,
    recipientMsp: r.recipientMsp,
    custodian: 'Hospital1MSP',
    recordId: RECORD,
    version: 1,
    contentHash: hex(`${r.label} content`),
    resourceHash: hex(`${r.label} resource`),
    pseudonym: r.research ? EXPORT_PSEUDONYM : null,
    orderKey: r.research ? hex(`${r.label} order`).slice(0, 16) : null,
    issuedAt: '2026-10-02T11:06:00.000Z',
    mac: hex(`${r.label} mac`),
  };
}

/** Studies and research datasets. */
const researcherExamples: Record<string, OperationExample> = {
  getStudy: { summary: 'Read the study', caller: 'researcher', params: { id: STUDY }, response: study },
  proposeStudy: {
    summary: 'Propose a study at three hospitals, approved when two of their ethics committees approve',
    caller: 'researcher',
    body: {
      studyId: MC_STUDY,
      categories: ['diagnosis', 'lab'],
      maxLevel: 3,
      periodStart: '2026-10-01T00:00:00.000Z',
      periodEnd: '2027-10-01T00:00:00.000Z',
      sites: ['Hospital1MSP', 'Hospital2MSP', 'Hospital3MSP'],
      quorum: { kind: 'atLeast', sites: 2 },
      protocolHash: PROTOCOL,
    },
    response: {
      txId: hex('study mc propose'),
      governance: { ...governance, state: 'proposed', decisions: {}, approvals: 0 },
    },
  },
  getStudyGovernance: {
    summary: 'Two of three sites approved: the study is approved',
    caller: 'researcher',
    params: { id: MC_STUDY },
    response: governance,
  },
  decideStudy: {
    summary: "Hospital1's ethics committee approves version 1 of the protocol",
    caller: 'ethics',
    params: { id: MC_STUDY },
    body: { decision: 'approved', protocolVersion: 1 },
    response: { txId: hex('study mc decide'), governance },
  },
  changeStudy: {
    summary: 'The lead activates the approved study: data may flow from the approving sites',
    caller: 'researcher',
    params: { id: MC_STUDY },
    body: { action: 'activate' },
    response: {
      txId: hex('study mc activate'),
      governance: { ...governance, state: 'active', phase: 'running' },
    },
  },
  getStudyFhir: {
    summary: 'The study as a FHIR R4 ResearchStudy',
    caller: 'researcher',
    params: { id: MC_STUDY },
    response: { resourceType: 'ResearchStudy', id: MC_STUDY, status: 'approved' },
  },
  getStudyCohort: {
    summary: 'Patients who consented to the study',
    caller: 'researcher',
    params: { id: STUDY },
    query: { pageSize: 50 },
    response: {
      items: [
        {
          patientDid: EXAMPLE_PATIENT,
          consentId: hex('study consent'),
          categories: ['diagnosis'],
          maxLevel: 3,
          periodEnd: '2027-10-01T00:00:00.000Z',
        },
      ],
      bookmark: '',
      fetchedRecordsCount: 1,
    },
  },
  buildDataset: {
    summary: 'Read the record for the study: audited, de-identified at the source',
    caller: 'researcher',
    params: { id: STUDY },
    body: { records: [{ recordId: RECORD, custodian: 'Hospital1MSP', patientDid: EXAMPLE_PATIENT }] },
    response: {
      studyId: STUDY,
      exportId: hex('research access'),
      items: [
        {
          recordId: RECORD,
          custodian: 'Hospital1MSP',
          accessId: hex('research access'),
          outcome: 'granted',
          reason: 'CONSENT',
          // The allow-list's research form: codes without display, years, the study pseudonym.
          resource: {
            resourceType: 'Condition',
            clinicalStatus: CONDITION.clinicalStatus,
            code: { coding: [{ system: 'http://id.who.int/icd/release/11/mms', code: 'BA00' }] },
            subject: { reference: `Patient/${EXPORT_PSEUDONYM}` },
            recordedDate: '2026',
          },
          deidentified: true,
          receipt: receipt({
            accessId: hex('research access'),
            recipientDid: RESEARCHER,
            recipientMsp: 'ResearchMSP',
            label: 'dataset row',
            research: { exportId: hex('research access'), studyId: STUDY },
          }),
        },
      ],
    },
  },
};

/** The regulator's views and reviews, and the write baseline. */
const regulatorExamples: Record<string, OperationExample> = {
  traceLeak: {
    summary:
      "Hospital1's admin traces a dataset row found online, stripped of its receipt, to the export they came from",
    caller: 'admin',
    body: {
      document: [
        {
          resourceType: 'Condition',
          code: { coding: [{ system: 'http://id.who.int/icd/release/11/mms', code: 'BA00' }] },
          subject: { reference: `Patient/${EXPORT_PSEUDONYM}` },
          recordedDate: '2026',
        },
      ],
    },
    response: {
      exact: [],
      exports: [
        {
          exportId: hex('research access'),
          studyId: STUDY,
          recipientDid: RESEARCHER,
          recipientMsp: 'ResearchMSP',
          custodians: ['Hospital1MSP'],
          firstIssuedAt: '2026-10-02T11:06:00.000Z',
          lastIssuedAt: '2026-10-02T11:06:00.000Z',
          rowsMatched: 1,
          pseudonymsMatched: 1,
          rowsDelivered: 1,
          inExportOrder: true,
        },
      ],
      rowsWithPseudonym: 1,
      rowsUnexplained: 0,
      receipts: [],
      searched: ['Hospital1MSP'],
      leak: { hashes: 1, rows: 1, receipts: 0 },
    },
  },
  answerErasureRequest: {
    summary: "Hospital1's admin refuses a patient's erasure request: the record falls under a retention duty",
    caller: 'admin',
    params: { id: hex('erasure request') },
    body: { answer: 'refused', refusal: 'retention_duty' },
    response: {
      txId: hex('erasure answer'),
      request: {
        requestId: hex('erasure request'),
        custodian: 'Hospital1MSP',
        recordId: RECORD,
        requestedAt: '2026-10-02T12:00:00.000Z',
        dueAt: '2026-11-01T12:00:00.000Z',
        status: 'refused',
        refusal: 'retention_duty',
        answeredAt: '2026-10-09T08:00:00.000Z',
        late: false,
      },
    },
  },
  listErasureRequests: {
    summary: "The hospital's erasure requests left unanswered past their deadline",
    caller: 'admin',
    query: { status: 'overdue' },
    response: {
      items: [OVERDUE_ERASURE_REQUEST],
    },
  },
  ping: {
    summary: 'The empty transaction the benchmarks compare writes with',
    caller: 'clinician',
    body: {},
    response: { txId: hex('ping') },
  },
  queryAudit: {
    summary: "The newest access decisions on the patient's data, 2 a page",
    caller: 'admin',
    query: { patient: EXAMPLE_PATIENT, limit: 2 },
    response: { items: auditViews, nextCursor: PAGE_CURSOR },
  },
  exportAuditFhir: {
    summary: 'The same decisions as FHIR AuditEvents, a page of 2; the next page is the next link',
    caller: 'admin',
    query: { patient: EXAMPLE_PATIENT, limit: 2 },
    response: auditBundle(),
  },
  getAuditEvent: {
    summary: 'One audit event, from the ledger',
    caller: 'admin',
    params: { id: ACCESS },
    response: {
      eventId: ACCESS,
      actorDid: DOCTOR_H2,
      actorMsp: 'Hospital2MSP',
      actorRole: 'attending',
      purpose: 'treatment',
      recordId: RECORD,
      version: 2,
      patientDid: EXAMPLE_PATIENT,
      custodian: 'Hospital1MSP',
      consentId: CONSENT,
      studyId: null,
      outcome: 'granted',
      reason: 'CONSENT',
      breakGlass: false,
      breakGlassReason: null,
      txId: ACCESS,
      txTime: '2026-10-02T11:05:00.000Z',
      expiresAt: '2026-10-02T11:20:00.000Z',
    },
  },
  complianceReport: {
    summary: 'The compliance report of the last 30 days, as JSON',
    caller: 'admin',
    query: { format: 'json' },
    response: {
      from: '2026-09-02T12:00:00.000Z',
      to: '2026-10-02T12:00:00.000Z',
      generatedAt: '2026-10-02T12:00:00.000Z',
      breakGlassReviewHours: 72,
      totals: { accesses: 3, granted: 3, denied: 0 },
      denialsByReason: [],
      breakGlass: [
        {
          eventId: BREAK_GLASS,
          txId: BREAK_GLASS,
          blockNumber: 48,
          txTime: '2026-10-01T02:10:00.000Z',
          actorDid: DOCTOR_H2,
          actorMsp: 'Hospital2MSP',
          recordId: RECORD,
          patientDid: EXAMPLE_PATIENT,
          custodian: 'Hospital1MSP',
          breakGlassReason: 'life_threatening',
          coSignedBy: 'did:medledger:hospital2:hospital2-attending-2',
          coSignerMsp: 'Hospital2MSP',
          reviewDeadline: '2026-10-04T02:10:00.000Z',
          state: 'pending',
          review: null,
        },
      ],
      breakGlassCounts: { overdue: 0, pending: 1, justified: 0, unjustified: 0 },
      emergencyListings: [
        {
          listingId: EMERGENCY_LISTING,
          txId: EMERGENCY_LISTING,
          blockNumber: 47,
          txTime: '2026-10-01T02:05:00.000Z',
          actorDid: DOCTOR_H2,
          actorMsp: 'Hospital2MSP',
          actorRole: 'attending',
          breakGlassReason: 'unconscious_patient',
          patientDid: EXAMPLE_PATIENT,
          categories: ['allergy', 'blood_type', 'medication'],
          reviewDeadline: '2026-10-04T02:05:00.000Z',
          state: 'pending',
          review: null,
        },
      ],
      emergencyListingCounts: { overdue: 0, pending: 1, justified: 0, unjustified: 0 },
      accessesByPurposeAndOrg: [
        { purpose: 'emergency', org: 'Hospital2MSP', granted: 1, denied: 0 },
        { purpose: 'treatment', org: 'Hospital1MSP', granted: 1, denied: 0 },
        { purpose: 'treatment', org: 'Hospital2MSP', granted: 1, denied: 0 },
      ],
      consentsExpiringSoon: [],
      recordsHeldForReview: [],
      erasures: [],
      erasureRequests: [
        {
          ...OVERDUE_ERASURE_REQUEST,
          txId: hex('erasure request'),
          blockNumber: 51,
        },
      ],
      freezes: [],
      deletionAttestations: {
        overdue: [
          {
            consentId: hex('use-limited consent'),
            grantee: 'Hospital2MSP',
            keepUntil: '2026-09-30T00:00:00.000Z',
            overdueHours: 60,
          },
        ],
        attestedInRange: 3,
        dueInRange: 4,
      },
      truncated: [],
      openIncidents: [],
    },
  },
  reviewBreakGlass: {
    summary: 'Review an emergency access as justified',
    caller: 'admin',
    params: { id: BREAK_GLASS },
    body: { outcome: 'justified' },
    response: {
      txId: hex('break-glass review'),
      case: {
        accessId: BREAK_GLASS,
        kind: 'access',
        recordId: RECORD,
        custodian: 'Hospital1MSP',
        actorDid: DOCTOR_H2,
        actorMsp: 'Hospital2MSP',
        reason: 'life_threatening',
        openedAt: '2026-10-04T02:10:00.000Z',
        coSignedBy: null,
        status: 'regulator_reviewed',
        outcome: 'justified',
        reviewedBy: AUDITOR,
        reviewerRole: 'auditor',
        reviewedAt: '2026-10-04T09:00:00.000Z',
        suspended: false,
        reviews: [
          {
            accessId: BREAK_GLASS,
            outcome: 'justified',
            reviewedBy: AUDITOR,
            reviewerMsp: 'RegulatorMSP',
            reviewerRole: 'auditor',
            byRegulator: true,
            suspend: false,
            txId: hex('break-glass review'),
            reviewedAt: '2026-10-04T09:00:00.000Z',
          },
        ],
      },
    },
  },
  freezeAccess: {
    summary:
      "Freeze Hospital2's attending after a leak (sent by a regulator auditor at the Regulator gateway; here the Hospital1 admin's token reaches the test ledger)",
    caller: 'admin',
    body: { subject: { kind: 'person', did: DOCTOR_H2 }, reason: 'data_leak' },
    response: { txId: FREEZE, freeze: FREEZE_ACTIVE },
  },
  liftFreeze: {
    summary: "Hospital2's admin approves lifting the freeze; the regulator's approval completes it",
    caller: 'admin',
    params: { id: FREEZE },
    response: {
      txId: hex('freeze lift'),
      freeze: {
        ...FREEZE_ACTIVE,
        liftApprovals: {
          regulator: null,
          org: {
            by: 'did:medledger:hospital2:hospital2-admin',
            txId: hex('freeze lift'),
            at: '2026-10-05T10:00:00.000Z',
          },
        },
      },
    },
  },
  getFreeze: {
    summary: 'The freeze a FROZEN problem names',
    caller: 'admin',
    params: { id: FREEZE },
    response: FREEZE_ACTIVE,
  },
  listFreezes: {
    summary: "The freezes of Hospital2's attending",
    caller: 'admin',
    query: { person: DOCTOR_H2 },
    response: { items: [FREEZE_ACTIVE] },
  },
  openIncident: {
    summary:
      "Open a high-severity leak incident concerning Hospital2 (sent by a regulator auditor at the Regulator gateway; here the Hospital1 admin's token reaches the test ledger)",
    caller: 'admin',
    body: { category: 'data_leak', severity: 'high', orgs: ['Hospital2MSP'] },
    response: { txId: INCIDENT, incident: INCIDENT_OPEN },
  },
  linkIncidentEvents: {
    summary: "Link the freeze of Hospital2's attending to the incident",
    caller: 'admin',
    params: { id: INCIDENT },
    body: { links: [{ kind: 'freeze', freezeId: FREEZE }] },
    response: {
      txId: hex('incident link'),
      incident: { ...INCIDENT_OPEN, links: [INCIDENT_LINK], version: 2 },
    },
  },
  recordIncidentStep: {
    summary: 'Record that the leak is contained',
    caller: 'admin',
    params: { id: INCIDENT },
    body: { step: 'contain' },
    response: {
      txId: hex('incident step'),
      incident: { ...INCIDENT_OPEN, links: [INCIDENT_LINK], steps: [INCIDENT_STEP], version: 3 },
    },
  },
  closeIncident: {
    summary: 'Close the incident: a breach, confirmed',
    caller: 'admin',
    params: { id: INCIDENT },
    body: { finding: 'breach_confirmed' },
    response: {
      txId: hex('incident close'),
      incident: {
        ...INCIDENT_OPEN,
        links: [INCIDENT_LINK],
        steps: [INCIDENT_STEP],
        status: 'closed',
        finding: 'breach_confirmed',
        closedBy: AUDITOR,
        closedAt: '2026-10-06T09:00:00.000Z',
        version: 4,
      },
    },
  },
  getIncident: {
    summary: 'One incident, as the caller may see it',
    caller: 'admin',
    params: { id: INCIDENT },
    response: INCIDENT_OPEN,
  },
  listIncidents: {
    summary: 'The open incidents the caller may see',
    caller: 'admin',
    response: { items: [INCIDENT_OPEN] },
  },
  listAlerts: {
    summary:
      'What looks unusual now: here, a break-glass access and an emergency listing left unreviewed past 72 h',
    caller: 'admin',
    response: {
      items: [
        {
          rule: 'break_glass_unreviewed',
          name: 'break-glass left unreviewed past the deadline',
          severity: 'high',
          actorDid: DOCTOR_H2,
          actorMsp: 'Hospital2MSP',
          detail: { reviewHours: 72, overdue: 2, accesses: 1, emergencyListings: 1 },
          eventCount: 2,
          events: [
            {
              eventId: BREAK_GLASS,
              txId: BREAK_GLASS,
              blockNumber: 57,
              txTime: '2026-10-04T02:10:00.000Z',
              kind: 'access',
            },
            {
              eventId: EMERGENCY_LISTING,
              txId: EMERGENCY_LISTING,
              blockNumber: 47,
              txTime: '2026-10-01T02:05:00.000Z',
              kind: 'emergency_listing',
            },
          ],
        },
      ],
      openIncidents: [INCIDENT_OPEN],
    },
  },
};

const INSURER_ADMIN = 'did:medledger:insurer:insurer-admin';
const INSURANCE_CONSENT = hex('insurance consent');
const CARD = hex('insurance card');
const COVERAGE_ID = 'cov-2026-0042';
const CLAIM_ID = 'clm-0001';
const DISPUTE = hex('dispute');
const CPT = 'http://www.ama-assn.org/go/cpt';
const VISIT = { system: CPT, code: '99213' };
const MRI = { system: CPT, code: '70553' };
const RECORD_HASH = hex('record rec-0001 version 1');

/** The terms the insurer registers: a gold plan for 2026, 50 EUR deductible, office visits and X-rays. */
const COVERAGE_TERMS: CoverageTerms = {
  coverageId: COVERAGE_ID,
  patientDid: EXAMPLE_PATIENT,
  planId: 'plan-gold',
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  currency: 'EUR',
  deductible: 5000,
  periodLimit: 500000,
  benefits: [
    { item: VISIT, rateBasisPoints: 8000, maxUnitPrice: 10000, periodCap: null },
    { item: { system: CPT, code: '71046' }, rateBasisPoints: 9000, maxUnitPrice: 8000, periodCap: 40000 },
  ],
};
const COVERAGE: Coverage = {
  ...COVERAGE_TERMS,
  insurer: 'InsurerMSP',
  registeredBy: INSURER_ADMIN,
  registeredAt: '2026-10-01T08:00:00.000Z',
  txId: hex('register coverage'),
  state: 'active',
  suspensions: [],
  endsFrom: null,
  updatedAt: '2026-10-01T08:00:00.000Z',
  updateTxId: hex('register coverage'),
};

/** The lines the hospital claims: the visit the diagnosis `rec-0001` documents, and an MRI. */
const VISIT_LINE = {
  item: VISIT,
  servicedDate: '2026-10-02',
  quantity: 1,
  unitPrice: 12000,
  recordId: RECORD,
  recordHash: RECORD_HASH,
};
const MRI_LINE = { ...VISIT_LINE, item: MRI, unitPrice: 60000 };
/** The patient's consent: the insurer may see diagnoses for the insurance purpose, for a year. */
const INSURANCE_GRANT_JWS = patientJws({
  typ: 'medledger.consent.grant',
  grantee: { kind: 'org', mspId: 'InsurerMSP' },
  categories: ['diagnosis'],
  maxLevel: 3,
  purpose: 'insurance',
  periodStart: '2026-10-02T11:00:00.000Z',
  periodEnd: '2027-10-02T11:00:00.000Z',
});

/** The claim for the patient's visit (deductible applied) and an MRI the plan does not cover. */
const CLAIM: Claim = {
  claimId: CLAIM_ID,
  coverageId: COVERAGE_ID,
  patientDid: EXAMPLE_PATIENT,
  provider: 'Hospital1MSP',
  insurer: 'InsurerMSP',
  currency: 'EUR',
  consentId: INSURANCE_CONSENT,
  submittedBy: ADMIN,
  submittedAt: '2026-10-03T10:00:00.000Z',
  txId: hex('submit claim'),
  lines: [
    {
      sequence: 1,
      ...VISIT_LINE,
      adjudication: {
        reason: 'DEDUCTIBLE_APPLIED',
        submitted: 12000,
        eligible: 10000,
        deductible: 5000,
        payable: 4000,
        approved: 4000,
      },
    },
    {
      sequence: 2,
      ...MRI_LINE,
      adjudication: {
        reason: 'ITEM_NOT_COVERED',
        submitted: 60000,
        eligible: 0,
        deductible: 0,
        payable: 0,
        approved: 0,
      },
    },
  ],
  outcome: 'partially_approved',
  totalSubmitted: 72000,
  totalApproved: 4000,
};

const none = { count: 0, submitted: 0, approved: 0 };

/** Coverage, claims, disputes, settlement and the claim report. */
const insuranceExamples: Record<string, OperationExample> = {
  registerCoverage: {
    summary: "Register the patient's gold plan for 2026; the card goes to the patient",
    caller: 'insurer',
    body: { coverage: COVERAGE_TERMS },
    response: {
      txId: hex('register coverage'),
      coverage: {
        coverageId: COVERAGE_ID,
        insurer: 'InsurerMSP',
        state: 'active',
        endsFrom: null,
        txId: hex('register coverage'),
      },
      card: CARD,
    },
  },
  changeCoverage: {
    summary: 'Suspend the coverage from 1 December (care before it stays covered)',
    caller: 'insurer',
    params: { id: COVERAGE_ID },
    body: { change: 'suspend', effective: '2026-12-01' },
    response: {
      txId: hex('suspend coverage'),
      coverage: {
        coverageId: COVERAGE_ID,
        insurer: 'InsurerMSP',
        state: 'suspended',
        endsFrom: null,
        txId: hex('suspend coverage'),
      },
    },
  },
  getCoverage: {
    summary: "The hospital's front desk checks the patient's coverage with the card",
    caller: 'admin',
    params: { id: COVERAGE_ID },
    query: { insurer: 'InsurerMSP' },
    headers: { 'Medledger-Coverage-Card': CARD, 'Medledger-Coverage-Patient': EXAMPLE_PATIENT },
    response: toFhirCoverage(COVERAGE),
  },
  getPatientCoverage: {
    summary: 'The patient reads their own coverage with their card',
    caller: 'patient',
    params: { did: EXAMPLE_PATIENT, id: COVERAGE_ID },
    query: { insurer: 'InsurerMSP' },
    headers: { 'Medledger-Coverage-Card': CARD },
    response: toFhirCoverage(COVERAGE),
  },
  submitClaim: {
    summary:
      "Claim the visit and an MRI under the patient's insurance consent: the visit is approved less the deductible, the MRI rejected as not covered",
    caller: 'admin',
    body: {
      insurer: 'InsurerMSP',
      card: CARD,
      consents: [{ consentId: INSURANCE_CONSENT, jws: INSURANCE_GRANT_JWS }],
      claim: {
        claimId: CLAIM_ID,
        coverageId: COVERAGE_ID,
        patientDid: EXAMPLE_PATIENT,
        currency: 'EUR',
        lines: [VISIT_LINE, MRI_LINE],
      },
    },
    response: {
      txId: CLAIM.txId,
      claim: {
        claimId: CLAIM_ID,
        provider: 'Hospital1MSP',
        insurer: 'InsurerMSP',
        outcome: 'partially_approved',
        lines: 2,
        txId: CLAIM.txId,
        submittedAt: CLAIM.submittedAt,
      },
    },
  },
  getClaim: {
    summary: "The claim with each line's adjudication and coded reason",
    caller: 'admin',
    params: { id: CLAIM_ID },
    query: { provider: 'Hospital1MSP' },
    response: CLAIM,
  },
  getClaimResponse: {
    summary: "The claim's adjudication as an R4 ClaimResponse",
    caller: 'admin',
    params: { id: CLAIM_ID },
    query: { provider: 'Hospital1MSP' },
    response: toFhirClaimResponse(CLAIM),
  },
  getExplanationOfBenefit: {
    summary: "The claim as the patient's R4 ExplanationOfBenefit",
    caller: 'admin',
    params: { id: CLAIM_ID },
    query: { provider: 'Hospital1MSP' },
    response: toFhirExplanationOfBenefit(CLAIM),
  },
  openDispute: {
    summary: 'Dispute the MRI line: the hospital holds it covered and asks for 480.00 EUR',
    caller: 'admin',
    params: { id: CLAIM_ID },
    body: { insurer: 'InsurerMSP', lineSequence: 2, reason: 'ITEM_COVERED', requestedAmount: 48000 },
    response: {
      txId: DISPUTE,
      dispute: {
        disputeId: DISPUTE,
        claimId: CLAIM_ID,
        provider: 'Hospital1MSP',
        insurer: 'InsurerMSP',
        status: 'open',
        txId: DISPUTE,
      },
    },
  },
  getDispute: {
    summary: 'The dispute, resolved in part',
    caller: 'admin',
    params: { id: DISPUTE },
    query: { provider: 'Hospital1MSP', insurer: 'InsurerMSP' },
    response: {
      disputeId: DISPUTE,
      claimId: CLAIM_ID,
      lineSequence: 2,
      provider: 'Hospital1MSP',
      insurer: 'InsurerMSP',
      currency: 'EUR',
      reason: 'ITEM_COVERED',
      approvedBefore: 0,
      requestedAmount: 48000,
      status: 'partially_upheld',
      openedBy: ADMIN,
      openedAt: '2026-10-04T09:00:00.000Z',
      resolution: {
        approvedAmount: 30000,
        code: 'POLICY_EXCEPTION',
        entryId: `${hex('resolve dispute')}.1`,
        resolvedBy: INSURER_ADMIN,
        resolvedAt: '2026-10-05T09:00:00.000Z',
        txId: hex('resolve dispute'),
      },
    },
  },
  resolveDispute: {
    summary: 'Uphold the dispute in part: 300.00 EUR for the MRI, as a policy exception',
    caller: 'insurer',
    params: { id: DISPUTE },
    body: { provider: 'Hospital1MSP', approvedAmount: 30000, resolution: 'POLICY_EXCEPTION' },
    response: {
      txId: hex('resolve dispute'),
      dispute: {
        disputeId: DISPUTE,
        claimId: CLAIM_ID,
        provider: 'Hospital1MSP',
        insurer: 'InsurerMSP',
        status: 'partially_upheld',
        txId: hex('resolve dispute'),
      },
    },
  },
  closeSettlementBatch: {
    summary: "Pay the pair's open entries: the claim's approval and the dispute's adjustment",
    caller: 'insurer',
    body: { provider: 'Hospital1MSP', insurer: 'InsurerMSP', currency: 'EUR' },
    response: {
      txId: hex('close batch'),
      batch: {
        batchId: hex('close batch'),
        provider: 'Hospital1MSP',
        insurer: 'InsurerMSP',
        entries: 2,
        txId: hex('close batch'),
      },
    },
  },
  getSettlementBalances: {
    summary: 'What the insurer owes the hospital before the batch: 40.00 + 300.00 EUR',
    caller: 'admin',
    query: { provider: 'Hospital1MSP', insurer: 'InsurerMSP' },
    response: {
      items: [
        {
          insurer: 'InsurerMSP',
          provider: 'Hospital1MSP',
          currency: 'EUR',
          insurerPayable: -34000,
          providerReceivable: 34000,
          openEntries: 2,
        },
      ],
    },
  },
  indexOpenSettlementEntries: {
    summary:
      'After upgrading a ledger written before the open-entry index: the pair had two open entries without a marker among three read',
    caller: 'insurer',
    body: { provider: 'Hospital1MSP', insurer: 'InsurerMSP' },
    response: { txId: hex('index open entries'), indexed: 2, scanned: 3, next: null },
  },
  claimReport: {
    summary: 'One claim, partly approved, its dispute partly upheld and everything settled',
    caller: 'auditor',
    response: {
      claims: 1,
      byOutcome: {
        approved: none,
        partially_approved: { count: 1, submitted: 72000, approved: 4000 },
        rejected: none,
      },
      byReason: {
        APPROVED: none,
        CAP_REACHED: none,
        DEDUCTIBLE_APPLIED: { count: 1, submitted: 12000, approved: 4000 },
        FEE_SCHEDULE_REDUCED: none,
        RECORD_UNVERIFIED: none,
        SERVICE_AFTER_RECORD: none,
        COVERAGE_INACTIVE: none,
        ITEM_NOT_COVERED: { count: 1, submitted: 60000, approved: 0 },
        DUPLICATE_ITEM: none,
      },
      disputesByStatus: { open: 0, upheld: 0, partially_upheld: 1, denied: 0 },
      byPair: [
        {
          insurer: 'InsurerMSP',
          provider: 'Hospital1MSP',
          currency: 'EUR',
          claims: 1,
          submitted: 72000,
          approved: 4000,
          adjusted: 30000,
          settled: 34000,
          outstanding: 0,
        },
      ],
    },
  },
};

/** The work of the multi-center study: a task, a contribution, the credit table, a patient's points. */
const TASK = 'task-h1-bp-adults';
const CONTRIBUTION = hex('study mc contribution');
const task = {
  studyId: MC_STUDY,
  taskId: TASK,
  site: 'Hospital1MSP',
  cohort: { criteriaId: 'criteria-hypertension-adults-v1', criteriaHash: hex('cohort criteria v1') },
  recordCount: 120,
  dueDate: '2026-12-31T00:00:00.000Z',
  org: 'ResearchMSP',
  assignedBy: RESEARCHER,
  assignedAt: '2026-10-03T10:00:00.000Z',
  txId: hex('study mc task'),
};
const contribution = {
  studyId: MC_STUDY,
  site: 'Hospital1MSP',
  taskId: TASK,
  contributionId: CONTRIBUTION,
  datasetHash: hex('dataset h1'),
  recordCount: 2,
  quality: { accepted: 1, reviewed: 1, pending: 0 },
  passedRecords: 2,
  late: false,
  verified: true,
  recordedBy: ADMIN,
  recordedAt: '2026-10-20T15:00:00.000Z',
  txId: CONTRIBUTION,
};
const studyWorkExamples: Record<string, OperationExample> = {
  assignStudyTask: {
    summary: 'The lead asks Hospital1 for 120 records of adults with hypertension by the end of the year',
    caller: 'researcher',
    params: { id: MC_STUDY },
    body: {
      taskId: TASK,
      site: 'Hospital1MSP',
      cohort: task.cohort,
      recordCount: 120,
      dueDate: '2026-12-31T00:00:00.000Z',
    },
    response: { txId: task.txId, task },
  },
  recordContribution: {
    summary: "Hospital1's admin records the two records it released to the study for that task",
    caller: 'admin',
    params: { id: MC_STUDY },
    body: {
      taskId: TASK,
      datasetHash: contribution.datasetHash,
      records: [
        { recordId: RECORD, version: 1, accessId: hex('research access 1') },
        { recordId: 'rec-0002', version: 1, accessId: hex('research access 2') },
      ],
    },
    response: { txId: CONTRIBUTION, contribution },
  },
  getStudyCredit: {
    summary: 'Hospital1 delivered, Hospital2 has not yet, Hospital3 rejected: the credit table',
    caller: 'researcher',
    params: { id: MC_STUDY },
    response: {
      studyId: MC_STUDY,
      org: 'ResearchMSP',
      state: 'active',
      formula: { dataWeight: 3, roundWeight: 2, total: 10_000 },
      sites: [
        {
          site: 'Hospital1MSP',
          decision: 'approved',
          quota: 120,
          contributions: 1,
          verifiedRecords: 2,
          passedRecords: 2,
          dataScore: 2,
          roundScore: 0,
          credit: 10_000,
        },
        {
          site: 'Hospital2MSP',
          decision: 'approved',
          quota: 80,
          contributions: 0,
          verifiedRecords: 0,
          passedRecords: 0,
          dataScore: 0,
          roundScore: 0,
          credit: 0,
        },
        {
          site: 'Hospital3MSP',
          decision: 'rejected',
          quota: 0,
          contributions: 0,
          verifiedRecords: 0,
          passedRecords: 0,
          dataScore: 0,
          roundScore: 0,
          credit: 0,
        },
      ],
      tasks: [task],
      contributions: [contribution],
    },
  },
  patientContributionPoints: {
    summary: 'The patient sees the points Hospital1 awarded for contributing their records to the study',
    caller: 'patient',
    params: { did: EXAMPLE_PATIENT },
    headers: {
      'Medledger-Patient-Proof': patientJws({ typ: 'medledger.access-log.read', aud: 'Hospital1MSP' }),
    },
    response: {
      awards: [
        {
          studyId: MC_STUDY,
          site: 'Hospital1MSP',
          contributionTxId: CONTRIBUTION,
          points: 10,
          awardedAt: '2026-10-20T15:00:00.000Z',
        },
      ],
      balance: 10,
    },
  },
};

/** The endpoints outside /v1 (no token). */
const operationsExamples: Record<string, OperationExample> = {
  frontDoor: {
    summary: 'What this gateway is and where its documentation lives (a browser goes to the console)',
    caller: 'anyone',
    response: {
      name: 'MedLedger gateway',
      org: 'Hospital1',
      mspId: 'Hospital1MSP',
      links: { docs: '/docs', openapi: '/openapi.json', health: '/healthz', readiness: '/readyz' },
    },
  },
  webConsole: {
    summary: 'The console page; its scripts and styles load from /console/assets/',
    caller: 'anyone',
    response:
      '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <title>MedLedger console</title>',
  },
  liveness: { summary: 'The process answers', caller: 'anyone', response: { status: 'ok' } },
  readiness: {
    summary: 'The ledger answers; the projection is 0 blocks behind',
    caller: 'anyone',
    response: {
      status: 'ready',
      org: 'Hospital1MSP',
      projection: { checkpointBlock: 57, ledgerHeight: 58, lagBlocks: 0, following: true },
    },
  },
  metrics: {
    summary: 'Prometheus metrics',
    caller: 'anyone',
    response:
      '# HELP medledger_http_request_duration_seconds HTTP request duration\n# TYPE medledger_http_request_duration_seconds histogram\n',
  },
  openApiDocument: {
    summary: 'This document',
    caller: 'anyone',
    response: { openapi: '3.1.0', info: { title: 'MedLedger gateway', version: '1.0.0' }, paths: {} },
  },
  apiDocs: {
    summary: 'This document, rendered (Swagger UI)',
    caller: 'anyone',
    response: '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>MedLedger API</title>',
  },
};

/** Every operation's example, by operation id. */
export const OPERATION_EXAMPLES: Readonly<Record<string, OperationExample>> = {
  ...identityExamples,
  ...roleChangeAndRecoveryExamples,
  ...recordExamples,
  ...patientExamples,
  ...researcherExamples,
  ...studyWorkExamples,
  ...studyRoundExamples,
  ...studyResultExamples,
  ...credentialExamples,
  ...regulatorExamples,
  ...insuranceExamples,
  ...operationsExamples,
};
