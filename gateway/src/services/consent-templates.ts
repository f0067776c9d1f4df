/**
 * Consent templates (docs/consent-templates.md): the list, and a template expanded into the exact
 * payload the patient signs. Nothing here reaches the ledger; the signed payload is relayed as any
 * other (the chaincode verifies the signature, consumes the nonce and checks the terms).
 */
import { randomBytes } from 'node:crypto';
import {
  CONSENT_TEMPLATES,
  consentGrantPayloadSchema,
  expandTemplate,
  preferencesPayloadSchema,
  templateParamSchemas,
  type ConsentTemplate,
  type ExpandedPayload,
  type TemplateId,
} from '@medledger/domain';
import { z } from 'zod';

/**
 * Request body of `POST /v1/patients/{did}/consent-payloads`: a template and its parameters (each
 * template's own strict schema; the study and the emergency profile have defaults for every one).
 */
export const expandBody = z.discriminatedUnion('templateId', [
  z.strictObject({
    templateId: z.literal('treatment-at-org'),
    params: templateParamSchemas['treatment-at-org'],
  }),
  z.strictObject({
    templateId: z.literal('study-until-year-end'),
    params: templateParamSchemas['study-until-year-end'],
  }),
  z.strictObject({
    templateId: z.literal('emergency-profile'),
    params: templateParamSchemas['emergency-profile'].prefault({}),
  }),
]);

/** The answer: what to sign, where to relay it once signed. */
export const expandedSchema = z.object({
  templateId: z.string(),
  typ: z.string(),
  relayTo: z.string(),
  payload: z.union([consentGrantPayloadSchema, preferencesPayloadSchema]),
});

/** The templates a patient app offers. */
export function listTemplates(): { items: readonly ConsentTemplate[] } {
  return { items: CONSENT_TEMPLATES };
}

/**
 * Expands a template for `patientDid` at the gateway's clock with a fresh nonce: the payload to sign
 * (valid for 10 minutes), its `typ`, and the route that relays it.
 */
export function expand(
  patientDid: string,
  body: z.output<typeof expandBody>,
  nowMs = Date.now(),
): { templateId: TemplateId; typ: string; relayTo: string; payload: ExpandedPayload } {
  const template = CONSENT_TEMPLATES.find((t) => t.templateId === body.templateId);
  if (template === undefined) throw new Error(`no template ${body.templateId}`);
  const payload = expandTemplate(body.templateId, body.params, {
    patientDid,
    nowMs,
    nonce: randomBytes(18).toString('base64url'),
  });
  return { templateId: template.templateId, typ: template.typ, relayTo: template.relayTo, payload };
}
