import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// FC_SCALE=10 runs ten times as many cases (for a long local soak).
const SCALE = Number(process.env.FC_SCALE ?? 1);
const runs = (n: number): number => Math.round(n * SCALE);
import { LineIndex, Pieces, SyntaxKind, SyntaxTree, Workspace, applyEdit, parse, piecesStats, reparse } from '../shared';
import type { GreenNode } from '../shared/syntax';
import { ElementOffsets, elementOffsets } from '../shared/anchors';
import { setWindowSlack } from '../shared/syntax/tree';
import { bodyReparses, setBodyMinimum } from '../shared/syntax/body';
import { REUSE_WITHIN, setStatementReuse, statementReuse } from '../shared/syntax/reuse';
import { ARG_TURNS, GRAMMAR_WORDS } from '../shared/syntax/grammar/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anyText, argumentsOf, editOf, fixtureTexts, longBody, longList, mutatedText, repoRoot, tokenSoup } from './support/arbitraries';
import { assertSameReading } from './support/quick';
import { fingerprint } from './support/trees';

const FIXTURE_TEXTS = fixtureTexts();

/** For the incremental tests: strings and interpolations left open. */
const strings =
  'func first() str {\n  return "fuel {f" + " x";\n}\nexported struct Ship imm {\n  fuel int;\n}\n' +
  'func third() str { return "a {b(\n1)} c"; }\nextern func cFuel(s Ship) int;\nfunc last() { }\n  x = 1.5 + -3 + a.1.2;\n';
/** The same, broken further (an item begun inside a string, an interpolation left open in a body). */
const broken =
  '"unc first() str {\n  return "fuel {f" + "x";\n}\nfunc b() { z = "q {w + 1} r" + "{w ; y = a < b; }\n' +
  'struct S imm { a int; }\nfunc c(x &S) { x = "{" ; // note\n  q = if (a) { 1 } else { 2 };\n}\n';
// Words that end a block where a line begins, or at column 0: whitespace before them decides.
// (`a  struct b + c` is a binary call on one line, a `struct` item on a line of its own.)
const boundaries =
  'func g() {\n  a = 1;\n  abstract;\n  x = a  struct b + c;\n  funky;\n  y = d   export e + f;\n\timpl\n}\nfunc h() { }\n';

/** A reparsed tree is what a full parse of its text makes: every node (with what it records), the errors, the node count. */
function assertSameAsFullParse(tree: SyntaxTree, why = JSON.stringify(tree.text)): void {
  const full = parse(tree.text);
  assert.equal(fingerprint(tree.green), fingerprint(full.green), why);
  assert.deepEqual(tree.errors, full.errors, why);
  assert.equal(tree.nodeCount, full.nodeCount, why);
}
/**
 * Runs `body` with lists of `turns` elements or more keeping their turns' records (`ARG_TURNS`),
 * bodies of `bodies` elements or more re-parsed by statements, and windows of the new text cut at
 * `slack` characters past what the parse read, each set back as it was after.
 */
function withSettings<T>(settings: { turns?: number; bodies?: number; slack?: number }, body: () => T): T {
  const minimum = ARG_TURNS.minimum;
  const bodies = settings.bodies === undefined ? undefined : setBodyMinimum(settings.bodies);
  if (settings.turns !== undefined) ARG_TURNS.minimum = settings.turns;
  if (settings.slack !== undefined) setWindowSlack(settings.slack);
  try {
    return body();
  } finally {
    ARG_TURNS.minimum = minimum;
    if (bodies !== undefined) setBodyMinimum(bodies);
    if (settings.slack !== undefined) setWindowSlack(1024);
  }
}

/**
 * Each of `edits` made in turn to `text`, each reparse equal to a full parse, with old statements
 * and elements taken whole or not (`reuse`): what each edit added to the `counters` of
 * `statementReuse`.
 */
function reuseCounts(
  text: string,
  edits: readonly TextEdit[],
  counters: readonly (keyof typeof statementReuse)[],
  reuse: boolean,
): number[][] {
  setStatementReuse(reuse);
  try {
    let tree = parse(text);
    return edits.map((edit) => {
      const before = { ...statementReuse };
      tree = reparse(tree, edit);
      assertSameAsFullParse(tree);
      return counters.map((c) => statementReuse[c] - before[c]);
    });
  } finally {
    setStatementReuse(true);
  }
}

/** An edit of a text: [`start`, `end`) replaced by `newText`. */
type TextEdit = { start: number; end: number; newText: string };

/**
 * Up to four edits typed (`typed`) or cut (up to 12 characters) at random places of a text, each
 * reparse equal to a full parse, with bodies of any size re-parsed by statements or members and
 * windows short enough to grow (or as `options` set them, `withSettings`); `each` reads each
 * reparsed tree (`bodyReparses` as it left it).
 */
function typedEdits(
  texts: fc.Arbitrary<string>,
  typed: fc.Arbitrary<string>,
  each: (tree: SyntaxTree) => void,
  options: { turns?: number; bodies?: number; slack?: number; numRuns?: number } = {},
): void {
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 12 }), typed, fc.boolean());
  const { turns, bodies = 0, slack = 8, numRuns = 3000 } = options;
  withSettings({ turns, bodies, slack }, () =>
    fc.assert(
      fc.property(texts, fc.array(edit, { minLength: 1, maxLength: 4 }), (text, list) => {
        let tree = parse(text);
        for (const [at, cut, ins, del] of list) {
          const start = at % (tree.text.length + 1);
          const end = Math.min(tree.text.length, start + (del ? cut : 0));
          bodyReparses.depth = -1;
          bodyReparses.scanned = false;
          tree = reparse(tree, { start, end, newText: del && cut > 0 ? '' : ins });
          each(tree);
          assertSameAsFullParse(tree);
        }
      }),
      { numRuns: runs(numRuns) },
    ),
  );
}

const mutatedFixture = mutatedText(FIXTURE_TEXTS);

describe('lossless and tolerant', () => {
  test('every fixture prints back exactly', () => {
    for (const text of FIXTURE_TEXTS) assert.equal(parse(text).print(), text);
  });

  test('random and garbage input: never throws, prints back exactly', () => {
    fc.assert(
      fc.property(anyText, (text) => parse(text).print() === text),
      { numRuns: runs(3000) },
    );
  });

  test('randomly mutated fixtures: never throws, prints back exactly', () => {
    fc.assert(
      fc.property(mutatedFixture, (text) => parse(text).print() === text),
      { numRuns: runs(2000) },
    );
  });

  test('errors lie inside the text and every token is non-empty', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, mutatedFixture), (text) => {
        const tree = parse(text);
        for (const e of tree.errors) if (e.start < 0 || e.end > text.length || e.start > e.end) return false;
        for (const t of tree.root.tokens()) if (t.text.length === 0) return false;
        return true;
      }),
      { numRuns: runs(1000) },
    );
  });
});

