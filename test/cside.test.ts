// Both sides of the boundary, end to end: the CLI and the language server read the C files of a
// workspace with tree-sitter's C grammar, report what disagrees with the Vale declarations, fix
// the signatures so that gcc compiles the file against the generated headers, and navigate from
// generated names in C to the Vale declarations and back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic, DocumentLink, Hover, Location, TextEdit } from 'vscode-languageserver-protocol';
import fc from 'fast-check';
import { URI } from 'vscode-uri';
import {
  type CParser,
  CParserFailure,
  type CSyntaxNode,
  TARGETS,
  Workspace,
  cSymbolAt,
  cSymbolHover,
  cSymbolTarget,
  generatedIncludes,
} from '../shared';
import { loadCParser, loadCParserThroughCursorObjects, shallowC } from '../server/cparser';
import { anyText, mutatedText } from './support/arbitraries';
import { TestClient } from './support/lsp-client';
import { tempDir } from './support/temp';
import { haveTools } from './support/tools';

const CLI = join(__dirname, '..', 'dist', 'cli.js');

const VALE = `exported struct Ship imm { fuel int; crew i64; }
sealed exported interface IShip imm { }
exported struct Kite imm { span int; }
impl IShip for Ship;
impl IShip for Kite;
extern func cAdd(a int, b i64) i64;
extern func cRatio(s Ship) float;
extern func cKind(s IShip) int;
`;

// A mismatched parameter (line 6), a mismatched return (line 8), a correct definition (line 10).
const C = `#include <stdint.h>
#include "vtest/cAdd.h"
#include "vtest/cRatio.h"
#include "vtest/cKind.h"
#include "vtest/Ship.h"
int64_t vtest_cAdd(int32_t a, int32_t b) { return a + b; }
// Vale's float is a double.
float vtest_cRatio(vtest_Ship* s) { return (float)s->fuel / (float)s->crew; }
// Right: a Kite or a Ship.
int32_t vtest_cKind(vtest_IShip s) {
  switch (s.type) {
    case vtest_IShip_Type_Kite: return 1;
    case vtest_IShip_Type_Ship: return 2;
  }
  return 0;
}
`;

function at(text: string, needle: string, delta = 0): { line: number; character: number } {
  const i = text.indexOf(needle) + delta;
  const before = text.slice(0, i);
  return { line: before.split('\n').length - 1, character: i - before.lastIndexOf('\n') - 1 };
}

function workspace(): string {
  const dir = tempDir('vale-ffi-cside-');
  mkdirSync(join(dir, 'vtest', 'native'), { recursive: true });
  writeFileSync(join(dir, 'vtest', 'main.vale'), VALE);
  writeFileSync(join(dir, 'vtest', 'native', 'impl.c'), C);
  return dir;
}

