// Compiled files whose TypeScript source is gone. `tsc -b` never deletes outputs, so after a file is
// moved or removed its old `.js` (and a moved `*.test.js`) would stay in `dist/`, still importable and
// still found by the test runner. The bootstrap removes them after every build.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const OUTPUT = /\.(js|js\.map|d\.ts|d\.ts\.map)$/;

function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

function exists(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The outputs under `<pkg>/dist` without a `<pkg>/src/*.ts` of the same name, for each package
 * folder (relative to `root`); removes them unless `dryRun`. Returns their paths relative to `root`.
 */
export function pruneStaleOutputs(root, packages, { dryRun = false } = {}) {
  const stale = [];
  for (const pkg of packages) {
    const dist = join(root, pkg, 'dist');
    for (const file of walk(dist)) {
      if (!OUTPUT.test(file)) continue;
      const source = join(root, pkg, 'src', relative(dist, file).replace(OUTPUT, '.ts'));
      if (exists(source)) continue;
      stale.push(relative(root, file));
      if (!dryRun) rmSync(file);
    }
  }
  return stale;
}
