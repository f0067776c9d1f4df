// Makes a fresh clone runnable: installs npm packages when they are missing or stale, then compiles
// every TypeScript project. Plain JavaScript because it runs before anything is installed or built.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
}

const installedMarker = join(root, 'node_modules', '.package-lock.json');
const lockFile = join(root, 'package-lock.json');
const needsInstall =
  !existsSync(installedMarker) ||
  (existsSync(lockFile) && statSync(lockFile).mtimeMs > statSync(installedMarker).mtimeMs);
if (needsInstall) {
  console.log('[medledger] installing npm packages');
  run(npm, existsSync(lockFile) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund']);
}
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
