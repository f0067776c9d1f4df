/**
 * The typed ledger over the domain's transaction registry. The registry decides how each transaction
 * is called, so services name a transaction and pass its input, nothing about Fabric:
 * - `kind`: {@link Ledger.submit} takes only `submit` transactions and {@link Ledger.evaluate} only
 *   `evaluate` ones (the compiler refuses the others; a cast is refused at run time);
 *   {@link Ledger.simulate} evaluates a `submit` transaction without ordering it (a dry run).
 * - `endorsement`: `custodian-only` transactions are endorsed by this gateway's org alone (they write
 *   only its implicit collection); `two-orgs` ones by the chaincode's endorsement policy.
 * - `targetsCustodian`: the transaction is evaluated on a peer of the custodian org the service names.
 * Inputs are validated with the transaction's schema and sent as canonical JSON; outputs are parsed
 * with its output schema (a response that does not match is a 502, never passed on).
 */
import {
  canonicalJson,
  CONTENT_TRANSIENT_KEY,
  qualifiedName,
  transactions,
  type TransactionName,
  type TransactionOutput,
  type TransactionSpec,
} from '@medledger/domain';
import type { z } from 'zod';

import { AppError, GatewayErrorCode, type ValidationIssue } from '../errors';
import type {
  EndorsedTransaction,
  EndorsementJournal,
  LedgerCallOptions,
  LedgerCaller,
  LedgerClient,
} from '../fabric/ledger-port';
import type { FailpointStage } from '../failpoints';

type Registry = typeof transactions;
type KindOf<N extends TransactionName> = Registry[N]['kind'];

/** Transactions the registry declares `submit` (ordered and committed). */
export type SubmitName = { [N in TransactionName]: KindOf<N> extends 'submit' ? N : never }[TransactionName];
/** Transactions the registry declares `evaluate` (queries). */
export type EvaluateName = {
  [N in TransactionName]: KindOf<N> extends 'evaluate' ? N : never;
}[TransactionName];

/** What a call of `N` needs besides its input: content for transient-taking ones, the custodian for targeted ones. */
export type CallOptions<N extends TransactionName> = (Registry[N] extends { transient: z.ZodType }
  ? { readonly content: unknown }
  : { readonly content?: never }) &
  (Registry[N] extends { targetsCustodian: true }
    ? { readonly custodian: string }
    : { readonly custodian?: never });

/** The options argument of a call: required only when `N` needs content or a custodian. */
export type OptionsArg<N extends TransactionName> =
  object extends CallOptions<N> ? [options?: CallOptions<N>] : [options: CallOptions<N>];

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

/**
 * The orgs whose peers endorse (submit) or answer (evaluate) a call of `spec`, `undefined` for the
 * chaincode's policy: `org` alone for custodian-only writes, `custodian` for targeted reads.
 */
export function endorsersOf(
  spec: TransactionSpec,
  org: string,
  custodian: string | undefined,
): readonly string[] | undefined {
  if (spec.endorsement === 'custodian-only') return [org];
  if (spec.targetsCustodian) {
    if (custodian === undefined) throw new Error('a custodian-targeted transaction needs the custodian');
    return [custodian];
  }
  if (custodian !== undefined) throw new Error('only custodian-targeted transactions take a custodian');
  return undefined;
}

/** Options of {@link Ledger}. */
export interface LedgerOptions {
  /** MSP ID of this gateway's org: every identity it signs with belongs to it. */
  readonly org: string;
}

/** The typed ledger. */
export class Ledger {
  readonly #client: LedgerClient;
  readonly #org: string;

  constructor(client: LedgerClient, options: LedgerOptions) {
    this.#client = client;
    this.#org = options.org;
  }

