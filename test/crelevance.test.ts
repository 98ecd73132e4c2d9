// `check` reads a C file with the grammar only where its words may name what the checks read
// (shared/c/relevance.ts, server/cli/files.ts `addCFilesAsNeeded`); the rest is set unread. The
// diagnostics and the project must be those of every file read.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type CParser,
  DEFAULT_TARGET,
  Workspace,
  cDefinitions,
  cUnderscoreWords,
  cUses,
  mayImplementExtern,
  namesWithPrefix,
  projectDecided,
  projectVoteBound,
} from '../shared';
import { type SourceFile, addCFilesAsNeeded } from '../server/cli/files';
import { loadCParser } from '../server/cparser';
import { mutatedText } from './support/arbitraries';

describe('the words of a C text', () => {
  test('runs of ASCII letters, digits and underscores are identifiers; a run touching anything else is loose', () => {
    const w = cUnderscoreWords('int fleet_cAdd(int a_b); x$y_z; café_x; 9fleet_q; a_\\u00e9; ab_c\\\nd; — plain_one; noscore');
    assert.deepEqual(w.exact, ['fleet_cAdd', 'a_b', 'plain_one']);
    assert.deepEqual(w.loose, ['x$y_z', 'café_x', '9fleet_q', 'a_\\u00e9', 'ab_c\\\nd']);
  });

  test('found from the underscores outwards: the runs a left-to-right match of the run pattern finds', () => {
    // The specification: the pattern of a run, matched over the whole text from its start.
    const run = /(?:[A-Za-z0-9_$]|[\u0080-\uffff]|\\[uU]|\\\r?\n)+/g;
    const exact = /^[A-Za-z_][A-Za-z0-9_]*$/;
    const pieces = ['_', '_', 'a', 'u', 'U', 'Z', '9', '$', '\\', '\\', '\r', '\n', ' ', '(', 'é', '\ud83d', '\ude80', '-'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (chars) => {
        const text = chars.join('');
        const words = [...text.matchAll(run)].map((m) => m[0]).filter((w) => w.includes('_'));
        assert.deepEqual(cUnderscoreWords(text), { exact: words.filter((w) => exact.test(w)), loose: words.filter((w) => !exact.test(w)) });
      }),
      { numRuns: 3000 },
    );
  });

  test('an extern implemented: a word ending in _<extern>, or a loose run holding it anywhere', () => {
    const externs = new Set(['cAdd', 'substring']);
    assert.equal(mayImplementExtern(cUnderscoreWords('int fleet_cAdd(void);'), externs), true);
    assert.equal(mayImplementExtern(cUnderscoreWords('int cAdd(void); int _cAdd; int fleet_cAddx;'), externs), false);
    assert.equal(mayImplementExtern(cUnderscoreWords('int x$fleet_cAdd2;'), externs), true);
    assert.equal(mayImplementExtern(cUnderscoreWords('int fleet_cAdd(void);'), new Set()), false);
  });

  test("the project's prefix: at the start of a word, anywhere in a loose run", () => {
    assert.equal(namesWithPrefix(cUnderscoreWords('vtest_Ship* s;'), 'vtest_'), true);
    assert.equal(namesWithPrefix(cUnderscoreWords('my_vtest_Ship* s;'), 'vtest_'), false);
    assert.equal(namesWithPrefix(cUnderscoreWords('é_vtest_Ship* s;'), 'vtest_'), true);
  });

  test('the votes a file may give, and when the votes read decide the project', () => {
    const externs = new Set(['cAdd', 'cKind']);
    assert.deepEqual(
      [...projectVoteBound(cUnderscoreWords('a_cAdd b_cKind a_cKind x_y_cAdd'), externs)!],
      [
        ['a', 2],
        ['b', 1],
        ['x_y', 1],
      ],
    );
    assert.equal(projectVoteBound(cUnderscoreWords('é_a_cAdd'), externs), undefined);
    const counts = new Map([['b', 2]]);
    assert.equal(projectDecided(counts, new Map([['a', 1]]), 'b'), true);
    // `a` could tie with 2, and goes first in code-unit order.
    assert.equal(projectDecided(counts, new Map([['a', 2]]), 'b'), false);
    assert.equal(projectDecided(counts, new Map([['c', 2]]), 'b'), true);
    assert.equal(projectDecided(new Map(), new Map([['c', 1]]), undefined), false);
    assert.equal(projectDecided(new Map(), new Map(), undefined), true);
  });
});

