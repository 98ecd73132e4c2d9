// The analysis engine: incremental answers equal a from-scratch analysis after any sequence of
// edits, and the counters show that the work follows the edit, not the workspace.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';

// FC_SCALE=10 runs ten times as many cases (for a long local soak), the seeded ones from a random seed.
const SCALE = process.env.FC_SCALE === undefined ? undefined : Number(process.env.FC_SCALE);
const runs = (n: number): number => Math.round(n * (SCALE ?? 1));
const seeded = (seed: number): { seed?: number } => (SCALE === undefined ? { seed } : {});
import {
  BACKEND_PROFILE,
  type CFileSummary,
  type CKind,
  cDefinitions,
  cSymbolAt,
  cUses,
  type CParser,
  DEFAULT_TARGET,
  type Diagnostic,
  type QuickFix,
  type HoverOptions,
  WARM_UP_PATH,
  Workspace,
  applyEdit,
  reparse,
  compareDiagnostics,
  documentSymbols,
  hoverInVale,
  indexWork,
  referencesTo,
  symbolAt,
  type Module,
  type TextEdit,
  warmUp,
  warmUpCopies,
  warmUpKeystrokes,
  MIN_WARM_UP_COPIES,
  MIN_WARM_UP_KEYSTROKES,
  MAX_WARM_UP_COPIES,
  MAX_WARM_UP_KEYSTROKES,
} from '../shared';

const HOVER: HoverOptions = { layout: true, functions: true, references: true, numbers: 'decimal', profile: BACKEND_PROFILE };
/** The C side as the editor asks for it. */
const c = (w: Workspace) => w.cProgram('vtest', DEFAULT_TARGET);
import { listFixtures, parseFixture } from './support/fixture';
import { importListsRead } from '../shared/model/declarations';
import { loadCParser } from '../server/cparser';

/** The FFI fixtures (split into their files, each fixture in its own folder) and examples/. */
function baseFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const root = join(__dirname, 'fixtures', 'checks');
  for (const path of listFixtures(root)) {
    const name = relative(root, path).replace(/\.vale$/, '');
    for (const f of parseFixture(readFileSync(path, 'utf8'), '/main.vale')) files.set(`/checks/${name}${f.path}`, f.text);
  }
  const examples = join(__dirname, '..', 'examples');
  for (const path of listFixtures(examples)) files.set(`/examples/${relative(examples, path)}`, readFileSync(path, 'utf8'));
  return files;
}

const BASE = baseFiles();
const PATHS = [...BASE.keys()].sort();

// Text that changes what files see of each other (exports, mutability, sealing, new kinds and
// externs), breaks or mends syntax, or only touches bodies and trivia.
const SNIPPETS = [
  'exported ',
  'sealed ',
  'imm',
  'mut',
  ' ',
  '\n',
  '{',
  '}',
  ';',
  '(',
  ')',
  'x',
  'Ship',
  'int',
  '&',
  '"',
  '//',
  'export []<imm>int as Ints;\n',
  'extern func probe(s Ship) int;\n',
  'struct Spare imm { n int; }\n',
  'exported struct Ship imm { fuel int; }\n',
  'impl Engine for Ship;\n',
  'import fleet.*;\n',
  'func body() { return 1; }\n',
];

