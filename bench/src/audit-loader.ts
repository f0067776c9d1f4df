/**
 * The benchmark's audit-event loader: puts synthetic audit events on the ledger in batches with the
 * benchmark-only `bench:LoadSyntheticAuditEvents`, submitted straight to the peers through the Fabric
 * Gateway SDK as an org admin (no REST: the transaction has no route), several batches in flight.
 * What it loaded is kept in a marker file next to the bench state, checked against the ledger before it
 * is trusted, so a second run on the same ledger tops up instead of loading again.
 *
 * `node bench/dist/audit-loader.js --count 100000 [--batch 500] [--in-flight 4]` loads standalone (for
 * measuring batch size and in-flight count); `npm run bench` calls {@link ensureAuditEvents}.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

import type { Contract } from '@hyperledger/fabric-gateway';
import {
  auditPageSchema,
  BENCH_LOADER_FLAG,
  loadSyntheticAuditEventsOutput,
  MAX_SYNTHETIC_AUDIT_BATCH,
  qualifiedName,
  staffDid,
} from '@medledger/domain';
import { readNetworkInfo, type NetworkInfo } from '@medledger/network';
import { gatewayFor, orgInfo } from '@medledger/test/support/network';

/** The org and admin whose identity submits the batches (the events' actor). */
export const LOADER_ORG = 'Hospital1';
export const LOADER_ADMIN = 'hospital1-admin';

/** Batch size and batches in flight chosen by measurement (docs/performance.md, the audit-event loader). */
export const DEFAULT_BATCH = 500;
export const DEFAULT_IN_FLIGHT = 4;
/** Events of one synthetic patient: two pages of 50, so the newest-50 query is a real partial scan. */
export const EVENTS_PER_PATIENT = 100;

/** What is on the ledger from earlier loads (the marker file). */
export interface LoaderMarker {
  /** Synthetic events committed VALID. */
  events: number;
  batches: number;
  /** DID of the synthetic patients of the latest batch: what the audit query reads. */
  samplePatientDids: string[];
  /** The last load that added events: how many, how fast, how. */
  lastLoad?: LoadRun;
}

/** One load of the loader, as measured. */
export interface LoadRun {
  readonly events: number;
  readonly seconds: number;
  readonly batch: number;
  readonly inFlight: number;
  /** When it finished (ISO time). */
  readonly at: string;
}

/** Outcome of {@link ensureAuditEvents}. */
export type AuditLoadOutcome =
  | {
      readonly status: 'loaded' | 'reused';
      /** Synthetic events on the ledger now. */
      readonly events: number;
      /** Loaded by this run (0 when reused). */
      readonly loadedNow: number;
      readonly seconds: number;
      /** Events per second of this run's load (null when nothing was loaded). */
      readonly eventsPerSecond: number | null;
      readonly batch: number;
      readonly inFlight: number;
      readonly samplePatientDid: string;
      readonly failedAttempts: number;
      /** The load that added events last (this run's when `loaded`, an earlier one when `reused`). */
      readonly lastLoad: LoadRun | null;
    }
  | { readonly status: 'disabled'; readonly reason: string };

/** Loader options. */
export interface AuditLoadOptions {
  readonly count: number;
  readonly batch?: number;
  readonly inFlight?: number;
  readonly log?: (message: string) => void;
}

function markerFile(info: NetworkInfo): string {
  return join(info.stateDir, 'bench', 'audit-loader.json');
}

function readMarker(file: string): LoaderMarker {
  if (!existsSync(file)) return { events: 0, batches: 0, samplePatientDids: [] };
  return JSON.parse(readFileSync(file, 'utf8')) as LoaderMarker;
}

