import { type GreenNode, changedWindow, spliceList } from '../syntax';
import {
  type ExportAsDecl,
  type FileModel,
  type FunctionDecl,
  type ImplDecl,
  type ItemDecls,
  type KindDecl,
  type MemberDecl,
  type OffsetRange,
  declaresKind,
  nameRangeOf,
  unplacedMembers,
} from './declarations';
import { Suggestions } from '../checks/suggest';
import { FACT, type FactKey, factParts } from './facts';
import { flat } from './flat';
import { IntList } from './ints';
import { type TypeRef, kindText, shapedType } from './types';

/** What a type reference names, once resolved in its file. */
export type Resolved =
  | { readonly tag: 'primitive' }
  | { readonly tag: 'rune' }
  | { readonly tag: 'unknown' }
  /**
   * A struct or interface the workspace does not declare. `importable`: a builtin, or a name an
   * import of a module outside the workspace may provide; otherwise the name is unknown.
   */
  | { readonly tag: 'external'; readonly id: string; readonly name: string; readonly importable: boolean }
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
    /** The item's record, its place in the file's `seen` list: a kind with `exported`, or an `export ... as` line. */
    private readonly place: Indexed,
    private readonly declSlot: KindSlot | undefined,
    /** The item's node when the site was made: which site this is. */
    private readonly element: GreenNode,
  ) {}

  private factText?: string;

  /** The item in the file's `seen` list (follows the item when items above it come or go). */
  get item(): number {
    return this.place.item;
  }

  private get decls(): ItemDecls {
    return this.index.files.get(this.file)!.seen[this.item];
  }

  get decl(): KindDecl | undefined {
    const own = this.decls.kind;
    if (own) return own;
    return this.declSlot && this.index.declOf(this.declSlot);
  }

  /** The declared kind's place (for an `exported` attribute, the kind itself). */
  get kindSlot(): KindSlot | undefined {
    return this.declSlot;
  }

  get exportAs(): ExportAsDecl | undefined {
    return this.decls.exportAs;
  }

  /** What a diagnostic about this export underlines. */
  get range(): OffsetRange {
    const exportAs = this.exportAs;
    if (!exportAs) return nameRangeOf(this.decl!);
    return { start: exportAs.type.start, end: exportAs.type.end };
  }

  /**
   * What other files may rely on: no offsets, no item indices (an item inserted above does
   * not change it), but which site this is (two sites of one name and kind in a file differ:
   * the item's node tells them apart, and stays the same for a new index of the same trees).
   * Written when first asked (a one-shot analysis records no facts).
   */
  get fact(): string {
    return (this.factText ??= flat(`${this.file}\u0001${this.name}\u0001${this.id}\u0001${nodeId(this.element)}`));
  }

  toJSON(): object {
    return { id: this.id, file: this.file, name: this.name, range: this.range };
  }

  /** A list of this site alone: its item's list when that holds only this site (no array made). */
  get alone(): readonly ExportSite[] {
    const own = this.place.sites;
    return own.length === 1 && own[0] === this ? own : [this];
  }
}

/** Where a kind is declared: a file and the kind's name (the first kind of that name in the file). */
export interface KindSlot {
  readonly file: string;
  readonly name: string;
}

export class ImplEdge {
  constructor(
    private readonly index: ProgramIndex,
    readonly file: string,
    private readonly place: Indexed,
    readonly structId: string,
    private readonly structSlot: KindSlot | undefined,
    readonly ifaceId: string,
  ) {}

  get item(): number {
    return this.place.item;
  }

  /** The derivation of the impl item the edge was made from (its sides resolved). */
  get derived(): Derived {
    return this.place.derived;
  }

  get impl(): ImplDecl {
    return this.index.files.get(this.file)!.seen[this.item].impl!;
  }

  get structDecl(): KindDecl | undefined {
    return this.structSlot && this.index.declOf(this.structSlot);
  }

  get fact(): string {
    return `${this.file}\u0001${this.structId}`;
  }
}

/** The place a root of the reachability walk names: read through the current model. */
export interface ReachRoot {
  readonly file: string;
  readonly range: OffsetRange;
  readonly description: string;
}

/** A root the index's walk starts from. */
interface WalkRoot extends ReachRoot {
  /** Which root this is (two roots of one description in a file differ), as a fact may say it. */
  readonly identity: string;
  /** The same root for its item's new record. */
  retarget(place: ItemPlace | ExportSite): void;
}

/**
 * Numbers for item nodes, so a fact can say which of two equal-looking items it is about:
 * the same for every index of the same trees, another for an item parsed again.
 */
const nodeIds = new WeakMap<GreenNode, number>();
let nextNodeId = 0;

function nodeId(node: GreenNode): number {
  let id = nodeIds.get(node);
  if (id === undefined) nodeIds.set(node, (id = ++nextNodeId));
  return id;
}

/** How a kind comes to cross the boundary: the root that reaches it and the members walked. */
export interface Reach {
  readonly root: ReachRoot;
  /** The members walked: all of them, or past `REACH_SHOWN_STEPS` the first `REACH_HEAD_STEPS` and the last ones. */
  readonly steps: readonly string[];
  /** How many steps are left out of `steps` after its first `REACH_HEAD_STEPS` (0 or none: none). */
  readonly omitted?: number;
}

/**
 * A reach of more steps than this shows its first `REACH_HEAD_STEPS` and its last
 * `REACH_SHOWN_STEPS - REACH_HEAD_STEPS` steps: a chain of kinds thousands deep would make every
 * kind on it a path of thousands of steps (its message, and its fact), quadratic in the chain.
 */
export const REACH_SHOWN_STEPS = 7;
export const REACH_HEAD_STEPS = 3;

/**
 * Records what a check consulted, as (fact key → fact value) pairs, so the
 * check can be reused while every fact it read still has the same value.
 * Values never hold offsets: an edit that only moves declarations changes no fact.
 */
export type Dependencies = Map<FactKey, string>;

/** How the reachability walk continues from a type reference, resolved once in its file. */
type WalkNode =
  | { readonly tag: 'skip' }
  | { readonly tag: 'declared'; readonly id: string; readonly key: number; readonly slot: KindSlot }
  | { readonly tag: 'array'; readonly id: string; readonly key: number; readonly element?: WalkNode; readonly text: string }
  | { readonly tag: 'tuple'; readonly id: string; readonly key: number; readonly elements: readonly WalkNode[]; readonly text: string };

type ArrayWalkNode = Extract<WalkNode, { tag: 'array' }>;

const SKIP: WalkNode = { tag: 'skip' };

/** Lists of nothing but skips, by length (shared by every derivation with such a list). */
const SKIP_LISTS: (readonly WalkNode[] | undefined)[] = [];

/** `list`, or the shared list of as many skips when it holds nothing else (thousands of kinds have only primitive members). */
function skipsOrList(list: readonly WalkNode[]): readonly WalkNode[] {
  for (let i = 0; i < list.length; i++) if (list[i] !== SKIP) return list;
  return (SKIP_LISTS[list.length] ??= Object.freeze(list.slice()));
}

/**
 * A structural kind whose elements are all primitive (`[#3]<imm>int`, `[]<mut>bool`): the walk
 * goes no further from it, and every package names the same one. Two roots that reach it are not
 * joined into one group by it (nor does a walk that runs into it in another group take that group
 * in): with most FFI roots reaching some array of ints, one group held nearly every root, and a
 * keystroke that touched it walked them all again.
 */
function isSharedLeaf(node: Exclude<WalkNode, { tag: 'skip' }>): boolean {
  if (node.tag === 'array') return node.element === undefined || node.element.tag === 'skip';
  return node.tag === 'tuple' && node.elements.every((x) => x.tag === 'skip');
}
const PRIMITIVE: Resolved = Object.freeze({ tag: 'primitive' });
const RUNE: Resolved = Object.freeze({ tag: 'rune' });
const UNKNOWN: Resolved = Object.freeze({ tag: 'unknown' });

/**
 * An item's place in its file's `seen` list, shared by what the index made for
 * the item (export sites, impl edge, walk roots): when items above it come or
 * go, one write moves them all.
 */
interface ItemPlace {
  item: number;
}

/**
 * What `indexFile` made for one seen item: its export sites and impl edge, and its walk roots
 * once asked. The record is its item's place (`item`): the sites, edge and roots hold it and read
 * the item there, so they follow the item when items above it come or go.
 */
interface Indexed extends ItemPlace {
  /** The kind's slot when the item is where its `exported` kind is exported (the first declaration of its name). */
  readonly exportedHere: SlotEntry | undefined;
  sites: readonly ExportSite[];
  edge: ImplEdge | undefined;
  /** The derivation it was made from (its roots are cached there). */
  readonly derived: Derived;
  /** The item's walk roots, as `rootsOf` last gave them. */
  rootEntries?: RootEntry[];
}

/**
 * What the index derives from one seen item, resolved in its file's scope. An
 * index build reuses it from the previous index while the item is the same
 * node, its file's imports are the same, and no name it looked up now means
 * something else.
 */
interface Derived {
  readonly path: string;
  /** The item's node (its key in the cache; `replaceModel` moves it to a re-parsed node of the same summary). */
  element: GreenNode;
  readonly scope: string;
  readonly names: ReadonlySet<string>;
  valid: boolean;
  /** The kind the item declares, if any. */
  readonly kindName?: string;
  /** A struct or interface: its members as the walk sees them (resolved in its file). */
  readonly members?: readonly WalkNode[];
  /** An `export T as N;` line. */
  readonly exportAs?: { readonly id: string; readonly slot?: KindSlot; readonly node: WalkNode };
  /** An impl: both sides resolved. */
  readonly impl?: { readonly ifaceId?: string; readonly structId?: string; readonly structSlot?: KindSlot; readonly structNode: WalkNode };
  /** An FFI function: its parameters' nodes in order, then its return's when it has one. */
  readonly roots?: readonly WalkNode[];
  /** The item's walk roots, for its sites' facts (kept with the derivation). */
  rootCache?: { sites: string; entries: RootEntry[] };
  /** The export sites and impl edge last made for the item. */
  indexed?: Indexed;
}

/**
 * A one-shot index's record of one seen item: its derivation and its place (`Indexed`) as one
 * object. Such an index derives each item once, in its one build, and never moves it, so the two
 * never part; an index that follows edits keeps a derivation across the places its item has, and
 * the names it looked up. On the bench's 100k lines: 49,000 objects fewer, 3.9 MB less kept.
 */
class OneShotRecord implements Derived, Indexed {
  item = -1;
  exportedHere: SlotEntry | undefined = undefined;
  sites: readonly ExportSite[] = NO_SITES;
  edge: ImplEdge | undefined = undefined;

  constructor(
    readonly path: string,
    public element: GreenNode,
    readonly kindName: string | undefined,
    readonly members: readonly WalkNode[] | undefined,
    readonly exportAs: Derived['exportAs'],
    readonly impl: Derived['impl'],
    readonly roots: readonly WalkNode[] | undefined,
  ) {}

  /** Never asked in a one-shot index (its derivations are neither cached nor invalidated). */
  get scope(): string {
    return '';
  }
  get names(): ReadonlySet<string> {
    return NO_NAMES;
  }
  get valid(): boolean {
    return true;
  }
  get derived(): Derived {
    return this;
  }
  get indexed(): Indexed | undefined {
    return this.item < 0 ? undefined : this;
  }
}

/**
 * A type that names a declared kind, resolved: the declaration at its current place is read
 * only when asked (it may have to be moved). A class, so that its getter is the prototype's and
 * each of the many resolutions is a small object with fast properties.
 */
class DeclaredKind {
  readonly tag = 'declared';
  constructor(
    readonly id: string,
    private readonly index: ProgramIndex,
    /** Where the kind's first declaration is: the slot the name was looked up to (the walk and the sites take it from here). */
    readonly slot: KindSlot,
  ) {}
  get decl(): KindDecl {
    return this.index.declOf(this.slot)!;
  }
}

/** A declared kind's slot, as its resolution found it (no second lookup of the name). */
function slotOfDeclared(r: Resolved & { tag: 'declared' }): KindSlot {
  return (r as unknown as DeclaredKind).slot;
}

/** Derivations kept from one index to the next (per file, by item node), and which names each one looked up. */
class DerivedCache {
  readonly byFile = new Map<string, Map<GreenNode, Derived>>();
  private readonly byName = new Map<string, Set<Derived>>();
  /**
   * Whether derivations are kept at all. A one-shot index (never updated) derives each item once,
   * in its one build, and is never asked for it again: a map of them (49,000 entries on the bench's
   * 100k lines) only cost its inserts and its table, which the collector copied.
   */
  private readonly keeps: boolean;

  constructor(perFile: boolean) {
    this.keeps = perFile;
  }

  get(path: string, element: GreenNode): Derived | undefined {
    return this.keeps ? this.byFile.get(path)?.get(element) : undefined;
  }

  /**
   * The last derivation of each long kind (`LONG_KIND` members or more; by file and name), with
   * the members it was derived from: a kind read again after an edit among its members derives
   * again only the members that are not the same objects (`unplacedMembers`). An entry goes when
   * a name it looked up changes meaning, whether or not its derivation is still in the cache.
   */
  private readonly longKinds = new Map<string, { readonly d: Derived; readonly members: readonly MemberDecl[] }>();

  /**
   * Keeps `d` as its kind's last derivation, the newest of at most `LONG_KINDS_KEPT` (a kind
   * renamed a keystroke at a time leaves an entry per name it had: the oldest go first).
   */
  rememberLong(d: Derived, members: readonly MemberDecl[]): void {
    if (!this.keeps) return;
    const key = `${d.path}\u0000${d.kindName}`;
    this.longKinds.delete(key);
    this.longKinds.set(key, { d, members });
    if (this.longKinds.size > LONG_KINDS_KEPT) this.longKinds.delete(this.longKinds.keys().next().value!);
    indexWork.longKindsKept = this.longKinds.size;
  }

  /** The last derivation of a long kind of this name in this file, in this scope. */
  lastLong(path: string, name: string, scope: string): { readonly d: Derived; readonly members: readonly MemberDecl[] } | undefined {
    const last = this.longKinds.get(`${path}\u0000${name}`);
    return last?.d.scope === scope ? last : undefined;
  }

  /** A file's derivations by item node (to look many up). */
  forFile(path: string): ReadonlyMap<GreenNode, Derived> | undefined {
    return this.keeps ? this.byFile.get(path) : undefined;
  }

