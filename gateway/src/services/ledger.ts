/**
 * The typed ledger over the domain's transaction registry: inputs are validated with the transaction's
 * schema and sent as canonical JSON; outputs are parsed with its output schema (a response that does
 * not match is a 502, never passed on).
 */
import {
  canonicalJson,
  CONTENT_TRANSIENT_KEY,
  qualifiedName,
  transactions,
  type TransactionName,
  type TransactionOutput,
} from '@medledger/domain';
import type { z } from 'zod';

import { AppError, GatewayErrorCode, type ValidationIssue } from '../errors';
import type {
  EndorsedTransaction,
  LedgerCallOptions,
  LedgerCaller,
  LedgerClient,
} from '../fabric/ledger-port';
import type { FailpointStage } from '../failpoints';

/** Options of a typed call. */
export interface TypedCallOptions {
  /** Content envelope for transactions that take one (sent in the transient map). */
  readonly content?: unknown;
  readonly endorsingOrganizations?: readonly string[];
  readonly onEndorsed?: (tx: EndorsedTransaction) => void;
}

/** Converts zod issues to paths and messages (never the offending values). */
export function issuesOf(error: z.ZodError, prefix = ''): ValidationIssue[] {
  return error.issues.slice(0, 20).map((i) => ({
    path: `${prefix}/${i.path.map((p) => String(p)).join('/')}`,
    message: i.message,
  }));
}

/** Validates `value` with `schema`, throwing a 400 VALIDATION_FAILED. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(GatewayErrorCode.VALIDATION_FAILED, 'the request does not match its schema', {
      issues: issuesOf(parsed.error, prefix),
    });
  }
  return parsed.data;
}

/** The typed ledger. */
export class Ledger {
  readonly #client: LedgerClient;

  constructor(client: LedgerClient) {
    this.#client = client;
  }

  #prepare(name: TransactionName, input: unknown, options: TypedCallOptions) {
    const spec = transactions[name];
    const parsed = validate(spec.input, input, '/body');
    const arg = 'noArgs' in spec ? undefined : canonicalJson(parsed);
    let transient: Record<string, string> | undefined;
    if ('transient' in spec) {
      if (options.content === undefined) throw new Error(`${name} needs content`);
      transient = {
        [CONTENT_TRANSIENT_KEY]: canonicalJson(validate(spec.transient, options.content, '/body')),
      };
    }
    return {
      arg,
      call: {
        ...(transient ? { transient } : {}),
        ...(options.endorsingOrganizations ? { endorsingOrganizations: options.endorsingOrganizations } : {}),
        ...(options.onEndorsed ? { onEndorsed: options.onEndorsed } : {}),
      },
    };
  }

  #parseOutput<N extends TransactionName>(name: N, text: string): TransactionOutput<N> {
    const spec = transactions[name];
    let value: unknown = text;
    if (name !== 'Ping') {
      try {
        value = JSON.parse(text);
      } catch {
        throw new AppError(GatewayErrorCode.LEDGER_RESPONSE_INVALID, `${name} returned invalid JSON`);
      }
    }
    const parsed = spec.output.safeParse(value);
    if (!parsed.success) {
      throw new AppError(GatewayErrorCode.LEDGER_RESPONSE_INVALID, `${name} returned an unexpected shape`);
    }
    return parsed.data as TransactionOutput<N>;
  }

  /** Submits a transaction and waits for it to commit VALID. */
  async submit<N extends TransactionName>(
    caller: LedgerCaller,
    name: N,
    input: unknown,
    options: TypedCallOptions = {},
  ): Promise<{ txId: string; result: TransactionOutput<N> }> {
    const { arg, call } = this.#prepare(name, input, options);
    const res = await this.#client.submit(caller, qualifiedName(name), arg, call);
    return { txId: res.txId, result: this.#parseOutput(name, res.payload) };
  }

  /** Evaluates a transaction (query). */
  async evaluate<N extends TransactionName>(
    caller: LedgerCaller,
    name: N,
    input: unknown,
    options: TypedCallOptions = {},
  ): Promise<TransactionOutput<N>> {
    const { arg, call } = this.#prepare(name, input, options);
    return this.#parseOutput(name, await this.#client.evaluate(caller, qualifiedName(name), arg, call));
  }

  /** Readiness. */
  ping(): Promise<void> {
    return this.#client.ping();
  }

  /**
   * This ledger for the retry of a request whose earlier attempt endorsed `prior` but did not finish:
   * each submit first recovers the earlier transactions of its function, so a retry never writes a
   * business effect twice.
   */
  withPrior(prior: readonly EndorsedTransaction[]): Ledger {
    const remaining = [...prior];
    return this.#withSubmitOptions((fn) => {
      const mine = remaining.filter((p) => p.fn === fn);
      for (let i = remaining.length - 1; i >= 0; i--) if (remaining[i]?.fn === fn) remaining.splice(i, 1);
      return mine.length > 0 ? { prior: mine } : {};
    });
  }

  /** This ledger with every submit crashing the process at `stage` (testing only; see failpoints.ts). */
  withFailpoint(stage: FailpointStage): Ledger {
    return this.#withSubmitOptions(() => ({ failpoint: stage }));
  }

  /** This ledger with `extra(fn)` added to the options of every submit; reads pass through. */
  #withSubmitOptions(extra: (fn: string) => LedgerCallOptions): Ledger {
    const client = this.#client;
    return new Ledger({
      submit: (caller, fn, arg, options = {}) => client.submit(caller, fn, arg, { ...options, ...extra(fn) }),
      evaluate: (caller, fn, arg, options) => client.evaluate(caller, fn, arg, options),
      ping: () => client.ping(),
      close: () => undefined,
    });
  }
}
