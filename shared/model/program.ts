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
  constructor(private readonly index: ProgramIndex, readonly file: string, private readonly item: number, readonly structId: string, private readonly structSlot?: KindSlot) {}

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

/**
 * The workspace's declarations, indexed across files. Built from file models
 * alone (cheap: no syntax is read); queries that checks make go through
 * `fact`-keyed methods so their answers can be recorded as dependencies.
 * The index holds places (file, index), not declarations: `replaceModel` swaps
 * in a file's newer model when its summary is unchanged, in O(1).
 */
export class ProgramIndex {
  private readonly kindsByPackage = new Map<string, Map<string, KindSlot & { summary: string }>>();
  private readonly packageNames: string[];
  private readonly exportsByPackage = new Map<string, ExportSite[]>();
  private readonly implsByInterface = new Map<string, ImplEdge[]>();
  private reachCache?: Map<string, Reach>;
  private readonly importCache = new Map<string, readonly string[]>();
  private readonly exportsById = new Map<string, Map<string, ExportSite[]>>();
  private readonly exportsByFile = new Map<string, ExportSite[]>();
  /** File → seen item → the export sites written in it. */
  private readonly exportsByItem = new Map<string, Map<number, ExportSite[]>>();
  /** Name lookups, memoized per package and import list (files of a package share them). */
  private readonly lookups = new Map<string, Map<string, (KindSlot & { summary: string }) | null>>();
  readonly files: ReadonlyMap<string, FileModel>;

