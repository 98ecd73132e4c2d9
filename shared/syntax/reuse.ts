// A re-parse that reads far past an edit (a `{` typed alone takes the rest of the function into
// its block; deleting it brings the statements back out) meets the old statements again at
// other depths, where the re-parse by statements (body.ts) cannot take them: they are one level
// deeper or shallower than they were. This offers the parser those old statements by where they
// start in the new text, to take whole instead of parsing them (`Parser.reuseStatement`), as
// Roslyn's and tree-sitter's incremental parsers take old nodes wherever the parse meets one. The
// elements of a long list (a call's arguments, an array literal's: turns too, `parseArgTurns`)
// likewise: a `(` typed alone among them takes the elements after it into a tuple, up to the
// list's closer (`Parser.reuseElement`).
//
// A statement's turn depends on what came before it only through where it starts (in plain code,
// and as far as the lexer and the parser read before its first token, its line's indentation),
// its nesting (how deep it may go), where the last error was and where the last significant token
// ended (it uses neither when it reports no error), and a failed let-scan's memo of the same list
// (`Parser.hasLetEquals`); and the turns after it depend on it only through what it read (its
// `lookahead`) and the memo its scans leave (one that fails replaces the memo, of whatever list).
// An element's, the same, but that it has no let-scan of its own (it reads no memo).
// So an old statement or element is offered only when:
// - it and all it looked at (its lookahead) lie in text the edit did not change, and so does its
//   line before it: the same text, lexed from plain code (`endModes` '', which a statement of a
//   list that began in a string's interpolation never has), makes the same tokens;
// - its turn reported no error, and the item none in that text (an error hides a second one at
//   its place: one the statement's parse made there would have been hidden), nor one past
//   `MAX_ITEM_ERRORS` or of nesting (reported once per item: one the statement met would have
//   been hidden too);
// - no turn before it in its list looked past its first token (no memo of theirs reached it),
//   and it looked no further than the first token after it (no memo of its own reaches the next);
// - the parser checks the rest where it is: in plain code; it ends with no blanks (where the
//   lexer goes on after it); no memo reaching on, of its list, or of another unless the node is a
//   let's statement or an element without a `{` (no scan of its fails, so it leaves that memo as it
//   found it; a memo left by any other's scans is dead after it, of a list inside it or of its own
//   ending before the next statement); its nesting low enough that it cannot meet the limit
//   (`MAX_NESTING`); the window holding all it looked at.

import { ARG_TURNS } from './grammar/common';
import { type GreenElement, GreenNode, GreenToken, type RelativeSyntaxError } from './green';
import { SyntaxKind as K, isTrivia } from './kinds';
import type { Source } from './pieces';
import { MAX_ITEM_ERRORS } from './parser';

/**
 * What a parser asks: an old statement (`element`: an old element of a long list) that starts at
 * `offset` of its text, if one may be taken there; and says when it took one.
 */
export interface StatementSource {
  at(offset: number, element: boolean): GreenNode | undefined;
  /** `node`, offered by `at`, was taken (`copy`: as a condition's statement, or as a tuple's element). */
  took(node: GreenNode, copy: boolean): void;
}

/** Whether a node's children are turns of a list that record what they read: a block's statements, a kind's members, a long list's arguments or a long if's arms (`ARG_TURNS`). */
export function turnList(node: GreenNode): boolean {
  const kind = node.kind;
  return (
    kind === K.Block ||
    kind === K.StructBody ||
    kind === K.InterfaceBody ||
    (turnsWhenLong(kind) && node.children.length >= ARG_TURNS.minimum)
  );
}

/** The lists whose elements are turns only when the list is long (`ARG_TURNS`): an argument list, an if's arms. */
export function turnsWhenLong(kind: K): boolean {
  return kind === K.ArgList || kind === K.IfExpr;
}

