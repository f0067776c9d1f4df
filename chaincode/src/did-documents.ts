import type { DidDocument, PatientPublicJwk, Role, StaffStatus } from '@medledger/domain';

const CONTEXT = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'];

/** A staff DID document. Staff sign with their X.509 identity, so the document lists no key. */
export function staffDocument(args: {
  did: string;
  mspId: string;
  role: Role;
  department: string | null;
  status: StaffStatus;
  controller: string;
  created: string;
  updated: string;
  updatedBy: string;
  version: number;
}): DidDocument {
  return {
    '@context': CONTEXT,
    id: args.did,
    controller: args.controller,
    verificationMethod: [],
    authentication: [],
    assertionMethod: [],
    medledger: {
      kind: 'staff',
      org: args.mspId,
      role: args.role,
      department: args.department,
      status: args.status,
      currentKeyId: null,
      created: args.created,
      updated: args.updated,
      updatedBy: args.updatedBy,
      version: args.version,
    },
  };
}

/**
 * A patient DID document holding the patient's current P-256 key as `<did>#key-<n>` and the RFC 7638
 * thumbprint of their recovery key. The ledger stores it as the patient's public record, without the
 * DID, `org` and `updatedBy` (`Ledger.putPatient`).
 */
export function patientDocument(args: {
  did: string;
  keyNumber: number;
  jwk: PatientPublicJwk;
  recoveryKeyThumbprint: string | null;
  registeredBy: string;
  created: string;
  updated: string;
  updatedBy: string;
  version: number;
}): DidDocument {
  const keyId = `${args.did}#key-${args.keyNumber}`;
  return {
    '@context': CONTEXT,
    id: args.did,
    controller: args.did,
    verificationMethod: [{ id: keyId, type: 'JsonWebKey2020', controller: args.did, publicKeyJwk: args.jwk }],
    authentication: [keyId],
    assertionMethod: [keyId],
    medledger: {
      kind: 'patient',
      org: args.registeredBy,
      role: null,
      department: null,
      status: 'active',
      currentKeyId: keyId,
      created: args.created,
      updated: args.updated,
      updatedBy: args.updatedBy,
      version: args.version,
      recoveryKeyThumbprint: args.recoveryKeyThumbprint,
    },
  };
}
