import { GreenNode } from '../syntax';
import { ExportAsDecl, FileModel, FunctionDecl, ImplDecl, ItemDecls, KindDecl, OffsetRange } from './declarations';
import { TypeRef, kindText } from './types';

/** What a type reference names, once resolved in its file. */
export type Resolved =
  | { readonly tag: 'primitive' }
  | { readonly tag: 'rune' }
  | { readonly tag: 'unknown' }
  /** A struct or interface the workspace does not declare (imported from outside it). */
  | { readonly tag: 'external'; readonly id: string; readonly name: string }
  | { readonly tag: 'declared'; readonly id: string; readonly decl: KindDecl }
  | { readonly tag: 'array'; readonly id: string; readonly mutability: 'imm' | 'mut' }
  | { readonly tag: 'tuple'; readonly id: string };

/**
 * One way a kind is exported: an `exported` attribute or an `export T as N;` line.
 * Declarations and ranges are read through the index's current model of the file,
 * so a site stays right when an edit only moved its file's items.
 */
export class ExportSite {
  constructor(
    private readonly index: ProgramIndex,
    readonly id: string,
    readonly file: string,
    readonly name: string,
    /** The item in the file's `seen` list: a kind with `exported`, or an `export ... as` line. */
    readonly item: number,
    private readonly declSlot?: KindSlot,
  ) {}

  private get decls(): ItemDecls {
    return this.index.files.get(this.file)!.seen[this.item];
  }

  get decl(): KindDecl | undefined {
    const own = this.decls.kinds[0];
    if (own) return own;
    return this.declSlot && this.index.declOf(this.declSlot);
  }

  get exportAs(): ExportAsDecl | undefined {
    return this.decls.exports[0];
  }

  /** What a diagnostic about this export underlines. */
  get range(): OffsetRange {
    const exportAs = this.exportAs;
    if (!exportAs) return this.decl!.nameRange;
    return { start: exportAs.type.start, end: exportAs.type.end };
  }

  /** Whether the site is written in this item. */
  isIn(element: GreenNode): boolean {
    return this.decls.element === element;
  }

  /** What other files may rely on: position-free. */
  get fact(): string {
    return `${this.file}\u0001${this.item}\u0001${this.name}\u0001${this.id}`;
  }

  toJSON(): object {
    return { id: this.id, file: this.file, name: this.name, range: this.range };
  }
}

/** Where a kind is declared: a file and the item in its `seen` list. */
export interface KindSlot {
  readonly file: string;
  readonly item: number;
}

export class ImplEdge {
  constructor(private readonly index: ProgramIndex, readonly file: string, readonly item: number, readonly structId: string, private readonly structSlot?: KindSlot) {}

  get impl(): ImplDecl {
    return this.index.files.get(this.file)!.seen[this.item].impls[0];
  }

  get structDecl(): KindDecl | undefined {
    return this.structSlot && this.index.declOf(this.structSlot);
  }

  get fact(): string {
    return `${this.file}\u0001${this.item}\u0001${this.structId}`;
  }
}

/** The place a root of the reachability walk names: read through the current model. */
export interface ReachRoot {
  readonly file: string;
  readonly range: OffsetRange;
  readonly description: string;
}

/** How a kind comes to cross the boundary: the root that reaches it and the members walked. */
export interface Reach {
  readonly root: ReachRoot;
  readonly steps: readonly string[];
}

/**
 * Records what a check consulted, as (fact key → fact value) pairs, so the
 * check can be reused while every fact it read still has the same value.
 * Values never hold offsets: an edit that only moves declarations changes no fact.
 */
export type Dependencies = Map<string, string>;

/** How the reachability walk continues from a type reference, resolved once in its file. */
type WalkNode =
  | { readonly tag: 'skip' }
  | { readonly tag: 'declared'; readonly id: string; readonly slot: KindSlot }
  | { readonly tag: 'array'; readonly id: string; readonly element?: WalkNode; readonly text: string }
  | { readonly tag: 'tuple'; readonly id: string; readonly elements: readonly WalkNode[]; readonly text: string };

const SKIP: WalkNode = { tag: 'skip' };

/**
 * What the index derives from one seen item, resolved in its file's scope. An
 * index build reuses it from the previous index while the item is the same
 * node, its file's imports are the same, and no name it looked up now means
 * something else.
 */
