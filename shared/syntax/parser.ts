import { GreenElement, GreenNode, GreenToken, RelativeSyntaxError } from './green';
import { SyntaxKind as K, isTrivia } from './kinds';
import { Lexer } from './lexer';

/** Words that only ever begin a top-level item; seeing one inside a block means a `}` is missing. */
const ITEM_ONLY_WORDS = new Set(['struct', 'interface', 'trait', 'impl', 'import', 'export', 'exported', 'extern', 'sealed']);
/** Words that may begin a top-level item (as attributes or keywords). */
const ITEM_START_WORDS = new Set([
  'func', 'struct', 'interface', 'trait', 'impl', 'import', 'export', 'exported', 'extern', 'sealed',
  'abstract', 'pure', 'additive', 'linear', 'weakable',
]);
const ATTRIBUTE_WORDS = new Set(['exported', 'extern', 'abstract', 'pure', 'sealed', 'additive', 'linear', 'weakable']);
const OWNERSHIP_WORDS = new Set(['inl', 'heap', 'own', 'borrow', 'weak', 'share']);

interface AbsoluteError {
  start: number;
  end: number;
  message: string;
  warning?: boolean;
}

/** Binding power of binary operators, as in Vale's ExpressionParser (higher binds tighter). */
function binaryPrecedence(kind: K, word: string | null): number {
  switch (kind) {
    case K.Star: case K.Slash: return 5;
    case K.Plus: case K.Minus: return 4;
    case K.EqEq: case K.EqEqEq: case K.NotEq: case K.LtEq: case K.GtEq: case K.Spaceship: case K.Lt: case K.Gt:
      return 2;
    case K.Ident: return word === 'and' || word === 'or' ? 1 : 3;
    default: return 0;
  }
}

function describe(kind: K, text: string): string {
  switch (kind) {
    case K.EOF: return 'end of file';
    case K.Ident: return `'${text}'`;
    case K.Int: case K.Float: return `number ${text}`;
    case K.StringStart: return 'a string';
    case K.Unknown: return `unexpected character ${JSON.stringify(text)}`;
    default: return `'${text}'`;
  }
}

/**
 * A recursive-descent parser that builds the green tree directly. It pulls
 * tokens from the lexer on demand, keeps trivia as tokens between nodes (a
 * node starts and ends at a significant token), never throws, and records
 * errors instead of stopping. Each top-level item is parsed independently of
 * what precedes it, which is what makes item reuse in incremental parsing sound.
 */
export class Parser {
  private readonly text: string;
  private readonly lexer: Lexer;
  // Raw token buffer (trivia included), refilled on demand.
  private bk: K[] = [];
  private bs: number[] = [];
  private be: number[] = [];
  private bd: number[] = []; // lexer depth before the token (0 = not inside a string)
  private bm: string[] = []; // lexer state before the token ('' = plain code)
  /** Index in the raw buffer of the first token not yet put in the tree. */
  private cur = 0;
  /** Indices of significant tokens in the raw buffer, from sigPos on. */
  private sig: number[] = [];
  private sigPos = 0;
  private readonly stack: GreenElement[] = [];
  private errors: AbsoluteError[] = [];
  /** Raw index of a `(` -> absolute significant index of its `)`, or -1 when unmatched. */
  private parenMatch = new Map<number, number>();
  /** End offset of the last significant token put in the tree. */
  private lastEnd = 0;
  /** Index in `sig` of the furthest significant token looked at. */
  private furthest = 0;
  private noEqUntil = -1;
  private noEqFrom = -1;
  private noEqContext = -1;
  /** Identifies the statement list being parsed, for the let-scan memo. */
  private context = 0;
  private contextCounter = 0;
  /** Call-like templexes (`Refs(&F)`, `Prot[...]`) are read only in rules. */
  private inRules = false;

  constructor(text: string, start = 0, modes = '') {
    this.text = text;
    this.lexer = new Lexer(text, start, modes);
    this.lastEnd = start;
  }

  // ---------------------------------------------------------------- tokens

  private fill(n: number): void {
    while (this.sig.length - this.sigPos <= n) {
      const bk = this.bk;
      if (bk.length > 0 && bk[bk.length - 1] === K.EOF) {
        this.sig.push(bk.length - 1);
        continue;
      }
      const depth = this.lexer.depth;
      const modes = depth === 0 ? '' : this.lexer.modeState;
      const start = this.lexer.pos;
      const kind = this.lexer.next();
      bk.push(kind);
      this.bs.push(start);
      this.be.push(this.lexer.tokenEnd);
      this.bd.push(depth);
      this.bm.push(modes);
      if (!isTrivia(kind)) this.sig.push(bk.length - 1);
    }
  }

  /** Kind of the n-th significant token ahead. */
  private peek(n = 0): K {
    return this.bk[this.rawIndex(n)];
  }

  private rawIndex(n = 0): number {
    const i = this.sigPos + n;
    if (i >= this.sig.length) this.fill(n);
    // The furthest token looked at decides which edits can change the current item.
    if (i > this.furthest) this.furthest = i;
    return this.sig[i];
  }

  private start(n = 0): number {
    return this.bs[this.rawIndex(n)];
  }

  private end(n = 0): number {
    return this.be[this.rawIndex(n)];
  }

  private tokenText(n = 0): string {
    const i = this.rawIndex(n);
    return this.text.slice(this.bs[i], this.be[i]);
  }

  private isWord(word: string, n = 0): boolean {
    if (this.peek(n) !== K.Ident) return false;
    const i = this.sig[this.sigPos + n];
    const s = this.bs[i];
    return this.be[i] - s === word.length && this.text.startsWith(word, s);
  }

  /** True if the two tokens ahead touch (no trivia between them). */
  private tight(n: number): boolean {
    return this.end(n) === this.start(n + 1);
  }

  private charBefore(offset: number): number {
    return offset > 0 ? this.text.charCodeAt(offset - 1) : 10;
  }

  /** Vale's rule: `<`/`>` with whitespace on both sides is an operator, otherwise a bracket. */
  private isAngle(n = 0): boolean {
    const k = this.peek(n);
    if (k !== K.Lt && k !== K.Gt) return false;
    const s = this.start(n);
    const before = this.charBefore(s);
    const after = this.text.charCodeAt(s + 1);
    const wsBefore = before === 32 || before === 9 || before === 10 || before === 13;
    const wsAfter = after === 32 || after === 9 || after === 10 || after === 13;
    return !(wsBefore && wsAfter);
  }

  /** True if the token starts its line (only whitespace before it on the line). */
  private atLineStart(n = 0): boolean {
    let p = this.start(n) - 1;
    while (p >= 0) {
      const c = this.text.charCodeAt(p);
      if (c === 10 || c === 13) return true;
      if (c !== 32 && c !== 9) return false;
      p--;
    }
    return true;
  }

  private atColumnZero(n = 0): boolean {
    const c = this.charBefore(this.start(n));
    return c === 10 || c === 13;
  }

