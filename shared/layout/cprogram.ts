import { type KindDecl, type OffsetRange, packageDisplayName } from '../model/declarations';
import type { FfiFunctionFiles } from '../model/extern-names';
import type { ExportSite, ProgramIndex } from '../model/program';
import { type Mutability, type TypeRef, kindText } from '../model/types';
import { type BuiltHeaders, builtTags } from './built';
import { type ExportOrder, type StructRanks, exportOrder, structRanks } from './tags';
import type { CScalar, SizeAlign, TargetProfile } from './targets';

/** An exported kind as the backend sees it: what it is and the name C knows it by. */
export interface CKind {
  readonly id: string;
  /** The Vale spelling: `Ship`, `[]<imm>Ship`. */
  readonly valeName: string;
  /** The export name (without the project prefix). */
  readonly exportName: string;
  readonly package: string;
  /** The export site: the declaration's name or the `export ... as` type. */
  readonly file: string;
  readonly range: OffsetRange;
  readonly category: 'struct' | 'interface' | 'rsa' | 'ssa';
  readonly mutability: Mutability;
  readonly decl?: KindDecl;
  /** Arrays: the element type, resolved in `file`. */
  readonly element?: TypeRef;
  /** Static arrays: the element count (null when the size is not a literal). */
  readonly length?: number | null;
  /** The C name (`<project>_<exportName>`). */
  readonly cName: string;
}

/** An interface's substructs in `_Type_` order; `caveats` say why the order may differ from the backend's. */
export interface InterfaceTags {
  readonly structs: readonly CKind[];
  readonly certain: boolean;
  readonly caveats: readonly string[];
}

/** How a value of some Vale type is held in C: by value (scalar or inline struct) or through a pointer. */
export interface CFieldType {
  /** The C spelling, e.g. `int32_t`, `vtest_Ship*`, `vtest_IShip`, `vtest_ShipRef`. */
  readonly text: string;
  readonly size: number;
  readonly align: number;
  readonly form: 'scalar' | 'pointer' | 'inline' | 'void';
  /** What the field refers to, when it is a kind. */
  readonly kind?: CKind;
  /** Strings: `ValeStr*`. */
  readonly string?: boolean;
  /** Vale's bool, an `int8_t` holding 0 or 1. */
  readonly bool?: boolean;
  /** A kind that is not exported: the backend would stop here ("Couldn't find export name"). */
  readonly unexported?: string;
}

export interface CField {
  readonly name: string;
  readonly type: CFieldType;
  /** `elements[0]` / `elements[N]`: a C array of `count` elements. */
  readonly count?: number;
  readonly offset: number;
  readonly size: number;
  readonly align: number;
}

export interface CLayout {
  readonly kind: CKind;
  readonly cName: string;
  readonly size: number;
  readonly align: number;
  readonly fields: readonly CField[];
  /** Holes between fields, then the tail padding (marked). */
  readonly padding: readonly { offset: number; size: number; tail: boolean }[];
}

const INT_SCALARS: Record<string, CScalar> = {
  int: 'int32_t',
  i32: 'int32_t',
  i64: 'int64_t',
  i16: 'int16_t',
  i8: 'int8_t',
  u8: 'int8_t',
  u32: 'int32_t',
  u64: 'int64_t',
  u16: 'int16_t',
};

export function roundUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

// A program's kinds and its layouts' objects are made by classes (`new`), not by object or array
// literals. V8 tracks each literal's allocation site and, once most of what a site made outlived a
// young-generation collection, makes everything the site makes in the old generation from then on
// ("pretenuring"). A workspace keeps its programs' kinds and layouts, so the sites of a layout's
// literals were pretenured as soon as a workspace had been analysed a few times; then every later
// program's layouts were made in the old generation, and the young objects they pointed at
// survived each collection through them until the next full one. Laying out the bench's 1,000
// kinds took 3–6 ms after nine analyses from source against 0.6 ms before any
// (docs/performance.md). A class's constructor has no such site, and the lists made by `new
// Array()` were measured not to be pretenured either (their literals were).

/**
 * A field type with every member present, in one order: all field types share one shape, so
 * the layout loop reads them without polymorphic lookups.
 */
