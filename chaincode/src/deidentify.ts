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
// Instants must keep their full precision to stay valid R4, so they cannot be coarsened: they go.
const INSTANT_KEYS = new Set(['issued', 'effectiveInstant']);
// DocumentReference.date is an instant too (elsewhere `date` is a dateTime and is coarsened).
const INSTANT_KEYS_OF: Readonly<Record<string, ReadonlySet<string>>> = {
  DocumentReference: new Set(['date']),
};
/**
 * What an element emptied by the removals (a reference to the patient) becomes: R4's "masked"
 * data-absent reason, so that a required element such as `subject` stays present and none is empty.
 */
function masked(): Record<string, unknown> {
  return {
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }],
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strip(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((v) => strip(v, key));
  if (isObject(value)) {
    // A Reference may name the patient in `display` alone; a Coding's display (with its code) names a concept.
    const isReference =
      typeof value.reference === 'string' ||
      (typeof value.display === 'string' && !('code' in value) && !('system' in value));
    const instants = typeof value.resourceType === 'string' ? INSTANT_KEYS_OF[value.resourceType] : undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (DIRECT_IDENTIFIERS.has(k) || INSTANT_KEYS.has(k) || instants?.has(k)) continue;
      if (isReference && (k === 'reference' || k === 'display')) continue;
      out[k] = strip(v, k);
    }
    return Object.keys(out).length === 0 && Object.keys(value).length > 0 ? masked() : out;
  }
  if (typeof value === 'string' && DATE_KEY.test(key)) return YEAR.exec(value)?.[1] ?? '';
  return value;
}

/**
 * De-identifies a FHIR resource at source for research: removes direct identifiers (names, telecom,
 * addresses, identifiers, photos, contacts, narrative text, notes, ids, references and their display
 * names) wherever they occur, contained resources included, and coarsens every date to its year;
 * instants, which cannot be coarsened, are removed. The result stays valid R4: an element emptied by
 * the removals is marked with the data-absent reason `masked`.
 */
export function deidentify(resource: Record<string, unknown>): Record<string, unknown> {
  return strip(resource, '') as Record<string, unknown>;
}