  #prepare(
    name: TransactionName,
    kind: TransactionSpec['kind'],
    input: unknown,
    options: { readonly content?: unknown; readonly custodian?: string },
  ): { arg: string | undefined; call: LedgerCallOptions } {
    const spec: TransactionSpec = transactions[name];
    if (spec.kind !== kind) throw new Error(`${name} is declared ${spec.kind}, not ${kind}`);
    const parsed = validate(spec.input, input, '/body');
    const arg = spec.noArgs ? undefined : canonicalJson(parsed);
    let transient: Record<string, string> | undefined;
    if (spec.transient) {
      if (options.content === undefined) throw new Error(`${name} needs content`);
      transient = {
        [CONTENT_TRANSIENT_KEY]: canonicalJson(validate(spec.transient, options.content, '/body')),
      };
    }
    const endorsers = endorsersOf(spec, this.#org, options.custodian);
    return {
      arg,
      call: {
        ...(transient ? { transient } : {}),
        ...(endorsers ? { endorsingOrganizations: endorsers } : {}),
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

  /** Submits a `submit` transaction and waits for it to commit VALID. */
  async submit<N extends SubmitName>(
    caller: LedgerCaller,
    name: N,
    input: unknown,
    ...[options]: OptionsArg<N>
  ): Promise<{ txId: string; result: TransactionOutput<N> }> {
    const { arg, call } = this.#prepare(name, 'submit', input, options ?? {});
    const res = await this.#client.submit(caller, qualifiedName(name), arg, call);
    return { txId: res.txId, result: this.#parseOutput(name, res.payload) };
  }

  /** Evaluates an `evaluate` transaction (a query on one peer). */
  async evaluate<N extends EvaluateName>(
    caller: LedgerCaller,
    name: N,
    input: unknown,
    ...[options]: OptionsArg<N>
  ): Promise<TransactionOutput<N>> {
    return this.#evaluateAs(name, 'evaluate', caller, input, options);
  }

  /**
   * Evaluates a `submit` transaction without ordering it: the chaincode decides and answers as it
   * would on submit, and nothing is written (a dry run before a step outside the ledger).
   */
  async simulate<N extends SubmitName>(
    caller: LedgerCaller,
    name: N,
    input: unknown,
    ...[options]: OptionsArg<N>
  ): Promise<TransactionOutput<N>> {
    return this.#evaluateAs(name, 'submit', caller, input, options);
  }

  /** Evaluates `name`, declared `kind`, on one peer (of the orgs its endorsement names, if any). */
  async #evaluateAs<N extends TransactionName>(
    name: N,
    kind: TransactionSpec['kind'],
    caller: LedgerCaller,
    input: unknown,
    options: { readonly content?: unknown; readonly custodian?: string } = {},
  ): Promise<TransactionOutput<N>> {
    const { arg, call } = this.#prepare(name, kind, input, options);
    return this.#parseOutput(name, await this.#client.evaluate(caller, qualifiedName(name), arg, call));
  }

  /** Readiness. */
  ping(): Promise<void> {
    return this.#client.ping();
  }

  /**
   * This ledger for one request: every transaction it endorses is told to `journal` before it is
   * submitted, and what an earlier attempt of the request endorsed (`journal.prior`) is recovered
   * instead of written again. Services get this ledger, so no write can skip the journal.
   */
  journaled(journal: EndorsementJournal): Ledger {
    const recovering = journal.prior.length > 0 ? this.withPrior(journal.prior) : this;
    return recovering.#withSubmitOptions((_fn, options) => ({
      onEndorsed: (tx) => {
        options.onEndorsed?.(tx);
        journal.endorsed(tx);
      },
    }));
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

  /** This ledger with `extra(fn, options)` added to the options of every submit; reads pass through. */
  #withSubmitOptions(extra: (fn: string, options: LedgerCallOptions) => LedgerCallOptions): Ledger {
    const client = this.#client;
    return new Ledger(
      {
        submit: (caller, fn, arg, options = {}) =>
          client.submit(caller, fn, arg, { ...options, ...extra(fn, options) }),
        evaluate: (caller, fn, arg, options) => client.evaluate(caller, fn, arg, options),
        ping: () => client.ping(),
        close: () => undefined,
      },
      { org: this.#org },
    );
  }
}
