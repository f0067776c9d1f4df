/**
 * Commit tracking from one block event stream: instead of one CommitStatus call per submitted
 * transaction, the gateway follows its local peer's blocks once (the stream it shares with the audit
 * projection, `block-feed.ts`) and resolves every write waiting for a transaction id found there.
 *
 * Correctness rests on three rules:
 * - A write registers its waiter before it submits, so a commit that arrives before the write starts
 *   waiting is kept for it.
 * - The stream's position is fixed before waiters count on it: it starts at the channel height read
 *   when it first opens (a transaction submitted later commits in that block or a later one) and
 *   resumes after the last block it delivered (where it opened, when it delivered none), so it has no
 *   gaps.
 * - A waiter the stream could have missed or delayed (registered while the stream was not up, pending
 *   when it broke, or waiting while the stream delivered nothing for `stallMs`) asks the peer with its
 *   own CommitStatus call, as the status path does; the first answer wins. Every waiter has the status
 *   path's deadline and leaves the map when it settles.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { CommitError, StatusCode, type Network, type Status } from '@hyperledger/fabric-gateway';
import { common, type peer } from '@hyperledger/fabric-protos';

/** A transaction validation code (`peer.TxValidationCode`; 0 is VALID). */
export type ValidationCode = peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap];

/** What a block says about one transaction. */
export interface CommitOutcome {
  readonly code: ValidationCode;
  readonly blockNumber: bigint;
}

/** One committed block, reduced to what commit tracking needs. */
export interface CommittedBlock {
  readonly number: bigint;
  readonly transactions: readonly { readonly txId: string; readonly code: ValidationCode }[];
}

/** Blocks in ledger order until closed or failed (fabric-gateway's `CloseableAsyncIterable`). */
export interface BlockStream<B = CommittedBlock> extends AsyncIterable<B> {
  /** Closes the stream; `'stalled'` when its reader gave up on it as a failed one. */
  close(reason?: StreamCloseReason): void;
}

/** Why a reader closed its stream: `'stalled'` when it stopped delivering while writes waited. */
export type StreamCloseReason = 'stalled';

/** Where blocks come from; the gateway's is its `BlockFeed`, tests use a fake. */
export interface BlockSource<B = CommittedBlock> {
  /** The channel height: blocks `0 .. height-1` exist. */
  height(): Promise<bigint>;
  /** Every block from `startBlock` on. */
  open(startBlock: bigint): Promise<BlockStream<B>>;
}

/** Options of {@link CommitTracker}. */
export interface CommitTrackerOptions {
  readonly source: BlockSource;
  /** Longest wait for a commit once submitted, ms: the status path's `timeouts.commitStatusMs`. */
  readonly timeoutMs: number;
  /** The error a waiter rejects with when `timeoutMs` passes. */
  readonly timeoutError: (txId: string) => Error;
  /** The error pending waiters reject with when the tracker closes. */
  readonly closedError: (txId: string) => Error;
  /** First delay before reopening a broken stream, ms (doubles up to `maxRetryMs`). */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** Told about each stream failure (ids only, no payloads). */
  readonly onError?: (err: unknown) => void;
  /**
   * How long a waiting write lets the stream deliver nothing before it asks the peer itself, ms
   * (default 5000). A stream can stall without failing: its peer hung (stopped, a disk that no longer
   * answers) while the connection stays open until gRPC's keepalive gives up on it, minutes later.
   */
  readonly stallMs?: number;
  /**
   * How long a stream that looks stalled gives its peer to say the channel height, ms (default 1000):
   * a peer that answers with no block the stream has not delivered yet is quiet, not hung (the ordering
   * service stopped cutting blocks), and the stream is kept.
   */
  readonly stallProbeMs?: number;
}

/** A write waiting for its transaction's commit; from {@link CommitTracker.expect}, before submitting. */
export interface CommitWaiter {
  /**
   * Resolves with the transaction's outcome. `status` asks the peer for it (a CommitStatus call); it is
   * used only when the stream could have missed or delayed the transaction.
   */
  wait(status: () => Promise<CommitOutcome>): Promise<CommitOutcome>;
  /** Forgets the waiter (its transaction was not submitted). */
  cancel(): void;
}

