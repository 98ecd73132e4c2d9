// The core's C layouts, headers and messages, checked by real C compilers:
// gcc for x86-64 and aarch64-linux-gnu-gcc (Debian gcc-aarch64-linux-gnu, installed by
// scripts/system-tools.ts). A missing compiler skips its test with the install line (fails under CI=true).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import {
  type CFieldType,
  type CKind,
  type CLayout,
  CProgram,
  type JsonValue,
  MAX_MESSAGE_DEPTH,
  TARGETS,
  type TargetProfile,
  VALE_BUILTINS_HEADER,
  Workspace,
  allHeaders,
  decodeMessage,
  findTarget,
  serializeMessage,
} from '../shared';
import { haveTools } from './support/tools';
import { tempDir } from './support/temp';

const FIXTURE = join(__dirname, 'fixtures', 'layout', 'kinds.vale');

function program(text: string, target: TargetProfile, project = 'vtest'): CProgram {
  const ws = new Workspace();
  ws.setFile('/layout/kinds.vale', text);
  assert.deepEqual(
    ws.allDiagnostics().map((d) => d.message),
    [],
    'the fixture is valid FFI',
  );
  return new CProgram(ws.program(), project, target);
}

/** Writes ValeBuiltins.h and every generated header under a fresh include directory. */
function writeHeaders(p: CProgram): { dir: string; kindHeaders: string[]; functionHeaders: string[] } {
  const dir = tempDir('vale-ffi-headers-');
  writeFileSync(join(dir, 'ValeBuiltins.h'), VALE_BUILTINS_HEADER);
  const kindHeaders: string[] = [];
  const functionHeaders: string[] = [];
  for (const h of allHeaders(p)) {
    mkdirSync(dirname(join(dir, h.path)), { recursive: true });
    writeFileSync(join(dir, h.path), h.text);
    (h.kind ? kindHeaders : functionHeaders).push(h.path);
  }
  return { dir, kindHeaders, functionHeaders };
}

/** Interfaces first: a struct holds an interface by value, and its header only forward-declares it. */
function includeOrder(p: CProgram, kindHeaders: string[]): string[] {
  const isInterface = (path: string): boolean => p.kinds.some((k) => k.category === 'interface' && path.endsWith(`/${k.exportName}.h`));
  return [...kindHeaders.filter(isInterface), ...kindHeaders.filter((h) => !isInterface(h))];
}

function staticAsserts(p: CProgram): string[] {
  const out: string[] = [];
  for (const k of p.kinds) {
    const l = p.layout(k);
    out.push(`_Static_assert(sizeof(${l.cName}) == ${l.size}, "size of ${l.cName}");`);
    out.push(`_Static_assert(_Alignof(${l.cName}) == ${l.align}, "align of ${l.cName}");`);
    for (const f of l.fields) {
      out.push(`_Static_assert(offsetof(${l.cName}, ${f.name}) == ${f.offset}, "offset of ${l.cName}.${f.name}");`);
      if (f.count === undefined)
        out.push(`_Static_assert(sizeof(((${l.cName}*)0)->${f.name}) == ${f.size}, "size of ${l.cName}.${f.name}");`);
      else out.push(`_Static_assert(sizeof(((${l.cName}*)0)->${f.name}[0]) == ${f.type.size}, "element size of ${l.cName}.${f.name}");`);
    }
  }
  return out;
}

