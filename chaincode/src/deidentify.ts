/** Elements that identify a person directly (FHIR): removed wherever they occur. */
const DIRECT_IDENTIFIERS = new Set([
  'name',
  'telecom',
  'address',
  'identifier',
  'photo',
  'contact',
  'text',
  'note',
  'meta',
  'id',
]);

const DATE_KEY = /(Date|DateTime|Instant)$|^(date|issued|authoredOn|started|start|end|created|recorded)$/;
const YEAR = /^(\d{4})/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strip(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((v) => strip(v, key));
  if (isObject(value)) {
    const isReference = typeof value.reference === 'string';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (DIRECT_IDENTIFIERS.has(k)) continue;
      if (isReference && (k === 'reference' || k === 'display')) continue;
      out[k] = strip(v, k);
    }
    return out;
  }
  if (typeof value === 'string' && DATE_KEY.test(key)) return YEAR.exec(value)?.[1] ?? '';
  return value;
}

/**
 * De-identifies a FHIR resource at source for research: removes direct identifiers (names, telecom,
 * addresses, identifiers, photos, contacts, narrative text, notes, ids, references and their display
 * names) wherever they occur, contained resources included, and coarsens every date to its year.
 */
export function deidentify(resource: Record<string, unknown>): Record<string, unknown> {
  return strip(resource, '') as Record<string, unknown>;
}
