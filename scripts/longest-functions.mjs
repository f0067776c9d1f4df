// Lists the longest functions (declarations, methods, arrows, function expressions) of the TypeScript
// files under the given folders, with their line counts (first to last line, nested functions included).
//   node scripts/longest-functions.mjs [--top N] [--max LINES] [--exclude PATH]... DIR...
// With --max it lists the functions longer than LINES and exits 1 when there is one (npm test runs it
// over the gateway, whose functions stay under 100 lines).
// e.g. the gateway outside the projection, whose functions stay under 100 lines:
//   node scripts/longest-functions.mjs --exclude gateway/src/projection gateway/src
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
let top = 5;
let max;
const excludes = [];
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--top') top = Number(args[++i]);
  else if (args[i] === '--max') max = Number(args[++i]);
  else if (args[i] === '--exclude') excludes.push(args[++i]);
  else dirs.push(args[i]);
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (excludes.some((e) => full.startsWith(e))) return [];
    if (statSync(full).isDirectory()) return files(full);
    return full.endsWith('.ts') && !full.endsWith('.d.ts') ? [full] : [];
  });
}

function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (node.name && ts.isPrivateIdentifier(node.name)) return node.name.text;
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isCallExpression(p)) return `(callback of ${p.expression.getText().slice(0, 30)})`;
  return '(anonymous)';
}

const found = [];
for (const file of dirs.flatMap(files)) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      found.push({
        lines: end - start + 1,
        where: `${relative(process.cwd(), file)}:${start}`,
        name: nameOf(node),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
found.sort((a, b) => b.lines - a.lines);
const shown = max === undefined ? found.slice(0, top) : found.filter((f) => f.lines > max);
for (const f of shown) console.log(`${String(f.lines).padStart(5)}  ${f.name}  ${f.where}`);
if (max !== undefined && shown.length > 0) {
  console.error(`${shown.length} function(s) longer than ${max} lines: split them`);
  process.exit(1);
}
