// Parses every current-dialect .vale file of a Vale compiler checkout and
// reports syntax errors: `npx tsx test/corpus.ts /path/to/Vale`.
// Backend/vstl holds an obsolete dialect (`fn`, `rules(...)`) and is skipped.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from '../shared';

const root = process.argv[2];
if (!root) {
  console.error('usage: npx tsx test/corpus.ts /path/to/Vale');
  process.exit(2);
}
const files: string[] = [];
const walk = (dir: string): void => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory() && e.name !== '.git') walk(full);
    else if (e.isFile() && e.name.endsWith('.vale') && !relative(root, full).startsWith(join('Backend', 'vstl'))) files.push(full);
  }
};
walk(root);
let errors = 0;
let warnings = 0;
let chars = 0;
const started = performance.now();
for (const file of files.sort()) {
  const text = readFileSync(file, 'utf8');
  chars += text.length;
  const tree = parse(text);
  if (tree.print() !== text) throw new Error(`round trip failed: ${file}`);
  for (const e of tree.errors) {
    const p = tree.lines.positionAt(e.start);
    console.log(`${relative(root, file)}:${p.line + 1}:${p.character + 1}: ${e.warning ? 'warning' : 'error'}: ${e.message}`);
    if (e.warning) warnings++;
    else errors++;
  }
}
const ms = performance.now() - started;
console.log(`${files.length} files, ${chars} characters, ${errors} syntax errors, ${warnings} warnings, ${ms.toFixed(0)} ms`);
process.exit(errors > 0 ? 1 : 0);
