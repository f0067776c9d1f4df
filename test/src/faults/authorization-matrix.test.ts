import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it, type TestContext } from 'node:test';
import {
  canonicalJson,
  endorsingOrgs,
  generatePatientKey,
  qualifiedName,
  signPatientPayload,
  SIGNED_PAYLOAD_TYPES,
  transactions,
  signKeyRecovery,
  type PatientPrivateJwk,
  type PatientKeyPair,
  type TransactionName,
} from '@medledger/domain';
import { buildRoutes } from '@medledger/gateway';
import type { NetworkInfo } from '@medledger/network';
import type { Gateway } from '@hyperledger/fabric-gateway';
import type * as grpc from '@grpc/grpc-js';
import {
  accessLogProof,
  apiAs,
  ApiClient,
  devToken,
  recordListRequest,
  summaryJws,
  recordReadJws,
  recordReadRequest,
  summaryRequest,
  type ApiResponse,
} from '../support/api';
import { chaincodeCode, parseRow, renderMatrix, type MatrixResult } from '../support/authz-matrix';
import { convergedTip, peersLevel } from '../support/faults';
import {
  diagnosisRecord,
  hypertensionCondition,
  labConsentForHospital2,
  newPatientRegistration,
  potassiumResult,
  recordOf,
} from '../support/fixtures';
import {
  ensureNetwork,
  gatewayForUnregistered,
  gatewayForWalletIdentity,
  gatewayUrl,
  orgInfo,
  releaseNetwork,
} from '../support/network';

/**
 * Issue 7: every role of every org against every REST route and every chaincode transaction invoked
 * directly with the Fabric Gateway SDK (bypassing the REST gateway), compared with hand-written
 * decision tables derived from docs/architecture.md (identities and roles, access decisions, data
 * levels, the REST resource map) and the callers each contract documents. Every
 * request is valid for its caller (fixtures made in `before`), so a refusal can only come from
 * authorization. Refusals must be 401/403 problem+json (REST) or a coded authorization error
 * (chaincode) and must not write a block; allows must succeed.
 */

type Body = Record<string, unknown>;

const STAFF = [
  'h1Admin',
  'h1Attending',
  'h1Intern',
  'h1Nurse',
  'h1Oncology',
  'h2Admin',
  'h2Attending',
  'resAdmin',
  'researcher',
  'regAdmin',
  'auditor',
  'h1Ethics',
] as const;
type Staff = (typeof STAFF)[number];
const HTTP_CALLERS = [...STAFF, 'patient', 'foreign'] as const;
type HttpCaller = (typeof HTTP_CALLERS)[number];
const DIRECT_CALLERS = [...STAFF, 'unregistered'] as const;
type DirectCaller = (typeof DIRECT_CALLERS)[number];

const LABELS: Record<HttpCaller | DirectCaller, string> = {
  h1Admin: 'h1adm',
  h1Attending: 'h1att',
  h1Intern: 'h1int',
  h1Nurse: 'h1nur',
  h1Oncology: 'h1onc',
  h2Admin: 'h2adm',
  h2Attending: 'h2att',
  resAdmin: 'resadm',
  researcher: 'resrch',
  regAdmin: 'regadm',
  auditor: 'audit',
  h1Ethics: 'h1eth',
  patient: 'patnt',
  foreign: 'h2tok',
  unregistered: 'unreg',
};

type OrgName = 'Hospital1' | 'Hospital2' | 'Research' | 'Regulator';
const run = randomBytes(4).toString('hex');

/** Who each column is: bootstrap admins (NodeOU admin certificates) and staff onboarded by them. */
const PEOPLE: Record<Staff, { org: OrgName; id: string; role?: string; department?: string | null }> = {
  h1Admin: { org: 'Hospital1', id: 'hospital1-admin' },
  h1Attending: { org: 'Hospital1', id: `authz-h1att-${run}`, role: 'attending', department: 'cardiology' },
  h1Intern: { org: 'Hospital1', id: `authz-h1int-${run}`, role: 'intern', department: 'cardiology' },
  h1Nurse: { org: 'Hospital1', id: `authz-h1nur-${run}`, role: 'nurse', department: 'cardiology' },
  h1Oncology: { org: 'Hospital1', id: `authz-h1onc-${run}`, role: 'attending', department: 'oncology' },
  h2Admin: { org: 'Hospital2', id: 'hospital2-admin' },
  h2Attending: { org: 'Hospital2', id: `authz-h2att-${run}`, role: 'attending', department: 'emergency' },
  resAdmin: { org: 'Research', id: 'research-admin' },
  researcher: { org: 'Research', id: `authz-res-${run}`, role: 'researcher', department: null },
  regAdmin: { org: 'Regulator', id: 'regulator-admin' },
  auditor: { org: 'Regulator', id: `authz-aud-${run}`, role: 'auditor', department: null },
  // Seated on Hospital1's ethics committee at network start (a change into an oversight role needs two
  // admins, so the matrix uses the demo member rather than onboarding one).
  h1Ethics: { org: 'Hospital1', id: 'hospital1-ethics-1' },
};
const ADMIN_OF: Record<OrgName, Staff> = {
  Hospital1: 'h1Admin',
  Hospital2: 'h2Admin',
  Research: 'resAdmin',
  Regulator: 'regAdmin',
};
/** A person Hospital1's CA enrolls for this run and nobody registers on chain. */
const UNREGISTERED_ID = `authz-unreg-${run}`;

/**
 * Expected REST decisions. A: 2xx. G / D: 200 with the access decision granted / denied (the
 * chaincode commits and audits every access decision, so a denial there is a written audit event, by
 * design). 401 / 403: problem+json, nothing written. No route hides existence behind a 404 for these
 * callers: every refusal below is a 403 (the chaincode's FORBIDDEN, NOT_REGISTERED or
 * ACCESS_NOT_GRANTED, or the gateway's FORBIDDEN for the wrong kind of principal or another patient).
 *
 * Columns: Hospital1 admin, attending (cardiology), intern (cardiology), nurse (cardiology), attending
 * of oncology; Hospital2 admin, attending; Research admin, researcher; Regulator admin, auditor;
 * Hospital1's ethics committee member (the demo `hospital1-ethics-1`); the
 * patient (patient token); a Hospital2 token sent to Hospital1's gateway (must be 401 everywhere).
 * Targets: the fixture patient and their Hospital1 cardiology diagnosis record; staff of the caller's
 * own org for staff changes; a study of the researcher.
 *
 * Why (docs/architecture.md and the contracts' caller rules):
 * - DIDs resolve for any member and the patient's app; records' metadata, history and verification
 *   are for any active member (staff routes: a patient token is refused by the gateway), and a
 *   record's metadata also for its own patient, with a request signed by their key naming the record
 *   (docs/patients.md: another patient's record answers 404 as a missing one does).
 * - The emergency profile is read back by its patient only, with a proof of their key: staff learn
 *   what it opens through the audited emergency listing and break-glass decisions, never by an
 *   unaudited read of which categories a patient guards.
 * - Staff onboarding and changes: the admin of the same org only (identities and roles); a role
 *   change proposed by one admin is approved by another (the approve row approves what the org's
 *   second admin proposed in `before`).
 * - Patients are registered by hospital staff of any role; research and regulator cannot.
 * - Patient-signed payloads (key rotation and recovery, consents, revocations, preferences) are
 *   relayed by any active member or by the patient's own app: the patient's signature is what
 *   authorizes (identities and roles).
 * - Records are written by a hospital's clinicians: attendings anywhere in their hospital, interns and
 *   nurses in their department; versions only by the custodian hospital (data levels). Quality review: the
 *   custodian's attendings and admins. Erasure: the custodian's admin.
 * - Access (access decisions): custodian clinicians treating (attendings, interns and nurses; admins run identities,
 *   not care, and never get content: the rules are silent on them, least privilege decides), Hospital2's
 *   clinicians by the patient's org consent, the researcher by study consent; regulators never get
 *   content. Content needs one's
 *   own granted access: callers without one present another person's grant (permission borrowing).
 * - Studies: proposed by researchers with their sites (the single-researcher registration is retired:
 *   its route and transaction are gone); decided by a site's ethics committee member, who is otherwise
 *   no clinician (no record writes, no content, no listing, no patient registration) and no admin; cohorts for the study's org (researcher, admin) and auditors;
 *   datasets are research access decisions, granted only to the researcher with consent.
 * - Study work (docs/research.md): tasks are assigned by the study's lead only; a contribution is
 *   recorded by a site's admin while the study is active and the site approved (the fixture study is
 *   not active: refused for everyone); the credit table is for the study's org, its sites and the
 *   regulator (every column's org here); contribution points are the patient's own, with a proof of
 *   their key (directly: a gateway's service identity, an org admin, or a regulator's auditor).
 * - Federated rounds (docs/research.md): an update comes from an approving site's admin and an
 *   aggregate from the lead, both only while the study is active (the fixture study is not: refused
 *   for everyone); a round is read by the study's org, its sites and the regulator; a proof exists only
 *   once the round closed (round 1 of the fixture study is open: 404 for every reader).
 * - Results (docs/research.md): anchored by the lead only (the fixture names a dataset that is not
 *   the study's: 404 for the lead, 403 for everyone else); a lineage is read by the study's parties
 *   (no such result: 404). Credentials: issued by the custodian's staff (admin, attending, intern,
 *   nurse; not its ethics member) from their own record, found at no other org's gateway (404); an
 *   anchor is read by any member (no such credential: 404).
 * - Audit views, compliance report and alerts: regulator auditors and hospital admins (their own
 *   hospital); one audit event: the regulator's auditor and admin, its actor, the custodian's admin.
 *   The event lives in the custodian's sealed collection (docs/privacy-model.md): another org's peer
 *   holds no copy of it, so another org's callers get 404 (their own peer has nothing to refuse).
 *   Break-glass review: the custodian's admin or a regulator auditor.
 * - A break-glass request beyond the patient's emergency profile (Hospital1's intern, a lab result)
 *   is co-signed by a second attending of the requester's hospital only (docs/emergency-profile.md):
 *   anyone else, the requester included, gets CO_SIGNER_NOT_PERMITTED (403); the patient token is
 *   refused by the gateway.
 * - Record ids are unique per custodian (issue 12 hole 10): reads, access and verification name the
 *   custodian (Hospital1, the fixture's); a write naming another org's records is refused by the
 *   gateway (403) before any ledger call. Purging staged, never anchored content: the custodian's admin.
 * - The access log is the patient's own, with a proof of their key.
 * - A deletion attestation (docs/use-limited-consents.md) is the consent grantee org's alone: its
 *   admin and staff attest, anyone else is refused (FORBIDDEN, 403); the patient token by the gateway.
 *   The owed list is the caller's own org's, for any of its active members; the regulator's staff are
 *   refused by the chaincode (no consent is granted to the regulator), the patient by the gateway.
 * - Consent templates (docs/consent-templates.md) are listed and expanded for any member and for the
 *   patient themselves: an expansion writes nothing and grants nothing until the patient signs it.
 * - Record discovery (docs/patients.md): the patient with a signed request; hospital clinicians (their
 *   custodianship, their org's consents: every hospital's attendings, interns and nurses open one);
 *   anyone else's listing is denied and audited, a block written (D: 403 ACCESS_NOT_GRANTED whose
 *   detail names the listing and its reason), the regulator's staff refused before anything is
 *   written. The health summary is that listing and then the reads it allows, so it answers as the
 *   listing does (the patient with a signed summary request).
 * - Insurance (docs/insurance.md): no column is an insurer's, so coverage writes are 403 for everyone.
 *   A resolution reads the dispute from the caller's org's collection first: Hospital1's billing staff
 *   (the pair's provider) find none (404; one they held would be refused by the contract, as the
 *   direct table's ResolveDispute row shows), everyone else is refused.
 *   The coverage, claim and dispute named exist nowhere: a caller who passes the role check gets 404
 *   (a coverage read without the card, or with a card that is not the coverage's, is 404 whoever asks:
 *   a card holder learns nothing of another coverage). Claims and disputes: a hospital's billing staff
 *   (admins and attendings), of its own claims; claim reads also the regulator's staff. A batch in a
 *   currency the pair has no open entries in is 409; balances are the pair's billing staff's; the
 *   claim report the regulator's.
 * - Leak tracing (docs/leak-tracing.md): a regulator auditor (every hospital's receipts) and hospital
 *   admins (their own hospital's receipts); staff, researchers and the regulator's admin are refused.
 * - Erasure requests (docs/patients.md): relayed like every patient-signed payload, the regulator's
 *   staff excepted; answered by the custodian's admin only (another hospital's admin finds no such
 *   request in its collection: 404); listed by hospital admins (their own) and the regulator's admin
 *   and auditors.
 * - Freezes (issue 16): made by a regulator auditor only; a lift approved by the regulator's auditor
 *   and the frozen org's admin (the freeze here holds a Hospital1 person who was never registered,
 *   so freezing them stops nobody else's rows); read by any registered member.
 * - Incidents (issue 16): opened, linked, stepped and closed by a regulator auditor; read by the
 *   regulator's auditors and, for what concerns their org (the fixture incident concerns Hospital1),
 *   an org's admin (the regulator's admin reads all): another org's admin finds nothing (404), other
 *   staff are refused.
 */