const VALE = `exported struct Ship imm { fuel int; crew i64; }
sealed exported interface IShip imm { }
exported struct Kite imm { span int; }
impl IShip for Ship;
impl IShip for Kite;
extern func cAdd(a int, b i64) i64;
extern func cRatio(s Ship) float;
extern func cKind(s IShip) int;
extern func substring(s str) int;
exported func vAdd(a int) int { return a; }
`;

/** What a server's Vale side may declare as it is edited: the lines above, and more externs. */
const VALE_LINES = [...VALE.trim().split('\n'), 'extern func other(a int) int;', 'extern func IShip_Type_Kite() int;'];

const PREFIXES = ['vtest', 'alt', 'x_y', '_u', 'replace', 'vale'];
const NAMES = ['cAdd', 'cRatio', 'cKind', 'substring', 'vAdd', 'other', 'Ship', 'IShip_Type_Kite'];

/** A line of C (or C++) that may define, call or name what the checks read, or nothing they read. */
const line = fc.oneof(
  fc
    .tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...NAMES))
    .chain(([p, n]) =>
      fc.constantFrom(
        `int64_t ${p}_${n}(int32_t a, int64_t b) { return a + b; }`,
        `double ${p}_${n}(${p}_Ship* s) { return s->fuel + s->nope; }`,
        `void use_${n}(void) { ${p}_${n}(1, 2, 3); }`,
        `int32_t k_${n}(${p}_IShip s) { switch (s.type) { case ${p}_IShip_Type_Kite: return 1; } return 0; }`,
        `// ${p}_${n} in a comment`,
        `static const char* s_${n} = "${p}_${n}";`,
        `int é_${p}_${n}(void);`,
        `int —${p}_${n}(int32_t a, int64_t b) { return a; }`,
        `void f_${n}(void) { ${p}_Ship«s; s.fuel = 1; s.nope = 2; }`,
        `int ${p}$_${n}(void) { return 0; }`,
        `long x = 9${p}_${n};`,
        `int ${p}_\\`,
        `${n}(void) { return 0; }`,
        `typedef struct ${p}_Ship T_${n}; T_${n}* t; int f_${n}(void) { return t->crew + t->wings; }`,
      ),
    ),
  fc.constantFrom(
    'template <typename T> T max_of(T a, T b) { return a < b ? b : a; }',
    'namespace nlohmann { inline void replace_substring(std::string& s) { } }',
    '#include <stdint.h>',
    '#include "vtest/cAdd.h"',
    'static int helper_count = 0;',
    '/* — unicode in a comment — */',
    'int main(void) { return 0; }',
  ),
);

const cFile = fc.oneof(
  { weight: 4, arbitrary: fc.array(line, { maxLength: 8 }).map((lines) => `${lines.join('\n')}\n`) },
  {
    weight: 1,
    arbitrary: mutatedText(['int64_t vtest_cAdd(int32_t a, int64_t b) { return a + b; }\nfloat alt_cRatio(alt_Ship* s) { return 0; }\n']),
  },
);

