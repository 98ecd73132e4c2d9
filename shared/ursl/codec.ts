import { FIELD_NAMES, type FieldName, type MemberSpec, PLACEHOLDERS, type UrslProfile } from './profile';

export type UrslFields = Record<FieldName, bigint>;

export interface CWords {
  unused0: bigint;
  unused1: bigint;
  unused2: bigint;
  unused3: bigint;
  unused4: bigint;
}

export type ProblemCode =
  | 'Placeholder'
  | 'NullObjectPointer'
  | 'RegionNotAligned' // RMB16BA
  | 'TypeNotAligned' // ITN16BA
  | 'NotUserSpaceAddress'
  | 'LostLowBits'
  | 'LostHighBits';

export interface UrslProblem {
  field: FieldName;
  code: ProblemCode;
  severity: 'error' | 'warning' | 'information';
  message: string;
}

/** A universal reference taken apart. */
export interface DecodedUrsl {
  profile: string;
  /** Decompressed values: pointers as unsigned 64-bit values after sign extension. */
  fields: UrslFields;
  /** The bits as packed in the 256-bit integer. */
  raw: UrslFields;
  /** The 32 bytes in memory order (little-endian 256-bit integer). */
  bytes: Uint8Array;
  cWords: CWords;
  problems: UrslProblem[];
}

const MASK64 = (1n << 64n) - 1n;

