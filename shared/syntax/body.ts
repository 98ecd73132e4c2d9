// An edit inside a function's body that changes more than one token (a `;`, a bracket, a keyword,
// a line broken) re-parses the statements it can change, not the whole function: a function of
// 4,000 statements otherwise costs 50–150 ms a keystroke. Each statement of a function's body
// records how far its turn of the statement list looked past its end (`lookahead`, set by
// `parseBodyStatements`), so the statements before the edit whose turns did not look as far as it
// are kept, the parse starts after them, and it stops where it meets the old statements again (a
// statement's end at the same place, past the edit, in plain code): the statements after it are
// kept too. A turn depends on what came before it only through where it starts (in plain code, at
// the body's nesting), where the last significant token ended and the last error was (both handed
// to the re-parse), and a failed let-scan's memo (`Parser.hasLetEquals`: a re-parse starts and
// stops only where none reaches across), so the kept ones are what a full parse makes; tests hold
// the two equal.
//
// A statement also records the syntax errors its turn found (its `errors`, among its item's too),
// so an item with errors is taken as well: its errors are those before the statements re-parsed,
// the new statements' own, and those after, moved. Not taken where the parser's own bookkeeping of
// errors would differ (an error reported once per position, once per item for nesting, at most
// `MAX_ITEM_ERRORS` of them), where the edit touches the body's braces, or where the new
// statements looked further past the item than it had; those re-parse the item as before.

import { type GreenElement, GreenNode, GreenToken, NO_ERRORS, RELEASED, type RelativeSyntaxError } from './green';
import { SyntaxKind as K, isTrivia } from './kinds';
import { MAX_ITEM_ERRORS, Parser } from './parser';
import type { Source } from './pieces';
import { windowHolds, windowSlack } from './window';

/** An edit of the text an item was parsed from (the old text): [`start`, `end`) replaced by `inserted`. */
export interface ItemEdit {
  readonly text: Source;
  readonly start: number;
  readonly end: number;
  readonly inserted: string;
}

/** Bodies of fewer elements are re-parsed with their item (cheap enough, and the item's parse is the simpler path). */
let minimumElements = 64;

/** @internal for tests: bodies of any size re-parsed by statements. */
export function setBodyMinimum(elements: number): void {
  minimumElements = elements;
}

/** How far the turn that made an element of a body's block looked past the element's end: its lookahead (negated on a node that does not end its turn), or for a token the lexer's 3 characters. */
function lookedPast(e: GreenElement): number {
  return e instanceof GreenNode ? Math.abs(e.lookahead) : 3;
}

/** Whether an element of a body's block ends a turn of the statement list (not a node error recovery built before another in one turn). */
function endsTurn(e: GreenElement): boolean {
  return !isTrivia(e.kind) && !(e instanceof GreenNode && e.lookahead < 0);
}

/**
 * The function item at `itemStart` of `text` (the old text; the lexer began it in plain code) with
 * the edit [`start`, `end`) → `inserted` applied by re-parsing the statements of its body the edit
 * can change, when the edit falls between its body's braces (see above); else undefined (re-parse
 * the item).
 */
