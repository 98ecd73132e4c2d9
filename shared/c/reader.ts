/**
 * What a C or C++ file says that matters at the Vale boundary, read from a real C syntax tree
 * (tree-sitter's C grammar, parsed by a shell: the core sees only this structural view of its
 * nodes, so it stays free of I/O and of the wasm runtime). The summary keeps positions (UTF-16
 * offsets, as web-tree-sitter reports them) and no tree, so a shell can free the tree at once.
 */
import type { TextEdit } from '../syntax/tree';

/** The file extensions read as C (C++ files too, with the C grammar: what it cannot parse is left out). */
export const C_EXTENSIONS = ['.c', '.h', '.cc', '.cpp', '.hpp', '.hh', '.cxx'];

export function isCPath(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot >= 0 && C_EXTENSIONS.includes(path.slice(dot).toLowerCase());
}

/** The part of a tree-sitter node the reader uses (web-tree-sitter's SyntaxNode has it). */
export interface CSyntaxNode {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly namedChildren: readonly CSyntaxNode[];
  childForFieldName(name: string): CSyntaxNode | null;
}

export interface CRange {
  readonly start: number;
  readonly end: number;
}

export interface CParam {
  /** The type as written, declarator pointers included (`const vtest_Ship *`). */
  readonly type: string;
  readonly name?: string;
  readonly range: CRange;
}

export interface CFunction {
  readonly name: string;
  readonly nameRange: CRange;
  readonly definition: boolean;
  readonly returnType: string;
  readonly params: readonly CParam[];
  readonly variadic: boolean;
  /** From the return type to the closing parenthesis: what a fix of the signature replaces. */
  readonly signatureRange: CRange;
}

export interface CFieldUse {
  readonly field: string;
  readonly range: CRange;
  /** The declared type of the accessed variable, when it is a parameter or a local (`vtest_Ship *`). */
  readonly baseType?: string;
  readonly arrow: boolean;
}

export interface CSwitch {
  readonly range: CRange;
  /** The `case` labels that are identifiers. */
  readonly cases: readonly { readonly name: string; readonly range: CRange }[];
  readonly hasDefault: boolean;
  /** The switched expression, e.g. `ship.type`. */
  readonly subject: string;
}

export interface CCall {
  readonly name: string;
  readonly range: CRange;
  readonly argCount: number;
}

/** A use of a name that may be a generated one (`vtest_Ship`, `vtest_IShip_Type_Kite`). */
export interface CNameUse {
  readonly name: string;
  readonly range: CRange;
}

export interface CFileSummary {
  readonly functions: readonly CFunction[];
  readonly typedefs: ReadonlyMap<string, string>;
  readonly fields: readonly CFieldUse[];
  readonly switches: readonly CSwitch[];
  readonly calls: readonly CCall[];
  readonly includes: readonly { readonly path: string; readonly range: CRange }[];
  readonly names: readonly CNameUse[];
  /**
   * The same, by top-level item, in file order: what an edit re-reads and the checks re-check.
   * The lists above are placed from these when first asked.
   */
  readonly items: readonly CItemSummary[];
  /** Where each item starts. */
  readonly starts: readonly number[];
  /** How many of its items hold a syntax error. */
  readonly errorItems: number;
}

/**
 * What one top-level item of a C file says, its positions from the item's start: an item the
 * edits did not reach is the same object at its new place.
 */
export interface CItemSummary {
  readonly type: string;
  readonly length: number;
  readonly functions: readonly CFunction[];
  /** Its typedefs, in order (later ones win). */
  readonly typedefs: readonly (readonly [name: string, type: string])[];
  readonly fields: readonly CFieldUse[];
  readonly switches: readonly CSwitch[];
  readonly calls: readonly CCall[];
  readonly includes: readonly { readonly path: string; readonly range: CRange }[];
  readonly names: readonly CNameUse[];
  /** The file-scope variables it looked up (undefined: not declared before it), by name. */
  readonly globalsRead: ReadonlyMap<string, string | undefined>;
  /** The file-scope variables it declares, in order. */
  readonly globalsSet: readonly (readonly [name: string, type: string])[];
  /** Whether the parser met an error in it (a node it skipped, or one it took as missing). */
  readonly hasError: boolean;
}

