// The parser's trees pinned by fingerprint: every fixture and example, and damaged copies of
// each (cut, spliced, characters inserted, deterministic), parse to the trees recorded in
// test/fixtures/syntax/trees.sha256. A refactoring of the parser must leave every tree
// identical (kinds, tokens, errors, lookahead); a deliberate change of the grammar records
// new fingerprints with UPDATE_TREES=1. The Vale corpus is checked the same way by hand:
// `npx tsx test/corpus.ts /path/to/Vale --fingerprints FILE` (writes FILE, or compares with it).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { Workspace, parse } from '../shared';
import { listFixtures } from './support/fixture';
import { fingerprint } from './support/trees';

const REPO = join(__dirname, '..');
const RECORD = join(__dirname, 'fixtures', 'syntax', 'trees.sha256');

/** Deterministic damage: the text cut, spliced and sprinkled with the characters that steer recovery. */
function damaged(text: string, seed: number): string[] {
  let s = seed >>> 0;
  const next = (n: number): number => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return n === 0 ? 0 : s % n;
  };
  const out: string[] = [];
  const bits = ['{', '}', '(', ')', ';', '"', '<', '>', '//', '/*', 'func ', 'struct ', '\n', 'exported ', '&', ','];
  for (let k = 0; k < 12; k++) {
    const at = next(text.length + 1);
    const to = Math.min(text.length, at + next(20));
    switch (k % 3) {
      case 0:
        out.push(text.slice(0, at));
        break;
      case 1:
        out.push(text.slice(0, at) + text.slice(to));
        break;
      default:
        out.push(text.slice(0, at) + bits[next(bits.length)] + text.slice(at));
    }
  }
  return out;
}

test('every fixture and example, whole and damaged, parses to its recorded tree', () => {
  const files = [...listFixtures(join(__dirname, 'fixtures')), ...listFixtures(join(REPO, 'examples'))];
  const lines: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    // Seeded by the file's name, so adding a fixture changes no other file's damaged copies.
    const seed = createHash('sha256').update(relative(REPO, file)).digest().readUInt32LE(0) || 1;
    [text, ...damaged(text, seed)].forEach((t, k) => {
      const tree = parse(t);
      assert.equal(tree.print(), t);
      lines.push(`${relative(REPO, file)}#${k} ${createHash('sha256').update(fingerprint(tree.green)).digest('hex').slice(0, 24)}`);
    });
  }
  const actual = `${lines.join('\n')}\n`;
  if (process.env.UPDATE_TREES === '1') writeFileSync(RECORD, actual);
  assert.ok(existsSync(RECORD), `${RECORD} is missing (UPDATE_TREES=1 records it)`);
  const recorded = readFileSync(RECORD, 'utf8');
  assert.ok(lines.length > 500, `${lines.length} trees`);
  assert.equal(actual, recorded, 'a tree changed (UPDATE_TREES=1 records the new ones if the grammar change is deliberate)');
});

test('nesting 100,000 levels deep, in every construct that nests, is one SyntaxError and the rest is read', () => {
  const forms: Record<string, string> = {
    parentheses: `func f() int { ${'('.repeat(100_000)}1${')'.repeat(100_000)} }`,
    blocks: `func f() int { ${'{'.repeat(100_000)}${'}'.repeat(100_000)} }`,
    generics: `exported func f(x ${'A<'.repeat(100_000)}int${'>'.repeat(100_000)}) int;`,
    arrays: `exported func f(x ${'[]<imm>'.repeat(100_000)}int) int;`,
    lambdas: `func f() int { ${'{ x => '.repeat(100_000)}1${' }'.repeat(100_000)} }`,
    'unclosed parentheses': `func f() int { ${'('.repeat(100_000)} }`,
  };
  for (const [name, text] of Object.entries(forms)) {
    const ws = new Workspace();
    ws.setFile('/deep/a.vale', `${text}\nexported struct After imm { n int; }\n`);
    ws.setFile('/deep/b.vale', 'struct Crate imm { n int; }\nextern func weigh(c Crate) int;\n');
    const nesting = ws
      .diagnostics('/deep/a.vale')
      .filter((d) => d.code === 'SyntaxError' && /nested more than \d+ levels deep/.test(d.message));
    assert.equal(nesting.length, 1, name);
    assert.equal(
      ws.tree('/deep/a.vale')!.print(),
      `${text}\nexported struct After imm { n int; }\n`,
      `${name}: the tree still prints the text`,
    );
    // The item after it and the other file are analysed as usual.
    assert.ok(
      ws.model('/deep/a.vale')!.kinds.some((k) => k.name === 'After'),
      name,
    );
    assert.deepEqual(
      ws.diagnostics('/deep/b.vale').map((d) => d.code),
      ['ExternFunctionDependedOnNonExportedKind'],
      name,
    );
  }
});
