/**
 * Consent templates: the common grants a patient app offers in one step ("treatment at hospital X for
 * 30 days", "study S until the end of the year, diabetes data only", "my emergency profile"), as data.
 * A template expands into the exact payload the patient then signs with their own key and relays as
 * today (`POST /v1/consents`, `PUT /v1/patients/{did}/preferences`); nothing about a grant's checks
 * changes, the chaincode never sees a template. Pure: the caller passes the clock and the nonce.
 */
import { z } from 'zod';
import { mspIdSchema, patientDidSchema, studyIdSchema } from './ids';
import {
  consentGrantPayloadSchema,
  emergencyProfileSchema,
  nonceSchema,
  preferencesPayloadSchema,
  type ConsentGrantPayload,
  type PreferencesPayload,
} from './schemas/consent';
import { SIGNED_PAYLOAD_TYPES } from './signed-payload';
import {
  beyondProfileSchema,
  DATA_CATEGORIES,
  dataCategorySchema,
  DEFAULT_EMERGENCY_CATEGORIES,
  type DataCategory,
} from './vocabulary';

const DAY_MS = 86_400_000;

/** How long a patient has to sign an expanded template, in seconds (the payload's `exp - iat`). */
export const TEMPLATE_SIGNING_WINDOW_SECONDS = 600;

/**
 * What a treatment consent opens: every category a treating clinician reads, never genomic data (core
 * data never leaves its custodian anyway) and at most level 3.
 */
export const TREATMENT_CATEGORIES = DATA_CATEGORIES.filter((c) => c !== 'genomic');

/**
 * The categories of "diabetes data" a study template opens by default: the diagnosis, the lab results
 * (glucose, HbA1c) and the medication. Consents scope by category; which diagnosis a record holds is
 * content, which the access decision never reads (docs/consent-templates.md).
 */
export const DIABETES_CATEGORIES = [
  'diagnosis',
  'lab',
  'medication',
] as const satisfies readonly DataCategory[];

const categoriesParam = z.array(dataCategorySchema).min(1).max(DATA_CATEGORIES.length);

/** Parameters of each template (zod, strict): what the patient app asks the patient. */
export const templateParamSchemas = {
  'treatment-at-org': z.strictObject({
    org: mspIdSchema.describe('MSP ID of the hospital treating the patient'),
    days: z.number().int().min(1).max(365).default(30).describe('how many days the consent lasts'),
  }),
  'study-until-year-end': z.strictObject({
    studyId: studyIdSchema.describe('the study the patient joins'),
    categories: categoriesParam.default([...DIABETES_CATEGORIES]).describe('the data the study may read'),
  }),
  'emergency-profile': z.strictObject({
    categories: z
      .array(dataCategorySchema)
      .max(DATA_CATEGORIES.length)
      .default([...DEFAULT_EMERGENCY_CATEGORIES])
      .describe('what break-glass opens on one doctor’s word'),
    beyondProfile: beyondProfileSchema
      .default('co_signed')
      .describe('what a co-signature may open beyond it'),
  }),
} as const;

/** A template id. */
export type TemplateId = keyof typeof templateParamSchemas;
/** The template ids, in the order they are listed. */
export const TEMPLATE_IDS = Object.keys(templateParamSchemas) as TemplateId[];
/** zod: a template id. */
export const templateIdSchema = z.enum(TEMPLATE_IDS as [TemplateId, ...TemplateId[]]);

/** What the caller supplies besides the parameters: the patient, the time, a fresh nonce. */
export interface TemplateContext {
  readonly patientDid: string;
  readonly nowMs: number;
  readonly nonce: string;
}

/** A template as listed: what it is for, what the patient signs, and its parameters. */
export interface ConsentTemplate {
  readonly templateId: TemplateId;
  readonly title: string;
  readonly description: string;
  /** The `typ` of the payload it expands into, so the app knows where to relay the signed payload. */
  readonly typ: string;
  /** Where the signed payload goes. */
  readonly relayTo: string;
}