/** The same node (web-tree-sitter hands out a new wrapper object on every access). */
const same = (a: CSyntaxNode | null, b: CSyntaxNode | null): boolean =>
  !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;

/** The identifier a declarator declares, and the pointer/array suffix it adds to the type. */
function declared(d: CSyntaxNode | null): { name?: CSyntaxNode; suffix: string; fn?: CSyntaxNode } {
  let suffix = '';
  let node = d;
  let fn: CSyntaxNode | undefined;
  while (node) {
    switch (node.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return { name: node, suffix, fn };
      case 'pointer_declarator':
        suffix += '*';
        node = node.childForFieldName('declarator');
        break;
      case 'array_declarator':
        suffix += '*';
        node = node.childForFieldName('declarator');
        break;
      case 'function_declarator':
        fn ??= node;
        node = node.childForFieldName('declarator');
        break;
      case 'init_declarator':
      case 'parenthesized_declarator':
      case 'attributed_declarator':
        node = node.childForFieldName('declarator') ?? node.namedChildren[0] ?? null;
        break;
      default:
        return { suffix, fn };
    }
  }
  return { suffix, fn };
}

/** A declaration's type: qualifiers and the type specifier, as written. */
function baseTypeOf(decl: CSyntaxNode): string {
  const parts: string[] = [];
  const type = decl.childForFieldName('type');
  for (const c of decl.namedChildren) {
    if (c.type === 'type_qualifier') parts.push(c.text);
    else if (same(c, type)) parts.push(c.text);
  }
  return parts.join(' ');
}

/** The file-scope variables declared before an item, as one item reads and declares them. */
class ItemGlobals {
  readonly read = new Map<string, string | undefined>();
  readonly set: (readonly [string, string])[] = [];
  constructor(private readonly file: Map<string, string>) {}
  lookup(name: string): string | undefined {
    const type = this.file.get(name);
    if (!this.read.has(name)) this.read.set(name, type);
    return type;
  }
  declare(name: string, type: string): void {
    this.file.set(name, type);
    this.set.push([name, type]);
  }
}

/** The variables of a block (or a function's parameters), over the enclosing ones. */
class Scope {
  private readonly own = new Map<string, string>();
  constructor(private readonly outer: Scope | ItemGlobals) {}
  lookup(name: string): string | undefined {
    // Up the chain in a loop: blocks may nest thousands deep.
    let scope: Scope | ItemGlobals = this;
    while (scope instanceof Scope) {
      const type = scope.own.get(name);
      if (type !== undefined) return type;
      scope = scope.outer;
    }
    return scope.lookup(name);
  }
  declare(name: string, type: string): void {
    this.own.set(name, type);
  }
}

/** What `readCItem`'s walk does next: walk a node, or declare a name (in order with the walks around it). */
type WalkStep =
  | { readonly node: CSyntaxNode; readonly scope: Scope | ItemGlobals }
  | { readonly declare: string; readonly type: string; readonly scope: Scope | ItemGlobals };