function compile(cc: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(cc, args, { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe('C layout and headers, checked by C compilers', () => {
  const text = readFileSync(FIXTURE, 'utf8');
  for (const target of TARGETS) {
    test(`${target.name}: every size, alignment and offset agrees with ${target.compiler}`, (t) => {
      if (!haveTools(t, target.compiler === 'gcc' ? 'c' : 'c-aarch64')) return;
      const cc = target.compiler;
      const p = program(text, target);
      assert.ok(p.kinds.length >= 20, `${p.kinds.length} exported kinds`);
      const { dir, kindHeaders, functionHeaders } = writeHeaders(p);
      const asserts = staticAsserts(p);
      const source = [
        '#include <stddef.h>',
        '#include "ValeBuiltins.h"',
        ...includeOrder(p, kindHeaders).map((h) => `#include "${h}"`),
        ...functionHeaders.map((h) => `#include "${h}"`),
        ...asserts,
        'int main(void) { return 0; }',
      ].join('\n');
      writeFileSync(join(dir, 'layout.c'), source);
      const result = compile(cc, ['-std=gnu11', '-Wall', '-Werror', '-fsyntax-only', '-I', dir, join(dir, 'layout.c')]);
      assert.ok(result.ok, `${cc} disagrees (sources in ${dir}):\n${result.output}`);
      // The asserts can fail: one wrong number must break the build.
      const wrong = source.replace(/== (\d+), "size of vtest_Mixed"/, (_, n) => `== ${Number(n) + 8}, "size of vtest_Mixed"`);
      assert.notEqual(wrong, source);
      writeFileSync(join(dir, 'wrong.c'), wrong);
      assert.equal(
        compile(cc, ['-std=gnu11', '-fsyntax-only', '-I', dir, join(dir, 'wrong.c')]).ok,
        false,
        'a wrong size must fail to compile',
      );
    });
  }

  test('padding holes and tail padding are reported where C puts them', () => {
    const p = program(text, findTarget('x86_64-linux')!);
    const mixed = p.layout(p.findKind('Mixed')!);
    assert.deepEqual(
      mixed.fields.map((f) => [f.name, f.offset]),
      [
        ['flag', 0],
        ['count', 4],
        ['small', 8],
        ['big', 16],
        ['ratio', 24],
        ['tiny', 32],
        ['name', 40],
      ],
    );
    const holes = (l: CLayout) => l.padding.map(({ offset, size, tail }) => ({ offset, size, tail }));
    assert.deepEqual(holes(mixed), [
      { offset: 1, size: 3, tail: false },
      { offset: 9, size: 7, tail: false },
      { offset: 33, size: 7, tail: false },
    ]);
    const branch = p.layout(p.findKind('Branch')!);
    assert.deepEqual(holes(branch), [{ offset: 12, size: 4, tail: true }]);
    assert.equal(p.layout(p.findKind('Tank')!).cName, 'vtest_TankRef');
    assert.equal(p.staticMessageSize(p.findKind('Branch')!), 32);
    assert.equal(p.staticMessageSize(p.findKind('Root')!), null, 'a string makes the size depend on the value');
    assert.equal(p.staticMessageSize(p.findKind('IntTriple')!), 32, 'the backend reserves a static array twice over');
  });
});

/** C statements that check a message, walked through the generated structs (pointers are offsets: base 0). */
function walker(p: CProgram): (kind: CKind, value: JsonValue, expr: string) => string[] {
  const checkAligned = (ptr: string): string => `CHECK((((uintptr_t)(${ptr})) & 15) == 0);`;
  const field = (t: CFieldType, v: JsonValue, lvalue: string): string[] => {
    if (t.string) {
      const s = v as string;
      const bytes = Buffer.from(s, 'utf8');
      const literal = [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
      return [
        checkAligned(lvalue),
        `CHECK(AT(ValeStr*, ${lvalue})->length == ${bytes.length});`,
        `CHECK(memcmp(AT(ValeStr*, ${lvalue})->chars, "${literal}", ${bytes.length}) == 0 && AT(ValeStr*, ${lvalue})->chars[${bytes.length}] == 0);`,
      ];
    }
    if (t.form === 'scalar') {
      if (t.text === 'double') return [`CHECK(${lvalue} == ${Number(v).toExponential()});`];
      if (t.text === 'int8_t' && typeof v === 'boolean') return [`CHECK(${lvalue} == ${v ? 1 : 0});`];
      return [`CHECK(${lvalue} == INT64_C(${v}));`];
    }
    const k = t.kind!;
    if (k.category === 'interface') {
      const obj = v as Record<string, JsonValue>;
      const subs = p.substructs(k);
      const index = subs.findIndex((s) => s.exportName === obj.$kind);
      const { $kind: _, ...members } = obj;
      return [
        `CHECK(${lvalue}.type == ${p.cName(k)}_Type_${subs[index].exportName});`,
        checkAligned(`${lvalue}.obj`),
        ...walk(subs[index], members, `AT(${p.cName(subs[index])}*, ${lvalue}.obj)`),
      ];
    }
    return [checkAligned(lvalue), ...walk(k, v, `AT(${p.cName(k)}*, ${lvalue})`)];
  };
  const walk = (kind: CKind, value: JsonValue, expr: string): string[] => {
    const l = p.layout(kind);
    if (kind.category === 'struct')
      return l.fields.flatMap((f) => field(f.type, (value as Record<string, JsonValue>)[f.name], `${expr}->${f.name}`));
    const items = value as JsonValue[];
    const elem = l.fields[l.fields.length - 1].type;
    return [
      ...(kind.category === 'rsa' ? [`CHECK(${expr}->length == ${items.length});`] : []),
      ...items.flatMap((item, i) => field(elem, item, `${expr}->elements[${i}]`)),
    ];
  };
  return walk;
}

describe('messages: the simulated serializer against C', () => {
  test('the structimmparamdeepextern shapes: pre-order, every object at a multiple of 16, the _vasp size', () => {
    const shapes = `
exported struct Outer imm { x int; mid Middle; y int; }
exported struct Middle imm { inner Inner; x int; }
exported struct Inner imm { x int; y int; z int; }
extern func consume_vasp(outer Outer) int;
`;
    const p = program(shapes, findTarget('x86_64-linux')!);
    const m = serializeMessage(p, p.findKind('Outer')!, { x: 7, mid: { inner: { x: 5, y: 7, z: 4 }, x: 5 }, y: 14 });
    assert.deepEqual(
      m.objects.map((o) => o.kind),
      ['Outer', 'Middle', 'Inner'],
      'pre-order',
    );
    assert.ok(m.objects.every((o) => o.offset % 16 === 0));
    const next16 = (n: number): number => Math.ceil(n / 16) * 16;
    // What the C test asserts: each object right after the padded end of the previous one,
    // and the size is the root's start to the padded end of the last object.
    const sizes = ['Outer', 'Middle', 'Inner'].map((n) => p.layout(p.findKind(n)!).size);
    assert.deepEqual(
      m.objects.map((o) => o.offset),
      [0, next16(sizes[0]), next16(sizes[0]) + next16(sizes[1])],
    );
    assert.equal(m.size, next16(m.objects[2].offset + sizes[2]));
    assert.equal(m.size, p.staticMessageSize(p.findKind('Outer')!));
    assert.equal(m.size, 64);
    // The pointers are the children's offsets (base 0), or addresses from a base.
    const view = new DataView(m.bytes.buffer);
    assert.equal(view.getBigUint64(8, true), 32n);
    const based = serializeMessage(p, p.findKind('Outer')!, { x: 7, mid: { inner: { x: 5, y: 7, z: 4 }, x: 5 }, y: 14 }, 0x7f0000001000n);
    assert.equal(new DataView(based.bytes.buffer).getBigUint64(8, true), 0x7f0000001020n);
  });

  test('gcc walks serialized messages through the generated headers and finds every value', (t) => {
    if (!haveTools(t, 'c')) return;
    const cc = 'gcc';
    const p = program(readFileSync(FIXTURE, 'utf8'), findTarget('x86_64-linux')!);
    const { dir, kindHeaders } = writeHeaders(p);
    const leaf = (a: number): JsonValue => ({ a, b: a + 1, c: a + 2 });
    const cases: [string, JsonValue][] = [
      ['Root', { x: -7, branch: { leaf: leaf(10), weight: 99 }, y: 2147483647, label: 'héllo, wörld' }],
      ['Mixed', { flag: true, count: 123456, small: false, big: '-9007199254740993', ratio: 0.15625, tiny: true, name: '' }],
      ['Drawing', { first: { $kind: 'Square', side: 4, corner: leaf(1) }, id: 3, second: { $kind: 'Circle', radius: 2.5 } }],
      ['Holder', { leaves: [leaf(1), leaf(4), leaf(7)], triple: [1, -2, 3], words: ['a', 'bc', ''] }],
      ['LeafPair', [leaf(20), leaf(30)]],
      [
        'Shapes',
        [
          { $kind: 'Circle', radius: 1 },
          { $kind: 'Square', side: 9, corner: leaf(0) },
        ],
      ],
      ['ImmBoolArray', [true, false, true]],
      ['Flags', [false, true, true, false]],
    ];
    const walk = walker(p);
    const blocks: string[] = [];
    cases.forEach(([name, value], i) => {
      const kind = p.findKind(name)!;
      const m = serializeMessage(p, kind, value);
      const bytes = [...m.bytes].map((b) => `0x${b.toString(16)}`).join(',');
      const root = kind.category === 'interface' ? `AT(void*, 0)` : `AT(${p.cName(kind)}*, 0)`;
      blocks.push(`{ static _Alignas(16) unsigned char data${i}[] = {${bytes}}; buf = data${i}; CHECK(sizeof(data${i}) == ${m.size});`);
      blocks.push(...walk(kind, value, root).map((s) => `  ${s}`), '}');
    });
    const source = [
      '#include <stdio.h>',
      '#include <stdint.h>',
      '#include <string.h>',
      '#include "ValeBuiltins.h"',
      ...includeOrder(p, kindHeaders).map((h) => `#include "${h}"`),
      'static unsigned char* buf;',
      '#define AT(T, p) ((T)(buf + (uintptr_t)(p)))',
      'static int failures = 0;',
      '#define CHECK(c) do { if (!(c)) { printf("FAILED line %d: %s\\n", __LINE__, #c); failures++; } } while (0)',
      'int main(void) {',
      ...blocks,
      'printf("%s\\n", failures ? "failed" : "ok"); return failures ? 1 : 0; }',
    ].join('\n');
    writeFileSync(join(dir, 'walk.c'), source);
    const exe = join(dir, 'walk');
    const built = compile(cc, ['-std=gnu11', '-Wall', '-Werror', '-Wno-unused-variable', '-I', dir, '-o', exe, join(dir, 'walk.c')]);
    assert.ok(built.ok, `gcc could not build the walker (${dir}/walk.c):\n${built.output}`);
    const run = spawnSync(exe, [], { encoding: 'utf8' });
    assert.equal(run.status, 0, `the C walker found differences (${dir}/walk.c):\n${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^ok$/m);
    assert.ok(source.split('CHECK(').length > 80, 'the walker checks many values');
  });

  test('bad values are clear errors, not crashes', () => {
    const p = program(readFileSync(FIXTURE, 'utf8'), findTarget('x86_64-linux')!);
    const leafKind = p.findKind('Leaf')!;
    assert.throws(() => serializeMessage(p, leafKind, { a: 1, b: 2 }), /Leaf needs member c/);
    assert.throws(() => serializeMessage(p, leafKind, { a: 1, b: 2, c: 'x' }), /\.c: expected an integer for int32_t/);
    assert.throws(() => serializeMessage(p, leafKind, { a: 1, b: 2, c: 2 ** 40 }), /does not fit in int32_t/);
    assert.throws(() => serializeMessage(p, p.findKind('Shape')!, { radius: 1 }), /needs "\$kind"/);
    assert.throws(() => serializeMessage(p, p.findKind('IntTriple')!, [1, 2]), /exactly 3 elements/);
    assert.throws(() => serializeMessage(p, p.findKind('Tank')!, { fuel: 1 }), /mutable: it crosses as a universal reference/);
  });

  test('a chain of 20,000 kinds: its message size, and messages nested past the limit are clear errors', () => {
    const n = 20_000;
    const lines = Array.from({ length: n }, (_, i) => `exported struct K${i} imm { next K${i + 1}; }`);
    lines.push(`exported struct K${n} imm { n int; }`);
    const ws = new Workspace();
    ws.setFile('/chain/a.vale', `${lines.join('\n')}\n`);
    const p = new CProgram(ws.program(), 'vtest', TARGETS[0]);
    assert.equal(p.staticMessageSize(p.findKind('K0')!), 16 * (n + 1));
    // One level past the limit: refused by the serializer and by the decoder.
    const depth = MAX_MESSAGE_DEPTH + 1;
    let value: JsonValue = { n: 1 };
    for (let i = 0; i < depth; i++) value = { next: value };
    const root = p.findKind(`K${n - depth}`)!;
    assert.throws(() => serializeMessage(p, root, value), /objects nested more than 1000 deep/);
    const bytes = new Uint8Array(16 * (depth + 1));
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < depth; i++) view.setBigUint64(16 * i, BigInt(16 * (i + 1)), true);
    assert.throws(() => decodeMessage(p, root, bytes), /objects nested more than 1000 deep/);
  });
});
