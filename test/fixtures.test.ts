// The one runner for all fixture tests: every file under test/fixtures is a
// small Vale workspace with its expected diagnostics written inline.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Workspace, dumpTree } from '../shared';
import { compareDiagnostics, fixtureName, listFixtures, parseFixture, readFixture } from './support/fixture';

const ROOT = join(__dirname, 'fixtures');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

for (const path of listFixtures(ROOT)) {
  test(`fixture ${fixtureName(ROOT, path)}`, () => {
    const files = parseFixture(readFixture(path));
    const workspace = new Workspace();
    for (const f of files) workspace.setFile(f.path, f.text);
    const problems: string[] = [];
    for (const f of files) {
      const tree = workspace.tree(f.path)!;
      assert.equal(tree.print(), f.text, 'printing the tree gives back the text');
      problems.push(...compareDiagnostics(f, workspace.diagnostics(f.path)));
    }
    assert.deepEqual(problems, [], problems.join('\n'));

    // A `.tree` file beside a single-file fixture pins the tree's shape.
    const snapshot = path.replace(/\.vale$/, '.tree');
    if (files.length === 1 && (existsSync(snapshot) || UPDATE)) {
      const actual = dumpTree(workspace.tree(files[0].path)!.green);
      if (UPDATE) writeFileSync(snapshot, actual);
      else assert.equal(actual, readFileSync(snapshot, 'utf8'), `tree of ${fixtureName(ROOT, path)} differs from its .tree file (UPDATE_SNAPSHOTS=1 rewrites it)`);
    }
  });
}
