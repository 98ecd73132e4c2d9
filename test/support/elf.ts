// A minimal little-endian ELF64 relocatable object with a symbol table, built in memory: a base
// for mutation when no compiler is at hand (the fuzzer), laid out as the ELF specification says.

/** An object file whose .symtab holds these symbols (each defined in section 1 at its value). */
export function elfWithSymbols(symbols: readonly { name: string; value: bigint }[]): Uint8Array {
  const encoder = new TextEncoder();
  const strtab: number[] = [0];
  const nameOffsets = symbols.map((s) => {
    const at = strtab.length;
    strtab.push(...encoder.encode(s.name), 0);
    return at;
  });
  const shstrtab = [0, ...encoder.encode('.symtab'), 0, ...encoder.encode('.strtab'), 0];
  const symtabSize = 24 * (symbols.length + 1);
  const strtabAt = 64;
  const shstrtabAt = strtabAt + strtab.length;
  const symtabAt = Math.ceil((shstrtabAt + shstrtab.length) / 8) * 8;
  const sectionsAt = symtabAt + symtabSize;
  const bytes = new Uint8Array(sectionsAt + 4 * 64);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0); // magic, ELF64, little-endian, version 1
  view.setUint16(0x10, 1, true); // ET_REL
  view.setUint16(0x12, 62, true); // x86-64
  view.setUint32(0x14, 1, true);
  view.setBigUint64(0x28, BigInt(sectionsAt), true);
  view.setUint16(0x34, 64, true); // header size
  view.setUint16(0x3a, 64, true); // section header size
  view.setUint16(0x3c, 4, true); // sections: null, .symtab, .strtab, .shstrtab
  view.setUint16(0x3e, 3, true);
  bytes.set(strtab, strtabAt);
  bytes.set(shstrtab, shstrtabAt);
  symbols.forEach((s, i) => {
    const at = symtabAt + 24 * (i + 1);
    view.setUint32(at, nameOffsets[i], true);
    bytes[at + 4] = 0x11; // global object
    view.setUint16(at + 6, 1, true);
    view.setBigUint64(at + 8, s.value, true);
    view.setBigUint64(at + 16, 8n, true);
  });
  const section = (i: number, name: number, type: number, offset: number, size: number, link: number, entsize: number): void => {
    const at = sectionsAt + 64 * i;
    view.setUint32(at, name, true);
    view.setUint32(at + 4, type, true);
    view.setBigUint64(at + 0x18, BigInt(offset), true);
    view.setBigUint64(at + 0x20, BigInt(size), true);
    view.setUint32(at + 0x28, link, true);
    view.setBigUint64(at + 0x38, BigInt(entsize), true);
  };
  section(1, 1, 2, symtabAt, symtabSize, 2, 24); // SHT_SYMTAB, strings in section 2
  section(2, 9, 3, strtabAt, strtab.length, 0, 0); // SHT_STRTAB
  section(3, 0, 3, shstrtabAt, shstrtab.length, 0, 0);
  return bytes;
}