/** The templates, listed by `GET /v1/consent-templates`. */
export const CONSENT_TEMPLATES: readonly ConsentTemplate[] = [
  {
    templateId: 'treatment-at-org',
    title: 'Treatment at a hospital for 30 days',
    description:
      'The hospital (its clinicians) may read every category but genomic data, up to level 3, for treatment, from now for `days` days (30 unless given).',
    typ: SIGNED_PAYLOAD_TYPES.grant,
    relayTo: 'POST /v1/consents',
  },
  {
    templateId: 'study-until-year-end',
    title: 'A study until the end of the year, diabetes data only',
    description:
      'The study may read the given categories (diagnosis, lab results and medication unless given), up to level 3, de-identified, from now until the end of the year (UTC).',
    typ: SIGNED_PAYLOAD_TYPES.grant,
    relayTo: 'POST /v1/consents',
  },
  {
    templateId: 'emergency-profile',
    title: 'My emergency profile',
    description:
      'What break-glass opens on one doctor’s word (allergies, blood type, conditions, immunizations, implants and current medication unless given) and whether a second attending may co-sign more.',
    typ: SIGNED_PAYLOAD_TYPES.preferences,
    relayTo: 'PUT /v1/patients/{did}/preferences',
  },
];

/** The first instant of the next UTC year after `nowMs`. */
function nextYearStartMs(nowMs: number): number {
  return Date.UTC(new Date(nowMs).getUTCFullYear() + 1, 0, 1);
}

/** The unsigned payload of an expanded template: a consent grant or the preferences. */
export type ExpandedPayload = ConsentGrantPayload | PreferencesPayload;

/**
 * Expands a template with its parameters into the exact payload the patient signs: `typ`, the patient,
 * the nonce, `iat` now and `exp` {@link TEMPLATE_SIGNING_WINDOW_SECONDS} later, and the terms. The
 * result is parsed by the payload's own schema, so it is always a payload the chaincode accepts the
 * shape of. Throws a `ZodError` for bad parameters (the gateway's 400).
 */
export function expandTemplate(
  templateId: TemplateId,
  params: unknown,
  ctx: TemplateContext,
): ExpandedPayload {
  const iat = Math.floor(ctx.nowMs / 1000);
  const signed = {
    patientDid: patientDidSchema.parse(ctx.patientDid),
    nonce: nonceSchema.parse(ctx.nonce),
    iat,
    exp: iat + TEMPLATE_SIGNING_WINDOW_SECONDS,
  };
  const periodStart = new Date(iat * 1000).toISOString();
  switch (templateId) {
    case 'treatment-at-org': {
      const p = templateParamSchemas[templateId].parse(params);
      return consentGrantPayloadSchema.parse({
        typ: SIGNED_PAYLOAD_TYPES.grant,
        ...signed,
        grantee: { kind: 'org', mspId: p.org },
        categories: [...TREATMENT_CATEGORIES],
        maxLevel: 3,
        purpose: 'treatment',
        periodStart,
        periodEnd: new Date(iat * 1000 + p.days * DAY_MS).toISOString(),
      });
    }
    case 'study-until-year-end': {
      const p = templateParamSchemas[templateId].parse(params);
      return consentGrantPayloadSchema.parse({
        typ: SIGNED_PAYLOAD_TYPES.grant,
        ...signed,
        grantee: { kind: 'study', studyId: p.studyId },
        categories: [...new Set(p.categories)].sort(),
        maxLevel: 3,
        purpose: 'research',
        periodStart,
        periodEnd: new Date(nextYearStartMs(ctx.nowMs)).toISOString(),
      });
    }
    case 'emergency-profile': {
      const p = templateParamSchemas[templateId].parse(params);
      return preferencesPayloadSchema.parse({
        typ: SIGNED_PAYLOAD_TYPES.preferences,
        ...signed,
        emergencyProfile: emergencyProfileSchema.parse({
          categories: [...new Set(p.categories)].sort(),
          beyondProfile: p.beyondProfile,
        }),
      });
    }
  }
}