  add(path: string, element: GreenNode, d: Derived): void {
    // One-shot: each item is derived once, and looks up no name to be invalidated by.
    if (!this.keeps) return;
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

  /** Forgets the derivations of these items of a file (re-parsed or removed). */
  forget(path: string, elements: Iterable<GreenNode>): void {
    const items = this.byFile.get(path);
    if (!items) return;
    for (const element of elements) {
      const d = items.get(element);
      if (!d) continue;
      this.drop(d);
      items.delete(element);
    }
    if (items.size === 0) this.byFile.delete(path);
  }

  /**
   * An item re-parsed into a node of the same summary derives the same: its
   * derivation (with what was made from it) moves to the new node.
   */
  move(path: string, from: GreenNode, to: GreenNode): void {
    const items = this.byFile.get(path);
    const d = items?.get(from);
    if (!items || !d) return;
    const there = items.get(to);
    if (there) this.drop(there);
    items.delete(from);
    d.element = to;
    items.set(to, d);
  }

  /** Keeps a file's derivations for these items only (the others were re-parsed or removed). */
  retain(path: string, elements: ReadonlySet<GreenNode> | undefined): void {
    if (!elements) {
      for (const [key, last] of this.longKinds) if (last.d.path === path) this.longKinds.delete(key);
      indexWork.longKindsKept = this.longKinds.size;
    }
    const items = this.byFile.get(path);
    if (!items) return;
    for (const [element, d] of items) {
      if (elements?.has(element)) continue;
      this.drop(d);
      items.delete(element);
    }
    if (items.size === 0) this.byFile.delete(path);
  }

  /**
   * Kind ids as one string object each, so lookups by id compare pointers, not text; and a small
   * number each (`key`, in the order first seen), which the walk indexes its arrays with.
   */
  private readonly keyById = new Map<string, number>();
  /** Each key's id: the one string object kept for it. */
  private readonly idByKey: string[] = [];

  intern(id: string): string {
    return this.idByKey[this.keyFor(id)];
  }

  /** The id's key, given one when first seen (its string is then the one kept: `idOf`). */
  keyFor(id: string): number {
    let key = this.keyById.get(id);
    if (key === undefined) {
      key = this.idByKey.length;
      this.keyById.set(id, key);
      this.idByKey.push(id);
    }
    return key;
  }

  /** The one string kept for a key's id. */
  idOf(key: number): string {
    return this.idByKey[key];
  }

  /** An id's key, or -1 for an id never interned (no walk node names it). */
  keyOf(id: string): number {
    return this.keyById.get(id) ?? -1;
  }

  /** How many ids have keys (each key is below it). */
  get keys(): number {
    return this.idByKey.length;
  }

  /**
   * Names that now mean something else: every derivation that looked one up (in a file of
   * `seeing(name)`, when given) is dropped (and shown to `dropped`); returns their files.
   */
  invalidate(names: Iterable<string>, dropped?: (d: Derived) => void, seeing?: (name: string) => ReadonlySet<string>): Set<string> {
    const files = new Set<string>();
    if (this.longKinds.size > 0) {
      const list = [...names];
      for (const [key, last] of this.longKinds) if (list.some((n) => last.d.names.has(n))) this.longKinds.delete(key);
      indexWork.longKindsKept = this.longKinds.size;
      names = list;
    }
    for (const n of names) {
      const lookedUp = this.byName.get(n);
      if (!lookedUp || lookedUp.size === 0) continue;
      const where = seeing?.(n);
      for (const d of [...lookedUp]) {
        if (where && !where.has(d.path)) continue;
        this.drop(d);
        dropped?.(d);
        files.add(d.path);
        const items = this.byFile.get(d.path);
        if (items?.get(d.element) === d) items.delete(d.element);
      }
    }
    return files;
  }
}

const NO_SITES: readonly ExportSite[] = Object.freeze([]);
const NO_EDGES: readonly ImplEdge[] = Object.freeze([]);
const NO_NODES: readonly WalkNode[] = Object.freeze([]);
const NO_NAMES: ReadonlySet<string> = new Set();
const NO_PACKAGES: readonly string[] = Object.freeze([]);
/** Up to this many changed names, an update looks each up in a re-indexed file; past it, it walks the file's kinds. */
const FEW_NAMES = 64;
const NO_LISTS: readonly (readonly string[])[] = Object.freeze([]);

/** What index updates made anew (export sites, items' walk roots, kinds' members' walk nodes) and how many long kinds' derivations are kept: tests read it to pin the scaling. */
export const indexWork = { sitesMade: 0, rootsMade: 0, membersDerived: 0, longKindsKept: 0 };

/**
 * A kind's place with its summary, and a version that stands for both in facts: it stays
 * while the first declaration of the name is the same declaration (`sameDeclaration`), from one
 * table of a package's kinds to the next, and into a new index.
 */
/** A kind's slot: where its first declaration is (`item`, whose summary other files see), and a version of it. */
type SlotEntry = KindSlot & {
  readonly item: ItemDecls;
  readonly version: number;
  /** The walk's node for the kind without arguments (made once: every reference to it shares it). */
  walkNode: WalkNode | undefined;
  /**
   * A one-shot index's derivation of the slot's item, set when its build visits the item: the
   * reach walk reads the kind's members here (such an index keeps no derivations by node).
   */
  derived: Derived | undefined;
};

let slotVersions = 0;

/** What a new index learned about the change from the previous one: which names and packages changed. */
export interface IndexChange {
  /** Everything may have changed (first build, or a package came or went). */
  readonly all: boolean;
  /** Names whose declaration changed, in any package. */
  readonly names: ReadonlySet<string>;
  /** Packages whose kinds or export sites may have changed (their package facts). */
  readonly packages: ReadonlySet<string>;
  /** Per package, the kinds whose export sites changed (their `exports`, `exported`, `first-export` facts); undefined: any. */
  readonly exportIds?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Kinds whose reach may have changed (undefined: any). */
  readonly reach?: ReadonlySet<string>;
}

/** Answers "did you mean" for broken kind names (kept across keystrokes and indexes: it follows the names' changes). */
const SUGGESTIONS = new Suggestions();

/**
 * The workspace's declarations, indexed across files. Built from file models
 * alone (cheap: no syntax is read); queries that checks make go through
 * `fact`-keyed methods so their answers can be recorded as dependencies.
 * The index holds places (file, index into `seen`), not declarations:
 * `replaceModel` swaps in a file's newer model when its summary is unchanged
 * (re-parsed items hand their derivations to their new nodes; nothing is
 * derived). An update after a summary change keeps the per-package kind
 * tables, name lookups, per-item derivations and records where the change
 * cannot reach them, so its cost follows the change.
 */
export class ProgramIndex {
  private readonly kindsByPackage = new Map<string, Map<string, SlotEntry>>();
  private readonly filesByPackage = new Map<string, string[]>();
  private readonly packageNames: string[];
  private sortedPackages?: readonly string[];
  /** The packages exporting each kind, in name order (`packagesExporting`), once asked; kept by `update`. */
  private exporting?: Map<string, string[]>;
  /** The packages with an export site of each name, in name order (`packagesExportingName`), once asked; kept by `update`. */
  private exportingName?: Map<string, string[]>;
  private readonly exportsByPackage = new Map<string, readonly ExportSite[]>();
  private readonly implsByInterface = new Map<string, ImplEdge[]>();
  private reach?: ReachState;
  /** The reach walk made ahead, part by part (`prepareReach`); an update drops it. */
  private reachPrep?: ReachPrep;
  /** Where the last `runWalk` with a budget stopped: the next entry to walk. */
  private walkStoppedAt = 0;
  /** The kinds the last walk reached. */
  private lastWalked: string[] = [];
  /** The roots updates walked again, in all (`Workspace.stats` counts them). */
  rootsWalkedAgain = 0;
  /** What the walk under way reached (one for every walk of this index: each begins by clearing it). */
  private readonly reached = new Reached();
  private rootMarks = 0;
  /** During `update`: the derivations made anew. */
  private fresh?: Set<Derived>;
  private readonly exportsById = new Map<string, Map<string, readonly ExportSite[]>>();
  /** Per package, the names its export sites give, with how many give each (`isNameTaken`; patched by the sites an update replaced and made). */
  private readonly takenNames = new Map<string, Map<string, number>>();
  private readonly exportsByFile = new Map<string, readonly ExportSite[]>();
  /** File → what was made for each of its seen items (by place). */
  private readonly indexedByFile = new Map<string, Indexed[]>();
  /** During `update`: the files re-indexed around an edit's window (the others are re-indexed whole). */
  private readonly plans = new Map<string, IndexPlan>();
  private readonly edgesByFile = new Map<string, readonly ImplEdge[]>();
  /**
   * Name lookups, memoized by name, then per package and import list (files of a package share
   * them): an update forgets a changed name's lookups at once, whatever the number of scopes.
   */
  private readonly lookups: Map<string, Map<string, SlotEntry | null>>;
  /** The packages each import prefix names, as a set in package order (a lookup asks it in one probe). */
  private readonly importCache: Map<string, ReadonlySet<string>>;
  /**
   * Kind name → the packages declaring it, in package order; made when first asked, in one pass
   * over the kind tables, and kept true by `update` (the names it changes are listed again).
   * A name is declared by one package or a few, while an import may name many (`import a.*;`
   * names every package whose path ends with `a`): lookups go from the name to its packages.
   */
  private declaring?: Map<string, readonly string[]>;
  /** Import prefixes by whether some package's path ends with the whole prefix (memoized as `importCache`). */
  private readonly prefixInside = new Map<string, boolean>();
  private readonly derived: DerivedCache;
  readonly files: ReadonlyMap<string, FileModel>;
  /** The files' paths, sorted. */
  private readonly paths: readonly string[];
  /** What the last build or update changed. */
  change: IndexChange;
  /** Whether derivations record the names they looked up (an index that will be updated). */
  private readonly track: boolean;

  /** A build begun ahead (`options.ahead`): the phase it is in and the next file or package. */
  private ahead: { phase: 'files' | 'packages'; next: number } | undefined;

  /**
   * `track: false` is for a single analysis (the CLI): derivations record no names to be
   * invalidated by, and resolve through the per-reference cache checks share. `previous`:
   * the index this one replaces, whose kind versions carry over where declarations did.
   */
  constructor(
    files: ReadonlyMap<string, FileModel>,
    options: {
      readonly track?: boolean;
      readonly previous?: ProgramIndex;
      /** Leave the files' indexing to `buildAhead` (a shell spreads it between its messages). */
      readonly ahead?: boolean;
    } = {},
  ) {
    // The previous index is read here only (kept, it would keep every index before it).
    this.track = options.track !== false;
    this.resolved = this.newResolved();
    this.files = new Map(files);
    this.paths = [...files.keys()].sort();
    for (const path of this.paths) {
      const pkg = files.get(path)!.package;
      pushTo(this.filesByPackage, pkg, path);
    }
    this.packageNames = [...this.filesByPackage.keys()];
    for (const pkg of this.packageNames)
      this.kindsByPackage.set(pkg, this.packageKinds(pkg, options.previous?.kindsByPackage.get(pkg), options.previous));
    this.importCache = new Map();
    this.lookups = new Map();
    this.derived = new DerivedCache(this.track);
    this.change = { all: true, names: new Set(), packages: new Set(this.packageNames) };
    this.ahead = { phase: 'files', next: 0 };
    if (!options.ahead) this.buildAhead(Number.POSITIVE_INFINITY);
  }

  /**
   * The rest of a build begun with `ahead`, `steps` files (then packages) at a time, in the order
   * a build at once takes them; true while some is left. The index is not asked anything before.
   */
  buildAhead(steps: number): boolean {
    const a = this.ahead;
    if (!a) return false;
    for (let left = steps; left > 0; left--) {
      if (a.phase === 'files') {
        if (a.next < this.paths.length) {
          this.indexFile(this.paths[a.next++]);
          continue;
        }
        a.phase = 'packages';
        a.next = 0;
      }
      if (a.next < this.packageNames.length) {
        this.collectPackageSites(this.packageNames[a.next++]);
        continue;
      }
      for (const path of this.paths) {
        for (const edge of this.edgesByFile.get(path) ?? []) {
          pushTo(this.implsByInterface, edge.ifaceId, edge);
        }
      }
      this.ahead = undefined;
      return false;
    }
    return true;
  }

  /**
   * `update`'s files to index again for the names whose kind tables changed: the files of those
   * packages that declare one (the first declaration of a name is where its `exported` site is),
   * and those whose derivations looked one up where it now means something else. (Apart from
   * `update`, so that the optimizing compiler takes each piece alone.)
   */
  private refileForNames(
    refile: Set<string>,
    names: ReadonlySet<string>,
    changedTables: ReadonlySet<string>,
    namesByPackage: ReadonlyMap<string, ReadonlySet<string>>,
  ): void {
    // Besides the changed files: the files of a package whose kinds changed that declare a
    // changed name (the first declaration of a name is where its `exported` site is).
    for (const pkg of changedTables)
      for (const path of this.filesByPackage.get(pkg)!) {
        const model = this.files.get(path)!;
        for (const name of namesByPackage.get(pkg)!)
          if (model.kindNamed(name)) {
            refile.add(path);
            break;
          }
      }
    // A name means something else only to the files that see a package whose table changed for it
    // (its own files and its importers): other packages' lookups of the same name stay.
    const changedFor = new Map<string, Set<string>>();
    namesByPackage.forEach((pkgNames, pkg) => {
      for (const n of pkgNames) {
        addTo(changedFor, n, pkg);
      }
    });
    const invalidated = this.derived.invalidate(
      names,
      (d) => {
        const plan = this.plans.get(d.path);
        if (plan && d.indexed) plan.revisitOld(d.indexed);
      },
      (n) => this.filesSeeing(changedFor.get(n)!),
    );
    for (const path of invalidated) if (this.files.has(path)) refile.add(path);
  }

  /** `update`'s plans revisit, around their windows, the items that are (or were) the first declaration of a changed name. */
  private revisitAroundWindows(names: ReadonlySet<string>, modelBefore: ReadonlyMap<string, FileModel>): void {
    // (Revisiting twice is harmless. Many names, as many files changed at once bring: the file's
    // own kinds are walked instead, not every name once per file.)
    for (const [path, plan] of this.plans) {
      const before = modelBefore.get(path)!;
      const after = this.files.get(path)!;
      const revisit = (name: string): void => {
        const now = after.kindNamed(name);
        if (now) plan.revisit(after.seenIndex(now));
        const was = before.kindNamed(name);
        if (was) plan.revisitOld(plan.before[before.seenIndex(was)]);
      };
      for (const name of kindNameWindow(before, after)) revisit(name);
      if (names.size <= FEW_NAMES) for (const name of names) revisit(name);
      else
        for (const model of [before, after])
          for (const item of model.kindItems) {
            const name = item.unplacedKind!.name;
            if (names.has(name)) revisit(name);
          }
    }
  }

