// Inputs for property tests and the fuzzer: pieces of Vale and of things that are not Vale,
// random texts, edits, and real Vale (every fixture and example) mutated.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { type TextEdit, applyEdit } from '../../shared';
import { listFixtures, readFixture } from './fixture';

/** The repository's root, from this file or from a bundle of it anywhere below the root. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'test', 'fixtures')) && existsSync(join(dir, 'examples'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository above ${__dirname}`);
  }
}

/** Every fixture and example text. */
export function fixtureTexts(): string[] {
  const root = repoRoot();
  return listFixtures(join(root, 'test', 'fixtures'))
    .map(readFixture)
    .concat(listFixtures(join(root, 'examples')).map(readFixture));
}

// Pieces of Vale and of things that are not Vale, to build inputs that reach deep into the parser.
export const FRAGMENTS = [
  'func',
  'struct',
  'interface',
  'impl',
  'for',
  'import',
  'export',
  'exported',
  'extern',
  'sealed',
  'abstract',
  'virtual',
  'imm',
  'mut',
  'where',
  'if',
  'else',
  'while',
  'foreach',
  'in',
  'return',
  'set',
  'block',
  'as',
  'x',
  'Ship',
  'int',
  '_',
  '42',
  '-7i64',
  '1.5',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '<',
  '>',
  ' < ',
  ' > ',
  ',',
  ';',
  '.',
  '..',
  '...',
  '=',
  '==',
  '=>',
  '&',
  '^',
  '#',
  '#!',
  "'",
  "r'",
  ' ',
  '\n',
  '\t',
  '\r\n',
  '//c\n',
  '«c»',
  '"',
  '"s"',
  '"a{x}b"',
  '"""',
  '{\\\n',
  '\\',
  '\u00e9',
  '\ud83d\ude00',
  '\ud800',
  '\u0000',
  '\u00ab',
  '\u00bb',
  ' and ',
  ' mod ',
];
export const tokenSoup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }).map((parts) => parts.join(''));
export const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  tokenSoup,
);

/** A random edit of a text: delete, insert or replace, with inserted text from the fragments or anything. */
export function editOf(text: string): fc.Arbitrary<TextEdit> {
  return fc
    .tuple(fc.nat({ max: text.length }), fc.nat({ max: 12 }), fc.oneof(tokenSoup, fc.string({ unit: 'binary', maxLength: 6 })))
    .map(([start, length, newText]) => ({ start, end: Math.min(text.length, start + length), newText }));
}

/** A text from `texts` with up to five random edits of fragments. */
export function mutatedText(texts: readonly string[]): fc.Arbitrary<string> {
  return fc.constantFrom(...texts).chain((text) =>
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), tokenSoup), { maxLength: 5 }).map((edits) => {
      let t = text;
      for (const [at, len, ins] of edits) {
        const s = at % (t.length + 1);
        t = applyEdit(t, { start: s, end: Math.min(t.length, s + len), newText: ins });
      }
      return t;
    }),
  );
}

/** Arguments of every shape an argument takes (strings with interpolations, calls, lambdas, borrows, tuples, numbers, members), `n` of them joined. */
export function argumentsOf(n: number, seed: number): string {
  const shapes = [
    (i: number) => `"s{x + ${i}}t"`,
    (i: number) => `f(a, ${i})`,
    (i: number) => `(x) => { x + ${i} }`,
    () => '&ship',
    (i: number) => `(1, ${i})`,
    (i: number) => `-${i}.5`,
    () => 'ship.fuel',
    (i: number) => String(i),
  ];
  return Array.from({ length: n }, (_, i) => shapes[(i * 7 + seed) % shapes.length](i)).join(', ');
}

/**
 * A function whose one statement holds a long list (`length` elements): a call's arguments (an
 * expression statement's), an array literal's (a let's value) or a call's in an `if`'s block;
 * its elements of every shape: lambdas with statements, strings with interpolations, tuples,
 * nested lists, a `set`, a call over two lines.
 */
export function longList(length: { min: number; max: number }): fc.Arbitrary<string> {
  const shapes = [
    (i: number) => `    total${i} + ${i} * launch(ship, ${i % 7}),`,
    (i: number) => `    (x) => { y = x + ${i}; h(y); },`,
    (i: number) => `    "a {v + ${i}} b",`,
    (i: number) => `    (a${i}, b),`,
    (i: number) => `    [#](${i}, ${i + 1}),`,
    (i: number) => `    set v = ${i},`,
    (i: number) => `    g${i}(\n      v),`,
    (_i: number) => '    ship.fuel,',
  ];
  const opens = ['  sum(ship,\n', '  totals = [#](\n', '  if v > 0 { list = f(\n'];
  const closes = ['  );\n', '  );\n', '  ); }\n'];
  return fc
    .tuple(fc.nat(opens.length - 1), fc.array(fc.nat(shapes.length - 1), { minLength: length.min, maxLength: length.max }))
    .map(
      ([o, picks]) =>
        `func long(ship &Ship) int {\n${opens[o]}${picks.map((k, i) => shapes[k](i)).join('\n')}\n${closes[o]}  return v;\n}\nfunc after() { }\n`,
    );
}

/**
 * A function of `length` statements of every shape: blocks, conditions, lambdas, strings with
 * interpolations, and an expression statement without its `;` (a syntax error or two where
 * another statement follows). Past `bareAtMost` of those, the shape takes its `;`: an item with
 * more than 100 errors re-parses whole, so a long body of them would take no old statement.
 */
export function longBody(length: { min: number; max: number }, bareAtMost = Number.POSITIVE_INFINITY): fc.Arbitrary<string> {
  const bareShape = (_i: number) => '  ship.fuel';
  const shapes = [
    (i: number) => `  v${i} = f(v${i}) + ${i};`,
    (i: number) => `  g${i}(v, (x) => { x + ${i}; });`,
    (i: number) => `  if v > ${i} { w = ${i}; } else { w = 0; }`,
    (i: number) => `  s${i} = "a {v + ${i}} b";`,
    (i: number) => `  while v < ${i} { set v = v + 1; }`,
    bareShape,
    (i: number) => `  list.each((y) => {\n    y${i} = y + 1;\n    h(y${i});\n  });`,
  ];
  return fc.array(fc.nat(shapes.length - 1), { minLength: length.min, maxLength: length.max }).map((picks) => {
    let bare = 0;
    const statements = picks.map((k, i) => (shapes[k] === bareShape && ++bare > bareAtMost ? '  ship.fuel;' : shapes[k](i)));
    return `func long(ship &Ship) int {\n${statements.join('\n')}\n  return v;\n}\nfunc after() { }\n`;
  });
}