/** Reads one top-level item of a C file, with the file-scope variables declared before it. Never throws on odd trees. */
function readCItem(item: CSyntaxNode, globals: ItemGlobals, hasError: boolean): CItemSummary {
  // Positions from the item's start.
  const base = item.startIndex;
  const range = (n: CSyntaxNode): CRange => ({ start: n.startIndex - base, end: n.endIndex - base });
  const functions: CFunction[] = [];
  const typedefs: (readonly [string, string])[] = [];
  const fields: CFieldUse[] = [];
  const switches: CSwitch[] = [];
  const calls: CCall[] = [];
  const includes: { path: string; range: CRange }[] = [];
  const names: CNameUse[] = [];

  const paramsOf = (fn: CSyntaxNode): { params: CParam[]; variadic: boolean } => {
    const list = fn.childForFieldName('parameters');
    const params: CParam[] = [];
    let variadic = false;
    for (const p of list?.namedChildren ?? []) {
      if (p.type === 'variadic_parameter') variadic = true;
      if (p.type !== 'parameter_declaration') continue;
      const d = declared(p.childForFieldName('declarator'));
      params.push({ type: `${baseTypeOf(p)}${d.suffix}`, name: d.name?.text, range: range(p) });
    }
    // `f(void)` takes nothing.
    if (params.length === 1 && !params[0].name && params[0].type.trim() === 'void') params.length = 0;
    return { params, variadic };
  };

  const addFunction = (decl: CSyntaxNode, declarator: CSyntaxNode | null, definition: boolean): void => {
    const d = declared(declarator);
    if (!d.fn || !d.name) return;
    const fnDecl = d.fn;
    // The suffix counts pointers outside the function declarator: those belong to the return type.
    const { params, variadic } = paramsOf(fnDecl);
    const returnType = `${baseTypeOf(decl)}${d.suffix}`;
    const typeNode = decl.childForFieldName('type');
    functions.push({
      name: d.name.text,
      nameRange: range(d.name),
      definition,
      returnType,
      params,
      variadic,
      signatureRange: { start: (typeNode?.startIndex ?? decl.startIndex) - base, end: fnDecl.endIndex - base },
    });
  };

  /**
   * Walks a function body (or any node) with the variables in scope, in document order, on a
   * stack of its own: C nests without limit (a body of 50,000 nested parentheses is valid C).
   */
  const walk = (root: CSyntaxNode, rootScope: Scope | ItemGlobals): void => {
    const stack: WalkStep[] = [{ node: root, scope: rootScope }];
    const children = (node: CSyntaxNode, scope: Scope | ItemGlobals): void => {
      const cs = node.namedChildren;
      for (let i = cs.length - 1; i >= 0; i--) stack.push({ node: cs[i], scope });
    };
    for (let step = stack.pop(); step; step = stack.pop()) {
      const scope = step.scope;
      if ('declare' in step) {
        scope.declare(step.declare, step.type);
        continue;
      }
      const node = step.node;
      switch (node.type) {
        case 'declaration': {
          // Each declarator declares its name before the next one's value is read, then the type.
          const base = baseTypeOf(node);
          const type = node.childForFieldName('type');
          if (type) stack.push({ node: type, scope });
          const steps: WalkStep[] = [];
          for (const c of node.namedChildren) {
            if (same(c, type) || c.type === 'type_qualifier' || c.type === 'storage_class_specifier') continue;
            const d = declared(c);
            if (d.name && !d.fn) steps.push({ declare: d.name.text, type: `${base}${d.suffix}`, scope });
            if (c.type === 'init_declarator') {
              const value = c.childForFieldName('value');
              if (value) steps.push({ node: value, scope });
            }
          }
          for (let i = steps.length - 1; i >= 0; i--) stack.push(steps[i]);
          continue;
        }
        case 'field_expression': {
          const arg = node.childForFieldName('argument');
          const field = node.childForFieldName('field');
          if (arg && field) {
            const arrow = node.text
              .slice(arg.endIndex - node.startIndex)
              .trimStart()
              .startsWith('->');
            fields.push({
              field: field.text,
              range: range(field),
              baseType: arg.type === 'identifier' ? scope.lookup(arg.text) : undefined,
              arrow,
            });
            stack.push({ node: arg, scope });
          }
          continue;
        }
        case 'switch_statement': {
          const body = node.childForFieldName('body');
          const cases: { name: string; range: CRange }[] = [];
          let hasDefault = false;
          for (const c of body?.namedChildren ?? []) {
            if (c.type !== 'case_statement') continue;
            const value = c.childForFieldName('value');
            if (!value) hasDefault = true;
            else if (value.type === 'identifier') cases.push({ name: value.text, range: range(value) });
          }
          const cond = node.childForFieldName('condition');
          switches.push({
            range: { start: node.startIndex - base, end: (cond?.endIndex ?? node.endIndex) - base },
            cases,
            hasDefault,
            subject: (cond?.text ?? '').replace(/^\(|\)$/g, '').trim(),
          });
          break;
        }
        case 'call_expression': {
          const fn = node.childForFieldName('function');
          const args = node.childForFieldName('arguments');
          if (fn?.type === 'identifier')
            calls.push({ name: fn.text, range: range(fn), argCount: args?.namedChildren.filter((a) => a.type !== 'comment').length ?? 0 });
          break;
        }
        case 'identifier':
        case 'type_identifier':
          if (node.text.includes('_')) names.push({ name: node.text, range: range(node) });
          continue;
        case 'compound_statement':
          children(node, new Scope(scope));
          continue;
      }
      children(node, scope);
    }
  };

  switch (item.type) {
    case 'preproc_include': {
      const path = item.childForFieldName('path');
      if (path?.type === 'string_literal') includes.push({ path: path.text.slice(1, -1), range: range(path) });
      break;
    }
    case 'type_definition': {
      const t = item.childForFieldName('type');
      for (const c of item.namedChildren) {
        if (same(c, t) || c.type === 'type_qualifier') continue;
        const d = declared(c);
        if (d.name && t) typedefs.push([d.name.text, `${t.text}${d.suffix}`]);
      }
      if (t) walk(t, new Scope(globals));
      break;
    }
    case 'function_definition': {
      addFunction(item, item.childForFieldName('declarator'), true);
      const scope = new Scope(globals);
      const d = declared(item.childForFieldName('declarator'));
      if (d.fn) for (const p of paramsOf(d.fn).params) if (p.name) scope.declare(p.name, p.type);
      const t = item.childForFieldName('type');
      if (t) walk(t, scope);
      if (d.fn) walk(d.fn, scope);
      const body = item.childForFieldName('body');
      if (body) walk(body, scope);
      break;
    }
    case 'declaration': {
      let isFunction = false;
      for (const c of item.namedChildren) {
        const d = declared(c);
        if (d.fn) {
          addFunction(item, c, false);
          isFunction = true;
        }
      }
      if (!isFunction) walk(item, globals);
      else {
        const t = item.childForFieldName('type');
        if (t) walk(t, new Scope(globals));
      }
      break;
    }
    default:
      walk(item, globals);
  }
  return {
    type: item.type,
    length: item.endIndex - item.startIndex,
    functions,
    typedefs,
    fields,
    switches,
    calls,
    includes,
    names,
    globalsRead: globals.read,
    globalsSet: globals.set,
    hasError,
  };
}

