import { BACKEND_PROFILE, type UrslProfile } from './profile';
import { bigIntToBytes, bytesOfCWords, decodeUniversalReference, isPlausible } from './codec';

export type UrslForm = 'i256' | 'bytes' | 'cWords' | 'gdb';

export interface RecognizedUrsl {
  /** Offsets into the searched text. */
  start: number;
  end: number;
  form: UrslForm;
  /** The 32 bytes in memory order. */
  bytes: Uint8Array;
}

export const ACCEPTED_FORMS = [
  'the 256-bit integer: 0x followed by 64 hex digits, or 64 bare hex digits',
  '32 bytes in memory order, separated by spaces or commas, with or without 0x (a C array initializer too)',
  'the five C words of a ...Ref initializer: {unused0, unused1, unused2, unused3, unused4}',
  "four 64-bit words as gdb's x/4gx prints them (two lines of address: word word)",
];

const I256 = /(?<![0-9A-Za-z_])(?:0[xX])?([0-9a-fA-F]{64})(?![0-9A-Za-z_])/g;
const BYTE = '(?:0[xX][0-9a-fA-F]{1,2}|[0-9a-fA-F]{2})';
// One way only to match each separator (blanks, or a comma with blanks and at most one line break
// after it): an ambiguous separator made a failing 32-byte match backtrack 2^31 ways.
const SEP = '(?:[ \\t]*,[ \\t]*(?:\\n[ \\t]*)?|[ \\t]+)';
const BYTES = new RegExp(`(?<![0-9A-Za-z_])${BYTE}(?:${SEP}${BYTE}){31}(?![0-9A-Za-z_])`, 'g');
const NUM = '(0[xX][0-9a-fA-F]+|[0-9]+)(?:[uU]?[lL]{0,2}|[lL]{1,2}[uU]?)';
const WORD = (i: number): string => `(?:\\.unused${i}\\s*=\\s*)?${NUM}`;
const C_WORDS = new RegExp(
  `\\{\\s*${WORD(0)}\\s*,\\s*${WORD(1)}\\s*,\\s*${WORD(2)}\\s*,\\s*${WORD(3)}\\s*,\\s*${WORD(4)}\\s*,?\\s*\\}`,
  'g',
);
const GDB_LINE = '(0x[0-9a-fA-F]+)(?:\\s*<[^>\\n]*>)?:[ \\t]+0x([0-9a-fA-F]{16})[ \\t]+0x([0-9a-fA-F]{16})';
const GDB = new RegExp(`${GDB_LINE}[ \\t]*\\r?\\n[ \\t]*${GDB_LINE}`, 'g');
const BYTE_AT_EDGE_BEFORE = /(?:0[xX][0-9a-fA-F]{1,2}|[0-9a-fA-F]{2})[ \t]*,?[ \t]*$/;
const BYTE_AT_EDGE_AFTER = /^[ \t]*,?[ \t]*(?:0[xX][0-9a-fA-F]{1,2}|[0-9a-fA-F]{2})(?![0-9A-Za-z_])/;
/** An initializer counts as a `...Ref` one when it names the words or follows a `...Ref` type. */
const REF_CONTEXT = /(?:\w*Ref\b[^;{}=]*=\s*\(?\s*(?:\(\s*\w*Ref\s*\)\s*)?$)|(?:\(\s*\w*Ref\s*\)\s*$)/;

/** A hex digit's value (the caller's pattern matched it). */
function hexValue(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

/** The 64 hex digits at `text[at]` (most significant first) as the 32 bytes in memory order, least significant first. */
function hexToBytesLE(text: string, at: number): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    const d = at + 62 - 2 * i;
    bytes[i] = (hexValue(text.charCodeAt(d)) << 4) | hexValue(text.charCodeAt(d + 1));
  }
  return bytes;
}

function bytesFromTokens(text: string): Uint8Array | undefined {
  const tokens = text.split(/[\s,]+/).filter((t) => t.length > 0);
  if (tokens.length !== 32) return undefined;
  return Uint8Array.from(tokens.map((t) => parseInt(t.replace(/^0[xX]/, ''), 16)));
}

function parseNumber(s: string): bigint {
  return BigInt(s.replace(/[uUlL]+$/, ''));
}

/** A match of one of the forms, its bytes not made yet: most candidates near a hover are never decoded. */
interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly form: UrslForm;
  /** The 32 bytes in memory order (made at the first call that needs them). */
  bytes(): Uint8Array;
}

/** The gdb form's separator: without one in the text, its pattern cannot match. */
const GDB_HINT = /:[ \t]+0x/;

