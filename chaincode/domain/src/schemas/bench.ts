import { z } from 'zod';
import { patientDidSchema } from '../ids';

/**
 * Largest batch of `LoadSyntheticAuditEvents`. Each event is four private writes (the event and its
 * three index entries, each of which carries the event: about 3.1 KB of private write set, of which
 * blocks carry only hashes), so 1,000 events stay well inside a block's 10 MB absolute limit and a
 * peer's message limits; larger batches did not load faster (docs/performance.md, the audit-event
 * loader).
 */
export const MAX_SYNTHETIC_AUDIT_BATCH = 1000;

/**
 * The environment flag of `npm start` (and `npm run bench`) that registers and enrolls a bench-loader
 * identity: an org admin whose certificate carries {@link BENCH_LOADER_ATTRIBUTE}.
 */
export const BENCH_LOADER_FLAG = 'MEDLEDGER_BENCH_LOADER';

/**
 * The Fabric CA attribute (in the enrollment certificate, `ecert`) that lets its holder call
 * `LoadSyntheticAuditEvents`, with the value `true`. Issued by the org's CA and signed into the
 * certificate every endorser reads from the proposal, so every endorser decides alike.
 */
export const BENCH_LOADER_ATTRIBUTE = 'medledger.benchLoader';

/**
 * LoadSyntheticAuditEvents input: how many events, and how many go to each synthetic patient (event
 * `i` of the batch belongs to patient `floor(i / eventsPerPatient)`).
 */
export const loadSyntheticAuditEventsInput = z.strictObject({
  count: z.number().int().min(1).max(MAX_SYNTHETIC_AUDIT_BATCH),
  eventsPerPatient: z.number().int().min(1).max(MAX_SYNTHETIC_AUDIT_BATCH).default(50),
});

/** LoadSyntheticAuditEvents output: how many events were written and for which synthetic patients. */
export const loadSyntheticAuditEventsOutput = z.object({
  count: z.number().int(),
  patientDids: z.array(patientDidSchema),
});