describe('check reads the C files that matter', () => {
  let parser: CParser | undefined;
  before(async () => {
    parser = await loadCParser();
  });

  /** The Vale file, then each C file read with the grammar: what `check` did before. */
  const everyFileRead = (cFiles: readonly SourceFile[], project: string | undefined): Workspace => {
    const ws = new Workspace({ incremental: false, quickFixes: false });
    ws.setFile('vtest/main.vale', VALE);
    ws.setCProject(project);
    ws.setCParser(parser);
    for (const f of cFiles) assert.ok(ws.setCFile(f.key, f.text), f.key);
    return ws;
  };

  test('the same diagnostics and project as when every C file is read, fewer files read', async () => {
    assert.ok(parser, 'the C grammar loads');
    let unread = 0;
    let asked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(cFile, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(undefined, undefined, 'vtest', 'alt', ''),
        async (texts, project) => {
          const files = texts.map((text, i) => ({ display: `native/f${i}.cpp`, key: `vtest/native/f${i}.cpp`, text }));
          const expected = everyFileRead(files, project);
          const ws = new Workspace({ incremental: false, quickFixes: false });
          ws.setFile('vtest/main.vale', VALE);
          ws.setCProject(project);
          let loads = 0;
          await addCFilesAsNeeded(
            ws,
            files,
            async () => {
              loads++;
              return parser;
            },
            () => assert.fail('no warning with a grammar'),
          );
          assert.ok(loads <= 1, 'the grammar asked for once');
          if (loads > 0) asked++;
          unread += ws.cFilesUnread().length;
          assert.deepEqual(ws.cFiles(), expected.cFiles());
          assert.equal(ws.effectiveCProject(), expected.effectiveCProject());
          assert.deepEqual(ws.allDiagnostics(), expected.allDiagnostics());
        },
      ),
      { numRuns: 300 },
    );
    // The property held over files left unread, and over runs that read none.
    assert.ok(unread > 100, `only ${unread} files left unread`);
    assert.ok(asked > 50 && asked < 300, `the grammar was asked for in ${asked} of 300 runs`);
  });

  test('no grammar: the C files are left out as when each one failed to be read', async () => {
    const files = [
      { display: 'a.c', key: 'vtest/a.c', text: 'int64_t vtest_cAdd(int32_t a, int64_t b) { return a + b; }\n' },
      { display: 'b.c', key: 'vtest/b.c', text: 'static int helper_count = 0;\n' },
    ];
    const ws = new Workspace({ incremental: false, quickFixes: false });
    ws.setFile('vtest/main.vale', VALE);
    ws.setCProject('vtest');
    const warnings: string[] = [];
    await addCFilesAsNeeded(
      ws,
      files,
      async () => undefined,
      (m) => warnings.push(m),
    );
    assert.deepEqual(ws.cFiles(), []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /a\.c is not checked/);
    // No C file: no extern is reported as not implemented.
    assert.deepEqual(
      ws.allDiagnostics().filter((d) => d.code === 'ExternNotImplemented'),
      [],
    );
  });
});

