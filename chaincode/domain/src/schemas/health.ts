import { z } from 'zod';

/** Ping output: the transaction id (returned as plain text, not JSON). */
export const pingOutput = z.string();

/** GetBuildInfo output. `fhirValidator` names the FHIR validator and its definitions (the quality gate's). */
export const buildInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  codeHash: z.string(),
  fhirValidator: z.string(),
});