function cli(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function gcc(dir: string, include: string): { status: number | null; stderr: string } {
  const r = spawnSync(
    'gcc',
    ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', `-I${include}`, join(dir, 'vtest', 'native', 'impl.c')],
    {
      encoding: 'utf8',
    },
  );
  return { status: r.status, stderr: r.stderr };
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const offset = (p: { line: number; character: number }): number => {
    const lines = text.split('\n');
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  };
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

describe('C files checked against the Vale declarations (CLI)', () => {
  test('exactly two CSignatureMismatch errors, on the C lines that differ; the rest is clean', () => {
    const dir = workspace();
    const r = cli(['check', 'vtest=vtest', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.files, 2);
    assert.deepEqual(
      report.diagnostics.map((d: { file: string; code: string; range: { start: { line: number } } }) => [
        d.file,
        d.code,
        d.range.start.line,
      ]),
      [
        ['vtest/native/impl.c', 'CSignatureMismatch', 5],
        ['vtest/native/impl.c', 'CSignatureMismatch', 7],
      ],
    );
    assert.match(report.diagnostics[0].message, /parameter 2 \(b\) is `int32_t`, the backend passes `int64_t`/);
    assert.match(report.diagnostics[1].message, /it returns `float`, the backend expects `double`/);
  });

  test('gcc agrees: the file does not compile against the generated headers', (t) => {
    if (!haveTools(t, 'c')) return;
    const dir = workspace();
    assert.equal(cli(['header', 'vtest=vtest', '--out', 'include'], dir).code, 0);
    const r = gcc(dir, join(dir, 'include'));
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /conflicting types for .vtest_cAdd/);
    assert.match(r.stderr, /conflicting types for .vtest_cRatio/);
  });
});

describe('C files in the language server', () => {
  const dir = workspace();
  const cPath = join(dir, 'vtest', 'native', 'impl.c');
  const cUri = URI.file(cPath).toString();
  const valeUri = URI.file(join(dir, 'vtest', 'main.vale')).toString();
  const client = new TestClient();

  before(async () => {
    await client.initialize(URI.file(dir).toString(), {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: cUri, languageId: 'c', version: 1, text: C } });
    await client.waitFor(
      'the C diagnostics',
      () => (client.diagnostics.get(cUri) ?? []).filter((d) => d.code === 'CSignatureMismatch').length === 2,
    );
  });
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('the quick fixes rewrite both signatures, and gcc compiles the file with -Wall -Wextra -Werror', async (t) => {
    let text = C;
    for (const d of client.diagnostics.get(cUri)!.filter((x) => x.code === 'CSignatureMismatch')) {
      const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: cUri },
        range: d.range,
        context: { diagnostics: [d] },
      });
      const fix = actions.find((a) => a.title === 'Use the signature the backend generates');
      assert.ok(fix?.edit?.changes?.[cUri], JSON.stringify(actions));
      text = applyEdits(text, fix.edit.changes[cUri]);
      // Each fix is applied to what the editor shows, as VS Code does.
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: cUri, version: 2 + text.length },
        contentChanges: [{ text }],
      });
    }
    assert.match(text, /int64_t vtest_cAdd\(int32_t a, int64_t b\)/);
    assert.match(text, /double vtest_cRatio\(vtest_Ship\* s\)/);
    await client.waitFor('no CSignatureMismatch after the fixes', () =>
      (client.diagnostics.get(cUri) ?? []).every((d: Diagnostic) => d.code !== 'CSignatureMismatch'),
    );
    if (!haveTools(t, 'c')) return;
    writeFileSync(cPath, text);
    assert.equal(cli(['header', 'vtest=vtest', '--out', 'include'], dir).code, 0);
    const r = gcc(dir, join(dir, 'include'));
    assert.equal(r.status, 0, r.stderr);
    writeFileSync(cPath, C);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: cUri, version: 10_000 },
      contentChanges: [{ text: C }],
    });
  });

  test('definition from generated names and members in C to the Vale declarations, and from an extern to its C definition', async () => {
    const vale = VALE;
    const def = async (uri: string, position: { line: number; character: number }): Promise<Location[]> => {
      const r: Location | Location[] | null = await client.connection.sendRequest('textDocument/definition', {
        textDocument: { uri },
        position,
      });
      return r === null ? [] : Array.isArray(r) ? r : [r];
    };
    const [kind] = await def(cUri, at(C, 'vtest_Ship* s', 3));
    assert.deepEqual([kind.uri, kind.range.start], [valeUri, at(vale, 'Ship imm')]);
    const [field] = await def(cUri, at(C, 's->crew', 4));
    assert.deepEqual([field.uri, field.range.start], [valeUri, at(vale, 'crew i64')]);
    const [tag] = await def(cUri, at(C, 'vtest_IShip_Type_Kite', 2));
    assert.deepEqual([tag.uri, tag.range.start], [valeUri, at(vale, 'Kite imm')]);
    const [fn] = await def(cUri, at(C, 'vtest_cKind', 1));
    assert.deepEqual([fn.uri, fn.range.start], [valeUri, at(vale, 'cKind(')]);
    const [impl] = await def(valeUri, at(vale, 'cKind(', 1));
    assert.deepEqual([impl.uri, impl.range.start], [cUri, at(C, 'vtest_cKind(')]);
  });

  test('references of a Vale kind and of an extern include their C uses', async () => {
    const refs: Location[] = await client.connection.sendRequest('textDocument/references', {
      textDocument: { uri: valeUri },
      position: at(VALE, 'Ship imm'),
      context: { includeDeclaration: false },
    });
    const inC = refs.filter((r) => r.uri === cUri).map((r) => r.range.start);
    assert.deepEqual(inC, [at(C, 'vtest_Ship* s')]);
    assert.ok(
      refs.some((r) => r.uri === valeUri),
      'the Vale references too',
    );
    const fnRefs: Location[] = await client.connection.sendRequest('textDocument/references', {
      textDocument: { uri: cUri },
      position: at(C, 'vtest_cAdd', 2),
      context: { includeDeclaration: true },
    });
    assert.deepEqual(
      fnRefs.map((r) => [r.uri, r.range.start.line]),
      [
        [valeUri, 5],
        [cUri, 5],
      ],
    );
  });

  test('hover in C: a kind shows its Vale declaration and C layout, a member its offset, a tag its struct', async () => {
    const hover = async (position: { line: number; character: number }): Promise<string> => {
      const h: Hover | null = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: cUri }, position });
      return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    };
    assert.match(
      await hover(at(C, 'vtest_Ship* s', 2)),
      /\*\*struct Ship\*\* \(imm\) — C `vtest_Ship`[\s\S]*size 16, align 8[\s\S]*\| 8 \| 8 \| 8 \| `crew` \| `int64_t` \|/,
    );
    assert.match(await hover(at(C, 's->crew', 4)), /\*\*Ship\.crew\*\* — `int64_t`\n\noffset 8, size 8, align 8 in `vtest_Ship`/);
    assert.match(
      await hover(at(C, 'vtest_IShip_Type_Kite', 3)),
      /\*\*vtest_IShip_Type_Kite\*\* = \d: the `type` of a `vtest_IShip` whose `obj` is a `vtest_Kite\*`/,
    );
    assert.match(await hover(at(C, 'vtest_cAdd', 3)), /\*\*extern func cAdd\*\* — implemented in C/);
  });

  test('rename of a kind: every Vale reference and its generated names in C', async () => {
    const prepared: { start: { line: number } } | null = await client.connection.sendRequest('textDocument/prepareRename', {
      textDocument: { uri: valeUri },
      position: at(VALE, 'Ship imm', 1),
    });
    assert.deepEqual(prepared?.start, at(VALE, 'Ship imm'));
    const edit: { changes: Record<string, TextEdit[]> } = await client.connection.sendRequest('textDocument/rename', {
      textDocument: { uri: valeUri },
      position: at(VALE, 'Ship imm', 1),
      newName: 'Vessel',
    });
    const vale = applyEdits(VALE, edit.changes[valeUri]);
    assert.doesNotMatch(vale, /\bShip\b/);
    assert.match(vale, /exported struct Vessel imm/);
    assert.match(vale, /impl IShip for Vessel;/);
    const c = applyEdits(C, edit.changes[cUri]);
    assert.match(c, /float vtest_cRatio\(vtest_Vessel\* s\)/);
    assert.match(c, /case vtest_IShip_Type_Vessel:/);
    assert.doesNotMatch(c, /vtest_Ship\b/);
  });

  test('rename of a member renames its C field uses; rename of an extern renames its C definition', async () => {
    const member: { changes: Record<string, TextEdit[]> } = await client.connection.sendRequest('textDocument/rename', {
      textDocument: { uri: valeUri },
      position: at(VALE, 'crew i64', 1),
      newName: 'staff',
    });
    assert.match(applyEdits(VALE, member.changes[valeUri]), /exported struct Ship imm \{ fuel int; staff i64; \}/);
    assert.match(applyEdits(C, member.changes[cUri]), /return \(float\)s->fuel \/ \(float\)s->staff;/);
    const extern: { changes: Record<string, TextEdit[]> } = await client.connection.sendRequest('textDocument/rename', {
      textDocument: { uri: valeUri },
      position: at(VALE, 'cAdd(', 1),
      newName: 'cSum',
    });
    assert.match(applyEdits(VALE, extern.changes[valeUri]), /^extern func cSum\(a int, b i64\) i64;$/m);
    const c = applyEdits(C, extern.changes[cUri]);
    assert.match(c, /^int64_t vtest_cSum\(int32_t a, int32_t b\)/m);
    assert.doesNotMatch(c, /vtest_cAdd\(/);
    // What cannot be renamed safely is refused with the reason.
    await assert.rejects(
      client.connection.sendRequest('textDocument/prepareRename', {
        textDocument: { uri: valeUri },
        position: at(VALE, 'extern func cAdd', 1),
      }),
      /nothing to rename here/,
    );
  });

  test('#include of a generated header is a document link to it', async () => {
    const links: DocumentLink[] = await client.connection.sendRequest('textDocument/documentLink', { textDocument: { uri: cUri } });
    assert.deepEqual(
      links.map((l) => [l.target, l.range.start]),
      [
        ['vale-ffi-header:vtest/cAdd.h', at(C, 'vtest/cAdd.h')],
        ['vale-ffi-header:vtest/cRatio.h', at(C, 'vtest/cRatio.h')],
        ['vale-ffi-header:vtest/cKind.h', at(C, 'vtest/cKind.h')],
        ['vale-ffi-header:vtest/Ship.h', at(C, 'vtest/Ship.h')],
      ],
    );
    assert.equal(readFileSync(cPath, 'utf8'), C);
  });

  test('typing in a C file, a character at a time: the diagnostics of the last version, moved with what they point into', async () => {
    let text = C;
    let version = 20_000;
    const change = async (start: number, end: number, newText: string): Promise<void> => {
      const range = { start: at(text, '', start), end: at(text, '', end) };
      text = text.slice(0, start) + newText + text.slice(end);
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: cUri, version: ++version },
        contentChanges: [{ range, text: newText }],
      });
    };
    const answered = (what: string) => client.waitFor(what, () => client.versions.get(cUri) === version);
    const places = () => (client.diagnostics.get(cUri) ?? []).map((d: Diagnostic) => [d.code, d.range.start.line, d.range.start.character]);
    // A function typed at the end, one keystroke per character.
    for (const ch of 'void vtest_poke(vtest_Ship* s) { s->fule = 1; }\n') await change(text.length, text.length, ch);
    await answered('the typed function');
    const typed = [
      ['CSignatureMismatch', at(text, 'vtest_cAdd(').line, at(text, 'vtest_cAdd(').character],
      ['CSignatureMismatch', at(text, 'vtest_cRatio(').line, at(text, 'vtest_cRatio(').character],
      ['UnknownCField', at(text, 'fule').line, at(text, 'fule').character],
    ];
    assert.deepEqual(places(), typed);
    // A line above everything: every diagnostic one line down; then taken away again.
    await change(0, 0, '// top\n');
    await answered('the line above');
    assert.deepEqual(
      places(),
      typed.map(([code, line, character]) => [code, (line as number) + 1, character]),
    );
    await change(0, '// top\n'.length, '');
    await answered('the line taken away');
    assert.deepEqual(places(), typed);
    // The misspelled member mended in place.
    const fule = text.indexOf('fule');
    await change(fule + 2, fule + 4, 'el');
    await answered('the member mended');
    assert.deepEqual(places(), typed.slice(0, 2));
    // Back to the file as it was, for the tests after this one.
    await change(0, text.length, C);
    await answered('the file as it was');
  });

  test('shutdown and exit', async () => {
    assert.equal(await client.shutdown(), 0);
  });
});

