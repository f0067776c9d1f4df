import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signPatientPayload, SIGNED_PAYLOAD_TYPES, type PatientPrivateJwk } from '@medledger/domain';
import { PATIENT_PROOF_HEADER, mintToken, signPatientProof } from '@medledger/gateway/auth';
import { DEV_AUDIENCE, type NetworkInfo } from '@medledger/network';
import { peersLevel } from './faults';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from './fixtures';
import { gatewayUrl } from './network';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface CallOptions {
  readonly idempotencyKey?: string;
  readonly token?: string;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A caller of one org's REST gateway with a dev token, as an EMR system or patient app would be. */
export class ApiClient {
  /**
   * `afterWrite` runs after every successful write before it is returned: the e2e clients wait there
   * until every peer holds the write, as the next actor of another org would in practice (a commit
   * reaches the other orgs' peers some milliseconds after the writer's own).
   */
  constructor(
    readonly baseUrl: string,
    readonly token: string,
    private readonly afterWrite: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    options: CallOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      ...options.headers,
      authorization: `Bearer ${options.token ?? this.token}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['idempotency-key'] = options.idempotencyKey ?? randomUUID();
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    if (method !== 'GET' && res.status < 300) await this.afterWrite();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
  }

  get<T = Record<string, unknown>>(path: string, options?: CallOptions): Promise<ApiResponse<T>> {
    return this.call<T>('GET', path, undefined, options);
  }

  post<T = Record<string, unknown>>(
    path: string,
    body: unknown,
    options?: CallOptions,
  ): Promise<ApiResponse<T>> {
    return this.call<T>('POST', path, body, options);
  }
}

/** Mints a dev token the way `npm run token` does, with the org's local signing key. */
export async function devToken(
  info: NetworkInfo,
  orgName: string,
  subject: string,
  extra: { kind?: 'staff' | 'patient'; ttlSeconds?: number; issuedAt?: number } = {},
): Promise<string> {
  const org = info.orgs.find((o) => o.name === orgName);
  if (org === undefined) throw new Error(`no org ${orgName}`);
  const dir = join(info.stateDir, 'gateways', orgName.toLowerCase(), 'auth');
  const domain = `${orgName.toLowerCase()}.medledger.local`;
  return mintToken(readFileSync(join(dir, 'signing-key.pem'), 'utf8'), {
    issuer: `https://idp.${domain}`,
    audience: DEV_AUDIENCE,
    org: org.mspId,
    subject,
    ...extra,
  });
}

/** An API client of `orgName`'s gateway acting as `subject`. */
export async function apiAs(
  info: NetworkInfo,
  orgName: string,
  subject: string,
  extra: { kind?: 'staff' | 'patient' } = {},
): Promise<ApiClient> {
  const org = info.orgs.find((o) => o.name === orgName);
  if (org === undefined) throw new Error(`no org ${orgName}`);
  return new ApiClient(gatewayUrl(org), await devToken(info, orgName, subject, extra), () =>
    peersLevel(info),
  );
}

/** Onboards `doctorId` as a cardiology attending through `orgName`'s admin; their API client. */
export async function onboardAttending(
  info: NetworkInfo,
  orgName: string,
  doctorId: string,
): Promise<ApiClient> {
  const admin = await apiAs(info, orgName, `${orgName.toLowerCase()}-admin`);
  const onboarded = await admin.post('/v1/staff', {
    enrollmentId: doctorId,
    role: 'attending',
    department: 'cardiology',
  });
  assert.equal(onboarded.status, 201, JSON.stringify(onboarded.body));
  return apiAs(info, orgName, doctorId);
}

/**
 * An attending of `orgName` onboarded as `<label>-<run>`, a patient they registered and one of the
 * patient's records they anchored (`run` is random): what a fault scenario needs before it breaks
 * something.
 */
