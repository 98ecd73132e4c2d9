import { type GreenElement, GreenNode, GreenToken, NO_ERRORS, type RelativeSyntaxError } from './green';
import { OpenBrackets } from './brackets';
import { SyntaxKind as K, isTrivia } from './kinds';
import { Lexer } from './lexer';
import { WINDOW_MARGIN } from './window';
import { BOUNDARY_WORDS, ITEM_ONLY_WORDS, ITEM_STARTS, type Words, describe } from './grammar/common';
import { parseInterfaceMember, parseItem, parseMemberTurns, parseStructMember } from './grammar/items';
import { parseArmTurns, parseBlock, parseStatementTurns } from './grammar/statements';
import { parseArgTurns } from './grammar/expressions';
import { type StatementSource, asConditionStatement, asTupleElement } from './reuse';

/** Nesting deeper than this (expressions, types, patterns, blocks together) is reported, not parsed: real code never comes near it. */
export const MAX_NESTING = 256;
/**
 * The syntax errors an item keeps; past them they are counted, and the last says how many more
 * there were: text that is not Vale (a binary or minified file named `.vale`, 100,000 `<` in a
 * row) made one error per token, each published and drawn at every keystroke.
 */
export const MAX_ITEM_ERRORS = 100;
/** Types nested deeper than this (`A<B<...>>`, `[]<imm>[]<imm>...`) are reported, not read. */
export const MAX_TYPE_NESTING = 32;

interface AbsoluteError {
  start: number;
  end: number;
  message: string;
  warning?: boolean;
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
  private readonly t: Tokens;
  /** Index in the raw buffer of the first token not yet put in the tree. */
  private cur = 0;
  private sigPos = 0;
  /**
   * The elements built and not yet in a node: `stack[0..top)` (the array never shrinks, so it is
   * not regrown per node). While `measuring`, each is a width instead (see `measureBody`).
   */
  private readonly stack: (GreenElement | number)[] = [];
  /** `measureBody` is running: tokens and nodes are their widths, and no tree is made. */
  private measuring = false;
  /** The lambdas `measureBody` has finished. */
  private lambdasMeasured = 0;
  private top = 0;
  private errors: AbsoluteError[] = [];
  /** Errors of this item past `MAX_ITEM_ERRORS`, counted, not kept; and the first of them. */
  private errorsPast = 0;
  private firstPast: AbsoluteError | undefined;
  /** Where the last error was, kept or not. */
  private lastErrorStart = -1;
  /** Raw index of a `(` -> absolute significant index of its `)`, or -1 when unmatched. */
  private parenMatch = new Map<number, number>();
  /** End offset of the last significant token put in the tree. */
  private lastEnd = 0;
  /** Index in `sig` of the furthest significant token looked at. */
  private furthest = 0;
  private noEqUntil = -1;
  private noEqFrom = -1;
  private noEqContext = -1;
  /** Whether the failed scan stopped at a top-level `{` (it read no further: a scan that reads on may find a `=`). */
  private noEqNoCurly = false;
  /**
   * The raw indices of the tokens after which the failed scan's brackets went from none open to
   * some, or back (`noEqLevels` of them, in order): a later scan from a token where some were open
   * reads what that scan read at another depth, and its answer may be another.
   */
  private noEqLevelChanges: number[] = [];
  private noEqLevels = 0;
  /** The same of the scan under way (the two lists are swapped when it fails). */
  private scanLevelChanges: number[] = [];
  private scanLevels = 0;
  /** Identifies the statement list being parsed, for the let-scan memo. */
  private context = 0;
  private contextCounter = 0;
  /** Call-like templexes (`Refs(&F)`, `Prot[...]`) are read only in rules (grammar/generics.ts sets it). */
  inRules = false;
  /** Old statements a re-parse may take whole where a turn of a block meets one (reuse.ts). */
  reuse: StatementSource | undefined;
  /** The old nodes this parser took whole (`forgetTurns` copies those it would change). */
  private taken: Set<GreenNode> | undefined;

  constructor(text: string, start = 0, modes = '') {
    this.text = text;
    this.lexer = new Lexer(text, start, modes);
    this.lastEnd = start;
    this.t = spareTokens ?? new Tokens();
    spareTokens = undefined;
    this.t.length = 0;
    this.t.sigLength = 0;
  }

  /** Where the lexer has read to: the end of the last token it made (it looks at most a few characters past it, see `reparse`). */
  get scanned(): number {
    return this.lexer.pos;
  }

  /** Hands the token buffer to the next parser (call once done with this one); a big one is let go. */
  release(): void {
    if (this.t.kinds.length <= MAX_SPARE_TOKENS) spareTokens = this.t;
  }

  // ---------------------------------------------------------------- tokens

  private fill(n: number): void {
    const t = this.t;
    while (t.sigLength - this.sigPos <= n) {
      if (t.length > 0 && t.kinds[t.length - 1] === K.EOF) {
        t.pushSig(t.length - 1);
        continue;
      }
      this.lexOne();
    }
  }

