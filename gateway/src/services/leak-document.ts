/**
 * Reads the marks out of a leaked document (docs/leak-tracing.md) so that only hashes, pseudonyms and
 * receipts, never the document, go to the ledger: pure, bounded, and tolerant of any JSON shape, since
 * a leak comes as the attacker left it (a content answer, a dataset, bare resources, re-ordered or cut,
 * or text such as a CSV export of one).
 */
import {
  canonicalJson,
  MAX_TRACE_HASHES,
  MAX_TRACE_RECEIPTS,
  MAX_TRACE_ROWS,
  sha256Hex,
} from '@medledger/domain';

import { AppError, GatewayErrorCode } from '../errors';

/** What a trace sends the ledger. */
export interface LeakMarks {
  readonly hashes: string[];
  readonly rows: { pseudonym: string | null; resourceHash: string }[];
  readonly receipts: unknown[];
}

const SUBJECT = /Patient\/([0-9a-f]{32})(?![0-9a-f])/;
const BARE_PSEUDONYM = /(?<![0-9a-f])([0-9a-f]{32})(?![0-9a-f])/;
const CONTENT_KEYS = ['recordId', 'version', 'contentHash', 'resource', 'salt', 'deidentified'] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The subject pseudonym anywhere inside a resource (its `subject` or `patient` reference). */
function pseudonymIn(resource: Json): string | null {
  return SUBJECT.exec(canonicalJson(resource))?.[1] ?? null;
}

class Collector implements LeakMarks {
  readonly hashes: string[] = [];
  readonly rows: { pseudonym: string | null; resourceHash: string }[] = [];
  readonly receipts: unknown[] = [];

  hash(h: string): void {
    if (this.hashes.includes(h)) return;
    if (this.hashes.length >= MAX_TRACE_HASHES)
      throw tooLarge(`more than ${String(MAX_TRACE_HASHES)} copies`);
    this.hashes.push(h);
  }

  row(pseudonym: string | null, resourceHash: string): void {
    if (this.rows.length >= MAX_TRACE_ROWS) throw tooLarge(`more than ${String(MAX_TRACE_ROWS)} rows`);
    this.rows.push({ pseudonym, resourceHash });
  }

  receipt(r: Json): void {
    if (this.receipts.length < MAX_TRACE_RECEIPTS) this.receipts.push(r);
  }
}

const tooLarge = (detail: string): AppError =>
  new AppError(GatewayErrorCode.VALIDATION_FAILED, `leaked document has ${detail}`);

function visit(value: unknown, out: Collector): void {
  if (Array.isArray(value)) {
    for (const v of value) visit(v, out);
    return;
  }
  if (!isObject(value)) return;
  if (typeof value['resourceType'] === 'string') {
    const resourceHash = sha256Hex(canonicalJson(value));
    out.hash(resourceHash);
    out.row(pseudonymIn(value), resourceHash);
    return;
  }
  if (CONTENT_KEYS.every((k) => k in value)) {
    out.hash(sha256Hex(canonicalJson(Object.fromEntries(CONTENT_KEYS.map((k) => [k, value[k]])))));
  }
  if (typeof value['mac'] === 'string' && typeof value['accessId'] === 'string') {
    out.receipt(value);
    return;
  }
  for (const v of Object.values(value)) visit(v, out);
}

/** Rows of a text leak: every line carrying a pseudonym (as `Patient/<p>` or bare), in order. */
function visitText(text: string, out: Collector): void {
  for (const line of text.split(/\r?\n/)) {
    const pseudonym = SUBJECT.exec(line)?.[1] ?? BARE_PSEUDONYM.exec(line)?.[1];
    if (pseudonym !== undefined) out.row(pseudonym, sha256Hex(line));
  }
}

/**
 * The marks of a leaked document: hashes of every content answer and resource in it, its rows (FHIR
 * resources, or lines of a text) in order with their pseudonyms, and the receipts it carries.
 * `[VALIDATION_FAILED]` beyond the trace's bounds.
 */
export function leakMarks(document: unknown): LeakMarks {
  const out = new Collector();
  if (typeof document === 'string') visitText(document, out);
  else visit(document, out);
  return out;
}