  /** `update`'s impl edges of the interfaces whose edges may have changed, with the re-indexed files' edges. */
  private regroupEdges(edgeIds: ReadonlySet<string>, refile: ReadonlySet<string>): void {
    // The re-indexed files' edges of those interfaces, in one pass over the files (not one per interface).
    const refiledEdges = new Map<string, ImplEdge[]>();
    for (const path of refile)
      for (const e of this.edgesByFile.get(path) ?? []) {
        if (!edgeIds.has(e.ifaceId)) continue;
        pushTo(refiledEdges, e.ifaceId, e);
      }
    for (const id of edgeIds) {
      const kept = (this.implsByInterface.get(id) ?? []).filter((e) => !refile.has(e.file) && this.files.has(e.file));
      for (const e of refiledEdges.get(id) ?? []) kept.push(e);
      kept.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.item - y.item));
      if (kept.length > 0) this.implsByInterface.set(id, kept);
      else this.implsByInterface.delete(id);
    }
  }

  /**
   * Takes the new models of files whose summary changed (or that came, or went:
   * no model) and updates the index in place, touching only what the change
   * reaches: the changed packages' kind tables, the lookups and derivations of
   * the names they changed, the export sites and impl edges of the files those
   * touch. Returns false when a package came or went, or the index is a one-shot one: then
   * build a new index.
   */
  update(changed: ReadonlyMap<string, FileModel | undefined>): boolean {
    // A one-shot index keeps nothing an update needs (recorded names, the walk's groups): build a new one.
    if (!this.track) return false;
    // A reach walk made ahead read the index as it was: made again when asked.
    this.reachPrep = undefined;
    const packages = new Set<string>();
    /** The package of each file before the change (a removed file has no model to say it). */
    const packageBefore = new Map<string, string>();
    /** The models being replaced (or removed). */
    const modelBefore = new Map<string, FileModel>();
    for (const path of changed.keys()) {
      const before = this.files.get(path);
      if (before !== undefined) {
        packageBefore.set(path, before.package);
        modelBefore.set(path, before);
      }
    }
    for (const [path, model] of changed) {
      const before = packageBefore.get(path);
      // A file that moves to another package (the modules changed): build a new index.
      if (model && before !== undefined && before !== model.package) return false;
      const pkg = model?.package ?? before;
      if (pkg === undefined) continue;
      const list = this.filesByPackage.get(pkg);
      if (!list) return false;
      if (!model && list.length === 1 && list[0] === path) return false;
      packages.add(pkg);
    }
    for (const [path, model] of changed) {
      // A file whose imports changed (or that came or went) may import other packages now.
      if (model?.scope !== modelBefore.get(path)?.scope) this.noteImports(path, model);
      const files = this.files as Map<string, FileModel>;
      const known = files.has(path);
      if (model) files.set(path, model);
      else files.delete(path);
      if (known === (model !== undefined)) continue;
      const list = this.filesByPackage.get(model?.package ?? packageBefore.get(path)!)!;
      if (model) {
        insertSorted(list, path);
        insertSorted(this.paths as string[], path);
      } else {
        list.splice(list.indexOf(path), 1);
        (this.paths as string[]).splice(this.paths.indexOf(path), 1);
      }
    }
    this.fresh = new Set();
    // Kind tables, and the names whose meaning changed. Only names a changed file declared before
    // or declares now (in its edit's window) can have another first declaration: each gets its
    // entry made again (as `packageKinds` makes them) in its package's table, in place; the other
    // entries stay. The table's order is then not file order, which nothing reads: names are looked
    // up, and lists of them (suggestions, completion) give the same answers in any order.
    const names = new Set<string>();
    /** Per package: its changed names' new first declarations (undefined: no longer declared). */
    const patches = new Map<string, Map<string, SlotEntry | undefined>>();
    for (const [path, model] of changed) {
      const pkg = model?.package ?? packageBefore.get(path)!;
      let patch = patches.get(pkg);
      if (!patch) patches.set(pkg, (patch = new Map()));
      for (const name of kindNameWindow(modelBefore.get(path), model)) {
        if (patch.has(name)) continue;
        let slot: SlotEntry | undefined;
        for (const file of this.filesByPackage.get(pkg)!) {
          const item = this.files.get(file)!.kindNamed(name);
          if (item) {
            slot = { file, name, item, version: 0, walkNode: undefined, derived: undefined };
            break;
          }
        }
        patch.set(name, slot);
      }
    }
    /** Packages whose kind table changed (patched). */
    const changedTables = new Set<string>();
    /** Kind name → the packages that declare it anew or no longer. */
    const declaringChanged = new Map<string, Set<string>>();
    /** Package → the names whose entry in its kind table changed. */
    const namesByPackage = new Map<string, Set<string>>();
    patches.forEach((patch, pkg) => {
      const kinds = this.kindsByPackage.get(pkg)!;
      const namesIn = new Set<string>();
      namesByPackage.set(pkg, namesIn);
      let renamed = false;
      patch.forEach((slot, name) => {
        const old = kinds.get(name);
        if (!old && !slot) return;
        if (old && slot && sameDeclaration(old, slot.file, slot.item, modelBefore.get(slot.file), this.files.get(slot.file)!)) return;
        changedTables.add(pkg);
        names.add(name);
        namesIn.add(name);
        if (!slot) {
          kinds.delete(name);
          renamed = true;
          addTo(declaringChanged, name, pkg);
          return;
        }
        if (!old) {
          renamed = true;
          addTo(declaringChanged, name, pkg);
        }
        kinds.set(name, { ...slot, version: ++slotVersions });
      });
      if (renamed) {
        // Its names changed: its list of them, and every imports' lists, are made again when next
        // asked; the names that went and came since the last list are kept for "did you mean".
        this.noteRenamed(kinds, patch);
        this.kindNames.delete(kinds);
        this.importedByKey.clear();
      }
    });
    for (const n of names) this.lookups.delete(n);
    // A name is declared or not anew only in a package whose table gained or lost it.
    if (this.declaring) for (const [n, pkgs] of declaringChanged) this.noteDeclaring(this.declaring, n, pkgs);
    this.resolved = this.newResolved();
    this.resolvedNames = new Map();
    // Files to index again: the changed ones, their packages' (first declaration wins), and those that looked up a changed name.
    const refile = new Set<string>();
    for (const [path, model] of changed) {
      const plan = model && this.planOf(path, modelBefore.get(path), model);
      if (plan) {
        // Only the items of the edit's window are new: the other derivations stay.
        this.plans.set(path, plan);
        const { before, head, tail } = plan;
        const kept = new Set<GreenNode>();
        for (let i = head; i < model.seen.length - tail; i++) kept.add(model.seen[i].element);
        const gone: GreenNode[] = [];
        for (let j = head; j < before.length - tail; j++) if (!kept.has(before[j].derived.element)) gone.push(before[j].derived.element);
        this.derived.forget(path, gone);
      } else if (model) this.derived.retain(path, new Set(model.seen.map((i) => i.element)));
      else this.derived.retain(path, undefined);
    }
    for (const path of changed.keys()) if (this.files.has(path)) refile.add(path);
    this.refileForNames(refile, names, changedTables, namesByPackage);
    this.revisitAroundWindows(names, modelBefore);
    const edgeIds = new Set<string>();
    const sitePackages = new Set(packages);
    const removedSites = new Map<string, readonly ExportSite[]>();
    for (const path of changed.keys()) {
      if (this.files.has(path)) continue;
      for (const e of this.edgesByFile.get(path) ?? []) edgeIds.add(e.ifaceId);
      removedSites.set(path, this.exportsByFile.get(path) ?? []);
      this.edgesByFile.delete(path);
      this.exportsByFile.delete(path);
      this.indexedByFile.delete(path);
    }
    // Kinds whose export sites changed (added, removed, renamed, reordered), by package: only their export facts can change.
    const exportIds = new Map<string, Set<string>>();
    const noteSites = (pkg: string, before: readonly ExportSite[], after: readonly ExportSite[]): void => {
      const byId = (sites: readonly ExportSite[]): Map<string, string> => {
        const m = new Map<string, string>();
        for (const x of sites) m.set(x.id, `${(m.get(x.id) ?? '') + x.fact}\u0002`);
        return m;
      };
      const a = byId(before);
      const b = byId(after);
      let ids = exportIds.get(pkg);
      for (const [id, facts] of a) if (b.get(id) !== facts) (ids ??= new Set()).add(id);
      for (const id of b.keys()) if (!a.has(id)) (ids ??= new Set()).add(id);
      if (ids) exportIds.set(pkg, ids);
    };
    /** Packages that lost a file: their per-kind and per-name tables are made again. */
    const removedPackages = new Set<string>();
    for (const path of changed.keys()) {
      const before = packageBefore.get(path);
      if (!this.files.has(path) && before !== undefined) {
        noteSites(before, removedSites.get(path) ?? [], []);
        removedPackages.add(before);
      }
    }
    // Interfaces whose impls changed (an impl came, went or names another struct): only their
    // groups are walked again. An item kept in place keeps its site and edge objects, so the
    // sites and edges that differ are found by identity (a window around the edit), and only
    // their kinds' and interfaces' lists are touched.
    const implsChanged = new Set(edgeIds); // so far, the interfaces of removed files' impls
    const touchedIds = new Map<string, Set<string>>(); // package → kinds whose site objects changed
    const touchedNames = new Map<string, Set<string>>(); // package → names of the site objects that changed
    const sitesGone = new Map<string, Set<ExportSite>>(); // package → site objects an edit replaced or removed
    const sitesCame = new Map<string, ExportSite[]>(); // package → site objects an edit made
    for (const path of refile) {
      const sitesBefore = this.exportsByFile.get(path) ?? [];
      const edgesBefore = this.edgesByFile.get(path) ?? [];
      // The heads and tails of the lists it kept, when it spliced them around the edit's window: only the window is compared.
      const kept = this.indexFile(path, this.plans.get(path));
      const pkg = this.files.get(path)!.package;
      sitePackages.add(pkg);
      const sites = changedWindow(sitesBefore, this.exportsByFile.get(path) ?? [], undefined, kept?.sites);
      if (sites.removed.length + sites.added.length > 0) {
        let ids = touchedIds.get(pkg);
        if (!ids) touchedIds.set(pkg, (ids = new Set()));
        for (const x of [...sites.removed, ...sites.added]) ids.add(x.id);
        let names = touchedNames.get(pkg);
        if (!names) touchedNames.set(pkg, (names = new Set()));
        for (const x of [...sites.removed, ...sites.added]) names.add(x.name);
        let gone = sitesGone.get(pkg);
        if (!gone) sitesGone.set(pkg, (gone = new Set()));
        for (const x of sites.removed) gone.add(x);
        let came = sitesCame.get(pkg);
        if (!came) sitesCame.set(pkg, (came = []));
        for (const x of sites.added) came.push(x);
        const taken = this.takenNames.get(pkg);
        if (taken) {
          for (const x of sites.removed) {
            const k = (taken.get(x.name) ?? 0) - 1;
            if (k > 0) taken.set(x.name, k);
            else taken.delete(x.name);
            // A site counted elsewhere (not in this package's count): counted again when next asked.
            if (k < 0) this.takenNames.delete(pkg);
          }
          for (const x of sites.added) taken.set(x.name, (taken.get(x.name) ?? 0) + 1);
        }
        noteSites(pkg, sites.removed, sites.added);
      }
      const edges = changedWindow(edgesBefore, this.edgesByFile.get(path) ?? [], undefined, kept?.edges);
      if (edges.removed.length + edges.added.length > 0) {
        const structsOf = (xs: readonly ImplEdge[], id: string): string =>
          xs
            .filter((e) => e.ifaceId === id)
            .map((e) => e.structId)
            .sort()
            .join('\u0002');
        for (const e of [...edges.removed, ...edges.added]) {
          if (edgeIds.has(e.ifaceId)) continue;
          edgeIds.add(e.ifaceId);
          if (structsOf(edges.removed, e.ifaceId) !== structsOf(edges.added, e.ifaceId)) implsChanged.add(e.ifaceId);
        }
      }
    }
    for (const pkg of sitePackages) {
      this.collectPackageSites(pkg);
      // The kinds whose site objects changed get their lists again (a few: patched in place).
      const ids = touchedIds.get(pkg);
      const byId = this.exportsById.get(pkg);
      if (byId && ids && ids.size <= 8 && !removedPackages.has(pkg)) {
        // Each list patched: the sites the edit replaced out, the ones it made in, put in package
        // order (file, then item). Not a pass over the package's sites: a big package has thousands.
        const gone = sitesGone.get(pkg) ?? new Set<ExportSite>();
        const came = sitesCame.get(pkg) ?? [];
        const files = this.filesByPackage.get(pkg) ?? [];
        const rank = new Map<string, number>();
        for (let i = 0; i < files.length; i++) rank.set(files[i], i);
        const order = (x: ExportSite, y: ExportSite): number => rank.get(x.file)! - rank.get(y.file)! || x.item - y.item;
        for (const id of ids) {
          const list = (byId.get(id) ?? NO_SITES).filter((x) => !gone.has(x));
          for (const x of came) if (x.id === id) list.push(x);
          list.sort(order);
          if (list.length > 0) byId.set(id, list);
          else byId.delete(id);
        }
      } else if (ids || removedPackages.has(pkg)) this.exportsById.delete(pkg);
      if (removedPackages.has(pkg)) this.takenNames.delete(pkg);
    }
    if (this.exporting) {
      if (removedPackages.size > 0) this.exporting = undefined;
      else for (const [pkg, ids] of touchedIds) for (const id of ids) this.noteExporting(this.exporting, pkg, id);
    }
    if (this.exportingName) {
      if (removedPackages.size > 0) this.exportingName = undefined;
      else
        for (const [pkg, names] of touchedNames)
          for (const name of names) {
            const sites = this.exportsByPackage.get(pkg) ?? NO_SITES;
            let yes = false;
            for (let i = 0; i < sites.length && !yes; i++) yes = sites[i].name === name;
            notePackage(this.exportingName, name, pkg, yes);
          }
    }
    this.regroupEdges(edgeIds, refile);
    const reachChanged = this.updateReach(new Set([...refile, ...changed.keys()]), implsChanged, names, this.fresh);
    this.fresh = undefined;
    this.plans.clear();
    // Package facts (all sites, taken names) and suggestions change only where sites or kinds did.
    const packagesChanged = new Set([...touchedIds.keys(), ...changedTables, ...removedPackages]);
    this.change = { all: false, names, packages: packagesChanged, exportIds, reach: reachChanged };
    return true;
  }

  /**
   * A file's export sites and impl edges, from its items' derivations. With a
   * plan, only the edit's window and the items asked for are visited; the items
   * in front keep their records, those behind keep theirs at places moved by one
   * write each; the heads and tails of the site and edge lists kept then are
   * returned (undefined when the lists were made whole).
   */
  private indexFile(path: string, plan?: IndexPlan): { readonly sites: KeptEnds; readonly edges: KeptEnds } | undefined {
    const model = this.files.get(path)!;
    const seen = model.seen;
    const n = seen.length;
    const all = new Array<Indexed>(n);
    const scope = model.scope;
    const kinds = this.kindsByPackage.get(model.package);
    const known = this.derived.forFile(path);
    const visit = (i: number): void => {
      const item = seen[i];
      const d = this.derivation(known, path, model, item, scope);
      const k = item.unplacedKind;
      // A one-shot index records every kind's derivation on its slot (for the walk); else only exported kinds need the slot.
      const slot = k && (k.exported || !this.track) ? kinds?.get(k.name) : undefined;
      if (!this.track && slot?.item === item) slot.derived = d;
      const exportedHere = k?.exported && slot?.file === path && this.slotItem(slot)?.element === item.element ? slot : undefined;
      if (d instanceof OneShotRecord) {
        // Its own place: made once (a one-shot index visits each item once).
        all[i] = d;
        if (d.item >= 0) return;
        d.item = i;
        d.exportedHere = exportedHere;
        d.sites = this.sitesOf(path, item, k, d, exportedHere);
        d.edge = this.edgeOf(path, d);
        indexWork.sitesMade += d.sites.length;
        return;
      }
      let indexed = d.indexed;
      // The same derivation, exported through an equal slot: the same sites and edge, at the item's place now.
      if (indexed === undefined || !sameSlot(indexed.exportedHere, exportedHere)) {
        // Every key at once (the sites, edge and roots are set below and later): one hidden class.
        const place: Indexed = { item: i, exportedHere, sites: NO_SITES, edge: undefined, derived: d, rootEntries: undefined };
        const sites = this.sitesOf(path, item, k, place, exportedHere);
        const edge = this.edgeOf(path, place);
        place.sites = sites;
        place.edge = edge;
        d.indexed = indexed = place;
        indexWork.sitesMade += sites.length;
      } else indexed.item = i;
      all[i] = indexed;
    };
    if (plan && !plan.whole) {
      const { before, head, tail } = plan;
      const m = before.length;
      const delta = n - m;
      // The file's sites and edges of the items in front and behind, found in the lists before the
      // edit by the items' places then (before those behind are moved).
      const sitesBefore = this.exportsByFile.get(path) ?? NO_SITES;
      const edgesBefore = this.edgesByFile.get(path) ?? NO_EDGES;
      const sitesHead = firstAtOrAfter(sitesBefore, head);
      const sitesTail = firstAtOrAfter(sitesBefore, m - tail);
      const edgesHead = firstAtOrAfter(edgesBefore, head);
      const edgesTail = firstAtOrAfter(edgesBefore, m - tail);
      for (let i = 0; i < head; i++) all[i] = before[i];
      for (let i = n - tail; i < n; i++) {
        const x = before[i - delta];
        if (delta !== 0) x.item = i;
        all[i] = x;
      }
      for (let i = head; i < n - tail; i++) visit(i);
      // An item visited again outside the window keeps its record unless what it exports moved.
      let again = false;
      for (const i of plan.again) {
        const was = all[i];
        visit(i);
        if (all[i] !== was) again = true;
      }
      if (!again) {
        // The lists spliced around the window: the sites and edges in front and behind are the same objects.
        const sites: ExportSite[] = [];
        const edges: ImplEdge[] = [];
        for (let i = head; i < n - tail; i++) {
          const x = all[i];
          for (let k = 0; k < x.sites.length; k++) sites.push(x.sites[k]);
          if (x.edge) edges.push(x.edge);
        }
        this.indexedByFile.set(path, all);
        this.exportsByFile.set(path, spliceList(sitesBefore, sitesHead, sites, sitesTail));
        this.edgesByFile.set(path, spliceList(edgesBefore, edgesHead, edges, edgesTail));
        return {
          sites: { head: sitesHead, tail: sitesBefore.length - sitesTail },
          edges: { head: edgesHead, tail: edgesBefore.length - edgesTail },
        };
      }
    } else for (let i = 0; i < n; i++) visit(i);
    const inFile: ExportSite[] = [];
    const edges: ImplEdge[] = [];
    for (let i = 0; i < n; i++) {
      const x = all[i];
      for (let k = 0; k < x.sites.length; k++) inFile.push(x.sites[k]);
      if (x.edge) edges.push(x.edge);
    }
    this.indexedByFile.set(path, all);
    // Most files have no impl and many no export: the one empty list each (lists are replaced, never changed).
    this.exportsByFile.set(path, inFile.length > 0 ? inFile : NO_SITES);
    this.edgesByFile.set(path, edges.length > 0 ? edges : NO_EDGES);
    return undefined;
  }

  /** The records of a file's items before an update, and the edit's window between its old and new items (by node). */
  private planOf(path: string, before: FileModel | undefined, after: FileModel): IndexPlan | undefined {
    const records = this.indexedByFile.get(path);
    if (!before || !records || records.length !== before.seen.length || before.scope !== after.scope) return undefined;
    const a = before.seen;
    const b = after.seen;
    // A model made from `before` says where they differ: its window (the items outside are before's).
    const w = after.window;
    if (w?.base === before) return new IndexPlan(records, w.from, a.length - w.baseTo, b.length);
    let head = 0;
    while (head < a.length && head < b.length && a[head].element === b[head].element) head++;
    let tail = 0;
    while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail].element === b[b.length - 1 - tail].element) tail++;
    return new IndexPlan(records, head, tail, b.length);
  }

  /** A package's export sites in file order. */
  private collectPackageSites(pkg: string): void {
    const files = this.filesByPackage.get(pkg) ?? [];
    // A package of one file: its sites are the file's list (lists are replaced, never changed).
    if (files.length === 1) {
      const inFile = this.exportsByFile.get(files[0]) ?? NO_SITES;
      if (inFile.length > 0 || this.exportsByPackage.has(pkg)) this.exportsByPackage.set(pkg, inFile);
      return;
    }
    const sites: ExportSite[] = [];
    for (const path of files) {
      const inFile = this.exportsByFile.get(path) ?? NO_SITES;
      for (let i = 0; i < inFile.length; i++) sites.push(inFile[i]);
    }
    if (sites.length > 0 || this.exportsByPackage.has(pkg)) this.exportsByPackage.set(pkg, sites);
  }

  /** A package's kinds by name: the first declaration in file order wins (versions carried from `before`). */
  private packageKinds(pkg: string, before?: ReadonlyMap<string, SlotEntry>, previous?: ProgramIndex): Map<string, SlotEntry> {
    const kinds = new Map<string, SlotEntry>();
    for (const path of this.filesByPackage.get(pkg) ?? []) {
      for (const item of this.files.get(path)!.kindItems) {
        const name = item.unplacedKind!.name;
        if (kinds.has(name)) continue;
        const old = before?.get(name);
        const model = this.files.get(path)!;
        const version = old && sameDeclaration(old, path, item, previous?.files.get(path), model) ? old.version : ++slotVersions;
        kinds.set(name, { file: path, name, item, version, walkNode: undefined, derived: undefined });
      }
    }
    return kinds;
  }

  /** An item's export sites, at `place`: its kind's `exported`, its `export … as` line (a list of its exact length: tens of thousands are kept). */
  private sitesOf(
    path: string,
    item: ItemDecls,
    k: KindDecl | undefined,
    place: Indexed,
    exportedHere: SlotEntry | undefined,
  ): readonly ExportSite[] {
    const d = place.derived;
    const own = exportedHere && new ExportSite(this, declId(k!, []), path, k!.name, place, exportedHere, item.element);
    const line = d.exportAs && new ExportSite(this, d.exportAs.id, path, item.unplacedExport!.name, place, d.exportAs.slot, item.element);
    return own && line ? [own, line] : own ? [own] : line ? [line] : NO_SITES;
  }

  /** An impl item's edge, at `place`, when both its sides name kinds. */
  private edgeOf(path: string, place: Indexed): ImplEdge | undefined {
    const impl = place.derived.impl;
    return impl?.ifaceId !== undefined && impl.structId !== undefined
      ? new ImplEdge(this, path, place, impl.structId, impl.structSlot, impl.ifaceId)
      : undefined;
  }

  /** `derive` with the file's derivations at hand (loops over a file's items look them up there). */
  private derivation(
    known: ReadonlyMap<GreenNode, Derived> | undefined,
    path: string,
    model: FileModel,
    item: ItemDecls,
    scope: string,
  ): Derived {
    const cached = known?.get(item.element);
    return cached?.valid && cached.scope === scope ? cached : this.derive(path, model, item, scope);
  }

  /** An item's derivation, reused when still valid. */
  private derive(path: string, _model: FileModel, item: ItemDecls, scope: string): Derived {
    const cached = this.derived.get(path, item.element);
    if (cached?.valid && cached.scope === scope) return cached;
    const lookedUp: Dependencies | undefined = this.track ? new Map() : undefined;
    const node = (t: TypeRef): WalkNode => this.walkNode(path, t, lookedUp);
    let members: Derived['members'];
    let exportAs: Derived['exportAs'];
    let impl: Derived['impl'];
    let roots: Derived['roots'];
    const k = item.unplacedKind;
    const decls = k ? unplacedMembers(k) : undefined;
    const long = this.track && decls !== undefined && decls.length >= LONG_KIND;
    const last = long ? this.derived.lastLong(path, k!.name, scope) : undefined;
    if (last) members = derivedAgain(decls!, last.members, last.d.members!, (m) => node(m.type));
    else if (decls) {
      members = decls.map((m) => node(m.type));
      indexWork.membersDerived += decls.length;
    }
    const e = item.unplacedExport;
    if (e) {
      const r = this.resolve(path, e.type, lookedUp);
      exportAs = {
        id: 'id' in r ? r.id : `?${e.type.text}`,
        slot: r.tag === 'declared' ? slotOfDeclared(r) : undefined,
        node: node(e.type),
      };
    }
    const im = item.unplacedImpl;
    if (im) {
      const iface = this.resolve(path, im.interfaceType, lookedUp);
      const struct = this.resolve(path, im.structType, lookedUp);
      impl = {
        ifaceId: 'id' in iface ? iface.id : undefined,
        structId: 'id' in struct ? struct.id : undefined,
        structSlot: struct.tag === 'declared' ? slotOfDeclared(struct) : undefined,
        structNode: node(im.structType),
      };
    }
    const f = item.unplacedFunction;
    if (f && (f.exported || f.extern)) {
      // Of its exact length (kept for every FFI function): no push past the parameters.
      const n = f.params.length;
      const list = new Array<WalkNode>(n + (f.returnType ? 1 : 0));
      for (let i = 0; i < n; i++) list[i] = node(f.params[i].type);
      if (f.returnType) list[n] = node(f.returnType);
      roots = list;
    }
    // Lists whose every node is a skip (a kind of primitive members, a signature of primitives) are shared.
    if (members !== undefined) members = skipsOrList(members);
    if (roots !== undefined) roots = skipsOrList(roots);
    const names = lookedUp ? new Set<string>() : NO_NAMES;
    if (lookedUp)
      for (const key of lookedUp.keys()) {
        const f = factParts(key);
        if (f.tag === 'kind') (names as Set<string>).add(f.name);
      }
    // The members taken from the last derivation looked up what it did (more, at worst: more is dropped than need be).
    if (last) for (const n of last.d.names) (names as Set<string>).add(n);
    if (!this.track) return new OneShotRecord(path, item.element, k?.name, members, exportAs, impl, roots);
    const d: Derived = {
      path,
      element: item.element,
      scope,
      names,
      valid: true,
      kindName: k?.name,
      members,
      exportAs,
      impl,
      roots,
      rootCache: undefined,
      indexed: undefined,
    };
    this.derived.add(path, item.element, d);
    if (long) this.derived.rememberLong(d, decls!);
    this.fresh?.add(d);
    return d;
  }

  /** A type reference as the walk sees it: where it goes next, if anywhere. */
  private walkNode(file: string, t: TypeRef, lookedUp: Dependencies | undefined): WalkNode {
    const r = this.resolve(file, t, lookedUp);
    switch (r.tag) {
      case 'declared': {
        const slot = slotOfDeclared(r) as SlotEntry;
        if (t.tag === 'named' && t.args.length === 0 && slot.walkNode) return slot.walkNode;
        // Every key written out, in one order (a spread gives objects hidden classes of their own).
        const key = this.derived.keyFor(r.id);
        const id = this.derived.idOf(key);
        const node: WalkNode = { tag: 'declared', id, key, slot };
        if (t.tag === 'named' && t.args.length === 0) slot.walkNode = node;
        return node;
      }
      case 'array': {
        const key = this.derived.keyFor(r.id);
        const id = this.derived.idOf(key);
        const text = kindText(t);
        // A one-shot index (never updated) makes one node per array kind and text: its element's node is the same for each.
        const shared = this.track ? undefined : this.arrayNodes[key];
        if (shared !== undefined && shared.text === text) return shared;
        const node: WalkNode = {
          tag: 'array',
          id,
          key,
          element: r.mutability === 'imm' && t.tag === 'array' ? this.walkNode(file, t.element, lookedUp) : undefined,
          text: flat(text),
        };
        if (!this.track && shared === undefined) this.arrayNodes[key] = node as ArrayWalkNode;
        return node;
      }
      case 'tuple': {
        const key = this.derived.keyFor(r.id);
        const id = this.derived.idOf(key);
        return {
          tag: 'tuple',
          id,
          key,
          elements: t.tag === 'tuple' ? t.elements.map((x) => this.walkNode(file, x, lookedUp)) : [],
          text: kindText(t),
        };
      }
      default:
        return SKIP;
    }
  }

  /**
   * Takes a newer model of a file whose summary is unchanged (an edit that only
   * moved its declarations or changed bodies): every place the index holds still
   * names the same declaration.
   */
  replaceModel(path: string, model: FileModel): void {
    const old = this.files.get(path);
    if (!old?.sameSummary(model)) throw new Error(`replaceModel(${path}): the summary changed; build a new index`);
    (this.files as Map<string, FileModel>).set(path, model);
    // Re-parsed items of the same summaries derive the same: their derivations move to the new nodes
    // (a model made from the indexed one shares every item outside its window).
    const w = model.window;
    const [lo, hi] = w?.base === old ? [w.from, w.to] : [0, model.seen.length];
    for (let i = lo; i < hi; i++) {
      const from = old.seen[i].element;
      const to = model.seen[i].element;
      if (from !== to) this.derived.move(path, from, to);
    }
  }

  model(file: string): FileModel | undefined {
    return this.files.get(file);
  }

  /**
   * The item a slot names: the first of its file declaring the name. A one-shot index's models are
   * never replaced, so the slot's own item is it (no file and name looked up); a tracking index's
   * slot keeps its version across a replaced model, whose items are new objects.
   */
  private slotItem(slot: SlotEntry): ItemDecls | undefined {
    return this.track ? this.files.get(slot.file)?.kindNamed(slot.name) : slot.item;
  }

  declOf(slot: KindSlot): KindDecl | undefined {
    // A one-shot index's slots hold their item (`slotItem`): its files make no map of their kinds' names.
    if (!this.track) {
      const item = (slot as Partial<SlotEntry>).item;
      if (item) return item.kind;
    }
    return this.files.get(slot.file)?.kindNamed(slot.name)?.kind;
  }

  /** How many names' lookups are remembered (`lookupSlot`): those some package declares, at most. */
  get namesRemembered(): number {
    return this.lookups.size;
  }

  private lookupSlot(file: string, name: string): SlotEntry | undefined {
    const model = this.files.get(file);
    if (!model) return undefined;
    const scope = model.scope;
    let scopes = this.lookups.get(name);
    if (!scopes) {
      // A name no package declares is not remembered: it finds nothing, at the cost of two map
      // lookups, and a server would otherwise keep a map for every name ever typed into a type
      // (an update forgets only the names whose declarations changed).
      if (this.packagesDeclaring(name).length === 0) return undefined;
      this.lookups.set(name, (scopes = new Map()));
    }
    let found = scopes.get(scope);
    if (found === undefined) scopes.set(scope, (found = this.lookupUncached(model, name) ?? null));
    return found ?? undefined;
  }

  /** `lookupSlot` without its memo. */
  private lookupIn(file: string, name: string): SlotEntry | undefined {
    const model = this.files.get(file);
    return model && this.lookupUncached(model, name);
  }

  private lookupUncached(model: FileModel, name: string): SlotEntry | undefined {
    const own = this.kindsByPackage.get(model.package)?.get(name);
    if (own) return own;
    // The first package (in package order) of the first import naming one that declares the name.
    const declaring = this.packagesDeclaring(name);
    if (declaring.length === 0) return undefined;
    for (const segments of model.imports) {
      const last = segments[segments.length - 1];
      if (last !== '*' && last !== name) continue;
      const named = this.packagesMatching(segments.slice(0, -1));
      for (let i = 0; i < declaring.length; i++) if (named.has(declaring[i])) return this.kindsByPackage.get(declaring[i])!.get(name);
    }
    return undefined;
  }

  /** The packages declaring a kind of this name, in package order. */
  private packagesDeclaring(name: string): readonly string[] {
    if (!this.declaring) {
      const all = new Map<string, readonly string[]>();
      for (const pkg of this.packageNames) {
        // A name one package declares (most) gets that package's one list, not an array of its own
        // (lists are replaced, never changed; one of one is copied to grow).
        const alone: readonly string[] = [pkg];
        for (const n of this.kindsByPackage.get(pkg)!.keys()) pushShared(all, n, pkg, alone);
      }
      this.declaring = all;
    }
    return this.declaring.get(name) ?? NO_PACKAGES;
  }

  /**
   * Keeps the packages declaring a name true after an update gained or lost it in `pkgs`: the
   * list is made once per name, however many packages changed (a branch switch changes many).
   */
  private noteDeclaring(declaring: Map<string, readonly string[]>, name: string, pkgs: ReadonlySet<string>): void {
    const list = declaring.get(name) ?? NO_PACKAGES;
    const added: string[] = [];
    const listed = new Set(list);
    for (const pkg of pkgs) if (this.kindsByPackage.get(pkg)?.has(name) === true && !listed.has(pkg)) added.push(pkg);
    const kept = list.filter((pkg) => !pkgs.has(pkg) || this.kindsByPackage.get(pkg)?.has(name) === true);
    if (added.length === 0 && kept.length === list.length) return;
    if (added.length === 0 && kept.length === 0) {
      declaring.delete(name);
      return;
    }
    if (added.length === 0) {
      declaring.set(name, kept);
      return;
    }
    // In package order.
    const order = this.packageOrder();
    declaring.set(
      name,
      [...kept, ...added].sort((a, b) => order.get(a)! - order.get(b)!),
    );
  }

  /** Each package's place in package order (the packages are fixed for an index's life). */
  private packageRanks?: Map<string, number>;

  private packageOrder(): Map<string, number> {
    this.packageRanks ??= new Map(this.packageNames.map((pkg, i) => [pkg, i]));
    return this.packageRanks;
  }

  /**
   * Whether a name the workspace does not declare may still exist: a builtin kind, or a name
   * that an import of a package outside the workspace (`import stdlib.collections.*;`) may provide.
   */
  private importable(file: string, name: string): boolean {
    if (BUILTIN_KINDS.has(name) || /^Tup\d+$/.test(name)) return true;
    const model = this.files.get(file);
    if (!model) return true;
    for (const segments of model.imports) {
      const last = segments[segments.length - 1];
      if (last !== '*' && last !== name) continue;
      // Outside the workspace: no package is named by the whole prefix (`import stdlib.collections.*;`
      // reaches outside even when some package of the workspace is called `collections`).
      if (!this.insideWorkspace(segments.slice(0, -1))) return true;
    }
    return false;
  }

  /**
   * The kind a file can see whose name is closest to `name`, one it does not know ("did you mean"),
   * or undefined. `deps` records this answer, not the names it was chosen from: a check that
   * suggests stays valid while other names come and go, until its suggestion changes.
   */
  kindSuggestion(file: string, name: string, deps?: Dependencies): string | undefined {
    const model = this.files.get(file);
    if (!model) return undefined;
    const own = this.packageKindNames(model.package);
    const imported = this.importedKindNames(model);
    const found = imported.length === 0 ? SUGGESTIONS.closest(name, own) : SUGGESTIONS.closestOver(name, own, imported);
    deps?.set(FACT.suggestion(file, name), found ?? '');
    return found;
  }

  /** The files that see the kinds of one of `packages`: the packages' own files and the files importing one. */
  filesSeeing(packages: ReadonlySet<string>): Set<string> {
    const out = new Set<string>();
    const importers = this.importers();
    for (const pkg of packages) {
      for (const path of this.filesByPackage.get(pkg) ?? []) out.add(path);
      for (const path of importers.get(pkg) ?? []) out.add(path);
    }
    return out;
  }

  /** The files importing each package, made when first asked, then kept by `update` file by file. */
  private importersByPackage?: Map<string, Set<string>>;
  /** The packages each file imports (the other side of `importersByPackage`). */
  private importedBy?: Map<string, readonly string[]>;

  private importers(): Map<string, Set<string>> {
    if (this.importersByPackage) return this.importersByPackage;
    this.importersByPackage = new Map();
    this.importedBy = new Map();
    for (const [path, model] of this.files) this.addImports(path, model);
    return this.importersByPackage;
  }

  /** A file's packages imported, added to the importers (both maps made). */
  private addImports(path: string, model: FileModel): void {
    if (model.imports.length === 0) return;
    const byPackage = this.importersByPackage!;
    const packages = new Set<string>();
    for (const segments of model.imports) for (const pkg of this.packagesMatching(segments.slice(0, -1))) packages.add(pkg);
    for (const pkg of packages) {
      addTo(byPackage, pkg, path);
    }
    this.importedBy!.set(path, [...packages]);
  }

  /**
   * A file's imports changed (or it came or went): its entries in the importers, when made, follow
   * (typing an import line rebuilt them from every file's imports at each keystroke: 66 ms on the
   * bench's 100k lines). The packages are those of the index's life (a package that comes or goes
   * makes a new index), so a file's other entries stay right.
   */
  private noteImports(path: string, model: FileModel | undefined): void {
    const byPackage = this.importersByPackage;
    if (!byPackage) return;
    for (const pkg of this.importedBy!.get(path) ?? []) {
      const files = byPackage.get(pkg)!;
      files.delete(path);
      if (files.size === 0) byPackage.delete(pkg);
    }
    this.importedBy!.delete(path);
    if (model) this.addImports(path, model);
  }

  /** The kind names a file can see, as lists (its package's, then each imported package's that holds any; names may repeat): for completion. */
  visibleKindNames(file: string): (readonly string[])[] {
    const model = this.files.get(file);
    return model ? [this.packageKindNames(model.package), ...this.importedKindNames(model)] : [];
  }

  /**
   * The kind names a file's imports bring, a list per imported package that holds any. The same
   * for every file with the same imports, so made once per imports: a workspace's copies of an
   * imported package are hundreds of lists, asked for by every unknown kind.
   */
  private importedKindNames(model: FileModel): readonly (readonly string[])[] {
    if (model.imports.length === 0) return NO_LISTS;
    // The scope is the package, then the imports: what follows the package names the imports.
    const key = model.scope.slice(model.package.length);
    let lists = this.importedByKey.get(key);
    if (lists) return lists;
    const made: (readonly string[])[] = [];
    for (const segments of model.imports) {
      const last = segments[segments.length - 1];
      for (const pkg of this.packagesMatching(segments.slice(0, -1))) {
        const names = this.packageKindNames(pkg);
        if (last === '*') {
          if (names.length > 0) made.push(names);
        } else if (names.includes(last)) made.push([last]);
      }
    }
    this.importedByKey.set(key, (lists = made));
    return lists;
  }

  /** `importedKindNames` by imports; emptied when a package's kind names change (`update`). */
  private readonly importedByKey = new Map<string, readonly (readonly string[])[]>();

  /** Each package's path as segments, split once (every distinct import is matched against every package). */
  private readonly packageSegments = new Map<string, readonly string[]>();

  private segmentsOf(pkg: string): readonly string[] {
    let segments = this.packageSegments.get(pkg);
    if (!segments) this.packageSegments.set(pkg, (segments = pkg.split('/').filter((s) => s.length > 0)));
    return segments;
  }

  /** Whether a package of the workspace is named by the whole import prefix (memoized: imports repeat). */
  private insideWorkspace(prefix: readonly string[]): boolean {
    const key = prefix.join('\u0000');
    let inside = this.prefixInside.get(key);
    if (inside === undefined)
      this.prefixInside.set(key, (inside = this.packageNames.some((pkg) => endsWith(this.segmentsOf(pkg), prefix))));
    return inside;
  }

  /** The packages an import prefix names, in package order (memoized: imports repeat across files). */
  private packagesMatching(wanted: readonly string[]): ReadonlySet<string> {
    const key = wanted.join('\u0000');
    let found = this.importCache.get(key);
    if (!found)
      this.importCache.set(key, (found = new Set(this.packageNames.filter((pkg) => segmentsMatch(this.segmentsOf(pkg), wanted)))));
    return found;
  }

  /** Resolutions asked without recording dependencies (layouts, hovers, a one-shot analysis), per type reference. */
  private resolved: WeakMap<TypeRef, Resolved> | Map<TypeRef, Resolved>;

  /** Weak while the index follows edits (a re-parsed item's references go); a one-shot index's live as long as it does. */
  private newResolved(): WeakMap<TypeRef, Resolved> | Map<TypeRef, Resolved> {
    return this.track ? new WeakMap() : new Map();
  }
  /** The same for a plain name (no generic arguments), per scope: it means what the scope makes it mean. */
  private resolvedNames = new Map<string, Map<string, Resolved>>();
  /** An array kind's resolution, one per interned id (by its key): all it holds is in its id. */
  private readonly arrays: (Resolved | undefined)[] = [];
  /** A one-shot index's walk node of each array kind (by its key), for the references that write it the same. */
  private readonly arrayNodes: (ArrayWalkNode | undefined)[] = [];

  resolve(file: string, t: TypeRef, deps?: Dependencies): Resolved {
    // What a type's own tag answers is not cached (most references are primitives).
    if (t.tag === 'primitive') return PRIMITIVE;
    if (t.tag === 'rune') return RUNE;
    if (t.tag === 'other') return UNKNOWN;
    if (deps) return this.resolveUncached(file, t, deps);
    if (t.tag === 'named' && t.args.length === 0) {
      const scope = this.files.get(file)?.scope;
      if (scope !== undefined) {
        let names = this.resolvedNames.get(scope);
        if (!names) this.resolvedNames.set(scope, (names = new Map()));
        let r = names.get(t.name);
        if (!r) names.set(t.name, (r = this.resolveUncached(file, t)));
        return r;
      }
    }
    let r = this.resolved.get(t);
    if (!r) this.resolved.set(t, (r = this.resolveUncached(file, t)));
    return r;
  }

  private resolveUncached(file: string, t: TypeRef, deps?: Dependencies): Resolved {
    switch (t.tag) {
      case 'primitive':
        return PRIMITIVE;
      case 'rune':
        return RUNE;
      case 'other':
        return UNKNOWN;
      case 'named': {
        // A one-shot index resolves a plain name once per scope (`resolvedNames`): no second memo of its lookup.
        const slot = !this.track && !deps && t.args.length === 0 ? this.lookupIn(file, t.name) : this.lookupSlot(file, t.name);
        const unplaced = slot && this.slotItem(slot)?.unplacedKind;
        const args = t.args.map((a) => this.refId(file, a, deps));
        const importable = !slot && this.importable(file, t.name);
        deps?.set(FACT.kind(file, t.name), slot ? String(slot.version) : importable ? '?' : '');
        if (!slot || !unplaced) {
          const id = `?${t.name}${args.length ? `<${args.join(', ')}>` : ''}`;
          return { tag: 'external', id, name: t.name, importable: importable || !!slot };
        }
        return new DeclaredKind(declId(unplaced, args), this, slot);
      }
      case 'array': {
        const element = this.refId(file, t.element, deps);
        // One string and one resolution per array kind (tens of thousands of references name a few kinds).
        const key = this.derived.keyFor(
          flat(t.size === null ? `[]<${t.mutability}>${element}` : `[#${t.size}]<${t.mutability}>${element}`),
        );
        let r = this.arrays[key];
        if (r === undefined) this.arrays[key] = r = { tag: 'array', id: this.derived.idOf(key), mutability: t.mutability };
        return r;
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
  exportsOf(pkg: string, id: string, deps?: Dependencies): readonly ExportSite[] {
    let byId = this.exportsById.get(pkg);
    if (!byId) {
      this.exportsById.set(pkg, (byId = new Map()));
      // Most kinds have one site: its item's list (lists are replaced, never changed; one of one is copied to grow).
      for (const site of this.exportsByPackage.get(pkg) ?? NO_SITES) pushShared(byId, site.id, site, site.alone);
    }
    // A kind not exported (most asked about) gets the one empty list.
    const sites = byId.get(id) ?? NO_SITES;
    deps?.set(FACT.exports(pkg, id), factOfAll(sites));
    return sites;
  }

  /** Whether a kind is exported in a package (what the compiler's rules ask). */
  isExported(pkg: string, id: string, deps?: Dependencies): boolean {
    const yes = this.exportsOf(pkg, id).length > 0;
    deps?.set(FACT.exported(pkg, id), yes ? '1' : '');
    return yes;
  }

  /** A kind's first export site in a package: the one that is not a duplicate. */
  firstExport(pkg: string, id: string, deps?: Dependencies): ExportSite | undefined {
    const first = this.exportsOf(pkg, id)[0];
    deps?.set(FACT.firstExport(pkg, id), first ? first.fact : '');
    return first;
  }

  /** Whether a name is taken in a package, by a kind or an export (for naming a new export). */
  isNameTaken(pkg: string, name: string, deps?: Dependencies): boolean {
    // The kinds' names from the package's table as it is; the export sites' names counted once per
    // package, then patched by each update's sites (a site's name that comes or goes).
    let siteNames = this.takenNames.get(pkg);
    if (!siteNames) {
      siteNames = new Map();
      for (const site of this.exportsByPackage.get(pkg) ?? []) siteNames.set(site.name, (siteNames.get(site.name) ?? 0) + 1);
      this.takenNames.set(pkg, siteNames);
    }
    const yes = this.kindsByPackage.get(pkg)?.has(name) === true || siteNames.has(name);
    deps?.set(FACT.nameTaken(pkg, name), yes ? '1' : '');
    return yes;
  }

  /** Every export site of a package, in file and offset order. */
  packageExports(pkg: string, deps?: Dependencies): readonly ExportSite[] {
    const sites = this.exportsByPackage.get(pkg) ?? [];
    deps?.set(FACT.packageExports(pkg), factOfAll(sites));
    return sites;
  }

  /** The workspace's packages in name order (an index keeps its packages: `update` makes a new index when they change). */
  packagesInOrder(): readonly string[] {
    this.sortedPackages ??= [...this.packageNames].sort();
    return this.sortedPackages;
  }

  /** The packages that export a kind (its declaring package's `exported`, or an `export ... as` anywhere), in name order. */
  packagesExporting(id: string): readonly string[] {
    this.exporting ??= this.packagesBySite((site) => site.id);
    return this.exporting.get(id) ?? NO_PACKAGES;
  }

  /** After an update changed a package's sites of a kind: whether the package still exports it. */
  private noteExporting(exporting: Map<string, string[]>, pkg: string, id: string): void {
    notePackage(exporting, id, pkg, this.exportsOf(pkg, id).length > 0);
  }

  /** The packages with an export site named `name` (an `exported` kind's name, or an `export ... as` name), in name order. */
  packagesExportingName(name: string): readonly string[] {
    this.exportingName ??= this.packagesBySite((site) => site.name);
    return this.exportingName.get(name) ?? NO_PACKAGES;
  }

  /** Each key's packages with an export site of that key, in name order. */
  private packagesBySite(key: (site: ExportSite) => string): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const pkg of this.packagesInOrder())
      for (const site of this.exportsByPackage.get(pkg) ?? []) {
        const list = out.get(key(site));
        if (!list) out.set(key(site), [pkg]);
        else if (list[list.length - 1] !== pkg) list.push(pkg);
      }
    return out;
  }

  /** The names of the kinds a package declares. */
  packageKindNames(pkg: string): readonly string[] {
    const kinds = this.kindsByPackage.get(pkg);
    if (!kinds) return [];
    // `update` patches a package's table in place and forgets its names when they change: kept with the table.
    let names = this.kindNames.get(kinds);
    if (!names) {
      this.kindNames.set(kinds, (names = [...kinds.keys()]));
      // The suggestions of the last list follow it by the names that went and came, not by a
      // comparison of the two lists (thousands of names, for a keystroke that renames one).
      const since = this.renamedSince.get(kinds);
      this.renamedSince.delete(kinds);
      if (since) SUGGESTIONS.noteDifference(since.list, names, since.removed, [...since.added]);
    }
    return names;
  }

  private readonly kindNames = new WeakMap<Map<string, SlotEntry>, readonly string[]>();

  /** Per kind table whose list of names was let go: that list, and the names taken out of the table and put in since. */
  private readonly renamedSince = new WeakMap<
    Map<string, SlotEntry>,
    { readonly list: readonly string[]; readonly removed: Set<string>; readonly added: Set<string> }
  >();

  /** Notes the names a patch took out of a kind table and put in (`kinds` already patched). */
  private noteRenamed(kinds: Map<string, SlotEntry>, patch: ReadonlyMap<string, SlotEntry | undefined>): void {
    let since = this.renamedSince.get(kinds);
    if (!since) {
      const list = this.kindNames.get(kinds);
      if (!list) return; // no list was made since the last one was let go: nothing to follow
      this.renamedSince.set(kinds, (since = { list, removed: new Set(), added: new Set() }));
    }
    const wasIn = (name: string): boolean => (since.list.includes(name) || since.added.has(name)) && !since.removed.has(name);
    for (const name of patch.keys()) {
      const isIn = kinds.has(name);
      if (isIn === wasIn(name)) continue;
      if (isIn) {
        if (!since.removed.delete(name)) since.added.add(name);
      } else if (!since.added.delete(name)) since.removed.add(name);
    }
  }

  /**
   * The export sites an item makes: its `export ... as` lines, and its kind's `exported` site
   * when it is that kind's first declaration in the package, which `deps` records (an edit
   * elsewhere can make a kept item the first declaration, or stop it being one).
   */
  exportsInItem(file: string, item: number, deps?: Dependencies): readonly ExportSite[] {
    const declared = deps && this.files.get(file)?.seen[item]?.unplacedKind;
    if (declared) this.resolveName(file, declared.name, deps);
    return this.indexedByFile.get(file)?.[item]?.sites ?? NO_SITES;
  }

  implsOf(interfaceId: string, deps?: Dependencies): ImplEdge[] {
    const edges = this.implsByInterface.get(interfaceId) ?? [];
    deps?.set(FACT.impls(interfaceId), factOfAll(edges));
    return edges;
  }

  /** How a kind crosses the boundary, if it does (shortest path from a root). */
  reachOf(id: string, deps?: Dependencies): Reach | undefined {
    const reach = this.kindReach(this.reachability(), id)?.reach;
    deps?.set(
      FACT.reach(id),
      reach
        ? `${reach.root.file}\u0001${reach.root.description}\u0001${reach.root.identity}\u0001${reach.omitted ?? 0}\u0001${reach.steps.join('\u0001')}`
        : '',
    );
    return reach;
  }

  /** What a plain name means in a file (`deps` records its kind fact). */
  private resolveName(file: string, name: string, deps?: Dependencies): Resolved {
    return this.resolve(file, shapedType({ tag: 'named', name, args: [], start: 0, end: 0, ownership: '', text: name }), deps);
  }

  /** Recomputes a recorded fact, to tell whether a cached check is still valid. */
  fact(key: FactKey): string {
    const f = factParts(key);
    const deps: Dependencies = new Map();
    switch (f.tag) {
      case 'kind':
        this.resolveName(f.file, f.name, deps);
        break;
      case 'exports':
        this.exportsOf(f.pkg, f.id, deps);
        break;
      case 'exported':
        this.isExported(f.pkg, f.id, deps);
        break;
      case 'first-export':
        this.firstExport(f.pkg, f.id, deps);
        break;
      case 'name-taken':
        this.isNameTaken(f.pkg, f.name, deps);
        break;
      case 'suggestion':
        this.kindSuggestion(f.file, f.name, deps);
        break;
      case 'package-exports':
        this.packageExports(f.pkg, deps);
        break;
      case 'impls':
        this.implsOf(f.id, deps);
        break;
      case 'reach':
        this.reachOf(f.id, deps);
        break;
    }
    return deps.get(key) ?? '';
  }

  /**
   * The FFI functions and exported kinds: where values enter or leave Vale. The
   * walk runs on the items' derivations (no name is resolved here) and records
   * which roots and kinds are connected; after an update only the connected
   * groups the change touched are walked again (`updateReach`).
   */
  private reachability(): ReachState {
    if (this.reach) return this.reach;
    if (!this.track) {
      // A one-shot index walks once and is never updated: the roots go on the walk in root order
      // as they are made (no entries to sort, no groups, nothing kept per item for an update), each
      // root described, made only when a reach asks for it.
      const walk = new Walk((owner, param) => this.makeRoot(owner, param));
      for (const path of this.paths) this.eachRoot(path, false, walk);
      for (const pkg of this.packagesInOrder()) for (const path of this.filesByPackage.get(pkg)!) this.eachRoot(path, true, walk);
      const reached = this.reached.begin();
      this.runWalk(walk, reached, undefined, undefined);
      const byKey = new Int32Array(this.derived.keys);
      const entries = reached.entries;
      for (let k = 0; k < entries.length; k++) {
        const e = entries.get(k);
        byKey[(walk.nodes[e] as Exclude<WalkNode, { tag: 'skip' }>).key] = e + 1;
      }
      this.reach = { kinds: [], rootsByFile: new Map(), declaredIn: new Map(), entries: { walk, byKey } };
      return this.reach;
    }
    // The kinds' array as long as the keys so far, so that writes by key keep it a plain array.
    const state: ReachState = { kinds: new Array(this.derived.keys).fill(undefined), rootsByFile: new Map(), declaredIn: new Map() };
    // What `prepareReach` made is kept; the rest is made now.
    const prep = (this.reachPrep ??= { state, files: 0, roots: [], run: undefined, entry: 0 });
    this.stepReach(prep, Number.POSITIVE_INFINITY);
    return this.reach!;
  }

  /**
   * Makes part of the reach walk before the first check that needs it: `steps` files' roots, then
   * `REACH_ENTRIES_PER_STEP` of the walk's entries per step, so that a shell can spread it between
   * its messages (on the bench's 100k lines the whole walk is about 0.4 s in one piece, which the
   * first check of an imm kind paid). `reachOf` makes what is left at once. True while some is
   * left; an update drops what was made (it is made again, from the items' kept roots).
   */
  prepareReach(steps: number): boolean {
    if (this.reach || !this.track) return false;
    this.reachPrep ??= {
      state: { kinds: new Array(this.derived.keys).fill(undefined), rootsByFile: new Map(), declaredIn: new Map() },
      files: 0,
      roots: [],
      run: undefined,
      entry: 0,
    };
    this.stepReach(this.reachPrep, steps);
    return this.reach === undefined;
  }

  /** `steps` more of the reach walk under way: files' roots, then entries of the walk, then its groups. */
  private stepReach(prep: ReachPrep, steps: number): void {
    const paths = this.paths;
    while (prep.files < paths.length) {
      if (steps-- <= 0) return;
      const path = paths[prep.files++];
      const lists = this.rootsOf(path);
      prep.state.rootsByFile.set(path, lists);
      for (const list of lists) for (let k = 0; k < list.length; k++) prep.roots.push(list[k]);
    }
    if (!prep.run) prep.run = this.beginWalk(prep.roots.sort(compareRoots));
    const { walk, reached, links } = prep.run;
    while (prep.entry < walk.nodes.length) {
      if (steps-- <= 0) return;
      this.runWalk(walk, reached, links, undefined, prep.entry, REACH_ENTRIES_PER_STEP);
      prep.entry = this.walkStoppedAt;
    }
    this.endWalk(prep.state, prep.roots, prep.run);
    this.reach = prep.state;
    this.reachPrep = undefined;
  }

  /** What the last walk made of a kind, by its id. */
  private kindReach(state: ReachState, id: string): KindReach | undefined {
    const key = this.derived.keyOf(id);
    if (key < 0) return undefined;
    const entries = state.entries;
    if (!entries) return state.kinds[key];
    const e = key < entries.byKey.length ? entries.byKey[key] - 1 : -1;
    if (e < 0) return undefined;
    const node = entries.walk.nodes[e] as Exclude<WalkNode, { tag: 'skip' }>;
    return { id: node.id, key, reach: new WalkReach(entries.walk, e), group: undefined, slot: undefined };
  }

  /**
   * A one-shot walk's roots in a file, in `compareRoots` order within it: its FFI signatures'
   * (`sites` false) or its export sites' (`sites` true).
   */
  private eachRoot(path: string, sites: boolean, walk: Walk): void {
    const model = this.files.get(path)!;
    const records = this.indexedByFile.get(path)!;
    for (let i = 0; i < records.length; i++) {
      const x = records[i];
      if (sites ? x.sites.length > 0 : x.derived.roots)
        this.itemRoots(model, x, sites ? x.sites : NO_SITES, sites, (node, owner, param) => walk.pushDescribed(node, owner, param));
    }
  }

  /**
   * The roots a file holds, each item's list in item order: its FFI signatures' parameters and
   * returns, its export sites. During an update with a plan for the file, the items it does not
   * visit give the lists they gave last time (the same arrays: `updateReach` compares lists).
   */
  private rootsOf(path: string): (readonly RootEntry[])[] {
    const model = this.files.get(path)!;
    const records = this.indexedByFile.get(path)!;
    const plan = this.plans.get(path);
    const out = new Array<readonly RootEntry[]>(records.length);
    for (let i = 0; i < records.length; i++) out[i] = this.recordRoots(path, model, records[i], plan, i);
    return out;
  }

  /**
   * `rootsOf` during an update whose plan for the file visits the edit's window and a few items
   * again: the lists of the other items are `before`'s (the same arrays), spliced around the
   * window's; with what the window and the items visited again replaced and what they gave.
   * Undefined when the plan is whole: then `rootsOf` and `changedWindow` find them.
   */
  private windowRootsOf(
    path: string,
    before: readonly (readonly RootEntry[])[],
  ): { after: (readonly RootEntry[])[]; removed: (readonly RootEntry[])[]; added: (readonly RootEntry[])[] } | undefined {
    const plan = this.plans.get(path);
    const records = this.indexedByFile.get(path);
    if (!plan || plan.whole || !records || plan.before.length !== before.length) return undefined;
    const model = this.files.get(path)!;
    const n = records.length;
    const { head, tail } = plan;
    const window: (readonly RootEntry[])[] = [];
    for (let i = head; i < n - tail; i++) window.push(this.recordRoots(path, model, records[i], plan, i));
    const after = spliceList(before, head, window, before.length - tail);
    const removed = before.slice(head, before.length - tail);
    const added = window;
    // The items visited again, in front of the window or behind it: a list each, where it changed.
    for (const i of plan.again) {
      const list = this.recordRoots(path, model, records[i], plan, i);
      if (list === after[i]) continue;
      removed.push(after[i]);
      added.push(list);
      after[i] = list;
    }
    return { after, removed, added };
  }

  /** A record's roots, made again when the plan visits it (or it has none yet). */
  private recordRoots(path: string, model: FileModel, x: Indexed, plan: IndexPlan | undefined, i: number): readonly RootEntry[] {
    if (x.rootEntries && plan && !plan.visits(i)) return x.rootEntries;
    const d = x.derived;
    const sites = x.sites;
    if (!d.roots && sites.length === 0) return (x.rootEntries = NO_ROOTS);
    const siteKey = sites.length === 0 ? '' : sites.length === 1 ? sites[0].fact : flat(sites.map((s) => s.fact).join('\u0002'));
    let cached = d.rootCache;
    if (!cached || cached.sites !== siteKey) {
      cached = { sites: siteKey, entries: this.rootEntries(path, model, x, sites) };
      d.rootCache = cached;
      indexWork.rootsMade += cached.entries.length;
    } else {
      // The same roots: they follow the item's record (its place, its site objects).
      for (const e of cached.entries) {
        if (e.site !== undefined) e.root.retarget(sites[e.site]);
        else if (e.place !== x) e.root.retarget(x);
        e.place = x;
      }
    }
    return (x.rootEntries = cached.entries);
  }

  /** An item's roots as the index keeps them (an entry each, in `compareRoots` order). */
  private rootEntries(path: string, model: FileModel, x: Indexed, sites: readonly ExportSite[]): RootEntry[] {
    const out: RootEntry[] = [];
    const pkg = model.package;
    this.itemRoots(model, x, NO_SITES, false, (node, owner, param, n) => {
      out.push({ sites: false, pkg, path, place: x, n, node, root: this.makeRoot(owner, param), mark: 0, group: undefined });
    });
    this.itemRoots(model, x, sites, true, (node, owner, param, site) => {
      out.push({
        sites: true,
        pkg,
        path,
        place: x,
        n: 0,
        site,
        node,
        root: this.makeRoot(owner, param),
        mark: 0,
        group: undefined,
      });
    });
    // Kept per item: a copy of its exact length (a push onto [] reserves 16 places).
    return out.length === 0 ? NO_ROOTS : out.slice();
  }

  /** A root of the walk from what it is (`itemRoots` describes it: the item's record and a parameter, or a site and how it exports). */
  private makeRoot(owner: RootOwner, param: number): WalkRoot {
    if (param === EXPORT_ROOT) {
      const site = owner as ExportSite;
      return new SiteRoot(site, 'export', site.exportAs!.type.text);
    }
    if (param === EXPORTED_ROOT) {
      const site = owner as ExportSite;
      return new SiteRoot(site, 'exported', site.decl!.tag);
    }
    const x = owner as Indexed;
    return new SignatureRoot(this, x.derived.path, x, param, x.derived.element);
  }

  /**
   * The roots one item holds, to `push`: its FFI signature's parameters and return (`wantSites`
   * false; `at` is the root's place in the derivation's roots), or its export sites (`wantSites`
   * true; `at` is the site's place among the item's).
   */
  private itemRoots(
    model: FileModel,
    x: Indexed,
    sites: readonly ExportSite[],
    wantSites: boolean,
    push: (node: WalkNode, owner: RootOwner, param: number, at: number) => void,
  ): void {
    const d = x.derived;
    const item = model.seen[x.item];
    if (!wantSites) {
      const roots = d.roots;
      if (!roots) return;
      // The parameters', then the return's.
      const params = item.unplacedFunction?.params.length ?? 0;
      for (let n = 0; n < roots.length; n++) if (roots[n].tag !== 'skip') push(roots[n], x, n < params ? n : RETURN_ROOT, n);
      return;
    }
    const exportAs = item.unplacedExport;
    for (let k = 0; k < sites.length; k++) {
      const site = sites[k];
      if (exportAs) {
        if (d.exportAs!.node.tag !== 'skip') push(d.exportAs!.node, site, EXPORT_ROOT, k);
      } else {
        // The kind's own node (an `exported` kind is named without arguments).
        const slot = site.kindSlot as SlotEntry;
        let node = slot.walkNode;
        if (!node) {
          const key = this.derived.keyFor(site.id);
          const id = this.derived.idOf(key);
          node = slot.walkNode = { tag: 'declared', id, key, slot };
        }
        push(node, site, EXPORTED_ROOT, k);
      }
    }
  }

  /**
   * The walk's breadth-first loop over what is queued on it: each kind keeps the first entry that
   * reaches it (`reached`); with `links`, each entry is joined with the entry it was reached
   * from and with its kind's first entry (the groups: a root's entry is the root's place); with
   * `outside`, it stops at a kind of a group not being walked and returns that group.
   */
  private runWalk(
    walk: Walk,
    reached: Reached,
    links: EntryLinks | undefined,
    outside: ((key: number) => ReachGroup | undefined) | undefined,
    from = 0,
    budget = Number.POSITIVE_INFINITY,
  ): ReadonlySet<ReachGroup> | undefined {
    // With a budget: at most that many entries from `from`; where it stopped is `walkStoppedAt`.
    const until = from + budget;
    let e = from;
    // The groups not being walked again that the walk ran into: every one, so that one walk again takes them all in.
    let foreigns: Set<ReachGroup> | undefined;
    for (; e < walk.nodes.length && e < until; e++) {
      const node = walk.nodes[e] as Exclude<WalkNode, { tag: 'skip' }>;
      const first = reached.entryOf(node.key);
      const leaf = isSharedLeaf(node);
      if (links) {
        // Entry e joins the entry it was reached from and the kind's first entry (not a shared leaf's).
        links.add();
        const parent = walk.parents.get(e);
        if (parent >= 0) links.union(e, parent);
        if (first >= 0 && !leaf) links.union(e, first);
      }
      if (first >= 0) continue;
      const foreign = leaf ? undefined : outside?.(node.key);
      if (foreign) {
        (foreigns ??= new Set()).add(foreign);
        continue;
      }
      reached.add(node.key, e);
      if (node.tag === 'declared') {
        this.enqueueInside(node.slot, node.id, e, walk);
      } else if (node.tag === 'array') {
        if (node.element && node.element.tag !== 'skip') walk.push(node.element, e, `${node.text} elements`);
      } else {
        const at = e;
        node.elements.forEach((x, n) => x.tag !== 'skip' && walk.push(x, at, `${node.text}.${n}`));
      }
    }
    this.walkStoppedAt = e;
    return foreigns;
  }

  /**
   * Walks from `roots` (in root order), breadth first, so each kind keeps its
   * shortest path from the first root that reaches it; records the connected
   * groups. With `outside`, returns the groups the walk ran into that are not
   * being walked again, and records nothing (the caller adds them and walks again).
   */
  private walkGroups(
    state: ReachState,
    roots: readonly RootEntry[],
    outside: ((key: number) => ReachGroup | undefined) | undefined,
  ): ReadonlySet<ReachGroup> | undefined {
    const run = this.beginWalk(roots);
    const foreign = this.runWalk(run.walk, run.reached, run.links, outside);
    if (foreign) return foreign;
    this.endWalk(state, roots, run);
    return undefined;
  }

  /** A walk from `roots` (root k is entry k), before its loop. */
  private beginWalk(roots: readonly RootEntry[]): WalkRun {
    const reached = this.reached.begin();
    const walk = new Walk();
    const links = new EntryLinks();
    for (const r of roots) walk.push(r.node, -1, '', r.root);
    return { walk, reached, links };
  }

  /** A walk's groups and kinds, once its loop has run, written into `state`. */
  private endWalk(state: ReachState, roots: readonly RootEntry[], { walk, reached, links }: WalkRun): void {
    // By representative entry: as long as the walk, so that writes keep it a plain array.
    const groups = new Array<ReachGroup | undefined>(walk.nodes.length);
    const groupOf = (entry: number): ReachGroup => {
      const rep = links.find(entry);
      let g = groups[rep];
      if (!g) groups[rep] = g = { roots: [], kinds: [] };
      return g;
    };
    for (let k = 0; k < roots.length; k++) {
      const r = roots[k];
      const g = groupOf(k);
      g.roots.push(r);
      r.group = g;
    }
    const walked = new Array<string>(reached.entries.length);
    for (let k = 0; k < walked.length; k++) {
      const e = reached.entries.get(k);
      const node = walk.nodes[e] as Exclude<WalkNode, { tag: 'skip' }>;
      const id = node.id;
      walked[k] = id;
      const g = groupOf(e);
      const slot = node.tag === 'declared' ? node.slot : undefined;
      const was = state.kinds[node.key]?.slot;
      const kind: KindReach = { id, key: node.key, reach: new WalkReach(walk, e), group: g, slot };
      g.kinds.push(kind);
      setKind(state, node.key, kind);
      if (!slot) continue;
      // Where each declared kind reached is declared.
      if (was && (was.file !== slot.file || was.name !== slot.name)) undeclare(state, id, was);
      let byName = state.declaredIn.get(slot.file);
      if (!byName) state.declaredIn.set(slot.file, (byName = new Map()));
      let ids = byName.get(slot.name);
      if (!ids) byName.set(slot.name, (ids = new Set()));
      ids.add(id);
    }
    this.lastWalked = walked;
  }

  /**
   * After `update`: walks again only the groups that hold a root of, or a kind
   * declared in, a re-indexed file, or an interface whose impls changed (and
   * any group the walk runs into); returns the kinds whose reach may differ.
   */
  private updateReach(
    files: ReadonlySet<string>,
    interfaces: ReadonlySet<string>,
    names: ReadonlySet<string>,
    fresh: ReadonlySet<Derived>,
  ): Set<string> | undefined {
    const state = this.reach;
    if (!state) return undefined;
    const groups = new Set<ReachGroup>();
    const oldRoots = new Set<RootEntry>();
    const newRoots: RootEntry[] = [];
    for (const path of files) {
      const before = state.rootsByFile.get(path) ?? [];
      // An item keeps its list of roots while its derivation and sites are the same: only the lists
      // between the same ones in front and behind can differ (an edit's window, not the file).
      const spliced = this.files.has(path) ? this.windowRootsOf(path, before) : undefined;
      const after = spliced ? spliced.after : this.files.has(path) ? this.rootsOf(path) : [];
      const { removed, added } = spliced ?? changedWindow(before, after);
      // Roots are kept objects too: compare them by identity (marks on the entries, no set).
      const had = ++this.rootMarks;
      for (const list of removed) for (let k = 0; k < list.length; k++) list[k].mark = had;
      const kept = ++this.rootMarks;
      for (const list of added)
        for (let k = 0; k < list.length; k++) {
          const r = list[k];
          if (r.mark !== had) newRoots.push(r);
          r.mark = kept;
        }
      for (const list of removed)
        for (let k = 0; k < list.length; k++) {
          const r = list[k];
          if (r.mark === kept) continue;
          oldRoots.add(r);
          const g = r.group;
          if (g) groups.add(g);
        }
      if (this.files.has(path)) state.rootsByFile.set(path, after);
      else state.rootsByFile.delete(path);
    }
    // Kinds whose members may now lead elsewhere: a changed name, a new derivation of an item
    // declaring it (an item whose derivation was dropped is derived anew in the update).
    const touched = new Map<string, Set<string>>();
    // A changed name matters in a file only where the file declares it: whichever set is smaller is walked.
    for (const path of files) {
      const byName = state.declaredIn.get(path);
      if (!byName) continue;
      if (names.size <= byName.size) {
        for (const name of names) if (byName.has(name)) addTo(touched, path, name);
      } else for (const name of byName.keys()) if (names.has(name)) addTo(touched, path, name);
    }
    for (const d of fresh) if (d.kindName !== undefined && files.has(d.path)) addTo(touched, d.path, d.kindName);
    for (const [path, wanted] of touched) {
      const byName = state.declaredIn.get(path);
      if (byName)
        for (const name of wanted)
          for (const id of byName.get(name) ?? []) {
            const g = this.kindReach(state, id)?.group;
            if (g) groups.add(g);
          }
    }
    for (const id of interfaces) {
      const g = this.kindReach(state, id)?.group;
      if (g) groups.add(g);
    }
    const changed = new Set<string>();
    for (;;) {
      const roots = [...newRoots];
      for (const g of groups) for (const r of g.roots) if (!oldRoots.has(r)) roots.push(r);
      roots.sort(compareRoots);
      // Forget the groups being walked again, then walk them.
      for (const g of groups) {
        for (const kind of g.kinds) {
          changed.add(kind.id);
          // A shared leaf may be another group's now (the last walk that reached it first keeps it).
          if (state.kinds[kind.key] === kind) state.kinds[kind.key] = undefined;
          if (kind.slot) undeclare(state, kind.id, kind.slot);
        }
        for (const r of g.roots) r.group = undefined;
      }
      const foreign = this.walkGroups(state, roots, (key) => {
        const g = state.kinds[key]?.group;
        return g && !groups.has(g) ? g : undefined;
      });
      if (!foreign) {
        this.rootsWalkedAgain += roots.length;
        break;
      }
      // The walk ran into groups it was not walking: undo, add them, walk again.
      for (const r of roots) r.group = undefined;
      for (const g of groups) for (const r of g.roots) if (!oldRoots.has(r)) r.group = g;
      for (const g of foreign) groups.add(g);
    }
    for (const id of this.lastWalked) changed.add(id);
    return changed;
  }

  /** Immutable kinds are copied member by member; mutable ones cross as references and stop the walk. */
  private enqueueInside(slot: KindSlot, id: string, entry: number, walk: Walk): void {
    const item = this.slotItem(slot as SlotEntry)!;
    const decl = item.unplacedKind!;
    if (decl.mutability !== 'imm') return;
    const model = this.files.get(slot.file)!;
    if (decl.tag === 'struct') {
      // The derivation's members are the declaration's, in order (the same summary): each step is its member.
      const d = (!this.track && (slot as SlotEntry).derived) || this.derive(slot.file, model, item, model.scope);
      const members = d.members ?? NO_NODES;
      const decls = unplacedMembers(decl);
      for (let i = 0; i < members.length; i++) if (members[i].tag !== 'skip') walk.push(members[i], entry, decls[i]);
    } else {
      for (const edge of this.implsByInterface.get(id) ?? []) {
        const model = this.files.get(edge.file)!;
        const item = model.seen[edge.item];
        const node = (this.track ? this.derive(edge.file, model, item, model.scope) : edge.derived).impl!.structNode;
        if (node.tag !== 'skip') walk.push(node, entry, `${decl.name} (implemented by ${item.unplacedImpl!.structType.text})`);
      }
    }
  }
}

