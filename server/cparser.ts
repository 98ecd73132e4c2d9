// tree-sitter's C grammar through web-tree-sitter, for the core's C reader (shared/c). The wasm
// files ship beside the bundles (dist/tree-sitter.wasm, dist/tree-sitter-c.wasm; build.mjs copies
// them); from the sources they are found in node_modules. Loading is asynchronous, so each shell
// loads the parser once before it reads C files.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { type CItemNode, type CParse, type CParser, CParserFailure, type CSyntaxNode, type CTreeEdit } from '../shared';

/** V8's WebAssembly, the calls made here (the project's TypeScript libraries do not declare it). */
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<unknown>;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> }; module: unknown }>;
};

function firstExisting(candidates: readonly string[]): string | undefined {
  return candidates.find((path) => existsSync(path));
}

/** A named node as plain data: the core reads it without a call into wasm per question. */
class PlainNode implements CSyntaxNode {
  readonly namedChildren: PlainNode[] = [];
  fieldName: string | null = null;
  constructor(
    private readonly source: string,
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {}
  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }
  childForFieldName(name: string): PlainNode | null {
    return this.namedChildren.find((c) => c.fieldName === name) ?? null;
  }
}

interface Cursor {
  readonly nodeTypeId: number;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly currentFieldId: number;
  /** The tree it walks: `tree[0]` is the tree's address in wasm memory. */
  readonly tree: { readonly 0: number };
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete(): void;
}

/**
 * The runtime's own cursor functions (tree-sitter.wasm's exports). Each reads the cursor from
 * the runtime's transfer buffer and a move writes it back there, so a walk that makes one call
 * after another needs nothing else. web-tree-sitter's cursor object copies the cursor into the
 * buffer and out again around every call, word by word: in a one-shot run, whose code is cold,
 * that was half of the time spent copying a tree.
 */
interface CursorExports {
  ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  ts_tree_cursor_start_index_wasm(tree: number): number;
  ts_tree_cursor_end_index_wasm(tree: number): number;
  ts_tree_cursor_current_field_id_wasm(tree: number): number;
  ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  ts_tree_cursor_goto_parent_wasm(tree: number): number;
  ts_tree_cursor_delete_wasm(tree: number): void;
}

const CURSOR_EXPORTS: readonly (keyof CursorExports)[] = [
  'ts_tree_cursor_current_node_type_id_wasm',
  'ts_tree_cursor_start_index_wasm',
  'ts_tree_cursor_end_index_wasm',
  'ts_tree_cursor_current_field_id_wasm',
  'ts_tree_cursor_goto_first_child_wasm',
  'ts_tree_cursor_goto_next_sibling_wasm',
  'ts_tree_cursor_goto_parent_wasm',
  'ts_tree_cursor_delete_wasm',
];

/** The runtime's exports when they have every cursor function used here, else undefined. */
function cursorExports(exports: Record<string, unknown>): CursorExports | undefined {
  return CURSOR_EXPORTS.every((name) => typeof exports[name] === 'function') ? (exports as unknown as CursorExports) : undefined;
}

/**
 * web-tree-sitter's cursor object behind the runtime's function names (the tree argument is the
 * object's own): the walk when the runtime's exports lack one of them.
 */
function objectCalls(c: Cursor): CursorExports {
  return {
    ts_tree_cursor_current_node_type_id_wasm: () => c.nodeTypeId,
    ts_tree_cursor_start_index_wasm: () => c.startIndex,
    ts_tree_cursor_end_index_wasm: () => c.endIndex,
    ts_tree_cursor_current_field_id_wasm: () => c.currentFieldId,
    ts_tree_cursor_goto_first_child_wasm: () => (c.gotoFirstChild() ? 1 : 0),
    ts_tree_cursor_goto_next_sibling_wasm: () => (c.gotoNextSibling() ? 1 : 0),
    ts_tree_cursor_goto_parent_wasm: () => (c.gotoParent() ? 1 : 0),
    ts_tree_cursor_delete_wasm: () => c.delete(),
  };
}

