// A small value of an immutable kind and the message it becomes, for drawings: every member
// set, runtime-sized arrays of two elements, strings "text", an interface as its first
// substruct. The message comes from serializeMessage (the same code as `vale-ffi message`);
// child pointers are found in its bytes as the distinctive base address plus an offset.
import type { CFieldType, CKind, CProgram } from './cprogram';
import { type JsonValue, MessageError, serializeMessage } from './message';

/** How deep a sample nests before it gives up (recursive kinds end in an empty array or none). */
const MAX_SAMPLE_DEPTH = 4;

function sampleField(program: CProgram, t: CFieldType, depth: number, index: number): JsonValue | undefined {
  if (t.string) return 'text';
  if (t.form === 'scalar') {
    if (t.text === 'double') return 1.5;
    if (t.bool) return true;
    return index + 1;
  }
  if (!t.kind || t.kind.mutability === 'mut' || t.unexported) return undefined;
  return sampleValue(program, t.kind, depth + 1);
}

/** A value of `kind` every member of which is set, or undefined when none fits the depth. */
export function sampleValue(program: CProgram, kind: CKind, depth = 0): JsonValue | undefined {
  if (depth > MAX_SAMPLE_DEPTH || kind.mutability === 'mut') return undefined;
  if (kind.category === 'interface') {
    for (const sub of program.substructs(kind)) {
      const v = sampleValue(program, sub, depth + 1);
      if (v && typeof v === 'object' && !Array.isArray(v)) return { $kind: sub.valeName, ...v };
    }
    return undefined;
  }
  const layout = program.layout(kind);
  if (kind.category === 'struct') {
    const out: Record<string, JsonValue> = {};
    for (const [i, f] of layout.fields.entries()) {
      const v = sampleField(program, f.type, depth, i);
      if (v === undefined) return undefined;
      out[f.name] = v;
    }
    return out;
  }
  const elements = layout.fields[layout.fields.length - 1];
  const n = kind.category === 'ssa' ? (kind.length ?? 0) : depth >= MAX_SAMPLE_DEPTH - 1 ? 0 : 2;
  const out: JsonValue[] = [];
  for (let i = 0; i < n; i++) {
    const v = elements ? sampleField(program, elements.type, depth, i) : undefined;
    if (v === undefined) return kind.category === 'rsa' ? [] : undefined;
    out.push(v);
  }
  return out;
}

export interface MessageDrawing {
  /** The value drawn (JSON). */
  value: JsonValue;
  /** What a `_vasp` extern receives as its size: from the root's start to the padded end. */
  size: number;
  /** In pre-order, at 16-byte boundaries. */
  objects: { kind: string; offset: number; size: number }[];
  /** Each child pointer: where it is written (a byte offset in the message) and the object it points at. */
  pointers: { at: number; to: number }[];
}

/** Where pointers point in a drawn message: a user-space address no small number collides with. */
const DRAWING_BASE = 0x5a5a00000000n;

/** The message a sample value of an imm kind becomes, or undefined (mutable kind, no finite sample). */
export function messageDrawing(program: CProgram, kind: CKind): MessageDrawing | undefined {
  if (kind.mutability === 'mut') return undefined;
  const value = sampleValue(program, kind);
  if (value === undefined) return undefined;
  try {
    const m = serializeMessage(program, kind, value, DRAWING_BASE);
    const starts = new Set(m.objects.map((o) => o.offset));
    const view = new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
    const pointers: { at: number; to: number }[] = [];
    const pointerSize = program.target.scalars.pointer.size;
    for (let at = 0; at + pointerSize <= m.bytes.length; at += pointerSize) {
      const v = pointerSize === 8 ? view.getBigUint64(at, true) : BigInt(view.getUint32(at, true));
      const to = Number(v - DRAWING_BASE);
      if (v >= DRAWING_BASE && starts.has(to) && to !== 0) pointers.push({ at, to });
    }
    return { value, size: m.size, objects: m.objects.map((o) => ({ ...o })), pointers };
  } catch (e) {
    if (e instanceof MessageError) return undefined;
    throw e;
  }
}
