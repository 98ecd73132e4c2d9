// The CLI as CI uses it: help and strict options, exit codes, SARIF and GitHub output, stdin,
// colour, the configuration file, .gitignore and --exclude. Runs the bundled dist/cli.js.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { program } from '../server/cli/main';
import { CODES } from '../shared';
import { tempDir } from './support/temp';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const EXAMPLES = join(__dirname, '..', 'examples');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Run {
  const env = { ...process.env, NO_COLOR: '', ...options.env };
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd ?? process.cwd(), input: options.input, env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = tempDir('vale-ffi-ci-');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const COMMANDS = program(
  { stdout: { write: () => true }, stderr: { write: () => true }, readStdin: () => '', env: {}, cwd: '.' },
  { code: 0 },
).commands.map((c) => c.name());

describe('help and options', () => {
  test('every command has its own --help and -h, with its options and an example', () => {
    assert.ok(COMMANDS.length >= 9, COMMANDS.join(' '));
    for (const name of COMMANDS.filter((c) => c !== 'help')) {
      for (const flag of ['--help', '-h']) {
        const r = run([name, flag]);
        assert.equal(r.code, 0, `${name} ${flag}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: vale-ffi ${name} `), `${name} ${flag}`);
        assert.match(r.stdout, /\nExamples?:\n {2}vale-ffi /, `${name} has an example`);
      }
    }
    const top = run(['--help']);
    assert.equal(top.code, 0);
    for (const name of COMMANDS) assert.match(top.stdout, new RegExp(`\\n {2}${name} `), `the usage lists ${name}`);
    assert.equal(run(['help', 'decode']).stdout, run(['decode', '--help']).stdout);
  });

  test('-V and --version print the version', () => {
    const version = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;
    for (const flag of ['-V', '--version']) assert.deepEqual(run([flag]), { code: 0, stdout: `${version}\n`, stderr: '' });
  });

  test('unknown commands and options exit 2 with a suggestion; an option the command does not take is an error', () => {
    const cases: [string[], RegExp][] = [
      [['chek'], /unknown command 'chek'\n\(Did you mean check\?\)/],
      [['check', '--fromat', 'json'], /unknown option '--fromat'\n\(Did you mean --format\?\)/],
      [['-v'], /unknown option '-v'\n\(Did you mean -V, --version\?\)/],
      [['layout', '--type', 'Nope'], /unknown option '--type'\n\(--type is an option of: message\)/],
      [
        ['header', '--format', 'json', '--project', 'p'],
        /unknown option '--format'\n\(Did you mean --force\?\)\n\(--format is an option of: check, decode, encode, layout, itables, recording, message\)/,
      ],
      [['check', '--format', 'xml'], /argument 'xml' is invalid\. Allowed choices are text, json, sarif, github/],
      [['decode'], /missing required argument 'text'/],
      [['decode', 'a', 'b'], /too many arguments for 'decode'/],
      [['explain', 'NonHierarchicalImmutabel'], /did you mean NonHierarchicalImmutable\?/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^vale-ffi: /);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    const bare = run([]);
    assert.equal(bare.code, 2, 'no command is a usage error');
    assert.match(bare.stderr, /^Usage: vale-ffi /);
  });
});

describe('exit codes', () => {
  test('decode and encode exit 1 on an error-level problem, 0 otherwise', () => {
    const nullRef = run(['decode', `0x${'0'.repeat(64)}`]);
    assert.equal(nullRef.code, 1);
    assert.match(nullRef.stdout, /error\[NullObjectPointer\]/);
    assert.equal(run(['decode', '0x2265b1f591b7584a0066b0d8f16ad8000813c386bbc000f17414c3437ed4c2ce']).code, 0);
    const misaligned = run([
      'encode',
      '{"typePointer": "0x7f0000001008", "objectPointer": "0x7f0000002000"}',
      '--fill-zero',
      '--format',
      'text',
    ]);
    assert.equal(misaligned.code, 1, misaligned.stderr);
    assert.match(misaligned.stdout, /error\[LostLowBits\] typePointer/);
    assert.match(
      misaligned.stdout,
      /note: taken as 0: objectGeneration, regionGeneration, regionPointer, offsetToGeneration, scopeTetherMask/,
    );
  });

  test('encode names every missing field', () => {
    const r = run(['encode', '{"objectGeneration":"0x1320"}']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /missing fields regionGeneration, objectPointer, typePointer, regionPointer, offsetToGeneration, scopeTetherMask \(or pass --fill-zero/,
    );
  });

  test('header refuses sources with errors (exit 1, nothing written) unless --force; layout prints and exits 1', () => {
    const dir = workspace({ 'src/a.vale': 'struct Ship { n int; }\nextern func launch(s &Ship) int;\nexported struct Dock { n int; }\n' });
    const out = join(dir, 'include');
    const refused = run(['header', 'src', '--project', 'p', '--out', out], { cwd: dir });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /src\/a\.vale:2:22: error\[ExternFunctionDependedOnNonExportedKind\]/);
    assert.match(refused.stderr, /no headers written: fix the errors, or pass --force/);
    assert.equal(existsSync(out), false);
    const forced = run(['header', 'src', '--project', 'p', '--out', out, '--force'], { cwd: dir });
    assert.equal(forced.code, 1);
    assert.ok(readdirSync(join(out, 'p')).includes('Dock.h'));
    const layout = run(['layout', 'src', '--format', 'json'], { cwd: dir });
    assert.equal(layout.code, 1);
    assert.deepEqual(
      JSON.parse(layout.stdout).kinds.map((k: { name: string }) => k.name),
      ['Dock'],
    );
    assert.match(layout.stderr, /1 error/);
    writeFileSync(join(dir, 'src', 'a.vale'), 'exported struct Dock { n int; }\n');
    assert.equal(run(['header', 'src', '--project', 'p'], { cwd: dir }).code, 0);
  });

  test('UnknownKind fails the check; --strict fails on notes too', () => {
    const dir = workspace({ 'a.vale': 'exported struct Cargo imm { w int; }\nextern func weigh(c Crago) int;\n' });
    const r = run(['check'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /a\.vale:2:21: error\[UnknownKind\]: Crago is not declared in this workspace.*did you mean Cargo\?/);
    const notes = workspace({ 'a.vale': 'extern func far(x Opt<int>) int;\n' });
    assert.equal(run(['check'], { cwd: notes }).code, 0);
    const strict = run(['check', '--strict'], { cwd: notes });
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /information\[UncheckedExternalKind\]/);
  });
});

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; helpUri: string; shortDescription: { text: string }; fullDescription: { text: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: { physicalLocation: { region: SarifRegion } }[];
      relatedLocations?: unknown[];
    }[];
  }[];
}

