/**
 * The event source the projector follows, behind an interface so tests drive it with a fake and the
 * real one wraps a fabric-gateway `Network`.
 */

/** One chaincode event as read from the ledger (one per valid transaction). */
export interface SourceEvent {
  readonly blockNumber: bigint;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: Uint8Array;
}

/** Where the projection stands: the last projected transaction. */
export interface ProjectionCheckpoint {
  readonly blockNumber: bigint;
  readonly txId: string;
}

/** A stream of events that can be closed early (fabric-gateway's `CloseableAsyncIterable`). */
export interface EventStream extends AsyncIterable<SourceEvent> {
  close(): void;
}

/** Options of {@link EventSource.open}. */
export interface OpenOptions {
  /**
   * Resume after this transaction: events of earlier blocks, and of its block up to and including
   * it, are not delivered (the fabric-gateway checkpoint semantics).
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
