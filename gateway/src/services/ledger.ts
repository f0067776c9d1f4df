/**
 * The typed ledger over the domain's transaction registry. The registry decides how each transaction
 * is called, so services name a transaction and pass its input, nothing about Fabric:
 * - `kind`: {@link Ledger.submit} takes only `submit` transactions and {@link Ledger.evaluate} only
 *   `evaluate` ones (the compiler refuses the others; a cast is refused at run time);
 *   {@link Ledger.simulate} evaluates a `submit` transaction without ordering it (a dry run).
 * - `endorsement`: which orgs' peers endorse a submit or answer an evaluate, named explicitly for
 *   every transaction that carries or reads patient-linked data (`endorsingOrgs` of the domain): this
 *   gateway's own org (`custodian-only`, `own-org`), the custodian and the regulator
 *   (`custodian+regulator`), the grantee org and the regulator (`grantee+regulator`), this gateway's
 *   org and the regulator (`caller+regulator`), the custodian (`custodian` reads), every org
 *   (`all-orgs`), every hospital and the regulator (`custodians+regulator`); public writes and reads are left to Fabric (`two-orgs`, `any`). A service names the
 *   party an endorsement needs (`custodian`, `granteeOrg`) and the compiler asks for it; a party
 *   outside the consortium is a 404, never a call that Fabric would route nowhere.
 * - `transient`: the transaction's transient map, validated with its schema; each key travels as
 *   canonical JSON under its own name and reaches only the endorsing peers, never a block.
 * Inputs are validated with the transaction's schema and sent as canonical JSON; outputs are parsed
 * with its output schema (a response that does not match is a 502, never passed on). The consortium's
 * orgs (which one is the regulator) are read once from the ledger (`GetConsortium`, written once at
 * deployment) unless given.
 */
