// The fuzzer's findings replayed (test/fuzz-cases/, written by `npm run fuzz`), and a short run
// of every surface and of the LSP message stream, so `npm test` keeps them in reach.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { runStream, streamItems } from './fuzz/lsp-stream';
import { SURFACES } from './fuzz/surfaces';

const CASES = join(__dirname, 'fuzz-cases');
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);

describe('fuzz cases found before', () => {
  const files = readdirSync(CASES).filter((f) => f.endsWith('.json'));
  test('there are saved cases to replay', () => assert.ok(files.length >= 2, files.join(', ')));
  for (const file of files) {
    test(file, { timeout: 60_000 }, async () => {
      const c = JSON.parse(readFileSync(join(CASES, file), 'utf8')) as { surface: string; input: unknown; error: string };
      if (c.surface === 'lsp') {
        const { seed, count } = c.input as { seed: number; count: number };
        const r = await runStream(streamItems(seed, count));
        assert.equal(r.failure, undefined, r.failure);
        return;
      }
      const s = SURFACES.find((x) => x.name === c.surface);
      assert.ok(s, `a surface named ${c.surface}`);
      s.check(s.fromJson(c.input));
    });
  }
});

describe('fuzz smoke (npm run fuzz runs a million of each)', () => {
  for (const s of SURFACES) {
    test(`${s.name}: ${s.what}`, { timeout: 120_000 }, () => {
      fc.assert(
        fc.property(s.arbitrary, (input) => {
          s.check(input);
        }),
        { numRuns: s.name === 'analysis' ? 300 : 1000, seed: SEED },
      );
    });
  }
  test('lsp: the server survives a hostile message stream and still answers', { timeout: 120_000 }, async () => {
    const r = await runStream(streamItems(SEED, 3000));
    assert.equal(r.failure, undefined, r.failure);
    assert.equal(r.sent, 3005);
  });
});