  /** Moves trivia before the next significant token into the tree. */
  private flushTrivia(): void {
    const target = this.rawIndex(0);
    while (this.cur < target) this.pushRaw(this.cur++);
  }

  private pushRaw(i: number): void {
    this.stack.push(new GreenToken(this.bk[i], this.text.slice(this.bs[i], this.be[i])));
  }

  /** Puts the next significant token (and the trivia before it) in the tree. */
  private bump(): void {
    const target = this.rawIndex(0);
    if (this.bk[target] === K.EOF) return;
    while (this.cur <= target) this.pushRaw(this.cur++);
    this.lastEnd = this.be[target];
    this.sigPos++;
  }

  private eat(kind: K): boolean {
    if (this.peek() !== kind) return false;
    this.bump();
    return true;
  }

  private eatWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.bump();
    return true;
  }

  private mark(): number {
    this.flushTrivia();
    return this.stack.length;
  }

  private finish(kind: K, mark: number): void {
    const children = this.stack.splice(mark);
    this.stack.push(new GreenNode(kind, children));
  }

  private error(message: string, start = this.start(), end = this.end(), warning = false): void {
    const errors = this.errors;
    // One error per position is enough; cascades help nobody.
    if (errors.length > 0 && errors[errors.length - 1].start === start) return;
    errors.push(warning ? { start, end, message, warning } : { start, end, message });
  }

  /** Reports a missing token just after the previous significant token. */
  private errorMissing(what: string): void {
    const at = this.prevEnd();
    this.error(`expected ${what}, found ${describe(this.peek(), this.tokenText())}`, at, at);
  }

  private prevEnd(): number {
    return this.lastEnd;
  }

  /** True if the next token touches the previous significant one. */
  private tightWithPrevious(): boolean {
    return this.lastEnd === this.start();
  }

  private expect(kind: K, what: string): boolean {
    if (this.eat(kind)) return true;
    this.errorMissing(what);
    return false;
  }

  /** Wraps the next token in an Error node with a message. */
  private errorToken(message: string): void {
    this.error(message);
    const m = this.mark();
    this.bump();
    this.finish(K.Error, m);
  }

  // ------------------------------------------------------------ top level

  /** True at a token that begins a top-level item. */
  private atItemStart(): boolean {
    const k = this.peek();
    if (k === K.Ident) {
      const i = this.sig[this.sigPos];
      if (this.bd[i] !== 0) return false;
      return ITEM_START_WORDS.has(this.tokenText());
    }
    if (k === K.Hash) return this.bd[this.sig[this.sigPos]] === 0 && (this.peek(1) === K.Bang || this.peek(1) === K.Ident) && this.tight(0);
    return false;
  }

  /** True where a block must end because a new top-level item evidently begins (at the token n ahead). */
  private atItemBoundaryInBlock(n = 0): boolean {
    const k = this.peek(n);
    if (k === K.Ident) {
      const word = this.tokenText(n);
      if (ITEM_ONLY_WORDS.has(word)) return this.atLineStart(n) && this.bd[this.rawIndex(n)] === 0 && !this.isUsedAsName(n);
      if (word === 'func' || word === 'abstract') return this.atColumnZero(n);
      return false;
    }
    if (k === K.Hash) return this.atColumnZero(n) && this.peek(n + 1) === K.Bang;
    return false;
  }

  /** `export = 5;`, `extern.foo` or a member `struct ITemplexPT;` use an item word as a plain name. */
  private isUsedAsName(n: number): boolean {
    const next = this.peek(n + 1);
    if (next === K.Ident && this.peek(n + 2) === K.Semi) return true;
    return next === K.Eq || next === K.Dot || next === K.LParen || next === K.Semi || next === K.Comma;
  }

  /**
   * Parses one top-level element at the current position: an item, or an
   * Error node of skipped tokens. Returns the green node and its absolute start,
   * or null at end of input. Trivia before it is left in `takeTrivia()`.
   */
  parseTopLevel(): { node: GreenNode; start: number; errors: AbsoluteError[] } | null {
    this.flushTrivia();
    if (this.peek() === K.EOF) return null;
    const startOffset = this.start();
    this.errors = [];
    this.furthest = this.sigPos;
    const m = this.stack.length;
    const before = this.sigPos;
    if (this.atItemStart()) {
      this.parseItem();
      if (this.sigPos === before) {
        // Never leave a top-level element empty: that would not advance.
        this.stack.pop();
        this.errorToken(`expected a top-level item, found ${describe(this.peek(), this.tokenText())}`);
      }
    } else {
      this.error(`expected a top-level item (func, struct, interface, impl, import, export), found ${describe(this.peek(), this.tokenText())}`);
      do this.bump();
      while (this.peek() !== K.EOF && !this.atItemStart());
      this.finish(K.Error, m);
    }
    const node = this.stack.pop() as GreenNode;
    const errors = this.errors;
    node.errors = errors.map((e) => ({ start: e.start - startOffset, end: e.end - startOffset, message: e.message, warning: e.warning }));
    // The lexer reads at most 3 characters past a token's end to decide where it ends.
    node.lookahead = Math.max(0, this.be[this.sig[this.furthest]] + 3 - (startOffset + node.width));
    node.endModes = this.cur < this.bk.length ? this.bm[this.cur] : this.lexer.modeState;
    this.trimBuffer();
    return { node, start: startOffset, errors };
  }

  /** Trivia tokens that precede the next element (or the end of input). */
  takeTrivia(): GreenToken[] {
    this.flushTrivia();
    return this.stack.splice(0) as GreenToken[];
  }

  /** Offset of the next significant token. */
  nextStart(): number {
    return this.start();
  }

  private trimBuffer(): void {
    if (this.cur < 256) return;
    const keep = this.cur;
    this.bk = this.bk.slice(keep);
    this.bs = this.bs.slice(keep);
    this.be = this.be.slice(keep);
    this.bd = this.bd.slice(keep);
    this.bm = this.bm.slice(keep);
    this.sig = this.sig.slice(this.sigPos).map((i) => i - keep);
    this.sigPos = 0;
    this.cur = 0;
    this.parenMatch.clear();
    this.noEqFrom = this.noEqUntil = -1;
  }

  private parseItem(): void {
    const m = this.mark();
    this.parseAttributes();
    if (this.isWord('func')) this.parseFunction(m);
    else if (this.isWord('struct')) this.parseStruct(m);
    else if (this.isWord('interface') || this.isWord('trait')) this.parseInterface(m);
    else if (this.isWord('impl')) this.parseImpl(m);
    else if (this.isWord('import')) this.parseImport(m);
    else if (this.isWord('export')) this.parseExportAs(m);
    else {
      this.errorMissing("'func', 'struct', 'interface' or 'impl' after the attributes");
      this.finish(K.FunctionItem, m);
    }
  }

  private parseAttributes(): void {
    for (;;) {
      if (this.peek() === K.Hash && (this.peek(1) === K.Bang || this.peek(1) === K.Ident) && this.tight(0)) {
        const m = this.mark();
        this.bump();
        if (this.peek() === K.Bang && this.tight(0)) this.bump();
        if (this.peek() === K.Ident) this.bump();
        else this.errorMissing('an attribute name');
        this.finish(K.Attribute, m);
        continue;
      }
      if (this.peek() !== K.Ident) return;
      const word = this.tokenText();
      if (!ATTRIBUTE_WORDS.has(word)) return;
      const m = this.mark();
      this.bump();
      if (word === 'extern' && this.peek() === K.LParen) {
        this.bump();
        if (this.peek() === K.StringStart) this.parseString();
        else this.errorMissing('the C name as a string');
        this.expect(K.RParen, "')'");
      }
      this.finish(K.Attribute, m);
    }
  }

  private parseName(what: string): boolean {
    if (this.peek() !== K.Ident) {
      this.errorMissing(what);
      return false;
    }
    const m = this.mark();
    this.bump();
    this.finish(K.Name, m);
    return true;
  }

  private isOperatorName(k: K): boolean {
    switch (k) {
      case K.EqEq: case K.EqEqEq: case K.NotEq: case K.Lt: case K.Gt: case K.LtEq: case K.GtEq:
      case K.Spaceship: case K.Plus: case K.Minus: case K.Star: case K.Slash:
        return true;
      default:
        return false;
    }
  }

  private parseFunction(m: number): void {
    this.bump(); // func
    if (this.peek() === K.Ident || this.isOperatorName(this.peek())) {
      const n = this.mark();
      this.bump();
      this.finish(K.Name, n);
    } else {
      this.errorMissing('a function name');
    }
    if (this.peek() === K.Lt && this.isAngle()) this.parseAngleList(K.GenericParamList, K.GenericParam);
    if (this.peek() === K.LParen) this.parseParamList();
    else if (this.peek() === K.Ident) {
      // `func f x T {` reads as a header without parentheses (one scratch file
      // in Vale's repository has it); say so without failing the file.
      const at = this.prevEnd();
      this.error("expected '(' and the parameters; reading the rest of the header as its return type", at, at, true);
    } else this.errorMissing("'(' and the parameters");
    if (!this.atFunctionHeaderEnd()) {
      const r = this.mark();
      this.parseTypeSeq(false);
      this.finish(K.ReturnType, r);
    }
    if (this.isWord('where')) this.parseWhere();
    if (this.peek() === K.LBrace) {
      const b = this.mark();
      this.parseBlock();
      this.finish(K.FunctionBody, b);
    } else if (!this.eat(K.Semi)) {
      this.errorMissing("'{' or ';'");
    }
    this.finish(K.FunctionItem, m);
  }

  private atFunctionHeaderEnd(): boolean {
    const k = this.peek();
    return k === K.LBrace || k === K.Semi || k === K.EOF || this.isWord('where') || this.atItemStart();
  }

  private parseParamList(): void {
    const m = this.mark();
    this.bump(); // (
    while (this.peek() !== K.RParen && this.peek() !== K.EOF && !this.atItemBoundaryInBlock()) {
      const p = this.mark();
      const before = this.sigPos;
      this.parsePattern(false);
      this.finish(K.Param, p);
      if (this.sigPos === before) {
        if (this.peek() === K.LBrace || this.peek() === K.RBrace || this.peek() === K.Semi) break;
        this.errorToken(`expected a parameter, found ${describe(this.peek(), this.tokenText())}`);
      }
      if (!this.eat(K.Comma)) {
        if (this.peek() !== K.RParen) {
          this.errorMissing("',' or ')'");
          if (this.peek() === K.LBrace || this.peek() === K.Semi) break;
        }
      }
    }
    this.expect(K.RParen, "')'");
    this.finish(K.ParamList, m);
  }

  private parseWhere(): void {
    const m = this.mark();
    this.bump(); // where
    const saved = this.inRules;
    this.inRules = true;
    do {
      const r = this.mark();
      const before = this.sigPos;
      if (this.isWord('pure') && this.isWord('func', 1)) this.bump();
      this.parseTypeSeq(true);
      if (this.eat(K.Eq)) this.parseTypeSeq(true);
      this.finish(K.Rule, r);
      if (this.sigPos === before) {
        this.errorMissing('a rule');
        break;
      }
    } while (this.eat(K.Comma));
    this.inRules = saved;
    this.finish(K.WhereClause, m);
  }

  /** `struct`/`interface` Name <generics>? mutability? where...? region R? */
  private parseKindHeader(nameWhat: string): void {
    this.bump(); // struct / interface / trait
    this.parseName(nameWhat);
    if (this.peek() === K.Lt && this.isAngle()) this.parseAngleList(K.GenericParamList, K.GenericParam);
    if (this.peek() !== K.LBrace && !this.isWord('where') && !this.isWord('region') && this.startsType()) this.parseTypeSeq(false);
    if (this.isWord('where')) this.parseWhere();
    if (this.isWord('region')) {
      this.bump();
      this.parseType();
    }
  }

  private parseStruct(m: number): void {
    this.parseKindHeader('a struct name');
    if (this.peek() === K.LBrace) {
      const b = this.mark();
      this.bump();
      while (this.peek() !== K.RBrace && this.peek() !== K.EOF && !this.atItemBoundaryInBlock()) {
        this.parseStructMember();
      }
      this.expect(K.RBrace, "'}' to close the struct");
      this.finish(K.StructBody, b);
    } else {
      this.errorMissing("'{' and the struct's members");
    }
    this.finish(K.StructItem, m);
  }

  private parseStructMember(): void {
    const m = this.mark();
    const k = this.peek();
    if (k === K.Ident || k === K.Int) {
      const n = this.mark();
      this.bump();
      this.finish(K.Name, n);
      if (this.peek() === K.Bang) this.bump(); // varying
      if (this.peek() === K.DotDot) this.bump(); // variadic
      if (this.startsType()) this.parseType();
      else this.errorMissing("the member's type");
    } else {
      this.error(`expected a member (name and type), found ${describe(k, this.tokenText())}`);
      while (this.peek() !== K.Semi && this.peek() !== K.RBrace && this.peek() !== K.EOF && !this.atItemBoundaryInBlock()) this.bump();
    }
    if (!this.eat(K.Semi) && this.peek() !== K.RBrace) this.errorMissing("';'");
    this.finish(k === K.Ident || k === K.Int ? K.StructMember : K.Error, m);
  }

  private parseInterface(m: number): void {
    this.parseKindHeader('an interface name');
    if (this.peek() === K.LBrace) {
      const b = this.mark();
      this.bump();
      while (this.peek() !== K.RBrace && this.peek() !== K.EOF && !this.atItemBoundaryInBlock()) {
        const f = this.mark();
        this.parseAttributes();
        if (this.isWord('func')) {
          this.parseFunction(f);
        } else {
          this.error(`expected a method ('func ...'), found ${describe(this.peek(), this.tokenText())}`);
          while (this.peek() !== K.RBrace && this.peek() !== K.EOF && !this.isWord('func') && !this.atItemBoundaryInBlock()) this.bump();
          this.finish(K.Error, f);
        }
      }
      this.expect(K.RBrace, "'}' to close the interface");
      this.finish(K.InterfaceBody, b);
    } else {
      this.errorMissing("'{'");
    }
    this.finish(K.InterfaceItem, m);
  }

  private parseImpl(m: number): void {
    this.bump(); // impl
    if (this.peek() === K.Lt && this.isAngle()) this.parseAngleList(K.GenericParamList, K.GenericParam);
    if (this.startsType()) this.parseType();
    else this.errorMissing('the interface');
    if (this.eatWord('for')) {
      if (this.startsType()) this.parseType();
      else this.errorMissing('the struct');
    } else {
      this.errorMissing("'for'");
    }
    if (this.isWord('where')) this.parseWhere();
    this.expect(K.Semi, "';'");
    this.finish(K.ImplItem, m);
  }

  private parseImport(m: number): void {
    this.bump(); // import
    const p = this.mark();
    for (;;) {
      if (this.peek() === K.Ident || this.peek() === K.Star) this.bump();
      else {
        this.errorMissing('a module, package or name');
        break;
      }
      if (!this.eat(K.Dot)) break;
    }
    this.finish(K.ImportPath, p);
    this.expect(K.Semi, "';'");
    this.finish(K.ImportItem, m);
  }

  private parseExportAs(m: number): void {
    this.bump(); // export
    if (this.startsType()) this.parseType();
    else this.errorMissing('the type to export');
    if (this.eatWord('as')) this.parseName('the exported name');
    else this.errorMissing("'as' and a name");
    this.expect(K.Semi, "';'");
    this.finish(K.ExportAsItem, m);
  }

  // ---------------------------------------------------------------- types

  private startsType(): boolean {
    switch (this.peek()) {
      case K.Ident: return !this.isWord('where');
      case K.Amp: case K.Caret: case K.At: case K.Star: case K.LBracket: case K.Hash: case K.LParen: case K.Int: case K.Quote:
        return true;
      case K.StringStart:
        return this.inRules;
      default:
        return false;
    }
  }

  /** `<...>` lists: generic parameters or arguments; each element a TypeSeq with an optional `= default`. */
  private parseAngleList(kind: K, itemKind: K): void {
    const m = this.mark();
    this.bump(); // <
    while (!(this.peek() === K.Gt && this.isAngle()) && this.peek() !== K.EOF) {
      const k = this.peek();
      if (k === K.RParen || k === K.RBrace || k === K.RBracket || k === K.Semi || k === K.LBrace) break;
      const e = this.mark();
      const before = this.sigPos;
      this.parseTypeSeq(true, false);
      if (this.eat(K.Eq)) this.parseTypeSeq(true);
      this.finish(itemKind, e);
      if (this.sigPos === before) this.errorToken(`expected a generic parameter or argument, found ${describe(this.peek(), this.tokenText())}`);
      if (!this.eat(K.Comma) && !(this.peek() === K.Gt && this.isAngle())) {
        this.errorMissing("',' or '>'");
        break;
      }
    }
    this.expect(K.Gt, "'>'");
    this.finish(kind, m);
  }

  /** One or more templexes side by side, like `E Ref imm` or `M Mutability`. */
  private parseTypeSeq(inList: boolean, wrap = true): void {
    const m = this.mark();
    let count = 0;
    while (this.startsType()) {
      if (count > 0) {
        // A `(` continues a sequence only in lists (`func(&F)void` is one templex).
        if (this.peek() === K.LParen) break;
        if (!inList && this.peek() === K.Ident && this.atItemStart()) break;
      }
      const before = this.sigPos;
      this.parseType();
      if (this.sigPos === before) break;
      count++;
    }
    if (count > 1 && wrap) this.finish(K.TypeSeq, m);
  }

  private parseType(): void {
    const m = this.mark();
    const k = this.peek();
    if (k === K.Amp || k === K.Caret || k === K.At || k === K.Star) {
      this.bump();
      if (k === K.Amp && this.peek() === K.Amp) this.bump();
      this.parseType();
      this.finish(K.OwnershipType, m);
      return;
    }
    if (k === K.Ident && OWNERSHIP_WORDS.has(this.tokenText()) && this.peek(1) !== K.Comma && this.peek(1) !== K.Gt && this.startsTypeAt(1)) {
      this.bump();
      this.parseType();
      this.finish(K.OwnershipType, m);
      return;
    }
    if (k === K.Quote) {
      this.bump();
      if (this.peek() === K.Ident && this.tightWithPrevious()) this.bump();
      if (this.startsType()) this.parseType();
      this.finish(K.RegionType, m);
      return;
    }
    if (k === K.Ident && this.peek(1) === K.Quote && this.tight(0)) {
      this.bump();
      this.bump();
      if (this.startsType() && !this.isWord('imm') && !this.isWord('ro') && !this.isWord('rw') && !this.isWord('additive')) this.parseType();
      this.finish(K.RegionType, m);
      return;
    }
    if (k === K.LBracket || (k === K.Hash && this.peek(1) === K.LBracket)) {
      this.parseArrayHead();
      if (this.peek() === K.Lt && this.isAngle()) this.parseAngleList(K.GenericArgList, K.TypeSeq);
      if (this.startsType()) this.parseType();
      this.finish(K.ArrayType, m);
      return;
    }
    if (k === K.LParen) {
      this.bump();
      while (this.peek() !== K.RParen && this.peek() !== K.EOF) {
        const before = this.sigPos;
        this.parseTypeSeq(true);
        if (this.sigPos === before) break;
        if (!this.eat(K.Comma)) break;
      }
      this.expect(K.RParen, "')'");
      this.finish(K.TupleType, m);
      return;
    }
    if (k === K.Int) {
      this.bump();
      this.finish(K.LiteralType, m);
      return;
    }
    if (k === K.StringStart) {
      this.parseString();
      this.finish(K.LiteralType, m);
      return;
    }
    if (k === K.Ident) {
      if (this.isWord('func')) {
        this.bump();
        const k1 = this.peek();
        if (k1 === K.Ident || this.isOperatorName(k1) && (k1 !== K.Lt || this.peek(1) === K.LParen)) {
          const n = this.mark();
          this.bump();
          this.finish(K.Name, n);
        }
        if (this.peek() === K.Lt && this.isAngle()) this.parseAngleList(K.GenericParamList, K.GenericParam);
        if (this.peek() === K.LParen) {
          this.parseTypeTuple();
        } else {
          this.errorMissing("'(' and the parameter types");
        }
        if (this.startsType() && this.peek() !== K.LParen) this.parseType();
        this.finish(K.FuncType, m);
        return;
      }
      if (this.isWord('true') || this.isWord('false') || this.isWord('_')) {
        this.bump();
        this.finish(K.LiteralType, m);
        return;
      }
      this.bump();
      if (this.peek() === K.Lt && this.isAngle()) this.parseAngleList(K.GenericArgList, K.TypeSeq);
      if (this.inRules && (this.peek() === K.LParen || this.peek() === K.LBracket) && this.tightWithPrevious()) {
        this.parseTypeTuple();
        this.finish(K.CallType, m);
        return;
      }
      this.finish(K.PathType, m);
      return;
    }
    this.errorMissing('a type');
  }

  private startsTypeAt(n: number): boolean {
    switch (this.peek(n)) {
      case K.Ident: case K.Amp: case K.Caret: case K.At: case K.LBracket: case K.Hash: case K.LParen: case K.Quote:
        return true;
      default:
        return false;
    }
  }

  /** `(T, U)` after `func` in rules, or `(...)`/`[...]` after a call-like templex. */
  private parseTypeTuple(): void {
    const m = this.mark();
    const close = this.peek() === K.LBracket ? K.RBracket : K.RParen;
    this.bump(); // ( or [
    while (this.peek() !== close && this.peek() !== K.EOF) {
      const before = this.sigPos;
      this.parseTypeSeq(true);
      if (this.sigPos === before) {
        this.errorMissing('a type');
        break;
      }
      if (!this.eat(K.Comma)) break;
    }
    this.expect(close, close === K.RParen ? "')'" : "']'");
    this.finish(K.TupleType, m);
  }

  /** `[]`, `[#N]`, `[#]`, `#[]`, `#[#N]`: the head of an array type or array expression. */
  private parseArrayHead(): void {
    if (this.peek() === K.Hash) this.bump();
    this.bump(); // [
    if (this.eat(K.Hash)) {
      if (this.peek() !== K.RBracket) this.parseExpression(false);
    }
    this.expect(K.RBracket, "']'");
  }

  // ----------------------------------------------------------- statements

  /** `{ statements }` */
  private parseBlock(): void {
    const m = this.mark();
    const openStart = this.start();
    const openEnd = this.end();
    this.bump(); // {
    const saved = this.context;
    this.context = ++this.contextCounter;
    this.parseStatements();
    this.context = saved;
    if (!this.eat(K.RBrace)) {
      // Point at the brace that is never closed: that is where the fix goes.
      // (No line numbers in messages: a reused item must not carry a stale one.)
      const where = this.peek() === K.EOF ? 'the end of the file' : describe(this.peek(), this.tokenText());
      this.error(`'{' is never closed: expected '}' before ${where}`, openStart, openEnd);
    }
    this.finish(K.Block, m);
  }

  private parseStatements(): void {
    for (;;) {
      const k = this.peek();
      if (k === K.RBrace || k === K.EOF || k === K.InterpEnd) return;
      if (this.atItemBoundaryInBlock()) return;
      if (k === K.Semi) {
        this.bump();
        continue;
      }
      if (k === K.RParen || k === K.RBracket) {
        this.errorToken(`unexpected ${describe(k, this.tokenText())}`);
        continue;
      }
      const before = this.sigPos;
      this.parseStatement(false);
      if (this.sigPos === before) this.errorToken(`expected a statement, found ${describe(this.peek(), this.tokenText())}`);
    }
  }

  private parseStatement(noCurly: boolean): void {
    const m = this.mark();
    if (this.isWord('while') || this.isWord('foreach') || this.isWord('if') || this.atBlockKeyword() ||
        ((this.isWord('parallel') || this.isWord('pure')) && (this.isWord('foreach', 1) || this.isWord('block', 1)))) {
      // As in Vale, a statement-level if/while/foreach/block ends at its `}`.
      this.parseUnary(noCurly);
      this.eat(K.Semi);
      this.finish(K.ExprStmt, m);
      return;
    }
    if (this.isWord('return')) {
      this.bump();
      if (!this.atStatementEnd(noCurly)) this.parseExpression(noCurly);
      this.finish(K.ReturnExpr, m);
      this.endStatement(m, noCurly, K.ExprStmt);
      return;
    }
    if (this.isWord('break')) {
      this.bump();
      this.finish(K.BreakExpr, m);
      this.endStatement(m, noCurly, K.ExprStmt);
      return;
    }
    if (this.atSetKeyword()) {
      this.parseExpression(noCurly);
      this.endStatement(m, noCurly, K.ExprStmt);
      return;
    }
    if (this.hasLetEquals(noCurly)) {
      if (this.peek() === K.Ident && (this.peek(1) === K.Dot || this.peek(1) === K.LParen)) {
        // `self.hp = 10;`: Vale reads a let, though only a pattern can be bound.
        this.parseUnary(noCurly);
      } else {
        this.parsePattern(true);
      }
      this.expect(K.Eq, "'='");
      this.parseExpression(noCurly);
      this.endStatement(m, noCurly, K.LetStmt);
      return;
    }
    const before = this.sigPos;
    this.parseExpression(noCurly);
    if (this.sigPos === before) {
      // Nothing could start here: skip one token so we always make progress.
      this.errorToken(`expected a statement, found ${describe(this.peek(), this.tokenText())}`);
      return;
    }
    this.endStatement(m, noCurly, K.ExprStmt);
  }

  private atBlockKeyword(): boolean {
    return this.isWord('block') && this.peek(1) === K.LBrace ||
      this.isWord('unsafe') && this.isWord('block', 1);
  }

  private atSetKeyword(): boolean {
    return (this.isWord('set') || this.isWord('mut')) && !this.tight(0) && this.peek(1) !== K.Eq && this.peek(1) !== K.Semi;
  }

  private atStatementEnd(noCurly: boolean): boolean {
    const k = this.peek();
    return k === K.Semi || k === K.RBrace || k === K.EOF || k === K.RParen || k === K.RBracket || k === K.InterpEnd ||
      (noCurly && k === K.LBrace);
  }

  /** Takes the `;` that ends a statement, or reports it missing. Wraps from `m` when `kind` is given. */
  private endStatement(m: number, noCurly: boolean, kind?: K): void {
    if (!this.eat(K.Semi)) {
      const k = this.peek();
      const ok = k === K.RBrace || k === K.EOF || k === K.InterpEnd || (noCurly && k === K.LBrace) || this.atItemBoundaryInBlock();
      if (!ok) this.errorMissing("';'");
    }
    if (kind !== undefined) this.finish(kind, m);
  }

  /**
   * Vale decides between `pattern = expr;` and an expression statement by
   * looking for a top-level `=` before the statement ends. Results of a failed
   * scan are remembered so that a run of broken statements stays linear.
   */
  private hasLetEquals(noCurly: boolean): boolean {
    const from = this.rawIndex(0);
    if (this.noEqContext === this.context && from > this.noEqFrom && from < this.noEqUntil) return false;
    let depth = 0;
    for (let n = 0; ; n++) {
      const k = this.peek(n);
      switch (k) {
        case K.EOF: this.rememberNoEq(from, n); return false;
        case K.Eq: if (depth === 0) return true; break;
        case K.LParen: case K.LBracket: depth++; break;
        case K.LBrace:
          if (depth === 0 && noCurly) { this.rememberNoEq(from, n); return false; }
          depth++;
          break;
        case K.RParen: case K.RBracket: case K.RBrace: case K.InterpEnd:
          if (depth === 0) { this.rememberNoEq(from, n); return false; }
          depth--;
          break;
        case K.Semi:
          if (depth === 0) { this.rememberNoEq(from, n); return false; }
          break;
        case K.Ident:
          if (depth === 0 && n > 0 && this.atItemBoundaryInBlock(n)) { this.rememberNoEq(from, n); return false; }
          break;
      }
    }
  }

  private rememberNoEq(from: number, n: number): void {
    this.noEqContext = this.context;
    this.noEqFrom = from;
    this.noEqUntil = this.rawIndex(n);
  }

  // ------------------------------------------------------------- patterns

  /**
   * Patterns of lets, parameters, lambdas and foreach: `x`, `x int`, `_`,
   * `virtual this IShip`, `&self`, `[a, b]`, `Ship[x, y]`, `opt Opt<K>`.
   */
  private parsePattern(inLet: boolean): void {
    const m = this.mark();
    if (this.isWord('virtual') && this.peek(1) !== K.Comma && this.peek(1) !== K.RParen) this.bump();
    if (this.isWord('set') && this.peek(1) === K.Ident) this.bump();
    const k = this.peek();
    if (k === K.Amp && this.isWord('self', 1)) {
      this.bump();
      const n = this.mark();
      this.bump();
      this.finish(K.Name, n);
    } else if (k === K.Ident && !(this.peek(1) === K.LBracket && this.tight(0)) && !(this.peek(1) === K.Lt && this.isAngle(1))) {
      const n = this.mark();
      this.bump();
      this.finish(K.Name, n);
      if (this.peek() === K.Bang) this.bump();
      if (this.startsType() && !(inLet && this.peek() === K.LBracket) && !this.isWord('in')) this.parseType();
    } else if (k !== K.LBracket && this.startsType()) {
      this.parseType();
    }
    if (this.peek() === K.LBracket) this.parseDestructure(inLet);
    this.finish(K.Pattern, m);
  }

  private parseDestructure(inLet: boolean): void {
    const m = this.mark();
    this.bump(); // [
    while (this.peek() !== K.RBracket && this.peek() !== K.EOF) {
      const before = this.sigPos;
      this.parsePattern(inLet);
      if (this.sigPos === before) {
        this.errorMissing('a pattern');
        break;
      }
      if (!this.eat(K.Comma)) break;
    }
    this.expect(K.RBracket, "']'");
    this.finish(K.DestructurePattern, m);
  }

  // ---------------------------------------------------------- expressions

  private parseExpression(noCurly: boolean): void {
    this.parseBinary(1, noCurly);
  }

  private binaryOperatorPrecedence(): number {
    const k = this.peek();
    if (k === K.Ident) {
      // A word between two operands is a binary call (`a mod b`, `x and y`),
      // but only when an operand follows it.
      if (!this.startsExpressionAt(1)) return 0;
      const word = this.tokenText();
      if (word === 'where' || word === 'in' || word === 'else') return 0;
      if (this.atItemBoundaryInBlock()) return 0;
      return binaryPrecedence(k, word);
    }
    if ((k === K.Lt || k === K.Gt) && this.isAngle()) return 0;
    return binaryPrecedence(k, null);
  }

  private parseBinary(minPrecedence: number, noCurly: boolean): void {
    const m = this.mark();
    const before = this.sigPos;
    this.parseUnary(noCurly);
    if (this.sigPos === before) return;
    for (;;) {
      const prec = this.binaryOperatorPrecedence();
      if (prec < minPrecedence || prec === 0) return;
      this.bump(); // operator
      const rhs = this.sigPos;
      this.parseBinary(prec + 1, noCurly);
      if (this.sigPos === rhs) this.errorMissing('an operand');
      this.finish(K.BinaryExpr, m);
    }
  }

  private startsExpressionAt(n: number): boolean {
    switch (this.peek(n)) {
      case K.Ident: case K.Int: case K.Float: case K.StringStart: case K.LParen: case K.LBracket:
      case K.Amp: case K.Caret: case K.Hash: case K.Quote: case K.LBrace:
        return true;
      default:
        return false;
    }
  }

  private parseUnary(noCurly: boolean): void {
    const m = this.mark();
    const k = this.peek();
    if (k === K.Ident) {
      const word = this.tokenText();
      switch (word) {
        case 'not':
          if (this.startsExpressionAt(1)) {
            this.bump();
            this.parseUnary(noCurly);
            this.finish(K.NotExpr, m);
            return;
          }
          break;
        case 'if': this.parseIf(); return;
        case 'while': this.parseWhile(); return;
        case 'foreach': case 'parallel':
          if (word === 'foreach' || this.isWord('foreach', 1)) { this.parseForeach(); return; }
          break;
        case 'pure':
          if (this.isWord('foreach', 1)) { this.parseForeach(); return; }
          if (this.isWord('block', 1)) { this.parseBlockExpr(); return; }
          break;
        case 'block':
          if (this.peek(1) === K.LBrace) { this.parseBlockExpr(); return; }
          break;
        case 'unsafe':
          if (this.isWord('block', 1)) { this.parseBlockExpr(); return; }
          break;
        case 'destruct':
          if (this.startsExpressionAt(1)) {
            this.bump();
            this.parseUnary(noCurly);
            this.finish(K.DestructExpr, m);
            return;
          }
          break;
        case 'unlet':
          if (this.peek(1) === K.Ident) {
            this.bump();
            this.bump();
            this.finish(K.UnletExpr, m);
            return;
          }
          break;
        case 'set': case 'mut':
          if (this.atSetKeyword()) {
            this.bump();
            this.parseExpression(noCurly);
            this.expect(K.Eq, "'='");
            this.parseExpression(noCurly);
            this.finish(K.SetExpr, m);
            return;
          }
          break;
        case 'return':
          this.bump();
          if (!this.atStatementEnd(noCurly)) this.parseExpression(noCurly);
          this.finish(K.ReturnExpr, m);
          return;
        case 'break':
          this.bump();
          this.finish(K.BreakExpr, m);
          return;
        case 'inl':
          if (this.startsExpressionAt(1)) {
            this.bump();
            this.parsePostfix(noCurly);
            this.finish(K.PrefixExpr, m);
            return;
          }
          break;
      }
      if (this.peek(1) === K.Quote && this.tight(0) && this.startsExpressionAt(2)) {
        this.bump();
        this.bump();
        this.parsePostfix(noCurly);
        this.finish(K.RegionExpr, m);
        return;
      }
    }
    if (k === K.Quote && this.peek(1) === K.Ident) {
      this.bump();
      this.bump();
      this.parseUnary(noCurly);
      this.finish(K.RegionExpr, m);
      return;
    }
    if (k === K.Amp || k === K.Caret) {
      this.bump();
      if (k === K.Amp && this.peek() === K.Amp) this.bump();
      this.parsePostfix(noCurly);
      this.finish(K.PrefixExpr, m);
      return;
    }
    this.parsePostfix(noCurly);
  }

  private parsePostfix(noCurly: boolean): void {
    const m = this.mark();
    const before = this.sigPos;
    this.parseAtom(noCurly);
    if (this.sigPos === before) return;
    this.finishSuffixesAt(m, noCurly);
  }

  /** Applies call, index, member, generic, range and postfix-borrow suffixes to the expression at `m`. */
  private finishSuffixesAt(m: number, noCurly: boolean): void {
    for (;;) {
      const k = this.peek();
      switch (k) {
        case K.LParen:
          this.parseArgList(K.LParen, K.RParen);
          this.finish(K.CallExpr, m);
          continue;
        case K.LBracket:
          this.parseArgList(K.LBracket, K.RBracket);
          this.finish(K.IndexExpr, m);
          continue;
        case K.Lt:
          if (!this.isAngle()) return;
          this.parseAngleList(K.GenericArgList, K.TypeSeq);
          this.finish(K.GenericExpr, m);
          continue;
        case K.Amp:
          // Postfix borrow, as in `x&.method()`.
          if (!this.tightWithPrevious()) return;
          if (this.peek(1) !== K.Dot && this.startsExpressionAt(1)) return;
          this.bump();
          this.finish(K.AugmentExpr, m);
          continue;
        case K.DotDot: {
          this.bump();
          const before = this.sigPos;
          this.parsePostfix(noCurly);
          if (this.sigPos === before) this.errorMissing('the end of the range');
          this.finish(K.RangeExpr, m);
          continue;
        }
        case K.Star:
          if (!(this.peek(1) === K.Dot && this.tight(0))) return;
          this.bump();
          this.parseMemberTail(noCurly);
          this.finish(K.MemberExpr, m);
          continue;
        case K.Dot:
          this.parseMemberTail(noCurly);
          this.finish(K.MemberExpr, m);
          continue;
        default:
          return;
      }
    }
  }

  /** `.name`, `.0`, `.+` followed by optional generic arguments and call arguments. */
  private parseMemberTail(_noCurly: boolean): void {
    this.bump(); // .
    const k = this.peek();
    if (k === K.Ident || k === K.Int || this.isOperatorName(k)) {
      const n = this.mark();
      this.bump();
      this.finish(K.Name, n);
    } else {
      this.errorMissing('a member or method name after \'.\'');
      return;
    }
    if (this.peek() === K.Lt && this.isAngle()) this.parseAngleList(K.GenericArgList, K.TypeSeq);
    if (this.peek() === K.LParen) this.parseArgList(K.LParen, K.RParen);
  }

  /** `(a, b)` or `[a, b]` argument lists. */
  private parseArgList(open: K, close: K): void {
    const m = this.mark();
    this.bump();
    while (this.peek() !== close && this.peek() !== K.EOF) {
      const k = this.peek();
      if (k === K.RParen || k === K.RBracket || k === K.RBrace || k === K.Semi || k === K.InterpEnd) break;
      if (this.atItemBoundaryInBlock()) break;
      const before = this.sigPos;
      this.parseExpression(false);
      if (this.sigPos === before) {
        this.errorToken(`expected an argument, found ${describe(this.peek(), this.tokenText())}`);
        continue;
      }
      if (!this.eat(K.Comma) && this.peek() !== close) {
        this.errorMissing(`',' or '${close === K.RParen ? ')' : ']'}'`);
        break;
      }
    }
    this.expect(close, close === K.RParen ? "')'" : "']'");
    this.finish(K.ArgList, m);
  }

  private parseAtom(noCurly: boolean): void {
    const m = this.mark();
    const k = this.peek();
    switch (k) {
      case K.Int: case K.Float:
        this.bump();
        this.finish(K.LiteralExpr, m);
        return;
      case K.StringStart:
        this.parseString();
        return;
      case K.Ident: {
        if (this.peek(1) === K.Arrow) {
          const p = this.mark();
          const q = this.mark();
          this.bump();
          this.finish(K.Name, q);
          this.finish(K.Pattern, p);
          this.finish(K.LambdaParams, p);
          this.bump(); // =>
          this.parseLambdaBody(noCurly);
          this.finish(K.LambdaExpr, m);
          return;
        }
        const word = this.tokenText();
        this.bump();
        if (word === 'true' || word === 'false') this.finish(K.LiteralExpr, m);
        else if (word === '_') this.finish(K.MagicParam, m);
        else this.finish(K.NameExpr, m);
        return;
      }
      case K.LBrace:
        if (noCurly) return;
        this.parseBlock();
        this.finish(K.LambdaExpr, m);
        return;
      case K.LParen:
        if (this.isLambdaParams(noCurly)) {
          this.parseLambdaParams();
          this.eat(K.Arrow);
          this.parseLambdaBody(noCurly);
          this.finish(K.LambdaExpr, m);
          return;
        }
        this.parseParenOrTuple();
        return;
      case K.LBracket: case K.Hash:
        if (k === K.Hash && this.peek(1) !== K.LBracket) break;
        this.parseArrayExpr(noCurly);
        return;
      case K.Unknown:
        this.errorToken(`unexpected character ${JSON.stringify(this.tokenText())}`);
        return;
      default:
        if (this.isOperatorName(k) && (this.peek(1) === K.RParen || this.peek(1) === K.Comma || this.peek(1) === K.LParen && this.tight(0))) {
          // An operator used as a function: `+(a, b)`, `-(x)`, `foo(+)`.
          this.bump();
          this.finish(K.NameExpr, m);
          return;
        }
    }
    // Nothing starts here; the caller reports it.
    if (this.stack.length === m && k !== K.EOF && !this.atStatementEnd(noCurly) && k !== K.Comma && k !== K.Eq) {
      this.error(`expected an expression, found ${describe(k, this.tokenText())}`);
    }
  }

  private parseLambdaBody(noCurly: boolean): void {
    if (this.peek() === K.LBrace) this.parseBlock();
    else {
      const before = this.sigPos;
      this.parseExpression(noCurly);
      if (this.sigPos === before) this.errorMissing("the lambda's body");
    }
  }

  /** A `(` whose matching `)` is followed by `=>`. */
  private isLambdaParams(noCurly: boolean): boolean {
    const close = this.matchingClose(0);
    if (close < 0) return false;
    const after = this.peek(close + 1);
    // `(x) => ...`, and the older `(x) { ... }`.
    return after === K.Arrow || (after === K.LBrace && !noCurly && this.tight(close));
  }

  /** Lookahead distance of the `)` matching the `(` at distance n, or -1. Remembers every pair it passes. */
  private matchingClose(n: number): number {
    const known = this.parenMatch.get(this.rawIndex(n));
    if (known !== undefined) return known < 0 ? -1 : known - this.sigPos;
    const opens: number[] = [];
    for (let i = n; ; i++) {
      const k = this.peek(i);
      if (k === K.LParen) opens.push(i);
      else if (k === K.RParen) {
        const o = opens.pop()!;
        this.parenMatch.set(this.rawIndex(o), this.sigPos + i);
        if (opens.length === 0) return i;
      } else if (k === K.EOF || k === K.Semi || k === K.LBrace || k === K.RBrace) {
        // Lambda parameters hold no blocks or statements: stop early, remember the failure.
        for (const o of opens) this.parenMatch.set(this.rawIndex(o), -1);
        return -1;
      }
    }
  }

  private parseLambdaParams(): void {
    const m = this.mark();
    this.bump(); // (
    while (this.peek() !== K.RParen && this.peek() !== K.EOF) {
      const before = this.sigPos;
      this.parsePattern(false);
      if (this.sigPos === before) {
        this.errorToken(`expected a lambda parameter, found ${describe(this.peek(), this.tokenText())}`);
        continue;
      }
      if (!this.eat(K.Comma)) break;
    }
    this.expect(K.RParen, "')'");
    this.finish(K.LambdaParams, m);
  }

  private parseParenOrTuple(): void {
    const m = this.mark();
    this.bump(); // (
    let elements = 0;
    let commas = 0;
    while (this.peek() !== K.RParen && this.peek() !== K.EOF) {
      const k = this.peek();
      if (k === K.RBrace || k === K.RBracket || k === K.Semi || k === K.InterpEnd) break;
      if (this.atItemBoundaryInBlock()) break;
      const before = this.sigPos;
      if (this.atSetKeyword()) this.parseUnary(false);
      else this.parseExpression(false);
      if (this.sigPos === before) {
        this.errorToken(`expected an expression, found ${describe(this.peek(), this.tokenText())}`);
        continue;
      }
      elements++;
      if (!this.eat(K.Comma)) break;
      commas++;
    }
    this.expect(K.RParen, "')'");
    this.finish(elements === 1 && commas === 0 ? K.ParenExpr : K.TupleExpr, m);
  }

  /** `[#3](1, 2, 3)`, `#[](5, f)`, `[]int(5, f)`, `#[#]["a", "b"]`. */
  private parseArrayExpr(noCurly: boolean): void {
    const m = this.mark();
    this.parseArrayHead();
    if (this.peek() === K.Lt && this.isAngle()) this.parseAngleList(K.GenericArgList, K.TypeSeq);
    if (this.peek() !== K.LParen && this.peek() !== K.LBracket && this.startsType()) this.parseType();
    if (this.peek() === K.LParen) this.parseArgList(K.LParen, K.RParen);
    else if (this.peek() === K.LBracket) this.parseArgList(K.LBracket, K.RBracket);
    else if (!noCurly || this.peek() !== K.LBrace) this.errorMissing("the array's arguments '(...)'");
    this.finish(K.ArrayExpr, m);
  }

  private parseString(): void {
    const m = this.mark();
    const quote = this.start();
    this.bump(); // StringStart
    for (;;) {
      const k = this.peek();
      if (k === K.StringEnd) {
        this.bump();
        break;
      }
      if (k === K.EOF) {
        this.error('unterminated string', quote, this.start());
        break;
      }
      if (k === K.StringText) {
        this.bump();
        continue;
      }
      if (k === K.InterpStart) {
        const i = this.mark();
        this.bump();
        const before = this.sigPos;
        if (this.peek() !== K.InterpEnd) this.parseExpression(false);
        if (this.sigPos === before && this.peek() !== K.InterpEnd) this.errorMissing('an expression to interpolate');
        // Whatever the expression did not take, up to the closing brace, is an error.
        if (this.peek() !== K.InterpEnd && this.peek() !== K.EOF && this.peek() !== K.StringEnd) {
          this.error(`expected '}' to end the interpolation, found ${describe(this.peek(), this.tokenText())}`);
          const e = this.mark();
          while (this.peek() !== K.InterpEnd && this.peek() !== K.EOF && this.peek() !== K.StringEnd) this.bump();
          this.finish(K.Error, e);
        }
        if (!this.eat(K.InterpEnd) && this.peek() !== K.StringEnd) this.errorMissing("'}'");
        this.finish(K.Interpolation, i);
        continue;
      }
      // Inside an interpolation's expression the lexer never yields other tokens at this level.
      this.bump();
    }
    this.finish(K.StringExpr, m);
  }

  // --------------------------------------------------- control structures

  private parseIf(): void {
    const m = this.mark();
    this.bump(); // if
    this.parseCondition();
    if (this.peek() === K.LBrace) this.parseBlock();
    else this.errorMissing("'{' and the body of the if");
    if (this.isWord('else')) {
      const e = this.mark();
      this.bump();
      if (this.isWord('if')) this.parseIf();
      else if (this.peek() === K.LBrace) this.parseBlock();
      else this.errorMissing("'{' or 'if' after 'else'");
      this.finish(K.ElseClause, e);
    }
    this.finish(K.IfExpr, m);
  }

  /** The condition of `if`/`while`: statements up to the body's `{`, the last one the value. */
  private parseCondition(): void {
    const m = this.mark();
    const saved = this.context;
    this.context = ++this.contextCounter;
    for (;;) {
      const k = this.peek();
      if (k === K.LBrace || k === K.EOF || k === K.RBrace || this.atItemBoundaryInBlock()) break;
      const before = this.sigPos;
      this.parseStatement(true);
      if (this.sigPos === before) break;
    }
    this.context = saved;
    if (this.stack.length === m) this.errorMissing('a condition');
    this.finish(K.Condition, m);
  }

  private parseWhile(): void {
    const m = this.mark();
    this.bump(); // while
    this.parseCondition();
    if (this.peek() === K.LBrace) this.parseBlock();
    else this.errorMissing("'{' and the body of the loop");
    this.finish(K.WhileExpr, m);
  }

  private parseForeach(): void {
    const m = this.mark();
    if (this.isWord('parallel')) this.bump();
    if (this.isWord('pure')) this.bump();
    this.bump(); // foreach
    this.parsePattern(false);
    if (!this.eatWord('in')) this.errorMissing("'in'");
    this.parseExpression(true);
    if (this.peek() === K.LBrace) this.parseBlock();
    else this.errorMissing("'{' and the body of the loop");
    this.finish(K.ForeachExpr, m);
  }

  private parseBlockExpr(): void {
    const m = this.mark();
    while (!this.isWord('block')) this.bump(); // unsafe / pure
    this.bump(); // block
    if (this.peek() === K.LBrace) this.parseBlock();
    else this.errorMissing("'{'");
    this.finish(K.BlockExpr, m);
  }
}

export type { AbsoluteError };
