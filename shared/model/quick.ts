// A file read once (a one-shot analysis: `vale-ffi check`, a reading thread; a file of the
// server's that no editor has open) needs its items' declarations and its syntax errors, not its
// tree. Most items of an FFI code base have one of a few plain shapes (a struct of named members,
// a function — its body parsed by the block grammar —, `export T as N;`, `impl I for S;`,
// `import a.b;`, an empty interface; plain generic parameters, comments anywhere); `readQuick`
// reads those from the parser's tokens, making the declarations `readItem` would make and no
// syntax node, and has every other item parsed and read as usual (interface methods, `where`
// rules, defaults, anything unusual). A shape is taken only where the parser accepts it without
// an error and builds the nodes `readItem` reads as this file assumes (a type's text is its
// source, whitespace runs as one space, comments kept, as its node's text is): test/quick.test.ts
// and the fuzzer's `quick` surface hold both readers to the same declarations, errors and
// elements.

import { type GreenElement, GreenNode, GreenToken, NO_ERRORS, RELEASED, type RelativeSyntaxError } from '../syntax/green';
import { ATTRIBUTES, BOUNDARY_WORDS, ITEM_STARTS, OWNERSHIP_WORDS, Words } from '../syntax/grammar/common';
import { SyntaxKind as K } from '../syntax/kinds';
import { Parser } from '../syntax/parser';
import { SyntaxTree } from '../syntax/tree';
import {
  type Decls,
  EMPTY,
  type ExportAsDecl,
  FileModel,
  type FunctionDecl,
  type ImplDecl,
  ItemDecls,
  type KindDecl,
  exactList,
  type MemberDecl,
  type ParamDecl,
  readItem,
  seenItems,
} from './declarations';
import { flat } from './flat';
import { NO_ARGS, type Ownership, PRIMITIVE_WORDS, type TypeRef, shapedType, spacesNormalized, typeRef } from './types';

/** No generic parameters (most items). */
const NO_RUNES: ReadonlySet<string> = new Set();

/** The names that begin something other than a plain name in a type: literals, `_`, `func`, `where`, the ownership words. */
const NOT_PLAIN_NAMES = new Words(['true', 'false', '_', 'func', 'where', ...OWNERSHIP_WORDS]);

/** How deep a quick type may nest (deeper ones are parsed: the parser's own limit is far above). */
const MAX_DEPTH = 8;

/** What the quick reads of a file took (for tests and benchmarks). */
export const quickReads = { items: 0, parsed: 0 };

/**
 * The line breaks between items as one token each: 68,000 of the 86,000 top-level trivia tokens
 * of the bench's 100k lines are one or two line feeds.
 */
const LINE_FEED = new GreenToken(K.Whitespace, '\n');
const TWO_LINE_FEEDS = new GreenToken(K.Whitespace, '\n\n');

/** `t`, or the shared token of its spelling when it is one or two line feeds. */
function sharedTriviaOf(t: GreenToken): GreenToken {
  if (t.kind !== K.Whitespace) return t;
  return t.text === '\n' ? LINE_FEED : t.text === '\n\n' ? TWO_LINE_FEEDS : t;
}

/**
 * A file's tree and model as a one-shot analysis keeps them (`Workspace.releaseSyntax`): the
 * top-level trivia, each item as a node of its width without children (its errors kept), and the
 * model read from the items. `sharedTrivia`: for a tree whose elements are never told apart by
 * identity (no diagnostic is anchored to them: a one-shot analysis), a line break between items
 * is one token shared by every tree.
 */
export function readQuick(path: string, text: string, pkg: string, sharedTrivia = false): { tree: SyntaxTree; model: FileModel } {
  const parser = new Parser(text);
  const children: GreenElement[] = [];
  const items: ItemDecls[] = [];
  const reader = new QuickReader(parser, text, path, pkg);
  let offset = 0;
  let count = 0;
  for (;;) {
    for (const t of parser.takeTrivia()) {
      children.push(sharedTrivia ? sharedTriviaOf(t) : t);
      offset += t.width;
    }
    const quick = reader.item(offset);
    if (quick) {
      children.push(quick.element);
      items.push(quick);
      offset += quick.element.width;
      count++;
      quickReads.items++;
      continue;
    }
    const parsed = parser.parseTopLevel();
    if (!parsed) break;
    const node = parsed.node;
    const item = readItem(path, pkg, node, offset);
    if (item) {
      // Interface tags count a package's lambdas: counted before the body goes.
      if (item.unplacedFunction !== undefined) void item.lambdas;
      items.push(item);
    }
    (node as { children: readonly GreenElement[] }).children = RELEASED;
    children.push(node);
    offset += node.width;
    count++;
    quickReads.parsed++;
  }
  parser.release();
  // Both lists are kept: at their exact lengths, and the items once when every one is seen.
  const tree = new SyntaxTree(text, new GreenNode(K.SourceFile, exactList(children)), { parsedItems: count, reusedItems: 0 });
  const kept = exactList(items);
  const seen = seenItems(kept);
  return { tree, model: new FileModel(path, kept, seen, pkg) };
}

