import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { SERVER_SEMI_SPACE_MB } from '../server/heap';

/** The young generation's size (MB, both semi-spaces) before and after reading, under a policy, in a fresh process. */
function youngUnder(policy: 'none' | 'server' | 'one-shot'): { before: number; after: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'support', 'heap-child.ts'), policy], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('without a policy, V8 grows the young generation of a run that keeps much past the caps below', () => {
  assert.ok(youngUnder('none').after > 2 * SERVER_SEMI_SPACE_MB);
});

test("the server's young generation grows while files are read, up to its cap and no further", () => {
  const { before, after } = youngUnder('server');
  assert.ok(after > before, `${before} → ${after} MB`);
  assert.equal(after, 2 * SERVER_SEMI_SPACE_MB);
});

test("a one-shot run's young generation grows to two 4 MB semi-spaces while files are read", () => {
  assert.equal(youngUnder('one-shot').after, 8);
});

/**
 * The full collections of a run that keeps all it reads, under the one-shot policy: the heap's size
 * before and after each (MB, from `--trace-gc`), and its size at the end.
 */
function oneShotFullCollections(): { collections: { before: number; after: number }[]; endMB: number } {
  const child = join(__dirname, 'support', 'heap-child.ts');
  const r = spawnSync(process.execPath, ['--trace-gc', '--import', 'tsx', child, 'one-shot', 'old'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const end = /kept 3000 files .*, heap ([\d.]+) MB/.exec(r.stdout);
  assert.ok(end, r.stdout.slice(-500));
  const collections: { before: number; after: number }[] = [];
  for (const m of r.stdout.matchAll(/Mark-Compact ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/g))
    collections.push({ before: Number(m[1]), after: Number(m[2]) });
  return { collections, endMB: Number(end[1]) };
}

/** How much larger the heap was at each full collection than after the one before it. */
function growths(collections: { before: number; after: number }[]): number[] {
  return collections.slice(1).map((c, i) => c.before / collections[i].after);
}

test("a one-shot run's old generation grows tenfold between full collections (V8's own factor is at most four)", () => {
  const { collections, endMB } = oneShotFullCollections();
  assert.ok(collections.length >= 1, `the one-shot policy: no full collection (${endMB} MB at the end)`);
  // The run kept enough to grow eightfold past its first full collection (so a factor of four would have collected again)…
  assert.ok(endMB >= 8 * collections[0].after, `the run ended at ${endMB} MB: ${JSON.stringify(collections)}`);
  // … and each full collection after the first came at eight times the heap the one before left, or later.
  assert.ok(
    growths(collections).every((g) => g >= 8),
    `the one-shot policy grew ${growths(collections).map((g) => g.toFixed(1))}× (${JSON.stringify(collections)})`,
  );
});