describe('the C project: the same in the CLI and the language server', () => {
  // The externs are defined with another prefix (bar_) than the module's (foo); uses.c reads a
  // field Ship does not have through the module's generated name.
  const files: Record<string, string> = {
    'src/main.vale': 'exported struct Ship imm { fuel int; }\nextern func launch(s int) int;\n',
    'src/impl.c': '#include <stdint.h>\nint64_t bar_launch(int64_t s) { return s; }\n',
    'src/uses.c': '#include "foo/Ship.h"\nint32_t fuelOf(foo_Ship* s) { return s->speed; }\n',
  };
  const make = (config?: object): string => {
    const dir = tempDir('vale-ffi-cproject-');
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    if (config) writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify(config));
    return dir;
  };
  /** A finding, by file (relative to the folder), with its range, code and severity's name. */
  type Finding = { file: string; range: Diagnostic['range']; code: string; severity: string };
  /** `check`'s findings in `dir` (its exit status `status` when given, else 0 or 1). */
  const reported = (dir: string, args: readonly string[], status?: number): Finding[] => {
    const r = cli(['check', ...args, '--format', 'json'], dir);
    if (status !== undefined) assert.equal(r.code, status, r.stderr);
    else assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return (JSON.parse(r.stdout) as { diagnostics: Finding[] }).diagnostics;
  };
  /** What the server has published for the files of `dir`, as `check` reports them. */
  const published = (client: TestClient, dir: string): Finding[] =>
    [...client.diagnostics].flatMap(([uri, ds]) =>
      ds.map((d) => ({
        file: URI.parse(uri).fsPath.slice(dir.length + 1),
        range: d.range,
        code: String(d.code),
        severity: ['', 'error', 'warning', 'information', 'hint'][d.severity ?? 1],
      })),
    );
  /** Findings as `file:line code`, sorted. */
  const lines = (fs: readonly Finding[]): string[] => fs.map((d) => `${d.file}:${d.range.start.line + 1} ${d.code}`).sort();
  const checked = (dir: string, args: readonly string[]): string[] => lines(reported(dir, args));
  // The module names the project: foo_launch is not defined, and uses.c is read (its prefix is the
  // project's) and checked, whatever prefix the C files use for the externs.
  const moduleProject = ['src/main.vale:2 ExternNotImplemented', 'src/uses.c:2 UnknownCField'];

  test('check: the first NAME=DIR module names the project, and the C files with its prefix are read', () => {
    assert.deepEqual(checked(make(), ['foo=src']), moduleProject);
  });

  test("check: the configuration's first module names the project", () => {
    assert.deepEqual(checked(make({ modules: { foo: 'src' } }), []), moduleProject);
  });

  test('check without modules: the project is the prefix the C files define the externs with', () => {
    // bar_launch is read as the definition of launch (and has the wrong widths); uses.c's foo_ is nobody's.
    assert.deepEqual(checked(make(), ['src']), ['src/impl.c:2 CSignatureMismatch']);
  });

  // The server's settings, and `check`'s arguments naming the same modules.
  for (const [name, config, settings, args, expected, project] of [
    ["the configuration's modules", { modules: { foo: 'src' } }, {}, [], moduleProject, 'foo'],
    ['the valeFfi.modules setting', undefined, { modules: { foo: 'src' } }, ['foo=src'], moduleProject, 'foo'],
    ['no modules (one per folder)', undefined, {}, [], ['src/impl.c:2 CSignatureMismatch'], 'bar'],
  ] as const) {
    test(`the language server with ${name}: the project and the diagnostics of check`, async () => {
      const dir = make(config);
      const client = new TestClient();
      try {
        await client.initialize(URI.file(dir).toString(), settings);
        await client.waitFor('the workspace analysed', () => client.statuses.some((s) => s.state === 'ready'));
        assert.equal(client.statuses.at(-1)?.project, project);
        const found = (): string[] => lines(published(client, dir));
        await client.waitFor(`the diagnostics ${expected.join(', ')}`, () => found().join() === [...expected].sort().join());
        // What check reports on the same folder, its configuration read.
        assert.deepEqual(checked(dir, args), found());
      } finally {
        if (client.process.exitCode === null) client.process.kill();
      }
    });
  }

  test("examples/ under a configuration of modules and severities: the server publishes check's report, severities included", async () => {
    const dir = tempDir('vale-ffi-cproject-examples-');
    cpSync(join(__dirname, '..', 'examples'), dir, { recursive: true });
    const config = {
      modules: { fleet: 'fleet', harbor: 'harbor' },
      severity: { ExternNotImplemented: 'off', NonHierarchicalImmutable: 'warning', TypeExportedMultipleTimes: 'hint' },
    };
    writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify(config));
    /** Findings as `file:line:column code severity`, sorted. */
    const full = (fs: readonly Finding[]): string[] =>
      fs.map((d) => `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.severity}`).sort();
    const expected = full(reported(dir, [], 1));
    // The configuration reached the report: a code turned off, two made milder, the rest as they were.
    assert.ok(!expected.some((x) => x.includes('ExternNotImplemented')), expected.join('\n'));
    assert.ok(
      expected.some((x) => x.endsWith('NonHierarchicalImmutable warning')),
      expected.join('\n'),
    );
    assert.ok(
      expected.some((x) => x.endsWith('TypeExportedMultipleTimes hint')),
      expected.join('\n'),
    );
    assert.ok(
      expected.some((x) => x.endsWith('ExternHasBody error')),
      expected.join('\n'),
    );
    const client = new TestClient();
    try {
      await client.initialize(URI.file(dir).toString(), {});
      await client.waitFor('the workspace analysed', () => client.statuses.some((s) => s.state === 'ready'));
      assert.equal(client.statuses.at(-1)?.project, 'fleet');
      await client.waitFor(`the diagnostics of check (${expected.length})`, () => full(published(client, dir)).join() === expected.join());
    } finally {
      if (client.process.exitCode === null) client.process.kill();
    }
  });
});