/** A function's header as read from its tokens. */
interface Header {
  readonly name: string;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly generics: readonly string[];
  readonly params: readonly ParamDecl[];
  readonly returnType: TypeRef | undefined;
}

/** The significant tokens of one item, read from `n = 0` on; each method answers false (or undefined) where the shape ends. */
class QuickReader {
  private n = 0;
  /** The generic parameters in scope (the item's own): names a type may name as a rune. */
  private runes: ReadonlySet<string> = NO_RUNES;

  constructor(
    private readonly p: Parser,
    private readonly text: string,
    private readonly path: string,
    private readonly pkg: string,
  ) {}

  /** The item at the parser's place, read and taken, when it has a quick shape. */
  item(start: number): ItemDecls | undefined {
    const p = this.p;
    if (p.peek() !== K.Ident || !p.atItemStart()) return undefined;
    this.n = 0;
    this.runes = NO_RUNES;
    let exported = -1;
    let extern = -1;
    let builtin: string | undefined;
    let sealed = false;
    let abstract = false;
    let any = false;
    for (;;) {
      const word = p.wordIn(ATTRIBUTES, this.n);
      if (word === '') break;
      any = true;
      if (word === 'extern' && p.peek(this.n + 1) === K.LParen) {
        // `extern("c_name")`, a plain string: what `readFunction` reads of it (its text, quotes off).
        const attribute = this.n;
        const name = this.cName();
        if (name === undefined) return undefined;
        if (extern < 0) {
          extern = attribute;
          builtin = name;
        }
        continue;
      }
      if (word === 'exported' && exported < 0) exported = this.n;
      else if (word === 'extern' && extern < 0) extern = this.n;
      else if (word === 'sealed') sealed = true;
      else if (word === 'abstract') abstract = true;
      this.n++;
    }
    const at = this.n;
    let decls: Decls | undefined;
    let kind: K;
    if (p.isWord('struct', at)) {
      kind = K.StructItem;
      decls = this.kind('struct', exported, sealed);
    } else if (p.isWord('interface', at) || p.isWord('trait', at)) {
      kind = K.InterfaceItem;
      decls = this.kind('interface', exported, sealed);
    } else if (p.isWord('func', at)) {
      const header = this.func();
      if (!header) return undefined;
      return this.function(start, header, exported >= 0, extern >= 0 && builtin === undefined, builtin, abstract);
    } else if (any) return undefined;
    else if (p.isWord('export', at)) {
      kind = K.ExportAsItem;
      decls = this.exportAs();
    } else if (p.isWord('impl', at)) {
      kind = K.ImplItem;
      decls = this.impl();
    } else if (p.isWord('import', at)) {
      kind = K.ImportItem;
      decls = this.import();
    } else return undefined;
    if (!decls) return undefined;
    const width = p.end(this.n - 1) - p.start(0);
    p.skipTokens(this.n);
    return new ItemDecls(GreenNode.released(kind, width), start, decls, start);
  }

  /**
   * `<T, M Mutability>` at `n`, if there: each parameter one plain name, or two (a name and what
   * it is), read as `genericsOf` reads it (its first name); they become the item's runes. No list:
   * the one empty list. Undefined: a list of another shape (defaults, rules, nothing in it).
   */
  private generics(): readonly string[] | undefined {
    const p = this.p;
    this.runes = NO_RUNES;
    if (p.peek(this.n) !== K.Lt) return EMPTY;
    if (!p.isAngle(this.n)) return undefined;
    this.n++;
    const names: string[] = [];
    for (;;) {
      if (p.peek(this.n) !== K.Ident || this.plainNameNot(this.n)) return undefined;
      names.push(p.tokenText(this.n++));
      if (p.peek(this.n) === K.Ident) {
        if (this.plainNameNot(this.n)) return undefined;
        this.n++;
      }
      if (this.is(K.Comma)) continue;
      if (p.peek(this.n) !== K.Gt || !p.isAngle(this.n)) return undefined;
      this.n++;
      break;
    }
    this.runes = new Set(names);
    return names;
  }