import {
  canonicalJson,
  endorsingOrgs,
  ErrorCode,
  qualifiedName,
  transactions,
  type Endorsement,
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
type EndorsementOf<N extends TransactionName> = Registry[N]['endorsement'];

/** Transactions the registry declares `submit` (ordered and committed). */
export type SubmitName = { [N in TransactionName]: KindOf<N> extends 'submit' ? N : never }[TransactionName];
/** Transactions the registry declares `evaluate` (queries). */
export type EvaluateName = {
  [N in TransactionName]: KindOf<N> extends 'evaluate' ? N : never;
}[TransactionName];

/** The transient map of `N` as its schema takes it. */
export type TransientOf<N extends TransactionName> = Registry[N] extends {
  transient: infer T extends z.ZodType;
}
  ? z.input<T>
  : never;

type TransientOption<N extends TransactionName> = Registry[N] extends { transient: z.ZodType }
  ? { readonly transient: TransientOf<N> }
  : { readonly transient?: never };

type PartyOption<N extends TransactionName> =
  EndorsementOf<N> extends 'custodian+regulator' | 'custodian' | 'regulator+bystander'
    ? { readonly custodian: string; readonly granteeOrg?: never; readonly insurer?: never }
    : EndorsementOf<N> extends 'grantee+regulator'
      ? { readonly granteeOrg: string; readonly custodian?: never; readonly insurer?: never }
      : EndorsementOf<N> extends 'provider+insurer+regulator'
        ? {
            readonly insurer: string;
            readonly provider?: string;
            readonly custodian?: never;
            readonly granteeOrg?: never;
          }
        : EndorsementOf<N> extends 'insurer'
          ? { readonly insurer: string; readonly custodian?: never; readonly granteeOrg?: never }
          : { readonly custodian?: never; readonly granteeOrg?: never; readonly insurer?: never };

/**
 * What a call of `N` needs besides its input: its transient map when it declares one, the custodian
 * when its endorsement is the custodian's, the grantee org when it is the grantee's, the insurer when
 * it is a claim's or the insurer's, and a claim's provider when it is not this gateway's org (the
 * insurer resolving a hospital's dispute).
 */
export type CallOptions<N extends TransactionName> = TransientOption<N> & PartyOption<N>;

/** The options argument of a call: required only when `N` needs a transient map or a party. */
export type OptionsArg<N extends TransactionName> =
  object extends CallOptions<N> ? [options?: CallOptions<N>] : [options: CallOptions<N>];

/** Call options as the untyped internals see them. */
interface AnyCallOptions {
  readonly transient?: unknown;
  readonly custodian?: string;
  readonly granteeOrg?: string;
  readonly insurer?: string;
  readonly provider?: string;
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

/** Endorsements that name orgs of the consortium other than this gateway's own. */
const NAMES_CONSORTIUM_ORGS: ReadonlySet<Endorsement> = new Set<Endorsement>([
  'custodian+regulator',
  'regulator+bystander',
  'grantee+regulator',
  'caller+regulator',
  'all-orgs',
  'custodians+regulator',
  'custodian',
  'provider+insurer+regulator',
  'insurer',
  'regulator',
]);

/** Options of {@link Ledger}. */
export interface LedgerOptions {
  /** MSP ID of this gateway's org: every identity it signs with belongs to it. */
  readonly org: string;
  /** The consortium's peer orgs, when known; otherwise read once from the ledger. */
  readonly orgs?: readonly string[];
}

/** The consortium's orgs, read once and shared by every ledger made from one (a failure is retried). */
class ConsortiumOrgs {
  #orgs: Promise<readonly string[]> | undefined;

  constructor(known: readonly string[] | undefined) {
    if (known !== undefined) this.#orgs = Promise.resolve([...known]);
  }

  /**
   * The orgs, read again when `wanted` is not among those read before: the consortium admits orgs
   * (JoinConsortium) while gateways run, and a gateway that read it earlier would otherwise refuse
   * the new org as a custodian or grantee until it restarts. One read per miss; an org that is still
   * not a member stays refused.
   */
  async including(wanted: string, load: () => Promise<readonly string[]>): Promise<readonly string[]> {
    const orgs = await this.get(load);
    if (orgs.includes(wanted)) return orgs;
    this.#orgs = undefined;
    return this.get(load);
  }

  get(load: () => Promise<readonly string[]>): Promise<readonly string[]> {
    if (this.#orgs === undefined) {
      const loading = load();
      this.#orgs = loading;
      loading.catch(() => {
        if (this.#orgs === loading) this.#orgs = undefined;
      });
    }
    return this.#orgs;
  }
}

/** The typed ledger. */
export class Ledger {
  readonly #client: LedgerClient;
  readonly #org: string;
  #consortium: ConsortiumOrgs;

  constructor(client: LedgerClient, options: LedgerOptions) {
    this.#client = client;
    this.#org = options.org;
    this.#consortium = new ConsortiumOrgs(options.orgs);
  }

  /** MSP ID of this gateway's org. */
  get org(): string {
    return this.#org;
  }

  /**
   * The consortium's peer orgs (read with `caller`'s identity the first time), read again when
   * `wanted` is not among them (an org admitted since).
   */
  orgs(caller: LedgerCaller, wanted?: string): Promise<readonly string[]> {
    const load = async () => (await this.evaluate(caller, 'GetConsortium', {})).orgs;
    return wanted === undefined ? this.#consortium.get(load) : this.#consortium.including(wanted, load);
  }

  /** The orgs that endorse or answer a call of `spec`, `undefined` when Fabric chooses. */
  async #endorsers(
    name: TransactionName,
    spec: TransactionSpec,
    caller: LedgerCaller,
    options: AnyCallOptions,
  ): Promise<string[] | undefined> {
    const { custodian, granteeOrg, insurer, provider } = options;
    const takesCustodian =
      spec.endorsement === 'custodian+regulator' ||
      spec.endorsement === 'custodian' ||
      spec.endorsement === 'regulator+bystander';
    if ((custodian !== undefined) !== takesCustodian) {
      throw new Error(`${name} ${takesCustodian ? 'needs' : 'takes no'} custodian`);
    }
    const takesGrantee = spec.endorsement === 'grantee+regulator';
    if ((granteeOrg !== undefined) !== takesGrantee) {
      throw new Error(`${name} ${takesGrantee ? 'needs' : 'takes no'} grantee org`);
    }
    const takesInsurer = spec.endorsement === 'provider+insurer+regulator' || spec.endorsement === 'insurer';
    if ((insurer !== undefined) !== takesInsurer) {
      throw new Error(`${name} ${takesInsurer ? 'needs' : 'takes no'} insurer`);
    }
    if (provider !== undefined && spec.endorsement !== 'provider+insurer+regulator') {
      throw new Error(`${name} takes no provider`);
    }
    if (!NAMES_CONSORTIUM_ORGS.has(spec.endorsement)) {
      return endorsingOrgs(spec.endorsement, { caller: this.#org, orgs: [this.#org] });
    }
    const orgs = await this.orgs(caller, custodian ?? granteeOrg);
    for (const [role, org] of [
      ['custodian', custodian],
      ['grantee org', granteeOrg],
      ['insurer', insurer],
      ['provider', provider],
    ] as const) {
      if (org !== undefined && !orgs.includes(org)) {
        throw new AppError(ErrorCode.NOT_FOUND, `${role} ${org} is not an org of the consortium`);
      }
    }
    return endorsingOrgs(spec.endorsement, {
      caller: this.#org,
      orgs,
      ...(custodian === undefined ? {} : { custodian }),
      ...(granteeOrg === undefined ? {} : { granteeOrg }),
      ...(insurer === undefined ? {} : { insurer }),
      ...(provider === undefined ? {} : { provider }),
    });
  }

  /** The argument, transient map and endorsing orgs of a call of `name`, declared `kind`. */
  async #prepare(
    name: TransactionName,
    kind: TransactionSpec['kind'],
    caller: LedgerCaller,
    input: unknown,
    options: AnyCallOptions,
  ): Promise<{ arg: string | undefined; call: LedgerCallOptions }> {
    const spec: TransactionSpec = transactions[name];
    if (spec.kind !== kind) throw new Error(`${name} is declared ${spec.kind}, not ${kind}`);
    const parsed = validate(spec.input, input, '/body');
    const arg = spec.noArgs ? undefined : canonicalJson(parsed);
    let transient: Record<string, string> | undefined;
    if (spec.transient) {
      if (options.transient === undefined) throw new Error(`${name} needs its transient map`);
      const values: Record<string, unknown> = validate(spec.transient, options.transient, '/body');
      transient = {};
      for (const [key, value] of Object.entries(values)) {
        if (value !== undefined) transient[key] = canonicalJson(value);
      }
    } else if (options.transient !== undefined) {
      throw new Error(`${name} takes no transient map`);
    }
    const endorsers = await this.#endorsers(name, spec, caller, options);
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
    const { arg, call } = await this.#prepare(name, 'submit', caller, input, options ?? {});
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
    options: AnyCallOptions = {},
  ): Promise<TransactionOutput<N>> {
    const { arg, call } = await this.#prepare(name, kind, caller, input, options);
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
    const ledger = new Ledger(
      {
        submit: (caller, fn, arg, options = {}) =>
          client.submit(caller, fn, arg, { ...options, ...extra(fn, options) }),
        evaluate: (caller, fn, arg, options) => client.evaluate(caller, fn, arg, options),
        ping: () => client.ping(),
        close: () => undefined,
      },
      { org: this.#org },
    );
    ledger.#consortium = this.#consortium;
    return ledger;
  }
}
