/**
 * The event source the projector follows, behind an interface so tests drive it with a fake and the
 * real one wraps a fabric-gateway `Network`.
 */

/**
 * What a gateway's own peer adds to a public event from a sealed collection its org is a member of
 * (the record's custodian's and the regulator's for an access; the grantee org's and the regulator's
 * for a consent; the listing doctor's org's and the regulator's for a record listing): the patient,
 * for an access the consent it rested on, for an emergency listing what it opened. Public events carry ids
 * and codes only; without these facts a row stays id-only.
 */
export type SealedFacts =
  | { readonly kind: 'access'; readonly patientDid: string; readonly consentId: string | null }
  | { readonly kind: 'consent'; readonly patientDid: string; readonly grantee: string }
  | {
      readonly kind: 'listing';
      readonly patientDid: string;
      /** A granted emergency listing's categories (the patient's profile at the decision); else null. */
      readonly categories: readonly string[] | null;
    };

/** One chaincode event as read from the ledger (one per valid transaction). */
export interface SourceEvent {
  readonly blockNumber: bigint;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: Uint8Array;
  /** The sealed facts of the event, when this gateway's org may read them (see `sealed-source.ts`). */
  readonly sealed?: SealedFacts;
}

/**
 * Where the projection stands: the last projected transaction, or, with an empty `txId`, the last
 * block passed whole (every event of it and of the blocks before it projected; typically a block that
 * carried no MedLedger event). Either way a stream resumes after it.
 */
export interface ProjectionCheckpoint {
  readonly blockNumber: bigint;
  readonly txId: string;
}

/**
 * Said by a stream once every event of block `blockNumber` has been delivered, so the projection's
 * checkpoint can pass blocks without events. Streams over whole blocks say it after each block; a
 * stream that cannot know (chaincode events alone) never says it.
 */
export interface BlockEnd {
  readonly kind: 'block_end';
  readonly blockNumber: bigint;
}

/** The end of block `blockNumber`. */
export function blockEnd(blockNumber: bigint): BlockEnd {
  return { kind: 'block_end', blockNumber };
}

/** What a stream delivers: events in ledger order, and the ends of blocks where the source knows them. */
export type StreamItem = SourceEvent | BlockEnd;

/** Whether a streamed item is the end of a block rather than an event. */
export function isBlockEnd(item: StreamItem): item is BlockEnd {
  return (item as Partial<BlockEnd>).kind === 'block_end';
}

/** The first block a stream resuming after `after` reads: the checkpoint's own, or the next when it was passed whole. */
export function firstBlockAfter(after: ProjectionCheckpoint | undefined): bigint {
  if (after === undefined) return 0n;
  return after.txId === '' ? after.blockNumber + 1n : after.blockNumber;
}

/** A stream of events that can be closed early (fabric-gateway's `CloseableAsyncIterable`). */
export interface EventStream extends AsyncIterable<StreamItem> {
  close(): void;
}

/** Options of {@link EventSource.open}. */
export interface OpenOptions {
  /**
   * Resume after this transaction: events of earlier blocks, and of its block up to and including
   * it, are not delivered (the fabric-gateway checkpoint semantics). With an empty `txId`, after the
   * whole block.
   */
  readonly after?: ProjectionCheckpoint;
  /** End the stream once every block below this one has been delivered (bounded reads). */
  readonly endBlock?: bigint;
}

/** The ledger's chaincode events in ledger order. */
export interface EventSource {
  open(options: Readonly<OpenOptions>): Promise<EventStream>;
  /** The ledger height: blocks `0 .. height-1` exist. */
  height(): Promise<bigint>;
}