/** Where the tracker stands (readiness, tests). */
export interface CommitTrackerStatus {
  /** The stream is open at a known position. */
  readonly up: boolean;
  /** Number of the last block delivered (the checkpoint), if any. */
  readonly lastBlock: bigint | undefined;
  /** Writes waiting for a commit. */
  readonly waiting: number;
  /** Waiters that asked the peer with their own CommitStatus call so far. */
  readonly statusCalls: number;
  /**
   * Streams given up as stalled ({@link CommitTracker.checkStalled}): silent for `stallMs` while writes
   * waited or a call to their peer ran past its deadline, and their peer did not say its height in
   * time (or had blocks they had not delivered).
   */
  readonly stalledStreams: number;
}

type Settlement = { outcome: CommitOutcome } | { error: Error };

class Waiter implements CommitWaiter {
  readonly txId: string;
  readonly #tracker: CommitTracker;
  /** The stream could have missed this transaction: ask the peer once `wait` supplies how. */
  needsStatus: boolean;
  #settlement: Settlement | undefined;
  #status: (() => Promise<CommitOutcome>) | undefined;
  #statusAsked = false;
  #done: ((s: Settlement) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stallTimer: NodeJS.Timeout | undefined;

  constructor(tracker: CommitTracker, txId: string, needsStatus: boolean) {
    this.#tracker = tracker;
    this.txId = txId;
    this.needsStatus = needsStatus;
  }