describe('incremental', () => {
  test('reparse after random edits equals a full parse', () => {
    const scenario = fc.constantFrom(...FIXTURE_TEXTS).chain((text) =>
      fc
        .array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.oneof(tokenSoup, fc.string({ unit: 'binary', maxLength: 6 }))), {
          minLength: 1,
          maxLength: 8,
        })
        .map((edits) => ({ text, edits })),
    );
    fc.assert(
      fc.property(scenario, ({ text, edits }) => {
        let tree = parse(text);
        for (const [at, len, newText] of edits) {
          const start = at % (tree.text.length + 1);
          const edit = { start, end: Math.min(tree.text.length, start + len), newText };
          tree = reparse(tree, edit);
          const full = parse(tree.text);
          if (fingerprint(tree.green) !== fingerprint(full.green)) return false;
          if (JSON.stringify(tree.errors) !== JSON.stringify(full.errors)) return false;
          // The counts a reparse keeps from its window alone, against the new tree's own.
          if (tree.green.width !== full.green.width) return false;
          if (tree.nodeCount !== full.nodeCount) return false;
          if (tree.stats.parsedItems + tree.stats.reusedItems !== full.nodeCount) return false;
          if (tree.nodeCount !== tree.green.children.filter((c) => 'children' in c).length) return false;
          // A top-level node's errors lie in it (a reparse resumes between lines on that: none is
          // placed at the end of the token before it, which an edit in between would move).
          if (full.green.children.some((c) => 'children' in c && c.errors.some((e) => e.start < 0))) return false;
          // The table of top-level elements the next reparse starts from, carried from tree to tree, as read afresh.
          const table = tree.tableCache!;
          let end = 0;
          let reach = 0;
          for (const [i, c] of tree.green.children.entries()) {
            end += c.width;
            const lookahead = 'children' in c ? c.lookahead : -1;
            if (lookahead >= 0) reach = Math.max(reach, end + lookahead);
            if (table.ends[i] !== end || table.lookaheads[i] !== lookahead || table.reach[i] !== reach) return false;
          }
          if (table.ends.length !== tree.green.children.length) return false;
        }
        return true;
      }),
      { numRuns: runs(1500) },
    );
  });

  test('a reparse whose window of the new text is cut short (at any slack) grows it and equals a full parse, line index and errors too', () => {
    // The window a reparse lexes is made from the old text and the inserted one; with a small
    // slack it ends inside or right after the edited item, so it must be found too short and grown.
    const interpolations =
      'func first() str {\n  return "fuel {f" + "x";\n}\nexported struct Ship imm {\n  fuel int;\n}\n' +
      'func third() str { return "a {   \t b(\n1)} c { \n"; }\nextern func cFuel(s Ship) int;\nfunc last() { }\n';
    const edit = fc.tuple(
      fc.nat(),
      fc.nat({ max: 12 }),
      fc.oneof(tokenSoup, fc.constantFrom('"', '{', '}', '\u00ab', '\u00bb', '\n', '\r\n', '\r', 'exported ', 'struct', '   ', '')),
    );
    try {
      fc.assert(
        fc.property(
          fc.constantFrom(...FIXTURE_TEXTS, interpolations),
          fc.array(edit, { minLength: 1, maxLength: 6 }),
          fc.constantFrom(0, 1, 3, 17, 40, 200),
          (text, list, slack) => {
            setWindowSlack(slack);
            let tree = parse(text);
            void tree.lines;
            for (const [at, len, ins] of list) {
              const start = at % (tree.text.length + 1);
              tree = reparse(tree, { start, end: Math.min(tree.text.length, start + len), newText: ins });
              const full = parse(tree.text);
              assert.equal(fingerprint(tree.green), fingerprint(full.green), JSON.stringify({ text: tree.text, slack }));
              assert.deepEqual(tree.errors, full.errors);
              const lines = tree.lines;
              assert.equal(lines.lineCount, full.lines.lineCount);
              for (let l = 0; l < lines.lineCount; l++) assert.equal(lines.lineStart(l), full.lines.lineStart(l));
            }
          },
        ),
        { numRuns: runs(1500) },
      );
    } finally {
      setWindowSlack(1024);
    }
  });

  test('edits on random texts keep incremental and full parses equal', () => {
    fc.assert(
      fc.property(
        anyText.chain((t) => editOf(t).map((e) => ({ t, e }))),
        ({ t, e }) => {
          const tree = reparse(parse(t), e);
          return fingerprint(tree.green) === fingerprint(parse(applyEdit(t, e)).green);
        },
      ),
      { numRuns: runs(1500) },
    );
  });

  test('an edit inside one function re-parses only that function', () => {
    const functions = Array.from({ length: 200 }, (_, i) => `func f${i}(a int) int {\n  x = a + ${i};\n  return x;\n}\n`);
    const text = functions.join('\n');
    const tree = parse(text);
    assert.equal(tree.stats.parsedItems, 200);
    const at = text.indexOf('a + 100;') + 4;
    // Read before the reparse: it takes the old tree's list over.
    const oldItems = tree.green.children.filter((c) => 'children' in c);
    const edited = reparse(tree, { start: at, end: at, newText: '1 + ' });
    assert.equal(edited.stats.parsedItems, 1);
    assert.equal(edited.stats.reusedItems, 199);
    assert.equal(fingerprint(edited.green), fingerprint(parse(edited.text).green));
    // Reused items are the very same objects: nothing was rebuilt.
    const newItems = edited.green.children.filter((c) => 'children' in c);
    assert.equal(newItems[0], oldItems[0]);
    assert.equal(newItems[199], oldItems[199]);
    assert.notEqual(newItems[100], oldItems[100]);
  });

  test('an edit in the comments and blank lines between items equals a full parse; one that leaves its lines comments and blank lines re-parses no item', () => {
    // Items (whole, broken, strings and interpolations left open) between runs of comment lines
    // and blank lines; the edits fall in a run: typed, deleted, a line broken or joined.
    const items = [
      'func f(a int) int {\n  x = a + 1;\n  return x;\n}\n',
      'exported struct Ship imm {\n  fuel int;\n}\n',
      'func first() str {\n  return "fuel {f" + "x";\n}\n',
      'func third() str { return "a {b(\n1)} c"; }\n',
      'func b() { z = "q {w + 1} r" + "{w ; y = a < b; }\n',
      'extern func cFuel(s Ship) int;\n',
      'struct S imm { a int; \n',
    ];
    const trivia = ['// a comment, "{ not a string\n', '\n', '   \n', '\t// indented\n', '// x = 1;\n'];
    const typed = fc.constantFrom('q', ' ', '\t', '//', 'word ', '\n', '\r\n', '"', '{', '}', '(', 'func', 'x = 1;', '');
    const scenario = fc
      .array(fc.tuple(fc.constantFrom(...items), fc.array(fc.constantFrom(...trivia), { minLength: 1, maxLength: 4 })), {
        minLength: 2,
        maxLength: 6,
      })
      .chain((parts) => {
        const spans: [number, number][] = [];
        let text = '';
        for (const [item, run] of parts) {
          text += item;
          spans.push([text.length, text.length + run.join('').length]);
          text += run.join('');
        }
        return fc.tuple(fc.constant(text), fc.constantFrom(...spans), fc.nat(), fc.nat({ max: 3 }), typed);
      });
    let reused = 0;
    let alone = 0;
    fc.assert(
      fc.property(scenario, ([text, [from, to], at, len, ins]) => {
        const start = from + (at % (to - from));
        const end = Math.min(to, start + len);
        const tree = parse(text);
        // The items after the run; those before it that looked at the edit's place (a recovery that
        // looked for the next item), which are re-parsed; whether the run is trivia of the top level.
        const after: GreenNode[] = [];
        let lookedAt = 0;
        let between = true;
        let offset = 0;
        let reach = 0;
        let open = false; // the last item before the run ended with a string or an interpolation left open
        for (const c of tree.green.children) {
          if ('children' in c && offset >= to) after.push(c);
          if ('children' in c && offset < to && offset + c.width > from) between = false;
          offset += c.width;
          if ('children' in c && offset <= from) reach = Math.max(reach, offset + c.lookahead);
          if ('children' in c && offset <= from && reach > start) lookedAt++;
          if ('children' in c && offset <= from) open = c.endModes !== '';
        }
        const edited = reparse(tree, { start, end, newText: ins });
        assertSameAsFullParse(edited);
        // Its lines still comments and blank lines, the last one ended: no item re-parsed but those
        // that looked at the edit's place, those after the run the very same objects.
        const lines = (s: string) => s.split(/\r\n|\r|\n/);
        const plain = (line: string) => /^[ \t]*(\/\/.*)?$/.test(line);
        const run = edited.text.slice(from, to + ins.length - (end - start));
        if (!between || !/[\r\n]$/.test(run) || !lines(run).every(plain)) return;
        // Past an item left in a string or an interpolation, the parse hands back after the next item.
        const why = JSON.stringify({ text: edited.text, start });
        if (open) assert.ok(edited.stats.parsedItems <= lookedAt + 1, why);
        else assert.equal(edited.stats.parsedItems, lookedAt, why);
        const now = edited.green.children.filter((c) => 'children' in c);
        for (const node of open ? after.slice(1) : after) assert.ok(now.includes(node), why);
        reused += after.length;
        if (lookedAt === 0) alone++;
      }),
      { numRuns: runs(1500) },
    );
    assert.ok(reused > runs(400) && alone > runs(200), `items after an edited run kept: ${reused}; edits that parsed no item: ${alone}`);
    // What a typed character between items makes an item of (garbage, a word) is parsed alone.
    const long = `func main() int {\n${Array.from({ length: 2000 }, (_, i) => `  x${i} = ${i};`).join('\n')}\n  return 0;\n}\n`;
    const text = `func a() { }\n\n// The main function.\n${long}`;
    for (const [at, ins] of [
      [text.indexOf('\n\n') + 1, 'q'],
      [text.indexOf('main function'), '\n'],
    ] as const) {
      const tree = parse(text);
      const main = tree.green.children.filter((c) => 'children' in c).at(-1);
      const edited = reparse(tree, { start: at, end: at, newText: ins });
      assertSameAsFullParse(edited);
      assert.equal(edited.green.children.filter((c) => 'children' in c).at(-1), main, ins);
      assert.ok(edited.errors.length > 0);
    }
  });

  test('an edit inside one token (a name, a number, spaces, a comment), relexed or re-parsed, equals a full parse', () => {
    // Edits aimed at tokens: typed or deleted inside one, at either end, or the whole token
    // replaced, now and then with what turns it into another token or into a word the grammar
    // reads (those must be re-parsed); texts with strings and interpolations left open besides.
    const typed = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('a', 'Z', '_', '7', '0', ' ', '\t', 'ab', '  ') },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          ...GRAMMAR_WORDS,
          'x.',
          '.',
          '-',
          '"',
          '{',
          '}',
          '/',
          '//',
          '(',
          '<',
          '\n',
          '\r\n',
          "'",
          'i64',
          '\u2026',
        ),
      },
    );
    // How: 0 typed in, 1 deleted, 2 the whole token replaced.
    const edit = fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 3 }), typed, fc.nat({ max: 2 }));
    let relexed = 0;
    let edits = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURE_TEXTS, strings, broken, boundaries, boundaries),
        fc.array(edit, { minLength: 1, maxLength: 8 }),
        (text, list) => {
          let tree = parse(text);
          for (const [which, at, cut, ins, how] of list) {
            const tokens = [...tree.root.tokens()];
            if (tokens.length === 0) return;
            const token = tokens[which % tokens.length];
            const tokenEnd = token.offset + token.text.length;
            const start = how === 2 ? token.offset : token.offset + (at % (token.text.length + 1));
            const end = how === 2 ? tokenEnd : how === 1 ? Math.min(tokenEnd, start + cut) : start;
            tree = reparse(tree, { start, end, newText: how === 1 ? '' : ins });
            edits++;
            if (tree.stats.relexed) relexed++;
            assertSameAsFullParse(tree);
            const table = tree.tableCache!;
            let offset = 0;
            for (const [i, c] of tree.green.children.entries()) {
              offset += c.width;
              assert.equal(table.ends[i], offset);
            }
          }
        },
      ),
      { numRuns: runs(3000) },
    );
    // Most of these edits keep the token what it was: the relex must have been taken for many of them.
    assert.ok(relexed > edits / 5, `relexed ${relexed} of ${edits} edits`);
  });

  test('a keystroke in a name or a number inside a function of 10,000 statements parses no text; a word the grammar reads is re-parsed', () => {
    const body = Array.from({ length: 10_000 }, (_, i) => `  total${i} = ship.fuel + ${i} * launch(ship);`).join('\n');
    const text = `struct Ship { fuel int; }\nfunc big(ship &Ship) int {\n${body}\n  return 0;\n}\nfunc after() { }\n`;
    let tree = parse(text);
    const item = tree.green.children.filter((c) => 'children' in c)[1];
    const at = text.indexOf('total5000 =') + 'total5000'.length;
    tree = reparse(tree, { start: at, end: at, newText: 'x' });
    assert.equal(tree.stats.relexed, true);
    assert.equal(tree.stats.parsedItems, 1);
    const edited = tree.green.children.filter((c) => 'children' in c)[1];
    assert.notEqual(edited, item);
    assert.equal(fingerprint(tree.green), fingerprint(parse(tree.text).green));
    const number = tree.text.indexOf('+ 5000 *') + 3;
    tree = reparse(tree, { start: number, end: number, newText: '9' });
    assert.equal(tree.stats.relexed, true);
    assert.equal(fingerprint(tree.green), fingerprint(parse(tree.text).green));
    // `total5000x` → `if`: a word the grammar reads: parsed.
    const name = tree.text.indexOf('total5000x');
    tree = reparse(tree, { start: name, end: name + 'total5000x'.length, newText: 'if' });
    assert.equal(tree.stats.relexed, undefined);
    assert.equal(fingerprint(tree.green), fingerprint(parse(tree.text).green));
    assert.deepEqual(tree.errors, parse(tree.text).errors);
  });

  test('edits inside one token that change what the parser reads are re-parsed, and equal a full parse', () => {
    // Each case is an edit the relex must not take (it would give another tree than a full parse),
    // and the guard in syntax/relex.ts that refuses it.
    const cases: { why: string; text: string; at: (t: string) => number; cut?: number; insert: string }[] = [
      // A line break typed between two spaces: `struct` begins a line, an item that ends the block.
      { why: 'a line now begins', text: 'func g() {\n  x = a  struct b + c;\n}\n', at: (t) => t.indexOf('  struct') + 1, insert: '\n' },
      {
        why: 'no line begins now',
        text: 'func g() {\n  x = a\n  struct b + c;\n}\n',
        at: (t) => t.indexOf('\n  struct'),
        cut: 1,
        insert: '',
      },
      // The indentation deleted: `abstract` at column 0 ends the block.
      { why: 'a word at column 0', text: 'func g() {\n  a = 1;\n  abstract;\n}\n', at: (t) => t.indexOf('  abstract'), cut: 2, insert: '' },
      // A name that becomes a word the grammar reads, and one that stops being one.
      { why: 'a name becomes a word', text: 'func g() {\n  iff (a) { b(); }\n}\n', at: (t) => t.indexOf('iff') + 2, cut: 1, insert: '' },
      { why: 'a word becomes a name', text: 'func g() {\n  if (a) { b(); }\n}\n', at: (t) => t.indexOf('if') + 2, insert: 'x' },
      // Tokens that error recovery lexed inside a string (the item is an error node).
      {
        why: 'lexed in a string',
        text: '"unc first() str {\n  return "fuel {f" + "x";\n}\nfunc b() { }\n',
        at: (t) => t.indexOf('x";'),
        insert: ' ',
      },
      // A digit after a minus: `-3` is one number token, `-x` two.
      { why: 'a minus joins a number', text: 'func g() {\n  a = b -x;\n}\n', at: (t) => t.indexOf('-x') + 1, cut: 1, insert: '3' },
    ];
    for (const c of cases) {
      const start = c.at(c.text);
      const tree = reparse(parse(c.text), { start, end: start + (c.cut ?? 0), newText: c.insert });
      const full = parse(tree.text);
      assert.equal(fingerprint(tree.green), fingerprint(full.green), c.why);
      assert.deepEqual(tree.errors, full.errors, c.why);
      assert.equal(tree.stats.relexed, undefined, `${c.why}: re-parsed, not relexed`);
    }
  });

  test('an edit inside a function body, its statements re-parsed, equals a full parse', () => {
    // Edits anywhere in texts whose functions hold statements of every shape (lets, calls, `if`s
    // with `else`, `while`s, lambdas, strings with interpolations, statements without `;`, item
    // words used as names), of what changes more than a token: `;`, brackets, line breaks, words,
    // whole lines; bodies of any size re-parsed by statements, windows short enough to grow.
    const shapes =
      'func f(ship &Ship) int {\n  a = 1;\n  b = a + 2\n  c(a, b);\n  if a < b { d(); } else { e(); }\n' +
      '  while x { set x = y; }\n  l = (q) => { q + 1 };\n  s = "fuel {a + 1} x";\n  export = 5;\n  t = [a, b];\n' +
      '  foreach i in list { g(i); }\n  ship.fuel\n}\nstruct Ship { fuel int; }\nfunc h() { x = 1; y = 2; }\n';
    const lines = Array.from({ length: 40 }, (_, i) => `  v${i} = f${i}(v${i > 0 ? i - 1 : 0}) + ${i};`).join('\n');
    const long = `func long() int {\n${lines}\n  return v39;\n}\nfunc after() { }\n`;
    // An interpolation and a string left open among statements: the lexer leaves plain code there.
    const open = `func o() {\n  a = 1;\n  z = "q {w + 1} r" + "{w ; y = a < b;\n  c = "x {d";\n${lines}\n}\nfunc p() { }\n`;
    // Blocks in statements of every plain shape, two deep, `else if` chains among them.
    const inner = (p: string, n: number) =>
      Array.from({ length: n }, (_, i) =>
        i % 3 === 2 ? `    ${p}${i} = "s {${p}${i - 1}} t {u}";` : `    ${p}${i} = g(${p}${i > 0 ? i - 1 : 0}) + ${i};`,
      ).join('\n');
    const nested =
      `func n(list &List) int {\n  a = 1;\n  while a < 10 {\n${inner('w', 12)}\n    if a { b(); } else if c {\n${inner('i', 5)}\n    } else {\n` +
      `${inner('e', 6)}\n    }\n    y = if a { b() } else {\n${inner('y', 5)}\n    };\n  }\n  foreach i in list {\n${inner('f', 8)}\n    block {\n` +
      `${inner('k', 6)}\n    };\n    z = 1 + if a { 2 } else {\n${inner('z', 4)}\n    3 };\n  }\n  list.each((x) => {\n${inner('m', 5)}\n  }).map(y => {\n` +
      `${inner('n', 4)}\n  });\n  h = (q) => {\n${inner('h', 4)}\n  };\n  set q = list.map((x) => {\n${inner('p', 4)}\n  });\n` +
      `  f((x) => {\n${inner('l', 4)}\n  }) = 1;\n  {\n${inner('s', 4)}\n  }\n  return if a { a } else {\n${inner('r', 5)}\n  0 };\n}\nfunc after() { }\n`;
    const typed = fc.constantFrom(
      ';',
      '{',
      '}',
      '(',
      ')',
      '[',
      '=',
      ' = ',
      '\n',
      'x',
      ' ',
      '"',
      '"{',
      '//',
      '=>',
      'if ',
      'else',
      'func ',
      '\nfunc z() { }\n',
      '.',
      ',',
      'set ',
      'return ',
      'a;\n  b',
    );
    let statements = 0;
    let inBlocks = 0;
    let underScans = 0;
    let edits = 0;
    const taken = statementReuse.taken;
    typedEdits(
      fc.oneof(fc.constantFrom(...FIXTURE_TEXTS), fc.constantFrom(shapes, long, open, nested, nested, strings, broken, boundaries)),
      typed,
      (tree) => {
        edits++;
        if (tree.stats.statements) statements++;
        if (bodyReparses.depth > 0) inBlocks++;
        if (bodyReparses.depth > 0 && bodyReparses.scanned) underScans++;
      },
    );
    // Many of these edits fall in a body of an item without errors: the statements' re-parse must have been taken often.
    assert.ok(statements > edits / 10, `statements re-parsed for ${statements} of ${edits} edits`);
    // And a share of them in a block below a function's body.
    assert.ok(inBlocks > edits / 50, `statements of a block below the body re-parsed for ${inBlocks} of ${edits} edits`);
    // Some of them below a statement whose let-scan reads the block (`list.each((x) => { … });`).
    assert.ok(
      underScans > edits / 500,
      `${underScans} / ${inBlocks} / ${edits}: ` + `statements of a block below a let-scan re-parsed for ${underScans} of ${edits} edits`,
    );
    // Windows this short grow often: the parses after the first take old statements whole.
    assert.ok(statementReuse.taken - taken > edits, `${statementReuse.taken - taken} old statements taken in ${edits} edits`);
  });

  test("a '{', an 'if ' or a '}' typed alone before a statement of a long function, and its deletion, take the old statements whole", () => {
    // Longer than `REUSE_WITHIN`: its re-parses take old statements from their first window on.
    // Every tenth statement holds a lambda (a `{`, which a condition's statement cannot take whole).
    const lines = Array.from({ length: 800 }, (_, i) =>
      i % 10 === 0 ? `  v${i} = f${i}(v${i > 0 ? i - 1 : 0}, (x) => { x + ${i} });` : `  v${i} = f${i}(v${i - 1}) + ${i};`,
    );
    const text = `func long() int {\n${lines.join('\n')}\n  return v799;\n}\nfunc after() { }\n`;
    assert.ok(text.length > REUSE_WITHIN, `${text.length} characters`);
    const at = text.indexOf('  v101 =') + 2;
    const close = text.indexOf('  v150 =') + 2;
    const sequences = [
      // Wrapping statements in a block: a `{` before one (it takes the rest of the body into its
      // block), a `}` after another (the rest comes back out), then each deleted.
      [
        { start: at, end: at, newText: '{' },
        { start: close + 1, end: close + 1, newText: '}' },
        { start: close + 1, end: close + 2, newText: '' },
        { start: at, end: at + 1, newText: '' },
      ],
      // In an `if`: the `if ` alone takes the statements after it into its condition, up to a `{`
      // (the next lambda's: the 9 before it are taken as the condition's), then deleted.
      [
        { start: at, end: at, newText: 'if ' },
        { start: at, end: at + 3, newText: '' },
      ],
      // A `}` alone ends the function early: the statements after it are an error's tokens, which
      // its deletion makes statements again, taken from the text before the `}`.
      [
        { start: close, end: close, newText: '}' },
        { start: close, end: close + 1, newText: '' },
      ],
    ];
    // What each edit took: statements in all, into a condition, found in one.
    const counts = (reuse: boolean): number[][][] =>
      sequences.map((steps) => reuseCounts(text, steps, ['taken', 'intoConditions', 'fromConditions', 'fromBefore'], reuse));
    const [block, condition, early] = counts(true);
    // Each re-parse in a block takes the statements it meets after the edit at least (the 700 after
    // it); none in a condition.
    for (const [i, [n, into, from]] of block.entries())
      assert.ok(n >= 700 && into === 0 && from === 0, `block, step ${i}: ${n} taken, ${into} into a condition, ${from} from one`);
    // The `if ` takes the 9 statements before the next lambda into its condition, then the 690
    // after; its deletion takes those 9 back out of the condition, with the rest.
    const [[typed, into], [deleted, , from]] = condition;
    assert.ok(typed >= 690 && into >= 9, `the if typed: ${typed} taken, ${into} into its condition`);
    assert.ok(deleted >= 690 && from >= 9, `the if deleted: ${deleted} taken, ${from} from its condition`);
    // The `}` takes the 150 statements before it; its deletion the 650 after it too, from the text
    // before the `}` (the old tree holds them as an error's tokens).
    const [[closed], [reopened, , , before]] = early;
    assert.ok(
      closed >= 150 && reopened >= 790 && before >= 640,
      `the } typed: ${closed} taken; deleted: ${reopened}, ${before} from before it`,
    );
    // Without the old statements, none.
    const none = [0, 0, 0, 0];
    assert.deepEqual(counts(false), [
      [none, none, none, none],
      [none, none],
      [none, none],
    ]);
  });

  test("in a long lambda's statements, a '{' typed alone and deleted takes them whole: a let leaves the memo of the scan around the lambda as it was", () => {
    // The expression statement around the lambda scans it all for an `=`, fails, and leaves a memo
    // reaching past it; a let's statement without a `{` scans nothing that fails, so taking it
    // whole leaves that memo as parsing it does.
    const lines = Array.from({ length: 800 }, (_, i) => `    v${i} = f(v${i > 0 ? i - 1 : 0}) + ${i};`);
    const text = `func long(ship &Ship) int {\n  ship.each((x) => {\n${lines.join('\n')}\n  });\n  return 0;\n}\nfunc after() { }\n`;
    assert.ok(text.length > REUSE_WITHIN, `${text.length} characters`);
    const at = text.indexOf('    v400 =') + 4;
    let tree = parse(text);
    const taken: number[] = [];
    for (const edit of [
      { start: at, end: at, newText: '{' },
      { start: at, end: at + 1, newText: '' },
    ]) {
      const before = statementReuse.taken;
      tree = reparse(tree, edit);
      assertSameAsFullParse(tree);
      taken.push(statementReuse.taken - before);
    }
    // The item's re-parse takes the lambda's 800 statements (the one the edit is in aside).
    for (const [i, n] of taken.entries()) assert.ok(n >= 790, `step ${i}: ${n} statements taken`);
  });

  test("a '(' typed alone among a long list's elements, and its deletion, take the old elements whole, into the tuple it opens and back", () => {
    // A call's arguments (its expression statement's let-scan fails: a memo reaches past them) and
    // an array literal's (a let's value); every tenth element holds a lambda (a `{`: not taken under
    // that memo), every seventh a string with a `{` in it. Longer than `REUSE_WITHIN`.
    const element = (i: number): string =>
      i % 10 === 0 ? `    (x) => { x + ${i} },` : i % 7 === 0 ? `    "a {${i}} b",` : `    total${i} + ${i} * launch(ship, ${i % 7}),`;
    const elements = Array.from({ length: 600 }, (_, i) => element(i)).join('\n');
    const counts = (text: string, reuse: boolean): number[][] => {
      const at = text.indexOf('    total302 ') + 4;
      const edits = [
        { start: at, end: at, newText: '(' },
        { start: at, end: at + 1, newText: '' },
        // Inside an element: a `(` that takes the rest of it and the elements after it as a call's arguments.
        { start: at + 12, end: at + 12, newText: '(' },
        { start: at + 12, end: at + 13, newText: '' },
      ];
      return reuseCounts(text, edits, ['elements', 'intoTuples', 'fromTuples'], reuse);
    };
    for (const [shape, open] of [
      ['call', '  sum(ship,\n'],
      ['array', '  totals = [#](\n'],
    ]) {
      const text = `func long(ship &Ship) int {\n${open}${elements}\n  );\n  return 0;\n}\nfunc after() { }\n`;
      assert.ok(text.length > REUSE_WITHIN, `${text.length} characters`);
      const [typed, deleted, inside, insideDeleted] = counts(text, true);
      // The 299 elements after the `(` go into its tuple: all but the lambdas under the call's memo
      // (the array's let leaves none); its deletion brings them back, with the 300 before it.
      const lambdas = shape === 'call' ? 30 : 0;
      assert.ok(typed[1] >= 299 - lambdas - 2 && typed[0] >= 590 - lambdas, `${shape}, '(' typed: ${typed}`);
      assert.ok(deleted[2] >= 299 - lambdas - 2 && deleted[0] >= 590 - lambdas, `${shape}, '(' deleted: ${deleted}`);
      // Inside an element, the elements after it become the arguments of a call: taken as they are.
      assert.ok(inside[0] >= 590 - lambdas && inside[1] === 0, `${shape}, '(' typed inside an element: ${inside}`);
      assert.ok(insideDeleted[0] >= 590 - lambdas, `${shape}, '(' deleted inside an element: ${insideDeleted}`);
      // Without the old elements, none.
      assert.deepEqual(counts(text, false), [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]);
    }
  });

  test("an old element with a '{' is taken only where no failed let-scan's memo reaches on: its statements' scans replace that memo", () => {
    // Found by the property below: with `et v = 79` left of a `set` (an error that ends the list),
    // the call's memo reaches past the lambda; a full parse replaces it with the scan of the
    // lambda's `h(y);`, so the statement made of `et v` scans again. Taking the lambda whole kept
    // the memo, which spared that scan (a shorter look recorded).
    withSettings({ turns: 6, bodies: 0, slack: 64 }, () => {
      const text =
        'func long(ship &Ship) int {\n  sum(ship,\n    (x) => { y = x + 48; h(y); },\n    total77 + 77 * launch(ship, 0),\n    set v = 79,\n    total80 + 80 * launch(ship, 3),\n  );\n  return v;\n}\nfunc after() { }\n';
      const at = text.indexOf('    set v = 79');
      const elements = statementReuse.elements;
      const tree = reparse(parse(text), { start: at, end: at + 5, newText: '' });
      assertSameAsFullParse(tree);
      assert.ok(statementReuse.elements > elements, 'no old element taken');
    });
  });

  test("an edit among a long list's elements, its old elements taken whole, equals a full parse", () => {
    // Elements of every shape, lambdas with statements, strings with interpolations, nested lists
    // and tuples among them, in calls and array literals under a let or an expression statement,
    // inside statements and blocks; edits of what moves elements into and out of tuples and lists.
    const texts = longList({ min: 100, max: 300 });
    const typed = fc.constantFrom('(', ')', '[', ']', ',', '{', '}', '"', '(x) => {', ';', '\n', 'x', '//', '=', 'set ');
    const elements = statementReuse.elements;
    let edits = 0;
    typedEdits(texts, typed, () => edits++, { turns: 6, slack: 64, numRuns: 150 });
    assert.ok(statementReuse.elements - elements > edits, `${statementReuse.elements - elements} old elements taken in ${edits} edits`);
  });

  test('an edit in a function longer than REUSE_WITHIN, its old statements taken from the first window, equals a full parse', () => {
    // Statements of every shape, blocks and conditions among them, 600 of them (about 25 KB):
    // re-parses of the item take old statements from their first window on, at the windows' usual
    // slack and the usual shortest body; edits of what moves statements between blocks and
    // conditions, or out of them. At most 20 statements without their `;` (two or three errors
    // each): past 100 errors an item re-parses whole, and 600 statements of random shapes hold
    // about 86 (a run of 150 texts took 56 old statements in 373 edits).
    const texts = longBody({ min: 600, max: 600 }, 20);
    const typed = fc.constantFrom('{', '}', 'if ', 'while x ', '"', ';', '(', ')', '\n', 'x', '{\n', '}\n', 'if a { ', '//', '=');
    const taken = statementReuse.taken;
    let edits = 0;
    typedEdits(
      texts,
      typed,
      (tree) => {
        assert.ok(tree.text.length > REUSE_WITHIN);
        edits++;
      },
      { bodies: 64, slack: 1024, numRuns: 150 },
    );
    assert.ok(statementReuse.taken - taken > edits, `${statementReuse.taken - taken} old statements taken in ${edits} edits`);
  });

  test("an old statement is taken only where no failed let-scan's memo reaches on: the scans it would make replace that memo", () => {
    // The memo of the scan of `else if x == 1` (an expression statement once the `;` typed into the
    // lambda's parameters splits the chain) reached past the next block statement; the full parse
    // replaced it with the scan of `a();` inside that block, so the next `else if x == 1` scanned
    // again (and looked further). Taking `a();` whole kept the memo, which spared that scan.
    withSettings({ turns: 6, bodies: 0, slack: 8 }, () => {
      const text =
        'func f(x int) int {\n  k();\n  if x == 1 { a(); } else if g((z) => { z > 1 }) { } else if x == 1 { a(); } else if x == 1 { a(); }\n  z();\n}\nfunc after() { }\n';
      const taken = statementReuse.taken;
      const tree = reparse(parse(text), { start: 59, end: 59, newText: ';' });
      assertSameAsFullParse(tree);
      assert.ok(statementReuse.taken > taken, 'no old statement taken');
    });
  });

  test("an edit among a struct's or an interface's members, its members re-parsed, equals a full parse", () => {
    // Members of every shape (varying, variadic, generic, a type Vale reads past, a missing type or
    // `;`, what is no member), methods with and without bodies, attributes, a string left open;
    // edits of what changes more than a token.
    const members = Array.from({ length: 30 }, (_, i) =>
      i % 5 === 4 ? `  m${i} Map<int, Opt<str>>;` : i % 7 === 6 ? `  m${i}! int;` : `  m${i} int;`,
    ).join('\n');
    const struct =
      `exported struct Big imm {\n${members}\n  v ..int;\n  x MyHashSet<bool>();\n  y int\n  z;\n  ) ;\n  0 str;\n  w [#3]<imm>int;\n}\n` +
      'func after() { }\n';
    const methods = Array.from({ length: 30 }, (_, i) =>
      i % 4 === 3
        ? `  func m${i}(virtual self &Big, a int) int { return a + ${i}; }`
        : i % 5 === 4
          ? `  pure func m${i}<T>(virtual self &Big, a T) T;`
          : `  func m${i}(virtual self &Big, a int) int;`,
    ).join('\n');
    const iface = `interface Big {\n${methods}\n  x int;\n  func s(virtual self &Big) str { return "q {a} r"; }\n}\nstruct After { a int; }\n`;
    const open = `struct O {\n  a int;\n  b "{x;\n${members}\n}\ninterface P {\n  func f(virtual self &P) str { "x {d"; }\n${methods}\n}\n`;
    const typed = fc.constantFrom(
      ';',
      '{',
      '}',
      '(',
      ')',
      '<',
      '>',
      '\n',
      'x',
      ' ',
      '"',
      '"{',
      '//',
      'int',
      '!',
      '..',
      'func ',
      'pure ',
      'struct ',
      '\nstruct Z { }\n',
      'a int;\n  b',
      ',',
    );
    let byMembers = 0;
    let edits = 0;
    typedEdits(fc.constantFrom(struct, iface, open), typed, (tree) => {
      edits++;
      if (tree.stats.statements) byMembers++;
    });
    // These texts are mostly members (and a few short items): their re-parse must have been taken often.
    assert.ok(byMembers > edits / 5, `members re-parsed for ${byMembers} of ${edits} edits`);

    // An edit in the middle of 5,000 members parses a few of them.
    const many = `struct Many {\n${Array.from({ length: 5000 }, (_, i) => `  m${i} int;`).join('\n')}\n}\n`;
    const at = many.indexOf('m2500 int;') + 'm2500 int'.length;
    const edited = reparse(parse(many), { start: at, end: at + 1, newText: '' });
    assertSameAsFullParse(edited);
    assert.ok(edited.stats.statements && edited.errors.length === 1, JSON.stringify(edited.errors));
  });

  test('an edit among the arguments of a long call or array literal, its arguments re-parsed, equals a full parse', () => {
    // Lists of every shape an argument takes (numbers, names, strings with interpolations, calls,
    // lambdas with blocks, borrows, tuples, nested long lists, a string or interpolation left
    // open), at every place the re-parse goes down to one (a let's value, an expression
    // statement's call read by its let-scan, a method's, a `return`'s, a `set`'s, a lambda's
    // body), some with errors (a `,` missing or doubled); short enough here (`ARG_TURNS` lowered)
    // that edits take lists across the length that keeps records, both ways.
    const list = argumentsOf;
    // Each in a function of its own: below a function's body, an item's errors must all be the list's.
    const text =
      `func f(ship &Ship) int {\n  a = [#](${list(20, 1)});\n}\nfunc g() {\n  launch(${list(24, 2)});\n}\n` +
      `func h() {\n  ship.go(${list(18, 3)}).then(${list(9, 4)});\n}\nfunc i() {\n  set b = g(1, h(${list(22, 5)}), 2);\n}\n` +
      `func j() {\n  list.each((y) => {\n    z = [](${list(19, 6)});\n  });\n}\nfunc k() int {\n  return #[](${list(21, 8)});\n}\n` +
      `func l() {\n  c = [#](1, 2 3, 4,, 5, ${list(16, 7)});\n}\n` +
      // A block below a long list (the list's arguments are the turns around it), and a long list in a long list.
      `func p() {\n  q(${list(12, 12)}, (x) => {\n    a = 1;\n    b = g(x, ${list(14, 13)});\n    c = a + b;\n  }, ${list(12, 14)});\n}\nfunc after() { }\n`;
    const open = `func m() {\n  a = f(${list(18, 9)}, "q {x, ${list(17, 10)});\n}\nfunc n() {\n  b = [#](${list(20, 11)});\n}\n`;
    const typed = fc.constantFrom(
      ',',
      ', ',
      '1',
      'x',
      ' ',
      '(',
      ')',
      '[',
      ']',
      '"',
      '{',
      '}',
      ';',
      '\n',
      '=',
      ', 3',
      '(x) => {',
      '//',
      'func ',
      '&',
    );
    let byArguments = 0;
    let belowList = 0;
    let edits = 0;
    const minimum = ARG_TURNS.minimum;
    ARG_TURNS.minimum = 24;
    try {
      typedEdits(fc.constantFrom(text, open), typed, (tree) => {
        edits++;
        if (tree.stats.statements && bodyReparses.list === SyntaxKind.ArgList) byArguments++;
        if (tree.stats.statements && bodyReparses.list === SyntaxKind.Block && bodyReparses.depth > 0) belowList++;
      });
    } finally {
      ARG_TURNS.minimum = minimum;
    }
    // Many edits leave an error in their function (a bracket, a quote), after which its lists are re-parsed with it.
    assert.ok(byArguments > edits / 20, `arguments re-parsed for ${byArguments} of ${edits} edits`);
    assert.ok(belowList > 0, 'no block below a list was re-parsed by its statements');
  });

  test("a long if's arms kept as turns: an edit among them, re-parsed by arms or otherwise, equals a full parse", () => {
    // Chains of every arm shape (a condition of statements, a lambda or a string in one, a call
    // with a block, nested ifs, a last `else` or none), in a statement, a let's value and a return,
    // with the length that keeps records lowered to 6 elements: every chain of two arms or more.
    const armOf = fc.constantFrom(
      'if x == 1 { a(); }',
      'if y { b = 1; c(b); }',
      'if g((z) => { z > 1 }) { }',
      'if "s{x}" == t { u(); }',
      'if p; q { if r { s(); } else { t(); } }',
      'if a.b().c { d = [#](1, 2); }',
      'if m {\n    n();\n  }',
    );
    const chains = fc
      .tuple(fc.array(armOf, { minLength: 2, maxLength: 12 }), fc.boolean(), fc.constantFrom('  ', '  v = ', '  return '))
      .map(([arms, last, head]) => {
        const chain = `${arms.join(' else ')}${last ? ' else { w(); }' : ''}`;
        return `func f(x int) int {\n  k();\n${head}${chain}${head === '  ' ? '' : ';'}\n  z();\n}\nfunc after() { }\n`;
      });
    const typed = fc.constantFrom(';', ' ', 'x', '1', '{', '}', '(', ')', '"', 'else ', 'if ', ' else if q { }', '\n', '//', '=', 'func ');
    let byArms = 0;
    const minimum = ARG_TURNS.minimum;
    ARG_TURNS.minimum = 6;
    try {
      typedEdits(chains, typed, (tree) => {
        if (tree.stats.statements && bodyReparses.list === SyntaxKind.IfExpr) byArms++;
      });
    } finally {
      ARG_TURNS.minimum = minimum;
    }
    assert.ok(byArms > 100, `arms re-parsed for ${byArms} edits`);
  });

  test("every fixture's argument lists of three or more arguments kept as turns: an edit among them, re-parsed by arguments or otherwise, equals a full parse", () => {
    // The length that keeps records lowered to 6 elements (three arguments with their commas and
    // spaces): every call, method call and array literal of the fixtures is a list of turns.
    const typed = fc.constantFrom(',', ', ', 'x', '1', ' ', '(', ')', ']', '"', '{', '}', ';', '\n', '=', '//', 'func ', '&', '.', 'a, b');
    let byArguments = 0;
    const minimum = ARG_TURNS.minimum;
    ARG_TURNS.minimum = 6;
    try {
      typedEdits(fc.constantFrom(...FIXTURE_TEXTS), typed, (tree) => {
        if (tree.stats.statements && bodyReparses.list === SyntaxKind.ArgList) byArguments++;
      });
    } finally {
      ARG_TURNS.minimum = minimum;
    }
    assert.ok(byArguments > 0, 'no edit was re-parsed by arguments');
  });

  test('a keystroke among the 10,000 elements of an array literal or a call re-parses a few of them, at the nesting the full parse has there', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => String(i % 97)).join(', ');
    const text = `func f(ship &Ship) int {\n  a = [#](${items});\n  launch(ship, ${items});\n  return 0;\n}\nfunc after() { }\n`;
    let tree = parse(text);
    const type = (why: string, at: number, cut: number, newText: string, list: boolean): void => {
      bodyReparses.list = undefined;
      tree = reparse(tree, { start: at, end: at + cut, newText });
      assertSameAsFullParse(tree, why);
      assert.equal(tree.stats.statements === true && bodyReparses.list === SyntaxKind.ArgList, list, why);
    };
    const inLiteral = (k: number): number => tree.text.indexOf(', ', tree.text.indexOf('[#](') + 4 * k);
    const inCall = (k: number): number => tree.text.indexOf(', ', tree.text.indexOf('launch(') + 4 * k);
    type('a , typed in the literal', inLiteral(5000), 0, ',', true);
    assert.equal(tree.errors.length, 1);
    type('the , deleted', inLiteral(5000), 1, '', true);
    assert.equal(tree.errors.length, 0);
    type('an element split in the call', inCall(3000) - 1, 0, ',', true);
    type('a lambda typed in the call', inCall(4000) + 2, 0, '(x) => { x + 1 }, ', true);
    // The deepest an argument can nest without the parser's limit (256 levels), and one past it.
    const nest = (d: number) => `${'('.repeat(d)}1${')'.repeat(d)}, `;
    type("nested to the limit in the let's literal", inLiteral(6000) + 2, 0, nest(253), true);
    type("nested to the limit in the statement's call", inCall(6000) + 2, 0, nest(253), true);
    assert.equal(tree.errors.length, 0);
    type('nested past the limit (the item re-parsed: the parser reports it once per item)', inCall(7000) + 2, 0, nest(254), false);
    assert.ok(tree.errors.some((e) => e.message.startsWith('nested more than')));
    // The list's closing bracket: the function is re-parsed.
    tree = parse(text);
    type("the literal's ) deleted", tree.text.indexOf(');\n  launch'), 1, '', false);
  });

  test("a keystroke in a short block far down a long item (the 2,000th arm of an else-if chain) re-parses that block; one in a condition or between arms, the chain's arms around it", () => {
    const arms = Array.from({ length: 2000 }, (_, i) => `if x == ${i} {\n    return f(${i});\n  }`).join(' else ');
    const text = `func dispatch(x int) int {\n  ${arms} else {\n    return 0;\n  }\n}\nfunc after() { }\n`;
    let tree = parse(text);
    // `depth`: the block re-parsed by its statements (undefined: the item re-parsed).
    const type = (why: string, at: number, cut: number, newText: string, depth: number | undefined): void => {
      bodyReparses.depth = -1;
      tree = reparse(tree, { start: at, end: at + cut, newText });
      assertSameAsFullParse(tree, why);
      assert.equal(tree.stats.statements === true ? bodyReparses.depth : undefined, depth, why);
    };
    // After a block's statement (which looked past its end: the parse starts after the block's
    // `{`, where the lexer is in plain code), then inside one.
    const call = (k: number): number => tree.text.indexOf(`f(${k});`);
    type('a line typed after the statement of a block', call(1500) + `f(1500);`.length, 0, '\n    y = 1;', 1);
    assert.equal(tree.errors.length, 0);
    const semi = call(1700) + 2;
    type("a ';' typed in a block's statement", semi, 0, ';', 1);
    assert.ok(tree.errors.length > 0);
    // The item has errors now, all the block's: the block re-parsed again.
    type("the ';' deleted", semi, 1, '', 1);
    assert.equal(tree.errors.length, 0);
    // A condition: the arms around it (a long chain's arms are turns of the if), at the body's statement's depth.
    type('a condition edited', tree.text.indexOf('x == 1800') + 2, 0, ';', 1);
    assert.equal(bodyReparses.list, SyntaxKind.IfExpr);
    type('the condition mended', tree.text.indexOf('x ;== 1800') + 2, 1, '', 1);
    assert.equal(bodyReparses.list, SyntaxKind.IfExpr);
    // The deepest a condition can nest without the parser's limit (256 levels), and one past it.
    const nest = (d: number) => `${'('.repeat(d)}1${')'.repeat(d)} == `;
    type('a condition nested to the limit', tree.text.indexOf('x == 1300'), 0, nest(253), 1);
    assert.equal(tree.errors.length, 0);
    type(
      'nested past the limit (the item re-parsed: the parser reports it once per item)',
      tree.text.indexOf('x == 1400'),
      0,
      nest(254),
      undefined,
    );
    assert.ok(tree.errors.some((e) => e.message.startsWith('nested more than')));
    tree = parse(tree.text.replace(nest(254), ''));
    // An arm typed in and taken out again, between two arms.
    const arm = tree.text.indexOf('if x == 900 {');
    type('an arm inserted', arm, 0, 'if y { g(); } else ', 1);
    assert.equal(bodyReparses.list, SyntaxKind.IfExpr);
    type('the arm taken out', arm, 'if y { g(); } else '.length, '', 1);
    // An `else` deleted splits the chain in two statements, and a `;` after an arm's block ends
    // the statement there: the item.
    type('an else deleted', arm - 'else '.length, 'else '.length, '', undefined);
    type('the else typed again', arm - 'else '.length, 0, 'else ', undefined);
    type("a ';' after an arm's block", arm - ' else '.length, 0, ';', undefined);
    type("the ';' deleted", arm - ' else '.length, 1, '', undefined);
    // The first arm's condition: no arm before it to start after.
    type("a ';' in the first condition", tree.text.indexOf('x == 0 {') + 1, 0, ';', undefined);
    // A short item: its short blocks are re-parsed with it.
    tree = parse(`func f(x int) int {\n  if x == 1 {\n    return 1;\n  }\n  return 0;\n}\n`);
    type("a ';' in a short item's short block", tree.text.indexOf('return 1') + 6, 0, ';', undefined);
  });

  test('an else-if chain of 20,000 arms parses with its arms side by side (a recursion per arm overflowed the stack), and a keystroke in its last arm re-parses that block', () => {
    const arms = Array.from({ length: 20_000 }, (_, i) => `if x == ${i} { return ${i}; }`).join(' else ');
    const text = `func dispatch(x int) int {\n  ${arms} else { return 0; }\n}\n`;
    let tree = parse(text);
    assert.equal(tree.errors.length, 0);
    const chain = [...tree.root.descendants()].find((n) => n.kind === SyntaxKind.IfExpr)!;
    const clauses = chain.childNodes().filter((n) => n.kind === SyntaxKind.ElseClause);
    assert.equal(clauses.length, 20_000, 'every arm after the first an else clause of the one if');
    assert.ok(
      ![...tree.root.descendants()].some((n) => n.kind === SyntaxKind.IfExpr && n.green !== chain.green),
      'no if nested in an else',
    );
    // The same in a body measured without a tree (a one-shot reader) and in a model.
    const ws = new Workspace({ incremental: false });
    ws.setFile('/chain.vale', text);
    assert.deepEqual(ws.syntaxDiagnostics('/chain.vale'), []);
    bodyReparses.depth = -1;
    const at = tree.text.indexOf('return 19999;') + 'return 19999'.length;
    tree = reparse(tree, { start: at, end: at, newText: ' + 1' });
    assertSameAsFullParse(tree, 'an operand typed in the last arm');
    assert.equal(tree.stats.statements === true ? bodyReparses.depth : undefined, 1);
  });

  test("an edit in a long loop or else block, a let's or return's value's block or a lambda's body re-parses the statements of that block around it, at the nesting the full parse has there", () => {
    const lines = (p: string, n: number) => Array.from({ length: n }, (_, i) => `      ${p}${i} = g(${p}${i}) + ${i};`).join('\n');
    const text =
      `func f(c bool) {\n  t = list.each((x) => {\n${lines('m', 100)}\n  });\n  g = (y) => {\n${lines('g', 100)}\n  };\n` +
      `  list.each((x) => {\n${lines('a', 100)}\n  });\n  set q = list.map((x) => {\n${lines('s', 100)}\n  });\n` +
      `  f((x) => {\n${lines('l', 100)}\n  }) = 1;\n` +
      `  while c {\n${lines('w', 5000)}\n    if c { b(); } else {\n${lines('e', 100)}\n    }\n` +
      `    v = 1 + if c { 1 } else {\n${lines('v', 100)}\n    2 };\n  }\n  return if c {\n${lines('r', 100)}\n  0 } else { 1 };\n}\nfunc after() { }\n`;
    let tree = parse(text);
    const type = (why: string, at: number, cut: number, newText: string, depth: number | undefined): void => {
      bodyReparses.depth = -1;
      tree = reparse(tree, { start: at, end: at + cut, newText });
      assertSameAsFullParse(tree, why);
      if (depth === undefined)
        assert.ok(!(tree.stats.statements && bodyReparses.depth > 0), `${why}: not by a block's statements below the body`);
      else {
        assert.equal(tree.stats.statements, true, why);
        assert.equal(bodyReparses.depth, depth, why);
      }
    };
    const after = (marker: string) => tree.text.indexOf(';', tree.text.indexOf(marker)) + 1;
    // A `;` typed in the loop (an error) and deleted, a statement split in the else block.
    const semi = tree.text.indexOf('g(w2500)') + 2;
    type("a ';' in the loop", semi, 0, ';', 1);
    assert.ok(tree.errors.length > 0);
    type("the ';' deleted", semi, 1, '', 1);
    assert.equal(tree.errors.length, 0);
    type('a line typed in the else block', after('e50 ='), 0, '\n      extra = 1;', 2);
    // The deepest an expression can nest in each block without the parser's limit (256 levels):
    // two levels less in the else block than in the loop, which is two less than in the body.
    const nest = (d: number) => `\n      x = ${'('.repeat(d)}1${')'.repeat(d)};`;
    type('nested to the limit in the else block', after('e70 ='), 0, nest(250), 2);
    type('nested to the limit in the loop', after('w4000 ='), 0, nest(252), 1);
    // The same in the blocks of a let's and a return's value.
    type("nested to the limit in the let's else block", after('v50 ='), 0, nest(250), 2);
    type("nested to the limit in the return's block", after('r50 ='), 0, nest(252), 1);
    // A lambda's body: an argument nests one level more, a let's value does not.
    type("nested to the limit in a method's lambda argument", after('m50 ='), 0, nest(251), 1);
    type("nested to the limit in a let's lambda", after('g50 ='), 0, nest(252), 1);
    // An expression statement's lambda argument (its let-scan reads the lambda: `scanned`), a
    // `set`'s (one level more: its value is an expression of its own) and the expression before
    // a let's `=` (read by the let-scan too).
    type("nested to the limit in an expression statement's lambda", after('a50 ='), 0, nest(251), 1);
    assert.equal(bodyReparses.scanned, true);
    type("nested to the limit in a set's lambda", after('s50 ='), 0, nest(250), 1);
    assert.equal(bodyReparses.scanned, false);
    type("nested to the limit in a lambda before a let's =", after('l50 ='), 0, nest(251), 1);
    assert.equal(bodyReparses.scanned, true);
    assert.equal(tree.errors.length, 0);
    // The loop's closing brace: not by the loop's statements.
    const close = tree.text.indexOf('}\n  return if');
    type("the loop's } deleted", close, 1, '', undefined);
    // One level past the limit in each (a fresh tree each: an item with a nesting error is re-parsed
    // whole): the error a full parse reports, not by the block's statements.
    for (const [marker, depth] of [
      ['e70 =', 250],
      ['w100 =', 252],
      ['v50 =', 250],
      ['r50 =', 252],
      ['m50 =', 251],
      ['g50 =', 252],
      ['a50 =', 251],
      ['s50 =', 250],
      ['l50 =', 251],
    ] as const) {
      tree = parse(text);
      type(`nested past the limit after ${marker}`, after(marker), 0, nest(depth + 1), undefined);
      assert.ok(
        tree.errors.some((e) => e.message.startsWith('nested more than')),
        marker,
      );
    }
  });

  test('a name edited in an else block that a statement of the then-block looked at is re-parsed, not relexed', () => {
    // Found by the property test: the statement `f({` in the then-block scans for a let's `=` past
    // its block's `}` (its brace is never closed) to the `;` after the else block, so its look
    // covers `b`; a relexed `b` would leave that look one character short.
    let tree = parse('func f() {\n  x = if c {\n    f({\n    a = 1;\n  } else {\n    b = 1;\n  };\n}\n');
    const at = tree.text.indexOf('b = 1');
    tree = reparse(tree, { start: at, end: at, newText: 'b' });
    assertSameAsFullParse(tree, 'b typed');
    assert.equal(tree.stats.relexed, undefined);
    // A `(` alone there scans to the `;` after it only (the `;` ends the parenthesis, as the
    // grammar does): the name in the else block is relexed.
    tree = parse('func f() {\n  x = if c {\n    (\n    a = 1;\n  } else {\n    b = 1;\n  };\n}\n');
    const name = tree.text.indexOf('b = 1');
    tree = reparse(tree, { start: name, end: name, newText: 'b' });
    assertSameAsFullParse(tree, 'b typed after a (');
    assert.equal(tree.stats.relexed, true);
  });

  test("a let-scan that reads a lambda's body (an expression statement's, or a let's before its `=`): an edit there keeps the brackets balanced, or re-parses the statement", () => {
    // Found by the property test: a bracket left open in the lambda (a `)` more, or a `(` before
    // the scan ended parentheses at a `;`) makes the statement's scan for a let's `=` (to the
    // statement's end, blocks and all) read on past its `;`, so the statements after it parse
    // otherwise. A let whose `=` follows the lambda (`f((x) => { … }) = 1;`) is read by its scan
    // the same way, and is no let once the count is off. The lambdas hold strings with
    // interpolations: the scan counts each as a bracket.
    const lines = Array.from({ length: 100 }, (_, i) =>
      i % 4 === 3 ? `    s${i} = "{m${i}} and {m${i - 1}}";` : `    m${i} = g(m${i}) + ${i};`,
    ).join('\n');
    for (const [shape, broken] of [
      [`  list.each((x) => {\n${lines}\n  });\n  h = (q) => {\n    a = 1;\n  };\n`, "expected ';', found '='"],
      [`  f((x) => {\n${lines}\n  }) = 1;\n`, "expected ';', found '='"],
    ]) {
      let tree = parse(`func f() {\n${shape}}\n`);
      assert.equal(tree.errors.length, 0, shape);
      const type = (why: string, at: number, cut: number, newText: string, taken: boolean): void => {
        bodyReparses.depth = -1;
        bodyReparses.scanned = false;
        tree = reparse(tree, { start: at, end: at + cut, newText });
        assertSameAsFullParse(tree, why);
        if (taken) assert.deepEqual([tree.stats.statements, bodyReparses.depth, bodyReparses.scanned], [true, 1, true], why);
        else assert.ok(bodyReparses.depth <= 0, `${why}: not by the lambda's statements`);
      };
      // Balanced edits, with or without an error: by the lambda's statements.
      type("a ';' typed", tree.text.indexOf(' + 20;'), 0, ';', true);
      type("the ';' deleted", tree.text.indexOf('; + 20;'), 1, '', true);
      type('a string typed', tree.text.indexOf('m30 ='), 0, 'w = "a {b} c";\n    ', true);
      type('a statement cut', tree.text.indexOf('m40 ='), 'm40 = g(m40) + 40;'.length, '', true);
      assert.equal(tree.errors.length, 0, shape);
      // A `(` left open: the `;` after it ends it (as the grammar does), so the count the
      // statement's scan keeps is the same: by the lambda's statements, an error of its own.
      const at = tree.text.indexOf('m50)');
      type('a ( left open', at, 4, '', true);
      assert.ok(
        tree.errors.some((e) => e.message.includes("')'")),
        'the statement misses its )',
      );
      assert.ok(!tree.errors.some((e) => e.message === broken));
      type('the ( closed', at, 0, 'm50)', true);
      assert.equal(tree.errors.length, 0, shape);
      // A `)` more: a stray closer in a block, which the grammar skips and so does the scan: by
      // the lambda's statements. A `{` left open, then deleted: the scan's count is off (the
      // lambda's `}` closes it), and the statement is re-parsed both times.
      const close = tree.text.indexOf('m50)') + 4;
      type('a ) more', close, 0, ')', true);
      assert.ok(tree.errors.length > 0, 'the stray ) is an error');
      type('the ) deleted', close, 1, '', true);
      type('a { left open', close - 4, 0, '{', false);
      assert.ok(tree.errors.length > 0, 'the statement parses otherwise');
      type('the { deleted', close - 4, 1, '', false);
      assert.equal(tree.errors.length, 0, shape);
      // An interpolation's `}` cut: the lexer reads the rest as the string's.
      type("an interpolation's } cut", tree.text.indexOf('} and {m'), 1, '', false);
    }
  });

  test("a let-scan counts a string's interpolation as a bracket: a `=` in a lambda after one is not the statement's", () => {
    // The scan counted the `}` that closes an interpolation and not the `{` that opens it: two
    // interpolations in a lambda's statement made the `=` after them look like the outer statement's.
    for (const inside of ['f("{x}{y}") = 5;', 'f("x y") = 5;', 'g("{x}{y}{z}");']) {
      const tree = parse(`func f() {\n  list.each((x) => { ${inside} });\n}\n`);
      assert.deepEqual(tree.errors, [], inside);
    }
  });

  test("a string left open in a function's header: its body's statements are an interpolation's, re-parsed with the function", () => {
    // Found by the property test: `"{` typed in the parameters leaves the lexer inside an
    // interpolation for the whole body (a function typed in it ends the string), so a re-parse
    // right after the body's `{` is not in plain code.
    const minimum = setBodyMinimum(0);
    try {
      let tree = parse('func moor(s Ship) int {\n  spare = Ship(4);\n  return spare.fuel + s.fuel;\n}\n');
      for (const [at, newText] of [
        ['s Ship', '"{'],
        [' spare.fuel', '\nfunc z() { }\n'],
        ['spare =', ';'],
      ] as const) {
        const start = tree.text.indexOf(at);
        tree = reparse(tree, { start, end: start, newText });
        assertSameAsFullParse(tree, newText);
      }
      assert.equal(tree.stats.statements, undefined);
    } finally {
      setBodyMinimum(minimum);
    }
  });

  test("a ';' typed inside a function of 10,000 statements re-parses the statements around it; the body's braces re-parse the function", () => {
    const body = Array.from({ length: 10_000 }, (_, i) => `  total${i} = ship.fuel + ${i} * launch(ship);`).join('\n');
    const text = `struct Ship { fuel int; }\nfunc big(ship &Ship) int {\n${body}\n  return 0;\n}\nfunc after() { }\n`;
    let tree = parse(text);
    // `launch(ship);` → `launch(;ship);`: an error, in the statements re-parsed.
    const at = text.indexOf('launch(ship);', text.indexOf('total5000 =')) + 'launch('.length;
    tree = reparse(tree, { start: at, end: at, newText: ';' });
    assert.equal(tree.stats.statements, true);
    assert.equal(tree.stats.parsedItems, 1);
    assert.ok(tree.errors.length > 0);
    assertSameAsFullParse(tree, 'a ; typed');
    // The function has an error now, the statement's own: deleting the `;` re-parses the statements around it too.
    tree = reparse(tree, { start: at, end: at + 1, newText: '' });
    assert.equal(tree.stats.statements, true);
    assert.equal(tree.errors.length, 0);
    assertSameAsFullParse(tree, 'the ; deleted');
    // Two statements joined (an error), an error made far before them, the two split again, a line typed.
    const semi = (): number => tree.text.indexOf(';', tree.text.indexOf('total7000 ='));
    const joined = (): number => tree.text.indexOf(')', tree.text.indexOf('total7000 =')) + 1;
    const far = tree.text.indexOf('launch(ship);', tree.text.indexOf('total100 =')) + 'launch('.length;
    for (const [why, at, cut, newText] of [
      ['joined', semi, 1, ''],
      ['an error far before', () => far, 0, ')'],
      ['split again', joined, 0, ';'],
      ['a line typed', () => semi() + 1, 0, '\n  extra = 1;'],
    ] as const) {
      const start = at();
      tree = reparse(tree, { start, end: start + cut, newText });
      assert.equal(tree.stats.statements, true, why);
      assertSameAsFullParse(tree, why);
    }
    assert.equal(tree.errors.length, 2, 'the far error (two)');
    // The body's closing brace: the function is re-parsed.
    const close = tree.text.indexOf('}\nfunc after');
    tree = reparse(tree, { start: close, end: close + 1, newText: '' });
    assert.equal(tree.stats.statements, undefined);
    assertSameAsFullParse(tree, 'the } deleted');
  });

  test('every word the grammar asks for one at a time is one of the words a relexed name must not be', () => {
    // A name the parser compares with a word it asks for (`isWord`, `eatWord`) reads otherwise when
    // it becomes or stops being that word: such an edit must be re-parsed (syntax/relex.ts).
    const dir = join(repoRoot(), 'shared', 'syntax');
    const files = [...readdirSync(dir).map((f) => join(dir, f)), ...readdirSync(join(dir, 'grammar')).map((f) => join(dir, 'grammar', f))];
    const asked = new Set<string>();
    for (const f of files.filter((f) => f.endsWith('.ts'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:isWord|eatWord)\(\s*'([^']*)'/g)) asked.add(m[1]);
    }
    assert.ok(asked.size > 20, `found ${asked.size} words asked for`);
    for (const w of asked) assert.ok(GRAMMAR_WORDS.has(w), `${w} is asked for and is not in GRAMMAR_WORDS`);
  });
});

