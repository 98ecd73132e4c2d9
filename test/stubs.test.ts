// `vale-ffi stubs`: C definitions of the extern functions, compiled by gcc and the aarch64 cross
// compiler against the headers `vale-ffi header` writes. Each stub's file includes its function's
// generated header, so any difference from the generated prototype is a "conflicting types" error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { tempDir } from './support/temp';
import { haveTools } from './support/tools';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const FIXTURE = join(__dirname, 'fixtures', 'c', 'every-crossing.vale');
const EXAMPLES = join(__dirname, '..', 'examples');

function cli(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A workspace with the fixture as module vtest, its stubs (--all) and its headers. */
function fixtureWithStubs(): { dir: string; externs: string[] } {
  const dir = tempDir('vale-ffi-stubs-');
  mkdirSync(join(dir, 'vtest'));
  const text = readFileSync(FIXTURE, 'utf8');
  writeFileSync(join(dir, 'vtest', 'main.vale'), text);
  const s = cli(['stubs', 'vtest=vtest', '--all', '--out', 'stubs.c'], dir);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /^wrote 14 extern stubs to stubs\.c$/m);
  assert.equal(cli(['header', 'vtest=vtest', '--out', 'include'], dir).code, 0);
  return { dir, externs: [...text.matchAll(/^extern func (\w+)/gm)].map((m) => `vtest_${m[1]}`) };
}

function compile(compiler: string, dir: string): void {
  const r = spawnSync(compiler, ['-std=c11', '-Wall', '-Wextra', '-Werror', '-Iinclude', '-c', 'stubs.c', '-o', `stubs-${compiler}.o`], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `${compiler}:\n${r.stderr}\n${readFileSync(join(dir, 'stubs.c'), 'utf8')}`);
}

describe('vale-ffi stubs', () => {
  test('every kind of parameter and return: the stubs compile with gcc -Wall -Wextra -Werror and define exactly the externs', (t) => {
    if (!haveTools(t, 'c')) return;
    const { dir, externs } = fixtureWithStubs();
    compile('gcc', dir);
    const nm = spawnSync('nm', ['--defined-only', 'stubs-gcc.o'], { cwd: dir, encoding: 'utf8' });
    const defined = [...nm.stdout.matchAll(/ T (\S+)$/gm)].map((m) => m[1]).sort();
    assert.deepEqual(defined, [...externs].sort());
    assert.ok(!defined.some((n) => n.startsWith('vale_abi_')));
    const text = readFileSync(join(dir, 'stubs.c'), 'utf8');
    // Readable names, how each argument crosses, the zero value of each return type.
    assert.match(text, /int32_t vtest_cSum_vasp\(vtest_ImmInts\* xs, vtest_Engine\* e, ValeInt xsSize, ValeInt eSize\) \{/);
    assert.match(text, /\/\/ {3}xs \(\[\]<imm>int\): a message, deep-copied, behind a pointer; its message size in xsSize/);
    assert.match(
      text,
      /vtest_DockRef vtest_cDock\(vtest_DockRef d\) \{\n {2}\(void\)d;\n {2}\/\/ TODO: implement cDock\.\n {2}vtest_DockRef result = \{0\};\n {2}return result;\n\}/,
    );
    assert.match(text, /\/\/ {3}s \(IShip\): an interface value: \{obj, type\}, obj points into a message/);
    assert.match(text, /void vtest_cNothing\(int32_t a, int32_t long_\)/);
    assert.match(text, /void vtest_cNone\(void\) \{\n {2}\/\/ TODO: implement cNone\.\n\}/);
  });

  test('the same stubs compile with aarch64-linux-gnu-gcc', (t) => {
    if (!haveTools(t, 'c-aarch64')) return;
    compile('aarch64-linux-gnu-gcc', fixtureWithStubs().dir);
  });

  test('examples/fleet: with --all every extern, without it none (its C files define them all); a stub of the ones removed compiles', (t) => {
    const dir = tempDir('vale-ffi-stubs-fleet-');
    cpSync(join(EXAMPLES, 'fleet'), join(dir, 'fleet'), { recursive: true });
    const all = cli(['stubs', 'fleet', '--project', 'fleet', '--all'], dir);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(
      [...all.stdout.matchAll(/^\S.* (fleet_\w+)\(/gm)].map((m) => m[1]),
      ['fleet_cSumCrew_vasp', 'fleet_cFirstOfTriple', 'fleet_cFill', 'fleet_cReportFleet', 'fleet_cFlagship'],
    );
    // The --all file compiles on both targets against the headers.
    writeFileSync(join(dir, 'stubs.c'), all.stdout);
    assert.equal(cli(['header', 'fleet', '--project', 'fleet', '--out', 'include'], dir).code, 0);
    if (haveTools(t, 'c')) compile('gcc', dir);
    const none = cli(['stubs', 'fleet', '--project', 'fleet'], dir);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /every extern is defined by a C file under the paths/);
    // Without arrays.c, its three externs are the missing ones.
    writeFileSync(join(dir, 'fleet', 'native', 'arrays.c'), '// moved away\n');
    const missing = cli(['stubs', 'fleet', '--project', 'fleet', '--out', 'fleet/native/arrays_stubs.c'], dir);
    assert.equal(missing.code, 0, missing.stderr);
    assert.match(missing.stdout, /wrote 3 extern stubs to fleet\/native\/arrays_stubs\.c/);
    const check = JSON.parse(cli(['check', 'fleet', '--format', 'json'], dir).stdout);
    assert.deepEqual(check.diagnostics, [], 'the stubs implement every extern, with the right signatures');
    if (!haveTools(t, 'c')) return;
    const r = spawnSync('gcc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-Iinclude', '-c', 'fleet/native/arrays_stubs.c', '-o', 'a.o'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
  });

  test('examples/fleet: the --all stubs compile with aarch64-linux-gnu-gcc too', (t) => {
    if (!haveTools(t, 'c-aarch64')) return;
    const dir = tempDir('vale-ffi-stubs-fleet-arm-');
    cpSync(join(EXAMPLES, 'fleet'), join(dir, 'fleet'), { recursive: true });
    const all = cli(['stubs', 'fleet', '--project', 'fleet', '--all', '--out', 'stubs.c'], dir);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(cli(['header', 'fleet', '--project', 'fleet', '--out', 'include'], dir).code, 0);
    compile('aarch64-linux-gnu-gcc', dir);
  });

  test('an existing --out is not overwritten without --force (exit 2, nothing written)', () => {
    const { dir } = fixtureWithStubs();
    writeFileSync(join(dir, 'mine.c'), 'int mine;\n');
    const refused = cli(['stubs', 'vtest=vtest', '--all', '--out', 'mine.c'], dir);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /mine\.c exists: pass --force to overwrite it/);
    assert.equal(readFileSync(join(dir, 'mine.c'), 'utf8'), 'int mine;\n');
    assert.equal(cli(['stubs', 'vtest=vtest', '--all', '--out', 'mine.c', '--force'], dir).code, 0);
    assert.match(readFileSync(join(dir, 'mine.c'), 'utf8'), /vtest_cInt/);
    assert.ok(!existsSync(join(dir, 'nope')));
  });
});