describe('C reading never fails', () => {
  let parser: CParser | undefined;
  before(async () => {
    parser = await loadCParser();
  });

  // Fragments of the C the checks look at, cut and mixed with anything.
  const C_FRAGMENTS = [
    'int32_t ',
    'vtest_',
    'Ship',
    'Ref',
    '*',
    '(',
    ')',
    '{',
    '}',
    ';',
    ',',
    '->',
    '.',
    'fuel',
    'switch (s.type) {',
    'case vtest_IShip_Type_Kite:',
    'default:',
    'return ',
    '#include "vtest/Ship.h"\n',
    'typedef ',
    'const ',
    'struct ',
    '...',
    'vtest_cAdd',
    'vtest_fuelOf(',
    '\n',
    '"',
    "'",
    '/*',
    '*/',
    '//',
    '\\',
    '\u0000',
    '\ud83d\ude00',
    '[',
    ']',
    '#define ',
  ];
  const cSoup = fc.array(fc.constantFrom(...C_FRAGMENTS), { maxLength: 120 }).map((p) => p.join(''));

  test('any text as a C file: read, checked, navigated and hovered without an exception', () => {
    assert.ok(parser);
    fc.assert(
      fc.property(fc.oneof(cSoup, mutatedText([C]), anyText), fc.nat(), (text, at) => {
        const ws = new Workspace();
        ws.setCParser(parser);
        ws.setCProject('vtest');
        ws.setFile('/w/vtest/main.vale', VALE);
        assert.ok(ws.setCFile('/w/vtest/native/x.c', text));
        ws.allDiagnostics();
        const summary = ws.cFile('/w/vtest/native/x.c')!;
        const program = ws.cProgram('vtest', TARGETS[0]);
        const s = cSymbolAt(program, summary, at % (text.length + 1));
        if (s) {
          cSymbolHover(program, s, 'decimal');
          cSymbolTarget(s);
        }
        generatedIncludes(program, summary);
      }),
      { numRuns: 400, seed: 0x17c },
    );
  });

  test('C nested past what tree-sitter can take is read but for its deepest groups, and the parser reads on', () => {
    assert.ok(parser);
    // The shapes that overflowed the runtime's stack at about 2,000 levels (and broke every later
    // parse), and plain parentheses and blocks, which it took 50,000 deep.
    const text = (open: string, close: string, n: number) =>
      `int32_t f(vtest_Ship* s) { vtest_Ship* t = s; int32_t x = t->fuel; ${open.repeat(n)}vtest_cAdd(t->crew, x)${close.repeat(n)}; { vtest_Kite* t = 0; return t->span; } }\n`;
    const ws = new Workspace();
    ws.setCParser(parser);
    ws.setCProject('vtest');
    ws.setFile('/w/vtest/main.vale', VALE);
    // The fields of the Vale kinds (an initializer's designators are read as fields too).
    const fields = (path: string) =>
      ws
        .cFile(path)!
        .fields.filter((u) => u.field !== 'a')
        .map((u) => [u.field, u.baseType]);
    for (const [open, close, n] of [
      ['({ ', '; })', 3_000],
      ['{ .a = ', ' }', 3_000],
      ['{ (', '); }', 50_000],
      ['(', ')', 50_000],
      ['{ ', '; }', 50_000],
    ] as const) {
      assert.ok(ws.setCFile('/w/vtest/native/deep.c', text(open, close, n)), open);
      ws.allDiagnostics();
      // What lies past the limit is not read; the rest is.
      assert.deepEqual(
        fields('/w/vtest/native/deep.c'),
        [
          ['fuel', 'vtest_Ship*'],
          ['span', 'vtest_Kite*'],
        ],
        open,
      );
      // Under the limit, all of it.
      assert.ok(ws.setCFile('/w/vtest/native/deep.c', text(open, close, 10)));
      assert.deepEqual(
        fields('/w/vtest/native/deep.c'),
        [
          ['fuel', 'vtest_Ship*'],
          ['crew', 'vtest_Ship*'],
          ['span', 'vtest_Kite*'],
        ],
        open,
      );
      // Edits over a tree of a blanked text, and into one, read as the file read whole.
      const deep = text(open, close, n);
      const at = deep.indexOf('vtest_cAdd');
      assert.ok(ws.editCFile('/w/vtest/native/deep.c', [{ start: 0, end: text(open, close, 10).length, newText: deep }], deep));
      const typed = `${deep.slice(0, at)}x${deep.slice(at)}`;
      assert.ok(ws.editCFile('/w/vtest/native/deep.c', [{ start: at, end: at, newText: 'x' }], typed));
      assert.deepEqual(
        fields('/w/vtest/native/deep.c'),
        [
          ['fuel', 'vtest_Ship*'],
          ['span', 'vtest_Kite*'],
        ],
        open,
      );
    }
    assert.equal(ws.cReadFailure, undefined);
    // The parser still reads: a file with the fixture's C reads as it did.
    assert.ok(ws.setCFile('/w/vtest/native/x.c', C));
    assert.ok(ws.cFile('/w/vtest/native/x.c')!.functions.length > 0);
  });

  test('brackets nested past the limit are blanked: offsets and line breaks kept, the rest as written, depth within the limit', () => {
    const soup = fc.array(
      fc.constantFrom('(', ')', '[', ']', '{', '}', 'a', ' ', '\n', '\r\n', '"(', ')"', "'{'", '/* ( */', '// {\n', '\\'),
      { maxLength: 80 },
    );
    fc.assert(
      fc.property(soup, fc.integer({ min: 0, max: 4 }), (parts, limit) => {
        const text = parts.join('');
        const out = shallowC(text, limit);
        assert.equal(out.length, text.length);
        for (let i = 0; i < text.length; i++) {
          if (out[i] === text[i]) continue;
          assert.equal(out[i], ' ', `only blanks: ${JSON.stringify({ text, out })}`);
          assert.ok(text[i] !== '\n' && text[i] !== '\r');
        }
        assert.equal(shallowC(out, limit), out, 'blanked once is enough');
        assert.equal(shallowC(text, 1_000), text);
      }),
      { numRuns: 2_000, seed: 0x5c },
    );
    // Brackets alone: the nesting left is within the limit, and every group within it is kept.
    fc.assert(
      fc.property(fc.array(fc.constantFrom('(', ')', '{', '}', 'a'), { maxLength: 60 }), fc.integer({ min: 0, max: 4 }), (parts, limit) => {
        const text = parts.join('');
        const out = shallowC(text, limit);
        let depth = 0;
        let deepest = 0;
        for (const ch of out) {
          if (ch === '(' || ch === '{') deepest = Math.max(deepest, ++depth);
          else if (ch === ')' || ch === '}') depth = Math.max(0, depth - 1);
        }
        assert.ok(deepest <= limit, JSON.stringify({ text, out }));
        depth = 0;
        for (let i = 0; i < text.length; i++) {
          const ch = text[i];
          if (ch === ')' || ch === '}') depth = Math.max(0, depth - 1);
          if (depth < limit) assert.equal(out[i], ch, JSON.stringify({ text, out, i }));
          if (ch === '(' || ch === '{') depth++;
        }
      }),
      { numRuns: 2_000, seed: 0x5d },
    );
  });

  test('a parser that fails leaves the file unread, says why, and the analysis goes on', () => {
    const failing = Object.assign((): never => {
      throw new CParserFailure('the C parser failed (memory access out of bounds)');
    }, {});
    const ws = new Workspace();
    ws.setCParser(failing);
    ws.setCProject('vtest');
    ws.setFile('/w/vtest/main.vale', VALE);
    assert.equal(ws.setCFile('/w/vtest/native/x.c', C), false);
    assert.match(ws.cReadFailure ?? '', /memory access out of bounds/);
    assert.equal(ws.cFile('/w/vtest/native/x.c'), undefined);
    const withoutC = new Workspace();
    withoutC.setFile('/w/vtest/main.vale', VALE);
    assert.deepEqual(ws.allDiagnostics(), withoutC.allDiagnostics(), 'the Vale files are checked as without C files');
    // A reader bug is not a parser failure: it still throws.
    ws.setCParser(() => {
      throw new TypeError('a bug');
    });
    assert.throws(() => ws.setCFile('/w/vtest/native/y.c', C), TypeError);
  });
});

