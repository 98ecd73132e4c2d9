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

/** The full collections of a run that keeps all it reads, under the one-shot policy: the heap's size before and after each (MB, from `--trace-gc`). */
function oneShotFullCollections(): { before: number; after: number }[] {
  const child = join(__dirname, 'support', 'heap-child.ts');
  const r = spawnSync(process.execPath, ['--trace-gc', '--import', 'tsx', child, 'one-shot', 'old'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /kept 3000 files/);
  const out: { before: number; after: number }[] = [];
  for (const m of r.stdout.matchAll(/Mark-Compact ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/g))
    out.push({ before: Number(m[1]), after: Number(m[2]) });
  return out;
}

/** How much larger the heap was at each full collection than after the one before it. */
function growths(collections: { before: number; after: number }[]): number[] {
  return collections.slice(1).map((c, i) => c.before / collections[i].after);
}

test("a one-shot run's old generation grows tenfold between full collections (V8's own factor is at most four)", () => {
  const oneShot = oneShotFullCollections();
  assert.ok(oneShot.length >= 2, `the one-shot policy: ${JSON.stringify(oneShot)}`);
  assert.ok(
    growths(oneShot).every((g) => g >= 8),
    `the one-shot policy grew ${growths(oneShot).map((g) => g.toFixed(1))}×`,
  );
});
