import { z } from 'zod';
import {
  departmentSchema,
  didSchema,
  enrollmentIdSchema,
  mspIdSchema,
  patientDidSchema,
  sha256HexSchema,
  staffDidSchema,
  txIdSchema,
} from '../ids';
import { jwkThumbprintSchema, patientPublicJwkSchema } from '../jws';
import { roleSchema, staffStatusSchema } from '../vocabulary';
import { compactJwsSchema, isoTimeSchema } from './common';

/** zod: a verification method of a DID document (JsonWebKey2020). */
export const verificationMethodSchema = z.object({
  id: z.string(),
  type: z.literal('JsonWebKey2020'),
  controller: z.string(),
  publicKeyJwk: patientPublicJwkSchema,
});

/** zod: the MedLedger extension of a DID document (role, department, status). */
export const didExtensionSchema = z.object({
  kind: z.enum(['staff', 'patient']),
  org: mspIdSchema.nullable(),
  role: roleSchema.nullable(),
  department: departmentSchema.nullable(),
  status: staffStatusSchema,
  currentKeyId: z.string().nullable(),
  created: isoTimeSchema,
  updated: isoTimeSchema,
  /** The staff DID of the admin who made the change; null on patient documents (it would name their hospital). */
  updatedBy: z.string().nullable(),
  version: z.number().int().min(1),
  /**
   * Patients: the RFC 7638 thumbprint of the recovery key registered at onboarding (the key itself is
   * revealed only when used); null or absent for staff.
   */
  recoveryKeyThumbprint: jwkThumbprintSchema.nullable().optional(),
});

/** zod: a DID document in W3C DID Core shape with the MedLedger extension. */
export const didDocumentSchema = z.object({
  '@context': z.array(z.string()),
  id: didSchema,
  controller: z.string(),
  verificationMethod: z.array(verificationMethodSchema),
  authentication: z.array(z.string()),
  assertionMethod: z.array(z.string()),
  medledger: didExtensionSchema,
});
/** A DID document. */
export type DidDocument = z.infer<typeof didDocumentSchema>;

/** RegisterStaff input: the staff DID is `did:medledger:<caller's org>:<enrollmentId>`. */
export const registerStaffInput = z.strictObject({
  enrollmentId: enrollmentIdSchema,
  role: roleSchema,
  department: departmentSchema.nullable().default(null),
});

/** UpdateStaff input: changes role, department and/or status (active/suspended). */
export const updateStaffInput = z.strictObject({
  did: staffDidSchema,
  role: roleSchema.optional(),
  department: departmentSchema.nullable().optional(),
  status: z.enum(['active', 'suspended']).optional(),
});

/** DeactivateStaff input (final). */
export const deactivateStaffInput = z.strictObject({ did: staffDidSchema });

/**
 * What a patient's app hands the registering hospital, sent in the transient map under `patient`
 * (arguments are written into every block; the DID is not): the opaque DID, the public key, and
 * `proof`, a compact JWS of `patientRegistrationPayloadSchema` signed by that key (header `kid`
 * `<did>#key-1`) over the DID, the registering org, a nonce and the recovery key's thumbprint.
 */
export const registerPatientPayload = z.strictObject({
  patientDid: patientDidSchema,
  publicKeyJwk: patientPublicJwkSchema,
  proof: compactJwsSchema,
});
/** RegisterPatient transient map. */
export const registerPatientTransient = z.strictObject({ patient: registerPatientPayload });

/** RotatePatientKey transient map: a JWS of {@link keyRotationPayloadSchema} signed by the current key. */
export const rotatePatientKeyTransient = z.strictObject({
  rotation: z.strictObject({ jws: compactJwsSchema }),
});

/**
 * zod: a patient's public record: their keys (oldest first) and status, stored under the patient key
 * (a digest of the DID). It names neither the DID nor the registering org; a DID document is built from
 * it for whoever resolves the DID.
 */
export const patientRecordSchema = z.object({
  patientKey: sha256HexSchema,
  keys: z
    .array(z.object({ number: z.number().int().min(1), publicKeyJwk: patientPublicJwkSchema }))
    .min(1)
    .max(64),
  currentKey: z.number().int().min(1),
  /**
   * The RFC 7638 thumbprint of the recovery key the patient registered (or named at the last
   * recovery); the key itself is revealed only when used.
   */
  recoveryKeyThumbprint: jwkThumbprintSchema,
  status: staffStatusSchema,
  created: isoTimeSchema,
  updated: isoTimeSchema,
  version: z.number().int().min(1),
});
/** A patient's public record. */
export type PatientRecord = z.infer<typeof patientRecordSchema>;

const DID_CONTEXT = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'];

/** The context of every MedLedger DID document. */
export function didContext(): string[] {
  return [...DID_CONTEXT];
}

/**
 * The W3C DID document of a patient from their public record: every key as `<did>#key-<n>`, the
 * current one for authentication and assertions.
 */
export function patientDidDocument(did: string, record: PatientRecord): DidDocument {
  const id = (n: number) => `${did}#key-${String(n)}`;
  return {
    '@context': didContext(),
    id: did,
    controller: did,
    verificationMethod: record.keys.map((k) => ({
      id: id(k.number),
      type: 'JsonWebKey2020',
      controller: did,
      publicKeyJwk: k.publicKeyJwk,
    })),
    authentication: [id(record.currentKey)],
    assertionMethod: [id(record.currentKey)],
    medledger: {
      kind: 'patient',
      org: null,
      role: null,
      department: null,
      status: record.status,
      currentKeyId: id(record.currentKey),
      created: record.created,
      updated: record.updated,
      updatedBy: null,
      version: record.version,
      recoveryKeyThumbprint: record.recoveryKeyThumbprint,
    },
  };
}

/**
 * RecoverPatientKey transient map: a JWS of `keyRecoveryPayloadSchema` signed by the recovery key
 * (it names the patient, so it stays out of the arguments).
 */
export const recoverPatientKeyTransient = z.strictObject({
  recovery: z.strictObject({ jws: compactJwsSchema }),
});

/** How long a proposed role change waits for a second admin, in days. */
export const ROLE_CHANGE_LIFETIME_DAYS = 7;

/**
 * ProposeStaffRoleChange input: the new role (and department, kept when omitted) of a staff member of
 * the caller's org. Takes effect only when another active admin approves it.
 */
export const proposeStaffRoleChangeInput = z.strictObject({
  did: staffDidSchema,
  role: roleSchema,
  department: departmentSchema.nullable().optional(),
});

/** ApproveStaffRoleChange input: the staff DID and the id of the proposal being approved. */
export const approveStaffRoleChangeInput = z.strictObject({ did: staffDidSchema, proposalId: txIdSchema });

/** zod: a proposed role change of a staff member and, once approved, who approved it. */
export const staffRoleChangeSchema = z.object({
  /** The transaction id of the proposal. */
  proposalId: txIdSchema,
  did: staffDidSchema,
  org: mspIdSchema,
  fromRole: roleSchema.nullable(),
  role: roleSchema,
  department: departmentSchema.nullable(),
  proposedBy: z.string(),
  proposedAt: isoTimeSchema,
  expiresAt: isoTimeSchema,
  status: z.enum(['pending', 'approved']),
  approvedBy: z.string().nullable(),
  approvedAt: isoTimeSchema.nullable(),
  approvalTxId: txIdSchema.nullable(),
});
/** A staff role change. */
export type StaffRoleChange = z.infer<typeof staffRoleChangeSchema>;

/** ResolveDid input. */
export const resolveDidInput = z.strictObject({ did: didSchema });
