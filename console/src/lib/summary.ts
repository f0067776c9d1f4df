/**
 * Reading a health summary (the FHIR document Bundle of `GET /v1/patients/{did}/summary`, in the
 * International Patient Summary shape): its entries by section, each with the extension that places it
 * on the ledger, and the check of an entry's content against its on-chain hash, made in the browser
 * (SHA-256 of the canonical JSON of `{ resource, salt }`, as the ledger hashes it).
 */
import { canonicalJson } from '@medledger/domain/browser';

/** The extension on a summary entry that places it on the ledger. */
export const RECORD_ANCHOR_EXTENSION = 'urn:medledger:record-anchor';

/** One record of the summary, with what verifies it. */
export interface SummaryEntry {
  readonly section: string;
  readonly recordId: string;
  readonly custodian: string;
  readonly version: number;
  readonly contentHash: string;
  readonly salt: string;
  readonly accessId: string;
  readonly resource: Record<string, unknown>;
}

/** A summary section: its title and the entries it lists (none: nothing the caller may read). */
export interface SummarySection {
  readonly title: string;
  readonly entries: SummaryEntry[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** The members of an entry's anchor extension, or undefined when it has none. */
function anchorOf(entry: Json): Omit<SummaryEntry, 'section' | 'resource'> | undefined {
  const anchor = list(entry['extension']).find((e) => e['url'] === RECORD_ANCHOR_EXTENSION);
  if (anchor === undefined) return undefined;
  const members = new Map(list(anchor['extension']).map((e) => [String(e['url']), e]));
  const text = (name: string, key = 'valueString'): string => {
    const value = members.get(name)?.[key];
    return typeof value === 'string' ? value : '';
  };
  const custodian = members.get('custodian')?.['valueIdentifier'];
  return {
    recordId: text('recordId'),
    custodian: isObject(custodian) ? String(custodian['value']) : '',
    version: Number(members.get('version')?.['valuePositiveInt']),
    contentHash: text('contentHash'),
    salt: text('salt'),
    accessId: text('accessId'),
  };
}

/** The summary's sections in the Composition's order, each with its anchored entries. */
export function sectionsOf(bundle: unknown): SummarySection[] {
  const entries = isObject(bundle) ? list(bundle['entry']) : [];
  const byUrl = new Map(entries.map((e) => [String(e['fullUrl']), e]));
  const composition = entries
    .map((e) => e['resource'])
    .find((r): r is Json => isObject(r) && r['resourceType'] === 'Composition');
  return list(composition?.['section']).map((s) => {
    const title = typeof s['title'] === 'string' ? s['title'] : '';
    const anchored = list(s['entry']).flatMap((ref) => {
      const entry = byUrl.get(String(ref['reference']));
      const anchor = entry ? anchorOf(entry) : undefined;
      const resource = entry?.['resource'];
      return anchor && isObject(resource) ? [{ ...anchor, section: title, resource }] : [];
    });
    return { title, entries: anchored };
  });
}

/** What a person reads of a resource: its coded text, else its first coding's display, else its type. */
export function resourceText(resource: Json): string {
  const code = resource['code'];
  if (isObject(code)) {
    if (typeof code['text'] === 'string') return code['text'];
    const display = list(code['coding']).find((c) => typeof c['display'] === 'string')?.['display'];
    if (typeof display === 'string') return display;
  }
  return typeof resource['resourceType'] === 'string' ? resource['resourceType'] : 'resource';
}

/** The content hash of `resource` with `salt`, computed here: hex SHA-256 of canonical `{ resource, salt }`. */
export async function contentHashOf(resource: Json, salt: string): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson({ resource, salt }));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}