describe('C trees copied through the runtime', () => {
  // A top-level item as the reader sees it: every named node, its place, its field.
  const shape = (n: CSyntaxNode): unknown => [
    n.type,
    n.startIndex,
    n.endIndex,
    (n as CSyntaxNode & { fieldName?: string | null }).fieldName ?? null,
    n.namedChildren.map(shape),
  ];
  const copies = (parser: CParser, text: string) => {
    const parse = parser(text);
    try {
      return parse.all().map((item) => shape(item.node()));
    } finally {
      parse.release();
    }
  };

  test("the runtime's own cursor functions copy every tree as web-tree-sitter's cursor objects do", async () => {
    const direct = await loadCParser();
    const objects = await loadCParserThroughCursorObjects();
    assert.ok(direct && objects);
    const examples = [
      join(__dirname, '..', 'examples', 'fleet', 'native', 'arrays.c'),
      join(__dirname, '..', 'examples', 'fleet', 'native', 'report.c'),
    ];
    for (const file of examples) {
      const text = readFileSync(file, 'utf8');
      const a = copies(direct, text);
      assert.ok(a.length > 5, file);
      assert.deepEqual(a, copies(objects, text), file);
    }
    fc.assert(
      fc.property(fc.oneof(mutatedText([C, ...examples.map((f) => readFileSync(f, 'utf8'))]), anyText), (text) => {
        assert.deepEqual(copies(direct, text), copies(objects, text));
      }),
      { numRuns: 300, seed: 0x7ee },
    );
  });
});