/**
 * A statement taken into a condition's statements (`if x = f(); x > 0 {`, where a condition
 * typed alone takes the statements after it until a `{`) is a copy of the block's, without the
 * records of a turn (a condition's statements are no turns): the block's it was copied from, for a
 * later re-parse that meets it in a block again (the condition deleted) and takes it with them.
 */
const copiedFrom = new WeakMap<GreenNode, GreenNode>();

/**
 * An element of a long list taken into a tuple (`[a, (b, c]`, where a `(` typed alone takes the
 * elements after it until the list's closer) is likewise a copy without the turn's records: the
 * element it was copied from, for a later re-parse that meets it in the list again.
 */
const elementCopiedFrom = new WeakMap<GreenNode, GreenNode>();

/**
 * The element `node` of a long list as a tuple's element: a copy without the records of its turn
 * (the tuple parses its elements as the list does, `parseExpression`), made once per element.
 */
export function asTupleElement(node: GreenNode): GreenNode {
  let copy = elementCopies.get(node);
  if (copy === undefined) {
    copy = new GreenNode(node.kind, node.children, node.width);
    elementCopies.set(node, copy);
    elementCopiedFrom.set(copy, node);
  }
  return copy;
}

/** `asTupleElement`'s answers, by the list's element. */
const elementCopies = new WeakMap<GreenNode, GreenNode>();

/**
 * The statement `node` of a block as a condition's statement, when the condition's parse
 * (`parseStatement` with `{` ending an expression) makes the same of its text: no `{` in it, and
 * its `;` last, which ends it whatever follows; else undefined.
 */
export function asConditionStatement(node: GreenNode): GreenNode | undefined {
  // Made once per statement (a re-parse's windows meet it again, and so do the keystrokes after).
  let copy = conditionCopies.get(node);
  if (copy === undefined) conditionCopies.set(node, (copy = conditionCopy(node)));
  return copy ?? undefined;
}

/** `asConditionStatement`'s answers, by the block's statement (null: none). */
const conditionCopies = new WeakMap<GreenNode, GreenNode | null>();

function conditionCopy(node: GreenNode): GreenNode | null {
  if (lastToken(node) !== K.Semi || holds(node, K.LBrace)) return null;
  const copy = new GreenNode(node.kind, node.children, node.width);
  copiedFrom.set(copy, node);
  return copy;
}

/** The kind of the last token of `node` (down its last children; `EOF` for an empty node). */
export function lastToken(node: GreenNode): K {
  let last: GreenElement = node;
  while (last instanceof GreenNode) {
    if (last.children.length === 0) return K.EOF;
    last = last.children[last.children.length - 1];
  }
  return last.kind;
}

/** Whether a token of this kind is in `node`. */
function holds(node: GreenNode, kind: K): boolean {
  const stack: GreenElement[] = [node];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (x instanceof GreenToken) {
      if (x.kind === kind) return true;
    } else for (let i = x.children.length - 1; i >= 0; i--) stack.push(x.children[i]);
  }
  return false;
}

/**
 * Old statements taken whole by re-parses so far (for tests and benchmarks): in all (elements
 * too), as a condition's statements, found as a condition's (a block's taken into a condition
 * before), and found in the text before the old one; and of those, the elements of long lists, as
 * a tuple's elements, found as a tuple's.
 */
export const statementReuse = { taken: 0, intoConditions: 0, fromConditions: 0, fromBefore: 0, elements: 0, intoTuples: 0, fromTuples: 0 };

/**
 * A re-parse of items this long (characters) offers their old statements from its first window
 * on; a shorter one parses in a fraction of a millisecond, less than finding them would take, and
 * offers them only to a longer window (the first read too near its end).
 */
export const REUSE_WITHIN = 16 * 1024;

/** Whether re-parses offer old statements (`oldStatements`): on but for benchmarks that compare. */
let reusing = true;

/** @internal for benchmarks: with `false`, a re-parse parses every statement it reads. */
export function setStatementReuse(on: boolean): void {
  reusing = on;
}

