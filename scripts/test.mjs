// Runs the test suite: static checks (ESLint, Prettier), then the unit and component tests of every
// package, then (with --e2e or by default when asked) the end-to-end tests under test/ against the real
// consortium, which the e2e setup starts and stops itself.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const onlyUnit = args.has('--unit');
const onlyE2e = args.has('--e2e');

function findTests(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(findTests(full));
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

function run(label, cmd, cmdArgs) {
  console.log(`\n[medledger] ${label}`);
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`[medledger] ${label} failed`);
    process.exit(result.status ?? 1);
  }
}

const bin = (pkg, file) => join(root, 'node_modules', pkg, file);

if (!onlyE2e) {
  run('eslint', process.execPath, [bin('eslint', 'bin/eslint.js'), '--max-warnings=0', '.']);
  run('prettier', process.execPath, [bin('prettier', 'bin/prettier.cjs'), '--check', '.']);
  const unit = ['chaincode/domain', 'chaincode', 'gateway', 'network', 'bench'].flatMap((p) =>
    findTests(join(root, p, 'dist')),
  );
  run(`unit and component tests (${unit.length} files)`, process.execPath, [
    '--test',
    '--test-reporter=spec',
    ...unit.map((f) => relative(root, f)),
  ]);
}
if (!onlyUnit && (onlyE2e || process.env.MEDLEDGER_E2E !== '0')) {
  const e2e = findTests(join(root, 'test', 'dist'));
  run(`end-to-end tests (${e2e.length} files)`, process.execPath, [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    ...e2e.map((f) => relative(root, f)),
  ]);
}
