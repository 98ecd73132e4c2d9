// A re-parse that reads far past an edit (a `{` typed alone takes the rest of the function into
// its block; deleting it brings the statements back out) meets the old statements again at
// other depths, where the re-parse by statements (body.ts) cannot take them: they are one level
// deeper or shallower than they were. This offers the parser those old statements by where they
// start in the new text, to take whole instead of parsing them (`Parser.reuseStatement`), as
// Roslyn's and tree-sitter's incremental parsers take old nodes wherever the parse meets one.
//
// A statement's turn depends on what came before it only through where it starts (in plain code,
// and as far as the lexer and the parser read before its first token, its line's indentation),
// its nesting (how deep it may go), where the last error was and where the last significant token
// ended (it uses neither when it reports no error), and a failed let-scan's memo of the same list
// (`Parser.hasLetEquals`); and the turns after it depend on it only through what it read (its
// `lookahead`) and the memo its own scans leave. So an old statement is offered only when:
// - it and all it looked at (its lookahead) lie in text the edit did not change, and so does its
//   line before it: the same text, lexed from plain code (`endModes` '', which a statement of a
//   list that began in a string's interpolation never has), makes the same tokens;
// - its turn reported no error, and the item none in that text (an error hides a second one at
//   its place: one the statement's parse made there would have been hidden), nor one past
//   `MAX_ITEM_ERRORS` or of nesting (reported once per item: one the statement met would have
//   been hidden too);
// - no turn before it in its list looked past its first token (no memo of theirs reached it),
//   and it looked no further than the first token after it (no memo of its own reaches the next);
// - the parser checks the rest where it is: in plain code, no memo of its list reaching there,
//   its nesting low enough that the statement cannot meet the limit (`MAX_NESTING`), and the
//   window holding all the statement looked at.

import { type GreenElement, GreenNode, GreenToken, type RelativeSyntaxError } from './green';
import { SyntaxKind as K, isTrivia } from './kinds';
import type { Source } from './pieces';
import { MAX_ITEM_ERRORS } from './parser';

/** What a parser asks: an old statement that starts at `offset` of its text, if one may be taken there; and says when it took one. */
export interface StatementSource {
  at(offset: number): GreenNode | undefined;
  took(): void;
}

/** Old statements taken whole by re-parses so far (for tests and benchmarks). */
export const statementReuse = { taken: 0 };

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

/** `OldStatements` of these arguments, unless `setStatementReuse(false)`. */
export function oldStatements(
  text: Source,
  items: readonly GreenElement[],
  first: number,
  firstStart: number,
  start: number,
  end: number,
  inserted: number,
  base: number,
): OldStatements | undefined {
  return reusing ? new OldStatements(text, items, first, firstStart, start, end, inserted, base) : undefined;
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
  private readonly byStart = new Map<number, GreenNode>();
  /** The next element whose statements are not found yet, and its start. */
  private next: number;
  private nextStart: number;

  constructor(
    private readonly text: Source,
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

  at(offset: number): GreenNode | undefined {
    // Where `offset` was in the old text (in the edit: nothing there was a statement's start).
    const at = this.base + offset;
    const delta = this.inserted - (this.end - this.start);
    const old = at < this.start ? at : at - delta;
    while (this.next < this.items.length && this.nextStart <= old) {
      const node = this.items[this.next++];
      if (node instanceof GreenNode && takesFrom(node)) this.collectIn(node, this.nextStart);
      this.nextStart += node.width;
    }
    return this.byStart.get(offset);
  }

  took(): void {
    statementReuse.taken++;
  }

  /** The statements of the blocks in an item (at `itemStart`) that may be taken, but for those inside one that may. */
  private collectIn(item: GreenNode, itemStart: number): void {
    const errors = Int32Array.from(item.errors, (e) => itemStart + e.start).sort();
    const delta = this.inserted - (this.end - this.start);
    // On stacks of their own: a tree nests as deep as a chain of operators is long.
    const nodes: GreenNode[] = [item];
    const starts: number[] = [itemStart];
    for (let x = nodes.pop(); x !== undefined; x = nodes.pop()) {
      let at = starts.pop()!;
      const children = x.children;
      const block = x.kind === K.Block;
      // How far the turns before the child looked (a block's elements).
      let reach = 0;
      for (let i = 0; i < children.length; i++) {
        const c = children[i];
        const end = at + c.width;
        if (c instanceof GreenNode) {
          if (block && this.takes(c, at, end, reach, children, i, errors))
            this.byStart.set((at < this.start ? at : at + delta) - this.base, c);
          else if (c.children.length > 0) {
            nodes.push(c);
            starts.push(at);
          }
        }
        if (block && !isTrivia(c.kind)) reach = Math.max(reach, end + (c instanceof GreenNode ? Math.abs(c.lookahead) : 3));
        at = end;
      }
    }
  }

  /** Whether the statement `c` of a block, at [`at`, `end`), may be taken (see the top of this file). */
  private takes(
    c: GreenNode,
    at: number,
    end: number,
    reach: number,
    siblings: readonly GreenElement[],
    index: number,
    errors: Int32Array,
  ): boolean {
    if (c.lookahead < 0 || c.errors.length > 0 || c.endModes !== '') return false;
    const looked = end + c.lookahead;
    // In the text the edit left: before it, or after it with the line's start before the statement.
    if (!(looked <= this.start || (at > this.end && this.leadAfterEdit(at)))) return false;
    if (reach > firstTokenEnd(siblings, index, at) + 3) return false;
    if (looked > firstTokenEnd(siblings, index + 1, end) + 3) return false;
    // No error of the item in [at, looked] (`errors`: where they are, in order).
    let lo = 0;
    let hi = errors.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (errors[mid] < at) lo = mid + 1;
      else hi = mid;
    }
    return lo === errors.length || errors[lo] > looked;
  }

  /** Whether the blanks before `at` on its line (what the parser reads before a token) come after the edit. */
  private leadAfterEdit(at: number): boolean {
    for (let p = at - 1; p >= this.end; p--) {
      const ch = this.text.charCodeAt(p);
      if (ch !== 32 && ch !== 9) return true;
    }
    return false;
  }
}

/** Whether statements of an item may be taken at all: it kept all its errors and met no nesting limit. */
function takesFrom(item: GreenNode): boolean {
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
