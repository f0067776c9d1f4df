/**
 * Performance switches of the network's processes, for profiling and for the benchmark's levers
 * (`bench/src/levers.ts`, docs/performance.md). Every one is off (Fabric's default, or the product's
 * chosen value) unless the environment asks for it when a process is started, and none changes what
 * the ledger holds:
 *
 * - `MEDLEDGER_PROFILING=1`: every peer and orderer serves Go's pprof on its own profile port
 *   (`peer.profile` / `General.Profile`), on the node's listen host, for `go tool pprof`.
 * - `MEDLEDGER_NODE_CPU_PROF_DIR=<dir>`: gateways and chaincode servers run with `--cpu-prof` and
 *   write a `.cpuprofile` into `<dir>` when they stop.
 * - `MEDLEDGER_GOGC`, `MEDLEDGER_GOMEMLIMIT`: the Go runtime's `GOGC` and `GOMEMLIMIT` of peers and
 *   orderers.
 * - `MEDLEDGER_GOMAXPROCS=N`: the Go runtime's `GOMAXPROCS` of peers and orderers. Unset, the local
 *   network gives each its share of the host's CPUs ({@link sharedHostGoMaxProcs}); compose leaves it
 *   to Go (each container its CPUs).
 * - `MEDLEDGER_HISTORY_DB=0|1`: the peers' history database (`ledger.history.enableHistoryDatabase`),
 *   off unless asked (nothing reads it).
 * - `MEDLEDGER_VALIDATOR_POOL_SIZE=N`: goroutines a peer validates a block's transactions with
 *   (`peer.validatorPoolSize`; Fabric: the number of CPUs).
 * - `MEDLEDGER_GOSSIP=fabric|relaxed`: the peers' gossip timing (`peer.gossip.*`, see
 *   {@link GOSSIP_PROFILES}); `relaxed` unless asked, `fabric` is Fabric's own.
 * - `MEDLEDGER_CHAINCODE_LOGGING=LEVEL`: the chaincode servers' `CORE_CHAINCODE_LOGGING_LEVEL`
 *   (default `warning`: at `info` fabric-shim logs every invocation).
 * - `MEDLEDGER_SQLITE_JOURNAL_MODE=WAL|DELETE`, `MEDLEDGER_SQLITE_SYNCHRONOUS=NORMAL|FULL`,
 *   `MEDLEDGER_SQLITE_MMAP_BYTES=N`: the gateways' `sqlite` config section (their idempotency stores and
 *   projections), written into each gateway's config file, which the gateway validates.
 *
 * They reach Fabric as environment overrides of core.yaml and orderer.yaml, the same way for native
 * processes and containers, so a restart with another setting needs no new config files.
 */
import { join } from 'node:path';
import type { OrdererNode, PeerNode } from './topology';

export interface Tuning {
  readonly profiling: boolean;
  readonly nodeCpuProfDir: string | undefined;
  readonly gogc: string | undefined;
  readonly goMemLimit: string | undefined;
  readonly goMaxProcs: number | undefined;
  readonly historyDatabase: boolean | undefined;
  readonly validatorPoolSize: number | undefined;
  readonly chaincodeLogging: string | undefined;
  /** `FABRIC_LOGGING_SPEC` of peers and orderers as asked (`MEDLEDGER_FABRIC_LOGGING`); see {@link fabricLogging}. */
  readonly fabricLogging: string | undefined;
  readonly gossip: GossipProfile | undefined;
}

