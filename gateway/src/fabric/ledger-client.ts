/**
 * The Fabric implementation of {@link LedgerClient}: per-caller identity and signer from the wallet,
 * one shared gRPC connection per peer, deadlines on every call, submit = endorse, submit, wait for the
 * commit (from the gateway's one block stream with a {@link CommitTracker}, or one CommitStatus call
 * per transaction without); success only when VALID; MVCC conflicts retried with a fresh endorsement
 * (bounded), as is a second create of a write-once key that lost its race (its retry gets the definite
 * answer, e.g. CONFLICT).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { randomInt } from 'node:crypto';

import {
  connect,
  hash,
  type Contract,
  type Gateway,
  type ProposalOptions,
} from '@hyperledger/fabric-gateway';
import { common, peer as peerProto } from '@hyperledger/fabric-protos';

import type { GatewayConfig } from '../config';
import { AppError, GatewayErrorCode } from '../errors';
import { crashAt } from '../failpoints';
import type { Wallet } from '../wallet';
import { submitAndWait, type CommitTracker } from './commit-tracker';
import { mapLedgerError, retryLostRaces } from './error-mapping';
import type { PeerConnection } from './connection';
import type {
  EndorsedTransaction,
  LedgerCaller,
  LedgerCallOptions,
  LedgerClient,
  SubmitResult,
} from './ledger-port';
import { PeerPreference } from './peer-failover';
import { newOpenSslSigner } from './signer';

/** Observes ledger calls (metrics). */
export type LedgerObserver = (fn: string, kind: 'submit' | 'evaluate', seconds: number, code: string) => void;

/** Options of {@link FabricLedgerClient}. */
export interface FabricLedgerClientOptions {
  readonly observe?: LedgerObserver;
  /** Wait for commits on this tracker's block stream; without it, one CommitStatus call per transaction. */
  readonly commits?: CommitTracker;
  /**
   * Told when a call to the org's peer at `peerIndex` (0 is the local peer) ran past its deadline: the
   * peer may hang, and a stream it serves would stay silent rather than fail.
   */
  readonly onPeerTimeout?: (peerIndex: number) => void;
}

interface CachedGateway {
  readonly gateways: (Gateway | undefined)[];
  readonly mspId: string;
  readonly certificate: Uint8Array;
  readonly signer: (m: Uint8Array) => Promise<Uint8Array>;
}

const MAX_CACHED_IDENTITIES = 10_000;

/**
 * How long a retry waits for an earlier attempt's transaction to appear in a block when it cannot submit
 * that transaction again (no bytes were kept: a row from an older gateway) before writing anew.
 */
const RECOVERY_WAIT_MS = 6000;

type PriorStatus = { state: 'valid'; result: SubmitResult } | { state: 'invalid' } | { state: 'missing' };

/** Reads the chaincode response payload and validation code out of a qscc ProcessedTransaction. */
function decodeProcessed(txId: string, bytes: Uint8Array): PriorStatus {
  const processed = peerProto.ProcessedTransaction.deserializeBinary(bytes);
  if (processed.getValidationcode() !== 0) return { state: 'invalid' };
  const envelope = processed.getTransactionenvelope();
  if (!envelope) return { state: 'invalid' };
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const tx = peerProto.Transaction.deserializeBinary(payload.getData_asU8());
  const action = tx.getActionsList()[0];
  if (!action) return { state: 'invalid' };
  const actionPayload = peerProto.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const prp = peerProto.ProposalResponsePayload.deserializeBinary(
    actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
  );
  const ccAction = peerProto.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
  const response = Buffer.from(ccAction.getResponse()?.getPayload_asU8() ?? new Uint8Array()).toString(
    'utf8',
  );
  return { state: 'valid', result: { txId, payload: response, blockNumber: '' } };
}

/** The argument, transient data and endorsing orgs of a proposal, for evaluate and submit alike. */
function proposalOptions(arg: string | undefined, options: LedgerCallOptions): ProposalOptions {
  return {
    arguments: arg === undefined ? [] : [arg],
    ...(options.transient ? { transientData: { ...options.transient } } : {}),
    ...(options.endorsingOrganizations
      ? { endorsingOrganizations: [...options.endorsingOrganizations] }
      : {}),
  };
}

/** Ledger client over fabric-gateway. */
export class FabricLedgerClient implements LedgerClient {
  readonly #config: Readonly<GatewayConfig>;
  readonly #peers: readonly PeerConnection[];
  readonly #wallet: Wallet;
  readonly #serviceId: string;
  readonly #observe: LedgerObserver;
  readonly #commits: CommitTracker | undefined;
  readonly #cache = new Map<string, Promise<CachedGateway>>();
  readonly #preference: PeerPreference;
  readonly #onPeerTimeout: (peerIndex: number) => void;

