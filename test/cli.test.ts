import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { haveTools } from './support/tools';
import { tempDir } from './support/temp';
import { type Diagnostic, type LineIndex, Workspace } from '../shared';
import { sarifPieces, toSarif } from '../server/cli/formats';
import { LONG_ARRAY, jsonPieces, piecesOfJson, textPieces, toJson, toText } from '../server/cli/report';
import fc from 'fast-check';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const EXAMPLES = join(__dirname, '..', 'examples');

function run(args: string[], cwd = process.cwd()): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function workspace(files: Record<string, string | Buffer>): string {
  const dir = tempDir('vale-ffi-cli-');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('vale-ffi check', () => {
  test('the fleet example is clean: JSON report, exit 0', () => {
    const r = run(['check', join(EXAMPLES, 'fleet'), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    // Three Vale files and the two C files that implement every extern (checked against them).
    assert.equal(report.files, 5);
    assert.deepEqual(report.diagnostics, []);
  });

  test('the harbor example shows each FFI code once or more, with related locations', () => {
    const r = run(['check', 'examples', '--format', 'json'], join(EXAMPLES, '..'));
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.files, 6);
    const codes = report.diagnostics.map((d: { code: string }) => d.code);
    assert.deepEqual([...new Set(codes)].sort(), [
      'ExternFunctionDependedOnNonExportedKind',
      'ExternHasBody',
      'ExternNotImplemented',
      'NonHierarchicalImmutable',
      'TypeExportedMultipleTimes',
    ]);
    const weigh = report.diagnostics.find((d: { code: string }) => d.code === 'ExternFunctionDependedOnNonExportedKind');
    assert.equal(weigh.file, 'examples/harbor/mistakes.vale');
    assert.deepEqual(weigh.range, { start: { line: 6, character: 24 }, end: { line: 6, character: 29 } });
    assert.deepEqual(weigh.related, [
      {
        file: 'examples/harbor/mistakes.vale',
        range: { start: { line: 3, character: 7 }, end: { line: 3, character: 12 } },
        message: 'Crate is declared here without `exported`',
      },
    ]);
  });

  test('FFI diagnostics in text: the compiler-style line and a note for the declaration', () => {
    const dir = workspace({ 'app/ffi.vale': 'struct Ship { fuel int; }\nextern func launch(s &Ship) int;\n' });
    const r = run(['check', 'app'], dir);
    assert.equal(r.code, 1);
    const lines = r.stdout.split('\n');
    assert.match(
      lines[0],
      /^app\/ffi\.vale:2:22: error\[ExternFunctionDependedOnNonExportedKind\]: extern func launch\(s &Ship\) int: its parameter s is Ship, which is not exported/,
    );
    assert.equal(lines[2], `    ${' '.repeat(21)}^^^^^`);
    assert.equal(lines[3], '  note: app/ffi.vale:1:8: Ship is declared here without `exported`');
  });

  test('JSON contract for a syntax error, paths relative to the working directory', () => {
    const dir = workspace({
      'pkg/a.vale': 'func f() int {\n  x = (1 + ;\n  return 1;\n}\n',
      'pkg/b.vale': 'struct S imm { x int; }\n',
      'notes.txt': 'not vale',
    });
    const r = run(['check', '--format', 'json'], dir);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.files, 2);
    assert.deepEqual(Object.keys(report), ['files', 'diagnostics']);
    assert.deepEqual(report.diagnostics, [
      {
        file: 'pkg/a.vale',
        range: { start: { line: 1, character: 10 }, end: { line: 1, character: 10 } },
        severity: 'error',
        code: 'SyntaxError',
        message: "expected an operand, found ';'",
      },
    ]);
  });

  test('text format reads like a compiler: location, line, caret', () => {
    const dir = workspace({ 'm.vale': 'exported struct S imm { x int; }\nfunc f() int { g(x,, 1) }\n' });
    const r = run(['check', 'm.vale'], dir);
    assert.equal(r.code, 1);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], "m.vale:2:20: error[SyntaxError]: expected an argument, found ','");
    assert.equal(lines[1], '    func f() int { g(x,, 1) }');
    assert.equal(lines[2], `    ${' '.repeat(19)}^`);
    assert.match(r.stdout, /1 file checked: 1 error, 0 warnings/);
    // What Vale accepts but ignores is a warning: exit 0.
    const warned = workspace({ 'w.vale': 'struct S imm { x int y int; }\n' });
    const w = run(['check'], warned);
    assert.equal(w.code, 0);
    assert.match(w.stdout, /^w\.vale:1:22: warning\[SyntaxError\]: Vale ignores "y int" after the member's type/);
    assert.match(w.stdout, /1 file checked: 0 errors, 1 warning/);
  });

  test('binary garbage is reported, not a crash', () => {
    const dir = workspace({ 'junk.vale': Buffer.from([0, 255, 254, 0x7b, 0x22, 10, 0xc3, 0x28, 0x7d, 0x29]) });
    const r = run(['check', '--format', 'json'], dir);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.ok(report.diagnostics.length > 0);
    assert.ok(report.diagnostics.every((d: { code: string }) => d.code === 'SyntaxError'));
  });

  test('usage and I/O problems exit 2 with a message and no stack trace', () => {
    for (const args of [
      ['check', 'does/not/exist'],
      ['check', '--format', 'xml'],
      ['frobnicate'],
      ['check', '--bogus'],
      ['check', '--jobs', '0'],
      ['check', '--jobs', 'all'],
    ]) {
      const r = run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^vale-ffi: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, args[0] === 'frobnicate' ? '' : '');
    }
  });

  test('--jobs N: files read in worker threads give the report reading them here gives, in every format', () => {
    // 240 files in 12 packages (several batches per thread), importing each other, with syntax
    // errors, FFI errors, a module, C files and one file from stdin.
    const files: Record<string, string> = {
      'vale-ffi.json': JSON.stringify({ modules: { fleet: '.' } }),
      'shim.c': '#include <stdint.h>\nint64_t fleet_dock0_0(int64_t x) { return x; }\n',
    };
    for (let p = 0; p < 12; p++) {
      for (let f = 0; f < 20; f++) {
        const id = `${p}_${f}`;
        files[`p${p}/f${f}.vale`] = [
          p > 0 ? `import fleet.p${p - 1}.*;` : '',
          `exported struct Ship${id} imm { fuel int; ${f > 0 ? `prev Ship${p}_${f - 1};` : ''} }`,
          `struct Crate${id} { n int; }`,
          `extern func dock${id}(x int) int;`,
          f % 7 === 3 ? `extern func weigh${id}(c Crate${id}) int;` : '',
          f % 5 === 2 ? `func broken${id}(x int) int { x + ; }` : `func fine${id}(x int) int { x + 1 }`,
          ...Array.from({ length: 60 }, (_, k) => `func helper${id}_${k}(x int) int { y = x * ${k}; return y + 1; }`),
        ].join('\n');
      }
    }
    const dir = workspace(files);
    for (const format of ['json', 'text', 'sarif', 'github']) {
      const one = spawnSync(
        process.execPath,
        [CLI, 'check', '.', '-', '--stdin-filename', 'p3/f4.vale', '--format', format, '--jobs', '1'],
        {
          cwd: dir,
          encoding: 'utf8',
          input: 'extern func fromStdin(s Ship3_4) int;\n',
        },
      );
      assert.equal(one.status, 1, one.stderr);
      for (const jobs of ['2', '3']) {
        const many = spawnSync(
          process.execPath,
          [CLI, 'check', '.', '-', '--stdin-filename', 'p3/f4.vale', '--format', format, '--jobs', jobs],
          { cwd: dir, encoding: 'utf8', input: 'extern func fromStdin(s Ship3_4) int;\n' },
        );
        assert.equal(many.status, 1, many.stderr);
        assert.equal(many.stderr, '');
        assert.equal(many.stdout, one.stdout, `${format}, --jobs ${jobs}`);
      }
      if (format === 'json') {
        const report = JSON.parse(one.stdout);
        assert.equal(report.files, 241); // the file from stdin takes p3/f4.vale's place
        const codes = new Set(report.diagnostics.map((d: { code: string }) => d.code));
        for (const code of ['SyntaxError', 'ExternNotImplemented', 'ExternFunctionDependedOnNonExportedKind'])
          assert.ok(codes.has(code), code);
      }
    }
  });

  test('the one-shot heap policy holds, with threads too: the young generation of this thread stays at 8 MB or less', () => {
    // Reading in this thread (--jobs 1), the young generation grows once, to two 2 MB semi-spaces,
    // and no further (V8 would take it to 32 MB). Starting a worker thread resets V8's growth factor
    // for the whole process; unless the policy is set again, the young generation of this thread
    // (which keeps what the threads post) grows to 32 MB.
    const files: Record<string, string> = {};
    for (let f = 0; f < 400; f++)
      files[`p${f % 20}/f${f}.vale`] = Array.from(
        { length: 60 },
        (_, k) => `exported struct Ship${f}_${k} imm { fuel int; crew []<imm>int; }\nextern func dock${f}_${k}(s Ship${f}_${k}) int;`,
      ).join('\n');
    const dir = workspace(files);
    const hook = join(dir, 'new-space.js');
    writeFileSync(
      hook,
      "process.on('exit', () => process.stderr.write('new space ' + require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size + '\\n'));",
    );
    for (const jobs of ['1', '2']) {
      const r = spawnSync(process.execPath, ['-r', hook, CLI, 'check', '.', '--jobs', jobs], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      assert.equal(r.status, 1, r.stderr);
      const size = Number(/new space (\d+)/.exec(r.stderr)?.[1]);
      assert.ok(size > 0 && size <= 8 * 2 ** 20, `--jobs ${jobs}: new space ${size} bytes`);
    }
  });

  test('a clean file exits 0 with a summary', () => {
    const dir = workspace({ 'ok.vale': 'exported struct S imm { x int; }\n' });
    const r = run(['check'], dir);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '1 file checked: 0 errors, 0 warnings, 0 notes\n');
  });
});

