// Open documents: the edits a change hands the core (offsets in the text each change applies to)
// make the core's text the document's, and the core's line index reads as the document does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CParserFailure,
  DEFAULT_HOVER_OPTIONS,
  DEFAULT_TARGET,
  Pieces,
  type Source,
  Workspace,
  completionsAt,
  hoverInVale,
  piecesStats,
  signatureAt,
} from '../shared';
import { repoRoot } from './support/arbitraries';
import { Documents, keyOf } from '../server/lsp/documents';

// FC_SCALE=10 runs ten times as many cases (for a long local soak).
const runs = (n: number): number => Math.round(n * Number(process.env.FC_SCALE ?? 1));

/** Texts with every kind of line break, and characters of two UTF-16 units. */
const withCr = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '{', '"', '😀'), maxLength: 40 });
/** Texts whose only line break is LF: the documents' line index answers these without reading the text. */
const lfOnly = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '{', '"', '😀'), maxLength: 40 });
/** Mostly the one or the other: a document of LF lines into which a change may bring a CR. */
const text = fc.oneof(withCr, lfOnly, lfOnly);

/** A position anywhere, including past a line's end, past the last line, and before the first. */
const position = fc.record({ line: fc.integer({ min: -1, max: 12 }), character: fc.integer({ min: -1, max: 20 }) });

const change: fc.Arbitrary<TextDocumentContentChangeEvent> = fc.oneof(
  { arbitrary: fc.record({ range: fc.record({ start: position, end: position }), text }), weight: 9 },
  { arbitrary: fc.record({ text }), weight: 1 },
);

/** A Vale document opened with `text` in the server's documents over a fresh workspace. */
function opened(uri: string, text: string): { workspace: Workspace; documents: Documents } {
  const workspace = new Workspace();
  const documents = new Documents(workspace);
  documents.didOpen(uri, 'vale', 1, text);
  return { workspace, documents };
}

/**
 * A batch of changes sent to the documents as one didChange, and the same changes applied to
 * `expected` (a new document of `version`). Lines past the last are outside LSP's contract, and
 * TextDocument.update miscounts its lines for them: each change's lines are brought within the
 * document it applies to by `line` (from a line and the last line's number).
 */
function typeBatch(
  documents: Documents,
  expected: TextDocument,
  version: number,
  batch: readonly TextDocumentContentChangeEvent[],
  line: (line: number, last: number) => number,
): TextDocument {
  const changes: TextDocumentContentChangeEvent[] = [];
  // (TextDocument.update changes the document it is given: a copy.)
  let within = TextDocument.create(expected.uri, 'vale', version, expected.getText());
  for (const c of batch) {
    const last = within.lineCount - 1;
    const fit = (p: { line: number; character: number }) => ({ line: line(p.line, last), character: p.character });
    changes.push('range' in c ? { range: { start: fit(c.range.start), end: fit(c.range.end) }, text: c.text } : c);
    within = TextDocument.update(within, [changes[changes.length - 1]], version);
  }
  documents.didChange(expected.uri, version, changes);
  return TextDocument.update(expected, changes, version);
}

test("a Vale document's changes make the core's text the document's, and the core's line index converts as the document does", () => {
  fc.assert(
    fc.property(text, fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { maxLength: 8 }), (first, batches) => {
      const uri = 'file:///w/doc.vale';
      const { workspace, documents } = opened(uri, first);
      let expected = TextDocument.create(uri, 'vale', 1, first);
      let version = 1;
      for (const batch of batches) {
        version++;
        expected = typeBatch(documents, expected, version, batch, (line, last) => Math.min(line, last));
        const doc = documents.get(uri)!;
        const now = expected.getText();
        assert.equal(doc.getText(), now);
        assert.equal(doc.version, version);
        assert.equal(workspace.text(keyOf(uri)), now, "the core's text");
        for (let o = -1; o <= now.length + 1; o++)
          assert.deepEqual(doc.positionAt(o), expected.positionAt(o), `the document's positionAt(${o})`);
        const lines = documents.lines(keyOf(uri))!;
        assert.equal(lines.lineCount, expected.lineCount);
        for (let o = -1; o <= now.length + 1; o++) assert.deepEqual(lines.positionAt(o), expected.positionAt(o), `positionAt(${o})`);
        for (let line = -1; line <= expected.lineCount; line++)
          for (let character = -1; character <= 6; character++) {
            const p = { line, character };
            assert.equal(lines.offsetAt(p), expected.offsetAt(p), JSON.stringify(p));
          }
      }
    }),
    { numRuns: runs(1_000) },
  );
});

