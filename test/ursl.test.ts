import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  BACKEND_PROFILE,
  FIELD_NAMES,
  PROFILES,
  type UrslFields,
  bigIntToBytes,
  decodeUniversalReference,
  decodeUrslWords,
  decodeWithPlan,
  encodeUniversalReference,
  encodeUrslWords,
  findUniversalReferenceAt,
  findUniversalReferences,
  hex,
  parseUniversalReference,
  URSL_WORDS,
} from '../shared/ursl';

interface Vector {
  fields: Record<string, string>;
  bytesHexLE: string;
  i256Hex: string;
  cStructWords: Record<string, string>;
}

// Worked examples computed from the backend's packing rules (test/fixtures/ursl/README.md).
const VECTORS_PATH = join(__dirname, 'fixtures', 'ursl', 'vectors.json');
const VECTORS: Vector[] = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('URSL codec on the worked vectors', () => {
  test('there are vectors to check', () => assert.ok(VECTORS.length >= 5));
  VECTORS.forEach((v, i) => {
    test(`vector ${i}: decode bytes, encode fields`, () => {
      const decoded = decodeUniversalReference(Buffer.from(v.bytesHexLE, 'hex'), BACKEND_PROFILE);
      for (const f of FIELD_NAMES) assert.equal(hex(decoded.fields[f]), v.fields[f], f);
      for (const [w, value] of Object.entries(v.cStructWords))
        assert.equal(hex(decoded.cWords[w as keyof typeof decoded.cWords]), value, w);
      const fields = Object.fromEntries(FIELD_NAMES.map((f) => [f, BigInt(v.fields[f])])) as UrslFields;
      const encoded = encodeUniversalReference(fields, BACKEND_PROFILE);
      assert.equal(toHex(encoded.bytes), v.bytesHexLE);
      assert.equal(`0x${BigInt(v.i256Hex).toString(16).padStart(64, '0')}`, v.i256Hex);
      assert.equal(toHex(bigIntToBytes(BigInt(v.i256Hex), 32)), v.bytesHexLE);
    });
  });
});

const pointer52 = fc.bigInt(0n, (1n << 47n) - 1n).map((v) => v & ~0xfn);
const fieldsArb = fc.record({
  objectGeneration: fc.bigInt(0n, (1n << 32n) - 1n),
  regionGeneration: fc.bigInt(0n, (1n << 32n) - 1n),
  objectPointer: fc.oneof(fc.bigInt(0n, (1n << 55n) - 1n), fc.bigInt((1n << 64n) - (1n << 55n), (1n << 64n) - 1n)),
  typePointer: pointer52,
  regionPointer: pointer52,
  offsetToGeneration: fc.bigInt(0n, 0xffffn),
  scopeTetherMask: fc.bigInt(0n, 0xffffn),
});