interface Derived {
  readonly scope: string;
  readonly names: ReadonlySet<string>;
  valid: boolean;
  /** A struct or interface: its members as the walk sees them (resolved in its file). */
  readonly members?: readonly { readonly node: WalkNode; readonly step: string }[];
  /** An `export T as N;` line. */
  readonly exportAs?: { readonly id: string; readonly slot?: KindSlot; readonly node: WalkNode };
  /** An impl: both sides resolved. */
  readonly impl?: { readonly ifaceId?: string; readonly structId?: string; readonly structSlot?: KindSlot; readonly structNode: WalkNode };
  /** An FFI function: its parameters' and return's nodes with their descriptions. */
  readonly roots?: readonly { readonly param: number; readonly node: WalkNode; readonly description: string }[];
}

/** Derivations kept from one index to the next (per file, by item node), and which names each one looked up. */
class DerivedCache {
  readonly byFile = new Map<string, Map<GreenNode, Derived>>();
  private readonly byName = new Map<string, Set<Derived>>();

  get(path: string, element: GreenNode): Derived | undefined {
    return this.byFile.get(path)?.get(element);
  }

  add(path: string, element: GreenNode, d: Derived): void {
    let items = this.byFile.get(path);
    if (!items) this.byFile.set(path, (items = new Map()));
    const old = items.get(element);
    if (old) this.drop(old);
    items.set(element, d);
    for (const n of d.names) {
      let set = this.byName.get(n);
      if (!set) this.byName.set(n, (set = new Set()));
      set.add(d);
    }
  }

  private drop(d: Derived): void {
    d.valid = false;
    for (const n of d.names) {
      const set = this.byName.get(n);
      set?.delete(d);
      if (set?.size === 0) this.byName.delete(n);
    }
  }

  /** Keeps a file's derivations for these items only (the others were re-parsed or removed). */
  retain(path: string, elements: ReadonlySet<GreenNode> | undefined): void {
    const items = this.byFile.get(path);
    if (!items) return;
    for (const [element, d] of items) {
      if (elements?.has(element)) continue;
      this.drop(d);
      items.delete(element);
    }
    if (items.size === 0) this.byFile.delete(path);
  }

  /** Kind ids as one string object each, so the walk's lookups compare pointers, not text. */
  private readonly ids = new Map<string, string>();

  intern(id: string): string {
    let canonical = this.ids.get(id);
    if (canonical === undefined) this.ids.set(id, (canonical = id));
    return canonical;
  }

  /** Names that now mean something else: every derivation that looked one up is dropped. */
  invalidate(names: Iterable<string>): void {
    for (const n of names) for (const d of [...(this.byName.get(n) ?? [])]) this.drop(d);
  }
}

/** A kind's place with its summary: a fact's value names both. */
type SlotEntry = KindSlot & { readonly summary: string };

/** What a new index learned about the change from the previous one: which names and packages changed. */
export interface IndexChange {
  /** Everything may have changed (first build, or a package came or went). */
  readonly all: boolean;
  /** Names whose declaration changed, in any package. */
  readonly names: ReadonlySet<string>;
  /** Packages whose files, kinds or export sites may have changed. */
  readonly packages: ReadonlySet<string>;
}

/**
 * The workspace's declarations, indexed across files. Built from file models
 * alone (cheap: no syntax is read); queries that checks make go through
 * `fact`-keyed methods so their answers can be recorded as dependencies.
 * The index holds places (file, index into `seen`), not declarations:
 * `replaceModel` swaps in a file's newer model in O(1) when its summary is
 * unchanged. A new index built after a summary change reuses the previous
 * one's per-package kind tables, name lookups and per-item derivations where
 * the change cannot reach them, so its cost follows the change.
 */
export class ProgramIndex {
  private readonly kindsByPackage = new Map<string, Map<string, SlotEntry>>();
  private readonly filesByPackage = new Map<string, string[]>();
  private readonly packageNames: string[];
  private readonly exportsByPackage = new Map<string, ExportSite[]>();
  private readonly implsByInterface = new Map<string, ImplEdge[]>();
  private reachCache?: Map<string, Reach>;
  private readonly exportsById = new Map<string, Map<string, ExportSite[]>>();
  private readonly exportsByFile = new Map<string, ExportSite[]>();
  /** File → seen item → the export sites written in it. */
  private readonly exportsByItem = new Map<string, Map<number, ExportSite[]>>();
  /** Name lookups, memoized per package and import list (files of a package share them). */
  private lookups: Map<string, Map<string, SlotEntry | null>>;
  private importCache: Map<string, readonly string[]>;
  private derived: DerivedCache;
  readonly files: ReadonlyMap<string, FileModel>;
  /** The files' paths, sorted. */
  private readonly paths: readonly string[];
  readonly change: IndexChange;