describe('vale-ffi check loads the C grammar only for C files', () => {
  // The bundle alone, without the grammar's wasm files beside it: a run that tries to load the
  // grammar says so on stderr.
  const dir = tempDir('vale-ffi-cli-nowasm-');
  const cli = join(dir, 'cli.js');
  copyFileSync(CLI, cli);
  const missing = /C files are not read: tree-sitter\.wasm is missing/;

  test('a workspace with no C file: the grammar is not loaded (no warning about it)', () => {
    const ws = workspace({ 'main.vale': 'exported func main() int { return 0; }\n' });
    const r = spawnSync(process.execPath, [cli, 'check', ws], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, missing);
  });

  test('a workspace with a C file: the grammar is loaded for it (here it is missing, and the run says so)', () => {
    const ws = workspace({
      'main.vale': 'exported func main() int { return 0; }\nextern func cAdd(a int) int;\n',
      'native/x.c': 'int fleet_cAdd(int a) { return a; }\n',
      // A file whose words name no extern nor the project: nothing in it is read, so nothing is missed.
      'native/unrelated.c': 'int main(void) { return 0; }\n',
    });
    const r = spawnSync(process.execPath, [cli, 'check', ws], { encoding: 'utf8' });
    assert.match(r.stderr, missing);
    assert.match(r.stderr, /x\.c is not checked: the C grammar is not loaded/);
    assert.doesNotMatch(r.stderr, /unrelated\.c/);
  });
});

