// tree-sitter's C grammar through web-tree-sitter, for the core's C reader (shared/c). The wasm
// files ship beside the bundles (dist/tree-sitter.wasm, dist/tree-sitter-c.wasm; build.mjs copies
// them); from the sources they are found in node_modules. Loading is asynchronous, so each shell
// loads the parser once before it reads C files.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { CItemNode, CParse, CParser, CSyntaxNode, CTreeEdit } from '../shared';

/** V8's WebAssembly, the one call made here (the project's TypeScript libraries do not declare it). */
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<unknown> };

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
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete(): void;
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
 * into wasm that copies the cursor over, so a node costs one call for its type, and a named one
 * two more for its span and one for its field.
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
function plainTree(cursor: Cursor, source: string, types: NodeTypes): PlainNode {
  const root = new PlainNode(source, types.name(cursor.nodeTypeId), cursor.startIndex, cursor.endIndex);
  const stack: PlainNode[] = [root];
  try {
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      const id = cursor.nodeTypeId;
      if (types.isNamed(id)) {
        const type = types.name(id);
        const node = new PlainNode(source, type, cursor.startIndex, cursor.endIndex);
        const field = cursor.currentFieldId;
        if (field !== 0) node.fieldName = types.language.fields[field] ?? null;
        stack[stack.length - 1].namedChildren.push(node);
        if (!LEAVES.has(type) && cursor.gotoFirstChild()) {
          stack.push(node);
          continue;
        }
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return root;
        stack.pop();
        if (stack.length === 0) return root;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** The parts of a web-tree-sitter tree and node used here. */
interface TreeSitterNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly nextNamedSibling: TreeSitterNode | null;
  readonly previousNamedSibling: TreeSitterNode | null;
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
 * A parsed C file: its top-level named nodes (a call for the list and two per node), each copied
 * when the core asks; after a reparse, the window the edit and tree-sitter's changed ranges
 * cover, and the nodes of a span found from the root by offset, not by listing all.
 */
class TreeSitterParse implements CParse {
  private every?: readonly CItemNode[];
  constructor(
    readonly tree: TreeSitterTree,
    private readonly text: string,
    private readonly types: NodeTypes,
    readonly window?: { readonly start: number; readonly end: number },
  ) {}
  all(): readonly CItemNode[] {
    // Type and end are calls into wasm: asked once each.
    this.every ??= this.tree.rootNode.namedChildren.map((n) => this.item(n.type, n.startIndex, n.endIndex, () => n.walk()));
    return this.every;
  }
  private item(type: string, startIndex: number, endIndex: number, walk: () => Cursor): CItemNode {
    return { type, startIndex, endIndex, node: () => plainTree(walk(), this.text, this.types) };
  }
  /** The top-level named nodes that end at or after `start` and start at or before `end`. */
  between(start: number, end: number): readonly CItemNode[] {
    // tree-sitter's search by offset can miss around zero-width nodes (a missing token): it is
    // checked one node back, and when it finds nothing every node is listed.
    let n = this.tree.rootNode.firstNamedChildForIndex(Math.max(0, start - 1));
    if (!n) return this.all().filter((x) => x.endIndex >= start && x.startIndex <= end);
    for (let back = n.previousNamedSibling; back && back.endIndex >= start; back = back.previousNamedSibling) n = back;
    const out: CItemNode[] = [];
    for (let at: TreeSitterNode | null = n; at && at.startIndex <= end; at = at.nextNamedSibling) {
      const node = at;
      out.push(this.item(node.type, node.startIndex, node.endIndex, () => node.walk()));
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

let loading: Promise<CParser | undefined> | undefined;

/** The C parser, or undefined (with the reason on `warn`) when its wasm files are missing. */
export function loadCParser(warn: (message: string) => void = () => undefined): Promise<CParser | undefined> {
  loading ??= (async () => {
    // Beside the bundle (dist/), else the packages themselves (running from the sources, server/).
    const modules = join(__dirname, '..', 'node_modules');
    const runtime = firstExisting([join(__dirname, 'tree-sitter.wasm'), join(modules, 'web-tree-sitter', 'tree-sitter.wasm')]);
    const grammar = firstExisting([join(__dirname, 'tree-sitter-c.wasm'), join(modules, 'tree-sitter-wasms', 'out', 'tree-sitter-c.wasm')]);
    if (!runtime || !grammar) {
      warn(`C files are not read: ${!runtime ? 'tree-sitter.wasm' : 'tree-sitter-c.wasm'} is missing beside ${__dirname}`);
      return undefined;
    }
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
    await Parser.init({ wasmBinary: readFileSync(runtime), locateFile: (name: string) => join(dirname(runtime), name) });
    await compiled;
    const language = await Parser.Language.load(grammarBytes);
    const parser = new Parser();
    parser.setLanguage(language);
    const types = new NodeTypes(language);
    return (text: string, previous?: CParse, edit?: CTreeEdit) => {
      if (!edit || !(previous instanceof TreeSitterParse)) return new TreeSitterParse(parser.parse(text), text, types);
      const old = previous.tree;
      old.edit(edit);
      const tree: TreeSitterTree = parser.parse(text, old);
      // What the core must read again: the edit, and where the structure changed around it.
      let start = edit.startIndex;
      let end = edit.newEndIndex;
      for (const r of tree.getChangedRanges(old)) {
        start = Math.min(start, r.startIndex);
        end = Math.max(end, r.endIndex);
      }
      return new TreeSitterParse(tree, text, types, { start, end });
    };
  })();
  return loading;
}
