import type { CKind, CProgram } from '../layout/cprogram';
import { type JsonValue, serializeMessage } from '../layout/message';
import { RECORDING_MAGIC } from '../recording/reader';

export type SimulatedResult =
  | { kind: 'void' }
  | { kind: 'bool'; value: boolean }
  /** Zero-extended from its width (int is 32 bits, i64 64). */
  | { kind: 'int'; value: number | bigint; bits?: 32 | 64 }
  | { kind: 'float'; value: number }
  | { kind: 'message'; type: CKind | 'str'; value: JsonValue }
  | { kind: 'reference'; bytes: Uint8Array };

/**
 * Writes recording files the way the backend records extern calls: the
 * header, then per call the callee name (length, bytes, zero padding to 8
 * with at least one zero), each mutable argument's 32-byte universal
 * reference, the end marker 0, and the return value (messages with pointers
 * as offsets from the start of the file).
 */
export class RecordingWriter {
  private buffer = new Uint8Array(1024);
  private length = 0;

  constructor(private readonly program: CProgram) {
    this.u64(RECORDING_MAGIC);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
  }

  private write(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  private u64(v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    this.write(b);
  }

  get offset(): number {
    return this.length;
  }

  call(callee: string, mutableArgs: readonly Uint8Array[], result: SimulatedResult): void {
    const name = new TextEncoder().encode(callee);
    this.u64(BigInt(name.length));
    this.write(name);
    this.write(new Uint8Array(8 - (name.length % 8)));
    for (const a of mutableArgs) {
      if (a.length !== 32) throw new RangeError('a universal reference is 32 bytes');
      this.write(a);
    }
    this.u64(0n);
    switch (result.kind) {
      case 'void':
        return;
      case 'bool':
        this.u64(result.value ? 1n : 0n);
        return;
      case 'int':
        this.u64(BigInt.asUintN(result.bits ?? 32, BigInt(result.value)));
        return;
      case 'float': {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, result.value, true);
        this.write(b);
        return;
      }
      case 'reference':
        this.write(result.bytes);
        return;
      case 'message': {
        const start = this.length + 8;
        let bytes: Uint8Array;
        if (result.type === 'str') {
          const utf8 = new TextEncoder().encode(String(result.value));
          bytes = new Uint8Array(Math.ceil((5 + utf8.length) / 16) * 16);
          new DataView(bytes.buffer).setInt32(0, utf8.length, true);
          bytes.set(utf8, 4);
        } else {
          bytes = serializeMessage(this.program, result.type, result.value, BigInt(start)).bytes;
        }
        this.u64(BigInt(bytes.length));
        this.write(bytes);
      }
    }
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
