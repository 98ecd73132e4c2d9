// The C program the debugger tests stop in: fleet's report.c (an extern implementation from
// examples/) and test/fixtures/debug/launch.c, built with gcc -g against the generated headers,
// with references packed by the codec from random field values.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

import { FIELD_NAMES, type FieldName, cWordsOf, decodeUniversalReference, encodeUniversalReference, showField } from '../../shared/ursl';
import { PLACEHOLDERS, type UrslProfile } from '../../shared/ursl/profile';
import { tempDir } from './temp';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'debug');
export const VALUES = 256;
export const ITABLE = 'vtest_itable_IShip_for_Spaceship';

export function run(command: string, args: string[], cwd: string, timeout = 120_000): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function helpers(dir: string, profile = 'backend'): string {
  const out = join(dir, 'helpers');
  const r = run(process.execPath, [CLI, 'debug-helpers', '--out', out, '--profile', profile], dir);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

const u32 = fc.oneof(fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.constantFrom(0n, 0xffffffffn));
const u16 = fc.oneof(fc.bigInt({ min: 0n, max: 0xffffn }), fc.constant(0n));
/** A 64-bit pointer a 56-bit member can hold: user space, null, or sign-extended into the kernel half. */
const pointer = fc.oneof(
  fc.bigInt({ min: 0x1000n, max: (1n << 47n) - 1n }),
  fc.constant(0n),
  fc.bigInt({ min: 0n, max: (1n << 55n) - 1n }).map((v) => v | 0xff80000000000000n),
);
const aligned = pointer.map((v) => v & ~0xfn);
function orPlaceholder(field: FieldName, arb: fc.Arbitrary<bigint>): fc.Arbitrary<bigint> {
  const p = PLACEHOLDERS[field];
  return p ? fc.oneof({ arbitrary: arb, weight: 4 }, { arbitrary: fc.constant(p.value), weight: 1 }) : arb;
}
const fieldsArb = fc.record({
  objectGeneration: orPlaceholder('objectGeneration', u32),
  regionGeneration: orPlaceholder('regionGeneration', u32),
  objectPointer: pointer,
  typePointer: orPlaceholder('typePointer', aligned),
  regionPointer: orPlaceholder('regionPointer', aligned),
  offsetToGeneration: orPlaceholder('offsetToGeneration', u16),
  scopeTetherMask: orPlaceholder('scopeTetherMask', u16),
});

/** References packed from random field values by the codec: their 32 bytes. */
function randomReferences(seed: number, n: number, profile: UrslProfile): Uint8Array[] {
  return fc.sample(fieldsArb, { seed, numRuns: n }).map((f) => encodeUniversalReference(f, profile).bytes);
}

const cInit = (bytes: Uint8Array): string => {
  const w = cWordsOf(bytes);
  return `{0x${w.unused0.toString(16)}ull, 0x${w.unused1.toString(16)}ull, 0x${w.unused2.toString(16)}ull, 0x${w.unused3.toString(16)}u, 0x${w.unused4.toString(16)}u}`;
};

/** The children a helper must print for these bytes: the codec's decode, shown as the helpers show it. */
export function expected(bytes: Uint8Array, profile: UrslProfile): Record<FieldName, string> {
  const d = decodeUniversalReference(bytes, profile);
  return Object.fromEntries(FIELD_NAMES.map((f) => [f, showField(f, d.fields[f])])) as Record<FieldName, string>;
}

export interface Program {
  dir: string;
  helpers: string;
  refs: Uint8Array[];
  /** What vtest_cBoard receives: an IShip reference whose type pointer is the itable's address. */
  board: Uint8Array;
  itable: bigint;
}

/**
 * fleet's report.c (an extern implementation from examples/) and the fixture's launch.c, built
 * with gcc -g -O0 -no-pie against the generated headers, with a main that passes references on
 * and a global array of references. Built twice: the first build gives the itable's address.
 */
export function buildProgram(profile: UrslProfile, seed: number): Program {
  const dir = tempDir('vale-ffi-debuggers-');
  for (const args of [
    ['header', `vtest=${join(FIXTURE, 'vtest')}`, '--out', 'include'],
    ['header', join(ROOT, 'examples', 'fleet'), '--project', 'fleet', '--out', 'include'],
  ]) {
    const r = run(process.execPath, [CLI, ...args], dir);
    assert.equal(r.code, 0, r.stderr);
  }
  const refs = randomReferences(seed, VALUES, profile);
  const main = (board: Uint8Array): string => `#include <stdint.h>
#include "fleet/cReportFleet.h"
#include "vtest/cLaunch.h"
#include "vtest/cBoard.h"
__attribute__((aligned(16))) const uint64_t ${ITABLE}[2] = {1, 2};
vtest_SpaceshipRef refs[${VALUES}] = {
${refs.map((b) => `  ${cInit(b)},`).join('\n')}
};
fleet_FleetRef fleet = ${cInit(refs[1])};
/* A typedef of a typedef, and a pointer to one: still recognised by shape. */
typedef vtest_SpaceshipRef ShipHandle;
ShipHandle handle = ${cInit(refs[3])};
ShipHandle *handlePointer = &handle;
vtest_IShipRef board = ${cInit(board)};
int main(void) {
  fleet_cReportFleet(fleet);
  vtest_cLaunch(refs[0]);
  vtest_cBoard(board);
  return 0;
}
`;
  const build = (board: Uint8Array): bigint => {
    writeFileSync(join(dir, 'main.c'), main(board));
    const c = run(
      'gcc',
      [
        '-g',
        '-O0',
        '-no-pie',
        '-Iinclude',
        'main.c',
        join(FIXTURE, 'launch.c'),
        join(ROOT, 'examples', 'fleet', 'native', 'report.c'),
        '-o',
        'prog',
      ],
      dir,
    );
    assert.equal(c.code, 0, c.stderr);
    const nm = run('nm', ['prog'], dir).stdout.match(new RegExp(`^([0-9a-f]+) R ${ITABLE}$`, 'm'));
    assert.ok(nm, `nm lists ${ITABLE}`);
    return BigInt(`0x${nm[1]}`);
  };
  const itable = build(new Uint8Array(32));
  const d = decodeUniversalReference(refs[2], profile);
  const board = encodeUniversalReference({ ...d.fields, typePointer: itable }, profile).bytes;
  assert.equal(build(board), itable, 'the itable stays where the first build put it');
  return { dir, helpers: helpers(dir, profile.name), refs, board, itable };
}
