import { z } from 'zod';
import { mspIdSchema, recordIdSchema, sha256HexSchema, txIdSchema } from '../ids';
import { isoTimeSchema } from './common';

/** What kind of incident the regulator opened (codes only: the detail is in linked ids). */
export const INCIDENT_CATEGORIES = [
  'data_leak',
  'unauthorized_access',
  'credential_compromise',
  'insider_misuse',
  'ransomware',
  'system_failure',
] as const;
/** zod: an incident category. */
export const incidentCategorySchema = z.enum(INCIDENT_CATEGORIES);

/** How severe an incident is, most severe first. */
export const INCIDENT_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** zod: an incident severity. */
export const incidentSeveritySchema = z.enum(INCIDENT_SEVERITIES);

/** The steps of the response plan an incident records, each with the tx time it was recorded at. */
export const INCIDENT_STEPS = [
  'triage',
  'contain',
  'preserve_evidence',
  'notify_custodian',
  'notify_patients',
  'notify_authority',
  'eradicate',
  'recover',
  'lessons_learned',
] as const;
/** zod: a response-plan step. */
export const incidentStepSchema = z.enum(INCIDENT_STEPS);

/** What the regulator found when it closed an incident. */
export const INCIDENT_FINDINGS = [
  'breach_confirmed',
  'no_breach',
  'policy_violation',
  'inconclusive',
] as const;
/** zod: an incident finding. */
export const incidentFindingSchema = z.enum(INCIDENT_FINDINGS);

/**
 * What an incident links, each a fact the chaincode finds and checks before linking it (a forged or
 * mistyped id is `[NOT_FOUND]`): an access decision (its audit event id, which is the id of the
 * transaction that decided it) of a custodian, a record version (the transaction that anchored it),
 * or a freeze. Ids only.
 */
export const incidentLinkSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('audit_event'), eventId: txIdSchema, custodian: mspIdSchema }),
  z.strictObject({
    kind: z.literal('record_version'),
    custodian: mspIdSchema,
    recordId: recordIdSchema,
    version: z.number().int().min(1).max(999_999),
  }),
  z.strictObject({ kind: z.literal('freeze'), freezeId: txIdSchema }),
]);
/** An incident link as the regulator names it. */
export type IncidentLink = z.infer<typeof incidentLinkSchema>;

/** zod: a link as stored: the fact, the tx that wrote it, the orgs it concerns, who linked it and when. */
export const storedIncidentLinkSchema = z.object({
  link: incidentLinkSchema,
  /** The transaction that wrote the linked fact. */
  txId: txIdSchema,
  /** The orgs the fact concerns (a custodian, an accessor's org, a frozen org). */
  orgs: z.array(mspIdSchema),
  linkedBy: z.string(),
  linkedAt: isoTimeSchema,
});
/** A stored incident link. */
export type StoredIncidentLink = z.infer<typeof storedIncidentLinkSchema>;

/** zod: a recorded step of the response plan, timed by its transaction. */
export const incidentStepRecordSchema = z.object({
  step: incidentStepSchema,
  /** SHA-256 of a document kept outside the ledger (a notice, a report), or null. */
  documentHash: sha256HexSchema.nullable(),
  recordedBy: z.string(),
  txId: txIdSchema,
  at: isoTimeSchema,
});

/**
 * zod: an incident, kept in the regulator's sealed collection only (its peer alone holds it; the
 * concerned orgs read the incidents that concern them through it). Codes and ids, never patient data.
 */
export const incidentSchema = z.object({
  incidentId: txIdSchema,
  category: incidentCategorySchema,
  severity: incidentSeveritySchema,
  /** The orgs it concerns: named at opening, and every org a linked fact concerns. */
  orgs: z.array(mspIdSchema),
  status: z.enum(['open', 'closed']),
  openedBy: z.string(),
  openedAt: isoTimeSchema,
  links: z.array(storedIncidentLinkSchema),
  steps: z.array(incidentStepRecordSchema),
  finding: incidentFindingSchema.nullable(),
  /** SHA-256 of the final report kept outside the ledger, or null. */
  reportHash: sha256HexSchema.nullable(),
  closedBy: z.string().nullable(),
  closedAt: isoTimeSchema.nullable(),
  version: z.number().int().min(1),
});
/** An incident. */
export type Incident = z.infer<typeof incidentSchema>;

/** Most links, steps and concerned orgs one incident holds (one private value, bounded). */
export const MAX_INCIDENT_ENTRIES = 200;

/**
 * The transient maps of the incident transactions (key `incident`). What the regulator sends travels
 * there, never as an argument, and the transactions answer ids only: arguments and answers are written
 * into every block, and which orgs an incident concerns and what it links is for the regulator and
 * those orgs.
 */
export const openIncidentTransient = z.object({
  incident: z.strictObject({
    category: incidentCategorySchema,
    severity: incidentSeveritySchema,
    orgs: z.array(mspIdSchema).max(32).default([]),
  }),
});
/** LinkIncidentEvents transient map. */
export const linkIncidentEventsTransient = z.object({
  incident: z.strictObject({ incidentId: txIdSchema, links: z.array(incidentLinkSchema).min(1).max(20) }),
});
/** RecordIncidentStep transient map. */
export const recordIncidentStepTransient = z.object({
  incident: z.strictObject({
    incidentId: txIdSchema,
    step: incidentStepSchema,
    documentHash: sha256HexSchema.optional(),
  }),
});
/** CloseIncident transient map. */
export const closeIncidentTransient = z.object({
  incident: z.strictObject({
    incidentId: txIdSchema,
    finding: incidentFindingSchema,
    reportHash: sha256HexSchema.optional(),
  }),
});

/** What an incident transaction answers (in the block): the id, the new version and status, nothing else. */
export const incidentReceiptSchema = z.object({
  incidentId: txIdSchema,
  version: z.number().int().min(1),
  status: z.enum(['open', 'closed']),
});
/** An incident receipt. */
export type IncidentReceipt = z.infer<typeof incidentReceiptSchema>;

/** GetIncident input. */
export const getIncidentInput = z.strictObject({ incidentId: txIdSchema });

/** ListIncidents input: open ones only by default. */
export const listIncidentsInput = z.strictObject({
  status: z.enum(['open', 'closed', 'all']).default('open'),
});
/** ListIncidents output, newest first. */
export const incidentListSchema = z.object({ items: z.array(incidentSchema) });
