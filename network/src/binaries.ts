/**
 * Where the Fabric binaries come from. Fabric 3.1.5 and Fabric CA 1.5.21 are each looked for in this
 * order, and the first source that has them wins:
 *
 * 1. `MEDLEDGER_FABRIC_HOME`, an install laid out like Fabric's release archive (`bin/`, `config/`).
 *    Fabric must be complete there when it is set (a wrong path is a mistake to report, not a reason
 *    to fetch something else); Fabric CA is looked for in the same `bin/`, since Fabric's own
 *    archive does not carry it.
 * 2. The per-user cache (`<cache>/fabric-3.1.5`, `<cache>/fabric-ca-1.5.21`), shared by every clone.
 * 3. The official release archive for this OS and architecture, from GitHub or from the mirror named
 *    by `MEDLEDGER_FABRIC_MIRROR`, checked against the SHA-256 pinned in `fabric-releases.ts`
 *    (never used without one) and unpacked into the cache.
 * 4. A build from the Go module proxy (Fabric by commit, since its v2+/v3 tags are not valid Go
 *    module versions; Fabric CA by tag) into the cache.
 *
 * Whatever is put into the cache is assembled in a temporary folder beside it and renamed into place
 * once complete, so an interrupted install never leaves a half-filled cache folder that a later run
 * would take for an install. When no source has a component, the error says what each one answered.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { downloadVerified, DownloadError } from './download';
import {
  archiveFileName,
  archiveUrl,
  currentPlatform,
  PINNED_SHA256,
  type ComponentName,
  type Platform,
} from './fabric-releases';
import { cacheDir, FABRIC_CA_VERSION, FABRIC_COMMIT, FABRIC_VERSION } from './paths';

/** The Fabric tools the network runs. */
export const FABRIC_TOOLS = ['peer', 'orderer', 'configtxgen', 'osnadmin', 'cryptogen'] as const;
export const FABRIC_CA_TOOLS = ['fabric-ca-server', 'fabric-ca-client'] as const;

/** Tools only governance needs (channel configuration updates); see `configtxlator.ts`. */
export const GOVERNANCE_TOOLS = ['configtxlator'] as const;

export type FabricTool =
  (typeof FABRIC_TOOLS)[number] | (typeof FABRIC_CA_TOOLS)[number] | (typeof GOVERNANCE_TOOLS)[number];

/** Where the binaries and Fabric's sample config (core.yaml, orderer.yaml) are. */
export interface FabricInstall {
  readonly binDir: string;
  readonly caBinDir: string;
  /** Fabric's `config/` (`sampleconfig/`), the starting point of every generated core.yaml and orderer.yaml. */
  readonly sampleConfigDir: string;
  bin(tool: FabricTool): string;
}

function makeInstall(binDir: string, caBinDir: string, sampleConfigDir: string): FabricInstall {
  return {
    binDir,
    caBinDir,
    sampleConfigDir,
    bin: (tool) => join((FABRIC_CA_TOOLS as readonly string[]).includes(tool) ? caBinDir : binDir, tool),
  };
}

/** One of the two things installed, and what an install of it must hold. */
export interface Component {
  readonly name: ComponentName;
  /** For people: `Fabric 3.1.5`. */
  readonly label: string;
  /** Its folder in the per-user cache. */
  readonly cacheName: string;
  /** Files an install must hold, relative to its root. */
  readonly required: readonly string[];
  /** The Go module the proxy build fetches, as `module@version`. */
  readonly goModule: string;
}

export const FABRIC: Component = {
  name: 'fabric',
  label: `Fabric ${FABRIC_VERSION}`,
  cacheName: `fabric-${FABRIC_VERSION}`,
  required: [...FABRIC_TOOLS.map((t) => `bin/${t}`), 'config/core.yaml', 'config/orderer.yaml'],
  goModule: `github.com/hyperledger/fabric@${FABRIC_COMMIT}`,
};

export const FABRIC_CA: Component = {
  name: 'fabric-ca',
  label: `Fabric CA ${FABRIC_CA_VERSION}`,
  cacheName: `fabric-ca-${FABRIC_CA_VERSION}`,
  required: FABRIC_CA_TOOLS.map((t) => `bin/${t}`),
  goModule: `github.com/hyperledger/fabric-ca@v${FABRIC_CA_VERSION}`,
};

/** What a source answered: the root of an install, or why it has none. */
export type SourceAnswer =
  | { readonly root: string }
  /** `final`: stop here, the later sources are not asked (a misconfiguration to fix). */
  | { readonly refused: string; readonly final?: boolean };

/** A place a component may come from. */
export interface Source {
  readonly kind: 'home' | 'cache' | 'archive' | 'proxy';
  /** For people: `MEDLEDGER_FABRIC_HOME`, `cache /home/x/.cache/medledger/fabric-3.1.5`, ... */
  readonly what: string;
  obtain(): Promise<SourceAnswer>;
}

