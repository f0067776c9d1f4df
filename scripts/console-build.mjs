// Builds the web console (Vite) into console/dist-web when its sources changed since the last build,
// so every npm script (start, test, ...) has an up-to-date console for the gateways to serve. The
// build runs offline: Vite and its plugins are npm packages, nothing is fetched.
//
//   node scripts/console-build.mjs           build when stale
//   node scripts/console-build.mjs --force   build
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the console's bundle is made from (the shared model's browser entry is bundled from source). */
export const CONSOLE_INPUTS = [
  'console/index.html',
  'console/vite.config.mjs',
  'console/package.json',
  'console/src/app',
  'console/src/lib',
  'chaincode/domain/src',
  'package-lock.json',
];

function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return path.endsWith('.test.ts') ? 0 : st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), st.mtimeMs);
}

/** True when console/dist-web is missing or older than one of its inputs under `root`. */
export function consoleBuildIsStale(root) {
  let built;
  try {
    built = statSync(join(root, 'console', 'dist-web', 'index.html')).mtimeMs;
  } catch {
    return true;
  }
  return CONSOLE_INPUTS.some((input) => newest(join(root, input)) > built);
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] === self) {
  const root = join(dirname(self), '..');
  if (process.argv.includes('--force') || consoleBuildIsStale(root)) {
    console.error('[medledger] building the web console (vite build)');
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: join(root, 'console'),
      stdio: ['ignore', 2, 2],
    });
    process.exit(result.status ?? 1);
  }
}
