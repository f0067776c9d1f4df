import { z } from 'zod';
import { patientDidSchema } from '../ids';

/**
 * Largest batch of `LoadSyntheticAuditEvents`. Each event is four state writes (the event and its
 * three index entries, about 1.2 KB of write set), so 1,000 events stay well inside a block's
 * 10 MB absolute limit and a peer's message limits; larger batches did not load faster
 * (docs/performance.md, the audit-event loader).
 */
export const MAX_SYNTHETIC_AUDIT_BATCH = 1000;

/** The environment flag a chaincode server must run with for `LoadSyntheticAuditEvents` to work. */
export const BENCH_LOADER_FLAG = 'MEDLEDGER_BENCH_LOADER';

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