/** A file's summary from its items and where they start: the flat lists are placed when first asked. */
function summaryOf(items: readonly CItemSummary[], starts: readonly number[]): CFileSummary {
  const typedefs = new Map<string, string>();
  let errorItems = 0;
  for (const item of items) {
    for (const [name, type] of item.typedefs) typedefs.set(name, type);
    if (item.hasError) errorItems++;
  }
  let placed: Placed | undefined;
  const lists = (): Placed => (placed ??= place(items, starts));
  return {
    get functions() {
      return lists().functions;
    },
    typedefs,
    get fields() {
      return lists().fields;
    },
    get switches() {
      return lists().switches;
    },
    get calls() {
      return lists().calls;
    },
    get includes() {
      return lists().includes;
    },
    get names() {
      return lists().names;
    },
    items,
    starts,
    errorItems,
  };
}

/**
 * The summary of a C file a one-shot check leaves unread (shared/c/relevance.ts): nothing the
 * checks read, as a file of items that name nothing.
 */
export function unreadCSummary(): CFileSummary {
  return summaryOf([], []);
}

type Placed = Pick<CFileSummary, 'functions' | 'fields' | 'switches' | 'calls' | 'includes' | 'names'>;

/** Every item's lists at its place in the file. */
function place(items: readonly CItemSummary[], starts: readonly number[]): Placed {
  const functions: CFunction[] = [];
  const fields: CFieldUse[] = [];
  const switches: CSwitch[] = [];
  const calls: CCall[] = [];
  const includes: { path: string; range: CRange }[] = [];
  const names: CNameUse[] = [];
  items.forEach((item, k) => {
    const at = starts[k];
    const r = (x: CRange): CRange => ({ start: x.start + at, end: x.end + at });
    for (const f of item.functions)
      functions.push({
        ...f,
        nameRange: r(f.nameRange),
        params: f.params.map((p) => ({ ...p, range: r(p.range) })),
        signatureRange: r(f.signatureRange),
      });
    for (const f of item.fields) fields.push({ ...f, range: r(f.range) });
    for (const s of item.switches)
      switches.push({ ...s, range: r(s.range), cases: s.cases.map((c) => ({ name: c.name, range: r(c.range) })) });
    for (const c of item.calls) calls.push({ ...c, range: r(c.range) });
    for (const i of item.includes) includes.push({ path: i.path, range: r(i.range) });
    for (const n of item.names) names.push({ name: n.name, range: r(n.range) });
  });
  return { functions, fields, switches, calls, includes, names };
}