  /**
   * `previous` and `changed` (the files whose summary changed, or that came or
   * went, since `previous`) let the build reuse what the change cannot reach.
   */
  constructor(files: ReadonlyMap<string, FileModel>, previous?: ProgramIndex, changed?: ReadonlySet<string>) {
    this.files = new Map(files);
    const paths = (this.paths = [...files.keys()].sort());
    for (const path of paths) {
      const pkg = files.get(path)!.package;
      const list = this.filesByPackage.get(pkg);
      if (list) list.push(path);
      else this.filesByPackage.set(pkg, [path]);
    }
    this.packageNames = [...this.filesByPackage.keys()];
    const samePackages = previous !== undefined && changed !== undefined && previous.packageNames.length === this.packageNames.length
      && this.packageNames.every((p) => previous.filesByPackage.has(p));
    const names = new Set<string>();
    const packages = new Set<string>();
    if (samePackages) {
      for (const path of changed!) {
        const pkg = files.get(path)?.package ?? previous!.files.get(path)?.package;
        if (pkg !== undefined) packages.add(pkg);
      }
      for (const [pkg, kinds] of previous!.kindsByPackage) {
        if (!packages.has(pkg)) this.kindsByPackage.set(pkg, kinds);
      }
      for (const pkg of packages) {
        const kinds = this.packageKinds(pkg);
        this.kindsByPackage.set(pkg, kinds);
        const before = previous!.kindsByPackage.get(pkg) ?? new Map<string, SlotEntry>();
        for (const [name, slot] of kinds) {
          const old = before.get(name);
          if (!old || old.file !== slot.file || old.item !== slot.item || old.summary !== slot.summary) names.add(name);
        }
        for (const name of before.keys()) if (!kinds.has(name)) names.add(name);
      }
      // Take over the previous index's memos (it keeps working, with fresh ones of its own).
      this.importCache = previous!.importCache;
      this.lookups = previous!.lookups;
      this.derived = previous!.derived;
      previous!.importCache = new Map();
      previous!.lookups = new Map();
      previous!.derived = new DerivedCache();
      for (const memo of this.lookups.values()) for (const n of names) memo.delete(n);
      this.derived.invalidate(names);
      for (const path of this.derived.byFile.keys()) if (!files.has(path)) this.derived.retain(path, undefined);
    } else {
      for (const pkg of this.packageNames) this.kindsByPackage.set(pkg, this.packageKinds(pkg));
      this.importCache = new Map();
      this.lookups = new Map();
      this.derived = new DerivedCache();
    }
    this.change = { all: !samePackages, names, packages };

    for (const path of paths) {
      const model = files.get(path)!;
      if (changed?.has(path)) this.derived.retain(path, new Set(model.seen.map((i) => i.element)));
      const inFile: ExportSite[] = [];
      const byItem = new Map<number, ExportSite[]>();
      const scope = model.scope;
      model.seen.forEach((item, i) => {
        const before = this.derived.get(path, item.element);
        const d = this.derive(path, model, item, scope);
        if (d !== before) packages.add(model.package);
        const k = item.kinds[0];
        if (k?.exported) {
          const slot = this.kindsByPackage.get(model.package)?.get(k.name);
          if (slot?.file === path && slot.item === i) inFile.push(new ExportSite(this, declId(k, []), path, k.name, i));
        }
        if (d.exportAs) inFile.push(new ExportSite(this, d.exportAs.id, path, item.exports[0].name, i, d.exportAs.slot));
        if (d.impl?.ifaceId !== undefined && d.impl.structId !== undefined) {
          const edges = this.implsByInterface.get(d.impl.ifaceId);
          const edge = new ImplEdge(this, path, i, d.impl.structId, d.impl.structSlot);
          if (edges) edges.push(edge);
          else this.implsByInterface.set(d.impl.ifaceId, [edge]);
        }
      });
      for (const site of inFile) {
        const list = byItem.get(site.item);
        if (list) list.push(site);
        else byItem.set(site.item, [site]);
      }
      const sites = this.exportsByPackage.get(model.package);
      if (sites) sites.push(...inFile);
      else this.exportsByPackage.set(model.package, [...inFile]);
      this.exportsByFile.set(path, inFile);
      this.exportsByItem.set(path, byItem);
    }
  }