  /** Lexes one more token into the buffer (there is one: the last is not the end of input). */
  private lexOne(): void {
    this.lexer.leaveAtItemLine();
    const depth = this.lexer.depth;
    const modes = depth === 0 ? '' : this.lexer.modeState;
    const start = this.lexer.pos;
    const kind = this.lexer.next();
    const i = this.t.push(kind, start, this.lexer.tokenEnd, depth, modes);
    if (!isTrivia(kind)) this.t.pushSig(i);
  }

  /** Kind of the n-th significant token ahead. */
  // The index first: reading it may grow the buffer, replacing the arrays.
  peek(n = 0): K {
    const i = this.rawIndex(n);
    return this.t.kinds[i];
  }

  private rawIndex(n = 0): number {
    const i = this.sigPos + n;
    if (i >= this.t.sigLength) this.fill(n);
    // The furthest token looked at decides which edits can change the current item.
    if (i > this.furthest) this.furthest = i;
    return this.t.sig[i];
  }

  start(n = 0): number {
    const i = this.rawIndex(n);
    return this.t.starts[i];
  }

  end(n = 0): number {
    const i = this.rawIndex(n);
    return this.t.ends[i];
  }

  /** The source text between two offsets (for messages). */
  textBetween(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  /** The lexer's nesting (strings and interpolations) before the token n ahead: 0 in plain code. */
  depthAt(n = 0): number {
    const i = this.rawIndex(n);
    return this.t.depths[i];
  }

  tokenText(n = 0): string {
    const i = this.rawIndex(n);
    return this.text.slice(this.t.starts[i], this.t.ends[i]);
  }

  /** The word of `words` the identifier n tokens ahead spells (the set's own string), else '': nothing is made. */
  wordIn(words: Words, n = 0): string {
    if (this.peek(n) !== K.Ident) return '';
    const i = this.t.sig[this.sigPos + n];
    return words.at(this.text, this.t.starts[i], this.t.ends[i]);
  }

  isWord(word: string, n = 0): boolean {
    if (this.peek(n) !== K.Ident) return false;
    const i = this.t.sig[this.sigPos + n];
    const s = this.t.starts[i];
    return this.t.ends[i] - s === word.length && this.text.startsWith(word, s);
  }

  /** True if the two tokens ahead touch (no trivia between them). */
  tight(n: number): boolean {
    return this.end(n) === this.start(n + 1);
  }

  charBefore(offset: number): number {
    return offset > 0 ? this.text.charCodeAt(offset - 1) : 10;
  }

  /** Vale's rule: `<`/`>` with whitespace on both sides is an operator, otherwise a bracket. */
  isAngle(n = 0): boolean {
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
  atLineStart(n = 0): boolean {
    let p = this.start(n) - 1;
    while (p >= 0) {
      const c = this.text.charCodeAt(p);
      if (c === 10 || c === 13) return true;
      if (c !== 32 && c !== 9) return false;
      p--;
    }
    return true;
  }

  atColumnZero(n = 0): boolean {
    const c = this.charBefore(this.start(n));
    return c === 10 || c === 13;
  }

  /** Moves trivia before the next significant token into the tree. */
  flushTrivia(): void {
    const target = this.rawIndex(0);
    while (this.cur < target) this.pushRaw(this.cur++);
  }

  /**
   * Token texts of 13 characters or more are copied out of the text: a slice that long keeps
   * the whole text it was cut from alive, so a tree whose items were re-parsed at different
   * times would keep one text per keystroke. A whole-file parse leaves them slices (one text).
   */
  copyLongTokens = false;

  private pushRaw(i: number): void {
    if (this.measuring) {
      this.stack[this.top++] = this.t.ends[i] - this.t.starts[i];
      return;
    }
    const start = this.t.starts[i];
    const end = this.t.ends[i];
    const kind = this.t.kinds[i];
    const text = end - start === 2 && kind === K.Whitespace ? twoSpaces(this.text, start) : this.text.slice(start, end);
    this.stack[this.top++] = new GreenToken(kind, this.copyLongTokens ? keptTokenText(text) : text);
  }

  /** Puts the next significant token (and the trivia before it) in the tree. */
  bump(): void {
    const target = this.rawIndex(0);
    if (this.t.kinds[target] === K.EOF) return;
    while (this.cur <= target) this.pushRaw(this.cur++);
    this.lastEnd = this.t.ends[target];
    this.sigPos++;
  }

  eat(kind: K): boolean {
    if (this.peek() !== kind) return false;
    this.bump();
    return true;
  }

  eatWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.bump();
    return true;
  }

  mark(): number {
    this.flushTrivia();
    return this.top;
  }

  finish(kind: K, mark: number): void {
    if (this.measuring) {
      let width = 0;
      for (let k = mark; k < this.top; k++) width += this.stack[k] as number;
      if (kind === K.LambdaExpr) this.lambdasMeasured++;
      this.stack[mark] = width;
      this.top = mark + 1;
      return;
    }
    const children = this.stack.slice(mark, this.top) as GreenElement[];
    this.stack[mark] = new GreenNode(kind, children);
    this.top = mark + 1;
  }

  error(message: string, start = this.start(), end = this.end(), warning = false): void {
    // One error per position is enough; cascades help nobody.
    if (start === this.lastErrorStart) return;
    this.lastErrorStart = start;
    if (this.errors.length < MAX_ITEM_ERRORS) this.errors.push(warning ? { start, end, message, warning } : { start, end, message });
    else if (this.errorsPast++ === 0) this.firstPast = { start, end, message };
  }

  /** A new item's errors. */
  private startErrors(): void {
    this.errors = [];
    this.errorsPast = 0;
    this.firstPast = undefined;
    this.lastErrorStart = -1;
  }

  /** The item's errors, the last saying how many more there were when there were (`MAX_ITEM_ERRORS`). */
  private itemErrors(): AbsoluteError[] {
    const past = this.firstPast;
    if (past)
      this.errors.push({
        start: past.start,
        end: past.end,
        message: `${past.message}; and ${this.errorsPast - 1} more syntax errors in this item, not shown`,
      });
    return this.errors;
  }

  /** Reports a missing token just after the previous significant token. */
  errorMissing(what: string): void {
    const at = this.prevEnd();
    this.error(`expected ${what}, found ${describe(this.peek(), this.tokenText())}`, at, at);
  }

  prevEnd(): number {
    return this.lastEnd;
  }

  /** True if the next token touches the previous significant one. */
  tightWithPrevious(): boolean {
    return this.lastEnd === this.start();
  }

  expect(kind: K, what: string): boolean {
    if (this.eat(kind)) return true;
    this.errorMissing(what);
    return false;
  }

  /** Wraps the next token in an Error node with a message. */
  errorToken(message: string): void {
    this.error(message);
    const m = this.mark();
    this.bump();
    this.finish(K.Error, m);
  }

  // -------------------------------------------------------------- nesting

  /** How deep the grammar functions that recurse (expressions, types, patterns, blocks) are nested. */
  private nesting = 0;
  /** Whether the current item already reported its nesting. */
  private nestingReported = false;

  /**
   * Enters one level of nesting. Past MAX_NESTING the construct is not parsed:
   * it is reported and skipped whole (the token and the bracketed groups that
   * follow it), so no input can exhaust the stack; returns false then.
   */
  enterNesting(): boolean {
    if (this.nesting < MAX_NESTING) {
      this.nesting++;
      return true;
    }
    this.skipNested();
    return false;
  }

  leaveNesting(): void {
    this.nesting--;
  }

  /** Types nest far less than code: past MAX_TYPE_NESTING a type is reported and skipped like deep code. */
  private typeNesting = 0;

  enterTypeNesting(): boolean {
    if (this.typeNesting >= MAX_TYPE_NESTING || !this.enterNesting()) {
      if (this.typeNesting >= MAX_TYPE_NESTING) this.skipNested();
      return false;
    }
    this.typeNesting++;
    return true;
  }

  leaveTypeNesting(): void {
    this.typeNesting--;
    this.leaveNesting();
  }

  private skipNested(): void {
    const limit = this.typeNesting >= MAX_TYPE_NESTING ? `${MAX_TYPE_NESTING} levels deep in a type` : `${MAX_NESTING} levels deep`;
    // Once per item: what is skipped at the limit tends to meet it again on the way out.
    if (!this.nestingReported) this.error(`nested more than ${limit}: this part is not read`);
    this.nestingReported = true;
    const m = this.mark();
    let balance = 0;
    for (let first = true; this.peek() !== K.EOF; first = false) {
      const k = this.peek();
      const angle = (k === K.Lt || k === K.Gt) && this.isAngle();
      const opens = k === K.LParen || k === K.LBracket || k === K.LBrace || (k === K.Lt && angle);
      const closes = k === K.RParen || k === K.RBracket || k === K.RBrace || (k === K.Gt && angle);
      if (closes && balance === 0 && !first) break;
      if (!first && balance === 0 && !opens) break;
      // An unclosed run ends where the next item evidently begins.
      if (!first && this.atItemBoundaryInBlock()) break;
      this.bump();
      if (opens) balance++;
      else if (closes && balance > 0) balance--;
    }
    this.finish(K.Error, m);
  }

  // ------------------------------------------------------------- progress

  /** Where the parser is, for `movedSince`: the one way the grammar tells that a step made progress. */
  here(): number {
    return this.sigPos;
  }

  movedSince(at: number): boolean {
    return this.sigPos !== at;
  }

  /**
   * The progress guard of every list and statement loop: when nothing was read
   * since `at`, reports what was expected and skips one token (so the loop
   * always advances), and says so.
   */
  skipIfStuck(at: number, what: string): boolean {
    if (this.sigPos !== at) return false;
    this.errorToken(`expected ${what}, found ${describe(this.peek(), this.tokenText())}`);
    return true;
  }

  /** Whether a node or token was put in the tree since `mark` (trivia aside). */
  builtSince(mark: number): boolean {
    return this.top !== mark;
  }

  /** Enters a statement list (a block, a condition): `hasLetEquals` remembers per list. Returns what `leaveStatements` restores. */
  enterStatements(): number {
    const saved = this.context;
    this.context = ++this.contextCounter;
    return saved;
  }

  leaveStatements(saved: number): void {
    this.context = saved;
  }

  /**
   * Starts watching how far one turn of a block's statement list looks (`looked` ends
   * it); returns what `looked` needs to go on with the item's own watch.
   */
  lookFrom(): number {
    const saved = this.furthest;
    this.furthest = this.sigPos;
    return saved;
  }

  /** Clears what the turns recorded on the nodes built from `from` on (`looked`): a list too short to keep them (`ARG_TURNS`). */
  forgetTurns(from: number): void {
    if (this.measuring) return;
    for (let i = from; i < this.top; i++) {
      let e = this.stack[i];
      if (e instanceof GreenNode) {
        // An old element taken whole is the old tree's too: a copy forgets.
        if (this.taken?.has(e)) this.stack[i] = e = new GreenNode(e.kind, e.children, e.width);
        e.lookahead = 0;
        e.endModes = '';
        e.errors = NO_ERRORS;
      }
    }
  }

  /** Where the next element built goes (`looked` reads what a turn built from there). */
  stackTop(): number {
    return this.top;
  }

  /**
   * Ends a turn's watch (`lookFrom`): the statement the turn built (`built`: the last element it
   * put in the tree from `from`, a node unless the turn took a `;`) records how far past its end
   * (its last token's, trivia included) the turn looked (its `lookahead`: the furthest token's end
   * plus the lexer's 3 characters), the lexer's state after it (`endModes`), and the errors found
   * since there were `errors` (relative to its start). A node the turn built before it (error
   * recovery can build two) records the same look, negated (it does not end a turn: a re-parse
   * neither starts nor stops after it). The item's watch takes the turn's in.
   */
  looked(saved: number, built: boolean, errors: number, from: number): void {
    if (built && !this.measuring) {
      const node = this.stack[this.top - 1];
      if (node instanceof GreenNode) {
        const end = this.builtEnd();
        const reach = this.t.ends[this.t.sig[this.furthest]] + 3;
        node.lookahead = Math.max(0, reach - end);
        node.endModes = this.modesAhead();
        if (this.errors.length > errors) {
          const start = end - node.width;
          node.errors = this.errors
            .slice(errors)
            .map((e) =>
              e.warning
                ? { start: e.start - start, end: e.end - start, message: e.message, warning: true }
                : { start: e.start - start, end: e.end - start, message: e.message },
            );
        }
        let at = end - node.width;
        for (let i = this.top - 2; i >= from; i--) {
          const e = this.stack[i] as GreenElement;
          if (e instanceof GreenNode) e.lookahead = -Math.max(1, reach - at);
          at -= e.width;
        }
      }
    }
    if (saved > this.furthest) this.furthest = saved;
  }

  /**
   * Parses statements of a block from here, as `parseBlock` parses them there (the text starts
   * at the end of an element of the block, in plain code, `nesting` levels deep), or with `list` a
   * `StructBody` or an `InterfaceBody`, a kind's members as its item parses them, until `resync`
   * says the parse has met the old tree again (after a turn, with the end of what the turn put in
   * the tree, where the last error was and where the last significant token ended, relative to
   * this parser's text) or the list ends (at a
   * `}`, whose trivia is taken), or with `list` an `ArgList`, the arguments of a long list up to
   * its `close` (`parseArgTurns`): for syntax/body.ts. `lastErrorStart`: where the item's last
   * error before the text was (-1: none); `lastEnd`: where its last significant token before it
   * ended. Returns the elements made, how it ended, the errors (absolute in this text), the end
   * of the furthest token it looked at, of the last significant token, and where its last error
   * was.
   */
  parseBodyRun(
    resync: (end: number, lastErrorStart: number, lastEnd: number) => boolean,
    lastErrorStart: number,
    lastEnd: number,
    nesting: number,
    list: K = K.Block,
    close: K = K.RBrace,
  ): {
    elements: GreenElement[];
    resynced: boolean;
    atBrace: number;
    errors: AbsoluteError[];
    furthestEnd: number;
    lastEnd: number;
    lastErrorStart: number;
  } {
    this.startErrors();
    // Where the item's last error before this text was (an error there again is not reported
    // twice), and its last significant token's end (where a missing token is reported).
    this.lastErrorStart = lastErrorStart;
    this.lastEnd = lastEnd;
    this.nestingReported = false;
    this.furthest = this.sigPos;
    // As inside the block: `parseBlock` entered its level (1 in a top-level function's body).
    this.nesting = nesting;
    this.enterStatements();
    // Met again where the lexer is in plain code and no failed let-scan's memo (`hasLetEquals`)
    // reaches on: the old statements after were parsed without it.
    const met = (): boolean =>
      this.modesAhead() === '' &&
      !(this.noEqContext === this.context && this.noEqUntil > this.cur) &&
      resync(this.builtEnd(), this.lastErrorStart, this.lastEnd);
    const resynced =
      list === K.Block
        ? parseStatementTurns(this, met)
        : list === K.ArgList
          ? parseArgTurns(this, close, met)
          : list === K.IfExpr
            ? parseArmTurns(this, met)
            : parseMemberTurns(this, list === K.StructBody ? parseStructMember : parseInterfaceMember, met);
    let atBrace = -1;
    // The list ended at its `}` (or its `)` or `]`) in plain code (not one closing an interpolation left open).
    if (!resynced && this.peek() === close && this.modesAhead() === '') {
      atBrace = this.start();
      this.flushTrivia();
    }
    const elements = this.stack.slice(0, this.top) as GreenElement[];
    this.top = 0;
    return {
      elements,
      resynced,
      atBrace,
      errors: this.itemErrors(),
      furthestEnd: this.t.ends[this.t.sig[this.furthest]],
      lastEnd: this.lastEnd,
      lastErrorStart: this.lastErrorStart,
    };
  }

  /**
   * Takes an old statement whole at the next token, where `reuse` offers one (reuse.ts says when
   * it may): a turn of a block's statement list that found a statement there, or (`condition`) a
   * statement of a condition. Its tokens are passed over (the ones a look ahead lexed already,
   * and the rest as one token the lexer does not read), and the turn looks as far as the old one
   * did. False: parse it.
   */
  reuseStatement(condition = false): boolean {
    return this.takeOld(false, condition);
  }

  /**
   * Takes an old element of a long list whole at the next token, as `reuseStatement` takes a
   * statement: in a turn of a long list's arguments, or (`tuple`) as a tuple's element, a copy
   * without the turn's records. An element holds no let-scan of its own: only a failed one's memo
   * that its own scans would replace (it holds a `{`) keeps it from being taken.
   */
  reuseElement(tuple = false): boolean {
    return this.takeOld(true, tuple);
  }

  /** `reuseStatement` (`element` false) or `reuseElement`, `copy` for a condition's statement or a tuple's element. */
  private takeOld(element: boolean, copy: boolean): boolean {
    if (this.reuse === undefined || this.measuring) return false;
    const first = this.rawIndex(0);
    const t = this.t;
    if (t.depths[first] !== 0) return false;
    const start = t.starts[first];
    const old = this.reuse.at(start, element);
    if (old === undefined) return false;
    // A failed let-scan's memo that reaches on: of this list, a statement's own scan reads it; of
    // another, the node's scans would replace it where one of them fails. Only a let's (its scan
    // finds its `=`) and an element (none of its own) make none, without a `{` in them (every
    // construct that holds statements, whose scans may fail, has one; one read in a string, as
    // if it were one, is a node not taken).
    if (
      first < this.noEqUntil &&
      ((!element && (this.noEqContext === this.context || old.kind !== K.LetStmt)) || this.holds(start, start + old.width, 123))
    )
      return false;
    // In a condition or a tuple, a copy without a turn's records, where it is parsed alike.
    const node = !copy ? old : element ? asTupleElement(old) : asConditionStatement(old);
    if (node === undefined) return false;
    const end = start + node.width;
    const looked = end + old.lookahead;
    if (looked + WINDOW_MARGIN > this.text.length || this.nesting + 3 * node.width + 2 > MAX_NESTING) return false;
    // It ends with a significant token, where the lexer goes on (not with blanks that error
    // recovery can leave in a node, which the parser reads before the next token).
    const last = this.text.charCodeAt(end - 1);
    if (last === 32 || last === 9 || last === 10 || last === 13) return false;
    this.flushTrivia();
    // The significant tokens lexed so far: one may end where the statement does.
    let lo = this.sigPos;
    let hi = t.sigLength;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t.ends[t.sig[mid]] < end) lo = mid + 1;
      else hi = mid;
    }
    if (lo < t.sigLength) {
      if (t.ends[t.sig[lo]] !== end) return false;
      this.cur = t.sig[lo] + 1;
      this.sigPos = lo + 1;
    } else {
      // The rest of the statement as one token, and the lexer on from its end, in plain code.
      const from = this.lexer.pos;
      this.lexer.restartPlain(end);
      t.pushSig(t.push(K.Unknown, from, end, 0, ''));
      this.cur = t.length;
      this.sigPos = t.sigLength;
    }
    this.stack[this.top++] = node;
    this.lastEnd = end;
    // The turn looks as far as the old one did: to the token that ended 3 characters before its reach.
    const target = looked - 3;
    if (target > end) for (let n = 0; this.end(n) < target; n++);
    else if (this.sigPos - 1 > this.furthest) this.furthest = this.sigPos - 1;
    this.reuse.took(old, copy);
    (this.taken ??= new Set()).add(node);
    return true;
  }

  /** Whether the character `code` is in [`from`, `to`) of the text. */
  private holds(from: number, to: number, code: number): boolean {
    for (let i = from; i < to; i++) if (this.text.charCodeAt(i) === code) return true;
    return false;
  }

  /** How many errors the item has kept so far (a turn's are those it adds: `looked`). */
  errorCount(): number {
    return this.errors.length;
  }

  /** The end of what is in the tree: the last raw token put in it (a node may end with trivia, after the last significant token). */
  private builtEnd(): number {
    return this.cur > 0 ? this.t.ends[this.cur - 1] : this.lastEnd;
  }

  /** The lexer's state before the next raw token ('' is plain code). */
  private modesAhead(): string {
    return this.cur < this.t.length ? this.t.modeAt(this.cur) : this.lexer.modeState;
  }

  // ------------------------------------------------------------ top level

  /** True at a token that begins a top-level item. */
  atItemStart(): boolean {
    const k = this.peek();
    if (k === K.Ident) {
      const i = this.t.sig[this.sigPos];
      if (this.t.depths[i] !== 0) return false;
      return this.wordIn(ITEM_STARTS) !== '';
    }
    if (k === K.Hash)
      return this.t.depths[this.t.sig[this.sigPos]] === 0 && (this.peek(1) === K.Bang || this.peek(1) === K.Ident) && this.tight(0);
    return false;
  }

  /** True where a block must end because a new top-level item evidently begins (at the token n ahead). */
  atItemBoundaryInBlock(n = 0): boolean {
    const k = this.peek(n);
    if (k === K.Ident) {
      const word = this.wordIn(BOUNDARY_WORDS, n);
      if (word === '') return false;
      if (ITEM_ONLY_WORDS.has(word)) return this.atLineStart(n) && this.depthAt(n) === 0 && !this.isUsedAsName(n);
      if (word === 'func' || word === 'funky' || word === 'abstract') return this.atColumnZero(n);
      return false;
    }
    if (k === K.Hash) return this.atColumnZero(n) && this.peek(n + 1) === K.Bang;
    return false;
  }

  /** `export = 5;`, `extern.foo` or a member `struct ITemplexPT;` use an item word as a plain name. */
  isUsedAsName(n: number): boolean {
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
    this.startErrors();
    this.nestingReported = false;
    this.furthest = this.sigPos;
    const m = this.top;
    const before = this.sigPos;
    if (this.atItemStart()) {
      parseItem(this);
      if (this.sigPos === before) {
        // Never leave a top-level element empty: that would not advance.
        this.top--;
        this.errorToken(`expected a top-level item, found ${describe(this.peek(), this.tokenText())}`);
      }
    } else {
      this.error(
        `expected a top-level item (func, struct, interface, impl, import, export), found ${describe(this.peek(), this.tokenText())}`,
      );
      do this.bump();
      while (this.peek() !== K.EOF && !this.atItemStart());
      this.finish(K.Error, m);
    }
    const node = this.stack[--this.top] as GreenNode;
    const errors = this.itemErrors();
    node.errors =
      errors.length === 0
        ? NO_ERRORS
        : errors.map((e) => ({ start: e.start - startOffset, end: e.end - startOffset, message: e.message, warning: e.warning }));
    // The lexer reads at most 3 characters past a token's end to decide where it ends.
    node.lookahead = Math.max(0, this.t.ends[this.t.sig[this.furthest]] + 3 - (startOffset + node.width));
    node.endModes = this.modesAhead();
    this.trimBuffer();
    return { node, start: startOffset, errors };
  }

  /**
   * Consumes the next `count` significant tokens, and the trivia between them, putting nothing in
   * the tree: a reader that recognized a whole item from its tokens (model/quick.ts) takes it so.
   */
  skipTokens(count: number): void {
    const last = this.rawIndex(count - 1);
    this.cur = last + 1;
    this.sigPos += count;
    this.lastEnd = this.t.ends[last];
    this.trimBuffer();
  }

  /**
   * Parses the function body at the next token (`{`) as `parseFunction` does, for a reader that
   * took the function's header from its tokens (`skipTokens`) at `itemStart`, and makes no tree:
   * what the body's node would be is only measured (its width, the lambdas in it), and the item's
   * syntax errors are returned (relative to `itemStart`, as a top-level node holds them).
   */
  measureBody(itemStart: number): { width: number; lambdas: number; errors: readonly RelativeSyntaxError[] } {
    this.startErrors();
    this.nestingReported = false;
    const base = this.top;
    const m = this.mark();
    this.measuring = true;
    this.lambdasMeasured = 0;
    try {
      parseBlock(this);
      this.finish(K.FunctionBody, m);
    } finally {
      this.measuring = false;
    }
    const width = this.stack[m] as number;
    this.top = base;
    const errors = this.itemErrors();
    this.trimBuffer();
    return {
      width,
      lambdas: this.lambdasMeasured,
      errors:
        errors.length === 0
          ? NO_ERRORS
          : errors.map((e) => ({ start: e.start - itemStart, end: e.end - itemStart, message: e.message, warning: e.warning })),
    };
  }

  /**
   * The trivia tokens before the next element (or the end of input) into `out`, lexed one at a
   * time: after each that ends a line (with a line feed, the lexer left in plain code), `stop`
   * is asked with its end whether the parse ends there. Returns whether it did; else every
   * trivia token before the next element is in `out` (as `takeTrivia` would give them).
   */
  takeTriviaUntil(out: GreenElement[], stop: (end: number) => boolean): boolean {
    const t = this.t;
    for (;;) {
      if (this.cur >= t.length) this.lexOne();
      const i = this.cur;
      if (!isTrivia(t.kinds[i])) return false;
      this.pushRaw(i);
      out.push(this.stack[--this.top] as GreenElement);
      this.cur++;
      const end = t.ends[i];
      if (this.text.charCodeAt(end - 1) !== 10) continue;
      const plain = i + 1 < t.length ? t.depths[i + 1] === 0 : this.lexer.depth === 0;
      if (plain && stop(end)) return true;
    }
  }

  /** Trivia tokens that precede the next element (or the end of input). */
  takeTrivia(): GreenToken[] {
    this.flushTrivia();
    const trivia = this.stack.slice(0, this.top) as GreenToken[];
    this.top = 0;
    return trivia;
  }

  /** Offset of the next significant token. */
  nextStart(): number {
    return this.start();
  }

  private trimBuffer(): void {
    // Only once the tokens taken outnumber those still ahead: each trim moves no more tokens than
    // it forgets. A scan that looked far ahead (a let-scan past an unclosed bracket reads to the end
    // of the file) leaves many tokens ahead, and moving them all after every item made a re-parse
    // of many items quadratic.
    if (this.cur < 256 || this.t.length - this.cur > this.cur) return;
    this.t.drop(this.cur, this.sigPos);
    this.sigPos = 0;
    this.cur = 0;
    this.parenMatch.clear();
    this.noEqFrom = this.noEqUntil = -1;
  }

  // ---------------------------------------------------------------- types

  // ----------------------------------------------------------- statements

  /**
   * Vale decides between `pattern = expr;` and an expression statement by
   * looking for a top-level `=` before the statement ends (brackets, braces and a string's
   * interpolations nest: each `{` that opens one is matched by the `}` that closes it), closed as
   * the grammar closes them (`OpenBrackets`: a `;` ends the parentheses and square brackets open
   * since the innermost brace, so a `(` typed alone reads to its statement's end, not to the
   * function's; a stray `)` in a block is skipped). Results of a failed scan are remembered so
   * that a run of broken statements stays linear.
   */
  hasLetEquals(noCurly: boolean): boolean {
    const from = this.rawIndex(0);
    if (this.noEqRemembers(from, noCurly)) return false;
    const open = this.scanOpen;
    open.reset();
    this.scanLevels = 0;
    for (let n = 0; ; n++) {
      const k = this.peek(n);
      if (k === K.Eq) {
        if (open.depth === 0) return true;
      } else {
        const wasOpen = open.depth > 0;
        if (
          k === K.EOF ||
          (k === K.LBrace && open.depth === 0 && noCurly) ||
          // A new item begins there, inside brackets left open too: the statement ends before it
          // (the item's parse stops there), and a scan that read on would read to the end of the
          // file, which every later edit would then re-parse from this statement's item.
          (k === K.Ident && n > 0 && this.atItemBoundaryInBlock(n)) ||
          open.step(k)
        ) {
          this.rememberNoEq(from, n, noCurly);
          return false;
        }
        if (open.depth > 0 !== wasOpen) this.scanLevelChanges[this.scanLevels++] = this.rawIndex(n);
      }
    }
  }

  /**
   * Whether the last failed scan answers a scan from raw index `from`: in the same statement
   * list, from a token it read with no bracket open (from there it read what this one would, in
   * the same state), and it read as far (a scan stopped at a `{` says nothing past it). A scan
   * started inside brackets (a `foreach` in an argument list looking for its iterable's `=`) reads
   * at another depth: it scans anew, as it would in any parse, whatever was scanned before.
   */
  private noEqRemembers(from: number, noCurly: boolean): boolean {
    if (this.noEqContext !== this.context || from <= this.noEqFrom || from >= this.noEqUntil) return false;
    if (this.noEqNoCurly && !noCurly) return false;
    // The changes of depth before `from`: an even number, and none were open there.
    const changes = this.noEqLevelChanges;
    let lo = 0;
    let hi = this.noEqLevels;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (changes[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    return (lo & 1) === 0;
  }

  /** `hasLetEquals`' brackets open (reused: a scan runs per statement). */
  private readonly scanOpen = new OpenBrackets();

  private rememberNoEq(from: number, n: number, noCurly: boolean): void {
    this.noEqContext = this.context;
    this.noEqFrom = from;
    this.noEqUntil = this.rawIndex(n);
    this.noEqNoCurly = noCurly;
    const changes = this.noEqLevelChanges;
    this.noEqLevelChanges = this.scanLevelChanges;
    this.noEqLevels = this.scanLevels;
    this.scanLevelChanges = changes;
  }

  // ------------------------------------------------------------- patterns

  // ---------------------------------------------------------- expressions

  /** Lookahead distance of the `)` matching the `(` at distance n, or -1. Remembers every pair it passes. */
  matchingClose(n: number): number {
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

  // --------------------------------------------------- control structures
}

export type { AbsoluteError };

/** A string that keeps nothing else alive: flattening a concatenation copies the characters. */
function ownCopy(text: string): string {
  return `${text} `.slice(0, -1);
}

/**
 * A whitespace token of two characters as one string kept for each spelling: most blank lines
 * between items are "\n\n", and a one-shot analysis keeps its files' top-level trivia (one
 * character needs nothing: V8 shares those strings already).
 */
function twoSpaces(text: string, at: number): string {
  const a = text.charCodeAt(at);
  const b = text.charCodeAt(at + 1);
  if (a === 10) return b === 10 ? '\n\n' : text.slice(at, at + 2);
  if (a === 32 && b === 32) return '  ';
  if (a === 13 && b === 10) return '\r\n';
  return text.slice(at, at + 2);
}

/**
 * A token's text for a tree that outlives the text it was cut from (a reparse's, a relexed
 * token's): copied when 13 characters or more, since V8 makes such a slice a view that keeps the
 * whole text alive.
 */
export function keptTokenText(text: string): string {
  return text.length >= 13 ? ownCopy(text) : text;
}

/**
 * A parser's raw tokens (kinds, offsets, the lexer's nesting and state before each) and the
 * indices of the significant ones, in typed arrays that grow by doubling. Parsers take the
 * last one released, so parsing thousands of files makes no new buffers.
 */
class Tokens {
  kinds = new Uint16Array(256);
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  depths = new Int32Array(256);
  /**
   * The lexer's state before each token not in plain code (depth 0: '', which `modeAt` answers
   * without it); other entries, and those past `length`, are stale (kept: no regrowth per parse).
   */
  readonly modes: string[] = [];
  length = 0;
  sig = new Int32Array(256);
  sigLength = 0;

  push(kind: K, start: number, end: number, depth: number, modes: string): number {
    const i = this.length;
    if (i === this.kinds.length) {
      this.kinds = grown(this.kinds, new Uint16Array(i * 2));
      this.starts = grown(this.starts, new Int32Array(i * 2));
      this.ends = grown(this.ends, new Int32Array(i * 2));
      this.depths = grown(this.depths, new Int32Array(i * 2));
    }
    this.kinds[i] = kind;
    this.starts[i] = start;
    this.ends[i] = end;
    this.depths[i] = depth;
    // Plain code's state ('') is read from its depth 0: written only as the array grows.
    if (depth !== 0 || i >= this.modes.length) this.modes[i] = modes;
    this.length = i + 1;
    return i;
  }

  /** The lexer's state before the raw token `i` ('': plain code). */
  modeAt(i: number): string {
    return this.depths[i] === 0 ? '' : this.modes[i];
  }

  pushSig(raw: number): void {
    if (this.sigLength === this.sig.length) this.sig = grown(this.sig, new Int32Array(this.sigLength * 2));
    this.sig[this.sigLength++] = raw;
  }

  /** Forgets the first `raw` tokens and the first `sig` significant indices (the rest move to the front). */
  drop(raw: number, sig: number): void {
    this.kinds.copyWithin(0, raw, this.length);
    this.starts.copyWithin(0, raw, this.length);
    this.ends.copyWithin(0, raw, this.length);
    this.depths.copyWithin(0, raw, this.length);
    this.modes.copyWithin(0, raw, this.length);
    this.length -= raw;
    for (let i = sig; i < this.sigLength; i++) this.sig[i - sig] = this.sig[i] - raw;
    this.sigLength -= sig;
  }
}

function grown<T extends Uint16Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

let spareTokens: Tokens | undefined;
/** The largest buffer kept for the next parser (an item of a million tokens should not pin its buffer). */
const MAX_SPARE_TOKENS = 1 << 16;
