/**
 * One block stream per gateway (per channel) for both of its readers: the commit tracker and the audit
 * projection. Every block used to be read, sent and parsed twice (a filtered block stream for commits
 * and a block-and-private-data stream for the projection); the feed reads the second kind once and
 * hands each block to both.
 *
 * The two readers never wait for each other:
 * - The commit tracker drives the one stream (open, reopen after the last block it delivered, ask the
 *   peer for waiters it could have missed: the rules of `commit-tracker.ts`). Each block is handed to
 *   it as soon as it arrives; the projection only reads what the feed kept, so a projection that lags,
 *   fails or restarts never holds the stream back.
 * - The feed keeps the events of its newest blocks (`maxBlocks`, `maxEvents`). The projection reads
 *   them from its checkpoint; when its checkpoint lies before the oldest kept block (it started from an
 *   old checkpoint, or fell behind by more than the feed keeps) it first reads the missing blocks with
 *   a bounded read of their own (`catchUp`) that ends where the kept blocks begin, then continues from
 *   the kept blocks. Its checkpoint semantics (resume after the last projected transaction, no gap, no
 *   repeat) are those of any other {@link EventSource}. It also says where blocks end (when it is about
 *   to wait, and after a bounded read), so the projection's checkpoint passes blocks without events.
 * - The stream starts at the channel height (the tracker's rule), or a little earlier (`maxLead`) when
 *   the projection has asked for blocks just below it (a quick restart), so a projection that was
 *   nearly current reads those blocks from the one stream too; writes then wait behind at most those
 *   few old blocks, never behind the projection.
 */
import type { BlockSource, BlockStream, CommittedBlock } from './commit-tracker';
import {
  blockEnd,
  firstBlockAfter,
  type EventSource,
  type EventStream,
  type OpenOptions,
  type ProjectionCheckpoint,
  type SourceEvent,
  type StreamItem,
} from '../projection/write/source';

/** One delivered block: its transactions' outcomes (commit tracking) and chaincode events (projection). */
export interface FeedBlock extends CommittedBlock {
  /** The chaincode events of its valid transactions, in block order, with their sealed facts. */
  readonly events: readonly SourceEvent[];
}

/** The feed's blocks in ledger order until closed or failed. */
export type FeedBlockStream = BlockStream<FeedBlock>;

/** Where the feed's blocks come from; the gateway's is `fabricFeedSource` in `fabric-source.ts`. */
export type FeedBlockSource = BlockSource<FeedBlock>;

/** Options of {@link BlockFeed}. */
export interface BlockFeedOptions {
  readonly source: FeedBlockSource;
  /** Bounded reads for a projection behind the kept blocks (and for reads with an `endBlock`). */
  readonly catchUp: EventSource;
  /** Most blocks kept for the projection (default 1024). */
  readonly maxBlocks?: number;
  /** Most events kept for the projection (default 50,000); the newest block is always kept. */
  readonly maxEvents?: number;
  /**
   * How far below the channel height the first stream may start for the projection (default 64
   * blocks): writes waiting meanwhile see their commit after at most these old blocks.
   */
  readonly maxLead?: number;
}

/** Counts of the feed (metrics, tests). */
export interface BlockFeedStatus {
  /** Streams the feed opened on the peer (the first and each reopening after a failure). */
  readonly streamsOpened: number;
  /** Bounded reads the projection needed because it was behind the kept blocks. */
  readonly catchUpReads: number;
  /** Number of the oldest kept block and how many are kept. */
  readonly firstKept: bigint | undefined;
  readonly kept: number;
}

interface KeptBlock {
  readonly number: bigint;
  readonly events: readonly SourceEvent[];
}

/** What the feed holds for a reader that needs block `next`. */
type Lookup =
  | { readonly kind: 'block'; readonly block: KeptBlock }
  | { readonly kind: 'wait' }
  | { readonly kind: 'behind'; readonly until: bigint };

/** One reader of the projection's events: closed by its stream's `close`. */
interface EventReader {
  readonly closed: Promise<void>;
  isClosed(): boolean;
  /** Its bounded read while it catches up. */
  reading: EventStream | undefined;
}

/**
 * The events of one block after `after` (the fabric-gateway checkpoint semantics; an empty `txId`
 * passed the whole block).
 */
function eventsAfter(block: KeptBlock, after: ProjectionCheckpoint | undefined): readonly SourceEvent[] {
  if (after === undefined || block.number > after.blockNumber) return block.events;
  if (block.number < after.blockNumber) return [];
  const at = block.events.findIndex((e) => e.txId === after.txId);
  return at < 0 ? [] : block.events.slice(at + 1);
}

/** The one block stream of a gateway and what it keeps for the projection. */
export class BlockFeed {
  /** The source the commit tracker follows (it opens and reopens the one stream). */
  readonly blocks: BlockSource;
  /** The source the projection follows. */
  readonly events: EventSource;
  readonly #source: FeedBlockSource;
  readonly #catchUp: EventSource;
  readonly #maxBlocks: number;
  readonly #maxEvents: number;
  readonly #maxLead: bigint;
  readonly #kept: KeptBlock[] = [];
  #keptEvents = 0;
  /** Number of `#kept[0]`, or of the next block the stream delivers while nothing is kept. */
  #base: bigint | undefined;
  /** The oldest block a projection asked for (lowers the first stream's start). */
  #wanted: bigint | undefined;
  #wake = new Set<() => void>();
  #streamsOpened = 0;
  #catchUpReads = 0;