/**
 * How a walk reaches a cursor `walk()` just made: through the runtime's functions, on the cursor
 * that making it left in the transfer buffer (nothing else calls into the runtime until the walk
 * has ended, and the cursor is deleted from the buffer too: the object's copy of it is stale once
 * a move has grown its stack), or through the object.
 */
type CursorRoute = (cursor: Cursor) => { readonly calls: CursorExports; readonly tree: number };

const objectRoute: CursorRoute = (c) => ({ calls: objectCalls(c), tree: 0 });

function exportsRoute(x: CursorExports): CursorRoute {
  return (c) => ({ calls: x, tree: c.tree[0] });
}

interface Language {
  readonly types: readonly string[];
  readonly fields: readonly (string | null)[];
  nodeTypeIsNamed(typeId: number): boolean;
}

/** Nodes whose insides the reader never looks at: their children are not copied. */
const LEAVES = new Set(['string_literal', 'char_literal', 'number_literal', 'comment', 'concatenated_string', 'system_lib_string']);

/**
 * What the walk asks of each node type, answered once per type: every cursor getter is a call
 * into wasm, so a node costs one call for its type, and a named one two more for its span and
 * one for its field.
 */
class NodeTypes {
  private readonly named: (boolean | undefined)[] = [];
  constructor(readonly language: Language) {}
  isNamed(id: number): boolean {
    let n = this.named[id];
    if (n === undefined) this.named[id] = n = this.language.nodeTypeIsNamed(id);
    return n;
  }
  name(id: number): string {
    return this.language.types[id] ?? 'ERROR';
  }
}

/**
 * The named nodes of a tree-sitter tree, copied in one cursor walk (the tree can then be freed).
 * Anonymous nodes (punctuation, keywords) are tokens: the walk does not look inside them.
 */
function plainTree({ calls: x, tree: t }: ReturnType<CursorRoute>, source: string, types: NodeTypes, shift: number): PlainNode {
  const root = new PlainNode(
    source,
    types.name(x.ts_tree_cursor_current_node_type_id_wasm(t)),
    x.ts_tree_cursor_start_index_wasm(t) + shift,
    x.ts_tree_cursor_end_index_wasm(t) + shift,
  );
  const stack: PlainNode[] = [root];
  try {
    if (x.ts_tree_cursor_goto_first_child_wasm(t) !== 1) return root;
    for (;;) {
      const id = x.ts_tree_cursor_current_node_type_id_wasm(t);
      if (types.isNamed(id)) {
        const type = types.name(id);
        const node = new PlainNode(source, type, x.ts_tree_cursor_start_index_wasm(t) + shift, x.ts_tree_cursor_end_index_wasm(t) + shift);
        const field = x.ts_tree_cursor_current_field_id_wasm(t);
        if (field !== 0) node.fieldName = types.language.fields[field] ?? null;
        stack[stack.length - 1].namedChildren.push(node);
        if (!LEAVES.has(type) && x.ts_tree_cursor_goto_first_child_wasm(t) === 1) {
          stack.push(node);
          continue;
        }
      }
      while (x.ts_tree_cursor_goto_next_sibling_wasm(t) !== 1) {
        if (x.ts_tree_cursor_goto_parent_wasm(t) !== 1) return root;
        stack.pop();
        if (stack.length === 0) return root;
      }
    }
  } finally {
    x.ts_tree_cursor_delete_wasm(t);
  }
}

/** The parts of a web-tree-sitter tree and node used here. */
interface TreeSitterNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly nextNamedSibling: TreeSitterNode | null;
  readonly previousNamedSibling: TreeSitterNode | null;
  readonly hasError: boolean;
  walk(): Cursor;
}
interface TreeSitterTree {
  readonly rootNode: {
    readonly namedChildren: TreeSitterNode[];
    /** The first named child that ends after `index`. */
    firstNamedChildForIndex(index: number): TreeSitterNode | null;
  };
  edit(edit: CTreeEdit): void;
  getChangedRanges(old: TreeSitterTree): { startIndex: number; endIndex: number }[];
  delete(): void;
}

