/** A symbol of an ELF64 symbol table. */
export interface ElfSymbol {
  readonly name: string;
  readonly value: bigint;
  readonly size: bigint;
  readonly section: number;
}

export class ElfError extends Error {}

const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;

/**
 * Reads the symbol tables of a little-endian ELF64 file (executable, shared
 * object or relocatable object). Every offset and length is checked against
 * the file size; a truncated or non-ELF file is an ElfError, never a crash.
 */
export function readElfSymbols(bytes: Uint8Array): ElfSymbol[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset: bigint | number, length: bigint | number, what: string): number => {
    const o = BigInt(offset);
    const l = BigInt(length);
    if (o < 0n || l < 0n || o + l > BigInt(bytes.length)) {
      throw new ElfError(`${what} (offset ${o}, ${l} bytes) lies beyond the end of the file (${bytes.length} bytes): truncated or corrupt`);
    }
    return Number(o);
  };
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    throw new ElfError('not an ELF file (no \\x7fELF magic)');
  need(0, 64, 'the ELF header');
  if (bytes[4] !== 2) throw new ElfError('not a 64-bit ELF file (only ELF64 is read)');
  if (bytes[5] !== 1) throw new ElfError('not a little-endian ELF file');
  const shoff = view.getBigUint64(0x28, true);
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  if (shnum === 0) return [];
  if (shentsize < 64) throw new ElfError(`section header entries of ${shentsize} bytes are too small`);
  need(shoff, BigInt(shentsize) * BigInt(shnum), 'the section header table');
  const section = (i: number): { type: number; offset: bigint; size: bigint; link: number; entsize: bigint } => {
    const at = Number(shoff) + i * shentsize;
    return {
      type: view.getUint32(at + 4, true),
      offset: view.getBigUint64(at + 0x18, true),
      size: view.getBigUint64(at + 0x20, true),
      link: view.getUint32(at + 0x28, true),
      entsize: view.getBigUint64(at + 0x38, true),
    };
  };
  const out: ElfSymbol[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
    if (s.link >= shnum) throw new ElfError(`symbol table ${i} links to string table ${s.link}, beyond the ${shnum} sections`);
    const strtab = section(s.link);
    const strStart = need(strtab.offset, strtab.size, `string table ${s.link}`);
    const strEnd = strStart + Number(strtab.size);
    const entsize = s.entsize === 0n ? 24n : s.entsize;
    if (entsize < 24n) throw new ElfError(`symbol entries of ${entsize} bytes are too small`);
    const start = need(s.offset, s.size, `symbol table ${i}`);
    const count = Number(s.size / entsize);
    for (let k = 0; k < count; k++) {
      const at = start + k * Number(entsize);
      const nameOffset = view.getUint32(at, true);
      const shndx = view.getUint16(at + 6, true);
      const value = view.getBigUint64(at + 8, true);
      const size = view.getBigUint64(at + 16, true);
      if (nameOffset === 0) continue;
      if (strStart + nameOffset >= strEnd)
        throw new ElfError(`symbol ${k} of table ${i} names offset ${nameOffset}, beyond its string table`);
      let end = strStart + nameOffset;
      while (end < strEnd && bytes[end] !== 0) end++;
      const name = new TextDecoder().decode(bytes.subarray(strStart + nameOffset, end));
      out.push({ name, value, size, section: shndx });
    }
  }
  return out;
}

/** Symbol name → address, the first definition winning (undefined symbols are skipped). */
export function symbolAddresses(symbols: readonly ElfSymbol[]): Map<string, bigint> {
  const map = new Map<string, bigint>();
  for (const s of symbols) if (s.section !== 0 && !map.has(s.name)) map.set(s.name, s.value);
  return map;
}