/** A top-level named node of a parsed C file: its type and span, and the node itself copied when asked. */
export interface CItemNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  /** Whether the parser met an error in it (a call into the parser: asked of the items read). */
  readonly hasError: boolean;
  /** The node with all its named descendants. */
  node(): CSyntaxNode;
}

/** A C file parsed by a shell. */
export interface CParse {
  /**
   * After a reparse: the part of the new text the edit and the changes of structure cover.
   * Outside it the tree's top-level nodes are the old tree's, over the same text.
   */
  readonly window?: { readonly start: number; readonly end: number };
  /** Every top-level named node, in file order. */
  all(): readonly CItemNode[];
  /** The top-level named nodes that end at or after `start` and start at or before `end`, in file order. */
  between(start: number, end: number): readonly CItemNode[];
  /** Frees the tree (then neither a node nor a reparse over it may be asked). */
  release(): void;
  /**
   * Marks an edit on the tree without reparsing it (a keystroke read from a fragment): from then
   * on the parse may only be released or reparsed over, which takes every edit marked.
   */
  defer?(edit: CTreeEdit): void;
}

/** A point of a text as tree-sitter counts it: a line and a column (UTF-16 code units here). */
export interface CPoint {
  readonly row: number;
  readonly column: number;
}

/** One replacement, as a reparse over the old tree needs it (tree-sitter's `InputEdit`). */
export interface CTreeEdit {
  readonly startIndex: number;
  readonly oldEndIndex: number;
  readonly newEndIndex: number;
  readonly startPosition: CPoint;
  readonly oldEndPosition: CPoint;
  readonly newEndPosition: CPoint;
}

/**
 * Parses a C file for the core (tree-sitter's C grammar, in a shell); with `previous`, the same
 * file's last parse, and `edit`, the change since, it reparses over the old tree (the caller then
 * releases `previous`).
 */
export interface CParser {
  (text: string, previous?: CParse, edit?: CTreeEdit): CParse;
  /**
   * `text[start, end)` parsed alone, its nodes at their offsets in `text` (`all()` lists them):
   * what a keystroke's items are read from when the text around them is unchanged (`readCFragment`).
   */
  fragment?(text: string, start: number, end: number): CParse;
}
// Either may throw `CParserFailure`.

/**
 * What a `CParser` throws when it cannot parse (its runtime failed): the core leaves the file
 * unread, as without a parser, instead of failing the whole analysis.
 */
export class CParserFailure extends Error {}