/** A text read by offset: the old text, or the one before it seen through the old text. */
interface Chars {
  charCodeAt(offset: number): number;
}

/**
 * The edit that made the old text from the one before it, and that one's top-level elements it
 * replaced, from `restart` on (`SyntaxTree.origin`): where the old tree lost statements (a `}`
 * typed alone ends a function early, the statements after it are an error's tokens), they are
 * still there, for a re-parse of the next edit (its deletion) to take.
 */
export interface EditBefore {
  readonly start: number;
  readonly end: number;
  readonly inserted: number;
  readonly removed: readonly GreenElement[];
  readonly restart: number;
}

/**
 * `OldStatements` of these arguments, unless `setStatementReuse(false)`; with `before`, also the
 * statements of the text before the old one that neither edit changed.
 */
export function oldStatements(
  text: Source,
  items: readonly GreenElement[],
  first: number,
  firstStart: number,
  start: number,
  end: number,
  inserted: number,
  base: number,
  before?: EditBefore,
): OldStatements | undefined {
  if (!reusing) return undefined;
  const made = new OldStatements(text, items, first, firstStart, start, end, inserted, base);
  if (before && before.removed.length > 0) {
    // The text before the old one, past its edit, is the old text moved by the edit's delta.
    const delta = before.inserted - (before.end - before.start);
    const earlier: Chars = { charCodeAt: (offset) => text.charCodeAt(offset + delta) };
    made.before = new OldStatements(earlier, before.removed, 0, before.restart, before.start, before.end, before.inserted, 0);
  }
  return made;
}

/**
 * The old statements of the old top-level elements `items` from `first` on (the first at
 * `firstStart` of the old text) that an edit of the old text ([`start`, `end`) replaced by `inserted` characters) left as
 * they were, by where they start in a parser's text that begins at `base` of the new text. An
 * element's are found when a parse first asks past its start (a re-parse that meets the old tree
 * soon asks for none), and only those a statement that may be taken does not hold: where it is
 * met it is taken whole, and a parse that came into it elsewhere parses what it meets.
 */
export class OldStatements implements StatementSource {
  /** The statements found, by where they start in the parser's text (found in that order). */
  private readonly starts: number[] = [];
  private readonly found: GreenNode[] = [];
  /** Whether each is an element of a long list (else a block's statement). */
  private readonly elements: boolean[] = [];
  /** The one `at` found last. */
  private last = -1;
  /** The statements offered that were found as a condition's, the elements found as a tuple's (for `statementReuse`). */
  private fromCopies: Set<GreenNode> | undefined;
  private fromTuples: Set<GreenNode> | undefined;
  /** The next element whose statements are not found yet, and its start. */
  private next: number;
  private nextStart: number;

  constructor(
    private readonly text: Chars,
    private readonly items: readonly GreenElement[],
    first: number,
    firstStart: number,
    private readonly start: number,
    private readonly end: number,
    private readonly inserted: number,
    private readonly base: number,
  ) {
    this.next = first;
    this.nextStart = firstStart;
  }

  /** The statements of the text before the old one, by where they are in the old text (`oldStatements`). */
  before: OldStatements | undefined;
  /** Whether `at` found its last answer there. */
  private lastBefore = false;

  at(offset: number, element: boolean): GreenNode | undefined {
    // Where `offset` was in the old text (in the edit: nothing there was a statement's start).
    const at = this.base + offset;
    const delta = this.inserted - (this.end - this.start);
    const old = at < this.start ? at : at - delta;
    while (this.next < this.items.length && this.nextStart <= old) {
      const node = this.items[this.next++];
      if (node instanceof GreenNode && errorsKept(node)) this.collectIn(node, this.nextStart);
      this.nextStart += node.width;
    }
    const starts = this.starts;
    const lo = firstNotBelow(starts, offset);
    this.lastBefore = false;
    if (lo < starts.length && starts[lo] === offset) {
      if (this.elements[lo] !== element) return undefined;
      this.last = lo;
      return this.found[lo];
    }
    // One of the text before the old one, where it is in the old text, unless in this edit.
    if (this.before === undefined || (at >= this.start && old <= this.end)) return undefined;
    const earlier = this.before.at(old, element);
    if (earlier === undefined || !this.unchanged(earlier, old, old + earlier.width, undefined)) return undefined;
    this.lastBefore = true;
    return earlier;
  }

