import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Random, Runtime, type SimObject } from '../shared/simulate';
import {
  BACKEND_PROFILE,
  FIELD_NAMES,
  PROFILES,
  decodeUniversalReference,
  encodeUniversalReference,
  findUniversalReferences,
} from '../shared/ursl';

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

type Op = { op: 'alloc'; region: number; type: number } | { op: 'free'; pick: number } | { op: 'destroy'; region: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('alloc' as const), region: fc.nat(2), type: fc.nat(3) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('destroy' as const), region: fc.nat(2) }) },
);

describe('runtime simulator', () => {
  test('is deterministic from its seed', () => {
    const run = (seed: number): string[] => {
      const rt = new Runtime({ seed });
      const r = rt.createRegion('main');
      const t = rt.defineType('Ship', 32);
      return [0, 1, 2].map(() => toHex(rt.issue(rt.allocate(r, t)).bytes));
    };
    assert.deepEqual(run(42), run(42));
    assert.notDeepEqual(run(42), run(43));
    const a = new Random(7);
    const b = new Random(7);
    assert.deepEqual([a.u32(), a.u32(), a.bits(64)], [b.u32(), b.u32(), b.bits(64)]);
  });

  for (const profile of PROFILES) {
    test(`${profile.name}: every issued reference decodes to the simulator's fields and passes its checks until freed, then fails the generation check`, () => {
      fc.assert(
        fc.property(fc.integer(), fc.constantFrom(0, 8, 16), fc.array(opArb, { maxLength: 60 }), (seed, generationOffset, ops) => {
          const rt = new Runtime({ seed, profile, generationOffset });
          const regions = ['main', 'arena', 'scratch'].map((n) => rt.createRegion(n, 1 << 16));
          const types = [
            ['Ship', 24],
            ['Engine', 40],
            ['Fleet', 20],
            ['Crew', 64],
          ].map(([n, s]) => rt.defineType(n as string, s as number));
          const issued: { object: SimObject; bytes: Uint8Array; fields: ReturnType<Runtime['fieldsOf']> }[] = [];
          const live = (): SimObject[] => issued.map((i) => i.object).filter((o) => o.alive && o.region.alive);
          for (const op of ops) {
            if (op.op === 'alloc' && regions[op.region].alive) {
              const object = rt.allocate(regions[op.region], types[op.type]);
              const ref = rt.issue(object, op.type);
              issued.push({ object, bytes: ref.bytes, fields: rt.fieldsOf(object, op.type) });
            } else if (op.op === 'free' && live().length > 0) {
              const candidates = live();
              rt.free(candidates[op.pick % candidates.length]);
            } else if (op.op === 'destroy' && regions[op.region].alive) {
              rt.destroyRegion(regions[op.region]);
            }
            for (const { object, bytes, fields } of issued) {
              const decoded = decodeUniversalReference(bytes, profile);
              for (const f of FIELD_NAMES) assert.equal(decoded.fields[f], fields[f], f);
              const result = rt.check(bytes, object.type.name);
              if (!object.region.alive) assert.equal(result.failed, 'regionGeneration', JSON.stringify(result.steps));
              else if (!object.alive) {
                assert.equal(result.failed, 'objectGeneration', JSON.stringify(result.steps));
                assert.match(result.steps.at(-1)!.message, /freed/);
              } else assert.ok(result.ok, JSON.stringify(result.steps));
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  test('a reused slot gets a new generation; the old reference stays dead', () => {
    const rt = new Runtime({ seed: 1 });
    const region = rt.createRegion('main');
    const ship = rt.defineType('Ship', 32);
    const first = rt.allocate(region, ship);
    const old = rt.issue(first);
    rt.free(first);
    const second = rt.allocate(region, ship);
    assert.equal(second.address, first.address);
    assert.equal(rt.check(old.bytes).failed, 'objectGeneration');
    assert.ok(rt.check(rt.issue(second).bytes).ok);
    assert.throws(() => rt.issue(first), /freed/);
  });

  test('says which check fails: wrong type, unknown region, pointer outside the region', () => {
    const rt = new Runtime({ seed: 5 });
    const region = rt.createRegion('main');
    const ship = rt.defineType('Ship', 32);
    rt.defineType('Engine', 32);
    const ref = rt.issue(rt.allocate(region, ship));
    const wrongType = rt.check(ref.bytes, 'Engine');
    assert.equal(wrongType.failed, 'type');
    assert.match(wrongType.steps.at(-1)!.message, /is to a Ship, the receiver expects a Engine/);
    const elsewhere = rt.check(rt.issue(rt.allocate(region, ship)).bytes);
    assert.ok(elsewhere.ok);
    const moved = decodeUniversalReference(ref.bytes, BACKEND_PROFILE).fields;
    assert.equal(
      rt.check(encodeUniversalReference({ ...moved, regionPointer: moved.regionPointer + 0x100000n }, BACKEND_PROFILE)).failed,
      'region',
    );
    assert.equal(
      rt.check(encodeUniversalReference({ ...moved, objectPointer: moved.regionPointer + 0x80000n }, BACKEND_PROFILE)).failed,
      'object',
    );
    assert.equal(rt.check(encodeUniversalReference({ ...moved, offsetToGeneration: 4n }, BACKEND_PROFILE)).failed, 'objectGeneration');
  });

  test('type infos placed at 8-byte alignment lose their low bits (ITN16BA)', () => {
    const rt = new Runtime({ seed: 3, typeAlignment: 8 });
    const region = rt.createRegion('main');
    const types = ['A', 'B', 'C', 'D', 'E', 'F'].map((n) => rt.defineType(n, 16));
    const unaligned = types.find((t) => t.address % 16n !== 0n);
    assert.ok(unaligned, 'some type info lands off a 16-byte boundary');
    const ref = rt.issue(rt.allocate(region, unaligned));
    assert.ok(ref.problems.some((p) => p.code === 'LostLowBits' && p.field === 'typePointer'));
    const received = rt.check(ref.bytes);
    assert.equal(received.failed, 'type');
    assert.match(received.steps.at(-1)!.message, /no type info at/);
  });

  test('simulated references scattered through C, Vale and log text are found with exact ranges', () => {
    const rt = new Runtime({ seed: 99 });
    const region = rt.createRegion('main');
    const ship = rt.defineType('Ship', 32);
    const random = new Random(2024);
    const filler = [
      'int main() {\n  return 0;\n}\n',
      'sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709 and uuid 550e8400-e29b-41d4-a716-446655440000\n',
      'exported func launch(ship &Ship) int { return 7; }\n',
      '[2026-11-24T10:00:00Z] INFO heap at 0x00007f3a1c2b3d40, crc 0xdeadbeefcafebabe\n',
      'uint64_t words[4] = {0x1, 0x2, 0x3, 0x4};\n',
    ];
    const render = (bytes: Uint8Array, i: number): [string, string, string] => {
      const list = [...bytes].map((b) => b.toString(16).padStart(2, '0'));
      const w = decodeUniversalReference(bytes, BACKEND_PROFILE).cWords;
      const words = Object.values(w).map((x) => `0x${x.toString(16)}`);
      const q = (k: number): string =>
        Buffer.from(bytes.subarray(k * 8, k * 8 + 8))
          .reverse()
          .toString('hex');
      switch (i % 5) {
        case 0:
          return [
            '[2026-11-24T10:00:01Z] DEBUG sent ref=',
            '0x' +
              bytes
                .slice()
                .reverse()
                .reduce((s, b) => s + b.toString(16).padStart(2, '0'), ''),
            ' to C\n',
          ];
        case 1:
          return ['// fleet.vale: ', list.join(' '), '\n'];
        case 2:
          return ['static const uint8_t ref_bytes[32] = {', list.map((b) => `0x${b}`).join(', '), '};\n'];
        case 3:
          return ['fleet_ShipRef ship = ', `{ ${words.join(', ')} }`, ';\n'];
        default:
          return ['(gdb) x/4gx &ship\n', `0x7ffc2a10:\t0x${q(0)}\t0x${q(1)}\n0x7ffc2a20:\t0x${q(2)}\t0x${q(3)}`, '\n'];
      }
    };
    let text = '';
    const expected: { start: number; end: number; hex: string }[] = [];
    for (let i = 0; i < 60; i++) {
      text += filler[random.below(filler.length)];
      const bytes = rt.issue(rt.allocate(region, ship)).bytes;
      const [before, ref, after] = render(bytes, i);
      text += before;
      expected.push({ start: text.length, end: text.length + ref.length, hex: toHex(bytes) });
      text += ref + after;
    }
    const found = findUniversalReferences(text).map((f) => ({ start: f.start, end: f.end, hex: toHex(f.bytes) }));
    assert.deepEqual(found, expected);
  });
});
