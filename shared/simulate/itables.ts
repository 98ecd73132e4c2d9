import type { Diagnostic } from '../diagnostics';
import type { ImplDecl, KindDecl } from '../model/declarations';
import type { ProgramIndex } from '../model/program';

export const UNALIGNED_ITABLE = 'UnalignedItable';

/** How itables are aligned: `midas` as the backend does (16, ITN16BA), `natural` at pointer alignment. */
export type ItableProfile = 'midas' | 'natural';

export interface ItableEdge {
  readonly impl: ImplDecl;
  readonly struct: string;
  readonly iface: KindDecl;
  /** The global's name, as the backend names it: struct name followed by interface name. */
  readonly symbol: string;
  /** One function pointer per abstract method of the interface. */
  readonly methods: readonly string[];
  readonly size: number;
}

export interface PlacedItable extends ItableEdge {
  readonly address: bigint;
  readonly aligned: boolean;
}

/** Where the simulated data section starts, and the 8-byte global the linker put before the itables. */
export const DATA_SECTION_BASE = 0x404000n;
const PRECEDING_GLOBAL = 8n;

/** Every impl edge of the workspace (files in order, impls in declaration order) with its itable. */
export function itableEdges(index: ProgramIndex, pointerSize = 8, symbolPattern = '{struct}{interface}'): ItableEdge[] {
  const abstracts = new Map<KindDecl, string[]>();
  const files = [...index.files].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [file, model] of files) {
    for (const f of model.functions) {
      const v = f.params.find((p) => p.virtual);
      if (!v) continue;
      const r = index.resolve(file, v.type);
      if (r.tag !== 'declared' || r.decl.tag !== 'interface') continue;
      const list = abstracts.get(r.decl) ?? [];
      if (!list.includes(f.name)) list.push(f.name);
      abstracts.set(r.decl, list);
    }
  }
  const edges: ItableEdge[] = [];
  for (const [file, model] of files) {
    for (const impl of model.impls) {
      const iface = index.resolve(file, impl.interfaceType);
      if (iface.tag !== 'declared' || iface.decl.tag !== 'interface') continue;
      const structName = impl.structType.tag === 'named' ? impl.structType.name : impl.structType.text;
      const methods = [...iface.decl.methods, ...(abstracts.get(iface.decl) ?? []).filter((m) => !iface.decl.methods.includes(m))];
      const symbol = symbolPattern.replace('{struct}', structName).replace('{interface}', iface.decl.name);
      edges.push({ impl, struct: structName, iface: iface.decl, symbol, methods, size: methods.length * pointerSize });
    }
  }
  return edges;
}

/**
 * Places the itables in a data section the way a linker lays out globals:
 * in declaration order, each at the next multiple of its alignment.
 */
export function placeItables(edges: readonly ItableEdge[], profile: ItableProfile, pointerAlign = 8): PlacedItable[] {
  const align = BigInt(profile === 'midas' ? 16 : pointerAlign);
  let cursor = DATA_SECTION_BASE + PRECEDING_GLOBAL;
  return edges.map((e) => {
    const address = ((cursor + align - 1n) / align) * align;
    cursor = address + BigInt(e.size);
    return { ...e, address, aligned: address % 16n === 0n };
  });
}

/** `UnalignedItable` on the impl line of an itable whose address is not a multiple of 16. */
export function unalignedItableDiagnostic(edge: ItableEdge, address: bigint, source: string): Diagnostic {
  return {
    file: edge.impl.file,
    start: edge.impl.itemStart,
    end: edge.impl.itemEnd,
    severity: 'error',
    code: UNALIGNED_ITABLE,
    message:
      `the itable ${edge.symbol} (${edge.struct} as ${edge.iface.name}) is at 0x${address.toString(16)} ${source}, not a multiple of 16: ` +
      `a universal reference keeps only 52 bits of its type pointer (ITN16BA), so a reference to ${edge.iface.name} holding a ${edge.struct} could not be formed.`,
    related: [
      {
        file: edge.iface.file,
        start: edge.iface.nameStart,
        end: edge.iface.nameEnd,
        message: `interface ${edge.iface.name} (${edge.methods.length} abstract method${edge.methods.length === 1 ? '' : 's'})`,
      },
    ],
  };
}
