import { randomBytes } from 'node:crypto';
import {
  canonicalJson,
  consentGrantPayloadSchema,
  decodeCompactJws,
  endorsingOrgs,
  freezeSubjectOrg,
  freezeSubjectSchema,
  generatePatientKey,
  orgSlugOf,
  parseStaffDid,
  regulatorOf,
  signPatientPayload,
  signPatientRegistration,
  transactions,
  type PatientPrivateJwk,
  type PatientPublicJwk,
  type PatientSignatureAlgorithm,
  type TransactionName,
} from '@medledger/domain';
import type { Context, Contract } from 'fabric-contract-api';
import type { Clock } from '../custodian-clock';
import { AccessContract, contracts, ListingContract, RecordContract, SummaryContract } from '../index';
import type { FakeSigner } from './fake-identity';
import { MemoryLedger, type Committed, type TransientValue } from './memory-ledger';
import { sharedTestKeyrings, type TestKeyrings } from './test-keyrings';

/** The orgs of the test consortium. */
export const ORGS = ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP', 'RegulatorMSP'] as const;

type TxFn = (ctx: Context, input?: string) => Promise<string>;

/** A fresh unique suffix for ids, so every test makes its own. */
export function uid(prefix = 'id'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** A patient key pair (P-256 or SM2) as JWKs. */
export interface KeyPair {
  publicJwk: PatientPublicJwk;
  privateJwk: PatientPrivateJwk;
}

/**
 * A fresh patient DID, key pair, and the recovery key pair the patient keeps offline, both for
 * `algorithm` (ES256 by default).
 */
export function newPatient(
  algorithm: PatientSignatureAlgorithm = 'ES256',
): KeyPair & { did: string; recovery: KeyPair } {
  return {
    did: `did:medledger:patient:${randomBytes(9).toString('base64url')}`,
    ...generatePatientKey(algorithm),
    recovery: generatePatientKey(algorithm),
  };
}

/** Options of one call through the harness. */
export interface CallOptions {
  transient?: Record<string, TransientValue>;
  /** Endorsing orgs; by default the transaction registry's choice, as the gateway makes it. */
  endorsers?: readonly string[];
  time?: Date;
  txId?: string;
  /** The evaluating peer's org; by default the registry's choice (the caller's own org otherwise). */
  peer?: string;
}

/**
 * Calls the chaincode's contracts by `contract:Function` against a {@link MemoryLedger}. Before the
 * first call it deploys the consortium as the network does (InitConsortium endorsed by every org, each
 * org's InstallCollectionKey, and the regulator's InstallStudySecret), unless created with `bootstrap: false`. Endorsers and evaluating
 * peers come from the transaction registry (`endorsement`), so the tests exercise the same choice the
 * gateway makes. The custodian's clock (read by `ReadRecordContent` only) is in step with the time of
 * the call unless a test gives one.
 */
export class Harness {
  readonly ledger: MemoryLedger;
  readonly #contracts = new Map<string, Contract>();
  #callTimeMs = 0;
  #ready: Promise<void> | undefined;

  readonly keyrings: TestKeyrings;
  readonly #cryptoProfile: 'international' | 'sm' | undefined;

  constructor(
    ledger?: MemoryLedger,
    options: {
      custodianClock?: Clock;
      bootstrap?: boolean;
      /** The chaincode servers' keyring files (shared by default, so a cloned ledger's harness reads the same). */
      keyrings?: TestKeyrings;
      /** The profile InitConsortium records (none given: the chaincode's default). */
      cryptoProfile?: 'international' | 'sm';
      orgs?: readonly string[];
    } = {},
  ) {
    this.ledger = ledger ?? new MemoryLedger({ orgs: options.orgs ?? ORGS });
    this.keyrings = options.keyrings ?? sharedTestKeyrings;
    this.#cryptoProfile = options.cryptoProfile;
    const clock = options.custodianClock ?? (() => this.#callTimeMs);
    const keyrings = this.keyrings.source;
    for (const C of contracts) {
      const instance =
        C === AccessContract
          ? new AccessContract(clock, keyrings)
          : C === RecordContract
            ? new RecordContract(keyrings)
            : C === ListingContract
              ? new ListingContract(clock)
              : C === SummaryContract
                ? new SummaryContract(clock, keyrings)
                : new C();
      this.#contracts.set(instance.getName(), instance);
    }
    // A cloned ledger was deployed already.
    if (options.bootstrap === false || ledger !== undefined) this.#ready = Promise.resolve();
  }

  /** Deploys the consortium and the collection keys (once). */
  ready(): Promise<void> {
    this.#ready ??= this.#bootstrap();
    return this.#ready;
  }

  async #bootstrap(): Promise<void> {
    const orgs = [...this.ledger.orgs];
    const init = this.#cryptoProfile === undefined ? { orgs } : { orgs, cryptoProfile: this.#cryptoProfile };
    await this.#call('submit', orgAdmin(orgs[0] ?? ''), 'consortium:InitConsortium', init, {});
    for (const org of orgs) {
      await this.#call(
        'submit',
        orgAdmin(org),
        'consortium:InstallCollectionKey',
        {},
        {
          transient: { collectionKey: { key: randomBytes(32).toString('hex') } },
        },
      );
    }
    await this.#call(
      'submit',
      orgAdmin(regulatorOf(orgs)),
      'consortium:InstallStudySecret',
      {},
      { transient: { studySecret: { key: randomBytes(32).toString('hex') } } },
    );
  }

  /** The options of a call with its time fixed (the ledger clock's when not given). */
  #timed(options: CallOptions): CallOptions & { time: Date } {
    const time = options.time ?? this.ledger.now;
    this.#callTimeMs = time.getTime();
    return { ...options, time };
  }

  #fn(name: string): (ctx: Context, input: unknown) => Promise<string> {
    const [contractName = '', fnName = ''] = name.split(':');
    const contract = this.#contracts.get(contractName);
    const fn = contract ? (contract as unknown as Record<string, TxFn | undefined>)[fnName] : undefined;
    if (!contract || typeof fn !== 'function') throw new Error(`no transaction ${name}`);
    return (ctx, input) =>
      input === undefined ? fn.call(contract, ctx) : fn.call(contract, ctx, canonicalJson(input));
  }

  /** The grantee org of a signed consent grant in the transient map, as the gateway resolves it. */
  async #granteeOrg(signer: FakeSigner, transient: Record<string, TransientValue> | undefined) {
    const signed = transient?.consent as { jws?: string } | undefined;
    if (signed?.jws === undefined) return undefined;
    let payload: unknown;
    try {
      payload = decodeCompactJws(signed.jws).payload;
    } catch {
      // A malformed grant: any endorsers do, the chaincode refuses it.
      return undefined;
    }
    const parsed = consentGrantPayloadSchema.safeParse(payload);
    if (!parsed.success) return undefined;
    const g = parsed.data.grantee;
    if (g.kind === 'org') return g.mspId;
    if (g.kind === 'staff')
      return this.ledger.orgs.find((o) => orgSlugOf(o) === parseStaffDid(g.did)?.orgSlug);
    const study = await this.#call<{ org: string }>(
      'evaluate',
      signer,
      'study:GetStudy',
      {
        studyId: g.studyId,
      },
      {},
    );
    return study.org;
  }

  /**
   * The `custodian` party as the gateway names it: the input's custodian; for a freeze, the frozen org
   * (the subject's org, or the `org` a lift names).
   */
  #custodianParty(contract: string, input: unknown): string | undefined {
    const fields = (input ?? {}) as { custodian?: unknown; org?: unknown; subject?: unknown };
    if (contract === 'freeze') {
      const subject = freezeSubjectSchema.safeParse(fields.subject);
      if (subject.success) return freezeSubjectOrg(subject.data, this.ledger.orgs);
      return typeof fields.org === 'string' ? fields.org : undefined;
    }
    return typeof fields.custodian === 'string' ? fields.custodian : undefined;
  }

  async #parties(signer: FakeSigner, name: string, input: unknown, options: CallOptions) {
    const fnName = name.split(':')[1] ?? '';
    const spec = fnName in transactions ? transactions[fnName as TransactionName] : undefined;
    if (!spec) return undefined;
    const named = input as { insurer?: unknown; provider?: unknown } | undefined;
    const custodian = this.#custodianParty(spec.contract, input);
    return endorsingOrgs(spec.endorsement, {
      caller: signer.mspId,
      orgs: this.ledger.orgs,
      custodian: custodian ?? signer.mspId,
      ...(typeof named?.insurer === 'string' ? { insurer: named.insurer } : {}),
      ...(typeof named?.provider === 'string' ? { provider: named.provider } : {}),
      ...(spec.endorsement === 'grantee+regulator'
        ? { granteeOrg: (await this.#granteeOrg(signer, options.transient)) ?? signer.mspId }
        : {}),
    });
  }

  async #call<T>(
    kind: 'submit' | 'evaluate',
    signer: FakeSigner,
    name: string,
    input: unknown,
    options: CallOptions,
  ): Promise<T> {
    const fn = this.#fn(name);
    const args = input === undefined ? [] : [canonicalJson(input)];
    if (kind === 'evaluate') {
      const peer = options.peer ?? (await this.#parties(signer, name, input, options))?.[0];
      const text = await this.ledger.evaluate(
        { signer, ...this.#timed(options), args, ...(peer === undefined ? {} : { peer }) },
        (ctx) => fn(ctx, input),
      );
      return JSON.parse(text) as T;
    }
    const endorsers = options.endorsers ?? (await this.#parties(signer, name, input, options));
    const tx = await this.ledger.submit(
      { signer, ...this.#timed(options), args, ...(endorsers === undefined ? {} : { endorsers }) },
      (ctx) => fn(ctx, input),
    );
    return tx as T;
  }

  /** Submits; returns the parsed response and the committed simulation. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the response type
  async submit<T = Record<string, unknown>>(
    signer: FakeSigner,
    name: string,
    input: unknown,
    options: CallOptions = {},
  ): Promise<{ result: T; tx: Committed<string> }> {
    await this.ready();
    const tx = await this.#call<Committed<string>>('submit', signer, name, input, options);
    return { result: JSON.parse(tx.response) as T, tx };
  }

  /** Evaluates on one peer (default: the registry's choice); returns the parsed response. */
  async evaluate<T = Record<string, unknown>>(
    signer: FakeSigner,
    name: string,
    input: unknown,
    options: CallOptions = {},
  ): Promise<T> {
    await this.ready();
    return this.#call<T>('evaluate', signer, name, input, options);
  }
}

/** The orgs of `h`'s channel but the regulator: every peer a regulator-peer-only read must refuse. */
export function nonRegulatorPeers(h: Harness): string[] {
  return h.ledger.orgs.filter((o) => o !== regulatorOf(h.ledger.orgs));
}

/** A NodeOU admin of an org (bootstrap admin, no on-chain document needed). */
export function orgAdmin(mspId: string, cn = 'admin'): FakeSigner {
  return { mspId, cn, ous: ['admin'] };
}

/** A client identity of an org. */
export function client(mspId: string, cn: string): FakeSigner {
  return { mspId, cn, ous: ['client'] };
}

/** Registers a staff member with the org's bootstrap admin; returns the signer. */
export async function registerStaff(
  h: Harness,
  mspId: string,
  role: string,
  department: string | null = 'cardiology',
  cn = uid(role),
): Promise<FakeSigner> {
  await h.submit(orgAdmin(mspId), 'identity:RegisterStaff', { enrollmentId: cn, role, department });
  return client(mspId, cn);
}

/** A test patient: DID, key pair, the number of its current key, and its recovery key pair. */
export interface TestPatient extends KeyPair {
  did: string;
  keyNumber: number;
  recovery: KeyPair;
}

/** What a patient's app hands a hospital of `org` (RegisterPatient's transient `patient`, with the proof of possession). */
export function registrationInput(
  h: Harness,
  patient: KeyPair & { did: string; recovery: KeyPair },
  org: string,
): { patientDid: string; publicKeyJwk: PatientPublicJwk; proof: string } {
  return signPatientRegistration(patient.did, patient, patient.recovery.publicJwk, org, {
    nowMs: h.ledger.now.getTime(),
  });
}

/** Registers a fresh patient (keys for `algorithm`) through a hospital nurse (registered on the fly). */
export async function registerPatient(
  h: Harness,
  mspId = 'Hospital1MSP',
  algorithm: PatientSignatureAlgorithm = 'ES256',
): Promise<TestPatient> {
  const nurse = await registerStaff(h, mspId, 'nurse');
  const p = newPatient(algorithm);
  await h.submit(
    nurse,
    'identity:RegisterPatient',
    {},
    { transient: { patient: registrationInput(h, p, mspId) } },
  );
  return { ...p, keyNumber: 1 };
}

/** A JWS signed by the patient's current key, with a fresh nonce and `iat`/`exp` around the ledger clock. */
export function patientJws(
  h: Harness,
  patient: TestPatient,
  body: Record<string, unknown>,
  options: { key?: PatientPrivateJwk; kid?: string; expInSeconds?: number } = {},
): string {
  return signPatientPayload(
    body,
    {
      patientDid: patient.did,
      privateJwk: options.key ?? patient.privateJwk,
      kid: options.kid ?? `${patient.did}#key-${patient.keyNumber}`,
    },
    { nowMs: h.ledger.now.getTime(), ttlSeconds: options.expInSeconds ?? 600 },
  );
}

/** ISO time `days` from the ledger clock. */
export function daysFromNow(h: Harness, days: number): string {
  return new Date(h.ledger.now.getTime() + days * 86_400_000).toISOString();
}