  /** A package's kinds by name: the first declaration in file order wins. */
  private packageKinds(pkg: string): Map<string, SlotEntry> {
    const kinds = new Map<string, SlotEntry>();
    for (const path of this.filesByPackage.get(pkg) ?? []) {
      this.files.get(path)!.seen.forEach((item, i) => {
        const k = item.kinds[0];
        if (k && !kinds.has(k.name)) kinds.set(k.name, { file: path, item: i, summary: item.summary });
      });
    }
    return kinds;
  }

  /** An item's derivation, reused when still valid. */
  private derive(path: string, model: FileModel, item: ItemDecls, scope: string): Derived {
    const cached = this.derived.get(path, item.element);
    if (cached && cached.valid && cached.scope === scope) return cached;
    const lookedUp: Dependencies = new Map();
    const node = (t: TypeRef): WalkNode => this.walkNode(path, t, lookedUp);
    let members: Derived['members'];
    let exportAs: Derived['exportAs'];
    let impl: Derived['impl'];
    let roots: Derived['roots'];
    const k = item.kinds[0];
    if (k) members = k.members.map((m) => ({ node: node(m.type), step: `${k.name}.${m.name}` }));
    const e = item.exports[0];
    if (e) {
      const r = this.resolve(path, e.type, lookedUp);
      exportAs = { id: 'id' in r ? r.id : `?${e.type.text}`, slot: r.tag === 'declared' ? this.slotOf(path, e.type) : undefined, node: node(e.type) };
    }
    const im = item.impls[0];
    if (im) {
      const iface = this.resolve(path, im.interfaceType, lookedUp);
      const struct = this.resolve(path, im.structType, lookedUp);
      impl = {
        ifaceId: 'id' in iface ? iface.id : undefined, structId: 'id' in struct ? struct.id : undefined,
        structSlot: struct.tag === 'declared' ? this.slotOf(path, im.structType) : undefined, structNode: node(im.structType),
      };
    }
    const f = item.functions[0];
    if (f && (f.exported || f.extern)) {
      const sig = signatureText(f);
      const list: { param: number; node: WalkNode; description: string }[] = f.params.map((p, n) => ({ param: n, node: node(p.type), description: `parameter ${p.name} of ${sig}` }));
      if (f.returnType) list.push({ param: -1, node: node(f.returnType), description: `the return of ${sig}` });
      roots = list;
    }
    const names = new Set<string>();
    for (const key of lookedUp.keys()) names.add(key.slice(key.lastIndexOf('\u0000') + 1));
    const d: Derived = { scope, names, valid: true, members, exportAs, impl, roots };
    this.derived.add(path, item.element, d);
    return d;
  }

  /** A type reference as the walk sees it: where it goes next, if anywhere. */
  private walkNode(file: string, t: TypeRef, lookedUp: Dependencies): WalkNode {
    const r = this.resolve(file, t, lookedUp);
    switch (r.tag) {
      case 'declared': return { tag: 'declared', id: this.derived.intern(r.id), slot: this.slotOf(file, t)! };
      case 'array': return { tag: 'array', id: this.derived.intern(r.id), element: r.mutability === 'imm' && t.tag === 'array' ? this.walkNode(file, t.element, lookedUp) : undefined, text: kindText(t) };
      case 'tuple': return { tag: 'tuple', id: this.derived.intern(r.id), elements: t.tag === 'tuple' ? t.elements.map((x) => this.walkNode(file, x, lookedUp)) : [], text: kindText(t) };
      default: return SKIP;
    }
  }

  private derivedAt(slot: KindSlot): Derived {
    const model = this.files.get(slot.file)!;
    return this.derive(slot.file, model, model.seen[slot.item], model.scope);
  }

  /**
   * Takes a newer model of a file whose summary is unchanged (an edit that only
   * moved its declarations or changed bodies): every place the index holds still
   * names the same declaration.
   */
  replaceModel(path: string, model: FileModel): void {
    const old = this.files.get(path);
    if (!old || !old.sameSummary(model)) throw new Error(`replaceModel(${path}): the summary changed; build a new index`);
    (this.files as Map<string, FileModel>).set(path, model);
    // Re-parsed items got new nodes: forget the old nodes' derivations once they outnumber the items.
    if ((this.derived.byFile.get(path)?.size ?? 0) > model.seen.length) this.derived.retain(path, new Set(model.seen.map((i) => i.element)));
  }

