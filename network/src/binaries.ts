import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, FABRIC_CA_VERSION, FABRIC_COMMIT, FABRIC_VERSION } from './paths';

/** The Fabric tools the network runs. */
export const FABRIC_TOOLS = ['peer', 'orderer', 'configtxgen', 'osnadmin', 'cryptogen'] as const;
export const FABRIC_CA_TOOLS = ['fabric-ca-server', 'fabric-ca-client'] as const;

export type FabricTool = (typeof FABRIC_TOOLS)[number] | (typeof FABRIC_CA_TOOLS)[number];

/** Where the binaries and Fabric's sample config (core.yaml, orderer.yaml) are. */
export interface FabricInstall {
  readonly binDir: string;
  readonly caBinDir: string;
  /** Fabric's `sampleconfig/`, the starting point of every generated core.yaml and orderer.yaml. */
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

/** Raised when the binaries cannot be had; carries the command that failed and what it printed. */
export class FabricInstallError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly output: string,
  ) {
    super(`${message}\n  command: ${command}\n  output: ${output.trim()}`);
    this.name = 'FabricInstallError';
  }
}

function complete(dir: string, tools: readonly string[]): boolean {
  return tools.every((tool) => existsSync(join(dir, tool)));
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const shown = `${command} ${args.join(' ')}`;
  console.log(`[medledger] ${shown}`);
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    throw new FabricInstallError(
      `could not build the Fabric binaries`,
      shown,
      `${result.stdout}${result.stderr}`,
    );
  }
}

/**
 * Builds `peer`, `orderer`, `configtxgen`, `osnadmin` and `cryptogen` at Fabric's v3.1.5 commit from the
 * Go module proxy (the module's v2+ tags are not valid Go module versions, hence the commit), and copies
 * the module's `sampleconfig/` beside them.
 */
function installFabric(home: string): void {
  mkdirSync(join(home, 'bin'), { recursive: true });
  const env = { ...process.env, GOBIN: join(home, 'bin'), GOFLAGS: '-mod=mod' };
  run(
    'go',
    ['install', ...FABRIC_TOOLS.map((t) => `github.com/hyperledger/fabric/cmd/${t}@${FABRIC_COMMIT}`)],
    home,
    env,
  );
  const list = spawnSync('go', ['list', '-m', '-json', `github.com/hyperledger/fabric@${FABRIC_COMMIT}`], {
    encoding: 'utf8',
    env,
  });
  const dir = /"Dir":\s*"([^"]+)"/.exec(list.stdout)?.[1];
  if (dir === undefined)
    throw new FabricInstallError('Fabric module not in the module cache', 'go list -m', list.stderr);
  cpSync(join(dir, 'sampleconfig'), join(home, 'config'), { recursive: true });
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
  const env = { ...process.env, GOFLAGS: '-mod=mod' };
  const download = spawnSync('go', ['mod', 'download', '-json', `${module}@${version}`], {
    encoding: 'utf8',
    env,
  });
  const dir = /"Dir":\s*"([^"]+)"/.exec(download.stdout)?.[1];
  if (download.status !== 0 || dir === undefined) {
    throw new FabricInstallError(
      `could not download ${module}`,
      `go mod download -json ${module}@${version}`,
      `${download.stdout}${download.stderr}`,
    );
  }
  for (const [name, pkg] of Object.entries(commands)) {
    run('go', ['build', '-o', join(binDir, name), pkg], dir, env);
  }
}

/** Builds `fabric-ca-server` (cgo, SQLite) and `fabric-ca-client`. */
function installFabricCa(binDir: string): void {
  buildGoModule(
    'github.com/hyperledger/fabric-ca',
    `v${FABRIC_CA_VERSION}`,
    Object.fromEntries(FABRIC_CA_TOOLS.map((t) => [t, `./cmd/${t}`])),
    binDir,
  );
}

/**
 * Finds the Fabric binaries, building them into the per-user cache when missing.
 *
 * `MEDLEDGER_FABRIC_HOME` may point at an existing Fabric install laid out like Fabric's release
 * archive (`bin/` with the tools, `config/` with core.yaml and orderer.yaml), for operators who
 * already have one; CA tools are looked for there too before being built.
 */
export function ensureFabric(env: NodeJS.ProcessEnv = process.env): FabricInstall {
  const caBinDir = join(cacheDir(env), `fabric-ca-${FABRIC_CA_VERSION}`, 'bin');
  let fabricHome = env.MEDLEDGER_FABRIC_HOME;
  if (fabricHome === undefined || fabricHome === '') {
    fabricHome = join(cacheDir(env), `fabric-${FABRIC_VERSION}`);
    if (
      !complete(join(fabricHome, 'bin'), FABRIC_TOOLS) ||
      !existsSync(join(fabricHome, 'config', 'core.yaml'))
    ) {
      console.log(`[medledger] building Fabric ${FABRIC_VERSION} into ${fabricHome} (once per machine)`);
      installFabric(fabricHome);
    }
  } else if (!complete(join(fabricHome, 'bin'), FABRIC_TOOLS)) {
    throw new FabricInstallError(
      `MEDLEDGER_FABRIC_HOME=${fabricHome} lacks some of ${FABRIC_TOOLS.join(', ')}`,
      `ls ${join(fabricHome, 'bin')}`,
      '',
    );
  }
  const homeCa = join(fabricHome, 'bin');
  const caDir = complete(homeCa, FABRIC_CA_TOOLS) ? homeCa : caBinDir;
  if (!complete(caDir, FABRIC_CA_TOOLS)) {
    console.log(`[medledger] building Fabric CA ${FABRIC_CA_VERSION} into ${caBinDir} (once per machine)`);
    installFabricCa(caBinDir);
  }
  // Fabric reads core.yaml/orderer.yaml from FABRIC_CFG_PATH; sampleconfig is the start of ours.
  if (!existsSync(join(fabricHome, 'config', 'core.yaml'))) {
    throw new FabricInstallError(`no Fabric sample config in ${fabricHome}/config`, 'ls', '');
  }
  return makeInstall(join(fabricHome, 'bin'), caDir, join(fabricHome, 'config'));
}
