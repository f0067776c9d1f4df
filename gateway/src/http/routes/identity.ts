/** Identity routes: DID resolution, staff onboarding and changes (org admins), patient registration and key rotation. */
import {
  didDocumentSchema,
  didSchema,
  patientDidSchema,
  registerPatientPayload,
  registerStaffInput,
  staffDidSchema,
  updateStaffInput,
} from '@medledger/domain';
import { z } from 'zod';

import * as identity from '../../services/identity';
import { route, type RouteDef } from './route';
import { jwsBody, tx } from './shared';

const didDocumentAnswer = tx({ didDocument: didDocumentSchema });

/** The identity routes. */
export function identityRoutes(): RouteDef[] {
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
      summary: 'Change a staff member role, department or status (org admin)',
      tag: 'hospital',
      params: z.strictObject({ did: staffDidSchema }),
      body: updateStaffInput.omit({ did: true }),
      response: didDocumentAnswer,
      status: 200,
      handler: (ctx, { params, body }) => identity.updateStaff(ctx, params.did, body),
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
    route({
      method: 'post',
      path: '/v1/patients',
      operationId: 'registerPatient',
      summary:
        'Register a patient DID with the patient public key (P-256 JWK); the DID reaches only this org and the regulator',
      tag: 'hospital',
      body: registerPatientPayload,
      response: didDocumentAnswer,
      handler: (ctx, { body }) => identity.registerPatient(ctx, body),
    }),
    route({
      method: 'post',
      path: '/v1/patients/{did}/keys',
      operationId: 'rotatePatientKey',
      summary: 'Rotate a patient key (payload signed with the current key)',
      tag: 'patient',
      principals: ['staff', 'patient'],
      patientSelf: 'did',
      params: z.strictObject({ did: patientDidSchema }),
      body: jwsBody,
      response: didDocumentAnswer,
      status: 200,
      handler: (ctx, { params, body }) => identity.rotatePatientKey(ctx, params.did, body.jws),
    }),
  ];
}
