/**
 * A journaling load driver and its checker. Every logical write has an Idempotency-Key; every HTTP
 * attempt under it is journaled (status, tx id, times). An attempt that times out, is reset or gets a
 * 5xx is ambiguous and is retried with the same key and payload until it gets a definite answer or the
 * op's deadline passes. Afterwards {@link checkJournal} reads the new blocks on every peer and proves:
 * every acknowledged write is VALID, every ambiguous one resolved to at most one VALID transaction, no
 * business effect applied twice, every peer at the same height and block hash.
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { StatusCode } from '@hyperledger/fabric-gateway';
import type { NetworkInfo } from '@medledger/network';
import { convergedTip, orgAdmin } from './faults';
import { readLedger, type LedgerTx } from './ledger';

/** What one HTTP attempt ended with. */
export type AttemptStatus = number | 'timeout' | 'reset';

/** One HTTP attempt under an idempotency key. */
export interface Attempt {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly status: AttemptStatus;
  readonly contentType: string;
  readonly body: string;
  readonly txId?: string;
  readonly replayed: boolean;
}

/** How a logical write ended. */
export type Outcome = 'acked' | 'rejected' | 'ambiguous';

/** One logical write. */
export interface JournalOp {
  readonly key: string;
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly payloadHash: string;
  /** What the write does on the ledger, e.g. the DID it registers or the record it accesses. */
  readonly businessKey: string;
  readonly attempts: Attempt[];
  outcome: Outcome;
  txId?: string;
}

/** A write to journal. */
export interface WriteSpec {
  readonly kind: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
  readonly body: unknown;
  readonly businessKey: string;
  readonly token: string;
}

/** Options of {@link Journal.write}. */
export interface WriteOptions {
  /** Per-attempt client deadline. */
  readonly attemptTimeoutMs?: number;
  /** After this long the op stops retrying and stays ambiguous. */
  readonly opDeadlineMs?: number;
  /** Headers of the first attempt only (e.g. a gateway failpoint; the retries are plain). */
  readonly firstAttemptHeaders?: Readonly<Record<string, string>>;
}

function isAmbiguous(status: AttemptStatus, body: string): boolean {
  if (status === 'timeout' || status === 'reset') return true;
  if (status >= 500 || status === 429) return true;
  return status === 409 && body.includes('IDEMPOTENCY_IN_PROGRESS');
}

/** The journal of one run against one gateway base URL per org. */
export class Journal {
  readonly ops: JournalOp[] = [];