describe('URSL codec properties', () => {
  for (const profile of PROFILES) {
    test(`${profile.name}: decode(encode(f)) == f for every representable f`, () => {
      fc.assert(
        fc.property(fieldsArb, (f) => {
          const d = decodeUniversalReference(encodeUniversalReference(f, profile).bytes, profile);
          return FIELD_NAMES.every((n) => d.fields[n] === f[n]);
        }),
        { numRuns: 2000 },
      );
    });
    test(`${profile.name}: encode(decode(b)) == b for every 32 bytes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
          const d = decodeUniversalReference(b, profile);
          return toHex(encodeUniversalReference(d.fields, profile).bytes) === toHex(b);
        }),
        { numRuns: 2000 },
      );
    });
    test(`${profile.name}: the word codec agrees with the BigInt encoder, and round-trips every 32 bytes`, () => {
      const out = new Uint32Array(URSL_WORDS);
      fc.assert(
        fc.property(fieldsArb, fc.uint8Array({ minLength: 32, maxLength: 32 }), (f, b) => {
          const values = new Uint32Array(FIELD_NAMES.flatMap((n) => [Number(f[n] & 0xffffffffn), Number(f[n] >> 32n)]));
          const encoded = new Uint8Array(32);
          encodeUrslWords(values, profile, new DataView(encoded.buffer), 0);
          assert.equal(toHex(encoded), toHex(encodeUniversalReference(f, profile).bytes));
          // At an offset inside a larger buffer, as in a recording.
          const record = new Uint8Array(40);
          record.set(b, 5);
          decodeUrslWords(new DataView(record.buffer), 5, profile, out);
          const again = new Uint8Array(32);
          encodeUrslWords(out, profile, new DataView(again.buffer), 0);
          assert.equal(toHex(again), toHex(b));
          // The decoder compiled for the profile does what the plan says, step by step.
          const stepwise = new Uint32Array(URSL_WORDS);
          decodeWithPlan(new DataView(record.buffer), 5, profile, stepwise);
          assert.deepEqual([...out], [...stepwise]);
        }),
        { numRuns: 2000 },
      );
    });
  }

  test('encode rejects values that do not fit and reports what compression loses', () => {
    const base = decodeUniversalReference(Buffer.from(VECTORS[1].bytesHexLE, 'hex'), BACKEND_PROFILE).fields;
    assert.throws(
      () => encodeUniversalReference({ ...base, objectGeneration: 1n << 32n }, BACKEND_PROFILE),
      /objectGeneration = 0x100000000 does not fit in 32 bits/,
    );
    assert.throws(() => encodeUniversalReference({ ...base, scopeTetherMask: -1n }, BACKEND_PROFILE), /does not fit/);
    const unaligned = encodeUniversalReference({ ...base, typePointer: 0x1338n }, BACKEND_PROFILE);
    assert.deepEqual(
      unaligned.problems.filter((p) => p.code === 'LostLowBits').map((p) => p.field),
      ['typePointer'],
    );
    assert.equal(unaligned.fields.typePointer, 0x1330n);
    const high = encodeUniversalReference({ ...base, objectPointer: 0x0100_0000_0000_1000n }, BACKEND_PROFILE);
    assert.deepEqual(
      high.problems.filter((p) => p.code === 'LostHighBits').map((p) => p.field),
      ['objectPointer'],
    );
  });

  test('checks name placeholders per field and flag null and kernel pointers', () => {
    const d = decodeUniversalReference(Buffer.from(VECTORS[0].bytesHexLE, 'hex'), BACKEND_PROFILE);
    assert.deepEqual(
      d.problems
        .filter((p) => p.code === 'Placeholder')
        .map((p) => p.field)
        .sort(),
      ['objectGeneration', 'offsetToGeneration', 'regionGeneration', 'regionPointer', 'scopeTetherMask', 'typePointer'],
    );
    const nulled = encodeUniversalReference({ ...d.fields, objectPointer: 0n }, BACKEND_PROFILE);
    assert.ok(nulled.problems.some((p) => p.code === 'NullObjectPointer'));
    const kernel = decodeUniversalReference(
      encodeUniversalReference({ ...d.fields, objectPointer: 0xffff_8000_0000_1000n }, BACKEND_PROFILE).bytes,
      BACKEND_PROFILE,
    );
    assert.equal(kernel.fields.objectPointer, 0xffff_8000_0000_1000n);
    assert.ok(kernel.problems.some((p) => p.code === 'NotUserSpaceAddress' && /kernel/.test(p.message)));
  });
});

describe('URSL recognizers', () => {
  const forms = (v: Vector): Record<string, string> => {
    const bytes = Buffer.from(v.bytesHexLE, 'hex');
    const list = [...bytes].map((b) => b.toString(16).padStart(2, '0'));
    const w = v.cStructWords;
    const q = (i: number): string =>
      bytes
        .subarray(i * 8, i * 8 + 8)
        .reverse()
        .toString('hex');
    return {
      i256: v.i256Hex,
      bare: v.i256Hex.slice(2),
      upper: `0X${v.i256Hex.slice(2).toUpperCase()}`,
      spaced: list.join(' '),
      commas: list.map((b) => `0x${b}`).join(', '),
      cArray: `uint8_t ref[32] = {${list.map((b) => `0x${b}`).join(',')}};`,
      cWords: `fleet_FleetRef ref = { ${w.unused0}, ${w.unused1}, ${w.unused2}, ${w.unused3}, ${w.unused4} };`,
      designated: `{ .unused0 = ${w.unused0}ULL, .unused1 = ${w.unused1}, .unused2 = ${w.unused2}, .unused3 = ${w.unused3}, .unused4 = ${w.unused4} }`,
      gdb: `(gdb) x/4gx &ref\n0x7fffffffe3c0:\t0x${q(0)}\t0x${q(1)}\n0x7fffffffe3d0:\t0x${q(2)}\t0x${q(3)}\n`,
    };
  };

  VECTORS.forEach((v, i) => {
    test(`vector ${i}: every textual form is found with its exact range and decodes`, () => {
      for (const [name, snippet] of Object.entries(forms(v))) {
        const prefix = `// log line ${i}: ref=`;
        const text = `${prefix}${snippet} trailing words\n`;
        const found = findUniversalReferences(text);
        assert.equal(found.length, 1, `${name}: ${JSON.stringify(found)}`);
        const d = decodeUniversalReference(found[0].bytes, BACKEND_PROFILE);
        assert.equal(toHex(d.bytes), v.bytesHexLE, name);
        // A C array's range is its 32 bytes; a ...Ref initializer's includes the braces.
        const expectedStart =
          name === 'cArray'
            ? text.indexOf('{') + 1
            : name === 'cWords'
              ? text.indexOf('{')
              : name === 'gdb'
                ? text.indexOf('0x7fff')
                : prefix.length;
        assert.equal(found[0].start, expectedStart, `${name} start`);
        const expectedEnd =
          name === 'gdb'
            ? text.lastIndexOf('\n', text.length - 2) === -1
              ? -1
              : text.indexOf(' trailing') - 1
            : name === 'cArray'
              ? text.indexOf('}')
              : name === 'cWords'
                ? text.indexOf('}') + 1
                : prefix.length + snippet.length;
        if (name !== 'gdb') assert.equal(found[0].end, expectedEnd, `${name} end`);
        else assert.equal(text.slice(found[0].start, found[0].end).split('\n').length, 2, 'gdb spans its two lines');
        // The same form given alone, as `vale-ffi decode` receives it.
        const alone =
          name === 'cArray'
            ? snippet.slice(snippet.indexOf('{') + 1, snippet.lastIndexOf('}'))
            : name === 'cWords'
              ? snippet.slice(snippet.indexOf('{'), snippet.lastIndexOf('}') + 1)
              : name === 'gdb'
                ? snippet.replace('(gdb) x/4gx &ref\n', '')
                : snippet;
        const parsed = parseUniversalReference(alone);
        assert.ok(parsed, `${name} parses as a whole`);
        assert.equal(toHex(parsed.bytes), v.bytesHexLE, `${name} whole`);
      }
    });
  });

  test('the reference at an offset is the one the whole text reports there (overlapping candidates included)', () => {
    const snippets = VECTORS.flatMap((v) => Object.values(forms(v)));
    const hexDigits = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
    const piece = fc.oneof(
      fc.constantFrom(...snippets),
      // Candidates inside candidates: a ...Ref initializer whose first word is written in 64 digits.
      fc
        .tuple(fc.constantFrom(...VECTORS), fc.boolean())
        .map(
          ([v, context]) =>
            `${context ? 'FleetRef r = ' : ''}{ 0x${BigInt(v.cStructWords.unused0).toString(16).padStart(64, '0')}, ${v.cStructWords.unused1}, ${v.cStructWords.unused2}, ${v.cStructWords.unused3}, ${v.cStructWords.unused4} }`,
        ),
      // Runs of bytes around 32 long, 64-digit runs that decode to anything.
      fc.integer({ min: 30, max: 34 }).chain((n) => fc.array(hexDigits(2), { minLength: n, maxLength: n }).map((b) => b.join(' '))),
      hexDigits(64).map((h) => `0x${h}`),
      fc.constantFrom(' ', '\n', ', ', '{', '}', 'ref=', '0x', 'ab'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const text = pieces.join('');
        const all = findUniversalReferences(text);
        for (let offset = 0; offset <= text.length; offset++) {
          const expected = all.find((r) => r.start <= offset && offset <= r.end);
          assert.deepEqual(findUniversalReferenceAt(text, offset), expected, `at ${offset} of ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('ordinary hex is not a universal reference', () => {
    const corpus = [
      'sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty.txt',
      'commit 6fb98324a1b2c3d4e5f60718293a4b5c6d7e8f90',
      'uuid 123e4567-e89b-12d3-a456-426614174000, mac 00:1a:2b:3c:4d:5e',
      'segfault at 0x00007f3a1c2b3d40 ip 0x000055d1c0ffee00 sp 0x00007ffd5e3c1a90',
      'uint8_t key[32] = {0x3a,0x9f,0xc2,0x81,0x77,0xe4,0xd0,0x5b,0xa8,0x13,0x6c,0xf1,0x29,0xbe,0x44,0x0d,0x92,0xe7,0x58,0xc3,0x1f,0xa6,0x7b,0xd4,0x60,0x85,0x3e,0xf9,0x0c,0xb2,0x47,0xda};',
      'int arr[5] = {1, 2, 3, 4, 5};',
      `0x${'f'.repeat(64)}`,
    ].join('\n');
    assert.deepEqual(findUniversalReferences(corpus), []);
  });
});