describe('recovery', () => {
  test('an unclosed { in the first function leaves the later items intact', () => {
    const later = 'exported struct Ship imm {\n  fuel int;\n}\n\nextern func cFuel(s Ship) int;\n\nfunc third() int { return 3; }\n';
    const broken = `func first() int {\n  if true {\n    return 1;\n  }\n\n${later}`;
    const tree = parse(broken);
    const items = tree.items();
    assert.deepEqual(
      items.map((n) => SyntaxKind[n.kind]),
      ['FunctionItem', 'StructItem', 'FunctionItem', 'FunctionItem'],
    );
    // Exactly one error, and it is on the first function's brace.
    assert.equal(tree.errors.length, 1);
    assert.equal(tree.errors[0].start, broken.indexOf('{'));
    // The later items parse exactly as they do on their own.
    const alone = parse(later);
    const tail = tree.green.children
      .filter((c) => 'children' in c)
      .slice(1)
      .map((c) => fingerprint(c as never));
    const expected = alone.green.children.filter((c) => 'children' in c).map((c) => fingerprint(c as never));
    assert.deepEqual(tail, expected);
  });

  test('an interpolation left open ends at the next line only an item begins: the later items parse as on their own, and a keystroke below it re-parses its item only', () => {
    const later = 'exported struct Ship imm {\n  fuel int;\n}\n\nfunc third() int { return "q"; }\n\nextern func cFuel(s Ship) int;\n';
    // Being typed: `{f` opened an interpolation, and its `"` a string that runs to the next quote.
    const broken = `func first() str {\n  return "fuel {f" + "x";\n}\n\n${later}`;
    const tree = parse(broken);
    assert.deepEqual(
      tree.items().map((n) => SyntaxKind[n.kind]),
      ['FunctionItem', 'StructItem', 'FunctionItem', 'FunctionItem'],
    );
    assert.ok(
      tree.errors.every((e) => e.end <= broken.indexOf('exported')),
      'the errors are in the first function',
    );
    assert.ok(tree.errors.some((e) => e.message === 'unterminated string'));
    const alone = parse(later);
    const fingerprints = (t: typeof tree) => t.green.children.filter((c) => 'children' in c).map((c) => fingerprint(c as never));
    assert.deepEqual(fingerprints(tree).slice(1), fingerprints(alone));
    // Many items below: a keystroke in one of them re-parses it alone (the whole rest of the file before).
    const many = `${broken}${Array.from({ length: 100 }, (_, i) => `func f${i}(a int) int {\n  return a + ${i};\n}\n`).join('\n')}`;
    const at = many.indexOf('a + 50;') + 4;
    const edited = reparse(parse(many), { start: at, end: at, newText: '1 + ' });
    assert.equal(edited.stats.parsedItems, 1);
    assert.equal(fingerprint(edited.green), fingerprint(parse(edited.text).green));
  });

  test('around interpolations left open, reparse after random edits equals a full parse (edits of the words that end them too)', () => {
    const text =
      'func first() str {\n  return "fuel {f" + "x";\n}\nexported struct Ship imm {\n  fuel int;\n}\n' +
      'func third() str { return "a {b(\n1)} c"; }\nextern func cFuel(s Ship) int;\nfunc last() { }\n';
    const edit = fc.tuple(
      fc.nat({ max: text.length }),
      fc.nat({ max: 3 }),
      fc.constantFrom('"', '{', '}', 'x', '\n', '\r\n', 'exported ', 'ex', 'struct', ' ', ''),
    );
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (list) => {
        let tree = parse(text);
        for (const [at, len, ins] of list) {
          const start = at % (tree.text.length + 1);
          tree = reparse(tree, { start, end: Math.min(tree.text.length, start + len), newText: ins });
          assert.equal(fingerprint(tree.green), fingerprint(parse(tree.text).green), JSON.stringify(tree.text));
        }
      }),
      { numRuns: runs(500) },
    );
  });

  test('lines that open and close strings and interpolations, items between: reparse after random edits equals a full parse', () => {
    // Where a reparse hands back to the old tree between lines, the old lexer must have been in
    // plain code there too: here an edit often leaves the one in a string the other is not in.
    const lines = ['func a() { x = "{\n', '}\n', '}"\n', '"{\n', '// c\n', '\n', '  // "{ c\n', 'func b() { }\n', 'struct S { "{ }\n'];
    lines.push(')\n', 'x = "{a} {\n', '"\n', '{\n', 'exported struct T imm { a int; }\n');
    const typed = fc.constantFrom('q', '\n', '"', '{', '}', '//', 'func', ' ', '', '"{', '}"');
    const edits = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), typed), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...lines), { minLength: 2, maxLength: 12 }), edits, (text, list) => {
        let tree = parse(text.join(''));
        for (const [at, len, ins] of list) {
          const start = at % (tree.text.length + 1);
          tree = reparse(tree, { start, end: Math.min(tree.text.length, start + len), newText: ins });
          assert.equal(fingerprint(tree.green), fingerprint(parse(tree.text).green), JSON.stringify(tree.text));
        }
      }),
      { numRuns: runs(20_000) },
    );
  });

  // A hang guard, not a performance goal: the lexer made a string of its whole mode stack for
  // every token, so these texts took minutes and gigabytes (40,000 levels: about 100 s).
  test('tens of thousands of interpolations left open parse, print back and reparse as a full parse', { timeout: 60_000 }, () => {
    for (const unit of ['"{', '{"', '"{(']) {
      const text = `${unit.repeat(40_000)}\nfunc after() { }\n`;
      let tree = parse(text);
      assert.equal(tree.text, text);
      assert.equal(SyntaxKind[tree.items().at(-1)?.kind ?? -1], 'FunctionItem', `${unit}: the item below still parses`);
      assert.ok(tree.errors.length > 0);
      for (const at of [1, 50_001, 79_999]) {
        tree = reparse(tree, { start: at, end: at + 1, newText: 'x}' });
        assert.equal(fingerprint(tree.green), fingerprint(parse(tree.text).green), `${unit} edited at ${at}`);
      }
    }
  });

  test('an item keeps its first 100 syntax errors and says how many more there were; reparsed, read quick, the same', () => {
    const flood = (n: number) => `func f() { x = a${'<'.repeat(n)}; }\nfunc g() { y = ) ); }\n`;
    const messages = (t: SyntaxTree, item: number) => t.items()[item].green.errors.map((e) => e.message);
    const under = parse(flood(99));
    assert.ok(messages(under, 0).length <= 100);
    assert.ok(messages(under, 0).every((m) => !m.includes('more syntax errors')));
    let tree = parse(flood(100_000));
    const kept = messages(tree, 0);
    assert.equal(kept.length, 101);
    assert.deepEqual(kept.slice(0, 100), messages(parse(flood(100_000).replace('<'.repeat(100_000), '<'.repeat(200))), 0).slice(0, 100));
    assert.match(kept[100], /; and \d+ more syntax errors in this item, not shown$/);
    // Each item counts its own: the next one's errors are all there.
    assert.deepEqual(messages(tree, 1), messages(parse('func g() { y = ) ); }\n'), 0));
    // Fewer `<`: fewer errors past the first hundred, counted again by a reparse.
    const at = tree.text.indexOf('<');
    tree = reparse(tree, { start: at, end: at + 50_000, newText: '' });
    assert.equal(fingerprint(tree.green), fingerprint(parse(tree.text).green));
    assertSameReading(tree.text);
  });

  test('a string outside any interpolation keeps a line an item would begin, and an interpolation may run across lines', () => {
    for (const text of [
      'func f() str {\n  return "first\nexported struct Inside imm { }\nlast";\n}\n',
      'func f() str {\n  return """\nstruct Inside { }\nfunc g() { }\n""";\n}\n',
      'func f() str {\n  return "a {g(\n    1,\n    2)} b";\n}\n',
    ]) {
      const tree = parse(text);
      assert.deepEqual(
        tree.items().map((n) => SyntaxKind[n.kind]),
        ['FunctionItem'],
        text,
      );
      assert.deepEqual(tree.errors, [], text);
    }
    // The one valid text read otherwise: a string inside an interpolation running across such a
    // line is cut there (the price of ending an interpolation being typed).
    const cut = parse('func f() str {\n  return "a {g("x\nstruct y")} b";\n}\n');
    assert.ok(cut.errors.length > 0);
  });

  test('a missing ; reports one error and keeps the following statements', () => {
    const tree = parse('func f() {\n  a = 1\n  b = 2;\n  c = 3;\n}\n');
    assert.equal(tree.errors.length, 1);
    const block = [...tree.root.descendants()].find((n) => n.kind === SyntaxKind.Block)!;
    assert.equal(block.childrenOf(SyntaxKind.LetStmt).length, 3);
  });
});