const HTTP_TABLE = [
  'GET /v1/dids/{did}                  | A   A   A   A   A   A   A   A   A   A   A   A   A   401',
  'POST /v1/staff                      | A   403 403 403 403 A   403 A   403 A   403 403 403 401',
  'PATCH /v1/staff/{did}               | A   403 403 403 403 A   403 A   403 A   403 403 403 401',
  'POST /v1/staff/{did}/role-changes   | A   403 403 403 403 A   403 A   403 A   403 403 403 401',
  'POST /v1/staff/{did}/role-changes/{proposalId}/approve | A   403 403 403 403 A   403 A   403 A   403 403 403 401',
  'POST /v1/staff/{did}/deactivate     | A   403 403 403 403 A   403 A   403 A   403 403 403 401',
  'POST /v1/patients                   | A   A   A   A   A   A   A   403 403 403 403 403 403 401',
  'POST /v1/patients/{did}/keys        | A   A   A   A   A   A   A   A   A   A   A   A   A   401',
  'POST /v1/patients/{did}/keys/recovery | A   A   A   A   A   A   A   A   A   A   A   A   A   401',
  'POST /v1/records                    | 403 A   A   A   A   403 A   403 403 403 403 403 403 401',
  'POST /v1/records/{id}/versions      | 403 A   A   A   A   403 403 403 403 403 403 403 403 401',
  'GET /v1/records/{id}                | A   A   A   A   A   A   A   A   A   A   A   A   A   401',
  'GET /v1/records/{id}/history        | A   A   A   A   A   A   A   A   A   A   A   A   403 401',
  'POST /v1/records/{id}/verify        | A   A   A   A   A   A   A   A   A   A   A   A   403 401',
  'POST /v1/records/{id}/access        | D   G   G   G   G   D   G   D   G   D   D   D   403 401',
  'GET /v1/records/{id}/content        | 403 A   A   A   A   403 A   403 A   403 403 403 403 401',
  'POST /v1/records/{id}/review        | A   A   403 403 A   403 403 403 403 403 403 403 403 401',
  'POST /v1/records/{id}/erasures      | A   403 403 403 403 403 403 403 403 403 403 403 403 401',
  'POST /v1/records/{id}/staged-erasures | A   403 403 403 403 403 403 403 403 403 403 403 403 401',
  'POST /v1/consents                   | A   A   A   A   A   A   A   A   A   A   A   A   A   401',
  'POST /v1/consents/{id}/revoke       | A   A   A   A   A   A   A   A   A   A   A   A   A   401',
  'POST /v1/consents/{id}/deletion-attestations | 403 403 403 403 403 A   A   403 403 403 403 403 403 401',
  'GET /v1/deletion-attestations/owed  | A   A   A   A   A   A   A   A   A   403 403 A   403 401',
  'PUT /v1/patients/{did}/preferences  | A   A   A   A   A   A   A   A   A   A   A   A   A   401',
  'GET /v1/patients/{did}/preferences  | 403 403 403 403 403 403 403 403 403 403 403 403 A   401',
  'GET /v1/patients/{did}/consents     | A   A   A   A   A   A   A   A   A   A   A   A   A   401',
  'GET /v1/consent-templates           | A   A   A   A   A   A   A   A   A   A   A   A   A   401',
  'POST /v1/patients/{did}/consent-payloads | A   A   A   A   A   A   A   A   A   A   A   A   A   401',
  'GET /v1/patients/{did}/access-log   | 403 403 403 403 403 403 403 403 403 403 403 403 A   401',
  'GET /v1/patients/{did}/records      | D   A   A   A   A   D   A   D   D   403 403 D   A   401',
  'GET /v1/patients/{did}/summary      | D   A   A   A   A   D   A   D   D   403 403 D   A   401',
  'POST /v1/patients/{did}/erasure-requests | A   A   A   A   A   A   A   A   A   403 403 A   A   401',
  'POST /v1/erasure-requests/{id}/answer | A   403 403 403 403 404 403 403 403 403 403 403 403 401',
  'GET /v1/erasure-requests            | A   403 403 403 403 A   403 403 403 A   A   403 403 401',
  'GET /v1/studies/{id}                | A   A   A   A   A   A   A   A   A   A   A   A   403 401',
  'GET /v1/studies/{id}/cohort         | 403 403 403 403 403 403 403 A   A   403 A   403 403 401',
  'POST /v1/studies/{id}/datasets      | D   D   D   D   D   D   D   D   G   D   D   D   403 401',
  'POST /v1/multicenter-studies        | 403 403 403 403 403 403 403 403 A   403 403 403 403 401',
  'GET /v1/studies/{id}/governance     | A   A   A   A   A   A   A   A   A   A   A   A   403 401',
  'POST /v1/studies/{id}/decisions     | 403 403 403 403 403 403 403 403 403 403 403 A   403 401',
  'POST /v1/studies/{id}/changes       | 403 403 403 403 403 403 403 403 A   403 403 403 403 401',
  'GET /v1/studies/{id}/fhir           | A   A   A   A   A   A   A   A   A   A   A   A   403 401',
  'POST /v1/studies/{id}/tasks         | 403 403 403 403 403 403 403 403 A   403 403 403 403 401',
  'POST /v1/studies/{id}/contributions | 403 403 403 403 403 403 403 403 403 403 403 403 403 401',
  'GET /v1/studies/{id}/credit         | A   A   A   A   A   A   A   A   A   A   A   A   403 401',
  'POST /v1/studies/{id}/rounds/{round}/updates | 403   403   403   403   403   403   403   403   403   403   403   403   403   401',
  'POST /v1/studies/{id}/rounds/{round}/aggregate | 403   403   403   403   403   403   403   403   403   403   403   403   403   401',
  'GET /v1/studies/{id}/rounds/{round} | A   A   A   A   A   A   A   A   A   A   A   A   403   401',
  'GET /v1/studies/{id}/rounds/{round}/proofs/{site} | 404   404   404   404   404   404   404   404   404   404   404   404   403   401',
  'POST /v1/studies/{id}/rounds/{round}/verify | 404   404   404   404   404   404   404   404   404   404   404   404   403   401',
  'POST /v1/studies/{id}/results      | 403   403   403   403   403   403   403   403   404   403   403   403   403   401',
  'GET /v1/studies/{id}/results/{resultId}/lineage | 404   404   404   404   404   404   404   404   404   404   404   404   403   401',
  'POST /v1/records/{id}/credentials   | A   A   A   A   A   404   404   404   404   404   404   403   403   401',
  'GET /v1/credentials/{custodian}/{sdJwtHash} | 404   404   404   404   404   404   404   404   404   404   404   404   403   401',
  'GET /v1/patients/{did}/points       | 403 403 403 403 403 403 403 403 403 403 403 403 A   401',
  'POST /v1/ops/ping                   | A   A   A   A   A   A   A   A   A   A   A   A   403 401',
  'GET /v1/audit                       | A   403 403 403 403 A   403 403 403 403 A   403 403 401',
  'GET /v1/audit/fhir                  | A   403 403 403 403 A   403 403 403 403 A   403 403 401',
  'GET /v1/audit/{id}                  | A   A   403 403 403 404 404 404 404 A   A   403 403 401',
  'GET /v1/reports/compliance          | A   403 403 403 403 A   403 403 403 403 A   403 403 401',
  'POST /v1/break-glass/{id}/review    | A   403 403 403 403 403 403 403 403 403 A   403 403 401',
  'POST /v1/incidents/trace            | A   403 403 403 403 A   403 403 403 403 A   403 403 401',
  'POST /v1/break-glass/{id}/co-sign   | 403 G   403 403 G   403 403 403 403 403 403 403 403 401',
  'GET /v1/alerts                      | A   403 403 403 403 A   403 403 403 403 A   403 403 401',
  'POST /v1/coverages                  | 403 403 403 403 403 403 403 403 403 403 403 403 403 401',
  'POST /v1/coverages/{id}/changes     | 403 403 403 403 403 403 403 403 403 403 403 403 403 401',
  'GET /v1/coverages/{id}              | 404 404 404 404 404 404 404 404 404 404 404 404 403 401',
  'GET /v1/patients/{did}/coverages/{id} | 404 404 404 404 404 404 404 404 404 404 404 404 404 401',
  'POST /v1/claims                     | 404 404 403 403 404 404 404 403 403 403 403 403 403 401',
  'GET /v1/claims/{id}                 | 404 404 403 403 404 403 403 403 403 404 404 403 403 401',
  'GET /v1/claims/{id}/response        | 404 404 403 403 404 403 403 403 403 404 404 403 403 401',
  'GET /v1/claims/{id}/explanation-of-benefit | 404 404 403 403 404 403 403 403 403 404 404 403 403 401',
  'POST /v1/claims/{id}/disputes       | 404 404 403 403 404 404 404 403 403 403 403 403 403 401',
  'GET /v1/disputes/{id}               | 404 404 403 403 404 403 403 403 403 403 403 403 403 401',
  'POST /v1/disputes/{id}/resolve      | 404 404 403 403 404 403 403 403 403 403 403 403 403 401',
  'POST /v1/settlement/batches         | 409 409 403 403 409 403 403 403 403 403 403 403 403 401',
  'GET /v1/settlement/balances         | A   A   403 403 A   403 403 403 403 403 403 403 403 401',
  'POST /v1/settlement/index           | A   A   403 403 A   403 403 403 403 403 403 403 403 401',
  'GET /v1/reports/claims              | 403 403 403 403 403 403 403 403 403 A   A   403 403 401',
  'POST /v1/freezes                    | 403 403 403 403 403 403 403 403 403 403 A   403 403 401',
  'POST /v1/freezes/{id}/lift          | A   403 403 403 403 403 403 403 403 403 A   403 403 401',
  'GET /v1/freezes/{id}                | A   A   A   A   A   A   A   A   A   A   A   A   403 401',
  'GET /v1/freezes                     | A   A   A   A   A   A   A   A   A   A   A   A   403 401',
  'POST /v1/incidents                  | 403 403 403 403 403 403 403 403 403 403 A   403 403 401',
  'POST /v1/incidents/{id}/links       | 403 403 403 403 403 403 403 403 403 403 A   403 403 401',
  'POST /v1/incidents/{id}/steps       | 403 403 403 403 403 403 403 403 403 403 A   403 403 401',
  'POST /v1/incidents/{id}/close       | 403 403 403 403 403 403 403 403 403 403 A   403 403 401',
  'GET /v1/incidents/{id}              | A   403 403 403 403 404 403 404 403 A   A   403 403 401',
  'GET /v1/incidents                   | A   403 403 403 403 A   403 A   403 A   A   403 403 401',
];

/**
 * Expected decisions of chaincode transactions invoked directly, each signed by the caller's own
 * enrolled identity and endorsed by the orgs the transaction registry names for that caller (the
 * custodian and the regulator, the grantee org and the regulator, ...). A: success; G / D:
 * AccessRecord's committed decision granted / denied; F: `[FORBIDDEN]`; NR: `[NOT_REGISTERED]` (an
 * identity the org's CA enrolled but nobody registered on chain); ANG: `[ACCESS_NOT_GRANTED]`; BLD:
 * `[BENCH_LOADER_DISABLED]` (the benchmark-only loader is off on every network not started for the
 * benchmark, as in any deployment; with the flag it is for org admins, which the chaincode's unit
 * tests check); AE: `[ALREADY_EXISTS]` where the caller passed authorization but the fact is written
 * once and is there (the consortium and the collection keys, written at deployment by the orgs'
 * NodeOU admins); NF: `[NOT_FOUND]` where the caller's own peer holds no copy of a sealed fact (an
 * access event of another custodian) or the caller's org has no record of that id (record ids are
 * per custodian: Hospital2's admin reviewing "the record" reviews Hospital2's own, which does not
 * exist); PM: `[PRESENTED_MISMATCH]` where the caller passed authorization and presents, as a sealed
 * collection stores it, a value nothing is stored under (a coverage, claim or settlement entry this
 * test never wrote). Same columns as above, the patient (who has no Fabric identity) replaced by the
 * unregistered person. Where the REST table differs, it is the gateway's own refusal (wrong principal
 * kind, a write naming another custodian) or the audit views' narrower scope.
 * - InitConsortium, InstallCollectionKey: the orgs' NodeOU admins, once at deployment. JoinConsortium:
 *   the NodeOU admin of an org admitted to the channel and not yet a member (every caller here is a
 *   member already).
 * - InstallStudySecret: the NodeOU admins of the custodians' collection's members (the hospitals and
 *   the regulator, never the research institute), once at deployment.
 * - GetConsent: the grantee org's members and the regulator's admin and auditors; another org is
 *   refused (the public fact names the grantee org). ListGranteeConsents likewise.
 * - QueryAudit by patient: the regulator's auditor, and hospital admins (scoped to their hospital's
 *   events); the access decisions give consortium-wide audit reads to regulators only, so other orgs' admins
 *   are refused, as the REST audit views refuse them.
 * - Ping and GetBuildInfo: any enrolled member (operations); ResolveDid: any member (the REST resource map).
 * - Role changes between administrative and other roles (issue 12 hole 2): proposed by an admin of
 *   the org, approved by ANOTHER admin of the org (each org's second admin proposed one in `before`,
 *   so the column's admin approves it); the change itself goes through no other role.
 * - Key recovery (hole 7) is authorized by the patient's recovery key, relayed by any active member.
 * - Insurance (issue 15): coverage is written by the insurer's admins only (no column is one); claims
 *   are submitted and their context and record links read by a hospital's billing staff (admins and
 *   attendings). No column holds a card, and the coverage and claim named do not exist, so callers
 *   who pass the role check get NF: a caller without the card learns nothing of a coverage. GetClaim:
 *   the provider's billing staff and the regulator's admin and auditors (another hospital is F).
 *   Disputes are opened, batches closed and (an upgrade step) open entries found and indexed by the
 *   pair's staff (the pair named is Hospital1 and the insurer; a claim or entry nobody wrote is NF,
 *   an entry presented that nothing stores PM), resolved by the insurer's adjusters; the claim
 *   report is the regulator's. The insurer's own staff and a card holder are the chaincode unit
 *   tests' cases.
 * - ListWrappedDataKeys, RewrapDataKeys: a hospital's admin, over its own org's data keys (key rotation).
 * - OpenRecordListing commits every caller's decision (a denial is audited, as AccessRecord's), the
 *   regulator's staff excepted (their org's collection cannot hold another org's listing: F);
 *   ListPatientRecords of a listing id the caller did not open: ANG.
 * - RecordDataUse (docs/leak-tracing.md): the recipient of a data-use receipt records it; a caller
 *   presenting someone else's receipt: RI (`[RECEIPT_INVALID]`). TraceLeak: a regulator auditor and
 *   hospital admins (their own receipts); nobody else may learn who holds copies of what.
 * - OpenPatientAccess: the patient's signed summary request (addressed to the caller's org) is what
 *   authorizes, relayed by any active member; the regulator's staff are refused (F).
 *   ReadPatientContent of an id that is no patient access of the caller: ANG.
 *   ConfirmPatientRecord (the patient's own record anchor) likewise: the patient's signed request,
 *   addressed to the caller's org, authorizes; the regulator's staff are refused (F).
 * - GetPatientPreferences: any active member (public state under the patient key; the REST route
 *   gives it to the patient only).
 * - ResolveAccessConsents: any active member of an org other than the regulator (it answers only for
 *   the caller's own org's granted accesses: the fixture's access is Hospital1 staff's, so for the
 *   others the answer is empty, not refused); the regulator's staff: F.
 * - RequestErasure as OpenPatientAccess; AnswerErasureRequest: the custodian's admin (another
 *   hospital's collection holds no such request: NF); ListErasureRequests: hospital admins and the
 *   regulator's admin and auditors.
 * - FreezeAccess: a regulator auditor; LiftFreeze: the regulator's auditor and the frozen org's admin
 *   (Hospital1's: the freeze holds a Hospital1 person never registered), each approving one side;
 *   GetFreeze and ListFreezes: any registered member.
 * - Incidents: written by a regulator auditor only; GetIncident by the regulator's auditor and admin
 *   and the admin of a concerned org (Hospital1: the fixture links Hospital1's access event), NF for
 *   another org's admin; ListIncidents by the regulator's auditor and admin and any org's admin (it
 *   lists what concerns them).
 */
