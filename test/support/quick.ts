// The quick reading of a file (shared/model/quick.ts) against the parse and the model reading it
// stands in for: test/quick.test.ts and the fuzzer's `quick` surface hold both to it.
import assert from 'node:assert/strict';
import { GreenNode, type GreenElement, RELEASED, parse, readFileModel } from '../../shared';
import { quickReads, readQuick } from '../../shared/model/quick';

const shape = (e: GreenElement) =>
  e instanceof GreenNode ? { node: e.kind, width: e.width, errors: e.errors } : { token: e.kind, text: e.text };

/** What the usual reading keeps of a file in a one-shot analysis (`Workspace.releaseSyntax`). */
function readUsual(path: string, text: string, pkg: string) {
  const tree = parse(text);
  const model = readFileModel(path, tree, pkg, undefined, false);
  for (const item of model.items) if (item.unplacedFunction !== undefined) void item.lambdas;
  const errors = tree.errors;
  const elements = tree.green.children.map(shape);
  for (const c of tree.green.children) if (c instanceof GreenNode) (c as { children: readonly GreenElement[] }).children = RELEASED;
  return { errors, elements, model };
}

/** Throws unless the quick reading of `text` gives the usual reading's errors, top-level elements and declarations. */
export function assertSameReading(text: string, path = '/pkg/a.vale', pkg = 'pkg'): void {
  const usual = readUsual(path, text, pkg);
  const quick = readQuick(path, text, pkg);
  assert.deepEqual(quick.tree.errors, usual.errors, 'syntax errors');
  assert.deepEqual(quick.tree.green.children.map(shape), usual.elements, 'top-level elements');
  assert.equal(quick.tree.green.width, text.length);
  // A one-shot analysis's reading (its line breaks shared between trees) has the same elements
  // (not counted: the tests count the quick reads of each text once).
  const counted = { ...quickReads };
  const shared = readQuick(path, text, pkg, true);
  Object.assign(quickReads, counted);
  assert.deepEqual(shared.tree.green.children.map(shape), usual.elements, 'top-level elements, line breaks shared');
  const items = (m: typeof usual.model) =>
    m.items.map((i) => ({
      start: i.start,
      kind: i.element.kind,
      width: i.element.width,
      seen: i.isSeen,
      lambdas: i.knownLambdas,
      decls: i.unplaced,
    }));
  assert.deepEqual(items(quick.model), items(usual.model), 'items');
  assert.deepEqual(
    quick.model.seen.map((i) => i.start),
    usual.model.seen.map((i) => i.start),
    'seen items',
  );
  assert.equal(quick.model.package, usual.model.package);
}
