/**
 * The FHIR R4 validator of the gateway's tests (`@medledger/fhir`, built from the official R4
 * StructureDefinitions): every FHIR document the gateway emits is checked with it. Creating one takes
 * 1-2 s, so a test process makes one, on first use, and shares it.
 */
import { FHIR_CONTAINED_RESOURCE_TYPES, FHIR_RESOURCE_TYPES } from '@medledger/domain';
import {
  checkSearchsetBundle,
  createR4Validator,
  type R4Validator,
  type SearchsetExpectation,
} from '@medledger/fhir';

let shared: R4Validator | undefined;

/**
 * This process's validator: the Bundles of the audit export and the health summary, the AuditEvent, the
 * financial resources of insurance, and every record type.
 */
export function fhirValidator(): R4Validator {
  shared ??= createR4Validator([
    'Bundle',
    'AuditEvent',
    'Coverage',
    'Claim',
    'ClaimResponse',
    'ExplanationOfBenefit',
    'Composition',
    ...FHIR_RESOURCE_TYPES,
    ...FHIR_CONTAINED_RESOURCE_TYPES,
  ]);
  return shared;
}

/** The errors of a page of a FHIR search (an R4 searchset, see `checkSearchsetBundle`), as lines. */
export function searchsetErrors(bundle: unknown, expect: SearchsetExpectation): string[] {
  return checkSearchsetBundle(fhirValidator(), bundle, expect).map((i) => `${i.path}: ${i.message}`);
}

/** The errors of a FHIR R4 resource, as lines; none when it is valid. */
export function resourceErrors(resource: unknown): string[] {
  return fhirValidator()
    .validate(resource)
    .filter((i) => i.severity === 'error')
    .map((i) => `${i.path}: ${i.message}`);
}
