import { type CFieldType, type CKind, type CProgram, roundUp } from './cprogram';

/** A JSON value describing an immutable Vale value. Interfaces: `{"$kind": "StructName", ...members}`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface MessageObject {
  /** The Vale kind (`Ship`, `str`, `[]<imm>int`). */
  readonly kind: string;
  readonly offset: number;
  /** Bytes reserved for it, before rounding up to 16. */
  readonly size: number;
}

export interface Message {
  /** From the root's start to the padded end of the last object: what a `_vasp` extern receives. */
  readonly size: number;
  readonly objects: readonly MessageObject[];
  readonly bytes: Uint8Array;
  /** For an interface root: the inline value C receives (`obj` points at the root object). */
  readonly interfaceValue?: { obj: bigint; type: number; struct: string };
}

export class MessageError extends Error {}

/** Messages nested deeper than this (objects within objects) are refused: no value exhausts the stack. */
export const MAX_MESSAGE_DEPTH = 1000;

/**
 * Lays out an immutable value as the backend's Linear region serializes it:
 * each object reserved at the current offset and the offset bumped to the next
 * multiple of 16; a parent is reserved before its members, which follow in
 * member order with their whole subtrees (pre-order). Pointers are written as
 * `base + offset` (0: offsets from the message start, as in recordings).
 */
