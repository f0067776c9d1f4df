/**
 * The light workload of the fault scenarios: a doctor of Hospital1 (onboarded through the API) with one
 * record per worker; each worker alternates registering a new patient (a write-once business key) and
 * asking access to its own record (an audit event per op, the write a blind retry would duplicate).
 * The record content carries a canary name that must never leave the custodian's private store.
 */
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from './fixtures';
import { randomBytes } from 'node:crypto';
import { patientKeyOf } from '@medledger/domain';
import type { NetworkInfo } from '@medledger/network';
import { apiAs, devToken } from './api';
import { gatewayUrl, orgInfo } from './network';
import { Journal, runLoad, type JournalOp, type WriteOptions } from './journal';

/** A unique personal-data string per run; see the canary checks. */
export function canaryName(run: string): string {
  return `Canary${run} Zzyzxpatient`;
}

/** A prepared workload. */
export interface Workload {
  readonly run: string;
  readonly baseUrl: string;
  readonly token: string;
  readonly records: readonly string[];
  readonly journal: Journal;
  /** One write of worker `w`: even sequence numbers register a patient, odd ones ask access. */
  op(w: number, seq: number, options?: WriteOptions): Promise<JournalOp>;
  /** Runs the workload. */
  load(workers: number, durationMs: number, maxOps: number, options?: WriteOptions): Promise<void>;
}

/** A new patient's registration body for a gateway of `orgName` (the proof names that org). */
function newPatient(orgName: string): { patientDid: string; body: object; run: string } {
  const id = randomBytes(6).toString('hex');
  const patientDid = `did:medledger:patient:fault-${id}`;
  return { patientDid, body: newPatientRegistration(patientDid, `${orgName}MSP`).body, run: id };
}

/** Onboards a doctor and creates one record per worker, through Hospital1's gateway. */
export async function prepareWorkload(
  info: NetworkInfo,
  workers: number,
  orgName = 'Hospital1',
): Promise<Workload> {
  const run = randomBytes(4).toString('hex');
  const org = orgInfo(info, orgName);
  const baseUrl = gatewayUrl(org);
  const admin = await apiAs(info, orgName, `${orgName.toLowerCase()}-admin`);
  const doctorId = `${orgName.toLowerCase()}-fault-att-${run}`;
  const onboarded = await admin.post('/v1/staff', {
    enrollmentId: doctorId,
    role: 'attending',
    department: 'cardiology',
  });
  if (onboarded.status !== 201) throw new Error(`onboard: ${String(onboarded.status)}`);
  const doctor = await apiAs(info, orgName, doctorId);
  const records: string[] = [];
  for (let w = 0; w < workers; w++) {
    const patient = newPatient(orgName);
    const reg = await doctor.post('/v1/patients', patient.body);
    if (reg.status !== 201) throw new Error(`register: ${String(reg.status)}`);
    const recordId = `rec-fault-${run}-${String(w)}`;
    const rec = await doctor.post(
      '/v1/records',
      diagnosisRecord(
        recordId,
        patient.patientDid,
        hypertensionCondition({
          id: `cond-${run}-${String(w)}`,
          patientRef: patient.run,
          display: canaryName(run),
        }),
      ),
    );
    if (rec.status !== 201) throw new Error(`record: ${String(rec.status)} ${JSON.stringify(rec.body)}`);
    records.push(recordId);
  }
  const token = await devToken(info, orgName, doctorId, { ttlSeconds: 3600 });
  const journal = new Journal();
  const op = (w: number, seq: number, options?: WriteOptions): Promise<JournalOp> => {
    const recordId = records[w % records.length] ?? '';
    if (seq % 2 === 0) {
      const p = newPatient(orgName);
      return journal.write(
        baseUrl,
        {
          kind: 'RegisterPatient',
          method: 'POST',
          path: '/v1/patients',
          body: p.body,
          businessKey: `patient:${patientKeyOf(p.patientDid)}`,
          token,
        },
        options,
      );
    }
    return journal.write(
      baseUrl,
      {
        kind: 'AccessRecord',
        method: 'POST',
        path: `/v1/records/${recordId}/access`,
        body: { purpose: 'treatment' },
        businessKey: `access:${recordId}`,
        token,
      },
      options,
    );
  };
  return {
    run,
    baseUrl,
    token,
    records,
    journal,
    op,
    load: (n, durationMs, maxOps, options) => runLoad(n, durationMs, maxOps, (w, seq) => op(w, seq, options)),
  };
}