/**
 * A parsed C file, or a fragment of one parsed alone (its offsets moved by `shift`): its
 * top-level named nodes (a call for the list and two per node), each copied when the core asks;
 * after a reparse, the window the edit and tree-sitter's changed ranges cover, and the nodes of a
 * span found from the root by offset, not by listing all.
 */
class TreeSitterParse implements CParse {
  private every?: readonly CItemNode[];
  /** Edits marked on the tree since it was parsed: only a reparse over it may follow. */
  private deferred = false;
  constructor(
    readonly tree: TreeSitterTree,
    private readonly text: string,
    private readonly types: NodeTypes,
    private readonly route: CursorRoute,
    readonly window?: { readonly start: number; readonly end: number },
    private readonly shift = 0,
    /** Whether the runtime was given `text` with its deepest groups blanked (`shallowC`). */
    readonly blanked = false,
  ) {}
  all(): readonly CItemNode[] {
    this.usable();
    // Type and end are calls into wasm: asked once each.
    this.every ??= this.tree.rootNode.namedChildren.map((n) => this.item(n.type, n.startIndex + this.shift, n.endIndex + this.shift, n));
    return this.every;
  }
  private item(type: string, startIndex: number, endIndex: number, n: TreeSitterNode): CItemNode {
    return {
      type,
      startIndex,
      endIndex,
      get hasError() {
        return n.hasError;
      },
      node: () => plainTree(this.route(n.walk()), this.text, this.types, this.shift),
    };
  }
  private usable(): void {
    if (this.deferred) throw new Error('a C parse with deferred edits was read (it may only be reparsed over)');
  }
  defer(edit: CTreeEdit): void {
    this.tree.edit(edit);
    this.deferred = true;
  }
  /** The top-level named nodes that end at or after `start` and start at or before `end`. */
  between(start: number, end: number): readonly CItemNode[] {
    this.usable();
    if (this.shift !== 0) return this.all().filter((x) => x.endIndex >= start && x.startIndex <= end);
    // tree-sitter's search by offset can miss around zero-width nodes (a missing token): it is
    // checked one node back, and when it finds nothing every node is listed.
    let n = this.tree.rootNode.firstNamedChildForIndex(Math.max(0, start - 1));
    if (!n) return this.all().filter((x) => x.endIndex >= start && x.startIndex <= end);
    for (let back = n.previousNamedSibling; back && back.endIndex >= start; back = back.previousNamedSibling) n = back;
    const out: CItemNode[] = [];
    for (let at: TreeSitterNode | null = n; at && at.startIndex <= end; at = at.nextNamedSibling) {
      out.push(this.item(at.type, at.startIndex, at.endIndex, at));
    }
    return out;
  }
  release(): void {
    this.tree.delete();
  }
}

let parserClass: ReturnType<NodeRequire> | undefined;

/**
 * web-tree-sitter's Parser class, required once: its `init` replaces the package's
 * `module.exports` with the runtime's module, so a later `require` no longer returns the class.
 */
export function webTreeSitter(): ReturnType<NodeRequire> {
  parserClass ??= require('web-tree-sitter');
  return parserClass;
}

/** What a loaded grammar holds: the parser, its node types, and how a walk reaches its cursors. */
interface Loaded {
  readonly parser: { parse(text: string, old?: TreeSitterTree): TreeSitterTree };
  readonly types: NodeTypes;
  readonly route: CursorRoute;
}

let loading: Promise<Loaded | undefined> | undefined;
let loadingParser: Promise<CParser | undefined> | undefined;

/** The C parser (one per process), or undefined (with the reason on `warn`) when its wasm files are missing or fail to load. */
export function loadCParser(warn: (message: string) => void = () => undefined): Promise<CParser | undefined> {
  loading ??= load(warn);
  loadingParser ??= loading.then((loaded) => loaded && cParser(loaded, loaded.route));
  return loadingParser;
}

