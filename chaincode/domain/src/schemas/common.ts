import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../vocabulary';

/** zod: an ISO 8601 UTC timestamp (`2025-01-31T12:00:00.000Z`). */
export const isoTimeSchema = z.iso.datetime();

/** zod: a page size, 1 to {@link MAX_PAGE_SIZE}, default {@link DEFAULT_PAGE_SIZE}. */
export const pageSizeSchema = z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE);

/** zod: an opaque bookmark returned by a previous page (empty for the first page). */
export const bookmarkSchema = z.string().max(1024).default('');

/** zod: the paging fields of a query input. */
export const pageInput = { pageSize: pageSizeSchema, bookmark: bookmarkSchema };

/** zod: a page of items with the bookmark of the next page (empty when there is none). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), bookmark: z.string(), fetchedRecordsCount: z.number().int() });
}

/** zod: a compact JWS signed by a patient's key. */
export const compactJwsSchema = z
  .string()
  .max(8192)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

/** zod: an input that carries only a compact JWS. */
export const signedInputSchema = z.strictObject({ jws: compactJwsSchema });

/** zod: an empty input. */
export const emptyInputSchema = z.strictObject({});

/**
 * zod: a value of a sealed collection as stored: the value and a salt only the collection's members
 * can compute (every block carries the hash of each private value, so a bare value could be confirmed
 * by hashing guesses). The chaincode writes it; a member's gateway reads it from its peer's private data.
 */
export const sealedValueSchema = z.object({ salt: z.string(), value: z.unknown() });