describe('a large report', () => {
  // 300 copies of the harbor example's mistakes: 2,000-odd diagnostics, reports of several pieces.
  const mistakes = readFileSync(join(EXAMPLES, 'harbor', 'mistakes.vale'), 'utf8');
  const ws = new Workspace({ incremental: false });
  const indexes = new Map<string, LineIndex>();
  for (let i = 0; i < 300; i++) indexes.set(`p${i}/mistakes.vale`, ws.setFile(`p${i}/mistakes.vale`, mistakes).lines);
  const lines = (file: string): LineIndex => indexes.get(file)!;
  const diagnostics: Diagnostic[] = ws.allDiagnostics();

  test('JSON is written in pieces whose concatenation is the whole report', () => {
    const pieces = [...jsonPieces(300, diagnostics, lines)];
    assert.ok(pieces.length > 5, `${pieces.length} pieces`);
    assert.equal(pieces.join(''), `${JSON.stringify({ files: 300, diagnostics: toJson(diagnostics, lines) }, null, 2)}\n`);
    assert.equal([...jsonPieces(2, [], lines)].join(''), `${JSON.stringify({ files: 2, diagnostics: [] }, null, 2)}\n`);
  });

  test('SARIF is written in pieces whose concatenation is the whole log', () => {
    const pieces = [...sarifPieces(diagnostics, lines, '9.9.9')];
    assert.ok(pieces.length > 5, `${pieces.length} pieces`);
    assert.equal(pieces.join(''), `${JSON.stringify(toSarif(diagnostics, lines, '9.9.9'), null, 2)}\n`);
    assert.equal([...sarifPieces([], lines, '9.9.9')].join(''), `${JSON.stringify(toSarif([], lines, '9.9.9'), null, 2)}\n`);
  });

  test('any JSON with its long array anywhere is written as JSON.stringify writes it', () => {
    // A value with the array at the end of a path of objects and arrays (with siblings before and after it).
    type Step =
      | { kind: 'key'; before: Record<string, unknown>; after: Record<string, unknown> }
      | { kind: 'index'; before: unknown[]; after: unknown[] };
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('key' as const),
        before: fc.dictionary(fc.string(), fc.jsonValue()),
        after: fc.dictionary(fc.string(), fc.jsonValue()),
      }),
      fc.record({ kind: fc.constant('index' as const), before: fc.array(fc.jsonValue()), after: fc.array(fc.jsonValue()) }),
    );
    const wrap = (steps: Step[], inner: unknown): unknown =>
      steps.reduceRight<unknown>((v, s) => {
        if (s.kind === 'index') return [...s.before, v, ...s.after];
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(s.before)) if (k !== '\u0001') o[k] = x;
        o['\u0001'] = v;
        for (const [k, x] of Object.entries(s.after)) if (!(k in o)) o[k] = x;
        return o;
      }, inner);
    fc.assert(
      fc.property(fc.array(step, { maxLength: 4 }), fc.array(fc.jsonValue(), { maxLength: 30 }), (steps, elements) => {
        const pieces = [...piecesOfJson(wrap(steps, LONG_ARRAY), elements.length, (i) => elements[i])];
        assert.equal(pieces.join(''), `${JSON.stringify(wrap(steps, elements), null, 2)}\n`);
      }),
      { numRuns: 300 },
    );
  });

  test('text is written in pieces of about 16 KB that join into each diagnostic in turn', () => {
    const pieces = [...textPieces(diagnostics, lines)];
    assert.ok(pieces.length > 5, `${pieces.length} pieces`);
    for (const p of pieces) assert.ok(p.length < 20_000, `a piece of ${p.length} characters`);
    assert.equal(pieces.join(''), diagnostics.map((d) => toText([d], lines)).join('\n'));
    assert.deepEqual([...textPieces([], lines)], []);
  });
});