test("a long Vale document (several pieces) keeps the core's text and line index the document's through changes anywhere, CRs and surrogate pairs included", () => {
  const unit = fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '{', '"', '\u{1F600}');
  // What is repeated has its strings closed: thousands of `"{` left open nest interpolations as
  // deep, which the lexer reads in time quadratic in the depth (35 KB of `{"` took 45 s).
  const closed = fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '{', '"a"', '\u{1F600}');
  // 20,000 to 60,000 UTF-16 units: three to eight pieces.
  const long = fc
    .tuple(fc.string({ unit: closed, minLength: 1, maxLength: 30 }), fc.integer({ min: 20_000, max: 60_000 }))
    .map(([s, n]) => s.repeat(Math.ceil(n / s.length)));
  const anywhere = fc.record({ line: fc.nat({ max: 3_000 }), character: fc.nat({ max: 30 }) });
  const changeAnywhere: fc.Arbitrary<TextDocumentContentChangeEvent> = fc.record({
    range: fc.record({ start: anywhere, end: anywhere }),
    text: fc.oneof(
      fc.string({ unit, maxLength: 4 }),
      fc.string({ unit: closed, maxLength: 40 }).map((s) => s.repeat(100)),
    ),
  });
  fc.assert(
    fc.property(
      long,
      fc.array(fc.array(changeAnywhere, { minLength: 1, maxLength: 3 }), { maxLength: 6 }),
      fc.nat(),
      (first, batches, seed) => {
        const uri = 'file:///w/long.vale';
        const { workspace, documents } = opened(uri, first);
        let expected = TextDocument.create(uri, 'vale', 1, first);
        let version = 1;
        for (const batch of batches) {
          version++;
          expected = typeBatch(documents, expected, version, batch, (line, last) => line % (last + 1));
          assert.ok(documents.get(uri)!.source instanceof Pieces);
          // The core's line index, asked before anything joins the pieces, at offsets all over the text.
          void workspace.diagnostics(keyOf(uri));
          const lines = documents.lines(keyOf(uri))!;
          const now = expected.getText();
          assert.equal(lines.lineCount, expected.lineCount);
          for (let k = 0; k < 300; k++) {
            const o = (seed + k * 7_919) % (now.length + 2);
            assert.deepEqual(lines.positionAt(o), expected.positionAt(o), `positionAt(${o})`);
            const p = expected.positionAt(o);
            const q = { line: p.line, character: p.character + (k % 3) };
            assert.equal(lines.offsetAt(q), expected.offsetAt(q), JSON.stringify(q));
          }
          assert.equal(documents.get(uri)!.getText(), now);
          assert.equal(workspace.text(keyOf(uri)), now, "the core's text");
        }
        // What the core read from the pieces (its reparses' windows) reads as the text read afresh.
        const fresh = new Workspace();
        fresh.setFile(keyOf(uri), expected.getText());
        assert.deepEqual(workspace.diagnostics(keyOf(uri)), fresh.diagnostics(keyOf(uri)));
      },
    ),
    { numRuns: runs(25) },
  );
});

/** About 100 KB of Vale (examples/fleet's files again and again) open in the server's documents, analysed: a document in a dozen pieces. */
function openLongFleet(): { first: string; workspace: Workspace; documents: Documents; uri: string } {
  const fleet = ['fleet.vale', 'ships.vale', 'arrays.vale']
    .map((f) => readFileSync(join(repoRoot(), 'examples', 'fleet', f), 'utf8'))
    .join('\n');
  let first = '';
  while (first.length < 100_000) first += `${fleet}\n`;
  const uri = 'file:///w/fleet/long.vale';
  const { workspace, documents } = opened(uri, first);
  void workspace.diagnostics(keyOf(uri));
  return { first, workspace, documents, uri };
}