  constructor(options: Readonly<BlockFeedOptions>) {
    this.#source = options.source;
    this.#catchUp = options.catchUp;
    this.#maxBlocks = options.maxBlocks ?? 1024;
    this.#maxEvents = options.maxEvents ?? 50_000;
    this.#maxLead = BigInt(Math.min(options.maxLead ?? 64, this.#maxBlocks));
    this.blocks = {
      height: () => this.#source.height(),
      open: (startBlock) => this.#open(startBlock),
    };
    this.events = {
      height: () => this.#source.height(),
      open: (options) => this.#openEvents(options),
    };
  }

  /**
   * Tells the feed the oldest block the projection needs (its checkpoint's): the first stream then
   * starts there instead of at the channel height when that is at most `maxLead` blocks earlier.
   */
  want(block: bigint): void {
    if (this.#base === undefined && (this.#wanted === undefined || block < this.#wanted))
      this.#wanted = block;
  }

  status(): BlockFeedStatus {
    return {
      streamsOpened: this.#streamsOpened,
      catchUpReads: this.#catchUpReads,
      firstKept: this.#kept[0]?.number,
      kept: this.#kept.length,
    };
  }

  async #open(startBlock: bigint): Promise<BlockStream> {
    let start = startBlock;
    const resuming = this.#base !== undefined && this.#base + BigInt(this.#kept.length) === startBlock;
    if (!resuming && this.#wanted !== undefined && this.#wanted < start) {
      // A projection restarted just below the height: read its blocks on this stream, not a second one.
      if (start - this.#wanted <= this.#maxLead) start = this.#wanted;
    }
    const stream = await this.#source.open(start);
    this.#streamsOpened++;
    if (!resuming) this.#reset(start);
    const keep = (block: FeedBlock): void => {
      this.#keep(block);
    };
    return {
      async *[Symbol.asyncIterator]() {
        for await (const block of stream) {
          keep(block);
          yield block;
        }
      },
      close: (reason) => {
        stream.close(reason);
      },
    };
  }

  #reset(base: bigint): void {
    this.#kept.length = 0;
    this.#keptEvents = 0;
    this.#base = base;
    this.#notify();
  }

  #keep(block: FeedBlock): void {
    const next = (this.#base ?? block.number) + BigInt(this.#kept.length);
    if (block.number < next) return;
    if (block.number > next) this.#reset(block.number);
    this.#kept.push({ number: block.number, events: block.events });
    this.#keptEvents += block.events.length;
    while (
      this.#kept.length > 1 &&
      (this.#kept.length > this.#maxBlocks || this.#keptEvents > this.#maxEvents)
    ) {
      const dropped = this.#kept.shift();
      this.#keptEvents -= dropped?.events.length ?? 0;
    }
    this.#base = this.#kept[0]?.number;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = new Set();
    for (const w of wake) w();
  }

  /** Resolves at the next change of the kept blocks (or when `closed` resolves). */
  #changed(closed: Promise<void>): Promise<void> {
    return Promise.race([
      new Promise<void>((resolve) => {
        this.#wake.add(resolve);
      }),
      closed,
    ]);
  }

  #lookup(next: bigint): Lookup {
    if (this.#base === undefined) return { kind: 'wait' };
    if (next < this.#base) return { kind: 'behind', until: this.#base };
    const block = this.#kept[Number(next - this.#base)];
    return block ? { kind: 'block', block } : { kind: 'wait' };
  }

  #openEvents(options: Readonly<OpenOptions>): Promise<EventStream> {
    if (options.endBlock !== undefined) return this.#catchUp.open(options);
    this.want(firstBlockAfter(options.after));
    let closeRequested = (): void => undefined;
    let isClosed = false;
    const reader: EventReader = {
      closed: new Promise<void>((resolve) => {
        closeRequested = resolve;
      }),
      isClosed: () => isClosed,
      reading: undefined,
    };
    const gen = this.#read(reader, options.after);
    return Promise.resolve({
      [Symbol.asyncIterator]: () => gen,
      close: () => {
        isClosed = true;
        reader.reading?.close();
        closeRequested();
      },
    });
  }

  /**
   * The events after `from`, from the kept blocks, or a bounded read where they do not reach back.
   * The end of the blocks passed is said when the reader is about to wait (and wherever the bounded
   * read says it), not after every block: a reader that keeps up says it after each block anyway, and
   * one that lags spends no extra step per block.
   */
  async *#read(reader: EventReader, from: ProjectionCheckpoint | undefined): AsyncGenerator<StreamItem> {
    // `after` is where the reader stands (its last event, or the last block it passed whole); `next`
    // the next block to read; `unsaid` the last block passed whole whose end was not said yet.
    let after = from;
    let next = firstBlockAfter(from);
    let unsaid: bigint | undefined;
    while (!reader.isClosed()) {
      const found = this.#lookup(next);
      if (found.kind === 'wait') {
        if (unsaid === undefined) await this.#changed(reader.closed);
        else yield blockEnd(unsaid);
        unsaid = undefined;
        continue;
      }
      if (found.kind === 'behind') {
        this.#catchUpReads++;
        reader.reading = await this.#catchUp.open({ ...(after ? { after } : {}), endBlock: found.until });
        if (reader.isClosed()) reader.reading.close();
        yield* reader.reading;
        reader.reading = undefined;
        if (reader.isClosed()) break;
        // The bounded read delivered every block below the kept ones, whether it said so or not.
        unsaid = found.until - 1n;
        after = { blockNumber: unsaid, txId: '' };
        next = found.until;
        continue;
      }
      yield* eventsAfter(found.block, after);
      unsaid = found.block.number;
      after = { blockNumber: unsaid, txId: '' };
      next = unsaid + 1n;
    }
  }
}
