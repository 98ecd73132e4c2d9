// Checks every test program the Vale test runner runs (Tester/src/main.vale)
// with vale-ffi's checks; they are valid programs, so nothing may be reported.
// Run by hand: `npx tsx test/vale-programs.ts /path/to/Vale` (not bundled).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../shared';

const root = process.argv[2];
if (!root) {
  console.error('usage: npx tsx test/vale-programs.ts /path/to/Vale');
  process.exit(2);
}
const tester = readFileSync(join(root, 'Tester', 'src', 'main.vale'), 'utf8');
// Commented-out lines are tests the runner does not run.
const programs = [
  ...new Set(
    tester
      .split('\n')
      .filter((l) => !l.trim().startsWith('//'))
      .flatMap((l) => [...l.matchAll(/samples_path\.\/\("(programs\/[^"]+)"\)/g)].map((m) => m[1])),
  ),
];
const base = join(root, 'Frontend', 'Tests', 'test', 'main', 'resources');
const valeFiles = (p: string): string[] =>
  statSync(p).isDirectory() ? readdirSync(p).flatMap((n) => valeFiles(join(p, n))) : p.endsWith('.vale') ? [p] : [];
let reported = 0;
let files = 0;
for (const program of programs) {
  const ws = new Workspace();
  for (const f of valeFiles(join(base, program))) {
    ws.setFile(f, readFileSync(f, 'utf8'));
    files++;
  }
  const diagnostics = ws.allDiagnostics().filter((d) => d.severity !== 'hint');
  for (const d of diagnostics) console.log(`${program}: ${d.severity} ${d.code}: ${d.message}`);
  reported += diagnostics.length;
}
console.log(`${programs.length} programs, ${files} files, ${reported} diagnostics`);
process.exit(reported === 0 ? 0 : 1);