/**
 * The peers' gossip timing, as `peer.gossip.*` keys of core.yaml. An idle peer's CPU goes mostly to
 * gossip: every `requestStateInfoInterval` it pulls a snapshot of every peer's StateInfo (ledger height,
 * chaincodes) from `pullPeerNum` (3) others and verifies each entry's signature, and every
 * `aliveTimeInterval` it signs an alive message that the others verify.
 *
 * `relaxed` pulls less often and keeps what a gateway needs fresh:
 * - `publishStateInfoInterval` stays Fabric's 4 s: a peer pushes its StateInfo only when it changed
 *   (a new block, a chaincode), at most that long after; this push is how the others learn a ledger
 *   height, which the gateways use to prefer the most up-to-date peer, and a restarted peer.
 * - `requestStateInfoInterval` 4 s -> 20 s: the pull only repairs a missed push, and gives a peer that
 *   (re)joined the StateInfo of peers whose height has not changed since; so on an idle network a
 *   restarted peer's own gateway may wait up to 20 s before it can plan endorsements across orgs.
 * - `pullInterval` 4 s -> 10 s: blocks travel by gossip only as a backup here, since every peer
 *   leads its org and takes blocks from the orderers itself.
 * - `aliveTimeInterval` 5 s -> 10 s with `aliveExpirationTimeout` 25 s -> 50 s (Fabric's ratio): a
 *   peer that died unannounced stays in the others' membership (and discovery) up to 50 s, during which
 *   gateways may still plan endorsements with it and fail over only when it does not answer; a
 *   restarted peer is known again from the alive message it sends when it connects, not after a timeout. `reconnectInterval` keeps
 *   its own setting in core.yaml (5 s).
 * Leader election is left as Fabric has it (it runs only for orgs of more than one peer).
 */
export const GOSSIP_PROFILES = {
  fabric: {},
  relaxed: {
    'peer.gossip.requestStateInfoInterval': '20s',
    'peer.gossip.pullInterval': '10s',
    'peer.gossip.aliveTimeInterval': '10s',
    'peer.gossip.aliveExpirationTimeout': '50s',
  },
} as const satisfies Record<string, Readonly<Record<string, string>>>;

export type GossipProfile = keyof typeof GOSSIP_PROFILES;

/**
 * The gossip profile peers run with when the environment names none: Fabric's. `relaxed` took a fifth
 * off an idle peer's CPU (2.5 ms/s at six orgs) with no measurable gain at saturation, and its price is a
 * restarted peer's own gateway waiting for a StateInfo pull (up to 20 s instead of 4) on a network with
 * no traffic (bench/results/lever-gossip.md): not worth it at six peers; it is for large consortia,
 * where the snapshot a peer verifies grows with the number of peers.
 */
export const DEFAULT_GOSSIP: GossipProfile = 'fabric';

const isGossipProfile = (v: string): v is GossipProfile => Object.hasOwn(GOSSIP_PROFILES, v);

/** Fabric's environment override of a core.yaml key (`peer.gossip.pullInterval` -> `CORE_PEER_GOSSIP_PULLINTERVAL`). */
export function coreYamlEnvName(key: string): string {
  return `CORE_${key.replace(/\./g, '_').toUpperCase()}`;
}

/** A peer's environment overrides for the gossip `profile`. */
export function gossipEnv(profile: GossipProfile): Record<string, string> {
  const keys: Readonly<Record<string, string>> = GOSSIP_PROFILES[profile];
  return Object.fromEntries(Object.entries(keys).map(([key, value]) => [coreYamlEnvName(key), value]));
}

export const NO_TUNING: Tuning = {
  profiling: false,
  nodeCpuProfDir: undefined,
  gogc: undefined,
  goMemLimit: undefined,
  goMaxProcs: undefined,
  historyDatabase: undefined,
  validatorPoolSize: undefined,
  chaincodeLogging: undefined,
  fabricLogging: undefined,
  gossip: undefined,
};

function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (raw !== '0' && raw !== '1') throw new Error(`${name} must be 1 or 0, got ${JSON.stringify(raw)}`);
  return raw === '1';
}

function matching(env: NodeJS.ProcessEnv, name: string, pattern: RegExp, what: string): string | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!pattern.test(raw)) throw new Error(`${name} must be ${what}, got ${JSON.stringify(raw)}`);
  return raw;
}

