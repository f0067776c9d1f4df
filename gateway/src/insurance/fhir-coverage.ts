/**
 * A coverage as FHIR R4 Coverage (https://hl7.org/fhir/R4/coverage.html), both ways: the insurer's
 * system may send its policy as a Coverage, and every party reads a stored coverage as one. Coverage
 * has no element for a plan's benefits (R4 puts them in InsurancePlan, a whole catalogue), so each
 * covered item travels as a MedLedger extension with its rate, fee schedule price and cap.
 */
import {
  coverageTermsSchema,
  type Coverage,
  type CoverageBenefit,
  type CoverageTerms,
  type Currency,
} from '@medledger/domain';
import { z } from 'zod';
import {
  codingInput,
  concept,
  FhirMappingError,
  HL7,
  identifierRefInput,
  identifierValue,
  INSURANCE_SYSTEMS as S,
  minorOf,
  money,
  moneyInput,
  ref,
  refValue,
} from './fhir-common';

const sub = (url: string, value: Record<string, unknown>) => ({ url, ...value });

function benefitExtension(b: CoverageBenefit, currency: Currency) {
  return {
    url: S.benefit,
    extension: [
      sub('item', { valueCoding: b.item }),
      sub('rateBasisPoints', { valueUnsignedInt: b.rateBasisPoints }),
      sub('maxUnitPrice', { valueMoney: money(b.maxUnitPrice, currency) }),
      ...(b.periodCap === null ? [] : [sub('periodCap', { valueMoney: money(b.periodCap, currency) })]),
    ],
  };
}

/** A stored coverage as an R4 Coverage: `active` until ended (`cancelled`), its state in an extension. */
export function toFhirCoverage(c: Coverage) {
  return {
    resourceType: 'Coverage' as const,
    extension: [
      sub(S.coverageState, { valueCode: c.state }),
      ...(c.endsFrom === null ? [] : [sub(S.coverageEndsFrom, { valueDate: c.endsFrom })]),
      ...c.suspensions.map((s) => ({
        url: S.suspension,
        extension: [
          sub('from', { valueDate: s.from }),
          ...(s.until === null ? [] : [sub('until', { valueDate: s.until })]),
        ],
      })),
      ...(c.periodLimit === null
        ? []
        : [sub(S.periodLimit, { valueMoney: money(c.periodLimit, c.currency) })]),
      ...c.benefits.map((b) => benefitExtension(b, c.currency)),
    ],
    identifier: [{ system: S.coverage, value: c.coverageId }],
    status: c.state === 'ended' ? ('cancelled' as const) : ('active' as const),
    beneficiary: ref(S.did, c.patientDid, 'Patient'),
    period: { start: c.periodStart, end: c.periodEnd },
    payor: [ref(S.msp, c.insurer, 'Organization')],
    class: [{ type: concept(HL7.coverageClass, 'plan'), value: c.planId }],
    costToBeneficiary: [
      { type: concept(HL7.copayType, 'deductible'), valueMoney: money(c.deductible, c.currency) },
    ],
  };
}

const extensionInput: z.ZodType<{ url: string; extension?: unknown[] } & Record<string, unknown>> = z
  .object({ url: z.string(), extension: z.array(z.unknown()).optional() })
  .loose();

const coverageInput = z
  .object({
    resourceType: z.literal('Coverage'),
    extension: z.array(extensionInput).optional(),
    identifier: z.array(z.object({ system: z.string().optional(), value: z.string().optional() }).loose()),
    status: z.literal('active'),
    beneficiary: identifierRefInput,
    period: z.object({ start: z.string(), end: z.string() }),
    class: z.array(z.object({ type: z.object({ coding: z.array(codingInput) }), value: z.string() }).loose()),
    costToBeneficiary: z
      .array(z.object({ type: z.object({ coding: z.array(codingInput) }), valueMoney: moneyInput }).loose())
      .length(1),
  })
  .loose();

function subValue(ext: { extension?: unknown[] }, url: string, key: string): unknown {
  const found = (ext.extension ?? []).filter(
    (e): e is Record<string, unknown> =>
      typeof e === 'object' && e !== null && (e as { url?: unknown }).url === url,
  );
  return found.length === 1 ? found[0]?.[key] : undefined;
}

function benefitOf(ext: { extension?: unknown[] }, currency: Currency, path: string): CoverageBenefit {
  const item = codingInput.safeParse(subValue(ext, 'item', 'valueCoding'));
  const rate = subValue(ext, 'rateBasisPoints', 'valueUnsignedInt');
  const max = moneyInput.safeParse(subValue(ext, 'maxUnitPrice', 'valueMoney'));
  const capRaw = subValue(ext, 'periodCap', 'valueMoney');
  const cap = capRaw === undefined ? null : moneyInput.safeParse(capRaw);
  if (!item.success || typeof rate !== 'number' || !max.success || (cap !== null && !cap.success))
    throw new FhirMappingError(path);
  return {
    item: { system: item.data.system, code: item.data.code },
    rateBasisPoints: rate,
    maxUnitPrice: minorOf(max.data, currency, `${path}.maxUnitPrice`),
    periodCap: cap === null ? null : minorOf(cap.data, currency, `${path}.periodCap`),
  };
}

/**
 * The terms of RegisterCoverage from an R4 Coverage the insurer's system sends: its MedLedger
 * identifier, the beneficiary's DID, the plan class, the period, the deductible (its currency is the
 * coverage's) and the benefit extensions. Throws {@link FhirMappingError} naming what is missing or
 * unreadable; the terms are then checked by their own schema, so nothing unchecked comes through.
 */
export function coverageTermsFromFhir(resource: unknown): CoverageTerms {
  const parsed = coverageInput.safeParse(resource);
  if (!parsed.success) throw new FhirMappingError(`Coverage.${parsed.error.issues[0]?.path.join('.') ?? ''}`);
  const r = parsed.data;
  const deductible = r.costToBeneficiary[0];
  if (deductible?.type.coding[0]?.code !== 'deductible')
    throw new FhirMappingError('Coverage.costToBeneficiary');
  const currency = deductible.valueMoney.currency;
  const plan = r.class.filter((c) =>
    c.type.coding.some((k) => k.system === HL7.coverageClass && k.code === 'plan'),
  );
  if (plan.length !== 1) throw new FhirMappingError('Coverage.class');
  const extensions = r.extension ?? [];
  const limits = extensions.filter((e) => e.url === S.periodLimit);
  const limit = limits.length === 1 ? moneyInput.safeParse(limits[0]?.valueMoney) : undefined;
  if (limits.length > 1 || (limit !== undefined && !limit.success))
    throw new FhirMappingError('Coverage.extension');
  const terms = coverageTermsSchema.safeParse({
    coverageId: identifierValue(r.identifier, S.coverage, 'Coverage.identifier'),
    patientDid: refValue(r.beneficiary, S.did, 'Coverage.beneficiary'),
    planId: plan[0]?.value,
    periodStart: r.period.start,
    periodEnd: r.period.end,
    currency,
    deductible: minorOf(deductible.valueMoney, currency, 'Coverage.costToBeneficiary.valueMoney'),
    periodLimit: limit?.success ? minorOf(limit.data, currency, 'Coverage.extension.periodLimit') : null,
    benefits: extensions
      .filter((e) => e.url === S.benefit)
      .map((e, i) => benefitOf(e, currency, `Coverage.extension.benefit[${i}]`)),
  });
  if (!terms.success) throw new FhirMappingError(`Coverage:${terms.error.issues[0]?.path.join('.') ?? ''}`);
  return terms.data;
}
