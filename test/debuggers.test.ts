// The debugger helpers `vale-ffi debug-helpers` writes, run where they run: their Python decoder
// against the codec (python3 only), then a C program built with gcc -g under Debian's gdb and
// lldb-19 in batch mode, every printed child compared with the TypeScript codec's decode.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { FIELD_NAMES, type FieldName, bytesOfCWords, cWordsOf, decodeUniversalReference } from '../shared/ursl';
import { BACKEND_PROFILE, SEED_PROFILE, type UrslProfile } from '../shared/ursl/profile';
import { ITABLE, buildProgram, expected, helpers, run } from './support/debug-program';
import { tempDir } from './support/temp';
import { haveTools } from './support/tools';

/** `name = value` pairs of the seven fields in a debugger's text, in order of appearance. */
function childrenIn(text: string): { name: FieldName; value: string; symbol?: string }[] {
  const re = new RegExp(`\\b(${FIELD_NAMES.join('|')}) = (0x[0-9a-f]+|\\d+)(?: <([^>]+)>)?`, 'g');
  return [...text.matchAll(re)].map((m) => ({ name: m[1] as FieldName, value: m[2], symbol: m[3] }));
}

/** Compares printed children with the codec, value by value (numbers compared, not spellings). */
function compareChildren(printed: { name: FieldName; value: string }[], refs: Uint8Array[], profile: UrslProfile): number {
  assert.equal(printed.length, refs.length * FIELD_NAMES.length, 'seven children per reference');
  let mismatches = 0;
  refs.forEach((bytes, i) => {
    const want = expected(bytes, profile);
    FIELD_NAMES.forEach((f, k) => {
      const got = printed[i * FIELD_NAMES.length + k];
      assert.equal(got.name, f, `reference ${i}: children in the codec's order`);
      if (BigInt(got.value) !== BigInt(want[f])) {
        mismatches++;
        assert.fail(`reference ${i} (${Buffer.from(bytes).toString('hex')}): ${f} printed ${got.value}, the codec decodes ${want[f]}`);
      }
    });
  });
  return mismatches;
}