describe('positions', () => {
  test('ranges are LSP positions: 0-based lines, UTF-16 characters, any line break', () => {
    const text = 'func f() {\r\n  s = "\ud83d\ude00";\r  x = (1 + ;\n}';
    const tree = parse(text);
    assert.equal(tree.errors.length, 1);
    const p = tree.lines.positionAt(tree.errors[0].start);
    assert.deepEqual(p, { line: 2, character: 10 }); // just after the `+`
    const str = [...tree.root.descendants()].find((n) => n.kind === SyntaxKind.StringExpr)!;
    assert.deepEqual(tree.lines.range(str.offset, str.end), { start: { line: 1, character: 6 }, end: { line: 1, character: 10 } });
    assert.equal(tree.lines.offsetAt({ line: 1, character: 6 }), str.offset);
  });

  test('every node has a range that round-trips through positions', () => {
    const tree = parse(FIXTURE_TEXTS.join('\n'));
    for (const n of tree.root.descendants()) {
      const r = tree.lines.range(n.offset, n.end);
      assert.equal(tree.lines.offsetAt(r.start), n.offset);
      assert.equal(tree.lines.offsetAt(r.end), n.end);
    }
  });
});

test('the line index after an edit equals the index of the new text (CR, LF and CRLF around the edit)', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', '\r\n', ' '), maxLength: 40 });
  fc.assert(
    fc.property(text, fc.nat(), fc.nat(), text, (before, a, b, inserted) => {
      const start = a % (before.length + 1);
      const end = start + (b % (before.length - start + 1));
      const after = before.slice(0, start) + inserted + before.slice(end);
      const incremental = LineIndex.afterEdit(new LineIndex(before), after, start, end, inserted);
      const whole = new LineIndex(after);
      assert.equal(incremental.lineCount, whole.lineCount, JSON.stringify({ before, start, end, inserted }));
      for (let l = 0; l < whole.lineCount; l++) assert.equal(incremental.lineStart(l), whole.lineStart(l));
      for (let o = 0; o <= after.length; o++) assert.deepEqual(incremental.positionAt(o), whole.positionAt(o));
    }),
    { numRuns: runs(3_000) },
  );
});

