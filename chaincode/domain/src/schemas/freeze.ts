import { z } from 'zod';
import { mspIdSchema, orgSlugOf, parseStaffDid, staffDidSchema, txIdSchema } from '../ids';
import { isoTimeSchema } from './common';

/**
 * Why a regulator froze a person's or an org's access (codes only: free text could carry personal
 * data). The incident, when there is one, carries the detail as linked ids.
 */
export const FREEZE_REASONS = [
  'data_leak',
  'suspected_compromise',
  'unauthorized_access',
  'policy_violation',
  'legal_order',
  'incident_investigation',
] as const;
/** A freeze reason. */
export type FreezeReason = (typeof FREEZE_REASONS)[number];
/** zod: a freeze reason. */
export const freezeReasonSchema = z.enum(FREEZE_REASONS);

/**
 * What a freeze holds: one person (a staff DID: every certificate of that enrollment id, whatever
 * its serial) or a whole org (every identity whose certificate the org's MSP issued).
 */
export const freezeSubjectSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('person'), did: staffDidSchema }),
  z.strictObject({ kind: z.literal('org'), mspId: mspIdSchema }),
]);
/** A freeze subject. */
export type FreezeSubject = z.infer<typeof freezeSubjectSchema>;

/** The key a subject's freezes are indexed by: the staff DID, or the MSP ID (the two never collide). */
export function freezeSubjectKey(subject: FreezeSubject): string {
  return subject.kind === 'person' ? subject.did : subject.mspId;
}

/**
 * The org a subject belongs to among the consortium's peer orgs (the person's org, or the org
 * itself), or undefined when it is none of them.
 */
export function freezeSubjectOrg(subject: FreezeSubject, orgs: readonly string[]): string | undefined {
  if (subject.kind === 'org') return orgs.includes(subject.mspId) ? subject.mspId : undefined;
  const slug = parseStaffDid(subject.did)?.orgSlug;
  return orgs.find((o) => orgSlugOf(o) === slug);
}

/** zod: one side's approval of lifting a freeze. */
export const freezeLiftApprovalSchema = z.object({
  by: z.string(),
  txId: txIdSchema,
  at: isoTimeSchema,
});
/** An approval of lifting a freeze. */
export type FreezeLiftApproval = z.infer<typeof freezeLiftApprovalSchema>;

/** The two parties whose approvals together lift a freeze. */
export const FREEZE_LIFT_SIDES = ['regulator', 'org'] as const;
/** A lift side. */
export type FreezeLiftSide = (typeof FREEZE_LIFT_SIDES)[number];

/**
 * zod: a freeze (public, ids and codes only). `active` until both the regulator's auditor and the
 * frozen org's admin approved lifting it, in two transactions; `liftedAt` is the second one's time.
 */
export const freezeSchema = z.object({
  freezeId: txIdSchema,
  subject: freezeSubjectSchema,
  /** The frozen org (the person's org for a person). */
  org: mspIdSchema,
  reason: freezeReasonSchema,
  incidentId: txIdSchema.nullable(),
  frozenBy: z.string(),
  frozenAt: isoTimeSchema,
  status: z.enum(['active', 'lifted']),
  liftApprovals: z.object({
    regulator: freezeLiftApprovalSchema.nullable(),
    org: freezeLiftApprovalSchema.nullable(),
  }),
  liftedAt: isoTimeSchema.nullable(),
});
/** A freeze. */
export type Freeze = z.infer<typeof freezeSchema>;

/** FreezeAccess input. */
export const freezeAccessInput = z.strictObject({
  subject: freezeSubjectSchema,
  reason: freezeReasonSchema,
  /** The incident the freeze belongs to, when the regulator opened one first. */
  incidentId: txIdSchema.optional(),
});

/** LiftFreeze input: the freeze and its org (the org's peers endorse the lift with the regulator's). */
export const liftFreezeInput = z.strictObject({ freezeId: txIdSchema, org: mspIdSchema });

/** GetFreeze input. */
export const getFreezeInput = z.strictObject({ freezeId: txIdSchema });

/**
 * ListFreezes input: the freezes of one subject, active and lifted; without a subject, the ones that
 * hold the caller (their own and their org's).
 */
export const listFreezesInput = z.strictObject({ subject: freezeSubjectSchema.optional() });
/** ListFreezes output, newest first. */
export const freezeListSchema = z.object({ items: z.array(freezeSchema) });
