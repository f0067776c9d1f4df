import { z } from 'zod';

/** Ping output: the transaction id (returned as plain text, not JSON). */
export const pingOutput = z.string();

/** GetBuildInfo output. */
export const buildInfoSchema = z.object({ name: z.string(), version: z.string(), codeHash: z.string() });