/** What changed between two texts: [start, oldEnd) of the old text became [start, newEnd) of the new. */
export interface CChange {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/** The one span that covers a list of edits, each in the offsets of the text the ones before it left. */
export function coveringChange(edits: readonly TextEdit[]): CChange | undefined {
  let cover: { start: number; oldEnd: number; newEnd: number } | undefined;
  for (const e of edits) {
    const newEnd = e.start + e.newText.length;
    if (!cover) cover = { start: e.start, oldEnd: e.end, newEnd };
    else if (e.end <= cover.newEnd) {
      cover.newEnd += e.newText.length - (e.end - e.start);
      cover.start = Math.min(cover.start, e.start);
    } else {
      cover.oldEnd += e.end - cover.newEnd;
      cover.newEnd = newEnd;
      cover.start = Math.min(cover.start, e.start);
    }
  }
  return cover;
}

/**
 * A C file's summary from its parse after `change` (undefined: nothing is taken over), and how
 * many items were read. Of `before`, the file's summary before the change, an item the change
 * did not reach (wholly before it, or wholly after it at the same distance from the end) is
 * taken over, the same object at its new place, while the file-scope variables it read are the
 * same; only the others are copied out of the parse and read. Never throws on odd trees: what
 * it cannot read it leaves out.
 */
export function readCParse(parse: CParse, change: CChange | undefined, before?: CFileSummary): { summary: CFileSummary; read: number } {
  const old = before ?? { items: [], starts: [], errorItems: 0 };
  if (change && parse.window) {
    const around = aroundWindow(parse, parse.window, change, old);
    if (around) return around;
  }
  const read = new Items();
  readSpans(read, parse.all(), change, old, 0, old.items.length);
  return { summary: summaryOf(read.items, read.starts), read: read.read };
}

/** Items with their starts, as a summary is made of them. */
class Items {
  readonly items: CItemSummary[];
  readonly starts: number[];
  readonly globals = new Map<string, string>();
  read = 0;
  /**
   * With `before`, its first `count` items taken over where they are: the text before them is
   * the same, and so is every file-scope variable they read.
   */
  constructor(before?: Before, count = 0) {
    this.items = before ? before.items.slice(0, count) : [];
    this.starts = before ? before.starts.slice(0, count) : [];
    for (let j = 0; j < count; j++) {
      const set = this.items[j].globalsSet;
      for (let i = 0; i < set.length; i++) this.globals.set(set[i][0], set[i][1]);
    }
  }
  /**
   * Takes `item` over at `start`, unless the file-scope variables it read changed, or it is an
   * error and `sameTree` does not say that the parser kept its node (what tree-sitter's recovery
   * makes of a text depends on what came before it).
   */
  takeOver(item: CItemSummary, start: number, sameTree = false): boolean {
    if ((!sameTree && item.type === 'ERROR') || !sameGlobals(item, this.globals)) return false;
    // Index loops: a keystroke takes thousands of items over, most with no variable at all.
    const set = item.globalsSet;
    for (let i = 0; i < set.length; i++) this.globals.set(set[i][0], set[i][1]);
    this.items.push(item);
    this.starts.push(start);
    return true;
  }
}

type Before = Pick<CFileSummary, 'items' | 'starts' | 'errorItems'>;

/**
 * `readCParse` after a reparse, listing only the nodes around its window: the old items wholly
 * before the nodes listed and wholly after them are taken over (moved after them). The span
 * listed grows until it covers every old item it reaches into and every node it lists. Undefined
 * when a taken-over item read a file-scope variable that changed: it must be read again.
 */
function aroundWindow(
  parse: CParse,
  window: { readonly start: number; readonly end: number },
  change: CChange,
  before: Before,
): { summary: CFileSummary; read: number } | undefined {
  const delta = change.newEnd - change.oldEnd;
  const { items, starts } = before;
  const endOf = (j: number): number => starts[j] + items[j].length;
  // [start, end] of the new text; before `start` the texts are the same, after `end` moved by delta.
  let start = window.start;
  let end = window.end;
  let i: number;
  let k: number;
  let listed: readonly CItemNode[];
  for (;;) {
    i = 0;
    while (i < items.length && endOf(i) < start) i++;
    k = i;
    while (k < items.length && starts[k] <= end - delta) k++;
    const from = i < k ? Math.min(start, starts[i]) : start;
    const to = i < k ? Math.max(end, endOf(k - 1) + delta) : end;
    listed = parse.between(from, to);
    const first = listed.length ? Math.min(from, listed[0].startIndex) : from;
    const last = listed.length ? Math.max(to, listed[listed.length - 1].endIndex) : to;
    if (first === start && last === end) break;
    start = first;
    end = last;
  }
  // Outside the window the parser kept the old nodes: errors too.
  return splice(before, i, k, listed, change);
}

/**
 * The old items before `i` and from `k` on taken over (those after moved by the change), the
 * nodes `listed` read between them; undefined when a taken-over item read a file-scope variable
 * that changed.
 */
function splice(
  before: Before,
  i: number,
  k: number,
  listed: readonly CItemNode[],
  change: CChange,
): { summary: CFileSummary; read: number } | undefined {
  const delta = change.newEnd - change.oldEnd;
  const { items, starts } = before;
  const out = new Items(before, i);
  const from = out.items.length;
  readSpans(out, listed, change, before, i, k);
  // The variables the items after read are the same when neither the items replaced nor those
  // put in their place declare one.
  let noVariable = true;
  for (let j = i; j < k && noVariable; j++) noVariable = items[j].globalsSet.length === 0;
  for (let j = from; j < out.items.length && noVariable; j++) noVariable = out.items[j].globalsSet.length === 0;
  if (noVariable)
    for (let j = k; j < items.length; j++) {
      out.items.push(items[j]);
      out.starts.push(starts[j] + delta);
    }
  else for (let j = k; j < items.length; j++) if (!out.takeOver(items[j], starts[j] + delta, true)) return undefined;
  return { summary: summaryOf(out.items, out.starts), read: out.read };
}

/**
 * The span of the new text to parse alone for `change`: from the start of the last old item
 * wholly before the change to the end of the first wholly after it (the items `first` and `last`,
 * which the parse must give back unchanged), or to the file's ends. Undefined when it is over
 * half of the file (a parse over the last tree costs less).
 */
export function fragmentAround(
  before: Before,
  change: CChange,
  length: number,
): { readonly start: number; readonly end: number; readonly first: number; readonly last: number } | undefined {
  const { items, starts } = before;
  const delta = change.newEnd - change.oldEnd;
  // The last item ending before the change (a gap between: text typed at an item's end may join it).
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] + items[mid].length < change.start) lo = mid + 1;
    else hi = mid;
  }
  const first = lo - 1;
  // The first item starting after the change.
  hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= change.oldEnd) lo = mid + 1;
    else hi = mid;
  }
  const last = lo < items.length ? lo : -1;
  const start = first >= 0 ? starts[first] : 0;
  const end = last >= 0 ? starts[last] + items[last].length + delta : length;
  return end - start > length / 2 ? undefined : { start, end, first, last };
}