describe('vale-ffi decode / encode', () => {
  const I256 = '0x2265b1f591b7584a0066b0d8f16ad8000813c386bbc000f17414c3437ed4c2ce';
  test('decode prints the contract JSON; encode of its fields gives the same object', () => {
    const d = run(['decode', I256, '--format', 'json']);
    assert.equal(d.code, 0, d.stderr);
    const decoded = JSON.parse(d.stdout);
    assert.deepEqual(Object.keys(decoded), ['profile', 'fields', 'raw', 'bytesHex', 'cWords', 'problems']);
    assert.equal(decoded.fields.objectPointer, '0x66b0d8f16ad8');
    assert.equal(decoded.raw.typePointer, '0x813c386bbc');
    assert.equal(decoded.bytesHex, 'cec2d47e43c31474f100c0bb86c3130800d86af1d8b066004a58b791f5b16522');
    assert.equal(decoded.cWords.unused4, '0x2265b1f5');
    const e = run(['encode', JSON.stringify(decoded.fields)]);
    assert.equal(e.code, 0, e.stderr);
    assert.deepEqual(JSON.parse(e.stdout), decoded);
  });

  test('anything else exits 2 and lists the accepted forms', () => {
    const r = run(['decode', 'deadbeef']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Accepted forms:[\s\S]*256-bit integer[\s\S]*32 bytes[\s\S]*C words[\s\S]*x\/4gx/);
    assert.equal(run(['encode', '{"objectGeneration": "0x100000000"}']).code, 2);
    assert.equal(run(['decode', I256, '--profile', 'nope']).code, 2);
  });
});