export function reparseBody(item: GreenNode, itemStart: number, edit: ItemEdit): GreenNode | undefined {
  const { text, start, end, inserted } = edit;
  if (item.kind !== K.FunctionItem || item.children === RELEASED || item.endModes !== '') return undefined;
  const itemErrors = item.errors;
  if (itemErrors.length >= MAX_ITEM_ERRORS || itemErrors.some(nested)) return undefined;
  // item → FunctionBody → Block, the body last.
  const body = item.children[item.children.length - 1];
  if (!(body instanceof GreenNode) || body.kind !== K.FunctionBody || body.children.length !== 1) return undefined;
  const block = body.children[0];
  if (!(block instanceof GreenNode) || block.kind !== K.Block) return undefined;
  const elements = block.children;
  const n = elements.length;
  if (n < minimumElements || elements[0].kind !== K.LBrace || elements[n - 1].kind !== K.RBrace) return undefined;
  const blockStart = itemStart + item.width - body.width;
  const closeStart = blockStart + block.width - 1;
  if (end > closeStart) return undefined;

  // The first element whose turn looked as far as the edit; the parse starts after the element before it.
  let offset = blockStart;
  let first = 0;
  let keep = 0; // elements kept in front: up to the last significant one before `first`
  let restart = blockStart;
  let errorsBefore = 0; // the errors of the statements kept in front
  let keptReach = 0; // how far their turns looked
  for (; first < n; first++) {
    const e = elements[first];
    const elementEnd = offset + e.width;
    if (!isTrivia(e.kind)) {
      const reach = elementEnd + lookedPast(e);
      if (reach > start) break;
      keep = first + 1;
      restart = elementEnd;
      keptReach = Math.max(keptReach, reach);
      if (e instanceof GreenNode) errorsBefore += e.errors.length;
    }
    offset = elementEnd;
  }
  // The `{` looked that far (or the `}`: the edit is against it), or a turn kept looked past the
  // first token of the first one re-parsed (which may have read what it left): the item is re-parsed.
  // The lexer's state after the `{`: plain code unless the header holds a string (one left open
  // makes the body an interpolation's).
  const open = plainHeader(item) ? '' : '?';
  if (keep === 0 || first >= n - 1 || keptReach > firstTokenEnd(elements, keep, restart) + 3 || modesAfter(elements, keep, open) !== '')
    return undefined;
  // The item's errors: its header's, then each statement's in order.
  let inStatements = 0;
  if (itemErrors.length > 0) for (const e of elements) if (e instanceof GreenNode) inStatements += e.errors.length;
  const headerErrors = itemErrors.length - inStatements;
  if (headerErrors < 0) return undefined;
  const kept = headerErrors + errorsBefore;

  const delta = inserted.length - (end - start);
  const oldLength = text.length;
  // The window starts at the restart's line (what the parser reads before a token is on its line).
  let base = restart;
  while (base > 0 && text.charCodeAt(base - 1) !== 10 && text.charCodeAt(base - 1) !== 13) base--;
  let slack = windowSlack();
  for (;;) {
    const windowEnd = Math.min(oldLength, end + slack);
    const window = text.slice(base, start) + inserted + text.slice(end, windowEnd);
    // The old elements from `keep` on, walked as far as the parse has come, for where it meets them again.
    let cursor = keep;
    let cursorEnd = restart;
    let resume = -1;
    const parser = new Parser(window, restart - base);
    parser.copyLongTokens = true;
    let after = kept; // the item's errors up to the cursor
    let reach = 0; // how far the old turns up to the cursor looked
    const run = parser.parseBodyRun(
      (at, lastError) => {
        const oldEnd = base + at - delta;
        if (oldEnd < end || base + at < start + inserted.length) return false;
        while (cursor < n - 1 && cursorEnd + elements[cursor].width <= oldEnd) {
          const e = elements[cursor];
          cursorEnd += e.width;
          cursor++;
          if (isTrivia(e.kind)) continue;
          reach = Math.max(reach, cursorEnd + lookedPast(e));
          if (e instanceof GreenNode) after += e.errors.length;
          if (
            cursorEnd === oldEnd &&
            endsTurn(e) &&
            modesAfter(elements, cursor, open) === '' &&
            reach <= firstTokenEnd(elements, cursor, cursorEnd) + 3 &&
            !errorBefore(elements, cursor) &&
            reportsAlike(itemErrors, itemStart, after, cursorEnd - trailingTrivia(e), lastError < 0 ? -1 : base + lastError, delta)
          ) {
            resume = cursor;
            return true;
          }
        }
        return false;
      },
      kept > 0 ? itemStart + itemErrors[kept - 1].start - base : -1,
      restart - trailingTrivia(elements[keep - 1]) - base,
    );
    const scanned = parser.scanned;
    parser.release();
    // Met again after a statement, or at the body's own `}` (the list ended there).
    if (!run.resynced) resume = run.atBrace >= 0 && base + run.atBrace - delta === closeStart ? n - 1 : -1;
    if (windowEnd === oldLength || windowHolds(window, scanned))
      return resume >= 0 ? made(item, itemStart, body, block, keep, restart, run, resume, base, delta, kept) : undefined;
    // The parse read to the window's end, or so near it that the rest decides: a longer window.
    slack = slack * 4 + 256;
  }
}

/**
 * Whether the statements after a place where a re-parse met the old tree (`after`: the item's
 * errors before them; `lastSignificant`: the end of the last significant token before them, old
 * offsets) report their errors after the new statements as they did after the old (an error is
 * not reported twice at one position): the old parse's last error before them was before that
 * token's end, so it hid none of theirs (they report none before it), and the new parse's last
 * (`lastError`, new offsets, -1: none) is not where their first is.
 */
function reportsAlike(
  errors: readonly RelativeSyntaxError[],
  itemStart: number,
  after: number,
  lastSignificant: number,
  lastError: number,
  delta: number,
): boolean {
  if (after > 0 && itemStart + errors[after - 1].start >= lastSignificant) return false;
  return !(after < errors.length && lastError >= 0 && lastError === itemStart + errors[after].start + delta);
}

/**
 * The end of the first significant token of the elements from `index` on (the first at `offset`):
 * the old turns a re-parse replaced must have looked no further than that token (and the lexer's
 * 3 characters past it), for the old turns after them to have been parsed as the first would be
 * after the new ones. Past it, a turn may have left state the next turns read (a failed let-scan's
 * memo, `Parser.hasLetEquals`, reaches as far as the scan went).
 */
function firstTokenEnd(elements: readonly GreenElement[], index: number, offset: number): number {
  for (let i = index; i < elements.length; i++) {
    const t = firstToken(elements[i], offset);
    if (t >= 0) return t;
    offset += elements[i].width;
  }
  return offset;
}