function* candidates(text: string): Generator<Candidate> {
  if (GDB_HINT.test(text))
    for (const m of text.matchAll(GDB)) {
      const [a1, w0, w1, a2, w2, w3] = [m[1], m[2], m[3], m[4], m[5], m[6]];
      if (BigInt(a2) !== BigInt(a1) + 16n) continue;
      const bytes = new Uint8Array(32);
      [w0, w1, w2, w3].forEach((w, i) => bytes.set(bigIntToBytes(BigInt(`0x${w}`), 8), i * 8));
      yield { start: m.index!, end: m.index! + m[0].length, form: 'gdb', bytes: () => bytes };
    }
  if (text.includes('{'))
    for (const m of text.matchAll(C_WORDS)) {
      const designated = m[0].includes('.unused');
      if (!designated && !REF_CONTEXT.test(text.slice(Math.max(0, m.index! - 120), m.index!))) continue;
      const words = [m[1], m[2], m[3], m[4], m[5]].map(parseNumber);
      if (words.slice(0, 3).some((w) => w >= 1n << 64n) || words.slice(3).some((w) => w >= 1n << 32n)) continue;
      const bytes = bytesOfCWords({ unused0: words[0], unused1: words[1], unused2: words[2], unused3: words[3], unused4: words[4] });
      yield { start: m.index!, end: m.index! + m[0].length, form: 'cWords', bytes: () => bytes };
    }
  for (const m of text.matchAll(BYTES)) {
    const start = m.index!;
    const end = start + m[0].length;
    // Exactly 32: part of a longer run of bytes is a dump, not a reference.
    if (BYTE_AT_EDGE_BEFORE.test(text.slice(Math.max(0, start - 8), start)) || BYTE_AT_EDGE_AFTER.test(text.slice(end, end + 8))) continue;
    const bytes = bytesFromTokens(m[0]);
    if (bytes) yield { start, end, form: 'bytes', bytes: () => bytes };
  }
  for (const m of text.matchAll(I256)) {
    const start = m.index!;
    const end = start + m[0].length;
    yield { start, end, form: 'i256', bytes: () => hexToBytesLE(text, end - 64) };
  }
}

/**
 * Finds universal references in any text (C, Vale, logs), with their ranges.
 * Only plausible ones are reported: their pointers must be user-space
 * addresses, which is what keeps hashes and random keys out.
 */
export function findUniversalReferences(text: string, profile: UrslProfile = BACKEND_PROFILE): RecognizedUrsl[] {
  return accepted(candidates(text), profile);
}

/**
 * The reference `findUniversalReferences(text)` reports at `offset` (the first whose range holds
 * it, ends included), decoding only the candidates that can bear on it: a candidate is kept
 * unless an earlier kept one overlaps it, so only the candidates joined to the offset by a chain
 * of overlaps matter, and the rest of the text's (a hover on one line of a log) are not decoded.
 */
export function findUniversalReferenceAt(text: string, offset: number, profile: UrslProfile = BACKEND_PROFILE): RecognizedUrsl | undefined {
  const all = [...candidates(text)];
  const joined = all.map((c) => c.start <= offset && offset <= c.end);
  for (let grew = joined.includes(true); grew; ) {
    grew = false;
    for (let i = 0; i < all.length; i++)
      if (!joined[i] && all.some((f, j) => joined[j] && overlaps(all[i], f))) {
        joined[i] = true;
        grew = true;
      }
  }
  return accepted(
    all.filter((_, i) => joined[i]),
    profile,
  ).find((r) => r.start <= offset && offset <= r.end);
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The plausible candidates, in the order given, each unless an earlier one kept overlaps it; sorted by place. */
function accepted(list: Iterable<Candidate>, profile: UrslProfile): RecognizedUrsl[] {
  const found: RecognizedUrsl[] = [];
  for (const c of list) {
    if (found.some((f) => overlaps(c, f))) continue;
    const bytes = c.bytes();
    if (!isPlausible(decodeUniversalReference(bytes, profile))) continue;
    found.push({ start: c.start, end: c.end, form: c.form, bytes });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Reads a whole text as one universal reference in any accepted form (no plausibility test). */
export function parseUniversalReference(text: string): RecognizedUrsl | undefined {
  const trimmed = text.trim();
  const offset = text.indexOf(trimmed);
  for (const c of candidates(trimmed)) {
    if (c.start === 0 && c.end === trimmed.length) return { start: offset, end: offset + trimmed.length, form: c.form, bytes: c.bytes() };
  }
  // A bare C initializer without its `...Ref` context is still unambiguous when it is the whole input.
  for (const c of candidates(`(XRef)${trimmed}`)) {
    if (c.form === 'cWords' && c.start === 6 && c.end === trimmed.length + 6)
      return { start: offset, end: offset + trimmed.length, form: c.form, bytes: c.bytes() };
  }
  return undefined;
}
