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

test("a one-shot run's young generation grows to two 2 MB semi-spaces while files are read", () => {
  assert.equal(youngUnder('one-shot').after, 4);
});