class FieldType implements CFieldType {
  constructor(
    readonly text: string,
    readonly size: number,
    readonly align: number,
    readonly form: CFieldType['form'],
    readonly kind: CKind | undefined,
    readonly string: boolean | undefined,
    readonly bool: boolean | undefined,
    readonly unexported: string | undefined,
  ) {}
}
function fieldTypeOf(
  text: string,
  size: number,
  align: number,
  form: CFieldType['form'],
  more: { kind?: CKind; string?: boolean; bool?: boolean; unexported?: string } = {},
): CFieldType {
  return new FieldType(text, size, align, form, more.kind, more.string, more.bool, more.unexported);
}
/** An exported kind (`CKind`), made by `CProgram.kindOf`. */
class Kind implements CKind {
  readonly id: string;
  readonly exportName: string;
  readonly package: string;
  readonly file: string;
  readonly range: OffsetRange;
  readonly valeName: string;
  readonly category: CKind['category'];
  readonly mutability: Mutability;
  readonly decl: KindDecl | undefined;
  readonly element: TypeRef | undefined;
  readonly length: number | null | undefined;
  readonly cName: string;
  constructor(
    site: ExportSite,
    pkg: string,
    valeName: string,
    category: CKind['category'],
    mutability: Mutability,
    decl: KindDecl | undefined,
    element: TypeRef | undefined,
    length: number | null | undefined,
    cName: string,
  ) {
    this.id = site.id;
    this.exportName = site.name;
    this.package = pkg;
    this.file = site.file;
    this.range = site.range;
    this.valeName = valeName;
    this.category = category;
    this.mutability = mutability;
    this.decl = decl;
    this.element = element;
    this.length = length;
    this.cName = cName;
  }
}
/** A field type asked for by a package (`CProgram.fieldType`'s cache). */
class PackageFieldType {
  constructor(
    readonly pkg: string,
    readonly type: CFieldType,
  ) {}
}

/** A padding hole of a layout. */
class Hole {
  constructor(
    readonly offset: number,
    readonly size: number,
    readonly tail: boolean,
  ) {}
}

/** A layout with no padding shares this list (a layout's lists are never changed). */
const NO_PADDING: CLayout['padding'] = Object.freeze([]);

/** A placed field (`CField`). */
class Field implements CField {
  constructor(
    readonly name: string,
    readonly type: CFieldType,
    readonly count: number | undefined,
    readonly offset: number,
    readonly size: number,
    readonly align: number,
  ) {}
}
/** A kind's laid-out C struct (`CLayout`). */
class Layout implements CLayout {
  constructor(
    readonly kind: CKind,
    readonly cName: string,
    readonly size: number,
    readonly align: number,
    readonly fields: readonly CField[],
    readonly padding: CLayout['padding'],
  ) {}
}
/** Places a C struct's fields in order, each at the next offset its alignment allows. */
class FieldPlacer {
  offset = 0;
  align = 1;
  // biome-ignore lint/style/useArrayLiterals: a literal's allocation site would be pretenured (above)
  readonly fields: CField[] = new Array<CField>();
  padding: { offset: number; size: number; tail: boolean }[] | undefined = undefined;

  place(name: string, type: CFieldType, count?: number): void {
    const a = Math.max(1, type.align);
    const at = roundUp(this.offset, a);
    if (at > this.offset) this.pad(this.offset, at - this.offset, false);
    const size = count === undefined ? type.size : type.size * count;
    this.fields.push(new Field(name, type, count, at, size, a));
    this.offset = at + size;
    if (a > this.align) this.align = a;
  }

  pad(offset: number, size: number, tail: boolean): void {
    // biome-ignore lint/style/useArrayLiterals: a literal's allocation site would be pretenured (above)
    (this.padding ??= new Array<Hole>()).push(new Hole(offset, size, tail));
  }
}

/** What the C programs of one workspace share (`CProgram.declarations`). */
export interface CDeclarations {
  /** The files declaring each FFI function name, up to date with the declarations (else the program's C side reads them itself, once). */
  readonly ffiFunctions?: () => FfiFunctionFiles;
}

