import type { FhirIssue, R4Validator } from './r4-validator';

/** What one page of a search result must say about itself. */
export interface SearchsetExpectation {
  /**
   * The number of matches of the whole search when the server knows it exactly, else null: `total`
   * is the count of all matches, never the size of the page, and is left out when unknown.
   */
  readonly total: number | null;
  /** Whether more pages follow: then exactly one `next` link, otherwise none. */
  readonly hasNext: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function paging(path: string, message: string): FhirIssue {
  return { kind: 'paging', severity: 'error', path, message };
}

/**
 * Checks a page of a FHIR search result: valid R4 by the validator (which includes bdl-1, `total`
 * only in a searchset or history), and the paging rules of a searchset: `type` searchset, one `self`
 * link, a `next` link exactly when more pages follow, `total` as expected, and every entry with a
 * `fullUrl`, a `resource` and `search.mode` match or include. Returns the errors; empty when valid.
 */
export function checkSearchsetBundle(
  validator: R4Validator,
  bundle: unknown,
  expect: SearchsetExpectation,
): FhirIssue[] {
  const issues = validator.validate(bundle).filter((i) => i.severity === 'error');
  if (!isRecord(bundle) || bundle.resourceType !== 'Bundle') return [...issues, paging('', 'not a Bundle')];
  if (bundle.type !== 'searchset') issues.push(paging('Bundle.type', 'a search result is a searchset'));
  const links: unknown[] = Array.isArray(bundle.link) ? bundle.link : [];
  const relations = links.map((l) => (isRecord(l) && typeof l.url === 'string' ? l.relation : undefined));
  const count = (relation: string): number => relations.filter((r) => r === relation).length;
  if (count('self') !== 1) issues.push(paging('Bundle.link', 'exactly one self link'));
  if (count('next') !== (expect.hasNext ? 1 : 0))
    issues.push(paging('Bundle.link', expect.hasNext ? 'a next link to the following page' : 'no next link'));
  if (expect.total === null && bundle.total !== undefined)
    issues.push(paging('Bundle.total', 'total only when it is the count of all matches'));
  if (expect.total !== null && bundle.total !== expect.total)
    issues.push(paging('Bundle.total', `total is the count of all matches (${expect.total})`));
  const entries: unknown[] = Array.isArray(bundle.entry) ? bundle.entry : [];
  entries.forEach((e, i) => {
    const search = isRecord(e) ? e.search : undefined;
    if (!isRecord(e) || typeof e.fullUrl !== 'string' || !isRecord(e.resource))
      issues.push(paging(`Bundle.entry[${i}]`, 'an entry has a fullUrl and a resource'));
    if (!isRecord(search) || (search.mode !== 'match' && search.mode !== 'include'))
      issues.push(paging(`Bundle.entry[${i}].search`, 'an entry says why it is in the result'));
  });
  return issues;
}