/**
 * A file re-indexed after an edit: the items in front of the edit's window
 * (`head` of them) and behind it (`tail`) are the same nodes as before and keep
 * what was made for them, unless asked to be visited again.
 */
class IndexPlan {
  /** Places outside the window (numbered as after the edit) to visit again. */
  readonly again = new Set<number>();
  /** Something did not line up: visit every item. */
  whole = false;

  constructor(
    /** The file's records before the edit, by place. */
    readonly before: readonly Indexed[],
    readonly head: number,
    readonly tail: number,
    /** The number of seen items after the edit. */
    readonly length: number,
  ) {}

  /** Whether the item at place `i` (after the edit) is visited. */
  visits(i: number): boolean {
    return this.whole || (i >= this.head && i < this.length - this.tail) || this.again.has(i);
  }

  /** Visit again the item at place `i` (after the edit). */
  revisit(i: number): void {
    if (i < 0) this.whole = true;
    else if (i < this.head || i >= this.length - this.tail) this.again.add(i);
  }

  /** Visit again the item a record before the edit was made for. */
  revisitOld(x: Indexed | undefined): void {
    const j = x?.item ?? -1;
    if (x === undefined || this.before[j] !== x) this.whole = true;
    else if (j < this.head) this.again.add(j);
    else if (j >= this.before.length - this.tail) this.again.add(j + this.length - this.before.length);
  }
}