/** The C side of a workspace's exports for one project name and target. */
export class CProgram {
  /** Each package's exported kinds by id, made when a question first reads the package. */
  private readonly byPackage = new Map<string, Map<string, CKind>>();
  private readonly layouts = new Map<CKind, CLayout>();
  private allKinds?: readonly CKind[];

  /**
   * Made at each change of the workspace (positions move), so it reads nothing until asked: a
   * question about one file or declaration reads the packages it needs (`kindsInFile`,
   * `kindOfDecl`, `kindFor`), and only a question about every kind reads every package (`kinds`).
   */
  constructor(
    readonly index: ProgramIndex,
    readonly project: string,
    readonly target: TargetProfile,
    /** A real build's headers: their `_Type_` numbers win over the model. */
    readonly built?: BuiltHeaders,
    /** What the programs of one workspace share, made and kept up to date by it (each change makes a program). */
    readonly declarations: CDeclarations = {},
  ) {
    const byte = target.scalars.int8_t;
    const pointer = target.scalars.pointer;
    this.boolType = fieldTypeOf('int8_t', byte.size, byte.align, 'scalar', { bool: true });
    this.stringType = fieldTypeOf('ValeStr*', pointer.size, pointer.align, 'pointer', { string: true });
  }

  /** Every exported kind: package by package in name order, each package's in file and offset order. */
  get kinds(): readonly CKind[] {
    if (!this.allKinds) {
      const all: CKind[] = [];
      for (const pkg of this.index.packagesInOrder()) for (const k of this.packageKinds(pkg).values()) all.push(k);
      this.allKinds = all;
    }
    return this.allKinds;
  }

  /** A package's exported kinds by id: each from the first of its export sites that makes one. */
  private packageKinds(pkg: string): ReadonlyMap<string, CKind> {
    let kinds = this.byPackage.get(pkg);
    if (!kinds) {
      kinds = new Map();
      for (const site of this.index.packageExports(pkg)) {
        if (kinds.has(site.id)) continue;
        const kind = this.kindOf(pkg, site);
        if (kind) kinds.set(site.id, kind);
      }
      this.byPackage.set(pkg, kinds);
    }
    return kinds;
  }

  /** A package's exported kind by id. */
  kindIn(pkg: string, id: string): CKind | undefined {
    return this.packageKinds(pkg).get(id);
  }

  /** The exported kinds exported as `exportName` (C names them `<project>_<exportName>`), in `kinds`' order. */
  kindsExportedAs(exportName: string): CKind[] {
    const out: CKind[] = [];
    for (const pkg of this.index.packagesExportingName(exportName))
      for (const k of this.packageKinds(pkg).values()) if (k.exportName === exportName) out.push(k);
    return out;
  }

  /** Whether `a` comes after `b` in `kinds`' order. */
  comesAfter(a: CKind, b: CKind): boolean {
    if (a.package !== b.package) return a.package > b.package;
    for (const k of this.packageKinds(a.package).values()) {
      if (k === b) return true;
      if (k === a) return false;
    }
    return false;
  }

  /** The exported kinds whose export site is in a file (in offset order). */
  kindsInFile(file: string): CKind[] {
    const pkg = this.index.model(file)?.package;
    const out: CKind[] = [];
    if (pkg === undefined) return out;
    for (const k of this.packageKinds(pkg).values()) if (k.file === file) out.push(k);
    return out;
  }

  /**
   * A declaration's exported kind: its first in `kinds`' order (its package's `exported`, or an
   * `export ... as` in any package), read from the packages that export it. `sameObject`: only a
   * kind made from this very declaration; otherwise any of the same name in the same package.
   */
  kindOfDecl(decl: KindDecl, sameObject: boolean): CKind | undefined {
    if (decl.generics.length > 0) return undefined;
    for (const pkg of this.index.packagesExporting(decl.id)) {
      const k = this.packageKinds(pkg).get(decl.id);
      const d = k?.decl;
      if (d && (d === decl || (!sameObject && d.name === decl.name && d.package === decl.package))) return k;
    }
    return undefined;
  }

