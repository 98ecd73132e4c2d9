// The one runner for all fixture tests: every file under test/fixtures is a
// small Vale workspace with its expected diagnostics written inline.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { type CParser, type Diagnostic, LineIndex, type QuickFix, Workspace, dumpTree, isCPath } from '../shared';
import { loadCParser } from '../server/cparser';
import { compareDiagnostics, fixtureName, listFixtures, parseFixture, readFixture } from './support/fixture';

const ROOT = join(__dirname, 'fixtures');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

// test/fixtures/ide holds editor behaviours with .expect files beside them (ide.test.ts runs them).
// C files of a fixture (`//- /pkg/impl.c`) are read with tree-sitter's C grammar, as the shells read them.
let cParser: CParser | undefined;
before(async () => {
  cParser = await loadCParser();
  assert.ok(cParser, 'the C grammar loads (node_modules/tree-sitter-wasms)');
});

function fixtureWorkspace(files: readonly { path: string; text: string }[]): Workspace {
  const workspace = new Workspace();
  workspace.setCParser(cParser);
  workspace.setCProject('vtest');
  for (const f of files) workspace.setSource(f.path, f.text);
  return workspace;
}

for (const path of listFixtures(ROOT).filter((p) => !fixtureName(ROOT, p).startsWith('ide/'))) {
  test(`fixture ${fixtureName(ROOT, path)}`, () => {
    const files = parseFixture(readFixture(path));
    const workspace = fixtureWorkspace(files);
    const problems: string[] = [];
    for (const f of files) {
      const tree = workspace.tree(f.path);
      if (tree) assert.equal(tree.print(), f.text, 'printing the tree gives back the text');
      else assert.ok(isCPath(f.path), `${f.path} is a Vale file or a C file`);
      problems.push(...compareDiagnostics(f, workspace.diagnostics(f.path)));
    }
    assert.deepEqual(problems, [], problems.join('\n'));

    // Every quick fix: applied alone, it leaves files that parse and no longer
    // have its diagnostic. A `.fixes` file beside the fixture pins the edits.
    const report: string[] = [];
    for (const f of files) {
      for (const d of workspace.diagnostics(f.path)) {
        for (const fix of workspace.fixesOf(d))
          report.push(
            checkFix(
              workspace,
              files.map((x) => x.path),
              d,
              fix,
            ),
          );
      }
    }
    const fixesSnapshot = path.replace(/\.vale$/, '.fixes');
    if (report.length > 0 || existsSync(fixesSnapshot)) {
      const actual = report.join('\n');
      if (UPDATE) writeFileSync(fixesSnapshot, actual);
      else
        assert.equal(
          actual,
          existsSync(fixesSnapshot) ? readFileSync(fixesSnapshot, 'utf8') : '',
          `quick fixes of ${fixtureName(ROOT, path)} differ from its .fixes file (UPDATE_SNAPSHOTS=1 rewrites it)`,
        );
    }

    // A `.tree` file beside a single-file fixture pins the tree's shape.
    const snapshot = path.replace(/\.vale$/, '.tree');
    if (files.length === 1 && (existsSync(snapshot) || (UPDATE && path.includes('/syntax/')))) {
      const actual = dumpTree(workspace.tree(files[0].path)!.green);
      if (UPDATE) writeFileSync(snapshot, actual);
      else
        assert.equal(
          actual,
          readFileSync(snapshot, 'utf8'),
          `tree of ${fixtureName(ROOT, path)} differs from its .tree file (UPDATE_SNAPSHOTS=1 rewrites it)`,
        );
    }
  });
}

/** Applies one fix to a copy of the workspace, checks it, and describes it as changed lines. */
function checkFix(workspace: Workspace, paths: string[], d: Diagnostic, fix: QuickFix): string {
  const changed = new Set(fix.edits.map((e) => e.file));
  // A fix may create a file (a new C file for an extern's implementation).
  const created = fix.edits.filter((e) => e.create && !paths.includes(e.file)).map((e) => e.file);
  paths = [...paths, ...created];
  const after = fixtureWorkspace(
    paths.map((p) => {
      let text = workspace.text(p) ?? '';
      const edits = fix.edits.filter((e) => e.file === p).sort((a, b) => b.start - a.start);
      for (const e of edits) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
      return { path: p, text };
    }),
  );
  const line = new LineIndex(workspace.text(d.file)!).positionAt(d.start).line + 1;
  const where = `${d.file}:${line} ${d.code}`;
  for (const p of changed) {
    assert.deepEqual(
      after.syntaxDiagnostics(p).map((x) => x.message),
      workspace.syntaxDiagnostics(p).map((x) => x.message),
      `${where}: "${fix.title}" leaves ${p} with new syntax errors`,
    );
  }
  const same = (x: Diagnostic): boolean => x.code === d.code && x.message === d.message;
  const before = workspace.allDiagnostics().filter(same).length;
  const remaining = after.allDiagnostics().filter(same).length;
  assert.ok(remaining < before, `${where}: "${fix.title}" does not remove the diagnostic`);
  const out = [`== ${where}: ${fix.title}${fix.preferred ? ' (preferred)' : ''}`];
  for (const p of [...changed].sort()) {
    const a = (workspace.text(p) ?? '').split('\n');
    const b = after.text(p)!.split('\n');
    let head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) head++;
    let tail = 0;
    while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
    out.push(`--- ${p}:${head + 1}`);
    for (const l of a.slice(head, a.length - tail)) out.push(`- ${l}`);
    for (const l of b.slice(head, b.length - tail)) out.push(`+ ${l}`);
  }
  return `${out.join('\n')}\n`;
}
