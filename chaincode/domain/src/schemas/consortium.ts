import { z } from 'zod';
import { consortiumCryptoSchema, cryptoProfileNameSchema } from '../crypto-profile';
import { mspIdSchema, txIdSchema } from '../ids';
import { isoTimeSchema } from './common';

/**
 * InitConsortium input: the peer orgs of the channel (exactly one of them a regulator) and the
 * deployment's crypto profile (`international` when omitted).
 */
export const initConsortiumInput = z.strictObject({
  orgs: z.array(mspIdSchema).min(2).max(64),
  cryptoProfile: cryptoProfileNameSchema.optional(),
});

/** zod: the consortium as the chaincode knows it (public, written once at deployment). */
export const consortiumSchema = z.object({
  orgs: z.array(mspIdSchema),
  regulator: mspIdSchema,
  /** The crypto profile every verifier applies; absent on a ledger written before profiles (`international`). */
  crypto: consortiumCryptoSchema.optional(),
  txId: txIdSchema,
  txTime: isoTimeSchema,
});
/** The consortium. */
export type Consortium = z.infer<typeof consortiumSchema>;

/**
 * InstallCollectionKey transient map: 256 random bits (hex) chosen by the org's deployment, the
 * secret of its sealed collection (keyed hashes of patient DIDs in keys, salts of values).
 */
export const installCollectionKeyTransient = z.strictObject({
  collectionKey: z.strictObject({ key: z.string().regex(/^[0-9a-f]{64}$/) }),
});

/** InstallCollectionKey output. */
export const installCollectionKeyOutput = z.object({ collection: z.string(), txId: txIdSchema });

/**
 * InstallStudySecret transient map: 256 random bits (hex) chosen by the deployment, the consortium's
 * study pseudonym secret (docs/deidentification.md, "The study key").
 */
export const installStudySecretTransient = z.strictObject({
  studySecret: z.strictObject({ key: z.string().regex(/^[0-9a-f]{64}$/) }),
});

/** InstallStudySecret output. */
export const installStudySecretOutput = installCollectionKeyOutput;