type Step =
  | { tag: 'edit'; file: number; at: number; remove: number; insert: number }
  | { tag: 'ask'; file: number }
  | { tag: 'askAll' }
  | { tag: 'askParts'; file: number }
  | { tag: 'askKinds'; file: number }
  | { tag: 'prepare'; steps: number }
  | { tag: 'prepareIndex'; steps: number }
  | { tag: 'remove'; file: number }
  | { tag: 'restore'; file: number }
  | { tag: 'release'; file: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      tag: fc.constant('edit' as const),
      file: fc.nat(PATHS.length - 1),
      at: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x),
      remove: fc.nat(12),
      insert: fc.nat(SNIPPETS.length),
    }) as fc.Arbitrary<Step>,
  },
  { weight: 3, arbitrary: fc.record({ tag: fc.constant('ask' as const), file: fc.nat(PATHS.length - 1) }) },
  { weight: 1, arbitrary: fc.constant({ tag: 'askAll' as const }) },
  { weight: 2, arbitrary: fc.record({ tag: fc.constant('askParts' as const), file: fc.nat(PATHS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ tag: fc.constant('askKinds' as const), file: fc.nat(PATHS.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ tag: fc.constant('prepare' as const), steps: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ tag: fc.constant('prepareIndex' as const), steps: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ tag: fc.constant('remove' as const), file: fc.nat(PATHS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ tag: fc.constant('restore' as const), file: fc.nat(PATHS.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ tag: fc.constant('release' as const), file: fc.nat(PATHS.length - 1) }) },
);

/** Applies each (file, text to find, replacement) as an edit and checks every file against a fresh analysis after it. */
function replaceStepByStep(
  ws: Workspace,
  texts: Map<string, string>,
  steps: readonly [string, string, string][],
  modules: readonly Module[] = [],
): void {
  // Asked before the first edit: the index keeps, from then on, which packages export each kind.
  exportedKinds(ws);
  for (const [path, find, replace] of steps) {
    const text = texts.get(path)!;
    const at = text.indexOf(find);
    assert.ok(at >= 0, `${find} in ${path}`);
    texts.set(path, text.slice(0, at) + replace + text.slice(at + find.length));
    ws.editFile(path, [{ start: at, end: at + find.length, newText: replace }]);
    ws.takeChangedFiles();
    const expected = fresh(texts, modules);
    for (const f of expected.files()) assert.deepEqual(ws.diagnostics(f), expected.diagnostics(f), `${f} after "${replace}"`);
    assert.deepEqual(exportedKinds(ws), exportedKinds(expected), `the exported kinds after "${replace}"`);
  }
}

/**
 * Each file's exported kinds, the kind each of its declarations is exported as, and the kinds
 * exported under each of its names (the questions of hovers, lenses, inlay hints and C names).
 */
function exportedKinds(ws: Workspace): Record<string, { inFile: string[]; ofDecls: (string | undefined)[]; asNamed: string[][] }> {
  const program = c(ws);
  const out: Record<string, { inFile: string[]; ofDecls: (string | undefined)[]; asNamed: string[][] }> = {};
  const named = (k: CKind | undefined) => k && `${k.package} ${k.exportName} ${k.id} ${k.file}@${k.range.start}`;
  for (const f of ws.files()) {
    const names = [...new Set([...(ws.model(f)?.kinds ?? []).map((d) => d.name), ...program.kindsInFile(f).map((k) => k.exportName)])];
    out[f] = {
      inFile: program.kindsInFile(f).map((k) => named(k)!),
      ofDecls: (ws.model(f)?.kinds ?? []).map((d) => named(program.kindOfDecl(d, true))),
      asNamed: names.map((n) => program.kindsExportedAs(n).map((k) => named(k)!)),
    };
  }
  return out;
}

/** A file's diagnostics from `diagnosticParts`: the syntax errors and the blocks placed, all four parts in order, sorted. */
function placedParts(ws: Workspace, path: string): Diagnostic[] {
  const { before, syntax, blocks, after } = ws.diagnosticParts(path);
  return [
    ...before,
    ...syntax.flatMap((element) => ws.placeSyntax(path, element)),
    ...blocks.flatMap((b) => b.map((d) => ws.place(d))),
    ...after,
  ].sort(compareDiagnostics);
}

function fresh(texts: ReadonlyMap<string, string>, modules: readonly Module[] = []): Workspace {
  const ws = new Workspace();
  ws.setModules(modules);
  for (const [path, text] of texts) ws.setFile(path, text);
  return ws;
}

/**
 * Edits typed one after another into a file of its own (`editOf` makes each from the text before
 * it): after each, the file's kinds and diagnostics are those of a fresh analysis of its text.
 */
function typedAsFresh<E>(path: string, text0: string, edits: readonly E[], editOf: (e: E, text: string) => TextEdit): void {
  let text = text0;
  const ws = new Workspace();
  ws.setFile(path, text);
  ws.diagnostics(path);
  for (const e of edits) {
    const edit = editOf(e, text);
    text = applyEdit(text, edit);
    ws.editFile(path, [edit]);
    const scratch = fresh(new Map([[path, text]]));
    assert.deepEqual(ws.model(path)!.kinds, scratch.model(path)!.kinds, JSON.stringify(text));
    assert.deepEqual(ws.diagnostics(path), scratch.diagnostics(path));
  }
}

describe('analysis engine', () => {
  test('after any sequence of edits, every file has the diagnostics of a from-scratch analysis', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const texts = new Map(BASE);
        const ws = fresh(texts);
        // Half the runs ask for every file's diagnostics first (the walk made at once), half not.
        if (steps.length % 2 === 0) ws.allDiagnostics();
        for (const s of steps) {
          const path = 'file' in s ? PATHS[s.file] : '';
          switch (s.tag) {
            case 'edit': {
              const text = texts.get(path);
              if (text === undefined) break;
              const at = Math.floor((s as { at: number }).at * text.length);
              const edit = { start: at, end: Math.min(text.length, at + s.remove), newText: SNIPPETS[s.insert] ?? '' };
              texts.set(path, applyEdit(text, edit));
              ws.editFile(path, [edit]);
              break;
            }
            case 'ask':
              if (texts.has(path)) ws.diagnostics(path);
              break;
            case 'askAll':
              ws.allDiagnostics();
              break;
            case 'askParts':
              if (texts.has(path)) ws.diagnosticParts(path);
              break;
            case 'prepare':
              // Part of the reach walk made ahead, as the server makes it between messages.
              ws.prepare(s.steps);
              break;
            case 'prepareIndex':
              // Part of the first index made ahead, as the server makes it at start-up (nothing once there is one).
              ws.prepareIndex(s.steps);
              break;
            case 'askKinds':
              // What a hover on a declaration asks (the index then keeps which packages export each kind).
              if (texts.has(path)) for (const k of ws.model(path)!.kinds) c(ws).kindOfDecl(k, false);
              break;
            case 'remove':
              texts.delete(path);
              ws.removeFile(path);
              break;
            case 'restore':
              if (!texts.has(path)) {
                texts.set(path, BASE.get(path)!);
                ws.setFile(path, BASE.get(path)!);
              }
              break;
            case 'release':
              ws.releaseSyntax(path);
              break;
          }
        }
        const expected = fresh(texts);
        // And as the CLI reads them: one shot, nothing kept for an edit.
        const once = new Workspace({ incremental: false });
        for (const [path, text] of texts) once.setFile(path, text);
        assert.deepEqual(ws.files(), expected.files());
        for (const path of expected.files()) {
          assert.equal(ws.text(path), expected.text(path));
          assert.deepEqual(ws.diagnostics(path), expected.diagnostics(path), path);
          // Each diagnostic's quick fixes, made when asked from the edited files' items.
          const fixes = (w: Workspace): QuickFix[][] => w.diagnostics(path).map((d) => [...w.fixesOf(d)]);
          assert.deepEqual(fixes(ws), fixes(expected), `${path}: quick fixes`);
          assert.deepEqual(once.diagnostics(path), expected.diagnostics(path), `${path} (one shot)`);
          // In parts, as the editor's publisher takes them: placed and sorted, the same diagnostics.
          for (const w of [ws, once]) assert.deepEqual(placedParts(w, path), expected.diagnostics(path), `${path} in parts`);
        }
        // What the editor shows from the index: the C side of every exported kind, outlines, some hovers.
        for (const path of expected.files()) {
          // A file's kinds and a declaration's kind, read from a package or two, are those of the list of every kind.
          const all = c(ws).kinds;
          assert.deepEqual(
            c(ws).kindsInFile(path),
            all.filter((k) => k.file === path),
            path,
          );
          const ofDecls = (w: Workspace, same: boolean) => w.model(path)!.kinds.map((d) => c(w).kindOfDecl(d, same)?.id);
          const found = ws.model(path)!.kinds.map((d) => all.find((k) => k.decl === d)?.id);
          assert.deepEqual(ofDecls(ws, true), found, `${path}: kindOfDecl`);
          assert.deepEqual(ofDecls(ws, false), ofDecls(expected, false), `${path}: kindOfDecl, by name`);
          // Each kind's references (the files looked at are those whose items name it).
          const references = (w: Workspace) => w.model(path)!.kinds.map((d) => referencesTo(w.program(), d));
          assert.deepEqual(references(ws), references(expected), `${path}: references`);
        }
        const layouts = (w: Workspace) =>
          c(w).kinds.map((k) => ({ id: k.id, name: k.exportName, file: k.file, range: k.range, layout: c(w).layout(k) }));
        assert.deepEqual(JSON.parse(JSON.stringify(layouts(ws))), JSON.parse(JSON.stringify(layouts(expected))));
        for (const path of expected.files()) {
          assert.deepEqual(documentSymbols(ws.model(path)!), documentSymbols(expected.model(path)!), path);
          // The items a model carried over from the previous tree's model are where a fresh read puts them.
          const items = (w: Workspace) =>
            w.model(path)!.items.map((i) => [i.start, i.element.width, i.summary, w.model(path)!.seenIndex(i)]);
          assert.deepEqual(items(ws), items(expected), path);
          const text = expected.text(path)!;
          for (const m of [...text.matchAll(/\b[A-Z]\w*/g)].slice(0, 12)) {
            assert.deepEqual(
              hoverInVale(c(ws), path, text, m.index! + 1, HOVER),
              hoverInVale(c(expected), path, text, m.index! + 1, HOVER),
              `${path}@${m.index}`,
            );
          }
        }
      }),
      { numRuns: runs(150) },
    );
  });

  test('a burst of edits without questions between them is parsed once, as one edit', () => {
    const ws = new Workspace();
    const path = '/examples/fleet/fleet.vale';
    let text = BASE.get(path)!;
    ws.setFile(path, text);
    ws.diagnostics(path);
    const body = text.indexOf('{', text.indexOf('func ')) + 1;
    for (let i = 0; i < 1000; i++) {
      const edit = { start: body + i, end: body + i, newText: 'x' };
      text = applyEdit(text, edit);
      ws.editFile(path, [edit], i % 2 === 0 ? text : undefined);
    }
    assert.equal(ws.text(path), text);
    assert.deepEqual(ws.diagnostics(path), fresh(new Map([[path, text]])).diagnostics(path));
    assert.equal(ws.tree(path)!.stats.parsedItems, 1, 'only the edited item is parsed');
  });

  test("a summary edit in one item of a long file makes only that item's export sites and walk roots anew", () => {
    // One file of 300 exported structs, each passed to an extern: every item has a site and roots.
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      lines.push(`exported struct Hull${i} imm {`, '  mass int;', '}', `extern func weigh${i}(h Hull${i}) int;`, '');
    }
    const path = '/long/hulls.vale';
    const ws = new Workspace();
    ws.setFile(path, lines.join('\n'));
    ws.allDiagnostics();
    const before = { ...indexWork };
    // A member's type changes: the struct's summary changes, and so does what its extern carries.
    const text = ws.text(path)!;
    const at = text.indexOf('mass int;', text.indexOf('Hull150 imm')) + 'mass '.length;
    ws.editFile(path, [{ start: at, end: at + 'int'.length, newText: 'i64' }]);
    ws.takeChangedFiles();
    const diagnostics = ws.diagnostics(path);
    const sites = indexWork.sitesMade - before.sitesMade;
    const roots = indexWork.rootsMade - before.rootsMade;
    assert.equal(ws.stats.indexesBuilt, 1, 'the index was updated in place, not built again');
    assert.ok(sites === 1, `export sites made anew: ${sites} (the edited struct's only)`);
    assert.ok(roots <= 2, `walk roots made anew: ${roots} (the edited struct's and its extern's parameter)`);
    assert.deepEqual(diagnostics, fresh(new Map([[path, ws.text(path)!]])).diagnostics(path));
  });

  test('in parts, a kept check that an edit of another item made stale runs again (it loses or gains its diagnostic)', () => {
    const path = '/p/stale.vale';
    const extern = 'ExternFunctionDependedOnNonExportedKind';
    const text = 'struct Crate imm { weight int; }\n\nstruct Pad imm { x int; }\n\nextern func weigh(crate Crate) int;\n';
    // No quick fixes: the extern's fix edits the struct, and an anchor there would send the pass to it anyway.
    const plain = (t: string): Workspace => {
      const w = new Workspace({ quickFixes: false });
      w.setFile(path, t);
      return w;
    };
    const ws = plain(text);
    assert.ok(
      placedParts(ws, path).some((d) => d.code === extern),
      'the extern names a kind not exported',
    );
    // The struct exported: the extern (another item, not parsed again) has nothing to report.
    ws.editFile(path, [{ start: 0, end: 0, newText: 'exported ' }]);
    const exported = placedParts(ws, path);
    assert.ok(!exported.some((d) => d.code === extern));
    assert.deepEqual(exported, plain(ws.text(path)!).diagnostics(path));
    // And back: the extern's check, without diagnostics last time, reports again.
    ws.editFile(path, [{ start: 0, end: 'exported '.length, newText: '' }]);
    const again = placedParts(ws, path);
    assert.ok(again.some((d) => d.code === extern));
    assert.deepEqual(again, plain(ws.text(path)!).diagnostics(path));
    // A kept check that points nowhere near the edit: renaming a struct changes an unknown kind's
    // "did you mean" in an item the edit did not touch.
    const guess = 'struct Crate imm { w int; }\n\nstruct Pad imm { x int; }\n\nextern func weigh(c Crat) int;\n';
    const other = plain(guess);
    assert.match(placedParts(other, path).find((d) => d.code === 'UnknownKind')?.message ?? '', /did you mean Crate\?/);
    const at = guess.indexOf('Crate') + 3;
    other.editFile(path, [{ start: at, end: at + 1, newText: 'n' }]);
    const renamed = placedParts(other, path);
    assert.match(renamed.find((d) => d.code === 'UnknownKind')?.message ?? '', /did you mean Crane\?/);
    assert.deepEqual(renamed, plain(other.text(path)!).diagnostics(path));
  });

  test("in parts, a kept check whose related location's item was re-parsed runs again (its block is placed where the item is now)", () => {
    const path = '/p/twice.vale';
    const text = ['export [#3]<imm>int as First;', '', 'export [#3]<imm>int as Second;', ''].join('\n');
    const ws = fresh(new Map([[path, text]]));
    const [block] = ws.diagnosticParts(path).blocks;
    assert.equal(block?.[0]?.template.code, 'TypeExportedMultipleTimes');
    assert.ok(block[0].template.related?.length, 'it names the first export');
    // A space inside the first export: its item is parsed again, what it declares is the same.
    ws.editFile(path, [{ start: 'export'.length, end: 'export'.length, newText: ' ' }]);
    const checked = ws.stats.itemsChecked;
    const parts = ws.diagnosticParts(path);
    assert.ok(ws.stats.itemsChecked > checked, 'the second export is checked again');
    assert.notEqual(parts.blocks[0], block, 'a new block');
    assert.deepEqual(placedParts(ws, path), fresh(new Map([[path, ws.text(path)!]])).diagnostics(path));
  });

  test('a kind declared twice in a file: editing, removing and restoring either declaration gives the from-scratch answer', () => {
    // A model takes the kind names of the one before it; the first declaration of a name decides.
    const text = [
      'exported struct Ship imm { fuel int; }',
      'extern func launch(s Ship) int;',
      'struct Spare imm { x int; }',
      'exported struct Ship { crew int; }',
      'extern func dock(s Ship) int;',
      '',
    ].join('\n');
    const path = '/twice/ships.vale';
    const first = 'exported struct Ship imm { fuel int; }\n';
    const second = 'exported struct Ship { crew int; }\n';
    const steps: ((t: string) => TextEdit)[] = [
      (t) => ({ start: t.indexOf(first), end: t.indexOf(first) + first.length, newText: '' }),
      () => ({ start: 0, end: 0, newText: first }),
      (t) => ({ start: t.indexOf(second), end: t.indexOf(second) + second.length, newText: '' }),
      (t) => ({ start: t.indexOf('struct Spare'), end: t.indexOf('struct Spare'), newText: second }),
      (t) => ({ start: t.indexOf('Ship imm'), end: t.indexOf('Ship imm') + 4, newText: 'Boat' }),
      (t) => ({ start: t.indexOf('Boat imm'), end: t.indexOf('Boat imm') + 4, newText: 'Ship' }),
    ];
    const ws = new Workspace();
    ws.setFile(path, text);
    ws.allDiagnostics();
    for (const [i, step] of steps.entries()) {
      ws.editFile(path, [step(ws.text(path)!)]);
      ws.takeChangedFiles();
      assert.deepEqual(ws.diagnostics(path), fresh(new Map([[path, ws.text(path)!]])).diagnostics(path), `step ${i}: ${ws.text(path)}`);
    }
  });

  test('an item inserted at the top of a long file moves what the index made for the items behind it, making nothing anew', () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      lines.push(`exported struct Hull${i} imm {`, '  mass int;', '}', `extern func weigh${i}(h Hull${i}) int;`, '');
    }
    const path = '/long/hulls.vale';
    const ws = new Workspace();
    ws.setFile(path, lines.join('\n'));
    ws.allDiagnostics();
    const before = { ...indexWork };
    // A new exported struct and an extern in front of every other item: every seen item moves two places.
    ws.editFile(path, [{ start: 0, end: 0, newText: 'exported struct Keel imm { depth int; }\nextern func sound(k Keel) int;\n' }]);
    ws.takeChangedFiles();
    const diagnostics = ws.diagnostics(path);
    assert.equal(ws.stats.indexesBuilt, 1, 'the index was updated in place, not built again');
    // Anew: the new struct's site and the first struct's (re-parsed: the edit touches its start);
    // the roots of those two and of the new extern's parameter. Not 300 of each.
    const sites = indexWork.sitesMade - before.sitesMade;
    const roots = indexWork.rootsMade - before.rootsMade;
    assert.ok(sites <= 2, `export sites made anew: ${sites}`);
    assert.ok(roots <= 3, `walk roots made anew: ${roots}`);
    assert.deepEqual(diagnostics, fresh(new Map([[path, ws.text(path)!]])).diagnostics(path));
  });

  test('the first index made ahead in steps gives the answers of one made at once, and is built once', () => {
    const texts = new Map(BASE);
    const ws = fresh(texts);
    let calls = 0;
    while (ws.prepareIndex(1)) calls++;
    // A step per file, then per package: spread over many calls.
    assert.ok(calls >= PATHS.length, `${calls} steps`);
    assert.equal(ws.stats.indexesBuilt, 0, 'not taken yet');
    const made = { ...indexWork };
    const first = ws.diagnostics(PATHS[0]);
    assert.equal(ws.stats.indexesBuilt, 1);
    assert.equal(indexWork.sitesMade - made.sitesMade, 0, 'the one made ahead was taken: no export site made again');
    const expected = fresh(texts);
    assert.deepEqual(first, expected.diagnostics(PATHS[0]));
    for (const path of PATHS) assert.deepEqual(ws.diagnostics(path), expected.diagnostics(path), path);
    assert.equal(ws.prepareIndex(1), false, 'nothing to make once there is an index');
  });

  test('an index of a few files, then every file set (a server that was asked before it read them): the new index is made ahead and taken', () => {
    const texts = new Map(BASE);
    const ws = new Workspace();
    ws.setFile(PATHS[0], texts.get(PATHS[0])!);
    ws.diagnostics(PATHS[0]);
    for (const [path, text] of texts) if (path !== PATHS[0]) ws.setFile(path, text);
    let calls = 0;
    while (ws.prepareIndex(1)) calls++;
    assert.ok(calls >= PATHS.length, `${calls} steps`);
    const made = { ...indexWork };
    const built = ws.stats.indexesBuilt;
    const first = ws.diagnostics(PATHS[0]);
    assert.equal(ws.stats.indexesBuilt, built + 1);
    assert.equal(indexWork.sitesMade - made.sitesMade, 0, 'the one made ahead was taken: no export site made again');
    const expected = fresh(texts);
    assert.deepEqual(first, expected.diagnostics(PATHS[0]));
    for (const path of PATHS) assert.deepEqual(ws.diagnostics(path), expected.diagnostics(path), path);
    // A few files changed: updated in place, nothing made ahead.
    const edit = { start: 0, end: 0, newText: '// a comment\n' };
    ws.editFile(PATHS[1], [edit]);
    assert.equal(ws.prepareIndex(1), false, 'an edit of one file is an update, not a build ahead');
  });

  test('a file set, edited or removed while the first index is made ahead drops what was made: the index is of the files as they are', () => {
    for (const change of ['edit', 'remove', 'add'] as const) {
      const texts = new Map(BASE);
      const ws = fresh(texts);
      for (let i = 0; i < 3; i++) ws.prepareIndex(1);
      const path = PATHS[0];
      if (change === 'edit') {
        const edit = { start: 0, end: 0, newText: 'struct Added imm { x int; }\n' };
        texts.set(path, applyEdit(texts.get(path)!, edit));
        ws.editFile(path, [edit]);
      } else if (change === 'remove') {
        texts.delete(path);
        ws.removeFile(path);
      } else {
        texts.set('/dock/added.vale', 'extern func added(x Added) int;\nstruct Added imm { x int; }\n');
        ws.setFile('/dock/added.vale', texts.get('/dock/added.vale')!);
      }
      // Half made again, then taken by the first answer (which makes the rest).
      for (let i = 0; i < 2; i++) ws.prepareIndex(1);
      const expected = fresh(texts);
      for (const p of texts.keys()) assert.deepEqual(ws.diagnostics(p), expected.diagnostics(p), `${change}: ${p}`);
      assert.equal(ws.stats.indexesBuilt, 1, change);
    }
  });

  test('the reach walk made ahead in steps gives the answers of one made at once, and is made once', () => {
    const texts = new Map(BASE);
    const ws = fresh(texts);
    let calls = 0;
    while (ws.prepare(1)) calls++;
    // One step per file's roots, then per slice of the walk: spread over many calls.
    assert.ok(calls > PATHS.length, `${calls} steps`);
    assert.equal(ws.prepare(1), false, 'nothing left once made');
    const expected = fresh(texts);
    for (const path of PATHS) assert.deepEqual(ws.diagnostics(path), expected.diagnostics(path), path);
  });

  test('a copy of a kind above its first declaration, or the first one gone, moves what the checks point at', () => {
    // Found by the publisher's property test: a copy of \`struct Extra imm { }\` typed above the one
    // an extern's diagnostic pointed at (related information) left it pointing at the old one.
    const path = '/dock/extra.vale';
    const decl = 'struct Extra imm { }\n';
    // Items between the top and the extern: an edit at the top does not re-parse the extern.
    const filler = Array.from({ length: 4 }, (_, i) => `struct Spare${i} imm { n int; }\n`).join('');
    const text = `// top\n${filler}extern func weigh(e Extra) int;\n${filler.replaceAll('Spare', 'Other')}${decl}`;
    const ws = new Workspace();
    ws.setFile(path, text);
    ws.diagnosticParts(path);
    const related = () => ws.diagnostics(path).flatMap((d) => (d.related ?? []).map((r) => `${d.code} -> ${r.start}`));
    const expectFresh = (what: string) => {
      assert.deepEqual(ws.diagnostics(path), fresh(new Map([[path, ws.text(path)!]])).diagnostics(path), what);
      assert.deepEqual(placedParts(ws, path), fresh(new Map([[path, ws.text(path)!]])).diagnostics(path), `${what} (in parts)`);
    };
    const before = related();
    assert.ok(before.length > 0, 'the extern points at the struct');
    // A copy at the top: it is the first declaration now.
    ws.editFile(path, [{ start: 0, end: 0, newText: decl }]);
    expectFresh('a copy above');
    assert.notDeepEqual(related(), before);
    // The copy goes again: the one below is the first once more.
    ws.editFile(path, [{ start: 0, end: decl.length, newText: '' }]);
    expectFresh('the copy removed');
    assert.deepEqual(related(), before);
  });

  test("a kept item that becomes its kind's first declaration is checked again", () => {
    // Found by the property below: an edit elsewhere removes the first declaration of Cargo, so
    // the exported struct after it (not re-parsed) now makes Cargo's `exported` site, a second one.
    const path = '/dock/cargo.vale';
    const first = 'struct Cargo imm { crates int; }\n';
    const text = `${first}export Cargo as DockCargo;\nexported struct Cargo imm { weight int; }\nextern func lift(c Cargo) int;\n`;
    const ws = new Workspace();
    ws.setFile(path, text);
    assert.ok(!ws.diagnostics(path).some((d) => d.code === 'TypeExportedMultipleTimes'));
    ws.editFile(path, [{ start: 0, end: first.length, newText: '' }]);
    const after = ws.diagnostics(path);
    assert.ok(
      after.some((d) => d.code === 'TypeExportedMultipleTimes'),
      after.map((d) => d.code).join(', '),
    );
    assert.deepEqual(after, fresh(new Map([[path, ws.text(path)!]])).diagnostics(path));
  });

  test('edits in the middle of a long file give the diagnostics of a from-scratch analysis', () => {
    // Every fixture and example as one file: names declared many times (the first declaration
    // is the exported one), extern and exported signatures, impls, export-as lines; edits land
    // between items that keep what the index made for them.
    const path = '/long/all.vale';
    const fixtures = PATHS.map((p) => BASE.get(p)!).join('\n');
    // And a file where every item names kinds declared above and below it.
    const blocks: string[] = ['interface Hold0 imm { }', 'interface Hold1 imm { }'];
    for (let i = 0; i < 40; i++)
      blocks.push(
        `${i % 2 === 0 ? 'exported ' : ''}struct Crate${i} imm { load Crate${(i + 13) % 40}; }`,
        `export Crate${(i + 7) % 40} as Box${i};`,
        `impl Hold${i % 2} for Crate${(i + 29) % 40};`,
        `extern func open${i}(c Crate${(i + 3) % 40}) int;`,
      );
    const woven = blocks.join('\n');
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.nat(12), insert: fc.nat(SNIPPETS.length) }), {
          minLength: 1,
          maxLength: 12,
        }),
        (weave, edits) => {
          let text = weave ? woven : fixtures;
          const ws = new Workspace();
          ws.setFile(path, text);
          ws.diagnostics(path);
          for (const e of edits) {
            const at = Math.floor(e.at * text.length);
            const edit = { start: at, end: Math.min(text.length, at + e.remove), newText: SNIPPETS[e.insert] ?? '' };
            text = applyEdit(text, edit);
            ws.editFile(path, [edit]);
            assert.deepEqual(ws.diagnostics(path), fresh(new Map([[path, text]])).diagnostics(path));
          }
        },
      ),
      { numRuns: runs(40) },
    );
  });

  test("a struct of many members: each member's declaration, kept from the last read, moved or read again, is a fresh read's after any edits", () => {
    // Members naming the struct's generic parameter, kinds that are not exported, arrays of them;
    // edits among the members, in the header's parameters (what a member's type names decides),
    // and before the struct (which moves every member).
    const members = Array.from({ length: 80 }, (_, i) =>
      i % 9 === 0 ? `  m${i} T;` : i % 5 === 0 ? `  m${i} Hidden${i % 3};` : i % 7 === 0 ? `  m${i} []<imm>Opt<T>;` : `  m${i} int;`,
    ).join('\n');
    const path = '/ws/big.vale';
    const text0 =
      'struct Hidden0 imm { a int; }\nstruct Hidden1 imm { a int; }\nstruct Hidden2 imm { a int; }\n' +
      `exported struct Big<T> imm {\n${members}\n}\nexported func use(b Big<int>) int { 0 }\n`;
    const typed = ['x', ';', ' ', '\n', 'T', 'U', ', U', 'Hidden1', '<', '>', '//', ''];
    const header = text0.indexOf('<T>') + 1;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            header: fc.boolean(),
            remove: fc.nat(6),
            insert: fc.nat(typed.length - 1),
          }),
          {
            minLength: 1,
            maxLength: 10,
          },
        ),
        (edits) =>
          typedAsFresh(path, text0, edits, (e, text) => {
            const at = e.header ? Math.min(header, text.length) : Math.floor(e.at * text.length);
            return {
              start: at,
              end: Math.min(text.length, at + (e.header ? Math.min(e.remove, 1) : e.remove)),
              newText: typed[e.insert],
            };
          }),
      ),
      { numRuns: runs(60) },
    );
  });

  test("an interface of many methods: its methods, taken from the last read where the body's nodes are the same, are a fresh read's after any edits", () => {
    const methods = Array.from({ length: 80 }, (_, i) => `  func f${i}(virtual self &Big, n int) int;`).join('\n');
    const path = '/ws/iface.vale';
    const text0 = `struct Ship { n int; }\ninterface Big {\n${methods}\n}\nextern func take(b &Big) int;\n`;
    const typed = ['x', ';', ' ', '\n', 'func g(virtual self &Big) int;', '(', ')', '//', ''];
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.nat(6), insert: fc.nat(typed.length - 1) }), {
          minLength: 1,
          maxLength: 10,
        }),
        (edits) =>
          typedAsFresh(path, text0, edits, (e, text) => {
            const at = Math.floor(e.at * text.length);
            return { start: at, end: Math.min(text.length, at + e.remove), newText: typed[e.insert] };
          }),
      ),
      { numRuns: runs(60) },
    );
  });

  test("a keystroke among a long struct's members derives the members it made, and renaming the kind a letter at a time keeps a bounded number of derivations", () => {
    const members = Array.from({ length: 300 }, (_, i) => `  m${i} ${i % 2 ? 'Ship' : 'int'};`).join('\n');
    const path = '/ws/fleet.vale';
    let text = `struct Ship imm { n int; }\nexported struct Fleet imm {\n${members}\n}\nextern func take(f Fleet) int;\n`;
    const ws = new Workspace();
    ws.setFile(path, text);
    ws.diagnostics(path);
    const type = (at: number, insert: string, remove = 0): void => {
      const edit = { start: at, end: at + remove, newText: insert };
      text = applyEdit(text, edit);
      ws.editFile(path, [edit]);
      ws.diagnostics(path);
    };
    // A member's type changed in the middle, then back: one member derived each time, not 300.
    for (const [from, to] of [
      ['m150 int;', 'm150 i64;'],
      ['m150 i64;', 'm150 int;'],
    ]) {
      const before = indexWork.membersDerived;
      type(text.indexOf(from) + 5, to.slice(5, 8), 3);
      assert.equal(indexWork.membersDerived - before, 1, `${from} → ${to}`);
    }
    // The kind renamed a letter at a time (each name a kind of its own): the kept derivations stay bounded.
    for (let i = 0; i < 40; i++) type(text.indexOf('exported struct Fleet') + 'exported struct Fleet'.length, 'x');
    assert.ok(text.includes(`Fleet${'x'.repeat(40)} imm`));
    assert.ok(indexWork.longKindsKept <= 16, `${indexWork.longKindsKept} long kinds' derivations kept`);
    assert.deepEqual(ws.diagnostics(path), fresh(new Map([[path, text]])).diagnostics(path));
  });

  test("a long struct's members, derived again only where an edit made them anew, walk as a fresh analysis's after edits of the kinds they name too", () => {
    // An immutable struct of 70 members that crosses the boundary; each member is an int, a kind C
    // cannot copy (a borrow inside), one it can, an array of the first, or a name no kind has yet.
    // Edits retype, rename, add and remove members (the struct is read and derived again around
    // them), or rename and change the kinds in the other file (what the kept members name).
    const TYPES = ['int', 'Bad', 'Good', '[]<imm>Bad', 'Gone'];
    const KINDS = [
      'struct Bad imm { s &Ship; }\nstruct Good imm { n int; }\nstruct Ship { n int; }\n',
      'struct Bad2 imm { s &Ship; }\nstruct Good imm { n int; }\nstruct Ship { n int; }\n',
      'struct Bad imm { s &Ship; }\nstruct Good { n int; }\nstruct Ship { n int; }\n',
      'struct Bad imm { s &Ship; }\nstruct Good imm { n int; }\nstruct Ship { n int; }\nstruct Gone imm { s &Ship; }\n',
    ];
    const main = '/ws/big.vale';
    const kinds = '/ws/kinds.vale';
    const bigText = (members: readonly { name: string; type: string }[]): string =>
      `exported struct Big imm {\n${members.map((m) => `  ${m.name} ${m.type};`).join('\n')}\n}\nextern func take(b Big) int;\n`;
    /** The edit that turns `a` into `b`: what lies between their common front and back. */
    const diff = (a: string, b: string): TextEdit => {
      let front = 0;
      while (front < a.length && front < b.length && a[front] === b[front]) front++;
      let back = 0;
      while (back < a.length - front && back < b.length - front && a[a.length - 1 - back] === b[b.length - 1 - back]) back++;
      return { start: front, end: a.length - back, newText: b.slice(front, b.length - back) };
    };
    const edit = fc.oneof(
      fc.record({ op: fc.constant('type' as const), at: fc.nat(), type: fc.nat(TYPES.length - 1) }),
      fc.record({ op: fc.constant('name' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('add' as const), at: fc.nat(), type: fc.nat(TYPES.length - 1) }),
      fc.record({ op: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('kinds' as const), variant: fc.nat(KINDS.length - 1) }),
    );
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 12 }), (edits) => {
        const members = Array.from({ length: 70 }, (_, i) => ({ name: `m${i}`, type: TYPES[i % TYPES.length] }));
        let texts = new Map([
          [main, bigText(members)],
          [kinds, KINDS[0]],
        ]);
        const ws = fresh(texts);
        for (const p of texts.keys()) ws.diagnostics(p);
        let added = 0;
        for (const e of edits) {
          const at = e.op === 'kinds' ? 0 : e.at % members.length;
          if (e.op === 'type') members[at] = { ...members[at], type: TYPES[e.type] };
          else if (e.op === 'name') members[at] = { ...members[at], name: `${members[at].name}x` };
          else if (e.op === 'add') members.splice(at, 0, { name: `n${added++}`, type: TYPES[e.type] });
          else if (e.op === 'remove') members.splice(at, 1);
          const [path, text] = e.op === 'kinds' ? [kinds, KINDS[e.variant]] : [main, bigText(members)];
          ws.editFile(path, [diff(texts.get(path)!, text)]);
          texts = new Map(texts).set(path, text);
          const scratch = fresh(texts);
          for (const p of texts.keys()) assert.deepEqual(ws.diagnostics(p), scratch.diagnostics(p), `${p} after ${JSON.stringify(e)}`);
        }
      }),
      { numRuns: runs(60) },
    );
  });

  test('a package that comes and goes builds the index anew, and re-checks only its own items', () => {
    // 50 packages whose exported kinds and externs use each other: every check reads facts.
    const ws = new Workspace();
    for (let p = 0; p < 50; p++) {
      const lines = [
        `exported struct Hull${p} imm { mass int; }`,
        `export []<imm>Hull${p} as Hulls${p};`,
        `extern func weigh${p}(h Hull${p}) int;`,
        `exported func launch${p}(h Hull${p}) int { 0 }`,
      ];
      ws.setFile(`/ws/p${p}/hulls.vale`, `${lines.join('\n')}\n`);
    }
    ws.allDiagnostics();
    const before = { ...ws.stats };
    ws.setFile('/ws/fresh/new.vale', 'exported struct Keel imm { depth int; }\n');
    const withNew = ws.allDiagnostics();
    assert.equal(ws.stats.indexesBuilt - before.indexesBuilt, 1, 'a new package: a new index');
    assert.equal(ws.stats.itemsChecked - before.itemsChecked, 1, "only the new file's item is checked: every recorded fact held");
    ws.removeFile('/ws/fresh/new.vale');
    const mid = { ...ws.stats };
    assert.deepEqual(ws.allDiagnostics(), withNew);
    assert.equal(ws.stats.itemsChecked - mid.itemsChecked, 0, 'the package went: nothing to check again');
  });

  test("keystrokes whose models nobody asks the scope of leave the next model the imports of the last one: no keystroke reads every item's imports", () => {
    const lines = ['import fleet.*;', 'import stdlib.collections.*;'];
    for (let i = 0; i < 400; i++)
      lines.push(`exported struct Ship${i} imm { fuel int; }`, `func helper${i}(x int) int {`, '  return x;', '}');
    const path = '/ws/main/ships.vale';
    const ws = new Workspace();
    ws.setFile(path, `${lines.join('\n')}\n`);
    const expected = ws.diagnostics(path);
    const before = importListsRead.count;
    // Body edits with only the model read between them (as a pass that asks nothing of the scope).
    for (let k = 0; k < 30; k++) {
      const at = ws.text(path)!.indexOf('return x;', 200 + k * 997) + 'return '.length;
      ws.editFile(path, [{ start: at, end: at, newText: ' ' }]);
      assert.ok(ws.model(path));
    }
    assert.deepEqual(ws.model(path)!.imports, [
      ['fleet', '*'],
      ['stdlib', 'collections', '*'],
    ]);
    assert.equal(importListsRead.count - before, 0, 'imports read from every item');
    assert.deepEqual(ws.diagnostics(path), expected);
  });

  test('a body edit in a 1,000-file workspace reads one item and re-checks no other file; un-exporting a kind re-checks exactly its users', () => {
    // 100 packages of 10 files; file f's exported struct holds file f-1's, its extern takes file f+1's.
    const ws = new Workspace();
    for (let p = 0; p < 100; p++) {
      for (let f = 0; f < 10; f++) {
        const id = `${p}_${f}`;
        const lines = [
          `exported struct Ship${id} imm {`,
          '  fuel int;',
          `  escort Ship${p}_${(f + 9) % 10};`,
          '}',
          `exported func launch${id}(s Ship${id}) int { s.fuel }`,
          `extern func dock${id}(s Ship${p}_${(f + 1) % 10}) int;`,
          `func helper${id}(x int) int {`,
          '  return x;',
          '}',
        ];
        ws.setFile(`/ws/pkg${p}/file${f}.vale`, `${lines.join('\n')}\n`);
      }
    }
    assert.deepEqual(ws.allDiagnostics(), []);
    assert.equal(ws.takeChangedFiles().length, 1000);

    const target = '/ws/pkg42/file5.vale';
    const at = ws.text(target)!.lastIndexOf('return x;') + 'return '.length;
    const before = { ...ws.stats };
    ws.editFile(target, [{ start: at, end: at + 1, newText: 'x + 0' }]);
    assert.deepEqual(ws.takeChangedFiles(), [target], 'only the edited file can have changed');
    assert.deepEqual(ws.diagnostics(target), []);
    const delta = (key: keyof typeof before): number => ws.stats[key] - before[key];
    assert.equal(delta('itemsRead'), 1, 'one item read');
    assert.equal(delta('indexesBuilt'), 0, 'no index rebuilt');
    assert.equal(delta('itemsChecked'), 1, 'the edited item only');
    assert.equal(delta('filesChecked'), 1);

    const mid = { ...ws.stats };
    ws.editFile(target, [{ start: 0, end: 'exported '.length, newText: '' }]);
    const changed = ws.takeChangedFiles();
    assert.deepEqual(changed, ['/ws/pkg42/file4.vale', target, '/ws/pkg42/file6.vale'].sort(), 'the file and the two that use Ship42_5');
    assert.deepEqual(
      changed.flatMap((f) => ws.diagnostics(f)).map((d) => `${d.file} ${d.code}`),
      [
        '/ws/pkg42/file4.vale ExternFunctionDependedOnNonExportedKind',
        '/ws/pkg42/file5.vale ExportedFunctionDependedOnNonExportedKind',
        '/ws/pkg42/file6.vale ExportedImmutableKindDependedOnNonExportedKind',
      ],
    );
    assert.equal(ws.stats.indexesBuilt - mid.indexesBuilt, 0, 'no index built from every file');
    assert.equal(ws.stats.indexUpdates - mid.indexUpdates, 1, 'the index updated in place');
    assert.equal(ws.stats.filesChecked - mid.filesChecked, 3, 'exactly the users re-checked');
    assert.equal(ws.stats.itemsChecked - mid.itemsChecked, 4, 'the edited struct, launch42_5, dock42_4 and Ship42_6');
  });

  test('a new kind name re-checks only the items whose "did you mean" it changes, not every item with an unknown kind', () => {
    // Twelve files in one package, each with an extern over a kind nobody declares.
    const vessels = ['Anchor', 'Barge', 'Cutter', 'Dinghy', 'Ferry', 'Galleon', 'Junk', 'Ketch', 'Lugger', 'Punt', 'Schooner', 'Trawler'];
    const ws = new Workspace();
    vessels.forEach((v, f) => ws.setFile(`/ws/p/file${f}.vale`, `extern func seal${f}(h &${v}) int;\n`));
    const unknown = (): string[] =>
      ws
        .files()
        .flatMap((f) => ws.diagnostics(f))
        .filter((d) => d.code === 'UnknownKind')
        .map((d) => d.message);
    assert.equal(unknown().length, vessels.length);
    assert.ok(
      unknown().every((m) => !m.includes('did you mean')),
      'no kind to suggest yet',
    );
    ws.takeChangedFiles();
    // A kind one edit away from Ketch only: file7's extern gets a suggestion, the others keep theirs (none).
    const before = { ...ws.stats };
    ws.setFile('/ws/p/kinds.vale', 'exported struct Ketchup { n int; }\n');
    assert.deepEqual(ws.takeChangedFiles(), ['/ws/p/file7.vale', '/ws/p/kinds.vale'], 'the new file and the one whose suggestion changed');
    assert.deepEqual(
      unknown().filter((m) => m.includes('did you mean')),
      ['Ketch is not declared in this workspace, and no import of a module outside it can provide it; did you mean Ketchup?'],
    );
    assert.equal(ws.stats.itemsChecked - before.itemsChecked, 2, 'the new kind and seal7');
    // The same as a fresh analysis of the same files.
    const again = new Workspace();
    for (const f of ws.files()) again.setFile(f, ws.text(f)!);
    assert.deepEqual(
      again.files().flatMap((f) => again.diagnostics(f)),
      ws.files().flatMap((f) => ws.diagnostics(f)),
    );
  });

  test('names no package declares, typed into a type one after another, are not remembered by the index', () => {
    // A server's session: each name typed into a type is looked up; one nobody declares finds
    // nothing, and no later change of a declaration would make the index forget it.
    const ws = new Workspace();
    ws.setFile('/ws/p/kinds.vale', 'exported struct Hull { n int; }\n');
    const use = '/ws/p/use.vale';
    for (let i = 0; i < 200; i++) {
      ws.setFile(use, `extern func seal(h &Hull${i}) int;\n`);
      const unknown = ws.diagnostics(use).filter((d) => d.code === 'UnknownKind');
      assert.equal(unknown.length, 1, `Hull${i} is unknown`);
      if (i < 10) assert.match(unknown[0].message, /did you mean Hull\?/);
    }
    ws.setFile(use, 'extern func seal(h &Hull) int;\n');
    assert.deepEqual(
      ws.diagnostics(use).filter((d) => d.code === 'UnknownKind'),
      [],
    );
    const remembered = ws.program().namesRemembered;
    assert.ok(remembered <= 5, `${remembered} names remembered after 200 unknown ones were typed`);
  });

  test('a kind added in an imported package gives the importing file its "did you mean", as a fresh analysis does', () => {
    const ws = new Workspace();
    ws.setFile('/ws/b/main.vale', 'import a.*;\nextern func seal(h &Ketch) int;\n');
    ws.setFile('/ws/c/other.vale', 'extern func caulk(h &Ketch) int;\n');
    ws.setFile('/ws/a/base.vale', 'exported struct Hull { n int; }\n');
    const suggestions = (w: Workspace): string[] =>
      w
        .files()
        .flatMap((f) => w.diagnostics(f))
        .filter((d) => d.code === 'UnknownKind')
        .map((d) => `${d.file}: ${/did you mean (\w+)/.exec(d.message)?.[1] ?? '-'}`);
    assert.deepEqual(suggestions(ws), ['/ws/b/main.vale: -', '/ws/c/other.vale: -']);
    ws.takeChangedFiles();
    ws.setFile('/ws/a/kinds.vale', 'exported struct Ketchup { n int; }\n');
    assert.deepEqual(ws.takeChangedFiles(), ['/ws/a/kinds.vale', '/ws/b/main.vale'], 'the new file and the one importing its package');
    // b sees a's kinds through its import; c imports nothing, so it sees none of them.
    assert.deepEqual(suggestions(ws), ['/ws/b/main.vale: Ketchup', '/ws/c/other.vale: -']);
    const again = new Workspace();
    for (const f of ws.files()) again.setFile(f, ws.text(f)!);
    assert.deepEqual(suggestions(again), suggestions(ws));
    // c starts importing a, then a gains a kind closer to c's name: c sees it too.
    ws.editFile('/ws/c/other.vale', [{ start: 0, end: 0, newText: 'import a.*;\n' }]);
    ws.takeChangedFiles();
    assert.deepEqual(suggestions(ws), ['/ws/b/main.vale: Ketchup', '/ws/c/other.vale: Ketchup']);
    ws.setFile('/ws/a/more.vale', 'exported struct Ketcha { n int; }\n');
    assert.deepEqual(ws.takeChangedFiles(), ['/ws/a/more.vale', '/ws/b/main.vale', '/ws/c/other.vale']);
    const third = new Workspace();
    for (const f of ws.files()) third.setFile(f, ws.text(f)!);
    assert.deepEqual(suggestions(ws), suggestions(third));
    assert.deepEqual(suggestions(ws), ['/ws/b/main.vale: Ketcha', '/ws/c/other.vale: Ketcha']);
  });

  test('a file that stops importing a package is not looked at again when that package changes', () => {
    // The importers of each package are kept file by file: typing an import line rebuilt them at each keystroke.
    const recomputed = (importedBefore: boolean): number => {
      const ws = new Workspace();
      ws.setFile('/ws/a/base.vale', 'exported struct Hull { n int; }\n');
      for (let f = 0; f < 10; f++)
        ws.setFile(`/ws/c/file${f}.vale`, `${importedBefore ? 'import a.*;\n' : ''}extern func caulk${f}(h &Ketch${f}) int;\n`);
      ws.files().forEach((f) => ws.diagnostics(f));
      // A change in a first: the importers are made (from the imports as they are).
      ws.setFile('/ws/a/more.vale', 'exported struct Keel { n int; }\n');
      ws.files().forEach((f) => ws.diagnostics(f));
      if (importedBefore)
        for (let f = 0; f < 10; f++) ws.editFile(`/ws/c/file${f}.vale`, [{ start: 0, end: 'import a.*;\n'.length, newText: '' }]);
      ws.files().forEach((f) => ws.diagnostics(f));
      ws.takeChangedFiles();
      const before = ws.stats.factsRecomputed;
      ws.setFile('/ws/a/kinds.vale', 'exported struct Ketchup { n int; }\n');
      ws.takeChangedFiles();
      const again = new Workspace();
      for (const f of ws.files()) again.setFile(f, ws.text(f)!);
      for (const f of ws.files()) assert.deepEqual(ws.diagnostics(f), again.diagnostics(f), f);
      return ws.stats.factsRecomputed - before;
    };
    assert.equal(recomputed(true), recomputed(false));
  });

  test('a kind added to a package recomputes the suggestions of the files that see it, not those of other packages', () => {
    // The same change in a workspace with and without a second package full of unknown kinds.
    const recomputed = (withOthers: boolean): number => {
      const ws = new Workspace();
      ws.setFile('/ws/p/main.vale', 'extern func seal(h &Ketch) int;\n');
      if (withOthers) for (let f = 0; f < 20; f++) ws.setFile(`/ws/q/file${f}.vale`, `extern func caulk${f}(h &Plank${f}) int;\n`);
      ws.files().forEach((f) => ws.diagnostics(f));
      ws.takeChangedFiles();
      const before = ws.stats.factsRecomputed;
      ws.setFile('/ws/p/kinds.vale', 'exported struct Ketchup { n int; }\n');
      ws.takeChangedFiles();
      return ws.stats.factsRecomputed - before;
    };
    assert.ok(recomputed(false) > 0);
    assert.equal(recomputed(true), recomputed(false), "the other package's twenty suggestions are not looked at");
  });

  test("an edit in one package walks again its own roots' reach, not every package's that reaches the same array of ints", () => {
    // Every package's roots reach [#3]<imm>int, which every package names alike: one package's
    // edit must not walk the others' roots again (they shared one group through it).
    // With a name of its own in each package, and with one name every package declares (a package's
    // lookups of it do not change when another package's declaration does).
    const walkedAgain = (packages: number, sameName: boolean): number => {
      const ws = new Workspace();
      for (let p = 0; p < packages; p++) {
        const cargo = sameName ? 'Cargo' : `Cargo${p}`;
        ws.setFile(
          `/ws/p${p}/cargo.vale`,
          `exported struct ${cargo} imm { weights [#3]<imm>int; }\nexport [#3]<imm>int as Triple;\nextern func weigh(c ${cargo}, t [#3]<imm>int) int;\n`,
        );
      }
      ws.allDiagnostics();
      const before = ws.stats.rootsWalkedAgain;
      // A member renamed: what other files see of p0's Cargo changes.
      const text = ws.text('/ws/p0/cargo.vale')!;
      const at = text.indexOf('weights');
      ws.editFile('/ws/p0/cargo.vale', [{ start: at, end: at + 'weights'.length, newText: 'masses' }]);
      const again = new Workspace();
      for (const f of ws.files()) again.setFile(f, ws.text(f)!);
      for (const f of ws.files()) assert.deepEqual(ws.diagnostics(f), again.diagnostics(f), f);
      return ws.stats.rootsWalkedAgain - before;
    };
    for (const sameName of [false, true]) {
      const few = walkedAgain(2, sameName);
      assert.ok(few > 0, 'the edited package walks again');
      assert.equal(walkedAgain(40, sameName), few, `forty packages walk again what two do (same name: ${sameName})`);
    }
  });

  test('a name declared anew in a package that comes first resolves there, as a fresh analysis resolves it', () => {
    // m imports x.*, which names both /ws/a/x and /ws/b/x; the first package declaring Boat wins.
    const ws = new Workspace();
    ws.setFile('/ws/a/x/other.vale', 'exported struct Raft imm { n int; }\n');
    ws.setFile('/ws/b/x/boat.vale', 'exported struct Boat imm { n int; }\n');
    const main = 'import x.*;\nexported func sail(b Boat) int { return 1; }\n';
    ws.setFile('/ws/main/m.vale', main);
    const boatIn = (w: Workspace): string | undefined => {
      const s = symbolAt(w.program(), '/ws/main/m.vale', main.indexOf('Boat') + 1);
      return s?.tag === 'kind' ? s.decl?.file : undefined;
    };
    assert.equal(boatIn(ws), '/ws/b/x/boat.vale');
    ws.takeChangedFiles();
    ws.editFile('/ws/a/x/other.vale', [{ start: 0, end: 0, newText: 'struct Boat imm { n int; }\n' }]);
    ws.takeChangedFiles();
    const fresh = new Workspace();
    for (const f of ws.files()) fresh.setFile(f, ws.text(f)!);
    assert.equal(boatIn(fresh), '/ws/a/x/other.vale', 'the package that comes first');
    assert.equal(boatIn(ws), boatIn(fresh));
    // And back: a's Boat goes, b's is found again.
    ws.editFile('/ws/a/x/other.vale', [{ start: 0, end: 'struct Boat imm { n int; }\n'.length, newText: '' }]);
    ws.takeChangedFiles();
    assert.equal(boatIn(ws), '/ws/b/x/boat.vale');
  });

  test('packages that gain and lose a name in one change (a branch switch) resolve it as a fresh analysis does', () => {
    // m imports x.*, which names four packages; each step rewrites several of them before a question.
    const dirs = ['/ws/a/x', '/ws/b/x', '/ws/c/x', '/ws/d/x'];
    const main = 'import x.*;\nexported func sail(b Boat) int { return 1; }\n';
    const boat = 'exported struct Boat imm { n int; }\n';
    const ws = new Workspace();
    for (const d of dirs) ws.setFile(`${d}/k.vale`, `exported struct Raft${d[4]} imm { n int; }\n`);
    ws.setFile('/ws/main/m.vale', main);
    const boatIn = (w: Workspace): string | undefined => {
      const s = symbolAt(w.program(), '/ws/main/m.vale', main.indexOf('Boat') + 1);
      return s?.tag === 'kind' ? s.decl?.file : undefined;
    };
    const steps: [declaring: string[], expected: string | undefined][] = [
      [['/ws/b/x', '/ws/d/x'], '/ws/b/x/k.vale'],
      [['/ws/a/x', '/ws/c/x', '/ws/d/x'], '/ws/a/x/k.vale'],
      [['/ws/b/x'], '/ws/b/x/k.vale'],
      [[], undefined],
      [dirs, '/ws/a/x/k.vale'],
      [['/ws/d/x'], '/ws/d/x/k.vale'],
    ];
    for (const [declaring, expected] of steps) {
      for (const d of dirs) {
        const raft = `exported struct Raft${d[4]} imm { n int; }\n`;
        ws.setFile(`${d}/k.vale`, declaring.includes(d) ? `${raft}${boat}` : raft);
      }
      const again = new Workspace();
      for (const f of ws.files()) again.setFile(f, ws.text(f)!);
      assert.equal(boatIn(again), expected, `a fresh analysis, Boat in ${declaring.join(', ') || 'no package'}`);
      assert.equal(boatIn(ws), expected, `Boat in ${declaring.join(', ') || 'no package'}`);
      for (const f of again.files()) assert.deepEqual(ws.diagnostics(f), again.diagnostics(f), f);
    }
  });

  test('edits of a hundred files before a question (past the few names looked up one by one) give the fresh answer', () => {
    // Each file of one package declares kinds; a batch of edits moves the first declaration of many
    // names at once (the update then walks each re-indexed file's kinds instead of every name).
    const n = 100;
    const texts = new Map<string, string>();
    const kind = (i: number, mut: string) => `exported struct K${i} ${mut} { n int; }\n`;
    for (let f = 0; f < n; f++) texts.set(`/ws/p/f${String(f).padStart(3, '0')}.vale`, `// file ${f}\n${kind(f, 'imm')}`);
    texts.set('/ws/q/use.vale', `import p.*;\n${Array.from({ length: n }, (_, i) => `extern func use${i}(k K${i}) int;\n`).join('')}`);
    const ws = fresh(texts);
    ws.allDiagnostics();
    const paths = [...texts.keys()].filter((p) => p.startsWith('/ws/p/'));
    const batches: ((f: number) => string)[] = [
      // Every file gains a mutable copy of the next file's kind, above its own: in the package's path
      // order, the copy comes first for every name but K0.
      (f) => kind((f + 1) % n, 'mut'),
      // And loses it again.
      () => '',
      // Every file renames its kind.
      (f) => `exported struct R${f} imm { n int; }\n`,
    ];
    for (const [b, insert] of batches.entries()) {
      for (const [f, path] of paths.entries()) {
        const text = texts.get(path)!;
        const at = text.indexOf('\n') + 1;
        const current = b === 1 ? kind((f + 1) % n, 'mut') : b === 2 ? kind(f, 'imm') : '';
        const edit = { start: at, end: at + current.length, newText: insert(f) };
        texts.set(path, applyEdit(text, edit));
        ws.editFile(path, [edit]);
      }
      const expected = fresh(texts);
      for (const path of expected.files()) assert.deepEqual(ws.diagnostics(path), expected.diagnostics(path), `batch ${b}: ${path}`);
      assert.deepEqual(
        c(ws).kinds.map((k) => [k.id, k.file]),
        c(expected).kinds.map((k) => [k.id, k.file]),
        `batch ${b}: the exported kinds`,
      );
    }
  });

  test('kinds declared first elsewhere in one batch: a file declaring them below its own edit follows, as a fresh analysis', () => {
    // z.vale declares D0..D{n-1}; in one batch each a file (before z in path order) declares one of
    // them first; z is edited at its top (its declarations outside its edit's window) or not at all.
    for (const [n, editZ] of [
      [1, false],
      [3, true],
      [100, true],
      [100, false],
    ] as const) {
      const texts = new Map<string, string>();
      const aPath = (i: number) => `/ws/p/a${String(i).padStart(3, '0')}.vale`;
      for (let i = 0; i < n; i++) texts.set(aPath(i), '// a\n');
      const ds = Array.from({ length: n }, (_, i) => `exported struct D${i} imm { n int; }\n`).join('');
      texts.set('/ws/p/z.vale', `// z\nstruct Top imm { n int; }\n${ds}`);
      texts.set('/ws/q/use.vale', `import p.*;\n${Array.from({ length: n }, (_, i) => `extern func use${i}(d D${i}) int;\n`).join('')}`);
      const ws = fresh(texts);
      ws.allDiagnostics();
      const edit = (path: string, start: number, end: number, newText: string): void => {
        texts.set(path, applyEdit(texts.get(path)!, { start, end, newText }));
        ws.editFile(path, [{ start, end, newText }]);
      };
      for (const step of ['declared first in the a files', 'and gone again']) {
        for (let i = 0; i < n; i++) {
          const decl = `exported struct D${i} mut { n int; }\n`;
          if (step.startsWith('declared')) edit(aPath(i), 0, 0, decl);
          else edit(aPath(i), 0, decl.length, '');
        }
        const top = texts.get('/ws/p/z.vale')!.indexOf('struct T') + 'struct '.length;
        if (editZ) edit('/ws/p/z.vale', top, top + 3, step.startsWith('declared') ? 'Tip' : 'Top');
        const expected = fresh(texts);
        for (const path of expected.files())
          assert.deepEqual(ws.diagnostics(path), expected.diagnostics(path), `${n} names, z edited: ${editZ}, ${step}: ${path}`);
        assert.deepEqual(
          c(ws).kinds.map((k) => [k.id, k.file]),
          c(expected).kinds.map((k) => [k.id, k.file]),
          `${n} names, ${step}: the exported kinds`,
        );
      }
    }
  });

  test("a quick fix's new export name steps around kinds and exports that edits add and remove, as a fresh analysis names it", () => {
    const texts = new Map([
      ['/p/main.vale', 'extern func tally(items []<imm>int) int;\n'],
      ['/p/other.vale', 'struct Spare { n int; }\n'],
    ]);
    const ws = fresh(texts);
    const fixName = (w: Workspace): string | undefined =>
      w
        .diagnostics('/p/main.vale')
        .flatMap((d) => w.fixesOf(d))
        .map((f) => f.title)
        .find((t) => t.startsWith('Export []<imm>int as '))
        ?.slice('Export []<imm>int as '.length);
    assert.equal(fixName(ws), 'ImmIntArray');
    const steps: [string, string, string, string][] = [
      // A kind of that name: the fix takes the next free one; then an export of that one too.
      ['/p/other.vale', 'struct Spare', 'struct ImmIntArray', 'ImmIntArray2'],
      ['/p/other.vale', '}\n', '}\nexport []<imm>bool as ImmIntArray2;\n', 'ImmIntArray3'],
      // The kind renamed away, then the export: the first name is free again.
      ['/p/other.vale', 'struct ImmIntArray', 'struct Spare', 'ImmIntArray'],
      ['/p/other.vale', 'struct Spare', 'struct ImmIntArray', 'ImmIntArray3'],
      ['/p/other.vale', 'export []<imm>bool as ImmIntArray2;\n', '', 'ImmIntArray2'],
    ];
    for (const [path, find, replace, name] of steps) {
      replaceStepByStep(ws, texts, [[path, find, replace]]);
      assert.equal(fixName(ws), name, `after "${replace}"`);
    }
  });

  test('edits whose effects cross files and packages give the from-scratch answer after each step', () => {
    const texts = new Map<string, string>([
      [
        '/x/core/kinds.vale',
        'exported struct Ship imm { fuel int; }\nsealed exported interface Hull imm { }\nstruct Deck imm { n int; }\nexported struct Crew imm { size int; }\n',
      ],
      ['/x/core/more.vale', 'exported struct Cargo imm { ship Ship; crew Crew; }\nextern func weigh(c Cargo) int;\n'],
      [
        '/x/port/use.vale',
        'import core.*;\nexport []<imm>Ship as Ships;\nimpl Hull for Deck;\nextern func dock(s Ship, h Hull) int;\nexported struct Berth imm { ship Ship; deck Deck; }\n',
      ],
      ['/x/port/alias.vale', 'import core.*;\nexport Crew as PortCrew;\nexported func crewOf(b Berth) PortCrew { b.crew }\n'],
      // One name in two packages: the export in q resolves it through the first import, the extern through the only one.
      ['/x/a/k.vale', 'exported struct Twin imm { n int; }\n'],
      ['/x/b/k.vale', 'exported struct Twin imm { n int; }\n'],
      ['/x/q/s.vale', 'import a.*;\nimport b.*;\nexport Twin as T1;\n'],
      ['/x/q/r.vale', 'import b.*;\nextern func f(t Twin) int;\n'],
    ]);
    const ws = fresh(texts);
    ws.allDiagnostics();
    const steps: [string, string, string][] = [
      // [file, text to find, replacement]
      ['/x/core/kinds.vale', 'exported struct Ship imm', 'struct Ship imm'],
      ['/x/core/kinds.vale', 'struct Ship imm', 'exported struct Ship mut'],
      ['/x/core/kinds.vale', 'exported struct Ship mut', 'exported struct Ship imm'],
      ['/x/core/kinds.vale', 'struct Deck imm', 'exported struct Deck imm'],
      ['/x/core/kinds.vale', 'exported struct Crew imm { size int; }', 'exported struct Crew imm { size int; boss &Ship; }'],
      ['/x/core/kinds.vale', 'sealed exported interface Hull', 'exported interface Hull'],
      ['/x/port/use.vale', 'import core.*;', 'import nowhere.*;'],
      ['/x/port/use.vale', 'import nowhere.*;', 'import core.*;'],
      ['/x/core/kinds.vale', 'exported struct Ship imm', 'exported struct Shop imm'],
      ['/x/core/more.vale', 'exported struct Cargo', 'exported struct Ship imm { n int; }\nexported struct Cargo'],
      ['/x/core/kinds.vale', 'exported struct Shop imm', 'exported struct Ship imm'],
      ['/x/port/alias.vale', 'export Crew as PortCrew;', 'export Crew as PortCrew;\nexport Crew as Again;'],
      ['/x/core/kinds.vale', 'exported struct Crew', 'struct Crew'],
      // q's export now means b's Twin: only the export facts of q tell r.
      ['/x/a/k.vale', 'Twin', 'Twain'],
      ['/x/a/k.vale', 'Twain', 'Twin'],
    ];
    replaceStepByStep(ws, texts, steps);
    // A file removed and put back.
    const kinds = texts.get('/x/core/kinds.vale')!;
    ws.removeFile('/x/core/kinds.vale');
    texts.delete('/x/core/kinds.vale');
    for (const f of fresh(texts).files()) assert.deepEqual(ws.diagnostics(f), fresh(texts).diagnostics(f), f);
    ws.setFile('/x/core/kinds.vale', kinds);
    texts.set('/x/core/kinds.vale', kinds);
    for (const f of fresh(texts).files()) assert.deepEqual(ws.diagnostics(f), fresh(texts).diagnostics(f), f);
  });

  test('reach follows edits: a kind newly reached through a changed member, a root that reaches a kind another root reaches first', () => {
    const texts = new Map<string, string>([
      // K is reached from g through J, each in its own package; giving K a member makes Inner reachable (and non-hierarchical).
      ['/s1/k.vale', 'struct K imm { n int; }\nstruct Inner imm { s &Ship; }\n'],
      ['/s1/ship.vale', 'exported struct Ship { }\n'],
      ['/s2/j.vale', 'import s1.*;\nstruct J imm { k K; }\n'],
      ['/s3/f.vale', 'import s2.*;\nextern func g(j J) int;\n'],
      // X is reached from fa; f0 (earlier in root order, another package) comes to reach X through P, one step later.
      ['/r1/a.vale', 'exported struct X imm { b &Ship; }\nexported struct Ship { }\nextern func fa(x X) int;\n'],
      ['/r0/p.vale', 'import r1.*;\nexported struct P imm { n int; }\nextern func f0(p P) int;\n'],
      // K's member names a kind that does not exist yet; declaring it (elsewhere in the package) makes it reachable.
      ['/t1/k.vale', 'struct K imm { n int; t Thing; }\n'],
      ['/t1/ship.vale', 'exported struct Ship { }\n'],
      ['/t2/j.vale', 'import t1.*;\nstruct J imm { k K; }\n'],
      ['/t3/f.vale', 'import t2.*;\nextern func g(j J) int;\n'],
    ]);
    const ws = fresh(texts);
    ws.allDiagnostics();
    const steps: [string, string, string][] = [
      ['/s1/k.vale', 'struct K imm { n int; }', 'struct K imm { n int; inner Inner; }'],
      ['/r0/p.vale', 'exported struct P imm { n int; }', 'exported struct P imm { n int; x X; }'],
      ['/s1/k.vale', 'inner Inner; ', ''],
      ['/r0/p.vale', ' x X;', ''],
      ['/t1/ship.vale', 'exported struct Ship { }\n', 'exported struct Ship { }\nstruct Thing imm { s &Ship; }\n'],
      // An item added above the root moves it: the diagnostic's related location follows.
      ['/r1/a.vale', 'exported struct X', 'export []<imm>int as Ints;\nexported struct X'],
    ];
    replaceStepByStep(ws, texts, steps);
  });

  test('a long reach shows its ends: edits that lengthen, shorten and cut the chain give the from-scratch answer', () => {
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `struct L${i} imm { next L${i + 1}; }\n`).join('');
    const via = (n: number, tail: string) => new RegExp(`via L0\\.next → L1\\.next → L2\\.next → … ${n - 7} more … → ${tail}\\.$`);
    // 12 steps: read from the walk's parents when asked; 80: past 64, kept per entry.
    for (const n of [12, 80]) {
      const texts = new Map<string, string>([
        ['/c/root.vale', 'exported struct Ship { }\nextern func haul(l L0) int;\n'],
        ['/c/chain.vale', `${chain(n)}struct L${n} imm { s &Ship; }\n`],
      ]);
      const ws = fresh(texts);
      const message = () => ws.diagnostics('/c/chain.vale').find((d) => d.code === 'NonHierarchicalImmutable')?.message ?? '';
      const last = (from: number) => [from, from + 1, from + 2, from + 3].map((i) => `L${i}\\.next`).join(' → ');
      assert.match(message(), via(n, last(n - 4)));
      const steps: [string, string, string][] = [
        // Longer, then back under the cut, in the middle, at the root's end and at the far end.
        ['/c/chain.vale', 'struct L5 imm { next L6; }', 'struct L5 imm { next L5b; }\nstruct L5b imm { next L6; }'],
        ['/c/chain.vale', 'struct L3 imm { next L4; }', `struct L3 imm { next L${n - 3}; }`],
        ['/c/root.vale', 'haul(l L0)', 'haul(l L2)'],
        ['/c/chain.vale', `struct L${n - 2} imm { next L${n - 1}; }`, `struct L${n - 2} imm { next L${n}; }`],
        ['/c/chain.vale', `struct L3 imm { next L${n - 3}; }`, 'struct L3 imm { next L4; }'],
        ['/c/root.vale', 'haul(l L2)', 'haul(l L0)'],
      ];
      replaceStepByStep(ws, texts, steps);
      // L5b in, L(n-1) out: n steps still.
      assert.match(message(), via(n, last(n - 5)), String(n));
    }
  });

  // A hang guard, not a performance goal: every kind's reach was its whole path, in its message and
  // its fact, so a chain of 20,000 kinds ran out of memory (4 GB) after a minute.
  test('a chain of 20,000 immutable kinds is checked, its reach cut to its ends', { timeout: 60_000 }, () => {
    const n = 20_000;
    const parts = ['exported struct Ship { }\nextern func haul(l L0) int;\n'];
    for (let i = 0; i < n; i++) parts.push(`struct L${i} imm { next L${i + 1}; }\n`);
    parts.push(`struct L${n} imm { s &Ship; }\n`);
    const ws = new Workspace({ incremental: false, quickFixes: false });
    ws.setFile('/c/chain.vale', parts.join(''));
    const found = ws.allDiagnostics().filter((d) => d.code === 'NonHierarchicalImmutable');
    assert.equal(found.length, 1);
    assert.ok(
      found[0].message.endsWith(
        `via L0.next → L1.next → L2.next → … ${n - 7} more … → L${n - 4}.next → L${n - 3}.next → L${n - 2}.next → L${n - 1}.next.`,
      ),
    );
  });

  test('a workspace whose closed files let go of their syntax (or were read let go) answers as one that keeps it', () => {
    const kept = fresh(BASE);
    const released = fresh(BASE);
    released.allDiagnostics();
    for (const path of PATHS) released.releaseSyntax(path);
    // As the server reads files no editor has open.
    const readReleased = new Workspace();
    for (const [path, text] of BASE) readReleased.setReleasedFile(path, text);
    const program = (ws: Workspace) => ws.cProgram('vtest', DEFAULT_TARGET);
    for (const ws of [released, readReleased])
      for (const path of PATHS) {
        assert.deepEqual(ws.diagnostics(path), kept.diagnostics(path), path);
        assert.deepEqual(documentSymbols(ws.model(path)!), documentSymbols(kept.model(path)!), path);
        const text = kept.text(path)!;
        assert.equal(ws.text(path), text);
        // Every hover and definition of the file, at each declared name and type reference.
        for (const at of [...text.matchAll(/\b[A-Z]\w*/g)].map((m) => m.index! + 1)) {
          assert.deepEqual(
            hoverInVale(program(ws), path, text, at, HOVER),
            hoverInVale(program(kept), path, text, at, HOVER),
            `${path}@${at}`,
          );
          const a = symbolAt(ws.program(), path, at);
          const b = symbolAt(kept.program(), path, at);
          assert.deepEqual(a && { tag: a.tag, range: a.range }, b && { tag: b.tag, range: b.range }, `${path}@${at}`);
        }
      }
    // An edit to a released file parses it whole again.
    const path = '/examples/fleet/ships.vale';
    const at = kept.text(path)!.indexOf('exported struct Engine');
    for (const ws of [kept, released, readReleased]) ws.editFile(path, [{ start: at, end: at + 'exported '.length, newText: '' }]);
    for (const ws of [released, readReleased]) {
      for (const p of PATHS) assert.deepEqual(ws.diagnostics(p), kept.diagnostics(p), p);
      assert.equal(ws.tree(path)!.print(), kept.text(path));
    }
  });

  test('a declaration re-parsed by an edit that changed no summary, then declared again before it: the new first declaration is the one', () => {
    // The property test of the publisher found it (its seed -1250791188): an empty edit re-parsed
    // `struct Extra`, which changed no summary, so the index kept the object it had; an `Extra`
    // of the same text typed at the top of the file was then taken for that declaration moved,
    // and the extern over `Extra` kept pointing at the old one.
    const path = '/w/typed.vale';
    let text = '// top\nstruct A imm { }\nstruct B imm { }\nextern func total(crate Extra) int;\nstruct Extra imm { }\n// end\n';
    const ws = fresh(new Map([[path, text]]));
    ws.diagnostics(path);
    const edits = [
      { start: text.indexOf('struct Extra'), end: text.indexOf('struct Extra'), newText: '' },
      { start: 0, end: 0, newText: 'struct Extra imm { }\n' },
    ];
    for (const e of edits) {
      ws.editFile(path, [e]);
      text = applyEdit(text, e);
      const related = ws.diagnostics(path).flatMap((d) => d.related ?? []);
      assert.ok(related.length > 0, "the extern names its kind's declaration");
      assert.deepEqual(ws.diagnostics(path), fresh(new Map([[path, text]])).diagnostics(path), JSON.stringify(e));
    }
  });

  test('a one-shot workspace (the CLI) answers as an incremental one, before and after an edit', () => {
    const once = new Workspace({ incremental: false });
    for (const [path, text] of BASE) once.setFile(path, text);
    const kept = fresh(BASE);
    for (const path of PATHS) assert.deepEqual(once.diagnostics(path), kept.diagnostics(path), path);
    const path = '/examples/fleet/ships.vale';
    const at = kept.text(path)!.indexOf('exported struct Engine');
    for (const ws of [once, kept]) ws.editFile(path, [{ start: at, end: at + 'exported '.length, newText: '' }]);
    for (const p of PATHS) assert.deepEqual(once.diagnostics(p), kept.diagnostics(p), p);
  });

  test('a file whose tree a reparse consumed (one that threw after taking its list over) is parsed whole at its next edit', () => {
    const path = '/examples/fleet/ships.vale';
    const ws = fresh(BASE);
    ws.diagnostics(path);
    // Consumed outside the workspace: what a reparse that failed half-way would leave.
    const tree = ws.syntaxTree(path)!;
    reparse(tree, { start: 0, end: 0, newText: ' ' });
    assert.ok(tree.consumed);
    const text = ws.text(path)!;
    const at = text.indexOf('exported struct Engine');
    const edit = { start: at, end: at + 'exported '.length, newText: '' };
    ws.editFile(path, [edit]);
    const expected = fresh(new Map([...BASE, [path, applyEdit(text, edit)]]));
    for (const p of PATHS) assert.deepEqual(ws.diagnostics(p), expected.diagnostics(p), p);
  });

  test('quickFixes: false (the CLI) gives the same diagnostics, none with a quick fix', () => {
    const plain = new Workspace({ incremental: false, quickFixes: false });
    for (const [path, text] of BASE) plain.setFile(path, text);
    const kept = fresh(BASE);
    let fixed = 0;
    for (const path of PATHS) {
      const expected = kept.diagnostics(path);
      fixed += expected.filter((d) => kept.fixesOf(d).length > 0).length;
      assert.deepEqual(plain.diagnostics(path), expected, path);
      for (const d of plain.diagnostics(path)) assert.deepEqual(plain.fixesOf(d), [], `${path}: ${d.code} has fixes`);
    }
    assert.ok(fixed >= 10, `only ${fixed} diagnostics with quick fixes to compare`);
  });

  test('modules name packages as valec does; changing them, or editing under them, gives the from-scratch answer', () => {
    const texts = new Map<string, string>([
      ['/w/tests/main.vale', 'import vtest.sub.*;\nexported struct Ship imm { fuel int; }\n'],
      ['/w/tests/sub/use.vale', 'import vtest.*;\nexported func getFuel(s Ship) int { s.fuel }\n'],
      ['/w/lib/kinds.vale', 'exported struct Crate imm { n int; }\n'],
      ['/w/app/a.vale', 'import store.*;\nextern func weigh(c Crate) int;\n'],
    ]);
    const codes = (ws: Workspace): string[] => ws.files().flatMap((f) => ws.diagnostics(f).map((d) => `${f} ${d.code}`));
    const ws = fresh(texts);
    assert.deepEqual(codes(ws), ['/w/app/a.vale UncheckedExternalKind', '/w/tests/sub/use.vale UncheckedExternalKind']);
    const modules: Module[][] = [
      [{ name: 'vtest', root: '/w/tests' }],
      [
        { name: 'vtest', root: '/w/tests' },
        { name: 'store', root: '/w/lib' },
      ],
      [{ name: 'store', root: '/w/lib' }],
      [],
    ];
    for (const m of modules) {
      // As the server does with closed files: their syntax is let go, and must be read again for new packages.
      for (const f of ws.files()) ws.releaseSyntax(f);
      ws.setModules(m);
      const expected = fresh(texts, m);
      for (const f of expected.files()) assert.deepEqual(ws.diagnostics(f), expected.diagnostics(f), `${JSON.stringify(m)} ${f}`);
    }
    ws.setModules(modules[1]);
    assert.deepEqual(codes(ws), [
      '/w/app/a.vale ExternFunctionDependedOnNonExportedKind',
      '/w/tests/sub/use.vale ExportedFunctionDependedOnNonExportedKind',
    ]);
    replaceStepByStep(
      ws,
      texts,
      [
        ['/w/tests/sub/use.vale', 'import vtest.*;', 'import vtest.*;\nexport Ship as SubShip;'],
        ['/w/lib/kinds.vale', 'exported struct Crate', 'struct Crate'],
      ],
      modules[1],
    );
    assert.equal(ws.packageOf('/w/tests/sub/use.vale'), 'vtest/sub');
    assert.equal(ws.packageOf('/w/elsewhere/x.vale'), '/w/elsewhere');
  });

  /** A whole number for each workspace size, never fewer for a bigger one. */
  const growsWithTheWorkspace = (of: (valeChars: number) => number): void => {
    let last = 0;
    for (let chars = 0; chars <= 400_000; chars += 7_919) {
      const n = of(chars);
      assert.ok(n >= last && Number.isInteger(n), `${chars} characters: ${n} after ${last}`);
      last = n;
    }
  };

  test('the warm-up types more keystrokes in a bigger workspace, between its fewest and its most', () => {
    assert.equal(warmUpKeystrokes(0), MIN_WARM_UP_KEYSTROKES);
    assert.equal(warmUpKeystrokes(-5), MIN_WARM_UP_KEYSTROKES);
    // examples/ (about 3 KB of Vale) stays near the fewest; the bench's 10k-line document (288 KB) gets the most.
    assert.ok(warmUpKeystrokes(3_000) <= MIN_WARM_UP_KEYSTROKES + 20);
    assert.equal(warmUpKeystrokes(288_000), MAX_WARM_UP_KEYSTROKES);
    assert.equal(warmUpKeystrokes(50_000_000), MAX_WARM_UP_KEYSTROKES);
    growsWithTheWorkspace(warmUpKeystrokes);
  });

  test('the warm-up types into more copies of its sample in a bigger workspace, between its fewest and its most', () => {
    assert.equal(warmUpCopies(0), MIN_WARM_UP_COPIES);
    assert.equal(warmUpCopies(-5), MIN_WARM_UP_COPIES);
    // examples/ (about 3 KB of Vale) gets the fewest; the bench's 10k-line document (288 KB) the most.
    assert.equal(warmUpCopies(3_000), MIN_WARM_UP_COPIES);
    assert.equal(warmUpCopies(288_000), MAX_WARM_UP_COPIES);
    assert.equal(warmUpCopies(50_000_000), MAX_WARM_UP_COPIES);
    growsWithTheWorkspace(warmUpCopies);
    // More copies: a longer sample, and each copy's arrays exported again (as in a long document of copies).
    const repeated = (copies: number) => {
      const report = warmUp(8, copies);
      return { length: report.text.length, exportedTwice: report.diagnostics.filter((d) => d.code === 'TypeExportedMultipleTimes').length };
    };
    const fewest = repeated(MIN_WARM_UP_COPIES);
    const most = repeated(MAX_WARM_UP_COPIES);
    assert.ok(most.length > 3 * fewest.length, `${most.length} against ${fewest.length} characters`);
    assert.ok(most.exportedTwice > 3 * fewest.exportedTwice, `${most.exportedTwice} against ${fewest.exportedTwice} exported again`);
  });

  test("the server's start-up warm-up types into a workspace of its own: it ends with a from-scratch analysis's answer and changes no other workspace's", () => {
    const kept = fresh(BASE);
    const expected = PATHS.map((p) => kept.diagnostics(p));
    const report = warmUp(160);
    assert.equal(report.keystrokes, 160);
    // Its hovers found what they warm: kinds laid out by name, references decoded in a log.
    assert.ok(report.hovers.kinds >= 20, `kind hovers answered: ${report.hovers.kinds} of 40`);
    assert.ok(report.hovers.references >= 20, `reference hovers answered: ${report.hovers.references} of 40`);
    const again = new Workspace();
    again.setFile(WARM_UP_PATH, report.text);
    assert.deepEqual(report.diagnostics, again.diagnostics(WARM_UP_PATH));
    // The sample's own mistakes (an array exported twice, arrays not exported) outlive the typing.
    const codes = new Set(report.diagnostics.map((d) => d.code));
    for (const code of ['TypeExportedMultipleTimes', 'ExternFunctionDependedOnNonExportedKind']) assert.ok(codes.has(code), code);
    const after = fresh(BASE);
    PATHS.forEach((p, i) => {
      assert.deepEqual(kept.diagnostics(p), expected[i], p);
      assert.deepEqual(after.diagnostics(p), expected[i], p);
    });
  });
});