/** What one source answered, for the error that lists them all. */
export interface Attempt {
  readonly what: string;
  readonly answer: string;
}

/** No source had the component; the message lists every attempt and the two ways out. */
export class FabricUnavailableError extends Error {
  constructor(
    readonly component: Component,
    readonly attempts: readonly Attempt[],
    /** A source stopped the search (a `MEDLEDGER_FABRIC_HOME` without Fabric). */
    readonly stopped = false,
  ) {
    super(unavailableMessage(component, attempts, stopped));
    this.name = 'FabricUnavailableError';
  }
}

function unavailableMessage(component: Component, attempts: readonly Attempt[], stopped: boolean): string {
  const tried = attempts.map((a) => `  - ${a.what}: ${a.answer}`).join('\n');
  if (stopped) {
    return (
      `${component.label} is not available, so nothing was started:\n${tried}\n` +
      `Two ways out: point MEDLEDGER_FABRIC_HOME at a complete ${component.label} install, or unset it so ` +
      `the cache, the release archive and the Go module proxy are tried.`
    );
  }
  const install =
    component.name === 'fabric'
      ? `point MEDLEDGER_FABRIC_HOME at a ${component.label} install (an unpacked release archive: bin/peer, bin/orderer, bin/configtxgen, bin/osnadmin, bin/cryptogen, config/core.yaml, config/orderer.yaml)`
      : `put fabric-ca-server and fabric-ca-client ${FABRIC_CA_VERSION} in $MEDLEDGER_FABRIC_HOME/bin`;
  const archive = archiveFileName(component.name, currentPlatform() ?? 'linux-amd64');
  return (
    `${component.label} is not available, so nothing was started. Tried, in order:\n${tried}\n` +
    `Two ways out: ${install}, or allow one of these sources: github.com, a mirror ` +
    `(MEDLEDGER_FABRIC_MIRROR=<URL or folder holding ${archive}>) or a Go module proxy (GOPROXY) that serves the module.`
  );
}

/** The install files of `required` missing under `root`. */
export function missingFiles(root: string, required: readonly string[]): string[] {
  return required.filter((f) => !existsSync(join(root, f)));
}

function listMissing(missing: readonly string[]): string {
  return missing.length > 3
    ? `${missing.slice(0, 3).join(', ')} and ${String(missing.length - 3)} more`
    : missing.join(', ');
}

/**
 * Asks the sources in order and returns the root of the first install found. Throws
 * `FabricUnavailableError` with every answer when none has one.
 */
export async function resolveComponent(
  component: Component,
  sources: readonly Source[],
): Promise<{ root: string; source: Source }> {
  const attempts: Attempt[] = [];
  for (const source of sources) {
    let answer: SourceAnswer;
    try {
      answer = await source.obtain();
    } catch (err) {
      answer = { refused: err instanceof Error ? err.message : String(err) };
    }
    if ('root' in answer) return { root: answer.root, source };
    attempts.push({ what: source.what, answer: answer.refused });
    if (answer.final === true) throw new FabricUnavailableError(component, attempts, true);
  }
  throw new FabricUnavailableError(component, attempts);
}

/** `MEDLEDGER_FABRIC_HOME`: Fabric must be complete there when set; Fabric CA may be elsewhere. */
export function homeSource(component: Component, env: NodeJS.ProcessEnv): Source {
  const home = env.MEDLEDGER_FABRIC_HOME;
  const set = home !== undefined && home !== '';
  return {
    kind: 'home',
    what: set ? `MEDLEDGER_FABRIC_HOME=${home}` : 'MEDLEDGER_FABRIC_HOME',
    obtain: () => {
      if (!set) return Promise.resolve({ refused: 'not set' });
      const missing = missingFiles(home, component.required);
      if (missing.length === 0) return Promise.resolve({ root: home });
      return Promise.resolve({
        refused: `lacks ${listMissing(missing)}`,
        final: component.name === 'fabric',
      });
    },
  };
}

/** The component's folder in the per-user cache. */
export function cacheRoot(component: Component, env: NodeJS.ProcessEnv): string {
  return join(cacheDir(env), component.cacheName);
}

export function cacheSource(component: Component, env: NodeJS.ProcessEnv): Source {
  const root = cacheRoot(component, env);
  return {
    kind: 'cache',
    what: `cache ${root}`,
    obtain: () => {
      if (!existsSync(root)) return Promise.resolve({ refused: 'empty' });
      const missing = missingFiles(root, component.required);
      return Promise.resolve(
        missing.length === 0 ? { root } : { refused: `incomplete (lacks ${listMissing(missing)})` },
      );
    },
  };
}

