// Parses every current-dialect .vale file of a Vale compiler checkout and
// reports syntax errors: `npx tsx test/corpus.ts /path/to/Vale [--fingerprints FILE]`.
// With --fingerprints, writes each file's tree fingerprint to FILE, or, when FILE exists,
// compares with it and exits 1 on any tree that changed (for refactoring the parser).
// Backend/vstl holds an obsolete dialect (`fn`, `rules(...)`) and is skipped.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { parse } from '../shared';
import { fingerprint } from './support/trees';

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
const fpAt = process.argv.indexOf('--fingerprints');
const fpFile = fpAt >= 0 ? process.argv[fpAt + 1] : undefined;
const fingerprints: string[] = [];
let errors = 0;
let warnings = 0;
let chars = 0;
const started = performance.now();
for (const file of files.sort()) {
  const text = readFileSync(file, 'utf8');
  chars += text.length;
  const tree = parse(text);
  if (tree.print() !== text) throw new Error(`round trip failed: ${file}`);
  if (fpFile) fingerprints.push(`${relative(root, file)} ${createHash('sha256').update(fingerprint(tree.green)).digest('hex')}`);
  for (const e of tree.errors) {
    const p = tree.lines.positionAt(e.start);
    console.log(`${relative(root, file)}:${p.line + 1}:${p.character + 1}: ${e.warning ? 'warning' : 'error'}: ${e.message}`);
    if (e.warning) warnings++;
    else errors++;
  }
}
const ms = performance.now() - started;
if (fpFile) {
  const actual = `${fingerprints.join('\n')}\n`;
  if (!existsSync(fpFile)) {
    writeFileSync(fpFile, actual);
    console.log(`wrote ${fingerprints.length} fingerprints to ${fpFile}`);
  } else {
    const before = new Map(
      readFileSync(fpFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    const changed = fingerprints
      .map((l) => l.split(' '))
      .filter(([f, h]) => before.get(f) !== h)
      .map(([f]) => f);
    console.log(
      changed.length === 0
        ? `all ${fingerprints.length} trees identical to ${fpFile}`
        : `${changed.length} trees differ:\n${changed.join('\n')}`,
    );
    if (changed.length > 0) process.exitCode = 1;
  }
}
console.log(`${files.length} files, ${chars} characters, ${errors} syntax errors, ${warnings} warnings, ${ms.toFixed(0)} ms`);
if (errors > 0) process.exitCode = 1;