/** The switches the environment asks for; throws on a value Fabric or Go would not take. */
export function tuningFromEnv(env: NodeJS.ProcessEnv = process.env): Tuning {
  const pool = matching(env, 'MEDLEDGER_VALIDATOR_POOL_SIZE', /^[1-9][0-9]{0,3}$/, 'a positive integer');
  const procs = matching(env, 'MEDLEDGER_GOMAXPROCS', /^[1-9][0-9]{0,3}$/, 'a positive integer');
  const dir = env.MEDLEDGER_NODE_CPU_PROF_DIR?.trim();
  return {
    profiling: flag(env, 'MEDLEDGER_PROFILING') ?? false,
    nodeCpuProfDir: dir === undefined || dir === '' ? undefined : dir,
    gogc: matching(env, 'MEDLEDGER_GOGC', /^(off|[1-9][0-9]{0,5})$/, 'a percentage or off'),
    goMemLimit: matching(
      env,
      'MEDLEDGER_GOMEMLIMIT',
      /^[1-9][0-9]*(B|KiB|MiB|GiB|TiB)?$/,
      'bytes (e.g. 512MiB)',
    ),
    goMaxProcs: procs === undefined ? undefined : Number(procs),
    historyDatabase: flag(env, 'MEDLEDGER_HISTORY_DB'),
    validatorPoolSize: pool === undefined ? undefined : Number(pool),
    chaincodeLogging: matching(
      env,
      'MEDLEDGER_CHAINCODE_LOGGING',
      /^(debug|info|warning|error|critical)$/,
      'debug, info, warning, error or critical',
    ),
    fabricLogging: askedFabricLogging(env),
    gossip: gossipProfileFromEnv(env),
  };
}