/** The first of a file's sites or edges (in item order) whose item is at `item` or after: a binary search. */
function firstAtOrAfter(list: readonly { readonly item: number }[], item: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].item < item) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A root of the walk, with its place in root order: signatures (by file, item, parameter), then export sites (by package, file, item). */
interface RootEntry {
  /** An export site's root (after every signature's). */
  readonly sites: boolean;
  readonly pkg: string;
  readonly path: string;
  /** The item's place (its record's: a new record when the item's sites were made again). */
  place: ItemPlace;
  /** The parameter (its place in the signature's roots; 0 for a site). */
  readonly n: number;
  /** Scratch for comparing a file's roots before and after an update. */
  mark?: number;
  /** The connected group the last walk put it in (undefined while its group is walked again). */
  group?: ReachGroup;
  /** For a site root: which of its item's sites. */
  readonly site?: number;
  readonly node: WalkNode;
  readonly root: WalkRoot;
}

function compareRoots(a: RootEntry, b: RootEntry): number {
  if (a.sites !== b.sites) return a.sites ? 1 : -1;
  if (a.sites && a.pkg !== b.pkg) return a.pkg < b.pkg ? -1 : 1;
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (a.place.item !== b.place.item) return a.place.item - b.place.item;
  return a.sites ? 0 : a.n - b.n;
}