function writeMarker(file: string, marker: LoaderMarker): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(marker, null, 2)}\n`);
}

/** The chaincode error text of a fabric-gateway failure (its message and every peer's detail). */
function errorText(err: unknown): string {
  const details = (err as { details?: { message: string }[] }).details ?? [];
  return [err instanceof Error ? err.message : String(err), ...details.map((d) => d.message)].join(' ');
}

/** An org admin's contract handle over the SDK, closed by `close`. */
export function adminContract(info: NetworkInfo): { contract: Contract; close: () => void } {
  const { gateway, client } = gatewayFor(info, LOADER_ORG, LOADER_ADMIN);
  return {
    contract: gateway.getNetwork(info.channel).getContract(info.chaincode),
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

/**
 * Whether the chaincode accepts the loader: an evaluate of a one-event batch (simulated on one peer,
 * never ordered). `undefined` when it does, else why not.
 */
export async function loaderRefusal(contract: Contract): Promise<string | undefined> {
  try {
    await contract.evaluateTransaction(
      qualifiedName('LoadSyntheticAuditEvents'),
      JSON.stringify({ count: 1, eventsPerPatient: 1 }),
    );
    return undefined;
  } catch (err) {
    const text = errorText(err);
    if (text.includes('[BENCH_LOADER_DISABLED]')) {
      return `the running chaincode servers were started without ${BENCH_LOADER_FLAG}=1`;
    }
    return `the loader probe failed: ${text.slice(0, 300)}`;
  }
}

/** Newest `pageSize` audit events of a patient through the chaincode's `QueryAudit` (evaluate). */
export async function queryPatientAudit(
  contract: Contract,
  patientDid: string,
  pageSize: number,
): Promise<number> {
  const bytes = await contract.evaluateTransaction(
    qualifiedName('QueryAudit'),
    JSON.stringify({ by: 'patient', id: patientDid, pageSize }),
  );
  return auditPageSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8'))).items.length;
}

/**
 * Submits `count` synthetic events in batches of `batch`, `inFlight` batches at a time, each waiting
 * for its VALID commit; a failed batch is retried up to twice. Calls `onBatch` after each commit.
 */
export async function loadBatches(
  contract: Contract,
  count: number,
  batch: number,
  inFlight: number,
  onBatch: (events: number, patientDids: readonly string[]) => void,
): Promise<{ failedAttempts: number }> {
  const fn = qualifiedName('LoadSyntheticAuditEvents');
  let remaining = count;
  let failedAttempts = 0;
  const worker = async (): Promise<void> => {
    while (remaining > 0) {
      const size = Math.min(batch, remaining);
      remaining -= size;
      const arg = JSON.stringify({ count: size, eventsPerPatient: EVENTS_PER_PATIENT });
      for (let attempt = 0; ; attempt++) {
        try {
          const out = loadSyntheticAuditEventsOutput.parse(
            JSON.parse(Buffer.from(await contract.submitTransaction(fn, arg)).toString('utf8')),
          );
          onBatch(out.count, out.patientDids);
          break;
        } catch (err) {
          failedAttempts++;
          const text = errorText(err);
          // A disabled loader, a refused caller or a bad batch will not get better on a retry.
          if (attempt >= 2 || /\[(BENCH_LOADER_DISABLED|FORBIDDEN|VALIDATION_FAILED)\]/.test(text)) {
            throw new Error(`a batch of ${String(size)} failed: ${text.slice(0, 300)}`, { cause: err });
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { failedAttempts };
}

/**
 * Makes sure `count` synthetic audit events are on the ledger of the local network: reuses what the
 * marker file says was loaded when the ledger still holds its sample patient's events, loads the rest.
 * `disabled` (with why) when the chaincode servers do not run with the benchmark flag.
 */
export async function ensureAuditEvents(
  info: NetworkInfo,
  options: AuditLoadOptions,
): Promise<AuditLoadOutcome> {
  const log = options.log ?? (() => undefined);
  const batch = Math.min(options.batch ?? DEFAULT_BATCH, MAX_SYNTHETIC_AUDIT_BATCH);
  const inFlight = options.inFlight ?? DEFAULT_IN_FLIGHT;
  const file = markerFile(info);
  const { contract, close } = adminContract(info);
  try {
    let marker = readMarker(file);
    const sample = marker.samplePatientDids[0];
    if (marker.events > 0 && (sample === undefined || (await queryPatientAudit(contract, sample, 1)) === 0)) {
      log(`the marker says ${String(marker.events)} events, but the ledger does not hold them: loading anew`);
      marker = { events: 0, batches: 0, samplePatientDids: [] };
    }
    const missing = options.count - marker.events;
    if (missing <= 0) {
      return {
        status: 'reused',
        events: marker.events,
        loadedNow: 0,
        seconds: 0,
        eventsPerSecond: null,
        batch,
        inFlight,
        samplePatientDid: sample ?? '',
        failedAttempts: 0,
        lastLoad: marker.lastLoad ?? null,
      };
    }
    const refusal = await loaderRefusal(contract);
    if (refusal !== undefined) return { status: 'disabled', reason: refusal };
    log(
      `loading ${missing.toLocaleString('en')} synthetic audit events (${marker.events.toLocaleString('en')} already on the ledger), batches of ${String(batch)}, ${String(inFlight)} in flight`,
    );
    const t0 = performance.now();
    let lastSave = t0;
    let lastLog = t0;
    const current: LoaderMarker = { ...marker };
    const { failedAttempts } = await loadBatches(contract, missing, batch, inFlight, (events, dids) => {
      current.events += events;
      current.batches += 1;
      current.samplePatientDids = [...dids];
      const now = performance.now();
      // Saved every few seconds, so an interrupted load resumes where it stopped.
      if (now - lastSave > 5000) {
        writeMarker(file, current);
        lastSave = now;
      }
      if (now - lastLog > 30_000) {
        const rate = (current.events - marker.events) / ((now - t0) / 1000);
        log(`  ${current.events.toLocaleString('en')} events on the ledger, ${rate.toFixed(0)} events/s`);
        lastLog = now;
      }
    }).finally(() => {
      writeMarker(file, current);
    });
    const seconds = (performance.now() - t0) / 1000;
    const lastLoad: LoadRun = { events: missing, seconds, batch, inFlight, at: new Date().toISOString() };
    writeMarker(file, { ...current, lastLoad });
    return {
      status: 'loaded',
      events: current.events,
      loadedNow: missing,
      seconds,
      eventsPerSecond: missing / seconds,
      batch,
      inFlight,
      samplePatientDid: current.samplePatientDids[0] ?? '',
      failedAttempts,
      lastLoad,
    };
  } finally {
    close();
  }
}

/** The loader's actor, for reports. */
export function loaderActorDid(info: NetworkInfo): string {
  return staffDid(orgInfo(info, LOADER_ORG).mspId, LOADER_ADMIN);
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      count: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: String(DEFAULT_BATCH) },
      'in-flight': { type: 'string', default: String(DEFAULT_IN_FLIGHT) },
    },
  });
  const info = readNetworkInfo();
  if (info === undefined)
    throw new Error('no network here: start one with MEDLEDGER_BENCH_LOADER=1 npm start');
  const outcome = await ensureAuditEvents(info, {
    count: Number(values.count),
    batch: Number(values.batch),
    inFlight: Number(values['in-flight']),
    log: (m) => process.stderr.write(`[audit-loader] ${m}\n`),
  });
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`audit-loader: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