export async function attendingWithRecord(
  info: NetworkInfo,
  orgName: string,
  label: string,
): Promise<{ doctor: ApiClient; patientDid: string; recordId: string }> {
  const run = randomUUID().slice(0, 8);
  const doctor = await onboardAttending(info, orgName, `${label}-${run}`);
  const patientDid = `did:medledger:patient:${label}-${run}`;
  const registered = await doctor.post('/v1/patients', newPatientRegistration(patientDid).body);
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  const recordId = `rec-${label}-${run}`;
  const resource = hypertensionCondition({ id: `cond-${run}`, patientRef: run });
  const anchored = await doctor.post('/v1/records', diagnosisRecord(recordId, patientDid, resource));
  assert.equal(anchored.status, 201, JSON.stringify(anchored.body));
  return { doctor, patientDid, recordId };
}

/**
 * Options carrying a fresh proof of the patient's key (`Medledger-Patient-Proof`) that
 * `GET /v1/patients/{did}/access-log` requires at the gateway of `mspId`. Each proof is good once.
 */
export function accessLogProof(
  patient: { readonly did: string; readonly privateJwk: PatientPrivateJwk; readonly kid: string },
  mspId: string,
): CallOptions {
  return {
    headers: {
      [PATIENT_PROOF_HEADER]: signPatientProof(patient.privateJwk, patient.kid, {
        patientDid: patient.did,
        aud: mspId,
      }),
    },
  };
}

/** The patient's signed request to list their records through `mspId`'s gateway (`GET /v1/patients/{did}/records`). */
export function recordListRequest(
  patient: { readonly did: string; readonly privateJwk: PatientPrivateJwk; readonly kid: string },
  mspId: string,
): CallOptions {
  const jws = signPatientPayload(
    { typ: SIGNED_PAYLOAD_TYPES.recordList, aud: mspId },
    { patientDid: patient.did, privateJwk: patient.privateJwk, kid: patient.kid },
    { nowMs: Date.now(), ttlSeconds: 120 },
  );
  return { headers: { [PATIENT_PROOF_HEADER]: jws } };
}

/** The patient's signed request to read their health summary through `mspId`'s gateway. */
export function summaryJws(
  patient: { readonly did: string; readonly privateJwk: PatientPrivateJwk; readonly kid: string },
  mspId: string,
): string {
  return signPatientPayload(
    { typ: SIGNED_PAYLOAD_TYPES.summaryRead, aud: mspId },
    { patientDid: patient.did, privateJwk: patient.privateJwk, kid: patient.kid },
    { nowMs: Date.now(), ttlSeconds: 120 },
  );
}

/**
 * The patient's signed request to read the public anchor of their record `recordId` at `custodian`
 * through `mspId`'s gateway (`GET /v1/records/{id}` with a patient token).
 */
export function recordReadJws(
  patient: { readonly did: string; readonly privateJwk: PatientPrivateJwk; readonly kid: string },
  mspId: string,
  record: { readonly custodian: string; readonly recordId: string },
): string {
  return signPatientPayload(
    {
      typ: SIGNED_PAYLOAD_TYPES.recordRead,
      aud: mspId,
      custodian: record.custodian,
      recordId: record.recordId,
    },
    { patientDid: patient.did, privateJwk: patient.privateJwk, kid: patient.kid },
    { nowMs: Date.now(), ttlSeconds: 120 },
  );
}

/** `recordReadJws` in the header of `GET /v1/records/{id}`. */
export function recordReadRequest(
  patient: { readonly did: string; readonly privateJwk: PatientPrivateJwk; readonly kid: string },
  mspId: string,
  record: { readonly custodian: string; readonly recordId: string },
): CallOptions {
  return { headers: { [PATIENT_PROOF_HEADER]: recordReadJws(patient, mspId, record) } };
}

/** `summaryJws` in the header of `GET /v1/patients/{did}/summary`. */
export function summaryRequest(
  patient: { readonly did: string; readonly privateJwk: PatientPrivateJwk; readonly kid: string },
  mspId: string,
): CallOptions {
  return { headers: { [PATIENT_PROOF_HEADER]: summaryJws(patient, mspId) } };
}

/** Polls `path` until `done` holds (the projection follows the ledger asynchronously). */
export async function until(
  client: ApiClient,
  path: string,
  done: (res: ApiResponse) => boolean,
  options: () => CallOptions = () => ({}),
): Promise<ApiResponse> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await client.get(path, options());
    if (done(res)) return res;
    if (Date.now() > deadline) {
      assert.fail(`the projection did not catch up on ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