describe('machine formats', () => {
  test('--format sarif is a SARIF 2.1.0 log that validates against the schema', () => {
    const schema = JSON.parse(readFileSync(require.resolve('schemastore/schemas/json/sarif-2.1.0.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(schema);
    const dir = workspace({
      'h/mistakes.vale': readFileSync(join(EXAMPLES, 'harbor', 'mistakes.vale'), 'utf8'),
      'h/far.vale': 'extern func far(x Opt<int>) int;\n',
    });
    const r = run(['check', '--format', 'sarif'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as SarifLog;
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const json = JSON.parse(run(['check', '--format', 'json'], { cwd: dir }).stdout).diagnostics;
    const [only] = log.runs;
    assert.equal(log.runs.length, 1);
    assert.deepEqual(
      only.tool.driver.rules.map((x: { id: string }) => x.id),
      CODES.map((c) => c.code),
    );
    for (const rule of only.tool.driver.rules) {
      assert.ok(rule.shortDescription.text && rule.fullDescription.text, rule.id);
      assert.match(rule.helpUri, new RegExp(`^file://.*/docs/diagnostics\\.md#${rule.id.toLowerCase()}$`));
    }
    assert.equal(only.results.length, json.length);
    only.results.forEach((res, i) => {
      const d = json[i];
      assert.equal(res.ruleId, d.code);
      assert.equal(only.tool.driver.rules[res.ruleIndex].id, d.code);
      assert.equal(res.level, { error: 'error', warning: 'warning', information: 'note', hint: 'note' }[d.severity as string]);
      assert.deepEqual(res.locations[0].physicalLocation.region, {
        startLine: d.range.start.line + 1,
        startColumn: d.range.start.character + 1,
        endLine: d.range.end.line + 1,
        endColumn: d.range.end.character + 1,
      });
      assert.equal(res.relatedLocations?.length, d.related?.length);
    });
    assert.ok(only.results.some((x) => x.level === 'note'));
  });

  test('--format github prints workflow commands, escaped; notes become ::notice', () => {
    const dir = workspace({
      'a,b/x.vale': 'struct Ship { n int; }\nextern func launch(s &Ship) int;\nextern func far(x Opt<int>) int;\n',
    });
    const r = run(['check', '--format', 'github'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      '::error file=a%2Cb/x.vale,line=2,col=22,endLine=2,endColumn=27,title=ExternFunctionDependedOnNonExportedKind::' +
        'extern func launch(s &Ship) int: its parameter s is Ship, which is not exported from this package; C implements it, so C needs the Ship definition in a generated header.' +
        '%0Aa,b/x.vale:1:8: Ship is declared here without `exported`\n' +
        '::notice file=a%2Cb/x.vale,line=3,col=19,endLine=3,endColumn=27,title=UncheckedExternalKind::' +
        'Opt<int> is not declared in this workspace, so vale-ffi could not check that it is exported (and hierarchical, if immutable).\n',
    );
  });

  test('colour: --color always|never, auto off when not a terminal or with NO_COLOR', () => {
    const dir = workspace({ 'a.vale': 'extern func f(x Nope) int;\n' });
    const ESC = '\u001b';
    assert.ok(run(['check', '--color', 'always'], { cwd: dir }).stdout.includes(`${ESC}[1;31merror[UnknownKind]${ESC}[0m`));
    assert.ok(!run(['check', '--color', 'never'], { cwd: dir }).stdout.includes(ESC));
    assert.ok(!run(['check'], { cwd: dir, env: { NO_COLOR: '1' } }).stdout.includes(ESC));
    assert.ok(!run(['check'], { cwd: dir }).stdout.includes(ESC), 'a pipe is not a terminal');
  });
});

describe('stdin', () => {
  test('check - reads one file from stdin, named by --stdin-filename, with the other paths as its workspace', () => {
    const dir = workspace({ 'pkg/kinds.vale': 'exported struct Ship imm { n int; }\n' });
    const text = 'extern func launch(s Ship) int;\nextern func lost(s Shp) int;\n';
    const r = run(['check', '-', 'pkg', '--stdin-filename', 'pkg/ffi.vale', '--format', 'json'], { cwd: dir, input: text });
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.files, 2);
    assert.deepEqual(
      report.diagnostics.map((d: { file: string; code: string }) => [d.file, d.code]),
      [['pkg/ffi.vale', 'UnknownKind']],
    );
    const alone = run(['check', '-'], { cwd: dir, input: 'exported struct S imm { x int; }\n' });
    assert.deepEqual([alone.code, alone.stdout], [0, '1 file checked: 0 errors, 0 warnings, 0 notes\n']);
    assert.equal(run(['check', '--stdin-filename', 'x.vale'], { cwd: dir }).code, 2, '--stdin-filename without -');
  });

  test('decode - reads the reference from stdin (gdb output piped in)', () => {
    const I256 = '0x2265b1f591b7584a0066b0d8f16ad8000813c386bbc000f17414c3437ed4c2ce';
    const direct = JSON.parse(run(['decode', I256, '--format', 'json']).stdout);
    // The same 32 bytes as gdb's x/4gx prints them: four little-endian words.
    const bytes = Buffer.from(direct.bytesHex, 'hex');
    const word = (i: number): string =>
      `0x${bytes
        .readBigUInt64LE(i * 8)
        .toString(16)
        .padStart(16, '0')}`;
    const gdb = `0x7ffd5a1c0e40:\t${word(0)}\t${word(1)}\n0x7ffd5a1c0e50:\t${word(2)}\t${word(3)}\n`;
    const r = run(['decode', '-', '--format', 'json'], { input: gdb });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).fields, direct.fields);
    assert.equal(run(['decode', '-'], { input: 'not a reference' }).code, 2);
  });
});

describe('configuration and file selection', () => {
  const sources = {
    'src/ffi.vale': 'exported interface Signal imm { }\nextern func raise(s Signal) int;\nexported struct Dock { n int; }\n',
    'src/generated/gen.vale': 'extern func gen(x Nope) int;\n',
    'build/copy.vale': 'extern func copy(x Nope) int;\n',
    'scratch/old.vale': 'extern func old(x Nope) int;\n',
    '.gitignore': 'scratch/\n',
  };

  test('without configuration: .gitignore and the build directory are skipped, --exclude leaves out more', () => {
    const dir = workspace(sources);
    const all = JSON.parse(run(['check', '--format', 'json'], { cwd: dir }).stdout);
    assert.equal(all.files, 2, 'src/ffi.vale and src/generated/gen.vale');
    const excluded = JSON.parse(run(['check', '--format', 'json', '--exclude', 'generated/', '--exclude', '*.tmp'], { cwd: dir }).stdout);
    assert.equal(excluded.files, 1);
    assert.deepEqual(
      excluded.diagnostics.map((d: { code: string }) => d.code),
      ['NonHierarchicalImmutable'],
    );
    assert.equal(JSON.parse(run(['check', 'scratch/old.vale', '--format', 'json'], { cwd: dir }).stdout).files, 1, 'a file named is taken');
  });

  test('vale-ffi.json drives the project, target, severities and excludes, found from a subdirectory', () => {
    const dir = workspace({
      ...sources,
      'vale-ffi.json': JSON.stringify({
        project: 'port',
        target: 'aarch64-linux',
        exclude: ['generated/'],
        severity: { NonHierarchicalImmutable: 'warning' },
      }),
    });
    const check = run(['check', '--format', 'json'], { cwd: join(dir, 'src') });
    assert.equal(check.code, 0, 'the only finding is now a warning');
    const report = JSON.parse(check.stdout);
    assert.equal(report.files, 1);
    assert.deepEqual(
      report.diagnostics.map((d: { code: string; severity: string }) => [d.code, d.severity]),
      [['NonHierarchicalImmutable', 'warning']],
    );
    const layout = JSON.parse(run(['layout', '--format', 'json'], { cwd: dir }).stdout);
    assert.equal(layout.target, 'aarch64-linux');
    assert.equal(layout.kinds.find((k: { name: string }) => k.name === 'Dock').cName, 'port_DockRef');
    const header = run(['header'], { cwd: dir });
    assert.equal(header.code, 0, header.stderr);
    assert.match(header.stdout, /\/\/ port\/Dock\.h/);
    assert.equal(JSON.parse(run(['check', '--format', 'json', '--no-config'], { cwd: dir }).stdout).files, 2);
  });

  test('the read caps are configurable: a source over maxSourceBytes is a clear exit-2 message', () => {
    const dir = workspace({
      'big.vale': `exported struct S imm { x int; }\n${'// padding\n'.repeat(20)}`,
      'vale-ffi.json': JSON.stringify({ maxSourceBytes: 100 }),
    });
    const r = run(['check'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read big\.vale: \d+ bytes, over the 100-byte limit/);
    writeFileSync(join(dir, 'vale-ffi.json'), JSON.stringify({ maxSourceBytes: 100000 }));
    assert.equal(run(['check'], { cwd: dir }).code, 0);
  });

  test('the "vale-ffi" key of package.json, and --config FILE', () => {
    const dir = workspace({ ...sources, 'package.json': JSON.stringify({ name: 'x', 'vale-ffi': { severity: { UnknownKind: 'off' } } }) });
    const r = JSON.parse(run(['check', '--format', 'json'], { cwd: dir }).stdout);
    assert.deepEqual(
      r.diagnostics.map((d: { code: string }) => d.code),
      ['NonHierarchicalImmutable'],
    );
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ exclude: ['src/'] }));
    assert.equal(JSON.parse(run(['check', '--format', 'json', '--config', 'other.json'], { cwd: dir }).stdout).files, 0);
  });

  test('a configuration with mistakes is a usage error that names each', () => {
    const dir = workspace({
      ...sources,
      'vale-ffi.json': JSON.stringify({ projct: 'x', target: 'mips', severity: { UnknwnKind: 'off', SyntaxError: 'loud' } }),
    });
    const r = run(['check'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /vale-ffi: invalid configuration:/);
    assert.match(r.stderr, /vale-ffi\.json: projct: unknown setting/);
    assert.match(r.stderr, /vale-ffi\.json: target: must be one of x86_64-linux, aarch64-linux \(got 'mips'\)/);
    assert.match(r.stderr, /severity\.UnknwnKind: no diagnostic code UnknwnKind \(did you mean UnknownKind\?\)/);
    assert.match(r.stderr, /severity\.SyntaxError: must be one of error, warning, information, hint, off/);
    writeFileSync(join(dir, 'vale-ffi.json'), '{ "project": ');
    assert.match(run(['check'], { cwd: dir }).stderr, /vale-ffi\.json: not valid JSON/);
  });
});

describe('modules as valec names them', () => {
  const files = {
    'tests/main.vale': 'import vtest.sub.*;\nexported struct Ship imm { fuel int; }\n',
    'tests/sub/use.vale': 'import vtest.*;\nexported func getFuel(s Ship) int { s.fuel }\n',
    'tests/own/self.vale': 'exported struct Buoy imm { n int; }\nexported func depth(b Buoy) int { b.n }\n',
  };

  test('NAME=DIR: exports count per package, a sub-package that exports its own kind is clean; the project defaults to the module', () => {
    const dir = workspace(files);
    const r = run(['check', 'vtest=tests', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).diagnostics.map((d: { file: string; code: string; range: { start: { line: number } } }) => [
        d.file,
        d.range.start.line + 1,
        d.code,
      ]),
      [['tests/sub/use.vale', 2, 'ExportedFunctionDependedOnNonExportedKind']],
    );
    const bare = JSON.parse(run(['check', 'tests', '--format', 'json'], { cwd: dir }).stdout);
    assert.deepEqual(
      bare.diagnostics.map((d: { code: string }) => d.code),
      ['UncheckedExternalKind'],
      'without the module name, vtest is outside the workspace',
    );
    writeFileSync(
      join(dir, 'tests', 'sub', 'use.vale'),
      'import vtest.*;\nexport Ship as SubShip;\nexported func getFuel(s Ship) int { s.fuel }\n',
    );
    const header = run(['header', 'vtest=tests'], { cwd: dir });
    assert.equal(header.code, 0, header.stderr);
    assert.match(header.stdout, /\/\/ vtest\/Ship\.h/, 'C names under the first module');
  });

  test('the configuration names modules too (relative to its directory), and they are what is walked', () => {
    const dir = workspace({
      ...files,
      'other/x.vale': 'extern func lost(x Nope) int;\n',
      'vale-ffi.json': JSON.stringify({ modules: { vtest: 'tests' } }),
    });
    const r = run(['check', '--format', 'json'], { cwd: join(dir, 'tests', 'sub') });
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.files, 3, 'the module, not the working directory or other/');
    assert.deepEqual(
      report.diagnostics.map((d: { file: string; code: string }) => [d.file, d.code]),
      [['use.vale', 'ExportedFunctionDependedOnNonExportedKind']],
    );
    assert.equal(run(['check', 'vtest=other', 'vtest=tests'], { cwd: dir }).code, 2, 'one name, two directories');
  });
});