  constructor(files: ReadonlyMap<string, FileModel>) {
    this.files = new Map(files);
    const paths = [...files.keys()].sort();
    for (const path of paths) {
      const model = files.get(path)!;
      let kinds = this.kindsByPackage.get(model.package);
      if (!kinds) this.kindsByPackage.set(model.package, (kinds = new Map()));
      model.seen.forEach((item, i) => {
        const k = item.kinds[0];
        if (k && !kinds!.has(k.name)) kinds!.set(k.name, { file: path, item: i, summary: item.summary });
      });
    }
    this.packageNames = [...this.kindsByPackage.keys()];
    for (const path of paths) {
      const model = files.get(path)!;
      const sites = this.exportsByPackage.get(model.package) ?? [];
      const inFile: ExportSite[] = [];
      model.seen.forEach((item, i) => {
        const k = item.kinds[0];
        if (k) {
          const slot = this.kindsByPackage.get(model.package)?.get(k.name);
          if (k.exported && slot?.file === path && slot.item === i) inFile.push(new ExportSite(this, declId(k, []), path, k.name, i));
        }
        const e = item.exports[0];
        if (e) {
          const r = this.resolve(path, e.type);
          const id = 'id' in r ? r.id : `?${e.type.text}`;
          inFile.push(new ExportSite(this, id, path, e.name, i, r.tag === 'declared' ? this.slotOf(path, e.type) : undefined));
        }
        const impl = item.impls[0];
        if (impl) {
          const iface = this.resolve(path, impl.interfaceType);
          const struct = this.resolve(path, impl.structType);
          if ('id' in iface && 'id' in struct) {
            const edges = this.implsByInterface.get(iface.id) ?? [];
            edges.push(new ImplEdge(this, path, i, struct.id, struct.tag === 'declared' ? this.slotOf(path, impl.structType) : undefined));
            this.implsByInterface.set(iface.id, edges);
          }
        }
      });
      sites.push(...inFile);
      this.exportsByPackage.set(model.package, sites);
      this.exportsByFile.set(path, inFile);
      const byItem = new Map<number, ExportSite[]>();
      for (const site of inFile) byItem.set(site.item, [...(byItem.get(site.item) ?? []), site]);
      this.exportsByItem.set(path, byItem);
    }
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

  private lookupSlot(file: string, name: string): (KindSlot & { summary: string }) | undefined {
    const model = this.files.get(file);
    if (!model) return undefined;
    const scope = model.imports.length === 0 ? model.package : `${model.package}\u0000${model.imports.map((i) => i.join('.')).join('\u0000')}`;
    let names = this.lookups.get(scope);
    if (!names) this.lookups.set(scope, (names = new Map()));
    let found = names.get(name);
    if (found === undefined) names.set(name, (found = this.lookupUncached(model, name) ?? null));
    return found ?? undefined;
  }

  private lookupUncached(model: FileModel, name: string): (KindSlot & { summary: string }) | undefined {
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

  /** The FFI functions and exported kinds: where values enter or leave Vale. */
  private reachability(): Map<string, Reach> {
    if (this.reachCache) return this.reachCache;
    const reached = new Map<string, Reach>();
    const queue: ReachItem[] = [];
    const paths = [...this.files.keys()].sort();
    // Signatures first, so a kind that a function passes names that function.
    for (const path of paths) {
      this.files.get(path)!.seen.forEach((item, i) => {
        const f = item.functions[0];
        if (!f || (!f.exported && !f.extern)) return;
        const sig = signatureText(f);
        f.params.forEach((p, n) => {
          queue.push({ file: path, type: p.type, reach: { root: new SignatureRoot(this, path, i, n, `parameter ${p.name} of ${sig}`), steps: [] } });
        });
        if (f.returnType) queue.push({ file: path, type: f.returnType, reach: { root: new SignatureRoot(this, path, i, -1, `the return of ${sig}`), steps: [] } });
      });
    }
    for (const pkg of [...this.exportsByPackage.keys()].sort()) {
      for (const site of this.exportsByPackage.get(pkg)!) {
        const exportAs = site.exportAs;
        const decl = site.decl;
        const root = new SiteRoot(site, exportAs ? `export ${exportAs.type.text} as ${site.name}` : `exported ${decl?.tag ?? 'kind'} ${site.name}`);
        if (exportAs) queue.push({ file: site.file, type: exportAs.type, reach: { root, steps: [] } });
        else if (decl) queue.push({ decl, id: site.id, reach: { root, steps: [] } });
      }
    }
    // Breadth first, so each kind keeps its shortest path from a root.
    for (let i = 0; i < queue.length; i++) {
      const item = queue[i];
      if ('decl' in item) {
        if (reached.has(item.id)) continue;
        reached.set(item.id, item.reach);
        this.enqueueInside(item.decl, item.id, item.reach, queue);
        continue;
      }
      const { file, type, reach } = item;
      const r = this.resolve(file, type);
      if (!('id' in r) || r.tag === 'external') continue;
      if (reached.has(r.id)) continue;
      reached.set(r.id, reach);
      if (r.tag === 'declared') this.enqueueInside(r.decl, r.id, reach, queue);
      else if (r.tag === 'array' && r.mutability === 'imm' && type.tag === 'array') {
        queue.push({ file, type: type.element, reach: { root: reach.root, steps: [...reach.steps, `${kindText(type)} elements`] } });
      } else if (type.tag === 'tuple') {
        type.elements.forEach((e, n) => queue.push({ file, type: e, reach: { root: reach.root, steps: [...reach.steps, `${kindText(type)}.${n}`] } }));
      }
    }
    this.reachCache = reached;
    return reached;
  }

  /** Immutable kinds are copied member by member; mutable ones cross as references and stop the walk. */
  private enqueueInside(decl: KindDecl, id: string, reach: Reach, queue: ReachItem[]): void {
    if (decl.mutability !== 'imm') return;
    if (decl.tag === 'struct') {
      for (const m of decl.members) {
        queue.push({ file: decl.file, type: m.type, reach: { root: reach.root, steps: [...reach.steps, `${decl.name}.${m.name}`] } });
      }
    } else {
      for (const edge of this.implsByInterface.get(id) ?? []) {
        const impl = edge.impl;
        queue.push({ file: impl.file, type: impl.structType, reach: { root: reach.root, steps: [...reach.steps, `${decl.name} (implemented by ${impl.structType.text})`] } });
      }
    }
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

/** A step of the reachability walk: a type reference to resolve, or a declared kind to enter. */
type ReachItem = { file: string; type: TypeRef; reach: Reach } | { decl: KindDecl; id: string; reach: Reach };

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