/**
 * Runs `fill(tmp)` on a fresh temporary folder beside the component's cache folder and, once it holds
 * a complete install, renames it into place. The temporary folder is removed whatever happens.
 */
async function installIntoCache(
  component: Component,
  env: NodeJS.ProcessEnv,
  fill: (tmp: string) => Promise<void> | void,
): Promise<string> {
  const root = cacheRoot(component, env);
  const tmp = join(cacheDir(env), `.${component.cacheName}.tmp-${String(process.pid)}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    const missing = missingFiles(tmp, component.required);
    if (missing.length > 0)
      throw new Error(`not a ${component.label} install: lacks ${listMissing(missing)}`);
    rmSync(root, { recursive: true, force: true });
    try {
      renameSync(tmp, root);
    } catch (err) {
      // Another `npm start` may have installed it in the meantime; its copy is as good as ours.
      if (missingFiles(root, component.required).length > 0) throw err;
    }
    return root;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    removeIfEmpty(cacheDir(env));
  }
}

/** Tests stand in for GitHub and the pinned table; everything else is the product's. */
export interface ArchiveOptions {
  readonly platform?: Platform | undefined;
  readonly pinned?: Readonly<Partial<Record<Platform, string>>>;
  readonly log?: (line: string) => void;
}

/** The official release archive, verified against its pinned digest, unpacked into the cache. */
export function archiveSource(
  component: Component,
  env: NodeJS.ProcessEnv,
  options: ArchiveOptions = {},
): Source {
  const platform = 'platform' in options ? options.platform : currentPlatform();
  const mirror = env.MEDLEDGER_FABRIC_MIRROR;
  const base = mirror !== undefined && isAbsolute(mirror) ? pathToFileURL(mirror).href : mirror;
  const url = platform === undefined ? undefined : archiveUrl(component.name, platform, base);
  return {
    kind: 'archive',
    what: `release archive ${url ?? `for ${process.platform}-${process.arch}`}`,
    obtain: async () => {
      if (platform === undefined || url === undefined) {
        return { refused: 'no official archive is published for this OS and architecture' };
      }
      const sha256 = (options.pinned ?? PINNED_SHA256[component.name])[platform];
      if (sha256 === undefined) {
        return {
          refused: `no SHA-256 is pinned for ${archiveFileName(component.name, platform)} (network/src/fabric-releases.ts), and an unverified archive is never used`,
        };
      }
      const downloads = join(cacheDir(env), 'downloads');
      const partFile = join(downloads, `${archiveFileName(component.name, platform)}.part`);
      const log =
        options.log ??
        ((line: string) => {
          console.log(`[medledger] ${line}`);
        });
      let keepPart = false;
      try {
        const file = await downloadVerified({ url, sha256, partFile, log });
        const root = await installIntoCache(component, env, (tmp) => {
          const untar = spawnSync('tar', ['-xzf', file, '-C', tmp], { encoding: 'utf8' });
          if (untar.status !== 0) {
            throw new Error(
              `could not unpack ${archiveFileName(component.name, platform)}: ${gist(untar.stderr || String(untar.error))}`,
            );
          }
        });
        log(`${component.label} installed into ${root} from ${url}`);
        return { root };
      } catch (err) {
        keepPart = err instanceof DownloadError && err.resumable;
        throw err;
      } finally {
        // The verified archive is not needed once unpacked; only a broken transfer is kept, to resume.
        if (!keepPart) rmSync(partFile, { force: true });
        removeIfEmpty(downloads);
        removeIfEmpty(cacheDir(env));
      }
    },
  };
}

function removeIfEmpty(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
}

/**
 * The line of a tool's output that says what went wrong: the `Error` of `go ... -json` output, else
 * the last non-empty line (where Go and tar put it), shortened.
 */
function gist(output: string): string {
  const jsonError = /"Error":\s*("(?:\\.|[^"\\])*")/.exec(output)?.[1];
  const text = jsonError === undefined ? output : (JSON.parse(jsonError) as string);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const line = (jsonError === undefined ? lines.at(-1) : lines.join(' ')) ?? 'no output';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** Raised when a Go build fails; carries the command and its last line of output. */
export class FabricInstallError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly output: string,
  ) {
    super(`${message}: ${gist(output)}`);
    this.name = 'FabricInstallError';
  }
}

/** The environment of every `go` command here: the caller's, with module mode forced on. */
function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ''} -mod=mod`.trim(), ...extra };
}

