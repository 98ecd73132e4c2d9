// The diagnostic registry (shared/codes.ts) against what the checks emit, the generated docs and
// the CLI's `explain`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { CODES, type CParser, type CodeInfo, Workspace, codeInfo, diagnosticsDocument } from '../shared';
import { editDistance, editDistanceBelow } from '../shared/codes';
import { Suggestions, closestName } from '../shared/checks/suggest';
import { loadCParser } from '../server/cparser';
import { readmeWithTable } from '../scripts/docs';
import { listFixtures, parseFixture } from './support/fixture';
import { tempDir } from './support/temp';

const REPO = join(__dirname, '..');
const CLI = join(REPO, 'dist', 'cli.js');

let cParser: CParser | undefined;
before(async () => {
  cParser = await loadCParser();
});

function diagnosticsOf(text: string, natural = false, built?: CodeInfo['builtHeader'], c?: string): { code: string; severity: string }[] {
  const ws = new Workspace();
  if (natural) ws.setItableOptions({ profile: 'natural' });
  if (c !== undefined) {
    ws.setCParser(cParser);
    ws.setCProject('vtest');
    assert.ok(ws.setCFile('/example/native/impl.c', c), 'the C grammar is loaded');
  }
  if (built) ws.setBuiltHeaders({ project: 'vtest', directory: 'build/include/vtest', headers: new Map([[built.name, built.text]]) });
  ws.setFile('/example/main.vale', text);
  return ws.allDiagnostics();
}

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('diagnostic registry', () => {
  for (const info of CODES) {
    test(`${info.code}: the example gets it, with the registered severity; the fixed example is clean`, () => {
      const found = diagnosticsOf(info.example, info.naturalItables, info.builtHeader, info.c?.example).filter((d) => d.code === info.code);
      assert.ok(found.length > 0, `${info.code} from:\n${info.example}`);
      for (const d of found) assert.equal(d.severity, info.severity);
      assert.deepEqual(
        diagnosticsOf(info.fixed, info.naturalItables, info.builtHeader, info.c?.fixed).map((d) => d.code),
        [],
        `the fixed example:\n${info.fixed}`,
      );
    });
  }

  test('every code the checks emit on the fixtures and examples is registered', () => {
    const ws = new Workspace();
    ws.setItableOptions({ profile: 'natural' });
    for (const dir of ['checks', 'syntax', 'layout']) {
      const root = join(__dirname, 'fixtures', dir);
      for (const path of listFixtures(root)) {
        for (const f of parseFixture(readFileSync(path, 'utf8'), '/main.vale'))
          ws.setFile(`/${dir}/${relative(root, path)}${f.path}`, f.text);
      }
    }
    const examples = join(REPO, 'examples');
    for (const path of listFixtures(examples)) ws.setFile(`/examples/${relative(examples, path)}`, readFileSync(path, 'utf8'));
    const emitted = new Set(ws.allDiagnostics().map((d) => d.code));
    assert.ok(emitted.size >= 6, `codes seen: ${[...emitted]}`);
    for (const code of emitted) assert.ok(codeInfo(code), `${code} is emitted but not in shared/codes.ts`);
  });

  test('docs/diagnostics.md and the README table are what the registry generates (npm run docs)', () => {
    assert.equal(readFileSync(join(REPO, 'docs', 'diagnostics.md'), 'utf8'), diagnosticsDocument());
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    assert.equal(readme, readmeWithTable(readme));
    for (const info of CODES) assert.ok(readme.includes(`| \`${info.code}\` | ${info.severity} |`), info.code);
  });

  test('vale-ffi explain lists every code check can report; explain CODE prints the example; a typo exits 2 with the nearest code', () => {
    const list = cli(['explain']);
    assert.equal(list.code, 0, list.stderr);
    const listed = list.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(
      listed,
      CODES.map((c) => c.code),
    );
    // What check reports on a file holding every example is in the list.
    const dir = tempDir('vale-ffi-explain-');
    CODES.forEach((c, i) => writeFileSync(join(dir, `e${i}.vale`), c.example));
    const report = JSON.parse(cli(['check', dir, '--format', 'json', '--itable-profile', 'natural']).stdout);
    for (const d of report.diagnostics as { code: string }[]) assert.ok(listed.includes(d.code), d.code);
    for (const info of CODES) {
      const one = cli(['explain', info.code]);
      assert.equal(one.code, 0, one.stderr);
      assert.ok(one.stdout.startsWith(`## ${info.code}\n`));
      assert.ok(one.stdout.includes(info.example.trimEnd()) && one.stdout.includes(info.fixed.trimEnd()), info.code);
    }
    const typo = cli(['explain', 'ExternHasBdy']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /no diagnostic code 'ExternHasBdy'; did you mean ExternHasBody\?/);
  });
});

