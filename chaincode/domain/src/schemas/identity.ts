import { z } from 'zod';
import {
  departmentSchema,
  didSchema,
  enrollmentIdSchema,
  mspIdSchema,
  patientDidSchema,
  staffDidSchema,
  txIdSchema,
} from '../ids';
import { jwkThumbprintSchema, p256PublicJwkSchema } from '../jws';
import { roleSchema, staffStatusSchema } from '../vocabulary';
import { compactJwsSchema, isoTimeSchema } from './common';

/** zod: a verification method of a DID document (JsonWebKey2020). */
export const verificationMethodSchema = z.object({
  id: z.string(),
  type: z.literal('JsonWebKey2020'),
  controller: z.string(),
  publicKeyJwk: p256PublicJwkSchema,
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
  updatedBy: z.string(),
  version: z.number().int().min(1),
  /**
   * Patients: the RFC 7638 thumbprint of the recovery key registered at onboarding (the key itself is
   * revealed only when used); null for staff. Absent on documents written before recovery existed.
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
 * RegisterPatient input: the patient's opaque DID, public key, and `proof`, a compact JWS of
 * `patientRegistrationPayloadSchema` signed by that key (header `kid` `<did>#key-1`).
 */
export const registerPatientInput = z.strictObject({
  patientDid: patientDidSchema,
  publicKeyJwk: p256PublicJwkSchema,
  proof: compactJwsSchema,
});

/** RotatePatientKey input: a JWS of {@link keyRotationPayloadSchema} signed by the current key. */
export const rotatePatientKeyInput = z.strictObject({ jws: compactJwsSchema });

/** RecoverPatientKey input: a JWS of `keyRecoveryPayloadSchema` signed by the recovery key. */
export const recoverPatientKeyInput = z.strictObject({ jws: compactJwsSchema });

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
