/**
 * Operations: the empty transaction. `health:Ping` writes one key and nothing else, so a ping through
 * the same HTTP, signing, endorsement and commit path as every other write is the baseline the
 * benchmarks divide by.
 */
import type { ServiceContext } from './context';

/** Submits `health:Ping` as the caller and waits for its VALID commit. */
export async function ping(ctx: ServiceContext): Promise<{ txId: string }> {
  const { txId } = await ctx.ledger.submit(ctx.caller, 'Ping', {});
  return { txId };
}