  model(file: string): FileModel | undefined {
    return this.files.get(file);
  }

  declOf(slot: KindSlot): KindDecl | undefined {
    return this.files.get(slot.file)?.seen[slot.item]?.kinds[0];
  }

  /** Finds the struct or interface a name means in a file: its package first, then its imports. */
  lookupKind(file: string, name: string): KindDecl | undefined {
    const slot = this.lookupSlot(file, name);
    return slot && this.declOf(slot);
  }

  private lookupSlot(file: string, name: string): SlotEntry | undefined {
    const model = this.files.get(file);
    if (!model) return undefined;
    const scope = model.scope;
    let names = this.lookups.get(scope);
    if (!names) this.lookups.set(scope, (names = new Map()));
    let found = names.get(name);
    if (found === undefined) names.set(name, (found = this.lookupUncached(model, name) ?? null));
    return found ?? undefined;
  }

  private lookupUncached(model: FileModel, name: string): SlotEntry | undefined {
    const own = this.kindsByPackage.get(model.package)?.get(name);
    if (own) return own;
    for (const segments of model.imports) {
      const last = segments[segments.length - 1];
      if (last !== '*' && last !== name) continue;
      for (const pkg of this.packagesMatching(segments.slice(0, -1))) {
        const found = this.kindsByPackage.get(pkg)?.get(name);
        if (found) return found;
      }
    }
    return undefined;
  }

  private slotOf(file: string, t: TypeRef): KindSlot | undefined {
    return t.tag === 'named' ? this.lookupSlot(file, t.name) : undefined;
  }

  /** The packages an import prefix names, in package order (memoized: imports repeat across files). */
  private packagesMatching(wanted: readonly string[]): readonly string[] {
    const key = wanted.join('\u0000');
    let found = this.importCache.get(key);
    if (!found) this.importCache.set(key, (found = this.packageNames.filter((pkg) => packageMatches(pkg, wanted))));
    return found;
  }

  /** Resolutions asked without recording dependencies (layouts, hovers), per type reference. */
  private readonly resolved = new WeakMap<TypeRef, Resolved>();

  resolve(file: string, t: TypeRef, deps?: Dependencies): Resolved {
    if (deps) return this.resolveUncached(file, t, deps);
    let r = this.resolved.get(t);
    if (!r) this.resolved.set(t, (r = this.resolveUncached(file, t)));
    return r;
  }

  private resolveUncached(file: string, t: TypeRef, deps?: Dependencies): Resolved {
    switch (t.tag) {
      case 'primitive': return { tag: 'primitive' };
      case 'rune': return { tag: 'rune' };
      case 'other': return { tag: 'unknown' };
      case 'named': {
        const slot = this.lookupSlot(file, t.name);
        const decl = slot && this.declOf(slot);
        const args = t.args.map((a) => this.refId(file, a, deps));
        deps?.set(`kind\u0000${file}\u0000${t.name}`, slot ? `${slot.file}\u0001${slot.item}\u0001${slot.summary}` : '');
        if (!decl) return { tag: 'external', id: `?${t.name}${args.length ? `<${args.join(', ')}>` : ''}`, name: t.name };
        return { tag: 'declared', id: declId(decl, args), decl };
      }
      case 'array': {
        const element = this.refId(file, t.element, deps);
        return { tag: 'array', id: t.size === null ? `[]<${t.mutability}>${element}` : `[#${t.size}]<${t.mutability}>${element}`, mutability: t.mutability };
      }
      case 'tuple':
        return { tag: 'tuple', id: `(${t.elements.map((e) => this.refId(file, e, deps)).join(', ')})` };
    }
  }

  /** The identity of a reference: ownership and the resolved kind. */
  refId(file: string, t: TypeRef, deps?: Dependencies): string {
    const r = this.resolve(file, t, deps);
    return t.ownership + ('id' in r ? r.id : kindText(t));
  }