const DIRECT_TABLE = [
  'InitConsortium         | AE  F   F   F   F   AE  F   AE  F   AE  F   F   F',
  'JoinConsortium         | AE  F   F   F   F   AE  F   AE  F   AE  F   F   F',
  'InstallCollectionKey   | AE  F   F   F   F   AE  F   AE  F   AE  F   F   F',
  'InstallStudySecret     | AE  F   F   F   F   AE  F   F   F   AE  F   F   F',
  'GetConsortium          | A   A   A   A   A   A   A   A   A   A   A   A   A',
  'RegisterStaff          | A   F   F   F   F   A   F   A   F   A   F   F   NR',
  'UpdateStaff            | A   F   F   F   F   A   F   A   F   A   F   F   NR',
  'ProposeStaffRoleChange | A   F   F   F   F   A   F   A   F   A   F   F   NR',
  'ApproveStaffRoleChange | A   F   F   F   F   A   F   A   F   A   F   F   NR',
  'DeactivateStaff        | A   F   F   F   F   A   F   A   F   A   F   F   NR',
  'RegisterPatient        | A   A   A   A   A   A   A   F   F   F   F   F   NR',
  'RotatePatientKey       | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'RecoverPatientKey      | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'ResolveDid             | A   A   A   A   A   A   A   A   A   A   A   A   A',
  'GrantConsent           | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'RevokeConsent          | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'AttestDeletion         | F   F   F   F   F   A   A   F   F   F   F   F   NR',
  'SetPatientPreferences  | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'ResolveAccessConsents  | A   A   A   A   A   A   A   A   A   F   F   A   NR',
  'GetPatientPreferences  | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'ListPatientConsents    | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'GetConsent             | F   F   F   F   F   A   A   F   F   A   A   F   NR',
  'ListGranteeConsents    | F   F   F   F   F   A   A   F   F   A   A   F   NR',
  'StageRecordContent     | F   A   A   A   A   F   A   F   F   F   F   F   NR',
  'AnchorRecord           | F   A   A   A   A   F   A   F   F   F   F   F   NR',
  'GetRecord              | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'GetRecordHistory       | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'VerifyRecord           | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'ReviewRecordQuality    | A   A   F   F   A   NF  NF  F   F   F   F   F   NR',
  'EraseRecordContent     | A   F   F   F   F   NF  F   F   F   F   F   F   NR',
  'PurgeStagedContent     | A   F   F   F   F   NF  F   F   F   F   F   F   NR',
  'ListWrappedDataKeys    | A   F   F   F   F   A   F   F   F   F   F   F   NR',
  'RewrapDataKeys         | A   F   F   F   F   A   F   F   F   F   F   F   NR',
  'AccessRecord           | D   G   G   G   G   D   G   D   G   D   D   D   D',
  'ReadRecordContent      | ANG A   A   A   A   ANG A   ANG A   ANG ANG ANG NR',
  'RecordDataUse          | RI  A   A   A   A   RI  A   RI  A   RI  RI  RI  NR',
  'TraceLeak              | A   F   F   F   F   A   F   F   F   F   A   F   NR',
  'ReviewBreakGlass       | A   F   F   F   F   F   F   F   F   F   A   F   NR',
  'CoSignBreakGlass       | CSN G   CSN CSN G   CSN CSN CSN CSN CSN CSN CSN NR',
  'OpenRecordListing      | A   A   A   A   A   A   A   A   A   F   F   A   A',
  'ListPatientRecords     | ANG ANG ANG ANG ANG ANG ANG ANG ANG ANG ANG ANG NR',
  'ConfirmPatientRecord   | A   A   A   A   A   A   A   A   A   F   F   A   NR',
  'OpenPatientAccess      | A   A   A   A   A   A   A   A   A   F   F   A   NR',
  'ReadPatientContent     | ANG ANG ANG ANG ANG ANG ANG ANG ANG ANG ANG ANG NR',
  'RequestErasure         | A   A   A   A   A   A   A   A   A   F   F   A   NR',
  'AnswerErasureRequest   | A   F   F   F   F   NF  F   F   F   F   F   F   NR',
  'ListErasureRequests    | A   F   F   F   F   A   F   F   F   A   A   F   NR',
  'GetStudy               | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'GetStudyCohort         | F   F   F   F   F   F   F   A   A   F   A   F   NR',
  'ProposeStudy           | F   F   F   F   F   F   F   F   A   F   F   F   NR',
  'DecideStudy            | F   F   F   F   F   F   F   F   F   F   F   A   NR',
  'ChangeStudy            | F   F   F   F   F   F   F   F   A   F   F   F   NR',
  'GetStudyGovernance     | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'AssignStudyTask        | F   F   F   F   F   F   F   F   A   F   F   F   NR',
  'RecordContribution     | F   F   F   F   F   F   F   F   F   F   F   F   NR',
  'GetStudyCredit         | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'SubmitModelUpdate      | F   F   F   F   F   F   F   F   F   F   F   F   NR',
  'AggregateRound         | F   F   F   F   F   F   F   F   F   F   F   F   NR',
  'GetStudyRound          | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'AnchorResult           | F   F   F   F   F   F   F   F   NF   F   F   F   NR',
  'GetResultLineage       | NF   NF   NF   NF   NF   NF   NF   NF   NF   NF   NF   NF   NR',
  'AnchorCredential       | A   A   A   A   A   NF   NF   F   F   F   F   F   NR',
  'GetCredentialAnchor    | NF   NF   NF   NF   NF   NF   NF   NF   NF   NF   NF   NF   NR',
  'GetContributionPoints  | A   F   F   F   F   A   F   A   F   A   A   F   NR',
  'QueryAudit             | A   F   F   F   F   A   F   F   F   F   A   F   NR',
  'GetAuditEvent          | A   A   F   F   F   NF  NF  NF  NF  A   A   F   NR',
  'RegisterCoverage       | F   F   F   F   F   F   F   F   F   F   F   F   NR',
  'SuspendCoverage        | F   F   F   F   F   F   F   F   F   F   F   F   NR',
  'ReinstateCoverage      | F   F   F   F   F   F   F   F   F   F   F   F   NR',
  'EndCoverage            | F   F   F   F   F   F   F   F   F   F   F   F   NR',
  'GetCoverage            | NF  NF  NF  NF  NF  NF  NF  NF  NF  NF  NF  NF  NR',
  'GetClaimContext        | NF  NF  F   F   NF  NF  NF  F   F   F   F   F   NR',
  'GetRecordLinks         | A   A   F   F   A   A   A   F   F   F   F   F   NR',
  'SubmitClaim            | PM  PM  F   F   PM  PM  PM  F   F   F   F   F   NR',
  'GetClaim               | NF  NF  F   F   NF  F   F   F   F   NF  NF  F   NR',
  'GetSettlementContext   | A   A   F   F   A   F   F   F   F   F   F   F   NR',
  'OpenDispute            | PM  PM  F   F   PM  PM  PM  F   F   F   F   F   NR',
  'ResolveDispute         | F   F   F   F   F   F   F   F   F   F   F   F   NR',
  'CloseSettlementBatch   | PM  PM  F   F   PM  F   F   F   F   F   F   F   NR',
  'GetUnindexedSettlementEntries | A   A   F   F   A   F   F   F   F   F   F   F   NR',
  'IndexOpenSettlementEntries | PM  PM  F   F   PM  F   F   F   F   F   F   F   NR',
  'GetClaimReport         | F   F   F   F   F   F   F   F   F   A   A   F   NR',
  'FreezeAccess           | F   F   F   F   F   F   F   F   F   F   A   F   NR',
  'LiftFreeze             | A   F   F   F   F   F   F   F   F   F   A   F   NR',
  'GetFreeze              | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'ListFreezes            | A   A   A   A   A   A   A   A   A   A   A   A   NR',
  'OpenIncident           | F   F   F   F   F   F   F   F   F   F   A   F   NR',
  'LinkIncidentEvents     | F   F   F   F   F   F   F   F   F   F   A   F   NR',
  'RecordIncidentStep     | F   F   F   F   F   F   F   F   F   F   A   F   NR',
  'CloseIncident          | F   F   F   F   F   F   F   F   F   F   A   F   NR',
  'GetIncident            | A   F   F   F   F   NF  F   NF  F   A   A   F   NR',
  'ListIncidents          | A   F   F   F   F   A   F   A   F   A   A   F   NR',
  'LoadSyntheticAuditEvents | BLD BLD BLD BLD BLD BLD BLD BLD BLD BLD BLD BLD BLD',
  'Ping                   | A   A   A   A   A   A   A   A   A   A   A   A   A',
  'GetBuildInfo           | A   A   A   A   A   A   A   A   A   A   A   A   A',
];
const AUTHZ_CODES: Readonly<Record<string, string>> = {
  FORBIDDEN: 'F',
  NOT_REGISTERED: 'NR',
  INACTIVE: 'INACTIVE',
  ACCESS_NOT_GRANTED: 'ANG',
  BENCH_LOADER_DISABLED: 'BLD',
  ALREADY_EXISTS: 'AE',
  NOT_FOUND: 'NF',
  PRESENTED_MISMATCH: 'PM',
  RECEIPT_INVALID: 'RI',
  CO_SIGNER_NOT_PERMITTED: 'CSN',
};

/** Every peer org of the consortium (the registry's endorsements are chosen among them). */
const ALL_ORGS = [
  'Hospital1MSP',
  'Hospital2MSP',
  'ResearchMSP',
  'RegulatorMSP',
  'InsurerMSP',
  'Hospital3MSP',
];
/** Writes of the caller's own org's records: the caller's org is their custodian. */
const OWN_CUSTODIAN: ReadonlySet<TransactionName> = new Set<TransactionName>([
  'AnchorRecord',
  'ReviewRecordQuality',
  'EraseRecordContent',
  'PurgeStagedContent',
  'LoadSyntheticAuditEvents',
]);

interface Patient {
  did: string;
  privateJwk: PatientPrivateJwk;
  kid: string;
  recovery: PatientKeyPair;
}

const orgOf = (who: Staff): OrgName => PEOPLE[who].org;
const mspOf = (org: OrgName): string => `${org}MSP`;
const fresh = (prefix: string): string => `${prefix}-${run}-${randomBytes(4).toString('hex')}`;

/** A new staff member the admin of `org` may onboard (a role that org kind has). */
function newStaffOf(org: OrgName): { enrollmentId: string; role: string; department: string | null } {
  const enrollmentId = fresh('authz-new');
  if (org === 'Research') return { enrollmentId, role: 'researcher', department: null };
  if (org === 'Regulator') return { enrollmentId, role: 'auditor', department: null };
  return { enrollmentId, role: 'nurse', department: 'cardiology' };
}

/** A multi-center study of both hospitals, 1 of 2 by the protocol. */
function newProposal(): Body {
  return {
    studyId: fresh('study-mc-authz'),
    categories: ['diagnosis'],
    maxLevel: 3,
    periodStart: new Date(Date.now() - 60_000).toISOString(),
    periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
    sites: ['Hospital1MSP', 'Hospital2MSP'],
    quorum: { kind: 'atLeast', sites: 1 },
    protocolHash: randomBytes(32).toString('hex'),
  };
}

/** Transactions whose governance receipt lives with the study's org. */
const STUDY_ORG_TRANSACTIONS: ReadonlySet<string> = new Set([
  'ProposeStudy',
  'ChangeStudy',
  'AssignStudyTask',
  'AggregateRound',
  'AnchorResult',
]);

/** A task for Hospital1 in a study, due in an hour (within every fixture study's period). */
function newTask(): Body {
  return {
    taskId: fresh('task-authz'),
    site: 'Hospital1MSP',
    cohort: { criteriaId: 'criteria-authz', criteriaHash: randomBytes(32).toString('hex') },
    recordCount: 10,
    dueDate: new Date(Date.now() + 3_600_000).toISOString(),
  };
}

/** A Condition without an ICD-11 coding: the quality gate anchors it as `needs_review`. */
function unreviewedCondition(id: string, patientRef: string): Body {
  return {
    ...hypertensionCondition({ id, patientRef }),
    code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
  };
}

