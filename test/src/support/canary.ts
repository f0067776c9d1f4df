/**
 * Searches everything the consortium wrote to disk for canary personal data: logs, block files, state
 * and history databases, gateway databases. The custodian's private data (its peer's private data
 * store, the private namespace of its state database and its transient store) may hold content.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every canary of the functional and fault suites: `Canary-<hex> Patientname`, `Canary<hex> Zzyzxpatient`,
 * and the insurance story's `Canary-<hex> Insuredname`.
 */
export const CANARY_PATTERN = /Canary-?[0-9a-f]{8} (?:Patientname|Zzyzxpatient|Insuredname)/g;

function* files(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const full = join(dir, name);
    let st;
    try {
      st = statSync(full);
    } catch {
      continue;
    }
    if (st.isDirectory()) yield* files(full);
    else if (st.isFile()) yield full;
  }
}

/** The files under `dir` (relative to it) whose bytes hold `needle` (latin1, as the scan reads them). */
export function filesHolding(dir: string, needle: string): string[] {
  const out: string[] = [];
  for (const file of files(dir)) {
    try {
      if (readFileSync(file).toString('latin1').includes(needle)) out.push(relative(dir, file));
    } catch {
      continue;
    }
  }
  return out;
}

/** Where a canary was found. */
export interface CanaryHit {
  readonly file: string;
  readonly allowed: boolean;
  readonly why: string;
}

/**
 * Scans `stateDir` (the MEDLEDGER_HOME); `custodianPeers` are node dir names (`peer0-hospital1`) whose
 * private data may hold content.
 */
export function scanForCanaries(stateDir: string, custodianPeers: readonly string[]): CanaryHit[] {
  const hits: CanaryHit[] = [];
  for (const file of files(stateDir)) {
    const rel = relative(stateDir, file);
    if (rel.startsWith('crypto') || rel.startsWith('config') || rel.startsWith('bin')) continue;
    let text: string;
    try {
      text = readFileSync(file).toString('latin1');
    } catch {
      continue;
    }
    CANARY_PATTERN.lastIndex = 0;
    const found = [...text.matchAll(CANARY_PATTERN)];
    if (found.length === 0) continue;
    const custodian = custodianPeers.some((p) => rel.startsWith(join('nodes', p, 'data')));
    for (const m of found) {
      let allowed = false;
      let why = 'outside any private store';
      if (custodian && /pvtdataStore|transientstore/.test(rel)) {
        allowed = true;
        why = 'custodian private store';
      } else if (custodian && rel.includes('stateLeveldb')) {
        const before = text.slice(Math.max(0, m.index - 2000), m.index);
        const ns = [...before.matchAll(/[A-Za-z0-9_-]+\$\$([ph])[A-Za-z0-9_-]*/g)].at(-1);
        allowed = ns?.[1] === 'p';
        why = allowed ? 'custodian private state namespace' : 'custodian state outside private namespace';
      }
      hits.push({ file: rel, allowed, why });
    }
  }
  return hits;
}