  constructor(
    config: Readonly<GatewayConfig>,
    peers: readonly PeerConnection[],
    wallet: Wallet,
    serviceEnrollmentId: string,
    options: Readonly<FabricLedgerClientOptions> = {},
  ) {
    if (peers.length === 0) throw new Error('no peer connections');
    this.#config = config;
    this.#peers = peers;
    this.#preference = new PeerPreference(peers.length);
    this.#wallet = wallet;
    this.#serviceId = serviceEnrollmentId;
    this.#observe = options.observe ?? (() => undefined);
    this.#commits = options.commits;
    this.#onPeerTimeout = options.onPeerTimeout ?? (() => undefined);
  }

  async #identity(enrollmentId: string): Promise<CachedGateway> {
    let entry = this.#cache.get(enrollmentId);
    if (!entry) {
      entry = this.#load(enrollmentId);
      if (this.#cache.size >= MAX_CACHED_IDENTITIES) this.#evictOldest();
      this.#cache.set(enrollmentId, entry);
      entry.catch(() => this.#cache.delete(enrollmentId));
    }
    return entry;
  }

  #evictOldest(): void {
    const oldest = this.#cache.keys().next();
    if (oldest.done) return;
    const key = oldest.value;
    void this.#cache.get(key)?.then((c) => {
      for (const g of c.gateways) g?.close();
    });
    this.#cache.delete(key);
  }

  async #load(enrollmentId: string): Promise<CachedGateway> {
    const id = await this.#wallet.get(enrollmentId);
    if (!id) {
      throw new AppError(GatewayErrorCode.IDENTITY_NOT_ENROLLED, 'the caller has no ledger identity here');
    }
    return {
      gateways: this.#peers.map(() => undefined),
      mspId: id.mspId,
      certificate: Buffer.from(id.certificate),
      signer: newOpenSslSigner(id.privateKey),
    };
  }

  #gateway(c: CachedGateway, peerIndex: number): Gateway {
    const existing = c.gateways[peerIndex];
    if (existing) return existing;
    const peer = this.#peers[peerIndex];
    if (!peer) throw new Error('no such peer');
    const t = this.#config.timeouts;
    const gw = connect({
      client: peer.client,
      identity: { mspId: c.mspId, credentials: c.certificate },
      signer: c.signer,
      // The OpenSSL signer hashes the message itself.
      hash: hash.none,
      evaluateOptions: () => ({ deadline: Date.now() + t.evaluateMs }),
      endorseOptions: () => ({ deadline: Date.now() + t.endorseMs }),
      submitOptions: () => ({ deadline: Date.now() + t.submitMs }),
      commitStatusOptions: () => ({ deadline: Date.now() + t.commitStatusMs }),
    });
    c.gateways[peerIndex] = gw;
    return gw;
  }

  #contract(c: CachedGateway, peerIndex: number): Contract {
    return this.#gateway(c, peerIndex).getNetwork(this.#config.channel).getContract(this.#config.chaincode);
  }

  /**
   * Runs `op` on the org's peers in {@link PeerPreference} order (the local peer first unless it failed
   * lately), going on to the next while one is unavailable. A call past its deadline has spent its time:
   * it fails, and the next calls try the other peers first.
   */
  async #withFailover<T>(op: (peerIndex: number) => Promise<T>, stage: string): Promise<T> {
    let last: AppError | undefined;
    for (const i of this.#preference.order()) {
      try {
        const result = await op(i);
        this.#preference.answered(i);
        return result;
      } catch (err) {
        const mapped = mapLedgerError(err, stage);
        const code = mapped.code;
        if (code === GatewayErrorCode.LEDGER_UNAVAILABLE || code === GatewayErrorCode.LEDGER_TIMEOUT) {
          this.#preference.failed(i);
          if (code === GatewayErrorCode.LEDGER_TIMEOUT) this.#onPeerTimeout(i);
        } else {
          this.#preference.answered(i);
        }
        if (code !== GatewayErrorCode.LEDGER_UNAVAILABLE) throw mapped;
        last = mapped;
      }
    }
    throw last ?? new AppError(GatewayErrorCode.LEDGER_UNAVAILABLE, 'no peer available');
  }

  /** Runs `op`, maps its failure once, and observes how long the call took and how it ended. */
  async #observed<T>(fn: string, kind: 'submit' | 'evaluate', op: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    let code = 'OK';
    try {
      return await op();
    } catch (err) {
      const mapped = mapLedgerError(err, kind);
      code = mapped.code;
      throw mapped;
    } finally {
      this.#observe(fn, kind, Number(process.hrtime.bigint() - started) / 1e9, code);
    }
  }

  evaluate(
    caller: LedgerCaller,
    fn: string,
    arg: string | undefined,
    options: LedgerCallOptions = {},
  ): Promise<string> {
    return this.#observed(fn, 'evaluate', async () => {
      const c = await this.#identity(caller.enrollmentId);
      const bytes = await this.#withFailover(
        (i) => this.#contract(c, i).evaluate(fn, proposalOptions(arg, options)),
        'evaluate',
      );
      return Buffer.from(bytes).toString('utf8');
    });
  }

  submit(
    caller: LedgerCaller,
    fn: string,
    arg: string | undefined,
    options: LedgerCallOptions = {},
  ): Promise<SubmitResult> {
    return this.#observed(fn, 'submit', async () => {
      const c = await this.#identity(caller.enrollmentId);
      if (options.prior && options.prior.length > 0) {
        const recovered = await this.#recover(c, options.prior);
        if (recovered) {
          options.onEndorsed?.({ fn, txId: recovered.txId });
          return recovered;
        }
      }
      return retryLostRaces(
        () => this.#submitOnce(c, fn, arg, options),
        this.#config.timeouts.mvccRetries,
        sleep,
        randomInt,
      );
    });
  }

  async #submitOnce(
    c: CachedGateway,
    fn: string,
    arg: string | undefined,
    options: LedgerCallOptions,
  ): Promise<SubmitResult> {
    crashAt('before-endorse', options.failpoint);
    const tx = await this.#withFailover(async (i) => {
      const proposal = this.#contract(c, i).newProposal(fn, proposalOptions(arg, options));
      return { transaction: await proposal.endorse(), peerIndex: i };
    }, 'endorse');
    const txId = tx.transaction.getTransactionId();
    options.onEndorsed?.({ fn, txId, envelope: tx.transaction.getBytes() });
    crashAt('after-endorse', options.failpoint);
    const payload = Buffer.from(tx.transaction.getResult()).toString('utf8');
    const blockNumber = await submitAndWait(tx.transaction, this.#commits, {
      resubmitAfterMs: this.#config.timeouts.resubmitMs,
      afterSubmit: () => {
        crashAt('after-submit', options.failpoint);
      },
      afterCommit: () => {
        crashAt('after-commit', options.failpoint);
      },
    });
    return { txId, payload, blockNumber: blockNumber.toString() };
  }

  /**
   * The result of whichever of `prior` commits VALID; undefined when none can (the caller then writes
   * anew). A transaction not on the ledger yet is submitted again byte for byte: Fabric lets a
   * transaction id commit at most once (a second copy is marked DUPLICATE_TXID), so the copy and the
   * original cannot both take effect, and once either is in a block the answer is final. This is what
   * makes a retry safe however long the first attempt's transaction stays in flight.
   */
  async #recover(c: CachedGateway, prior: readonly EndorsedTransaction[]): Promise<SubmitResult | undefined> {
    const unsure: string[] = [];
    for (const p of prior) {
      let status = await this.#priorStatus(c, p.txId);
      if (status.state === 'missing' && p.envelope) status = await this.#submitAgain(c, p.envelope);
      if (status.state === 'valid') return status.result;
      if (status.state === 'missing') unsure.push(p.txId);
    }
    const deadline = performance.now() + RECOVERY_WAIT_MS;
    while (unsure.length > 0 && performance.now() < deadline) {
      await sleep(500);
      const states = await Promise.all(unsure.map((txId) => this.#priorStatus(c, txId)));
      for (const st of states) if (st.state === 'valid') return st.result;
      if (states.every((st) => st.state === 'invalid')) break;
    }
    return undefined;
  }

  /** Submits a kept transaction again and waits for the commit of its id (either copy). */
  async #submitAgain(c: CachedGateway, envelope: Uint8Array): Promise<PriorStatus> {
    return this.#withFailover(async (i) => {
      const tx = this.#gateway(c, i).newTransaction(envelope);
      const commit = await tx.submit();
      const status = await commit.getStatus();
      if (!status.successful) return { state: 'invalid' };
      const result: SubmitResult = {
        txId: tx.getTransactionId(),
        payload: Buffer.from(tx.getResult()).toString('utf8'),
        blockNumber: status.blockNumber.toString(),
      };
      return { state: 'valid', result };
    }, 'recover');
  }

  async #priorStatus(c: CachedGateway, txId: string): Promise<PriorStatus> {
    try {
      const bytes = await this.#withFailover(
        (i) =>
          this.#gateway(c, i)
            .getNetwork(this.#config.channel)
            .getContract('qscc')
            .evaluate('GetTransactionByID', { arguments: [this.#config.channel, txId] }),
        'recover',
      );
      return decodeProcessed(txId, bytes);
    } catch (err) {
      const texts = [
        (err as Error).message,
        ...((err as { cause?: { details?: { message: string }[] } }).cause?.details ?? []).map(
          (d) => d.message,
        ),
      ];
      if (texts.some((t) => /no such transaction|not found/i.test(t))) return { state: 'missing' };
      throw err;
    }
  }

  async ping(): Promise<void> {
    await this.evaluate({ enrollmentId: this.#serviceId }, 'health:GetBuildInfo', undefined);
  }

  close(): void {
    for (const entry of this.#cache.values()) {
      void entry.then(
        (c) => {
          for (const g of c.gateways) g?.close();
        },
        () => undefined,
      );
    }
    this.#cache.clear();
    for (const p of this.#peers) p.client.close();
  }
}
