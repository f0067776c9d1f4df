/**
 * Rebuild and consistency check: the ledger is the source of truth, the projection can be dropped and
 * re-projected from block 0, and compared with the ledger per block range (count and digest).
 */
import { createHash, type Hash } from 'node:crypto';

import { Projector, type ProjectorOptions } from '../write/projector';
import { isBlockEnd, type EventSource } from '../write/source';
import { payloadDigest, type ProjectionStore } from '../write/store';

/** Count and digest of the transactions of one block range. */
export interface RangeSummary {
  readonly count: number;
  readonly digest: string;
}

/** One block range of a consistency check. */
export interface RangeComparison {
  readonly fromBlock: number;
  /** Inclusive. */
  readonly toBlock: number;
  readonly ledger: RangeSummary;
  readonly projection: RangeSummary;
  readonly ok: boolean;
}

/** The outcome of {@link checkConsistency}. */
export interface ConsistencyReport {
  readonly ok: boolean;
  /** Last block compared (the projection's checkpoint), or -1 when nothing is projected. */
  readonly throughBlock: number;
  readonly ranges: readonly RangeComparison[];
}

/** Drops the projection and projects the ledger again from block 0 up to its current height. */
export async function rebuild(
  source: EventSource,
  store: ProjectionStore,
  options: Readonly<ProjectorOptions> = {},
): Promise<number> {
  await store.reset();
  const height = await source.height();
  return new Projector(source, store, { batchSize: 2000, ...options }).run(height);
}

class RangeDigests {
  readonly #size: number;
  readonly #ranges = new Map<number, { count: number; hash: Hash }>();

  constructor(size: number) {
    this.#size = size;
  }

  add(block: number, txId: string, eventName: string, payloadSha256: string): void {
    const key = Math.floor(block / this.#size);
    let r = this.#ranges.get(key);
    if (!r) {
      r = { count: 0, hash: createHash('sha256') };
      this.#ranges.set(key, r);
    }
    r.count += 1;
    r.hash.update(`${block}\n${txId}\n${eventName}\n${payloadSha256}\n`);
  }

  result(): Map<number, RangeSummary> {
    const out = new Map<number, RangeSummary>();
    for (const [k, r] of this.#ranges) out.set(k, { count: r.count, digest: r.hash.digest('hex') });
    return out;
  }
}

const EMPTY: RangeSummary = { count: 0, digest: createHash('sha256').digest('hex') };

/**
 * Compares the projection with the ledger up to the projection's checkpoint, per range of
 * `rangeSize` blocks: the number of transactions and a SHA-256 over (block, tx id, event name, payload
 * digest) in ledger order. The ledger side is read again through the event source.
 */
export async function checkConsistency(
  source: EventSource,
  store: ProjectionStore,
  rangeSize = 1000,
): Promise<ConsistencyReport> {
  const cp = await store.checkpoint();
  if (!cp) return { ok: true, throughBlock: -1, ranges: [] };
  const projection = new RangeDigests(rangeSize);
  let afterSeq = 0;
  for (;;) {
    const rows = await store.ledgerRows(afterSeq, 5000);
    for (const row of rows) {
      projection.add(Number(row.block_number), row.tx_id, row.event_name, row.payload_sha256);
      afterSeq = Number(row.seq);
    }
    if (rows.length < 5000) break;
  }
  const ledger = new RangeDigests(rangeSize);
  const stream = await source.open({ endBlock: cp.blockNumber + 1n });
  try {
    for await (const e of stream) {
      if (isBlockEnd(e)) continue;
      ledger.add(Number(e.blockNumber), e.txId, e.eventName, payloadDigest(e.payload));
      if (e.blockNumber === cp.blockNumber && e.txId === cp.txId) break;
    }
  } finally {
    stream.close();
  }
  const l = ledger.result();
  const p = projection.result();
  const keys = [...new Set([...l.keys(), ...p.keys()])].sort((a, b) => a - b);
  const ranges = keys.map((k): RangeComparison => {
    const lr = l.get(k) ?? EMPTY;
    const pr = p.get(k) ?? EMPTY;
    return {
      fromBlock: k * rangeSize,
      toBlock: (k + 1) * rangeSize - 1,
      ledger: lr,
      projection: pr,
      ok: lr.count === pr.count && lr.digest === pr.digest,
    };
  });
  return { ok: ranges.every((r) => r.ok), throughBlock: Number(cp.blockNumber), ranges };
}