/** The metadata of version 1 of a cardiology diagnosis record (what StageRecordContent takes: no patient). */
function recordMeta(recordId: string): Body {
  const meta = diagnosisRecord(recordId, '', {});
  delete meta['resource'];
  delete meta['patientDid'];
  return { ...meta, version: 1 };
}

/** The consortium's insurer. */
const INSURER = 'InsurerMSP';
/** A presented sealed value for a key nothing is stored under (base64 of `{}`). */
const NOTHING_STORED = Buffer.from('{}').toString('base64');
/** A card secret no coverage has. */
const CARD = 'c0'.repeat(32);
const VISIT = { system: 'http://www.ama-assn.org/go/cpt', code: '99213' };

/** Coverage terms for a year from today, one covered item. */
function insuranceTerms(coverageId: string, patientDid: string): Body {
  const year = new Date().getUTCFullYear();
  return {
    coverageId,
    patientDid,
    planId: 'plan-authz',
    periodStart: `${String(year)}-01-01`,
    periodEnd: `${String(year)}-12-31`,
    currency: 'EUR',
    deductible: 0,
    periodLimit: null,
    benefits: [{ item: VISIT, rateBasisPoints: 10000, maxUnitPrice: 10000, periodCap: null }],
  };
}

/** A well-formed claim approval entry of Hospital1 and the insurer that no claim posted, as presented bytes. */
function unstoredEntry(): string {
  const id = randomBytes(32).toString('hex');
  const entry = {
    entryId: `${id}.1`,
    kind: 'claim_approval',
    insurer: INSURER,
    provider: 'Hospital1MSP',
    currency: 'EUR',
    amount: 100,
    legs: [
      { org: INSURER, account: 'insurer_payable', amount: -100 },
      { org: 'Hospital1MSP', account: 'provider_receivable', amount: 100 },
    ],
    claimId: fresh('clm-authz'),
    lineSequence: null,
    disputeId: null,
    batchId: null,
    postedAt: new Date().toISOString(),
    txId: id,
  };
  return Buffer.from(canonicalJson({ salt: id, value: entry })).toString('base64');
}

/** A change of a coverage no insurer registered, effective today. */
function coverageChange(): Body {
  return { coverageId: fresh('cov-authz'), effective: new Date().toISOString().slice(0, 10) };
}