test('pieces read and edit as the text they stand for: long texts in several pieces, edits across pieces, pastes, the line index over them', () => {
  const unit = fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '{', '\u{1F600}');
  const long = fc.tuple(fc.string({ unit, maxLength: 40 }), fc.nat({ max: 2_000 })).map(([s, n]) => s.repeat(n));
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 30_000 }), fc.oneof(fc.string({ unit, maxLength: 4 }), long));
  fc.assert(
    fc.property(long, fc.array(edit, { maxLength: 12 }), (first, edits) => {
      const before = piecesStats.joined;
      let text = first;
      let pieces = Pieces.of(first);
      let lines = new LineIndex(pieces);
      for (const [at, len, inserted] of edits) {
        const start = at % (text.length + 1);
        const end = Math.min(text.length, start + len);
        text = text.slice(0, start) + inserted + text.slice(end);
        pieces = pieces.edit(start, end, inserted);
        lines = LineIndex.afterEdit(lines, pieces, start, end, inserted);
        assert.equal(pieces.length, text.length);
        for (let k = 0; k < 16; k++) {
          const o = (at * 7 + k * 4_099) % (text.length + 2);
          assert.ok(Object.is(pieces.charCodeAt(o), text.charCodeAt(o)), `character ${o}`);
          assert.equal(pieces.slice(o, o + k * 2_000), text.slice(o, o + k * 2_000));
          assert.equal(pieces.indexOf('\n', o), text.indexOf('\n', o));
          assert.equal(pieces.lastIndexOf('\r', o - k), text.lastIndexOf('\r', o - k));
        }
      }
      // Nothing above joined the pieces into one string.
      assert.equal(piecesStats.joined, before);
      const whole = new LineIndex(text);
      assert.equal(lines.lineCount, whole.lineCount);
      for (let l = 0; l < whole.lineCount; l++) assert.equal(lines.lineStart(l), whole.lineStart(l));
      assert.equal(pieces.toString(), text);
    }),
    { numRuns: runs(300) },
  );
});