  /** `extern("text")` at `n`: a string of one plain piece (or none); its text, read past the `)`, else undefined. */
  private cName(): string | undefined {
    const p = this.p;
    const open = this.n + 2;
    if (p.peek(open) !== K.StringStart || p.tokenText(open) !== '"') return undefined;
    const piece = p.peek(open + 1) === K.StringText;
    const close = piece ? open + 2 : open + 1;
    if (p.peek(close) !== K.StringEnd || p.tokenText(close) !== '"' || p.peek(close + 1) !== K.RParen) return undefined;
    this.n = close + 2;
    return piece ? p.tokenText(open + 1) : '';
  }

  private is(kind: K): boolean {
    if (this.p.peek(this.n) !== kind) return false;
    this.n++;
    return true;
  }

  private word(w: string): boolean {
    if (!this.p.isWord(w, this.n)) return false;
    this.n++;
    return true;
  }

  /** The item's end: that of the last token read (it starts at the first one, `p.start(0)`). */
  private itemEnd(): number {
    return this.p.end(this.n - 1);
  }

  /** `struct Name imm? { member Type; ... }` or `interface Name imm? { }`. */
  private kind(tag: 'struct' | 'interface', exported: number, sealed: boolean): Decls | undefined {
    const p = this.p;
    const keyword = this.n++;
    if (p.peek(this.n) !== K.Ident) return undefined;
    const nameAt = this.n++;
    const generics = this.generics();
    if (!generics) return undefined;
    let mutability: 'imm' | 'mut' = 'mut';
    if (p.isWord('imm', this.n)) mutability = 'imm';
    else if (!p.isWord('mut', this.n) && p.peek(this.n) !== K.LBrace) return undefined;
    if (p.peek(this.n) !== K.LBrace) this.n++;
    if (!this.is(K.LBrace)) return undefined;
    const members: MemberDecl[] = [];
    if (tag === 'struct') {
      while (p.peek(this.n) === K.Ident) {
        if (p.wordIn(BOUNDARY_WORDS, this.n) !== '') return undefined;
        const name = this.n++;
        // `name! T`: a varying member, read as any other.
        this.is(K.Bang);
        const type = this.type(0, '');
        if (!type || !this.is(K.Semi)) return undefined;
        members.push({ name: p.tokenText(name), nameStart: p.start(name), nameEnd: p.end(name), type });
      }
    }
    if (!this.is(K.RBrace)) return undefined;
    const name = p.tokenText(nameAt);
    const k: KindDecl = {
      tag,
      name,
      file: this.path,
      package: this.pkg,
      id: flat(`${this.pkg}::${name}`),
      nameStart: p.start(nameAt),
      nameEnd: p.end(nameAt),
      itemStart: p.start(0),
      itemEnd: this.itemEnd(),
      mutability,
      exported: exported >= 0,
      exportedStart: exported >= 0 ? p.start(exported) : undefined,
      exportedEnd: exported >= 0 ? p.end(exported) : undefined,
      sealed,
      generics,
      members: members.length === 0 ? EMPTY : members.slice(),
      methods: EMPTY,
      keywordOffset: p.start(keyword),
    };
    return { kinds: [k], functions: EMPTY, exports: EMPTY, impls: EMPTY, imports: EMPTY };
  }

  /**
   * A function item: the header read here, then `;`, or the body parsed with no tree made
   * (`Parser.measureBody`: its syntax errors are the item's, its width and lambdas measured).
   */
  private function(
    start: number,
    header: Header,
    exported: boolean,
    extern: boolean,
    builtin: string | undefined,
    abstract: boolean,
  ): ItemDecls | undefined {
    const p = this.p;
    const bodyOpen = p.peek(this.n) === K.LBrace;
    const first = p.start(0);
    let end: number;
    let bodyStart: number | undefined;
    let errors: readonly RelativeSyntaxError[] = NO_ERRORS;
    let lambdas = 0;
    // The item's node spans its tokens (and what its body's node holds); its range, the tokens.
    let width: number;
    if (bodyOpen) {
      const open = p.start(this.n);
      p.skipTokens(this.n);
      const parsed = p.measureBody(first);
      end = p.prevEnd();
      bodyStart = open;
      width = open + parsed.width - first;
      errors = parsed.errors;
      lambdas = parsed.lambdas;
    } else {
      end = p.end(this.n);
      width = end - first;
      this.n++;
      p.skipTokens(this.n);
    }
    const f: FunctionDecl = {
      name: header.name,
      file: this.path,
      nameStart: header.nameStart,
      nameEnd: header.nameEnd,
      itemStart: first,
      itemEnd: end,
      exported,
      extern,
      builtin,
      generics: header.generics,
      params: header.params,
      returnType: header.returnType,
      bodyStart,
      bodyEnd: bodyStart === undefined ? undefined : end,
      headerEnd: bodyStart ?? end,
      abstract,
    };
    const element = GreenNode.released(K.FunctionItem, width);
    element.errors = errors;
    return new ItemDecls(element, start, { kinds: EMPTY, functions: [f], exports: EMPTY, impls: EMPTY, imports: EMPTY }, start, lambdas);
  }

