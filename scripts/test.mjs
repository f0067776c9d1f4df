// Runs the test suite: static checks (ESLint, Prettier), the unit and component tests of every
// package, and with --e2e the end-to-end tests under test/ against the real consortium, which this
// script starts when it is not running and stops again afterwards.
//
//   node scripts/test.mjs          static checks + unit/component tests (what `npm test` runs)
//   node scripts/test.mjs --e2e    end-to-end tests only (`npm run test:e2e`)
//   node scripts/test.mjs --all    everything
//   node scripts/test.mjs --faults the fault, bad-input and leak suite under test/faults, then the
//                                  hostile-insider suite under test/insiders (`npm run test:faults`)
//
// The real-network runs take the files that fit the running network (its network.json): the ordering
// scenarios of its protocol (test/faults/raft/ or test/faults/bft/), and the checks of isolated hosts
// (test/isolated/) only when it runs on them. MEDLEDGER_ORDERER=bft and MEDLEDGER_ISOLATED_HOSTS=1 choose
// the network the run starts (see network/src/topology.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const runFaults = args.has('--faults');
const runUnit = !args.has('--e2e') && !runFaults;
const runE2e = args.has('--e2e') || args.has('--all');

function findTests(dir, suffix = '.test.js') {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(findTests(full, suffix));
    else if (name.endsWith(suffix)) out.push(full);
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

if (runUnit) {
  run('eslint', process.execPath, [bin('eslint', 'bin/eslint.js'), '--max-warnings=0', '.']);
  run('prettier', process.execPath, [bin('prettier', 'bin/prettier.cjs'), '--check', '.']);
  run('function length (gateway: under 100 lines each)', process.execPath, [
    join(root, 'scripts', 'longest-functions.mjs'),
    '--max',
    '99',
    'gateway/src',
  ]);
  const unit = [
    ...findTests(join(root, 'scripts'), '.test.mjs'),
    ...[
      'cli-kit',
      'crypto',
      'chaincode/domain',
      'fhir',
      'chaincode',
      'gateway',
      'console',
      'network',
      'bench',
      'examples',
    ].flatMap((p) => findTests(join(root, p, 'dist'))),
  ];
  run(`unit and component tests (${unit.length} files)`, process.execPath, [
    '--test',
    '--test-reporter=spec',
    ...unit.map((f) => relative(root, f)),
  ]);
}
if (runE2e || runFaults) {
  const cli = join(root, 'network', 'dist', 'cli.js');
  const status = spawnSync(process.execPath, [cli, 'status'], { cwd: root, encoding: 'utf8' });
  const alreadyUp =
    status.status === 0 && !/^\s+(orderer|peer|ca-|chaincode-)\S*\s+stopped/m.test(status.stdout);
  if (!alreadyUp) run('starting the consortium for the end-to-end tests', process.execPath, [cli, 'start']);
  const faultsDir = join(root, 'test', 'dist', 'faults');
  const insidersDir = join(root, 'test', 'dist', 'insiders');
  const networkFile = join(resolve(process.env.MEDLEDGER_HOME ?? join(root, '.medledger')), 'network.json');
  const network = existsSync(networkFile) ? JSON.parse(readFileSync(networkFile, 'utf8')) : {};
  const ordering = network.ordering ?? 'raft';
  const skipped = [
    ...['raft', 'bft'].filter((o) => o !== ordering).map((o) => join(faultsDir, o)),
    ...(network.hosts === 'isolated' ? [] : [join(root, 'test', 'dist', 'isolated')]),
    // The scenarios of a second peer (the regulator's, Hospital1's) need a network started with
    // MEDLEDGER_PEERS=2 or more.
    ...(['Regulator', 'Hospital1'].every((name) =>
      (network.orgs ?? []).some((o) => o.name === name && (o.peers ?? []).length > 1),
    )
      ? []
      : [join(faultsDir, 'peers')]),
  ];
  const fits = (f) => !skipped.some((dir) => f.startsWith(`${dir}/`));
  console.log(`[medledger] the network runs ${ordering} ordering on ${network.hosts ?? 'loopback'} hosts`);
  // The long fault suite and the insider cases that stop or swap consortium processes run only with
  // --faults; the end-to-end run has the other insider cases and the short versions of those
  // (`insiders-short.test.ts`). The test runner takes the files in path order: the fault scenarios
  // (of the network's ordering protocol), their leak check (z-*, the canary name of the scenarios'
  // content), then the insider cases (their own canary scans).
  const faultsOnly = ['hole-3-anchor-rewrite', 'hole-5-canary', 'hole-6-colluders', 'regulator-outage'].map(
    (name) => join(insidersDir, `${name}.test.js`),
  );
  const e2e = (
    runFaults
      ? [...findTests(faultsDir), ...findTests(insidersDir)]
      : findTests(join(root, 'test', 'dist')).filter(
          (f) => !f.startsWith(`${faultsDir}/`) && !faultsOnly.includes(f),
        )
  ).filter(fits);
  const result = spawnSync(
    process.execPath,
    ['--test', '--test-concurrency=1', '--test-reporter=spec', ...e2e.map((f) => relative(root, f))],
    { cwd: root, stdio: 'inherit' },
  );
  if (!alreadyUp) run('stopping the consortium', process.execPath, [cli, 'stop']);
  if (result.status !== 0) process.exit(result.status ?? 1);
}