describe("a server's closed C files are read as they come to matter", () => {
  let parser: CParser | undefined;
  before(async () => {
    parser = await loadCParser();
  });

  /** What the C side answers: the files, the project, every diagnostic, and where navigation leads in C. */
  const cSide = (ws: Workspace) => {
    const project = ws.effectiveCProject();
    const program = ws.cProgram(project, DEFAULT_TARGET);
    const files = ws.cFiles().map((f) => [f, ws.cFile(f)!] as const);
    const fns = program.index.model('vtest/main.vale')?.functions.filter((f) => f.extern || f.exported) ?? [];
    return {
      files: ws.cFiles(),
      project,
      diagnostics: ws.allDiagnostics(),
      definitions: fns.map((fn) => cDefinitions(program, files, fn)),
      uses: [...fns.map((fn) => cUses(program, files, { fn })), ...program.kinds.map((kind) => cUses(program, files, { kind }))],
    };
  };

  test('a file left unread once the vote was decided is read when an edit of a file read undecides it', () => {
    const ws = new Workspace({ quickFixes: false });
    ws.setCParser(parser);
    ws.setFile('vtest/main.vale', VALE);
    const alt = 'int64_t alt_cAdd(int32_t a, int64_t b) { return a; }\nint32_t alt_cKind(alt_IShip s) { return 0; }\n';
    ws.setUnreadCFile('vtest/a.c', alt);
    // Longer: read after a.c, whose two votes decide the project against its one.
    ws.setUnreadCFile('vtest/b.c', `int64_t zed_cAdd(int32_t a, int64_t b) { return a; }\n/* ${'.'.repeat(200)} */\n`);
    assert.deepEqual(
      ws.readCFilesThatMatter().map((r) => r.path),
      ['vtest/a.c'],
    );
    assert.equal(ws.effectiveCProject(), 'alt');
    // Typed into in an editor: a.c no longer votes.
    assert.ok(ws.setCFile('vtest/a.c', 'int unrelated(void) { return 0; }\n'));
    assert.deepEqual(
      ws.readCFilesThatMatter().map((r) => r.path),
      ['vtest/b.c'],
    );
    assert.equal(ws.effectiveCProject(), 'zed');
  });

  test('after each change of the Vale side, the project or a C file (on disk, in an editor): as when every C file is read', async () => {
    assert.ok(parser, 'the C grammar loads');
    let unreadAtEnd = 0;
    let wokenLater = 0;
    // A step changes the Vale file, the project or a C file, or several (null: unchanged).
    const step = fc.record({
      vale: fc.option(fc.subarray(VALE_LINES), { freq: 3 }),
      project: fc.option(fc.constantFrom<string | undefined>(undefined, 'vtest', 'alt', ''), { freq: 2 }),
      // A C file changed: on disk (set unread again, as the server does) or in an editor (read at once).
      cText: fc.option(fc.tuple(fc.nat(), cFile, fc.boolean()), { freq: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(cFile, { minLength: 1, maxLength: 6 }),
        fc.array(step, { minLength: 1, maxLength: 5 }),
        async (texts, steps) => {
          const files = texts.map((text, i) => ({ key: `vtest/native/f${i}.cpp`, text }));
          const ws = new Workspace({ quickFixes: false });
          ws.setCParser(parser);
          let vale = VALE;
          let project: string | undefined;
          steps.forEach((s, i) => {
            // What did not change is not set again (a file set again is a new model, its externs new).
            if (s.vale) vale = `${s.vale.join('\n')}\n`;
            if (s.vale || i === 0) ws.setFile('vtest/main.vale', vale);
            if (s.project !== null) project = s.project;
            if (s.project !== null || i === 0) ws.setCProject(project);
            if (s.cText) {
              const f = files[s.cText[0] % files.length];
              f.text = s.cText[1];
              if (i > 0 && s.cText[2]) assert.ok(ws.setCFile(f.key, f.text));
              else if (i > 0) ws.setUnreadCFile(f.key, f.text);
            }
            if (i === 0) for (const f of files) ws.setUnreadCFile(f.key, f.text);
            const read = ws.readCFilesThatMatter();
            assert.deepEqual(
              read.filter((r) => r.failure !== undefined),
              [],
              'every file read',
            );
            if (i > 0) wokenLater += read.length;
            assert.deepEqual(ws.readCFilesThatMatter(), [], 'nothing more to read until something changes');
            const expected = new Workspace({ incremental: false, quickFixes: false });
            expected.setFile('vtest/main.vale', vale);
            expected.setCProject(project);
            expected.setCParser(parser);
            for (const f of files) assert.ok(expected.setCFile(f.key, f.text));
            assert.deepEqual(cSide(ws), cSide(expected), `step ${i}`);
          });
          unreadAtEnd += ws.cFilesUnread().length;
        },
      ),
      { numRuns: 200 },
    );
    assert.ok(unreadAtEnd > 100, `only ${unreadAtEnd} files left unread`);
    assert.ok(wokenLater > 30, `only ${wokenLater} files read after a later change`);
  });
});