describe('debugger helpers', () => {
  test('the generated Python decoder agrees with the codec on the vectors and 2,000 random references (both profiles)', (t) => {
    if (!haveTools(t, 'python')) return;
    const dir = tempDir('vale-ffi-debug-python-');
    const vectors = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'ursl', 'vectors.json'), 'utf8')) as { bytesHexLE: string }[];
    for (const profile of [BACKEND_PROFILE, SEED_PROFILE]) {
      const out = helpers(dir, profile.name);
      const random = fc.sample(fc.uint8Array({ minLength: 32, maxLength: 32 }), { seed: 23, numRuns: 2000 });
      const all = [...vectors.map((v) => Uint8Array.from(Buffer.from(v.bytesHexLE, 'hex'))), ...random];
      writeFileSync(join(dir, 'refs.txt'), all.map((b) => Buffer.from(b).toString('hex')).join('\n'));
      // The gdb helper imports gdb: a stand-in module lets plain python3 load its decoder.
      const script = `import sys, types
gdb = types.ModuleType('gdb'); gdb.pretty_printers = []; sys.modules['gdb'] = gdb
ns = {'__name__': 'vale_ffi_gdb'}
exec(compile(open(sys.argv[1]).read(), sys.argv[1], 'exec'), ns)
assert ns['PROFILE'] == sys.argv[3]
assert len(gdb.pretty_printers) == 1
for line in open(sys.argv[2]).read().split():
    fields = ns['decode'](bytes.fromhex(line))
    print(' '.join('%s=%s' % (f, ns['shown'](f, fields[f])) for f in ns['FIELDS']))
`;
      writeFileSync(join(dir, 'check.py'), script);
      const r = run('python3', ['check.py', join(out, 'vale_ffi_gdb.py'), 'refs.txt', profile.name], dir);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.length, all.length);
      lines.forEach((line, i) => {
        const want = expected(all[i], profile);
        assert.equal(line, FIELD_NAMES.map((f) => `${f}=${want[f]}`).join(' '), `${profile.name} ${Buffer.from(all[i]).toString('hex')}`);
      });
      // The lldb helper carries the same decoder, word for word.
      const decoder = (text: string): string => text.slice(text.indexOf('PROFILE = '), text.indexOf('\ndef summary_line'));
      assert.equal(
        decoder(readFileSync(join(out, 'vale_ffi_lldb.py'), 'utf8')),
        decoder(readFileSync(join(out, 'vale_ffi_gdb.py'), 'utf8')),
      );
    }
  });

  test('gdb: print r shows the seven decoded fields; 256 random references, an itable symbol, typedefs, pointers, unreadable memory', (t) => {
    if (!haveTools(t, 'c') || !haveTools(t, 'gdb')) return;
    const p = buildProgram(BACKEND_PROFILE, 1);
    writeFileSync(join(p.dir, 'unreadable.gdb'), 'print *(vtest_SpaceshipRef *)16\nprint (vtest_SpaceshipRef *)16\n');
    const commands = [
      `source ${join(p.helpers, 'vale_ffi_gdb.py')}`,
      'set print elements unlimited',
      'set print repeats unlimited',
      'set width 0',
      'set height 0',
      'break stop_here',
      'run',
      'print r',
      'print &r',
      'continue',
      'print s',
      'print (vtest_IShipRef *)&s',
      'print (vtest_SpaceshipRef *)16',
      'print (vtest_SpaceshipRef *)0',
      'print fleet',
      'print refs',
      'kill',
    ];
    const r = run('gdb', ['-batch', '-nx', ...commands.flatMap((c) => ['-ex', c]), 'prog'], p.dir);
    assert.equal(r.code, 0, r.stderr);
    const results = [...r.stdout.matchAll(/^\$(\d+) = (.*)$/gm)].map((m) => m[2]);
    assert.equal(results.length, 8, r.stdout);
    const [rText, rPointer, sText, sPointer, unreadable, nullPointer, fleetText, refsText] = results;
    // The acceptance's print r: the summary, then the seven fields with the codec's values.
    const first = decodeUniversalReference(p.refs[0], BACKEND_PROFILE).fields;
    assert.match(rText, new RegExp(`^vtest_Spaceship (null|@ 0x${first.objectPointer.toString(16)}) gen ${first.objectGeneration}`));
    assert.equal(compareChildren(childrenIn(rText), [p.refs[0]], BACKEND_PROFILE), 0);
    assert.match(rPointer, /^\(0x[0-9a-f]+\) vtest_Spaceship /);
    assert.equal(compareChildren(childrenIn(rPointer), [p.refs[0]], BACKEND_PROFILE), 0);
    // The interface reference: its type pointer resolved to the itable's symbol.
    assert.match(sText, new RegExp(`^vtest_IShip .* type <${ITABLE}>`));
    assert.equal(compareChildren(childrenIn(sText), [p.board], BACKEND_PROFILE), 0);
    assert.equal(childrenIn(sText).find((c) => c.name === 'typePointer')?.symbol, ITABLE);
    assert.equal(BigInt(childrenIn(sText).find((c) => c.name === 'typePointer')?.value ?? 0), p.itable);
    assert.match(sPointer, /^\(0x[0-9a-f]+\) vtest_IShip /);
    // Bad memory never breaks the debugger: the summary says why.
    assert.match(unreadable, /^\(0x10\) <vtest_Spaceship: cannot read the universal reference: Cannot access memory at address 0x10>$/);
    assert.equal(nullPointer, '0x0');
    // Another project's reference (fleet_FleetRef in report.c's terms), recognised by shape.
    assert.match(fleetText, /^fleet_Fleet /);
    assert.equal(compareChildren(childrenIn(fleetText), [p.refs[1]], BACKEND_PROFILE), 0);
    // The property: every reference of the array, every child, equal to the codec's decode.
    assert.equal(compareChildren(childrenIn(refsText), p.refs, BACKEND_PROFILE), 0);
    const placeholders = p.refs.filter((b) => decodeUniversalReference(b, BACKEND_PROFILE).fields.objectGeneration === 0x1320n).length;
    assert.ok(placeholders > 0, 'some random generations are the placeholder');
    assert.equal([...refsText.matchAll(/gen 4896 \(placeholder\)/g)].length, placeholders);
  });

  test('lldb-19: frame variable r shows the seven decoded fields; 256 random references, an itable symbol, typedefs, pointers, unreadable memory', (t) => {
    if (!haveTools(t, 'c') || !haveTools(t, 'lldb')) return;
    const p = buildProgram(BACKEND_PROFILE, 2);
    const commands = [
      `command script import ${join(p.helpers, 'vale_ffi_lldb.py')}`,
      'settings set target.max-children-count 1024',
      'b stop_here',
      'run',
      'frame variable r',
      'frame variable --ptr-depth 1 -- &r',
      'continue',
      'frame variable s',
      'expression -- (vtest_SpaceshipRef *)16',
      'expression -- (vtest_SpaceshipRef *)0',
      'target variable fleet',
      'target variable refs',
      'process kill',
    ];
    const r = run('lldb-19', ['-b', ...commands.flatMap((c) => ['-o', c]), 'prog'], p.dir);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    /** The output of one command: what follows its echo up to the next command's. */
    const outputOf = (command: string): string => {
      const at = r.stdout.indexOf(`(lldb) ${command}\n`);
      assert.ok(at >= 0, `${command} ran:\n${r.stdout}`);
      const from = at + command.length + 8;
      const next = r.stdout.indexOf('(lldb) ', from);
      return r.stdout.slice(from, next < 0 ? undefined : next);
    };
    const first = decodeUniversalReference(p.refs[0], BACKEND_PROFILE).fields;
    const rText = outputOf('frame variable r');
    assert.match(
      rText,
      new RegExp(
        `^\\(vtest_SpaceshipRef\\) r = vtest_Spaceship (null|@ 0x${first.objectPointer.toString(16)}) gen ${first.objectGeneration}`,
      ),
    );
    assert.equal(compareChildren(childrenIn(rText), [p.refs[0]], BACKEND_PROFILE), 0);
    assert.match(outputOf('frame variable --ptr-depth 1 -- &r'), /^\(vtest_SpaceshipRef \*\) &r = 0x[0-9a-f]+ vtest_Spaceship /);
    const sText = outputOf('frame variable s');
    assert.match(sText, new RegExp(`^\\(vtest_IShipRef\\) s = vtest_IShip .* type <${ITABLE}>`));
    assert.equal(compareChildren(childrenIn(sText), [p.board], BACKEND_PROFILE), 0);
    assert.match(
      outputOf('expression -- (vtest_SpaceshipRef *)16'),
      /<vtest_Spaceship: cannot read the universal reference: cannot read 32 bytes at 0x10/,
    );
    // lldb shows a null pointer as NULL without asking the summary.
    assert.match(outputOf('expression -- (vtest_SpaceshipRef *)0'), /= NULL$/m);
    const fleetText = outputOf('target variable fleet');
    assert.match(fleetText, /^\(fleet_FleetRef\) fleet = fleet_Fleet /);
    assert.equal(compareChildren(childrenIn(fleetText), [p.refs[1]], BACKEND_PROFILE), 0);
    assert.equal(compareChildren(childrenIn(outputOf('target variable refs')), p.refs, BACKEND_PROFILE), 0);
  });

  test('the seed profile: helpers generated with --profile seed decode by its packing (gdb)', (t) => {
    if (!haveTools(t, 'c') || !haveTools(t, 'gdb')) return;
    const p = buildProgram(SEED_PROFILE, 3);
    const r = run(
      'gdb',
      [
        '-batch',
        '-nx',
        '-ex',
        `source ${join(p.helpers, 'vale_ffi_gdb.py')}`,
        '-ex',
        'set print elements unlimited',
        '-ex',
        'set print repeats unlimited',
        '-ex',
        'print refs',
        'prog',
      ],
      p.dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(compareChildren(childrenIn(r.stdout), p.refs, SEED_PROFILE), 0);
    // The same bytes read with the backend's packing would differ: the profile is really used.
    assert.notDeepEqual(expected(p.refs[5], SEED_PROFILE), expected(p.refs[5], BACKEND_PROFILE));
    assert.deepEqual(bytesOfCWords(cWordsOf(p.refs[5])), p.refs[5]);
  });
});