describe('the C project inferred from the externs', () => {
  let parser: CParser | undefined;
  before(async () => {
    parser = await loadCParser();
  });
  // C defines two of one project's externs and three of another's: which one the workspace
  // checks C against follows the externs the Vale files declare, edit by edit.
  const C = ['alpha_cOne', 'alpha_cTwo', 'beta_cThree', 'beta_cFour', 'beta_cFive'].map((n) => `int ${n}(void) { return 0; }\n`).join('');
  const VALE = 'extern func cOne() int;\nextern func cTwo() int;\nfunc main() { return 0; }\n';
  const PIECES = [
    'extern func cThree() int;\n',
    'extern func cFour() int;\n',
    'extern func cFive() int;\n',
    'extern func cOne() int;\n',
    'x',
    ' ',
    '\n',
    '}',
    'func f() {',
  ];
  const edit = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.nat(30), insert: fc.nat(PIECES.length - 1) });

  test('after each edit, the same project and diagnostics as a fresh workspace', () => {
    assert.ok(parser, 'the C parser loads');
    const make = (text: string): Workspace => {
      const ws = new Workspace();
      ws.setCParser(parser);
      ws.setFile('/w/main.vale', text);
      ws.setFile('/w/other.vale', 'extern func cTwo() int;\n');
      ws.setCFile('/w/native/impl.c', C);
      return ws;
    };
    const navigation = (w: Workspace) => {
      const program = w.cProgram(w.effectiveCProject(), DEFAULT_TARGET);
      const c = w.cFile('/w/native/impl.c')!;
      const files: [string, CFileSummary][] = [['/w/native/impl.c', c]];
      return {
        symbols: c.names.map((u) => {
          const s = cSymbolAt(program, c, u.range.start);
          return s && `${u.name}: ${s.tag} ${s.tag === 'function' ? `${s.fn.file}@${s.fn.nameStart}` : ''}`;
        }),
        definitions: (w.model('/w/main.vale')?.functions ?? []).map((f) => cDefinitions(program, files, f)),
        uses: (w.model('/w/main.vale')?.functions ?? []).map((f) => cUses(program, files, { fn: f })),
      };
    };
    const projects = new Set<string>();
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 25 }), (edits) => {
        let text = VALE;
        const ws = make(text);
        ws.allDiagnostics();
        for (const e of edits) {
          const at = Math.floor(e.at * text.length);
          const change = { start: at, end: Math.min(text.length, at + e.remove), newText: PIECES[e.insert] };
          text = applyEdit(text, change);
          ws.editFile('/w/main.vale', [change]);
          ws.takeChangedFiles();
          const expected = make(text);
          assert.equal(ws.effectiveCProject(), expected.effectiveCProject(), text);
          projects.add(ws.effectiveCProject());
          assert.deepEqual(ws.diagnostics('/w/main.vale'), expected.diagnostics('/w/main.vale'), text);
          // What C's names lead to (a hover, go to definition), read through the names kept while the declarations stay.
          assert.deepEqual(navigation(ws), navigation(expected), text);
        }
        // The C file gone (its inference forgotten), then back.
        ws.removeCFile('/w/native/impl.c');
        ws.setCFile('/w/native/impl.c', C);
        ws.takeChangedFiles();
        assert.equal(ws.effectiveCProject(), make(text).effectiveCProject(), `${text} (the C file removed and added)`);
      }),
      { numRuns: runs(120), ...seeded(0x5eed) },
    );
    // The runs went both ways (and to neither: the first module's name when no extern matches).
    assert.ok(projects.has('alpha') && projects.has('beta'), [...projects].join(', '));
  });

  test('in parts, an extern whose signature blocks its C prototype is not also reported as not implemented, edit after edit', () => {
    assert.ok(parser, 'the C parser loads');
    const path = '/w/main.vale';
    // C defines cOne (project alpha) but neither weigh nor cSix; weigh's parameter is a kind not exported.
    const text =
      'struct Crate imm { weight int; }\nextern func cOne() int;\nextern func weigh(crate Crate) int;\nextern func cSix() int;\n';
    const make = (t: string): Workspace => {
      const w = new Workspace({ quickFixes: false });
      w.setCParser(parser);
      w.setFile(path, t);
      w.setCFile('/w/native/impl.c', C);
      return w;
    };
    const notImplemented = (ds: readonly Diagnostic[]): string[] =>
      ds.filter((d) => d.code === 'ExternNotImplemented').map((d) => text.slice(d.start, d.end));
    const ws = make(text);
    const parts = placedParts(ws, path);
    assert.ok(parts.some((d) => d.code === 'ExternFunctionDependedOnNonExportedKind'));
    assert.deepEqual(notImplemented(parts), ['cSix']);
    assert.deepEqual(parts, make(text).diagnostics(path));
    // Crate exported: weigh's prototype can be written, so it is reported as not implemented too.
    ws.editFile(path, [{ start: 0, end: 0, newText: 'exported ' }]);
    const exported = placedParts(ws, path);
    assert.equal(exported.filter((d) => d.code === 'ExternNotImplemented').length, 2);
    assert.deepEqual(exported, make(ws.text(path)!).diagnostics(path));
    // And back.
    ws.editFile(path, [{ start: 0, end: 'exported '.length, newText: '' }]);
    assert.deepEqual(notImplemented(placedParts(ws, path)), ['cSix']);
  });
});

