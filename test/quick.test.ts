// The quick reader of a one-shot analysis (shared/model/quick.ts) against the parser and the
// model reader it stands in for: the same declarations, syntax errors and top-level elements on
// every fixture and example, on mutations of them, and on random text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { GreenToken, SyntaxKind, type SyntaxTree } from '../shared';
import { quickReads, readQuick } from '../shared/model/quick';
import { spacesNormalized } from '../shared/model/types';
import { anyText, fixtureTexts, mutatedText, tokenSoup } from './support/arbitraries';
import { assertSameReading } from './support/quick';

test('the quick reader reads every fixture and example as the parser and the model reader do, taking most items quick', () => {
  const before = { ...quickReads };
  for (const text of fixtureTexts()) assertSameReading(text);
  const quick = quickReads.items - before.items;
  const parsed = quickReads.parsed - before.parsed;
  // Not vacuous: most items of the fixtures have a quick shape (bodies, generics and comments inside items, as the
  // fixtures' expectations are, are parsed).
  assert.ok(quick > parsed, `${quick} items read quick, ${parsed} parsed`);
});

test("a one-shot analysis's trees share their line breaks between items, and only theirs", () => {
  const text = 'struct A { }\n\n// a comment\nstruct B { }\nstruct C { }\n\n\n';
  const lineBreaks = (tree: SyntaxTree) =>
    tree.green.children.filter((c): c is GreenToken => c instanceof GreenToken && c.kind === SyntaxKind.Whitespace);
  const [a, b] = [readQuick('/p/a.vale', text, 'p', true), readQuick('/p/b.vale', text, 'p', true)].map((r) => lineBreaks(r.tree));
  assert.deepEqual(
    a.map((t) => t.text),
    ['\n\n', '\n', '\n', '\n\n\n'],
  );
  // One or two line feeds: the same token in both trees; three: each tree's own.
  for (let i = 0; i < 3; i++) assert.equal(a[i], b[i], `line break ${i}`);
  assert.notEqual(a[3], b[3]);
  // A tree that may be edited (anchors follow its elements by identity) keeps its own.
  const [c, d] = [readQuick('/p/a.vale', text, 'p'), readQuick('/p/b.vale', text, 'p')].map((r) => lineBreaks(r.tree));
  for (let i = 0; i < 4; i++) assert.notEqual(c[i], d[i], `line break ${i}`);
});

test('the quick reader agrees with the parser and the model reader on mutated fixtures and random text', () => {
  fc.assert(
    fc.property(mutatedText(fixtureTexts()), (text) => assertSameReading(text)),
    { numRuns: 1_500 },
  );
  fc.assert(
    fc.property(fc.oneof(anyText, tokenSoup), (text) => assertSameReading(text)),
    { numRuns: 1_500 },
  );
});

test('items of the quick shapes, in every variant the reader takes, read as the parser reads them', () => {
  const shapes = [
    'struct A { }',
    'exported struct Ship imm { id i64; name str; fuel float; crew []<imm>Crew; hull &Hull; tags Array<mut, int>; pair Pair<int, Ship>; }',
    'sealed exported interface Signal imm { }',
    'trait T { }',
    'interface I mut { }',
    'extern func f(a int, b &Ship, c [#4]<imm>int) Ship;',
    'exported func g() void;',
    'abstract func h(virtual s Signal, n &&Ship,) int;',
    'pure extern func k(xs List<List<int>>) [#3]<mut>Array<imm, bool>;',
    'export []<imm>Reading as Readings;',
    'export [#4]<imm>int as Quad;',
    'export Array<mut, int> as Counts;',
    'impl Signal for Pulse;',
    'impl IShip for &Shuttle;',
    'import harbor.*;',
    'import a.b . c;',
    // A comment inside a path is trivia: the names are `harbor`, `ships` and `*`.
    'import harbor.//note\n  ships.*;',
    'exported exported struct Twice { }',
    'struct W { a Pair<int,\n   Ship>; b &  Hull; c []<imm>  int; d & &Rope; }',
    // Bodies are parsed by the parser's own block grammar: their errors and lambdas are the item's.
    'func body() int { 3 }',
    'exported func run(s &Ship) { foreach x in s.crew { println(x); } f = (y) => { y }; g = { _ }; } ',
    'func broken(a int) { let = ; a. }',
    'func unclosed() {\n  x = 1;\nstruct After { }',
    // Comments anywhere (a type's text keeps one inside it, as its node's does), varying members, tuples, C names.
    'struct C { a int; // note\n b str; }',
    'func c(a int «note», b Pair<int, «x» Ship>) { }',
    'exported struct Fleet { ships! List<Ship>; budget! int; }',
    'extern func pair(p (int, &Ship,), q &(int, Ship)) (int, bool);',
    'extern("c_total_fuel") func total(ship IShip) int;',
    'exported extern("") func empty() void;',
    // Generic parameters: one name, or a name and what it is; they are runes in the item's types.
    'extern("vale_runtime_sized_array_len") func len<M Mutability, E>(arr &[]<M>E) int;',
    'extern("vale_lock_weak") func lock<T>(weak &&T) Opt<&T>;',
    'struct Box<T> imm { t T; ts []<imm>T; n int; }',
    'impl<T> IBox<T> for Box<T>;',
    'func id<T>(x T) T { x }',
    'export Box<int> as IntBox;',
    // A generic item's runes are its own: `T` after it names a kind.
    'func first<T>(x T) T;\nexport T as TheT;',
    'struct Spaced   imm\n{\n  a\n   Foo < int >;\n}',
    // Primitives found where their tokens are, and names that only begin or end like one; blanks of every kind in a type's text.
    'struct P { a i64; b __Never; c int<bool>; d inty; e Int; f i6; g []<imm>\tfloat; i (int,  bool); }',
  ];
  const before = quickReads.items;
  for (const s of shapes) assertSameReading(s);
  // Every shape but `Foo < int >` (an operator: parsed); two hold a second item, read quick too (the unclosed body
  // ends where `struct` begins one, and the export after a generic function).
  assert.equal(quickReads.items - before, shapes.length + 1, 'the shapes read quick');
  // Shapes the reader leaves to the parser, read the same all the same.
  for (const s of [
    'struct G<T = int> { t T; }',
    'func h<T>(x T) where T = int;',
    'func k<T,>(x T) T;',
    'extern("""c""") func tripled(a int) int;',
    'extern("c{x}") func interpolated(a int) int;',
    'struct D { a.. int; }',
    'export StaticArray<4, imm, int> as S;',
    'struct M { a! int; }',
    'func f(x int) where T = int;',
    'struct S { a int }',
    'extern func d(x[]<imm>int) int;',
    'struct N { h Pair<int,\u00a0 str>; }',
  ])
    assertSameReading(s);
});

test("a type's text has its whitespace runs made one space, as the pattern makes them", () => {
  const blank = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\ufeff', '\u3000');
  const piece = fc.oneof(blank, fc.constantFrom('int', '<', '>', ',', '(', ')', 'é', '\u0085', '\u001f', '!'), fc.string({ maxLength: 3 }));
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const text = pieces.join('');
      assert.equal(spacesNormalized(text), text.replace(/\s+/g, ' '));
    }),
    { numRuns: 3_000 },
  );
});
