/**
 * What the insurance FHIR mappings share: identifier systems, Money in minor units, and the subset of
 * FHIR R4 data types the mappings read (as zod, so a payer's resource is parsed, never trusted).
 */
import { fromMajorUnits, toMajorUnits, type Currency, currencySchema } from '@medledger/domain';
import { z } from 'zod';

/** Identifier systems of MedLedger ids and the URLs of its extensions on the financial resources. */
export const INSURANCE_SYSTEMS = {
  did: 'urn:medledger:did',
  msp: 'urn:medledger:msp',
  record: 'urn:medledger:record',
  coverage: 'urn:medledger:coverage',
  claim: 'urn:medledger:claim',
  txId: 'urn:medledger:fabric:tx-id',
  contentHash: 'urn:medledger:content-hash',
  adjudicationReason: 'urn:medledger:adjudication-reason',
  coverageState: 'urn:medledger:coverage-state',
  coverageEndsFrom: 'urn:medledger:coverage-ends-from',
  suspension: 'urn:medledger:coverage-suspension',
  benefit: 'urn:medledger:coverage-benefit',
  periodLimit: 'urn:medledger:coverage-period-limit',
} as const;

/** HL7 code systems the mappings use. */
export const HL7 = {
  adjudication: 'http://terminology.hl7.org/CodeSystem/adjudication',
  claimType: 'http://terminology.hl7.org/CodeSystem/claim-type',
  processPriority: 'http://terminology.hl7.org/CodeSystem/processpriority',
  coverageClass: 'http://terminology.hl7.org/CodeSystem/coverage-class',
  copayType: 'http://terminology.hl7.org/CodeSystem/coverage-copay-type',
  infoCategory: 'http://terminology.hl7.org/CodeSystem/claiminformationcategory',
  paymentType: 'http://terminology.hl7.org/CodeSystem/ex-paymenttype',
} as const;

/** A FHIR Money. */
export interface FhirMoney {
  value: number;
  currency: Currency;
}

/** Minor units as FHIR Money. */
export function money(minor: number, currency: Currency): FhirMoney {
  return { value: toMajorUnits(minor, currency), currency };
}

/** A reference by identifier (MedLedger never hands out FHIR server URLs). */
export function ref(system: string, value: string, type?: string) {
  return { ...(type === undefined ? {} : { type }), identifier: { system, value } };
}

/** A CodeableConcept of one coding. */
export function concept(system: string, code: string) {
  return { coding: [{ system, code }] };
}

/** zod: FHIR Money as a payer sends it. */
export const moneyInput = z.object({ value: z.number(), currency: currencySchema });

/** zod: a Reference by identifier. */
export const identifierRefInput = z.object({
  identifier: z.object({ system: z.string(), value: z.string() }),
});

/** zod: a Coding with system and code. */
export const codingInput = z.object({ system: z.string(), code: z.string() });

/** Why a resource cannot be read into MedLedger's fields: a FHIRPath-like location. */
export class FhirMappingError extends Error {
  constructor(readonly path: string) {
    super(`cannot map ${path}`);
    this.name = 'FhirMappingError';
  }
}

/** Minor units of a Money in the expected currency, or a mapping error at `path`. */
export function minorOf(m: z.infer<typeof moneyInput>, currency: Currency, path: string): number {
  const minor = m.currency === currency ? fromMajorUnits(m.value, currency) : undefined;
  if (minor === undefined) throw new FhirMappingError(path);
  return minor;
}

/** The value of the identifier with `system`, or a mapping error at `path`. */
export function identifierValue(
  identifiers: readonly { system?: string | undefined; value?: string | undefined }[] | undefined,
  system: string,
  path: string,
): string {
  const found = identifiers?.filter((i) => i.system === system) ?? [];
  const value = found.length === 1 ? found[0]?.value : undefined;
  if (value === undefined) throw new FhirMappingError(path);
  return value;
}

/** A reference's identifier value when its system is `system`, or a mapping error at `path`. */
export function refValue(r: z.infer<typeof identifierRefInput>, system: string, path: string): string {
  if (r.identifier.system !== system) throw new FhirMappingError(path);
  return r.identifier.value;
}