/**
 * `readCParse` from the parse of a fragment (`fragmentAround`) alone: its nodes read between
 * the old items before and after it, taken over. Undefined when the fragment's first or last
 * node is not its old item at the same place (the parse alone differs from the file's there),
 * when the rest of the file holds a syntax error, when the parser's recovery reached the top
 * level of the fragment, or when a taken-over item read a file-scope variable that changed.
 */
export function readCFragment(
  fragment: CParse,
  around: { readonly first: number; readonly last: number },
  change: CChange,
  before: Before,
): { summary: CFileSummary; read: number } | undefined {
  const { items, starts } = before;
  // An error elsewhere in the file (or in an item on either side) can change what the parser
  // makes of the fragment: its recovery weighs what follows, and can take the nodes before the
  // error into one.
  const end = around.last >= 0 ? around.last : items.length;
  let inside = 0;
  for (let j = around.first + 1; j < end; j++) if (items[j].hasError) inside++;
  if (inside !== before.errorItems) return undefined;
  const nodes = fragment.all();
  const delta = change.newEnd - change.oldEnd;
  const isItem = (n: CItemNode | undefined, j: number, at: number): boolean =>
    n !== undefined && n.startIndex === at && n.type === items[j].type && n.endIndex - n.startIndex === items[j].length;
  if (around.first >= 0 && !isItem(nodes[0], around.first, starts[around.first])) return undefined;
  if (around.last >= 0 && !isItem(nodes[nodes.length - 1], around.last, starts[around.last] + delta)) return undefined;
  // An error at the top level, or a node the parser took as missing there: its recovery crossed
  // an item's boundary, which the rest of the file would have weighed.
  for (const n of nodes) if (n.type === 'ERROR' || n.startIndex === n.endIndex) return undefined;
  return splice(before, Math.max(around.first, 0), around.last >= 0 ? around.last + 1 : items.length, nodes, change);
}

