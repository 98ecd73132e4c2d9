// The backend numbers an interface's substructs in the iteration order of libstdc++'s
// std::unordered_map<std::string, …> (shared/layout/tags.ts). Checked against g++: a small C++
// program built here builds each map exactly as the backend's readjson.cpp does (map(0),
// reserve(n), one emplace per name) and prints the bucket count, each name's std::hash and the
// iteration order, for 10,000 random name sets and every reserve size up to the model's table.
// Without g++ the frozen answers in test/fixtures/layout/unordered-map.json (written by the same
// program, UPDATE_SNAPSHOTS=1) are still checked, and the test says loudly that it skipped.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type BuiltHeaders, CProgram, TARGETS, Workspace, allHeaders, kindHeader, kindHover } from '../shared';
import { reservedBucketCount, stdStringHash, unorderedMapOrder } from '../shared/layout/tags';
import { tempDir } from './support/temp';
import { haveTools } from './support/tools';

const FROZEN = join(__dirname, 'fixtures', 'layout', 'unordered-map.json');

const ORACLE = `
#include <cstdio>
#include <iostream>
#include <string>
#include <unordered_map>
int main(int argc, char** argv) {
  if (argc > 1) {
    long last = std::stol(argv[1]);
    for (long n = 0; n <= last; n++) {
      std::unordered_map<std::string, int> m(0);
      m.reserve(n);
      std::printf("%zu\\n", m.bucket_count());
    }
    return 0;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    long n = std::stol(line);
    std::unordered_map<std::string, long> m(0);
    m.reserve(n);
    std::string hashes;
    for (long i = 0; i < n; i++) {
      std::getline(std::cin, line);
      m.emplace(line, i);
      hashes += std::to_string(std::hash<std::string>()(line)) + " ";
    }
    std::printf("%zu|%s|", m.bucket_count(), hashes.c_str());
    for (auto& [name, i] : m) std::printf("%ld ", i);
    std::printf("\\n");
  }
  return 0;
}
`;

interface Answer {
  names: string[];
  buckets: number;
  hashes: string[];
  order: number[];
}

let oracle: string | undefined;