test('a long text in pieces reparses as a full parse of the same text', () => {
  // About 40 KB of Vale: five or more pieces.
  let long = '';
  for (let i = 0; long.length < 40_000; i++) long += `${FIXTURE_TEXTS[i % FIXTURE_TEXTS.length]}\n`;
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.oneof(tokenSoup, fc.string({ unit: 'binary', maxLength: 6 })), fc.boolean());
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 10 }), (edits) => {
      let text = long;
      let tree = parse(long);
      tree = new SyntaxTree(Pieces.of(long), tree.green, tree.stats);
      // The line index each reparse carries over (an editor's document hands its own, made the same way).
      void tree.lines;
      for (const [at, len, newText, given] of edits) {
        const start = at % (text.length + 1);
        const e = { start, end: Math.min(text.length, start + len), newText };
        text = applyEdit(text, e);
        // The editor's text after the edit, or none (the tree's pieces edited by the reparse).
        const after = given && tree.source instanceof Pieces ? tree.source.edit(e.start, e.end, e.newText) : undefined;
        tree = reparse(tree, e, after);
        assert.ok(tree.source instanceof Pieces);
        // Made from the last tree's (as an editor's document makes its own after each change).
        void tree.lines;
      }
      const lines = tree.lines;
      const full = parse(text);
      assert.equal(fingerprint(tree.green), fingerprint(full.green));
      assert.deepEqual(tree.errors, full.errors);
      assert.equal(lines.lineCount, full.lines.lineCount);
      for (let l = 0; l < lines.lineCount; l++) assert.equal(lines.lineStart(l), full.lines.lineStart(l));
      assert.equal(tree.text, text);
    }),
    { numRuns: runs(200) },
  );
});