/** Reads the items of `spans` into `out`, taking over those of `before` (from `from` to `to`) the change did not reach. */
function readSpans(out: Items, spans: readonly CItemNode[], change: CChange | undefined, before: Before, from: number, to: number): void {
  const delta = change ? change.newEnd - change.oldEnd : 0;
  let j = from;
  for (const span of spans) {
    if (change) {
      // Where the same text was in the old file, if the change did not reach it.
      const was = span.endIndex <= change.start ? span.startIndex : span.startIndex >= change.newEnd ? span.startIndex - delta : -1;
      if (was >= 0) {
        while (j < to && before.starts[j] < was) j++;
        const o = j < to ? before.items[j] : undefined;
        if (
          o &&
          before.starts[j] === was &&
          o.length === span.endIndex - span.startIndex &&
          o.type === span.type &&
          out.takeOver(o, span.startIndex)
        )
          continue;
      }
    }
    readSpan(out, span);
  }
}

/** One top-level node read into `out` at its place. */
function readSpan(out: Items, span: CItemNode): void {
  out.items.push(readCItem(span.node(), new ItemGlobals(out.globals), span.hasError));
  out.starts.push(span.startIndex);
  out.read++;
}

/**
 * A file's summary read from a parse a few items at a time (what a shell spreads between its
 * messages): `step` reads up to `count` more top-level nodes and returns the summary once every
 * one is read.
 */
export class SteppedRead {
  private readonly spans: readonly CItemNode[];
  private readonly out = new Items();
  private next = 0;
  constructor(parse: CParse) {
    this.spans = parse.all();
  }
  step(count: number): CFileSummary | undefined {
    const end = Math.min(this.spans.length, this.next + count);
    while (this.next < end) readSpan(this.out, this.spans[this.next++]);
    return this.next < this.spans.length ? undefined : summaryOf(this.out.items, this.out.starts);
  }
}

/**
 * A file's summary read from a parse from scratch (`fresh`) against the summary its edits left
 * (`before`): undefined when every item reads the same at the same place, else the fresh summary
 * with `before`'s item objects wherever they read the same (what was checked of them stays).
 */
export function settledSummary(before: CFileSummary, fresh: CFileSummary): CFileSummary | undefined {
  const items = fresh.items.slice();
  let differs = items.length !== before.items.length;
  for (let k = 0, j = 0; k < items.length; k++) {
    while (j < before.items.length && before.starts[j] < fresh.starts[k]) j++;
    if (j < before.items.length && before.starts[j] === fresh.starts[k] && sameData(before.items[j], items[k])) items[k] = before.items[j];
    else differs = true;
  }
  return differs ? summaryOf(items, fresh.starts) : undefined;
}

/** Whether two values read from C items are the same data: numbers, strings, booleans, lists, maps and records of them. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !sameData(v, b.get(k))) return false;
    return true;
  }
  if (Array.isArray(b) || b instanceof Map) return false;
  // Records: the same keys, the same values (loops, no key lists made).
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const k in x) {
    keys++;
    if (!(k in y) || !sameData(x[k], y[k])) return false;
  }
  for (const _ in y) keys--;
  return keys === 0;
}

function sameGlobals(item: CItemSummary, globals: ReadonlyMap<string, string>): boolean {
  if (item.globalsRead.size === 0) return true;
  for (const [name, type] of item.globalsRead) if (globals.get(name) !== type) return false;
  return true;
}
