import { ExportAsDecl, FileModel, FunctionDecl, ImplDecl, KindDecl, OffsetRange } from './declarations';
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

/** One way a kind is exported: an `exported` attribute or an `export T as N;` line. */
export interface ExportSite {
  readonly id: string;
  readonly file: string;
  /** What a diagnostic about this export underlines. */
  readonly range: OffsetRange;
  readonly name: string;
  readonly decl?: KindDecl;
  readonly exportAs?: ExportAsDecl;
}

export interface ImplEdge {
  readonly impl: ImplDecl;
  readonly structId: string;
  readonly structDecl?: KindDecl;
}

/** How a kind comes to cross the boundary: the root that reaches it and the members walked. */
export interface Reach {
  readonly root: { readonly file: string; readonly range: OffsetRange; readonly description: string };
  readonly steps: readonly string[];
}

/**
 * Records what a check consulted, as (fact key → fact value) pairs, so the
 * check can be reused while every fact it read still has the same value.
 */
export type Dependencies = Map<string, string>;

/**
 * The workspace's declarations, indexed across files. Built from file models
 * alone (cheap: no syntax is read); queries that checks make go through
 * `fact`-keyed methods so their answers can be recorded as dependencies.
 */
export class ProgramIndex {
  private readonly kindsByPackage = new Map<string, Map<string, KindDecl>>();
  private readonly packageNames: string[];
  private readonly exportsByPackage = new Map<string, ExportSite[]>();
  private readonly implsByInterface = new Map<string, ImplEdge[]>();
  private reachCache?: Map<string, Reach>;
  private readonly importCache = new Map<string, readonly string[]>();
  private readonly exportsById = new Map<string, Map<string, ExportSite[]>>();

  constructor(readonly files: ReadonlyMap<string, FileModel>) {
    const paths = [...files.keys()].sort();
    for (const path of paths) {
      const model = files.get(path)!;
      let kinds = this.kindsByPackage.get(model.package);
      if (!kinds) this.kindsByPackage.set(model.package, (kinds = new Map()));
      for (const k of model.kinds) if (!kinds.has(k.name)) kinds.set(k.name, k);
    }
    this.packageNames = [...this.kindsByPackage.keys()];
    for (const path of paths) {
      const model = files.get(path)!;
      const sites = this.exportsByPackage.get(model.package) ?? [];
      const inFile: ExportSite[] = [];
      for (const k of model.kinds) {
        if (k.exported && this.kindsByPackage.get(k.package)?.get(k.name) === k) {
          inFile.push({ id: declId(k, []), file: path, range: k.nameRange, name: k.name, decl: k });
        }
      }
      for (const e of model.exports) {
        const r = this.resolve(path, e.type);
        const id = 'id' in r ? r.id : `?${e.type.text}`;
        inFile.push({ id, file: path, range: { start: e.type.start, end: e.type.end }, name: e.name, exportAs: e, decl: r.tag === 'declared' ? r.decl : undefined });
      }
      inFile.sort((a, b) => a.range.start - b.range.start);
      sites.push(...inFile);
      this.exportsByPackage.set(model.package, sites);
      for (const impl of model.impls) {
        const iface = this.resolve(path, impl.interfaceType);
        const struct = this.resolve(path, impl.structType);
        if (!('id' in iface) || !('id' in struct)) continue;
        const edges = this.implsByInterface.get(iface.id) ?? [];
        edges.push({ impl, structId: struct.id, structDecl: struct.tag === 'declared' ? struct.decl : undefined });
        this.implsByInterface.set(iface.id, edges);
      }
    }
  }

  model(file: string): FileModel | undefined {
    return this.files.get(file);
  }