function gossipProfileFromEnv(env: NodeJS.ProcessEnv): GossipProfile | undefined {
  const raw = env.MEDLEDGER_GOSSIP?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!isGossipProfile(raw)) {
    const names = Object.keys(GOSSIP_PROFILES).join(' or ');
    throw new Error(`MEDLEDGER_GOSSIP must be ${names}, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/**
 * `GOMAXPROCS` for each of `goProcesses` Go processes sharing `cpus` CPUs: their share, at least 1.
 * Go's default gives every process all the CPUs, so the six peers and three orderers of the local
 * network ran nine schedulers of two slots each on two cores. One each cost less CPU per operation in
 * three of four interleaved runs (x0.55-0.99 on every workload in the last two) and was within the
 * rounds' spread in the other (docs/performance.md, "Go's threads on a shared host").
 */
export function sharedHostGoMaxProcs(cpus: number, goProcesses: number): number {
  return Math.max(1, Math.floor(cpus / Math.max(1, goProcesses)));
}

function goRuntimeEnv(tuning: Tuning): Record<string, string> {
  return {
    ...(tuning.gogc === undefined ? {} : { GOGC: tuning.gogc }),
    ...(tuning.goMemLimit === undefined ? {} : { GOMEMLIMIT: tuning.goMemLimit }),
    ...(tuning.goMaxProcs === undefined ? {} : { GOMAXPROCS: String(tuning.goMaxProcs) }),
  };
}

/** A peer's environment overrides for `tuning`; `listenHost` is where the peer binds. */
export function peerTuningEnv(tuning: Tuning, peer: PeerNode, listenHost: string): Record<string, string> {
  return {
    ...goRuntimeEnv(tuning),
    ...(tuning.profiling
      ? {
          CORE_PEER_PROFILE_ENABLED: 'true',
          CORE_PEER_PROFILE_LISTENADDRESS: `${listenHost}:${String(peer.profilePort)}`,
        }
      : {}),
    // Off unless asked: nothing reads the history (the chaincode never calls getHistoryForKey; a record's
    // versions are keys of their own), and keeping it cost 6-12 % of the consortium's CPU per write at
    // saturation (bench/results/lever-history.md).
    CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE: String(tuning.historyDatabase ?? false),
    ...(tuning.validatorPoolSize === undefined
      ? {}
      : { CORE_PEER_VALIDATORPOOLSIZE: String(tuning.validatorPoolSize) }),
    ...gossipEnv(tuning.gossip ?? DEFAULT_GOSSIP),
  };
}

/** An orderer's environment overrides for `tuning`; `listenHost` is where the orderer binds. */
export function ordererTuningEnv(
  tuning: Tuning,
  node: OrdererNode,
  listenHost: string,
): Record<string, string> {
  return {
    ...goRuntimeEnv(tuning),
    ...(tuning.profiling
      ? {
          ORDERER_GENERAL_PROFILE_ENABLED: 'true',
          ORDERER_GENERAL_PROFILE_ADDRESS: `${listenHost}:${String(node.profilePort)}`,
        }
      : {}),
  };
}

/**
 * `NODE_OPTIONS` of a Node process (gateway or chaincode server) for `tuning`: `--cpu-prof` into a
 * folder named after the process under the asked one, so each one's profiles are told apart (the
 * folder must not hold spaces: `NODE_OPTIONS` splits on them). `exitOnTerm`
 * is a module to preload in a process that does not handle SIGTERM itself: Node writes the profile
 * only on a normal exit, and a stop is a SIGTERM.
 */
export function nodeTuningEnv(tuning: Tuning, name: string, exitOnTerm?: string): Record<string, string> {
  if (tuning.nodeCpuProfDir === undefined) return {};
  const options = [
    '--cpu-prof',
    `--cpu-prof-dir=${join(tuning.nodeCpuProfDir, name)}`,
    ...(exitOnTerm === undefined ? [] : [`--require=${exitOnTerm}`]),
  ];
  return { NODE_OPTIONS: options.join(' ') };
}

/** What a process's tuning adds to its fingerprint, so a start with other switches restarts it. */
export function tuningFingerprint(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/**
 * The gateway config's `sqlite` section the environment asks for (see the module comment), or
 * undefined when it asks for nothing (the gateway's defaults).
 */
export function gatewaySqliteFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Record<string, unknown> | undefined {
  const journalMode = env.MEDLEDGER_SQLITE_JOURNAL_MODE?.trim();
  const synchronous = env.MEDLEDGER_SQLITE_SYNCHRONOUS?.trim();
  const mmap = matching(env, 'MEDLEDGER_SQLITE_MMAP_BYTES', /^[0-9]{1,10}$/, 'a number of bytes');
  const section = {
    ...(journalMode ? { journalMode } : {}),
    ...(synchronous ? { synchronous } : {}),
    ...(mmap === undefined ? {} : { mmapBytes: Number(mmap) }),
  };
  return Object.keys(section).length === 0 ? undefined : section;
}

/** Peers' and orderers' `FABRIC_LOGGING_SPEC`: `MEDLEDGER_FABRIC_LOGGING`, `warning` unless asked. */
export function fabricLoggingSpec(env: NodeJS.ProcessEnv = process.env): string {
  return fabricLogging({ fabricLogging: askedFabricLogging(env) });
}

/** Peers' and orderers' `FABRIC_LOGGING_SPEC` for `tuning`: `warning` unless asked otherwise. */
export function fabricLogging(tuning: Pick<Tuning, 'fabricLogging'>): string {
  // `info` logs every gRPC call, endorsement and gateway submit: measured 24.7 -> 23.0 ms of consortium
  // CPU per committed transaction when switched to `warning` (bench/results/levers.md).
  return tuning.fabricLogging ?? 'warning';
}

function askedFabricLogging(env: NodeJS.ProcessEnv): string | undefined {
  const spec = env.MEDLEDGER_FABRIC_LOGGING?.trim();
  return spec === '' ? undefined : spec;
}

/** The chaincode servers' log level for `tuning`: `warning` unless asked otherwise. */
export function chaincodeLoggingLevel(tuning: Tuning): string {
  // fabric-shim logs every invocation at info: 4-17 % of a chaincode server's CPU per operation
  // (bench/results/lever-chaincode-logging.md).
  return tuning.chaincodeLogging ?? 'warning';
}