  /** A statement (`element`: an element of a long list) found at `at` of the old text. */
  private add(at: number, node: GreenNode, element: boolean): void {
    this.starts.push((at < this.start ? at : at + this.inserted - (this.end - this.start)) - this.base);
    this.found.push(node);
    this.elements.push(element);
  }

  took(node: GreenNode, copy: boolean): void {
    const element = this.lastBefore ? this.before!.elements[this.before!.last] : this.elements[this.last];
    statementReuse.taken++;
    if (this.lastBefore) statementReuse.fromBefore++;
    if (element) {
      statementReuse.elements++;
      if (copy) statementReuse.intoTuples++;
      if (this.fromTuples?.has(node)) statementReuse.fromTuples++;
    } else {
      if (copy) statementReuse.intoConditions++;
      if (this.fromCopies?.has(node)) statementReuse.fromConditions++;
    }
  }

  /**
   * The statements of the blocks in an item (at `itemStart`) and the elements of its long lists
   * that may be taken, in order, but for those inside one that may; a condition's statements
   * that were a block's, those, and a tuple's elements that were a list's.
   */
  private collectIn(item: GreenNode, itemStart: number): void {
    const errors = Int32Array.from(item.errors, (e) => itemStart + e.start).sort();
    // Depth first, in order: per node on the way down, its next child, where that starts, and
    // (in a block) how far the turns before it looked. On stacks of their own: a tree nests as
    // deep as a chain of operators is long.
    const nodes: GreenNode[] = [item];
    const next: number[] = [0];
    const ats: number[] = [itemStart];
    const reaches: number[] = [0];
    while (nodes.length > 0) {
      const top = nodes.length - 1;
      const x = nodes[top];
      const i = next[top];
      const children = x.children;
      if (i === children.length) {
        nodes.pop();
        next.pop();
        ats.pop();
        reaches.pop();
        continue;
      }
      const c = children[i];
      const at = ats[top];
      const end = at + c.width;
      next[top] = i + 1;
      ats[top] = end;
      if (!(c instanceof GreenNode)) {
        if (!isTrivia(c.kind)) reaches[top] = Math.max(reaches[top], end + 3);
        continue;
      }
      if (x.kind === K.Condition) {
        const from = copiedFrom.get(c);
        if (from && this.unchanged(from, at, end, children[i - 1])) {
          this.add(at, from, false);
          (this.fromCopies ??= new Set()).add(from);
        }
        continue;
      }
      if (x.kind === K.TupleExpr || x.kind === K.ParenExpr) {
        const from = elementCopiedFrom.get(c);
        if (from) {
          if (this.unchanged(from, at, end, children[i - 1])) {
            this.add(at, from, true);
            (this.fromTuples ??= new Set()).add(from);
          }
          continue;
        }
      }
      const reach = reaches[top];
      reaches[top] = Math.max(reach, end + Math.abs(c.lookahead));
      const list = x.kind === K.Block ? 1 : x.kind === K.ArgList && x.children.length >= ARG_TURNS.minimum ? 2 : 0;
      if (list !== 0 && this.takes(c, at, end, reach, children, i, errors)) this.add(at, c, list === 2);
      else if (c.children.length > 0) {
        nodes.push(c);
        next.push(0);
        ats.push(at);
        reaches.push(0);
      }
    }
  }

