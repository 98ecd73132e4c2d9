// An edit inside a function's body that changes more than one token (a `;`, a bracket, a keyword,
// a line broken) re-parses the statements it can change, not the whole function: a function of
// 4,000 statements otherwise costs 50–150 ms a keystroke. Each statement of a function's body
// records how far its turn of the statement list looked past its end (`lookahead`, set by
// `parseBodyStatements`), so the statements before the edit whose turns did not look as far as it
// are kept, the parse starts after them, and it stops where it meets the old statements again (a
// statement's end at the same place, past the edit, in plain code): the statements after it are
// kept too. A statement's turn depends on nothing before it but where it starts (in plain code,
// at the same nesting), so the kept ones are what a full parse makes; tests hold the two equal.
//
// Taken only for an item without syntax errors (its errors are then the new statements' errors)
// whose body's braces the edit leaves alone; anything else re-parses the item as before.

import { type GreenElement, GreenNode, NO_ERRORS, RELEASED, type RelativeSyntaxError } from './green';
import { SyntaxKind as K, isTrivia } from './kinds';
import { Parser } from './parser';
import type { Source } from './pieces';
import { windowHolds, windowSlack } from './window';

/** Bodies of fewer elements are re-parsed with their item (cheap enough, and the item's parse is the simpler path). */
let minimumElements = 64;

/** @internal for tests: bodies of any size re-parsed by statements. */
export function setBodyMinimum(elements: number): void {
  minimumElements = elements;
}

/** How far an element of a body's block looked past its end: its own lookahead, or for a token the lexer's 3 characters. */
function lookedPast(e: GreenElement): number {
  return e instanceof GreenNode ? e.lookahead : 3;
}

/**
 * The function item at `itemStart` of `text` (the old text; the lexer began it in plain code) with
 * the edit [`start`, `end`) → `inserted` applied by re-parsing the statements of its body the
 * edit can change, when the item has no syntax error and the edit falls between its body's
 * braces; else undefined (re-parse the item). The new item's errors are the new statements' own.
 */
export function reparseBody(
  item: GreenNode,
  itemStart: number,
  text: Source,
  start: number,
  end: number,
  inserted: string,
): GreenNode | undefined {
  if (item.kind !== K.FunctionItem || item.children === RELEASED || item.errors.length > 0 || item.endModes !== '') return undefined;
  // item → FunctionBody → Block, the body last.
  const bodyIndex = item.children.length - 1;
  const body = item.children[bodyIndex];
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
  for (; first < n; first++) {
    const e = elements[first];
    const elementEnd = offset + e.width;
    if (!isTrivia(e.kind)) {
      if (elementEnd + lookedPast(e) > start) break;
      keep = first + 1;
      restart = elementEnd;
    }
    offset = elementEnd;
  }
  // The `{` looked that far (or the `}`: the edit is against it): the item is re-parsed.
  if (keep === 0 || first >= n - 1) return undefined;

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
    const run = parser.parseBodyRun((at) => {
      const oldEnd = base + at - delta;
      if (oldEnd < end || base + at < start + inserted.length) return false;
      while (cursor < n - 1 && cursorEnd + elements[cursor].width <= oldEnd) {
        cursorEnd += elements[cursor].width;
        cursor++;
        if (cursorEnd === oldEnd && !isTrivia(elements[cursor - 1].kind)) {
          resume = cursor;
          return true;
        }
      }
      return false;
    });
    const scanned = parser.scanned;
    parser.release();
    // Met again after a statement, or at the body's own `}` (the list ended there).
    if (!run.resynced) resume = run.atBrace >= 0 && base + run.atBrace - delta === closeStart ? n - 1 : -1;
    if (windowEnd === oldLength || windowHolds(window, scanned))
      return resume >= 0 ? made(item, itemStart, body, block, keep, run, resume, base, delta) : undefined;
    // The parse read to the window's end, or so near it that the rest decides: a longer window.
    slack = slack * 4 + 256;
  }
}

/** The item made again: its body's block with the elements [`keep`, `resume`) replaced by the run's. */
function made(
  item: GreenNode,
  itemStart: number,
  body: GreenNode,
  block: GreenNode,
  keep: number,
  run: { elements: GreenElement[]; errors: { start: number; end: number; message: string; warning?: boolean }[]; furthestEnd: number },
  resume: number,
  base: number,
  delta: number,
): GreenNode | undefined {
  const elements = block.children;
  // The item's own look past its end (its parse's furthest token): the replaced statements must
  // not have been what set it, since the new ones set theirs.
  const itemEnd = itemStart + item.width;
  const itemReach = itemEnd + item.lookahead;
  let offset = itemStart + item.width - body.width;
  for (let i = 0; i < keep; i++) offset += elements[i].width;
  for (let i = keep; i < resume; i++) {
    offset += elements[i].width;
    if (!isTrivia(elements[i].kind) && offset + lookedPast(elements[i]) >= itemReach) return undefined;
  }
  const children: GreenElement[] = elements.slice(0, keep);
  for (const e of run.elements) children.push(e);
  for (let i = resume; i < elements.length; i++) children.push(elements[i]);
  const newBlock = new GreenNode(K.Block, children, block.width + delta);
  const newBody = new GreenNode(K.FunctionBody, [newBlock], body.width + delta);
  const itemChildren = item.children.slice();
  itemChildren[itemChildren.length - 1] = newBody;
  const fresh = new GreenNode(item.kind, itemChildren, item.width + delta);
  const errors: RelativeSyntaxError[] = run.errors.map((e) =>
    e.warning
      ? { start: base + e.start - itemStart, end: base + e.end - itemStart, message: e.message, warning: true }
      : { start: base + e.start - itemStart, end: base + e.end - itemStart, message: e.message },
  );
  fresh.errors = errors.length === 0 ? NO_ERRORS : errors;
  fresh.lookahead = Math.max(itemReach + delta, base + run.furthestEnd + 3) - (itemEnd + delta);
  fresh.endModes = '';
  return fresh;
}