describe('a C file edited in place', () => {
  let parser: CParser | undefined;
  before(async () => {
    parser = await loadCParser();
  });
  // A fixture with every C check, its C file edited at random: pieces that open and close
  // blocks and comments, declare globals and typedefs the other items read, and break items.
  const files = parseFixture(readFileSync(join(__dirname, 'fixtures', 'c', 'fields-cases-calls.vale'), 'utf8'), '/main.vale');
  const cFile = files.find((f) => f.path.endsWith('.c'))!;
  const PIECES = [
    '{',
    '}',
    ';',
    '\n',
    ' ',
    'x',
    '/*',
    '*/',
    'vtest_Ship* g;\n',
    'typedef vtest_Ship* ShipPtr;\n',
    'int f(ShipPtr p) { return p->fule + g->fuel; }\n',
    'void h(void) { vtest_fuelOf(g, 2); }\n',
    '#if 0\n',
    '#endif\n',
  ];
  const edit = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.nat(12), insert: fc.nat(PIECES.length - 1) });
  const make = (cText: string): Workspace => {
    const ws = new Workspace();
    ws.setCParser(parser);
    ws.setCProject('vtest');
    for (const f of files) if (f !== cFile) ws.setFile(f.path, f.text);
    ws.setCFile(cFile.path, cText);
    return ws;
  };
  /** What the checks and questions read of a summary (its items' bookkeeping aside). */
  const flat = (s: CFileSummary | undefined) =>
    s && { ...s, typedefs: [...s.typedefs], items: s.items.map((i, k) => [i.type, s.starts[k], s.starts[k] + i.length]) };

  test('after each edit, the same summary and diagnostics as the file read whole', () => {
    assert.ok(parser, 'the C parser loads');
    let reused = 0;
    let found = 0;
    let withFixes = 0;
    let fragments = 0;
    fc.assert(
      fc.property(fc.array(fc.array(edit, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 }), fc.nat(5), (steps, reload) => {
        let text = cFile.text;
        const ws = make(text);
        ws.diagnostics(cFile.path);
        steps.forEach((step, k) => {
          const changes: TextEdit[] = [];
          for (const e of step) {
            const at = Math.floor(e.at * text.length);
            const change = { start: at, end: Math.min(text.length, at + e.remove), newText: PIECES[e.insert] };
            text = applyEdit(text, change);
            changes.push(change);
          }
          const was = ws.cFile(cFile.path)!;
          // Now and then the file is set whole (read from disk), which keeps the items it can too.
          const readAlone = ws.stats.cFragments;
          if (k === reload) ws.setCFile(cFile.path, text);
          else ws.editCFile(cFile.path, changes, text);
          fragments += ws.stats.cFragments - readAlone;
          const expected = make(text);
          assert.deepEqual(flat(ws.cFile(cFile.path)), flat(expected.cFile(cFile.path)), text);
          assert.deepEqual(ws.diagnostics(cFile.path), expected.diagnostics(cFile.path), text);
          // Their quick fixes, made when asked from the items taken over and moved.
          const fixesIn = (w: Workspace) => w.diagnostics(cFile.path).map((d) => w.fixesOf(d));
          const fixes = fixesIn(ws);
          assert.deepEqual(fixes, fixesIn(expected), `${text}: quick fixes`);
          withFixes += fixes.filter((f) => f.length > 0).length;
          const now = ws.cFile(cFile.path)!;
          // Items taken over at another place: the same objects, moved.
          reused += now.items.filter((item, j) => was.items.includes(item) && was.starts[was.items.indexOf(item)] !== now.starts[j]).length;
          found += ws.diagnostics(cFile.path).length;
        });
      }),
      { numRuns: runs(300), ...seeded(0xc0de) },
    );
    // Items were taken over and moved, edits were read from the text around them parsed alone,
    // and the checks found something to say, and to fix.
    const seen = `${reused} items moved, ${fragments} edits read from a fragment, ${found} diagnostics, ${withFixes} with quick fixes`;
    if (process.env.SHOW) console.log(seen);
    assert.ok(reused > 0 && fragments > 0 && found > 0 && withFixes > 0, seen);
  });

  test('typing into a file without syntax errors: the items around each edit parsed alone give what the file read whole gives', () => {
    assert.ok(parser, 'the C parser loads');
    // The fixture with more items after it: most edits here keep the file free of syntax errors,
    // which is when an edit is read from the text around it parsed alone.
    const base = `${cFile.text}\n${PIECES.slice(8, 12).join('\n')}\nint k(void) { return 1; }\n`;
    const step = fc.record({
      kind: fc.constantFrom('in-name', 'out-of-name', 'char', 'item', 'line'),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      piece: fc.nat(PIECES.length - 1),
      char: fc.constantFrom('q', '_', '1', ' ', '\n', 'x', ';', '{', '}'),
    });
    let fragments = 0;
    let edits = 0;
    let compared = 0;
    let settles = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 16 }), (steps) => {
        let text = base;
        const ws = make(text);
        ws.diagnostics(cFile.path);
        for (const s of steps) {
          const names = [...text.matchAll(/[A-Za-z_]\w{2,}/g)];
          const name = names[Math.floor(s.at * names.length)];
          const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => (m.index ?? 0) + 1)];
          const line = lineStarts[Math.floor(s.at * lineStarts.length)];
          const change: TextEdit =
            s.kind === 'in-name' && name
              ? { start: (name.index ?? 0) + 1, end: (name.index ?? 0) + 1, newText: 'q' }
              : s.kind === 'out-of-name' && name
                ? { start: (name.index ?? 0) + 1, end: (name.index ?? 0) + 2, newText: '' }
                : s.kind === 'item'
                  ? { start: line, end: line, newText: PIECES[s.piece] }
                  : s.kind === 'line'
                    ? { start: line, end: text.indexOf('\n', line) + 1 || text.length, newText: '' }
                    : { start: Math.floor(s.at * text.length), end: Math.floor(s.at * text.length), newText: s.char };
          text = applyEdit(text, change);
          const read = ws.stats.cFragments;
          ws.editCFile(cFile.path, [change], text);
          fragments += ws.stats.cFragments - read;
          edits++;
          const expected = make(text);
          const fixesIn = (w: Workspace) => w.diagnostics(cFile.path).map((d) => w.fixesOf(d));
          // With a syntax error in the file, tree-sitter's reparse over its last tree can resolve
          // an ambiguous node otherwise than a parse from scratch (the test below): a text free
          // of errors is compared as the edit left it, every text once the file is settled.
          if (expected.cFile(cFile.path)!.errorItems === 0) {
            compared++;
            assert.deepEqual(flat(ws.cFile(cFile.path)), flat(expected.cFile(cFile.path)), text);
            assert.deepEqual(ws.diagnostics(cFile.path), expected.diagnostics(cFile.path), text);
            assert.deepEqual(fixesIn(ws), fixesIn(expected), `${text}: quick fixes`);
          }
          // Settled now and then only: the edits after a settle reparse over its tree.
          if (s.at < 0.3 || expected.cFile(cFile.path)!.errorItems === 0) {
            if (ws.unsettledCFiles().length > 0) settles++;
            ws.settleCFile(cFile.path);
            assert.deepEqual(ws.unsettledCFiles(), []);
            assert.deepEqual(flat(ws.cFile(cFile.path)), flat(expected.cFile(cFile.path)), `${text}: settled`);
            assert.deepEqual(ws.diagnostics(cFile.path), expected.diagnostics(cFile.path), `${text}: settled`);
            assert.deepEqual(fixesIn(ws), fixesIn(expected), `${text}: quick fixes, settled`);
          }
        }
      }),
      { numRuns: runs(200), ...seeded(0xf7a9) },
    );
    if (process.env.SHOW) console.log(`${fragments} of ${edits} edits read from a fragment; ${compared} compared; ${settles} settles`);
    // Both ways were taken: a syntax error an edit leaves outside the items it reached sends
    // every later edit to a reparse until it is mended.
    assert.ok(fragments > edits / 5 && fragments < edits, `${fragments} of ${edits} edits read from a fragment`);
    assert.ok(settles > 0 && compared > 0, `${settles} settles, ${compared} compared unsettled`);
  });

  test('a reparse over a tree with a syntax error can read a node otherwise than a parse from scratch: settling the file mends it', () => {
    assert.ok(parser, 'the C parser loads');
    let text = 'int f(ShipPtr p) { return p->fule + g->fuel; }\nvoid h(void) { vtest_fuelOf(g, 2); }\nint k(void) { return 1; }\n';
    const ws = make(text);
    const path = cFile.path;
    const type = (at: number, remove: number, newText: string) => {
      text = text.slice(0, at) + newText + text.slice(at + remove);
      ws.editCFile(path, [{ start: at, end: at + remove, newText }], text);
    };
    assert.deepEqual(ws.unsettledCFiles(), [], 'a file read whole is settled');
    type(text.indexOf('void h') + 1, 1, ''); // vid h(void)
    assert.deepEqual(ws.unsettledCFiles(), [], 'no syntax error met');
    type(0, 0, '}'); // a syntax error before it
    type(text.indexOf('(void)', text.indexOf(' h(')) + 2, 0, 'q'); // h(vqoid)
    assert.deepEqual(ws.unsettledCFiles(), [path]);
    const params = (w: Workspace) =>
      w
        .cFile(path)!
        .functions.find((f) => f.name === 'h')
        ?.params.map((p) => p.type);
    const expected = make(text);
    // web-tree-sitter 0.22 over its last tree: `vqoid` a parameter's type; from scratch: a K&R name
    // list, no parameter. Should tree-sitter come to agree, this test says so: find another case.
    assert.notDeepEqual(params(ws), params(expected), 'the reparse reads h otherwise');
    ws.diagnostics(path);
    const checkedBefore = ws.stats.cItemsChecked;
    const settled = ws.stats.cSettled;
    assert.equal(ws.settleCFile(path), true, 'the summary changed');
    assert.equal(ws.stats.cSettled - settled, 1);
    assert.deepEqual(params(ws), params(expected));
    assert.deepEqual(flat(ws.cFile(path)), flat(expected.cFile(path)));
    assert.deepEqual(ws.diagnostics(path), expected.diagnostics(path));
    // Only the item that read otherwise is checked again; a second settle has nothing to do.
    assert.equal(ws.stats.cItemsChecked - checkedBefore, 1);
    assert.deepEqual(ws.unsettledCFiles(), []);
    assert.equal(ws.settleCFile(path), false);
    // The next edits reparse over the settled tree and read as a parse from scratch.
    type(text.indexOf('vqoid') + 1, 1, '');
    assert.deepEqual(flat(ws.cFile(path)), flat(make(text).cFile(path)));
    // In steps (as the server settles, between its messages): an edit before the last step drops it.
    assert.deepEqual(ws.unsettledCFiles(), [path], 'the `}` is still there: reparsed with an error');
    const summary = ws.cFile(path);
    const stepped = ws.beginSettleC(path)!;
    assert.equal(stepped.step(1), undefined, 'one item of four read');
    type(text.indexOf('k(void)'), 0, 'q');
    assert.equal(stepped.step(100), false, 'the file changed: nothing settled');
    assert.notEqual(ws.cFile(path), summary);
    assert.deepEqual(ws.unsettledCFiles(), [path]);
    const again = ws.beginSettleC(path)!;
    let done: boolean | undefined;
    let steps = 0;
    while ((done = again.step(1)) === undefined) steps++;
    assert.equal(steps, ws.cFile(path)!.items.length - 1);
    assert.deepEqual(ws.unsettledCFiles(), []);
    assert.deepEqual(flat(ws.cFile(path)), flat(make(text).cFile(path)));
    assert.deepEqual(ws.diagnostics(path), make(text).diagnostics(path));
    assert.equal(ws.beginSettleC(path), undefined, 'nothing left to settle');
  });

  test('a keystroke in one function of a long file reads and checks that function alone', () => {
    assert.ok(parser, 'the C parser loads');
    // The fixture's C file forty times over, each copy's functions renamed.
    const copies = Array.from({ length: 40 }, (_, i) => cFile.text.replace(/\bvtest_cUse\b/g, `vtest_cUse${i}`)).join('\n');
    const ws = make(copies);
    const before = ws.diagnostics(cFile.path).length;
    assert.ok(before >= 40 * 3, `${before} diagnostics`);
    const items = ws.cFile(cFile.path)!.items.length;
    const at = copies.indexOf('total += local') + 1;
    let text = copies;
    for (const newText of [' ', 'x', '']) {
      const read = ws.stats.cItemsRead;
      const checked = ws.stats.cItemsChecked;
      const change = { start: at, end: at + (newText === '' ? 2 : 0), newText };
      text = applyEdit(text, change);
      ws.editCFile(cFile.path, [change], text);
      const diagnostics = ws.diagnostics(cFile.path);
      assert.equal(ws.stats.cItemsRead - read, 1, `items read of ${items}`);
      assert.equal(ws.stats.cItemsChecked - checked, 1, `items checked of ${items}`);
      assert.deepEqual(diagnostics, make(text).diagnostics(cFile.path));
    }
  });
});