describe('writing the C side from the editor', () => {
  const dir = tempDir('vale-ffi-cstubs-');
  mkdirSync(join(dir, 'vtest', 'native'), { recursive: true });
  mkdirSync(join(dir, 'vtest', 'sub'), { recursive: true });
  const valeText = `${VALE}extern func cFree(x int, y i64) bool;\nextern func cName() str;\n`;
  const subText = 'extern func cDeep(depth float) float;\n';
  const implText = `#include <stdint.h>\n#include "vtest/cAdd.h"\nint64_t vtest_cAdd(int32_t a, int64_t b) { return a + b; }\n`;
  writeFileSync(join(dir, 'vtest', 'main.vale'), valeText);
  writeFileSync(join(dir, 'vtest', 'sub', 'deep.vale'), subText);
  writeFileSync(join(dir, 'vtest', 'native', 'impl.c'), implText);
  writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({ modules: { vtest: 'vtest' } }));
  const valeUri = URI.file(join(dir, 'vtest', 'main.vale')).toString();
  const subUri = URI.file(join(dir, 'vtest', 'sub', 'deep.vale')).toString();
  const implPath = join(dir, 'vtest', 'native', 'impl.c');
  const implUri = URI.file(implPath).toString();
  const client = new TestClient();
  const eni = (uri: string): Diagnostic[] => (client.diagnostics.get(uri) ?? []).filter((d) => d.code === 'ExternNotImplemented');

  before(async () => {
    await client.initialize(URI.file(dir).toString(), {});
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: implUri, languageId: 'c', version: 1, text: implText },
    });
    await client.waitFor(
      'ExternNotImplemented on the externs C does not define',
      () => eni(valeUri).length === 4 && eni(subUri).length === 1,
    );
  });
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('the quick fix adds the definition to the C file of the package, the source action adds all the others, and gcc compiles the result', async (t) => {
    const d = eni(valeUri).find((x) => String(x.message).includes('vtest_cFree'))!;
    const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: valeUri },
      range: d.range,
      context: { diagnostics: [d] },
    });
    const fix = actions.find((a) => a.title === 'Create C implementation in impl.c');
    assert.ok(fix?.edit?.changes?.[implUri], JSON.stringify(actions));
    let text = applyEdits(implText, fix.edit.changes[implUri]);
    assert.match(text, /#include "vtest\/cAdd.h"\n#include "vtest\/cFree.h"\n/);
    assert.match(text, /int8_t vtest_cFree\(int32_t x, int64_t y\) \{\n {2}\(void\)x;\n {2}\(void\)y;/);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: implUri, version: 2 },
      contentChanges: [{ text }],
    });
    await client.waitFor('one ExternNotImplemented fewer', () => eni(valeUri).length === 3);

    const source: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: implUri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source'] },
    });
    const all = source.find((a) => a.title === 'Implement the missing Vale externs');
    assert.ok(all?.edit?.changes?.[implUri], JSON.stringify(source));
    text = applyEdits(text, all.edit.changes[implUri]);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: implUri, version: 3 },
      contentChanges: [{ text }],
    });
    await client.waitFor('no ExternNotImplemented left', () => eni(valeUri).length === 0 && eni(subUri).length === 0);
    if (!haveTools(t, 'c')) return;
    writeFileSync(implPath, text);
    assert.equal(cli(['header', 'vtest=vtest', '--out', 'include'], dir).code, 0);
    const r = gcc(dir, join(dir, 'include'));
    assert.equal(r.status, 0, `${r.stderr}\n${text}`);
    writeFileSync(implPath, implText);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: implUri, version: 4 },
      contentChanges: [{ text: implText }],
    });
    await client.waitFor('the externs missing again', () => eni(subUri).length === 1);
  });

  test('a package without a C file: the quick fix creates one beside it, in one undoable edit', async () => {
    const [d] = eni(subUri);
    const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: subUri },
      range: d.range,
      context: { diagnostics: [d] },
    });
    const fix = actions.find((a) => a.title === 'Create C implementation in sub_externs.c');
    assert.ok(fix?.edit?.documentChanges, JSON.stringify(actions));
    const newUri = URI.file(join(dir, 'vtest', 'sub', 'native', 'sub_externs.c')).toString();
    const [create, edit] = fix.edit.documentChanges as [
      { kind: string; uri: string },
      { textDocument: { uri: string }; edits: TextEdit[] },
    ];
    assert.deepEqual([create.kind, create.uri, edit.textDocument.uri], ['create', newUri, newUri]);
    assert.match(
      edit.edits[0].newText,
      /#include "vtest\/cDeep.h"\n[\s\S]*double vtest_cDeep\(double depth\) \{\n {2}\(void\)depth;\n {2}\/\/ TODO: implement cDeep\.\n {2}return 0\.0;\n\}/,
    );
  });

  test('the hover of an exported function shows the prototype C calls and a call with placeholders', async () => {
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: valeUri, languageId: 'vale', version: 1, text: `${valeText}exported func twice(s Ship, n int) i64 { 0i64 }\n` },
    });
    const text = `${valeText}exported func twice(s Ship, n int) i64 { 0i64 }\n`;
    const h: Hover | null = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: valeUri },
      position: at(text, 'twice', 1),
    });
    const value = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.match(value, /extern int64_t vtest_twice\(vtest_Ship\* param0, int32_t param1\);/);
    assert.match(value, /int64_t result = vtest_twice\(\/\* s \*\/ \(vtest_Ship\*\)NULL, \/\* n \*\/ 0\);/);
  });

  test('shutdown and exit', async () => {
    assert.equal(await client.shutdown(), 0);
  });
});