  wait(status: () => Promise<CommitOutcome>): Promise<CommitOutcome> {
    if (this.#status) throw new Error('already waiting');
    this.#status = status;
    const settled =
      this.#settlement === undefined
        ? new Promise<Settlement>((resolve) => {
            this.#done = resolve;
            this.#timer = setTimeout(() => {
              this.settle({ error: this.#tracker.timeoutError(this.txId) });
            }, this.#tracker.timeoutMs);
            if (this.needsStatus) this.askPeer();
            else this.#watchStall(performance.now());
          })
        : Promise.resolve(this.#settlement);
    return settled.then((s) => ('outcome' in s ? s.outcome : Promise.reject(s.error)));
  }

  cancel(): void {
    this.settle({ error: new Error('cancelled') });
  }

  /**
   * Asks the peer once the stream has delivered no block for `stallMs` while this write waits (since
   * `since`, or the last block if later).
   */
  #watchStall(since: number): void {
    const stallMs = this.#tracker.stallMs;
    const quietSince = Math.max(since, this.#tracker.lastDeliveryAt);
    const left = quietSince + stallMs - performance.now();
    this.#stallTimer = setTimeout(
      () => {
        if (this.#settlement || this.#statusAsked) return;
        if (performance.now() - Math.max(since, this.#tracker.lastDeliveryAt) >= stallMs) {
          this.askPeer();
          this.#tracker.checkStalled();
        } else this.#watchStall(since);
      },
      Math.max(0, left),
    );
  }

  /** The first settlement wins; the waiter leaves the tracker's map. */
  settle(s: Settlement): void {
    if (this.#settlement) return;
    this.#settlement = s;
    clearTimeout(this.#timer);
    clearTimeout(this.#stallTimer);
    this.#tracker.forget(this);
    this.#done?.(s);
  }

  /** Asks the peer with the write's own CommitStatus call, once (now, or when `wait` is called). */
  askPeer(): void {
    this.needsStatus = true;
    if (this.#settlement || !this.#status || this.#statusAsked) return;
    this.#statusAsked = true;
    this.#tracker.countStatusCall();
    const status = this.#status;
    void (async () => {
      try {
        this.settle({ outcome: await status() });
      } catch (err) {
        this.settle({ error: err instanceof Error ? err : new Error(String(err)) });
      }
    })();
  }
}

/** One block stream per gateway process (per channel) and the writes waiting on it. */
export class CommitTracker {
  readonly timeoutMs: number;
  readonly stallMs: number;
  readonly #stallProbeMs: number;
  readonly timeoutError: (txId: string) => Error;
  readonly #options: Readonly<CommitTrackerOptions>;
  readonly #waiters = new Map<string, Set<Waiter>>();
  readonly #stop = new AbortController();
  #up = false;
  #lastBlock: bigint | undefined;
  /** The block the open stream delivers next. */
  #nextBlock: bigint | undefined;
  #stream: BlockStream | undefined;
  /** When the current stream opened (`performance.now()`). */
  #openedAt = Number.NEGATIVE_INFINITY;
  #loop: Promise<void> | undefined;
  #statusCalls = 0;
  #lastDeliveryAt = Number.NEGATIVE_INFINITY;
  #stalledStreams = 0;
  #stalledNow = false;
  #probing = false;

  constructor(options: Readonly<CommitTrackerOptions>) {
    this.#options = options;
    this.timeoutMs = options.timeoutMs;
    this.stallMs = options.stallMs ?? 5000;
    this.#stallProbeMs = options.stallProbeMs ?? 1000;
    this.timeoutError = options.timeoutError;
  }

  /** Opens the stream and keeps it open (reopening after failures) until {@link close}. */
  start(): void {
    this.#loop ??= this.#follow();
  }

  /** Registers a write waiting for `txId`; call before submitting the transaction. */
  expect(txId: string): CommitWaiter {
    const waiter = new Waiter(this, txId, !this.#up);
    const set = this.#waiters.get(txId);
    if (set) set.add(waiter);
    else this.#waiters.set(txId, new Set([waiter]));
    return waiter;
  }

  status(): CommitTrackerStatus {
    let waiting = 0;
    for (const set of this.#waiters.values()) waiting += set.size;
    return {
      up: this.#up,
      lastBlock: this.#lastBlock,
      waiting,
      statusCalls: this.#statusCalls,
      stalledStreams: this.#stalledStreams,
    };
  }

  /** Closes the stream; pending waiters reject with `closedError`. */
  async close(): Promise<void> {
    this.#stop.abort();
    this.#stream?.close();
    for (const set of [...this.#waiters.values()]) {
      for (const w of set) w.settle({ error: this.#options.closedError(w.txId) });
    }
    await this.#loop;
  }

  /** @internal */
  forget(waiter: Waiter): void {
    const set = this.#waiters.get(waiter.txId);
    if (!set) return;
    set.delete(waiter);
    if (set.size === 0) this.#waiters.delete(waiter.txId);
  }

  /** When the stream last delivered a block (`performance.now()`), or -Infinity. */
  get lastDeliveryAt(): number {
    return this.#lastDeliveryAt;
  }

  /** @internal */
  countStatusCall(): void {
    this.#statusCalls++;
  }

  /**
   * Checks the open stream when its peer may hang: a write waited `stallMs` without a block, or a call
   * to the peer the stream follows ran past its deadline. Unless the stream is younger than `stallMs` or
   * delivered since, its peer is asked for the channel height: a peer that does not answer within
   * `stallProbeMs` (hung), or that holds blocks the stream has not delivered, has its stream given up as
   * failed, so that it reopens at once (on the org's next peer, when the source follows several) after
   * the last block it delivered. A peer whose height says there is nothing to deliver (the ordering
   * service cut no block) keeps its stream.
   */
  checkStalled(): void {
    const stream = this.#stream;
    if (!stream || !this.#up || this.#probing || this.#quietMs() < this.stallMs) return;
    this.#probing = true;
    void this.#probeStall(stream).finally(() => {
      this.#probing = false;
    });
  }

  #quietMs(): number {
    return performance.now() - Math.max(this.#openedAt, this.#lastDeliveryAt);
  }

  async #probeStall(stream: BlockStream): Promise<void> {
    const next = this.#nextBlock;
    const height = await withinMs(this.#options.source.height(), this.#stallProbeMs);
    if (stream !== this.#stream || this.#quietMs() < this.stallMs) return;
    if (height !== undefined && next !== undefined && height <= next) return;
    this.#giveUp(stream);
  }

  #giveUp(stream: BlockStream): void {
    this.#stalledStreams++;
    this.#stalledNow = true;
    stream.close('stalled');
  }

  async #follow(): Promise<void> {
    const first = this.#options.retryMs ?? 250;
    let delay = first;
    while (!this.#stopped()) {
      let gaveUp: boolean;
      try {
        const start = this.#nextBlock ?? (await this.#options.source.height());
        const stream = await this.#options.source.open(start);
        this.#stream = stream;
        this.#nextBlock = start;
        this.#openedAt = performance.now();
        if (this.#stopped()) break;
        this.#up = true;
        for await (const block of stream) {
          this.#deliver(block);
          delay = first;
        }
        if (!this.#stopped()) throw new Error('block stream ended');
      } catch (err) {
        // A stream the tracker gave up on fails as cancelled by its client: say why it was closed.
        if (!this.#stopped())
          this.#options.onError?.(this.#stalledNow ? new Error('block stream stalled') : err);
      } finally {
        gaveUp = this.#stalledNow;
        this.#up = false;
        this.#stalledNow = false;
        this.#stream?.close();
        this.#stream = undefined;
      }
      if (this.#stopped()) break;
      // A stream given up as stalled reopens at once (on the next peer, when the source follows several)
      // after its last block, so no waiting write can miss its block; each one's stall check still holds.
      if (gaveUp) continue;
      // Pending writes may sit in blocks the broken stream did not deliver: each asks the peer.
      for (const set of this.#waiters.values()) for (const w of set) w.askPeer();
      await sleep(delay, undefined, { signal: this.#stop.signal }).catch(() => undefined);
      delay = Math.min(delay * 2, this.#options.maxRetryMs ?? 5000);
    }
  }

  #stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  #deliver(block: CommittedBlock): void {
    this.#lastDeliveryAt = performance.now();
    if (this.#lastBlock !== undefined && block.number <= this.#lastBlock) return;
    this.#lastBlock = block.number;
    this.#nextBlock = block.number + 1n;
    for (const tx of block.transactions) {
      const set = this.#waiters.get(tx.txId);
      if (!set) continue;
      // The first occurrence of a tx id decides it; a later copy is only a DUPLICATE_TXID.
      for (const w of [...set]) w.settle({ outcome: { code: tx.code, blockNumber: block.number } });
    }
  }
}

/** What `promise` resolves to within `ms`; undefined when it rejects or takes longer. */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      resolve(undefined);
    }, ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The part of a fabric-gateway `Transaction` that {@link submitAndWait} uses. */
export interface SubmittableTransaction {
  getTransactionId(): string;
  submit(): Promise<{ getStatus(): Promise<Status> }>;
}

/** How {@link submitAndWait} waits. */
export interface SubmitWaitOptions {
  /** Told when the transaction was submitted and when its commit is known (the fault suite's crash points). */
  readonly afterSubmit?: () => void;
  readonly afterCommit?: () => void;
  /**
   * Submits the same transaction again (same id, same bytes) when this long passes without its commit,
   * then at growing intervals ({@link resubmitDelays}). An orderer may accept a transaction and then
   * lose it (a Raft leader cut off from the others drops what it had not replicated), and the write
   * would wait out its whole deadline; a copy reaches the orderers that lead now. Fabric commits a
   * transaction id once: a second copy ordered later is only a DUPLICATE_TXID, so this can never apply a
   * write twice. Unset: never.
   */
  readonly resubmitAfterMs?: number;
}

/** How many times the first resubmit delay the gap between two later resubmits may grow to. */
export const RESUBMIT_MAX_FACTOR = 4;

/**
 * The gaps between a stuck write's submit and its resubmits: `firstMs`, then doubling, at most
 * {@link RESUBMIT_MAX_FACTOR} times `firstMs` (6, 12, 24, 24 ... s for 6 s). The first stays short
 * because a copy lost by a cut-off Raft leader is found by it; the later ones grow because a commit
 * that is merely slow (a saturated host) gains nothing from copies, and each copy costs the orderers
 * and every peer what a transaction costs before validation refuses it as a duplicate.
 */
export function* resubmitDelays(firstMs: number): Generator<number, never> {
  const maxMs = firstMs * RESUBMIT_MAX_FACTOR;
  for (let delay = firstMs; ; delay = Math.min(delay * 2, maxMs)) yield delay;
}

/**
 * Whether a failed submit has in fact reached the ordering service. On BFT ordering, Fabric's gateway
 * sends the transaction to every orderer and fails the submit when fewer than a quorum accept it; but
 * an orderer that got the transaction through another orderer first, and has already ordered it (with a
 * short batch interval, often before the gateway's own copy arrives), refuses the copy with "request
 * already processed", which counts as a failure. The transaction is then ordered or about to be, and
 * its commit decides the write like any other.
 */
export function submitAlreadyOrdered(err: unknown): boolean {
  return (submitDetails(err) ?? []).some((m) => /request already processed/.test(m));
}

/** The per-orderer messages of a fabric-gateway SubmitError; `undefined` for any other error. */
function submitDetails(err: unknown): string[] | undefined {
  if (!(err instanceof Error) || err.name !== 'SubmitError') return undefined;
  const details = (err as { details?: readonly { message?: string }[] }).details ?? [];
  return details.map((d) => d.message ?? '');
}

/**
 * Submits an endorsed transaction and waits for its commit: on `commits`' stream when given (the
 * waiter registered before submitting), else with one CommitStatus call; stuck transactions are
 * submitted again (see {@link SubmitWaitOptions.resubmitAfterMs}). A submit that failed only because
 * orderers had already ordered the transaction ({@link submitAlreadyOrdered}) waits for the commit on
 * the stream too (without a stream it fails as before, and a retry with the same idempotency key finds
 * the commit). Resolves the block number when VALID; otherwise throws the `CommitError` of the
 * validation code, which the error mapping turns into the same HTTP answer (and MVCC retry) on both
 * paths.
 */
export async function submitAndWait(
  transaction: SubmittableTransaction,
  commits?: CommitTracker,
  options: SubmitWaitOptions = {},
): Promise<bigint> {
  const transactionId = transaction.getTransactionId();
  const waiter = commits?.expect(transactionId);
  let commitStatus: () => Promise<CommitOutcome>;
  try {
    const submitted = await transaction.submit();
    commitStatus = async () => {
      const status = await submitted.getStatus();
      return { code: status.code, blockNumber: status.blockNumber };
    };
  } catch (err) {
    if (waiter === undefined || !submitAlreadyOrdered(err)) {
      waiter?.cancel();
      throw err;
    }
    // No Commit to ask the peer with: if the stream could have missed it, the submit's error stands.
    commitStatus = () => Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  options.afterSubmit?.();
  const wait = waiter ? waiter.wait(commitStatus) : commitStatus();
  let outcome: CommitOutcome;
  try {
    outcome =
      options.resubmitAfterMs === undefined
        ? await wait
        : await resubmitWhileWaiting(wait, () => transaction.submit(), options.resubmitAfterMs);
  } finally {
    // The waiter leaves the tracker (a no-op once settled): after a refusal its commit will not come.
    waiter?.cancel();
  }
  options.afterCommit?.();
  if (outcome.code !== StatusCode.VALID) throw new CommitError({ code: outcome.code, transactionId });
  return outcome.blockNumber;
}

/** Waits `ms` unless `signal` aborts first (then rejects). */
export type AbortableSleep = (ms: number, signal: AbortSignal) => Promise<unknown>;

const timerSleep: AbortableSleep = (ms, signal) => sleep(ms, undefined, { signal });

/** The orderers' answer to a transaction they will never order: its signer or content fails the channel's policies. */
const ORDERER_REFUSAL = /received unsuccessful response from orderer: status=(FORBIDDEN|BAD_REQUEST)\b/;

/**
 * Whether the orderers refused a submit for good (status FORBIDDEN or BAD_REQUEST): no copy of the
 * transaction can be ordered any more, as when a config update revoked its signer's certificate after
 * an orderer first accepted it (the orderers then drop the accepted copy when they revalidate it under
 * the new config, and no commit ever comes).
 */
export function ordererRefused(err: unknown): boolean {
  const details = submitDetails(err);
  return details !== undefined && [(err as Error).message, ...details].some((t) => ORDERER_REFUSAL.test(t));
}

/**
 * Awaits `wait`, calling `resubmit` after each of {@link resubmitDelays}`(firstMs)` until it settles.
 * A resubmit that fails for a passing reason changes nothing; one the orderers refuse for good
 * ({@link ordererRefused}) ends the resubmits, and unless the commit arrives within one more `firstMs`,
 * the refusal is the answer: a copy ordered before the refusal is in a block the orderers had already
 * cut, which the peer commits within that time, and otherwise the write would only wait out its whole
 * deadline. `pause` is the timer (tests pass a virtual one).
 */
export async function resubmitWhileWaiting<T>(
  wait: Promise<T>,
  resubmit: () => Promise<unknown>,
  firstMs: number,
  pause: AbortableSleep = timerSleep,
): Promise<T> {
  const done = new AbortController();
  const refused = (async (): Promise<never> => {
    let refusal: unknown;
    for (const delay of resubmitDelays(firstMs)) {
      await pause(delay, done.signal);
      // Orderers down or busy: the wait itself decides when to give up.
      refusal = await resubmit().then(
        () => undefined,
        (err: unknown) => (ordererRefused(err) ? err : undefined),
      );
      if (refusal !== undefined) break;
    }
    await pause(firstMs, done.signal);
    throw refusal;
  })();
  try {
    return await Promise.race([wait, refused]);
  } finally {
    done.abort();
    await refused.catch(() => undefined);
  }
}

/** The channel height from the `qscc` system chaincode. */
export async function channelHeight(network: Network): Promise<bigint> {
  const info = await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName());
  return BigInt(common.BlockchainInfo.deserializeBinary(info).getHeight());
}
