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
import { parse } from '../shared';
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
      case 0: out.push(text.slice(0, at)); break;
      case 1: out.push(text.slice(0, at) + text.slice(to)); break;
      default: out.push(text.slice(0, at) + bits[next(bits.length)] + text.slice(at));
    }
  }
  return out;
}

test('every fixture and example, whole and damaged, parses to its recorded tree', () => {
  const files = [...listFixtures(join(__dirname, 'fixtures')), ...listFixtures(join(REPO, 'examples'))];
  const lines: string[] = [];
  files.forEach((file, i) => {
    const text = readFileSync(file, 'utf8');
    [text, ...damaged(text, i + 1)].forEach((t, k) => {
      const tree = parse(t);
      assert.equal(tree.print(), t);
      lines.push(`${relative(REPO, file)}#${k} ${createHash('sha256').update(fingerprint(tree.green)).digest('hex').slice(0, 24)}`);
    });
  });
  const actual = lines.join('\n') + '\n';
  if (process.env.UPDATE_TREES === '1') writeFileSync(RECORD, actual);
  assert.ok(existsSync(RECORD), `${RECORD} is missing (UPDATE_TREES=1 records it)`);
  const recorded = readFileSync(RECORD, 'utf8');
  assert.ok(lines.length > 500, `${lines.length} trees`);
  assert.equal(actual, recorded, 'a tree changed (UPDATE_TREES=1 records the new ones if the grammar change is deliberate)');
});