  private kindOf(pkg: string, site: ExportSite): CKind | undefined {
    const cName = this.project ? `${this.project}_${site.name}` : site.name;
    const decl = site.decl;
    if (decl && decl.generics.length === 0) {
      return new Kind(site, pkg, decl.name, decl.tag, decl.mutability, decl, undefined, undefined, cName);
    }
    const t = site.exportAs?.type;
    if (t?.tag === 'array') {
      const length = t.size === null ? undefined : /^\d+$/.test(t.size) ? Number(t.size) : null;
      return new Kind(site, pkg, kindText(t), t.size === null ? 'rsa' : 'ssa', t.mutability, undefined, t.element, length, cName);
    }
    return undefined;
  }

  cName(kind: CKind): string {
    return kind.cName;
  }

  /** The exported kind a type reference names, from a file of a package. */
  kindFor(file: string, pkg: string, t: TypeRef): CKind | undefined {
    const r = this.index.resolve(file, t);
    return 'id' in r ? this.packageKinds(pkg).get(r.id) : undefined;
  }

  findKind(name: string): CKind | undefined {
    return this.kinds.find((k) => k.exportName === name) ?? this.kinds.find((k) => k.valeName === name);
  }

  private readonly scalars = new Map<string, CFieldType>();
  private readonly boolType: CFieldType;
  private voidType?: CFieldType;
  private readonly stringType: CFieldType;

  /** A scalar field type; one shared object per spelling (field types are never changed). */
  private scalar(name: CScalar, text: string = name): CFieldType {
    let t = this.scalars.get(text);
    if (!t) {
      const s: SizeAlign = this.target.scalars[name];
      this.scalars.set(text, (t = fieldTypeOf(text, s.size, s.align, name === 'pointer' ? 'pointer' : 'scalar')));
    }
    return t;
  }

  /** Field types by type reference (and the package asking: exports count per package); a program lives as long as its index. */
  private readonly fieldTypes = new Map<TypeRef, PackageFieldType>();

  /** Field types of the fields holding each exported kind (one per kind, whatever names it). */
  private readonly exportedTypes = new Map<CKind, CFieldType>();

  /** Field types by primitive name (each made once per program). */
  private readonly primitiveTypes = new Map<string, CFieldType>();

  private primitiveFieldType(name: string): CFieldType {
    let type = this.primitiveTypes.get(name);
    if (type === undefined) this.primitiveTypes.set(name, (type = this.primitiveType(name)));
    return type;
  }

  private primitiveType(name: string): CFieldType {
    if (name === 'bool') return this.boolType;
    if (name === 'float') return this.scalar('double');
    if (name === 'str') return this.stringType;
    if (name === 'void' || name === 'never' || name === '__Never') return (this.voidType ??= fieldTypeOf('void', 0, 1, 'void'));
    return this.scalar(INT_SCALARS[name] ?? 'int32_t');
  }

  /** How the backend spells a value of type `t` in a header (Linear/Safe getExportName). */
  fieldType(file: string, pkg: string, t: TypeRef): CFieldType {
    if (t.tag === 'primitive') return this.primitiveFieldType(t.name);
    const cached = this.fieldTypes.get(t);
    if (cached && cached.pkg === pkg) return cached.type;
    const type = this.kindFieldType(file, pkg, t);
    this.fieldTypes.set(t, new PackageFieldType(pkg, type));
    return type;
  }

  private kindFieldType(file: string, pkg: string, t: TypeRef): CFieldType {
    const kind = this.kindFor(file, pkg, t);
    if (kind) {
      let type = this.exportedTypes.get(kind);
      if (type === undefined) this.exportedTypes.set(kind, (type = this.exportedFieldType(kind)));
      return type;
    }
    const handle = this.target.scalars.uint64_t;
    const pointer = this.target.scalars.pointer;
    const r = this.index.resolve(file, t);
    const mutable = (r.tag === 'declared' && r.decl.mutability === 'mut') || (r.tag === 'array' && r.mutability === 'mut');
    const name = kindText(t);
    if (mutable) return fieldTypeOf(`${name}Ref`, 32, handle.align, 'inline', { unexported: name });
    if (r.tag === 'declared' && r.decl.tag === 'interface') return fieldTypeOf(name, 16, 8, 'inline', { unexported: name });
    return fieldTypeOf(`${name}*`, pointer.size, pointer.align, 'pointer', { unexported: name });
  }