  /** The export sites of a kind in a package (the compiler counts exports per package). */
  exportsOf(pkg: string, id: string, deps?: Dependencies): ExportSite[] {
    let byId = this.exportsById.get(pkg);
    if (!byId) {
      this.exportsById.set(pkg, (byId = new Map()));
      for (const site of this.exportsByPackage.get(pkg) ?? []) {
        const list = byId.get(site.id);
        if (list) list.push(site);
        else byId.set(site.id, [site]);
      }
    }
    const sites = byId.get(id) ?? [];
    deps?.set(`exports\u0000${pkg}\u0000${id}`, factOfAll(sites));
    return sites;
  }

  /** Every export site of a package, in file and offset order. */
  packageExports(pkg: string, deps?: Dependencies): ExportSite[] {
    const sites = this.exportsByPackage.get(pkg) ?? [];
    deps?.set(`package-exports\u0000${pkg}`, factOfAll(sites));
    return sites;
  }

  /** The names of the kinds a package declares. */
  packageKindNames(pkg: string, deps?: Dependencies): string[] {
    const names = [...(this.kindsByPackage.get(pkg)?.keys() ?? [])];
    deps?.set(`package-kinds\u0000${pkg}`, names.join('\u0001'));
    return names;
  }

  /** The export sites written in one file (its own declarations: no dependency on other files). */
  packageExportsIn(file: string): ExportSite[] {
    return this.exportsByFile.get(file) ?? [];
  }

  /** The export sites written in one item of a file (its `seen` index). */
  exportsInItem(file: string, item: number): readonly ExportSite[] {
    return this.exportsByItem.get(file)?.get(item) ?? [];
  }

  implsOf(interfaceId: string, deps?: Dependencies): ImplEdge[] {
    const edges = this.implsByInterface.get(interfaceId) ?? [];
    deps?.set(`impls\u0000${interfaceId}`, factOfAll(edges));
    return edges;
  }

  /** How a kind crosses the boundary, if it does (shortest path from a root). */
  reachOf(id: string, deps?: Dependencies): Reach | undefined {
    const reach = this.reachability().get(id);
    deps?.set(`reach\u0000${id}`, reach ? `${reach.root.file}\u0001${reach.root.description}\u0001${reach.steps.join('\u0001')}` : '');
    return reach;
  }

  /** Recomputes a recorded fact, to tell whether a cached check is still valid. */
  fact(key: string): string {
    const [tag, a, b] = key.split('\u0000');
    const deps: Dependencies = new Map();
    switch (tag) {
      case 'kind': this.resolve(a, { tag: 'named', name: b, args: [], start: 0, end: 0, ownership: '', text: b }, deps); break;
      case 'exports': this.exportsOf(a, b, deps); break;
      case 'package-exports': this.packageExports(a, deps); break;
      case 'package-kinds': this.packageKindNames(a, deps); break;
      case 'impls': this.implsOf(a, deps); break;
      case 'reach': this.reachOf(a, deps); break;
      default: return `unknown fact ${tag}`;
    }
    return deps.get(key) ?? '';
  }

  /**
   * The FFI functions and exported kinds: where values enter or leave Vale. Walks
   * the items' derivations (no name is resolved here). The queue is kept in
   * parallel arrays (node, parent entry, step, root) so the walk allocates no
   * object per step; a kind's `Reach` reads its steps from the parent chain.
   */
  private reachability(): Map<string, Reach> {
    if (this.reachCache) return this.reachCache;
    const reached = new Map<string, Reach>();
    const walk = new Walk();
    // Signatures first, so a kind that a function passes names that function.
    for (const path of this.paths) {
      const model = this.files.get(path)!;
      const scope = model.scope;
      model.seen.forEach((item, i) => {
        const roots = this.derive(path, model, item, scope).roots;
        if (roots) for (const r of roots) walk.push(r.node, -1, '', new SignatureRoot(this, path, i, r.param, r.description));
      });
    }
    for (const pkg of [...this.exportsByPackage.keys()].sort()) {
      for (const site of this.exportsByPackage.get(pkg)!) {
        const model = this.files.get(site.file)!;
        const item = model.seen[site.item];
        const exportAs = item.exports[0];
        if (exportAs) {
          const d = this.derive(site.file, model, item, model.scope);
          walk.push(d.exportAs!.node, -1, '', new SiteRoot(site, `export ${exportAs.type.text} as ${site.name}`));
        } else {
          walk.push({ tag: 'declared', id: this.derived.intern(site.id), slot: { file: site.file, item: site.item } }, -1, '', new SiteRoot(site, `exported ${item.kinds[0].tag} ${site.name}`));
        }
      }
    }
    // Breadth first, so each kind keeps its shortest path from a root.
    for (let e = 0; e < walk.nodes.length; e++) {
      const node = walk.nodes[e];
      if (node.tag === 'skip' || reached.has(node.id)) continue;
      reached.set(node.id, new WalkReach(walk, e));
      if (node.tag === 'declared') this.enqueueInside(node.slot, node.id, e, walk);
      else if (node.tag === 'array') {
        if (node.element) walk.push(node.element, e, `${node.text} elements`);
      } else node.elements.forEach((x, n) => walk.push(x, e, `${node.text}.${n}`));
    }
    this.reachCache = reached;
    return reached;
  }