const NO_ROOTS: RootEntry[] = [];

/** Roots and kinds the walk connects: walked again together or not at all. */
interface ReachGroup {
  readonly roots: RootEntry[];
  readonly kinds: KindReach[];
}

/** A walk under way: its queue, what it reached, and the links of its entries. */
interface WalkRun {
  readonly walk: Walk;
  readonly reached: Reached;
  readonly links: EntryLinks;
}

/** The reach walk made ahead (`prepareReach`): the files whose roots are listed, then the walk from their roots. */
interface ReachPrep {
  readonly state: ReachState;
  /** Files of `paths` whose roots are in `roots`. */
  files: number;
  readonly roots: RootEntry[];
  run: WalkRun | undefined;
  /** The next entry of the walk. */
  entry: number;
}

/** The walk's entries per step of `prepareReach` (about what a file's roots take). */
const REACH_ENTRIES_PER_STEP = 64;

/** What a walk made of one kind it reached. */
interface KindReach {
  readonly id: string;
  readonly key: number;
  readonly reach: WalkReach;
  /** Its connected group (none in a one-shot index, which is never walked again). */
  readonly group: ReachGroup | undefined;
  /** Where it is declared, for a declared kind. */
  readonly slot: KindSlot | undefined;
}

interface ReachState {
  /** The kinds reached, by key (`DerivedCache.interned`). */
  readonly kinds: (KindReach | undefined)[];
  /**
   * A one-shot walk's kinds instead (`kinds` stays empty): each key's entry in the walk, plus one
   * (0: not reached); what a kind's reach is, is made when asked (most kinds reached are never
   * asked about, and each object kept is copied by the collector).
   */
  readonly entries?: { readonly walk: Walk; readonly byKey: Int32Array };
  /** Each file's roots, a list per item (`rootsOf`). */
  readonly rootsByFile: Map<string, (readonly RootEntry[])[]>;
  /** The declared kinds reached, by declaring file and name. */
  readonly declaredIn: Map<string, Map<string, Set<string>>>;
}