/** A parser over the same grammar whose trees are copied through web-tree-sitter's cursor objects (for tests: what the runtime's functions must agree with). */
export async function loadCParserThroughCursorObjects(): Promise<CParser | undefined> {
  loading ??= load(() => undefined);
  const loaded = await loading;
  return loaded && cParser(loaded, objectRoute);
}

async function load(warn: (message: string) => void): Promise<Loaded | undefined> {
  // Beside the bundle (dist/), else the packages themselves (running from the sources, server/).
  const modules = join(__dirname, '..', 'node_modules');
  const runtime = firstExisting([join(__dirname, 'tree-sitter.wasm'), join(modules, 'web-tree-sitter', 'tree-sitter.wasm')]);
  const grammar = firstExisting([join(__dirname, 'tree-sitter-c.wasm'), join(modules, 'tree-sitter-wasms', 'out', 'tree-sitter-c.wasm')]);
  if (!runtime || !grammar) {
    warn(`C files are not read: ${!runtime ? 'tree-sitter.wasm' : 'tree-sitter-c.wasm'} is missing beside ${__dirname}`);
    return undefined;
  }
  try {
    // Compile the whole grammar up front, on V8's background threads, instead of each wasm
    // function on the main thread at its first call (the first parses would pay for it).
    setFlagsFromString('--no-wasm-lazy-compilation');
    const Parser = webTreeSitter();
    // The bytes are read here (not fetched by the runtime), so compiling starts at once, off this thread.
    const grammarBytes = readFileSync(grammar);
    // The grammar compiles now, beside the runtime, not once the runtime is up: V8 keeps the
    // compiled module by its bytes, and the grammar's load below finds it (a shell that reads its
    // Vale files meanwhile gets the grammar's continuation only when they are read).
    const compiled = WebAssembly.compile(grammarBytes).catch(() => undefined);
    // The runtime is instantiated here (emscripten's `instantiateWasm`), to keep its exports; a
    // failure rejects the load instead of leaving `init` waiting.
    const runtimeBytes = readFileSync(runtime);
    let exports: Record<string, unknown> = {};
    let failed: (e: unknown) => void = () => undefined;
    const failure = new Promise<never>((_, reject) => {
      failed = reject;
    });
    await Promise.race([
      Parser.init({
        locateFile: (name: string) => join(dirname(runtime), name),
        instantiateWasm: (imports: object, receive: (instance: unknown, module: unknown) => void) => {
          WebAssembly.instantiate(runtimeBytes, imports)
            .then(({ instance, module }) => {
              exports = instance.exports;
              receive(instance, module);
            })
            .catch(failed);
          return {};
        },
      }),
      failure,
    ]);
    await compiled;
    const language = await Parser.Language.load(grammarBytes);
    const parser = new Parser();
    parser.setLanguage(language);
    const direct = cursorExports(exports);
    return { parser, types: new NodeTypes(language), route: direct ? exportsRoute(direct) : objectRoute };
  } catch (e) {
    warn(`C files are not read: the C grammar did not load (${e instanceof Error ? e.message : String(e)})`);
    return undefined;
  }
}

/**
 * Brackets nested deeper than this are not handed to tree-sitter. Its runtime keeps its stack in
 * the wasm memory, unchecked: about 2,000 nested statement expressions or initializers (`({`,
 * `{ .a = {`; web-tree-sitter 0.22.6, measured) overflow it and corrupt the memory, after which
 * every parse of the process fails. A group that would nest deeper is parsed as blanks (its line
 * breaks kept, so every offset and line stays): what is inside it is not read.
 */
export const C_MAX_NESTING = 1000;

const CH_LF = 10;
const CH_CR = 13;
const CH_QUOTE = 34;
const CH_APOSTROPHE = 39;
const CH_STAR = 42;
const CH_SLASH = 47;
const CH_BACKSLASH = 92;