  /** Whether the statement `c` of a block (or the element of a long list), at [`at`, `end`), may be taken (see the top of this file). */
  private takes(
    c: GreenNode,
    at: number,
    end: number,
    reach: number,
    siblings: readonly GreenElement[],
    index: number,
    errors: Int32Array,
  ): boolean {
    if (!this.unchanged(c, at, end, siblings[index - 1])) return false;
    const looked = end + c.lookahead;
    // (A first token ends no sooner than where it is looked for: most turns looked no further than that, unread.)
    if (reach > at + 3 && reach > firstTokenEnd(siblings, index, at) + 3) return false;
    if (looked > end + 3 && looked > firstTokenEnd(siblings, index + 1, end) + 3) return false;
    if (errors.length === 0) return true;
    // No error of the item in [at, looked] (`errors`: where they are, in order).
    const lo = firstNotBelow(errors, at);
    return lo === errors.length || errors[lo] > looked;
  }

  /**
   * Whether a statement `c` its turn recorded (no error, ending in plain code), at [`at`, `end`),
   * lies in text the edit left with all it looked at: before the edit, or after it with the blanks
   * before it on its line.
   */
  private unchanged(c: GreenNode, at: number, end: number, before: GreenElement | undefined): boolean {
    if (c.lookahead < 0 || c.errors.length > 0 || c.endModes !== '') return false;
    return end + c.lookahead <= this.start || (at > this.end && this.leadAfterEdit(at, before));
  }

  /**
   * Whether the blanks before `at` on its line (what the parser reads before a token) come after
   * the edit: read in the text, unless the element `before` it is trivia that begins after the
   * edit (those blanks end in it, at a line break or at the character before it).
   */
  private leadAfterEdit(at: number, before: GreenElement | undefined): boolean {
    if (before !== undefined && isTrivia(before.kind) && at - before.width > this.end) return true;
    for (let p = at - 1; p >= this.end; p--) {
      const ch = this.text.charCodeAt(p);
      if (ch !== 32 && ch !== 9) return true;
    }
    return false;
  }
}

/** The first place in `values` (in increasing order) whose value is `x` or more; their length if none. */
function firstNotBelow(values: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Whether an item kept all its errors and met no nesting limit (each reported once per item): its
 * parts may be re-parsed alone (body.ts) or taken whole (its statements).
 */
export function errorsKept(item: GreenNode): boolean {
  const errors = item.errors;
  if (errors.length >= MAX_ITEM_ERRORS) return false;
  for (const e of errors) if (nestedError(e)) return false;
  return true;
}

/**
 * The end of the first significant token of the elements from `index` on (the first at `offset`);
 * past them all, their end. A turn that looked no further than it (and the lexer's 3 characters
 * past it) left no memo of a let-scan that the turn there reads.
 */
export function firstTokenEnd(elements: readonly GreenElement[], index: number, offset: number): number {
  for (let i = index; i < elements.length; i++) {
    const t = firstToken(elements[i], offset);
    if (t >= 0) return t;
    offset += elements[i].width;
  }
  return offset;
}

/** The end of the first significant token in an element starting at `offset`, or -1 when it holds none. */
export function firstToken(e: GreenElement, offset: number): number {
  if (e instanceof GreenToken) return isTrivia(e.kind) ? -1 : offset + e.width;
  // Down the first children (a node begins with a significant token, but for an empty one).
  let x: GreenElement = e;
  while (x instanceof GreenNode && x.children.length > 0) x = x.children[0];
  if (x instanceof GreenToken && !isTrivia(x.kind)) return offset + x.width;
  // In order, on a stack of its own: a chain of operators nests a tree as deep as it is long.
  const stack: GreenElement[] = [e];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (x instanceof GreenToken) {
      if (!isTrivia(x.kind)) return offset + x.width;
      offset += x.width;
    } else for (let i = x.children.length - 1; i >= 0; i--) stack.push(x.children[i]);
  }
  return -1;
}

/** An error the parser reports once per item (nesting past its limit). */
export function nestedError(e: RelativeSyntaxError): boolean {
  return e.message.startsWith('nested more than');
}
