import { randomBytes } from 'node:crypto';
import type { RecordAnchor } from '@medledger/domain';
import type { FakeSigner } from './fake-identity';
import { uid, type Harness, type TestPatient } from './harness';

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