function go(args: string[], cwd: string | undefined, env: NodeJS.ProcessEnv, what: string): string {
  const result = spawnSync('go', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error !== undefined) {
    throw new FabricInstallError(
      what,
      `go ${args.join(' ')}`,
      (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'go is not on PATH' : result.error.message,
    );
  }
  if (result.status !== 0)
    throw new FabricInstallError(what, `go ${args.join(' ')}`, `${result.stdout}${result.stderr}`);
  return result.stdout;
}

/**
 * Builds commands of a Go module at an exact version into `binDir`. `go install pkg@version` would ask
 * the proxy for the module's version list (for deprecation notices) and refuses modules whose go.mod
 * has replace/exclude directives, so the module is downloaded at that version and built in place.
 */
export function buildGoModule(
  module: string,
  version: string,
  commands: Record<string, string>,
  binDir: string,
): void {
  mkdirSync(binDir, { recursive: true });
  const env = goEnv();
  const download = go(
    ['mod', 'download', '-json', `${module}@${version}`],
    undefined,
    env,
    `could not download ${module}@${version}`,
  );
  const dir = /"Dir":\s*"([^"]+)"/.exec(download)?.[1];
  if (dir === undefined)
    throw new FabricInstallError(`${module} is not in the module cache`, 'go mod download', download);
  for (const [name, pkg] of Object.entries(commands)) {
    console.log(`[medledger] go build -o ${join(binDir, name)} ${pkg}`);
    go(['build', '-o', join(binDir, name), pkg], dir, env, `could not build ${name}`);
  }
}

/**
 * Builds `peer`, `orderer`, `configtxgen`, `osnadmin` and `cryptogen` at Fabric's v3.1.5 commit, and
 * copies the module's `sampleconfig/` beside them as `config/`.
 */
function buildFabric(root: string): void {
  const env = goEnv({ GOBIN: join(root, 'bin') });
  console.log(`[medledger] go install github.com/hyperledger/fabric/cmd/...@${FABRIC_COMMIT}`);
  go(
    ['install', ...FABRIC_TOOLS.map((t) => `github.com/hyperledger/fabric/cmd/${t}@${FABRIC_COMMIT}`)],
    root,
    env,
    'go install failed',
  );
  const list = go(['list', '-m', '-json', FABRIC.goModule], root, env, 'go list failed');
  const dir = /"Dir":\s*"([^"]+)"/.exec(list)?.[1];
  if (dir === undefined)
    throw new FabricInstallError('the Fabric module is not in the module cache', 'go list -m', list);
  cpSync(join(dir, 'sampleconfig'), join(root, 'config'), { recursive: true });
}

/** Builds `fabric-ca-server` (cgo, SQLite) and `fabric-ca-client`. */
function buildFabricCa(root: string): void {
  buildGoModule(
    'github.com/hyperledger/fabric-ca',
    `v${FABRIC_CA_VERSION}`,
    Object.fromEntries(FABRIC_CA_TOOLS.map((t) => [t, `./cmd/${t}`])),
    join(root, 'bin'),
  );
}

/**
 * A build from the Go module proxy into the cache (`GOPROXY` and the rest of Go's environment apply).
 * The module is fetched first and quietly, so a proxy that refuses it, or none at all
 * (`GOPROXY=off`), answers in a moment instead of after a build announcement.
 */
export function proxySource(component: Component, env: NodeJS.ProcessEnv): Source {
  return {
    kind: 'proxy',
    what: `Go module proxy build of ${component.goModule}`,
    obtain: async () => {
      try {
        go(['mod', 'download', '-json', component.goModule], undefined, goEnv(), 'go mod download');
      } catch (err) {
        // Go names the module again in its error; the attempt's label already does.
        return { refused: (err as Error).message.split(`${component.goModule}: `).join('') };
      }
      console.log(
        `[medledger] building ${component.label} from the Go module proxy into the cache (once per machine; minutes)`,
      );
      const root = await installIntoCache(
        component,
        env,
        component.name === 'fabric' ? buildFabric : buildFabricCa,
      );
      return { root };
    },
  };
}

/** The four sources of a component, in the order they are asked. */
export function defaultSources(component: Component, env: NodeJS.ProcessEnv): Source[] {
  return [
    homeSource(component, env),
    cacheSource(component, env),
    archiveSource(component, env),
    proxySource(component, env),
  ];
}

/**
 * Finds Fabric and Fabric CA, installing them into the per-user cache from the first source that has
 * them (see the top of this file). `sourcesOf` is for tests.
 */
export async function ensureFabric(
  env: NodeJS.ProcessEnv = process.env,
  sourcesOf: (component: Component, env: NodeJS.ProcessEnv) => readonly Source[] = defaultSources,
): Promise<FabricInstall & { readonly from: Readonly<Record<ComponentName, Source>> }> {
  const fabric = await resolveComponent(FABRIC, sourcesOf(FABRIC, env));
  const ca = await resolveComponent(FABRIC_CA, sourcesOf(FABRIC_CA, env));
  return {
    ...makeInstall(join(fabric.root, 'bin'), join(ca.root, 'bin'), join(fabric.root, 'config')),
    from: { fabric: fabric.source, 'fabric-ca': ca.source },
  };
}