/**
 * Records what a walk made of the kind with this key. Keys made after the state's array
 * (kinds a walk derived since) lengthen it one place at a time: a write far past its end would
 * make V8 keep it as a dictionary.
 */
function setKind(state: ReachState, key: number, kind: KindReach): void {
  const kinds = state.kinds;
  while (kinds.length <= key) kinds.push(undefined);
  kinds[key] = kind;
}

/** Takes a kind out of `declaredIn` at its slot. */
function undeclare(state: ReachState, id: string, slot: KindSlot): void {
  const byName = state.declaredIn.get(slot.file);
  const ids = byName?.get(slot.name);
  if (!ids) return;
  ids.delete(id);
  if (ids.size > 0) return;
  byName!.delete(slot.name);
  if (byName!.size === 0) state.declaredIn.delete(slot.file);
}

/**
 * The kinds a walk reached: each one's first entry, by the kind's key (an array, not a map
 * keyed by id: a whole workspace's walk looks its kinds up tens of thousands of times), and
 * those first entries in the order reached. One serves every walk of an index: `begin` undoes
 * only what the last walk wrote, so a keystroke's walk of a few kinds neither allocates nor
 * clears an array as long as every kind's key.
 */
class Reached {
  private first = new Int32Array(1024);
  readonly entries = new IntList();
  private readonly keys = new IntList();

  /** Forgets every kind the last walk reached, for a new walk. */
  begin(): this {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) this.first[keys.get(i)] = 0;
    keys.clear();
    this.entries.clear();
    return this;
  }

  /** The first entry of the kind with this key, or -1. */
  entryOf(key: number): number {
    return key < this.first.length ? this.first[key] - 1 : -1;
  }

  add(key: number, entry: number): void {
    if (key >= this.first.length) {
      // Kinds interned since the last walk.
      const grown = new Int32Array(Math.max(key + 1, this.first.length * 2));
      grown.set(this.first);
      this.first = grown;
    }
    this.first[key] = entry + 1;
    this.entries.push(entry);
    this.keys.push(key);
  }
}

