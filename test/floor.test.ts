// The bench's floor sketch (bench/floor.ts) reads the bench's workspace as the engine does, so
// that its cold time is a floor for the same work and not the time of reading less.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Workspace } from '../shared';
import { workspaceOfLines } from '../bench/corpus';
import { floorAnalysis, floorBodies } from '../bench/floor';

test('the floor sketch finds the kinds the engine declares, and walks and counts from them', () => {
  const files = workspaceOfLines(2_000);
  const ws = new Workspace({ incremental: false, quickFixes: false });
  for (const f of files) ws.setFile(f.path, f.text);
  const index = ws.program();
  // Kinds by package and name, the first declaration winning (as the sketch keys them).
  const kinds = new Set<string>();
  for (const f of files) {
    const model = index.model(f.path)!;
    for (const item of model.seen) for (const k of item.unplaced.kinds) kinds.add(`${model.package}\u0000${k.name}`);
  }
  const diagnostics = ws.allDiagnostics().length;
  for (const bodies of [false, true]) {
    const found = floorAnalysis(files, bodies);
    assert.equal(found.kinds, kinds.size, `kinds found (bodies ${bodies})`);
    assert.ok(found.reached > found.kinds / 2, `a walk that reaches most kinds: ${found.reached} of ${found.kinds}`);
    // It counts fewer problems than the engine reports (it makes fewer checks), but some.
    assert.ok(found.problems > 0 && found.problems < diagnostics, `problems ${found.problems}, engine diagnostics ${diagnostics}`);
  }
});

test("the floor's second thread parses the bodies the sketch parses", () => {
  const files = workspaceOfLines(2_000);
  const inline = floorAnalysis(files, true).bodies;
  assert.ok(inline > 100, `bodies parsed: ${inline}`);
  assert.equal(floorAnalysis(files, false).bodies, 0);
  assert.equal(floorBodies(files.map((f) => f.text)), inline);
});