  /** Finds the struct or interface a name means in a file: its package first, then its imports. */
  lookupKind(file: string, name: string): KindDecl | undefined {
    const model = this.files.get(file);
    if (!model) return undefined;
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

  /** The packages an import prefix names, in package order (memoized: imports repeat across files). */
  private packagesMatching(wanted: readonly string[]): readonly string[] {
    const key = wanted.join('\u0000');
    let found = this.importCache.get(key);
    if (!found) this.importCache.set(key, (found = this.packageNames.filter((pkg) => packageMatches(pkg, wanted))));
    return found;
  }

  resolve(file: string, t: TypeRef, deps?: Dependencies): Resolved {
    switch (t.tag) {
      case 'primitive': return { tag: 'primitive' };
      case 'rune': return { tag: 'rune' };
      case 'other': return { tag: 'unknown' };
      case 'named': {
        const decl = this.lookupKind(file, t.name);
        const args = t.args.map((a) => this.refId(file, a, deps));
        deps?.set(`kind\u0000${file}\u0000${t.name}`, decl ? json(decl) : '');
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
    deps?.set(`exports\u0000${pkg}\u0000${id}`, json(sites));
    return sites;
  }

  /** Every export site of a package, in file and offset order. */
  packageExports(pkg: string, deps?: Dependencies): ExportSite[] {
    const sites = this.exportsByPackage.get(pkg) ?? [];
    deps?.set(`package-exports\u0000${pkg}`, json(sites));
    return sites;
  }

  /** The export sites written in one file (its own declarations: no dependency on other files). */
  packageExportsIn(file: string): ExportSite[] {
    const model = this.files.get(file);
    return model ? (this.exportsByPackage.get(model.package) ?? []).filter((s) => s.file === file) : [];
  }

  implsOf(interfaceId: string, deps?: Dependencies): ImplEdge[] {
    const edges = this.implsByInterface.get(interfaceId) ?? [];
    deps?.set(`impls\u0000${interfaceId}`, json(edges));
    return edges;
  }

  /** How a kind crosses the boundary, if it does (shortest path from a root). */
  reachOf(id: string, deps?: Dependencies): Reach | undefined {
    const reach = this.reachability().get(id);
    deps?.set(`reach\u0000${id}`, reach ? json(reach) : '');
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
      for (const f of this.files.get(path)!.functions) {
        if (!f.exported && !f.extern) continue;
        const sig = signatureText(f);
        for (const p of f.params) {
          queue.push({ file: path, type: p.type, reach: { root: { file: path, range: { start: p.type.start, end: p.type.end }, description: `parameter ${p.name} of ${sig}` }, steps: [] } });
        }
        if (f.returnType) {
          queue.push({ file: path, type: f.returnType, reach: { root: { file: path, range: { start: f.returnType.start, end: f.returnType.end }, description: `the return of ${sig}` }, steps: [] } });
        }
      }
    }
    for (const pkg of [...this.exportsByPackage.keys()].sort()) {
      for (const site of this.exportsByPackage.get(pkg)!) {
        const root = { file: site.file, range: site.range, description: site.exportAs ? `export ${site.exportAs.type.text} as ${site.name}` : `exported ${site.decl?.tag ?? 'kind'} ${site.name}` };
        if (site.exportAs) queue.push({ file: site.file, type: site.exportAs.type, reach: { root, steps: [] } });
        else if (site.decl) queue.push({ decl: site.decl, id: site.id, reach: { root, steps: [] } });
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
        queue.push({ file: edge.impl.file, type: edge.impl.structType, reach: { root: reach.root, steps: [...reach.steps, `${decl.name} (implemented by ${edge.impl.structType.text})`] } });
      }
    }
  }
}

/** A step of the reachability walk: a type reference to resolve, or a declared kind to enter. */
type ReachItem = { file: string; type: TypeRef; reach: Reach } | { decl: KindDecl; id: string; reach: Reach };

// A fact's value is the JSON of what was read; the objects never change once built (a new model
// builds new ones), so each is serialized once.
const jsonCache = new WeakMap<object, string>();
const EMPTY_JSON = '[]';

function json(value: object): string {
  if (Array.isArray(value) && value.length === 0) return EMPTY_JSON;
  let text = jsonCache.get(value);
  if (text === undefined) jsonCache.set(value, (text = JSON.stringify(value)));
  return text;
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