  /** How a field holding an exported kind is spelled and sized. */
  private exportedFieldType(kind: CKind): CFieldType {
    const pointer = this.target.scalars.pointer;
    const cName = kind.cName;
    if (kind.mutability === 'mut') {
      // The universal reference handle: three u64 and two u32 (generateUniversalRefStructDefC).
      const l = this.layout(kind);
      return fieldTypeOf(`${cName}Ref`, l.size, l.align, 'inline', { kind });
    }
    if (kind.category === 'interface') {
      const l = this.layout(kind);
      return fieldTypeOf(cName, l.size, l.align, 'inline', { kind });
    }
    return fieldTypeOf(`${cName}*`, pointer.size, pointer.align, 'pointer', { kind });
  }

  /** The C struct of an exported kind, laid out with the target's C rules. */
  layout(kind: CKind): CLayout {
    const cached = this.layouts.get(kind);
    if (cached) return cached;
    // Each field placed as it comes, at the next offset its alignment allows (no closure made per
    // kind: laying out every kind of a workspace, for headers, is one call per kind).
    const at = new FieldPlacer();
    if (kind.mutability === 'mut') {
      const u64 = this.scalar('uint64_t');
      const u32 = this.scalar('uint32_t');
      at.place('unused0', u64);
      at.place('unused1', u64);
      at.place('unused2', u64);
      at.place('unused3', u32);
      at.place('unused4', u32);
    } else if (kind.category === 'struct') {
      const decl = kind.decl!;
      const members = decl.members;
      for (let i = 0; i < members.length; i++) {
        const m = members[i];
        const t = m.type;
        at.place(m.name, t.tag === 'primitive' ? this.primitiveFieldType(t.name) : this.kindFieldType(decl.file, kind.package, t));
      }
    } else if (kind.category === 'interface') {
      at.place('obj', this.scalar('pointer', 'void*'));
      at.place('type', this.scalar('uint64_t'));
    } else if (kind.category === 'rsa') {
      at.place('length', this.scalar('uint32_t'));
      at.place('elements', this.fieldType(kind.file, kind.package, kind.element!), 0);
    } else {
      at.place('elements', this.fieldType(kind.file, kind.package, kind.element!), kind.length ?? 0);
    }
    const size = roundUp(at.offset, at.align);
    if (size > at.offset) at.pad(at.offset, size - at.offset, true);
    const layout: CLayout = new Layout(
      kind,
      kind.mutability === 'mut' ? `${kind.cName}Ref` : kind.cName,
      size,
      at.align,
      at.fields,
      at.padding ?? NO_PADDING,
    );
    this.layouts.set(kind, layout);
    return layout;
  }

  /** The structs that implement an exported interface, numbered as the backend numbers them. */
  substructs(iface: CKind): readonly CKind[] {
    return this.interfaceTags(iface).structs;
  }

  private readonly tagCache = new Map<CKind, InterfaceTags>();
  private readonly ranksByPackage = new Map<string, StructRanks>();
  private exportOrder?: ExportOrder;

