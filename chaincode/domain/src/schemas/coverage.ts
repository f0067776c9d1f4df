import { z } from 'zod';
import { mspIdSchema, OPAQUE_ID_PATTERN, patientDidSchema, txIdSchema } from '../ids';
import { capAmountSchema, currencySchema, rateBasisPointsSchema, unitAmountSchema } from '../money';
import { isoTimeSchema } from './common';

/** zod: a calendar date (`2026-03-01`), as FHIR `date` and `Period` use it. */
export const calendarDateSchema = z.iso.date();

/** zod: a coverage id, chosen by the insurer (its policy number space, opaque). */
export const coverageIdSchema = z.string().regex(OPAQUE_ID_PATTERN);
/** zod: a plan id of the insurer (opaque). */
export const planIdSchema = z.string().regex(OPAQUE_ID_PATTERN);

/** A code system of billable items: an absolute URI without `|` or spaces (the item key joins with `|`). */
const ITEM_SYSTEM_PATTERN = /^(https?:\/\/|urn:)[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]{1,200}$/;
/** A billable item code: letters, digits and `. _ : -`, at most 32. */
const ITEM_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,31}$/;

/** zod: a billable item (FHIR `productOrService` coding: system and code). */
export const itemCodeSchema = z.strictObject({
  system: z.string().regex(ITEM_SYSTEM_PATTERN),
  code: z.string().regex(ITEM_CODE_PATTERN),
});
/** A billable item code. */
export type ItemCode = z.infer<typeof itemCodeSchema>;

/** The key of an item in maps and on the ledger: `<system>|<code>`. */
export function itemKey(item: ItemCode): string {
  return `${item.system}|${item.code}`;
}

/**
 * zod: what the plan pays for one item: the rate (basis points of the eligible amount), the fee schedule
 * (the largest unit price the plan recognizes) and an optional cap on what it pays for the item over
 * the coverage period.
 */
export const coverageBenefitSchema = z.strictObject({
  item: itemCodeSchema,
  rateBasisPoints: rateBasisPointsSchema,
  maxUnitPrice: unitAmountSchema,
  periodCap: capAmountSchema.nullable(),
});
/** One benefit of a plan. */
export type CoverageBenefit = z.infer<typeof coverageBenefitSchema>;

/** Most benefits one coverage lists. */
export const MAX_COVERAGE_BENEFITS = 200;

/**
 * zod: the terms the insurer registers for a patient (RegisterCoverage): plan, period (both dates
 * covered), currency, deductible (paid by the patient before the plan pays, per coverage period), an
 * optional limit on everything the plan pays in the period, and the covered items.
 */
export const coverageTermsSchema = z
  .strictObject({
    coverageId: coverageIdSchema,
    patientDid: patientDidSchema,
    planId: planIdSchema,
    periodStart: calendarDateSchema,
    periodEnd: calendarDateSchema,
    currency: currencySchema,
    deductible: unitAmountSchema,
    periodLimit: capAmountSchema.nullable(),
    benefits: z.array(coverageBenefitSchema).min(1).max(MAX_COVERAGE_BENEFITS),
  })
  .refine((t) => t.periodStart <= t.periodEnd, { error: 'periodEnd before periodStart', path: ['periodEnd'] })
  .refine((t) => new Set(t.benefits.map((b) => itemKey(b.item))).size === t.benefits.length, {
    error: 'an item is listed twice',
    path: ['benefits'],
  });
/** Coverage terms. */
export type CoverageTerms = z.infer<typeof coverageTermsSchema>;

/** Coverage states: `ended` is final; `suspended` may be reinstated. */
export const COVERAGE_STATES = ['active', 'suspended', 'ended'] as const;
/** A coverage state. */
export type CoverageState = (typeof COVERAGE_STATES)[number];
/** zod: a coverage state. */
export const coverageStateSchema = z.enum(COVERAGE_STATES);

/** zod: a suspension: services from `from` (inclusive) until `until` (exclusive; null while open). */
export const coverageSuspensionSchema = z.object({
  from: calendarDateSchema,
  until: calendarDateSchema.nullable(),
});
/** A suspension. */
export type CoverageSuspension = z.infer<typeof coverageSuspensionSchema>;

/** zod: a coverage as stored and returned: the terms, who registered it, and its state history. */
export const coverageSchema = z.object({
  ...coverageTermsSchema.shape,
  insurer: mspIdSchema,
  registeredBy: z.string(),
  registeredAt: isoTimeSchema,
  txId: txIdSchema,
  state: coverageStateSchema,
  suspensions: z.array(coverageSuspensionSchema),
  /** First date no longer covered once ended (services on it or later are not covered). */
  endsFrom: calendarDateSchema.nullable(),
  updatedAt: isoTimeSchema,
  updateTxId: txIdSchema,
});
/** A stored coverage. */
export type Coverage = z.infer<typeof coverageSchema>;

/** Changes of a coverage's state; each takes effect on a date, never before the transaction's date. */
export const COVERAGE_CHANGES = ['suspend', 'reinstate', 'end'] as const;
/** A coverage change. */
export type CoverageChange = (typeof COVERAGE_CHANGES)[number];

/** SuspendCoverage / ReinstateCoverage / EndCoverage input. */
export const coverageChangeInput = z.strictObject({
  coverageId: coverageIdSchema,
  effective: calendarDateSchema,
});

/** GetCoverage input. */
export const getCoverageInput = z.strictObject({ coverageId: coverageIdSchema });

/**
 * zod: what adjudication has used of a coverage so far: the deductible met, everything approved in the
 * period, and what was approved per item (for the item caps). One per coverage.
 */
export const coverageUsageSchema = z.object({
  deductibleMet: capAmountSchema,
  approvedTotal: capAmountSchema,
  approvedByItem: z.record(z.string(), capAmountSchema),
});
/** Coverage usage. */
export type CoverageUsage = z.infer<typeof coverageUsageSchema>;