test('editDistanceBelow is editDistance up to the limit, and limit + 1 past it', () => {
  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'x', '_'), maxLength: 12 });
  fc.assert(
    fc.property(word, word, fc.integer({ min: 0, max: 6 }), (a, b, limit) => {
      const exact = editDistance(a, b);
      assert.equal(editDistanceBelow(a, b, limit), exact <= limit ? exact : limit + 1, `${a} ${b} ${limit}`);
    }),
    { numRuns: 2_000 },
  );
  // Words around the 32 units one machine word holds, and units past Latin-1.
  const long = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '→', '_'), minLength: 28, maxLength: 36 });
  fc.assert(
    fc.property(long, long, fc.integer({ min: 0, max: 40 }), (a, b, limit) => {
      const exact = editDistance(a, b);
      assert.equal(editDistanceBelow(a, b, limit), exact <= limit ? exact : limit + 1, `${a} ${b} ${limit}`);
    }),
    { numRuns: 1_000 },
  );
  // A longer second word than the buffers held so far.
  assert.equal(editDistanceBelow('a'.repeat(100), `${'a'.repeat(99)}b`, 3), 1);
  assert.equal(editDistanceBelow('', 'abc', 5), 3);
  assert.equal(editDistanceBelow('abc', '', 2), 3);
});

test('suggestions over several lists answer what closestName answers over them together', () => {
  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'x', '_', '1'), minLength: 1, maxLength: 8 });
  fc.assert(
    fc.property(
      fc.array(fc.uniqueArray(word, { maxLength: 12 }), { minLength: 1, maxLength: 6 }),
      fc.array(word, { minLength: 1, maxLength: 6 }),
      (lists, asked) => {
        const suggestions = new Suggestions();
        const reversed = [...lists].reverse();
        // The same lists of lists each time (answers are remembered by them), and another first list with them.
        const more = lists.slice(1);
        const reversedMore = reversed.slice(1);
        const none: string[] = [];
        // Each name asked twice (the second answer remembered), and the lists in another order.
        for (const name of [...asked, ...asked]) {
          assert.equal(suggestions.closestOver(name, lists[0], more), closestName(name, lists), `${name} in ${JSON.stringify(lists)}`);
          assert.equal(
            suggestions.closestOver(name, reversed[0], reversedMore),
            closestName(name, lists),
            `${name}: the order of the lists does not matter`,
          );
          assert.equal(
            suggestions.closestOver(name, none, more),
            closestName(name, more),
            `${name}: the first list is part of the question`,
          );
        }
      },
    ),
    { numRuns: 1_000 },
  );
});

test('suggestions let go of the lists once they are replaced, whatever names were asked over them', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const suggestions = new Suggestions();
  // As a server's index makes them: a package's kind names, a new list per edit that changes them,
  // each noted against the one before; a typo asked once over each (typed, then deleted).
  const VERSIONS = 200;
  const lists: WeakRef<readonly string[]>[] = [];
  let list: readonly string[] = Array.from({ length: 400 }, (_, k) => `Kind${k}`);
  for (let v = 0; v < VERSIONS; v++) {
    const before = list;
    list = [...before.slice(1), `Kind${400 + v}`];
    suggestions.noteDifference(before, list, new Set([before[0]]), [list[list.length - 1]]);
    assert.equal(suggestions.closest(`Kind${400 + v}x`, list), `Kind${400 + v}`);
    lists.push(new WeakRef(list));
  }
  // A weak reference keeps its target until the task that made it ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const kept = lists.filter((w) => w.deref() !== undefined).length;
  // The newest list is still in use (`list`), and the last difference composed may hold a few.
  assert.ok(kept <= 20, `${kept} of ${VERSIONS} lists still held after a collection`);
  assert.equal(suggestions.closest('Kind0x', list), closestName('Kind0x', [list]));
});

test('suggestions kept across lists of names answer what closestName answers over each list, in any order', () => {
  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'x', '_', '1'), minLength: 1, maxLength: 8 });
  // A sequence of lists, each the previous one with names removed and added, and names asked of each.
  const step = fc.record({
    remove: fc.array(fc.nat(), { maxLength: 4 }),
    add: fc.array(word, { maxLength: 4 }),
    ask: fc.array(word, { maxLength: 6 }),
    // Whether the list's maker notes what changed (as the index does), for `Suggestions` to compose.
    note: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.uniqueArray(word, { maxLength: 20 }), fc.array(step, { minLength: 1, maxLength: 12 }), (first, steps) => {
      const suggestions = new Suggestions();
      let list: readonly string[] = first;
      for (const s of steps) {
        const gone = new Set(s.remove.map((k) => list[k % Math.max(1, list.length)]));
        const before = list;
        list = [...new Set([...list.filter((n) => !gone.has(n)), ...s.add])];
        if (s.note)
          suggestions.noteDifference(
            before,
            list,
            new Set(before.filter((n) => !list.includes(n))),
            list.filter((n) => !before.includes(n)),
          );
        // Names asked twice, and names that were in an earlier list.
        for (const name of [...s.ask, ...s.ask, ...first.slice(0, 3)]) {
          assert.equal(suggestions.closest(name, list), closestName(name, [list]), `${name} in ${list.join(',')}`);
          assert.equal(
            closestName(name, [[...list].reverse()]),
            closestName(name, [list]),
            `${name}: the order of the names does not matter`,
          );
        }
      }
    }),
    { numRuns: 1_000 },
  );
});
