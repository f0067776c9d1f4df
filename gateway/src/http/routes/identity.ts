/**
 * Identity routes: DID resolution, staff onboarding and changes (org admins; a change between
 * administrative and other roles is proposed by one admin and approved by another), patient
 * registration (with proof of possession of the key) and key rotation or recovery.
 */
import {
  didDocumentSchema,
  didSchema,
  patientDidSchema,
  proposeStaffRoleChangeInput,
  registerPatientPayload,
  registerStaffInput,
  ROLE_CHANGE_LIFETIME_DAYS,
  staffDidSchema,
  staffRoleChangeSchema,
  txIdSchema,
  updateStaffInput,
} from '@medledger/domain';
import { z } from 'zod';

import * as identity from '../../services/identity';
import { route, type HandlerContext, type RouteDef } from './route';
import { jwsBody, tx } from './shared';

const didDocumentAnswer = tx({ didDocument: didDocumentSchema });

/** A change of a patient's key: a payload the patient signed, relayed by staff or their own app. */
function patientKeyRoute(spec: {
  path: string;
  operationId: string;
  summary: string;
  change: (ctx: HandlerContext, patientDid: string, jws: string) => Promise<unknown>;
}): RouteDef {
  return route({
    method: 'post',
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tag: 'patient',
    principals: ['staff', 'patient'],
    patientSelf: 'did',
    params: z.strictObject({ did: patientDidSchema }),
    body: jwsBody,
    response: didDocumentAnswer,
    status: 200,
    handler: (ctx, { params, body }) => spec.change(ctx, params.did, body.jws),
  });
}

/** The identity routes: DID resolution, staff and patients. */
export function identityRoutes(): RouteDef[] {
  return [...staffRoutes(), ...patientIdentityRoutes()];
}

/** DID resolution and staff: onboarding, updates, the two-person role change, deactivation. */
function staffRoutes(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/dids/{did}',
      operationId: 'resolveDid',
      summary: 'Resolve a staff or patient DID document',
      tag: 'identity',
      principals: ['staff', 'patient'],
      params: z.strictObject({ did: didSchema }),
      response: didDocumentSchema,
      handler: (ctx, { params }) => identity.resolveDid(ctx, params.did),
    }),
    route({
      method: 'post',
      path: '/v1/staff',
      operationId: 'onboardStaff',
      summary: 'Onboard a staff member (org admin): CA registration, wallet, DID document on chain',
      tag: 'hospital',
      body: registerStaffInput,
      response: didDocumentAnswer,
      handler: (ctx, { body }) => identity.onboardStaff(ctx, ctx.enroller, body),
    }),
    route({
      method: 'patch',
      path: '/v1/staff/{did}',
      operationId: 'updateStaff',
      summary:
        'Change the role, department or status of another staff member (org admin); a change into or out of admin or ethics answers 403 APPROVAL_REQUIRED: propose it instead',
      tag: 'hospital',
      params: z.strictObject({ did: staffDidSchema }),
      body: updateStaffInput.omit({ did: true }),
      response: didDocumentAnswer,
      status: 200,
      handler: (ctx, { params, body }) => identity.updateStaff(ctx, params.did, body),
    }),
    route({
      method: 'post',
      path: '/v1/staff/{did}/role-changes',
      operationId: 'proposeStaffRoleChange',
      summary: `Propose a new role for another staff member (org admin); nothing changes until another active admin of the org approves it within ${String(ROLE_CHANGE_LIFETIME_DAYS)} days (two-person rule). A new proposal replaces a pending one`,
      tag: 'hospital',
      params: z.strictObject({ did: staffDidSchema }),
      body: proposeStaffRoleChangeInput.omit({ did: true }),
      response: tx({ roleChange: staffRoleChangeSchema }),
      handler: (ctx, { params, body }) => identity.proposeStaffRoleChange(ctx, params.did, body),
    }),
    route({
      method: 'post',
      path: '/v1/staff/{did}/role-changes/{proposalId}/approve',
      operationId: 'approveStaffRoleChange',
      summary:
        'Approve and apply a pending role change (an active admin of the org who is neither its proposer nor the staff member)',
      tag: 'hospital',
      params: z.strictObject({ did: staffDidSchema, proposalId: txIdSchema }),
      body: z.strictObject({}),
      response: didDocumentAnswer,
      status: 200,
      problems: {
        '403': 'Not an active admin of the org, or the proposer, or the staff member (FORBIDDEN)',
        '404': 'No role change was proposed for this staff member (NOT_FOUND)',
        '409':
          'Another proposal is pending, this one was approved, or the staff member changed since (CONFLICT)',
        '422': `Proposed more than ${String(ROLE_CHANGE_LIFETIME_DAYS)} days ago (EXPIRED)`,
      },
      handler: (ctx, { params }) => identity.approveStaffRoleChange(ctx, params.did, params.proposalId),
    }),
    route({
      method: 'post',
      path: '/v1/staff/{did}/deactivate',
      operationId: 'deactivateStaff',
      summary: 'Deactivate a staff member (org admin; final)',
      tag: 'hospital',
      params: z.strictObject({ did: staffDidSchema }),
      body: z.strictObject({}),
      response: didDocumentAnswer,
      status: 200,
      handler: (ctx, { params }) => identity.deactivateStaff(ctx, params.did),
    }),
  ];
}

/** Patient DIDs: registration with a proof of possession, rotation and recovery of the key. */
function patientIdentityRoutes(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/patients',
      operationId: 'registerPatient',
      summary:
        "Register a patient DID with the patient public key (P-256 JWK) and the proof of possession the patient's app signed with it (JWS of { typ: 'medledger.patient.register', patientDid, org: <this gateway's MSP ID>, recoveryKeyThumbprint, nonce, iat, exp }, kid <did>#key-1); the DID reaches only this org and the regulator",
      tag: 'hospital',
      body: registerPatientPayload,
      response: didDocumentAnswer,
      handler: (ctx, { body }) => identity.registerPatient(ctx, body),
    }),
    patientKeyRoute({
      path: '/v1/patients/{did}/keys',
      operationId: 'rotatePatientKey',
      summary: 'Rotate a patient key (payload signed with the current key)',
      change: identity.rotatePatientKey,
    }),
    patientKeyRoute({
      path: '/v1/patients/{did}/keys/recovery',
      operationId: 'recoverPatientKey',
      summary:
        "Replace a lost patient key: a payload signed with the recovery key registered at onboarding (kid <did>#recovery), revealing it and naming the new key and the next recovery key's thumbprint",
      change: identity.recoverPatientKey,
    }),
  ];
}