  /** Immutable kinds are copied member by member; mutable ones cross as references and stop the walk. */
  private enqueueInside(slot: KindSlot, id: string, entry: number, walk: Walk): void {
    const decl = this.declOf(slot)!;
    if (decl.mutability !== 'imm') return;
    if (decl.tag === 'struct') {
      for (const m of this.derivedAt(slot).members ?? []) walk.push(m.node, entry, m.step);
    } else {
      for (const edge of this.implsByInterface.get(id) ?? []) {
        const model = this.files.get(edge.file)!;
        const item = model.seen[edge.item];
        walk.push(this.derive(edge.file, model, item, model.scope).impl!.structNode, entry, `${decl.name} (implemented by ${item.impls[0].structType.text})`);
      }
    }
  }
}

/** The reachability walk's queue: entry e is nodes[e], reached from parents[e] (-1: a root) by steps[e]. */
class Walk {
  readonly nodes: WalkNode[] = [];
  readonly parents: number[] = [];
  readonly steps: string[] = [];
  readonly roots: ReachRoot[] = [];

  push(node: WalkNode, parent: number, step: string, root?: ReachRoot): void {
    this.nodes.push(node);
    this.parents.push(parent);
    this.steps.push(step);
    this.roots.push(root ?? this.roots[parent]);
  }
}

/** The reach of a kind: its walk entry's root, and the steps read back along the parents. */
class WalkReach implements Reach {
  private path?: readonly string[];

  constructor(private readonly walk: Walk, private readonly entry: number) {}

  get root(): ReachRoot {
    return this.walk.roots[this.entry];
  }

  get steps(): readonly string[] {
    if (this.path) return this.path;
    const out: string[] = [];
    for (let e = this.entry; this.walk.parents[e] >= 0; e = this.walk.parents[e]) out.push(this.walk.steps[e]);
    return (this.path = out.reverse());
  }
}

/** A parameter (or, for -1, the return) of an FFI function (an item of the file's `seen` list), as a root of the walk. */
class SignatureRoot implements ReachRoot {
  constructor(private readonly index: ProgramIndex, readonly file: string, private readonly item: number, private readonly param: number, readonly description: string) {}

  get range(): OffsetRange {
    const f = this.index.files.get(this.file)!.seen[this.item].functions[0];
    const t = this.param < 0 ? f.returnType! : f.params[this.param].type;
    return { start: t.start, end: t.end };
  }
}

class SiteRoot implements ReachRoot {
  constructor(private readonly site: ExportSite, readonly description: string) {}

  get file(): string {
    return this.site.file;
  }

  get range(): OffsetRange {
    return this.site.range;
  }
}

function factOfAll(xs: readonly { readonly fact: string }[]): string {
  return xs.map((x) => x.fact).join('\u0002');
}

function declId(decl: KindDecl, args: readonly string[]): string {
  return `${decl.package}::${decl.name}${args.length ? `<${args.join(', ')}>` : ''}`;
}

/** `import a.b.*;` names the package whose path ends with a/b (or b: the first segment may be the module). */
function packageMatches(pkg: string, wanted: readonly string[]): boolean {
  const segments = pkg.split('/').filter((s) => s.length > 0);
  const endsWith = (w: readonly string[]): boolean => w.length <= segments.length && w.every((s, i) => segments[segments.length - w.length + i] === s);
  return endsWith(wanted) || (wanted.length > 1 && endsWith(wanted.slice(1)));
}

export function signatureText(f: FunctionDecl): string {
  const params = f.params.map((p) => `${p.name} ${p.type.text}`).join(', ');
  return `${f.extern ? 'extern' : 'exported'} func ${f.name}(${params})${f.returnType ? ' ' + f.returnType.text : ''}`;
}