/**
 * The connected groups of a walk, over its entries' numbers (added in order, 0 up): arrays of
 * small integers, no map lookup per step (a map keyed by kind ids and root objects made the
 * links most of a whole workspace's walk). Union by size, paths halved as they are followed.
 */
class EntryLinks {
  private readonly parent: number[] = [];
  private readonly size: number[] = [];

  /** The next entry, in a group of its own. */
  add(): void {
    this.parent.push(this.parent.length);
    this.size.push(1);
  }

  find(x: number): number {
    const parent = this.parent;
    while (parent[x] !== x) {
      const up = parent[parent[x]];
      parent[x] = up;
      x = up;
    }
    return x;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // The smaller group joins the larger.
    const big = this.size[ra] < this.size[rb] ? rb : ra;
    const small = big === ra ? rb : ra;
    this.parent[small] = big;
    this.size[big] += this.size[small];
  }
}

/**
 * The reachability walk's queue: entry e is nodes[e], reached from parents[e] (-1: a root,
 * roots[e]) by steps[e]: its text, or the member of the struct at parents[e] (written when a
 * reach's steps are asked for: most never are).
 */
/**
 * What a root of the walk is, as `makeRoot` reads it: a parameter of an FFI signature (its place,
 * or `RETURN_ROOT` for the return; the owner is the item's record), or an export site (the
 * owner; `EXPORT_ROOT` for `export T as N`, `EXPORTED_ROOT` for an `exported` kind).
 */
const RETURN_ROOT = -1;
const EXPORT_ROOT = -2;
const EXPORTED_ROOT = -3;

type RootOwner = Indexed | ExportSite;

/** A root made already (`Walk.push`): its owner is the root itself. */
const MADE_ROOT = -4;

/** Makes a root from what it is (`Walk.pushDescribed`). */
type RootMaker = (owner: RootOwner, param: number) => WalkRoot;

class Walk {
  readonly nodes: WalkNode[] = [];
  readonly parents = new IntList();
  readonly steps: (string | MemberDecl)[] = [];
  /** Each entry's root, by number. */
  private readonly rootOf = new IntList();
  /**
   * Each root: the root itself (`MADE_ROOT`), or what `maker` makes it from when a reach asks (a
   * one-shot walk describes its roots instead of making an object per root, 36,000 on the bench's
   * 100k lines, few of which a reach asks for).
   */
  private readonly rootOwner: (RootOwner | WalkRoot)[] = [];
  private readonly rootParam = new IntList();
  /** The described roots made so far, by number. */
  private readonly made = new Map<number, WalkRoot>();

  constructor(private readonly maker?: RootMaker) {}
  /**
   * Per entry on a long path a reach asked for (each made once from its parent's, without
   * recursion: a chain may be thousands deep): its steps from its root and the texts of its first
   * `REACH_HEAD_STEPS` steps. A path of at most `SHORT_PATH` steps, as nearly every one is, is
   * read from the parents each time and keeps nothing.
   */
  private readonly paths = new Map<number, { readonly depth: number; readonly head: readonly string[] }>();

  push(node: WalkNode, parent: number, step: string | MemberDecl, root?: WalkRoot): void {
    this.nodes.push(node);
    this.parents.push(parent);
    this.steps.push(step);
    if (root === undefined) this.rootOf.push(this.rootOf.get(parent));
    else this.addRoot(root, MADE_ROOT);
  }

  /** A root entry described, its root made when asked (`rootAt`; the walk has a maker). */
  pushDescribed(node: WalkNode, owner: RootOwner, param: number): void {
    this.nodes.push(node);
    this.parents.push(-1);
    this.steps.push('');
    this.addRoot(owner, param);
  }

  private addRoot(owner: RootOwner | WalkRoot, param: number): void {
    this.rootOf.push(this.rootOwner.length);
    this.rootOwner.push(owner);
    this.rootParam.push(param);
  }

  /** Entry e's root. */
  rootAt(e: number): WalkRoot {
    const r = this.rootOf.get(e);
    const param = this.rootParam.get(r);
    if (param === MADE_ROOT) return this.rootOwner[r] as WalkRoot;
    let root = this.made.get(r);
    if (!root) this.made.set(r, (root = this.maker!(this.rootOwner[r] as RootOwner, param)));
    return root;
  }

  /** The text of entry e's step (a member's written with its struct's name). */
  private stepText(e: number): string {
    const step = this.steps[e];
    return typeof step === 'string' ? step : `${(this.nodes[this.parents.get(e)] as { slot: KindSlot }).slot.name}.${step.name}`;
  }

  /** Entry e's steps as a reach shows them (`Reach.steps` and `omitted`). */
  path(e: number): { steps: readonly string[]; omitted: number } {
    const { depth, head } = this.depthAndHead(e);
    const last = depth <= REACH_SHOWN_STEPS ? depth : REACH_SHOWN_STEPS - REACH_HEAD_STEPS;
    const tail: string[] = [];
    for (let y = e; tail.length < last; y = this.parents.get(y)) tail.push(this.stepText(y));
    tail.reverse();
    if (depth <= REACH_SHOWN_STEPS) return { steps: tail, omitted: 0 };
    return { steps: [...head, ...tail], omitted: depth - REACH_SHOWN_STEPS };
  }

  /**
   * Entry e's steps from its root and (when past `REACH_SHOWN_STEPS`) its first `REACH_HEAD_STEPS`
   * steps' texts: up to `SHORT_PATH` steps read from the parents, a longer path kept per entry.
   */
  private depthAndHead(e: number): { readonly depth: number; readonly head: readonly string[] } {
    const { paths, parents } = this;
    const entries: number[] = [];
    let x = e;
    for (; parents.get(x) >= 0 && entries.length < SHORT_PATH && !paths.has(x); x = parents.get(x)) entries.push(x);
    if (parents.get(x) < 0) {
      const depth = entries.length;
      const head =
        depth <= REACH_SHOWN_STEPS
          ? NO_STEPS
          : entries
              .slice(depth - REACH_HEAD_STEPS)
              .reverse()
              .map((y) => this.stepText(y));
      return { depth, head };
    }
    const chain: number[] = [];
    for (let y = e; y >= 0 && !paths.has(y); y = parents.get(y)) chain.push(y);
    for (let i = chain.length - 1; i >= 0; i--) {
      const y = chain[i];
      const up = parents.get(y) < 0 ? undefined : paths.get(parents.get(y))!;
      if (!up) paths.set(y, { depth: 0, head: NO_STEPS });
      else paths.set(y, { depth: up.depth + 1, head: up.head.length < REACH_HEAD_STEPS ? [...up.head, this.stepText(y)] : up.head });
    }
    return paths.get(e)!;
  }
}

const NO_STEPS: readonly string[] = Object.freeze([]);
/** Paths up to this many steps are read from the walk's parents when asked, not kept (`Walk.path`). */
const SHORT_PATH = 64;

/** The reach of a kind: its walk entry's root, and the steps read back along the parents. */
class WalkReach implements Reach {
  private path?: { steps: readonly string[]; omitted: number };

  constructor(
    private readonly walk: Walk,
    /** Its place in the walk. */
    readonly entry: number,
  ) {}

  get root(): WalkRoot {
    return this.walk.rootAt(this.entry);
  }

  get steps(): readonly string[] {
    this.path ??= this.walk.path(this.entry);
    return this.path.steps;
  }

  get omitted(): number {
    this.path ??= this.walk.path(this.entry);
    return this.path.omitted;
  }
}

/** How many entries at the front and at the back of a list an update kept (the same objects). */
interface KeptEnds {
  readonly head: number;
  readonly tail: number;
}

/** A parameter (or, for -1, the return) of an FFI function (an item of the file's `seen` list), as a root of the walk. */
class SignatureRoot implements WalkRoot {
  private id?: string;
  private text?: string;

  constructor(
    private readonly index: ProgramIndex,
    readonly file: string,
    private place: ItemPlace,
    private readonly param: number,
    private readonly element: GreenNode,
  ) {}

  /** Its item's node and the parameter (written when a fact asks). */
  get identity(): string {
    return (this.id ??= `${nodeId(this.element)}:${this.param}`);
  }

  private get decl(): FunctionDecl {
    return this.index.files.get(this.file)!.seen[this.place.item].function!;
  }

  get range(): OffsetRange {
    const f = this.decl;
    const t = this.param < 0 ? f.returnType! : f.params[this.param].type;
    return { start: t.start, end: t.end };
  }

  /**
   * Written when first asked (a diagnostic, a fact): the item is the one the root was made from,
   * or one of the same summary, which names the same parameters and types.
   */
  get description(): string {
    if (this.text === undefined) {
      const f = this.decl;
      const sig = signatureText(f);
      this.text = flat(this.param < 0 ? `the return of ${sig}` : `parameter ${f.params[this.param].name} of ${sig}`);
    }
    return this.text;
  }

  /** The same root for the item's new record: follow its place. */
  retarget(place: ItemPlace | ExportSite): void {
    this.place = place as ItemPlace;
  }
}

class SiteRoot implements WalkRoot {
  private text?: string;

  constructor(
    private site: ExportSite,
    /** `export T as N` (`what` is T's text) or `exported struct N` (`what` is the kind's tag). */
    private readonly how: 'export' | 'exported',
    private readonly what: string,
  ) {}

  get description(): string {
    return (this.text ??= flat(
      this.how === 'export' ? `export ${this.what} as ${this.site.name}` : `exported ${this.what} ${this.site.name}`,
    ));
  }

  get file(): string {
    return this.site.file;
  }

  get identity(): string {
    return this.site.fact;
  }

  get range(): OffsetRange {
    return this.site.range;
  }

  retarget(place: ItemPlace | ExportSite): void {
    this.site = place as ExportSite;
  }
}

function factOfAll(xs: readonly { readonly fact: string }[]): string {
  return xs.map((x) => x.fact).join('\u0002');
}

function declId(decl: KindDecl, args: readonly string[]): string {
  return args.length ? `${decl.id}<${args.join(', ')}>` : decl.id;
}

/** A kind of at least this many members is derived again member by member after an edit (`DerivedCache.lastLong`). */
const LONG_KIND = 64;
/** The long kinds whose last derivation is kept (the ones edited last). */
const LONG_KINDS_KEPT = 16;

/**
 * The walk nodes of `now`'s members, taken from `was`'s (derived as `nodes`) where the member is
 * the same object (the members in front of an edit, and behind it), made for the others.
 */
function derivedAgain(
  now: readonly MemberDecl[],
  was: readonly MemberDecl[],
  nodes: readonly WalkNode[],
  make: (m: MemberDecl) => WalkNode,
): WalkNode[] {
  let front = 0;
  const most = Math.min(now.length, was.length);
  while (front < most && now[front] === was[front]) front++;
  let back = 0;
  while (back < most - front && now[now.length - 1 - back] === was[was.length - 1 - back]) back++;
  const out = new Array<WalkNode>(now.length);
  for (let i = 0; i < front; i++) out[i] = nodes[i];
  for (let i = front; i < now.length - back; i++) out[i] = make(now[i]);
  indexWork.membersDerived += now.length - back - front;
  for (let i = now.length - back, j = was.length - back; i < now.length; i++, j++) out[i] = nodes[j];
  return out;
}

/** The kinds Vale's builtins declare (Frontend/Builtins/.../resources: opt.vale, result.vale, tupN.vale). */
const BUILTIN_KINDS = new Set(['Opt', 'Some', 'None', 'Result', 'Ok', 'Err']);

/** `import a.b.*;` names the package whose path (as segments) ends with a/b (or b: the first segment may be the module). */
function segmentsMatch(segments: readonly string[], wanted: readonly string[]): boolean {
  return endsWith(segments, wanted) || (wanted.length > 1 && endsWith(segments, wanted.slice(1)));
}

/** Whether a package's path (as segments) ends with these segments. */
function endsWith(segments: readonly string[], wanted: readonly string[]): boolean {
  const from = segments.length - wanted.length;
  if (from < 0) return false;
  for (let i = 0; i < wanted.length; i++) if (segments[from + i] !== wanted[i]) return false;
  return true;
}

export function signatureText(f: FunctionDecl): string {
  const params = f.params.map((p) => `${p.name} ${p.type.text}`).join(', ');
  return `${f.extern ? 'extern' : 'exported'} func ${f.name}(${params})${f.returnType ? ` ${f.returnType.text}` : ''}`;
}

/**
 * Whether `item`, now its name's first declaration in `file`, is the declaration `old` stood for:
 * the same item, or the one an edit made in its place (the same summary, the old item gone from
 * the file, this one not in it before). Another item, even of the same summary (a copy of the kind
 * above it, or the one below it once it goes), is a new first declaration: the checks that point
 * at the declaration (related information) must point at it.
 */
function sameDeclaration(old: SlotEntry, file: string, item: ItemDecls, before: FileModel | undefined, now: FileModel): boolean {
  if (old.file !== file) return false;
  // The old declaration as the file's last model holds it: an edit that changed no summary may
  // have re-parsed it since the entry was made (the index was not updated for that edit), and
  // the entry's object is then in neither model.
  const was = before?.kindNamed(old.name) ?? old.item;
  if (was === item) return true;
  return was.sameSummaryAs(item) && !now.kindItems.includes(was) && !(before?.kindItems.includes(item) ?? false);
}

/** `pkg` in or out of `key`'s sorted list of packages. */
/** Adds `value` to the set `map` holds for `key` (made when it has none). */
function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/**
 * `pushTo` for lists that may be shared: a key's first value gets `alone`, a list of that value
 * alone that another holder may share; a list of one is copied to grow (lists of more are the
 * map's own). Tens of thousands of keys have one value each in a large workspace.
 */
function pushShared<K, V>(map: Map<K, readonly V[]>, key: K, value: V, alone: readonly V[]): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, alone);
  else if (list.length === 1) map.set(key, [list[0], value]);
  else (list as V[]).push(value);
}

/** Appends `value` to the list `map` holds for `key` (made when it has none). */
function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function notePackage(lists: Map<string, string[]>, key: string, pkg: string, yes: boolean): void {
  const list = lists.get(key);
  const at = list ? list.indexOf(pkg) : -1;
  if (yes && at < 0) {
    if (list) insertSorted(list, pkg);
    else lists.set(key, [pkg]);
  } else if (!yes && list && at >= 0) {
    list.splice(at, 1);
    if (list.length === 0) lists.delete(key);
  }
}

function insertSorted(list: string[], value: string): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, value);
}

/**
 * The kind names declared by the items that differ between two models of a file (compared by
 * item node: the unchanged items before and after the edit are skipped), or by every item of a
 * file that came or went.
 */
function kindNameWindow(before: FileModel | undefined, after: FileModel | undefined): Set<string> {
  const w = after?.window;
  // A model made from `before`: the kind items of its window, against those of before's.
  const { removed, added } =
    before && w?.base === before
      ? { removed: before.seen.slice(w.from, w.baseTo).filter(declaresKind), added: after!.seen.slice(w.from, w.to).filter(declaresKind) }
      : changedWindow(before?.kindItems ?? [], after?.kindItems ?? [], (i) => i.element);
  return new Set([...removed, ...added].map((i) => i.unplacedKind!.name));
}

/** Both absent, or slots of the same summary (an item exported through either makes the same sites). */
function sameSlot(a: SlotEntry | undefined, b: SlotEntry | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.file === b.file && a.item.sameSummaryAs(b.item);
}