/** A REST request of the matrix. */
interface HttpRequest {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * The insurance routes' requests: a coverage, claim and dispute nobody wrote; a pair of Hospital1; the
 * claim presents a real consent of the patient (to Hospital2, for treatment: never one for a claim).
 */
function insuranceRequests(
  patientDid: string,
  consent: unknown,
): Record<string, { request: () => HttpRequest }> {
  const claimPath = (tail = '') => `/v1/claims/${fresh('clm-authz')}${tail}?provider=Hospital1MSP`;
  const pair = 'provider=Hospital1MSP&insurer=InsurerMSP';
  const dispute = () => randomBytes(32).toString('hex');
  return {
    'POST /v1/coverages': {
      request: () => ({
        method: 'POST',
        path: '/v1/coverages',
        body: { coverage: insuranceTerms(fresh('cov-authz'), patientDid) },
      }),
    },
    'POST /v1/coverages/{id}/changes': {
      request: () => {
        const { coverageId, effective } = coverageChange();
        return {
          method: 'POST',
          path: `/v1/coverages/${String(coverageId)}/changes`,
          body: { change: 'suspend', effective },
        };
      },
    },
    'GET /v1/coverages/{id}': {
      request: () => ({ method: 'GET', path: `/v1/coverages/${fresh('cov-authz')}?insurer=${INSURER}` }),
    },
    'GET /v1/patients/{did}/coverages/{id}': {
      request: () => ({
        method: 'GET',
        path: `/v1/patients/${encodeURIComponent(patientDid)}/coverages/${fresh('cov-authz')}?insurer=${INSURER}`,
        headers: { 'Medledger-Coverage-Card': CARD },
      }),
    },
    'POST /v1/claims': {
      request: () => {
        const claimId = fresh('clm-authz');
        const claim = insuranceClaim(claimId, patientDid, fresh('rec-authz'));
        return {
          method: 'POST',
          path: '/v1/claims',
          body: {
            insurer: INSURER,
            card: CARD,
            consents: [consent],
            claim,
          },
        };
      },
    },
    'GET /v1/claims/{id}': { request: () => ({ method: 'GET', path: claimPath() }) },
    'GET /v1/claims/{id}/response': {
      request: () => ({ method: 'GET', path: claimPath('/response') }),
    },
    'GET /v1/claims/{id}/explanation-of-benefit': {
      request: () => ({ method: 'GET', path: claimPath('/explanation-of-benefit') }),
    },
    'POST /v1/claims/{id}/disputes': {
      request: () => ({
        method: 'POST',
        path: `/v1/claims/${fresh('clm-authz')}/disputes`,
        body: { insurer: INSURER, lineSequence: 1, reason: 'AMOUNT_MISCALCULATED', requestedAmount: 100 },
      }),
    },
    'GET /v1/disputes/{id}': {
      request: () => ({ method: 'GET', path: `/v1/disputes/${dispute()}?${pair}` }),
    },
    'POST /v1/disputes/{id}/resolve': {
      request: () => ({
        method: 'POST',
        path: `/v1/disputes/${dispute()}/resolve`,
        body: { provider: 'Hospital1MSP', approvedAmount: 100, resolution: 'ADJUDICATION_CONFIRMED' },
      }),
    },
    // No story claims in SEK: the pair has nothing open in it, whatever else ran on this network.
    'POST /v1/settlement/batches': {
      request: () => ({
        method: 'POST',
        path: '/v1/settlement/batches',
        body: { provider: 'Hospital1MSP', insurer: INSURER, currency: 'SEK' },
      }),
    },
    'GET /v1/settlement/balances': {
      request: () => ({ method: 'GET', path: `/v1/settlement/balances?${pair}` }),
    },
    // Every entry this network holds was written with its marker: nothing to index, 200 with none.
    'POST /v1/settlement/index': {
      request: () => ({
        method: 'POST',
        path: '/v1/settlement/index',
        body: { provider: 'Hospital1MSP', insurer: INSURER },
      }),
    },
    'GET /v1/reports/claims': { request: () => ({ method: 'GET', path: '/v1/reports/claims' }) },
  };
}

/** A one-line claim on a coverage nobody registered. */
function insuranceClaim(claimId: string, patientDid: string, recordId: string): Body {
  return {
    claimId,
    coverageId: fresh('cov-authz'),
    patientDid,
    currency: 'EUR',
    lines: [
      {
        item: VISIT,
        servicedDate: new Date().toISOString().slice(0, 10),
        quantity: 1,
        unitPrice: 5000,
        recordId,
        recordHash: 'ab'.repeat(32),
      },
    ],
  };
}

/** JSON bytes of a transient map value. */
const bytesOf = (value: unknown): Uint8Array => Buffer.from(canonicalJson(value));

/** The transient map of staging record `recordId` of `patientDid` (content with a fresh salt, patient). */
function recordTransient(recordId: string, patientDid: string): Record<string, Uint8Array> {
  return {
    content: bytesOf({
      resource: hypertensionCondition({ id: recordId, patientRef: 'authz' }),
      salt: randomBytes(32).toString('hex'),
    }),
    subject: bytesOf({ patientDid }),
  };
}

/** A Hospital1 staff DID nobody registered: freezing it stops no caller of the matrix. */
function unregisteredPerson(): string {
  return `did:medledger:hospital1:${fresh('authz-frozen')}`;
}

/** Values taken once each by allowed calls; refused calls use the next one without taking it. */
class Pool {
  readonly #items: string[] = [];
  add(...items: string[]): void {
    this.#items.push(...items);
  }
  next(take: boolean): string {
    const item = take ? this.#items.shift() : this.#items[0];
    if (item === undefined) throw new Error('fixture pool exhausted');
    return item;
  }
}

function isAllowCell(cell: string): boolean {
  return cell === 'A' || cell === 'G' || cell === 'D';
}

/** A record listing the gateway refused after the ledger decided and audited it: `listing <id> <reason>`. */
const AUDITED_LISTING_DENIAL = /^listing \S+ [A-Z_]+$/;

/** The decision an HTTP answer shows: A, G/D for access and listing decisions, else the status. */
function httpCell(res: ApiResponse): string {
  if (
    res.status === 403 &&
    res.body['code'] === 'ACCESS_NOT_GRANTED' &&
    AUDITED_LISTING_DENIAL.test(String(res.body['detail']))
  )
    return 'D';
  if (res.status < 200 || res.status >= 300) return String(res.status);
  const decision = res.body['decision'] as { outcome?: string } | undefined;
  const items = res.body['items'] as { outcome?: string }[] | undefined;
  const outcome = decision?.outcome ?? (res.body['studyId'] !== undefined ? items?.[0]?.outcome : undefined);
  if (outcome === 'granted') return 'G';
  if (outcome === 'denied') return 'D';
  return 'A';
}

function expectRows<C extends string>(
  columns: readonly C[],
  rows: readonly string[],
): Map<string, Record<C, string>> {
  return new Map(rows.map((r) => parseRow(columns, r)).map((r) => [r.name, r.cells]));
}

/** Prints the matrix, then fails on any cell that differs from the table and on any other problem. */
function reportMatrix<C extends string>(
  t: TestContext,
  title: string,
  columns: readonly C[],
  results: readonly MatrixResult<C>[],
  problems: readonly string[],
): void {
  t.diagnostic(`${title} (${results.length} x ${columns.length}); expected>got! where they differ`);
  for (const line of renderMatrix(columns, LABELS, results)) t.diagnostic(line);
  const mismatches = results.flatMap((r) =>
    columns
      .filter((c) => r.got[c] !== r.expected[c])
      .map((c) => `${r.name} ${c}: expected ${r.expected[c]}, got ${r.got[c]}`),
  );
  assert.deepEqual([...mismatches, ...problems], []);
}

describe('authorization matrix', () => {
  let info: NetworkInfo;
  const api = {} as Record<HttpCaller, ApiClient>;
  const patient = {} as Patient;
  const fx = {
    recordId: `rec-authz-${run}`,
    recordSalt: '',
    recordResource: {} as Body,
    studyId: `study-authz-${run}`,
    governedStudyId: `study-mc-authz-${run}`,
    auditEventId: '',
    eraseHttp: `rec-authz-erase-h-${run}`,
    eraseDirect: `rec-authz-erase-d-${run}`,
    reviewHttp: new Pool(),
    reviewDirect: new Pool(),
    breakGlassHttp: new Pool(),
    breakGlassDirect: new Pool(),
    erasureHttp: new Pool(),
    erasureDirect: new Pool(),
    /** Break-glass requests of Hospital1's intern beyond the patient's emergency profile (a lab result). */
    /** Consents to Hospital2 with a keep-until date, for the grantee's deletion attestations. */
    attestHttp: new Pool(),
    attestDirect: new Pool(),
    coSignHttp: new Pool(),
    coSignDirect: new Pool(),
    /** Per org: a pending role change its second admin proposed, for the column's admin to approve. */
    roleChangeHttp: {} as Record<OrgName, { did: string; proposalId: string }>,
    roleChangeDirect: {} as Record<OrgName, { did: string; proposalId: string }>,
    stagedHttp: new Pool(),
    stagedDirect: new Pool(),
    /** The fixture consents (Hospital2's treatment consent, the study's) and their signed grants. */
    orgConsent: { consentId: '', jws: '' },
    studyConsent: { consentId: '', jws: '' },
  };
  /**
   * Patient payloads replace state by `iat` order (hole 14: an equal or older `iat` is STALE_PAYLOAD),
   * and a row signs several in one second: each signature gets a later `iat` than the last.
   */
  let lastSignedMs = 0;
  const signingClock = () => {
    lastSignedMs = Math.max(Date.now(), lastSignedMs + 1000);
    return { nowMs: lastSignedMs };
  };
  /** Signed grants by consent id (a revocation presents the grant it revokes). */
  const grantJwsOf = new Map<string, string>();
  const sign = (payload: Body): string =>
    signPatientPayload(
      payload,
      { patientDid: patient.did, privateJwk: patient.privateJwk, kid: patient.kid },
      signingClock(),
    );
  const publicJwk = (jwk: PatientPrivateJwk) => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
  /** A key recovery signed with the patient's recovery key; `apply` makes its keys theirs once it committed. */
  const recoveryOf = (): { jws: string; apply: (currentKeyId: string) => void } => {
    const next = generatePatientKey();
    const nextRecovery = generatePatientKey();
    return {
      jws: signKeyRecovery(
        patient.did,
        patient.recovery,
        next.publicJwk,
        nextRecovery.publicJwk,
        signingClock(),
      ),
      apply: (currentKeyId) => {
        patient.privateJwk = next.privateJwk;
        patient.recovery = nextRecovery;
        patient.kid = currentKeyId;
      },
    };
  };
  const currentKeyIdOf = (doc: unknown): string =>
    (doc as { medledger: { currentKeyId: string } }).medledger.currentKeyId;
  /** The last lab consent grant signed (its consent id is known once it commits). */
  let lastGrantJws = '';
  /** A patient-signed consent for Hospital2 to lab data (leaves the diagnosis decisions alone). */
  const labConsentGrant = (): Body => {
    lastGrantJws = sign(labConsentForHospital2());
    return { jws: lastGrantJws };
  };
  /** A patient-signed revocation of `consentId` with the grant it revokes. */
  const revocation = (consentId: string): Body => ({
    jws: sign({ typ: SIGNED_PAYLOAD_TYPES.revoke, consentId }),
    grantJws: grantJwsOf.get(consentId) ?? '',
  });

  async function expect201(res: Promise<ApiResponse>, what: string): Promise<Body> {
    const r = await res;
    assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  before(async () => {
    info = await ensureNetwork();
    for (const org of Object.keys(ADMIN_OF) as OrgName[]) {
      api[ADMIN_OF[org]] = await apiAs(info, org, PEOPLE[ADMIN_OF[org]].id);
    }
    for (const who of STAFF) {
      const p = PEOPLE[who];
      if (p.role === undefined) continue;
      await expect201(
        api[ADMIN_OF[p.org]].post('/v1/staff', {
          enrollmentId: p.id,
          role: p.role,
          department: p.department,
        }),
        `onboard ${who}`,
      );
      api[who] = await apiAs(info, p.org, p.id);
    }
    api.h1Ethics = await apiAs(info, 'Hospital1', PEOPLE.h1Ethics.id);
    patient.did = `did:medledger:patient:authz-${run}`;
    const registration = newPatientRegistration(patient.did);
    patient.privateJwk = registration.key.privateJwk;
    patient.kid = `${patient.did}#key-1`;
    patient.recovery = registration.recovery;
    api.patient = await apiAs(info, 'Hospital1', patient.did, { kind: 'patient' });
    const h1 = orgInfo(info, 'Hospital1');
    api.foreign = new ApiClient(gatewayUrl(h1), await devToken(info, 'Hospital2', PEOPLE.h2Admin.id));

    const doctor = api.h1Attending;
    await expect201(doctor.post('/v1/patients', registration.body), 'register patient');

    // Each org's second admin proposes a role change (into admin) of a staff member of their own, one
    // for each table; the column's admin approves it.
    for (const org of Object.keys(ADMIN_OF) as OrgName[]) {
      const admin = api[ADMIN_OF[org]];
      const second = fresh(`authz-adm2-${org.toLowerCase()}`);
      await expect201(
        admin.post('/v1/staff', { enrollmentId: second, role: 'admin', department: null }),
        `onboard second admin of ${org}`,
      );
      const proposer = await gatewayForWalletIdentity(info, org, second);
      try {
        const contract = proposer.gateway.getNetwork(info.channel).getContract(info.chaincode);
        for (const table of ['roleChangeHttp', 'roleChangeDirect'] as const) {
          const target = newStaffOf(org);
          const doc = await expect201(
            admin.post('/v1/staff', target),
            `onboard role-change target of ${org}`,
          );
          const did = String((doc['didDocument'] as Body)['id']);
          const proposal = JSON.parse(
            Buffer.from(
              await contract.submit(qualifiedName('ProposeStaffRoleChange'), {
                arguments: [canonicalJson({ did, role: 'admin', department: null })],
              }),
            ).toString('utf8'),
          ) as { proposalId: string };
          fx[table][org] = { did, proposalId: proposal.proposalId };
        }
      } finally {
        proposer.gateway.close();
        proposer.client.close();
      }
    }
    const ref = patient.did.split(':').pop() ?? '';
    fx.recordResource = hypertensionCondition({ id: `cond-${run}`, patientRef: ref });
    const reviewIds = Array.from({ length: 6 }, (_, i) => `rec-authz-review-${i}-${run}`);
    const [main] = await Promise.all([
      expect201(
        doctor.post('/v1/records', diagnosisRecord(fx.recordId, patient.did, fx.recordResource)),
        'record',
      ),
      ...[fx.eraseHttp, fx.eraseDirect].map((id) =>
        expect201(doctor.post('/v1/records', diagnosisRecord(id, patient.did, fx.recordResource)), id),
      ),
      ...reviewIds.map((id) =>
        expect201(
          doctor.post('/v1/records', diagnosisRecord(id, patient.did, unreviewedCondition(id, ref))),
          id,
        ),
      ),
    ]);
    fx.recordSalt = String(main['salt']);
    fx.reviewHttp.add(...reviewIds.slice(0, 3));
    fx.reviewDirect.add(...reviewIds.slice(3));

    const now = Date.now();
    // The study research reads go under: proposed at Hospital1, approved by its committee, active.
    await expect201(
      api.researcher.post('/v1/multicenter-studies', {
        ...newProposal(),
        studyId: fx.studyId,
        periodEnd: new Date(now + 30 * 86_400_000).toISOString(),
        sites: ['Hospital1MSP'],
        quorum: { kind: 'all' },
      }),
      'study',
    );
    await expect201(
      api.h1Ethics.post(`/v1/studies/${fx.studyId}/decisions`, { decision: 'approved', protocolVersion: 1 }),
      'study approved',
    );
    await expect201(
      api.researcher.post(`/v1/studies/${fx.studyId}/changes`, { action: 'activate' }),
      'study active',
    );
    await expect201(
      api.researcher.post('/v1/multicenter-studies', { ...newProposal(), studyId: fx.governedStudyId }),
      'multi-center study',
    );
    for (const [grantee, purpose, held] of [
      [{ kind: 'org', mspId: 'Hospital2MSP' }, 'treatment', fx.orgConsent],
      [{ kind: 'study', studyId: fx.studyId }, 'research', fx.studyConsent],
    ] as const) {
      const jws = sign({
        typ: SIGNED_PAYLOAD_TYPES.grant,
        grantee,
        categories: ['diagnosis'],
        maxLevel: 3,
        purpose,
        periodStart: new Date(now - 60_000).toISOString(),
        periodEnd: new Date(now + 86_400_000).toISOString(),
      });
      const granted = await expect201(api.patient.post('/v1/consents', { jws }), `consent ${purpose}`);
      held.consentId = String((granted['consent'] as Body)['consentId']);
      held.jws = jws;
    }
    for (const pool of [fx.attestHttp, fx.attestDirect, fx.attestHttp, fx.attestDirect]) {
      const granted = await expect201(
        api.patient.post('/v1/consents', {
          jws: sign({ ...labConsentForHospital2(), keepUntil: new Date(now + 7 * 86_400_000).toISOString() }),
        }),
        'consent with a keep-until date',
      );
      pool.add(String((granted['consent'] as Body)['consentId']));
    }
    const access = await expect201(
      doctor.post(`/v1/records/${fx.recordId}/access`, { purpose: 'treatment' }),
      'access',
    );
    fx.auditEventId = String((access['decision'] as Body)['accessId']);
    const glass = await Promise.all(
      Array.from({ length: 4 }, () =>
        expect201(
          api.h2Attending.post(`/v1/records/${fx.recordId}/access`, {
            purpose: 'emergency',
            breakGlassReason: 'unconscious_patient',
            custodian: 'Hospital1MSP',
          }),
          'break-glass',
        ),
      ),
    );
    const glassIds = glass.map((g) => String((g['decision'] as Body)['accessId']));
    fx.breakGlassHttp.add(...glassIds.slice(0, 2));
    fx.breakGlassDirect.add(...glassIds.slice(2));
    // Two erasure requests of the patient for Hospital1's record, for the custodian's answers.
    for (const pool of [fx.erasureHttp, fx.erasureDirect]) {
      const jws = sign({
        typ: SIGNED_PAYLOAD_TYPES.erasureRequest,
        aud: 'Hospital1MSP',
        custodian: 'Hospital1MSP',
        recordId: fx.recordId,
      });
      const path = `/v1/patients/${encodeURIComponent(patient.did)}/erasure-requests`;
      const asked = await expect201(api.patient.post(path, { jws }), 'erasure request');
      pool.add(String((asked['request'] as Body)['requestId']));
    }
    // A lab result is outside the default emergency profile: each break-glass request of the intern
    // waits for a co-signature, taken once by an allowed co-signer.
    const labId = fresh('rec-authz-lab');
    await expect201(
      doctor.post('/v1/records', recordOf(labId, patient.did, 'lab', potassiumResult(ref))),
      'lab',
    );
    const requests = await Promise.all(
      Array.from({ length: 4 }, () =>
        expect201(
          api.h1Intern.post(`/v1/records/${labId}/access`, {
            purpose: 'emergency',
            breakGlassReason: 'unconscious_patient',
          }),
          'break-glass beyond the profile',
        ),
      ),
    );
    const requestIds = requests.map((r) => {
      const d = r['decision'] as Body;
      assert.equal(d['reason'], 'CO_SIGNATURE_REQUIRED');
      return String(d['accessId']);
    });
    fx.coSignHttp.add(...requestIds.slice(0, 2));
    fx.coSignDirect.add(...requestIds.slice(2));
    // Content staged at Hospital1 and never anchored (an abandoned anchoring), for the purges.
    const staging = await gatewayForWalletIdentity(info, 'Hospital1', PEOPLE.h1Attending.id);
    try {
      const contract = staging.gateway.getNetwork(info.channel).getContract(info.chaincode);
      for (const pool of [fx.stagedHttp, fx.stagedDirect]) {
        const recordId = fresh('rec-authz-staged');
        await contract.submit(qualifiedName('StageRecordContent'), {
          arguments: [canonicalJson(recordMeta(recordId))],
          transientData: recordTransient(recordId, patient.did),
          endorsingOrganizations: ['Hospital1MSP'],
        });
        pool.add(recordId);
      }
    } finally {
      staging.gateway.close();
      staging.client.close();
    }
  });
  after(releaseNetwork);

  /**
   * Runs one row of a table: the refusals first, as one batch between two chain heights (none of them
   * may write a block; `checkHeight` false for evaluate-only rows), then the allowed calls.
   */
  async function runRow<C extends string>(
    name: string,
    columns: readonly C[],
    row: Record<C, string>,
    problems: string[],
    checkHeight: boolean,
    invoke: (who: C, allow: boolean) => Promise<void>,
  ): Promise<void> {
    const refused = columns.filter((c) => !isAllowCell(row[c]));
    if (refused.length > 0) {
      const height = checkHeight ? (await convergedTip(info)).height : 0;
      for (const who of refused) await invoke(who, false);
      const after = checkHeight ? (await convergedTip(info)).height : 0;
      if (after !== height) problems.push(`${name}: refusals wrote ${after - height} block(s)`);
    }
    for (const who of columns.filter((c) => isAllowCell(row[c]))) await invoke(who, true);
  }

  it('when every role calls every REST route with a valid request, then the decisions match the table and refusals write nothing', async (t) => {
    const expected = expectRows(HTTP_CALLERS, HTTP_TABLE);
    const routes = buildRoutes(100).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    assert.deepEqual([...expected.keys()].sort(), [...routes].sort(), 'the table covers every route');

    const victims: Partial<Record<OrgName, string>> = {};
    const grants: Partial<Record<HttpCaller, string>> = {};
    const consents = new Pool();
    // The freeze the FreezeAccess row made (a never-registered Hospital1 person), for the rows after it.
    let frozen = '';
    // The incident the open row made (concerning Hospital1), for the rows after it.
    let incident = '';
    const orgOfCaller = (who: HttpCaller): OrgName =>
      who === 'patient' || who === 'foreign' ? 'Hospital1' : orgOf(who);
    const rec = `/v1/records/${fx.recordId}`;
    const atH1 = 'custodian=Hospital1MSP';
    const ofH1 = { custodian: 'Hospital1MSP' };
    const pd = `/v1/patients/${encodeURIComponent(patient.did)}`;
    type Req = { method: string; path: string; body?: unknown; headers?: Record<string, string> };
    type Spec = {
      request: (who: HttpCaller, allow: boolean) => Req;
      onAllow?: (who: HttpCaller, res: ApiResponse) => void;
    };
    let nextKey: PatientPrivateJwk | undefined;
    let recovery: ReturnType<typeof recoveryOf> | undefined;
    const specs: Record<string, Spec> = {
      'GET /v1/dids/{did}': {
        request: () => ({ method: 'GET', path: `/v1/dids/${encodeURIComponent(patient.did)}` }),
      },
      'POST /v1/staff': {
        request: (who) => ({ method: 'POST', path: '/v1/staff', body: newStaffOf(orgOfCaller(who)) }),
        onAllow: (who, res) => {
          victims[orgOfCaller(who)] = String((res.body['didDocument'] as Body)['id']);
        },
      },
      'PATCH /v1/staff/{did}': {
        request: (who) => ({
          method: 'PATCH',
          path: `/v1/staff/${encodeURIComponent(victims[orgOfCaller(who)] ?? '')}`,
          body: { status: 'suspended' },
        }),
      },
      'POST /v1/staff/{did}/role-changes': {
        request: (who) => ({
          method: 'POST',
          path: `/v1/staff/${encodeURIComponent(victims[orgOfCaller(who)] ?? '')}/role-changes`,
          body: { role: 'admin', department: null },
        }),
      },
      'POST /v1/staff/{did}/role-changes/{proposalId}/approve': {
        request: (who) => {
          const { did, proposalId } = fx.roleChangeHttp[orgOfCaller(who)];
          return {
            method: 'POST',
            path: `/v1/staff/${encodeURIComponent(did)}/role-changes/${proposalId}/approve`,
            body: {},
          };
        },
      },
      'POST /v1/staff/{did}/deactivate': {
        request: (who) => ({
          method: 'POST',
          path: `/v1/staff/${encodeURIComponent(victims[orgOfCaller(who)] ?? '')}/deactivate`,
          body: {},
        }),
      },
      'POST /v1/patients': {
        request: (who) => ({
          method: 'POST',
          path: '/v1/patients',
          body: newPatientRegistration(`did:medledger:patient:${fresh('authz-p')}`, mspOf(orgOfCaller(who)))
            .body,
        }),
      },
      'POST /v1/patients/{did}/keys': {
        request: () => {
          nextKey = generatePatientKey().privateJwk;
          return {
            method: 'POST',
            path: `${pd}/keys`,
            body: {
              jws: sign({ typ: SIGNED_PAYLOAD_TYPES.keyRotation, newPublicKeyJwk: publicJwk(nextKey) }),
            },
          };
        },
        onAllow: (_who, res) => {
          const doc = res.body['didDocument'] as { medledger: { currentKeyId: string } };
          if (nextKey !== undefined) patient.privateJwk = nextKey;
          patient.kid = doc.medledger.currentKeyId;
        },
      },
      'POST /v1/patients/{did}/keys/recovery': {
        request: () => {
          recovery = recoveryOf();
          return { method: 'POST', path: `${pd}/keys/recovery`, body: { jws: recovery.jws } };
        },
        onAllow: (_who, res) => recovery?.apply(currentKeyIdOf(res.body['didDocument'])),
      },
      'POST /v1/records': {
        request: () => {
          const id = fresh('rec-authz-new');
          return {
            method: 'POST',
            path: '/v1/records',
            body: diagnosisRecord(id, patient.did, hypertensionCondition({ id, patientRef: 'authz' })),
          };
        },
      },
      'POST /v1/records/{id}/versions': {
        request: () => {
          const body: Body = { ...diagnosisRecord(fx.recordId, patient.did, fx.recordResource), ...ofH1 };
          delete body['recordId'];
          return { method: 'POST', path: `${rec}/versions`, body };
        },
      },
      'GET /v1/records/{id}': {
        // The patient names the record in a signed request: their own record's anchor, and only theirs.
        request: (who) => ({
          method: 'GET',
          path: `${rec}?${atH1}`,
          headers:
            who === 'patient'
              ? (recordReadRequest(patient, 'Hospital1MSP', {
                  custodian: 'Hospital1MSP',
                  recordId: fx.recordId,
                }).headers ?? {})
              : {},
        }),
      },
      'GET /v1/records/{id}/history': {
        request: () => ({ method: 'GET', path: `${rec}/history?${atH1}` }),
      },
      'POST /v1/records/{id}/verify': {
        request: () => ({
          method: 'POST',
          path: `${rec}/verify`,
          body: { version: 1, resource: fx.recordResource, salt: fx.recordSalt, ...ofH1 },
        }),
      },
      'POST /v1/records/{id}/access': {
        // Every caller names the patient: each gateway presents the consents its own org holds.
        request: (who) => ({
          method: 'POST',
          path: `${rec}/access`,
          body: {
            ...(who === 'researcher'
              ? { purpose: 'research', studyId: fx.studyId }
              : { purpose: 'treatment' }),
            ...ofH1,
            patientDid: patient.did,
          },
        }),
        onAllow: (who, res) => {
          const d = res.body['decision'] as { outcome: string; accessId: string };
          if (d.outcome === 'granted') grants[who] = d.accessId;
        },
      },
      'GET /v1/records/{id}/content': {
        // Without a grant of one's own, the caller presents the attending's: permission borrowing.
        request: (who) => ({
          method: 'GET',
          path: `${rec}/content?${atH1}&accessId=${grants[who] ?? fx.auditEventId}`,
        }),
      },
      'POST /v1/records/{id}/review': {
        request: (_who, allow) => ({
          method: 'POST',
          path: `/v1/records/${fx.reviewHttp.next(allow)}/review`,
          body: { version: 1, ...ofH1 },
        }),
      },
      'POST /v1/records/{id}/erasures': {
        request: () => ({
          method: 'POST',
          path: `/v1/records/${fx.eraseHttp}/erasures`,
          body: { reason: 'patient_request', ...ofH1 },
        }),
      },
      'POST /v1/records/{id}/staged-erasures': {
        request: (_who, allow) => ({
          method: 'POST',
          path: `/v1/records/${fx.stagedHttp.next(allow)}/staged-erasures`,
          body: { version: 1, reason: 'data_error', ...ofH1 },
        }),
      },
      'POST /v1/consents': {
        request: () => ({ method: 'POST', path: '/v1/consents', body: labConsentGrant() }),
        onAllow: (_who, res) => {
          const consentId = String((res.body['consent'] as Body)['consentId']);
          grantJwsOf.set(consentId, lastGrantJws);
          consents.add(consentId);
        },
      },
      'POST /v1/consents/{id}/revoke': {
        request: (_who, allow) => {
          const consentId = consents.next(allow);
          return { method: 'POST', path: `/v1/consents/${consentId}/revoke`, body: revocation(consentId) };
        },
      },
      'PUT /v1/patients/{did}/preferences': {
        request: () => ({
          method: 'PUT',
          path: `${pd}/preferences`,
          body: { jws: sign({ typ: SIGNED_PAYLOAD_TYPES.preferences, allowEmergencyAccess: true }) },
        }),
      },
      'GET /v1/patients/{did}/consents': { request: () => ({ method: 'GET', path: `${pd}/consents` }) },
      'GET /v1/consent-templates': { request: () => ({ method: 'GET', path: '/v1/consent-templates' }) },
      'POST /v1/patients/{did}/consent-payloads': {
        request: () => ({
          method: 'POST',
          path: `${pd}/consent-payloads`,
          body: { templateId: 'treatment-at-org', params: { org: 'Hospital2MSP' } },
        }),
      },
      'GET /v1/deletion-attestations/owed': {
        request: () => ({ method: 'GET', path: '/v1/deletion-attestations/owed' }),
      },
      'GET /v1/patients/{did}/preferences': {
        request: () => ({
          method: 'GET',
          path: `${pd}/preferences`,
          headers: accessLogProof(patient, 'Hospital1MSP').headers ?? {},
        }),
      },
      'GET /v1/patients/{did}/access-log': {
        request: () => ({
          method: 'GET',
          path: `${pd}/access-log`,
          headers: accessLogProof(patient, 'Hospital1MSP').headers ?? {},
        }),
      },
      'GET /v1/patients/{did}/records': {
        request: (who) => ({
          method: 'GET',
          path: `${pd}/records`,
          headers: who === 'patient' ? (recordListRequest(patient, 'Hospital1MSP').headers ?? {}) : {},
        }),
      },
      'GET /v1/patients/{did}/summary': {
        request: (who) => ({
          method: 'GET',
          path: `${pd}/summary`,
          headers: who === 'patient' ? (summaryRequest(patient, 'Hospital1MSP').headers ?? {}) : {},
        }),
      },
      'POST /v1/patients/{did}/erasure-requests': {
        request: (who) => ({
          method: 'POST',
          path: `${pd}/erasure-requests`,
          body: {
            jws: sign({
              typ: SIGNED_PAYLOAD_TYPES.erasureRequest,
              aud: mspOf(orgOfCaller(who)),
              custodian: 'Hospital1MSP',
              recordId: fx.recordId,
            }),
          },
        }),
      },
      'POST /v1/erasure-requests/{id}/answer': {
        request: (_who, allow) => ({
          method: 'POST',
          path: `/v1/erasure-requests/${fx.erasureHttp.next(allow)}/answer`,
          body: { answer: 'refused', refusal: 'retention_duty' },
        }),
      },
      'GET /v1/erasure-requests': {
        request: () => ({ method: 'GET', path: '/v1/erasure-requests?status=open' }),
      },
      'GET /v1/studies/{id}': { request: () => ({ method: 'GET', path: `/v1/studies/${fx.studyId}` }) },
      'GET /v1/studies/{id}/cohort': {
        request: () => ({ method: 'GET', path: `/v1/studies/${fx.studyId}/cohort` }),
      },
      'POST /v1/studies/{id}/datasets': {
        request: () => ({
          method: 'POST',
          path: `/v1/studies/${fx.studyId}/datasets`,
          body: { records: [{ recordId: fx.recordId, ...ofH1, patientDid: patient.did }] },
        }),
      },
      'POST /v1/multicenter-studies': {
        request: () => ({ method: 'POST', path: '/v1/multicenter-studies', body: newProposal() }),
      },
      'GET /v1/studies/{id}/governance': {
        request: () => ({ method: 'GET', path: `/v1/studies/${fx.governedStudyId}/governance` }),
      },
      // Hospital1's ethics committee member decides (Hospital1 is a site); no one else may.
      'POST /v1/studies/{id}/decisions': {
        request: () => ({
          method: 'POST',
          path: `/v1/studies/${fx.governedStudyId}/decisions`,
          body: { decision: 'approved', protocolVersion: 1 },
        }),
      },
      'POST /v1/studies/{id}/changes': {
        request: () => ({
          method: 'POST',
          path: `/v1/studies/${fx.governedStudyId}/changes`,
          body: { action: 'amend', protocolHash: randomBytes(32).toString('hex') },
        }),
      },
      'GET /v1/studies/{id}/fhir': {
        request: () => ({ method: 'GET', path: `/v1/studies/${fx.governedStudyId}/fhir` }),
      },
      'POST /v1/studies/{id}/tasks': {
        request: () => ({ method: 'POST', path: `/v1/studies/${fx.governedStudyId}/tasks`, body: newTask() }),
      },
      // The governed study is not active: no site may contribute, whoever asks.
      'POST /v1/studies/{id}/contributions': {
        request: () => ({
          method: 'POST',
          path: `/v1/studies/${fx.governedStudyId}/contributions`,
          body: {
            taskId: 'task-authz',
            datasetHash: randomBytes(32).toString('hex'),
            records: [{ recordId: fx.recordId, version: 1, accessId: fx.auditEventId }],
          },
        }),
      },
      'GET /v1/studies/{id}/credit': {
        request: () => ({ method: 'GET', path: `/v1/studies/${fx.governedStudyId}/credit` }),
      },
      // Federated rounds of the governed study, which is not active: no update and no aggregate is
      // taken, whoever sends it; its parties read round 1 (open, no aggregate), which has no proof yet.
      'POST /v1/studies/{id}/rounds/{round}/updates': {
        request: () => ({
          method: 'POST',
          path: `/v1/studies/${fx.governedStudyId}/rounds/1/updates`,
          body: { updateHash: randomBytes(32).toString('hex'), sampleCount: 10 },
        }),
      },
      'POST /v1/studies/{id}/rounds/{round}/aggregate': {
        request: () => ({
          method: 'POST',
          path: `/v1/studies/${fx.governedStudyId}/rounds/1/aggregate`,
          body: {
            aggregateHash: randomBytes(32).toString('hex'),
            sites: ['Hospital1MSP'],
            merkleRoot: randomBytes(32).toString('hex'),
          },
        }),
      },
      'GET /v1/studies/{id}/rounds/{round}': {
        request: () => ({ method: 'GET', path: `/v1/studies/${fx.governedStudyId}/rounds/1` }),
      },
      'GET /v1/studies/{id}/rounds/{round}/proofs/{site}': {
        request: () => ({
          method: 'GET',
          path: `/v1/studies/${fx.governedStudyId}/rounds/1/proofs/Hospital1MSP`,
        }),
      },
      'POST /v1/studies/{id}/rounds/{round}/verify': {
        request: () => ({
          method: 'POST',
          path: `/v1/studies/${fx.governedStudyId}/rounds/1/verify`,
          body: {
            leaf: { site: 'Hospital1MSP', updateHash: randomBytes(32).toString('hex'), sampleCount: 10 },
            proof: { leafIndex: 0, path: [] },
          },
        }),
      },
      // A result naming a dataset that is no contribution of the study: only the lead gets that far.
      'POST /v1/studies/{id}/results': {
        request: () => ({
          method: 'POST',
          path: `/v1/studies/${fx.governedStudyId}/results`,
          body: {
            resultId: fresh('model-authz'),
            kind: 'model',
            contentHash: randomBytes(32).toString('hex'),
            datasets: [randomBytes(32).toString('hex')],
            rounds: [],
            derivedFrom: [],
          },
        }),
      },
      'GET /v1/studies/{id}/results/{resultId}/lineage': {
        request: () => ({
          method: 'GET',
          path: `/v1/studies/${fx.governedStudyId}/results/model-authz-none/lineage`,
        }),
      },
      // Record ids are per custodian: at another org's gateway the fixture record is not found.
      'POST /v1/records/{id}/credentials': {
        request: () => ({
          method: 'POST',
          path: `/v1/records/${fx.recordId}/credentials`,
          body: {
            version: 1,
            resource: fx.recordResource,
            salt: fx.recordSalt,
            holderJwk: generatePatientKey().publicJwk,
          },
        }),
      },
      'GET /v1/credentials/{custodian}/{sdJwtHash}': {
        request: () => ({
          method: 'GET',
          path: `/v1/credentials/Hospital1MSP/${randomBytes(32).toString('hex')}`,
        }),
      },
      'GET /v1/patients/{did}/points': {
        request: () => ({
          method: 'GET',
          path: `${pd}/points`,
          headers: accessLogProof(patient, 'Hospital1MSP').headers ?? {},
        }),
      },
      'POST /v1/ops/ping': { request: () => ({ method: 'POST', path: '/v1/ops/ping', body: {} }) },
      'GET /v1/audit': {
        request: () => ({ method: 'GET', path: `/v1/audit?patient=${encodeURIComponent(patient.did)}` }),
      },
      'GET /v1/audit/fhir': {
        request: () => ({ method: 'GET', path: `/v1/audit/fhir?patient=${encodeURIComponent(patient.did)}` }),
      },
      'GET /v1/audit/{id}': { request: () => ({ method: 'GET', path: `/v1/audit/${fx.auditEventId}` }) },
      'GET /v1/reports/compliance': { request: () => ({ method: 'GET', path: '/v1/reports/compliance' }) },
      'POST /v1/break-glass/{id}/review': {
        request: (_who, allow) => ({
          method: 'POST',
          path: `/v1/break-glass/${fx.breakGlassHttp.next(allow)}/review`,
          body: { outcome: 'justified', ...ofH1 },
        }),
      },
      'POST /v1/consents/{id}/deletion-attestations': {
        request: (_who, allow) => ({
          method: 'POST',
          path: `/v1/consents/${fx.attestHttp.next(allow)}/deletion-attestations`,
          body: {},
        }),
      },
      'POST /v1/break-glass/{id}/co-sign': {
        request: (_who, allow) => ({
          method: 'POST',
          path: `/v1/break-glass/${fx.coSignHttp.next(allow)}/co-sign`,
          body: { custodian: 'Hospital1MSP' },
        }),
      },
      'GET /v1/alerts': { request: () => ({ method: 'GET', path: '/v1/alerts' }) },
      ...insuranceRequests(patient.did, fx.orgConsent),
      'POST /v1/incidents/trace': {
        request: () => ({
          method: 'POST',
          path: '/v1/incidents/trace',
          body: {
            document: [{ resourceType: 'Condition', subject: { reference: `Patient/${'0'.repeat(32)}` } }],
          },
        }),
      },
      'POST /v1/freezes': {
        request: () => ({
          method: 'POST',
          path: '/v1/freezes',
          body: { subject: { kind: 'person', did: unregisteredPerson() }, reason: 'data_leak' },
        }),
        onAllow: (_who, res) => {
          frozen = String((res.body['freeze'] as Body)['freezeId']);
        },
      },
      'POST /v1/freezes/{id}/lift': {
        request: () => ({ method: 'POST', path: `/v1/freezes/${frozen}/lift`, body: {} }),
      },
      'GET /v1/freezes/{id}': { request: () => ({ method: 'GET', path: `/v1/freezes/${frozen}` }) },
      'GET /v1/freezes': { request: () => ({ method: 'GET', path: '/v1/freezes' }) },
      'POST /v1/incidents': {
        request: () => ({
          method: 'POST',
          path: '/v1/incidents',
          body: { category: 'unauthorized_access', severity: 'medium', orgs: ['Hospital1MSP'] },
        }),
        onAllow: (_who, res) => {
          incident = String((res.body['incident'] as Body)['incidentId']);
        },
      },
      'POST /v1/incidents/{id}/links': {
        request: () => ({
          method: 'POST',
          path: `/v1/incidents/${incident}/links`,
          body: { links: [{ kind: 'audit_event', eventId: fx.auditEventId, custodian: 'Hospital1MSP' }] },
        }),
      },
      'POST /v1/incidents/{id}/steps': {
        request: () => ({
          method: 'POST',
          path: `/v1/incidents/${incident}/steps`,
          body: { step: 'triage' },
        }),
      },
      'POST /v1/incidents/{id}/close': {
        request: () => ({
          method: 'POST',
          path: `/v1/incidents/${incident}/close`,
          body: { finding: 'inconclusive' },
        }),
      },
      'GET /v1/incidents/{id}': { request: () => ({ method: 'GET', path: `/v1/incidents/${incident}` }) },
      'GET /v1/incidents': { request: () => ({ method: 'GET', path: '/v1/incidents?status=all' }) },
    };

    const results: MatrixResult<HttpCaller>[] = [];
    const problems: string[] = [];
    for (const [name, row] of expected) {
      const spec = specs[name];
      assert.ok(spec, `a request for ${name}`);
      const got: Partial<Record<HttpCaller, string>> = {};
      results.push({ name, expected: row, got });
      await runRow(name, HTTP_CALLERS, row, problems, true, async (who, allow) => {
        let res: ApiResponse;
        try {
          const req = spec.request(who, allow);
          const options = req.headers ? { headers: req.headers } : {};
          res = await api[who].call(req.method, req.path, req.body, options);
        } catch (err) {
          got[who] = 'ERR';
          problems.push(`${name} ${who}: ${(err as Error).message}`);
          return;
        }
        got[who] = httpCell(res);
        if (res.status < 300) {
          if (allow) spec.onAllow?.(who, res);
          return;
        }
        const type = res.headers.get('content-type')?.split(';')[0];
        if (type !== 'application/problem+json' || typeof res.body['code'] !== 'string')
          problems.push(`${name} ${who}: ${res.status} is not a problem+json with a code`);
        if (allow && got[who] !== 'D')
          problems.push(`${name} ${who}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      });
    }
    reportMatrix(t, 'REST routes x callers', HTTP_CALLERS, results, problems);
  });

  it('when every role invokes every chaincode transaction directly with its own identity, then the chaincode decides as the table says', async (t) => {
    const expected = expectRows(DIRECT_CALLERS, DIRECT_TABLE);
    assert.deepEqual(
      [...expected.keys()].sort(),
      Object.keys(transactions).sort(),
      'the table covers every transaction',
    );
    for (const row of expected.values()) {
      for (const cell of Object.values<string>(row))
        assert.ok(
          isAllowCell(cell) || Object.values(AUTHZ_CODES).includes(cell),
          `${cell} is an authorization code`,
        );
    }

    const connections = {} as Record<DirectCaller, { gateway: Gateway; client: grpc.Client }>;
    for (const who of STAFF)
      connections[who] = await gatewayForWalletIdentity(info, orgOf(who), PEOPLE[who].id);
    connections.unregistered = await gatewayForUnregistered(info, 'Hospital1', UNREGISTERED_ID);
    t.after(() => {
      for (const c of Object.values(connections)) {
        c.gateway.close();
        c.client.close();
      }
    });
    const orgOfCaller = (who: DirectCaller): OrgName => (who === 'unregistered' ? 'Hospital1' : orgOf(who));
    const contract = (who: DirectCaller) =>
      connections[who].gateway.getNetwork(info.channel).getContract(info.chaincode);

    const victims: Partial<Record<OrgName, string>> = {};
    const staged: Partial<Record<DirectCaller, Body>> = {};
    const grants: Partial<Record<DirectCaller, string>> = {};
    const receipts: Partial<Record<DirectCaller, Body>> = {};
    const consents = new Pool();
    // The freeze the FreezeAccess row made (a never-registered Hospital1 person), for the rows after it.
    let frozen = '';
    // The incident the open row made (concerning Hospital1), for the rows after it.
    let incident = '';
    let nextKey: PatientPrivateJwk | undefined;
    let recovery: ReturnType<typeof recoveryOf> | undefined;
    const content = (resource: Body, salt: string) => ({ content: bytesOf({ resource, salt }) });
    type Call = { arg: unknown; transient?: Record<string, Uint8Array> };
    type Spec = {
      input: (who: DirectCaller, allow: boolean) => Call;
      onAllow?: (who: DirectCaller, out: unknown) => void;
    };
    let governedStudy = '';
    const stagedInputOf = (who: DirectCaller): Body => staged[who] ?? staged.h1Attending ?? {};
    const specs: Record<TransactionName, Spec> = {
      InitConsortium: { input: () => ({ arg: { orgs: ALL_ORGS } }) },
      JoinConsortium: { input: () => ({ arg: {} }) },
      InstallCollectionKey: {
        input: () => ({
          arg: {},
          transient: { collectionKey: bytesOf({ key: randomBytes(32).toString('hex') }) },
        }),
      },
      InstallStudySecret: {
        input: () => ({
          arg: {},
          transient: { studySecret: bytesOf({ key: randomBytes(32).toString('hex') }) },
        }),
      },
      GetConsortium: { input: () => ({ arg: {} }) },
      RegisterStaff: {
        input: (who) => ({ arg: newStaffOf(orgOfCaller(who)) }),
        onAllow: (who, out) => {
          victims[orgOfCaller(who)] = String((out as Body)['id']);
        },
      },
      UpdateStaff: { input: (who) => ({ arg: { did: victims[orgOfCaller(who)], status: 'suspended' } }) },
      ProposeStaffRoleChange: {
        input: (who) => ({ arg: { did: victims[orgOfCaller(who)], role: 'admin', department: null } }),
      },
      ApproveStaffRoleChange: { input: (who) => ({ arg: fx.roleChangeDirect[orgOfCaller(who)] }) },
      DeactivateStaff: { input: (who) => ({ arg: { did: victims[orgOfCaller(who)] } }) },
      RegisterPatient: {
        input: (who) => ({
          arg: {},
          transient: {
            patient: bytesOf(
              newPatientRegistration(`did:medledger:patient:${fresh('authz-dp')}`, mspOf(orgOfCaller(who)))
                .body,
            ),
          },
        }),
      },
      RotatePatientKey: {
        input: () => {
          nextKey = generatePatientKey().privateJwk;
          const jws = sign({ typ: SIGNED_PAYLOAD_TYPES.keyRotation, newPublicKeyJwk: publicJwk(nextKey) });
          return { arg: {}, transient: { rotation: bytesOf({ jws }) } };
        },
        onAllow: (_who, out) => {
          if (nextKey !== undefined) patient.privateJwk = nextKey;
          patient.kid = `${patient.did}#key-${String((out as { currentKey: number }).currentKey)}`;
        },
      },
      RecoverPatientKey: {
        input: () => {
          recovery = recoveryOf();
          return { arg: {}, transient: { recovery: bytesOf({ jws: recovery.jws }) } };
        },
        onAllow: (_who, out) =>
          recovery?.apply(`${patient.did}#key-${String((out as { currentKey: number }).currentKey)}`),
      },
      ResolveDid: { input: () => ({ arg: { did: patient.did } }) },
      GrantConsent: {
        input: () => ({ arg: {}, transient: { consent: bytesOf(labConsentGrant()) } }),
        onAllow: (_who, out) => {
          const consentId = String((out as Body)['consentId']);
          grantJwsOf.set(consentId, lastGrantJws);
          consents.add(consentId);
        },
      },
      RevokeConsent: {
        input: (_who, allow) => ({
          arg: {},
          transient: { revocation: bytesOf(revocation(consents.next(allow))) },
        }),
      },
      SetPatientPreferences: {
        input: () => ({
          arg: {},
          transient: {
            preferences: bytesOf({
              jws: sign({ typ: SIGNED_PAYLOAD_TYPES.preferences, allowEmergencyAccess: true }),
            }),
          },
        }),
      },
      ResolveAccessConsents: {
        input: () => ({ arg: { accesses: [{ accessId: fx.auditEventId, custodian: 'Hospital1MSP' }] } }),
      },
      GetPatientPreferences: { input: () => ({ arg: { patientDid: patient.did } }) },
      GetConsent: { input: () => ({ arg: { consentId: fx.orgConsent.consentId } }) },
      ListPatientConsents: { input: () => ({ arg: { patientDid: patient.did } }) },
      ListGranteeConsents: { input: () => ({ arg: { grantee: { kind: 'org', mspId: 'Hospital2MSP' } } }) },
      StageRecordContent: {
        input: (who) => {
          const recordId = fresh(`rec-authz-d-${LABELS[who]}`);
          return { arg: recordMeta(recordId), transient: recordTransient(recordId, patient.did) };
        },
        onAllow: (who, out) => {
          const o = out as Body;
          staged[who] = {
            ...recordMeta(String(o['recordId'])),
            previousHash: null,
            contentHash: o['contentHash'],
            qualityStatus: o['qualityStatus'],
            reasons: o['reasons'],
          };
        },
      },
      AnchorRecord: {
        input: (who) => ({
          arg: stagedInputOf(who),
          transient: { subject: bytesOf({ patientDid: patient.did }) },
        }),
      },
      GetRecord: { input: () => ({ arg: { recordId: fx.recordId, custodian: 'Hospital1MSP' } }) },
      GetRecordHistory: { input: () => ({ arg: { recordId: fx.recordId, custodian: 'Hospital1MSP' } }) },
      VerifyRecord: {
        input: () => ({
          arg: { recordId: fx.recordId, custodian: 'Hospital1MSP', version: 1 },
          transient: content(fx.recordResource, fx.recordSalt),
        }),
      },
      ReviewRecordQuality: {
        input: (_who, allow) => ({ arg: { recordId: fx.reviewDirect.next(allow), version: 1 } }),
      },
      EraseRecordContent: { input: () => ({ arg: { recordId: fx.eraseDirect, reason: 'patient_request' } }) },
      PurgeStagedContent: {
        input: (_who, allow) => ({
          arg: { recordId: fx.stagedDirect.next(allow), version: 1, reason: 'data_error' },
        }),
      },
      ListWrappedDataKeys: { input: () => ({ arg: { limit: 5 } }) },
      // Versions of no record: an admin may ask, and nothing is re-wrapped (counted missing).
      RewrapDataKeys: {
        input: () => ({ arg: { versions: [{ recordId: fresh('rec-authz-rewrap'), version: 1 }] } }),
      },
      AccessRecord: {
        // Hospital2's attending presents the patient's consent to Hospital2, the researcher the study
        // consent: each as its org's gateway would, from its own sealed collection.
        input: (who) => {
          const presented =
            who === 'h2Attending' ? fx.orgConsent : who === 'researcher' ? fx.studyConsent : undefined;
          return {
            arg:
              who === 'researcher'
                ? {
                    recordId: fx.recordId,
                    custodian: 'Hospital1MSP',
                    purpose: 'research',
                    studyId: fx.studyId,
                  }
                : { recordId: fx.recordId, custodian: 'Hospital1MSP', purpose: 'treatment' },
            ...(presented ? { transient: { consents: bytesOf([presented]) } } : {}),
          };
        },
        onAllow: (who, out) => {
          const d = out as { outcome: string; accessId: string };
          if (d.outcome === 'granted') grants[who] = d.accessId;
        },
      },
      ReadRecordContent: {
        input: (who) => ({
          arg: { recordId: fx.recordId, custodian: 'Hospital1MSP', accessId: grants[who] ?? fx.auditEventId },
        }),
        onAllow: (who, out) => {
          receipts[who] = (out as { receipt: Body }).receipt;
        },
      },
      // Each reader records its own receipt; anyone else presents the first reader's and is refused.
      RecordDataUse: {
        input: (who) => ({
          arg: { custodian: 'Hospital1MSP' },
          transient: { receipts: bytesOf([receipts[who] ?? receipts.h1Attending ?? {}]) },
        }),
      },
      TraceLeak: { input: () => ({ arg: { hashes: [], rows: [], receipts: [] } }) },
      ReviewBreakGlass: {
        input: (_who, allow) => ({
          arg: { accessId: fx.breakGlassDirect.next(allow), custodian: 'Hospital1MSP', outcome: 'justified' },
        }),
      },
      AttestDeletion: { input: (_who, allow) => ({ arg: { consentId: fx.attestDirect.next(allow) } }) },
      CoSignBreakGlass: {
        input: (_who, allow) => ({
          arg: { requestId: fx.coSignDirect.next(allow), custodian: 'Hospital1MSP' },
        }),
      },
      OpenRecordListing: {
        input: () => ({ arg: {}, transient: { subject: bytesOf({ patientDid: patient.did }) } }),
      },
      ListPatientRecords: { input: () => ({ arg: { listingId: fx.auditEventId } }) },
      ConfirmPatientRecord: {
        input: (who) => ({
          arg: { custodian: 'Hospital1MSP', recordId: fx.recordId },
          transient: {
            request: bytesOf({
              jws: recordReadJws(patient, mspOf(who === 'unregistered' ? 'Hospital1' : orgOf(who)), {
                custodian: 'Hospital1MSP',
                recordId: fx.recordId,
              }),
            }),
          },
        }),
      },
      OpenPatientAccess: {
        input: (who) => ({
          arg: { custodian: 'Hospital1MSP', records: [{ recordId: fx.recordId, version: 1 }] },
          transient: {
            subject: bytesOf({ patientDid: patient.did }),
            request: bytesOf({
              jws: summaryJws(patient, mspOf(who === 'unregistered' ? 'Hospital1' : orgOf(who))),
            }),
          },
        }),
      },
      ReadPatientContent: {
        input: () => ({ arg: { custodian: 'Hospital1MSP', accessId: fx.auditEventId } }),
      },
      RequestErasure: {
        input: (who) => ({
          arg: { custodian: 'Hospital1MSP', recordId: fx.recordId },
          transient: {
            subject: bytesOf({ patientDid: patient.did }),
            request: bytesOf({
              jws: sign({
                typ: SIGNED_PAYLOAD_TYPES.erasureRequest,
                aud: mspOf(orgOfCaller(who)),
                custodian: 'Hospital1MSP',
                recordId: fx.recordId,
              }),
            }),
          },
        }),
      },
      AnswerErasureRequest: {
        input: (_who, allow) => ({
          arg: { requestId: fx.erasureDirect.next(allow), answer: 'refused', refusal: 'retention_duty' },
        }),
      },
      ListErasureRequests: { input: () => ({ arg: {} }) },
      GetStudy: { input: () => ({ arg: { studyId: fx.studyId } }) },
      GetStudyCohort: { input: () => ({ arg: { studyId: fx.studyId } }) },
      // The researcher's proposal is the governed study the next rows act on: Hospital1's ethics
      // committee member approves it (a site's committee, version 1); amend is the lead's alone.
      ProposeStudy: {
        input: () => ({ arg: newProposal() }),
        onAllow: (_who, out) => {
          governedStudy = String((out as Body)['studyId']);
        },
      },
      DecideStudy: {
        input: () => ({ arg: { studyId: governedStudy, decision: 'approved', protocolVersion: 1 } }),
      },
      ChangeStudy: {
        input: () => ({
          arg: { studyId: governedStudy, action: 'amend', protocolHash: randomBytes(32).toString('hex') },
        }),
      },
      GetStudyGovernance: { input: () => ({ arg: { studyId: governedStudy } }) },
      AssignStudyTask: { input: () => ({ arg: { ...newTask(), studyId: governedStudy } }) },
      // The governed study is not active: a hospital's admin is refused like everyone else.
      RecordContribution: {
        input: () => ({
          arg: { studyId: governedStudy, taskId: 'task-authz', datasetHash: randomBytes(32).toString('hex') },
          transient: {
            records: bytesOf([{ recordId: fx.recordId, version: 1, accessId: fx.auditEventId }]),
          },
        }),
      },
      GetStudyCredit: { input: () => ({ arg: { studyId: governedStudy } }) },
      // The governed study is not active: no update and no aggregate, whoever sends it.
      SubmitModelUpdate: {
        input: () => ({
          arg: {
            studyId: governedStudy,
            round: 1,
            updateHash: randomBytes(32).toString('hex'),
            sampleCount: 10,
          },
        }),
      },
      AggregateRound: {
        input: () => ({
          arg: {
            studyId: governedStudy,
            round: 1,
            aggregateHash: randomBytes(32).toString('hex'),
            sites: ['Hospital1MSP'],
            merkleRoot: randomBytes(32).toString('hex'),
          },
        }),
      },
      GetStudyRound: { input: () => ({ arg: { studyId: governedStudy, round: 1 } }) },
      AnchorResult: {
        input: () => ({
          arg: {
            studyId: governedStudy,
            resultId: fresh('model-authz'),
            kind: 'model',
            contentHash: randomBytes(32).toString('hex'),
            datasets: [randomBytes(32).toString('hex')],
            rounds: [],
            derivedFrom: [],
          },
        }),
      },
      GetResultLineage: { input: () => ({ arg: { studyId: governedStudy, resultId: 'model-authz-none' } }) },
      AnchorCredential: {
        input: () => ({
          arg: {
            recordId: fx.recordId,
            version: 1,
            sdJwtHash: randomBytes(32).toString('hex'),
            issuerJwk: generatePatientKey().publicJwk,
          },
        }),
      },
      GetCredentialAnchor: {
        input: () => ({ arg: { custodian: 'Hospital1MSP', sdJwtHash: randomBytes(32).toString('hex') } }),
      },
      GetContributionPoints: { input: () => ({ arg: { patientDid: patient.did } }) },
      QueryAudit: { input: () => ({ arg: { by: 'patient', id: patient.did } }) },
      GetAuditEvent: { input: () => ({ arg: { eventId: fx.auditEventId } }) },
      RegisterCoverage: {
        input: () => ({
          arg: {},
          transient: {
            coverage: bytesOf(insuranceTerms(fresh('cov-authz'), patient.did)),
            card: bytesOf({ secret: CARD }),
          },
        }),
      },
      SuspendCoverage: { input: () => ({ arg: coverageChange() }) },
      ReinstateCoverage: { input: () => ({ arg: coverageChange() }) },
      EndCoverage: { input: () => ({ arg: coverageChange() }) },
      GetCoverage: {
        input: () => ({
          arg: { coverageId: fresh('cov-authz') },
          transient: { holder: bytesOf({ patientDid: patient.did, card: CARD }) },
        }),
      },
      GetClaimContext: {
        input: () => ({
          arg: { coverageId: fresh('cov-authz') },
          transient: { holder: bytesOf({ patientDid: patient.did, card: CARD }) },
        }),
      },
      GetRecordLinks: { input: () => ({ arg: { recordIds: [fx.recordId] } }) },
      SubmitClaim: {
        input: () => {
          const claimId = fresh('clm-authz');
          return {
            arg: { claimId, insurer: INSURER },
            transient: {
              claim: bytesOf(insuranceClaim(claimId, patient.did, fx.recordId)),
              consents: bytesOf([fx.orgConsent]),
              presented: bytesOf({
                card: CARD,
                coverage: NOTHING_STORED,
                usage: null,
                recordLinks: [null],
                nonce: randomBytes(32).toString('hex'),
              }),
            },
          };
        },
      },
      GetClaim: { input: () => ({ arg: { claimId: fresh('clm-authz'), provider: 'Hospital1MSP' } }) },
      GetSettlementContext: {
        input: () => ({
          arg: {
            provider: 'Hospital1MSP',
            insurer: INSURER,
            claimId: null,
            disputeId: null,
            openEntries: true,
          },
        }),
      },
      OpenDispute: {
        input: () => ({
          arg: { insurer: INSURER, claimId: fresh('clm-authz') },
          transient: {
            dispute: bytesOf({ lineSequence: 1, reason: 'AMOUNT_MISCALCULATED', requestedAmount: 100 }),
            presented: bytesOf({ claim: NOTHING_STORED, nonce: randomBytes(32).toString('hex') }),
          },
        }),
      },
      ResolveDispute: {
        input: () => ({
          arg: { provider: 'Hospital1MSP', insurer: INSURER, disputeId: randomBytes(32).toString('hex') },
          transient: {
            resolution: bytesOf({ approvedAmount: 100, resolution: 'ADJUDICATION_CONFIRMED' }),
            presented: bytesOf({ dispute: NOTHING_STORED, nonce: randomBytes(32).toString('hex') }),
          },
        }),
      },
      CloseSettlementBatch: {
        input: () => ({
          arg: { provider: 'Hospital1MSP', insurer: INSURER, currency: 'EUR' },
          transient: {
            presented: bytesOf({ entries: [unstoredEntry()], nonce: randomBytes(32).toString('hex') }),
          },
        }),
      },
      GetUnindexedSettlementEntries: {
        input: () => ({ arg: { provider: 'Hospital1MSP', insurer: INSURER, after: null, limit: 500 } }),
      },
      IndexOpenSettlementEntries: {
        input: () => ({
          arg: { provider: 'Hospital1MSP', insurer: INSURER },
          transient: {
            presented: bytesOf({ entries: [unstoredEntry()], nonce: randomBytes(32).toString('hex') }),
          },
        }),
      },
      GetClaimReport: { input: () => ({ arg: {} }) },
      FreezeAccess: {
        input: () => ({
          arg: { subject: { kind: 'person', did: unregisteredPerson() }, reason: 'suspected_compromise' },
        }),
        onAllow: (_who, out) => {
          frozen = String((out as Body)['freezeId']);
        },
      },
      LiftFreeze: { input: () => ({ arg: { freezeId: frozen, org: 'Hospital1MSP' } }) },
      GetFreeze: { input: () => ({ arg: { freezeId: frozen } }) },
      ListFreezes: { input: () => ({ arg: {} }) },
      OpenIncident: {
        input: () => ({
          arg: {},
          transient: {
            incident: bytesOf({ category: 'insider_misuse', severity: 'low', orgs: ['Hospital1MSP'] }),
          },
        }),
        onAllow: (_who, out) => {
          incident = String((out as Body)['incidentId']);
        },
      },
      LinkIncidentEvents: {
        input: () => ({
          arg: {},
          transient: {
            incident: bytesOf({
              incidentId: incident,
              links: [{ kind: 'audit_event', eventId: fx.auditEventId, custodian: 'Hospital1MSP' }],
            }),
          },
        }),
      },
      RecordIncidentStep: {
        input: () => ({
          arg: {},
          transient: { incident: bytesOf({ incidentId: incident, step: 'contain' }) },
        }),
      },
      CloseIncident: {
        input: () => ({
          arg: {},
          transient: { incident: bytesOf({ incidentId: incident, finding: 'no_breach' }) },
        }),
      },
      GetIncident: { input: () => ({ arg: { incidentId: incident } }) },
      ListIncidents: { input: () => ({ arg: { status: 'all' } }) },
      LoadSyntheticAuditEvents: { input: () => ({ arg: { count: 1 } }) },
      Ping: { input: () => ({ arg: undefined }) },
      GetBuildInfo: { input: () => ({ arg: undefined }) },
    };

    // The unregistered column must really be unregistered.
    await assert.rejects(
      contract('h1Admin').evaluate(qualifiedName('ResolveDid'), {
        arguments: [canonicalJson({ did: `did:medledger:hospital1:${UNREGISTERED_ID}` })],
      }),
      (err) => chaincodeCode(err).code === 'NOT_FOUND',
    );

    const results: MatrixResult<DirectCaller>[] = [];
    const problems: string[] = [];
    for (const [name, row] of expected) {
      const txName = name as TransactionName;
      const tx = transactions[txName];
      const spec = specs[txName];
      const got: Partial<Record<DirectCaller, string>> = {};
      results.push({ name, expected: row, got });
      const invoke = async (who: DirectCaller, allow: boolean): Promise<void> => {
        const call = spec.input(who, allow);
        // The orgs the registry names for this caller, as the caller's gateway would name them.
        const callerOrg = mspOf(orgOfCaller(who));
        const orgs = endorsingOrgs(tx.endorsement, {
          caller: callerOrg,
          orgs: ALL_ORGS,
          custodian: OWN_CUSTODIAN.has(txName) ? callerOrg : 'Hospital1MSP',
          // A study's governance is its org's (the research institute): it endorses with the regulator.
          granteeOrg: STUDY_ORG_TRANSACTIONS.has(txName) ? 'ResearchMSP' : 'Hospital2MSP',
          insurer: INSURER,
        });
        const options = {
          arguments: 'noArgs' in tx ? [] : [canonicalJson(call.arg)],
          ...(call.transient ? { transientData: call.transient } : {}),
          ...(orgs ? { endorsingOrganizations: orgs } : {}),
        };
        try {
          const c = contract(who);
          const bytes =
            tx.kind === 'submit'
              ? await c.submit(qualifiedName(txName), options)
              : await c.evaluate(qualifiedName(txName), options);
          // The next caller may be of another org, whose peer commits the block a little later (a
          // patient key rotated at Hospital1 is read at Hospital2 next), as the REST clients wait too.
          if (tx.kind === 'submit') await peersLevel(info);
          const text = Buffer.from(bytes).toString('utf8');
          const out: unknown = text.startsWith('{') ? JSON.parse(text) : text;
          const outcome = (out as { outcome?: string } | undefined)?.outcome;
          got[who] =
            txName === 'AccessRecord' || txName === 'CoSignBreakGlass'
              ? outcome === 'granted'
                ? 'G'
                : 'D'
              : 'A';
          spec.onAllow?.(who, out);
        } catch (err) {
          const { code, text } = chaincodeCode(err);
          got[who] = code === undefined ? 'ERR' : (AUTHZ_CODES[code] ?? code);
          if (code === undefined || AUTHZ_CODES[code] === undefined || allow)
            problems.push(`${name} ${who}: ${text.slice(0, 300)}`);
        }
      };
      await runRow(name, DIRECT_CALLERS, row, problems, tx.kind === 'submit', invoke);
    }
    reportMatrix(t, 'chaincode transactions x callers', DIRECT_CALLERS, results, problems);
  });
});