test('positions and offsets convert as vscode-languageserver-textdocument converts them (past a line end, and between a CR and its LF: before the line break)', () => {
  const text = fc.string({ unit: fc.constantFrom('a', '\n', '\r', '\r\n'), maxLength: 30 });
  fc.assert(
    fc.property(text, fc.integer({ min: -1, max: 12 }), fc.integer({ min: -1, max: 12 }), (t, line, character) => {
      const position = { line, character };
      const doc = TextDocument.create('file:///t.vale', 'vale', 1, t);
      const index = new LineIndex(t);
      assert.equal(index.offsetAt(position), doc.offsetAt(position), JSON.stringify({ t, position }));
      for (let o = -1; o <= t.length + 1; o++) assert.deepEqual(index.positionAt(o), doc.positionAt(o), JSON.stringify({ t, o }));
    }),
    { numRuns: runs(3_000) },
  );
});

test('without a CR, positions and offsets convert as vscode-languageserver-textdocument converts them, also in an index made after an edit', () => {
  // An index whose text has no CR answers without reading the text: checked against the library's.
  const text = fc.string({ unit: fc.constantFrom('a', 'b', '\n'), maxLength: 30 });
  fc.assert(
    fc.property(
      text,
      fc.nat(),
      fc.nat(),
      text,
      fc.integer({ min: -1, max: 12 }),
      fc.integer({ min: -1, max: 12 }),
      (before, a, b, inserted, line, character) => {
        const start = a % (before.length + 1);
        const end = start + (b % (before.length - start + 1));
        const t = before.slice(0, start) + inserted + before.slice(end);
        const doc = TextDocument.create('file:///t.vale', 'vale', 1, t);
        for (const index of [new LineIndex(t), LineIndex.afterEdit(new LineIndex(before), t, start, end, inserted)]) {
          assert.equal(index.offsetAt({ line, character }), doc.offsetAt({ line, character }), JSON.stringify({ t, line, character }));
          for (let o = -1; o <= t.length + 1; o++) assert.deepEqual(index.positionAt(o), doc.positionAt(o), JSON.stringify({ t, o }));
        }
      },
    ),
    { numRuns: runs(3_000) },
  );
});

