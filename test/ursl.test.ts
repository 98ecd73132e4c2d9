import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BACKEND_PROFILE, FIELD_NAMES, PROFILES, UrslFields, bigIntToBytes, decodeUniversalReference, encodeUniversalReference, hex } from '../shared/ursl';

interface Vector {
  fields: Record<string, string>;
  bytesHexLE: string;
  i256Hex: string;
  cStructWords: Record<string, string>;
}

// The worked examples given beside the project (../shared/data); CI has them there too.
const VECTORS_PATH = join(__dirname, '..', '..', 'shared', 'data', 'ursl-vectors.json');
const VECTORS: Vector[] = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('URSL codec on the worked vectors', () => {
  test('there are vectors to check', () => assert.ok(VECTORS.length >= 5));
  VECTORS.forEach((v, i) => {
    test(`vector ${i}: decode bytes, encode fields`, () => {
      const decoded = decodeUniversalReference(Buffer.from(v.bytesHexLE, 'hex'), BACKEND_PROFILE);
      for (const f of FIELD_NAMES) assert.equal(hex(decoded.fields[f]), v.fields[f], f);
      for (const [w, value] of Object.entries(v.cStructWords)) assert.equal(hex(decoded.cWords[w as keyof typeof decoded.cWords]), value, w);
      const fields = Object.fromEntries(FIELD_NAMES.map((f) => [f, BigInt(v.fields[f])])) as UrslFields;
      const encoded = encodeUniversalReference(fields, BACKEND_PROFILE);
      assert.equal(toHex(encoded.bytes), v.bytesHexLE);
      assert.equal('0x' + BigInt(v.i256Hex).toString(16).padStart(64, '0'), v.i256Hex);
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
      fc.assert(fc.property(fieldsArb, (f) => {
        const d = decodeUniversalReference(encodeUniversalReference(f, profile).bytes, profile);
        return FIELD_NAMES.every((n) => d.fields[n] === f[n]);
      }), { numRuns: 2000 });
    });
    test(`${profile.name}: encode(decode(b)) == b for every 32 bytes`, () => {
      fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
        const d = decodeUniversalReference(b, profile);
        return toHex(encodeUniversalReference(d.fields, profile).bytes) === toHex(b);
      }), { numRuns: 2000 });
    });
  }

  test('encode rejects values that do not fit and reports what compression loses', () => {
    const base = decodeUniversalReference(Buffer.from(VECTORS[1].bytesHexLE, 'hex'), BACKEND_PROFILE).fields;
    assert.throws(() => encodeUniversalReference({ ...base, objectGeneration: 1n << 32n }, BACKEND_PROFILE), /objectGeneration = 0x100000000 does not fit in 32 bits/);
    assert.throws(() => encodeUniversalReference({ ...base, scopeTetherMask: -1n }, BACKEND_PROFILE), /does not fit/);
    const unaligned = encodeUniversalReference({ ...base, typePointer: 0x1338n }, BACKEND_PROFILE);
    assert.deepEqual(unaligned.problems.filter((p) => p.code === 'LostLowBits').map((p) => p.field), ['typePointer']);
    assert.equal(unaligned.fields.typePointer, 0x1330n);
    const high = encodeUniversalReference({ ...base, objectPointer: 0x0100_0000_0000_1000n }, BACKEND_PROFILE);
    assert.deepEqual(high.problems.filter((p) => p.code === 'LostHighBits').map((p) => p.field), ['objectPointer']);
  });

  test('checks name placeholders per field and flag null and kernel pointers', () => {
    const d = decodeUniversalReference(Buffer.from(VECTORS[0].bytesHexLE, 'hex'), BACKEND_PROFILE);
    assert.deepEqual(d.problems.filter((p) => p.code === 'Placeholder').map((p) => p.field).sort(),
      ['objectGeneration', 'offsetToGeneration', 'regionGeneration', 'regionPointer', 'scopeTetherMask', 'typePointer']);
    const nulled = encodeUniversalReference({ ...d.fields, objectPointer: 0n }, BACKEND_PROFILE);
    assert.ok(nulled.problems.some((p) => p.code === 'NullObjectPointer'));
    const kernel = decodeUniversalReference(encodeUniversalReference({ ...d.fields, objectPointer: 0xffff_8000_0000_1000n }, BACKEND_PROFILE).bytes, BACKEND_PROFILE);
    assert.equal(kernel.fields.objectPointer, 0xffff_8000_0000_1000n);
    assert.ok(kernel.problems.some((p) => p.code === 'NotUserSpaceAddress' && /kernel/.test(p.message)));
  });
});
