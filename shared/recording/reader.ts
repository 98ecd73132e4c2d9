import type { CFieldType, CProgram } from '../layout/cprogram';
import { type JsonValue, MessageError, decodeMessage } from '../layout/message';
import type { FunctionDecl } from '../model/declarations';
import { type DecodedUrsl, decodeUniversalReference } from '../ursl/codec';
import { BACKEND_PROFILE, type UrslProfile } from '../ursl/profile';

/** The first word of every recording (determinism.cpp, RECORDING_FILE_CONSTANT). */
export const RECORDING_MAGIC = 0x4a1e133713371337n;
/** Names longer than this are taken as corruption, not allocated. */
export const MAX_NAME_LENGTH = 4096;

export type RecordedValue =
  | { readonly kind: 'void' }
  | { readonly kind: 'int' | 'bool' | 'float'; readonly value: number | string | boolean; readonly offset: number }
  | { readonly kind: 'message'; readonly type: string; readonly size: number; readonly value: JsonValue; readonly offset: number }
  | { readonly kind: 'reference'; readonly reference: DecodedUrsl; readonly offset: number };

export interface RecordedCall {
  /** File offset of the call's name length. */
  readonly offset: number;
  readonly callee: string;
  readonly args: readonly { readonly param: string; readonly offset: number; readonly reference: DecodedUrsl }[];
  /**
   * Every parameter of the extern, in order. The recording format carries only the universal
   * references of mutable arguments (those are in `args`); the others are `recorded: false`.
   */
  readonly params: readonly { readonly name: string; readonly type: string; readonly recorded: boolean }[];
  readonly result: RecordedValue;
}

export interface Recording {
  readonly calls: readonly RecordedCall[];
  /** Where and why reading stopped early; everything before it is in `calls`. */
  readonly error?: { readonly offset: number; readonly reason: string };
  readonly size: number;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    reason: string,
  ) {
    super(reason);
  }
}

function isMutable(t: CFieldType): boolean {
  return t.kind?.mutability === 'mut' || (t.unexported !== undefined && t.text.endsWith('Ref'));
}

/**
 * Reads a `recording.vale.bin` with the workspace's extern declarations:
 * callee names, mutable arguments as universal references, the end marker,
 * the return value. Stops at the first thing it cannot read and says where.
 */
export function readRecording(bytes: Uint8Array, program: CProgram, profile: UrslProfile = BACKEND_PROFILE): Recording {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const externs = new Map<string, { fn: FunctionDecl; pkg: string }>();
  for (const m of program.index.files.values())
    for (const f of m.functions) if (f.extern && !externs.has(f.name)) externs.set(f.name, { fn: f, pkg: m.package });
  const calls: RecordedCall[] = [];
  let at = 0;
  const u64 = (what: string): bigint => {
    if (at + 8 > bytes.length) throw new Stop(at, `the file ends inside ${what} (needs 8 bytes, ${bytes.length - at} left)`);
    const v = view.getBigUint64(at, true);
    at += 8;
    return v;
  };
  const take = (n: number, what: string): Uint8Array => {
    if (at + n > bytes.length) throw new Stop(at, `the file ends inside ${what} (needs ${n} bytes, ${bytes.length - at} left)`);
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  try {
    if (u64('the header') !== RECORDING_MAGIC)
      throw new Stop(0, `not a Vale recording: the header is not 0x${RECORDING_MAGIC.toString(16)}`);
    while (at < bytes.length) {
      const start = at;
      const length = u64('a callee name length');
      if (length > BigInt(MAX_NAME_LENGTH) || length > BigInt(bytes.length - at))
        throw new Stop(start, `a callee name of ${length} bytes runs past the end of the file`);
      const name = new TextDecoder().decode(take(Number(length), 'a callee name'));
      const zeros = take(8 - (Number(length) % 8), 'the padding after a callee name');
      if (zeros.some((b) => b !== 0)) throw new Stop(at - zeros.length, `the bytes after the callee name ${name} are not zero padding`);
      const found = externs.get(name);
      if (!found) throw new Stop(start, `unknown callee ${JSON.stringify(name)}: no extern func of that name in the source files`);
      const args: RecordedCall['args'][number][] = [];
      const params: RecordedCall['params'][number][] = [];
      for (const p of found.fn.params) {
        const t = program.fieldType(found.fn.file, found.pkg, p.type);
        params.push({ name: p.name, type: p.type.text, recorded: isMutable(t) });
        if (!isMutable(t)) continue;
        const offset = at;
        args.push({
          param: p.name,
          offset,
          reference: decodeUniversalReference(take(32, `the universal reference of ${name}(${p.name})`), profile),
        });
      }
      const markerAt = at;
      if (u64('the end-of-call marker') !== 0n)
        throw new Stop(markerAt, `expected the end-of-call marker 0 after the arguments of ${name}`);
      calls.push({ offset: start, callee: name, args, params, result: readResult(found.fn, found.pkg) });
    }
  } catch (e) {
    if (e instanceof Stop) return { calls, error: { offset: e.offset, reason: e.message }, size: bytes.length };
    throw e;
  }
  return { calls, size: bytes.length };

  function readResult(fn: FunctionDecl, pkg: string): RecordedValue {
    const ret = fn.returnType;
    if (!ret) return { kind: 'void' };
    const t = program.fieldType(fn.file, pkg, ret);
    const offset = at;
    if (t.form === 'void') return { kind: 'void' };
    if (isMutable(t))
      return { kind: 'reference', reference: decodeUniversalReference(take(32, `the returned reference of ${fn.name}`), profile), offset };
    if (t.form === 'scalar') {
      const word = u64(`the return value of ${fn.name}`);
      if (t.text === 'double') return { kind: 'float', value: new DataView(new BigUint64Array([word]).buffer).getFloat64(0, true), offset };
      if (t.text === 'int8_t') return { kind: 'bool', value: word !== 0n, offset };
      const v = t.size === 8 ? BigInt.asIntN(64, word) : BigInt.asIntN(t.size * 8, word);
      return {
        kind: 'int',
        value: v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString(),
        offset,
      };
    }
    const size = u64(`the message size of ${fn.name}'s return`);
    if (size > BigInt(bytes.length - at))
      throw new Stop(offset, `${fn.name} returns a message of ${size} bytes, past the end of the file (${bytes.length - at} left)`);
    const messageStart = at;
    const message = take(Number(size), `the message of ${fn.name}`);
    try {
      if (t.string) {
        const length = message.length >= 4 ? new DataView(message.buffer, message.byteOffset).getInt32(0, true) : -1;
        if (length < 0 || 4 + length > message.length)
          throw new MessageError(`a string of ${length} bytes does not fit its ${message.length}-byte message`);
        return {
          kind: 'message',
          type: 'str',
          size: message.length,
          value: new TextDecoder().decode(message.subarray(4, 4 + length)),
          offset,
        };
      }
      if (!t.kind) throw new MessageError(`${t.text} is not exported: its layout is unknown`);
      // Pointers inside are offsets from the start of the file (PSBCBO).
      return {
        kind: 'message',
        type: t.kind.valeName,
        size: message.length,
        value: decodeMessage(program, t.kind, message, BigInt(messageStart)),
        offset,
      };
    } catch (e) {
      if (e instanceof MessageError) throw new Stop(messageStart, `the message returned by ${fn.name}: ${e.message}`);
      throw e;
    }
  }
}
