/**
 * The benchmark's HTTP caller: one bearer token per acting person, a fresh idempotency key per write,
 * and the outcome of every response classified the way the results count it.
 */
import { randomUUID } from 'node:crypto';

import { generatePatientKey, signPatientRegistration, type PatientKeyPair } from '@medledger/domain';

import type { OutcomeKind } from './load';

/** A response as the harness sees it. */
export interface BenchResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Calls one org's gateway as one person. */
export class BenchClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
    readonly timeoutMs = 30_000,
  ) {}

  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<BenchResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['idempotency-key'] = randomUUID();
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // not JSON: the status decides
    }
    return { status: res.status, body: parsed };
  }

  get(path: string): Promise<BenchResponse> {
    return this.call('GET', path);
  }

  post(path: string, body: unknown): Promise<BenchResponse> {
    return this.call('POST', path, body);
  }
}

/**
 * How a response counts. A write counts as committed only with a 2xx that carries its transaction id
 * (the gateway answers writes only after the VALID commit); a read only with a 2xx.
 */
export function classify(res: BenchResponse, write: boolean): OutcomeKind {
  if (res.status >= 200 && res.status < 300) {
    if (!write) return 'committed';
    return typeof res.body['txId'] === 'string' ? 'committed' : 'error';
  }
  const code = typeof res.body['code'] === 'string' ? res.body['code'] : '';
  if (code === 'LEDGER_CONFLICT' || res.status === 409) return 'mvcc';
  if (code === 'LEDGER_TIMEOUT' || res.status === 504) return 'timeout';
  if (res.status >= 400 && res.status < 500) return 'rejected';
  return 'error';
}

/** Classifies a thrown error (client-side deadline or connection failure). */
export function classifyError(err: unknown): OutcomeKind {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
    ? 'timeout'
    : 'error';
}

/** Runs a call and classifies its outcome; never throws. */
export async function outcomeOf(call: () => Promise<BenchResponse>, write: boolean): Promise<OutcomeKind> {
  try {
    return classify(await call(), write);
  } catch (err) {
    return classifyError(err);
  }
}

/** Throws unless the response has `status`; for setup steps, where a failure stops the run. */
export function expectStatus(res: BenchResponse, statuses: readonly number[], what: string): BenchResponse {
  if (!statuses.includes(res.status)) {
    throw new Error(`${what}: HTTP ${String(res.status)} ${JSON.stringify(res.body).slice(0, 300)}`);
  }
  return res;
}

/** Registers a new patient at Hospital1 through `doctor` (a clinician), with a fresh key; returns the key. */
export async function registerPatient(doctor: BenchClient, patientDid: string): Promise<PatientKeyPair> {
  const key = generatePatientKey();
  const registration = signPatientRegistration(
    patientDid,
    key,
    generatePatientKey().publicJwk,
    'Hospital1MSP',
    {
      nowMs: Date.now(),
    },
  );
  expectStatus(await doctor.post('/v1/patients', registration), [201], 'register patient');
  return key;
}
