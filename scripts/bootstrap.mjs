// Every npm script's entry point: runs under Node 24 LTS (provisioned into the per-user cache when the
// machine's Node is outside that range), installs npm packages when they are missing, stale or were
// built for another Node, compiles every TypeScript project (and removes outputs whose source is
// gone), builds the web console when its sources changed, then runs the given script under the same
// runtime:
//
//   node scripts/bootstrap.mjs [script.js [args...]]
//
// Plain JavaScript because it runs before anything is installed or built.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureSupportedNode, runtimeEnv } from './node-runtime.mjs';
import { pruneStaleOutputs } from './stale-outputs.mjs';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..');
const [target, ...targetArgs] = process.argv.slice(2);

await ensureSupportedNode(self, process.argv.slice(2));
// Children (npm, node-gyp, the target) run under this runtime and build native modules against it.
Object.assign(process.env, runtimeEnv(process.execPath));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// Set-up output goes to stderr so that a target's stdout stays its own (`TOKEN=$(npm run -s token ...)`).
function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: ['inherit', 2, 2] });
}

const installedMarker = join(root, 'node_modules', '.package-lock.json');
const abiMarker = join(root, 'node_modules', '.medledger-node-abi');
const lockFile = join(root, 'package-lock.json');
const abi = `${process.versions.modules} ${process.platform}-${process.arch}`;
// The patches of installed packages (patches/, applied by patch-package after every install) count
// like the lock file: a checkout whose patches changed installs again, or it would run without them.
const patchesDir = join(root, 'patches');
const newerThanInstall = (file) => statSync(file).mtimeMs > statSync(installedMarker).mtimeMs;
const needsInstall =
  !existsSync(installedMarker) ||
  (existsSync(lockFile) && newerThanInstall(lockFile)) ||
  (existsSync(patchesDir) && readdirSync(patchesDir).some((f) => newerThanInstall(join(patchesDir, f))));
if (needsInstall) {
  console.error('[medledger] installing npm packages');
  run(npm, existsSync(lockFile) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund']);
} else if (!existsSync(abiMarker) || readFileSync(abiMarker, 'utf8') !== abi) {
  // Installed under another Node (native modules are built per ABI): rebuild them for this one.
  console.error(`[medledger] rebuilding native modules for Node ${process.version}`);
  run(npm, ['rebuild', '--no-audit', '--no-fund']);
}
writeFileSync(abiMarker, abi);
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
const stale = pruneStaleOutputs(root, workspaces);
if (stale.length > 0)
  console.error(`[medledger] removed ${stale.length} compiled files whose source is gone`);
// The web console's bundle (Vite), rebuilt when its sources changed; the gateways serve it.
run(process.execPath, [join(root, 'scripts', 'console-build.mjs')]);

if (target !== undefined) {
  const result = spawnSync(process.execPath, [join(root, target), ...targetArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}