export function serializeMessage(program: CProgram, root: CKind, value: JsonValue, base = 0n): Message {
  const target = program.target;
  const chunks: { offset: number; bytes: Uint8Array }[] = [];
  const objects: MessageObject[] = [];
  let cursor = 0;
  const pointerSize = target.scalars.pointer.size;
  const MAX = 1 << 28;

  const reserve = (kind: string, size: number): { offset: number; bytes: Uint8Array } => {
    if (cursor + size > MAX) throw new MessageError(`the message would exceed ${MAX} bytes`);
    const chunk = { offset: cursor, bytes: new Uint8Array(size) };
    chunks.push(chunk);
    objects.push({ kind, offset: cursor, size });
    cursor = roundUp(cursor + size, 16);
    return chunk;
  };

  const writeInt = (into: Uint8Array, at: number, size: number, v: bigint): void => {
    let x = BigInt.asUintN(size * 8, v);
    for (let i = 0; i < size; i++) {
      into[at + i] = Number(x & 0xffn);
      x >>= 8n;
    }
  };

  const path: string[] = [];
  const fail: (message: string) => never = (message) => {
    throw new MessageError(`${path.length ? `${path.join('')}: ` : ''}${message}`);
  };

  const writeField = (into: Uint8Array, at: number, t: CFieldType, v: JsonValue): void => {
    if (t.unexported) fail(`${t.unexported} is not exported, so the backend cannot serialize it`);
    if (t.string) {
      if (typeof v !== 'string') fail(`expected a string, got ${JSON.stringify(v)}`);
      writeInt(into, at, pointerSize, base + BigInt(serializeString(v as string)));
      return;
    }
    if (t.form === 'scalar') {
      if (t.text === 'double') {
        if (typeof v !== 'number') fail(`expected a number, got ${JSON.stringify(v)}`);
        new DataView(into.buffer, into.byteOffset).setFloat64(at, v as number, true);
      } else if (t.text === 'int8_t' && typeof v === 'boolean') {
        into[at] = v ? 1 : 0;
      } else {
        let n: bigint;
        if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
        else if (typeof v === 'string' && /^-?(0x[0-9a-f]+|\d+)$/i.test(v)) n = v.startsWith('-') ? -BigInt(v.slice(1)) : BigInt(v);
        else if (typeof v === 'boolean') n = v ? 1n : 0n;
        else fail(`expected an integer for ${t.text}, got ${JSON.stringify(v)}`);
        const bits = BigInt(t.size * 8);
        if (n < -(1n << (bits - 1n)) || n >= 1n << bits) fail(`${n} does not fit in ${t.text}`);
        writeInt(into, at, t.size, n);
      }
      return;
    }
    const kind = t.kind;
    if (!kind) fail(`cannot serialize ${t.text}`);
    if (kind!.mutability === 'mut') fail(`${kind!.valeName} is mutable: it crosses as a universal reference, not inside a message`);
    if (kind!.category === 'interface') {
      const { obj, type } = serializeInterface(kind!, v);
      writeInt(into, at, pointerSize, base + BigInt(obj));
      writeInt(into, at + pointerSize, 8, BigInt(type));
      return;
    }
    writeInt(into, at, pointerSize, base + BigInt(serializeKind(kind!, v)));
  };

  const serializeString = (s: string): number => {
    const utf8 = new TextEncoder().encode(s);
    // ValeStr: the length, the bytes, a terminating zero.
    const chunk = reserve('str', 4 + utf8.length + 1);
    writeInt(chunk.bytes, 0, 4, BigInt(utf8.length));
    chunk.bytes.set(utf8, 4);
    return chunk.offset;
  };

  const serializeInterface = (iface: CKind, v: JsonValue): { obj: number; type: number; struct: CKind } => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof v.$kind !== 'string') {
      return fail(`a value of interface ${iface.valeName} needs "$kind" naming the struct behind it`);
    }
    const subs = program.substructs(iface);
    const type = subs.findIndex((s) => s.valeName === v.$kind || s.exportName === v.$kind);
    if (type < 0)
      fail(`${v.$kind} is not an exported struct implementing ${iface.valeName} (${subs.map((s) => s.valeName).join(', ') || 'none'})`);
    const { $kind: _, ...members } = v;
    return { obj: serializeKind(subs[type], members), type, struct: subs[type] };
  };

  let depth = 0;
  const serializeKind = (kind: CKind, v: JsonValue): number => {
    if (++depth > MAX_MESSAGE_DEPTH) throw new MessageError(`${kind.valeName}: objects nested more than ${MAX_MESSAGE_DEPTH} deep`);
    try {
      return serializeKindAt(kind, v);
    } finally {
      depth--;
    }
  };

  const serializeKindAt = (kind: CKind, v: JsonValue): number => {
    const layout = program.layout(kind);
    if (kind.category === 'struct') {
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        return fail(`expected an object for ${kind.valeName}, got ${JSON.stringify(v)}`);
      const chunk = reserve(kind.valeName, layout.size);
      for (const f of layout.fields) {
        if (!(f.name in v)) fail(`${kind.valeName} needs member ${f.name}`);
        path.push(`.${f.name}`);
        writeField(chunk.bytes, f.offset, f.type, v[f.name]);
        path.pop();
      }
      const extra = Object.keys(v).filter((k) => !layout.fields.some((f) => f.name === k));
      if (extra.length) fail(`${kind.valeName} has no member ${extra.join(', ')}`);
      return chunk.offset;
    }
    if (kind.category === 'rsa' || kind.category === 'ssa') {
      if (!Array.isArray(v)) return fail(`expected an array for ${kind.valeName}`);
      const elements = layout.fields[layout.fields.length - 1];
      const n = v.length;
      if (kind.category === 'ssa' && n !== (kind.length ?? 0)) fail(`${kind.valeName} holds exactly ${kind.length} elements, got ${n}`);
      // The backend reserves the array struct plus every element (predictShallowSize);
      // for a static array the struct already holds them, so they are counted twice.
      const chunk = reserve(kind.valeName, layout.size + elements.type.size * n);
      if (kind.category === 'rsa') writeInt(chunk.bytes, 0, 4, BigInt(n));
      v.forEach((e, i) => {
        path.push(`[${i}]`);
        writeField(chunk.bytes, elements.offset + i * elements.type.size, elements.type, e);
        path.pop();
      });
      return chunk.offset;
    }
    return fail(`cannot serialize ${kind.valeName} on its own`);
  };

  let interfaceValue: Message['interfaceValue'];
  if (root.mutability === 'mut')
    throw new MessageError(`${root.valeName} is mutable: it crosses as a universal reference, not as a message`);
  if (root.category === 'interface') {
    const r = serializeInterface(root, value);
    interfaceValue = { obj: base + BigInt(r.obj), type: r.type, struct: r.struct.valeName };
  } else {
    serializeKind(root, value);
  }
  const bytes = new Uint8Array(cursor);
  for (const c of chunks) bytes.set(c.bytes, c.offset);
  return { size: cursor, objects, bytes, interfaceValue };
}