/** Where the comment or literal starting at `i` ends (its last character), or `i` when none starts there. */
function skipped(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === CH_SLASH) {
    const d = text.charCodeAt(i + 1);
    if (d === CH_SLASH) {
      let j = i + 2;
      while (j < text.length && text.charCodeAt(j) !== CH_LF) j++;
      return j - 1;
    }
    if (d === CH_STAR) {
      const end = text.indexOf('*/', i + 2);
      return end < 0 ? text.length - 1 : end + 1;
    }
    return i;
  }
  if (c !== CH_QUOTE && c !== CH_APOSTROPHE) return i;
  // A literal ends at its closing quote, else (unterminated) before the line's end.
  let j = i + 1;
  for (; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === CH_BACKSLASH) j++;
    else if (d === c) return j;
    else if (d === CH_LF || d === CH_CR) return j - 1;
  }
  return text.length - 1;
}

/** +1 for an opening bracket, -1 for a closing one, else 0. */
function bracket(c: number): number {
  return c === 40 || c === 91 || c === 123 ? 1 : c === 41 || c === 93 || c === 125 ? -1 : 0;
}

/** `text` with each bracket group nested deeper than `limit` blanked (`C_MAX_NESTING`); the same string when none is. */
export function shallowC(text: string, limit = C_MAX_NESTING): string {
  let parts: string[] | undefined;
  let copied = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const end = skipped(text, i);
    if (end !== i) {
      i = end;
      continue;
    }
    const b = bracket(text.charCodeAt(i));
    if (b < 0) depth = Math.max(0, depth - 1);
    else if (b > 0 && ++depth > limit) {
      // The group to its closing bracket (or the text's end) is blanked.
      let inner = 1;
      let j = i + 1;
      for (; j < text.length && inner > 0; j++) {
        const k = skipped(text, j);
        if (k !== j) j = k;
        else inner += bracket(text.charCodeAt(j));
      }
      parts ??= [];
      parts.push(text.slice(copied, i), text.slice(i, j).replace(/[^\r\n]/g, ' '));
      copied = j;
      i = j - 1;
      depth--;
    }
  }
  if (!parts) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

function cParser({ parser, types }: Loaded, route: CursorRoute): CParser {
  // Once the runtime has thrown, its memory may be corrupt: no parse is tried again.
  let failed: string | undefined;
  // Checked before any call into the runtime, a tree's edit included (it throws once the memory is corrupt).
  const usable = (): void => {
    if (failed) throw new CParserFailure(failed);
  };
  const run = (text: string, old?: TreeSitterTree): TreeSitterTree => {
    try {
      return parser.parse(text, old);
    } catch (e) {
      failed = `the C parser failed (${e instanceof Error ? e.message : String(e)}) and reads no C file again until restarted`;
      throw new CParserFailure(failed);
    }
  };
  const parse = (text: string, previous?: CParse, edit?: CTreeEdit): CParse => {
    usable();
    const shallow = shallowC(text);
    // A blanked text, now or last time, is parsed from scratch: its blanks are not in the edit.
    if (!edit || !(previous instanceof TreeSitterParse) || shallow !== text || previous.blanked) {
      return new TreeSitterParse(run(shallow), text, types, route, undefined, 0, shallow !== text);
    }
    const old = previous.tree;
    old.edit(edit);
    const tree: TreeSitterTree = run(text, old);
    // What the core must read again: the edit, and where the structure changed around it.
    let start = edit.startIndex;
    let end = edit.newEndIndex;
    for (const r of tree.getChangedRanges(old)) {
      start = Math.min(start, r.startIndex);
      end = Math.max(end, r.endIndex);
    }
    return new TreeSitterParse(tree, text, types, route, { start, end });
  };
  return Object.assign(parse, {
    fragment: (text: string, start: number, end: number): CParse => {
      usable();
      return new TreeSitterParse(run(shallowC(text.slice(start, end))), text, types, route, { start, end }, start);
    },
  });
}
