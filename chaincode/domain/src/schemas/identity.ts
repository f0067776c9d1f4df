import { z } from 'zod';
import {
  departmentSchema,
  didSchema,
  enrollmentIdSchema,
  mspIdSchema,
  patientDidSchema,
  staffDidSchema,
} from '../ids';
import { p256PublicJwkSchema } from '../jws';
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

/** RegisterPatient input: the patient's opaque DID and public key. */
export const registerPatientInput = z.strictObject({
  patientDid: patientDidSchema,
  publicKeyJwk: p256PublicJwkSchema,
});

/** RotatePatientKey input: a JWS of {@link keyRotationPayloadSchema} signed by the current key. */
export const rotatePatientKeyInput = z.strictObject({ jws: compactJwsSchema });

/** ResolveDid input. */
export const resolveDidInput = z.strictObject({ did: didSchema });