test('an offset reads as a position exactly when positionAt gives that position (lines of CR, LF and CRLF, positions past a line end)', () => {
  const text = fc.string({ unit: fc.constantFrom('a', '\n', '\r', '\r\n'), maxLength: 30 });
  fc.assert(
    fc.property(
      text,
      fc.integer({ min: -2, max: 35 }),
      fc.integer({ min: -1, max: 12 }),
      fc.integer({ min: -1, max: 12 }),
      (t, o, line, character) => {
        const lines = new LineIndex(t);
        const at = lines.positionAt(o);
        assert.equal(lines.readsAs(o, at), true);
        const p = { line, character };
        assert.equal(lines.readsAs(o, p), at.line === line && at.character === character, JSON.stringify({ t, o, p }));
      },
    ),
    { numRuns: runs(3_000) },
  );
});

test('element offsets taken over by a reparsed tree equal those made from scratch; the old tree is consumed', () => {
  const edits = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.oneof(tokenSoup, fc.constantFrom('}', '{', '"', '\n', ''))), {
    minLength: 1,
    maxLength: 8,
  });
  fc.assert(
    fc.property(fc.constantFrom(...FIXTURE_TEXTS), edits, (text, list) => {
      let tree = parse(text);
      elementOffsets(tree);
      for (const [at, len, ins] of list) {
        const start = at % (tree.text.length + 1);
        const before = tree;
        const edit = { start, end: Math.min(tree.text.length, start + len), newText: ins };
        tree = reparse(tree, edit);
        const taken = elementOffsets(tree);
        const fresh = new ElementOffsets(tree);
        let offset = 0;
        for (const c of tree.green.children) {
          assert.equal(taken.offsetOf(c), fresh.offsetOf(c));
          assert.equal(taken.offsetOf(c), offset);
          offset += c.width;
        }
        for (let o = 0; o <= tree.text.length; o += 7) assert.deepEqual(taken.locate(o), fresh.locate(o));
        // The previous tree gave its top-level list away: it is not reparsed again.
        assert.ok(before.consumed);
        assert.throws(() => reparse(before, edit), /reparsed already/);
      }
    }),
    { numRuns: runs(300) },
  );
});

test('element offsets stay right over many edits that change how many elements there are (shifts logged, then the map set whole); elements taken out are not found', () => {
  const inserted = fc.oneof(
    { arbitrary: fc.constantFrom('struct S { }\n', 'func f() { }\n', '}\n', '\n// c\n'), weight: 3 },
    { arbitrary: fc.oneof(tokenSoup, fc.constantFrom('}', '{', ';', '\n', '')), weight: 1 },
  );
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 12 }), inserted);
  // Enough edits that change the number of top-level elements to fill the shift log (32) and go on.
  let manyShifts = 0;
  let maxShifts = 0;
  fc.assert(
    fc.property(fc.constantFrom(...FIXTURE_TEXTS), fc.array(edit, { minLength: 150, maxLength: 200 }), (text, list) => {
      let tree = parse(text);
      elementOffsets(tree);
      const gone: unknown[] = [];
      let shifts = 0;
      for (const [at, len, ins] of list) {
        const start = at % (tree.text.length + 1);
        // Read before the reparse: it takes the old tree's list over.
        const before = [...tree.green.children];
        tree = reparse(tree, { start, end: Math.min(tree.text.length, start + len), newText: ins });
        const live = new Set(tree.green.children);
        for (const c of before) if (!live.has(c)) gone.push(c);
        if (tree.green.children.length !== before.length) shifts++;
        const offsets = elementOffsets(tree);
        let offset = 0;
        for (const c of tree.green.children) {
          assert.equal(offsets.offsetOf(c), offset);
          offset += c.width;
        }
        for (const c of gone) assert.equal(offsets.offsetOf(c as never), undefined);
      }
      if (shifts > 40) manyShifts++;
      maxShifts = Math.max(maxShifts, shifts);
    }),
    { numRuns: runs(40) },
  );
  assert.ok(manyShifts > 0, `some run logged more shifts than the log holds, then more (at most ${maxShifts} shifts)`);
});

test('a tree re-parsed item by item keeps its current text alive, not one text per edit', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // About 200 KB of Vale; long names, so that many tokens are 13 characters or more.
  const unit = (n: number) => `exported struct LongShipName_${n} imm {\n  engineCapacity_${n} int;\n}\n`;
  let text = '';
  for (let n = 0; text.length < 200_000; n++) text += unit(n);
  let tree = parse(text);
  gc();
  const before = process.memoryUsage().heapUsed;
  // 150 edits, each in another item: every re-parsed item gets new tokens.
  for (let i = 0; i < 150; i++) {
    const at = tree.text.indexOf('engineCapacity_', Math.floor((i / 150) * (tree.text.length - 100)));
    tree = reparse(tree, { start: at + 'engine'.length, end: at + 'engine'.length, newText: 'X' });
  }
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  // One text per edit would be 150 × 200 KB = 30 MB.
  assert.ok(grown < 8_000_000, `the heap grew by ${(grown / 1e6).toFixed(1)} MB over 150 edits`);
});