/**
 * Reads a message back into a JSON value (the inverse of serializeMessage):
 * pointers are `base + offset`. Every read is checked against the bytes; a
 * pointer outside the message is a MessageError naming where it was found.
 */
export function decodeMessage(program: CProgram, root: CKind, bytes: Uint8Array, base = 0n): JsonValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pointerSize = program.target.scalars.pointer.size;
  let budget = 100_000;
  const check = (at: number, size: number, what: string): void => {
    if (at < 0 || at + size > bytes.length)
      throw new MessageError(`${what} at message offset ${at} (${size} bytes) lies outside the ${bytes.length}-byte message`);
    if (--budget < 0) throw new MessageError('the message has too many objects (a pointer cycle?)');
  };
  const pointer = (at: number, what: string): number => {
    check(at, pointerSize, what);
    const p = view.getBigUint64(at, true) - base;
    if (p < 0n || p >= BigInt(bytes.length)) throw new MessageError(`${what} at message offset ${at} points at ${p}, outside the message`);
    return Number(p);
  };
  const field = (t: CFieldType, at: number, what: string): JsonValue => {
    if (t.string) {
      const s = pointer(at, what);
      check(s, 4, `${what} (string)`);
      const length = view.getInt32(s, true);
      check(s + 4, Math.max(0, length), `${what} (string bytes)`);
      return new TextDecoder().decode(bytes.subarray(s + 4, s + 4 + length));
    }
    if (t.form === 'scalar') {
      check(at, t.size, what);
      if (t.text === 'double') return view.getFloat64(at, true);
      if (t.bool) return view.getInt8(at) !== 0;
      if (t.text === 'int8_t') return view.getInt8(at);
      if (t.text === 'int32_t') return view.getInt32(at, true);
      if (t.text === 'int16_t') return view.getInt16(at, true);
      const v = view.getBigInt64(at, true);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    }
    const k = t.kind;
    if (!k || k.mutability === 'mut') throw new MessageError(`${what}: cannot read ${t.text} from a message`);
    if (k.category === 'interface') {
      const obj = pointer(at, what);
      check(at + pointerSize, 8, `${what}.type`);
      const index = Number(view.getBigUint64(at + pointerSize, true));
      const sub = program.substructs(k)[index];
      if (!sub) throw new MessageError(`${what}: type index ${index} names no struct implementing ${k.valeName}`);
      return { $kind: sub.valeName, ...(kindAt(sub, obj, what) as Record<string, JsonValue>) };
    }
    return kindAt(k, pointer(at, what), what);
  };
  let depth = 0;
  const kindAt = (kind: CKind, at: number, what: string): JsonValue => {
    const l = program.layout(kind);
    check(at, l.size, `${what} (${kind.valeName})`);
    if (++depth > MAX_MESSAGE_DEPTH)
      throw new MessageError(`${kind.valeName} at message offset ${at}: objects nested more than ${MAX_MESSAGE_DEPTH} deep`);
    try {
      if (kind.category === 'struct')
        return Object.fromEntries(l.fields.map((f) => [f.name, field(f.type, at + f.offset, `${what}.${f.name}`)]));
      const elements = l.fields[l.fields.length - 1];
      const n = kind.category === 'rsa' ? view.getUint32(at, true) : (kind.length ?? 0);
      check(at + elements.offset, n * elements.type.size, `${what} elements`);
      return Array.from({ length: n }, (_, i) => field(elements.type, at + elements.offset + i * elements.type.size, `${what}[${i}]`));
    } finally {
      depth--;
    }
  };
  if (root.category === 'interface') throw new MessageError('an interface value is not a message by itself; decode the struct behind it');
  return kindAt(root, 0, root.valeName);
}