test("keystrokes in a long Vale document copy none of its text: the document and the core edit pieces of it, and the diagnostics are a fresh analysis's", () => {
  const { first, workspace, documents, uri } = openLongFleet();
  let expected = TextDocument.create(uri, 'vale', 1, first);
  const joined = piecesStats.joined;
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  for (let version = 2; version < 200; version++) {
    // Typed inside the lines of the second half (function bodies, declarations; no quote, which
    // would make the rest of the file a string and the window the whole text).
    const at = expected.positionAt(Math.floor(first.length / 2) + next(Math.floor(first.length / 2) - 100));
    const change = { range: { start: at, end: at }, text: 'abcxyz019 _;,.(){}<>&'[next(21)] };
    documents.didChange(uri, version, [change]);
    expected = TextDocument.update(expected, [change], version);
    void workspace.diagnostics(keyOf(uri));
  }
  assert.equal(piecesStats.joined, joined, 'a keystroke joined the pieces into one string');
  // Both hold the text in pieces (a text held as one string would be copied whole by the next keystroke).
  assert.ok(documents.get(uri)!.source instanceof Pieces);
  assert.ok(workspace.tree(keyOf(uri))!.source instanceof Pieces);
  const fresh = new Workspace();
  fresh.setFile(keyOf(uri), expected.getText());
  assert.equal(workspace.text(keyOf(uri)), expected.getText());
  assert.deepEqual(workspace.diagnostics(keyOf(uri)), fresh.diagnostics(keyOf(uri)));
});

test('in a long Vale document, quick fixes, hovers, completions and signature help read its pieces: nothing joins them, and each answers as over the whole text', () => {
  const { first, workspace, documents, uri } = openLongFleet();
  const key = keyOf(uri);
  let expected = TextDocument.create(uri, 'vale', 1, first);
  const joined = piecesStats.joined;
  // Keystrokes in the second half's `export ... as` lines and struct names: their items are checked
  // again, and the duplicate exports' quick fixes look at the whitespace around them.
  const spots = [...first.matchAll(/export \[\]<imm>\w+ as \w+|exported struct \w+/g)].filter((m) => m.index! > first.length / 2);
  assert.ok(spots.length > 10);
  let version = 1;
  for (const m of spots.slice(0, 12)) {
    const at = expected.positionAt(m.index! + m[0].length - 1 + (expected.getText().length - first.length));
    const change = { range: { start: at, end: at }, text: 'q' };
    documents.didChange(uri, ++version, [change]);
    expected = TextDocument.update(expected, [change], version);
  }
  const diagnostics = workspace.diagnostics(key);
  // A code action's fixes, made when asked: the duplicate exports' look at the whitespace around them.
  const fixes = diagnostics.filter((d) => d.start > first.length / 2).map((d) => workspace.fixesOf(d));
  assert.ok(fixes.filter((f) => f.length > 0).length > 10);
  const source = workspace.source(key)!;
  assert.ok(source instanceof Pieces);
  const program = workspace.cProgram('fleet', DEFAULT_TARGET);
  const text = expected.getText();
  const offsets = [...text.matchAll(/Spaceship_c\d|makeFleet\(|, /g)]
    .filter((m) => m.index! > text.length / 2)
    .map((m) => m.index! + m[0].length - 1);
  for (const o of offsets.slice(0, 40)) {
    const answers = (t: Source) => [
      hoverInVale(program, key, t, o, DEFAULT_HOVER_OPTIONS),
      completionsAt(program, key, t, o).length,
      signatureAt(program, key, t, o),
    ];
    assert.deepEqual(answers(source), answers(text));
  }
  assert.equal(piecesStats.joined, joined, 'a fix or a request joined the pieces into one string');
  // The diagnostics and fixes read as they read over the whole text.
  const fresh = new Workspace();
  fresh.setFile(key, text);
  const again = fresh.diagnostics(key);
  assert.deepEqual(diagnostics, again);
  assert.deepEqual(
    fixes,
    again.filter((d) => d.start > first.length / 2).map((d) => fresh.fixesOf(d)),
  );
});

test('a C parser that fails leaves the C document unread and is reported once, with its reason', () => {
  let calls = 0;
  const failing = () => {
    calls++;
    throw new CParserFailure('the C parser failed (memory access out of bounds) and reads no C file again until restarted');
  };
  const workspace = new Workspace();
  workspace.setCParser(failing);
  const reported: string[] = [];
  const documents = new Documents(workspace, (m) => reported.push(m));
  documents.didOpen('file:///w/native/a.c', 'c', 1, 'int a;\n');
  documents.didOpen('file:///w/native/b.c', 'c', 1, 'int b;\n');
  documents.didChange('file:///w/native/a.c', 2, [{ text: 'int a2;\n' }]);
  assert.equal(calls, 3, 'each text is tried');
  assert.deepEqual(reported, ['the C parser failed (memory access out of bounds) and reads no C file again until restarted']);
  assert.deepEqual(workspace.cFiles(), []);
});