describe('the source action, for an editor that fills a code action in when it is chosen', () => {
  const dir = tempDir('vale-ffi-cresolve-');
  mkdirSync(join(dir, 'vtest', 'native'), { recursive: true });
  const valeText = `${VALE}extern func cFree(x int, y i64) bool;\nextern func cName() str;\n`;
  const implText = `#include <stdint.h>\n#include "vtest/cAdd.h"\nint64_t vtest_cAdd(int32_t a, int64_t b) { return a + b; }\n`;
  writeFileSync(join(dir, 'vtest', 'main.vale'), valeText);
  writeFileSync(join(dir, 'vtest', 'native', 'impl.c'), implText);
  writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({ modules: { vtest: 'vtest' } }));
  const valeUri = URI.file(join(dir, 'vtest', 'main.vale')).toString();
  const implUri = URI.file(join(dir, 'vtest', 'native', 'impl.c')).toString();
  const client = new TestClient();
  const eni = (): Diagnostic[] => (client.diagnostics.get(valeUri) ?? []).filter((d) => d.code === 'ExternNotImplemented');
  after(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  test('is offered without its edit, which resolving it makes; once every extern is defined it is not offered', async () => {
    await client.initialize(URI.file(dir).toString(), {}, { textDocument: { codeAction: { resolveSupport: { properties: ['edit'] } } } });
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: implUri, languageId: 'c', version: 1, text: implText },
    });
    await client.waitFor('ExternNotImplemented on the externs C does not define', () => eni().length > 0);
    const ask = (): Promise<CodeAction[]> =>
      client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: implUri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [] },
      });
    const offered = (await ask()).find((a) => a.title === 'Implement the missing Vale externs');
    assert.ok(offered, 'the action is offered');
    assert.equal(offered.edit, undefined, 'its edit is made when it is chosen');
    const resolved: CodeAction = await client.connection.sendRequest('codeAction/resolve', offered);
    assert.ok(resolved.edit?.changes?.[implUri], JSON.stringify(resolved));
    const text = applyEdits(implText, resolved.edit.changes[implUri]);
    for (const name of ['vtest_cFree', 'vtest_cName']) assert.match(text, new RegExp(`\\b${name}\\([^)]*\\) \\{`), text);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: implUri, version: 2 },
      contentChanges: [{ text }],
    });
    await client.waitFor('no ExternNotImplemented left', () => client.versions.has(valeUri) && eni().length === 0);
    assert.equal(
      (await ask()).find((a) => a.title === 'Implement the missing Vale externs'),
      undefined,
      'nothing left to implement',
    );
  });
});