/** The oracle, compiled once per run. */
function buildOracle(): string {
  if (oracle) return oracle;
  const dir = tempDir('vale-ffi-tags-');
  writeFileSync(join(dir, 'oracle.cpp'), ORACLE);
  const exe = join(dir, 'oracle');
  const r = spawnSync('g++', ['-std=c++17', '-O1', '-o', exe, join(dir, 'oracle.cpp')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  oracle = exe;
  return exe;
}

function ask(exe: string, sets: readonly string[][]): Answer[] {
  const input = sets.map((s) => `${s.length}\n${s.map((n) => `${n}\n`).join('')}`).join('');
  const r = spawnSync(exe, [], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, sets.length);
  return lines.map((line, i) => {
    const [buckets, hashes, order] = line.split('|');
    return {
      names: sets[i],
      buckets: Number(buckets),
      hashes: hashes.trim() ? hashes.trim().split(' ') : [],
      order: order.trim() ? order.trim().split(' ').map(Number) : [],
    };
  });
}

/** Names as the frontend writes them for structs: identifiers, generic instances, closures, non-ASCII. */
const structName = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Z][A-Za-z0-9_]{0,24}$/) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Z][a-z]{0,8}<(i32|i64|bool|str|float|[A-Z][a-z]{0,6})(,[a-z0-9]{1,4})?>$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^λC:[a-z]{1,8}\.vale:[0-9]{1,5}<>$/) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\n\r]/.test(s)) },
);
const nameSet = fc.oneof(
  { weight: 8, arbitrary: fc.uniqueArray(structName, { minLength: 2, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uniqueArray(structName, { minLength: 40, maxLength: 400 }) },
);

function modelled(names: readonly string[]): Answer {
  return {
    names: [...names],
    buckets: reservedBucketCount(names.length) ?? -1,
    hashes: names.map((n) => stdStringHash(n).toString()),
    order: unorderedMapOrder(names) ?? [],
  };
}

describe('interface tags: libstdc++ unordered_map iteration order', () => {
  test('the frozen g++ answers (runs everywhere)', () => {
    const frozen = JSON.parse(readFileSync(FROZEN, 'utf8')) as Answer[];
    assert.ok(frozen.length >= 50);
    for (const a of frozen) assert.deepEqual(modelled(a.names), a, `names ${JSON.stringify(a.names)}`);
  });

  test('reserve(n) picks the bucket count g++ picks, for every n the model covers', (t) => {
    if (!haveTools(t, 'c++')) return;
    const exe = buildOracle();
    const r = spawnSync(exe, ['99733'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    const counts = r.stdout.trim().split('\n').map(Number);
    assert.equal(counts.length, 99734);
    counts.forEach((c, n) => {
      if (reservedBucketCount(n) !== c) assert.fail(`reserve(${n}): g++ ${c}, model ${reservedBucketCount(n)}`);
    });
    assert.equal(reservedBucketCount(99734), undefined, 'past the table the model says it does not know');
  });

  test('10,000 random name sets: hashes, bucket counts and iteration order equal g++', (t) => {
    if (!haveTools(t, 'c++')) return;
    const exe = buildOracle();
    const sets = fc.sample(nameSet, { numRuns: 10_000, seed: 0x7a6 });
    const answers = ask(exe, sets);
    let mismatches = 0;
    let multi = 0;
    answers.forEach((a) => {
      if (a.names.length > 1) multi++;
      const m = modelled(a.names);
      if (JSON.stringify(m) !== JSON.stringify(a)) {
        mismatches++;
        if (mismatches <= 3) assert.deepEqual(m, a, `names ${JSON.stringify(a.names)}`);
      }
    });
    assert.equal(mismatches, 0);
    assert.ok(multi > 9_000, `${multi} sets with several names`);
    // The frozen answers stay what g++ says.
    const frozenSets = fc.sample(nameSet, { numRuns: 60, seed: 42 });
    const fresh = ask(exe, frozenSets);
    if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(FROZEN, `${JSON.stringify(fresh, null, 1)}\n`);
    assert.deepEqual(
      JSON.parse(readFileSync(FROZEN, 'utf8')),
      fresh,
      'test/fixtures/layout/unordered-map.json is what g++ answers (UPDATE_SNAPSHOTS=1 rewrites it)',
    );
  });
});

// A package whose impl order is not the backend's order: the numbers follow the map.
const SHAPES = `sealed exported interface Shape imm { }
exported struct Circle imm { radius float; }
exported struct Square imm { side int; corner Corner; }
exported struct Triangle imm { a float; }
exported struct Hexagon imm { side float; }
exported struct Pentagon imm { side float; }
exported struct Rhombus imm { side float; }
exported struct Corner imm { x int; }
struct Helper imm { x int; }
impl Shape for Circle;
impl Shape for Square;
impl Shape for Triangle;
impl Shape for Hexagon;
impl Shape for Pentagon;
impl Shape for Rhombus;
`;
const IMPL_ORDER = ['Circle', 'Square', 'Triangle', 'Hexagon', 'Pentagon', 'Rhombus'];
/** The frontend's order: exported structs (a member's struct before its user), then the rest. */
const INSERTION = ['Circle', 'Corner', 'Square', 'Triangle', 'Hexagon', 'Pentagon', 'Rhombus', 'Helper'];

function shapes(files: Record<string, string>): { program: CProgram; ws: Workspace } {
  const ws = new Workspace();
  ws.setModules([{ name: 'ws', root: '/ws' }]);
  for (const [path, text] of Object.entries(files)) ws.setFile(path, text);
  assert.deepEqual(
    ws
      .allDiagnostics()
      .filter((d) => d.severity === 'error')
      .map((d) => d.message),
    [],
  );
  return { program: new CProgram(ws.program(), 'vtest', TARGETS[0]), ws };
}

function headerTags(text: string): string[] {
  return [...text.matchAll(/#define vtest_Shape_Type_(\w+) (\d+)/g)].sort((a, b) => Number(a[2]) - Number(b[2])).map((m) => m[1]);
}

describe('interface tags in headers and hovers', () => {
  test('a header numbers the substructs in the map order of the package, not in impl order', (t) => {
    const { program } = shapes({ '/ws/shapes.vale': SHAPES });
    const iface = program.findKind('Shape')!;
    const header = kindHeader(program, iface);
    const expected = unorderedMapOrder(INSERTION)!
      .map((i) => INSERTION[i])
      .filter((n) => IMPL_ORDER.includes(n));
    assert.deepEqual(headerTags(header.text), expected);
    assert.notDeepEqual(expected, IMPL_ORDER, 'the fixture is one where the orders differ');
    assert.equal(header.notes, undefined, 'one package, no generics, no lambdas: the model is sure');
    if (!haveTools(t, 'c++')) return;
    const [gxx] = ask(buildOracle(), [INSERTION]);
    assert.deepEqual(
      headerTags(header.text),
      gxx.order.map((i) => INSERTION[i]).filter((n) => IMPL_ORDER.includes(n)),
    );
  });

  test('the hover and the header preview say when the model cannot be sure', () => {
    const withLambda = `${SHAPES}\nfunc helper() int { f = (x int) => { x + 1 }; return f(2); }\n`;
    const { program } = shapes({ '/ws/shapes.vale': withLambda });
    const shape = program.findKind('Shape')!;
    assert.match(kindHeader(program, shape).notes?.join('\n') ?? '', /1 lambda, and each closure is one more struct/);
    assert.match(kindHover(program, shape, 'decimal'), /may number these differently: package .* has 1 lambda/);
    // Counted before the bodies go: a file whose syntax was let go (a closed file, the CLI) still has its lambda.
    const { ws } = shapes({ '/ws/shapes.vale': withLambda });
    ws.releaseSyntax('/ws/shapes.vale');
    const released = new CProgram(ws.program(), 'vtest', TARGETS[0]);
    assert.match(kindHeader(released, released.findKind('Shape')!).notes?.join('\n') ?? '', /1 lambda/);
    const once = new Workspace({ incremental: false });
    once.setModules([{ name: 'ws', root: '/ws' }]);
    once.setFile('/ws/shapes.vale', withLambda);
    const oneShot = new CProgram(once.program(), 'vtest', TARGETS[0]);
    assert.match(kindHeader(oneShot, oneShot.findKind('Shape')!).notes?.join('\n') ?? '', /1 lambda/);
    const sure = shapes({ '/ws/shapes.vale': SHAPES }).program;
    assert.doesNotMatch(kindHover(sure, sure.findKind('Shape')!, 'decimal'), /differently/);
  });

  test('substructs in several packages and generic structs are caveats too', () => {
    const { program } = shapes({
      '/ws/shapes.vale': `${SHAPES}struct Box<T> imm { x T; }\n`,
      '/ws/kite.vale': 'import ws.more.*;\nexport Kite as Kite;\nimpl Shape for Kite;\n',
      '/ws/more/kite.vale': 'struct Kite imm { a float; }\n',
    });
    const notes = kindHeader(program, program.findKind('Shape')!).notes?.join('\n') ?? '';
    assert.match(notes, /its substructs are in 2 packages \(ws, ws\.more\)/);
    assert.match(notes, /package ws declares 1 generic struct,/);
  });
});

describe('StaleGeneratedHeader: a build made from an older source', () => {
  /** The headers the backend would write for `before`, as a build made from it. */
  function buildOf(before: string): BuiltHeaders {
    const ws = new Workspace();
    ws.setFile('/ws/a.vale', before);
    const headers = new Map(allHeaders(ws.cProgram('vtest', TARGETS[0])).map((h) => [h.name, h.text]));
    return { project: 'vtest', directory: 'build/include/vtest', headers };
  }
  function staleAfter(before: string, after: string): string[] {
    const ws = new Workspace();
    ws.setFile('/ws/a.vale', after);
    ws.setBuiltHeaders(buildOf(before));
    return ws
      .diagnostics('/ws/a.vale')
      .filter((d) => d.code === 'StaleGeneratedHeader')
      .map((d) => `${after.slice(d.start, d.end)}: ${d.message}`);
  }
  const ship = (members: string): string => `exported struct Ship imm { ${members} }\nextern func weigh(s Ship) int;\n`;

  test('the same source: nothing', () => assert.deepEqual(staleAfter(ship('fuel int; crew i64;'), ship('fuel int; crew i64;')), []));
  test('a member retyped', () => {
    const [d, ...rest] = staleAfter(ship('fuel int;'), ship('fuel i64;'));
    assert.equal(rest.length, 0);
    assert.match(
      d,
      /^Ship: build\/include\/vtest\/Ship\.h was generated from an older Ship: it has `int32_t fuel;` where the source now generates `int64_t fuel;`/,
    );
  });
  test('members reordered', () => {
    assert.match(staleAfter(ship('fuel int; crew i64;'), ship('crew i64; fuel int;')).join('\n'), /^Ship: .*same lines in another order/);
  });
  test("an extern's signature changed", () => {
    const before = ship('fuel int;');
    const after = before.replace('weigh(s Ship) int', 'weigh(s Ship) i64');
    assert.match(
      staleAfter(before, after).join('\n'),
      /^weigh: build\/include\/vtest\/weigh\.h was generated from an older func weigh: it has `extern int32_t vtest_weigh\(vtest_Ship\* param0\);`/m,
    );
  });
  test('a kind no longer exported', () => {
    const before = `${ship('fuel int;')}exported struct Dock imm { n int; }\n`;
    const after = before.replace('exported struct Dock', 'struct Dock');
    assert.match(
      staleAfter(before, after).join('\n'),
      /^Dock: build\/include\/vtest\/Dock\.h declares struct Dock, which the source no longer exports/m,
    );
  });
});