  /**
   * An exported interface's substructs in the order of their `_Type_` numbers, and whether
   * the model of that order (shared/layout/tags.ts) is sure of it.
   */
  interfaceTags(iface: CKind): InterfaceTags {
    const cached = this.tagCache.get(iface);
    if (cached) return cached;
    const found: CKind[] = [];
    for (const edge of this.index.implsOf(iface.id)) {
      const k = this.packageKinds(iface.package).get(edge.structId);
      if (k && !found.includes(k)) found.push(k);
    }
    const ranksOf = (pkg: string): StructRanks => {
      let r = this.ranksByPackage.get(pkg);
      this.exportOrder ??= exportOrder(this.index, this.kinds);
      if (!r) this.ranksByPackage.set(pkg, (r = structRanks(this.index, this.exportOrder, pkg)));
      return r;
    };
    // The model's order: packages (in an order it cannot know when there are several), then each package's map.
    const packages = [...new Set(found.map((k) => k.decl?.package ?? k.package))].sort();
    const rank = (k: CKind): number => (k.decl ? ranksOf(k.decl.package).rank.get(k.decl.name) : undefined) ?? Number.MAX_SAFE_INTEGER;
    const pkgRank = (k: CKind): number => packages.indexOf(k.decl?.package ?? k.package);
    const structs = [...found].sort((a, b) => pkgRank(a) - pkgRank(b) || rank(a) - rank(b) || found.indexOf(a) - found.indexOf(b));
    const caveats: string[] = [];
    const fromBuild = this.built ? builtTags(this.built, iface.exportName) : undefined;
    if (fromBuild) {
      // A real build's numbers; a substruct it does not know (an impl added since) goes after, in the model's order.
      const number = (k: CKind): number => fromBuild.get(k.exportName) ?? Number.MAX_SAFE_INTEGER;
      structs.sort((a, b) => number(a) - number(b));
      const unknown = structs.filter((k) => !fromBuild.has(k.exportName)).map((k) => k.exportName);
      if (unknown.length > 0)
        caveats.push(
          `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in ${this.built!.directory}/${iface.exportName}.h, built before ${unknown.length === 1 ? 'its' : 'their'} impl`,
        );
    } else {
      if (packages.length > 1)
        caveats.push(
          `its substructs are in ${packages.length} packages (${packages.map(packageDisplayName).join(', ')}), which the backend visits in an order that depends on memory addresses`,
        );
      for (const pkg of packages) caveats.push(...ranksOf(pkg).caveats);
    }
    const tags: InterfaceTags = { structs, certain: caveats.length === 0, caveats };
    this.tagCache.set(iface, tags);
    return tags;
  }

  private readonly messageSizes = new Map<CKind, number | null>();

  /**
   * The size of a message whose size does not depend on the value (no strings,
   * no runtime-sized arrays, no interfaces), else null: every object padded to 16.
   * Kinds held by pointer are sized first, with an explicit stack (a chain of any
   * length); a kind that holds itself has no static size.
   */
  staticMessageSize(kind: CKind): number | null {
    const memo = this.messageSizes;
    if (memo.has(kind)) return memo.get(kind)!;
    const onStack = new Set<CKind>();
    const stack: { kind: CKind; total: number | null; kids: CKind[]; next: number }[] = [];
    const enter = (k: CKind): number | null | undefined => {
      const own = this.ownMessageSize(k);
      if (own === null) {
        memo.set(k, null);
        return null;
      }
      onStack.add(k);
      stack.push({ kind: k, total: own.size, kids: own.kids, next: 0 });
      return undefined;
    };
    const first = enter(kind);
    if (first === null) return null;
    for (;;) {
      const frame = stack[stack.length - 1];
      if (frame.next < frame.kids.length) {
        const k = frame.kids[frame.next++];
        if (frame.total === null) continue;
        if (memo.has(k)) {
          const s = memo.get(k)!;
          frame.total = s === null ? null : frame.total + s;
        } else if (onStack.has(k)) frame.total = null;
        else if (enter(k) === null) frame.total = null;
        continue;
      }
      stack.pop();
      onStack.delete(frame.kind);
      memo.set(frame.kind, frame.total);
      const parent = stack[stack.length - 1];
      if (!parent) return frame.total;
      parent.total = parent.total === null || frame.total === null ? null : parent.total + frame.total;
    }
  }

  /** A kind's own reservation and the kinds it holds by pointer, or null when its message size depends on the value. */
  private ownMessageSize(kind: CKind): { size: number; kids: CKind[] } | null {
    if (kind.mutability === 'mut' || kind.category === 'interface' || kind.category === 'rsa') return null;
    const l = this.layout(kind);
    const count = kind.category === 'ssa' ? (kind.length ?? 0) : 1;
    // The backend reserves a static array's struct plus its elements again (predictShallowSize).
    const size = kind.category === 'ssa' ? roundUp(l.size + l.fields[0].type.size * count, 16) : roundUp(l.size, 16);
    const children = kind.category === 'ssa' ? Array<CFieldType>(count).fill(l.fields[0].type) : l.fields.map((f) => f.type);
    const kids: CKind[] = [];
    for (const c of children) {
      if (c.string || c.unexported || (c.form === 'inline' && c.kind)) return null;
      if (c.form === 'pointer' && c.kind) kids.push(c.kind);
    }
    return { size, kids };
  }
}