/** The end of the first significant token in an element starting at `offset`, or -1 when it holds none. */
function firstToken(e: GreenElement, offset: number): number {
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

/**
 * Whether the turn of the elements from `index` on holds an error before its first node (one
 * reported where the turn before ended): where the turn before is re-parsed, that place may move
 * otherwise than the turn.
 */
export function errorBefore(elements: readonly GreenElement[], index: number): boolean {
  for (let i = index; i < elements.length; i++) {
    const e = elements[i];
    if (!(e instanceof GreenNode)) {
      if (isTrivia(e.kind)) continue;
      return false;
    }
    if (e.errors.some((x) => x.start < 0)) return true;
    if (e.lookahead >= 0) return false;
  }
  return false;
}

/**
 * The lexer's state after the elements before `index` (a turn ends there): the last statement's
 * (trivia and `;` change none), or `open`, the state after the `{`. A re-parse starts and stops
 * only in plain code (error recovery can leave a string's interpolation open past a statement).
 */
function modesAfter(elements: readonly GreenElement[], index: number, open: string): string {
  for (let i = index - 1; i > 0; i--) {
    const e = elements[i];
    if (e instanceof GreenNode) return e.endModes;
  }
  return open;
}

/** Whether a function's header (all but its body) holds no string, interpolation or error node: the lexer is in plain code at its body's `{`. */
function plainHeader(item: GreenNode): boolean {
  const stack: GreenElement[] = item.children.slice(0, -1);
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (x instanceof GreenToken) continue;
    if (x.kind === K.StringExpr || x.kind === K.Interpolation || x.kind === K.Error) return false;
    for (const c of x.children) stack.push(c);
  }
  return true;
}

/** An error the parser reports once per item (nesting past its limit). */
function nested(e: RelativeSyntaxError): boolean {
  return e.message.startsWith('nested more than');
}

/** The width of the trivia an element ends with (a node may end with trivia after its last significant token). */
function trailingTrivia(e: GreenElement): number {
  // From the end, on a stack of its own (a tree nests as deep as a chain of operators is long).
  let width = 0;
  const stack: GreenElement[] = [e];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (x instanceof GreenToken) {
      if (!isTrivia(x.kind)) return width;
      width += x.width;
    } else for (const c of x.children) stack.push(c);
  }
  return width;
}

/**
 * The item made again: its body's block with the elements [`keep`, `resume`) (the first at
 * `restart`) replaced by the run's, its errors the first `kept` of the old ones, the run's, and
 * those of the statements after, moved; undefined where the parser's bookkeeping would have made
 * them otherwise.
 */
function made(
  item: GreenNode,
  itemStart: number,
  body: GreenNode,
  block: GreenNode,
  keep: number,
  restart: number,
  run: ReturnType<Parser['parseBodyRun']>,
  resume: number,
  base: number,
  delta: number,
  kept: number,
): GreenNode | undefined {
  const elements = block.children;
  const itemErrors = item.errors;
  // The item's own look past its end (its parse's furthest token): the replaced statements must
  // not have been what set it, since the new ones set theirs.
  const itemEnd = itemStart + item.width;
  const itemReach = itemEnd + item.lookahead;
  let offset = restart; // where element `keep` starts
  let replacedErrors = 0;
  for (let i = keep; i < resume; i++) {
    const e = elements[i];
    offset += e.width;
    if (!isTrivia(e.kind) && offset + lookedPast(e) >= itemReach) return undefined;
    if (e instanceof GreenNode && e.errors.length > 0) {
      // The statement's errors are the item's next ones (else the item's list is not theirs in order).
      const at = offset - e.width - itemStart;
      for (const x of e.errors) {
        const y = itemErrors[kept + replacedErrors++];
        if (y === undefined || y.start !== at + x.start || y.message !== x.message) return undefined;
      }
    }
  }
  const after = kept + replacedErrors;
  const errorCount = kept + run.errors.length + (itemErrors.length - after);
  if (errorCount >= MAX_ITEM_ERRORS || run.errors.some(nested)) return undefined;
  const children: GreenElement[] = elements.slice(0, keep);
  for (const e of run.elements) children.push(e);
  for (let i = resume; i < elements.length; i++) children.push(elements[i]);
  const newBlock = new GreenNode(K.Block, children, block.width + delta);
  const newBody = new GreenNode(K.FunctionBody, [newBlock], body.width + delta);
  const itemChildren = item.children.slice();
  itemChildren[itemChildren.length - 1] = newBody;
  const fresh = new GreenNode(item.kind, itemChildren, item.width + delta);
  if (errorCount > 0) {
    const errors: RelativeSyntaxError[] = itemErrors.slice(0, kept);
    for (const e of run.errors) errors.push(relative(e.start + base - itemStart, e.end + base - itemStart, e));
    for (let i = after; i < itemErrors.length; i++) {
      const e = itemErrors[i];
      errors.push(relative(e.start + delta, e.end + delta, e));
    }
    fresh.errors = errors;
  } else fresh.errors = NO_ERRORS;
  fresh.lookahead = Math.max(itemReach + delta, base + run.furthestEnd + 3) - (itemEnd + delta);
  fresh.endModes = '';
  return fresh;
}

/** An error at new offsets. */
function relative(start: number, end: number, e: { message: string; warning?: boolean }): RelativeSyntaxError {
  return e.warning ? { start, end, message: e.message, warning: true } : { start, end, message: e.message };
}