describe('vale-ffi layout, header, message', () => {
  const kinds = `exported struct Engine imm { fuel int; efficiency float; }
exported struct Ship imm { armed bool; engine Engine; crew i64; }
exported struct Dock { berths int; }
export [#2]<imm>Engine as EnginePair;
extern func launch_vasp(ship Ship, pair [#2]<imm>Engine) int;
`;

  test('layout --format json follows the contract', () => {
    const dir = workspace({ 'k.vale': kinds });
    const r = run(['layout', '--format', 'json', '--target', 'aarch64-linux'], dir);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.target, 'aarch64-linux');
    assert.deepEqual(
      report.kinds.map((k: { name: string }) => k.name),
      ['Engine', 'Ship', 'Dock', '[#2]<imm>Engine'],
    );
    assert.deepEqual(report.kinds[1], {
      name: 'Ship',
      cName: 'Ship',
      size: 24,
      align: 8,
      fields: [
        { name: 'armed', cType: 'int8_t', offset: 0, size: 1, align: 1 },
        { name: 'engine', cType: 'Engine*', offset: 8, size: 8, align: 8 },
        { name: 'crew', cType: 'int64_t', offset: 16, size: 8, align: 8 },
      ],
      padding: [{ offset: 1, size: 7 }],
      messageSize: 48,
    });
    assert.equal(report.kinds[2].cName, 'DockRef');
    assert.equal(report.kinds[2].messageSize, null);
    assert.deepEqual(report.kinds[3].fields, [{ name: 'elements', cType: 'Engine*[2]', offset: 0, size: 16, align: 8 }]);
  });

  test('layout text shows fields, padding and the message size; a bad target exits 2', () => {
    const dir = workspace({ 'k.vale': kinds });
    const r = run(['layout', '--project', 'fleet'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^target x86_64-linux$/m);
    assert.match(r.stdout, /^Ship → fleet_Ship: size 24, align 8, message 48 bytes$/m);
    assert.match(r.stdout, /^ {5}1 {5}7 {6}\(padding\)$/m);
    const bad = run(['layout', '--target', 'sparc'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--target must be one of x86_64-linux, aarch64-linux/);
  });

  test('header prints every header, or writes them under --out; --project is required', () => {
    const dir = workspace({ 'k.vale': kinds });
    const r = run(['header', '--project', 'fleet'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /\/\/ fleet\/Ship\.h\n#ifndef VALE_EXPORTS_Ship_H_\n#define VALE_EXPORTS_Ship_H_\n#include "ValeBuiltins.h"\ntypedef struct fleet_Engine fleet_Engine;\ntypedef struct fleet_Ship \{ \n {2}int8_t armed;\n {2}fleet_Engine\* engine;\n {2}int64_t crew;\n\} fleet_Ship;\n#endif\n/,
    );
    assert.match(
      r.stdout,
      /extern int32_t fleet_launch_vasp\(fleet_Ship\* param0, fleet_EnginePair\* param1, ValeInt param0size, ValeInt param1size\);/,
    );
    assert.match(
      r.stdout,
      /typedef struct fleet_DockRef \{ uint64_t unused0; uint64_t unused1; uint64_t unused2; uint32_t unused3; uint32_t unused4; \} fleet_DockRef;/,
    );
    const out = join(dir, 'include');
    const w = run(['header', '.', '--project', 'fleet', '--out', out], dir);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stdout, /wrote 6 headers/);
    assert.match(readFileSync(join(out, 'fleet', 'EnginePair.h'), 'utf8'), /#define fleet_EnginePair_SIZE 2/);
    const missing = run(['header'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--project NAME is required/);
  });

  test("--build: a build's headers give the _Type_ numbers; one edited by hand is StaleGeneratedHeader", () => {
    const source = [
      'sealed exported interface Shape imm { }',
      'exported struct Circle imm { radius float; }',
      'exported struct Square imm { side int; }',
      'impl Shape for Circle;',
      'impl Shape for Square;',
      '',
    ].join('\n');
    const dir = workspace({ 'src/shapes.vale': source });
    assert.equal(run(['header', 'vtest=src', '--out', 'build/include'], dir).code, 0);
    // A clean build: no warning, and the build's numbers are what header prints.
    const clean = run(['check', 'vtest=src', '--build', 'build', '--format', 'json'], dir);
    assert.equal(clean.code, 0, clean.stderr);
    assert.deepEqual(JSON.parse(clean.stdout).diagnostics, []);
    // Numbers the build chose (here swapped by hand) win over the model, and nothing else differs.
    const ifacePath = join(dir, 'build', 'include', 'vtest', 'Shape.h');
    const built = readFileSync(ifacePath, 'utf8');
    // As a build writes them: in number order.
    const defines = [...built.matchAll(/^#define vtest_Shape_Type_(\w+) (\d)$/gm)];
    assert.equal(defines.length, 2);
    const swapped = built.replace(
      `${defines[0][0]}\n${defines[1][0]}`,
      `#define vtest_Shape_Type_${defines[1][1]} 0\n#define vtest_Shape_Type_${defines[0][1]} 1`,
    );
    writeFileSync(ifacePath, swapped);
    const header = run(['header', 'vtest=src', '--build', 'build'], dir);
    assert.equal(header.code, 0, header.stderr);
    for (const m of swapped.matchAll(/#define (vtest_Shape_Type_\w+ \d)/g)) assert.ok(header.stdout.includes(m[1]), m[1]);
    assert.notEqual(swapped, built);
    assert.deepEqual(JSON.parse(run(['check', 'vtest=src', '--build', 'build', '--format', 'json'], dir).stdout).diagnostics, []);
    // A member removed by hand: the warning on the declaration, with the line.
    const circle = join(dir, 'build', 'include', 'vtest', 'Circle.h');
    writeFileSync(circle, readFileSync(circle, 'utf8').replace('  double radius;\n', ''));
    const stale = run(['check', 'vtest=src', '--build', 'build'], dir);
    assert.equal(stale.code, 0, 'a warning');
    assert.match(
      stale.stdout,
      /src\/shapes\.vale:2:17: warning\[StaleGeneratedHeader\]: build\/include\/vtest\/Circle\.h was generated from an older Circle: it lacks `double radius;`/,
    );
    // No such build: exit 2, said clearly.
    const none = run(['check', 'vtest=src', '--build', 'nowhere'], dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no nowhere\/include directory/);
  });

  test('the example C file builds against the headers the CLI writes for examples/fleet', (t) => {
    if (!haveTools(t, 'c')) return;
    const out = join(tempDir('vale-ffi-hdr-'), 'include');
    const w = run(['header', join(EXAMPLES, 'fleet'), '--project', 'fleet', '--out', out]);
    assert.equal(w.code, 0, w.stderr);
    const source = join(EXAMPLES, 'fleet', 'native', 'report.c');
    for (const file of [source, join(EXAMPLES, 'fleet', 'native', 'arrays.c')]) {
      const cc = spawnSync('gcc', ['-std=gnu11', '-Wall', '-Werror', '-Wno-unused-variable', '-fsyntax-only', `-I${out}`, file], {
        encoding: 'utf8',
      });
      assert.equal(cc.status, 0, cc.stderr);
    }
    // The reference the C file logs is the one its initializer spells as five words.
    const logged = readFileSync(source, 'utf8').match(/fleet=(0x[0-9a-f]{64})/)![1];
    const words = readFileSync(source, 'utf8').match(/kLastReported = (\{[^}]*\})/)![1];
    const a = JSON.parse(run(['decode', logged, '--format', 'json']).stdout),
      b = JSON.parse(run(['decode', words, '--format', 'json']).stdout);
    assert.deepEqual(a.fields, b.fields);
    assert.equal(a.fields.objectGeneration, '0x51');
  });

  test('message prints the objects and bytes (json) or the bytes (hex); bad values exit 2', () => {
    const dir = workspace({ 'k.vale': kinds });
    const value = JSON.stringify({ armed: true, engine: { fuel: 5, efficiency: 0.5 }, crew: 3 });
    const r = run(['message', '--type', 'Ship', '--value', value], dir);
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.equal(m.size, 48);
    assert.deepEqual(m.objects, [
      { kind: 'Ship', offset: 0, size: 24 },
      { kind: 'Engine', offset: 32, size: 16 },
    ]);
    assert.equal(m.bytesHex.length, 96);
    assert.equal(m.bytesHex.slice(16, 32), '2000000000000000', 'the engine pointer is its offset');
    const hex = run(['message', '--type', 'Ship', '--value', value, '--format', 'hex', '--base', '0x7f0000001000'], dir);
    assert.equal(hex.code, 0, hex.stderr);
    assert.equal(hex.stdout.trim().slice(16, 32), '20100000007f0000');
    const bad = run(['message', '--type', 'Ship', '--value', '{"armed": true}'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /cannot lay out Ship: Ship needs member engine/);
    const unknown = run(['message', '--type', 'Boat', '--value', '{}'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no exported kind named Boat \(exported: Engine, Ship, Dock, EnginePair\)/);
  });
});

describe('vale-ffi recording', () => {
  test('decodes each call in text and JSON; a truncated file reports where it stopped (exit 1)', async () => {
    const { CProgram, DEFAULT_TARGET, RecordingWriter, Workspace } = await import('../shared');
    const source =
      'exported struct Dock { n int; }\nexported struct Crate imm { w int; }\nextern func weigh(d &Dock, limit int, c Crate) Crate;\nextern func count() int;\n';
    const ws = new Workspace();
    ws.setFile('/x/ffi.vale', source);
    const p = new CProgram(ws.program(), '', DEFAULT_TARGET);
    const w = new RecordingWriter(p);
    const ref = new Uint8Array(32);
    ref[8] = 0x10;
    w.call('weigh', [ref], { kind: 'message', type: p.findKind('Crate')!, value: { w: 42 } });
    w.call('count', [], { kind: 'int', value: 7 });
    const dir = workspace({
      'src/ffi.vale': source,
      'recording.vale.bin': Buffer.from(w.bytes()),
      'cut.vale.bin': Buffer.from(w.bytes().subarray(0, 60)),
    });
    const text = run(['recording', 'recording.vale.bin', '--source', 'src'], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^recording\.vale\.bin: 2 calls, \d+ bytes$/m);
    assert.match(
      text.stdout,
      /@8 {2}weigh\(d=ref\(object 0x\w+ gen 0x\w+\), limit: int \(not recorded\), c: Crate \(not recorded\)\) -> Crate \{"w":42\} \(16-byte message\)/,
      'every parameter is listed; those the format does not carry are marked',
    );
    assert.match(text.stdout, /\(a recording carries the universal references of mutable arguments only/);
    assert.match(text.stdout, /count\(\) -> 7/);
    const json = JSON.parse(run(['recording', 'recording.vale.bin', '--source', 'src', '--format', 'json'], dir).stdout);
    assert.equal(json.calls[0].callee, 'weigh');
    assert.deepEqual(json.calls[0].params, [
      { name: 'd', type: '&Dock', recorded: true },
      { name: 'limit', type: 'int', recorded: false },
      { name: 'c', type: 'Crate', recorded: false },
    ]);
    assert.deepEqual(json.calls[0].result.value, { w: 42 });
    assert.equal(json.calls[0].args[0].reference.bytesHex.length, 64);
    assert.equal(json.error, null);
    const cut = run(['recording', 'cut.vale.bin', '--source', 'src'], dir);
    assert.equal(cut.code, 1);
    assert.match(cut.stdout, /stopped at byte \d+: the file ends inside/);
    const none = run(['recording', 'recording.vale.bin'], dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /required option '--source <path>' not specified/);
  });
});

describe('long lines', () => {
  test('a 5 MB comment, string or item line is analysed like any other text', () => {
    const dir = workspace({
      'comment.vale': `// ${'x'.repeat(5_000_000)}\nextern func far(x Nope) int;\n`,
      'string.vale': `func f() str { "${'a'.repeat(5_000_000)}" }\n`,
      'items.vale': 'exported struct S imm { x int; } '.repeat(20_000),
    });
    const r = run(['check', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.files, 3);
    assert.deepEqual(
      report.diagnostics.map((d: { file: string; code: string; range: { start: { line: number } } }) => [
        d.file,
        d.range.start.line,
        d.code,
      ]),
      [['comment.vale', 1, 'UnknownKind']],
    );
  });
});

describe('files that are not regular files, or too large', () => {
  test('a FIFO, a device or a file over the cap is an exit-2 message at once, never a read that blocks', () => {
    const dir = workspace({ 'a.vale': 'exported struct Ship imm { fuel int; }\n' });
    const fifo = join(dir, 'pipe.bin');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
    const big = join(dir, 'big.vale');
    writeFileSync(big, Buffer.alloc(16 * 2 ** 20 + 1, 0x20));
    const cases: [string[], RegExp][] = [
      [['check', dir, '--binary', '/dev/zero'], /cannot read \/dev\/zero: a device, not a regular file/],
      [['itables', dir, '--binary', fifo], /pipe\.bin: a FIFO, not a regular file/],
      [['recording', fifo, '--source', dir], /pipe\.bin: a FIFO, not a regular file/],
      [['check', fifo], /pipe\.bin: a FIFO, not a regular file/],
      [['check', big], /big\.vale: 16777217 bytes, over the 16777216-byte limit/],
    ];
    for (const [args, message] of cases) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.error, undefined, `${args.join(' ')} returned`);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