  /** `func name(p Type, ...) Type?`, up to `;` or `{`: no generics, no `where`. */
  private func(): Header | undefined {
    const p = this.p;
    this.n++;
    if (p.peek(this.n) !== K.Ident) return undefined;
    const nameAt = this.n++;
    const generics = this.generics();
    if (!generics || !this.is(K.LParen)) return undefined;
    const params: ParamDecl[] = [];
    while (p.peek(this.n) !== K.RParen) {
      let virtual = false;
      if (p.isWord('virtual', this.n)) {
        const next = p.peek(this.n + 1);
        if (next === K.Comma || next === K.RParen) return undefined;
        virtual = true;
        this.n++;
      }
      if (p.peek(this.n) !== K.Ident || p.wordIn(BOUNDARY_WORDS, this.n) !== '' || p.isWord('set', this.n)) return undefined;
      const next = p.peek(this.n + 1);
      // `x[` is a destructure and `x<` a generic name: parsed.
      if ((next === K.LBracket && p.tight(this.n)) || next === K.Lt || next === K.Bang || p.isWord('in', this.n + 1)) return undefined;
      const name = this.n++;
      const type = this.type(0, '');
      if (!type || p.peek(this.n) === K.LBracket) return undefined;
      params.push({ name: p.tokenText(name), type, virtual });
      if (!this.is(K.Comma) && p.peek(this.n) !== K.RParen) return undefined;
    }
    this.n++;
    let returnType: TypeRef | undefined;
    const after = p.peek(this.n);
    if (after !== K.Semi && after !== K.LBrace) {
      if (after === K.Ident && (p.wordIn(ITEM_STARTS, this.n) !== '' || p.isWord('where', this.n))) return undefined;
      returnType = this.type(0, '');
      if (!returnType) return undefined;
    }
    const k = p.peek(this.n);
    if (k !== K.Semi && k !== K.LBrace) return undefined;
    return {
      name: p.tokenText(nameAt),
      nameStart: p.start(nameAt),
      nameEnd: p.end(nameAt),
      generics,
      params: params.length === 0 ? EMPTY : params.slice(),
      returnType,
    };
  }

  /** `export Type as Name;`. */
  private exportAs(): Decls | undefined {
    const p = this.p;
    this.n++;
    const type = this.type(0, '');
    if (!type || !this.word('as') || p.peek(this.n) !== K.Ident) return undefined;
    const nameAt = this.n++;
    if (!this.is(K.Semi)) return undefined;
    const e: ExportAsDecl = {
      file: this.path,
      type,
      name: p.tokenText(nameAt),
      nameStart: p.start(nameAt),
      nameEnd: p.end(nameAt),
      itemStart: p.start(0),
      itemEnd: this.itemEnd(),
    };
    return { kinds: EMPTY, functions: EMPTY, exports: [e], impls: EMPTY, imports: EMPTY };
  }

  /** `impl Interface for Struct;`: no generics. */
  private impl(): Decls | undefined {
    this.n++;
    if (!this.generics()) return undefined;
    const interfaceType = this.type(0, '');
    if (!interfaceType || !this.word('for')) return undefined;
    const structType = this.type(0, '');
    if (!structType || !this.is(K.Semi)) return undefined;
    const i: ImplDecl = { file: this.path, interfaceType, structType, itemStart: this.p.start(0), itemEnd: this.itemEnd() };
    return { kinds: EMPTY, functions: EMPTY, exports: EMPTY, impls: [i], imports: EMPTY };
  }

  /** `import a.b.*;`. */
  private import(): Decls | undefined {
    const p = this.p;
    this.n++;
    const segments: string[] = [];
    for (;;) {
      const k = p.peek(this.n);
      if (k !== K.Ident && k !== K.Star) return undefined;
      segments.push(p.tokenText(this.n++));
      if (!this.is(K.Dot)) break;
    }
    if (!this.is(K.Semi)) return undefined;
    return { kinds: EMPTY, functions: EMPTY, exports: EMPTY, impls: EMPTY, imports: [segments] };
  }