function mask(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/** Sign-extends a 56-bit value to 64 bits, as an unsigned 64-bit number. */
function signExtend56(v: bigint): bigint {
  return v & (1n << 55n) ? (v | ~mask(56)) & MASK64 : v;
}

function decompress(member: MemberSpec, raw: bigint): bigint {
  switch (member.compression) {
    case 'plain':
      return raw;
    case 'pointer56':
      return signExtend56(raw);
    case 'pointer52':
      return signExtend56(raw << 4n);
  }
}

function compress(member: MemberSpec, value: bigint): bigint {
  switch (member.compression) {
    case 'plain':
      return value;
    case 'pointer56':
      return value & mask(56);
    case 'pointer52':
      return (value & mask(56)) >> 4n;
  }
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function cWordsOf(bytes: Uint8Array): CWords {
  const word = (from: number, len: number): bigint => bytesToBigInt(bytes.subarray(from, from + len));
  return { unused0: word(0, 8), unused1: word(8, 8), unused2: word(16, 8), unused3: word(24, 4), unused4: word(28, 4) };
}

export function bytesOfCWords(w: CWords): Uint8Array {
  const out = new Uint8Array(32);
  out.set(bigIntToBytes(w.unused0, 8), 0);
  out.set(bigIntToBytes(w.unused1, 8), 8);
  out.set(bigIntToBytes(w.unused2, 8), 16);
  out.set(bigIntToBytes(w.unused3, 4), 24);
  out.set(bigIntToBytes(w.unused4, 4), 28);
  return out;
}

// The word codec: the 256 bits as eight little-endian 32-bit words, each field as two 32-bit
// halves, no BigInt and no allocation, for decoding references in bulk (recordings, logs).

/** A profile compiled for the word codec: per member, its FIELD_NAMES index, lowest bit, width, compression. */
interface WordPlan {
  readonly field: Int32Array;
  readonly pos: Int32Array;
  readonly bits: Int32Array;
  readonly compression: Int32Array; // 0 plain, 1 pointer56, 2 pointer52
}

const plans = new WeakMap<UrslProfile, WordPlan>();

function planOf(profile: UrslProfile): WordPlan {
  let plan = plans.get(profile);
  if (!plan) {
    const n = profile.members.length;
    plan = { field: new Int32Array(n), pos: new Int32Array(n), bits: new Int32Array(n), compression: new Int32Array(n) };
    let top = 256;
    profile.members.forEach((m, i) => {
      top -= m.bits;
      plan!.field[i] = FIELD_NAMES.indexOf(m.field);
      plan!.pos[i] = top;
      plan!.bits[i] = m.bits;
      plan!.compression[i] = m.compression === 'plain' ? 0 : m.compression === 'pointer56' ? 1 : 2;
    });
    plans.set(profile, plan);
  }
  return plan;
}

const words = new Uint32Array(8);

/** `n` (1..32) bits of `words` from bit `p` up. */
function bitsAt(p: number, n: number): number {
  const i = p >>> 5;
  const s = p & 31;
  let v = words[i] >>> s;
  if (s !== 0 && i < 7) v |= words[i + 1] << (32 - s);
  return n === 32 ? v >>> 0 : (v & ((1 << n) - 1)) >>> 0;
}

function setBitsAt(p: number, n: number, v: number): void {
  const i = p >>> 5;
  const s = p & 31;
  const m = n === 32 ? 0xffffffff : (1 << n) - 1;
  const x = (v & m) >>> 0;
  words[i] = (words[i] | (x << s)) >>> 0;
  if (s !== 0 && s + n > 32) words[i + 1] = (words[i + 1] | (x >>> (32 - s))) >>> 0;
}

/** Entries of `out` for decodeUrslWords: the values, then the packed bits, each field as [low, high] in FIELD_NAMES order. */
export const URSL_WORDS = 4 * FIELD_NAMES.length;

/**
 * Decodes the 32 bytes at `offset` of `view` into `out` (URSL_WORDS entries): out[2f], out[2f+1]
 * are field f's decompressed value (low, high 32 bits), out[14+2f], out[15+2f] its packed bits.
 */
export function decodeUrslWords(view: DataView, offset: number, profile: UrslProfile, out: Uint32Array): void {
  let decode = decoders.get(profile);
  if (!decode) decoders.set(profile, (decode = compileDecoder(planOf(profile))));
  decode(view, offset, out);
}

type WordDecoder = (view: DataView, offset: number, out: Uint32Array) => void;
const decoders = new WeakMap<UrslProfile, WordDecoder>();

/**
 * The plan as straight-line code: every shift and mask a constant, the eight words in locals.
 * The same steps as `decodeWithPlan` (test/ursl.test.ts checks both on random words).
 */
function compileDecoder(plan: WordPlan): WordDecoder {
  const lines = ['const w0 = view.getUint32(offset, true)'];
  for (let i = 1; i < 8; i++) lines.push(`, w${i} = view.getUint32(offset + ${4 * i}, true)`);
  lines.push(';');
  const bits = (p: number, n: number): string => {
    const i = p >>> 5;
    const sh = p & 31;
    let v = sh === 0 ? `w${i}` : `(w${i} >>> ${sh})`;
    if (sh !== 0 && i < 7) v = `(${v} | (w${i + 1} << ${32 - sh}))`;
    return n === 32 ? `(${v} >>> 0)` : `((${v} & ${(2 ** n - 1) >>> 0}) >>> 0)`;
  };
  for (let k = 0; k < plan.pos.length; k++) {
    const pos = plan.pos[k];
    const n = plan.bits[k];
    const f = 2 * plan.field[k];
    lines.push(`{ const lo = ${bits(pos, Math.min(n, 32))}; const hi = ${n > 32 ? bits(pos + 32, n - 32) : '0'};`);
    lines.push(`out[${14 + f}] = lo; out[${15 + f}] = hi;`);
    switch (plan.compression[k]) {
      case 0:
        lines.push(`out[${f}] = lo; out[${f + 1}] = hi; }`);
        break;
      case 1:
        lines.push(`out[${f}] = lo; out[${f + 1}] = hi & 0x800000 ? (hi | 0xff000000) >>> 0 : hi; }`);
        break;
      default:
        lines.push(
          `const h = ((hi << 4) | (lo >>> 28)) >>> 0; out[${f}] = (lo << 4) >>> 0; out[${f + 1}] = h & 0x800000 ? (h | 0xff000000) >>> 0 : h; }`,
        );
    }
  }
  return new Function('view', 'offset', 'out', lines.join('\n')) as WordDecoder;
}

/** The plan interpreted step by step: the reference the compiled decoder is checked against. */
export function decodeWithPlan(view: DataView, offset: number, profile: UrslProfile, out: Uint32Array): void {
  const plan = planOf(profile);
  for (let i = 0; i < 8; i++) words[i] = view.getUint32(offset + 4 * i, true);
  for (let k = 0; k < plan.pos.length; k++) {
    const pos = plan.pos[k];
    const bits = plan.bits[k];
    const lo = bitsAt(pos, Math.min(bits, 32));
    const hi = bits > 32 ? bitsAt(pos + 32, bits - 32) : 0;
    const f = 2 * plan.field[k];
    out[14 + f] = lo;
    out[15 + f] = hi;
    const c = plan.compression[k];
    if (c === 0) {
      out[f] = lo;
      out[f + 1] = hi;
    } else if (c === 1) {
      out[f] = lo;
      out[f + 1] = hi & 0x800000 ? (hi | 0xff000000) >>> 0 : hi;
    } else {
      const h = ((hi << 4) | (lo >>> 28)) >>> 0;
      out[f] = (lo << 4) >>> 0;
      out[f + 1] = h & 0x800000 ? (h | 0xff000000) >>> 0 : h;
    }
  }
}

/**
 * Encodes field values (out[2f], out[2f+1] as decodeUrslWords writes them) into the 32 bytes at
 * `offset` of `view`, compressing pointers. No checks: encodeUniversalReference validates.
 */
export function encodeUrslWords(values: Uint32Array, profile: UrslProfile, view: DataView, offset: number): void {
  const plan = planOf(profile);
  words.fill(0);
  for (let k = 0; k < plan.pos.length; k++) {
    const f = 2 * plan.field[k];
    let lo = values[f];
    let hi = values[f + 1];
    const c = plan.compression[k];
    if (c === 2) {
      lo = ((lo >>> 4) | (hi << 28)) >>> 0;
      hi = (hi & 0xffffff) >>> 4;
    }
    const bits = plan.bits[k];
    setBitsAt(plan.pos[k], Math.min(bits, 32), lo);
    if (bits > 32) setBitsAt(plan.pos[k] + 32, bits - 32, hi);
  }
  for (let i = 0; i < 8; i++) view.setUint32(offset + 4 * i, words[i], true);
}

const decodeScratch = new Uint32Array(URSL_WORDS);
const big = (lo: number, hi: number): bigint => (BigInt(hi) << 32n) | BigInt(lo);

/** Decodes 32 bytes in memory order. */
export function decodeUniversalReference(bytes: Uint8Array, profile: UrslProfile): DecodedUrsl {
  if (bytes.length !== 32) throw new RangeError(`a universal reference is 32 bytes, not ${bytes.length}`);
  const copy = Uint8Array.from(bytes);
  decodeUrslWords(new DataView(copy.buffer), 0, profile, decodeScratch);
  const raw = {} as UrslFields;
  const fields = {} as UrslFields;
  for (const m of profile.members) {
    const f = 2 * FIELD_NAMES.indexOf(m.field);
    fields[m.field] = big(decodeScratch[f], decodeScratch[f + 1]);
    raw[m.field] = big(decodeScratch[14 + f], decodeScratch[15 + f]);
  }
  return { profile: profile.name, fields, raw, bytes: copy, cWords: cWordsOf(copy), problems: checkFields(fields, profile) };
}

export class EncodeError extends Error {}

/**
 * Encodes field values (decompressed form). Values that cannot fit their
 * member (a generation over 32 bits, a pointer over 64 bits, a negative number)
 * are rejected; what pointer compression drops is reported in `problems`.
 */
export function encodeUniversalReference(fields: Partial<UrslFields>, profile: UrslProfile): DecodedUrsl {
  let packed = 0n;
  const lossy: UrslProblem[] = [];
  for (const m of profile.members) {
    const value = fields[m.field];
    if (value === undefined) throw new EncodeError(`missing field ${m.field}`);
    const limitBits = m.compression === 'plain' ? m.bits : 64;
    if (value < 0n || value > mask(limitBits)) {
      throw new EncodeError(`${m.field} = ${hex(value)} does not fit in ${limitBits} bits`);
    }
    const compressed = compress(m, value);
    if (m.compression !== 'plain' && decompress(m, compressed) !== value) {
      if (m.compression === 'pointer52' && (value & 0xfn) !== 0n) {
        lossy.push({
          field: m.field,
          code: 'LostLowBits',
          severity: 'error',
          message: `${m.field} ${hex(value)} is not 16-byte aligned: compression to 52 bits drops its low 4 bits (${hex(value & 0xfn)})`,
        });
      }
      if (signExtend56(value & mask(56)) !== value) {
        lossy.push({
          field: m.field,
          code: 'LostHighBits',
          severity: 'error',
          message: `${m.field} ${hex(value)} does not survive truncation to 56 bits: bits 56-63 are not the sign extension of bit 55`,
        });
      }
    }
    packed = (packed << BigInt(m.bits)) | compressed;
  }
  const decoded = decodeUniversalReference(bigIntToBytes(packed, 32), profile);
  decoded.problems = [...lossy, ...decoded.problems];
  return decoded;
}

const USER_SPACE_LIMIT = 1n << 47n;

/** Every check `checkFields` runs, in order, with what passing it means. */
export const URSL_CHECKS: readonly { code: ProblemCode; passed: string }[] = [
  { code: 'NullObjectPointer', passed: 'objectPointer is not null' },
  { code: 'RegionNotAligned', passed: 'regionPointer is 16-byte aligned (RMB16BA)' },
  { code: 'TypeNotAligned', passed: 'typePointer is 16-byte aligned (ITN16BA)' },
  { code: 'NotUserSpaceAddress', passed: 'every pointer is null or in the 47-bit user space' },
  { code: 'Placeholder', passed: "no member holds one of the backend's placeholder constants" },
];

/** Checks on decoded values: placeholders, null, alignment, user-space addresses. */
export function checkFields(fields: UrslFields, profile: UrslProfile): UrslProblem[] {
  const problems: UrslProblem[] = [];
  for (const field of FIELD_NAMES) {
    const placeholder = PLACEHOLDERS[field];
    if (placeholder && fields[field] === placeholder.value) {
      problems.push({
        field,
        code: 'Placeholder',
        severity: 'information',
        message: `${hex(placeholder.value)} is the placeholder the backend writes for ${field} (${placeholder.constant}); the real value is not wired yet`,
      });
    }
  }
  if (fields.objectPointer === 0n) {
    problems.push({
      field: 'objectPointer',
      code: 'NullObjectPointer',
      severity: 'error',
      message: 'the object pointer is null: this reference points at nothing',
    });
  }
  const compression = new Map(profile.members.map((m) => [m.field, m.compression]));
  for (const [field, code, rule] of [
    ['regionPointer', 'RegionNotAligned', 'RMB16BA'],
    ['typePointer', 'TypeNotAligned', 'ITN16BA'],
  ] as const) {
    if ((fields[field] & 0xfn) !== 0n) {
      problems.push({
        field,
        code,
        severity: 'error',
        message: `${field} ${hex(fields[field])} is not 16-byte aligned (${rule}); a 52-bit member cannot hold it`,
      });
    }
  }
  for (const field of ['objectPointer', 'typePointer', 'regionPointer'] as const) {
    const v = fields[field];
    if (v === 0n || compression.get(field) === 'plain') continue;
    if (v >= USER_SPACE_LIMIT) {
      problems.push({
        field,
        code: 'NotUserSpaceAddress',
        severity: 'warning',
        message:
          v >= 1n << 63n
            ? `${field} ${hex(v)} sign-extends into the kernel half of the address space`
            : `${field} ${hex(v)} is above the 47-bit user-space range of x86-64 and aarch64 (48-bit VA)`,
      });
    }
  }
  return problems;
}

export function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** True when a decoded reference looks like a real one: its pointers are user-space or null/placeholders. */
export function isPlausible(d: DecodedUrsl): boolean {
  return !d.problems.some((p) => p.code === 'NotUserSpaceAddress');
}
