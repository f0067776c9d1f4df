/** Schemas several route modules share: write answers, id params, signed bodies, pages, audit filters. */
import {
  ACCESS_OUTCOMES,
  PURPOSES,
  compactJwsSchema,
  mspIdSchema,
  patientDidSchema,
  recordIdSchema,
  staffDidSchema,
  txIdSchema,
} from '@medledger/domain';
import { z } from 'zod';

/** The answer of a write: its transaction id and `shape`. */
export const tx = <T extends z.ZodRawShape>(shape: T) => z.object({ txId: txIdSchema, ...shape });
/** Path params of a route on `/{id}`. */
export const idParam = <S extends z.ZodType>(schema: S) => z.strictObject({ id: schema });
/** A body that is one payload signed by the patient. */
export const jwsBody = z.strictObject({ jws: compactJwsSchema });
/** An ISO 8601 instant with its offset. */
export const isoInstant = z.iso.datetime({ offset: true });

/** What bounds the routes' pages. */
export interface RouteLimits {
  readonly pageSizeMax: number;
}

/** Paging of ledger queries (Fabric bookmarks), at most `pageSizeMax` and 100 a page. */
export function ledgerPage(limits: RouteLimits) {
  return {
    pageSize: z.coerce.number().int().min(1).max(Math.min(limits.pageSizeMax, 100)).optional(),
    bookmark: z.string().max(1024).optional(),
  };
}

/** Paging of projection views (opaque cursors), at most `pageSizeMax` and 100 a page. */
export function projectionPage(limits: RouteLimits) {
  return {
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(Math.min(limits.pageSizeMax, 100))
      .optional()
      .describe('page size (default 50)'),
    cursor: z.string().min(1).max(512).optional().describe('nextCursor of the previous page'),
  };
}

/** The filters of the audit views. */
export const auditFilters = {
  patient: patientDidSchema.optional().describe('the patient whose data was accessed'),
  actor: staffDidSchema.optional().describe('DID of the person who asked'),
  org: mspIdSchema.optional().describe("MSP ID of the actor's org"),
  custodian: mspIdSchema.optional().describe('MSP ID of the hospital keeping the record'),
  record: recordIdSchema.optional(),
  purpose: z.enum(PURPOSES).optional(),
  outcome: z.enum(ACCESS_OUTCOMES).optional(),
  from: isoInstant.optional().describe('inclusive'),
  to: isoInstant.optional().describe('exclusive'),
};