  /**
   * A type of the quick shapes, read as `readType` reads its node: a name with or without
   * arguments (`Array<mut, T>` an array), `&T` / `&&T`, `[]<imm>T`, `[#N]<mut>T`.
   */
  private type(depth: number, ownership: Ownership): TypeRef | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const p = this.p;
    const first = this.n;
    const k = p.peek(first);
    if (k === K.Amp) {
      this.n++;
      const own: Ownership = this.is(K.Amp) ? '&&' : '&';
      if (p.peek(this.n) === K.Amp) return undefined;
      const inner = this.type(depth + 1, own);
      if (!inner) return undefined;
      return shapedType({ ...inner, start: p.start(first), end: inner.end, text: this.textFrom(first) });
    }
    if (k === K.LBracket) {
      this.n++;
      let size: string | null = null;
      if (this.is(K.Hash)) {
        if (p.peek(this.n) !== K.Int) return undefined;
        size = p.tokenText(this.n++);
      }
      if (!this.is(K.RBracket) || p.peek(this.n) !== K.Lt || !p.isAngle(this.n)) return undefined;
      this.n++;
      // `[]<imm>T`, `[]<mut>T`, or a rune (`[]<M>T`): `readType` takes anything but `imm` for `mut`.
      if (p.peek(this.n) !== K.Ident || this.plainNameNot(this.n)) return undefined;
      const imm = p.isWord('imm', this.n);
      this.n++;
      if (p.peek(this.n) !== K.Gt || !p.isAngle(this.n)) return undefined;
      this.n++;
      const element = this.type(depth + 1, '');
      if (!element) return undefined;
      return typeRef(
        'array',
        p.start(first),
        element.end,
        ownership,
        this.textFrom(first),
        undefined,
        undefined,
        imm ? 'imm' : 'mut',
        size,
        element,
      );
    }
    if (k === K.LParen) {
      this.n++;
      const elements: TypeRef[] = [];
      while (p.peek(this.n) !== K.RParen) {
        const element = this.type(depth + 1, '');
        if (!element) return undefined;
        elements.push(element);
        if (!this.is(K.Comma)) break;
      }
      if (!this.is(K.RParen)) return undefined;
      const end = p.end(this.n - 1);
      return typeRef(
        'tuple',
        p.start(first),
        end,
        ownership,
        this.textFrom(first),
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        elements,
      );
    }
    if (k !== K.Ident || this.plainNameNot(first)) return undefined;
    this.n++;
    if (p.peek(this.n) !== K.Lt || !p.isAngle(this.n)) {
      const start = p.start(first);
      const end = p.end(first);
      // A primitive is found where its token is: its text is the constant, nothing cut out.
      const primitive = p.wordIn(PRIMITIVE_WORDS, first);
      if (primitive !== '') return typeRef('primitive', start, end, ownership, primitive, primitive);
      const name = p.tokenText(first);
      if (this.runes.has(name)) return typeRef('rune', start, end, ownership, name, name);
      return typeRef('named', start, end, ownership, name, name, NO_ARGS);
    }
    const name = p.tokenText(first);
    if (name === 'StaticArray') return undefined;
    this.n++;
    const args: TypeRef[] = [];
    for (;;) {
      const arg = this.type(depth + 1, '');
      if (!arg) return undefined;
      args.push(arg);
      if (this.is(K.Comma)) continue;
      if (p.peek(this.n) !== K.Gt || !p.isAngle(this.n)) return undefined;
      this.n++;
      break;
    }
    const start = p.start(first);
    const end = p.end(this.n - 1);
    const text = this.textFrom(first);
    const mut = args[0];
    if (
      name === 'Array' &&
      args.length === 2 &&
      mut.tag === 'named' &&
      mut.args.length === 0 &&
      mut.ownership === '' &&
      (mut.text === 'imm' || mut.text === 'mut')
    )
      return typeRef('array', start, end, ownership, text, undefined, undefined, mut.text, null, args[1]);
    return typeRef('named', start, end, ownership, text, name, exactList(args));
  }

  /** Whether the identifier `n` ahead begins something other than a plain name in a type (a literal, an ownership word, `func`, a region, `where`). */
  private plainNameNot(n: number): boolean {
    // One look at the name's text for all the words (each `isWord` looked the token up again).
    return this.p.wordIn(NOT_PLAIN_NAMES, n) !== '' || this.p.peek(n + 1) === K.Quote;
  }

  /** The source from the token `first` ahead to the last one read, whitespace runs as one space (a type's text). */
  private textFrom(first: number): string {
    return spacesNormalized(this.text.slice(this.p.start(first), this.p.end(this.n - 1)));
  }
}