  /** Every attempt of every op, oldest first. */
  attempts(): (Attempt & { op: JournalOp })[] {
    return this.ops
      .flatMap((op) => op.attempts.map((a) => ({ ...a, op })))
      .sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Runs one logical write to its end, retrying ambiguous attempts with the same key. */
  async write(baseUrl: string, spec: WriteSpec, options: WriteOptions = {}): Promise<JournalOp> {
    const text = JSON.stringify(spec.body);
    const op: JournalOp = {
      key: randomUUID(),
      kind: spec.kind,
      method: spec.method,
      path: spec.path,
      payloadHash: createHash('sha256').update(text).digest('hex'),
      businessKey: spec.businessKey,
      attempts: [],
      outcome: 'ambiguous',
    };
    this.ops.push(op);
    const deadline = Date.now() + (options.opDeadlineMs ?? 90_000);
    for (;;) {
      const headers = op.attempts.length === 0 ? (options.firstAttemptHeaders ?? {}) : {};
      const attempt = await attemptOnce(
        baseUrl,
        spec,
        op.key,
        text,
        headers,
        options.attemptTimeoutMs ?? 30_000,
      );
      op.attempts.push(attempt);
      if (typeof attempt.status === 'number' && attempt.status >= 200 && attempt.status < 300) {
        op.outcome = 'acked';
        if (attempt.txId !== undefined) op.txId = attempt.txId;
        return op;
      }
      if (!isAmbiguous(attempt.status, attempt.body)) {
        op.outcome = 'rejected';
        return op;
      }
      if (Date.now() > deadline) return op;
      await sleep(attempt.status === 'timeout' ? 100 : 500);
    }
  }
}

async function attemptOnce(
  baseUrl: string,
  spec: WriteSpec,
  key: string,
  text: string,
  extraHeaders: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<Attempt> {
  const startedAt = Date.now();
  try {
    const res = await fetch(`${baseUrl}${spec.path}`, {
      method: spec.method,
      headers: {
        ...extraHeaders,
        authorization: `Bearer ${spec.token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: text,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    let txId: string | undefined;
    try {
      const parsed = JSON.parse(body) as { txId?: unknown };
      if (typeof parsed.txId === 'string') txId = parsed.txId;
    } catch {
      // not JSON: kept as text for the checker
    }
    return {
      startedAt,
      endedAt: Date.now(),
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body,
      ...(txId === undefined ? {} : { txId }),
      replayed: res.headers.get('idempotent-replayed') === 'true',
    };
  } catch (err) {
    const name = (err as Error).name;
    return {
      startedAt,
      endedAt: Date.now(),
      status: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'reset',
      contentType: '',
      body: '',
      replayed: false,
    };
  }
}

/** Runs `workers` loops of `next()` writes until `durationMs` passes or `maxOps` ops were started. */
export async function runLoad(
  workers: number,
  durationMs: number,
  maxOps: number,
  next: (worker: number, seq: number) => Promise<unknown>,
  pauseMs = 100,
): Promise<void> {
  const end = Date.now() + durationMs;
  let started = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let seq = 0; Date.now() < end && started < maxOps; seq++) {
        started++;
        await next(w, seq);
        await sleep(pauseMs);
      }
    }),
  );
}

/** Which ledger transaction carries the business key of a journaled write. */
export type BusinessKeyOf = (tx: LedgerTx) => string | undefined;

/**
 * The default business keys: the patient a RegisterPatient registers (its public patient key, in the
 * result: the DID itself travels in the transient map and never reaches a block), the record an
 * AccessRecord reads.
 */
export const defaultBusinessKey: BusinessKeyOf = (tx) => {
  try {
    if (tx.fn.endsWith(':RegisterPatient')) {
      const result = JSON.parse(tx.result) as { patientKey?: unknown };
      return typeof result.patientKey === 'string' ? `patient:${result.patientKey}` : undefined;
    }
    const arg = JSON.parse(tx.arg) as { recordId?: unknown };
    if (tx.fn.endsWith(':AccessRecord') && typeof arg.recordId === 'string') return `access:${arg.recordId}`;
  } catch {
    return undefined;
  }
  return undefined;
};

/** What the checker found. */
export interface JournalReport {
  readonly ops: number;
  readonly acked: number;
  readonly rejected: number;
  readonly ambiguousAttempts: number;
  readonly unresolved: number;
  readonly lost: string[];
  readonly appliedTwice: string[];
  readonly differentReplies: string[];
  /** Ops whose retry after an ambiguous attempt was refused (e.g. ALREADY_EXISTS): not the same answer. */
  readonly refusedAfterAmbiguous: string[];
  readonly statusCounts: Record<string, number>;
  readonly fiveHundreds: number;
  /** Transactions of the run that did not commit VALID (e.g. 11 = MVCC read conflict), as `fn:code`. */
  readonly invalidTxs: string[];
  /**
   * {@link invalidTxs} but for copies of a transaction that committed VALID (DUPLICATE_TXID, 9): a write
   * resubmitted byte for byte because its commit took longer than the resubmit interval.
   */
  readonly invalidExceptCopies: string[];
  readonly height: number;
  readonly peersAgree: boolean;
}

/**
 * Replays the blocks from `fromBlock` on every peer and checks the journal against them. Business keys
 * `patient:*` may be applied once; `access:*` once per op (each op of that key counted).
 */
export async function checkJournal(
  info: NetworkInfo,
  journal: Journal,
  fromBlock: number,
  businessKeyOf: BusinessKeyOf = defaultBusinessKey,
): Promise<JournalReport> {
  const tip = await convergedTip(info, 90_000);
  const perPeer = await Promise.all(
    info.orgs.map((org) => readLedger(info, org.name, orgAdmin(org.name), fromBlock)),
  );
  const reference = perPeer[0] ?? [];
  const fingerprint = (txs: LedgerTx[]) => txs.map((t) => `${t.txId}:${String(t.validationCode)}`).join(',');
  const peersAgree = perPeer.every((txs) => fingerprint(txs) === fingerprint(reference));
  const valid = new Map<string, LedgerTx>();
  const validByBusinessKey = new Map<string, LedgerTx[]>();
  for (const tx of reference) {
    if (tx.validationCode !== 0) continue;
    valid.set(tx.txId, tx);
    const bk = businessKeyOf(tx);
    if (bk !== undefined) validByBusinessKey.set(bk, [...(validByBusinessKey.get(bk) ?? []), tx]);
  }
  const lost: string[] = [];
  const appliedTwice: string[] = [];
  const differentReplies: string[] = [];
  const refusedAfterAmbiguous: string[] = [];
  const statusCounts: Record<string, number> = {};
  const opsByBusinessKey = new Map<string, JournalOp[]>();
  for (const op of journal.ops) {
    opsByBusinessKey.set(op.businessKey, [...(opsByBusinessKey.get(op.businessKey) ?? []), op]);
    for (const a of op.attempts) statusCounts[String(a.status)] = (statusCounts[String(a.status)] ?? 0) + 1;
    if (op.outcome === 'acked' && (op.txId === undefined || !valid.has(op.txId))) {
      lost.push(`${op.kind} ${op.key} tx ${op.txId ?? '?'}`);
    }
    if (op.outcome === 'rejected' && op.attempts.some((a) => isAmbiguous(a.status, a.body))) {
      const last = op.attempts.at(-1);
      refusedAfterAmbiguous.push(
        `${op.kind} ${op.key}: ${String(last?.status)} ${last?.body.slice(0, 160) ?? ''}`,
      );
    }
    const replies = op.attempts.filter((a) => typeof a.status === 'number' && a.status < 300);
    if (new Set(replies.map((a) => a.body)).size > 1) differentReplies.push(`${op.kind} ${op.key}`);
  }
  for (const [bk, ops] of opsByBusinessKey) {
    const onLedger = validByBusinessKey.get(bk) ?? [];
    const ackedIds = new Set(ops.flatMap((o) => (o.outcome === 'acked' && o.txId ? [o.txId] : [])));
    const extra = onLedger.filter((t) => !ackedIds.has(t.txId)).length;
    // An op that never got a definite answer may have committed once; nothing else may be extra.
    const mayBeExtra = ops.filter((o) => o.outcome === 'ambiguous').length;
    const allowed = bk.startsWith('patient:') ? Math.max(0, 1 - ackedIds.size) : mayBeExtra;
    if (extra > allowed || (bk.startsWith('patient:') && onLedger.length > 1)) {
      appliedTwice.push(`${bk}: ${String(onLedger.length)} VALID for ${String(ops.length)} op(s)`);
    }
  }
  const attempts = journal.attempts();
  return {
    ops: journal.ops.length,
    acked: journal.ops.filter((o) => o.outcome === 'acked').length,
    rejected: journal.ops.filter((o) => o.outcome === 'rejected').length,
    ambiguousAttempts: attempts.filter((a) => isAmbiguous(a.status, a.body)).length,
    unresolved: journal.ops.filter((o) => o.outcome === 'ambiguous').length,
    lost,
    appliedTwice,
    differentReplies,
    refusedAfterAmbiguous,
    statusCounts,
    fiveHundreds: attempts.filter((a) => a.status === 500).length,
    invalidTxs: reference
      .filter((t) => t.validationCode !== 0)
      .map((t) => `${t.fn}:${String(t.validationCode)}`),
    invalidExceptCopies: reference
      .filter(
        (t) =>
          t.validationCode !== 0 && !(t.validationCode === StatusCode.DUPLICATE_TXID && valid.has(t.txId)),
      )
      .map((t) => `${t.fn}:${String(t.validationCode)}`),
    height: tip.height,
    peersAgree,
  };
}

/** First acknowledged write that started after `since` (ms epoch): when writes resumed. */
export function resumedAt(journal: Journal, since: number): number | undefined {
  const acks = journal
    .attempts()
    .filter((a) => a.startedAt >= since && typeof a.status === 'number' && a.status < 300)
    .map((a) => a.endedAt);
  return acks.length === 0 ? undefined : Math.min(...acks);
}
